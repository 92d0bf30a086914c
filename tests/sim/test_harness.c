/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The public harness (ktrq/harness.h): a workload on the real core
 * holds and its trace accounts for every post; posts that bypass the
 * harness, and memory left allocated, are reported by the oracle; bad
 * arguments get EINVAL; ktrace(2) by a user of processes of mixed
 * owners holds by FreeBSD 2002's rule, and tracing changed behind the
 * harness's back is reported; the public engine calls the harness needs
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
	struct ktrq_harness_procdef d;
	struct ktrq_harness *h, *h2;
	struct ktrq_proc *p, *q, *c;
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
	/* Processes of given credentials: bad definitions, foreign ones. */
	assert_int_equal(ktrq_harness_procdef_init(NULL, 60), EINVAL);
	assert_int_equal(ktrq_harness_procdef_init(&d, 60), 0);
	assert_int_equal(ktrq_harness_proc_def(h, NULL, &q), EINVAL);
	assert_int_equal(ktrq_harness_proc_def(NULL, &d, &q), EINVAL);
	d.ngroups = KTRQ_NGROUPS + 1;
	assert_int_equal(ktrq_harness_proc_def(h, &d, &q), EINVAL);
	d.ngroups = 0;
	d.facs = (int)KTRFAC_ROOT;	/* root's mark is not to be given */
	assert_int_equal(ktrq_harness_proc_def(h, &d, &q), EINVAL);
	d.facs = KTRFAC_INHERIT;	/* no event type */
	assert_int_equal(ktrq_harness_proc_def(h, &d, &q), EINVAL);
	d.facs = KTRFAC_ALL;
	d.target = 1;			/* h has one target */
	assert_int_equal(ktrq_harness_proc_def(h, &d, &q), EINVAL);
	assert_int_equal(ktrq_harness_proc(h2, 70, 0, &q), 0);
	d.facs = 0;
	d.parent = q;			/* h2's */
	assert_int_equal(ktrq_harness_proc_def(h, &d, &c), EINVAL);
	assert_int_equal(ktrq_harness_exec(h, q, "x", 0), EINVAL);
	assert_int_equal(ktrq_harness_fork(h, q, 61, &c), EINVAL);
	assert_int_equal(ktrq_harness_exec(h, p, NULL, 0), EINVAL);
	d.parent = p;
	assert_int_equal(ktrq_harness_proc_def(h, &d, &c), 0);
	assert_int_equal(ktrq_harness_exec(h, c, "x", 1), 0);
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

/* ---- the permission oracle ---- */

#define	U(u)	{ u, u, u, u, u, u }

struct pwl {
	int		 bypass;	/* change tracing behind its back */
	uint64_t	 runs;
};

static struct ktrq_proc *
perm_proc(struct ktrq_harness *h, int pid, struct ktrq_cred cred, int facs,
    int ngroups, uint32_t group)
{
	struct ktrq_harness_procdef d;
	struct ktrq_proc *p;

	assert_int_equal(ktrq_harness_procdef_init(&d, pid), 0);
	d.cred = cred;
	d.facs = facs;
	d.ngroups = ngroups;
	d.groups[0] = group;
	d.pgid = 100;
	assert_int_equal(ktrq_harness_proc_def(h, &d, &p), 0);
	return (p);
}

/*
 * A uid-1000 caller against FreeBSD 2002's rule: not root's trace, not
 * another user's process, not a set-uid-root program run by 1000 (the
 * 4.4BSD rule allowed that one), not a process with a group it lacks;
 * itself always; a group of mixed owners changes what it may.  The
 * results are asserted here and judged by the oracle as well.
 */
static void
perm_body(const struct ktrq_os *os, void *arg)
{
	struct ktrq_cred euid0 = { 0, 1000, 1000, 1000, 1000, 1000 };
	struct ktrq_harness_opts o;
	struct ktrq_harness *h;
	struct ktrq_thread *ctd, *td;
	struct ktrq_target *t;
	struct ktrq_proc *p;
	struct pwl *wl = arg;
	int i;

	wl->runs++;
	assert_int_equal(ktrq_harness_opts_init(&o), 0);
	o.observe = 1;
	o.targets = 2;
	assert_int_equal(ktrq_harness_create(os, &o, &h), 0);
	t = ktrq_harness_target(h, 1);
	p = perm_proc(h, 100, (struct ktrq_cred)U(1000), KTRFAC_ALL, 0, 0);
	(void)perm_proc(h, 101, (struct ktrq_cred)U(1001), 0, 0, 0);
	(void)perm_proc(h, 102, euid0, 0, 0, 0);
	(void)perm_proc(h, 103, (struct ktrq_cred)U(1000), 0, 1, 20);
	(void)perm_proc(h, 104, (struct ktrq_cred)U(1000), 0, 0, 0);
	assert_int_equal(ktrq_harness_thread(h, perm_proc(h, 10,
	    (struct ktrq_cred)U(1000), 0, 0, 0), &ctd), 0);
	assert_int_equal(ktrq_harness_thread(h, p, &td), 0);
	for (i = 100; i <= 103; i++)
		assert_int_equal(ktrq_harness_ktrace(h, ctd, t, KTROP_SET,
		    KTRFAC_ALL, i), EPERM);
	assert_int_equal(ktrq_harness_ktrace(h, ctd, t, KTROP_SET,
	    KTRFAC_SYSCALL, 10), 0);
	/* Group 100: only 104 is the caller's to change. */
	assert_int_equal(ktrq_harness_ktrace(h, ctd, t, KTROP_SET |
	    KTRFLAG_DESCEND, (int)(KTRFAC_ALL | KTRFAC_ROOT), -100), 0);
	assert_int_equal(ktrq_harness_ktrace(h, ctd, t, KTROP_CLEARFILE, 0, 0),
	    0);
	assert_int_equal(ktrq_harness_ktrace(h, ctd, NULL, KTROP_CLEAR,
	    KTRFAC_ALL, 999), ESRCH);
	if (wl->bypass)		/* a change the harness does not see */
		assert_int_equal(ktrq_ktrace(ktrq_harness_controller(h), NULL,
		    KTROP_CLEAR, KTRFAC_SYSCALL, 100), 0);
	for (i = 0; i < 3; i++)
		(void)ktrq_harness_post(h, td, 0);
	assert_int_equal(ktrq_harness_ktrace(h, ktrq_harness_controller(h),
	    t, KTROP_SET, KTRFAC_CSW, 101), 0);
	ktrq_harness_finish(h);
}

static void
t_perm_holds(void **state)
{
	struct ktrq_sim_opts o;
	struct pwl wl;

	(void)state;
	memset(&wl, 0, sizeof(wl));
	ktrq_sim_opts_init(&o);
	o.runs = 50;
	o.quiet = 1;
	o.name = "harness-perm";
	assert_int_equal(ktrq_sim_check(&o, perm_body, &wl, NULL), 0);
	assert_int_equal(wl.runs, 50);
}

/* Tracing changed behind the harness's back: the observation says so. */
static void
t_perm_bypass_caught(void **state)
{
	struct ktrq_sim_report r;
	struct ktrq_sim_opts o;
	struct pwl wl;

	(void)state;
	memset(&wl, 0, sizeof(wl));
	wl.bypass = 1;
	ktrq_sim_opts_init(&o);
	o.runs = 5;
	o.quiet = 1;
	o.name = "harness-perm";
	assert_int_equal(ktrq_sim_check(&o, perm_body, &wl, &r),
	    KTRQ_SIM_ASSERTION);
	assert_int_equal(r.run, 0);
	assert_non_null(strstr(r.message, "permissions: pid 100"));
	ktrq_sim_report_fini(&r);
}

/*
 * A DESCEND reaches the children of the process it names: the child's
 * ENOENT after its parent's CLEAR|DESCEND of a facility is no lost event
 * (item 9).
 */
static void
descend_body(const struct ktrq_os *os, void *arg)
{
	struct ktrq_harness *h;
	struct ktrq_proc *p, *c;
	struct ktrq_thread *td;

	(void)arg;
	assert_int_equal(ktrq_harness_create(os, NULL, &h), 0);
	assert_int_equal(ktrq_harness_proc(h, 100, 0, &p), 0);
	assert_int_equal(ktrq_harness_fork(h, p, 1000, &c), 0);
	assert_int_equal(ktrq_harness_thread(h, c, &td), 0);
	/* One facility: no detach, so no DETACH probe names the child. */
	assert_int_equal(ktrq_harness_ktrace(h, ktrq_harness_controller(h),
	    NULL, KTROP_CLEAR | KTRFLAG_DESCEND, KTRFAC_SYSCALL, 100), 0);
	assert_int_equal(ktrq_harness_post(h, td, KTR_SYSCALL), ENOENT);
	ktrq_harness_finish(h);
}

static void
t_descend_untraces_children(void **state)
{
	struct ktrq_sim_opts o;

	(void)state;
	ktrq_sim_opts_init(&o);
	o.runs = 3;
	o.name = "harness-descend";
	assert_int_equal(ktrq_sim_check(&o, descend_body, NULL, NULL), 0);
}

/*
 * Threads made while others post: the harness's table of threads grows
 * (moves) under a post in flight, which must not keep a pointer into it
 * across the event point (ASan saw the read after the move).
 */
static void
grow_poster(void *arg)
{
	struct poster *po = arg;
	int i;

	for (i = 0; i < 8; i++)
		(void)ktrq_harness_post(po->h, po->td, 0);
}

static void
grow_body(const struct ktrq_os *os, void *arg)
{
	struct ktrq_os_thread *th;
	struct ktrq_harness *h;
	struct ktrq_thread *td;
	struct ktrq_proc *p;
	struct poster po;
	int i;

	(void)arg;
	assert_int_equal(ktrq_harness_create(os, NULL, &h), 0);
	assert_int_equal(ktrq_harness_proc(h, 100, 0, &p), 0);
	po.h = h;
	assert_int_equal(ktrq_harness_thread(h, p, &po.td), 0);
	assert_int_equal(os->thread_create(os->cookie, &th, "poster",
	    grow_poster, &po), 0);
	for (i = 0; i < 40; i++)
		assert_int_equal(ktrq_harness_thread(h, p, &td), 0);
	assert_int_equal(os->thread_join(os->cookie, th), 0);
	ktrq_harness_finish(h);
}

static void
t_threads_while_posting(void **state)
{
	struct ktrq_sim_opts o;

	(void)state;
	ktrq_sim_opts_init(&o);
	o.runs = 30;
	o.name = "harness-grow";
	assert_int_equal(ktrq_sim_check(&o, grow_body, NULL, NULL), 0);
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
		cmocka_unit_test(t_perm_holds),
		cmocka_unit_test(t_perm_bypass_caught),
		cmocka_unit_test(t_descend_untraces_children),
		cmocka_unit_test(t_threads_while_posting),
		cmocka_unit_test(t_engine_calls),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
