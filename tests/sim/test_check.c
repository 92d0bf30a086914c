/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The public simulator (ktrq/sim.h): bugs found, kinds reported, replay
 * through the options and the environment, bad options rejected, hooks,
 * named faults, PCT's k estimate, a thousand simulated threads, and two
 * waves of 1100 live ones on each vehicle, replayed identically, and the
 * timeline file of a failing run.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ktrq/sim.h"

#include "bench.h"		/* bench_json_check */

#define	ENTER(os, m)	((os)->mtx_enter((os)->cookie, (m)))
#define	EXIT(os, m)	((os)->mtx_exit((os)->cookie, (m)))

/* ---- an unprotected counter, interleaved by yields ---- */

static int counter;

static void
incr(void *arg)
{
	const struct ktrq_os *os = arg;
	int v;

	ktrq_sim_yield(os);
	v = counter;
	ktrq_sim_yield(os);
	counter = v + 1;
}

static void
counter_body(const struct ktrq_os *os, void *arg)
{
	struct ktrq_os_thread *a, *b;

	(void)arg;
	counter = 0;
	os->thread_create(os->cookie, &a, "a", incr, (void *)(uintptr_t)os);
	os->thread_create(os->cookie, &b, "b", incr, (void *)(uintptr_t)os);
	os->thread_join(os->cookie, a);
	os->thread_join(os->cookie, b);
	KTRQ_SIM_ASSERT(os, counter == 2);
}

static void
opts(struct ktrq_sim_opts *o)
{

	assert_int_equal(ktrq_sim_opts_init(o), 0);
	o->quiet = 1;
	o->name = "test";
}

static void
test_counter_found(void **state)
{
	struct ktrq_sim_opts o;
	struct ktrq_sim_report r;

	(void)state;
	opts(&o);
	assert_int_equal(ktrq_sim_check(&o, counter_body, NULL, &r),
	    KTRQ_SIM_ASSERTION);
	assert_int_equal(r.kind, KTRQ_SIM_ASSERTION);
	assert_int_equal(r.failures, 1);
	assert_int_equal(r.runs, r.run + 1);
	assert_int_equal(r.seed, o.seed + r.run);
	assert_non_null(strstr(r.message, "assertion failed: counter == 2"));
	assert_non_null(strstr(r.message, "test_check.c:"));
	assert_non_null(r.schedule);
	ktrq_sim_report_fini(&r);
	assert_null(r.schedule);
}

/* The schedule replays the same failure, at the same step. */
static void
test_replay_reproduces(void **state)
{
	struct ktrq_sim_opts o;
	struct ktrq_sim_report r, r2;

	(void)state;
	opts(&o);
	o.strategy = KTRQ_SIM_PCT;
	assert_int_equal(ktrq_sim_check(&o, counter_body, NULL, &r),
	    KTRQ_SIM_ASSERTION);
	o.replay = r.schedule;
	assert_int_equal(ktrq_sim_check(&o, counter_body, NULL, &r2),
	    KTRQ_SIM_ASSERTION);
	assert_int_equal(r2.steps, r.steps);
	assert_int_equal(r2.seed, r.seed);
	assert_string_equal(r2.message, r.message);
	assert_string_equal(r2.schedule, r.schedule);
	ktrq_sim_report_fini(&r2);
	/* The same through the environment. */
	o.replay = NULL;
	assert_int_equal(setenv("KTRQ_SIM_REPLAY", r.schedule, 1), 0);
	assert_int_equal(ktrq_sim_check(&o, counter_body, NULL, &r2),
	    KTRQ_SIM_ASSERTION);
	assert_int_equal(r2.steps, r.steps);
	assert_int_equal(r2.runs, 1);
	unsetenv("KTRQ_SIM_REPLAY");
	ktrq_sim_report_fini(&r2);
	/* Another program's schedule is named as such. */
	o.replay = r.schedule;
	o.name = "other";
	assert_int_equal(ktrq_sim_check(&o, counter_body, NULL, &r2),
	    KTRQ_SIM_REPLAY_MISMATCH);
	assert_non_null(strstr(r2.message, "\"test\""));
	ktrq_sim_report_fini(&r2);
	ktrq_sim_report_fini(&r);
}

/* Fixed: the counter under a mutex.  Old schedule: diverges or holds. */
static void
locked_incr(void *arg)
{
	struct ktrq_os_mtx **mp = arg;
	const struct ktrq_os *os = (const struct ktrq_os *)mp[1];

	ENTER(os, mp[0]);
	counter++;
	EXIT(os, mp[0]);
}

static void
fixed_body(const struct ktrq_os *os, void *arg)
{
	struct ktrq_os_thread *a, *b;
	struct ktrq_os_mtx *mp[2];

	(void)arg;
	counter = 0;
	os->mtx_init(os->cookie, &mp[0], "counter");
	mp[1] = (struct ktrq_os_mtx *)(uintptr_t)os;
	os->thread_create(os->cookie, &a, "a", locked_incr, mp);
	os->thread_create(os->cookie, &b, "b", locked_incr, mp);
	os->thread_join(os->cookie, a);
	os->thread_join(os->cookie, b);
	os->mtx_destroy(os->cookie, mp[0]);
	KTRQ_SIM_ASSERT(os, counter == 2);
}

static void
test_replay_changed_program(void **state)
{
	struct ktrq_sim_opts o;
	struct ktrq_sim_report r, r2;
	int k;

	(void)state;
	opts(&o);
	assert_int_equal(ktrq_sim_check(&o, counter_body, NULL, &r),
	    KTRQ_SIM_ASSERTION);
	o.replay = r.schedule;
	k = ktrq_sim_check(&o, fixed_body, NULL, &r2);
	/* Never the old assertion: it diverged, or it held. */
	assert_true(k == KTRQ_SIM_REPLAY_MISMATCH || k == KTRQ_SIM_HELD);
	if (k == KTRQ_SIM_REPLAY_MISMATCH)
		assert_non_null(strstr(r2.message, "replay"));
	ktrq_sim_report_fini(&r2);
	ktrq_sim_report_fini(&r);
	/* The fixed program holds on its own. */
	o.replay = NULL;
	o.runs = 200;
	assert_int_equal(ktrq_sim_check(&o, fixed_body, NULL, &r2), 0);
	assert_int_equal(r2.runs, 200);
	assert_int_equal(r2.kind, 0);
	assert_null(r2.schedule);
	ktrq_sim_report_fini(&r2);
}

/* ---- a lock-order deadlock ---- */

static struct ktrq_os_mtx *ma, *mb;

static void
ab(void *arg)
{
	const struct ktrq_os *os = arg;

	ENTER(os, ma);
	ENTER(os, mb);
	EXIT(os, mb);
	EXIT(os, ma);
}

static void
ba(void *arg)
{
	const struct ktrq_os *os = arg;

	ENTER(os, mb);
	ENTER(os, ma);
	EXIT(os, ma);
	EXIT(os, mb);
}

static void
deadlock_body(const struct ktrq_os *os, void *arg)
{
	struct ktrq_os_thread *a, *b;

	(void)arg;
	os->mtx_init(os->cookie, &ma, "a");
	os->mtx_init(os->cookie, &mb, "b");
	os->thread_create(os->cookie, &a, "ab", ab, (void *)(uintptr_t)os);
	os->thread_create(os->cookie, &b, "ba", ba, (void *)(uintptr_t)os);
	os->thread_join(os->cookie, a);
	os->thread_join(os->cookie, b);
	os->mtx_destroy(os->cookie, ma);
	os->mtx_destroy(os->cookie, mb);
}

static void
test_deadlock_counted(void **state)
{
	struct ktrq_sim_opts o;
	struct ktrq_sim_report r;

	(void)state;
	opts(&o);
	o.strategy = KTRQ_SIM_PCT;
	o.pct_depth = 2;
	o.runs = 1000;
	o.max_failures = 1000;
	assert_int_equal(ktrq_sim_check(&o, deadlock_body, NULL, &r),
	    KTRQ_SIM_DEADLOCK);
	assert_int_equal(r.runs, 1000);
	assert_true(r.failures > 10 && r.failures < 1000);
	assert_non_null(strstr(r.message, "deadlock"));
	/* k was estimated from the runs, not the fixed 2000 of old. */
	assert_true(r.pct_steps > 0 && r.pct_steps < 200);
	ktrq_sim_report_fini(&r);
	/* Both vehicles, one schedule. */
	opts(&o);
	o.vehicle = KTRQ_SIM_PTHREAD;
	assert_int_equal(ktrq_sim_check(&o, deadlock_body, NULL, &r),
	    KTRQ_SIM_DEADLOCK);
	o.vehicle = KTRQ_SIM_FIBER;
	o.replay = r.schedule;
	{
		struct ktrq_sim_report r2;

		assert_int_equal(ktrq_sim_check(&o, deadlock_body, NULL, &r2),
		    KTRQ_SIM_DEADLOCK);
		assert_int_equal(r2.steps, r.steps);
		ktrq_sim_report_fini(&r2);
	}
	ktrq_sim_report_fini(&r);
}

/* ---- options ---- */

static void
nop_body(const struct ktrq_os *os, void *arg)
{

	(void)os;
	(void)arg;
}

static void
test_bad_options(void **state)
{
	struct ktrq_sim_opts o;

	(void)state;
	assert_int_equal(ktrq_sim_opts_init(NULL), EINVAL);
	opts(&o);
	assert_int_equal(o.strategy, KTRQ_SIM_RANDOM);
	assert_int_equal(o.runs, 100);
	assert_int_equal(o.pct_depth, 3);
	assert_int_equal(o.pct_steps, 0);
	assert_int_equal(ktrq_sim_check(NULL, nop_body, NULL, NULL), -EINVAL);
	assert_int_equal(ktrq_sim_check(&o, NULL, NULL, NULL), -EINVAL);
	o.runs = 0;
	assert_int_equal(ktrq_sim_check(&o, nop_body, NULL, NULL), -EINVAL);
	opts(&o);
	o.strategy = 99;
	assert_int_equal(ktrq_sim_check(&o, nop_body, NULL, NULL), -EINVAL);
	opts(&o);
	o.vehicle = 0;
	assert_int_equal(ktrq_sim_check(&o, nop_body, NULL, NULL), -EINVAL);
	opts(&o);
	o.pct_depth = 0;
	assert_int_equal(ktrq_sim_check(&o, nop_body, NULL, NULL), -EINVAL);
	opts(&o);
	o.name = "it's";
	assert_int_equal(ktrq_sim_check(&o, nop_body, NULL, NULL), -EINVAL);
	opts(&o);
	o.replay = "not a schedule";
	assert_int_equal(ktrq_sim_check(&o, nop_body, NULL, NULL), -EINVAL);
	opts(&o);
	assert_int_equal(ktrq_sim_check(&o, nop_body, NULL, NULL), 0);
	assert_string_equal(ktrq_sim_kind_name(KTRQ_SIM_REPLAY_MISMATCH),
	    "replay mismatch");
}

/* ---- hooks, main's name, a fresh world per run ---- */

struct hooks {
	int	setups, teardowns, bodies;
	const struct ktrq_os *last_os;
	int	same_os;
};

static void
setup(void *arg)
{
	struct hooks *h = arg;

	assert_int_equal(h->setups, h->teardowns);
	h->setups++;
}

static void
teardown(void *arg)
{
	struct hooks *h = arg;

	h->teardowns++;
}

static void
hook_body(const struct ktrq_os *os, void *arg)
{
	struct hooks *h = arg;
	char name[KTRQ_OS_NAMELEN];

	assert_int_equal(h->setups, h->teardowns + 1);
	os->thread_name(os->cookie, name, sizeof(name));
	KTRQ_SIM_ASSERT(os, strcmp(name, "main") == 0);
	h->bodies++;
	if (os == h->last_os)
		h->same_os++;
	h->last_os = os;
}

static void
test_hooks(void **state)
{
	struct ktrq_sim_opts o;
	struct hooks h;

	(void)state;
	memset(&h, 0, sizeof(h));
	opts(&o);
	o.runs = 7;
	o.setup = setup;
	o.teardown = teardown;
	assert_int_equal(ktrq_sim_check(&o, hook_body, &h, NULL), 0);
	assert_int_equal(h.setups, 7);
	assert_int_equal(h.teardowns, 7);
	assert_int_equal(h.bodies, 7);
}

/* ---- named faults ---- */

static int fired;

static void
fault_body(const struct ktrq_os *os, void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 10; i++)
		if (ktrq_sim_fault(os, "disk full")) {
			fired++;
			ktrq_sim_fail(os, "disk full at %d", i);
		}
}

static void
test_named_fault(void **state)
{
	struct ktrq_sim_opts o;
	struct ktrq_sim_report r, r2;

	(void)state;
	opts(&o);
	fired = 0;
	assert_int_equal(ktrq_sim_check(&o, fault_body, NULL, &r),
	    KTRQ_SIM_ASSERTION);
	assert_int_equal(fired, 1);
	assert_non_null(strstr(r.message, "disk full at"));
	o.replay = r.schedule;
	assert_int_equal(ktrq_sim_check(&o, fault_body, NULL, &r2),
	    KTRQ_SIM_ASSERTION);
	assert_string_equal(r2.message, r.message);
	ktrq_sim_report_fini(&r2);
	ktrq_sim_report_fini(&r);
	/* Never enabled: never fires. */
	opts(&o);
	o.fault_enable_permille = 0;
	assert_int_equal(ktrq_sim_check(&o, fault_body, NULL, NULL), 0);
	/* Outside a simulator: never. */
	assert_int_equal(ktrq_sim_fault(NULL, "x"), 0);
}

/* ---- a thousand simulated threads ---- */

#define	NTHREADS	1100

static void
leaf(void *arg)
{

	ktrq_sim_yield(arg);
}

static void
many_body(const struct ktrq_os *os, void *arg)
{
	static struct ktrq_os_thread *t[NTHREADS];
	int i;

	(void)arg;
	for (i = 0; i < NTHREADS; i++)
		KTRQ_SIM_ASSERT(os, os->thread_create(os->cookie, &t[i], "leaf",
		    leaf, (void *)(uintptr_t)os) == 0);
	for (i = 0; i < NTHREADS; i++)
		os->thread_join(os->cookie, t[i]);
}

static void
test_many_threads(void **state)
{
	struct ktrq_sim_opts o;
	struct ktrq_sim_report r;

	(void)state;
	opts(&o);
	o.runs = 1;
	assert_int_equal(ktrq_sim_check(&o, many_body, NULL, &r), 0);
	ktrq_sim_report_fini(&r);
}

/*
 * ---- more threads than the engine once had room for ----
 *
 * Two waves of LIVE threads in one run: every thread of a wave takes a
 * lock and waits behind a gate, so the whole wave is alive at once; then
 * the gate opens and each bumps the counter under the lock and passes
 * the wake-up on (one at a time: waking the whole wave onto one mutex
 * would cost steps quadratic in its size).  2 * LIVE + 1 thread ids in
 * one run; the engine used to stop at 2048.
 */
#define	LIVE	1100
#define	WAVES	2

static struct wave {
	const struct ktrq_os	*os;
	struct ktrq_os_mtx	*m;
	int			 open;
	int			 count;
	int			 fail_at_end;
} wave;

static void
wave_thread(void *arg)
{
	struct wave *w = arg;
	const struct ktrq_os *os = w->os;

	ENTER(os, w->m);
	while (!w->open)
		os->msleep(os->cookie, &w->open, w->m, "gate", 0);
	w->count++;
	os->wakeup_one(os->cookie, &w->open);
	EXIT(os, w->m);
}

static void
waves_body(const struct ktrq_os *os, void *arg)
{
	static struct ktrq_os_thread *t[LIVE];
	struct wave *w = arg;
	int i, k;

	w->os = os;
	w->count = 0;
	KTRQ_SIM_ASSERT(os, os->mtx_init(os->cookie, &w->m, "counter") == 0);
	for (k = 0; k < WAVES; k++) {
		w->open = 0;
		for (i = 0; i < LIVE; i++)
			KTRQ_SIM_ASSERT(os, os->thread_create(os->cookie,
			    &t[i], "waver", wave_thread, w) == 0);
		ENTER(os, w->m);
		w->open = 1;
		os->wakeup_one(os->cookie, &w->open);
		EXIT(os, w->m);
		for (i = 0; i < LIVE; i++)
			os->thread_join(os->cookie, t[i]);
		KTRQ_SIM_ASSERT(os, w->count == (k + 1) * LIVE);
	}
	os->mtx_destroy(os->cookie, w->m);
	/* A failure on purpose, for a schedule of the whole run. */
	KTRQ_SIM_ASSERT(os, !w->fail_at_end);
}

static void
test_thousands_live(void **state)
{
	static const int vehicles[] = { KTRQ_SIM_FIBER, KTRQ_SIM_PTHREAD };
	struct ktrq_sim_opts o;
	struct ktrq_sim_report r;
	size_t v;

	(void)state;
	for (v = 0; v < 2; v++) {
		opts(&o);
		o.runs = 1;
		o.vehicle = vehicles[v];
		memset(&wave, 0, sizeof(wave));
		assert_int_equal(ktrq_sim_check(&o, waves_body, &wave, &r), 0);
		assert_int_equal(wave.count, WAVES * LIVE);
		ktrq_sim_report_fini(&r);
	}
}

/* Same seed, same schedule on either vehicle; each replays it exactly. */
static void
test_thousands_replay(void **state)
{
	static const int vehicles[] = { KTRQ_SIM_FIBER, KTRQ_SIM_PTHREAD };
	struct ktrq_sim_opts o;
	struct ktrq_sim_report r[2], rr;
	size_t v;

	(void)state;
	for (v = 0; v < 2; v++) {
		opts(&o);
		o.runs = 1;
		o.seed = 7;
		o.strategy = KTRQ_SIM_PCT;
		o.vehicle = vehicles[v];
		memset(&wave, 0, sizeof(wave));
		wave.fail_at_end = 1;
		assert_int_equal(ktrq_sim_check(&o, waves_body, &wave, &r[v]),
		    KTRQ_SIM_ASSERTION);
		assert_int_equal(wave.count, WAVES * LIVE);
		assert_non_null(strstr(r[v].message, "!w->fail_at_end"));
	}
	assert_int_equal(r[0].steps, r[1].steps);
	assert_string_equal(r[0].schedule, r[1].schedule);
	for (v = 0; v < 2; v++) {
		opts(&o);
		o.strategy = KTRQ_SIM_PCT;	/* the header names it */
		o.vehicle = vehicles[v];
		o.replay = r[0].schedule;
		memset(&wave, 0, sizeof(wave));
		wave.fail_at_end = 1;
		assert_int_equal(ktrq_sim_check(&o, waves_body, &wave, &rr),
		    KTRQ_SIM_ASSERTION);
		assert_int_equal(rr.steps, r[0].steps);
		assert_string_equal(rr.message, r[0].message);
		assert_string_equal(rr.schedule, r[0].schedule);
		ktrq_sim_report_fini(&rr);
	}
	ktrq_sim_report_fini(&r[0]);
	ktrq_sim_report_fini(&r[1]);
}

/* ---- the event log ---- */

struct evcount {
	int marks, starts;
};

static void
on_event(void *arg, const char *ev, int tid, uint64_t step, uint64_t vclock,
    const char *what)
{
	struct evcount *c = arg;

	(void)tid;
	(void)step;
	(void)vclock;
	if (strcmp(ev, "mark") == 0 && what != NULL &&
	    strcmp(what, "hello") == 0)
		c->marks++;
	if (strcmp(ev, "thread_start") == 0)
		c->starts++;
}

static void
mark_body(const struct ktrq_os *os, void *arg)
{

	(void)arg;
	ktrq_sim_mark(os, "hello");
}

static void
test_event_log(void **state)
{
	struct ktrq_sim_opts o;
	struct evcount c;

	(void)state;
	memset(&c, 0, sizeof(c));
	opts(&o);
	o.runs = 3;
	o.event = on_event;
	o.event_arg = &c;
	assert_int_equal(ktrq_sim_check(&o, mark_body, NULL, NULL), 0);
	assert_int_equal(c.marks, 3);
	assert_int_equal(c.starts, 3);
}

/* ---- the timeline file ---- */

#define	TL_FILE		"sim_check.timeline.json"
#define	TL_REPLAYED	"sim_check.replayed.json"

static void
named_body(const struct ktrq_os *os, void *arg)
{
	struct ktrq_os_thread *a, *b;

	(void)arg;
	counter = 0;
	ktrq_sim_mark(os, "started");
	os->thread_create(os->cookie, &a, "alice", incr, (void *)(uintptr_t)os);
	os->thread_create(os->cookie, &b, "bob", incr, (void *)(uintptr_t)os);
	os->thread_join(os->cookie, a);
	os->thread_join(os->cookie, b);
	KTRQ_SIM_ASSERT(os, counter == 2);
}

static char *
slurp(const char *path)
{
	FILE *f;
	char *buf;
	long n;

	assert_non_null(f = fopen(path, "rb"));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	assert_true((n = ftell(f)) > 0);
	rewind(f);
	assert_non_null(buf = malloc((size_t)n + 1));
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return (buf);
}

static void
test_timeline(void **state)
{
	struct ktrq_sim_opts o;
	struct ktrq_sim_report r, r2;
	char err[256], *a, *b;

	(void)state;
	remove(TL_FILE);
	remove(TL_REPLAYED);
	opts(&o);
	o.timeline = TL_FILE;
	o.max_failures = 5;		/* later failures leave the file be */
	assert_int_equal(ktrq_sim_check(&o, named_body, NULL, &r),
	    KTRQ_SIM_ASSERTION);
	assert_true(r.failures > 1);
	err[0] = '\0';
	if (bench_json_check(TL_FILE, err, sizeof(err)) != 0)
		fail_msg("timeline is not JSON: %s", err);
	a = slurp(TL_FILE);
	assert_non_null(strstr(a, "{\"traceEvents\":["));
	assert_non_null(strstr(a, "\"T1 main\""));
	assert_non_null(strstr(a, "\"T2 alice\""));
	assert_non_null(strstr(a, "\"T3 bob\""));
	assert_non_null(strstr(a, "\"started\""));
	assert_non_null(strstr(a, "\"result\":\"assertion\""));
	/* The first failure's, exactly: its replay draws the same file. */
	o.replay = r.schedule;
	o.timeline = TL_REPLAYED;
	assert_int_equal(ktrq_sim_check(&o, named_body, NULL, &r2),
	    KTRQ_SIM_ASSERTION);
	b = slurp(TL_REPLAYED);
	assert_string_equal(a, b);
	free(a);
	free(b);
	ktrq_sim_report_fini(&r2);
	ktrq_sim_report_fini(&r);
	remove(TL_FILE);
	remove(TL_REPLAYED);
	/* A file that cannot be made is an error; an empty path a bad option. */
	opts(&o);
	o.timeline = "no/such/dir/t.json";
	assert_int_equal(ktrq_sim_check(&o, named_body, NULL, NULL), -ENOENT);
	o.timeline = "";
	assert_int_equal(ktrq_sim_check(&o, named_body, NULL, NULL), -EINVAL);
}

/* ---- KTRQ_SIM_VEHICLE ---- */

struct carriers {
	pthread_t	 main, child;
};

static void
carrier_child(void *arg)
{

	((struct carriers *)arg)->child = pthread_self();
}

static void
carrier_body(const struct ktrq_os *os, void *arg)
{
	struct carriers *c = arg;
	struct ktrq_os_thread *t;

	c->main = pthread_self();
	os->thread_create(os->cookie, &t, "child", carrier_child, c);
	os->thread_join(os->cookie, t);
}

/* The environment replaces opts.vehicle: fibers share one OS thread. */
static void
test_vehicle_env(void **state)
{
	struct ktrq_sim_opts o;
	struct carriers c;

	(void)state;
	opts(&o);
	o.runs = 1;
	o.vehicle = KTRQ_SIM_FIBER;
	unsetenv("KTRQ_SIM_VEHICLE");
	assert_int_equal(ktrq_sim_check(&o, carrier_body, &c, NULL), 0);
	assert_true(pthread_equal(c.main, c.child));
	setenv("KTRQ_SIM_VEHICLE", "pthread", 1);
	assert_int_equal(ktrq_sim_check(&o, carrier_body, &c, NULL), 0);
	assert_false(pthread_equal(c.main, c.child));
	o.vehicle = KTRQ_SIM_PTHREAD;
	setenv("KTRQ_SIM_VEHICLE", "fiber", 1);
	assert_int_equal(ktrq_sim_check(&o, carrier_body, &c, NULL), 0);
	assert_true(pthread_equal(c.main, c.child));
	setenv("KTRQ_SIM_VEHICLE", "threads", 1);
	assert_int_equal(ktrq_sim_check(&o, carrier_body, &c, NULL), -EINVAL);
	unsetenv("KTRQ_SIM_VEHICLE");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counter_found),
		cmocka_unit_test(test_replay_reproduces),
		cmocka_unit_test(test_replay_changed_program),
		cmocka_unit_test(test_deadlock_counted),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_hooks),
		cmocka_unit_test(test_named_fault),
		cmocka_unit_test(test_many_threads),
		cmocka_unit_test(test_thousands_live),
		cmocka_unit_test(test_thousands_replay),
		cmocka_unit_test(test_event_log),
		cmocka_unit_test(test_timeline),
		cmocka_unit_test(test_vehicle_env),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
