/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Control-API fuzz target: the bytes are a sequence of public API calls
 * with arbitrary arguments -- invalid ones and NULLs included -- made by
 * one simulated thread against an instance running on the deterministic
 * simulator (its worker is a second simulated thread).  Every call must
 * return a result its header documents, and the statistics must stay
 * consistent; any other result, a core panic, a deadlock, a leak through
 * the layer or a corrupt trace aborts with the call log.
 *
 * Handles stay valid: a process, thread or target is passed only while
 * the harness knows it is alive (passing a freed handle is the caller's
 * bug by the API's contract), but NULL is passed often.
 *
 * Input layout (every byte past the end reads as 0; decoding is total):
 *
 *	byte 0-1  the simulator's seed (thread interleaving of the worker)
 *	byte 2    fault enable permille (b * 1000 / 255): layer allocation
 *		  failures, once armed by an ARM op
 *	byte 3    fault fire permille
 *	byte 4    instance config: bits 0-2 pool size {1,2,3,4,8,0 (the
 *		  default, 100),-1,KTRQ_POOL_MAX+1}; bit 3 GENIO_COPY; bits
 *		  4-5 genio_size {0,16,200,KTRQ_GENIO_SIZE_MAX+1}; bit 6 an
 *		  unknown flag; bit 7 the PCT strategy instead of random
 *	byte 5    bit 0: leave the processes to ktrq_destroy at the end
 *	6..       operations: one opcode byte (mod NOPS), then that op's
 *		  argument bytes (see the op table), until the input ends
 *		  or MAX_OPS
 *
 * FUZZ_CONTROL_LOG=1 in the environment prints the calls of every input.
 *
 * Checks, beyond "the result is one the header lists":
 *  - EINVAL exactly when the documented argument rules say so;
 *  - ESRCH exactly when no process or group matches; root never EPERM;
 *  - an event point of an untraced thread (ktrq_point() 0 just before:
 *    only this thread attaches processes) is ENOENT;
 *  - posted grows by one exactly for 0/ENOBUFS/ENXIO/write errors, never
 *    for ENOENT/EINVAL; ENOBUFS counts one dropped_exhausted; EALREADY
 *    never happens (no call is made from inside libktrq);
 *  - a synchronous genio that returned 0 was counted written before it
 *    returned; ENXIO (any event point) was counted cleared; a write errno
 *    (synchronous genio only, and never one of the other outcome codes)
 *    was counted a write error;
 *  - resize: *oldsizep is the size before, the size reached is newsize
 *    iff 0, growing without allocation faults always succeeds;
 *  - every statistics snapshot: pool_free <= pool_size, pool_inuse ==
 *    size - free, todo_depth <= pool_inuse, written + drops <= posted,
 *    counters never decrease, warnings <= 1 + resizes;
 *  - quiescent (every other simulated thread blocked with no timer
 *    earlier than ours): posted == written + every drop, the pool whole,
 *    the todo list empty; and again after every process exited;
 *  - the end: ktrq_destroy() is 0, the layer has no live allocation,
 *    every memory target written only by this instance directly reads
 *    back as a valid trace (ktrq_dump_stream), and with no fault target
 *    in play the records in them are exactly `written`.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktrq/ktrq.h"
#include "dump.h"
#include "fuzz_util.h"
#include "sim.h"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define	FUZZ_TSAN	1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define	FUZZ_TSAN	1
#endif

#define	HDR_LEN		6
#define	MAX_OPS		400
#define	MAXP		8	/* processes the harness tracks */
#define	MAXT		12	/* threads */
#define	MAXTG		4	/* targets it holds a reference to */
#define	QUIESCE_NS	(3600ULL * 1000000000ULL)
#define	LOG_CAP		(48 * 1024)

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The op table: opcode (byte % NOPS), then its argument bytes.  "proc",
 * "thread" and "tgt" bytes pick a live handle or NULL (pick_*); "pid"
 * is 1 + b % 12 below 224, else 0, negative, INT_MIN, INT_MAX, 13, 100.
 *
 *  0 proc_create    pid, parent proc, pgid, comm (len byte + bytes), flags
 *  1 proc_fork      parent proc, pid, flags (bit 0: NULL childp)
 *  2 proc_exit      proc
 *  3 proc_exec      proc, comm (len byte + bytes), setid
 *  4 thread_create  proc, tid (4), flags (bit 0: NULL tdp)
 *  5 thread_destroy thread
 *  6 ktrace         thread, tgt, ops (table), facs (table, or 4 raw bytes
 *                   when >= 192), pid (< 64 a live pid, < 112 a live group)
 *  7 syscall        thread, code (table), narg (-1..10), flags (NULL args)
 *  8 sysret         thread, code (table), error (4), retval (4)
 *  9 namei          thread, length (table; >= 240 NULL)
 * 10 genio          thread, fd, rw (>= 200: -1..2), length (>= 224 NULL)
 * 11 psig           thread, signo (table), action, code (4), flags
 * 12 csw            thread, out, user
 * 13 utrace         thread, length (table; >= 224 NULL)
 * 14 point          thread, type (table)
 * 15 pool_resize    size (table), flags (bit 0 NULL oldsizep, bit 1 NULL k)
 * 16 stats          flags (NULL k / NULL st variants)
 * 17 quiesce
 * 18 memtarget      flags (bit 0: the NULL variants first)
 * 19 faulttarget    inner tgt, limits, short/delay (bit 7: NULL fault)
 * 20 target_rele    tgt
 * 21 arm            bit 0: layer allocation faults on/off
 * 22 nulls          which (0..11), tgt
 * 23 instance2      config, proc, tgt
 */
enum op {
	OP_PROC_CREATE, OP_PROC_FORK, OP_PROC_EXIT, OP_PROC_EXEC,
	OP_THREAD_CREATE, OP_THREAD_DESTROY, OP_KTRACE, OP_SYSCALL,
	OP_SYSRET, OP_NAMEI, OP_GENIO, OP_PSIG, OP_CSW, OP_UTRACE, OP_POINT,
	OP_RESIZE, OP_STATS, OP_QUIESCE, OP_MEMTARGET, OP_FAULTTARGET,
	OP_TARGET_RELE, OP_ARM, OP_NULLS, OP_INSTANCE2, NOPS
};

struct proc {
	struct ktrq_proc	*p;
	int			 pid;
	int			 pgid;
	struct ktrq_cred	 cred;
};

struct thread {
	struct ktrq_thread	*td;
	struct ktrq_proc	*p;
};

struct tgt {
	struct ktrq_target	*t;
	int			 mem;		/* a memtarget */
	int			 tainted;	/* wrapped, or shared with k2 */
};

struct ctl {
	struct sim		*s;
	struct ktrq_os		*os;
	const uint8_t		*in;
	size_t			 len, pos;
	int			 op;		/* index of the current op */
	const char		*opname;

	struct ktrq		*k;
	int			 genio_copy;
	size_t			 genio_size;
	int			 leave_procs;
	struct ktrq_os_mtx	*qmtx;
	int			 armed;
	int			 faulty;	/* a fault target was made */
	int			 released;	/* a target was let go */
	unsigned		 resizes;
	uint64_t		 werr_mask;	/* write errnos allowed, bits */
	struct ktrq_stats	 last;
	int			 have_last;

	struct proc		 procs[MAXP];
	int			 nprocs;
	struct thread		 threads[MAXT];
	int			 nthreads;
	struct tgt		 tgts[MAXTG];
	int			 ntgts;

	char			 fail[1024];
	char			*log;
	size_t			 loglen;
};

static const char *const opnames[NOPS] = {
	"proc_create", "proc_fork", "proc_exit", "proc_exec",
	"thread_create", "thread_destroy", "ktrace", "syscall", "sysret",
	"namei", "genio", "psig", "csw", "utrace", "point", "pool_resize",
	"stats", "quiesce", "memtarget", "faulttarget", "target_rele", "arm",
	"nulls", "instance2"
};

static const struct ktrq_cred creds[4] = {
	{ 0, 0, 0, 0, 0, 0 },				/* root */
	{ 1000, 1000, 1000, 1000, 1000, 1000 },		/* user */
	{ 1001, 1001, 1001, 1001, 1001, 1001 },		/* another user */
	{ 1000, 1000, 0, 1000, 1000, 1000 },		/* saved uid differs */
};

/* Write errnos a fault target may be told to fail with (0: EIO). */
static const int fault_errors[4] = { 0, ENOSPC, EPIPE, EFBIG };

/* ---- input ---- */

static uint8_t
u8(struct ctl *c)
{

	return (c->pos < c->len ? c->in[c->pos++] : 0);
}

static uint32_t
u32(struct ctl *c)
{
	uint32_t v;
	int i;

	for (v = 0, i = 0; i < 4; i++)
		v |= (uint32_t)u8(c) << (8 * i);
	return (v);
}

/* ---- reporting ---- */

static void
logf_(struct ctl *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->log == NULL || c->loglen >= LOG_CAP - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(c->log + c->loglen, LOG_CAP - c->loglen, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->loglen += (size_t)n;
	if (c->loglen > LOG_CAP - 1)
		c->loglen = LOG_CAP - 1;
}

static void	bad(struct ctl *c, const char *fmt, ...)
		    __attribute__((noreturn, format(printf, 2, 3)));

static void
bad(struct ctl *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(c->fail, sizeof(c->fail), "op %d (%s): ", c->op,
	    c->opname != NULL ? c->opname : "-");
	if (n < 0 || (size_t)n >= sizeof(c->fail))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(c->fail + n, sizeof(c->fail) - (size_t)n, fmt, ap);
	va_end(ap);
	ktrq_sim__fail(c->s, c->fail);
}

/* `got` must be one of the n values that follow. */
static void
expect_in(struct ctl *c, const char *what, int got, int n, ...)
{
	va_list ap;
	int i, ok;

	va_start(ap, n);
	for (ok = 0, i = 0; i < n; i++)
		if (va_arg(ap, int) == got)
			ok = 1;
	va_end(ap);
	if (!ok)
		bad(c, "%s returned %d, which is not a documented result here",
		    what, got);
}

static void
expect_eq(struct ctl *c, const char *what, int got, int want)
{

	if (got != want)
		bad(c, "%s returned %d, expected %d", what, got, want);
}

/* ---- statistics ---- */

static void
stats(struct ctl *c, struct ktrq_stats *st)
{
	const struct ktrq_stats *o = &c->last;
	uint64_t drops;
	int error;

	if ((error = ktrq_stats(c->k, st)) != 0)
		bad(c, "ktrq_stats returned %d", error);
	drops = st->dropped_exhausted + st->dropped_write_error +
	    st->dropped_cleared;
	if (st->pool_free > st->pool_size)
		bad(c, "stats: pool_free %" PRIu32 " > pool_size %" PRIu32,
		    st->pool_free, st->pool_size);
	if (st->pool_inuse != st->pool_size - st->pool_free)
		bad(c, "stats: pool_inuse %" PRIu32 " != size %" PRIu32
		    " - free %" PRIu32, st->pool_inuse, st->pool_size,
		    st->pool_free);
	if (st->todo_depth > st->pool_inuse)
		bad(c, "stats: todo_depth %" PRIu32 " > pool_inuse %" PRIu32,
		    st->todo_depth, st->pool_inuse);
	if (st->written + drops > st->posted)
		bad(c, "stats: written %" PRIu64 " + drops %" PRIu64
		    " > posted %" PRIu64, st->written, drops, st->posted);
	if (st->warnings > 1 + (uint64_t)c->resizes)
		bad(c, "stats: %" PRIu64 " exhaustion warnings after %u "
		    "resizes (at most one per resize, plus one)",
		    st->warnings, c->resizes);
	if (c->have_last && (st->posted < o->posted ||
	    st->written < o->written ||
	    st->dropped_exhausted < o->dropped_exhausted ||
	    st->dropped_write_error < o->dropped_write_error ||
	    st->dropped_cleared < o->dropped_cleared ||
	    st->write_errors < o->write_errors || st->warnings < o->warnings))
		bad(c, "stats: a counter went down");
	c->last = *st;
	c->have_last = 1;
}

/* Nothing in flight: the accounting must balance exactly. */
static void
stats_quiet(struct ctl *c, const char *when)
{
	struct ktrq_stats st;
	uint64_t drops;

	stats(c, &st);
	drops = st.dropped_exhausted + st.dropped_write_error +
	    st.dropped_cleared;
	if (st.posted != st.written + drops)
		bad(c, "%s: posted %" PRIu64 " != written %" PRIu64
		    " + dropped %" PRIu64 " (exhausted %" PRIu64 ", write "
		    "error %" PRIu64 ", cleared %" PRIu64 ")", when,
		    st.posted, st.written, drops, st.dropped_exhausted,
		    st.dropped_write_error, st.dropped_cleared);
	if (st.pool_free != st.pool_size || st.todo_depth != 0)
		bad(c, "%s: pool %" PRIu32 "/%" PRIu32 " free, todo %" PRIu32,
		    when, st.pool_free, st.pool_size, st.todo_depth);
}

/*
 * Sleep until every other simulated thread is blocked with no earlier
 * timer: the worker is idle, so nothing is in flight (the simulator runs
 * with no spurious wakeups and no early timeouts).
 */
static void
quiesce(struct ctl *c)
{
	int error;

	c->os->mtx_enter(c->os->cookie, c->qmtx);
	error = c->os->msleep(c->os->cookie, &c->qmtx, c->qmtx, "quiesce",
	    QUIESCE_NS);
	c->os->mtx_exit(c->os->cookie, c->qmtx);
	if (error != EWOULDBLOCK)
		bad(c, "quiesce: msleep returned %d", error);
}

/* ---- handles ---- */

static struct proc *
find_pid(struct ctl *c, int pid)
{
	int i;

	for (i = 0; i < c->nprocs; i++)
		if (c->procs[i].pid == pid)
			return (&c->procs[i]);
	return (NULL);
}

static struct proc *
find_proc(struct ctl *c, const struct ktrq_proc *p)
{
	int i;

	for (i = 0; i < c->nprocs; i++)
		if (c->procs[i].p == p)
			return (&c->procs[i]);
	return (NULL);
}

/* A live process, or NULL (b % 16 == 15, or none). */
static struct proc *
pick_proc(struct ctl *c, uint8_t b)
{

	if (c->nprocs == 0 || b % 16 == 15)
		return (NULL);
	return (&c->procs[(b / 16 * 7 + b) % c->nprocs]);
}

static struct thread *
pick_thread(struct ctl *c, uint8_t b)
{

	if (c->nthreads == 0 || b % 16 == 15)
		return (NULL);
	return (&c->threads[(b / 16 * 7 + b) % c->nthreads]);
}

static struct tgt *
pick_tgt(struct ctl *c, uint8_t b)
{

	if (c->ntgts == 0 || b % 8 == 7)
		return (NULL);
	return (&c->tgts[(b / 8) % c->ntgts]);
}

/* A pid: small ones mostly, then the invalid and extreme. */
static int
decode_pid(uint8_t b)
{
	static const int odd[8] = { 0, -1, -2, -3, INT_MIN, INT_MAX, 13,
	    100 };

	if (b < 224)
		return (1 + b % 12);
	return (odd[b % 8]);
}

static int
decode_pgid(uint8_t b)
{

	if (b < 240)
		return (1 + b % 3);
	return (b % 2 == 0 ? 0 : -1);
}

/* A command name from the input (NULL for b == 255). */
static const char *
decode_comm(struct ctl *c, uint8_t b, char *buf, size_t len)
{
	size_t i, n;

	if (b == 255)
		return (NULL);
	n = b % 32;
	if (n >= len)
		n = len - 1;
	for (i = 0; i < n; i++)
		buf[i] = (char)(u8(c) | 1);	/* no NUL inside */
	buf[n] = '\0';
	return (buf);
}

static void
thread_forget(struct ctl *c, int i)
{

	c->threads[i] = c->threads[--c->nthreads];
}

static void
proc_forget(struct ctl *c, struct ktrq_proc *p)
{
	int i;

	for (i = 0; i < c->nthreads; )
		if (c->threads[i].p == p)
			thread_forget(c, i);
		else
			i++;
	for (i = 0; i < c->nprocs; i++)
		if (c->procs[i].p == p) {
			c->procs[i] = c->procs[--c->nprocs];
			break;
		}
}

static int
alloc_err_ok(const struct ctl *c, int error)
{

	return (error == ENOMEM && c->armed);
}

/* ---- the traced world ---- */

static void
op_proc_create(struct ctl *c)
{
	struct ktrq_proc *p, *parent;
	struct proc *pp;
	const char *comm;
	char cbuf[32];
	int pid, pgid, error, flags, want_einval;
	const struct ktrq_cred *cred;

	pid = decode_pid(u8(c));
	pp = pick_proc(c, u8(c));
	pgid = decode_pgid(u8(c));
	comm = decode_comm(c, u8(c), cbuf, sizeof(cbuf));
	flags = u8(c);
	cred = (flags & 0x0c) == 0x0c ? NULL : &creds[flags & 3];
	if (flags & 0x10)
		pp = NULL;
	parent = pp != NULL ? pp->p : NULL;
	want_einval = pid <= 0 || pgid <= 0 || comm == NULL || cred == NULL ||
	    (flags & 0x20) != 0;
	if (c->nprocs == MAXP && !want_einval)
		return;		/* no room to keep the handle */
	p = NULL;
	error = ktrq_proc_create(c->k, pid, parent, pgid, comm, cred,
	    (flags & 0x20) ? NULL : &p);
	logf_(c, "proc_create(pid %d, parent %d, pgid %d, comm %s, cred %s, "
	    "pp %s) = %d\n", pid, pp != NULL ? pp->pid : 0, pgid,
	    comm != NULL ? "\"..\"" : "NULL", cred != NULL ? "set" : "NULL",
	    (flags & 0x20) ? "NULL" : "set", error);
	if (want_einval) {
		expect_eq(c, "ktrq_proc_create", error, EINVAL);
		return;
	}
	if (find_pid(c, pid) != NULL) {
		if (error != EEXIST && !alloc_err_ok(c, error))
			bad(c, "ktrq_proc_create of live pid %d returned %d, "
			    "expected EEXIST", pid, error);
		return;
	}
	if (error != 0) {
		if (!alloc_err_ok(c, error))
			bad(c, "ktrq_proc_create(pid %d) returned %d", pid,
			    error);
		return;
	}
	if (ktrq_proc_pid(p) != pid)
		bad(c, "ktrq_proc_pid says %d for pid %d", ktrq_proc_pid(p),
		    pid);
	c->procs[c->nprocs].p = p;
	c->procs[c->nprocs].pid = pid;
	c->procs[c->nprocs].pgid = pgid;
	c->procs[c->nprocs].cred = *cred;
	c->nprocs++;
}

static void
op_proc_fork(struct ctl *c)
{
	struct ktrq_proc *child;
	struct proc *pp;
	int pid, flags, error, want_einval;

	pp = pick_proc(c, u8(c));
	pid = decode_pid(u8(c));
	flags = u8(c);
	want_einval = pp == NULL || pid <= 0 || (flags & 1);
	if (c->nprocs == MAXP && !want_einval)
		return;
	child = NULL;
	error = ktrq_proc_fork(pp != NULL ? pp->p : NULL, pid,
	    (flags & 1) ? NULL : &child);
	logf_(c, "proc_fork(parent %d, pid %d, childp %s) = %d\n",
	    pp != NULL ? pp->pid : 0, pid, (flags & 1) ? "NULL" : "set",
	    error);
	if (want_einval) {
		expect_eq(c, "ktrq_proc_fork", error, EINVAL);
		return;
	}
	if (find_pid(c, pid) != NULL) {
		if (error != EEXIST && !alloc_err_ok(c, error))
			bad(c, "ktrq_proc_fork to live pid %d returned %d, "
			    "expected EEXIST", pid, error);
		return;
	}
	if (error != 0) {
		if (!alloc_err_ok(c, error))
			bad(c, "ktrq_proc_fork(pid %d) returned %d", pid,
			    error);
		return;
	}
	c->procs[c->nprocs].p = child;
	c->procs[c->nprocs].pid = pid;
	c->procs[c->nprocs].pgid = pp->pgid;
	c->procs[c->nprocs].cred = pp->cred;
	c->nprocs++;
}

static void
op_proc_exit(struct ctl *c)
{
	struct proc *pp = pick_proc(c, u8(c));
	struct ktrq_proc *p = pp != NULL ? pp->p : NULL;
	int error, pid = pp != NULL ? pp->pid : 0;

	error = ktrq_proc_exit(p);
	logf_(c, "proc_exit(%d) = %d\n", pid, error);
	expect_eq(c, "ktrq_proc_exit", error, p == NULL ? EINVAL : 0);
	if (p != NULL)
		proc_forget(c, p);
}

static void
op_proc_exec(struct ctl *c)
{
	struct proc *pp = pick_proc(c, u8(c));
	const char *comm;
	char cbuf[32];
	int setid, error;

	comm = decode_comm(c, u8(c), cbuf, sizeof(cbuf));
	setid = u8(c) & 1;
	error = ktrq_proc_exec(pp != NULL ? pp->p : NULL, comm, setid);
	logf_(c, "proc_exec(%d, comm %s, setid %d) = %d\n",
	    pp != NULL ? pp->pid : 0, comm != NULL ? "set" : "NULL", setid,
	    error);
	expect_eq(c, "ktrq_proc_exec", error,
	    pp == NULL || comm == NULL ? EINVAL : 0);
}

static void
op_thread_create(struct ctl *c)
{
	struct proc *pp = pick_proc(c, u8(c));
	struct ktrq_thread *td;
	int64_t tid;
	int flags, error, want_einval;

	tid = (int64_t)(int32_t)u32(c);
	flags = u8(c);
	want_einval = pp == NULL || (flags & 1);
	if (c->nthreads == MAXT && !want_einval)
		return;
	td = NULL;
	error = ktrq_thread_create(pp != NULL ? pp->p : NULL, tid,
	    (flags & 1) ? NULL : &td);
	logf_(c, "thread_create(%d, tid %" PRId64 ") = %d\n",
	    pp != NULL ? pp->pid : 0, tid, error);
	if (want_einval) {
		expect_eq(c, "ktrq_thread_create", error, EINVAL);
		return;
	}
	if (error != 0) {
		if (!alloc_err_ok(c, error))
			bad(c, "ktrq_thread_create returned %d", error);
		return;
	}
	c->threads[c->nthreads].td = td;
	c->threads[c->nthreads].p = pp->p;
	c->nthreads++;
}

static void
op_thread_destroy(struct ctl *c)
{
	struct thread *th = pick_thread(c, u8(c));
	int error;

	error = ktrq_thread_destroy(th != NULL ? th->td : NULL);
	logf_(c, "thread_destroy(%s) = %d\n", th != NULL ? "td" : "NULL",
	    error);
	expect_eq(c, "ktrq_thread_destroy", error, th == NULL ? EINVAL : 0);
	if (th != NULL)
		thread_forget(c, (int)(th - c->threads));
}

/* ---- ktrace(2) ---- */

static void
op_ktrace(struct ctl *c)
{
	static const int opstab[16] = { KTROP_SET, KTROP_CLEAR,
	    KTROP_CLEARFILE, KTROP_SET | KTRFLAG_DESCEND,
	    KTROP_CLEAR | KTRFLAG_DESCEND, KTROP_CLEARFILE | KTRFLAG_DESCEND,
	    3, 8, -1, KTROP_SET, KTROP_SET, KTROP_CLEAR, KTROP_SET,
	    KTROP_SET | KTRFLAG_DESCEND, KTROP_CLEAR, INT_MIN };
	static const unsigned factab[8] = { KTRFAC_ALL, KTRFAC_ALL |
	    KTRFAC_INHERIT, KTRFAC_SYSCALL | KTRFAC_GENIO, KTRFAC_USER |
	    KTRFAC_INHERIT, KTRFAC_CSW, 0, KTRFAC_ROOT | KTRFAC_ALL,
	    KTRFAC_INHERIT };
	struct thread *th = pick_thread(c, u8(c));
	struct tgt *tg = pick_tgt(c, u8(c));
	struct proc *caller, *pp;
	uint8_t fb, pb;
	unsigned facs, f;
	int ops, op, pid, error, einval, i, match;

	ops = opstab[u8(c) % 16];
	fb = u8(c);
	facs = fb < 192 ? factab[fb % 8] : u32(c);	/* any bits */
	pb = u8(c);
	if (pb < 64 && c->nprocs > 0)		/* a live pid */
		pid = c->procs[pb % c->nprocs].pid;
	else if (pb < 112 && c->nprocs > 0)	/* a live group */
		pid = -c->procs[pb % c->nprocs].pgid;
	else
		pid = decode_pid(pb);
	op = ops & 3;
	f = facs & ~KTRFAC_ROOT;
	/* CLEARFILE names a target, not a process: its pid is ignored. */
	einval = th == NULL || (op != KTROP_CLEARFILE && pid == 0) ||
	    (ops & ~(3 | KTRFLAG_DESCEND)) != 0 || op > KTROP_CLEARFILE ||
	    (f & ~(unsigned)(KTRFAC_ALL | KTRFAC_INHERIT)) != 0 ||
	    (op != KTROP_CLEARFILE && (f & KTRFAC_ALL) == 0) ||
	    (op != KTROP_CLEAR && tg == NULL);
	error = ktrq_ktrace(th != NULL ? th->td : NULL,
	    tg != NULL ? tg->t : NULL, ops, (int)facs, pid);
	logf_(c, "ktrace(td %s, target %s, ops %#x, facs %#x, pid %d) = %d\n",
	    th != NULL ? "set" : "NULL", tg != NULL ? "set" : "NULL",
	    (unsigned)ops, facs, pid, error);
	if (einval) {
		expect_eq(c, "ktrq_ktrace", error, EINVAL);
		return;
	}
	if (pid == INT_MIN && op != KTROP_CLEARFILE) {	/* no -pid */
		expect_in(c, "ktrq_ktrace", error, 2, EINVAL, ESRCH);
		return;
	}
	expect_in(c, "ktrq_ktrace", error, 3, 0, ESRCH, EPERM);
	caller = find_proc(c, th->p);
	if (op == KTROP_CLEARFILE) {
		if (error == ESRCH)
			bad(c, "ktrq_ktrace CLEARFILE returned ESRCH");
	} else {
		for (match = 0, i = 0; i < c->nprocs; i++) {
			pp = &c->procs[i];
			if (pid > 0 ? pp->pid == pid : pp->pgid == -pid)
				match = 1;
		}
		if (match != (error != ESRCH))
			bad(c, "ktrq_ktrace(pid %d) returned %d but %s "
			    "matches", pid, error, match ? "a process" :
			    "nothing");
	}
	if (caller != NULL && caller->cred.uid == 0 && error == EPERM)
		bad(c, "ktrq_ktrace by root returned EPERM");
}

/* ---- event points ---- */

struct before {
	struct ktrq_stats	 st;
	int			 point;
};

static void
ev_before(struct ctl *c, struct thread *th, int type, struct before *b)
{

	b->point = ktrq_point(th != NULL ? th->td : NULL, type);
	if (b->point != 0 && b->point != 1)
		bad(c, "ktrq_point returned %d", b->point);
	if (th == NULL && b->point != 0)
		bad(c, "ktrq_point(NULL) returned %d", b->point);
	stats(c, &b->st);
}

static void
ev_after(struct ctl *c, const char *name, struct thread *th, int einval,
    int sync, const struct before *b, int outcome)
{
	struct ktrq_stats st;
	uint64_t dposted;

	stats(c, &st);
	dposted = st.posted - b->st.posted;
	logf_(c, "%s(td %s%s) = %d\n", name, th != NULL ? "set" : "NULL",
	    einval ? ", bad args" : "", outcome);
	if (einval) {
		if (outcome != EINVAL)
			bad(c, "%s with bad arguments returned %d, expected "
			    "EINVAL", name, outcome);
	} else if (outcome == EINVAL)
		bad(c, "%s with valid arguments returned EINVAL", name);
	if (outcome == EALREADY)
		bad(c, "%s returned EALREADY outside libktrq", name);
	if (outcome == EINVAL || outcome == ENOENT) {
		if (dposted != 0)
			bad(c, "%s returned %d but posted grew by %" PRIu64,
			    name, outcome, dposted);
		return;
	}
	if (!einval && b->point == 0)
		bad(c, "%s of an untraced thread (ktrq_point 0) returned %d",
		    name, outcome);
	if (dposted != 1)
		bad(c, "%s returned %d but posted grew by %" PRIu64, name,
		    outcome, dposted);
	if (outcome == ENOBUFS) {
		if (st.dropped_exhausted != b->st.dropped_exhausted + 1)
			bad(c, "%s returned ENOBUFS but dropped_exhausted "
			    "went %" PRIu64 " -> %" PRIu64, name,
			    b->st.dropped_exhausted, st.dropped_exhausted);
		return;
	}
	if (outcome == 0) {
		if (sync && st.written <= b->st.written)
			bad(c, "synchronous %s returned 0 before it was "
			    "counted written", name);
		return;
	}
	if (outcome == ENXIO) {
		/* A detach (here: a failed write) between take and queue. */
		if (st.dropped_cleared <= b->st.dropped_cleared)
			bad(c, "%s returned ENXIO but dropped_cleared did "
			    "not grow", name);
		return;
	}
	if (!sync)
		bad(c, "asynchronous %s returned %d", name, outcome);
	if (outcome <= 0 || outcome >= 64 ||
	    !(c->werr_mask & ((uint64_t)1 << outcome)))
		bad(c, "synchronous %s returned %d, not an error any target "
		    "here can fail with", name, outcome);
	if (st.dropped_write_error <= b->st.dropped_write_error ||
	    st.write_errors <= b->st.write_errors)
		bad(c, "%s returned write error %d but it was not counted",
		    name, outcome);
}

static const int codes[8] = { 0, 4, -1, INT16_MAX, INT16_MAX + 1,
    INT16_MIN, INT16_MIN - 1, INT_MAX };

static void
op_syscall(struct ctl *c)
{
	struct thread *th = pick_thread(c, u8(c));
	uint64_t args[KTRQ_REC_MAXARGS + 2];
	struct before b;
	int code, narg, flags, einval, outcome, i;

	code = codes[u8(c) % 8];
	narg = (int)(u8(c) % 12) - 1;		/* -1 .. 10 */
	flags = u8(c);
	for (i = 0; i < KTRQ_REC_MAXARGS + 2; i++)
		args[i] = 0x1000u + (uint64_t)i;
	einval = th == NULL || narg < 0 || narg > KTRQ_REC_MAXARGS ||
	    (narg > 0 && (flags & 1)) || code < INT16_MIN || code > INT16_MAX;
	ev_before(c, th, KTR_SYSCALL, &b);
	outcome = ktrq_syscall(th != NULL ? th->td : NULL, code, narg,
	    (flags & 1) ? NULL : args);
	ev_after(c, "syscall", th, einval, 0, &b, outcome);
}

static void
op_sysret(struct ctl *c)
{
	struct thread *th = pick_thread(c, u8(c));
	struct before b;
	int code, error, einval, outcome;
	int64_t retval;

	code = codes[u8(c) % 8];
	error = (int)u32(c);
	retval = (int64_t)(int32_t)u32(c);
	einval = th == NULL || code < INT16_MIN || code > INT16_MAX;
	ev_before(c, th, KTR_SYSRET, &b);
	outcome = ktrq_sysret(th != NULL ? th->td : NULL, code, error, retval);
	ev_after(c, "sysret", th, einval, 0, &b, outcome);
}

static char pathbuf[2100];
static uint8_t databuf[5000];

static void
op_namei(struct ctl *c)
{
	static const size_t lens[8] = { 0, 1, 10, 127, 129, 1024, 1025, 2050 };
	struct thread *th = pick_thread(c, u8(c));
	struct before b;
	uint8_t lb = u8(c);
	size_t len = lens[lb % 8];
	const char *path;
	int einval, outcome;

	memset(pathbuf, 'p', len);
	pathbuf[len] = '\0';
	path = lb >= 240 ? NULL : pathbuf;
	einval = th == NULL || path == NULL || len > 1024;
	ev_before(c, th, KTR_NAMEI, &b);
	outcome = ktrq_namei(th != NULL ? th->td : NULL, path);
	ev_after(c, "namei", th, einval, 0, &b, outcome);
}

static void
op_genio(struct ctl *c)
{
	static const size_t lens[8] = { 0, 1, 16, 128, 129, 200, 4096, 5000 };
	struct thread *th = pick_thread(c, u8(c));
	struct before b;
	int fd, rw, einval, outcome, sync;
	uint8_t rb, lb;
	size_t len;
	const void *buf;

	fd = (int)(int8_t)u8(c);
	rb = u8(c);
	rw = rb < 200 ? rb % 2 : (int)(rb % 4) - 1;	/* -1 .. 2 */
	lb = u8(c);
	len = lens[lb % 8];
	buf = lb >= 224 ? NULL : databuf;
	einval = th == NULL || (rw != 0 && rw != 1) ||
	    (buf == NULL && len != 0);
	sync = !c->genio_copy;
	ev_before(c, th, KTR_GENIO, &b);
	outcome = ktrq_genio(th != NULL ? th->td : NULL, fd, rw, buf, len);
	ev_after(c, "genio", th, einval, sync, &b, outcome);
}

static void
op_psig(struct ctl *c)
{
	static const int signos[8] = { 1, 2, 9, 31, 0, -1, INT_MAX, INT_MIN };
	static const uint32_t mask[4] = { 1, 2, 3, 0xffffffffu };
	struct thread *th = pick_thread(c, u8(c));
	struct before b;
	int signo, code, flags, einval, outcome;
	uint64_t action;

	signo = signos[u8(c) % 8];
	action = u8(c);
	code = (int)u32(c);
	flags = u8(c);
	einval = th == NULL || signo <= 0;
	ev_before(c, th, KTR_PSIG, &b);
	outcome = ktrq_psig(th != NULL ? th->td : NULL, signo, action, code,
	    (flags & 1) ? NULL : mask);
	ev_after(c, "psig", th, einval, 0, &b, outcome);
}

static void
op_csw(struct ctl *c)
{
	struct thread *th = pick_thread(c, u8(c));
	struct before b;
	int out, user, outcome;

	out = (int)(int8_t)u8(c);
	user = (int)(int8_t)u8(c);
	ev_before(c, th, KTR_CSW, &b);
	outcome = ktrq_csw(th != NULL ? th->td : NULL, out, user);
	ev_after(c, "csw", th, th == NULL, 0, &b, outcome);
}

static void
op_utrace(struct ctl *c)
{
	static const size_t lens[8] = { 0, 1, 16, 128, 129, 2048, 2049, 4999 };
	struct thread *th = pick_thread(c, u8(c));
	struct before b;
	uint8_t lb = u8(c);
	size_t len = lens[lb % 8];
	const void *addr = lb >= 224 ? NULL : databuf;
	int einval, outcome;

	einval = th == NULL || len > KTRQ_REC_USER_MAX ||
	    (addr == NULL && len != 0);
	ev_before(c, th, KTR_USER, &b);
	outcome = ktrq_utrace(th != NULL ? th->td : NULL, addr, len);
	ev_after(c, "utrace", th, einval, 0, &b, outcome);
}

static void
op_point(struct ctl *c)
{
	static const int types[8] = { KTR_SYSCALL, KTR_GENIO, KTR_USER,
	    KTR_CSW, 0, 8, -1, KTR_DROP | KTR_SYSCALL };
	struct thread *th = pick_thread(c, u8(c));
	int type = types[u8(c) % 8];
	int r;

	r = ktrq_point(th != NULL ? th->td : NULL, type);
	logf_(c, "point(td %s, type %d) = %d\n", th != NULL ? "set" : "NULL",
	    type, r);
	if (r != 0 && r != 1)
		bad(c, "ktrq_point returned %d", r);
	if (r != 0 && (th == NULL || type < KTR_SYSCALL || type > KTR_USER))
		bad(c, "ktrq_point(type %d) returned %d", type, r);
}

/* ---- the pool and the statistics ---- */

static void
op_resize(struct ctl *c)
{
	static const int sizes[16] = { 1, 2, 3, 4, 5, 8, 16, 64, 0, -1,
	    INT_MIN, INT_MAX, KTRQ_POOL_MAX + 1, 1, 2, 3 };
	struct ktrq_stats st;
	int newsize, old, flags, error, einval;
	uint32_t before;

	newsize = sizes[u8(c) % 16];
	flags = u8(c);
	einval = newsize < 1 || newsize > KTRQ_POOL_MAX || (flags & 2);
	stats(c, &st);
	before = st.pool_size;
	old = -12345;
	error = ktrq_pool_resize((flags & 2) ? NULL : c->k, newsize,
	    (flags & 1) ? NULL : &old);
	logf_(c, "pool_resize(%s%d) = %d (old %d)\n", (flags & 2) ?
	    "NULL, " : "", newsize, error, old);
	if (einval) {
		expect_eq(c, "ktrq_pool_resize", error, EINVAL);
		return;
	}
	c->resizes++;
	expect_in(c, "ktrq_pool_resize", error, 2, 0, ENOSPC);
	if (!(flags & 1) && old != (int)before)
		bad(c, "ktrq_pool_resize: *oldsizep %d, the size was %" PRIu32,
		    old, before);
	stats(c, &st);
	if ((error == 0) != (st.pool_size == (uint32_t)newsize))
		bad(c, "ktrq_pool_resize returned %d; size now %" PRIu32
		    ", asked %d", error, st.pool_size, newsize);
	if (error != 0 && !c->armed && (uint32_t)newsize >= before)
		bad(c, "ktrq_pool_resize(%d) from %" PRIu32 " failed without "
		    "allocation faults", newsize, before);
}

static void
op_stats(struct ctl *c)
{
	struct ktrq_stats st;
	int flags = u8(c);

	if (flags & 1)
		expect_eq(c, "ktrq_stats(NULL, st)", ktrq_stats(NULL, &st),
		    EINVAL);
	if (flags & 2)
		expect_eq(c, "ktrq_stats(k, NULL)", ktrq_stats(c->k, NULL),
		    EINVAL);
	stats(c, &st);
	logf_(c, "stats: posted %" PRIu64 " written %" PRIu64 " pool %" PRIu32
	    "/%" PRIu32 "\n", st.posted, st.written, st.pool_free,
	    st.pool_size);
}

static void
op_quiesce(struct ctl *c)
{

	quiesce(c);
	logf_(c, "quiesce\n");
	stats_quiet(c, "quiescent");
}

/* ---- targets ---- */

static void
tgt_add(struct ctl *c, struct ktrq_target *t, int mem, int tainted)
{

	c->tgts[c->ntgts].t = t;
	c->tgts[c->ntgts].mem = mem;
	c->tgts[c->ntgts].tainted = tainted;
	c->ntgts++;
}

static void
op_memtarget(struct ctl *c)
{
	struct ktrq_target *t;
	int flags = u8(c), error;

	if (flags & 1) {
		expect_eq(c, "ktrq_memtarget_create(NULL os)",
		    ktrq_memtarget_create(NULL, &t), EINVAL);
		expect_eq(c, "ktrq_memtarget_create(os, NULL)",
		    ktrq_memtarget_create(c->os, NULL), EINVAL);
	}
	if (c->ntgts == MAXTG)
		return;
	error = ktrq_memtarget_create(c->os, &t);
	logf_(c, "memtarget_create = %d\n", error);
	if (error != 0) {
		if (!alloc_err_ok(c, error))
			bad(c, "ktrq_memtarget_create returned %d", error);
		return;
	}
	tgt_add(c, t, 1, 0);
}

static void
op_faulttarget(struct ctl *c)
{
	static const uint64_t fab[4] = { 0, 1, 100, 1000 };
	static const uint64_t far[4] = { 0, 1, 2, 5 };
	static const size_t sw[4] = { 0, 1, 7, 64 };
	static const uint64_t delay[4] = { 0, 0, 1000, 1000000 };
	struct tgt *inner = pick_tgt(c, u8(c));
	struct ktrq_fault f;
	struct ktrq_target *t;
	uint8_t b1 = u8(c), b2 = u8(c);
	int error, i;

	memset(&f, 0, sizeof(f));
	f.fail_after_bytes = fab[b1 % 4];
	f.fail_after_records = far[(b1 >> 2) % 4];
	f.error = fault_errors[(b1 >> 4) % 4];
	f.short_write = sw[b2 % 4];
	f.delay_ns = delay[(b2 >> 2) % 4];
	if (inner == NULL || (b2 & 0x80)) {
		error = ktrq_faulttarget_create(c->os, inner != NULL ?
		    inner->t : NULL, (b2 & 0x80) ? NULL : &f, &t);
		logf_(c, "faulttarget_create(bad args) = %d\n", error);
		expect_eq(c, "ktrq_faulttarget_create", error, EINVAL);
		return;
	}
	if (c->ntgts == MAXTG)
		return;
	error = ktrq_faulttarget_create(c->os, inner->t, &f, &t);
	logf_(c, "faulttarget_create(after %" PRIu64 " bytes, %" PRIu64
	    " records, errno %d, short %zu, delay %" PRIu64 ") = %d\n",
	    f.fail_after_bytes, f.fail_after_records, f.error, f.short_write,
	    f.delay_ns, error);
	if (error != 0) {
		if (!alloc_err_ok(c, error))
			bad(c, "ktrq_faulttarget_create returned %d", error);
		return;
	}
	c->faulty = 1;
	c->werr_mask |= (uint64_t)1 << (f.error != 0 ? f.error : EIO);
	/* Torn records may reach every target under it. */
	inner->tainted = 1;
	for (i = 0; i < c->ntgts; i++)
		c->tgts[i].tainted = 1;
	tgt_add(c, t, 0, 1);
}

static void
op_target_rele(struct ctl *c)
{
	struct tgt *tg = pick_tgt(c, u8(c));

	logf_(c, "target_rele(%s)\n", tg != NULL ? "t" : "NULL");
	ktrq_target_rele(tg != NULL ? tg->t : NULL);
	if (tg != NULL) {
		*tg = c->tgts[--c->ntgts];
		c->released = 1;
	}
}

static void
op_arm(struct ctl *c)
{

	c->armed = u8(c) & 1;
	ktrq_sim__arm_faults(c->s, c->armed);
	logf_(c, "arm faults %d\n", c->armed);
}

/* NULLs and bad arguments for everything that takes a handle. */
static int
null_write(void *arg, const struct ktrq_iov *iov, int iovcnt,
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
op_nulls(struct ctl *c)
{
	static const struct ktrq_target_ops noops = { NULL, NULL };
	static const struct ktrq_target_ops okops = { null_write, NULL };
	struct ktrq_config cf;
	struct ktrq_target *t;
	struct ktrq_iov iov;
	struct ktrq *k2;
	struct tgt *tg;
	size_t len;
	int error, which = u8(c) % 12;

	iov.base = "x";
	iov.len = 1;
	tg = pick_tgt(c, u8(c));
	logf_(c, "nulls %d\n", which);
	switch (which) {
	case 0:
		expect_eq(c, "ktrq_create(NULL)", ktrq_create(NULL, &k2),
		    EINVAL);
		ktrq_config_init(NULL, c->os);
		break;
	case 1:
		ktrq_config_init(&cf, c->os);
		expect_eq(c, "ktrq_create(cf, NULL)", ktrq_create(&cf, NULL),
		    EINVAL);
		break;
	case 2:
		expect_eq(c, "ktrq_destroy(NULL)", ktrq_destroy(NULL), EINVAL);
		break;
	case 3:
		expect_eq(c, "ktrq_proc_pid(NULL)", ktrq_proc_pid(NULL), -1);
		ktrq_target_hold(NULL);
		ktrq_target_rele(NULL);
		break;
	case 4:
		expect_eq(c, "ktrq_target_create(NULL ops)",
		    ktrq_target_create(c->os, NULL, NULL, &t), EINVAL);
		expect_eq(c, "ktrq_target_create(ops without write)",
		    ktrq_target_create(c->os, &noops, NULL, &t), EINVAL);
		expect_eq(c, "ktrq_target_create(NULL os)",
		    ktrq_target_create(NULL, &okops, NULL, &t), EINVAL);
		expect_eq(c, "ktrq_target_create(NULL tp)",
		    ktrq_target_create(c->os, &okops, NULL, NULL), EINVAL);
		break;
	case 5:
		expect_eq(c, "ktrq_target_write(NULL)",
		    ktrq_target_write(NULL, &iov, 1, &creds[0]), EINVAL);
		break;
	case 6:
		if (tg == NULL)
			break;
		expect_eq(c, "ktrq_target_write(iovcnt 9)",
		    ktrq_target_write(tg->t, &iov, KTRQ_TARGET_IOVMAX + 1,
		    &creds[0]), EINVAL);
		expect_eq(c, "ktrq_target_write(iovcnt -1)",
		    ktrq_target_write(tg->t, &iov, -1, &creds[0]), EINVAL);
		expect_eq(c, "ktrq_target_write(NULL iov)",
		    ktrq_target_write(tg->t, NULL, 1, &creds[0]), EINVAL);
		expect_eq(c, "ktrq_target_write(NULL cred)",
		    ktrq_target_write(tg->t, &iov, 1, NULL), EINVAL);
		break;
	case 7:
		len = 12345;
		if (ktrq_memtarget_data(NULL, &len) != NULL || len != 0)
			bad(c, "ktrq_memtarget_data(NULL) gave data");
		break;
	case 8:
		if (ktrq_point(NULL, KTR_SYSCALL) != 0)
			bad(c, "ktrq_point(NULL) != 0");
		break;
	case 9:
		expect_eq(c, "ktrq_proc_exit(NULL)", ktrq_proc_exit(NULL),
		    EINVAL);
		expect_eq(c, "ktrq_proc_exec(NULL)",
		    ktrq_proc_exec(NULL, "x", 1), EINVAL);
		break;
	case 10:
		expect_eq(c, "ktrq_faulttarget_create(NULL os)",
		    ktrq_faulttarget_create(NULL, tg != NULL ? tg->t : NULL,
		    NULL, &t), EINVAL);
		break;
	default:
		/* A target nobody writes: made and released at once. */
		if ((error = ktrq_target_create(c->os, &okops, NULL, &t)) == 0)
			ktrq_target_rele(t);
		else if (!alloc_err_ok(c, error))
			bad(c, "ktrq_target_create returned %d", error);
		break;
	}
}

/*
 * A second instance on the same layer: a parent from the first is
 * EINVAL, pids are its own, and it may share a target with the first.
 */
static void
op_instance2(struct ctl *c)
{
	struct ktrq_config cf;
	struct ktrq_proc *p, *q;
	struct ktrq_thread *td;
	struct ktrq *k2;
	struct proc *pp;
	struct tgt *tg;
	uint64_t arg = 7;
	uint8_t b = u8(c);
	int error;

	pp = pick_proc(c, u8(c));
	tg = pick_tgt(c, u8(c));
	ktrq_config_init(&cf, c->os);
	cf.pool_size = (b & 1) ? -5 : 1 + b % 3;
	error = ktrq_create(&cf, &k2);
	logf_(c, "instance2 create(pool %d) = %d\n", cf.pool_size, error);
	if (cf.pool_size < 1) {
		expect_eq(c, "ktrq_create(bad pool)", error, EINVAL);
		return;
	}
	if (error != 0) {
		if (!alloc_err_ok(c, error))
			bad(c, "ktrq_create returned %d", error);
		return;
	}
	if (pp != NULL)
		expect_eq(c, "ktrq_proc_create(k2, parent of k)",
		    ktrq_proc_create(k2, 1, pp->p, 1, "x", &creds[0], &q),
		    EINVAL);
	/* Same pid as a process of the first instance: independent. */
	error = ktrq_proc_create(k2, pp != NULL ? pp->pid : 1, NULL, 1, "k2",
	    &creds[1], &p);
	if (error != 0 && !alloc_err_ok(c, error))
		bad(c, "ktrq_proc_create(k2) returned %d", error);
	if (error == 0 && tg != NULL &&
	    ktrq_thread_create(p, 9, &td) == 0) {
		error = ktrq_ktrace(td, tg->t, KTROP_SET, KTRFAC_ALL,
		    ktrq_proc_pid(p));
		expect_in(c, "ktrq_ktrace(k2)", error, 1, 0);
		tg->tainted = 1;	/* its records are not ours */
		error = ktrq_syscall(td, 1, 1, &arg);
		expect_in(c, "ktrq_syscall(k2)", error, 3, 0, ENOBUFS, ENOENT);
	}
	expect_eq(c, "ktrq_destroy(k2)", ktrq_destroy(k2), 0);
}

/* ---- the run ---- */

static void
create_instance(struct ctl *c, uint8_t cfb)
{
	static const int pools[8] = { 1, 2, 3, 4, 8, 0, -1,
	    KTRQ_POOL_MAX + 1 };
	static const size_t gsizes[4] = { 0, 16, 200,
	    KTRQ_GENIO_SIZE_MAX + 1 };
	struct ktrq_config cf;
	int error, einval;

	ktrq_config_init(&cf, c->os);
	cf.pool_size = pools[cfb & 7];
	cf.flags = (cfb & 8) ? KTRQ_CF_GENIO_COPY : 0;
	cf.genio_size = gsizes[(cfb >> 4) & 3];
	if (cfb & 0x40)
		cf.flags |= 0x100;
	einval = cf.pool_size < 0 || cf.pool_size > KTRQ_POOL_MAX ||
	    cf.genio_size > KTRQ_GENIO_SIZE_MAX || (cfb & 0x40);
	error = ktrq_create(&cf, &c->k);
	logf_(c, "create(pool %d, flags %#x, genio_size %zu) = %d\n",
	    cf.pool_size, cf.flags, cf.genio_size, error);
	if (einval)
		expect_eq(c, "ktrq_create", error, EINVAL);
	else
		expect_eq(c, "ktrq_create", error, 0);
	if (error == 0) {
		c->genio_copy = (cf.flags & KTRQ_CF_GENIO_COPY) != 0;
		return;
	}
	/* Fall back to a good configuration, keeping what was valid. */
	cf.flags &= KTRQ_CF_GENIO_COPY;
	if (cf.pool_size < 0 || cf.pool_size > KTRQ_POOL_MAX)
		cf.pool_size = 2;
	if (cf.genio_size > KTRQ_GENIO_SIZE_MAX)
		cf.genio_size = 0;
	expect_eq(c, "ktrq_create", ktrq_create(&cf, &c->k), 0);
	c->genio_copy = (cf.flags & KTRQ_CF_GENIO_COPY) != 0;
}

/* The whole records at the start of p[0..len). */
static uint64_t
count_records(const uint8_t *p, size_t len)
{
	struct ktrq_rec_hdr h;
	const uint8_t *pl;
	size_t off;
	uint64_t n;

	off = 0;
	for (n = 0; ktrq_rec_next(p, len, &off, &h, &pl) == 0; n++)
		;
	return (n);
}

/* The trace in an untainted memory target must read back cleanly. */
static uint64_t
check_trace(struct ctl *c, struct ktrq_target *t)
{
	struct ktrq_dump_opts o;
	const uint8_t *data;
	FILE *in, *out;
	size_t len;
	int status;

	data = ktrq_memtarget_data(t, &len);
	if (len == 0)
		return (0);
	if ((in = fmemopen((void *)(uintptr_t)data, len, "r")) == NULL ||
	    (out = fopen("/dev/null", "w")) == NULL) {
		perror("fuzz_control");
		abort();
	}
	ktrq_dump_opts_init(&o);
	status = ktrq_dump_stream(in, "memtarget", out, stderr, &o);
	fclose(in);
	fclose(out);
	if (status != KTRQ_DUMP_OK)
		bad(c, "a memory target's trace (%zu bytes) is corrupt", len);
	return (count_records(data, len));
}

static void
root(void *arg)
{
	struct ctl *c = arg;
	struct ktrq_stats st;
	uint64_t records;
	int i, error, untainted;
	uint8_t opb;

	c->werr_mask = (uint64_t)1 << EIO | (uint64_t)1 << ENOMEM;
	c->leave_procs = c->len > 5 && (c->in[5] & 1);
	if ((error = c->os->mtx_init(c->os->cookie, &c->qmtx, "fuzz")) != 0)
		bad(c, "mtx_init: %d", error);
	create_instance(c, c->len > 4 ? c->in[4] : 0);
	c->pos = HDR_LEN;
	for (c->op = 0; c->pos < c->len && c->op < MAX_OPS; c->op++) {
		opb = u8(c);
		c->opname = opnames[opb % NOPS];
		switch ((enum op)(opb % NOPS)) {
		case OP_PROC_CREATE:	op_proc_create(c); break;
		case OP_PROC_FORK:	op_proc_fork(c); break;
		case OP_PROC_EXIT:	op_proc_exit(c); break;
		case OP_PROC_EXEC:	op_proc_exec(c); break;
		case OP_THREAD_CREATE:	op_thread_create(c); break;
		case OP_THREAD_DESTROY:	op_thread_destroy(c); break;
		case OP_KTRACE:		op_ktrace(c); break;
		case OP_SYSCALL:	op_syscall(c); break;
		case OP_SYSRET:		op_sysret(c); break;
		case OP_NAMEI:		op_namei(c); break;
		case OP_GENIO:		op_genio(c); break;
		case OP_PSIG:		op_psig(c); break;
		case OP_CSW:		op_csw(c); break;
		case OP_UTRACE:		op_utrace(c); break;
		case OP_POINT:		op_point(c); break;
		case OP_RESIZE:		op_resize(c); break;
		case OP_STATS:		op_stats(c); break;
		case OP_QUIESCE:	op_quiesce(c); break;
		case OP_MEMTARGET:	op_memtarget(c); break;
		case OP_FAULTTARGET:	op_faulttarget(c); break;
		case OP_TARGET_RELE:	op_target_rele(c); break;
		case OP_ARM:		op_arm(c); break;
		case OP_NULLS:		op_nulls(c); break;
		case OP_INSTANCE2:	op_instance2(c); break;
		case NOPS:		break;
		}
	}
	c->opname = "teardown";
	ktrq_sim__arm_faults(c->s, 0);
	c->armed = 0;
	quiesce(c);
	stats_quiet(c, "quiescent at the end");
	if (!c->leave_procs) {
		while (c->nprocs > 0) {
			struct ktrq_proc *p = c->procs[0].p;

			expect_eq(c, "ktrq_proc_exit", ktrq_proc_exit(p), 0);
			proc_forget(c, p);
		}
		stats_quiet(c, "after every exit");
	}
	stats(c, &st);
	expect_eq(c, "ktrq_destroy", ktrq_destroy(c->k), 0);
	c->k = NULL;
	for (records = 0, untainted = 1, i = 0; i < c->ntgts; i++) {
		if (c->tgts[i].tainted)
			untainted = 0;
		else if (c->tgts[i].mem)
			records += check_trace(c, c->tgts[i].t);
	}
	/*
	 * Every record went to a target still held (a released one may
	 * have taken some), and none through a fault target or from k2.
	 */
	if (untainted && !c->faulty && !c->released &&
	    records != st.written)
		bad(c, "the memory targets hold %" PRIu64 " records, the "
		    "statistics say %" PRIu64 " were written", records,
		    st.written);
	while (c->ntgts > 0)
		ktrq_target_rele(c->tgts[--c->ntgts].t);
	c->os->mtx_destroy(c->os->cookie, c->qmtx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t none[HDR_LEN];
	struct sim_params simp;
	struct ktrq_sim__result res;
	struct ctl *c;
	enum sim_status status;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->log = malloc(LOG_CAP)) == NULL)
		abort();
	c->log[0] = '\0';
	c->in = size != 0 ? data : none;
	c->len = size;
	ktrq_sim__params_init(&simp);
#ifdef FUZZ_TSAN
	simp.vehicle = SIM_VEHICLE_PTHREAD;
#else
	simp.vehicle = SIM_VEHICLE_FIBER;
#endif
	simp.seed = size > 1 ? (uint64_t)data[0] | (uint64_t)data[1] << 8 : 0;
	simp.strategy = size > 4 && (data[4] & 0x80) ? SIM_STRAT_PCT :
	    SIM_STRAT_RANDOM;
	simp.spurious_permille = 0;	/* quiesce() relies on both */
	simp.timeout_permille = 0;
	simp.fault_enable_permille = size > 2 ? data[2] * 1000u / 255u : 0;
	simp.fault_fire_permille = size > 3 ? data[3] * 1000u / 255u : 0;
	simp.max_steps = 2000000;
	if (ktrq_sim__create(&simp, NULL, &c->s) != 0)
		abort();
	c->os = ktrq_sim__os(c->s);
	status = ktrq_sim__run(c->s, root, c);
	fuzz_fix_asan_stack();
	ktrq_sim__result(c->s, &res);
	if (status != SIM_OK || res.alloc_live != 0) {
		fprintf(stderr, "\n==== fuzz_control: calls made:\n%s", c->log);
		if (status == SIM_OK)
			fprintf(stderr, "==== fuzz_control: leak: %" PRIu64
			    " bytes allocated through the layer were never "
			    "freed\n", res.alloc_live);
		else
			fprintf(stderr, "==== fuzz_control: %s\n",
			    res.message);
		fflush(stderr);
		abort();
	}
	if (getenv("FUZZ_CONTROL_LOG") != NULL)
		fprintf(stderr, "==== fuzz_control: %zu bytes, calls made:\n%s",
		    size, c->log);
	ktrq_sim__destroy(c->s);
	free(c->log);
	free(c);
	return (0);
}
