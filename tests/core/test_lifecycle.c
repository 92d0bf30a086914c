/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fork, exit and exec:
 *  - exit drains: when ktrq_proc_exit returns, every record the process
 *    had queued is in the trace (or counted), even records that were
 *    stuck behind a parked worker when exit began; its target reference
 *    is given back; its children are orphaned (a DESCEND from above no
 *    longer reaches them);
 *  - fork copies comm, credentials and process group; with INHERIT the
 *    child traces to the same target with the same facilities; a pid in
 *    use is EEXIST;
 *  - exec changes the comm of later records only (records already taken
 *    keep the old one); a set-id exec stops tracing set by a user
 *    (queued records dropped as cleared, later events ENOENT) but not
 *    tracing set by root; a plain exec changes nothing else.
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

#define	PID_A	800
#define	PID_R	1
#define	CODE	6

struct fx {
	struct wrap		*w;
	struct ktrq		*k;
	struct gate		*g;
	struct ktrq_proc	*pr, *pa;
	struct ktrq_thread	*tr, *ta;
};

static int
setup(void **state)
{
	struct fx *fx;

	fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	fx->k = h_gated_world(&fx->w, &fx->g, 2048, 0, NULL);
	fx->pr = h_proc(fx->k, PID_R, NULL, PID_R, "init", 0);
	fx->tr = h_thread(fx->pr, 1);
	fx->pa = h_proc(fx->k, PID_A, fx->pr, PID_A, "prog", 1000);
	fx->ta = h_thread(fx->pa, 80);
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

/* Post many, exit at once: all of them are in the trace on return. */
static void
t_exit_drains(void **state)
{
	struct fx *fx = *state;
	struct trace tr;
	unsigned ok;
	int i, e;

	gate_open(fx->g);
	h_trace(fx->ta, fx->g->target, KTRFAC_ALL, PID_A);
	for (ok = 0, i = 0; i < 1500; i++) {
		e = i % 4 == 0 ? ktrq_utrace(fx->ta, &i, sizeof(i)) :
		    h_sys(fx->ta, CODE, (uint64_t)i, 0);
		assert_true(e == 0 || e == ENOBUFS);
		ok += e == 0;
	}
	assert_int_equal(ktrq_proc_exit(fx->pa), 0);
	fx->pa = NULL;
	trace_of(fx->g->inner, &tr);
	assert_int_equal(tr.n, ok);
	assert_int_equal(trace_count(&tr, PID_A, 0), ok);
	trace_free(&tr);
	h_assert_quiet(fx->k);
	assert_true(h_stats(fx->k).written == ok);
}

/* exit is called from another thread, so the test can unpark the worker. */
struct asleep {
	pthread_mutex_t	 lock;
	pthread_cond_t	 cv;
	int		 flag;
};

static void
on_sleep(void *arg, const char *wmesg)
{
	struct asleep *a = arg;

	(void)wmesg;
	pthread_mutex_lock(&a->lock);
	a->flag = 1;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->lock);
}

struct exiter {
	struct wrap		*w;
	struct ktrq_proc	*p;
	struct asleep		 asleep;
	int			 result;
};

static void *
exiter_main(void *arg)
{
	struct exiter *x = arg;
	struct wrap_hooks h;

	memset(&h, 0, sizeof(h));
	h.on_sleep = on_sleep;
	h.arg = &x->asleep;
	wrap_arm(x->w, &h);
	x->result = ktrq_proc_exit(x->p);
	wrap_arm(x->w, NULL);
	return (NULL);
}

/*
 * Records stuck behind a parked worker when exit begins: exit waits for
 * them, and they are written.
 */
static void
t_exit_waits_for_queued(void **state)
{
	struct fx *fx = *state;
	struct exiter x;
	struct trace tr;
	pthread_t t;
	int i;

	h_trace(fx->ta, fx->g->target, KTRFAC_ALL, PID_A);
	assert_int_equal(h_sys(fx->ta, CODE, 0, 0), 0);
	gate_wait_entered(fx->g, 1);
	for (i = 1; i < 50; i++)
		assert_int_equal(h_sys(fx->ta, CODE, (uint64_t)i, 0), 0);
	memset(&x, 0, sizeof(x));
	x.w = fx->w;
	x.p = fx->pa;
	x.result = -1;
	pthread_mutex_init(&x.asleep.lock, NULL);
	pthread_cond_init(&x.asleep.cv, NULL);
	h_spawn(&t, exiter_main, &x);
	/* exit sleeps waiting for the drain... */
	pthread_mutex_lock(&x.asleep.lock);
	while (!x.asleep.flag)
		pthread_cond_wait(&x.asleep.cv, &x.asleep.lock);
	pthread_mutex_unlock(&x.asleep.lock);
	assert_int_equal(h_stats(fx->k).todo_depth, 49);
	/* ...which it gets once the worker may go on. */
	gate_open(fx->g);
	h_join(t);
	assert_int_equal(x.result, 0);
	fx->pa = NULL;
	trace_of(fx->g->inner, &tr);
	assert_int_equal(tr.n, 50);
	for (i = 0; i < 50; i++)
		assert_true(tr.r[i].u.syscall.args[0] == (uint64_t)i);
	trace_free(&tr);
	h_assert_quiet(fx->k);
	pthread_cond_destroy(&x.asleep.cv);
	pthread_mutex_destroy(&x.asleep.lock);
}

/* Exit orphans the children; their threads die with them (memcheck). */
static void
t_exit_orphans(void **state)
{
	struct fx *fx = *state;
	struct ktrq_proc *c, *gc;
	struct ktrq_thread *tc, *tgc;
	struct ktrq_target *mt;
	struct trace tr;
	int i;

	assert_int_equal(ktrq_memtarget_create(fx->w->inner, &mt), 0);
	assert_int_equal(ktrq_proc_fork(fx->pa, 801, &c), 0);
	assert_int_equal(ktrq_proc_fork(c, 802, &gc), 0);
	tc = h_thread(c, 801);
	tgc = h_thread(gc, 802);
	(void)h_thread(c, 8011);
	(void)h_thread(c, 8012);
	h_trace(fx->ta, mt, KTRFAC_SYSCALL, 801);
	for (i = 0; i < 3; i++)
		assert_int_equal(h_sys(tc, CODE, (uint64_t)i, 0), 0);
	assert_int_equal(ktrq_proc_exit(c), 0);
	trace_of(mt, &tr);
	assert_int_equal(tr.n, 3);
	assert_int_equal(trace_count(&tr, 801, KTR_SYSCALL), 3);
	trace_free(&tr);

	/* The grandchild is no longer below A... */
	assert_int_equal(ktrq_ktrace(fx->ta, mt, KTROP_SET | KTRFLAG_DESCEND,
	    KTRFAC_SYSCALL, PID_A), 0);
	assert_int_equal(ktrq_point(fx->ta, KTR_SYSCALL), 1);
	assert_int_equal(ktrq_point(tgc, KTR_SYSCALL), 0);
	/* ...but still in A's process group. */
	assert_int_equal(ktrq_ktrace(fx->ta, mt, KTROP_SET, KTRFAC_SYSRET,
	    -PID_A), 0);
	assert_int_equal(ktrq_point(tgc, KTR_SYSRET), 1);
	/* Its pid is free again. */
	c = h_proc(fx->k, 801, NULL, 801, "again", 1000);
	assert_int_equal(ktrq_proc_exit(c), 0);
	ktrq_target_rele(mt);
}

/* fork copies what it should; INHERIT carries tracing to the child. */
static void
t_fork(void **state)
{
	struct fx *fx = *state;
	struct ktrq_proc *c, *d;
	struct ktrq_thread *tc, *td;
	struct ktrq_cred cr = h_cred(1000);
	struct trace tr;
	int type;

	h_trace(fx->ta, fx->g->target, KTRFAC_SYSCALL | KTRFAC_NAMEI |
	    KTRFAC_USER | KTRFAC_INHERIT, PID_A);
	gate_open(fx->g);
	assert_int_equal(ktrq_proc_fork(fx->pa, 810, &c), 0);
	tc = h_thread(c, 810);
	for (type = KTR_SYSCALL; type <= KTR_USER; type++)
		assert_int_equal(ktrq_point(tc, type),
		    type == KTR_SYSCALL || type == KTR_NAMEI ||
		    type == KTR_USER);
	assert_int_equal(ktrq_namei(tc, "/x"), 0);
	/* Same process group, same credentials (the user may change it). */
	assert_int_equal(ktrq_ktrace(fx->ta, NULL, KTROP_CLEAR, KTRFAC_NAMEI,
	    -PID_A), 0);
	assert_int_equal(ktrq_point(tc, KTR_NAMEI), 0);
	assert_int_equal(ktrq_point(fx->ta, KTR_NAMEI), 0);

	/* Pids in use. */
	assert_int_equal(ktrq_proc_fork(fx->pa, 810, &d), EEXIST);
	assert_int_equal(ktrq_proc_fork(fx->pa, PID_A, &d), EEXIST);
	assert_int_equal(ktrq_proc_create(fx->k, 810, NULL, 1, "dup", &cr,
	    &d), EEXIST);

	/* The child's child inherits in turn. */
	assert_int_equal(ktrq_proc_fork(c, 811, &d), 0);
	td = h_thread(d, 811);
	assert_int_equal(ktrq_utrace(td, "gc", 2), 0);
	assert_int_equal(ktrq_proc_exit(d), 0);
	assert_int_equal(ktrq_proc_exit(c), 0);
	trace_of(fx->g->inner, &tr);
	assert_int_equal(tr.n, 2);
	assert_int_equal(tr.r[0].type, KTR_NAMEI);
	assert_int_equal(tr.r[0].hdr.pid, 810);
	assert_string_equal(tr.r[0].hdr.comm, "prog");
	assert_true(tr.r[0].hdr.tid == 810);
	assert_int_equal(tr.r[0].datalen, 2);
	assert_memory_equal(tr.r[0].data, "/x", 2);
	assert_int_equal(tr.r[1].type, KTR_USER);
	assert_int_equal(tr.r[1].hdr.pid, 811);
	trace_free(&tr);
}

/* exec: later records carry the new comm; taken ones keep the old. */
static void
t_exec_comm(void **state)
{
	struct fx *fx = *state;
	struct trace tr;

	h_trace(fx->ta, fx->g->target, KTRFAC_SYSCALL, PID_A);
	assert_int_equal(h_sys(fx->ta, CODE, 0, 0), 0);
	gate_wait_entered(fx->g, 1);
	assert_int_equal(h_sys(fx->ta, CODE, 1, 0), 0);
	assert_int_equal(ktrq_proc_exec(fx->pa, "newprog", 0), 0);
	assert_int_equal(ktrq_point(fx->ta, KTR_SYSCALL), 1);
	assert_int_equal(h_sys(fx->ta, CODE, 2, 0), 0);
	assert_int_equal(ktrq_proc_exec(fx->pa,
	    "abcdefghijklmnopqrstuvwxyz", 0), 0);
	assert_int_equal(h_sys(fx->ta, CODE, 3, 0), 0);
	gate_open(fx->g);
	assert_int_equal(ktrq_proc_exit(fx->pa), 0);
	trace_of(fx->g->inner, &tr);
	assert_int_equal(tr.n, 4);
	assert_string_equal(tr.r[0].hdr.comm, "prog");
	assert_string_equal(tr.r[1].hdr.comm, "prog");
	assert_string_equal(tr.r[2].hdr.comm, "newprog");
	assert_string_equal(tr.r[3].hdr.comm, "abcdefghijklmnopqrs");
	trace_free(&tr);
}

/*
 * A set-id exec of a process a user traces: tracing stops, its queued
 * records are dropped as cleared, and only root (or the process itself)
 * may trace it again.
 */
static void
t_setid_exec_user(void **state)
{
	struct fx *fx = *state;
	struct ktrq_proc *pb;
	struct ktrq_thread *tb;
	struct ktrq_stats st;
	struct trace tr;
	int i;

	pb = h_proc(fx->k, 820, NULL, 820, "other", 1000);
	tb = h_thread(pb, 820);
	h_trace(tb, fx->g->target, KTRFAC_SYSCALL, 820);
	h_trace(fx->ta, fx->g->target, KTRFAC_SYSCALL, PID_A);
	assert_int_equal(h_sys(tb, CODE, 0, 0), 0);
	gate_wait_entered(fx->g, 1);
	for (i = 0; i < 3; i++)
		assert_int_equal(h_sys(fx->ta, CODE, (uint64_t)i, 0), 0);
	assert_int_equal(ktrq_proc_exec(fx->pa, "su", 1), 0);
	assert_int_equal(ktrq_point(fx->ta, KTR_SYSCALL), 0);
	assert_int_equal(h_sys(fx->ta, CODE, 9, 0), ENOENT);
	/* Another process of the same user may not (itself it may). */
	assert_int_equal(ktrq_ktrace(tb, fx->g->target, KTROP_SET,
	    KTRFAC_SYSCALL, PID_A), EPERM);
	gate_open(fx->g);
	/* Root still may. */
	assert_int_equal(ktrq_ktrace(fx->tr, fx->g->target, KTROP_SET,
	    KTRFAC_SYSCALL, PID_A), 0);
	assert_int_equal(ktrq_point(fx->ta, KTR_SYSCALL), 1);
	assert_int_equal(ktrq_proc_exit(pb), 0);
	assert_int_equal(ktrq_proc_exit(fx->pa), 0);
	fx->pa = NULL;
	h_assert_quiet(fx->k);
	st = h_stats(fx->k);
	assert_true(st.posted == 4);
	assert_true(st.written == 1);
	assert_true(st.dropped_cleared == 3);
	trace_of(fx->g->inner, &tr);
	assert_int_equal(tr.n, 1);
	assert_int_equal(tr.r[0].hdr.pid, 820);
	trace_free(&tr);
}

/* Tracing root set survives a set-id exec; a plain exec changes nothing. */
static void
t_setid_exec_root(void **state)
{
	struct fx *fx = *state;
	struct trace tr;

	gate_open(fx->g);
	h_trace(fx->tr, fx->g->target, KTRFAC_SYSCALL, PID_A);
	assert_int_equal(h_sys(fx->ta, CODE, 0, 0), 0);
	assert_int_equal(ktrq_proc_exec(fx->pa, "passwd", 1), 0);
	assert_int_equal(ktrq_point(fx->ta, KTR_SYSCALL), 1);
	assert_int_equal(h_sys(fx->ta, CODE, 1, 0), 0);
	assert_int_equal(ktrq_proc_exec(fx->pa, "ls", 0), 0);
	assert_int_equal(ktrq_point(fx->ta, KTR_SYSCALL), 1);
	assert_int_equal(h_sys(fx->ta, CODE, 2, 0), 0);
	assert_int_equal(ktrq_proc_exit(fx->pa), 0);
	trace_of(fx->g->inner, &tr);
	assert_int_equal(tr.n, 3);
	assert_string_equal(tr.r[0].hdr.comm, "prog");
	assert_string_equal(tr.r[1].hdr.comm, "passwd");
	assert_string_equal(tr.r[2].hdr.comm, "ls");
	trace_free(&tr);
}

/* A plain exec keeps a user's tracing. */
static void
t_plain_exec_user(void **state)
{
	struct fx *fx = *state;

	h_trace(fx->ta, fx->g->target, KTRFAC_SYSCALL, PID_A);
	assert_int_equal(ktrq_proc_exec(fx->pa, "cat", 0), 0);
	assert_int_equal(ktrq_point(fx->ta, KTR_SYSCALL), 1);
	assert_int_equal(ktrq_ktrace(fx->ta, NULL, KTROP_CLEAR,
	    KTRFAC_SYSCALL, PID_A), 0);
}

#define	T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(t_exit_drains),
		T(t_exit_waits_for_queued),
		T(t_exit_orphans),
		T(t_fork),
		T(t_exec_comm),
		T(t_setid_exec_user),
		T(t_setid_exec_root),
		T(t_plain_exec_user),
	};

	return (cmocka_run_group_tests_name("core_lifecycle", tests, NULL,
	    NULL));
}
