/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Two locks taken in opposite orders.  PCT with depth 2 finds it within
 * a few dozen runs: k, the length over which the change point is placed,
 * is estimated from the longest run so far (a few dozen steps here).
 */
#include <stdint.h>
#include <stdio.h>

#include <ktrq/sim.h>

static struct ktrq_os_mtx *a, *b;

static void
lock2(const struct ktrq_os *os, struct ktrq_os_mtx *x, struct ktrq_os_mtx *y)
{

	os->mtx_enter(os->cookie, x);
	os->mtx_enter(os->cookie, y);
	os->mtx_exit(os->cookie, y);
	os->mtx_exit(os->cookie, x);
}

static void
ab(void *arg)
{

	lock2(arg, a, b);
}

static void
ba(void *arg)
{

	lock2(arg, b, a);
}

static void
body(const struct ktrq_os *os, void *arg)
{
	struct ktrq_os_thread *t1, *t2;

	(void)arg;
	os->mtx_init(os->cookie, &a, "a");
	os->mtx_init(os->cookie, &b, "b");
	os->thread_create(os->cookie, &t1, "ab", ab, (void *)(uintptr_t)os);
	os->thread_create(os->cookie, &t2, "ba", ba, (void *)(uintptr_t)os);
	os->thread_join(os->cookie, t1);
	os->thread_join(os->cookie, t2);
	os->mtx_destroy(os->cookie, a);
	os->mtx_destroy(os->cookie, b);
}

int
main(void)
{
	struct ktrq_sim_opts o;
	struct ktrq_sim_report r;
	int kind;

	ktrq_sim_opts_init(&o);
	o.name = "deadlock";
	o.strategy = KTRQ_SIM_PCT;
	o.pct_depth = 2;
	o.runs = 1000;
	kind = ktrq_sim_check(&o, body, NULL, &r);
	printf("%s after %llu runs (pct k %llu)\n", ktrq_sim_kind_name(kind),
	    (unsigned long long)r.runs, (unsigned long long)r.pct_steps);
	ktrq_sim_report_fini(&r);
	return (kind == 0 ? 0 : 1);
}
