/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Instances are independent: two instances on one platform layer, and
 * two on two layers, side by side, with the same pids, posting from
 * several threads at once -- each trace holds only its own instance's
 * records (all of them, each thread's in order), each instance's
 * statistics count only its own events, and a resize or a write error in
 * one leaves the other alone.  Two instances may also share one target:
 * their records interleave whole, never byte by byte.
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

#define	NINST		2
#define	NTHREADS	2		/* per instance */
#define	NEVENTS		1500
#define	PID		100		/* in every instance */
#define	CODE		11

struct poster {
	struct ktrq_thread	*td;
	struct h_start		*start;
	int			 inst, idx;
	unsigned		 ok, other;
};

static void *
poster_main(void *arg)
{
	struct poster *ps = arg;
	int i, e;

	h_start_wait(ps->start);
	for (i = 0; i < NEVENTS; i++) {
		e = h_sys(ps->td, CODE, (uint64_t)(ps->inst * 100 + ps->idx),
		    (uint64_t)i);
		if (e == 0)
			ps->ok++;
		else if (e != ENOBUFS)
			ps->other++;
	}
	return (NULL);
}

static const char *const comms[NINST] = { "first", "second" };

/*
 * Run NINST instances, instance i on layer w[i], writing to t[i]
 * (possibly the same target), and check what each trace holds.
 */
static void
run(struct wrap *w[NINST], struct ktrq_target *t[NINST], int shared)
{
	struct poster ps[NINST][NTHREADS];
	pthread_t th[NINST][NTHREADS];
	struct ktrq *k[NINST];
	struct ktrq_proc *p[NINST];
	struct ktrq_stats st;
	struct h_start start;
	struct trace tr;
	int64_t last[NINST][NTHREADS];
	unsigned ok[NINST];
	size_t i, n;
	int a, b, j, tag;

	h_start_init(&start);
	for (a = 0; a < NINST; a++) {
		k[a] = h_instance(&w[a]->os, 64 * (a + 1), 0, NULL);
		p[a] = h_proc(k[a], PID, NULL, PID, comms[a], 1000);
		for (j = 0; j < NTHREADS; j++) {
			ps[a][j].td = h_thread(p[a], j);
			ps[a][j].start = &start;
			ps[a][j].inst = a;
			ps[a][j].idx = j;
			ps[a][j].ok = ps[a][j].other = 0;
		}
		h_trace(ps[a][0].td, t[a], KTRFAC_SYSCALL, PID);
	}
	for (a = 0; a < NINST; a++)
		for (j = 0; j < NTHREADS; j++)
			h_spawn(&th[a][j], poster_main, &ps[a][j]);
	h_start_go(&start);
	for (a = 0; a < NINST; a++)
		for (j = 0; j < NTHREADS; j++)
			h_join(th[a][j]);
	for (a = 0; a < NINST; a++) {
		assert_int_equal(ktrq_proc_exit(p[a]), 0);
		h_assert_quiet(k[a]);
		st = h_stats(k[a]);
		for (ok[a] = 0, j = 0; j < NTHREADS; j++) {
			assert_int_equal(ps[a][j].other, 0);
			ok[a] += ps[a][j].ok;
		}
		assert_true(st.posted == NTHREADS * NEVENTS);
		assert_true(st.written == ok[a]);
		assert_int_equal(st.pool_size, 64 * (a + 1));
	}

	for (a = 0; a < NINST; a++) {
		if (shared && a > 0)
			break;
		trace_of(t[a], &tr);
		n = 0;
		for (b = 0; b < NINST; b++)
			for (j = 0; j < NTHREADS; j++)
				last[b][j] = -1;
		for (i = 0; i < tr.n; i++) {
			assert_int_equal(tr.r[i].type, KTR_SYSCALL);
			assert_int_equal(tr.r[i].hdr.pid, PID);
			tag = (int)tr.r[i].u.syscall.args[0];
			b = tag / 100;
			j = tag % 100;
			assert_in_range(b, 0, NINST - 1);
			assert_in_range(j, 0, NTHREADS - 1);
			if (!shared)
				assert_int_equal(b, a);
			assert_string_equal(tr.r[i].hdr.comm, comms[b]);
			assert_true(tr.r[i].hdr.tid == j);
			assert_true((int64_t)tr.r[i].u.syscall.args[1] >
			    last[b][j]);
			last[b][j] = (int64_t)tr.r[i].u.syscall.args[1];
			n++;
		}
		assert_int_equal(n, shared ? ok[0] + ok[1] : ok[a]);
		trace_free(&tr);
	}
	for (a = 0; a < NINST; a++)
		assert_int_equal(ktrq_destroy(k[a]), 0);
	h_start_fini(&start);
}

static void
t_one_layer(void **state)
{
	struct ktrq_target *t[NINST];
	struct wrap *w[NINST];
	int a;

	(void)state;
	w[0] = w[1] = wrap_create();
	for (a = 0; a < NINST; a++)
		assert_int_equal(ktrq_memtarget_create(w[0]->inner, &t[a]), 0);
	run(w, t, 0);
	for (a = 0; a < NINST; a++)
		ktrq_target_rele(t[a]);
	wrap_destroy(w[0]);
}

static void
t_two_layers(void **state)
{
	struct ktrq_target *t[NINST];
	struct wrap *w[NINST];
	int a;

	(void)state;
	for (a = 0; a < NINST; a++) {
		w[a] = wrap_create();
		assert_int_equal(ktrq_memtarget_create(w[a]->inner, &t[a]), 0);
	}
	run(w, t, 0);
	for (a = 0; a < NINST; a++) {
		ktrq_target_rele(t[a]);
		wrap_destroy(w[a]);
	}
}

static void
t_shared_target(void **state)
{
	struct ktrq_target *t[NINST];
	struct wrap *w[NINST];
	int a;

	(void)state;
	for (a = 0; a < NINST; a++)
		w[a] = wrap_create();
	assert_int_equal(ktrq_memtarget_create(w[0]->inner, &t[0]), 0);
	t[1] = t[0];
	run(w, t, 1);
	ktrq_target_rele(t[0]);
	for (a = 0; a < NINST; a++)
		wrap_destroy(w[a]);
}

/*
 * One instance's resize, exhaustion warning and write error are its own.
 */
static void
t_state_not_shared(void **state)
{
	struct ktrq_fault f;
	struct ktrq_target *mt, *ft;
	struct ktrq_proc *p1, *p2;
	struct ktrq_thread *t1, *t2;
	struct logcap l1, l2;
	struct ktrq_stats s1, s2;
	struct wrap *w;
	struct ktrq *k1, *k2;

	(void)state;
	w = wrap_create();
	logcap_init(&l1);
	logcap_init(&l2);
	k1 = h_instance(&w->os, 4, 0, &l1);
	k2 = h_instance(&w->os, 4, 0, &l2);
	assert_int_equal(ktrq_memtarget_create(w->inner, &mt), 0);
	memset(&f, 0, sizeof(f));
	f.fail_after_records = 1;
	assert_int_equal(ktrq_faulttarget_create(w->inner, mt, &f, &ft), 0);
	p1 = h_proc(k1, PID, NULL, PID, "one", 1000);
	p2 = h_proc(k2, PID, NULL, PID, "two", 1000);
	t1 = h_thread(p1, 1);
	t2 = h_thread(p2, 1);
	h_trace(t1, ft, KTRFAC_ALL, PID);
	h_trace(t2, mt, KTRFAC_ALL, PID);

	assert_int_equal(ktrq_pool_resize(k1, 9, NULL), 0);
	assert_int_equal(h_stats(k2).pool_size, 4);
	/* k1's target fails on its second record; k2 goes on. */
	assert_int_equal(ktrq_genio(t1, 1, 1, "a", 1), 0);
	assert_int_equal(ktrq_genio(t1, 1, 1, "b", 1), EIO);
	assert_int_equal(ktrq_point(t1, KTR_GENIO), 0);
	assert_int_equal(ktrq_point(t2, KTR_GENIO), 1);
	assert_int_equal(ktrq_genio(t2, 1, 1, "c", 1), 0);
	assert_int_equal(logcap_total(&l1), 1);
	assert_int_equal(logcap_total(&l2), 0);
	s1 = h_stats(k1);
	s2 = h_stats(k2);
	assert_true(s1.write_errors == 1 && s2.write_errors == 0);
	assert_true(s1.posted == 2 && s2.posted == 1);
	assert_true(s1.written == 1 && s2.written == 1);

	assert_int_equal(ktrq_destroy(k1), 0);
	assert_int_equal(ktrq_destroy(k2), 0);
	ktrq_target_rele(ft);
	ktrq_target_rele(mt);
	logcap_fini(&l1);
	logcap_fini(&l2);
	wrap_destroy(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_one_layer),
		cmocka_unit_test(t_two_layers),
		cmocka_unit_test(t_shared_target),
		cmocka_unit_test(t_state_not_shared),
	};

	return (cmocka_run_group_tests_name("core_instances", tests, NULL,
	    NULL));
}
