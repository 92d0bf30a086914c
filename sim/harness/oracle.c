/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The oracle: after a simulated run, decide from the ordered event log
 * and the trace bytes whether the core kept every promise.
 *
 *  1. FIFO: the worker takes requests in the order they entered the todo
 *     list, and records are written in that order, one writer at a time,
 *     each only after it was taken (so a synchronous record lies between
 *     its thread's earlier and later ones, and no fast path wrote around
 *     a request the worker held).  A batch is one write of several
 *     asynchronous records: they all begin, in order, before any ends,
 *     and end in order; after a record ends with an error the rest of
 *     its batch is dropped, in order.
 *  2. The trace is exactly the successful writes, in order: same pid,
 *     tid, type and flags, and the payload carries the tag of the post
 *     that made it; every thread's tags increase; each record goes to
 *     the target it was captured for; and each record, read back with
 *     the public decoders, says field by field what its post put in
 *     (decode.c).  A write error on a plain sim target is never a
 *     transient errno (the sim target never refuses a record more
 *     often than the core retries it).
 *  3. Nothing lost: every post that passed KTRPOINT is written or counted
 *     dropped, and the statistics agree with the log, kind by kind.
 *  4. KTR_DROP exactly where drops happened: a request captured for a
 *     process carries the mark iff that process lost an event (no
 *     request object, or a request dropped unwritten) since its previous
 *     capture (a detach forgets pending marks).
 *  5. Detach: no request captured before its process was detached, and
 *     not yet taken by the worker then, is written; and none captured
 *     before a write error on a target or a CLEARFILE of it, and taken
 *     after, is written to that target.
 *  6. Exit drains: when ktrq_proc_exit returns, all the process's
 *     requests are finished.
 *  7. The pool is whole when quiet; one exhaustion warning per resize at
 *     most, and one after each resize that was followed by exhaustion.
 *  8. Back-pressure is live: with a timeout no run reaches, no poster
 *     times out and nothing drops for want of an object; with a finite
 *     one, every timeout dropped its event as exhausted.
 *  9. Nothing lost at the event point: a harness post (never nested in
 *     another event point, always with good arguments, never for a
 *     process being exited) never returns EALREADY, EINVAL, ESRCH or
 *     EOWNERDEAD, and returns ENOENT only for a
 *     process whose tracing may have changed since it was attached
 *     with every facility (a ktrace(2) call naming it, its group or
 *     its target, or any with DESCEND, a detach, or a parent in that
 *     state when it forked).
 * 10. Permissions (perm.c): every ktrace(2) call's result and the
 *     processes it detached are FreeBSD 2002's rule applied to a model
 *     of every process's tracing and credentials; every capture, post
 *     and observation agrees with that model; rule 5's CLEARFILE fence
 *     holds for the processes its caller may change; and no queued
 *     record is dropped unwritten without a reason (a detach of its
 *     process, a write error, a CLEARFILE by a caller who may change
 *     it).
 *
 * A deadlock, a panic or a leak is the engine's to judge.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness_impl.h"

enum fate { F_OPEN, F_WRITTEN, F_DROPPED, F_WERROR };

struct req {
	uint32_t	 tag;
	int		 pid;
	int64_t		 tid;
	int		 type;
	int		 sync;
	int		 tgt;		/* captured for, -1: unknown */
	int		 posted;	/* its post was logged: */
	uint32_t	 aux;		/* the post's choice (decode.c) */
	size_t		 capture;	/* event index + 1, 0: none */
	uint64_t	 chg;		/* changes of its tracing then */
	size_t		 take;
	size_t		 finish;
	enum fate	 fate;
};

struct oracle {
	const struct ktrq_harness	*r;
	char			*buf;
	size_t			 len;
	struct req		*req;		/* by serial, [0] unused */
	uint64_t		 nreq;
	uint64_t		*written;	/* serials, in write order */
	uint64_t		 nwritten;
	size_t			*last_capture;	/* by simulated thread */
	uint64_t		*last_req;	/* by simulated thread */
	uint8_t			*unstable;	/* by pid: tracing may change */
	int			 all_unstable;	/* a group op or CLEARFILE */
	/*
	 * Changes of tracing that may clear queued requests: of one pid
	 * (its detach, a ktrace(2) naming it, its exit) and of all (a
	 * CLEARFILE, a group or DESCEND op, a write error).
	 */
	uint64_t		*pchg;		/* by pid */
	uint64_t		 gchg;
	uint64_t		*chg_at;	/* by simulated thread, at capture */
	int			 inflight;	/* ktrace(2) calls and exits under
						   way: changing as we look */
	/*
	 * Write errors and CLEARFILEs per target, ever: a write error's
	 * clearing of queued requests for its target comes after the
	 * detaches, unlocked in between (FreeBSD 2002's ktr_writerequest
	 * does the same two steps), so a request captured for that
	 * target after a new SET may be cleared too.
	 */
	uint64_t		 tfail[2];
	unsigned		*pending_drop;	/* by pid */
	int			 maxpid;
	int			 maxsimtid;
	uint64_t		 last_take;
	uint64_t		 last_wbegin;
	/* The writes under way: one record, or a batch, oldest first. */
	uint64_t		 open[KTRQ_BATCH_MAX];
	int			 nopen;		/* in open[] */
	int			 ohead;		/* open[ohead] ends next */
	int			 oended;	/* an end was seen: no begins */
	int			 ofailed;	/* an end had an error */
	int			 otwrite;	/* open[] the next TWRITE starts */
	uint64_t		 posted;
	uint64_t		 enobufs_posts;
	uint64_t		 nobufs_pool;
	uint64_t		 nobufs_all;
	uint64_t		 drops;
	uint64_t		 werrors;
	uint64_t		 warnings;
	uint64_t		 resizes;
	/* Per target: the last barrier (write error, CLEARFILE) seen. */
	int			 wtarget;	/* target of the current write */
	size_t			 fence_begin[2];	/* event index + 1 */
	size_t			 fence_end[2];
	size_t			 clear_begin[2];	/* CLEARFILE under way */
	/* The fence is a CLEARFILE's: it holds for whom its caller may
	   change (perm.c), not for everyone as a write error's does. */
	int			 fence_cf[2];
	struct perm		*perm;		/* the permission oracle */
};

static int
fail(struct oracle *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->buf, o->len, fmt, ap);
	va_end(ap);
	return (0);
}

static int
pid_ok(const struct oracle *o, int pid)
{

	return (pid >= 0 && pid <= o->maxpid);
}

/* ---- pass 1: walk the log in order ---- */

static int
on_capture(struct oracle *o, const struct ev *e, size_t i)
{
	int marked = (e->type & KTR_DROP) != 0;

	if (!pid_ok(o, e->pid))
		return (fail(o, "capture for pid %d out of range", e->pid));
	if (marked != (o->pending_drop[e->pid] != 0))
		return (fail(o, "KTR_DROP: event %zu (tag %" PRIu32 ", pid %d) "
		    "is %smarked but %u event(s) of that process were dropped "
		    "since its previous request", i, e->tag, e->pid,
		    marked ? "" : "not ", o->pending_drop[e->pid]));
	o->pending_drop[e->pid] = 0;
	o->last_capture[e->simtid] = i + 1;
	o->chg_at[e->simtid] = o->gchg + o->pchg[e->pid];
	return (1);
}

static struct req *
req_of(struct oracle *o, uint64_t serial)
{

	return (serial >= 1 && serial <= o->nreq ? &o->req[serial] : NULL);
}

static int
on_enqueue(struct oracle *o, const struct ev *e)
{
	struct req *q;

	if (e->serial != o->nreq + 1)
		return (fail(o, "enqueue serial %" PRIu64 " after %" PRIu64,
		    e->serial, o->nreq));
	q = &o->req[++o->nreq];
	q->tag = e->tag;
	q->pid = e->pid;
	q->tid = e->tid;
	q->type = e->type;
	q->sync = e->sync;
	q->capture = o->last_capture[e->simtid];
	q->chg = o->chg_at[e->simtid];
	if (q->capture == 0)
		return (fail(o, "request %" PRIu64 " enqueued without a "
		    "capture", e->serial));
	q->tgt = o->r->ev[q->capture - 1].tgt;
	o->last_req[e->simtid] = e->serial;
	return (1);
}

static int
on_take(struct oracle *o, const struct ev *e, size_t i)
{
	struct req *q = req_of(o, e->serial);

	if (q == NULL || q->take != 0)
		return (fail(o, "take of unknown request %" PRIu64, e->serial));
	if (e->serial != o->last_take + 1)
		return (fail(o, "FIFO: the worker took request %" PRIu64
		    " (tag %" PRIu32 ") after %" PRIu64, e->serial, q->tag,
		    o->last_take));
	o->last_take = e->serial;
	q->take = i + 1;
	return (1);
}

/*
 * A request is written after it was taken.  A poster may also write its
 * own request without the worker (a "write at once" fast path) only in
 * its turn: as the next request in FIFO order, which then counts as its
 * take.
 */
static int
on_write_begin(struct oracle *o, const struct ev *e, size_t i)
{
	struct req *q = req_of(o, e->serial);

	if (q == NULL)
		return (fail(o, "write of unknown request %" PRIu64,
		    e->serial));
	if (o->nopen != 0 && (o->oended || q->sync || o->nopen ==
	    KTRQ_BATCH_MAX || req_of(o, o->open[0])->sync))
		return (fail(o, "two writers: request %" PRIu64 " (tag %"
		    PRIu32 ") began while %" PRIu64 " was being written",
		    e->serial, q->tag, o->open[o->ohead]));
	if (e->serial <= o->last_wbegin)
		return (fail(o, "order: request %" PRIu64 " (tag %" PRIu32
		    ") written after request %" PRIu64 ", which entered the "
		    "todo list later", e->serial, q->tag, o->last_wbegin));
	if (q->take == 0) {
		if (e->serial != o->last_take + 1)
			return (fail(o, "request %" PRIu64 " (tag %" PRIu32
			    ", %s) written out of turn, before request %"
			    PRIu64 " was taken", e->serial, q->tag, q->sync ?
			    "sync" : "async", o->last_take + 1));
		o->last_take = e->serial;
		q->take = i + 1;
	}
	o->last_wbegin = e->serial;
	o->open[o->nopen++] = e->serial;
	return (1);
}

/* The oldest open write is over; the set closes with its last one. */
static void
write_close(struct oracle *o)
{

	if (++o->ohead == o->nopen)
		o->nopen = o->ohead = o->oended = o->ofailed = o->otwrite = 0;
}

static int
on_write_end(struct oracle *o, const struct ev *e, size_t i)
{
	struct req *q = req_of(o, e->serial);
	int t;

	if (q == NULL || o->nopen == 0 || o->open[o->ohead] != e->serial ||
	    q->fate != F_OPEN || o->ofailed)
		return (fail(o, "write end of request %" PRIu64 " that was "
		    "not the next being written", e->serial));
	o->oended = 1;
	o->ofailed = e->error != 0;
	write_close(o);
	q->finish = i + 1;
	if (e->error != 0) {
		q->fate = F_WERROR;
		o->werrors++;
		o->gchg++;
		/*
		 * The target gave up: a barrier.  The request's own target
		 * (a fault target may refuse a record before the sim target
		 * sees it, so the last EV_TWRITE need not be this one's).
		 */
		t = e->tgt >= 0 ? e->tgt : o->wtarget;
		if (t >= 0) {
			o->fence_begin[t] = o->fence_end[t] = i + 1;
			o->fence_cf[t] = 0;
			o->tfail[t]++;
		}
		if (ktrq_harness__transient(e->error) &&
		    !(ktrq_harness__fault_on(&o->r->o) &&
		    t == o->r->ntgt - 1))
			return (fail(o, "request %" PRIu64 " (tag %" PRIu32
			    ") failed with the transient errno %d: a sim "
			    "target refuses a record at most %d times in a "
			    "row, so the core gave up on it too early",
			    e->serial, q->tag, e->error, KTRQ_TARGET_RETRIES));
		return (1);
	}
	q->fate = F_WRITTEN;
	o->written[o->nwritten++] = e->serial;
	return (1);
}

static int
req_in_open(const struct oracle *o, uint64_t serial)
{
	int j;

	for (j = o->ohead; j < o->nopen; j++)
		if (o->open[j] == serial)
			return (1);
	return (0);
}

static int
on_drop(struct oracle *o, const struct ev *e, size_t i)
{
	struct req *q;

	o->drops++;
	if (!pid_ok(o, e->pid))
		return (fail(o, "drop for pid %d", e->pid));
	o->pending_drop[e->pid]++;	/* marks its next record */
	if (e->serial == 0) {		/* before it was queued */
		if (o->gchg + o->pchg[e->pid] == 0 && o->inflight == 0)
			return (fail(o, "an event of pid %d was cleared before "
			    "it was queued, but nothing ever changed that "
			    "process's tracing", e->pid));
		return (1);
	}
	if ((q = req_of(o, e->serial)) == NULL || q->fate != F_OPEN)
		return (fail(o, "drop of request %" PRIu64 " twice or unknown",
		    e->serial));
	/* A detach, CLEARFILE, write error, ktrace(2) or exit since. */
	if (o->gchg + o->pchg[e->pid] == q->chg && o->inflight == 0 &&
	    !o->ofailed && (q->tgt < 0 || o->tfail[q->tgt] == 0))
		return (fail(o, "request %" PRIu64 " (tag %" PRIu32 ") was "
		    "cleared, but nothing changed its process's tracing since "
		    "it was captured", e->serial, q->tag));
	if (o->nopen != 0 && o->open[o->ohead] == e->serial) {
		/* The rest of a batch whose write failed. */
		if (!o->ofailed)
			return (fail(o, "request %" PRIu64 " (tag %" PRIu32
			    ") dropped while being written, with no write "
			    "error before it", e->serial, q->tag));
		write_close(o);
	} else if (q->take != 0 && req_in_open(o, e->serial))
		return (fail(o, "request %" PRIu64 " (tag %" PRIu32 ") of a "
		    "batch dropped out of order", e->serial, q->tag));
	else if (!ktrq_harness__perm_drop_explained(o->perm, q->pid, q->tgt,
	    q->capture, i))
		return (fail(o, "request %" PRIu64 " (tag %" PRIu32 ", pid %d) "
		    "was queued and dropped unwritten (event %zu) with no "
		    "reason: no detach of its process, no write error, no "
		    "CLEARFILE of its target by a caller who may change it "
		    "since it was captured", e->serial, q->tag, q->pid, i));
	q->fate = F_DROPPED;
	q->finish = i + 1;
	return (1);
}

static int
on_probe(struct oracle *o, const struct ev *e, size_t i)
{

	switch (e->probe) {
	case KTRQ_PROBE_CAPTURE:
		return (on_capture(o, e, i));
	case KTRQ_PROBE_ENQUEUE:
		return (on_enqueue(o, e));
	case KTRQ_PROBE_TAKE:
		return (on_take(o, e, i));
	case KTRQ_PROBE_WRITE_BEGIN:
		return (on_write_begin(o, e, i));
	case KTRQ_PROBE_WRITE_END:
		return (on_write_end(o, e, i));
	case KTRQ_PROBE_DROP:
		return (on_drop(o, e, i));
	case KTRQ_PROBE_NOBUFS:
		if (!pid_ok(o, e->pid))
			return (fail(o, "drop for pid %d", e->pid));
		o->pending_drop[e->pid]++;
		o->nobufs_all++;
		o->nobufs_pool += e->error == 0;
		return (1);
	case KTRQ_PROBE_DETACH:
		if (pid_ok(o, e->pid)) {
			o->pending_drop[e->pid] = 0;
			o->unstable[e->pid] = 1;
			o->pchg[e->pid]++;
		}
		return (1);
	}
	return (fail(o, "unknown probe %d", e->probe));
}

/*
 * A record starts into target `t`: it must not be one captured before
 * that target's last barrier began and taken after the barrier ended.
 */
static int
on_twrite(struct oracle *o, const struct ev *e)
{
	const struct req *q;
	int j, t = e->error;

	if (t < 0 || t > 1)
		return (fail(o, "write to unknown target %d", t));
	o->wtarget = t;
	/* One record per call of the sim target: the next open one. */
	if (o->otwrite < o->nopen) {
		q = req_of(o, o->open[o->otwrite++]);
		if (q->tgt >= 0 && q->tgt != t)
			return (fail(o, "request %" PRIu64 " (tag %" PRIu32
			    ") was captured for target %d and written to "
			    "target %d", o->open[o->otwrite - 1], q->tag,
			    q->tgt, t));
	}
	if (o->fence_begin[t] == 0)
		return (1);
	for (j = o->ohead; j < o->nopen; j++) {
		q = req_of(o, o->open[j]);
		if (q->capture < o->fence_begin[t] &&
		    q->take > o->fence_end[t] && (!o->fence_cf[t] ||
		    ktrq_harness__perm_fenced(o->perm, t, q->pid)))
			return (fail(o, "request %" PRIu64 " (tag %" PRIu32
			    ") was written to target %d after that target's "
			    "write error or CLEARFILE (event %zu), though "
			    "captured before it and taken after", o->open[j],
			    q->tag, t, o->fence_begin[t] - 1));
	}
	return (1);
}

/* Item 9: an event point's outcome as its caller sees it. */
static int
on_post(struct oracle *o, const struct ev *e, size_t i)
{
	struct req *q;

	/* The request this post made, if it made one: for decode.c. */
	if (e->simtid >= 0 && e->simtid <= o->maxsimtid &&
	    (q = req_of(o, o->last_req[e->simtid])) != NULL &&
	    q->tag == e->tag && !q->posted) {
		q->posted = 1;
		q->aux = e->aux;
	}

	/* ESRCH: the harness never posts for a process being exited. */
	if (e->error == EALREADY || e->error == EINVAL ||
	    e->error == EOWNERDEAD || e->error == ESRCH)
		return (fail(o, "event point: post %zu (tag %" PRIu32 ", pid "
		    "%d) returned %s outside any nested event point: the "
		    "event was lost and never counted", i, e->tag, e->pid,
		    e->error == EALREADY ? "EALREADY" : e->error == EINVAL ?
		    "EINVAL" : e->error == ESRCH ? "ESRCH" : "EOWNERDEAD"));
	/* ENXIO (tracing stopped under the post) counts as cleared. */
	if ((e->error == ENOENT || e->error == ENXIO) && !o->all_unstable &&
	    pid_ok(o, e->pid) && !o->unstable[e->pid])
		return (fail(o, "event point: post %zu (tag %" PRIu32 ", pid "
		    "%d) returned %s, but nothing changed that process's "
		    "tracing since it was attached with every facility", i,
		    e->tag, e->pid, e->error == ENOENT ? "ENOENT (not traced)" :
		    "ENXIO (tracing stopped)"));
	if (e->error == ENOENT)
		return (1);
	o->posted++;
	o->enobufs_posts += e->error == ENOBUFS;
	return (1);
}

static int
walk_log(struct oracle *o)
{
	const struct ev *e;
	size_t i;

	for (i = 0; i < o->r->nev; i++) {
		e = &o->r->ev[i];
		if (!ktrq_harness__perm_step(o->perm, i, o->buf, o->len))
			return (0);
		switch (e->kind) {
		case EV_PROBE:
			if (!on_probe(o, e, i))
				return (0);
			break;
		case EV_POST:
			if (!on_post(o, e, i))
				return (0);
			break;
		case EV_KTRACE:
		case EV_KTRACE_END:
			o->inflight += e->kind == EV_KTRACE ? 1 : -1;
			/* DESCEND reaches the children: as good as all. */
			if (e->pid > 0 && pid_ok(o, e->pid) &&
			    !(e->error & KTRFLAG_DESCEND)) {
				o->unstable[e->pid] = 1;
				o->pchg[e->pid]++;
			} else {
				o->all_unstable = 1;
				o->gchg++;
			}
			break;
		case EV_EXEC:
		case EV_EXEC_END:
			o->inflight += e->kind == EV_EXEC ? 1 : -1;
			if (pid_ok(o, e->pid)) {
				o->unstable[e->pid] = 1;
				o->pchg[e->pid]++;
			}
			break;
		case EV_EXIT_BEGIN:
			o->inflight++;
			if (pid_ok(o, e->pid))
				o->pchg[e->pid]++;
			break;
		case EV_EXIT_END:
			o->inflight--;
			/* A later process may take the pid: it starts clean. */
			if (pid_ok(o, e->pid)) {
				o->pending_drop[e->pid] = 0;
				o->unstable[e->pid] = 0;
			}
			break;
		case EV_FORK:
			if (pid_ok(o, e->pid) && pid_ok(o, e->error))
				o->unstable[e->pid] = o->unstable[e->error];
			break;
		case EV_OP_END:
			/* Made with less than every facility: item 9 cannot
			   expect its posts to be traced. */
			if (e->type == HOP_PROC && pid_ok(o, e->pid) &&
			    (o->r->ops[e->serial].facs & KTRFAC_ALL) !=
			    KTRFAC_ALL)
				o->unstable[e->pid] = 1;
			break;
		case EV_WARN:
			o->warnings++;
			break;
		case EV_RESIZE_END:	/* `pid` holds its result */
			o->resizes += e->pid == 0 || e->pid == ENOSPC;
			break;
		case EV_TWRITE:
			if (!on_twrite(o, e))
				return (0);
			break;
		case EV_CLEARFILE_BEGIN:
			o->gchg++;
			if (e->error >= 0 && e->error <= 1) {
				o->clear_begin[e->error] = i + 1;
				o->tfail[e->error]++;
			}
			break;
		case EV_CLEARFILE_END:
			/* A barrier once it returned; racing takes are free. */
			if (e->error >= 0 && e->error <= 1) {
				o->fence_begin[e->error] =
				    o->clear_begin[e->error];
				o->fence_end[e->error] = i + 1;
				o->fence_cf[e->error] = 1;
			}
			break;
		default:
			break;
		}
	}
	return (1);
}

/* ---- pass 2: properties of the whole run ---- */

static int
check_finished(struct oracle *o)
{
	uint64_t s;

	for (s = 1; s <= o->nreq; s++)
		if (o->req[s].fate == F_OPEN)
			return (fail(o, "request %" PRIu64 " (tag %" PRIu32
			    ") was queued and never written or dropped", s,
			    o->req[s].tag));
	return (1);
}

/* No request is written that was detached before the worker took it. */
static int
check_detach(struct oracle *o)
{
	const struct ev *e;
	const struct req *q;
	uint64_t s;
	size_t i;

	for (i = 0; i < o->r->nev; i++) {
		e = &o->r->ev[i];
		if (e->kind != EV_PROBE || e->probe != KTRQ_PROBE_DETACH)
			continue;
		for (s = 1; s <= o->nreq; s++) {
			q = &o->req[s];
			if (q->pid == e->pid && q->fate == F_WRITTEN &&
			    q->capture <= i && q->take > i + 1)
				return (fail(o, "request %" PRIu64 " (tag %"
				    PRIu32 ") of pid %d was written although "
				    "the process was detached (event %zu) "
				    "before the worker took it", s, q->tag,
				    q->pid, i));
		}
	}
	return (1);
}

static int
check_exit_drains(struct oracle *o)
{
	const struct ev *e;
	const struct req *q;
	uint64_t s;
	size_t i;

	for (i = 0; i < o->r->nev; i++) {
		e = &o->r->ev[i];
		if (e->kind != EV_EXIT_END)
			continue;
		for (s = 1; s <= o->nreq; s++) {
			q = &o->req[s];
			if (q->pid == e->pid && q->capture <= i &&
			    q->finish > i + 1)
				return (fail(o, "exit of pid %d returned before "
				    "its request %" PRIu64 " (tag %" PRIu32
				    ") was finished", e->pid, s, q->tag));
		}
	}
	return (1);
}

long long
ktrq_harness__record_tag(int type, const uint8_t *pl, size_t len)
{
	struct ktrq_rec_syscall sc;
	struct ktrq_rec_sysret sr;
	struct ktrq_rec_psig ps;
	char tmp[32];
	size_t off, n;

	switch (type) {
	case KTR_SYSCALL:
		if (ktrq_rec_syscall_decode(pl, len, &sc) != 0 || sc.narg < 1)
			return (-2);
		return ((long long)sc.args[0]);
	case KTR_SYSRET:
		return (ktrq_rec_sysret_decode(pl, len, &sr) != 0 ? -2 :
		    (long long)sr.retval);
	case KTR_PSIG:
		return (ktrq_rec_psig_decode(pl, len, &ps) != 0 ? -2 :
		    (long long)ps.mask[0]);
	case KTR_CSW:
		return (-1);
	case KTR_NAMEI:
		off = 3;		/* "/t/" */
		break;
	case KTR_GENIO:
		off = KTRQ_REC_GENIO_SIZE + 1;	/* fd, rw, "g" */
		break;
	case KTR_USER:
		off = 1;		/* "u" */
		break;
	default:
		return (-2);
	}
	for (n = 0; off + n < len && n < sizeof(tmp) - 1 &&
	    pl[off + n] >= '0' && pl[off + n] <= '9'; n++)
		tmp[n] = (char)pl[off + n];
	tmp[n] = '\0';
	return (n == 0 ? -2 : strtoll(tmp, NULL, 10));
}

static int
check_record(struct oracle *o, uint64_t idx, const struct ktrq_rec_hdr *h,
    const uint8_t *pl)
{
	const struct req *q = req_of(o, o->written[idx]);
	char why[256];
	long long tag;
	int type = h->type & ~KTR_VERSIONED;

	if (h->pid != q->pid || h->tid != q->tid || type != q->type)
		return (fail(o, "record %" PRIu64 " is pid %d tid %" PRId64
		    " type %#x, but the write log says pid %d tid %" PRId64
		    " type %#x (tag %" PRIu32 ")", idx, h->pid, h->tid, type,
		    q->pid, q->tid, q->type, q->tag));
	tag = ktrq_harness__record_tag(type & ~KTR_TYPE, pl, (size_t)h->len);
	if (tag != -1 && tag != (long long)q->tag)
		return (fail(o, "record %" PRIu64 " carries tag %lld where "
		    "request %" PRIu64 " (tag %" PRIu32 ") was written", idx,
		    tag, o->written[idx], q->tag));
	if (!q->posted)
		return (fail(o, "record %" PRIu64 " (tag %" PRIu32 ") was "
		    "written, but no harness post made it", idx, q->tag));
	if (!ktrq_harness__check_record(h, pl, q->tag, q->aux, why,
	    sizeof(why)))
		return (fail(o, "record %" PRIu64 " (tag %" PRIu32 ", pid %d): "
		    "%s", idx, q->tag, q->pid, why));
	return (1);
}

/* The trace is exactly the successful writes, in write order. */
static int
check_trace(struct oracle *o)
{
	const uint8_t *p = o->r->trace, *pl;
	struct ktrq_rec_hdr h;
	size_t off, len = o->r->trace_len;
	uint64_t n;
	int error;

	off = 0;
	for (n = 0; (error = ktrq_rec_next(p, len, &off, &h, &pl)) != ENOENT;
	    n++) {
		if (error != 0)
			return (fail(o, "trace corrupt at offset %zu", off));
		if (n >= o->nwritten)
			return (fail(o, "trace has more records than writes "
			    "(%" PRIu64 ")", o->nwritten));
		if (!check_record(o, n, &h, pl))
			return (0);
	}
	if (n != o->nwritten)
		return (fail(o, "trace has %" PRIu64 " records, %" PRIu64
		    " writes succeeded", n, o->nwritten));
	return (1);
}

/* Every thread's tags increase through the trace. */
static int
check_thread_order(struct oracle *o)
{
	const struct req *q;
	uint32_t *last;
	uint64_t i;
	uint32_t t;
	int ok;

	if ((last = calloc(o->r->nposters + 1, sizeof(*last))) == NULL)
		return (fail(o, "oracle out of memory"));
	for (ok = 1, i = 0; ok && i < o->nwritten; i++) {
		q = req_of(o, o->written[i]);
		t = q->tag / TAG_STRIDE;
		if (t > o->r->nposters)
			continue;
		if (q->tag <= last[t])
			ok = fail(o, "thread order: tag %" PRIu32 " written "
			    "after tag %" PRIu32, q->tag, last[t]);
		last[t] = q->tag;
	}
	free(last);
	return (ok);
}

static int
check_accounting(struct oracle *o)
{
	const struct ktrq_stats *st = &o->r->quiet;
	uint64_t sum;

	if (!o->r->have_quiet)
		return (fail(o, "no statistics at the end"));
	sum = st->written + st->dropped_exhausted + st->dropped_write_error +
	    st->dropped_cleared;
	if (st->posted != o->posted || sum != st->posted)
		return (fail(o, "accounting: %" PRIu64 " posts passed "
		    "KTRPOINT, stats say posted %" PRIu64 " = written %"
		    PRIu64 " + exhausted %" PRIu64 " + write error %" PRIu64
		    " + cleared %" PRIu64, o->posted, st->posted, st->written,
		    st->dropped_exhausted, st->dropped_write_error,
		    st->dropped_cleared));
	if (st->written != o->nwritten || st->dropped_write_error !=
	    o->werrors || st->dropped_cleared != o->drops ||
	    st->dropped_exhausted != o->nobufs_all ||
	    o->enobufs_posts != o->nobufs_all)
		return (fail(o, "accounting: stats written %" PRIu64 "/%"
		    PRIu64 " write errors %" PRIu64 "/%" PRIu64 " cleared %"
		    PRIu64 "/%" PRIu64 " exhausted %" PRIu64 "/%" PRIu64 "/%"
		    PRIu64 " (stats/log)", st->written, o->nwritten,
		    st->dropped_write_error, o->werrors, st->dropped_cleared,
		    o->drops, st->dropped_exhausted, o->nobufs_all,
		    o->enobufs_posts));
	/*
	 * Liveness under back-pressure: the scenarios wait for ever, so a
	 * wait that ended by its clock was a poster nobody woke -- unless
	 * the engine was told to end timed sleeps early.
	 */
	if ((o->r->o.flags & KTRQ_CF_BACKPRESSURE) &&
	    o->r->o.backpressure_ns != 0 && (st->bp_timeouts > o->nobufs_pool ||
	    st->bp_timeouts > st->bp_waits))
		return (fail(o, "back-pressure: %" PRIu64 " timeouts, but %"
		    PRIu64 " waits and %" PRIu64 " drops for want of an "
		    "object: a timeout that dropped nothing", st->bp_timeouts,
		    st->bp_waits, o->nobufs_pool));
	if ((o->r->o.flags & KTRQ_CF_BACKPRESSURE) && !o->r->early_timeouts &&
	    o->r->o.backpressure_ns == 0 && (st->bp_timeouts != 0 ||
	    o->nobufs_pool != 0))
		return (fail(o, "back-pressure: %" PRIu64 " poster(s) timed "
		    "out and %" PRIu64 " event(s) dropped for want of an "
		    "object: a waiter was never woken", st->bp_timeouts,
		    o->nobufs_pool));
	if (st->pool_free != st->pool_size || st->todo_depth != 0)
		return (fail(o, "pool not whole when quiet: %" PRIu32 " free "
		    "of %" PRIu32 ", %" PRIu32 " on the todo list",
		    st->pool_free, st->pool_size, st->todo_depth));
	return (1);
}

/* Is there a warning line after event index `from`? */
static int
warned_after(const struct ktrq_harness *r, size_t from)
{
	size_t i;

	for (i = from; i < r->nev; i++)
		if (r->ev[i].kind == EV_WARN)
			return (1);
	return (0);
}

static int
pool_drop_after(const struct ktrq_harness *r, size_t from)
{
	size_t i;

	for (i = from; i < r->nev; i++)
		if (r->ev[i].kind == EV_PROBE &&
		    r->ev[i].probe == KTRQ_PROBE_NOBUFS && r->ev[i].error == 0)
			return (1);
	return (0);
}

static int
check_warnings(struct oracle *o)
{
	const struct ktrq_harness *r = o->r;
	size_t i, begin;

	if (o->warnings != r->quiet.warnings)
		return (fail(o, "%" PRIu64 " warning lines, stats count %"
		    PRIu64, o->warnings, r->quiet.warnings));
	if (o->warnings > o->resizes + 1)
		return (fail(o, "%" PRIu64 " exhaustion warnings for %" PRIu64
		    " resizes: more than one per resize", o->warnings,
		    o->resizes));
	if (o->nobufs_pool != 0 && o->warnings == 0)
		return (fail(o, "the pool ran out but no warning was printed"));
	for (begin = 0, i = 0; i < r->nev; i++) {
		if (r->ev[i].kind == EV_RESIZE_BEGIN)
			begin = i;
		if (r->ev[i].kind == EV_RESIZE_END &&
		    (r->ev[i].pid == 0 || r->ev[i].pid == ENOSPC) &&
		    pool_drop_after(r, i) && !warned_after(r, begin))
			return (fail(o, "the pool ran out after the resize at "
			    "event %zu, but no warning followed: the resize "
			    "did not re-arm it", begin));
	}
	return (1);
}

/* The largest pid and simulated thread in the log, for the tables. */
static void
bounds(struct oracle *o)
{
	size_t i;

	for (i = 0; i < o->r->nev; i++) {
		/* Pids beyond the harness's are no process of its own. */
		if (o->r->ev[i].pid > o->maxpid &&
		    o->r->ev[i].pid <= KTRQ_HARNESS_PID_MAX)
			o->maxpid = o->r->ev[i].pid;
		if (o->r->ev[i].simtid > o->maxsimtid)
			o->maxsimtid = o->r->ev[i].simtid;
	}
}

int
ktrq_harness__oracle(const struct ktrq_harness *r, char *buf, size_t len)
{
	struct oracle o;
	int ok;

	memset(&o, 0, sizeof(o));
	o.r = r;
	o.wtarget = -1;
	o.buf = buf;
	o.len = len;
	bounds(&o);
	o.req = calloc(r->nev + 2, sizeof(*o.req));
	o.written = calloc(r->nev + 1, sizeof(*o.written));
	o.last_capture = calloc((size_t)o.maxsimtid + 1,
	    sizeof(*o.last_capture));
	o.pending_drop = calloc((size_t)o.maxpid + 1, sizeof(*o.pending_drop));
	o.unstable = calloc((size_t)o.maxpid + 1, sizeof(*o.unstable));
	o.pchg = calloc((size_t)o.maxpid + 1, sizeof(*o.pchg));
	o.chg_at = calloc((size_t)o.maxsimtid + 1, sizeof(*o.chg_at));
	o.last_req = calloc((size_t)o.maxsimtid + 1, sizeof(*o.last_req));
	o.perm = ktrq_harness__perm_new(r, o.maxpid, o.maxsimtid);
	if (o.req == NULL || o.written == NULL || o.last_capture == NULL ||
	    o.pending_drop == NULL || o.unstable == NULL || o.pchg == NULL ||
	    o.chg_at == NULL || o.last_req == NULL || o.perm == NULL)
		ok = fail(&o, "oracle out of memory");
	else
		ok = walk_log(&o) && check_finished(&o) && check_detach(&o) &&
		    check_exit_drains(&o) && check_trace(&o) &&
		    check_thread_order(&o) && check_accounting(&o) &&
		    check_warnings(&o);
	free(o.req);
	free(o.written);
	free(o.last_capture);
	free(o.pending_drop);
	free(o.unstable);
	free(o.pchg);
	free(o.chg_at);
	free(o.last_req);
	ktrq_harness__perm_free(o.perm);
	return (ok);
}
