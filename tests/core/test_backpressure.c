/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Back-pressure (KTRQ_CF_BACKPRESSURE): a poster that finds the pool
 * empty waits for an object instead of dropping, until the timeout;
 * then the event drops as exhausted, with KTR_DROP and the warning.  A
 * detach while it waits ends the wait (counted cleared); a resize that
 * grows the pool ends it with an object.
 *
 * The gate target holds the worker in a write, so the pool stays empty
 * for as long as a test needs; a test knows a poster waits when
 * bp_waits says so (a predicate on the instance, not a delay).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"

#define	CODE	9
#define	PID	20
#define	LONG_NS	(600ULL * 1000000000ULL)	/* never reached */

struct fx {
	struct wrap	*w;
	struct gate	*g;
	struct ktrq	*k;
	struct ktrq_proc *p;
	struct ktrq_thread *td;
	struct logcap	 log;
};

static int
teardown(void **state)
{
	struct fx *fx = *state;

	if (fx->k != NULL)
		h_gated_teardown(fx->w, fx->k, fx->g);
	else
		wrap_destroy(fx->w);
	logcap_fini(&fx->log);
	free(fx);
	unsetenv(KTRQ_BACKPRESSURE_TUNABLE);
	return (0);
}

static struct fx *
fx_new(void **state)
{
	struct fx *fx;

	fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	*state = fx;
	fx->w = wrap_create();
	logcap_init(&fx->log);
	return (fx);
}

/* A world of `pool` objects; flags and timeout as given. */
static void
world(struct fx *fx, int pool, unsigned flags, uint64_t bp_ns)
{
	struct ktrq_config cf;

	ktrq_config_init(&cf, &fx->w->os);
	cf.pool_size = pool;
	cf.flags = flags;
	cf.backpressure_ns = bp_ns;
	cf.log = logcap_log;
	cf.log_arg = &fx->log;
	fx->k = h_instance_cf(&cf);
	fx->g = gate_create(fx->w->inner, NULL);
	fx->td = h_traced_thread(fx->k, fx->g->target, PID, "bp", 1, &fx->p);
}

/* Record 0 goes to the worker, which parks in its write: pool empty. */
static void
hold_worker(struct fx *fx)
{

	assert_int_equal(h_sys(fx->td, CODE, 0, 0), 0);
	gate_wait_entered(fx->g, 1);
}

static void
wait_waiters(struct ktrq *k, uint64_t n)
{

	while (h_stats(k).bp_waits < n)
		sched_yield();
}

struct poster {
	struct ktrq_thread	*td;
	int			 n;
	int			 first;
	int			 rc[32];
};

static void *
poster_main(void *arg)
{
	struct poster *ps = arg;
	int i;

	for (i = 0; i < ps->n; i++)
		ps->rc[i] = h_sys(ps->td, CODE, (uint64_t)(ps->first + i), 0);
	return (NULL);
}

/* A thread posts `n` events from record 1 on; returns once it waits. */
static void
start_waiting(struct fx *fx, struct poster *ps, int n, pthread_t *t)
{

	ps->td = fx->td;
	ps->n = n;
	ps->first = 1;
	h_spawn(t, poster_main, ps);
	wait_waiters(fx->k, 1);
}

/* A flood against a stalled writer loses nothing. */
static void
t_no_drops(void **state)
{
	struct fx *fx = fx_new(state);
	struct ktrq_stats st;
	struct poster ps;
	struct trace tr;
	pthread_t t;
	int i;

	world(fx, 2, KTRQ_CF_BACKPRESSURE, LONG_NS);
	hold_worker(fx);
	start_waiting(fx, &ps, 20, &t);
	gate_open(fx->g);
	h_join(t);
	for (i = 0; i < ps.n; i++)
		assert_int_equal(ps.rc[i], 0);
	assert_int_equal(ktrq_proc_exit(fx->p), 0);
	st = h_stats(fx->k);
	assert_true(st.written == 21);
	assert_true(st.dropped_exhausted == 0);
	assert_true(st.bp_timeouts == 0);
	assert_true(st.bp_waits >= 1);
	assert_int_equal(logcap_total(&fx->log), 0);
	trace_of(fx->g->inner, &tr);
	assert_int_equal(tr.n, 21);
	for (i = 0; i < 21; i++) {
		assert_true(tr.r[i].u.syscall.args[0] == (uint64_t)i);
		assert_false(tr.r[i].drop);
	}
	trace_free(&tr);
}

/* Past the timeout the event drops as exhausted: mark and warning. */
static void
t_timeout(void **state)
{
	struct fx *fx = fx_new(state);
	struct ktrq_stats st;
	struct trace tr;

	world(fx, 1, KTRQ_CF_BACKPRESSURE, 1000000);
	hold_worker(fx);
	assert_int_equal(h_sys(fx->td, CODE, 1, 0), ENOBUFS);
	assert_int_equal(h_sys(fx->td, CODE, 2, 0), ENOBUFS);
	st = h_stats(fx->k);
	assert_true(st.bp_waits == 2);
	assert_true(st.bp_timeouts == 2);
	assert_true(st.dropped_exhausted == 2);
	assert_true(st.warnings == 1);
	assert_int_equal(logcap_count(&fx->log,
	    "Out of ktrace request objects."), 1);
	gate_open(fx->g);
	/* Record 0's object back (not within 1 ms: valgrind is slow). */
	while (h_stats(fx->k).pool_free != 1)
		sched_yield();
	/* The next record carries the mark. */
	assert_int_equal(h_sys(fx->td, CODE, 3, 0), 0);
	assert_int_equal(ktrq_proc_exit(fx->p), 0);
	trace_of(fx->g->inner, &tr);
	assert_int_equal(tr.n, 2);
	assert_false(tr.r[0].drop);
	assert_true(tr.r[1].drop);
	assert_true(tr.r[1].u.syscall.args[0] == 3);
	trace_free(&tr);
}

/* Tracing stops while the poster waits: ENXIO, counted cleared. */
static void
t_detach_while_waiting(void **state)
{
	struct fx *fx = fx_new(state);
	struct ktrq_stats st;
	struct ktrq_thread *root;
	struct poster ps;
	pthread_t t;

	world(fx, 1, KTRQ_CF_BACKPRESSURE, LONG_NS);
	root = h_thread(h_proc(fx->k, 1, NULL, 1, "ctl", 0), 99);
	hold_worker(fx);
	start_waiting(fx, &ps, 1, &t);
	assert_int_equal(ktrq_ktrace(root, NULL, KTROP_CLEAR, KTRFAC_ALL,
	    PID), 0);
	h_join(t);
	assert_int_equal(ps.rc[0], ENXIO);
	gate_open(fx->g);
	assert_int_equal(ktrq_proc_exit(fx->p), 0);
	st = h_stats(fx->k);
	assert_true(st.posted == 2);
	assert_true(st.written == 1);
	assert_true(st.dropped_cleared == 1);
	assert_true(st.bp_timeouts == 0);
}

/* A timeout past the clock's end is no timeout (it used to be none). */
static void
t_forever(void **state)
{
	struct fx *fx = fx_new(state);
	struct ktrq_stats st;
	struct poster ps;
	pthread_t t;

	world(fx, 1, KTRQ_CF_BACKPRESSURE, UINT64_MAX);
	hold_worker(fx);
	start_waiting(fx, &ps, 1, &t);
	gate_open(fx->g);
	h_join(t);
	assert_int_equal(ps.rc[0], 0);
	assert_int_equal(ktrq_proc_exit(fx->p), 0);
	st = h_stats(fx->k);
	assert_true(st.written == 2);
	assert_true(st.bp_timeouts == 0);
	assert_true(st.dropped_exhausted == 0);
}

/*
 * Moved to another target while it waits: the poster goes on waiting and
 * its record goes to the new target; a partial CLEAR of another type
 * changes nothing for it either.
 */
static void
t_retarget_while_waiting(void **state)
{
	struct fx *fx = fx_new(state);
	struct ktrq_target *tb;
	struct ktrq_thread *root;
	struct ktrq_stats st;
	struct poster ps;
	struct trace tr;
	pthread_t t;

	world(fx, 1, KTRQ_CF_BACKPRESSURE, LONG_NS);
	assert_int_equal(ktrq_memtarget_create(fx->w->inner, &tb), 0);
	root = h_thread(h_proc(fx->k, 1, NULL, 1, "ctl", 0), 99);
	hold_worker(fx);
	start_waiting(fx, &ps, 1, &t);
	assert_int_equal(ktrq_ktrace(root, NULL, KTROP_CLEAR, KTRFAC_USER,
	    PID), 0);
	assert_int_equal(ktrq_ktrace(root, tb, KTROP_SET, KTRFAC_SYSCALL,
	    PID), 0);
	gate_open(fx->g);
	h_join(t);
	assert_int_equal(ps.rc[0], 0);
	assert_int_equal(ktrq_proc_exit(fx->p), 0);
	st = h_stats(fx->k);
	assert_true(st.written == 2);
	assert_true(st.dropped_cleared == 0);
	trace_of(tb, &tr);
	assert_int_equal(tr.n, 1);
	assert_true(tr.r[0].u.syscall.args[0] == 1);
	trace_free(&tr);
	ktrq_target_rele(tb);
}

/* Growing the pool hands the waiter an object: the writer never ran. */
static void
t_resize_wakes(void **state)
{
	struct fx *fx = fx_new(state);
	struct poster ps;
	pthread_t t;
	int old;

	world(fx, 1, KTRQ_CF_BACKPRESSURE, LONG_NS);
	hold_worker(fx);
	start_waiting(fx, &ps, 1, &t);
	assert_int_equal(ktrq_pool_resize(fx->k, 2, &old), 0);
	h_join(t);
	assert_int_equal(ps.rc[0], 0);
	assert_int_equal(gate_entered(fx->g), 1);
	gate_open(fx->g);
	assert_int_equal(ktrq_proc_exit(fx->p), 0);
	assert_true(h_stats(fx->k).written == 2);
}

/*
 * The tunable: with no flag a nonzero timeout turns back-pressure on
 * and 0 keeps it off; with the flag it gives the timeout; anything but
 * decimal digits fails creation, logged.
 */
static void
t_tunable(void **state)
{
	static const char *const bad[] = { "abc", "", "-1", "1x", " 5" };
	struct fx *fx = fx_new(state);
	struct ktrq_config cf;
	struct ktrq *k;
	size_t i;

	assert_int_equal(setenv(KTRQ_BACKPRESSURE_TUNABLE, "1000000", 1), 0);
	world(fx, 1, 0, 0);
	hold_worker(fx);
	assert_int_equal(h_sys(fx->td, CODE, 1, 0), ENOBUFS);
	assert_true(h_stats(fx->k).bp_waits == 1);
	h_gated_teardown(fx->w, fx->k, fx->g);

	fx->w = wrap_create();
	assert_int_equal(setenv(KTRQ_BACKPRESSURE_TUNABLE, "0", 1), 0);
	world(fx, 1, 0, 0);
	hold_worker(fx);
	assert_int_equal(h_sys(fx->td, CODE, 1, 0), ENOBUFS);
	assert_true(h_stats(fx->k).bp_waits == 0);
	h_gated_teardown(fx->w, fx->k, fx->g);

	fx->w = wrap_create();
	world(fx, 1, KTRQ_CF_BACKPRESSURE, 0);	/* "0": the default */
	h_gated_teardown(fx->w, fx->k, fx->g);

	fx->w = wrap_create();
	fx->k = NULL;
	ktrq_config_init(&cf, &fx->w->os);
	cf.log = logcap_log;
	cf.log_arg = &fx->log;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(setenv(KTRQ_BACKPRESSURE_TUNABLE, bad[i], 1),
		    0);
		k = NULL;
		assert_int_equal(ktrq_create(&cf, &k), EINVAL);
		assert_null(k);
	}
	assert_int_equal(logcap_count(&fx->log, "KTRQ_BACKPRESSURE_NS must "
	    "be a decimal number of nanoseconds"), sizeof(bad) / sizeof(bad[0]));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(t_no_drops, teardown),
		cmocka_unit_test_teardown(t_timeout, teardown),
		cmocka_unit_test_teardown(t_detach_while_waiting, teardown),
		cmocka_unit_test_teardown(t_resize_wakes, teardown),
		cmocka_unit_test_teardown(t_forever, teardown),
		cmocka_unit_test_teardown(t_retarget_while_waiting,
		    teardown),
		cmocka_unit_test_teardown(t_tunable, teardown),
	};

	return (cmocka_run_group_tests_name("core_backpressure", tests, NULL,
	    NULL));
}
