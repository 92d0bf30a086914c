/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libktrq: FreeBSD's 2002 ktrace request queue, in userspace.
 *
 * An instance (struct ktrq) owns a pool of pre-allocated request objects,
 * one FIFO todo list of pending requests and one worker thread that
 * writes them to their trace targets.  Events are posted by traced
 * threads (struct ktrq_thread) of traced processes (struct ktrq_proc);
 * ktrq_ktrace() attaches processes to targets with ktrace(2)'s semantics.
 *
 * Everything runs on the platform layer the instance was created with
 * (ktrq/os.h).  Instances share nothing: a program may run many side by
 * side, on the same or different layers.
 *
 * Return values: every function that can fail returns 0 or an errno value
 * and never sets errno.  Event points return one of the outcome codes
 * documented at "Event points".
 *
 * Concurrency, unless a function says otherwise:
 *  - functions on one instance may be called concurrently from any number
 *    of OS threads;
 *  - a struct ktrq_thread is used by one OS thread at a time (it is the
 *    analogue of curthread: the caller "is" that thread while it posts);
 *  - event points may overlap ktrq_proc_exit() of their process and
 *    ktrq_destroy() of their instance: those already inside are waited
 *    for, those that begin meanwhile return ESRCH; see each of the two.
 *    Nothing else may overlap ktrq_destroy(), nothing but event points
 *    may be called on a process (or its threads) during its exit, and
 *    nothing at all once either call returned: they free the objects.
 *
 * fork(2): an instance is unusable in a child forked after it was
 * created (the layer's forked() says so; ktrq/os.h).  The child has a
 * copy of the instance but no worker thread, and its locks may have been
 * held by parent threads that did not come along; so in the child every
 * call on the instance, or on its processes and threads, returns
 * EOWNERDEAD at once, after the argument checks (EINVAL) and before
 * taking any lock.  Nothing is queued, written or counted, and
 * ktrq_proc_pid() alone still answers (it reads an immutable field).
 * ktrq_point() returns 0 there, being a yes/no question.
 * ktrq_destroy() frees nothing: the child cannot reclaim its copy of the
 * instance, which goes with the process (exec or exit).  ktrq_create()
 * on a layer made before the fork returns EOWNERDEAD as well: a child
 * that traces makes a layer of its own (ktrq_os_pth_create) and an
 * instance on it.  Targets belong to no instance and are not checked; a
 * child must not use those made before the fork either.  The parent is
 * unaffected: its records, counters and worker go on as if no fork had
 * happened.
 */
#ifndef KTRQ_KTRQ_H
#define KTRQ_KTRQ_H

#include <stddef.h>
#include <stdint.h>

#include "ktrq/os.h"
#include "ktrq/record.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ktrq;
struct ktrq_proc;
struct ktrq_thread;
struct ktrq_target;

/*
 * The version of the library linked at run time ("0.2.0"): compare with
 * KTRQ_VERSION_STRING of <ktrq/version.h>, the headers' version.  Never
 * fails; any thread, any time.
 */
const char *ktrq_version(void);

/* ------------------------------------------------------------------ */
/* Instances                                                          */
/* ------------------------------------------------------------------ */

/* Largest pool a resize or the start-time setting may ask for. */
#define	KTRQ_POOL_MAX		1000000
/* genio bytes recorded per event unless configured (one page). */
#define	KTRQ_GENIO_SIZE_DEFAULT	4096
#define	KTRQ_GENIO_SIZE_MAX	(1 << 20)
/* Name of the start-time setting read through os->tunable(). */
#define	KTRQ_POOL_TUNABLE	"KTRQ_REQUEST_POOL"

/*
 * Batched writes: the worker writes up to KTRQ_BATCH_MAX consecutive
 * asynchronous records for one target, with the same credentials, in one
 * gathered write of at most KTRQ_TARGET_IOVMAX pieces and (past its first
 * record) KTRQ_BATCH_BYTES bytes.
 */
#define	KTRQ_BATCH_MAX		64
#define	KTRQ_BATCH_BYTES	(64 * 1024)
/*
 * While batching, a poster wakes a sleeping worker only when
 * KTRQ_WAKE_BATCH records wait (or half the pool, if that is fewer), or
 * when someone waits for the queue (a synchronous genio, an exit's drain,
 * a poster under back-pressure, destruction); otherwise the worker looks
 * again after KTRQ_WAKE_DELAY_NS on the layer's clock.  That is the bound
 * on how long a record waits in the queue before its write begins when
 * the worker is idle.
 */
#define	KTRQ_WAKE_BATCH		256
#define	KTRQ_WAKE_DELAY_NS	1000000ULL

/*
 * Back-pressure (KTRQ_CF_BACKPRESSURE): a poster finding the pool empty
 * waits this long for an object by default (NetBSD's ktrace timeout).
 * KTRQ_BACKPRESSURE_TUNABLE names the start-time setting (decimal ns).
 */
#define	KTRQ_BACKPRESSURE_NS_DEFAULT	5000000000ULL
#define	KTRQ_BACKPRESSURE_TUNABLE	"KTRQ_BACKPRESSURE_NS"

/*
 * Payload bytes held in each pooled request (a record's fixed part and
 * its data): a 256-byte request on LP64 hosts by default.  The largest
 * fixed part (a syscall with KTRQ_REC_MAXARGS arguments) always fits.
 */
#define	KTRQ_INLINE_DEFAULT	136
#define	KTRQ_INLINE_MIN		72
#define	KTRQ_INLINE_MAX		32768

/* ktrq_config.flags */
#define	KTRQ_CF_GENIO_COPY	0x0001	/* genio: copy and post async (2004) */
#define	KTRQ_CF_BACKPRESSURE	0x0002	/* empty pool: wait, then drop */

/*
 * Probes: where a request is in its life, for oracles and timelines (the
 * SDT probes of a kernel).  `serial` numbers requests in the order they
 * entered the todo list (from 1, per instance).
 */
enum ktrq_probe_kind {
	KTRQ_PROBE_ENQUEUE,	/* appended to todo; k_mtx held */
	KTRQ_PROBE_TAKE,	/* worker took it off the head; k_mtx held */
	KTRQ_PROBE_WRITE_BEGIN,	/* its writer starts writing; no lock */
	KTRQ_PROBE_WRITE_END,	/* written (error 0) or failed; no lock */
	KTRQ_PROBE_DROP,	/* finished unwritten (cleared); k_mtx held */
	KTRQ_PROBE_CAPTURE,	/* taken for an event; type shows KTR_DROP */
	KTRQ_PROBE_NOBUFS,	/* event dropped: error 0 pool, ENOMEM */
	KTRQ_PROBE_DETACH	/* process `pid` stopped tracing */
};

struct ktrq_probe {
	enum ktrq_probe_kind	 kind;
	uint64_t		 serial;	/* 0 before enqueue */
	int			 pid;
	int64_t			 tid;
	int			 type;		/* with KTR_DROP if marked */
	int			 sync;		/* written by its poster */
	int			 error;		/* WRITE_END, DROP, NOBUFS */
	/*
	 * The request's target as captured, an identity to compare and
	 * never to dereference; NULL in the probes about a process
	 * (NOBUFS, DETACH, a DROP before a request was taken).
	 */
	const void		*target;
};

struct ktrq_config {
	/* Platform layer; required, must outlive the instance. */
	const struct ktrq_os	*os;
	/*
	 * Pool size.  0: the tunable KTRQ_REQUEST_POOL when set (the
	 * loader-tunable analogue), else the compile-time KTRQ_REQUEST_POOL
	 * (100 unless the build says otherwise).  The tunable must be
	 * decimal digits alone: a sign, blank or anything else makes
	 * ktrq_create fail with EINVAL.  Nonzero: this size,
	 * whatever the tunable says.
	 */
	int			 pool_size;
	/* Cap on recorded genio bytes; 0 means KTRQ_GENIO_SIZE_DEFAULT. */
	size_t			 genio_size;
	unsigned		 flags;		/* KTRQ_CF_* */
	/* Log sink; NULL means os->log.  Called with no lock held. */
	void			(*log)(void *arg, int level, const char *msg);
	void			*log_arg;
	/*
	 * Probe hook, NULL for none.  Called from posting threads and the
	 * worker, sometimes with k_mtx held (see enum ktrq_probe_kind): it
	 * must not call into libktrq or block.
	 */
	void			(*probe)(void *arg, const struct ktrq_probe *);
	void			*probe_arg;
	/*
	 * Records per gathered write: 0, the default, as many as fit
	 * (KTRQ_BATCH_MAX); 1, the 2002 behaviour (one record per write,
	 * and every post wakes a sleeping worker); at most KTRQ_BATCH_MAX.
	 */
	int			 batch_max;
	/*
	 * Back-pressure timeout in ns.  With KTRQ_CF_BACKPRESSURE, 0 means
	 * the tunable KTRQ_BACKPRESSURE_NS when set, else
	 * KTRQ_BACKPRESSURE_NS_DEFAULT.  Without the flag it must be 0, and
	 * the tunable, when set to a nonzero timeout, turns back-pressure
	 * on (0 keeps it off).
	 */
	uint64_t		 backpressure_ns;
	/*
	 * Payload bytes stored in each pooled request; larger payloads are
	 * allocated when posted.  0: KTRQ_INLINE_DEFAULT; otherwise from
	 * KTRQ_INLINE_MIN to KTRQ_INLINE_MAX.
	 */
	size_t			 inline_size;
};

/* Fill `cf` with defaults for layer `os`.  Never fails. */
void	ktrq_config_init(struct ktrq_config *cf, const struct ktrq_os *os);

/*
 * Create an instance: check the layer (ktrq_os_check), allocate the pool,
 * start the worker thread.  Returns 0, EINVAL (NULL, a layer that fails
 * the check, pool size < 1 or > KTRQ_POOL_MAX from the config or the
 * tunable, genio_size > KTRQ_GENIO_SIZE_MAX, unknown flags, batch_max
 * outside 0..KTRQ_BATCH_MAX, inline_size outside its range, a
 * backpressure_ns without KTRQ_CF_BACKPRESSURE, a bad
 * KTRQ_BACKPRESSURE_NS tunable), ENOTSUP
 * (layer version mismatch), EOWNERDEAD (the layer was made before this
 * process was forked from its parent), ENOMEM, or the layer's error for
 * the thread.  A bad tunable is reported through the log sink as well.
 */
int	ktrq_create(const struct ktrq_config *cf, struct ktrq **kp);

/*
 * Drain and destroy: every process stops taking events, the call waits
 * until no thread is inside an event point, then every queued record is
 * written or counted as dropped, the worker is joined, every remaining
 * process exits (its target released), the pool is freed.
 *
 * Event points may overlap the call (a program stopping while threads
 * still post): one already under way when destroy is called is waited
 * for and ends as usual (its record queued and then written, or dropped
 * and counted; one waiting for a request object under back-pressure
 * gives up with ENXIO), and one that begins while destroy waits returns
 * ESRCH at once, counting nothing.  Their threads must stop there: a
 * call made once destroy may have freed the instance -- in any case once
 * it returned -- uses freed memory, which only the caller can prevent
 * (join the posting threads, or have them stop on ESRCH before anything
 * else waits for them).  No other call on `k` (processes, threads,
 * control, resize, statistics) may be in progress, and none may follow.
 * Destroy must not be called from inside an event point (a target's
 * write, a probe, a layer hook): it would wait for itself.
 *
 * Returns 0, EINVAL (NULL) or EOWNERDEAD (in a child forked after `k`
 * was created: nothing is drained or freed, and `k` stays unusable
 * there; see fork(2) above).
 */
int	ktrq_destroy(struct ktrq *k);

struct ktrq_stats {
	uint32_t	pool_size;	/* request objects owned */
	uint32_t	pool_free;	/* on the free list */
	uint32_t	pool_inuse;	/* size - free: queued or being written */
	uint32_t	todo_depth;	/* on the todo list */
	uint64_t	posted;		/* events that passed KTRPOINT */
	uint64_t	written;	/* records fully written */
	uint64_t	dropped_exhausted; /* no request object (or memory) */
	uint64_t	dropped_write_error; /* the write itself failed */
	uint64_t	dropped_cleared; /* target detached before writing */
	uint64_t	write_errors;	/* failed writes (each stops a target) */
	uint64_t	warnings;	/* exhaustion warnings printed */
	uint64_t	writes;		/* target write calls (a batch is one) */
	uint64_t	bp_waits;	/* posts that waited for an object */
	uint64_t	bp_timeouts;	/* of those, dropped at the timeout */
};

/*
 * A consistent snapshot (taken under the instance mutex).  When no event
 * is in flight, posted == written + dropped_exhausted +
 * dropped_write_error + dropped_cleared and pool_free == pool_size.
 * Returns 0, EINVAL or EOWNERDEAD (a forked child; *st is untouched).
 */
int	ktrq_stats(struct ktrq *k, struct ktrq_stats *st);

/*
 * The kern.ktrace_request_pool sysctl.  Re-arms the exhaustion warning
 * (even when the size is unchanged), then grows or shrinks the pool one
 * object at a time.  Shrinking frees only objects on the free list: those
 * in use are never reclaimed.  *oldsizep (if not NULL) gets the size
 * before the call.  Returns 0 when the size reached is `newsize`, ENOSPC
 * when it differs (objects in use, or memory ran out), EINVAL for a size
 * < 1 or > KTRQ_POOL_MAX, EOWNERDEAD in a forked child (nothing changes,
 * *oldsizep is untouched).  Concurrent resizes are serialised.
 */
int	ktrq_pool_resize(struct ktrq *k, int newsize, int *oldsizep);

/* ------------------------------------------------------------------ */
/* The traced world                                                   */
/* ------------------------------------------------------------------ */

/* Supplementary groups a process may carry (FreeBSD's NGROUPS). */
#define	KTRQ_NGROUPS	16

/*
 * A process's ids.  Its group set is the effective gid plus the
 * supplementary groups of ktrq_proc_setgroups (none at creation).
 */
struct ktrq_cred {
	uint32_t	uid, ruid, svuid;	/* effective, real, saved */
	uint32_t	gid, rgid, svgid;
};

/*
 * Make process `pid` (> 0, unique among this instance's live processes)
 * with parent `parent` (NULL: none, like init's children), process group
 * `pgid` (> 0), command name `comm` (truncated to 19 bytes) and
 * credentials `cred`.  It is not traced.  Returns 0, EINVAL, EEXIST (pid
 * in use) or ENOMEM.
 */
int	ktrq_proc_create(struct ktrq *k, int pid, struct ktrq_proc *parent,
	    int pgid, const char *comm, const struct ktrq_cred *cred,
	    struct ktrq_proc **pp);

/*
 * setgroups(2): `p`'s supplementary groups become groups[0..ngroups)
 * (ngroups 0: none).  Any thread may call it, concurrently with ktrace()
 * and events; a ktrace() already deciding sees the old or the new set.
 * Returns 0 or EINVAL (NULL p, ngroups outside 0..KTRQ_NGROUPS, NULL
 * groups with ngroups > 0).
 */
int	ktrq_proc_setgroups(struct ktrq_proc *p, int ngroups,
	    const uint32_t *groups);

/*
 * fork(2): a child `child_pid` of `parent` with its comm, credentials
 * (supplementary groups included) and process group.  With KTRFAC_INHERIT the child is traced to the same
 * target with the same facilities (the drop mark is not inherited).
 * Returns as ktrq_proc_create.
 */
int	ktrq_proc_fork(struct ktrq_proc *parent, int child_pid,
	    struct ktrq_proc **childp);

/*
 * exit(2): `p` stops taking events, then the call waits until no thread
 * of `p` is inside an event point and every record of `p` already queued
 * is written or dropped; then it detaches `p`, destroys its threads and
 * frees it; its children lose their parent.  Other processes post, fork
 * and exit meanwhile.
 *
 * A kernel single-threads a process before exit.  Here `p`'s threads may
 * still be posting: an event point of theirs already under way when exit
 * is called is waited for and ends as usual (its record written before
 * exit returns, or dropped and counted; one waiting for a request object
 * under back-pressure gives up with ENXIO), and one that begins while
 * exit waits returns ESRCH at once, counting nothing.  Their threads must
 * stop there: `p` and its threads are freed when exit returns, and a call
 * on them made once exit may be done uses freed memory, which only the
 * caller can prevent (join the threads first, or have them stop on
 * ESRCH before anything else waits for them).  No call but event points
 * may be made on `p` or its threads during the exit, and exit must not
 * be called from inside an event point (a target's write, a probe, a
 * layer hook): it would wait for itself.
 *
 * Returns 0, EINVAL or EOWNERDEAD (a forked child).  `p` is invalid
 * after.
 */
int	ktrq_proc_exit(struct ktrq_proc *p);

/*
 * execve(2) of an image named `comm`.  A set-id image marks the process
 * set-id (only root may trace it from then on) and stops its tracing
 * unless root set it (KTRFAC_ROOT); its queued records are then dropped
 * as cleared.  Returns 0 or EINVAL.
 */
int	ktrq_proc_exec(struct ktrq_proc *p, const char *comm, int setid);

/* The pid of `p`, or -1 for NULL.  Lock-free: pids never change. */
int	ktrq_proc_pid(const struct ktrq_proc *p);

/*
 * A thread `tid` of `p` (tids are recorded, not checked for
 * uniqueness).  Returns 0, EINVAL or ENOMEM.
 */
int	ktrq_thread_create(struct ktrq_proc *p, int64_t tid,
	    struct ktrq_thread **tdp);
/*
 * Destroy a thread that is not inside an event point, of a process that
 * is not exiting (exit destroys its threads).  0, EINVAL or EOWNERDEAD.
 */
int	ktrq_thread_destroy(struct ktrq_thread *td);

/* ------------------------------------------------------------------ */
/* Trace targets (the vnode)                                          */
/* ------------------------------------------------------------------ */

struct ktrq_iov {
	const void	*base;
	size_t		 len;
};

struct ktrq_target_ops {
	/*
	 * Append the concatenation of iov[0..iovcnt) as one write, with
	 * credentials `cred`.  Returns 0 and sets *donep to the bytes
	 * written (a short count is allowed: the caller writes the rest),
	 * or an errno.  Never called concurrently on one target by one
	 * instance; several instances sharing a target must be safe.
	 */
	int	(*write)(void *arg, const struct ktrq_iov *iov, int iovcnt,
		    const struct ktrq_cred *cred, size_t *donep);
	/*
	 * Called once, when the last reference goes; may be NULL.  It may
	 * run on the worker thread, after the call that dropped a
	 * process's reference returned (ktrq_proc_exit, a CLEAR): the
	 * request just written holds one until the worker finishes it.
	 * Called with no libktrq lock but maybe the process tree's held:
	 * it must not call into libktrq.
	 */
	void	(*release)(void *arg);
};

/*
 * A target with one reference, owned by the caller.  Returns 0, EINVAL
 * or ENOMEM.  Reference counting is safe from any thread.
 */
int	ktrq_target_create(const struct ktrq_os *os,
	    const struct ktrq_target_ops *ops, void *arg,
	    struct ktrq_target **tp);
void	ktrq_target_hold(struct ktrq_target *t);
void	ktrq_target_rele(struct ktrq_target *t);

/* The bytes iov[0..iovcnt) hold (0 for iovcnt <= 0).  Pure. */
size_t	ktrq_iov_total(const struct ktrq_iov *iov, int iovcnt);

/* Most pieces one write may have. */
#define	KTRQ_TARGET_IOVMAX	64

/*
 * Transient target errors (EINTR, EAGAIN, EWOULDBLOCK) are retried at
 * most KTRQ_TARGET_RETRIES times in a row, the n-th retry after a pause
 * of n * KTRQ_TARGET_RETRY_NS on the layer's clock; after that the error
 * is the write's, and the write-error policy runs.  The count starts
 * again whenever the target takes bytes, so every record of a gathered
 * write gets as many retries as a record written alone.
 */
#define	KTRQ_TARGET_RETRIES	5
#define	KTRQ_TARGET_RETRY_NS	1000000

/*
 * Write the whole of iov through the target, retrying short writes and
 * (as above) transient errors.  Returns 0, EINVAL (NULL, iovcnt outside
 * 0..KTRQ_TARGET_IOVMAX), the target's errno, or EIO when it made no
 * progress or claimed more than it was given.
 */
int	ktrq_target_write(struct ktrq_target *t, const struct ktrq_iov *iov,
	    int iovcnt, const struct ktrq_cred *cred);
/*
 * The same, and *donep is the bytes the target took, also when it then
 * failed (0 on EINVAL).  A target that wraps another returns such a
 * partial success as a short write of its own, so that the writer above
 * counts the records that went through (a batch's policy).
 */
int	ktrq_target_write_done(struct ktrq_target *t,
	    const struct ktrq_iov *iov, int iovcnt,
	    const struct ktrq_cred *cred, size_t *donep);

/*
 * In-memory target for tests and harnesses.  ktrq_memtarget_data returns
 * the bytes written so far and their length; valid until the next write,
 * so call it when no writer is active.  Writes fail with ENOMEM when the
 * layer runs out of memory.
 */
int	ktrq_memtarget_create(const struct ktrq_os *os,
	    struct ktrq_target **tp);
const uint8_t *ktrq_memtarget_data(struct ktrq_target *t, size_t *lenp);

/*
 * Fault-injecting wrapper around `inner` (which it holds a reference
 * to).  Each limit is off when 0.  The limits are exact when one writer
 * at a time uses the target (one instance: the queue serialises its
 * writes).
 */
struct ktrq_fault {
	uint64_t	fail_after_bytes;   /* bytes accepted before failing;
					       a record that would cross
					       it fails whole (no torn
					       record reaches `inner`) */
	uint64_t	fail_after_records; /* records accepted before
					       failing (found by their
					       headers, also within one
					       gathered write) */
	int		error;		    /* errno to fail with (EIO if 0) */
	size_t		short_write;	    /* at most this many per call */
	uint64_t	delay_ns;	    /* layer-clock sleep per call */
};
int	ktrq_faulttarget_create(const struct ktrq_os *os,
	    struct ktrq_target *inner, const struct ktrq_fault *f,
	    struct ktrq_target **tp);

/*
 * A file opened for appending (created 0644 if missing); host builds
 * only (src/os/).  Returns 0, EINVAL or the open(2) errno.
 */
int	ktrq_filetarget_open(const struct ktrq_os *os, const char *path,
	    struct ktrq_target **tp);

/* ------------------------------------------------------------------ */
/* Control: ktrace(2)                                                 */
/* ------------------------------------------------------------------ */

#define	KTROP_SET		0
#define	KTROP_CLEAR		1
#define	KTROP_CLEARFILE		2
#define	KTROP(o)		((o) & 3)
#define	KTRFLAG_DESCEND		4

#define	KTRFAC_MASK		0x00ffffff
#define	KTRFAC_SYSCALL		(1 << KTR_SYSCALL)
#define	KTRFAC_SYSRET		(1 << KTR_SYSRET)
#define	KTRFAC_NAMEI		(1 << KTR_NAMEI)
#define	KTRFAC_GENIO		(1 << KTR_GENIO)
#define	KTRFAC_PSIG		(1 << KTR_PSIG)
#define	KTRFAC_CSW		(1 << KTR_CSW)
#define	KTRFAC_USER		(1 << KTR_USER)
#define	KTRFAC_ALL		(KTRFAC_SYSCALL | KTRFAC_SYSRET |	\
				 KTRFAC_NAMEI | KTRFAC_GENIO |		\
				 KTRFAC_PSIG | KTRFAC_CSW | KTRFAC_USER)
#define	KTRFAC_ROOT		0x80000000U
#define	KTRFAC_INHERIT		0x40000000
#define	KTRFAC_DROP		0x20000000

/*
 * ktrace(2) called by thread `td`: apply `ops` (KTROP_SET, KTROP_CLEAR,
 * KTROP_CLEARFILE, optionally | KTRFLAG_DESCEND) with facilities `facs`
 * to process `pid`, or to process group -pid when pid < 0, attaching to
 * or detaching from target `t` (required for SET and CLEARFILE).  A
 * process may be changed only if ktrcanset allows it, FreeBSD 2002's
 * rule: never when root set its tracing (KTRFAC_ROOT) and the caller is
 * not root (effective uid 0); otherwise p_candebug: always the caller's
 * own process (even set-id); else root; else the caller's effective uid
 * equals the target's effective, real and saved uids, every gid of the
 * target (effective, supplementary, real, saved) is in the caller's group
 * set, and the target is not set-id (P_SUGID, after a set-id exec).  Detaching drops the
 * process's queued records (counted as cleared): nothing is taken for
 * writing to a target after it was detached.  CLEARFILE detaches the
 * processes on that target the caller may change and drops their
 * records still queued for it; other processes' records stay queued and
 * are written.  A record dropped unwritten marks its process's next
 * record KTR_DROP (a detach forgets the mark).  SET to a different target drops the
 * process's events still being posted for the old one.
 * Returns 0; EINVAL (bad ops or facilities, no facility with SET/CLEAR,
 * NULL target where one is needed, pid 0 except with CLEARFILE, which
 * ignores pid); ESRCH (no such process or
 * group); EPERM (no process could be changed, or with CLEARFILE any
 * could not).
 */
int	ktrq_ktrace(struct ktrq_thread *td, struct ktrq_target *t, int ops,
	    int facs, int pid);

/* ------------------------------------------------------------------ */
/* Event points                                                       */
/* ------------------------------------------------------------------ */

/*
 * Outcome codes, the same for every event point:
 *   0		the record was queued (or, for a synchronous genio,
 *		written);
 *   ENOENT	not traced: the process does not trace this type;
 *   EALREADY	suppressed: `td` is already inside libktrq (an event
 *		raised from the layer while posting), the recursion guard;
 *   ENOBUFS	dropped: no request object (or no memory for a payload
 *		larger than KTRQ_INLINE_DATA); counted, and the process's
 *		next record carries KTR_DROP;
 *   EINVAL	bad arguments (NULL td, narg out of range, utrace longer
 *		than KTRQ_REC_USER_MAX, ...); nothing is counted;
 *   ENXIO	tracing of the process stopped (a detach) after the
 *		event was taken and before it was queued, or, while it was
 *		queued, before the worker took it; counted as cleared (a
 *		record the worker had already taken is still written);
 *   EOWNERDEAD	the caller is a child forked after the instance was
 *		created (fork(2), at the top of this file): the instance
 *		is unusable here; nothing is counted, nothing blocks;
 *   ESRCH	too late: the process is exiting (ktrq_proc_exit, or
 *		ktrq_destroy of the instance, has begun and waits for
 *		other event points to end); nothing is counted, nothing
 *		blocks, and the thread must post no more (see
 *		ktrq_proc_exit);
 *   other	synchronous genio only: the write failed with this errno
 *		(counted; the write-error policy ran); a target errno that
 *		would read as one of the codes above is returned as EIO.
 * Every event counted as posted is eventually exactly one of written,
 * dropped_exhausted, dropped_write_error or dropped_cleared.
 */

/*
 * Variable payload bytes any request holds without allocating, with the
 * default inline_size (the fixed parts of genio and of the types without
 * data leave at least this much).
 */
#define	KTRQ_INLINE_DATA	128

/*
 * KTRPOINT(td, type): nonzero when an event of `type` from `td` would be
 * recorded now (traced, not exiting, and td not inside libktrq).
 * Advisory: posting checks again.  0 in a forked child (fork(2) above).
 * An asynchronous event point copies its event and reads the clock
 * before its one locked check, so code posting many events of untraced
 * processes saves that by asking here first, as sys/kern's KTRPOINT()
 * does.
 */
int	ktrq_point(struct ktrq_thread *td, int type);

int	ktrq_syscall(struct ktrq_thread *td, int code, int narg,
	    const uint64_t *args);
int	ktrq_sysret(struct ktrq_thread *td, int code, int error,
	    int64_t retval);
int	ktrq_namei(struct ktrq_thread *td, const char *path);
/*
 * genio: `len` bytes at `buf` moved on descriptor `fd` (rw 0 read, 1
 * write); at most genio_size bytes are recorded.  Synchronous: the record
 * is queued, the caller sleeps until the worker reaches it, writes it from
 * `buf` in its own context and lets the worker go on, so it lands in
 * todo-list order.  With KTRQ_CF_GENIO_COPY the bytes are copied and the
 * event is posted like any other.
 */
int	ktrq_genio(struct ktrq_thread *td, int fd, int rw, const void *buf,
	    size_t len);
int	ktrq_psig(struct ktrq_thread *td, int signo, uint64_t action,
	    int code, const uint32_t mask[4]);
int	ktrq_csw(struct ktrq_thread *td, int out, int user);
/* utrace(2): more than KTRQ_REC_USER_MAX bytes is EINVAL. */
int	ktrq_utrace(struct ktrq_thread *td, const void *addr, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* !KTRQ_KTRQ_H */
