/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libc shim for the kernel build of the libktrq core.  Linux's errno
 * values are its userspace ones, so a value the core returns means the
 * same thing in both builds.  The kernel has no ENOTSUP (its ENOTSUPP,
 * 524, is a different, kernel-internal code); glibc defines ENOTSUP as
 * EOPNOTSUPP, and so does this shim.
 */
#ifndef KTRQ_KSHIM_ERRNO_H
#define KTRQ_KSHIM_ERRNO_H

#include <linux/errno.h>

#ifndef ENOTSUP
#define	ENOTSUP		EOPNOTSUPP
#endif
#ifndef EWOULDBLOCK
#define	EWOULDBLOCK	EAGAIN
#endif

#endif
