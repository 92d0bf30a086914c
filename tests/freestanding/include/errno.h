/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The freestanding check's <errno.h>: constants only (no errno object;
 * the core returns errors, it never sets errno), with Linux's values,
 * which are the same in a Linux kernel module (kernel/include/errno.h).
 * A core change that needs a new errno adds it here.
 */
#ifndef KTRQ_FS_ERRNO_H
#define KTRQ_FS_ERRNO_H

#define	EPERM		1
#define	ENOENT		2
#define	ESRCH		3
#define	EIO		5
#define	ENXIO		6
#define	EINTR		4
#define	EAGAIN		11
#define	ENOMEM		12
#define	EBUSY		16
#define	EEXIST		17
#define	EINVAL		22
#define	ENOSPC		28
#define	EDEADLK		35
#define	EBADMSG		74
#define	EMSGSIZE	90
#define	EOPNOTSUPP	95
#define	ENOBUFS		105
#define	EALREADY	114
#define	EOWNERDEAD	130
#define	EWOULDBLOCK	EAGAIN
#define	ENOTSUP		EOPNOTSUPP

#endif
