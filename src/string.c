/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The few string helpers the core needs, written out so the core links
 * against nothing but the platform layer and the compiler's memcpy and
 * memset (which every kernel provides).
 */
#include <stddef.h>
#include <string.h>

#include "ktrq_impl.h"

size_t
ktrq__strnlen(const char *s, size_t max)
{
	size_t n;

	for (n = 0; n < max && s[n] != '\0'; n++)
		continue;
	return (n);
}

/* BSD strlcpy: always terminates (size > 0), returns strlen(src). */
size_t
ktrq__strlcpy(char *dst, const char *src, size_t size)
{
	size_t len, n;

	len = ktrq__strnlen(src, (size_t)-1);
	if (size != 0) {
		n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return (len);
}
