/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * See fuzz_util.h.
 */
#define	_GNU_SOURCE	/* pthread_getattr_np; before every include */

#include <pthread.h>
#include <stddef.h>

#include "fuzz_util.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define	FUZZ_ASAN	1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define	FUZZ_ASAN	1
#endif

#ifdef FUZZ_ASAN
void	__sanitizer_start_switch_fiber(void **, const void *, size_t);
void	__sanitizer_finish_switch_fiber(void *, const void **, size_t *);

void
fuzz_fix_asan_stack(void)
{
	pthread_attr_t attr;
	void *bottom, *fake;
	size_t size;

	if (pthread_getattr_np(pthread_self(), &attr) != 0)
		return;
	if (pthread_attr_getstack(&attr, &bottom, &size) == 0) {
		/* A "switch" to the stack we are on: bookkeeping only. */
		fake = NULL;
		__sanitizer_start_switch_fiber(&fake, bottom, size);
		__sanitizer_finish_switch_fiber(fake, NULL, NULL);
	}
	pthread_attr_destroy(&attr);
}
#else
void
fuzz_fix_asan_stack(void)
{
}
#endif
