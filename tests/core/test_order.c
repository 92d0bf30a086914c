/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Per-thread order under concurrency: eight threads (of two processes)
 * post into one memtarget at once.  In the trace every thread's records
 * appear in its posting order (a sequence number rides in the syscall
 * args), the records are exactly the events that returned 0, each with
 * its own pid, tid and comm, and posted == written + dropped.  With a
 * pool large enough for everything nothing is dropped; with a small one
 * drops happen but order and accounting still hold, and only a process
 * that lost events has records marked KTR_DROP.
 *
 * A race test on the pthread backend: it asserts invariants only.
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

#define	NPROC		2
#define	NTHREADS	8		/* spread over NPROC */
#define	NEVENTS		1500
#define	PID0		400
#define	CODE		20

struct poster {
	struct ktrq_thread	*td;
	struct h_start		*start;
	int			 idx;
	unsigned		 ok, enobufs, other;
	unsigned char		 queued[NEVENTS];
};

static void *
poster_main(void *arg)
{
	struct poster *ps = arg;
	int i, e;

	h_start_wait(ps->start);
	for (i = 0; i < NEVENTS; i++) {
		/* Mix two record types; both carry the sequence. */
		if (i % 3 == 2)
			e = ktrq_sysret(ps->td, ps->idx, 0, i);
		else
			e = h_sys(ps->td, CODE, (uint64_t)ps->idx,
			    (uint64_t)i);
		if (e == 0) {
			ps->ok++;
			ps->queued[i] = 1;
		} else if (e == ENOBUFS)
			ps->enobufs++;
		else
			ps->other++;
	}
	return (NULL);
}

static void
run(int pool)
{
	static struct poster ps[NTHREADS];
	pthread_t t[NTHREADS];
	struct ktrq_proc *p[NPROC];
	struct ktrq_thread *ctl;
	struct ktrq_target *mt;
	struct ktrq_stats st;
	struct h_start start;
	struct trace tr;
	struct wrap *w;
	struct ktrq *k;
	int64_t last[NTHREADS];
	unsigned ok, drops[NPROC];
	size_t i;
	int j, idx, seq, pi;

	w = wrap_create();
	k = h_instance(&w->os, pool, 0, NULL);
	assert_int_equal(ktrq_memtarget_create(w->inner, &mt), 0);
	h_start_init(&start);
	for (j = 0; j < NPROC; j++) {
		p[j] = h_proc(k, PID0 + j, NULL, PID0, j == 0 ? "even" : "odd",
		    1000);
		ctl = h_thread(p[j], 999);
		h_trace(ctl, mt, KTRFAC_SYSCALL | KTRFAC_SYSRET, PID0 + j);
		assert_int_equal(ktrq_thread_destroy(ctl), 0);
	}
	memset(ps, 0, sizeof(ps));
	for (j = 0; j < NTHREADS; j++) {
		ps[j].td = h_thread(p[j % NPROC], 1000 + j);
		ps[j].start = &start;
		ps[j].idx = j;
		h_spawn(&t[j], poster_main, &ps[j]);
	}
	h_start_go(&start);
	for (j = 0; j < NTHREADS; j++)
		h_join(t[j]);
	for (j = 0; j < NPROC; j++)
		assert_int_equal(ktrq_proc_exit(p[j]), 0);
	h_assert_quiet(k);

	ok = 0;
	drops[0] = drops[1] = 0;
	for (j = 0; j < NTHREADS; j++) {
		assert_int_equal(ps[j].other, 0);
		assert_int_equal(ps[j].ok + ps[j].enobufs, NEVENTS);
		ok += ps[j].ok;
		drops[j % NPROC] += ps[j].enobufs;
	}
	st = h_stats(k);
	assert_true(st.posted == (uint64_t)NTHREADS * NEVENTS);
	assert_true(st.written == ok);
	assert_true(st.dropped_exhausted == st.posted - ok);
	assert_true(st.dropped_cleared == 0 && st.dropped_write_error == 0);
	if (pool >= NTHREADS * NEVENTS)
		assert_int_equal(ok, NTHREADS * NEVENTS);

	trace_of(mt, &tr);
	assert_int_equal(tr.n, ok);
	for (j = 0; j < NTHREADS; j++)
		last[j] = -1;
	for (i = 0; i < tr.n; i++) {
		if (tr.r[i].type == KTR_SYSCALL) {
			assert_int_equal(tr.r[i].u.syscall.code, CODE);
			assert_int_equal(tr.r[i].u.syscall.narg, 2);
			idx = (int)tr.r[i].u.syscall.args[0];
			seq = (int)tr.r[i].u.syscall.args[1];
		} else {
			assert_int_equal(tr.r[i].type, KTR_SYSRET);
			idx = tr.r[i].u.sysret.code;
			seq = (int)tr.r[i].u.sysret.retval;
		}
		assert_in_range(idx, 0, NTHREADS - 1);
		assert_in_range(seq, 0, NEVENTS - 1);
		pi = idx % NPROC;
		assert_int_equal(tr.r[i].hdr.pid, PID0 + pi);
		assert_true(tr.r[i].hdr.tid == 1000 + idx);
		assert_string_equal(tr.r[i].hdr.comm, pi == 0 ? "even" : "odd");
		/* Posting order within the thread, each event once. */
		assert_true(seq > last[idx]);
		last[idx] = seq;
		assert_int_equal(ps[idx].queued[seq], 1);
		ps[idx].queued[seq] = 2;
		if (tr.r[i].drop)
			assert_true(drops[pi] > 0);
	}
	trace_free(&tr);

	assert_int_equal(ktrq_destroy(k), 0);
	ktrq_target_rele(mt);
	h_start_fini(&start);
	wrap_destroy(w);
}

/* Room for every event: none is dropped. */
static void
t_order_big_pool(void **state)
{

	(void)state;
	run(NTHREADS * NEVENTS);
}

/* Drops under pressure do not disturb order or accounting. */
static void
t_order_small_pool(void **state)
{

	(void)state;
	run(8);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_order_big_pool),
		cmocka_unit_test(t_order_small_pool),
	};

	return (cmocka_run_group_tests_name("core_order", tests, NULL, NULL));
}
