/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The freestanding check's <string.h>: only the four functions every
 * C compiler may call even in a freestanding program, and every kernel
 * provides.  Anything else (strlen, strcpy, ...) does not compile: the
 * core has its own helpers (src/string.c).
 */
#ifndef KTRQ_FS_STRING_H
#define KTRQ_FS_STRING_H

#include <stddef.h>

void	*memcpy(void *, const void *, size_t);
void	*memmove(void *, const void *, size_t);
void	*memset(void *, int, size_t);
int	 memcmp(const void *, const void *, size_t);

#endif
