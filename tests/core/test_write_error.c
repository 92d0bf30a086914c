/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The write-error policy: when a write to a target fails, the log sink
 * gets "ktrace write failed, errno E, tracing stopped" once; every
 * process tracing to that target is detached (KTRPOINT false, later
 * events ENOENT); every request for it still queued is dropped as
 * cleared; a process on another target goes on unaffected; the counters
 * balance (write_errors 1, written + dropped_* == posted); nothing leaks
 * (memcheck).  A synchronous genio whose own write fails returns the
 * errno after running the same policy.  Short writes are retried: a
 * target taking 7 bytes per call yields a file byte-identical to a plain
 * memtarget's, given a fixed clock.
 *
 * Determinism: a gate in front of the failing target holds the worker
 * until everything is queued.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"

#define	PID_A	700
#define	PID_B	701
#define	PID_C	702
#define	CODE	4

/* The policy's log line for errno `error`. */
static const char *
failmsg(int error)
{
	static char buf[80];

	snprintf(buf, sizeof(buf),
	    "ktrace write failed, errno %d, tracing stopped", error);
	return (buf);
}

static void
t_policy(void **state)
{
	struct ktrq_fault fault;
	struct ktrq_target *mf, *ft, *mb;
	struct ktrq_proc *pa, *pb, *pc;
	struct ktrq_thread *ta, *tb, *tc;
	struct ktrq_stats st;
	struct logcap log;
	struct trace tr;
	struct gate *g;
	struct wrap *w;
	struct ktrq *k;
	int i;

	(void)state;
	w = wrap_create();
	logcap_init(&log);
	k = h_instance(&w->os, 64, 0, &log);
	assert_int_equal(ktrq_memtarget_create(w->inner, &mf), 0);
	memset(&fault, 0, sizeof(fault));
	fault.fail_after_records = 3;
	fault.error = ENOSPC;
	assert_int_equal(ktrq_faulttarget_create(w->inner, mf, &fault, &ft),
	    0);
	g = gate_create(w->inner, ft);
	assert_int_equal(ktrq_memtarget_create(w->inner, &mb), 0);
	pa = h_proc(k, PID_A, NULL, PID_A, "a", 1000);
	pb = h_proc(k, PID_B, NULL, PID_B, "b", 1000);
	pc = h_proc(k, PID_C, NULL, PID_C, "c", 1000);
	ta = h_thread(pa, 1);
	tb = h_thread(pb, 2);
	tc = h_thread(pc, 3);
	h_trace(ta, g->target, KTRFAC_ALL, PID_A);
	h_trace(tc, g->target, KTRFAC_ALL, PID_C);
	h_trace(tb, mb, KTRFAC_ALL, PID_B);

	assert_int_equal(h_sys(ta, CODE, 0, 0), 0);
	gate_wait_entered(g, 1);
	for (i = 1; i < 10; i++)
		assert_int_equal(h_sys(ta, CODE, (uint64_t)i, 0), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(h_sys(tc, CODE, (uint64_t)i, 1), 0);
	for (i = 0; i < 5; i++)
		assert_int_equal(h_sys(tb, CODE, (uint64_t)i, 2), 0);
	assert_int_equal(logcap_total(&log), 0);

	/* A0-A2 pass, A3 fails: A and C are detached, the rest cleared. */
	gate_open(g);
	assert_int_equal(ktrq_proc_exit(pa), 0);
	assert_int_equal(logcap_count(&log, failmsg(ENOSPC)), 1);
	assert_int_equal(logcap_total(&log), 1);
	assert_int_equal(log.level[0], KTRQ_LOG_ERR);
	assert_int_equal(ktrq_point(tc, KTR_SYSCALL), 0);
	assert_int_equal(ktrq_point(tc, KTR_USER), 0);
	assert_int_equal(h_sys(tc, CODE, 9, 9), ENOENT);
	assert_int_equal(ktrq_utrace(tc, "x", 1), ENOENT);
	assert_int_equal(ktrq_genio(tc, 1, 1, "x", 1), ENOENT);
	/* B is on another target: untouched. */
	assert_int_equal(ktrq_point(tb, KTR_SYSCALL), 1);
	assert_int_equal(h_sys(tb, CODE, 5, 2), 0);
	assert_int_equal(ktrq_genio(tb, 1, 1, "y", 1), 0);
	assert_int_equal(ktrq_proc_exit(pc), 0);
	assert_int_equal(ktrq_proc_exit(pb), 0);

	h_assert_quiet(k);
	st = h_stats(k);
	assert_true(st.write_errors == 1);
	assert_true(st.dropped_write_error == 1);
	assert_true(st.dropped_cleared == 6 + 3);
	assert_true(st.written == 3 + 7);
	assert_true(st.posted == 10 + 3 + 7);
	assert_true(st.dropped_exhausted == 0);
	assert_int_equal(logcap_total(&log), 1);

	trace_of(mf, &tr);
	assert_int_equal(tr.n, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(tr.r[i].hdr.pid, PID_A);
		assert_true(tr.r[i].u.syscall.args[0] == (uint64_t)i);
	}
	trace_free(&tr);
	trace_of(mb, &tr);
	assert_int_equal(tr.n, 7);
	assert_int_equal(trace_count(&tr, PID_B, 0), 7);
	assert_int_equal(tr.r[6].type, KTR_GENIO);
	trace_free(&tr);

	assert_int_equal(ktrq_destroy(k), 0);
	ktrq_target_rele(g->target);
	ktrq_target_rele(ft);
	ktrq_target_rele(mf);
	ktrq_target_rele(mb);
	logcap_fini(&log);
	wrap_destroy(w);
}

/*
 * A synchronous genio writing itself into a failing target: it returns
 * the target's errno, the policy runs (logged, detached), and it is
 * counted as a write error.
 */
static void
t_genio_write_fails(void **state)
{
	struct ktrq_fault fault;
	struct ktrq_target *mf, *ft;
	struct ktrq_proc *p;
	struct ktrq_thread *td;
	struct ktrq_stats st;
	struct logcap log;
	struct trace tr;
	struct wrap *w;
	struct ktrq *k;

	(void)state;
	w = wrap_create();
	logcap_init(&log);
	k = h_instance(&w->os, 8, 0, &log);
	assert_int_equal(ktrq_memtarget_create(w->inner, &mf), 0);
	memset(&fault, 0, sizeof(fault));
	fault.fail_after_records = 1;		/* error 0: EIO */
	assert_int_equal(ktrq_faulttarget_create(w->inner, mf, &fault, &ft),
	    0);
	td = h_traced_thread(k, ft, PID_A, "a", 1, &p);
	assert_int_equal(h_sys(td, CODE, 0, 0), 0);
	assert_int_equal(ktrq_genio(td, 3, 0, "data", 4), EIO);
	assert_int_equal(logcap_count(&log, failmsg(EIO)), 1);
	assert_int_equal(ktrq_point(td, KTR_GENIO), 0);
	assert_int_equal(ktrq_genio(td, 3, 0, "data", 4), ENOENT);
	assert_int_equal(ktrq_proc_exit(p), 0);
	h_assert_quiet(k);
	st = h_stats(k);
	assert_true(st.posted == 2);
	assert_true(st.written == 1);
	assert_true(st.dropped_write_error == 1);
	assert_true(st.write_errors == 1);
	trace_of(mf, &tr);
	assert_int_equal(tr.n, 1);
	assert_int_equal(tr.r[0].type, KTR_SYSCALL);
	trace_free(&tr);
	assert_int_equal(ktrq_destroy(k), 0);
	ktrq_target_rele(ft);
	ktrq_target_rele(mf);
	logcap_fini(&log);
	wrap_destroy(w);
}

/*
 * A failure part-way through a record (fail_after_bytes inside the
 * second record): the policy runs once, the counters balance, and the
 * inner target holds the first record alone -- a record that does not
 * fit is rolled back whole, as IO_UNIT does, so the trace reads back.
 */
static void
t_fail_mid_record(void **state)
{
	struct ktrq_fault fault;
	struct ktrq_target *mf, *ft;
	struct ktrq_proc *p;
	struct ktrq_thread *td;
	struct ktrq_stats st;
	struct logcap log;
	struct trace tr;
	struct gate *g;
	struct wrap *w;
	struct ktrq *k;
	size_t len;
	int i;

	(void)state;
	w = wrap_create();
	logcap_init(&log);
	k = h_instance(&w->os, 8, 0, &log);
	assert_int_equal(ktrq_memtarget_create(w->inner, &mf), 0);
	memset(&fault, 0, sizeof(fault));
	fault.fail_after_bytes = KTRQ_REC_HDR_V1_SIZE + 24 + 10;
	fault.error = EFBIG;
	assert_int_equal(ktrq_faulttarget_create(w->inner, mf, &fault, &ft),
	    0);
	p = h_proc(k, PID_A, NULL, PID_A, "a", 1000);
	td = h_thread(p, 1);
	g = gate_create(w->inner, ft);
	h_trace(td, g->target, KTRFAC_ALL, PID_A);
	assert_int_equal(h_sys(td, CODE, 0, 0), 0);
	gate_wait_entered(g, 1);
	for (i = 1; i < 6; i++)
		assert_int_equal(h_sys(td, CODE, (uint64_t)i, 0), 0);
	gate_open(g);
	assert_int_equal(ktrq_proc_exit(p), 0);
	h_assert_quiet(k);
	st = h_stats(k);
	assert_true(st.write_errors == 1);
	assert_true(st.written == 1);
	assert_true(st.dropped_write_error == 1);
	assert_true(st.posted == 6);
	assert_true(st.dropped_cleared == 4);
	assert_int_equal(logcap_count(&log, failmsg(EFBIG)), 1);
	(void)ktrq_memtarget_data(mf, &len);
	assert_int_equal(len, KTRQ_REC_HDR_V1_SIZE + 24);
	trace_of(mf, &tr);
	assert_int_equal(tr.n, 1);
	trace_free(&tr);
	assert_int_equal(ktrq_destroy(k), 0);
	ktrq_target_rele(g->target);
	ktrq_target_rele(ft);
	ktrq_target_rele(mf);
	logcap_fini(&log);
	wrap_destroy(w);
}

/* ------------------------------------------------------------------ */

/* One of each record, some with large payloads, from one thread. */
static void
script(struct ktrq_thread *td)
{
	static const uint32_t mask[4] = { 0xf, 0, 0x80000000U, 7 };
	static const uint64_t args[3] = { 1, 0xdeadbeefULL, UINT64_MAX };
	uint8_t buf[300];
	size_t i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i ^ 0x5a);
	assert_int_equal(ktrq_syscall(td, 5, 3, args), 0);
	assert_int_equal(ktrq_sysret(td, 5, 0, 3), 0);
	assert_int_equal(ktrq_namei(td, "/usr/share/misc/termcap"), 0);
	assert_int_equal(ktrq_genio(td, 3, 0, buf, sizeof(buf)), 0);
	assert_int_equal(ktrq_genio(td, 3, 1, buf, 5), 0);
	assert_int_equal(ktrq_psig(td, 13, 1, 0, mask), 0);
	assert_int_equal(ktrq_csw(td, 1, 1), 0);
	assert_int_equal(ktrq_utrace(td, buf, 200), 0);
	assert_int_equal(ktrq_utrace(td, buf, 5), 0);
	assert_int_equal(ktrq_utrace(td, NULL, 0), 0);
}

/* Run the script into `t`; the bytes land in `mt`. */
static void
run_script(struct ktrq_target *t)
{
	struct ktrq_proc *p;
	struct ktrq_thread *td;
	struct wrap *w;
	struct ktrq *k;

	w = wrap_create();
	wrap_fix_clock(w, 1234567890123456789ULL);
	k = h_instance(&w->os, 16, 0, NULL);
	p = h_proc(k, 42, NULL, 42, "short", 1000);
	td = h_thread(p, 100042);
	h_trace(td, t, KTRFAC_ALL, 42);
	script(td);
	assert_int_equal(ktrq_proc_exit(p), 0);
	h_assert_quiet(k);
	assert_true(h_stats(k).written == 10);
	assert_int_equal(ktrq_destroy(k), 0);
	wrap_destroy(w);
}

static void
t_short_writes(void **state)
{
	struct ktrq_fault fault;
	struct ktrq_target *m1, *m2, *ft;
	struct ktrq_os *os;
	const uint8_t *b1, *b2;
	struct trace tr;
	size_t l1, l2;

	(void)state;
	assert_int_equal(ktrq_os_pth_create(&os), 0);
	assert_int_equal(ktrq_memtarget_create(os, &m1), 0);
	assert_int_equal(ktrq_memtarget_create(os, &m2), 0);
	memset(&fault, 0, sizeof(fault));
	fault.short_write = 7;
	assert_int_equal(ktrq_faulttarget_create(os, m2, &fault, &ft), 0);
	run_script(m1);
	run_script(ft);
	b1 = ktrq_memtarget_data(m1, &l1);
	b2 = ktrq_memtarget_data(m2, &l2);
	assert_true(l1 > 10 * KTRQ_REC_HDR_V1_SIZE);
	assert_int_equal(l1, l2);
	assert_memory_equal(b1, b2, l1);
	trace_of(m2, &tr);
	assert_int_equal(tr.n, 10);
	assert_true(tr.r[0].hdr.sec == 1234567890);
	assert_true(tr.r[0].hdr.nsec == 123456789);
	trace_free(&tr);
	ktrq_target_rele(ft);
	ktrq_target_rele(m2);
	ktrq_target_rele(m1);
	assert_int_equal(ktrq_os_pth_destroy(os), 0);
}

/*
 * Transient errors: a target that fails each record's first `nfail`
 * calls with EINTR, then EAGAIN alternately, and then accepts.  Up to
 * KTRQ_TARGET_RETRIES failures per record are retried and the record is
 * written whole; one more and the write-error policy runs.
 */
struct flaky {
	pthread_mutex_t	 lock;
	int		 nfail;		/* per record */
	int		 left;		/* failures left for this record */
	unsigned	 calls;
};

static int
flaky_write(void *arg, const struct ktrq_iov *iov, int iovcnt,
    const struct ktrq_cred *cred, size_t *donep)
{
	struct flaky *f = arg;
	int fail;

	pthread_mutex_lock(&f->lock);
	f->calls++;
	if ((fail = f->left > 0) != 0)
		f->left--;
	else
		f->left = f->nfail;	/* the next record fails again */
	pthread_mutex_unlock(&f->lock);
	if (fail)
		return ((f->calls & 1) ? EINTR : EAGAIN);
	return (null_write(arg, iov, iovcnt, cred, donep));
}

static void
run_flaky(int nfail, uint64_t *written, uint64_t *errors, unsigned *calls)
{
	static const struct ktrq_target_ops ops = { .write = flaky_write };
	struct ktrq_target *t;
	struct ktrq_proc *p;
	struct ktrq_thread *td;
	struct ktrq_stats st;
	struct logcap log;
	struct flaky f;
	struct wrap *w;
	struct ktrq *k;

	memset(&f, 0, sizeof(f));
	pthread_mutex_init(&f.lock, NULL);
	f.nfail = f.left = nfail;
	w = wrap_create();
	logcap_init(&log);
	k = h_instance(&w->os, 8, 0, &log);
	assert_int_equal(ktrq_target_create(w->inner, &ops, &f, &t), 0);
	p = h_proc(k, PID_A, NULL, PID_A, "a", 1000);
	td = h_thread(p, 1);
	h_trace(td, t, KTRFAC_ALL, PID_A);
	assert_int_equal(h_sys(td, CODE, 1, 0), 0);
	assert_int_equal(ktrq_proc_exit(p), 0);
	h_assert_quiet(k);
	st = h_stats(k);
	*written = st.written;
	*errors = st.write_errors;
	*calls = f.calls;
	assert_int_equal(ktrq_destroy(k), 0);
	ktrq_target_rele(t);
	logcap_fini(&log);
	wrap_destroy(w);
	pthread_mutex_destroy(&f.lock);
}

static void
t_transient_retried(void **state)
{
	uint64_t written, errors;
	unsigned calls;

	(void)state;
	run_flaky(1, &written, &errors, &calls);
	assert_true(written == 1 && errors == 0);
	assert_int_equal(calls, 2);
	run_flaky(KTRQ_TARGET_RETRIES, &written, &errors, &calls);
	assert_true(written == 1 && errors == 0);
	assert_int_equal(calls, KTRQ_TARGET_RETRIES + 1);
	run_flaky(KTRQ_TARGET_RETRIES + 1, &written, &errors, &calls);
	assert_true(written == 0 && errors == 1);
	assert_int_equal(calls, KTRQ_TARGET_RETRIES + 1);
}

/*
 * Every record of a gathered write gets its own retries: a target that
 * takes one piece (one record) per call and refuses each piece's first
 * KTRQ_TARGET_RETRIES - 1 calls with EINTR.  Two such records in one
 * write go through, as one alone does: the count starts again whenever
 * the target takes bytes.
 */
struct piecewise {
	int		 nfail;
	int		 left;		/* refusals left for this piece */
	unsigned	 calls;
};

static int
piecewise_write(void *arg, const struct ktrq_iov *iov, int iovcnt,
    const struct ktrq_cred *cred, size_t *donep)
{
	struct piecewise *pw = arg;

	(void)iovcnt;
	(void)cred;
	pw->calls++;
	if (pw->left > 0) {
		pw->left--;
		return (EINTR);
	}
	pw->left = pw->nfail;
	*donep = iov[0].len;
	return (0);
}

static void
t_transient_per_record(void **state)
{
	static const struct ktrq_target_ops ops = { .write = piecewise_write };
	static const struct ktrq_cred cred;
	struct piecewise pw = { KTRQ_TARGET_RETRIES - 1,
	    KTRQ_TARGET_RETRIES - 1, 0 };
	struct ktrq_iov iov[2] = { { "first", 5 }, { "second", 6 } };
	struct ktrq_target *t;
	struct ktrq_os *os;
	size_t done;

	(void)state;
	assert_int_equal(ktrq_os_pth_create(&os), 0);
	assert_int_equal(ktrq_target_create(os, &ops, &pw, &t), 0);
	assert_int_equal(ktrq_target_write_done(t, iov, 2, &cred, &done), 0);
	assert_int_equal(done, 11);
	assert_int_equal(pw.calls, 2 * KTRQ_TARGET_RETRIES);
	ktrq_target_rele(t);
	assert_int_equal(ktrq_os_pth_destroy(os), 0);
}

/*
 * A fault target in front of a target that stages records (one piece
 * per call) and loses the whole record when it fails at its last piece:
 * the record failed, so the write must fail, not go on with the tail as
 * if the first pieces had been kept (the tail would be a torn record).
 */
struct stager {
	size_t		 rec;		/* bytes of a record */
	size_t		 staged;
	int		 fail;		/* fail the next record's end */
};

static int
stager_write(void *arg, const struct ktrq_iov *iov, int iovcnt,
    const struct ktrq_cred *cred, size_t *donep)
{
	struct stager *sg = arg;

	(void)iovcnt;
	(void)cred;
	if (sg->staged + iov[0].len >= sg->rec && sg->fail) {
		sg->staged = 0;			/* the record is lost */
		return (EIO);
	}
	sg->staged = (sg->staged + iov[0].len) % sg->rec;
	*donep = iov[0].len;
	return (0);
}

static void
t_fault_inner_fails_mid_record(void **state)
{
	static const struct ktrq_target_ops ops = { .write = stager_write };
	static const struct ktrq_cred cred;
	struct stager sg = { 30, 0, 1 };
	struct ktrq_iov iov[3] = { { "0123456789", 10 }, { "abcdefghij", 10 },
	    { "ABCDEFGHIJ", 10 } };
	struct ktrq_target *t, *ft;
	struct ktrq_fault fault;
	struct ktrq_os *os;
	size_t done;

	(void)state;
	memset(&fault, 0, sizeof(fault));
	fault.delay_ns = 1;			/* any: a pass-through */
	assert_int_equal(ktrq_os_pth_create(&os), 0);
	assert_int_equal(ktrq_target_create(os, &ops, &sg, &t), 0);
	assert_int_equal(ktrq_faulttarget_create(os, t, &fault, &ft), 0);
	assert_int_equal(ktrq_target_write_done(ft, iov, 3, &cred, &done),
	    EIO);
	assert_true(done < 30);
	sg.fail = 0;				/* the next record goes */
	assert_int_equal(ktrq_target_write_done(ft, iov, 3, &cred, &done), 0);
	assert_int_equal(done, 30);
	ktrq_target_rele(ft);
	ktrq_target_rele(t);
	assert_int_equal(ktrq_os_pth_destroy(os), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_policy),
		cmocka_unit_test(t_genio_write_fails),
		cmocka_unit_test(t_fail_mid_record),
		cmocka_unit_test(t_short_writes),
		cmocka_unit_test(t_transient_retried),
		cmocka_unit_test(t_transient_per_record),
		cmocka_unit_test(t_fault_inner_fails_mid_record),
	};

	return (cmocka_run_group_tests_name("core_write_error", tests, NULL,
	    NULL));
}
