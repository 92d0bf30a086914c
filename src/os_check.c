/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Validation of a platform table before an instance trusts it: the
 * rumpuser-style version handshake.
 */
#include <errno.h>
#include <stddef.h>

#include "ktrq/os.h"

int
ktrq_os_check(const struct ktrq_os *os)
{

	if (os == NULL)
		return (EINVAL);
	if (os->version != KTRQ_OS_VERSION)
		return (ENOTSUP);
	if (os->mtx_init == NULL || os->mtx_destroy == NULL ||
	    os->mtx_enter == NULL || os->mtx_exit == NULL ||
	    os->mtx_owned == NULL || os->msleep == NULL ||
	    os->wakeup == NULL || os->wakeup_one == NULL ||
	    os->thread_create == NULL || os->thread_join == NULL ||
	    os->thread_self == NULL || os->thread_name == NULL ||
	    os->clock_ns == NULL || os->alloc == NULL || os->free == NULL ||
	    os->log == NULL || os->panic == NULL || os->tunable == NULL ||
	    os->forked == NULL)
		return (EINVAL);
	return (0);
}
