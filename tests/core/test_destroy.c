/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq_destroy with work pending: it drains.  Every event that returned
 * 0 before destroy is in the trace afterwards (the test keeps its own
 * reference to the memtarget to read it), including records still stuck
 * behind a parked worker when destroy was called; processes, threads and
 * target references still alive are released (a target's release runs
 * exactly once, when the test drops its own reference last); nothing
 * leaks (memcheck).
 *
 * Determinism: the worker is parked in a gate target; the wrapping
 * layer's thread_join hook opens the gate only once destroy is joining
 * the worker, so the queue is known to be full when destroy starts.
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

#define	CODE	8

static void
open_gate(void *arg)
{

	gate_open(arg);
}

static void
t_destroy_drains_queue(void **state)
{
	struct ktrq_proc *p[2];
	struct ktrq_thread *td[2];
	struct wrap_hooks h;
	struct trace tr;
	struct gate *g;
	struct wrap *w;
	struct ktrq *k;
	int i, j;

	(void)state;
	w = wrap_create();
	k = h_instance(&w->os, 256, 0, NULL);
	g = gate_create(w->inner, NULL);
	for (j = 0; j < 2; j++) {
		p[j] = h_proc(k, 900 + j, NULL, 900, "d", 1000);
		td[j] = h_thread(p[j], 900 + j);
		h_trace(td[j], g->target, KTRFAC_ALL, 900 + j);
	}
	assert_int_equal(h_sys(td[0], CODE, 0, 0), 0);
	gate_wait_entered(g, 1);
	for (i = 1; i < 200; i++)
		assert_int_equal(h_sys(td[i % 2], CODE, (uint64_t)i, 0), 0);
	assert_int_equal(h_stats(k).todo_depth, 199);

	memset(&h, 0, sizeof(h));
	h.on_join = open_gate;
	h.arg = g;
	wrap_arm(w, &h);
	assert_int_equal(ktrq_destroy(k), 0);
	wrap_arm(w, NULL);

	trace_of(g->inner, &tr);
	assert_int_equal(tr.n, 200);
	for (i = 0; i < 200; i++) {
		assert_true(tr.r[i].u.syscall.args[0] == (uint64_t)i);
		assert_int_equal(tr.r[i].hdr.pid, 900 + i % 2);
	}
	trace_free(&tr);
	ktrq_target_rele(g->target);
	wrap_destroy(w);
}

/* Threads post flat out; destroy as soon as they stop. */
#define	NTHREADS	4
#define	NEVENTS		1000

struct poster {
	struct ktrq_thread	*td;
	struct h_start		*start;
	unsigned		 ok, bad;
};

static void *
poster_main(void *arg)
{
	struct poster *ps = arg;
	uint8_t buf[200];
	int i, e;

	memset(buf, 0x42, sizeof(buf));
	h_start_wait(ps->start);
	for (i = 0; i < NEVENTS; i++) {
		e = i % 5 == 0 ? ktrq_utrace(ps->td, buf, sizeof(buf)) :
		    h_sys(ps->td, CODE, 0, (uint64_t)i);
		if (e == 0)
			ps->ok++;
		else if (e != ENOBUFS)
			ps->bad++;
	}
	return (NULL);
}

static void
t_destroy_after_burst(void **state)
{
	struct poster ps[NTHREADS];
	pthread_t t[NTHREADS];
	struct ktrq_target *mt;
	struct ktrq_proc *p;
	struct h_start start;
	struct trace tr;
	struct wrap *w;
	struct ktrq *k;
	unsigned ok;
	int j;

	(void)state;
	w = wrap_create();
	k = h_instance(&w->os, 512, 0, NULL);
	assert_int_equal(ktrq_memtarget_create(w->inner, &mt), 0);
	h_start_init(&start);
	for (j = 0; j < NTHREADS; j++) {
		p = h_proc(k, 910 + j, NULL, 910, "burst", 1000);
		ps[j].td = h_thread(p, 910 + j);
		ps[j].start = &start;
		ps[j].ok = ps[j].bad = 0;
		h_trace(ps[j].td, mt, KTRFAC_ALL, 910 + j);
		h_spawn(&t[j], poster_main, &ps[j]);
	}
	h_start_go(&start);
	for (ok = 0, j = 0; j < NTHREADS; j++) {
		h_join(t[j]);
		assert_int_equal(ps[j].bad, 0);
		ok += ps[j].ok;
	}
	assert_int_equal(ktrq_destroy(k), 0);
	trace_of(mt, &tr);
	assert_int_equal(tr.n, ok);
	trace_free(&tr);
	ktrq_target_rele(mt);
	h_start_fini(&start);
	wrap_destroy(w);
}

/* A target that reports its release. */
struct relcount {
	pthread_mutex_t	 lock;
	int		 released;
};

static void
rc_release(void *arg)
{
	struct relcount *rc = arg;

	pthread_mutex_lock(&rc->lock);
	rc->released++;
	pthread_mutex_unlock(&rc->lock);
}

static const struct ktrq_target_ops rc_ops = {
	.write = null_write,
	.release = rc_release,
};

/*
 * A living world at destroy: a process tree, threads, traced processes
 * holding target references.  Destroy releases all of it.
 */
static void
t_destroy_live_world(void **state)
{
	struct ktrq_proc *p, *c;
	struct ktrq_thread *td;
	struct ktrq_target *t;
	static struct relcount rc;
	struct wrap *w;
	struct ktrq *k;
	int i;

	(void)state;
	memset(&rc, 0, sizeof(rc));
	pthread_mutex_init(&rc.lock, NULL);
	w = wrap_create();
	k = h_instance(&w->os, 16, 0, NULL);
	assert_int_equal(ktrq_target_create(w->inner, &rc_ops, &rc, &t), 0);
	p = h_proc(k, 920, NULL, 920, "tree", 1000);
	td = h_thread(p, 920);
	(void)h_thread(p, 921);
	h_trace(td, t, KTRFAC_ALL | KTRFAC_INHERIT, 920);
	for (i = 0; i < 5; i++) {
		assert_int_equal(ktrq_proc_fork(p, 930 + i, &c), 0);
		(void)h_thread(c, 930 + i);
	}
	assert_int_equal(h_sys(td, CODE, 0, 0), 0);
	assert_int_equal(ktrq_utrace(td, "bye", 3), 0);
	assert_int_equal(ktrq_destroy(k), 0);
	pthread_mutex_lock(&rc.lock);
	assert_int_equal(rc.released, 0);	/* the test's ref remains */
	pthread_mutex_unlock(&rc.lock);
	ktrq_target_rele(t);
	assert_int_equal(rc.released, 1);
	pthread_mutex_destroy(&rc.lock);
	wrap_destroy(w);
}

/* Nothing ever happened: destroy still joins and frees everything. */
static void
t_destroy_idle(void **state)
{
	struct wrap *w;
	struct ktrq *k;

	(void)state;
	w = wrap_create();
	k = h_instance(&w->os, 1, 0, NULL);
	assert_int_equal(ktrq_destroy(k), 0);
	k = h_instance(&w->os, 3, KTRQ_CF_GENIO_COPY, NULL);
	(void)h_proc(k, 1, NULL, 1, "lonely", 0);
	assert_int_equal(ktrq_destroy(k), 0);
	wrap_destroy(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_destroy_drains_queue),
		cmocka_unit_test(t_destroy_after_burst),
		cmocka_unit_test(t_destroy_live_world),
		cmocka_unit_test(t_destroy_idle),
	};

	return (cmocka_run_group_tests_name("core_destroy", tests, NULL,
	    NULL));
}
