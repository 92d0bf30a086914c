/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The request pool: every object is accounted for (pool_size, pool_free,
 * pool_inuse, todo_depth), ktrq_pool_resize grows and shrinks it one
 * object at a time and reports the old size, never reclaims an object in
 * use (ENOSPC with the size reached), refuses sizes out of range, and
 * stays consistent while threads post during many resizes.  The start
 * size comes from the configuration, else the KTRQ_REQUEST_POOL tunable
 * (the environment on the pthread backend), else the compile-time
 * default.
 *
 * Determinism: a gate target parks the worker inside a write, so the
 * number of objects queued, being written and free is known exactly.
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

#ifndef CORE_POOL_DEFAULT
#define	CORE_POOL_DEFAULT	100
#endif

#define	PID_A		100
#define	CODE		4	/* write(2) */

struct fx {
	struct wrap		*w;
	struct logcap		 log;
};

static int
setup(void **state)
{
	struct fx *fx;

	fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	fx->w = wrap_create();
	logcap_init(&fx->log);
	unsetenv(KTRQ_POOL_TUNABLE);
	*state = fx;
	return (0);
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	unsetenv(KTRQ_POOL_TUNABLE);
	logcap_fini(&fx->log);
	wrap_destroy(fx->w);
	free(fx);
	return (0);
}

static int
create_batch(struct fx *fx, int pool, int batch_max, struct ktrq **kp)
{
	struct ktrq_config cf;

	ktrq_config_init(&cf, &fx->w->os);
	cf.pool_size = pool;
	cf.batch_max = batch_max;
	cf.log = logcap_log;
	cf.log_arg = &fx->log;
	*kp = NULL;
	return (ktrq_create(&cf, kp));
}

static int
create_size(struct fx *fx, int pool, struct ktrq **kp)
{

	return (create_batch(fx, pool, 0, kp));
}

static uint32_t
start_size(struct fx *fx, int pool)
{
	struct ktrq_stats st;
	struct ktrq *k;

	assert_int_equal(create_size(fx, pool, &k), 0);
	st = h_stats(k);
	assert_int_equal(st.pool_free, st.pool_size);
	assert_int_equal(st.pool_inuse, 0);
	assert_int_equal(st.todo_depth, 0);
	assert_int_equal(ktrq_destroy(k), 0);
	return (st.pool_size);
}

/* 0 in the configuration and no tunable: the compile-time default. */
static void
t_default_size(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(start_size(fx, 0), CORE_POOL_DEFAULT);
	assert_int_equal(start_size(fx, 1), 1);
	assert_int_equal(start_size(fx, 7), 7);
}

/* The tunable overrides the default; a configured size overrides both. */
static void
t_tunable(void **state)
{
	static const char *const bad[] = { "abc", "", "0", "-3", "1000001",
	    "12x", "99999999999999999999", "+7", " 7", "7 " };
	struct fx *fx = *state;
	struct ktrq *k;
	size_t i;

	assert_int_equal(setenv(KTRQ_POOL_TUNABLE, "37", 1), 0);
	assert_int_equal(start_size(fx, 0), 37);
	assert_int_equal(start_size(fx, 5), 5);
	assert_int_equal(setenv(KTRQ_POOL_TUNABLE, "1", 1), 0);
	assert_int_equal(start_size(fx, 0), 1);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(setenv(KTRQ_POOL_TUNABLE, bad[i], 1), 0);
		assert_int_equal(create_size(fx, 0, &k), EINVAL);
		assert_null(k);
		/* A configured size does not even look at it. */
		assert_int_equal(start_size(fx, 3), 3);
	}
	assert_int_equal(unsetenv(KTRQ_POOL_TUNABLE), 0);
	assert_int_equal(start_size(fx, 0), CORE_POOL_DEFAULT);
}

/*
 * ktrq.h: "A bad tunable is reported through the log sink as well." The
 * log sink is ktrq_config.log when set.
 */
static void
t_tunable_bad_logged(void **state)
{
	struct fx *fx = *state;
	struct ktrq *k;

	assert_int_equal(setenv(KTRQ_POOL_TUNABLE, "lots", 1), 0);
	assert_int_equal(create_size(fx, 0, &k), EINVAL);
	assert_int_equal(logcap_total(&fx->log), 1);
	assert_int_equal(fx->log.level[0], KTRQ_LOG_ERR);
}

/*
 * Objects move between free, queued and in the worker's hands; the
 * statistics say exactly where each one is.
 */
static void
t_accounting(void **state)
{
	struct fx *fx = *state;
	struct ktrq_stats st;
	struct ktrq_proc *p;
	struct ktrq_thread *td;
	struct trace tr;
	struct gate *g;
	struct ktrq *k;
	int i;

	assert_int_equal(create_size(fx, 8, &k), 0);
	g = gate_create(fx->w->inner, NULL);
	p = h_proc(k, PID_A, NULL, PID_A, "a", 1000);
	td = h_thread(p, 1);
	h_trace(td, g->target, KTRFAC_SYSCALL, PID_A);

	st = h_stats(k);
	assert_int_equal(st.pool_size, 8);
	assert_int_equal(st.pool_free, 8);

	/* The worker takes the first and parks in its write. */
	assert_int_equal(h_sys(td, CODE, 0, 0), 0);
	gate_wait_entered(g, 1);
	st = h_stats(k);
	assert_int_equal(st.pool_size, 8);
	assert_int_equal(st.pool_free, 7);
	assert_int_equal(st.pool_inuse, 1);
	assert_int_equal(st.todo_depth, 0);
	assert_true(st.posted == 1);

	for (i = 1; i < 8; i++) {
		assert_int_equal(h_sys(td, CODE, (uint64_t)i, 0), 0);
		st = h_stats(k);
		assert_int_equal(st.pool_free, 7 - i);
		assert_int_equal(st.pool_inuse, 1 + i);
		assert_int_equal(st.todo_depth, i);
	}
	/* Empty: dropped and counted, nothing else moves. */
	assert_int_equal(h_sys(td, CODE, 8, 0), ENOBUFS);
	st = h_stats(k);
	assert_int_equal(st.pool_free, 0);
	assert_int_equal(st.pool_inuse, 8);
	assert_int_equal(st.todo_depth, 7);
	assert_true(st.posted == 9);
	assert_true(st.dropped_exhausted == 1);
	assert_true(st.written == 0);

	gate_open(g);
	assert_int_equal(ktrq_proc_exit(p), 0);
	h_assert_quiet(k);
	st = h_stats(k);
	assert_true(st.written == 8);
	assert_int_equal(st.pool_size, 8);
	trace_of(g->inner, &tr);
	assert_int_equal(tr.n, 8);
	for (i = 0; i < 8; i++)
		assert_true(tr.r[i].u.syscall.args[0] == (uint64_t)i);
	trace_free(&tr);

	assert_int_equal(ktrq_destroy(k), 0);
	ktrq_target_rele(g->target);
}

/* Grow and shrink, the old size returned; memory running out: ENOSPC. */
static void
t_resize(void **state)
{
	struct fx *fx = *state;
	struct ktrq_stats st;
	struct ktrq *k;
	int old;

	assert_int_equal(create_size(fx, 10, &k), 0);
	old = -1;
	assert_int_equal(ktrq_pool_resize(k, 25, &old), 0);
	assert_int_equal(old, 10);
	st = h_stats(k);
	assert_int_equal(st.pool_size, 25);
	assert_int_equal(st.pool_free, 25);

	assert_int_equal(ktrq_pool_resize(k, 3, &old), 0);
	assert_int_equal(old, 25);
	st = h_stats(k);
	assert_int_equal(st.pool_size, 3);
	assert_int_equal(st.pool_free, 3);

	assert_int_equal(ktrq_pool_resize(k, 3, &old), 0);
	assert_int_equal(old, 3);
	assert_int_equal(ktrq_pool_resize(k, 4, NULL), 0);
	assert_int_equal(h_stats(k).pool_size, 4);

	/* Two more objects, then the allocator fails: size reached 6. */
	wrap_fail_allocs(fx->w, 2);
	assert_int_equal(ktrq_pool_resize(k, 10, &old), ENOSPC);
	wrap_fail_allocs(fx->w, -1);
	assert_int_equal(old, 4);
	st = h_stats(k);
	assert_int_equal(st.pool_size, 6);
	assert_int_equal(st.pool_free, 6);
	assert_int_equal(ktrq_pool_resize(k, 10, &old), 0);
	assert_int_equal(old, 6);
	assert_int_equal(h_stats(k).pool_size, 10);

	assert_int_equal(ktrq_destroy(k), 0);
}

/* Out of range: EINVAL, nothing changes. */
static void
t_resize_einval(void **state)
{
	static const int bad[] = { 0, -1, KTRQ_POOL_MAX + 1, INT32_MIN };
	struct fx *fx = *state;
	struct ktrq *k;
	size_t i;

	assert_int_equal(create_size(fx, 5, &k), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ktrq_pool_resize(k, bad[i], NULL), EINVAL);
		assert_int_equal(h_stats(k).pool_size, 5);
	}
	assert_int_equal(ktrq_pool_resize(NULL, 5, NULL), EINVAL);
	assert_int_equal(ktrq_destroy(k), 0);
}

/*
 * Objects in use are never reclaimed: with the worker parked holding one
 * and the rest queued, shrinking cannot free anything (ENOSPC, size
 * unchanged); with some free it frees those and reports the size
 * reached; once everything is back, the shrink succeeds.
 */
static void
t_shrink_in_use(void **state)
{
	struct fx *fx = *state;
	struct ktrq_stats st;
	struct ktrq_proc *p;
	struct ktrq_thread *td;
	struct gate *g;
	struct ktrq *k;
	int i, old;

	/* One record per write, so that the gate holds back one at a time. */
	assert_int_equal(create_batch(fx, 4, 1, &k), 0);
	g = gate_create(fx->w->inner, NULL);
	p = h_proc(k, PID_A, NULL, PID_A, "a", 1000);
	td = h_thread(p, 1);
	h_trace(td, g->target, KTRFAC_SYSCALL, PID_A);

	assert_int_equal(h_sys(td, CODE, 0, 0), 0);
	gate_wait_entered(g, 1);
	for (i = 1; i < 4; i++)
		assert_int_equal(h_sys(td, CODE, (uint64_t)i, 0), 0);
	st = h_stats(k);
	assert_int_equal(st.pool_free, 0);
	assert_int_equal(st.pool_inuse, 4);

	old = -1;
	assert_int_equal(ktrq_pool_resize(k, 1, &old), ENOSPC);
	assert_int_equal(old, 4);
	st = h_stats(k);
	assert_int_equal(st.pool_size, 4);
	assert_int_equal(st.pool_inuse, 4);
	assert_int_equal(st.todo_depth, 3);

	/* Let two through: the worker parks on the third, two are free. */
	gate_pass(g, 2);
	gate_wait_entered(g, 3);
	st = h_stats(k);
	assert_int_equal(st.pool_free, 2);
	assert_int_equal(st.pool_inuse, 2);
	assert_int_equal(ktrq_pool_resize(k, 1, &old), ENOSPC);
	assert_int_equal(old, 4);
	st = h_stats(k);
	assert_int_equal(st.pool_size, 2);
	assert_int_equal(st.pool_free, 0);
	assert_int_equal(st.pool_inuse, 2);

	gate_open(g);
	assert_int_equal(ktrq_proc_exit(p), 0);
	h_assert_quiet(k);
	assert_int_equal(ktrq_pool_resize(k, 1, &old), 0);
	assert_int_equal(old, 2);
	st = h_stats(k);
	assert_int_equal(st.pool_size, 1);
	assert_int_equal(st.pool_free, 1);
	assert_true(st.written == 4);

	assert_int_equal(ktrq_destroy(k), 0);
	ktrq_target_rele(g->target);
}

/*
 * Threads post while another resizes up and down: when quiet, every
 * object is back on the free list and every event ended exactly one
 * way; the trace holds exactly the events that returned 0, each
 * thread's in order.
 */
#define	RACE_THREADS	4
#define	RACE_EVENTS	1500
#define	RACE_RESIZES	200

struct poster {
	struct ktrq_thread	*td;
	struct h_start		*start;
	int			 idx;
	unsigned		 ok, dropped, other;
	unsigned char		 queued[RACE_EVENTS];
};

static void *
poster_main(void *arg)
{
	struct poster *ps = arg;
	int i, e;

	h_start_wait(ps->start);
	for (i = 0; i < RACE_EVENTS; i++) {
		e = h_sys(ps->td, CODE, (uint64_t)ps->idx, (uint64_t)i);
		if (e == 0) {
			ps->ok++;
			ps->queued[i] = 1;
		} else if (e == ENOBUFS)
			ps->dropped++;
		else
			ps->other++;
	}
	return (NULL);
}

struct resizer {
	struct ktrq	*k;
	struct h_start	*start;
	unsigned	 bad;		/* results other than 0/ENOSPC */
};

static void *
resizer_main(void *arg)
{
	struct resizer *rs = arg;
	int i, e, old;

	h_start_wait(rs->start);
	for (i = 0; i < RACE_RESIZES; i++) {
		e = ktrq_pool_resize(rs->k, i % 2 == 0 ? 64 : 1 + i % 5, &old);
		if ((e != 0 && e != ENOSPC) || old < 1)
			rs->bad++;
	}
	return (NULL);
}

static void
t_resize_race(void **state)
{
	struct fx *fx = *state;
	struct poster ps[RACE_THREADS];
	pthread_t tid[RACE_THREADS + 1];
	struct ktrq_proc *p[RACE_THREADS];
	struct ktrq_target *mt;
	struct ktrq_stats st;
	struct resizer rs;
	struct h_start start;
	struct trace tr;
	struct ktrq *k;
	uint64_t ok, last[RACE_THREADS];
	size_t i;
	int j, n;

	assert_int_equal(create_size(fx, 8, &k), 0);
	assert_int_equal(ktrq_memtarget_create(fx->w->inner, &mt), 0);
	h_start_init(&start);
	memset(ps, 0, sizeof(ps));
	for (j = 0; j < RACE_THREADS; j++) {
		p[j] = h_proc(k, PID_A + j, NULL, PID_A + j, "poster", 1000);
		ps[j].td = h_thread(p[j], j + 1);
		ps[j].start = &start;
		ps[j].idx = j;
		h_trace(ps[j].td, mt, KTRFAC_SYSCALL, PID_A + j);
		h_spawn(&tid[j], poster_main, &ps[j]);
	}
	rs.k = k;
	rs.start = &start;
	rs.bad = 0;
	h_spawn(&tid[RACE_THREADS], resizer_main, &rs);
	h_start_go(&start);
	for (j = 0; j <= RACE_THREADS; j++)
		h_join(tid[j]);
	for (j = 0; j < RACE_THREADS; j++)
		assert_int_equal(ktrq_proc_exit(p[j]), 0);

	assert_int_equal(rs.bad, 0);
	h_assert_quiet(k);
	st = h_stats(k);
	ok = 0;
	for (j = 0; j < RACE_THREADS; j++) {
		assert_int_equal(ps[j].other, 0);
		ok += ps[j].ok;
		assert_int_equal(ps[j].ok + ps[j].dropped, RACE_EVENTS);
	}
	assert_true(st.posted == (uint64_t)RACE_THREADS * RACE_EVENTS);
	assert_true(st.written == ok);
	assert_true(st.dropped_exhausted == st.posted - ok);
	assert_true(st.dropped_write_error == 0 && st.dropped_cleared == 0);

	/* Exactly the queued events, each thread's in posting order. */
	trace_of(mt, &tr);
	assert_int_equal(tr.n, ok);
	for (j = 0; j < RACE_THREADS; j++)
		last[j] = UINT64_MAX;
	for (i = 0; i < tr.n; i++) {
		j = (int)tr.r[i].u.syscall.args[0];
		assert_in_range(j, 0, RACE_THREADS - 1);
		assert_int_equal(tr.r[i].hdr.pid, PID_A + j);
		n = (int)tr.r[i].u.syscall.args[1];
		assert_in_range(n, 0, RACE_EVENTS - 1);
		assert_true(last[j] == UINT64_MAX || (uint64_t)n > last[j]);
		last[j] = (uint64_t)n;
		assert_int_equal(ps[j].queued[n], 1);
		ps[j].queued[n] = 2;
	}
	trace_free(&tr);

	/* Quiet now: any size can be reached. */
	assert_int_equal(ktrq_pool_resize(k, 16, NULL), 0);
	st = h_stats(k);
	assert_int_equal(st.pool_size, 16);
	assert_int_equal(st.pool_free, 16);

	assert_int_equal(ktrq_destroy(k), 0);
	ktrq_target_rele(mt);
	h_start_fini(&start);
}

#define	T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(t_default_size),
		T(t_tunable),
		T(t_tunable_bad_logged),
		T(t_accounting),
		T(t_resize),
		T(t_resize_einval),
		T(t_shrink_in_use),
		T(t_resize_race),
	};

	return (cmocka_run_group_tests_name("core_pool", tests, NULL, NULL));
}
