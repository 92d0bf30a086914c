/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The freestanding check's <stddef.h> (tests/freestanding): what the
 * kernel shim (kernel/include/stddef.h) offers the core, from compiler
 * predefines only, so no libc or compiler header is reachable.
 */
#ifndef KTRQ_FS_STDDEF_H
#define KTRQ_FS_STDDEF_H

typedef __SIZE_TYPE__		size_t;
typedef __PTRDIFF_TYPE__	ptrdiff_t;
#define	NULL			((void *)0)
#define	offsetof(t, m)		__builtin_offsetof(t, m)

#endif
