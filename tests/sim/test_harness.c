/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The public harness (ktrq/harness.h): a workload on the real core
 * holds and its trace accounts for every post; posts that bypass the
 * harness, and memory left allocated, are reported by the oracle; bad
 * arguments get EINVAL; the public engine calls the harness needs
 * (choose, self, cleanup, alloc accounting) behave as documented; a run
 * that fails mid-way frees its harness (LeakSanitizer and memcheck would
 * report it otherwise).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ktrq/harness.h"
#include "ktrq/sim.h"

enum misuse { M_NONE, M_BYPASS, M_LEAK, M_FAIL_MIDWAY };

struct wl {
	enum misuse		 misuse;
	int			 posts;		/* per thread */
	struct ktrq_harness_result res;	/* of the last run */
	uint64_t		 runs;
	uint64_t		 outcomes_ok;	/* posts that returned 0 */
	uint64_t		 posted;
	uint64_t		 werr_runs;	/* runs with a write error */
};

struct poster {
	struct ktrq_harness	*h;
	struct ktrq_thread	*td;
	struct wl		*wl;
};

static void
poster_main(void *arg)
{
	struct poster *p = arg;
	int i;

	for (i = 0; i < p->wl->posts; i++) {
		if (ktrq_harness_post(p->h, p->td, 0) == 0)
			p->wl->outcomes_ok++;
		p->wl->posted++;
	}
}

static void
setup_world(const struct ktrq_os *os, struct ktrq_harness **hp,
    struct poster *po, struct wl *wl)
{
	struct ktrq_harness_opts o;
	struct ktrq_proc *p;
	int i;

	assert_int_equal(ktrq_harness_opts_init(&o), 0);
	o.pool = 2;
	o.targets = 2;
	assert_int_equal(ktrq_harness_create(os, &o, hp), 0);
	for (i = 0; i < 2; i++) {
		assert_int_equal(ktrq_harness_proc(*hp, 100 + i, 0, &p), 0);
		po[i].h = *hp;
		po[i].wl = wl;
		assert_int_equal(ktrq_harness_thread(*hp, p, &po[i].td), 0);
	}
}

static void
body(const struct ktrq_os *os, void *arg)
{
	struct wl *wl = arg;
	struct ktrq_harness *h;
	struct ktrq_os_thread *th[2];
	struct poster po[2];
	uint64_t args[1] = { 7 };
	int i;

	wl->runs++;
	setup_world(os, &h, po, wl);
	for (i = 0; i < 2; i++)
		os->thread_create(os->cookie, &th[i], "poster", poster_main,
		    &po[i]);
	if (wl->misuse == M_BYPASS)
		(void)ktrq_syscall(po[0].td, 1, 1, args);
	if (wl->misuse == M_LEAK)
		(void)os->alloc(os->cookie, 24);
	for (i = 0; i < 2; i++)
		os->thread_join(os->cookie, th[i]);
	if (wl->misuse == M_FAIL_MIDWAY)
		ktrq_sim_fail(os, "failed mid-way on purpose");
	ktrq_harness_result_fini(&wl->res);
	assert_int_equal(ktrq_harness_end(h, &wl->res), 0);
	if (!wl->res.ok)
		ktrq_sim_fail(os, "oracle: %s", wl->res.verdict);
}

static int
check(struct wl *wl, uint64_t runs, struct ktrq_sim_report *r)
{
	struct ktrq_sim_opts o;

	ktrq_sim_opts_init(&o);
	o.runs = runs;
	o.quiet = 1;
	o.name = "harness-test";
	return (ktrq_sim_check(&o, body, wl, r));
}

static void
t_holds(void **state)
{
	struct ktrq_sim_report r;
	struct wl wl;

	(void)state;
	memset(&wl, 0, sizeof(wl));
	wl.posts = 6;
	assert_int_equal(check(&wl, 100, &r), KTRQ_SIM_HELD);
	assert_int_equal(wl.runs, 100);
	assert_true(wl.res.ok);
	/* The last run: every post written or counted dropped. */
	assert_int_equal(wl.res.stats.posted, 12);
	assert_int_equal(wl.res.stats.written + wl.res.stats.dropped_exhausted,
	    12);
	assert_int_equal(wl.res.records, wl.res.stats.written);
	assert_non_null(wl.res.trace);
	ktrq_harness_result_fini(&wl.res);
	ktrq_sim_report_fini(&r);
}

/* A post the harness did not see: the accounting cannot balance. */
static void
t_bypass_caught(void **state)
{
	struct ktrq_sim_report r;
	struct wl wl;

	(void)state;
	memset(&wl, 0, sizeof(wl));
	wl.posts = 2;
	wl.misuse = M_BYPASS;
	assert_int_equal(check(&wl, 5, &r), KTRQ_SIM_ASSERTION);
	assert_int_equal(r.run, 0);
	assert_non_null(strstr(r.message, "oracle:"));
	assert_non_null(r.schedule);
	ktrq_harness_result_fini(&wl.res);
	ktrq_sim_report_fini(&r);
}

static void
t_leak_caught(void **state)
{
	struct ktrq_sim_report r;
	struct wl wl;

	(void)state;
	memset(&wl, 0, sizeof(wl));
	wl.posts = 1;
	wl.misuse = M_LEAK;
	assert_int_equal(check(&wl, 3, &r), KTRQ_SIM_ASSERTION);
	assert_non_null(strstr(r.message, "leak: 24 bytes"));
	ktrq_harness_result_fini(&wl.res);
	ktrq_sim_report_fini(&r);
}

/* Abandoned mid-way: the engine's cleanup frees the harness. */
static void
t_fail_midway_frees(void **state)
{
	struct ktrq_sim_report r;
	struct wl wl;
	struct ktrq_sim_opts o;

	(void)state;
	memset(&wl, 0, sizeof(wl));
	wl.posts = 3;
	wl.misuse = M_FAIL_MIDWAY;
	ktrq_sim_opts_init(&o);
	o.runs = 4;
	o.quiet = 1;
	o.max_failures = 10;
	assert_int_equal(ktrq_sim_check(&o, body, &wl, &r),
	    KTRQ_SIM_ASSERTION);
	assert_int_equal(r.failures, 4);
	ktrq_sim_report_fini(&r);
}

/* ---- bad arguments ---- */

static struct ktrq_os host_os;	/* not a simulator's table */

static void
bad_args_body(const struct ktrq_os *os, void *arg)
{
	struct ktrq_harness_opts o;
	struct ktrq_harness *h, *h2;
	struct ktrq_proc *p;
	struct ktrq_thread *td;
	int *done = arg;

	assert_int_equal(ktrq_harness_create(os, NULL, NULL), EINVAL);
	assert_int_equal(ktrq_harness_create(NULL, NULL, &h), EINVAL);
	assert_null(h);
	assert_int_equal(ktrq_harness_create(&host_os, NULL, &h), EINVAL);
	ktrq_harness_opts_init(&o);
	o.pool = 0;
	assert_int_equal(ktrq_harness_create(os, &o, &h), EINVAL);
	ktrq_harness_opts_init(&o);
	o.targets = 3;
	assert_int_equal(ktrq_harness_create(os, &o, &h), EINVAL);
	ktrq_harness_opts_init(&o);
	o.flags = 0x80000000u;
	assert_int_equal(ktrq_harness_create(os, &o, &h), EINVAL);
	assert_int_equal(ktrq_harness_create(os, NULL, &h), 0);
	assert_int_equal(ktrq_harness_create(os, NULL, &h2), 0);
	assert_int_equal(ktrq_harness_proc(h, 1, 0, &p), EINVAL);
	assert_int_equal(ktrq_harness_proc(h, KTRQ_HARNESS_PID_MAX + 1, 0,
	    &p), EINVAL);
	assert_int_equal(ktrq_harness_proc(h, 50, 0, &p), 0);
	assert_int_equal(ktrq_harness_proc(h, 50, 0, &p), EEXIST);
	assert_int_equal(ktrq_harness_thread(h, p, &td), 0);
	assert_null(ktrq_harness_target(h, 1));
	assert_non_null(ktrq_harness_target(h, 0));
	assert_int_equal(ktrq_harness_post(h, td, 12345), EINVAL);
	/* A thread of another harness is not this one's to tag. */
	assert_int_equal(ktrq_harness_post(h2, td, KTR_SYSCALL), EINVAL);
	assert_int_equal(ktrq_harness_post(h, td, KTR_CSW), 0);
	assert_int_equal(ktrq_harness_exit(h2, p), EINVAL);
	/* Closed: the attached process keeps the target; no new ones. */
	assert_int_equal(ktrq_harness_target_close(h, 1), EINVAL);
	assert_int_equal(ktrq_harness_target_close(h, 0), 0);
	assert_int_equal(ktrq_harness_target_close(h, 0), EINVAL);
	assert_null(ktrq_harness_target(h, 0));
	assert_int_equal(ktrq_harness_proc(h, 51, 0, &p), EBADF);
	assert_int_equal(ktrq_harness_post(h, td, KTR_SYSCALL), 0);
	ktrq_harness_finish(h);
	ktrq_harness_finish(h2);
	assert_int_equal(ktrq_harness_post(h, td, KTR_CSW), EINVAL);
	*done = 1;
}

static void
t_bad_args(void **state)
{
	struct ktrq_sim_opts o;
	int done = 0;

	(void)state;
	ktrq_sim_opts_init(&o);
	o.runs = 1;
	assert_int_equal(ktrq_sim_check(&o, bad_args_body, &done, NULL), 0);
	assert_int_equal(done, 1);
	assert_int_equal(ktrq_harness_opts_init(NULL), EINVAL);
	assert_int_equal(ktrq_harness_end(NULL, NULL), EINVAL);
	assert_null(ktrq_harness_ktrq(NULL));
	assert_null(ktrq_harness_events(NULL));
}

/* ---- the fault options: a fault target, transient refusals ---- */

static void
faults_body(const struct ktrq_os *os, void *arg)
{
	struct ktrq_harness_opts o;
	struct ktrq_harness *h;
	struct ktrq_os_thread *th[2];
	struct poster po[2];
	struct ktrq_proc *p;
	struct wl *wl = arg;
	int i;

	wl->runs++;
	ktrq_harness_opts_init(&o);
	o.pool = 2;
	o.targets = 2;
	o.transient_permille = 300;
	o.fault.fail_after_records = 1 + ktrq_sim_choose(os, 6, "records");
	o.fault.short_write = 1 + ktrq_sim_choose(os, 80, "short");
	o.flags = KTRQ_CF_BACKPRESSURE;
	o.backpressure_ns = 20000;
	assert_int_equal(ktrq_harness_create(os, &o, &h), 0);
	for (i = 0; i < 2; i++) {
		assert_int_equal(ktrq_harness_proc(h, 100 + i, 0, &p), 0);
		po[i].h = h;
		po[i].wl = wl;
		assert_int_equal(ktrq_harness_thread(h, p, &po[i].td), 0);
		os->thread_create(os->cookie, &th[i], "poster", poster_main,
		    &po[i]);
	}
	for (i = 0; i < 2; i++)
		os->thread_join(os->cookie, th[i]);
	ktrq_harness_result_fini(&wl->res);
	assert_int_equal(ktrq_harness_end(h, &wl->res), 0);
	if (wl->res.stats.write_errors != 0)
		wl->werr_runs++;
	if (!wl->res.ok)
		ktrq_sim_fail(os, "oracle: %s", wl->res.verdict);
}

/*
 * Target 1 behind a fault target that fails for good after a few
 * records, both refusing record starts transiently, posters waiting
 * with a short timeout: the oracle holds, and the fault target does
 * stop target 1.
 */
static void
t_fault_options(void **state)
{
	struct ktrq_sim_opts o;
	struct ktrq_sim_report r;
	struct wl wl;

	(void)state;
	memset(&wl, 0, sizeof(wl));
	wl.posts = 8;
	ktrq_sim_opts_init(&o);
	o.runs = 200;
	o.quiet = 1;
	assert_int_equal(ktrq_sim_check(&o, faults_body, &wl, &r),
	    KTRQ_SIM_HELD);
	assert_true(wl.res.ok);
	assert_true(wl.werr_runs > 0);
	ktrq_harness_result_fini(&wl.res);
	ktrq_sim_report_fini(&r);
}

static void
bad_fault_opts_body(const struct ktrq_os *os, void *arg)
{
	struct ktrq_harness_opts o;
	struct ktrq_harness *h;

	(void)arg;
	ktrq_harness_opts_init(&o);
	o.transient_permille = 1001;
	assert_int_equal(ktrq_harness_create(os, &o, &h), EINVAL);
	ktrq_harness_opts_init(&o);
	o.backpressure_ns = 1000;		/* without the flag */
	assert_int_equal(ktrq_harness_create(os, &o, &h), EINVAL);
}

static void
t_bad_fault_opts(void **state)
{
	struct ktrq_sim_opts o;

	(void)state;
	ktrq_sim_opts_init(&o);
	o.runs = 1;
	assert_int_equal(ktrq_sim_check(&o, bad_fault_opts_body, NULL, NULL),
	    0);
}

/* ---- the public engine calls under the harness ---- */

struct eng {
	uint64_t	 picks[3];
	int		 self;
	int		 cleaned;
};

static void
cleanup_fn(void *arg)
{

	((struct eng *)arg)->cleaned++;
}

static void
engine_body(const struct ktrq_os *os, void *arg)
{
	struct eng *e = arg;
	uint64_t before;
	void *p;

	e->self = ktrq_sim_self(os);
	e->picks[0] = ktrq_sim_choose(os, 1000000, "a");
	e->picks[1] = ktrq_sim_choose(os, 1, "never a choice");
	e->picks[2] = ktrq_sim_choose(os, 0, "nor this");
	assert_int_equal(ktrq_sim_cleanup(os, cleanup_fn, e), 0);
	assert_int_equal(ktrq_sim_cleanup(os, NULL, e), EINVAL);
	before = ktrq_sim_alloc_live(os);
	p = os->alloc(os->cookie, 40);
	assert_int_equal(ktrq_sim_alloc_live(os), before + 40);
	os->free(os->cookie, p, 40);
	assert_int_equal(ktrq_sim_alloc_live(os), before);
	assert_int_equal(ktrq_sim_early_timeouts(os), 0);
}

static void
t_engine_calls(void **state)
{
	struct ktrq_sim_opts o;
	struct ktrq_sim_report r;
	struct eng a, b;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ktrq_sim_opts_init(&o);
	o.runs = 1;
	o.seed = 42;
	o.quiet = 1;
	assert_int_equal(ktrq_sim_check(&o, engine_body, &a, &r), 0);
	assert_int_equal(a.self, 1);
	assert_int_equal(a.cleaned, 1);
	assert_int_equal(a.picks[1], 0);
	assert_int_equal(a.picks[2], 0);
	ktrq_sim_report_fini(&r);
	/* Same seed, same choice; another seed, (almost surely) another. */
	assert_int_equal(ktrq_sim_check(&o, engine_body, &b, NULL), 0);
	assert_int_equal(a.picks[0], b.picks[0]);
	o.seed = 43;
	assert_int_equal(ktrq_sim_check(&o, engine_body, &b, NULL), 0);
	assert_true(a.picks[0] != b.picks[0]);
	/* Outside a run: nothing to choose, nobody running. */
	assert_int_equal(ktrq_sim_choose(&host_os, 10, "x"), 0);
	assert_int_equal(ktrq_sim_self(&host_os), 0);
	assert_int_equal(ktrq_sim_cleanup(&host_os, cleanup_fn, &a), EINVAL);
	assert_int_equal(ktrq_sim_check_leaks(&host_os), EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_holds),
		cmocka_unit_test(t_bypass_caught),
		cmocka_unit_test(t_leak_caught),
		cmocka_unit_test(t_fail_midway_frees),
		cmocka_unit_test(t_bad_args),
		cmocka_unit_test(t_fault_options),
		cmocka_unit_test(t_bad_fault_opts),
		cmocka_unit_test(t_engine_calls),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
