/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libc shim for the kernel build of the libktrq core: the exact-width
 * types come from <linux/types.h>; the C99 limit macros the kernel names
 * differently (S16_MAX, U32_MAX, ...) are spelled here the C way.
 */
#ifndef KTRQ_KSHIM_STDINT_H
#define KTRQ_KSHIM_STDINT_H

#include <linux/types.h>
#include <linux/limits.h>

#ifndef INT8_MIN
#define	INT8_MIN	S8_MIN
#define	INT8_MAX	S8_MAX
#define	UINT8_MAX	U8_MAX
#define	INT16_MIN	S16_MIN
#define	INT16_MAX	S16_MAX
#define	UINT16_MAX	U16_MAX
#define	INT32_MIN	S32_MIN
#define	INT32_MAX	S32_MAX
#define	UINT32_MAX	U32_MAX
#define	INT64_MIN	S64_MIN
#define	INT64_MAX	S64_MAX
#define	UINT64_MAX	U64_MAX
#endif
#ifndef INTPTR_MAX
#define	INTPTR_MAX	LONG_MAX
#define	INTPTR_MIN	LONG_MIN
#endif
/* SIZE_MAX and UINTPTR_MAX come with <linux/limits.h>. */

#endif
