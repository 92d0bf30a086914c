/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Drop marking: an event of process A that finds the pool empty marks
 * A's next record -- and only that one -- with KTR_DROP, however many of
 * A's events were dropped in a row.  Process B, which lost nothing, gets
 * no mark.  The mark is per process, not per thread (the next record of
 * any of A's threads carries it), and a child forked with INHERIT does not
 * inherit it.
 *
 * Determinism: the worker is parked in a gate target's write while the
 * pool is exhausted, then released; all content is read back from the
 * trace.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"

#define	PID_A	300
#define	PID_B	301
#define	PID_C	302
#define	CODE	5

struct fx {
	struct wrap		*w;
	struct ktrq		*k;
	struct gate		*g;
	struct ktrq_proc	*pa, *pb;
	struct ktrq_thread	*ta, *ta2, *tb;
};

static int
setup(void **state)
{
	struct fx *fx;

	fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	fx->k = h_gated_world(&fx->w, &fx->g, 3, 0, NULL);
	fx->pa = h_proc(fx->k, PID_A, NULL, PID_A, "a", 1000);
	fx->ta = h_thread(fx->pa, 1);
	fx->ta2 = h_thread(fx->pa, 11);
	fx->pb = h_proc(fx->k, PID_B, NULL, PID_B, "b", 1000);
	fx->tb = h_thread(fx->pb, 2);
	h_trace(fx->ta, fx->g->target, KTRFAC_ALL | KTRFAC_INHERIT, PID_A);
	h_trace(fx->tb, fx->g->target, KTRFAC_ALL, PID_B);
	*state = fx;
	return (0);
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	h_gated_teardown(fx->w, fx->k, fx->g);
	free(fx);
	return (0);
}

/* The record with syscall args {a0, a1} of `pid`: its drop mark. */
static int
dropped(const struct trace *tr, int pid, uint64_t a0, uint64_t a1)
{
	long i;

	i = trace_find_syscall(tr, pid, CODE, a0, a1);
	assert_true(i >= 0);
	return (tr->r[i].drop);
}

static void
t_mark_once(void **state)
{
	static const struct { int pid; uint64_t a0, a1; int drop; } want[] = {
		{ PID_A, 1, 0, 0 }, { PID_A, 1, 1, 0 }, { PID_B, 2, 0, 0 },
		{ PID_B, 2, 1, 0 }, { PID_A, 1, 4, 1 }, { PID_A, 1, 5, 0 },
		{ PID_B, 2, 2, 0 },
	};
	struct fx *fx = *state;
	struct ktrq_stats st;
	struct trace tr;
	size_t i;

	/* Pool 3: one parked in the worker, two queued (A, B). */
	assert_int_equal(h_sys(fx->ta, CODE, 1, 0), 0);
	gate_wait_entered(fx->g, 1);
	assert_int_equal(h_sys(fx->ta, CODE, 1, 1), 0);
	assert_int_equal(h_sys(fx->tb, CODE, 2, 0), 0);
	/* Three of A's are lost, from both its threads; none of B's. */
	assert_int_equal(h_sys(fx->ta, CODE, 1, 2), ENOBUFS);
	assert_int_equal(ktrq_csw(fx->ta, 1, 0), ENOBUFS);
	assert_int_equal(h_sys(fx->ta2, CODE, 1, 3), ENOBUFS);
	st = h_stats(fx->k);
	assert_true(st.dropped_exhausted == 3);

	/* Room again (the worker is still parked). */
	assert_int_equal(ktrq_pool_resize(fx->k, 50, NULL), 0);
	assert_int_equal(h_sys(fx->tb, CODE, 2, 1), 0);
	assert_int_equal(h_sys(fx->ta2, CODE, 1, 4), 0);	/* marked */
	assert_int_equal(h_sys(fx->ta, CODE, 1, 5), 0);	/* not again */
	assert_int_equal(h_sys(fx->tb, CODE, 2, 2), 0);

	gate_open(fx->g);
	assert_int_equal(ktrq_proc_exit(fx->pa), 0);
	assert_int_equal(ktrq_proc_exit(fx->pb), 0);
	h_assert_quiet(fx->k);

	trace_of(fx->g->inner, &tr);
	assert_int_equal(tr.n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < tr.n; i++) {
		assert_int_equal(tr.r[i].type, KTR_SYSCALL);
		assert_int_equal(tr.r[i].hdr.pid, want[i].pid);
		assert_true(tr.r[i].u.syscall.args[0] == want[i].a0);
		assert_true(tr.r[i].u.syscall.args[1] == want[i].a1);
		assert_int_equal(tr.r[i].drop, want[i].drop);
		assert_int_equal(tr.r[i].rawtype, KTR_SYSCALL | KTR_VERSIONED |
		    (want[i].drop ? KTR_DROP : 0));
	}
	/* The marked record came from the other thread of A. */
	assert_true(tr.r[4].hdr.tid == 11);
	assert_true(dropped(&tr, PID_A, 1, 4));
	trace_free(&tr);
}

/*
 * The record that carries a drop mark is no older than the drop: another
 * thread of A loses an event after A's next event was filled (its clock
 * read) but before it is posted.  A's record carries the mark, so its
 * time must be the post's, after the drop, as FreeBSD reads the clock
 * after the request is taken -- not the fill's, which would put a
 * "events were lost before this one" record before the loss.
 */
#define	T_FILL	1000000000ULL
#define	T_DROP	2000000000ULL

struct late_drop {
	struct fx	*fx;
	int		 calls;
	int		 lost;		/* the other thread's outcome */
};

static void
drop_after_fill(void *arg)
{
	struct late_drop *d = arg;

	if (d->calls++ != 0)
		return;
	wrap_fix_clock(d->fx->w, T_DROP);
	d->lost = h_sys(d->fx->ta2, CODE, 1, 9);
	assert_int_equal(ktrq_pool_resize(d->fx->k, 50, NULL), 0);
}

static void
t_mark_not_older_than_drop(void **state)
{
	struct fx *fx = *state;
	struct wrap_hooks h;
	struct late_drop d;
	struct trace tr;
	uint64_t ns;
	long i;

	/* Pool 3: one parked in the worker, two queued: exhausted. */
	assert_int_equal(h_sys(fx->ta, CODE, 1, 0), 0);
	gate_wait_entered(fx->g, 1);
	assert_int_equal(h_sys(fx->ta, CODE, 1, 1), 0);
	assert_int_equal(h_sys(fx->tb, CODE, 2, 0), 0);

	memset(&d, 0, sizeof(d));
	d.fx = fx;
	memset(&h, 0, sizeof(h));
	h.on_clock_read = drop_after_fill;
	h.arg = &d;
	wrap_fix_clock(fx->w, T_FILL);
	wrap_arm(fx->w, &h);
	assert_int_equal(h_sys(fx->ta, CODE, 1, 8), 0);
	wrap_arm(fx->w, NULL);
	assert_int_equal(d.lost, ENOBUFS);

	gate_open(fx->g);
	assert_int_equal(ktrq_proc_exit(fx->pa), 0);
	assert_int_equal(ktrq_proc_exit(fx->pb), 0);
	h_assert_quiet(fx->k);
	trace_of(fx->g->inner, &tr);
	i = trace_find_syscall(&tr, PID_A, CODE, 1, 8);
	assert_true(i >= 0);
	assert_true(tr.r[i].drop);
	ns = (uint64_t)tr.r[i].hdr.sec * 1000000000U +
	    (uint64_t)tr.r[i].hdr.nsec;
	assert_true(ns >= T_DROP);
	trace_free(&tr);
}

/*
 * A fork while the parent carries a pending mark: the inheriting child
 * starts clean, the parent keeps its mark for its own next record.
 */
static void
t_fork_not_inherited(void **state)
{
	struct fx *fx = *state;
	struct ktrq_proc *c;
	struct ktrq_thread *tc;
	struct trace tr;

	assert_int_equal(h_sys(fx->ta, CODE, 1, 0), 0);
	gate_wait_entered(fx->g, 1);
	assert_int_equal(h_sys(fx->ta, CODE, 1, 1), 0);
	assert_int_equal(h_sys(fx->ta, CODE, 1, 2), 0);
	assert_int_equal(h_sys(fx->ta, CODE, 1, 3), ENOBUFS);
	assert_int_equal(ktrq_proc_fork(fx->pa, PID_C, &c), 0);
	tc = h_thread(c, 3);
	assert_int_equal(ktrq_point(tc, KTR_SYSCALL), 1);
	assert_int_equal(ktrq_pool_resize(fx->k, 10, NULL), 0);
	assert_int_equal(h_sys(tc, CODE, 3, 0), 0);
	assert_int_equal(h_sys(fx->ta, CODE, 1, 4), 0);
	assert_int_equal(h_sys(tc, CODE, 3, 1), 0);

	gate_open(fx->g);
	assert_int_equal(ktrq_proc_exit(c), 0);
	assert_int_equal(ktrq_proc_exit(fx->pa), 0);
	trace_of(fx->g->inner, &tr);
	assert_int_equal(tr.n, 6);
	assert_false(dropped(&tr, PID_A, 1, 0));
	assert_false(dropped(&tr, PID_A, 1, 2));
	assert_false(dropped(&tr, PID_C, 3, 0));
	assert_true(dropped(&tr, PID_A, 1, 4));
	assert_false(dropped(&tr, PID_C, 3, 1));
	assert_int_equal(trace_count(&tr, PID_C, KTR_SYSCALL), 2);
	trace_free(&tr);
}

/*
 * A mark set while the process had nothing queued survives until its
 * next event, even after the pool has long been refilled.
 */
static void
t_mark_waits_for_next(void **state)
{
	struct fx *fx = *state;
	struct trace tr;
	int i;

	assert_int_equal(h_sys(fx->tb, CODE, 2, 0), 0);
	gate_wait_entered(fx->g, 1);
	assert_int_equal(h_sys(fx->tb, CODE, 2, 1), 0);
	assert_int_equal(h_sys(fx->tb, CODE, 2, 2), 0);
	assert_int_equal(h_sys(fx->ta, CODE, 1, 0), ENOBUFS);
	gate_open(fx->g);
	assert_int_equal(ktrq_proc_exit(fx->pb), 0);
	h_assert_quiet(fx->k);
	for (i = 1; i <= 3; i++)
		assert_int_equal(h_sys(fx->ta, CODE, 1, (uint64_t)i), 0);
	assert_int_equal(ktrq_proc_exit(fx->pa), 0);
	trace_of(fx->g->inner, &tr);
	assert_int_equal(tr.n, 6);
	assert_true(dropped(&tr, PID_A, 1, 1));
	assert_false(dropped(&tr, PID_A, 1, 2));
	assert_false(dropped(&tr, PID_A, 1, 3));
	for (i = 0; i < 3; i++)
		assert_false(dropped(&tr, PID_B, 2, (uint64_t)i));
	trace_free(&tr);
}

#define	T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(t_mark_once),
		T(t_mark_not_older_than_drop),
		T(t_fork_not_inherited),
		T(t_mark_waits_for_next),
	};

	return (cmocka_run_group_tests_name("core_drop", tests, NULL, NULL));
}
