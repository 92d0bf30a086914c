/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Batched writes (batch.c): the worker writes the run of asynchronous
 * records at the head of the todo list that share a target and
 * credentials in one gathered write, in todo order; a synchronous genio,
 * another target or other credentials end the run; batch_max 1 is the
 * 2002 behaviour, one record per write.
 *
 * The gate target holds the worker in its first write while the test
 * queues the rest, so what one batch holds is decided, not raced.
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

#define	CODE	7

struct fx {
	struct wrap	*w;
	struct gate	*g;
	struct ktrq	*k;
};

static int
teardown(void **state)
{
	struct fx *fx = *state;

	if (fx->k != NULL)
		h_gated_teardown(fx->w, fx->k, fx->g);
	free(fx);
	return (0);
}

static struct fx *
world(void **state, int pool, int batch_max)
{
	struct ktrq_config cf;
	struct fx *fx;

	fx = calloc(1, sizeof(*fx));
	*state = fx;
	fx->w = wrap_create();
	ktrq_config_init(&cf, &fx->w->os);
	cf.pool_size = pool;
	cf.batch_max = batch_max;
	fx->k = h_instance_cf(&cf);
	fx->g = gate_create(fx->w->inner, NULL);
	return (fx);
}

/*
 * Hold the worker in the write of record 0, queue `n` - 1 more, let it
 * all go.
 */
static void
run(struct fx *fx, struct ktrq_thread *td, int n)
{
	int i;

	assert_int_equal(h_sys(td, CODE, 0, 0), 0);
	gate_wait_entered(fx->g, 1);
	for (i = 1; i < n; i++)
		assert_int_equal(h_sys(td, CODE, (uint64_t)i, 0), 0);
	gate_open(fx->g);
}

static void
check_order(struct ktrq_target *t, int pid, int n)
{
	struct trace tr;
	int i;

	trace_of(t, &tr);
	assert_int_equal(tr.n, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(tr.r[i].hdr.pid, pid);
		assert_true(tr.r[i].u.syscall.args[0] == (uint64_t)i);
	}
	trace_free(&tr);
}

/* 40 queued records go out in one gathered write after the first. */
static void
t_gathers(void **state)
{
	struct fx *fx = world(state, 64, 0);
	struct ktrq_proc *p;
	struct ktrq_thread *td;
	struct ktrq_stats st;

	td = h_traced_thread(fx->k, fx->g->target, 10, "b", 1, &p);
	run(fx, td, 41);
	assert_int_equal(ktrq_proc_exit(p), 0);
	st = h_stats(fx->k);
	assert_true(st.written == 41);
	/* Two pieces a record: 32 fit in one write of 64 pieces. */
	assert_true(st.writes == 3);
	assert_int_equal(gate_entered(fx->g), 3);
	check_order(fx->g->inner, 10, 41);
}

/* batch_max 1: every record is a write of its own, as in 2002. */
static void
t_one_per_write(void **state)
{
	struct fx *fx = world(state, 64, 1);
	struct ktrq_proc *p;
	struct ktrq_thread *td;
	struct ktrq_stats st;

	td = h_traced_thread(fx->k, fx->g->target, 10, "b", 1, &p);
	run(fx, td, 20);
	assert_int_equal(ktrq_proc_exit(p), 0);
	st = h_stats(fx->k);
	assert_true(st.written == 20);
	assert_true(st.writes == 20);
	assert_int_equal(gate_entered(fx->g), 20);
	check_order(fx->g->inner, 10, 20);
}

/* batch_max caps the records of one write. */
static void
t_batch_max(void **state)
{
	struct fx *fx = world(state, 64, 5);
	struct ktrq_proc *p;
	struct ktrq_thread *td;
	struct ktrq_stats st;

	td = h_traced_thread(fx->k, fx->g->target, 10, "b", 1, &p);
	run(fx, td, 21);
	assert_int_equal(ktrq_proc_exit(p), 0);
	st = h_stats(fx->k);
	assert_true(st.written == 21);
	assert_true(st.writes == 1 + 4);
	check_order(fx->g->inner, 10, 21);
}

/*
 * A run ends at another target, at other credentials and at a
 * synchronous genio (which its poster writes itself): the todo order
 * A0 | A1 A2 | B0 | A3 | C0 (uid 2000) | A4 A5 | genio | A6.
 */
static void
t_run_ends(void **state)
{
	struct fx *fx = world(state, 64, 0);
	struct ktrq_target *tb;
	struct ktrq_proc *pa, *pb, *pc;
	struct ktrq_thread *ta, *tdb, *tc;
	struct ktrq_stats st;
	struct trace tr;

	assert_int_equal(ktrq_memtarget_create(fx->w->inner, &tb), 0);
	ta = h_traced_thread(fx->k, fx->g->target, 10, "a", 1, &pa);
	pb = h_proc(fx->k, 11, NULL, 11, "b", 1000);
	tdb = h_thread(pb, 2);
	h_trace(tdb, tb, KTRFAC_ALL, 11);
	pc = h_proc(fx->k, 12, NULL, 12, "c", 2000);
	tc = h_thread(pc, 3);
	h_trace(tc, fx->g->target, KTRFAC_ALL, 12);

	assert_int_equal(h_sys(ta, CODE, 0, 0), 0);
	gate_wait_entered(fx->g, 1);
	assert_int_equal(h_sys(ta, CODE, 1, 0), 0);
	assert_int_equal(h_sys(ta, CODE, 2, 0), 0);
	assert_int_equal(h_sys(tdb, CODE, 0, 0), 0);
	assert_int_equal(h_sys(ta, CODE, 3, 0), 0);
	assert_int_equal(h_sys(tc, CODE, 0, 0), 0);
	assert_int_equal(h_sys(ta, CODE, 4, 0), 0);
	assert_int_equal(h_sys(ta, CODE, 5, 0), 0);
	gate_open(fx->g);
	assert_int_equal(ktrq_genio(ta, 1, 0, "g", 1), 0);
	assert_int_equal(h_sys(ta, CODE, 6, 0), 0);
	assert_int_equal(ktrq_proc_exit(pa), 0);
	assert_int_equal(ktrq_proc_exit(pb), 0);
	assert_int_equal(ktrq_proc_exit(pc), 0);
	st = h_stats(fx->k);
	assert_true(st.written == 10);
	/* A0, A1-2, B0, A3, C0, A4-5, genio, A6. */
	assert_true(st.writes == 8);
	trace_of(fx->g->inner, &tr);
	assert_int_equal(tr.n, 9);
	assert_int_equal(tr.r[4].hdr.pid, 12);
	assert_int_equal(tr.r[7].type, KTR_GENIO);
	assert_true(tr.r[8].u.syscall.args[0] == 6);
	trace_free(&tr);
	ktrq_target_rele(tb);
}

/* Records too big for one write's byte budget split the batch. */
static void
t_byte_budget(void **state)
{
	struct fx *fx = world(state, 128, 0);
	static uint8_t big[KTRQ_REC_USER_MAX];
	struct ktrq_proc *p;
	struct ktrq_thread *td;
	struct ktrq_stats st;
	size_t per;
	int i, n;

	memset(big, 'u', sizeof(big));
	td = h_traced_thread(fx->k, fx->g->target, 10, "b", 1, &p);
	assert_int_equal(ktrq_utrace(td, big, sizeof(big)), 0);
	gate_wait_entered(fx->g, 1);
	n = (int)(2 * KTRQ_BATCH_BYTES / sizeof(big));
	for (i = 0; i < n; i++)
		assert_int_equal(ktrq_utrace(td, big, sizeof(big)), 0);
	gate_open(fx->g);
	assert_int_equal(ktrq_proc_exit(p), 0);
	st = h_stats(fx->k);
	assert_true(st.written == (uint64_t)n + 1);
	/* The budget, not the pieces, bounds these batches. */
	per = KTRQ_BATCH_BYTES / (sizeof(big) + KTRQ_REC_HDR_V1_SIZE);
	assert_true(2 * per < KTRQ_TARGET_IOVMAX);
	assert_true(st.writes == 1 + ((uint64_t)n + per - 1) / per);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(t_gathers, teardown),
		cmocka_unit_test_teardown(t_one_per_write, teardown),
		cmocka_unit_test_teardown(t_batch_max, teardown),
		cmocka_unit_test_teardown(t_run_ends, teardown),
		cmocka_unit_test_teardown(t_byte_budget, teardown),
	};

	return (cmocka_run_group_tests_name("core_batch", tests, NULL, NULL));
}
