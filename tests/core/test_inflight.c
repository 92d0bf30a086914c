/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq_proc_exit and ktrq_destroy while an event point is under way, on
 * real threads (so memcheck, helgrind and TSan watch the hand-over):
 *
 *  - exit waits for its thread writing a synchronous genio, and an event
 *    point of the same process that starts meanwhile returns ESRCH at
 *    once (KTRPOINT is false then); when exit returns, the genio's
 *    poster is out and its record is counted;
 *  - destroy waits the same way, and an event point of another process
 *    that starts meanwhile returns ESRCH and leaves no record.
 *
 * Determinism: the genio's poster is parked in a gate target; the
 * wrapping layer's hooks tell the test when exit (or destroy) has begun
 * to wait, the late event is posted then, and only after it returned is
 * the gate opened.  The sim cases (core_inflight_sim) explore the
 * interleavings; these prove the same protocol on the pthread layer.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"

#define	PID_P	700
#define	PID_Q	710
#define	CODE	5

/* Set from a hook of the exiting (destroying) thread when it waits. */
struct waiting {
	pthread_mutex_t	 lock;
	pthread_cond_t	 cv;
	int		 yes;
};

static void
on_sleep(void *arg, const char *wmesg)
{
	struct waiting *wt = arg;

	if (strcmp(wmesg, "ktrexit") != 0 && strcmp(wmesg, "ktrdown") != 0)
		return;
	pthread_mutex_lock(&wt->lock);
	wt->yes = 1;
	pthread_cond_broadcast(&wt->cv);
	pthread_mutex_unlock(&wt->lock);
}

/* Before the fix destroy never waited: joining the worker counts too. */
static void
on_join(void *arg)
{

	on_sleep(arg, "ktrdown");
}

static void
waiting_wait(struct waiting *wt)
{

	pthread_mutex_lock(&wt->lock);
	while (!wt->yes)
		pthread_cond_wait(&wt->cv, &wt->lock);
	pthread_mutex_unlock(&wt->lock);
}

struct call {
	struct wrap		*w;
	struct waiting		*wt;
	struct ktrq		*k;
	struct ktrq_proc	*p;	/* exit this; NULL: destroy k */
	struct ktrq_thread	*td;	/* or post a genio on it */
	int			 error;
};

static void *
genio_main(void *arg)
{
	struct call *c = arg;

	c->error = ktrq_genio(c->td, 1, 1, "parked", 6);
	return (NULL);
}

static void *
ender_main(void *arg)
{
	struct call *c = arg;
	struct wrap_hooks h;

	memset(&h, 0, sizeof(h));
	h.on_sleep = on_sleep;
	h.on_join = on_join;
	h.arg = c->wt;
	wrap_arm(c->w, &h);
	c->error = c->p != NULL ? ktrq_proc_exit(c->p) : ktrq_destroy(c->k);
	wrap_arm(c->w, NULL);
	return (NULL);
}

static void
waiting_init(struct waiting *wt)
{

	memset(wt, 0, sizeof(*wt));
	pthread_mutex_init(&wt->lock, NULL);
	pthread_cond_init(&wt->cv, NULL);
}

static void
waiting_fini(struct waiting *wt)
{

	pthread_cond_destroy(&wt->cv);
	pthread_mutex_destroy(&wt->lock);
}

static void
t_exit_refuses_late(void **state)
{
	struct ktrq_thread *ta, *tb;
	struct call genio, ender;
	struct waiting wt;
	pthread_t tg, te;
	struct ktrq_stats st;
	struct ktrq_proc *p;
	struct gate *g;
	struct wrap *w;
	struct ktrq *k;
	int point, late;

	(void)state;
	waiting_init(&wt);
	k = h_gated_world(&w, &g, 16, 0, NULL);
	ta = h_traced_thread(k, g->target, PID_P, "exiting", 1, &p);
	tb = h_thread(p, 2);
	memset(&genio, 0, sizeof(genio));
	genio.td = ta;
	h_spawn(&tg, genio_main, &genio);
	gate_wait_entered(g, 1);
	memset(&ender, 0, sizeof(ender));
	ender.w = w;
	ender.wt = &wt;
	ender.p = p;
	h_spawn(&te, ender_main, &ender);
	waiting_wait(&wt);
	point = ktrq_point(tb, KTR_SYSCALL);
	late = h_sys(tb, CODE, 1, 2);
	gate_open(g);
	h_join(te);
	h_join(tg);
	assert_int_equal(point, 0);
	assert_int_equal(late, ESRCH);
	assert_int_equal(ender.error, 0);
	assert_int_equal(genio.error, 0);
	st = h_stats(k);
	assert_int_equal(st.posted, 1);
	assert_int_equal(st.written, 1);
	h_assert_quiet(k);
	h_gated_teardown(w, k, g);
	waiting_fini(&wt);
}

static void
t_destroy_refuses_late(void **state)
{
	struct ktrq_thread *ta, *tb;
	struct call genio, ender;
	struct ktrq_target *mt;
	struct ktrq_proc *p, *q;
	struct waiting wt;
	pthread_t tg, te;
	struct trace tr;
	struct gate *g;
	struct wrap *w;
	struct ktrq *k;
	int point, late;

	(void)state;
	waiting_init(&wt);
	k = h_gated_world(&w, &g, 16, 0, NULL);
	assert_int_equal(ktrq_memtarget_create(w->inner, &mt), 0);
	ta = h_traced_thread(k, g->target, PID_P, "parked", 1, &p);
	tb = h_traced_thread(k, mt, PID_Q, "late", 2, &q);
	memset(&genio, 0, sizeof(genio));
	genio.td = ta;
	h_spawn(&tg, genio_main, &genio);
	gate_wait_entered(g, 1);
	memset(&ender, 0, sizeof(ender));
	ender.w = w;
	ender.wt = &wt;
	ender.k = k;
	h_spawn(&te, ender_main, &ender);
	waiting_wait(&wt);
	point = ktrq_point(tb, KTR_SYSCALL);
	late = h_sys(tb, CODE, 3, 4);
	gate_open(g);
	h_join(te);
	h_join(tg);
	assert_int_equal(point, 0);
	assert_int_equal(late, ESRCH);
	assert_int_equal(ender.error, 0);
	assert_int_equal(genio.error, 0);
	trace_of(mt, &tr);
	assert_int_equal(tr.n, 0);
	trace_free(&tr);
	ktrq_target_rele(mt);
	ktrq_target_rele(g->target);
	wrap_destroy(w);
	waiting_fini(&wt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_exit_refuses_late),
		cmocka_unit_test(t_destroy_refuses_late),
	};

	return (cmocka_run_group_tests_name("core_inflight", tests, NULL,
	    NULL));
}
