/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrace(2), the control matrix: SET adds facilities and attaches, CLEAR
 * removes them and detaches with the last one (the target reference is
 * given back), CLEARFILE detaches every process on a target that the
 * caller may change; DESCEND applies to a whole subtree in pre-order,
 * never above the start; a negative pid names a process group; INHERIT
 * makes forked children traced.  ktrcanset: a user may trace its own
 * processes, not another user's, not a set-id one, not one whose saved
 * ids differ from its real ones, and not one root set tracing on; root
 * may trace anything and marks it KTRFAC_ROOT.  Errors: EINVAL for bad
 * ops, unknown facility bits, no facility with SET/CLEAR, no target
 * where one is needed, pid 0 or a NULL caller; ESRCH for no such
 * process or an empty group; EPERM when nothing could be changed.
 * Detaching drops the process's queued records as cleared, and an event
 * caught between being taken and being queued by a detach returns ENXIO.
 *
 * Observed from outside only: KTRPOINT, event outcomes, the records a
 * target receives, and whether a target got its references back.
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

/* A discarding target that counts writes and reports its release. */
struct counter {
	pthread_mutex_t	 lock;
	unsigned	 writes;
	int		 released;
};

static int
counter_write(void *arg, const struct ktrq_iov *iov, int iovcnt,
    const struct ktrq_cred *cred, size_t *donep)
{
	struct counter *c = arg;
	size_t total;

	(void)cred;
	total = ktrq_iov_total(iov, iovcnt);
	pthread_mutex_lock(&c->lock);
	c->writes++;
	pthread_mutex_unlock(&c->lock);
	*donep = total;
	return (0);
}

static void
counter_release(void *arg)
{
	struct counter *c = arg;

	pthread_mutex_lock(&c->lock);
	c->released++;
	pthread_mutex_unlock(&c->lock);
}

static const struct ktrq_target_ops counter_ops = {
	.write = counter_write,
	.release = counter_release,
};

static int
counter_released(struct counter *c)
{
	int r;

	pthread_mutex_lock(&c->lock);
	r = c->released;
	pthread_mutex_unlock(&c->lock);
	return (r);
}

struct fx {
	struct wrap		*w;
	struct ktrq		*k;
	struct ktrq_target	*t1, *t2;
	/* root, users 1000 (u, u2) and 2000 (o) */
	struct ktrq_proc	*pr, *pu, *pu2, *po;
	struct ktrq_thread	*tr, *tu, *tu2, *to;
};

#define	PID_R	1
#define	PID_U	10
#define	PID_U2	11
#define	PID_O	40

static int
setup(void **state)
{
	struct fx *fx;

	fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	fx->w = wrap_create();
	fx->k = h_instance(&fx->w->os, 64, 0, NULL);
	assert_int_equal(ktrq_memtarget_create(fx->w->inner, &fx->t1), 0);
	assert_int_equal(ktrq_memtarget_create(fx->w->inner, &fx->t2), 0);
	fx->pr = h_proc(fx->k, PID_R, NULL, PID_R, "init", 0);
	fx->pu = h_proc(fx->k, PID_U, fx->pr, PID_U, "sh", 1000);
	fx->pu2 = h_proc(fx->k, PID_U2, fx->pr, PID_U2, "vi", 1000);
	fx->po = h_proc(fx->k, PID_O, fx->pr, PID_O, "other", 2000);
	fx->tr = h_thread(fx->pr, 1);
	fx->tu = h_thread(fx->pu, 10);
	fx->tu2 = h_thread(fx->pu2, 11);
	fx->to = h_thread(fx->po, 40);
	*state = fx;
	return (0);
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	if (fx->k != NULL)
		assert_int_equal(ktrq_destroy(fx->k), 0);
	ktrq_target_rele(fx->t1);
	ktrq_target_rele(fx->t2);
	wrap_destroy(fx->w);
	free(fx);
	return (0);
}

static int
point(struct ktrq_thread *td)
{

	return (ktrq_point(td, KTR_SYSCALL));
}

static void
t_set_clear(void **state)
{
	struct fx *fx = *state;
	struct ktrq_target *ct;
	static struct counter c;
	int type;

	memset(&c, 0, sizeof(c));
	pthread_mutex_init(&c.lock, NULL);
	assert_int_equal(ktrq_target_create(fx->w->inner, &counter_ops, &c,
	    &ct), 0);
	assert_int_equal(ktrq_point(fx->tu, KTR_SYSCALL), 0);
	assert_int_equal(h_sys(fx->tu, 1, 0, 0), ENOENT);

	assert_int_equal(ktrq_ktrace(fx->tu, ct, KTROP_SET, KTRFAC_SYSCALL,
	    PID_U), 0);
	assert_int_equal(ktrq_point(fx->tu, KTR_SYSCALL), 1);
	assert_int_equal(ktrq_point(fx->tu, KTR_SYSRET), 0);
	assert_int_equal(ktrq_sysret(fx->tu, 1, 0, 0), ENOENT);
	assert_int_equal(ktrq_ktrace(fx->tu, ct, KTROP_SET, KTRFAC_SYSRET,
	    PID_U), 0);
	assert_int_equal(ktrq_point(fx->tu, KTR_SYSCALL), 1);
	assert_int_equal(ktrq_point(fx->tu, KTR_SYSRET), 1);
	for (type = KTR_NAMEI; type <= KTR_USER; type++)
		assert_int_equal(ktrq_point(fx->tu, type), 0);
	/* Out-of-range types are never traced. */
	assert_int_equal(ktrq_point(fx->tu, 0), 0);
	assert_int_equal(ktrq_point(fx->tu, KTR_USER + 1), 0);

	/* CLEAR one: still attached for the other. */
	assert_int_equal(ktrq_ktrace(fx->tu, NULL, KTROP_CLEAR,
	    KTRFAC_SYSCALL, PID_U), 0);
	assert_int_equal(ktrq_point(fx->tu, KTR_SYSCALL), 0);
	assert_int_equal(ktrq_point(fx->tu, KTR_SYSRET), 1);
	assert_int_equal(ktrq_sysret(fx->tu, 1, 0, 0), 0);
	/* Clearing something not set changes nothing. */
	assert_int_equal(ktrq_ktrace(fx->tu, NULL, KTROP_CLEAR, KTRFAC_PSIG,
	    PID_U), 0);
	assert_int_equal(ktrq_point(fx->tu, KTR_SYSRET), 1);

	/* The last one: detached, the reference given back. */
	assert_int_equal(ktrq_ktrace(fx->tu, NULL, KTROP_CLEAR,
	    KTRFAC_SYSRET, PID_U), 0);
	for (type = KTR_SYSCALL; type <= KTR_USER; type++)
		assert_int_equal(ktrq_point(fx->tu, type), 0);
	assert_int_equal(ktrq_sysret(fx->tu, 1, 0, 0), ENOENT);
	assert_int_equal(ktrq_proc_exit(fx->pu), 0);	/* drains */
	/* The SYSRET was written, or dropped by the detach if still queued. */
	h_assert_quiet(fx->k);
	assert_true(h_stats(fx->k).posted == 1);
	assert_true(h_stats(fx->k).written == c.writes);
	assert_true(c.writes + h_stats(fx->k).dropped_cleared == 1);
	/*
	 * No process holds it now; the worker may still drop the reference
	 * of the request it just finished, so look once it is joined.
	 */
	ktrq_target_rele(ct);
	assert_int_equal(ktrq_destroy(fx->k), 0);
	fx->k = NULL;
	assert_int_equal(counter_released(&c), 1);
	pthread_mutex_destroy(&c.lock);
}

/* SET to another target moves the process; the old one is released. */
static void
t_set_switches_target(void **state)
{
	struct fx *fx = *state;
	struct trace tr;

	h_trace(fx->tu, fx->t1, KTRFAC_SYSCALL, PID_U);
	assert_int_equal(h_sys(fx->tu, 1, 1, 0), 0);
	h_trace(fx->tu, fx->t2, KTRFAC_SYSRET, PID_U);
	/* Facilities accumulate; the target is the new one. */
	assert_int_equal(h_sys(fx->tu, 1, 2, 0), 0);
	assert_int_equal(ktrq_sysret(fx->tu, 1, 0, 0), 0);
	assert_int_equal(ktrq_proc_exit(fx->pu), 0);
	trace_of(fx->t1, &tr);
	assert_int_equal(tr.n, 1);
	assert_true(tr.r[0].u.syscall.args[0] == 1);
	trace_free(&tr);
	trace_of(fx->t2, &tr);
	assert_int_equal(tr.n, 2);
	assert_true(tr.r[0].u.syscall.args[0] == 2);
	assert_int_equal(tr.r[1].type, KTR_SYSRET);
	trace_free(&tr);
}

static void
t_clearfile(void **state)
{
	struct fx *fx = *state;
	struct ktrq_proc *pw;
	struct ktrq_thread *tw;

	pw = h_proc(fx->k, 12, fx->pr, 12, "w", 1000);
	tw = h_thread(pw, 12);
	h_trace(fx->tu, fx->t1, KTRFAC_ALL, PID_U);
	h_trace(fx->tu, fx->t1, KTRFAC_SYSCALL, PID_U2);
	h_trace(fx->tu, fx->t2, KTRFAC_SYSCALL, 12);

	/* The pid is not used by CLEARFILE (but must not be 0). */
	assert_int_equal(ktrq_ktrace(fx->tu, fx->t1, KTROP_CLEARFILE, 0,
	    PID_O), 0);
	assert_int_equal(point(fx->tu), 0);
	assert_int_equal(point(fx->tu2), 0);
	assert_int_equal(point(tw), 1);

	/* Another user's process on the file: EPERM, it stays... */
	h_trace(fx->to, fx->t1, KTRFAC_SYSCALL, PID_O);
	h_trace(fx->tu, fx->t1, KTRFAC_SYSCALL, PID_U);
	assert_int_equal(ktrq_ktrace(fx->tu, fx->t1, KTROP_CLEARFILE, 0,
	    PID_U), EPERM);
	assert_int_equal(point(fx->to), 1);
	/* ...while the caller's own are detached anyway. */
	assert_int_equal(point(fx->tu), 0);
	assert_int_equal(point(tw), 1);
	/* Root clears everything on it. */
	assert_int_equal(ktrq_ktrace(fx->tr, fx->t1, KTROP_CLEARFILE, 0,
	    PID_R), 0);
	assert_int_equal(point(fx->to), 0);
	assert_int_equal(point(tw), 1);
	/* Nothing on it: still 0. */
	assert_int_equal(ktrq_ktrace(fx->tr, fx->t1, KTROP_CLEARFILE, 0,
	    PID_R), 0);
}

/*
 * A CLEARFILE touches only processes the caller may change: root traces
 * pid 1 to the file with 50 records queued behind one being written; a
 * uid-1000 CLEARFILE of the file fails with EPERM and drops none of them,
 * pid 1 stays attached, and all 52 records land with no KTR_DROP mark.
 */
static void
t_clearfile_eperm_keeps_queued(void **state)
{
	struct fx *fx = *state;
	struct ktrq_stats st;
	struct trace tr;
	struct gate *g;
	size_t i;
	int n;

	g = gate_create(fx->w->inner, fx->t1);
	h_trace(fx->tr, g->target, KTRFAC_ALL, PID_R);
	assert_int_equal(h_sys(fx->tr, 1, 0, 0), 0);
	gate_wait_waiting(g, 1);
	for (n = 1; n <= 50; n++)
		assert_int_equal(h_sys(fx->tr, 1, (uint64_t)n, 0), 0);
	assert_int_equal(ktrq_ktrace(fx->tu, g->target, KTROP_CLEARFILE, 0,
	    PID_U), EPERM);
	assert_int_equal(point(fx->tr), 1);
	assert_int_equal(h_sys(fx->tr, 1, 51, 0), 0);
	gate_open(g);
	assert_int_equal(ktrq_proc_exit(fx->pr), 0);	/* drains */
	h_assert_quiet(fx->k);
	st = h_stats(fx->k);
	assert_true(st.dropped_cleared == 0);
	assert_true(st.written == 52);
	trace_of(fx->t1, &tr);
	assert_int_equal(tr.n, 52);
	for (i = 0; i < tr.n; i++) {
		assert_int_equal(tr.r[i].drop, 0);
		assert_true(tr.r[i].u.syscall.args[0] == i);
	}
	trace_free(&tr);
	ktrq_target_rele(g->target);
}

/*
 * Records dropped while their process stays traced mark its next record
 * KTR_DROP: pid 10 queues 5 records for F, moves to G; root's CLEARFILE
 * of F drops the 5; pid 10's next record, on G, carries the mark.  A
 * synchronous genio of root's, queued behind the 5, returns only once
 * the worker went past them.
 */
static void
t_clearfile_marks_drop(void **state)
{
	struct fx *fx = *state;
	struct ktrq_stats st;
	struct trace tr;
	struct gate *g;
	int n;

	g = gate_create(fx->w->inner, fx->t1);
	h_trace(fx->tr, g->target, KTRFAC_ALL, PID_R);
	assert_int_equal(h_sys(fx->tr, 1, 0, 0), 0);
	gate_wait_waiting(g, 1);
	h_trace(fx->tu, g->target, KTRFAC_ALL, PID_U);
	for (n = 1; n <= 5; n++)
		assert_int_equal(h_sys(fx->tu, 1, (uint64_t)n, 0), 0);
	h_trace(fx->tu, fx->t2, KTRFAC_ALL, PID_U);
	assert_int_equal(ktrq_ktrace(fx->tr, g->target, KTROP_CLEARFILE, 0,
	    PID_R), 0);
	h_trace(fx->tr, fx->t1, KTRFAC_ALL, PID_R);
	gate_open(g);
	assert_int_equal(ktrq_genio(fx->tr, 1, 1, "x", 1), 0);
	assert_int_equal(h_sys(fx->tu, 1, 6, 0), 0);
	assert_int_equal(h_sys(fx->tu, 1, 7, 0), 0);
	assert_int_equal(ktrq_proc_exit(fx->pu), 0);	/* drains */
	assert_int_equal(ktrq_proc_exit(fx->pr), 0);
	h_assert_quiet(fx->k);
	st = h_stats(fx->k);
	assert_true(st.dropped_cleared == 5);
	trace_of(fx->t2, &tr);
	assert_int_equal(tr.n, 2);
	assert_int_equal(tr.r[0].drop, 1);
	assert_int_equal(tr.r[1].drop, 0);
	trace_free(&tr);
	ktrq_target_rele(g->target);
}

/*
 *                  x(19)
 *          /         |         \
 *      y(25)      top(20)      y2(28)
 *           /     /     \     \
 *       c1(21) c2(22)  c3(26)  alien(27, uid 2000)
 *         |      |
 *       g1(23) g2(24)
 */
static void
t_descend(void **state)
{
	static const int in[] = { 20, 21, 22, 23, 24 };
	struct fx *fx = *state;
	struct ktrq_proc *x, *top, *c1, *c2, *p;
	struct ktrq_thread *td[29];
	size_t i;

	memset(td, 0, sizeof(td));
	/* Siblings made before and after top, whatever the list order. */
	x = h_proc(fx->k, 19, NULL, 19, "x", 1000);
	p = h_proc(fx->k, 25, x, 25, "y", 1000);
	td[25] = h_thread(p, 25);
	top = h_proc(fx->k, 20, x, 20, "top", 1000);
	p = h_proc(fx->k, 28, x, 28, "y2", 1000);
	td[28] = h_thread(p, 28);
	c1 = h_proc(fx->k, 21, top, 20, "c1", 1000);
	c2 = h_proc(fx->k, 22, top, 20, "c2", 1000);
	p = h_proc(fx->k, 23, c1, 20, "g1", 1000);
	td[23] = h_thread(p, 23);
	p = h_proc(fx->k, 24, c2, 20, "g2", 1000);
	td[24] = h_thread(p, 24);
	td[19] = h_thread(x, 19);
	td[20] = h_thread(top, 20);
	td[21] = h_thread(c1, 21);
	td[22] = h_thread(c2, 22);
	/* A third child by fork, a leaf next to c1 and c2. */
	assert_int_equal(ktrq_proc_fork(top, 26, &p), 0);
	td[26] = h_thread(p, 26);
	/* Another user's child: skipped, the call still succeeds. */
	p = h_proc(fx->k, 27, top, 20, "alien", 2000);
	td[27] = h_thread(p, 27);

	assert_int_equal(ktrq_ktrace(td[21], fx->t1,
	    KTROP_SET | KTRFLAG_DESCEND, KTRFAC_SYSCALL, 20), 0);
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		assert_int_equal(point(td[in[i]]), 1);
	assert_int_equal(point(td[26]), 1);
	assert_int_equal(point(td[27]), 0);
	assert_int_equal(point(td[19]), 0);	/* never above */
	assert_int_equal(point(td[25]), 0);	/* nor beside */
	assert_int_equal(point(td[28]), 0);

	/* CLEAR the c1 subtree only. */
	assert_int_equal(ktrq_ktrace(td[20], NULL,
	    KTROP_CLEAR | KTRFLAG_DESCEND, KTRFAC_SYSCALL, 21), 0);
	assert_int_equal(point(td[21]), 0);
	assert_int_equal(point(td[23]), 0);
	assert_int_equal(point(td[20]), 1);
	assert_int_equal(point(td[22]), 1);
	assert_int_equal(point(td[24]), 1);

	/* Without DESCEND only the one. */
	assert_int_equal(ktrq_ktrace(td[20], fx->t1, KTROP_SET,
	    KTRFAC_SYSCALL, 21), 0);
	assert_int_equal(point(td[21]), 1);
	assert_int_equal(point(td[23]), 0);

	/* Another user: only its own process in the subtree changes. */
	assert_int_equal(ktrq_ktrace(fx->to, fx->t2,
	    KTROP_SET | KTRFLAG_DESCEND, KTRFAC_SYSCALL, 19), 0);
	assert_int_equal(point(td[27]), 1);
	assert_int_equal(point(td[19]), 0);
	assert_int_equal(point(td[25]), 0);
	assert_int_equal(ktrq_ktrace(fx->to, fx->t2,
	    KTROP_SET | KTRFLAG_DESCEND, KTRFAC_SYSCALL, 21), EPERM);
}

static void
t_pgrp(void **state)
{
	struct fx *fx = *state;
	struct ktrq_thread *td[4];
	struct ktrq_proc *p;
	int i;

	for (i = 0; i < 4; i++) {
		p = h_proc(fx->k, 50 + i, NULL, i < 3 ? 50 : 53, "grp", 1000);
		td[i] = h_thread(p, 50 + i);
	}
	assert_int_equal(ktrq_ktrace(fx->tu, fx->t1, KTROP_SET,
	    KTRFAC_SYSCALL, -50), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(point(td[i]), 1);
	assert_int_equal(point(td[3]), 0);
	assert_int_equal(point(fx->tu), 0);
	assert_int_equal(ktrq_ktrace(fx->tu, NULL, KTROP_CLEAR,
	    KTRFAC_SYSCALL, -50), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(point(td[i]), 0);
	/* An empty group. */
	assert_int_equal(ktrq_ktrace(fx->tu, fx->t1, KTROP_SET,
	    KTRFAC_SYSCALL, -77), ESRCH);
	/* A group of another user's processes only: EPERM. */
	assert_int_equal(ktrq_ktrace(fx->tu, fx->t1, KTROP_SET,
	    KTRFAC_SYSCALL, -PID_O), EPERM);
	assert_int_equal(point(fx->to), 0);
}

static void
t_inherit(void **state)
{
	struct fx *fx = *state;
	struct ktrq_proc *c, *gc, *n;
	struct ktrq_thread *tc, *tgc, *tn;
	struct trace tr;

	h_trace(fx->tu, fx->t1, KTRFAC_SYSCALL | KTRFAC_INHERIT, PID_U);
	h_trace(fx->tu2, fx->t1, KTRFAC_SYSCALL, PID_U2);
	assert_int_equal(ktrq_proc_fork(fx->pu, 100, &c), 0);
	assert_int_equal(ktrq_proc_fork(c, 101, &gc), 0);
	assert_int_equal(ktrq_proc_fork(fx->pu2, 102, &n), 0);
	tc = h_thread(c, 100);
	tgc = h_thread(gc, 101);
	tn = h_thread(n, 102);
	assert_int_equal(point(tc), 1);
	assert_int_equal(point(tgc), 1);
	assert_int_equal(ktrq_point(tc, KTR_SYSRET), 0);
	assert_int_equal(point(tn), 0);
	assert_int_equal(h_sys(tc, 2, 0, 0), 0);
	assert_int_equal(h_sys(tgc, 2, 0, 0), 0);
	assert_int_equal(h_sys(tn, 2, 0, 0), ENOENT);
	assert_int_equal(ktrq_proc_exit(gc), 0);
	assert_int_equal(ktrq_proc_exit(c), 0);
	trace_of(fx->t1, &tr);
	assert_int_equal(tr.n, 2);
	assert_int_equal(tr.r[0].hdr.pid, 100);
	assert_string_equal(tr.r[0].hdr.comm, "sh");	/* the parent's */
	assert_int_equal(tr.r[1].hdr.pid, 101);
	trace_free(&tr);
	/* A child forked after CLEAR is not traced. */
	assert_int_equal(ktrq_ktrace(fx->tu, NULL, KTROP_CLEAR, KTRFAC_ALL,
	    PID_U), 0);
	assert_int_equal(ktrq_proc_fork(fx->pu, 103, &c), 0);
	tc = h_thread(c, 103);
	assert_int_equal(point(tc), 0);
}

static void
t_canset(void **state)
{
	struct fx *fx = *state;
	struct ktrq_cred cr;
	struct ktrq_proc *p;
	struct ktrq_thread *td;

	/* Same user. */
	assert_int_equal(ktrq_ktrace(fx->tu, fx->t1, KTROP_SET,
	    KTRFAC_SYSCALL, PID_U2), 0);
	assert_int_equal(point(fx->tu2), 1);
	/* Another user: EPERM, nothing set. */
	assert_int_equal(ktrq_ktrace(fx->tu, fx->t1, KTROP_SET,
	    KTRFAC_SYSCALL, PID_O), EPERM);
	assert_int_equal(point(fx->to), 0);
	assert_int_equal(ktrq_ktrace(fx->to, NULL, KTROP_CLEAR,
	    KTRFAC_SYSCALL, PID_U2), EPERM);
	assert_int_equal(point(fx->tu2), 1);

	/* Root may; its mark then locks the user out, even of its own. */
	assert_int_equal(ktrq_ktrace(fx->tr, fx->t1, KTROP_SET,
	    KTRFAC_SYSCALL, PID_O), 0);
	assert_int_equal(point(fx->to), 1);
	assert_int_equal(ktrq_ktrace(fx->to, NULL, KTROP_CLEAR,
	    KTRFAC_SYSCALL, PID_O), EPERM);
	assert_int_equal(ktrq_ktrace(fx->to, fx->t2, KTROP_SET,
	    KTRFAC_SYSRET, PID_O), EPERM);
	assert_int_equal(ktrq_point(fx->to, KTR_SYSRET), 0);
	assert_int_equal(point(fx->to), 1);
	assert_int_equal(ktrq_ktrace(fx->tr, NULL, KTROP_CLEAR,
	    KTRFAC_SYSCALL, PID_O), 0);
	assert_int_equal(point(fx->to), 0);
	/* Detached, the root mark went with it: the user may again. */
	assert_int_equal(ktrq_ktrace(fx->to, fx->t1, KTROP_SET,
	    KTRFAC_SYSCALL, PID_O), 0);
	assert_int_equal(ktrq_ktrace(fx->to, NULL, KTROP_CLEAR,
	    KTRFAC_SYSCALL, PID_O), 0);

	/* A user cannot forge the root mark: it is ignored. */
	assert_int_equal(ktrq_ktrace(fx->tu, fx->t1, KTROP_SET,
	    (int)(KTRFAC_SYSCALL | KTRFAC_ROOT), PID_U), 0);
	assert_int_equal(ktrq_ktrace(fx->tu, NULL, KTROP_CLEAR,
	    KTRFAC_SYSCALL, PID_U), 0);
	assert_int_equal(point(fx->tu), 0);

	/* Set-id after exec: only root. */
	assert_int_equal(ktrq_proc_exec(fx->pu2, "su", 1), 0);
	assert_int_equal(ktrq_ktrace(fx->tu, fx->t1, KTROP_SET,
	    KTRFAC_SYSRET, PID_U2), EPERM);
	assert_int_equal(ktrq_ktrace(fx->tr, fx->t1, KTROP_SET,
	    KTRFAC_SYSRET, PID_U2), 0);
	assert_int_equal(ktrq_point(fx->tu2, KTR_SYSRET), 1);

	/* Saved uid differs from the real one: only root. */
	cr = h_cred(1000);
	cr.svuid = 0;
	assert_int_equal(ktrq_proc_create(fx->k, 60, NULL, 60, "sav", &cr,
	    &p), 0);
	td = h_thread(p, 60);
	assert_int_equal(ktrq_ktrace(fx->tu, fx->t1, KTROP_SET,
	    KTRFAC_SYSCALL, 60), EPERM);
	/* Same uid, different real group: not allowed. */
	cr = h_cred(1000);
	cr.rgid = cr.svgid = 5;
	assert_int_equal(ktrq_proc_create(fx->k, 61, NULL, 61, "grp", &cr,
	    &p), 0);
	assert_int_equal(ktrq_ktrace(fx->tu, fx->t1, KTROP_SET,
	    KTRFAC_SYSCALL, 61), EPERM);
	/* Its effective uid matters too (FreeBSD 2002, p_candebug). */
	cr = h_cred(1000);
	cr.uid = 0;
	assert_int_equal(ktrq_proc_create(fx->k, 62, NULL, 62, "eff", &cr,
	    &p), 0);
	assert_int_equal(ktrq_ktrace(fx->tu, fx->t1, KTROP_SET,
	    KTRFAC_SYSCALL, 62), EPERM);
	/* Root may trace all of them. */
	assert_int_equal(ktrq_ktrace(fx->tr, fx->t1, KTROP_SET,
	    KTRFAC_SYSCALL, 60), 0);
	assert_int_equal(point(td), 1);
	assert_int_equal(ktrq_ktrace(fx->tr, fx->t1, KTROP_SET,
	    KTRFAC_SYSCALL, 61), 0);
}

static void
t_einval(void **state)
{
	static const int badfacs[] = { 1, 1 << 8, KTRFAC_DROP, 0x00800000,
	    KTRFAC_SYSCALL | 1 };
	struct fx *fx = *state;
	size_t i;

	assert_int_equal(ktrq_ktrace(fx->tu, fx->t1, 3, KTRFAC_SYSCALL,
	    PID_U), EINVAL);
	assert_int_equal(ktrq_ktrace(fx->tu, fx->t1, 3 | KTRFLAG_DESCEND,
	    KTRFAC_SYSCALL, PID_U), EINVAL);
	assert_int_equal(ktrq_ktrace(fx->tu, fx->t1, KTROP_SET | 8,
	    KTRFAC_SYSCALL, PID_U), EINVAL);
	for (i = 0; i < sizeof(badfacs) / sizeof(badfacs[0]); i++) {
		assert_int_equal(ktrq_ktrace(fx->tu, fx->t1, KTROP_SET,
		    badfacs[i], PID_U), EINVAL);
		assert_int_equal(ktrq_ktrace(fx->tu, NULL, KTROP_CLEAR,
		    badfacs[i], PID_U), EINVAL);
	}
	assert_int_equal(ktrq_ktrace(fx->tu, fx->t1, KTROP_SET, 0, PID_U),
	    EINVAL);
	assert_int_equal(ktrq_ktrace(fx->tu, fx->t1, KTROP_SET,
	    KTRFAC_INHERIT, PID_U), EINVAL);
	assert_int_equal(ktrq_ktrace(fx->tu, NULL, KTROP_CLEAR, 0, PID_U),
	    EINVAL);
	assert_int_equal(ktrq_ktrace(fx->tu, NULL, KTROP_SET,
	    KTRFAC_SYSCALL, PID_U), EINVAL);
	assert_int_equal(ktrq_ktrace(fx->tu, NULL, KTROP_CLEARFILE, 0,
	    PID_U), EINVAL);
	assert_int_equal(ktrq_ktrace(fx->tu, fx->t1, KTROP_SET,
	    KTRFAC_SYSCALL, 0), EINVAL);
	assert_int_equal(ktrq_ktrace(NULL, fx->t1, KTROP_SET,
	    KTRFAC_SYSCALL, PID_U), EINVAL);
	assert_int_equal(point(fx->tu), 0);
	/* No such process. */
	assert_int_equal(ktrq_ktrace(fx->tu, fx->t1, KTROP_SET,
	    KTRFAC_SYSCALL, 9999), ESRCH);
	assert_int_equal(ktrq_ktrace(fx->tu, NULL, KTROP_CLEAR,
	    KTRFAC_SYSCALL, 9999), ESRCH);
	assert_int_equal(ktrq_ktrace(fx->tu, fx->t1,
	    KTROP_SET | KTRFLAG_DESCEND, KTRFAC_SYSCALL, 9999), ESRCH);
	assert_true(h_stats(fx->k).posted == 0);
}

/*
 * CLEAR with records still queued: they are dropped as cleared, never
 * written to the target they were detached from.
 */
static void
t_clear_drops_queued(void **state)
{
	struct fx *fx = *state;
	struct ktrq_stats st;
	struct trace tr;
	struct gate *g;
	int i;

	g = gate_create(fx->w->inner, NULL);
	h_trace(fx->tu, g->target, KTRFAC_SYSCALL, PID_U);
	h_trace(fx->tu2, g->target, KTRFAC_SYSCALL, PID_U2);
	assert_int_equal(h_sys(fx->tu, 1, 0, 0), 0);
	gate_wait_entered(g, 1);
	for (i = 1; i <= 5; i++) {
		assert_int_equal(h_sys(fx->tu, 1, (uint64_t)i, 0), 0);
		assert_int_equal(h_sys(fx->tu2, 2, (uint64_t)i, 0), 0);
	}
	assert_int_equal(ktrq_ktrace(fx->tu, NULL, KTROP_CLEAR,
	    KTRFAC_SYSCALL, PID_U), 0);
	gate_open(g);
	assert_int_equal(ktrq_proc_exit(fx->pu), 0);
	assert_int_equal(ktrq_proc_exit(fx->pu2), 0);
	h_assert_quiet(fx->k);
	st = h_stats(fx->k);
	assert_true(st.posted == 11);
	assert_true(st.written == 6);		/* U's first, U2's five */
	assert_true(st.dropped_cleared == 5);
	trace_of(g->inner, &tr);
	assert_int_equal(tr.n, 6);
	assert_int_equal(trace_count(&tr, PID_U, 0), 1);
	assert_int_equal(trace_count(&tr, PID_U2, 0), 5);
	trace_free(&tr);
	ktrq_target_rele(g->target);
}

/*
 * A detach while an event is being filled: the wrapping layer's clock
 * hook runs exactly there (the poster reads the clock with no lock
 * held).  A synchronous genio has taken its request by then: it returns
 * ENXIO and is counted as cleared, even when the process is attached
 * again before it is queued, and nothing reaches the target.  An
 * asynchronous event is filled in its thread's spare before its one
 * k_mtx section decides anything: it sees the detach (ENOENT, not
 * counted), or the new attachment, and is then posted and written as
 * any event after it.
 */
struct midpost {
	struct fx	*fx;
	int		 reattach;
	unsigned	 calls;
};

static void
detach_now(void *arg)
{
	struct midpost *m = arg;
	struct fx *fx = m->fx;

	m->calls++;
	assert_int_equal(ktrq_ktrace(fx->tr, NULL, KTROP_CLEAR, KTRFAC_ALL,
	    PID_U), 0);
	if (m->reattach)
		assert_int_equal(ktrq_ktrace(fx->tr, fx->t1, KTROP_SET,
		    KTRFAC_ALL, PID_U), 0);
}

static void
t_detach_while_posting(void **state)
{
	struct fx *fx = *state;
	struct wrap_hooks h;
	struct midpost m;
	struct ktrq_stats st;
	struct trace tr;
	int reattach;

	for (reattach = 0; reattach <= 1; reattach++) {
		memset(&m, 0, sizeof(m));
		m.fx = fx;
		m.reattach = reattach;
		memset(&h, 0, sizeof(h));
		h.on_clock = detach_now;
		h.arg = &m;
		h_trace(fx->tr, fx->t1, KTRFAC_ALL, PID_U);
		wrap_arm(fx->w, &h);
		assert_int_equal(ktrq_genio(fx->tu, 1, 1, "x", 1), ENXIO);
		assert_int_equal(m.calls, 1);
		/* Last: a later detach would clear its record if queued. */
		h_trace(fx->tr, fx->t1, KTRFAC_ALL, PID_U);
		assert_int_equal(h_sys(fx->tu, 1, 0, 0), reattach ? 0 : ENOENT);
		assert_int_equal(m.calls, 2);
		wrap_arm(fx->w, NULL);
		assert_int_equal(ktrq_point(fx->tu, KTR_SYSCALL), reattach);
	}
	st = h_stats(fx->k);
	assert_true(st.posted == 3);		/* both genios, the re-attached */
	assert_true(st.dropped_cleared == 2);	/* the genios */
	/* Attached and unhooked: it works again. */
	h_trace(fx->tr, fx->t1, KTRFAC_ALL, PID_U);
	assert_int_equal(h_sys(fx->tu, 1, 1, 0), 0);
	assert_int_equal(ktrq_proc_exit(fx->pu), 0);
	h_assert_quiet(fx->k);
	st = h_stats(fx->k);
	assert_true(st.written == 2);
	trace_of(fx->t1, &tr);
	assert_int_equal(tr.n, 2);
	assert_true(tr.r[0].u.syscall.args[0] == 0);
	assert_true(tr.r[1].u.syscall.args[0] == 1);
	trace_free(&tr);
}

#define	T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(t_set_clear),
		T(t_set_switches_target),
		T(t_clearfile),
		T(t_clearfile_eperm_keeps_queued),
		T(t_clearfile_marks_drop),
		T(t_descend),
		T(t_pgrp),
		T(t_inherit),
		T(t_canset),
		T(t_einval),
		T(t_clear_drops_queued),
		T(t_detach_while_posting),
	};

	return (cmocka_run_group_tests_name("core_control", tests, NULL,
	    NULL));
}
