/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the actors of actors.h share: checking a call's result, and a
 * pause of virtual time.
 */
#include <errno.h>

#include "ktrq/sim.h"
#include "actors.h"

void
scn_want(const struct ktrq_os *os, int got, int want, const char *what)
{

	if (got != want)
		ktrq_sim_fail(os, "scenario: %s returned %d, not %d", what, got,
		    want);
}

void
scn_want_mem(const struct ktrq_os *os, int got, int want, const char *what)
{

	if (got != want && got != ENOMEM)
		ktrq_sim_fail(os, "scenario: %s returned %d, not %d (or "
		    "ENOMEM)", what, got, want);
}

/*
 * Virtual time passes only when every simulated thread waits, so a
 * pause of an actor whose partners are done lets the instance's timed
 * waits expire: the worker's batch wait, then its idle sleep.
 */
void
scn_pause(const struct ktrq_os *os, uint64_t ns)
{
	struct ktrq_os_mtx *m;
	uint64_t end, now;

	if (os->mtx_init(os->cookie, &m, "scenario pause") != 0)
		ktrq_sim_fail(os, "scenario: no mutex to pause on");
	os->mtx_enter(os->cookie, m);
	end = os->clock_ns(os->cookie) + ns;
	while ((now = os->clock_ns(os->cookie)) < end)
		(void)os->msleep(os->cookie, &m, m, "pause", end - now);
	os->mtx_exit(os->cookie, m);
	os->mtx_destroy(os->cookie, m);
}
