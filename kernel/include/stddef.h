/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libc shim for the kernel build of the libktrq core (kernel/Kbuild puts
 * this directory first on the include path).  A Linux module has no libc
 * headers; the core asks for <stddef.h> only for size_t, NULL and
 * offsetof, which the kernel spells in <linux/types.h> and
 * <linux/stddef.h>.
 */
#ifndef KTRQ_KSHIM_STDDEF_H
#define KTRQ_KSHIM_STDDEF_H

#include <linux/stddef.h>
#include <linux/types.h>

#endif
