/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bad input: every public function of ktrq.h given NULL or an invalid
 * argument returns the documented errno (EINVAL, ENOTSUP for a layer of
 * another version, EEXIST, ENOMEM when the layer's allocator fails --
 * leaking nothing, which memcheck checks) and changes nothing: an event
 * point's EINVAL is not counted.  The limits are exact: utrace takes
 * 2048 bytes but not 2049, namei 1024 path bytes but not 1025, a syscall
 * 8 args but not 9.  ktrq_target_write retries short writes across
 * pieces and turns a target that makes no progress, or claims too much,
 * into EIO.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"

#define	PID	1000

struct fx {
	struct wrap		*w;
	struct ktrq		*k;
	struct ktrq_target	*mt;
	struct ktrq_proc	*p;
	struct ktrq_thread	*td;
	char			 path[32];	/* a file to remove */
};

static int
setup(void **state)
{
	struct fx *fx;

	fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	fx->w = wrap_create();
	fx->k = h_instance(&fx->w->os, 8, 0, NULL);
	assert_int_equal(ktrq_memtarget_create(fx->w->inner, &fx->mt), 0);
	fx->td = h_traced_thread(fx->k, fx->mt, PID, "bad", 1, &fx->p);
	*state = fx;
	return (0);
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	wrap_fail_allocs(fx->w, -1);
	assert_int_equal(ktrq_destroy(fx->k), 0);
	if (fx->path[0] != '\0')
		unlink(fx->path);
	ktrq_target_rele(fx->mt);
	wrap_destroy(fx->w);
	free(fx);
	return (0);
}

static void
t_create(void **state)
{
	static const int badpool[] = { -1, KTRQ_POOL_MAX + 1, INT32_MIN,
	    INT32_MAX };
	static const unsigned badflags[] = { 0x4, 0x100, 0x80000000U,
	    KTRQ_CF_GENIO_COPY | 0x4, KTRQ_CF_BACKPRESSURE | 0x8 };
	static const int badbatch[] = { -1, KTRQ_BATCH_MAX + 1, INT32_MIN,
	    INT32_MAX };
	static const size_t badinline[] = { 1, KTRQ_INLINE_MIN - 1,
	    KTRQ_INLINE_MAX + 1, (size_t)-1 };
	struct fx *fx = *state;
	struct ktrq_config cf;
	struct ktrq_os os;
	struct ktrq *k, *sentinel;
	size_t i;

	sentinel = (struct ktrq *)(uintptr_t)0x1;
	ktrq_config_init(NULL, &fx->w->os);		/* no crash */
	memset(&cf, 0xff, sizeof(cf));
	ktrq_config_init(&cf, &fx->w->os);
	assert_ptr_equal(cf.os, &fx->w->os);
	assert_int_equal(cf.pool_size, 0);
	assert_int_equal(cf.genio_size, 0);
	assert_int_equal(cf.flags, 0);
	assert_null(cf.log);
	assert_null(cf.log_arg);

	k = sentinel;
	assert_int_equal(ktrq_create(NULL, &k), EINVAL);
	assert_ptr_equal(k, sentinel);
	assert_int_equal(ktrq_create(&cf, NULL), EINVAL);
	cf.os = NULL;
	assert_int_equal(ktrq_create(&cf, &k), EINVAL);
	assert_ptr_equal(k, sentinel);

	/* A table of another version; a table with a member missing. */
	os = fx->w->os;
	os.version = KTRQ_OS_VERSION + 1;
	cf.os = &os;
	assert_int_equal(ktrq_os_check(&os), ENOTSUP);
	assert_int_equal(ktrq_create(&cf, &k), ENOTSUP);
	os.version = KTRQ_OS_VERSION - 1;
	assert_int_equal(ktrq_create(&cf, &k), ENOTSUP);
	os = fx->w->os;
	os.msleep = NULL;
	assert_int_equal(ktrq_os_check(&os), EINVAL);
	assert_int_equal(ktrq_create(&cf, &k), EINVAL);
	os = fx->w->os;
	os.tunable = NULL;
	assert_int_equal(ktrq_create(&cf, &k), EINVAL);
	os = fx->w->os;
	os.forked = NULL;
	assert_int_equal(ktrq_create(&cf, &k), EINVAL);
	assert_int_equal(ktrq_os_check(NULL), EINVAL);
	assert_int_equal(ktrq_os_check(&fx->w->os), 0);
	assert_ptr_equal(k, sentinel);

	ktrq_config_init(&cf, &fx->w->os);
	for (i = 0; i < sizeof(badpool) / sizeof(badpool[0]); i++) {
		cf.pool_size = badpool[i];
		assert_int_equal(ktrq_create(&cf, &k), EINVAL);
	}
	cf.pool_size = 2;
	for (i = 0; i < sizeof(badflags) / sizeof(badflags[0]); i++) {
		cf.flags = badflags[i];
		assert_int_equal(ktrq_create(&cf, &k), EINVAL);
	}
	cf.flags = 0;
	cf.genio_size = KTRQ_GENIO_SIZE_MAX + 1;
	assert_int_equal(ktrq_create(&cf, &k), EINVAL);
	cf.genio_size = (size_t)-1;
	assert_int_equal(ktrq_create(&cf, &k), EINVAL);
	assert_ptr_equal(k, sentinel);
	cf.genio_size = KTRQ_GENIO_SIZE_MAX;
	assert_int_equal(ktrq_create(&cf, &k), 0);
	assert_int_equal(ktrq_destroy(k), 0);

	k = sentinel;
	for (i = 0; i < sizeof(badbatch) / sizeof(badbatch[0]); i++) {
		cf.batch_max = badbatch[i];
		assert_int_equal(ktrq_create(&cf, &k), EINVAL);
	}
	cf.batch_max = 0;
	for (i = 0; i < sizeof(badinline) / sizeof(badinline[0]); i++) {
		cf.inline_size = badinline[i];
		assert_int_equal(ktrq_create(&cf, &k), EINVAL);
	}
	cf.inline_size = 0;
	/* A timeout for a mode that is off is a mistake. */
	cf.backpressure_ns = 1;
	assert_int_equal(ktrq_create(&cf, &k), EINVAL);
	assert_ptr_equal(k, sentinel);
	cf.flags = KTRQ_CF_BACKPRESSURE;
	cf.batch_max = KTRQ_BATCH_MAX;
	cf.inline_size = KTRQ_INLINE_MIN;
	assert_int_equal(ktrq_create(&cf, &k), 0);
	assert_int_equal(ktrq_destroy(k), 0);
	cf.batch_max = 1;
	cf.inline_size = KTRQ_INLINE_MAX;
	assert_int_equal(ktrq_create(&cf, &k), 0);
	assert_int_equal(ktrq_destroy(k), 0);

	assert_int_equal(ktrq_destroy(NULL), EINVAL);
}

/* Every allocation of create failing in turn: ENOMEM, no leak. */
static void
t_create_nomem(void **state)
{
	struct fx *fx = *state;
	struct ktrq_config cf;
	struct ktrq *k;
	long n;
	int e;

	ktrq_config_init(&cf, &fx->w->os);
	cf.pool_size = 5;
	for (n = 0;; n++) {
		assert_true(n < 100);
		wrap_fail_allocs(fx->w, n);
		k = NULL;
		e = ktrq_create(&cf, &k);
		wrap_fail_allocs(fx->w, -1);
		if (e == 0)
			break;
		assert_int_equal(e, ENOMEM);
		assert_null(k);
	}
	assert_true(n >= 6);		/* the instance and five requests */
	assert_int_equal(h_stats(k).pool_size, 5);
	assert_int_equal(ktrq_destroy(k), 0);
}

static void
t_stats_resize(void **state)
{
	struct fx *fx = *state;
	struct ktrq_stats st;
	int old;

	assert_int_equal(ktrq_stats(NULL, &st), EINVAL);
	assert_int_equal(ktrq_stats(fx->k, NULL), EINVAL);
	old = 77;
	assert_int_equal(ktrq_pool_resize(NULL, 4, &old), EINVAL);
	assert_int_equal(ktrq_pool_resize(fx->k, 0, &old), EINVAL);
	assert_int_equal(ktrq_pool_resize(fx->k, -1, &old), EINVAL);
	assert_int_equal(ktrq_pool_resize(fx->k, KTRQ_POOL_MAX + 1, &old),
	    EINVAL);
	assert_int_equal(h_stats(fx->k).pool_size, 8);
}

static void
t_procs(void **state)
{
	struct fx *fx = *state;
	struct ktrq_cred cr = h_cred(1000);
	struct ktrq_proc *p, *q, *sentinel;
	struct ktrq_thread *td;
	struct ktrq *k2;
	long n;
	int e;

	sentinel = (struct ktrq_proc *)(uintptr_t)0x1;
	p = sentinel;
	assert_int_equal(ktrq_proc_create(NULL, 5, NULL, 5, "x", &cr, &p),
	    EINVAL);
	assert_int_equal(ktrq_proc_create(fx->k, 0, NULL, 5, "x", &cr, &p),
	    EINVAL);
	assert_int_equal(ktrq_proc_create(fx->k, -5, NULL, 5, "x", &cr, &p),
	    EINVAL);
	assert_int_equal(ktrq_proc_create(fx->k, 5, NULL, 0, "x", &cr, &p),
	    EINVAL);
	assert_int_equal(ktrq_proc_create(fx->k, 5, NULL, -5, "x", &cr, &p),
	    EINVAL);
	assert_int_equal(ktrq_proc_create(fx->k, 5, NULL, 5, NULL, &cr, &p),
	    EINVAL);
	assert_int_equal(ktrq_proc_create(fx->k, 5, NULL, 5, "x", NULL, &p),
	    EINVAL);
	assert_int_equal(ktrq_proc_create(fx->k, 5, NULL, 5, "x", &cr, NULL),
	    EINVAL);
	assert_ptr_equal(p, sentinel);
	/* A parent from another instance. */
	k2 = h_instance(&fx->w->os, 1, 0, NULL);
	assert_int_equal(ktrq_proc_create(k2, 5, fx->p, 5, "x", &cr, &p),
	    EINVAL);
	assert_int_equal(ktrq_destroy(k2), 0);
	assert_int_equal(ktrq_proc_create(fx->k, PID, NULL, 5, "x", &cr, &p),
	    EEXIST);
	assert_ptr_equal(p, sentinel);

	assert_int_equal(ktrq_proc_fork(NULL, 6, &p), EINVAL);
	assert_int_equal(ktrq_proc_fork(fx->p, 0, &p), EINVAL);
	assert_int_equal(ktrq_proc_fork(fx->p, -6, &p), EINVAL);
	assert_int_equal(ktrq_proc_fork(fx->p, 6, NULL), EINVAL);
	assert_int_equal(ktrq_proc_fork(fx->p, PID, &p), EEXIST);
	assert_ptr_equal(p, sentinel);

	assert_int_equal(ktrq_proc_exit(NULL), EINVAL);
	assert_int_equal(ktrq_proc_exec(NULL, "x", 0), EINVAL);
	assert_int_equal(ktrq_proc_exec(fx->p, NULL, 0), EINVAL);
	assert_int_equal(ktrq_proc_pid(NULL), -1);
	assert_int_equal(ktrq_proc_pid(fx->p), PID);

	td = (struct ktrq_thread *)(uintptr_t)0x1;
	assert_int_equal(ktrq_thread_create(NULL, 1, &td), EINVAL);
	assert_int_equal(ktrq_thread_create(fx->p, 1, NULL), EINVAL);
	assert_ptr_equal(td, (struct ktrq_thread *)(uintptr_t)0x1);
	assert_int_equal(ktrq_thread_destroy(NULL), EINVAL);

	/* Out of memory: ENOMEM, nothing half-made. */
	wrap_fail_allocs(fx->w, 0);
	assert_int_equal(ktrq_proc_create(fx->k, 7, NULL, 7, "x", &cr, &p),
	    ENOMEM);
	assert_int_equal(ktrq_proc_fork(fx->p, 7, &p), ENOMEM);
	assert_int_equal(ktrq_thread_create(fx->p, 2, &td), ENOMEM);
	wrap_fail_allocs(fx->w, -1);
	assert_ptr_equal(p, sentinel);
	p = h_proc(fx->k, 7, NULL, 7, "x", 1000);	/* 7 still free */
	assert_int_equal(ktrq_proc_fork(p, 8, &q), 0);
	assert_int_equal(ktrq_proc_exit(q), 0);
	assert_int_equal(ktrq_proc_exit(p), 0);

	/* A thread destroyed before its process exits. */
	td = h_thread(fx->p, 3);
	assert_int_equal(ktrq_thread_destroy(td), 0);
	for (n = 0; n < 3; n++) {
		wrap_fail_allocs(fx->w, n);
		e = ktrq_thread_create(fx->p, 4, &td);
		wrap_fail_allocs(fx->w, -1);
		if (e == 0)
			break;
		assert_int_equal(e, ENOMEM);
	}
	assert_int_equal(ktrq_thread_destroy(td), 0);
}

/* A target accepting `step` bytes per call (0: none; -1: too many). */
struct stepper {
	long	step;
	int	error;
	uint8_t	buf[256];
	size_t	len;
	unsigned calls;
};

static int
step_write(void *arg, const struct ktrq_iov *iov, int iovcnt,
    const struct ktrq_cred *cred, size_t *donep)
{
	struct stepper *s = arg;
	size_t left, n, total;
	int i;

	(void)cred;
	s->calls++;
	if (s->error != 0)
		return (s->error);
	total = ktrq_iov_total(iov, iovcnt);
	if (s->step < 0) {
		*donep = total + 1;
		return (0);
	}
	left = (size_t)s->step;
	for (i = 0; i < iovcnt && left > 0; i++) {
		n = iov[i].len < left ? iov[i].len : left;
		memcpy(s->buf + s->len, iov[i].base, n);
		s->len += n;
		left -= n;
	}
	*donep = (size_t)s->step - left;
	return (0);
}

static const struct ktrq_target_ops step_ops = { step_write, NULL };

static void
t_targets(void **state)
{
	static const struct ktrq_target_ops nowrite = { NULL, NULL };
	struct fx *fx = *state;
	const struct ktrq_os *os = fx->w->inner;
	struct ktrq_iov iov[KTRQ_TARGET_IOVMAX + 1];
	struct ktrq_cred cr = h_cred(0);
	struct ktrq_target *t, *ft, *sentinel;
	struct ktrq_fault f;
	struct stepper s;
	size_t len;
	long n;
	int e, i;

	sentinel = (struct ktrq_target *)(uintptr_t)0x1;
	t = sentinel;
	assert_int_equal(ktrq_target_create(NULL, &step_ops, &s, &t), EINVAL);
	assert_int_equal(ktrq_target_create(os, NULL, &s, &t), EINVAL);
	assert_int_equal(ktrq_target_create(os, &nowrite, &s, &t), EINVAL);
	assert_int_equal(ktrq_target_create(os, &step_ops, &s, NULL), EINVAL);
	assert_int_equal(ktrq_memtarget_create(NULL, &t), EINVAL);
	assert_int_equal(ktrq_memtarget_create(os, NULL), EINVAL);
	memset(&f, 0, sizeof(f));
	assert_int_equal(ktrq_faulttarget_create(NULL, fx->mt, &f, &t),
	    EINVAL);
	assert_int_equal(ktrq_faulttarget_create(os, NULL, &f, &t), EINVAL);
	assert_int_equal(ktrq_faulttarget_create(os, fx->mt, NULL, &t),
	    EINVAL);
	assert_int_equal(ktrq_faulttarget_create(os, fx->mt, &f, NULL),
	    EINVAL);
	assert_int_equal(ktrq_filetarget_open(NULL, "/tmp/x", &t), EINVAL);
	assert_int_equal(ktrq_filetarget_open(os, NULL, &t), EINVAL);
	assert_int_equal(ktrq_filetarget_open(os, "/tmp/x", NULL), EINVAL);
	assert_int_equal(ktrq_filetarget_open(os,
	    "/nonexistent-ktrq-dir/ktrace.out", &t), ENOENT);
	assert_ptr_equal(t, sentinel);
	ktrq_target_hold(NULL);				/* no-ops */
	ktrq_target_rele(NULL);

	/* memtarget_data on things that are not memtargets. */
	len = 99;
	assert_null(ktrq_memtarget_data(NULL, &len));
	assert_int_equal(len, 0);
	assert_null(ktrq_memtarget_data(NULL, NULL));
	memset(&s, 0, sizeof(s));
	assert_int_equal(ktrq_target_create(os, &step_ops, &s, &t), 0);
	len = 99;
	assert_null(ktrq_memtarget_data(t, &len));
	assert_int_equal(len, 0);

	/* ktrq_target_write: arguments. */
	for (i = 0; i <= KTRQ_TARGET_IOVMAX; i++) {
		iov[i].base = "abcdefgh";
		iov[i].len = 1;
	}
	assert_int_equal(ktrq_target_write(NULL, iov, 1, &cr), EINVAL);
	assert_int_equal(ktrq_target_write(t, iov, -1, &cr), EINVAL);
	assert_int_equal(ktrq_target_write(t, iov, KTRQ_TARGET_IOVMAX + 1,
	    &cr), EINVAL);
	assert_int_equal(ktrq_target_write(t, NULL, 1, &cr), EINVAL);
	assert_int_equal(ktrq_target_write(t, iov, 1, NULL), EINVAL);
	assert_int_equal(s.calls, 0);
	assert_int_equal(ktrq_target_write(t, iov, 0, &cr), 0);
	assert_int_equal(ktrq_target_write(t, NULL, 0, &cr), 0);

	/* Short writes are retried across pieces, empty pieces skipped. */
	iov[0].base = "hea";
	iov[0].len = 3;
	iov[1].base = "";
	iov[1].len = 0;
	iov[2].base = "der-";
	iov[2].len = 4;
	iov[3].base = "payload";
	iov[3].len = 7;
	s.step = 2;
	assert_int_equal(ktrq_target_write(t, iov, 4, &cr), 0);
	assert_int_equal(s.len, 14);
	assert_memory_equal(s.buf, "header-payload", 14);
	assert_int_equal(s.calls, 7);
	s.step = 1;
	s.len = 0;
	assert_int_equal(ktrq_target_write(t, iov, KTRQ_TARGET_IOVMAX, &cr),
	    0);
	/* No progress, or more than given: EIO.  Its own errno: passed. */
	s.step = 0;
	assert_int_equal(ktrq_target_write(t, iov, 4, &cr), EIO);
	s.step = -1;
	assert_int_equal(ktrq_target_write(t, iov, 4, &cr), EIO);
	s.error = EROFS;
	assert_int_equal(ktrq_target_write(t, iov, 4, &cr), EROFS);
	ktrq_target_rele(t);

	/* Out of memory making targets: ENOMEM, nothing leaked. */
	for (n = 0;; n++) {
		assert_true(n < 10);
		wrap_fail_allocs(fx->w, n);
		e = ktrq_memtarget_create(&fx->w->os, &t);
		wrap_fail_allocs(fx->w, -1);
		if (e == 0)
			break;
		assert_int_equal(e, ENOMEM);
	}
	assert_true(n >= 2);
	for (n = 0;; n++) {
		assert_true(n < 10);
		wrap_fail_allocs(fx->w, n);
		e = ktrq_faulttarget_create(&fx->w->os, t, &f, &ft);
		wrap_fail_allocs(fx->w, -1);
		if (e == 0)
			break;
		assert_int_equal(e, ENOMEM);
	}
	assert_true(n >= 2);
	ktrq_target_rele(ft);
	ktrq_target_rele(t);
	wrap_fail_allocs(fx->w, 0);
	assert_int_equal(ktrq_target_create(&fx->w->os, &step_ops, &s, &t),
	    ENOMEM);
	wrap_fail_allocs(fx->w, -1);
}

/* A file target really appends records (host code, a smoke test). */
static void
t_filetarget(void **state)
{
	struct fx *fx = *state;
	struct ktrq_target *ft;
	struct trace tr;
	uint8_t buf[4096];
	ssize_t n;
	FILE *fp;
	int fd;

	strcpy(fx->path, "/tmp/ktrq-core-XXXXXX");
	assert_true((fd = mkstemp(fx->path)) >= 0);
	close(fd);
	assert_int_equal(ktrq_filetarget_open(fx->w->inner, fx->path, &ft),
	    0);
	h_trace(fx->td, ft, KTRFAC_ALL, PID);
	ktrq_target_rele(ft);		/* the process holds it now */
	assert_int_equal(h_sys(fx->td, 1, 2, 3), 0);
	assert_int_equal(ktrq_genio(fx->td, 1, 1, "file", 4), 0);
	assert_int_equal(ktrq_proc_exit(fx->p), 0);	/* closes it */
	fx->p = NULL;
	assert_non_null(fp = fopen(fx->path, "rb"));
	n = (ssize_t)fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	assert_int_equal(trace_parse(buf, (size_t)n, &tr), 0);
	assert_int_equal(tr.n, 2);
	assert_int_equal(tr.r[0].type, KTR_SYSCALL);
	assert_int_equal(tr.r[1].type, KTR_GENIO);
	assert_memory_equal(tr.r[1].data, "file", 4);
	trace_free(&tr);
}

static void
t_events(void **state)
{
	static char path[KTRQ_REC_USER_MAX + 2];
	static uint8_t big[KTRQ_REC_USER_MAX + 1];
	struct fx *fx = *state;
	uint64_t args[KTRQ_REC_MAXARGS + 1];
	struct ktrq_stats st;
	struct trace tr;
	unsigned good;

	memset(args, 0, sizeof(args));
	memset(path, 'p', sizeof(path) - 1);
	assert_int_equal(ktrq_point(NULL, KTR_SYSCALL), 0);

	assert_int_equal(ktrq_syscall(NULL, 1, 0, NULL), EINVAL);
	assert_int_equal(ktrq_syscall(fx->td, 1, -1, args), EINVAL);
	assert_int_equal(ktrq_syscall(fx->td, 1, KTRQ_REC_MAXARGS + 1,
	    args), EINVAL);
	assert_int_equal(ktrq_syscall(fx->td, 1, 1, NULL), EINVAL);
	assert_int_equal(ktrq_syscall(fx->td, INT16_MAX + 1, 0, NULL),
	    EINVAL);
	assert_int_equal(ktrq_syscall(fx->td, INT16_MIN - 1, 0, NULL),
	    EINVAL);
	assert_int_equal(ktrq_sysret(NULL, 1, 0, 0), EINVAL);
	assert_int_equal(ktrq_sysret(fx->td, INT16_MAX + 1, 0, 0), EINVAL);
	assert_int_equal(ktrq_sysret(fx->td, INT16_MIN - 1, 0, 0), EINVAL);
	assert_int_equal(ktrq_namei(NULL, "/"), EINVAL);
	assert_int_equal(ktrq_namei(fx->td, NULL), EINVAL);
	path[1025] = '\0';			/* 1025 bytes */
	assert_int_equal(ktrq_namei(fx->td, path), EINVAL);
	path[1025] = 'p';
	assert_int_equal(ktrq_namei(fx->td, path), EINVAL);	/* 2049 */
	assert_int_equal(ktrq_genio(NULL, 0, 0, "x", 1), EINVAL);
	assert_int_equal(ktrq_genio(fx->td, 0, 2, "x", 1), EINVAL);
	assert_int_equal(ktrq_genio(fx->td, 0, -1, "x", 1), EINVAL);
	assert_int_equal(ktrq_genio(fx->td, 0, 0, NULL, 1), EINVAL);
	assert_int_equal(ktrq_psig(NULL, 1, 0, 0, NULL), EINVAL);
	assert_int_equal(ktrq_psig(fx->td, 0, 0, 0, NULL), EINVAL);
	assert_int_equal(ktrq_psig(fx->td, -1, 0, 0, NULL), EINVAL);
	assert_int_equal(ktrq_csw(NULL, 0, 0), EINVAL);
	assert_int_equal(ktrq_utrace(NULL, "x", 1), EINVAL);
	assert_int_equal(ktrq_utrace(fx->td, NULL, 1), EINVAL);
	assert_int_equal(ktrq_utrace(fx->td, big, sizeof(big)), EINVAL);
	assert_int_equal(ktrq_utrace(fx->td, big, SIZE_MAX), EINVAL);
	st = h_stats(fx->k);
	assert_true(st.posted == 0);

	/* The limits themselves are fine. */
	good = 0;
	assert_int_equal(ktrq_syscall(fx->td, INT16_MAX, KTRQ_REC_MAXARGS,
	    args), 0);
	good++;
	assert_int_equal(ktrq_syscall(fx->td, INT16_MIN, 0, NULL), 0);
	good++;
	assert_int_equal(ktrq_sysret(fx->td, INT16_MIN, 0, 0), 0);
	good++;
	path[1024] = '\0';
	assert_int_equal(ktrq_namei(fx->td, path), 0);
	good++;
	assert_int_equal(ktrq_namei(fx->td, ""), 0);
	good++;
	assert_int_equal(ktrq_genio(fx->td, 0, 0, NULL, 0), 0);
	good++;
	assert_int_equal(ktrq_psig(fx->td, 1, 0, 0, NULL), 0);
	good++;
	assert_int_equal(ktrq_utrace(fx->td, big, KTRQ_REC_USER_MAX), 0);
	good++;
	assert_int_equal(ktrq_utrace(fx->td, NULL, 0), 0);
	good++;
	assert_int_equal(ktrq_proc_exit(fx->p), 0);
	fx->p = NULL;
	st = h_stats(fx->k);
	assert_true(st.posted == good);
	assert_true(st.written == good);
	trace_of(fx->mt, &tr);
	assert_int_equal(tr.n, good);
	assert_int_equal(tr.r[0].u.syscall.narg, KTRQ_REC_MAXARGS);
	assert_int_equal(tr.r[3].datalen, 1024);
	assert_int_equal(tr.r[4].datalen, 0);
	assert_int_equal(tr.r[7].datalen, KTRQ_REC_USER_MAX);
	assert_int_equal(tr.r[8].datalen, 0);
	trace_free(&tr);
}

#define	T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(t_create),
		T(t_create_nomem),
		T(t_stats_resize),
		T(t_procs),
		T(t_targets),
		T(t_filetarget),
		T(t_events),
	};

	return (cmocka_run_group_tests_name("core_bad_input", tests, NULL,
	    NULL));
}
