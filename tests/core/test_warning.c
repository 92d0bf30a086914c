/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The exhaustion warning: "Out of ktrace request objects." reaches the
 * configured log sink exactly once however many events find the pool
 * empty (from any process, from any number of threads at once), until
 * ktrq_pool_resize re-arms it -- even a resize to the same size.
 * stats.warnings counts the lines printed.  A large payload dropped for
 * want of memory is not pool exhaustion: it prints nothing and leaves the
 * warning armed.
 *
 * Determinism: the worker is parked in a gate target's write, so the pool
 * stays exactly full while the test posts.
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

#define	MSG	"Out of ktrace request objects."
#define	PID_A	200
#define	PID_B	201
#define	CODE	3

struct fx {
	struct wrap		*w;
	struct logcap		 log;
	struct ktrq		*k;
	struct gate		*g;
	struct ktrq_proc	*pa, *pb;
	struct ktrq_thread	*ta, *tb;
};

static int
setup(void **state)
{
	struct fx *fx;

	fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	logcap_init(&fx->log);
	fx->k = h_gated_world(&fx->w, &fx->g, 4, 0, &fx->log);
	fx->pa = h_proc(fx->k, PID_A, NULL, PID_A, "a", 1000);
	fx->ta = h_thread(fx->pa, 1);
	fx->pb = h_proc(fx->k, PID_B, NULL, PID_B, "b", 1000);
	fx->tb = h_thread(fx->pb, 2);
	h_trace(fx->ta, fx->g->target, KTRFAC_ALL, PID_A);
	h_trace(fx->tb, fx->g->target, KTRFAC_ALL, PID_B);
	*state = fx;
	return (0);
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	h_gated_teardown(fx->w, fx->k, fx->g);
	logcap_fini(&fx->log);
	free(fx);
	return (0);
}

/* Park the worker on one record and fill the rest of the pool. */
static void
fill_pool(struct fx *fx)
{
	struct ktrq_stats st;
	int i;

	assert_int_equal(h_sys(fx->ta, CODE, 0, 0), 0);
	gate_wait_entered(fx->g, 1);
	for (i = 1; (uint32_t)i < h_stats(fx->k).pool_size; i++)
		assert_int_equal(h_sys(fx->ta, CODE, (uint64_t)i, 0), 0);
	st = h_stats(fx->k);
	assert_int_equal(st.pool_free, 0);
}

static void
exhaust(struct ktrq_thread *td, int n)
{
	int i;

	for (i = 0; i < n; i++)
		assert_int_equal(h_sys(td, CODE, 99, (uint64_t)i), ENOBUFS);
}

static void
t_once_per_resize(void **state)
{
	struct fx *fx = *state;
	struct ktrq_stats st;
	int i, old;

	fill_pool(fx);
	assert_int_equal(logcap_total(&fx->log), 0);
	exhaust(fx->ta, 50);
	exhaust(fx->tb, 50);		/* another process: still once */
	assert_int_equal(logcap_count(&fx->log, MSG), 1);
	assert_int_equal(logcap_total(&fx->log), 1);
	assert_int_equal(fx->log.level[0], KTRQ_LOG_WARNING);
	st = h_stats(fx->k);
	assert_true(st.warnings == 1);
	assert_true(st.dropped_exhausted == 100);

	/* The same size re-arms it. */
	assert_int_equal(ktrq_pool_resize(fx->k, 4, &old), 0);
	assert_int_equal(old, 4);
	assert_int_equal(logcap_total(&fx->log), 1);
	exhaust(fx->tb, 20);
	assert_int_equal(logcap_count(&fx->log, MSG), 2);
	assert_int_equal(logcap_total(&fx->log), 2);
	assert_true(h_stats(fx->k).warnings == 2);

	/* Growing re-arms it too; the new objects go first. */
	assert_int_equal(ktrq_pool_resize(fx->k, 8, &old), 0);
	assert_int_equal(old, 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(h_sys(fx->ta, CODE, 50, (uint64_t)i), 0);
	assert_int_equal(logcap_total(&fx->log), 2);
	exhaust(fx->ta, 20);
	assert_int_equal(logcap_count(&fx->log, MSG), 3);
	assert_int_equal(logcap_total(&fx->log), 3);

	gate_open(fx->g);
	assert_int_equal(ktrq_proc_exit(fx->pa), 0);
	assert_int_equal(ktrq_proc_exit(fx->pb), 0);
	h_assert_quiet(fx->k);
	st = h_stats(fx->k);
	assert_true(st.warnings == 3);
	assert_true(st.written == 8);
	assert_true(st.dropped_exhausted == 140);
	assert_int_equal(logcap_total(&fx->log), 3);
}

/* Many threads find the pool empty at once: still exactly one line. */
#define	NTHREADS	4
#define	NDROPS		200

struct dropper {
	struct ktrq_thread	*td;
	struct h_start		*start;
	unsigned		 enobufs;
};

static void *
dropper_main(void *arg)
{
	struct dropper *d = arg;
	int i;

	h_start_wait(d->start);
	for (i = 0; i < NDROPS; i++)
		if (h_sys(d->td, CODE, 7, (uint64_t)i) == ENOBUFS)
			d->enobufs++;
	return (NULL);
}

static void
t_once_concurrent(void **state)
{
	struct fx *fx = *state;
	struct dropper d[NTHREADS];
	pthread_t t[NTHREADS];
	struct h_start start;
	int i;

	fill_pool(fx);
	h_start_init(&start);
	for (i = 0; i < NTHREADS; i++) {
		d[i].td = h_thread(i % 2 == 0 ? fx->pa : fx->pb, 10 + i);
		d[i].start = &start;
		d[i].enobufs = 0;
		h_spawn(&t[i], dropper_main, &d[i]);
	}
	h_start_go(&start);
	for (i = 0; i < NTHREADS; i++) {
		h_join(t[i]);
		assert_int_equal(d[i].enobufs, NDROPS);
	}
	assert_int_equal(logcap_count(&fx->log, MSG), 1);
	assert_int_equal(logcap_total(&fx->log), 1);
	assert_true(h_stats(fx->k).warnings == 1);
	assert_true(h_stats(fx->k).dropped_exhausted == NTHREADS * NDROPS);
	h_start_fini(&start);
}

/*
 * ENOBUFS for want of memory (a payload over KTRQ_INLINE_DATA) is not
 * pool exhaustion: no line, stats.warnings unchanged, and the warning
 * stays armed for the first real exhaustion.
 */
static void
t_nomem_not_a_warning(void **state)
{
	static uint8_t big[KTRQ_REC_USER_MAX];
	struct fx *fx = *state;
	struct ktrq_stats st;

	wrap_fail_allocs(fx->w, 0);
	assert_int_equal(ktrq_utrace(fx->ta, big, sizeof(big)), ENOBUFS);
	wrap_fail_allocs(fx->w, -1);
	st = h_stats(fx->k);
	assert_true(st.dropped_exhausted == 1);
	assert_int_equal(logcap_total(&fx->log), 0);
	assert_true(st.warnings == 0);

	fill_pool(fx);
	exhaust(fx->tb, 3);
	assert_int_equal(logcap_count(&fx->log, MSG), 1);
	assert_true(h_stats(fx->k).warnings == 1);
}

#define	T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(t_once_per_resize),
		T(t_once_concurrent),
		T(t_nomem_not_a_warning),
	};

	return (cmocka_run_group_tests_name("core_warning", tests, NULL,
	    NULL));
}
