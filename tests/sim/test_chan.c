/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Per wait channel statistics of the engine (sim/chan.c): the most
 * threads asleep on a channel at once, the most one wakeup woke, the
 * calls of each verb and the wait message, through the internal
 * interface (ktrq_sim__chan_at, for the harness) and merged by wait
 * message in the public report (ktrq_sim_report.channels).  A deadlock
 * names a channel by the index ktrq_sim__chan_at gives it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ktrq/sim.h"
#include "sim.h"

#define	ENTER(os, m)	((os)->mtx_enter((os)->cookie, (m)))
#define	EXIT(os, m)	((os)->mtx_exit((os)->cookie, (m)))

/*
 * NSLEEP threads sleep on `gate` until main opens it with one wakeup
 * (or, with `one`, a wakeup_one per thread); main knows all are asleep
 * when `asleep` reaches NSLEEP under the mutex, since each counts itself
 * and sleeps in one step.  Another channel, `idle`, is only ever woken.
 */
#define	NSLEEP	3

struct gate {
	const struct ktrq_os *os;
	struct ktrq_os_mtx *m;
	int	 gate;
	int	 idle;
	int	 asleep;
	int	 open;
	int	 one;
	int	 fail;			/* fail each run at its end */
};

static void
sleeper(void *arg)
{
	struct gate *g = arg;
	const struct ktrq_os *os = g->os;

	ENTER(os, g->m);
	g->asleep++;
	while (!g->open)
		os->msleep(os->cookie, &g->gate, g->m, "three", 0);
	g->asleep--;
	EXIT(os, g->m);
}

static void
gate_body(const struct ktrq_os *os, void *arg)
{
	struct gate *g = arg;
	struct ktrq_os_thread *t[NSLEEP];
	int i;

	g->os = os;
	g->asleep = g->open = 0;
	os->mtx_init(os->cookie, &g->m, "gate");
	for (i = 0; i < NSLEEP; i++)
		os->thread_create(os->cookie, &t[i], "sleeper", sleeper, g);
	ENTER(os, g->m);
	while (g->asleep < NSLEEP) {
		EXIT(os, g->m);
		ktrq_sim_yield(os);
		ENTER(os, g->m);
	}
	g->open = 1;
	os->wakeup(os->cookie, &g->idle);
	if (g->one)
		for (i = 0; i < NSLEEP; i++)
			os->wakeup_one(os->cookie, &g->gate);
	else
		os->wakeup(os->cookie, &g->gate);
	EXIT(os, g->m);
	for (i = 0; i < NSLEEP; i++)
		os->thread_join(os->cookie, t[i]);
	os->mtx_destroy(os->cookie, g->m);
	KTRQ_SIM_ASSERT(os, !g->fail);
}

static void
gate_root(void *arg)
{
	struct gate *g = arg;

	gate_body(g->os, g);
}

/* One run through the internal interface; the sim is left to the caller. */
static struct sim *
gate_run(struct gate *g, uint64_t seed)
{
	struct sim_params p;
	struct sim *s;

	ktrq_sim__params_init(&p);
	p.seed = seed;
	p.vehicle = SIM_VEHICLE_FIBER;
	assert_int_equal(ktrq_sim__create(&p, NULL, &s), 0);
	g->os = ktrq_sim__os(s);
	assert_int_equal(ktrq_sim__run(s, gate_root, g), SIM_OK);
	return (s);
}

static const struct ktrq_sim__chan *
find(const struct sim *s, const void *chan)
{
	const struct ktrq_sim__chan *c;
	size_t i;

	for (i = 0; (c = ktrq_sim__chan_at(s, i)) != NULL; i++)
		if (c->chan == chan)
			return (c);
	fail_msg("channel %p not listed", chan);
	return (NULL);
}

static void
test_three_sleepers(void **state)
{
	const struct ktrq_sim__chan *c;
	struct gate g;
	struct sim *s;
	uint64_t seed;

	(void)state;
	for (seed = 1; seed <= 50; seed++) {
		memset(&g, 0, sizeof(g));
		s = gate_run(&g, seed);
		c = find(s, &g.gate);
		assert_string_equal(c->wmesg, "three");
		assert_int_equal(c->max_sleepers, NSLEEP);
		assert_int_equal(c->sleepers, 0);
		assert_true(c->sleeps >= NSLEEP);
		assert_int_equal(c->wakeups, 1);
		assert_int_equal(c->wakeup_ones, 0);
		assert_int_equal(c->max_woken, NSLEEP);
		assert_int_equal(c->woken, NSLEEP);
		assert_int_equal(c->timeouts, 0);
		c = find(s, &g.idle);
		assert_string_equal(c->wmesg, "");
		assert_int_equal(c->sleeps, 0);
		assert_int_equal(c->max_sleepers, 0);
		assert_int_equal(c->wakeups, 1);
		assert_int_equal(c->max_woken, 0);
		/* First use: &gate when the first sleeper slept, then &idle. */
		assert_ptr_equal(ktrq_sim__chan_at(s, 0)->chan, &g.gate);
		assert_ptr_equal(ktrq_sim__chan_at(s, 1)->chan, &g.idle);
		assert_null(ktrq_sim__chan_at(s, 2));
		ktrq_sim__destroy(s);
	}
}

static void
test_wake_one(void **state)
{
	const struct ktrq_sim__chan *c;
	struct gate g;
	struct sim *s;

	(void)state;
	memset(&g, 0, sizeof(g));
	g.one = 1;
	s = gate_run(&g, 7);
	c = find(s, &g.gate);
	assert_int_equal(c->max_sleepers, NSLEEP);
	assert_int_equal(c->wakeups, 0);
	assert_int_equal(c->wakeup_ones, NSLEEP);
	assert_int_equal(c->max_wake_one, NSLEEP);
	assert_int_equal(c->max_woken, 1);
	ktrq_sim__destroy(s);
}

/* ---- timeouts, spurious wakeups, a deadlock's channel names ---- */

struct lone {
	const struct ktrq_os *os;
	int	 chan, forever;
};

static void
lone_root(void *arg)
{
	struct lone *l = arg;
	const struct ktrq_os *os = l->os;
	struct ktrq_os_mtx *m;

	os->mtx_init(os->cookie, &m, "lone");
	ENTER(os, m);
	assert_int_equal(os->msleep(os->cookie, &l->chan, m, "nap",
	    1000), EWOULDBLOCK);
	if (l->forever)
		os->msleep(os->cookie, &l->forever, m, "forever", 0);
	EXIT(os, m);
	os->mtx_destroy(os->cookie, m);
}

static void
test_timeout_and_deadlock(void **state)
{
	const struct ktrq_sim__chan *c;
	struct ktrq_sim__result res;
	struct sim_params p;
	struct lone l = { NULL, 0, 0 };
	struct sim *s;
	char want[64];

	(void)state;
	ktrq_sim__params_init(&p);
	assert_int_equal(ktrq_sim__create(&p, NULL, &s), 0);
	l.os = ktrq_sim__os(s);
	assert_int_equal(ktrq_sim__run(s, lone_root, &l), SIM_OK);
	c = find(s, &l.chan);
	assert_int_equal(c->sleeps, 1);
	assert_int_equal(c->timeouts, 1);
	assert_int_equal(c->max_sleepers, 1);
	assert_int_equal(c->sleepers, 0);
	ktrq_sim__destroy(s);

	l.forever = 1;
	assert_int_equal(ktrq_sim__create(&p, NULL, &s), 0);
	l.os = ktrq_sim__os(s);
	assert_int_equal(ktrq_sim__run(s, lone_root, &l), SIM_DEADLOCK);
	ktrq_sim__result(s, &res);
	c = ktrq_sim__chan_at(s, 1);
	assert_non_null(c);
	assert_string_equal(c->wmesg, "forever");
	assert_int_equal(c->sleepers, 1);
	snprintf(want, sizeof(want), "sleeps on channel #1 (\"forever\")");
	assert_non_null(strstr(res.message, want));
	ktrq_sim__destroy(s);
}

static void
test_spurious_counted(void **state)
{
	const struct ktrq_sim__chan *c;
	struct sim_params p;
	struct gate g;
	struct sim *s;
	uint64_t seed, spurious = 0;

	(void)state;
	for (seed = 1; seed <= 20; seed++) {
		ktrq_sim__params_init(&p);
		p.seed = seed;
		p.vehicle = SIM_VEHICLE_FIBER;
		p.spurious_permille = 300;
		memset(&g, 0, sizeof(g));
		assert_int_equal(ktrq_sim__create(&p, NULL, &s), 0);
		g.os = ktrq_sim__os(s);
		assert_int_equal(ktrq_sim__run(s, gate_root, &g), SIM_OK);
		c = find(s, &g.gate);
		/* Each sleep ends once: woken, or spuriously. */
		assert_int_equal(c->sleeps, c->woken + c->spurious);
		assert_int_equal(c->sleepers, 0);
		spurious += c->spurious;
		ktrq_sim__destroy(s);
	}
	assert_true(spurious > 0);
}

/* ---- the public report ---- */

static void
pub_body(const struct ktrq_os *os, void *arg)
{

	gate_body(os, arg);
}

static void
test_public_report(void **state)
{
	struct ktrq_sim_opts o;
	struct ktrq_sim_report r, r2;
	struct gate g;

	(void)state;
	memset(&g, 0, sizeof(g));
	assert_int_equal(ktrq_sim_opts_init(&o), 0);
	o.quiet = 1;
	o.runs = 30;
	assert_int_equal(ktrq_sim_check(&o, pub_body, &g, &r), 0);
	/* The gate's channel; `idle` had no sleeper and is left out. */
	assert_int_equal(r.nchannels, 1);
	assert_string_equal(r.channels[0].wmesg, "three");
	assert_int_equal(r.channels[0].runs, 30);
	assert_int_equal(r.channels[0].max_sleepers, NSLEEP);
	assert_int_equal(r.channels[0].max_woken, NSLEEP);
	assert_int_equal(r.channels[0].wakeups, 30);
	assert_int_equal(r.channels[0].wakeup_ones, 0);
	assert_true(r.channels[0].sleeps >= 30 * NSLEEP);
	ktrq_sim_report_fini(&r);
	assert_null(r.channels);
	assert_int_equal(r.nchannels, 0);
	/* wakeup_one; the runs up to a failure, and a replay's one run. */
	g.one = 1;
	g.fail = 1;
	o.runs = 10;
	o.max_failures = 4;
	o.strategy = KTRQ_SIM_PCT;
	o.name = "chan";
	assert_int_equal(ktrq_sim_check(&o, pub_body, &g, &r),
	    KTRQ_SIM_ASSERTION);
	assert_int_equal(r.runs, 5);
	assert_int_equal(r.nchannels, 1);
	assert_int_equal(r.channels[0].runs, 5);
	assert_int_equal(r.channels[0].max_sleepers, NSLEEP);
	assert_int_equal(r.channels[0].max_woken, 1);
	assert_int_equal(r.channels[0].wakeups, 0);
	assert_int_equal(r.channels[0].wakeup_ones, 5 * NSLEEP);
	o.replay = r.schedule;
	assert_int_equal(ktrq_sim_check(&o, pub_body, &g, &r2),
	    KTRQ_SIM_ASSERTION);
	assert_int_equal(r2.nchannels, 1);
	assert_int_equal(r2.channels[0].runs, 1);
	assert_int_equal(r2.channels[0].max_sleepers, NSLEEP);
	assert_int_equal(r2.channels[0].wakeup_ones, NSLEEP);
	ktrq_sim_report_fini(&r2);
	ktrq_sim_report_fini(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_three_sleepers),
		cmocka_unit_test(test_wake_one),
		cmocka_unit_test(test_timeout_and_deadlock),
		cmocka_unit_test(test_spurious_counted),
		cmocka_unit_test(test_public_report),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
