/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libc shim for the kernel build of the libktrq core: memcpy, memset and
 * friends are the kernel's own.
 */
#ifndef KTRQ_KSHIM_STRING_H
#define KTRQ_KSHIM_STRING_H

#include <linux/string.h>

#endif
