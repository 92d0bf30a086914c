/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The bad-input actor: bad calls to every public function of libktrq
 * -- NULL pointers, values out of range, pids and groups that are not
 * there, callers that may not, objects in the wrong state -- each
 * checked for the error the headers document, on the run's instance
 * while its posters post, so that no refused call may disturb them (the
 * oracle judges the posts as always).  Its own process and thread are
 * made on the instance directly, untraced, and never post an event that
 * passes KTRPOINT, so the oracle's accounting never sees them (the
 * process is left for ktrq_destroy to exit).  Between rounds it pauses
 * long enough (virtual time) for the worker's batch wait to expire and
 * the worker to go idle, then posts through the harness, so those posts
 * must wake it.  It also makes bad layers, configurations and tunables
 * at create (below), a forked child (badchild.c) and bad records
 * (badrecords.c).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "ktrq/harness.h"
#include "ktrq/ktrq.h"
#include "ktrq/sim.h"
#include "actors.h"
#include "layer.h"

#define	PID_BAD		90	/* the actor's own process */
#define	PID_NONE	99999	/* no process has it, no group */
#define	PAUSE_NS	(4 * KTRQ_WAKE_DELAY_NS)

struct bad {
	const struct ktrq_os	*os;
	struct ktrq_harness	*h;
	struct ktrq		*k;
	struct ktrq_proc	*me;	/* untraced, uid 1000, made here */
	struct ktrq_thread	*td;	/* of me */
	struct ktrq_thread	*poster; /* a harness thread, for posts */
	int			 busy;	/* a pid in use: a harness process */
};

static const struct ktrq_cred user = { 1000, 1000, 1000, 1000, 1000, 1000 };
/* The actor's own: no other process has its uid. */
static const struct ktrq_cred stranger = { 2000, 2000, 2000, 2000, 2000,
    2000 };

#define	WANT(b, call, want)	scn_want((b)->os, (call), (want), #call)
#define	WANT_MEM(b, call, want)	scn_want_mem((b)->os, (call), (want), #call)

/* ---- instances ---- */

static void
bad_instance(struct bad *b)
{
	struct ktrq_config cf;
	struct ktrq_stats st;
	struct ktrq *k2 = NULL;
	const char *v;
	int old = -7;

	v = ktrq_version();
	if (v == NULL || v[0] < '0' || v[0] > '9')
		ktrq_sim_fail(b->os, "scenario: ktrq_version() is not a "
		    "version");
	ktrq_config_init(NULL, b->os);		/* documented: no effect */
	ktrq_config_init(&cf, b->os);
	WANT(b, ktrq_create(NULL, &k2), EINVAL);
	WANT(b, ktrq_create(&cf, NULL), EINVAL);
	WANT(b, ktrq_destroy(NULL), EINVAL);
	WANT(b, ktrq_stats(NULL, &st), EINVAL);
	WANT(b, ktrq_stats(b->k, NULL), EINVAL);
	WANT(b, ktrq_pool_resize(NULL, 2, &old), EINVAL);
	WANT(b, ktrq_pool_resize(b->k, 0, &old), EINVAL);
	WANT(b, ktrq_pool_resize(b->k, -3, &old), EINVAL);
	WANT(b, ktrq_pool_resize(b->k, KTRQ_POOL_MAX + 1, &old), EINVAL);
	WANT(b, ktrq_os_check(NULL), EINVAL);
	WANT(b, ktrq_os_check(b->os), 0);
	if (old != -7 || k2 != NULL)
		ktrq_sim_fail(b->os, "scenario: a refused call wrote its "
		    "output");
}

/* ---- processes and threads ---- */

static void
bad_proc_create(struct bad *b)
{
	struct ktrq_proc *p = NULL;

	WANT(b, ktrq_proc_create(NULL, 91, NULL, 91, "x", &user, &p), EINVAL);
	WANT(b, ktrq_proc_create(b->k, 0, NULL, 91, "x", &user, &p), EINVAL);
	WANT(b, ktrq_proc_create(b->k, -1, NULL, 91, "x", &user, &p), EINVAL);
	WANT(b, ktrq_proc_create(b->k, 91, NULL, 0, "x", &user, &p), EINVAL);
	WANT(b, ktrq_proc_create(b->k, 91, NULL, 91, NULL, &user, &p), EINVAL);
	WANT(b, ktrq_proc_create(b->k, 91, NULL, 91, "x", NULL, &p), EINVAL);
	WANT(b, ktrq_proc_create(b->k, 91, NULL, 91, "x", &user, NULL),
	    EINVAL);
	WANT_MEM(b, ktrq_proc_create(b->k, b->busy, NULL, 91, "x", &user, &p),
	    EEXIST);
	if (p != NULL)
		ktrq_sim_fail(b->os, "scenario: a refused proc_create made "
		    "one");
}

static void
bad_proc_calls(struct bad *b)
{
	static const uint32_t groups[KTRQ_NGROUPS + 1];
	struct ktrq_proc *c = NULL;

	WANT(b, ktrq_proc_setgroups(NULL, 0, NULL), EINVAL);
	WANT(b, ktrq_proc_setgroups(b->me, -1, groups), EINVAL);
	WANT(b, ktrq_proc_setgroups(b->me, KTRQ_NGROUPS + 1, groups), EINVAL);
	WANT(b, ktrq_proc_setgroups(b->me, 2, NULL), EINVAL);
	WANT(b, ktrq_proc_setgroups(b->me, 0, NULL), 0);
	WANT(b, ktrq_proc_setgroups(b->me, KTRQ_NGROUPS, groups), 0);
	WANT(b, ktrq_proc_fork(NULL, 92, &c), EINVAL);
	WANT(b, ktrq_proc_fork(b->me, 0, &c), EINVAL);
	WANT(b, ktrq_proc_fork(b->me, -5, &c), EINVAL);
	WANT(b, ktrq_proc_fork(b->me, 92, NULL), EINVAL);
	WANT_MEM(b, ktrq_proc_fork(b->me, b->busy, &c), EEXIST);
	WANT(b, ktrq_proc_exit(NULL), EINVAL);
	WANT(b, ktrq_proc_exec(NULL, "x", 0), EINVAL);
	WANT(b, ktrq_proc_exec(b->me, NULL, 0), EINVAL);
	WANT(b, ktrq_proc_pid(NULL), -1);
	if (c != NULL)
		ktrq_sim_fail(b->os, "scenario: a refused fork made a child");
}

static void
bad_threads(struct bad *b)
{
	struct ktrq_thread *td = NULL;
	int error;

	WANT(b, ktrq_thread_create(NULL, 1, &td), EINVAL);
	WANT(b, ktrq_thread_create(b->me, 1, NULL), EINVAL);
	WANT(b, ktrq_thread_destroy(NULL), EINVAL);
	if (td != NULL)
		ktrq_sim_fail(b->os, "scenario: a refused thread_create made "
		    "one");
	/* A thread that comes and goes. */
	error = ktrq_thread_create(b->me, 77, &td);
	scn_want_mem(b->os, error, 0, "ktrq_thread_create");
	if (error == 0)
		WANT(b, ktrq_thread_destroy(td), 0);
}

/* ---- targets ---- */

static int
refuse_write(void *arg, const struct ktrq_iov *iov, int iovcnt,
    const struct ktrq_cred *cred, size_t *donep)
{

	(void)arg;
	(void)iov;
	(void)iovcnt;
	(void)cred;
	(void)donep;
	return (EIO);
}

static void
bad_target_create(struct bad *b, struct ktrq_target *mt)
{
	static const struct ktrq_target_ops noops = { NULL, NULL };
	static const struct ktrq_target_ops okops = { refuse_write, NULL };
	struct ktrq_fault f;
	struct ktrq_target *t = NULL;

	memset(&f, 0, sizeof(f));
	WANT(b, ktrq_target_create(NULL, &okops, NULL, &t), EINVAL);
	WANT(b, ktrq_target_create(b->os, NULL, NULL, &t), EINVAL);
	WANT(b, ktrq_target_create(b->os, &noops, NULL, &t), EINVAL);
	WANT(b, ktrq_target_create(b->os, &okops, NULL, NULL), EINVAL);
	WANT(b, ktrq_memtarget_create(NULL, &t), EINVAL);
	WANT(b, ktrq_memtarget_create(b->os, NULL), EINVAL);
	WANT(b, ktrq_faulttarget_create(NULL, mt, &f, &t), EINVAL);
	WANT(b, ktrq_faulttarget_create(b->os, NULL, &f, &t), EINVAL);
	WANT(b, ktrq_faulttarget_create(b->os, mt, NULL, &t), EINVAL);
	WANT(b, ktrq_faulttarget_create(b->os, mt, &f, NULL), EINVAL);
	if (t != NULL)
		ktrq_sim_fail(b->os, "scenario: a refused create made a "
		    "target");
	ktrq_target_hold(NULL);			/* documented: no-ops */
	ktrq_target_rele(NULL);
	/* No release hook: the last reference frees the target alone. */
	if (ktrq_target_create(b->os, &okops, NULL, &t) == 0)
		ktrq_target_rele(t);
}

/* ---- targets that misbehave: the writer above must not trust them ---- */

enum liar { L_STALL, L_OVERCLAIM, L_TRANSIENT, L_TAKE_THEN_TRANSIENT };

struct liar_target {
	enum liar	 how;
	unsigned	 calls;
};

static int
liar_write(void *arg, const struct ktrq_iov *iov, int iovcnt,
    const struct ktrq_cred *cred, size_t *donep)
{
	struct liar_target *lt = arg;
	unsigned n = lt->calls++;

	(void)cred;
	switch (lt->how) {
	case L_STALL:				/* "success", no progress */
		*donep = 0;
		return (0);
	case L_OVERCLAIM:			/* more than it was given */
		*donep = ktrq_iov_total(iov, iovcnt) + 1;
		return (0);
	case L_TAKE_THEN_TRANSIENT:		/* one piece, then no more */
		if (n == 0) {
			*donep = iov[0].len;
			return (0);
		}
		/* FALLTHROUGH */
	default:
		/*
		 * The same errno for a writer's whole round of retries, the
		 * other one for the next round.
		 */
		return ((n / (KTRQ_TARGET_RETRIES + 1)) % 2 != 0 ? EINTR :
		    EAGAIN);
	}
}

static int
liar_put(struct bad *b, enum liar how, int behind_fault)
{
	static const struct ktrq_target_ops ops = { liar_write, NULL };
	uint8_t rec[KTRQ_REC_HDR_V1_SIZE + 8];
	struct ktrq_rec_hdr h;
	struct liar_target lt = { how, 0 };
	struct ktrq_target *t, *ft;
	struct ktrq_fault f;
	struct ktrq_iov iov[2];
	int error;

	memset(&h, 0, sizeof(h));
	h.len = 8;
	h.type = KTR_CSW;
	ktrq_rec_hdr_encode(rec, &h);
	memset(rec + KTRQ_REC_HDR_V1_SIZE, 0, 8);
	iov[0].base = rec;
	iov[0].len = KTRQ_REC_HDR_V1_SIZE;
	iov[1].base = rec + KTRQ_REC_HDR_V1_SIZE;
	iov[1].len = 8;
	if ((error = ktrq_target_create(b->os, &ops, &lt, &t)) != 0)
		return (error);
	memset(&f, 0, sizeof(f));
	f.fail_after_records = 100;
	if (behind_fault &&
	    (error = ktrq_faulttarget_create(b->os, t, &f, &ft)) != 0) {
		ktrq_target_rele(t);
		return (error);
	}
	error = ktrq_target_write(behind_fault ? ft : t, iov, 2, &user);
	if (behind_fault)
		ktrq_target_rele(ft);
	ktrq_target_rele(t);
	return (error);
}

static void
bad_liars(struct bad *b)
{
	int error, fault;

	for (fault = 0; fault <= 1; fault++) {
		WANT_MEM(b, liar_put(b, L_STALL, fault), EIO);
		WANT_MEM(b, liar_put(b, L_OVERCLAIM, fault), EIO);
		/* Retried (virtual time passes), then the write's errno. */
		error = liar_put(b, fault ? L_TAKE_THEN_TRANSIENT : L_TRANSIENT,
		    fault);
		if (error != EINTR && error != EAGAIN && error != ENOMEM)
			ktrq_sim_fail(b->os, "scenario: a target refusing for "
			    "good with transient errnos gave %d", error);
	}
}

/*
 * Bytes that are not ktrace records, through a fault target counting
 * records: a call shorter than a header, a length no record has, a
 * header whose record goes past the call.  It passes them on whole.
 */
static void
raw_through_fault(struct bad *b, struct ktrq_target *mt)
{
	uint8_t raw[KTRQ_REC_HDR_V1_SIZE + 10];
	struct ktrq_target *ft;
	struct ktrq_fault f;
	struct ktrq_iov iov;
	size_t before, after;

	memset(&f, 0, sizeof(f));
	f.fail_after_records = 1000;
	if (ktrq_faulttarget_create(b->os, mt, &f, &ft) != 0)
		return;
	(void)ktrq_memtarget_data(mt, &before);
	iov.base = raw;
	memset(raw, 0xff, sizeof(raw));		/* length 2^32 - 1 */
	iov.len = 3;
	WANT_MEM(b, ktrq_target_write(ft, &iov, 1, &user), 0);
	iov.len = sizeof(raw);
	WANT_MEM(b, ktrq_target_write(ft, &iov, 1, &user), 0);
	memset(raw, 0, 4);
	raw[1] = 4;				/* 1024 bytes: past the call */
	WANT_MEM(b, ktrq_target_write(ft, &iov, 1, &user), 0);
	(void)ktrq_memtarget_data(mt, &after);
	if (after > before + 3 + 2 * sizeof(raw))
		ktrq_sim_fail(b->os, "scenario: a fault target wrote %zu bytes "
		    "of %zu", after - before, 3 + 2 * sizeof(raw));
	ktrq_target_rele(ft);
}

static void
bad_target_write(struct bad *b, struct ktrq_target *mt)
{
	static const uint8_t bytes[4] = { 'a', 'b', 'c', 'd' };
	struct ktrq_iov iov[3];
	const uint8_t *data;
	size_t done = 99, len;

	iov[0].base = bytes;
	iov[0].len = 2;
	iov[1].base = bytes;		/* an empty piece is no piece */
	iov[1].len = 0;
	iov[2].base = bytes + 2;
	iov[2].len = 2;
	WANT(b, (int)ktrq_iov_total(NULL, 0), 0);
	WANT(b, (int)ktrq_iov_total(iov, -1), 0);
	WANT(b, (int)ktrq_iov_total(iov, 3), 4);
	WANT(b, ktrq_target_write_done(NULL, iov, 1, &user, &done), EINVAL);
	WANT(b, (int)done, 0);
	WANT(b, ktrq_target_write(mt, iov, -1, &user), EINVAL);
	WANT(b, ktrq_target_write(mt, iov, KTRQ_TARGET_IOVMAX + 1, &user),
	    EINVAL);
	WANT(b, ktrq_target_write(mt, NULL, 1, &user), EINVAL);
	WANT(b, ktrq_target_write(mt, iov, 1, NULL), EINVAL);
	WANT(b, ktrq_target_write_done(mt, iov, -1, &user, NULL), EINVAL);
	WANT(b, ktrq_target_write(mt, iov, 0, &user), 0);
	WANT(b, ktrq_target_write(mt, NULL, 0, &user), 0);
	WANT_MEM(b, ktrq_target_write_done(mt, iov, 3, &user, NULL), 0);
	data = ktrq_memtarget_data(mt, &len);
	if (ktrq_memtarget_data(mt, NULL) != data ||
	    (len != 0 && (len != 4 || memcmp(data, bytes, 4) != 0)))
		ktrq_sim_fail(b->os, "scenario: memtarget holds %zu bytes, not "
		    "the 4 written", len);
	len = 5;
	if (ktrq_memtarget_data(NULL, &len) != NULL || len != 0 ||
	    ktrq_memtarget_data(NULL, NULL) != NULL)
		ktrq_sim_fail(b->os, "scenario: memtarget_data(NULL) answered");
	len = 5;
	if (ktrq_memtarget_data(ktrq_harness_target(b->h, 0), &len) != NULL ||
	    len != 0 ||
	    ktrq_memtarget_data(ktrq_harness_target(b->h, 0), NULL) != NULL)
		ktrq_sim_fail(b->os, "scenario: a sim target read as memory");
}

static void
bad_targets(struct bad *b)
{
	struct ktrq_target *mt;
	int error;

	error = ktrq_memtarget_create(b->os, &mt);
	scn_want_mem(b->os, error, 0, "ktrq_memtarget_create");
	if (error != 0)
		return;
	bad_target_create(b, mt);
	bad_target_write(b, mt);
	raw_through_fault(b, mt);
	ktrq_target_rele(mt);
	bad_liars(b);
}

/* ---- ktrace(2) ---- */

static void
bad_ktrace_args(struct bad *b)
{
	struct ktrq_thread *ctl = ktrq_harness_controller(b->h);
	struct ktrq_target *t = ktrq_harness_target(b->h, 0);
	int busy = b->busy;

	WANT(b, ktrq_ktrace(NULL, t, KTROP_SET, KTRFAC_ALL, busy), EINVAL);
	WANT(b, ktrq_ktrace(ctl, t, KTROP_SET, KTRFAC_ALL, 0), EINVAL);
	WANT(b, ktrq_ktrace(ctl, t, KTROP_SET, KTRFAC_ALL, INT32_MIN), EINVAL);
	WANT(b, ktrq_ktrace(ctl, t, KTROP_SET | 8, KTRFAC_ALL, busy), EINVAL);
	WANT(b, ktrq_ktrace(ctl, t, 3, KTRFAC_ALL, busy), EINVAL);
	WANT(b, ktrq_ktrace(ctl, t, KTROP_SET, 1 << 10, busy), EINVAL);
	WANT(b, ktrq_ktrace(ctl, t, KTROP_SET, 0, busy), EINVAL);
	WANT(b, ktrq_ktrace(ctl, NULL, KTROP_CLEAR, KTRFAC_INHERIT, busy),
	    EINVAL);
	WANT(b, ktrq_ktrace(ctl, NULL, KTROP_SET, KTRFAC_ALL, busy), EINVAL);
	WANT(b, ktrq_ktrace(ctl, NULL, KTROP_CLEARFILE, 0, 0), EINVAL);
	WANT(b, ktrq_ktrace(ctl, t, KTROP_SET, KTRFAC_ALL, PID_NONE), ESRCH);
	WANT(b, ktrq_ktrace(ctl, NULL, KTROP_CLEAR, KTRFAC_ALL, -PID_NONE),
	    ESRCH);
}

/*
 * A user may change no other user's process, nor root's: nothing
 * changes.  A CLEARFILE is refused when some process traces to the file
 * (all do, unless a write error detached them).
 */
static void
bad_ktrace_perm(struct bad *b)
{
	struct ktrq_target *t = ktrq_harness_target(b->h, 0);
	struct ktrq_stats after;
	int error;

	WANT(b, ktrq_ktrace(b->td, t, KTROP_SET, KTRFAC_ALL, 1), EPERM);
	WANT(b, ktrq_ktrace(b->td, t, KTROP_SET, KTRFAC_ALL, b->busy), EPERM);
	WANT(b, ktrq_ktrace(b->td, NULL, KTROP_CLEAR, KTRFAC_ALL, b->busy),
	    EPERM);
	error = ktrq_ktrace(b->td, t, KTROP_CLEARFILE, 0, 0);
	WANT(b, ktrq_stats(b->k, &after), 0);
	if (error != EPERM && (error != 0 || after.write_errors == 0))
		ktrq_sim_fail(b->os, "scenario: a stranger's CLEARFILE "
		    "returned %d (%llu write errors)", error,
		    (unsigned long long)after.write_errors);
}

/*
 * The caller traces itself to a file of its own (no KTRFAC_ROOT, even
 * when asked for), so a set-id exec then detaches it.  It posts nothing
 * meanwhile: that file is not the harness's.
 */
static void
self_trace(struct bad *b)
{
	struct ktrq_target *mt;
	int error;

	error = ktrq_memtarget_create(b->os, &mt);
	scn_want_mem(b->os, error, 0, "ktrq_memtarget_create");
	if (error != 0)
		return;
	error = ktrq_ktrace(b->td, mt, KTROP_SET,
	    (int)(KTRFAC_SYSCALL | KTRFAC_ROOT), PID_BAD);
	ktrq_target_rele(mt);			/* the process holds it */
	WANT(b, error, 0);
	WANT(b, ktrq_point(b->td, KTR_SYSCALL), 1);
	WANT(b, ktrq_point(b->td, KTR_SYSRET), 0);
	WANT(b, ktrq_proc_exec(b->me, "setid", 1), 0);
	WANT(b, ktrq_point(b->td, KTR_SYSCALL), 0);
	WANT(b, ktrq_proc_exec(b->me, "plain", 0), 0);
}

/* ---- event points ---- */

static void
bad_events(struct bad *b)
{
	static const uint64_t args[KTRQ_REC_MAXARGS + 1];
	static char longpath[1100];
	uint8_t buf[KTRQ_REC_USER_MAX + 1];
	struct ktrq_thread *td = b->td;

	memset(longpath, 'p', sizeof(longpath) - 1);
	memset(buf, 'b', sizeof(buf));
	WANT(b, ktrq_syscall(NULL, 1, 0, NULL), EINVAL);
	WANT(b, ktrq_syscall(td, 1, -1, args), EINVAL);
	WANT(b, ktrq_syscall(td, 1, KTRQ_REC_MAXARGS + 1, args), EINVAL);
	WANT(b, ktrq_syscall(td, 1, 1, NULL), EINVAL);
	WANT(b, ktrq_syscall(td, INT16_MAX + 1, 0, NULL), EINVAL);
	WANT(b, ktrq_syscall(td, INT16_MIN - 1, 0, NULL), EINVAL);
	WANT(b, ktrq_sysret(NULL, 1, 0, 0), EINVAL);
	WANT(b, ktrq_sysret(td, INT16_MAX + 1, 0, 0), EINVAL);
	WANT(b, ktrq_sysret(td, INT16_MIN - 1, 0, 0), EINVAL);
	WANT(b, ktrq_namei(NULL, "/x"), EINVAL);
	WANT(b, ktrq_namei(td, NULL), EINVAL);
	WANT(b, ktrq_namei(td, longpath), EINVAL);
	WANT(b, ktrq_psig(NULL, 1, 0, 0, NULL), EINVAL);
	WANT(b, ktrq_psig(td, 0, 0, 0, NULL), EINVAL);
	WANT(b, ktrq_psig(td, -1, 0, 0, NULL), EINVAL);
	WANT(b, ktrq_csw(NULL, 0, 0), EINVAL);
	WANT(b, ktrq_utrace(NULL, buf, 1), EINVAL);
	WANT(b, ktrq_utrace(td, buf, KTRQ_REC_USER_MAX + 1), EINVAL);
	WANT(b, ktrq_utrace(td, NULL, 1), EINVAL);
	WANT(b, ktrq_genio(NULL, 1, 1, buf, 1), EINVAL);
	WANT(b, ktrq_genio(td, 1, 2, buf, 1), EINVAL);
	WANT(b, ktrq_genio(td, 1, -1, buf, 1), EINVAL);
	WANT(b, ktrq_genio(td, 1, 1, NULL, 1), EINVAL);
	WANT(b, ktrq_point(NULL, KTR_SYSCALL), 0);
	WANT(b, ktrq_point(td, 0), 0);
	WANT(b, ktrq_point(td, KTR_USER + 1), 0);
}

/* Good arguments from an untraced thread: not traced, nothing counted. */
static void
untraced_events(struct bad *b)
{
	struct ktrq_thread *td = b->td;

	WANT(b, ktrq_syscall(td, 1, 0, NULL), ENOENT);
	WANT(b, ktrq_psig(td, 1, 0, 0, NULL), ENOENT);
	WANT(b, ktrq_utrace(td, NULL, 0), ENOENT);
	WANT(b, ktrq_genio(td, 1, 0, NULL, 0), ENOENT);
	WANT(b, ktrq_point(td, KTR_SYSCALL), 0);
}

/* ---- the harness's own calls ---- */

static void
bad_harness(struct bad *b)
{
	struct ktrq_harness *h2 = NULL;
	struct ktrq_proc *p = NULL;
	struct ktrq_thread *td = NULL;

	WANT(b, ktrq_harness_opts_init(NULL), EINVAL);
	WANT(b, ktrq_harness_create(b->os, NULL, NULL), EINVAL);
	WANT(b, ktrq_harness_create(NULL, NULL, &h2), EINVAL);
	if (ktrq_harness_target(b->h, -1) != NULL ||
	    ktrq_harness_target(b->h, 2) != NULL ||
	    ktrq_harness_target(NULL, 0) != NULL)
		ktrq_sim_fail(b->os, "scenario: a target that is not there");
	WANT(b, ktrq_harness_target_close(b->h, 5), EINVAL);
	WANT(b, ktrq_harness_proc(b->h, 1, 0, &p), EINVAL);
	WANT(b, ktrq_harness_proc(b->h, 200, -1, &p), EINVAL);
	WANT(b, ktrq_harness_thread(b->h, NULL, &td), EINVAL);
	WANT(b, ktrq_harness_post(b->h, b->td, 0), EINVAL);
	WANT(b, ktrq_harness_post(b->h, b->poster, 12345), EINVAL);
	WANT(b, ktrq_harness_resize(NULL, 2, NULL), EINVAL);
	WANT(b, ktrq_harness_fork(b->h, b->me, 1, &p), EINVAL);
	WANT(b, ktrq_harness_exit(b->h, NULL), EINVAL);
	WANT(b, ktrq_harness_exit(b->h, b->me), EINVAL);
	WANT(b, ktrq_harness_ktrace(NULL, NULL, NULL, KTROP_CLEAR,
	    KTRFAC_ALL, 5), EINVAL);
	if (h2 != NULL || p != NULL || td != NULL)
		ktrq_sim_fail(b->os, "scenario: a refused harness call made "
		    "something");
}

/* ---- the actor ---- */

static void
bad_round(struct bad *b)
{

	bad_instance(b);
	bad_proc_create(b);
	bad_proc_calls(b);
	bad_threads(b);
	bad_targets(b);
	bad_ktrace_args(b);
	bad_ktrace_perm(b);
	bad_events(b);
	untraced_events(b);
	bad_harness(b);
}

/* Make what the actor calls from; allocations may fail: try again. */
static void
bad_setup(struct bad *b, const struct scn_view *v)
{
	int error, i;

	i = 0;
	do
		error = ktrq_proc_create(b->k, PID_BAD, NULL, PID_BAD,
		    "badcaller", &stranger, &b->me);
	while (error == ENOMEM && ++i < 1000);
	while (error == 0 &&
	    (error = ktrq_thread_create(b->me, 9000, &b->td)) == ENOMEM &&
	    ++i < 1000)
		error = 0;
	while (error == 0 &&
	    (error = ktrq_harness_thread(b->h, v->procs[0], &b->poster)) ==
	    ENOMEM && ++i < 1000)
		error = 0;
	if (error != 0)
		ktrq_sim_fail(b->os, "scenario: bad-input set-up: errno %d",
		    error);
}

void
scn_badinput_main(void *arg)
{
	const struct scn_view *v = arg;
	struct bad b;
	int error, i;

	memset(&b, 0, sizeof(b));
	b.os = v->os;
	b.h = v->h;
	b.k = ktrq_harness_ktrq(v->h);
	b.busy = ktrq_proc_pid(v->procs[0]);
	bad_setup(&b, v);
	for (i = 0; i < v->nops; i++) {
		bad_round(&b);
		if (i == 0)
			self_trace(&b);
		/* The worker goes idle; these posts must wake it. */
		scn_pause(b.os, PAUSE_NS);
		(void)ktrq_harness_post(b.h, b.poster, 0);
		(void)ktrq_harness_post(b.h, b.poster, 0);
	}
	/* No old size wanted.  ENOSPC: objects in use are kept. */
	error = ktrq_harness_resize(b.h, 1 + (int)ktrq_sim_choose(b.os, 6,
	    "resize size"), NULL);
	if (error != ENOSPC)
		scn_want_mem(b.os, error, 0, "ktrq_harness_resize(h, n, NULL)");
	/* The side instances: the layer's failures, not the simulator's. */
	ktrq_sim_alloc_faults(b.os, 0);
	scn_bad_layers(b.os);
	scn_bad_child(b.os, b.k);
	scn_bad_records(b.os);
	ktrq_sim_alloc_faults(b.os, 1);
}

/* ---- layers, configurations, tunables at create ---- */

/* Member `i` of the table (0 .. 18) NULL. */
static void
null_member(struct ktrq_os *o, int i)
{

	switch (i) {
	case 0: o->mtx_init = NULL; break;
	case 1: o->mtx_destroy = NULL; break;
	case 2: o->mtx_enter = NULL; break;
	case 3: o->mtx_exit = NULL; break;
	case 4: o->mtx_owned = NULL; break;
	case 5: o->msleep = NULL; break;
	case 6: o->wakeup = NULL; break;
	case 7: o->wakeup_one = NULL; break;
	case 8: o->thread_create = NULL; break;
	case 9: o->thread_join = NULL; break;
	case 10: o->thread_self = NULL; break;
	case 11: o->thread_name = NULL; break;
	case 12: o->clock_ns = NULL; break;
	case 13: o->alloc = NULL; break;
	case 14: o->free = NULL; break;
	case 15: o->log = NULL; break;
	case 16: o->panic = NULL; break;
	case 17: o->tunable = NULL; break;
	default: o->forked = NULL; break;
	}
}

static void
refused(const struct ktrq_os *os, const struct ktrq_config *cf, int want,
    const char *what)
{
	struct ktrq *k = NULL;

	scn_want(os, ktrq_create(cf, &k), want, what);
	if (k != NULL)
		ktrq_sim_fail(os, "scenario: %s made an instance", what);
}

static void
bad_tables(const struct scn_layer *l)
{
	struct ktrq_config cf;
	struct ktrq_os bad;
	int i;

	ktrq_config_init(&cf, NULL);
	refused(l->in, &cf, EINVAL, "ktrq_create(no layer)");
	bad = l->os;
	bad.version = KTRQ_OS_VERSION + 1;
	cf.os = &bad;
	refused(l->in, &cf, ENOTSUP, "ktrq_create(another layer version)");
	scn_want(l->in, ktrq_os_check(&bad), ENOTSUP, "ktrq_os_check(another "
	    "layer version)");
	for (i = 0; i <= 18; i++) {
		bad = l->os;
		null_member(&bad, i);
		refused(l->in, &cf, EINVAL, "ktrq_create(a layer member NULL)");
	}
}

static void
bad_configs(const struct scn_layer *l)
{
	struct ktrq_config cf, base;

	ktrq_config_init(&base, &l->os);
	cf = base;
	cf.genio_size = KTRQ_GENIO_SIZE_MAX + 1;
	refused(l->in, &cf, EINVAL, "ktrq_create(genio_size too large)");
	cf = base;
	cf.flags = 0x4;
	refused(l->in, &cf, EINVAL, "ktrq_create(an unknown flag)");
	cf = base;
	cf.batch_max = -1;
	refused(l->in, &cf, EINVAL, "ktrq_create(batch_max -1)");
	cf.batch_max = KTRQ_BATCH_MAX + 1;
	refused(l->in, &cf, EINVAL, "ktrq_create(batch_max too large)");
	cf = base;
	cf.inline_size = KTRQ_INLINE_MIN - 1;
	refused(l->in, &cf, EINVAL, "ktrq_create(inline_size too small)");
	cf.inline_size = KTRQ_INLINE_MAX + 1;
	refused(l->in, &cf, EINVAL, "ktrq_create(inline_size too large)");
	cf = base;
	cf.pool_size = -1;
	refused(l->in, &cf, EINVAL, "ktrq_create(pool_size -1)");
	cf.pool_size = KTRQ_POOL_MAX + 1;
	refused(l->in, &cf, EINVAL, "ktrq_create(pool_size too large)");
	cf = base;
	cf.backpressure_ns = 1000;
	refused(l->in, &cf, EINVAL, "ktrq_create(a timeout without "
	    "back-pressure)");
}

static void
count_line(void *arg, int level, const char *msg)
{

	(void)level;
	(void)msg;
	++*(unsigned *)arg;
}

/*
 * A bad tunable is refused with one line on the log sink: the
 * configuration's when it has one, else the layer's.
 */
static void
bad_tunable(struct scn_layer *l, int own_log, const char *what)
{
	struct ktrq_config cf;
	unsigned lines = 0, logs = l->logs;

	ktrq_config_init(&cf, &l->os);
	if (own_log) {
		cf.log = count_line;
		cf.log_arg = &lines;
	}
	refused(l->in, &cf, EINVAL, what);
	if (lines + (l->logs - logs) != 1 || (own_log && l->logs != logs))
		ktrq_sim_fail(l->in, "scenario: %s logged %u line(s) through "
		    "the config, %u through the layer, not one through the %s",
		    what, lines, l->logs - logs, own_log ? "config" : "layer");
	l->pool_error = l->bp_error = ENOENT;
}

static void
bad_tunables(struct scn_layer *l)
{
	static const long long pools[] = { 0, -2, KTRQ_POOL_MAX + 1 };
	int i, own;

	for (i = 0; i < 4; i++) {
		own = (int)ktrq_sim_choose(l->in, 2, "own log sink?");
		l->pool_error = i == 3 ? EINVAL : 0;
		l->pool_value = i < 3 ? pools[i] : 0;
		bad_tunable(l, own, "ktrq_create(a bad KTRQ_REQUEST_POOL)");
	}
	l->bp_error = EINVAL;
	bad_tunable(l, 0, "ktrq_create(a bad KTRQ_BACKPRESSURE_NS)");
	l->bp_error = 0;
	l->bp_value = -1;
	bad_tunable(l, 1, "ktrq_create(a negative KTRQ_BACKPRESSURE_NS)");
}

void
scn_bad_layers(const struct ktrq_os *os)
{
	struct scn_layer l;

	scn_layer_init(&l, os);
	bad_tables(&l);
	bad_configs(&l);
	bad_tunables(&l);
	if (l.live != 0 || l.mutexes != 0)
		ktrq_sim_fail(os, "scenario: refused creates left %llu bytes "
		    "and %lld mutexes", (unsigned long long)l.live,
		    (long long)l.mutexes);
}
