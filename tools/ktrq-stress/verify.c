/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq-stress: read the trace file back and check it against what the
 * posters saw and what the library counted.
 *
 * Each record is decoded with the codec (ktrq_rec_hdr_decode and the
 * payload decoders), its payload compared byte for byte with the one its
 * event should have produced, and matched to that event:
 *
 *  1. order: each thread's sequence numbers strictly increase;
 *     without a fault target ("exact" mode) the thread's records are
 *     exactly its events that returned 0, in order, none missing;
 *     across threads, no record follows one whose call began after its
 *     own call had returned (the stronger, global property: the file is
 *     in todo-list order, and a call that returned had enqueued); and
 *     each record's timestamp lies within its own call;
 *  2. written: records in the file == stats.written;
 *  3. accounting: calls that returned 0, ENOBUFS, ENXIO or a write errno
 *     == stats.posted == written + every kind of drop, and ENOBUFS
 *     returns == dropped_exhausted;
 *  4. KTR_DROP: for a process with one thread the mark is exact (set iff
 *     an ENOBUFS came after the thread's previous captured event); for
 *     any process, the j-th earliest marked record (by its timestamp)
 *     has at least j ENOBUFS calls that began before it (each mark needs
 *     its own drop, and a drop happens before the capture that reads it,
 *     which happens before the record's clock reading);
 *  5. the file parses to its end, always: a target never keeps part of
 *     a record (a write that fails is rolled back whole, as IO_UNIT), so
 *     a torn tail is a mismatch even with --fail-after-bytes;
 *  6. after every exit the pool is whole and the todo list empty; the
 *     log lines match the warning and write-error counters; without a
 *     fault nothing failed or was cleared, with one the target failed
 *     exactly once, after exactly the records asked for, or with at most
 *     the bytes asked for (the record that would cross the limit failed
 *     whole).
 *
 * The first mismatch is kept and reading stops there.  A file that
 * cannot be opened or read back is no mismatch: res->io_error says so,
 * and the program exits 2 for it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stress.h"

#define	READBUF		(1 << 20)

struct vthread {
	uint64_t	 cursor;	/* first event not yet matched past */
	int64_t		 last;		/* last matched sequence, or -1 */
};

struct vproc {
	unsigned	 nthreads;
	uint64_t	*marks;		/* times of KTR_DROP records */
	size_t		 nmarks, cap;
	int		 nomem;
};

struct verifier {
	const struct stress_run	*r;
	const struct stress_opts *o;
	struct stress_result	*res;
	struct vthread		*vt;
	struct vproc		*vp;
	int			 exact;	/* no fault: every 0 is written */
	int			 timed;	/* every poster kept its times */
	size_t			*okpos;	/* per thread: index into oks */
	uint64_t		 max_start; /* latest call start in file */
	unsigned		 max_idx;   /* ... and whose it was */
	uint64_t		 max_seq;
	FILE			*fp;
	uint64_t		 off;	/* offset of the current record */
	uint8_t			 hdr[KTRQ_REC_HDR_V1_SIZE];
	uint8_t			*buf;
};

static int	mismatch(struct verifier *v, const char *fmt, ...)
		    PRINTFLIKE(2, 3);

/* Keep the first mismatch; always returns -1. */
static int
mismatch(struct verifier *v, const char *fmt, ...)
{
	va_list ap;

	if (!v->res->ok)
		return (-1);
	v->res->ok = 0;
	va_start(ap, fmt);
	vsnprintf(v->res->why, sizeof(v->res->why), fmt, ap);
	va_end(ap);
	return (-1);
}

static const char *
oc_name(int oc)
{
	static const char *const names[OC_MAX] = { "0", "ENOBUFS", "ENXIO",
	    "a write errno", "ENOENT", "EALREADY/EINVAL" };

	return (oc >= 0 && oc < OC_MAX ? names[oc] : "?");
}

/* A record of a pinned event `seq` of thread pp; 0 or -1. */
static int
match_pinned(struct verifier *v, const struct poster *pp, int type,
    uint64_t seq)
{
	struct vthread *vt = &v->vt[pp->idx];
	uint64_t i;
	uint8_t e;

	if (seq >= pp->nevents)
		return (mismatch(v, "offset %" PRIu64 ": thread %u: seq %"
		    PRIu64 " beyond its %" PRIu64 " events", v->off, pp->idx,
		    seq, pp->nevents));
	if ((int64_t)seq <= vt->last)
		return (mismatch(v, "offset %" PRIu64 ": thread %u: seq %"
		    PRIu64 " after seq %" PRId64 " (per-thread order)", v->off,
		    pp->idx, seq, vt->last));
	e = pp->ev[seq];
	if (EV_TYPE(e) != type || EV_OC(e) != OC_OK)
		return (mismatch(v, "offset %" PRIu64 ": thread %u seq %" PRIu64
		    ": %s record for a %s event that returned %s", v->off,
		    pp->idx, seq, ktrq_rec_tag(type), ktrq_rec_tag(EV_TYPE(e)),
		    oc_name(EV_OC(e))));
	for (i = vt->cursor; v->exact && i < seq; i++)
		if (EV_OC(pp->ev[i]) == OC_OK)
			return (mismatch(v, "offset %" PRIu64 ": thread %u: "
			    "seq %" PRIu64 " where seq %" PRIu64 " (%s, "
			    "returned 0) was due: lost or out of order", v->off,
			    pp->idx, seq, i, ktrq_rec_tag(EV_TYPE(pp->ev[i]))));
	return (0);
}

/*
 * A csw record names no event: take the thread's first event that
 * returned 0 at or after the cursor and is a csw with these values (in
 * exact mode, the very next event that returned 0).  Greedy earliest is
 * safe: if any match exists, a later pinned record still fits.
 */
static int
match_csw(struct verifier *v, const struct poster *pp, const uint8_t *buf,
    size_t len, uint64_t *seqp)
{
	uint64_t i;
	uint8_t e;

	for (i = v->vt[pp->idx].cursor; i < pp->nevents; i++) {
		e = pp->ev[i];
		if (EV_OC(e) != OC_OK)
			continue;
		if (EV_TYPE(e) == KTR_CSW && stress_csw_matches(buf, len, i)) {
			*seqp = i;
			return (0);
		}
		if (v->exact)
			return (mismatch(v, "offset %" PRIu64 ": thread %u: "
			    "CSW record where seq %" PRIu64 " (%s) was due",
			    v->off, pp->idx, i, ktrq_rec_tag(EV_TYPE(e))));
	}
	return (mismatch(v, "offset %" PRIu64 ": thread %u: CSW record "
	    "matches no event after seq %" PRId64, v->off, pp->idx,
	    v->vt[pp->idx].last));
}

/* One thread per process: was an event dropped since the last capture? */
static int
drop_expected(const struct verifier *v, const struct poster *pp,
    uint64_t seq)
{
	uint64_t i;
	int drop;

	drop = 0;
	for (i = v->vt[pp->idx].cursor; i < seq; i++) {
		if (EV_OC(pp->ev[i]) == OC_NOBUFS)
			drop = 1;
		else if (OC_CAPTURED(EV_OC(pp->ev[i])))
			drop = 0;
	}
	return (drop);
}

static int
note_mark(struct verifier *v, struct vproc *vp, const struct ktrq_rec_hdr *h)
{
	uint64_t *n;
	size_t cap;

	v->res->drop_records++;
	if (vp->nomem)
		return (0);
	if (vp->nmarks == vp->cap) {
		cap = vp->cap != 0 ? vp->cap * 2 : 256;
		if ((n = realloc(vp->marks, cap * sizeof(*n))) == NULL) {
			vp->nomem = 1;
			return (0);
		}
		vp->marks = n;
		vp->cap = cap;
	}
	vp->marks[vp->nmarks++] = (uint64_t)h->sec * 1000000000U +
	    (uint64_t)h->nsec;
	return (0);
}

static int
check_drop(struct verifier *v, const struct poster *pp,
    const struct ktrq_rec_hdr *h, uint64_t seq, int pinned)
{
	struct vproc *vp = &v->vp[pp->proc];
	int marked = (h->type & KTR_DROP) != 0, want;

	if (vp->nthreads == 1 && (pinned || v->exact)) {
		want = drop_expected(v, pp, seq);
		if (want != marked)
			return (mismatch(v, "offset %" PRIu64 ": thread %u "
			    "seq %" PRIu64 ": KTR_DROP %s, expected %s", v->off,
			    pp->idx, seq, marked ? "set" : "clear",
			    want ? "set" : "clear"));
	}
	return (marked ? note_mark(v, vp, h) : 0);
}

/* Which poster wrote it, and is the header what that poster's is? */
static const struct poster *
record_poster(struct verifier *v, const struct ktrq_rec_hdr *h)
{
	const struct poster *pp;
	int64_t idx = h->tid - STRESS_TID_BASE;

	if (!(h->type & KTR_VERSIONED) || (h->type & ~KTR_TYPE) < KTR_SYSCALL ||
	    (h->type & ~KTR_TYPE) > KTR_USER) {
		mismatch(v, "offset %" PRIu64 ": unexpected type 0x%x", v->off,
		    h->type);
		return (NULL);
	}
	if (idx < 0 || idx >= (int64_t)v->o->threads) {
		mismatch(v, "offset %" PRIu64 ": unknown tid %" PRId64, v->off,
		    h->tid);
		return (NULL);
	}
	pp = &v->r->posters[idx];
	if (h->pid != STRESS_PID_BASE + (int32_t)pp->proc ||
	    strcmp(h->comm, STRESS_COMM) != 0) {
		mismatch(v, "offset %" PRIu64 ": tid %" PRId64 " with pid %d "
		    "comm \"%s\"", v->off, h->tid, (int)h->pid, h->comm);
		return (NULL);
	}
	return (pp);
}

/*
 * Global order: the record of (pp, seq) may not follow one whose call
 * began after this one's call returned.  Its timestamp, read by the
 * library during the call from the same clock, must lie within the
 * call.  `sure` says seq is known (a greedily matched csw in a faulty
 * run is not).
 */
static int
check_global(struct verifier *v, const struct poster *pp,
    const struct ktrq_rec_hdr *h, uint64_t seq, int sure)
{
	const struct okev *ok;
	size_t *pos = &v->okpos[pp->idx];
	uint64_t t;

	if (!v->timed || !sure)
		return (0);
	while (*pos < pp->nok && pp->oks[*pos].seq < seq)
		(*pos)++;
	if (*pos == pp->nok || pp->oks[*pos].seq != seq)
		return (mismatch(v, "thread %u seq %" PRIu64 ": no call times",
		    pp->idx, seq));
	ok = &pp->oks[*pos];
	t = (uint64_t)h->sec * 1000000000U + (uint64_t)h->nsec;
	if (t < ok->start || t > ok->end)
		return (mismatch(v, "offset %" PRIu64 ": thread %u seq %" PRIu64
		    ": timestamp %" PRIu64 " outside its call [%" PRIu64 ", %"
		    PRIu64 "]", v->off, pp->idx, seq, t, ok->start, ok->end));
	if (ok->end < v->max_start)
		return (mismatch(v, "offset %" PRIu64 ": thread %u seq %" PRIu64
		    " is after thread %u seq %" PRIu64 ", whose call began %"
		    PRIu64 " ns after this one's returned (global order)",
		    v->off, pp->idx, seq, v->max_idx, v->max_seq,
		    v->max_start - ok->end));
	if (ok->start > v->max_start) {
		v->max_start = ok->start;
		v->max_idx = pp->idx;
		v->max_seq = seq;
	}
	return (0);
}

static int
check_record(struct verifier *v, const struct ktrq_rec_hdr *h,
    const uint8_t *buf, size_t len)
{
	const struct poster *pp;
	char why[160];
	int64_t pinned;
	uint64_t seq;
	int type = h->type & ~KTR_TYPE;

	if ((pp = record_poster(v, h)) == NULL)
		return (-1);
	if (stress_payload_check(v->o, pp->idx, type, buf, len, &pinned, why,
	    sizeof(why)) != 0)
		return (mismatch(v, "offset %" PRIu64 ": thread %u: %s", v->off,
		    pp->idx, why));
	seq = (uint64_t)pinned;
	if (pinned >= 0 ? match_pinned(v, pp, type, seq) != 0 :
	    match_csw(v, pp, buf, len, &seq) != 0)
		return (-1);
	if (check_drop(v, pp, h, seq, pinned >= 0) != 0 ||
	    check_global(v, pp, h, seq, pinned >= 0 || v->exact) != 0)
		return (-1);
	v->vt[pp->idx].last = (int64_t)seq;
	v->vt[pp->idx].cursor = seq + 1;
	v->res->records++;
	return (0);
}

/*
 * The file could not be read back: not a finding about the library but
 * about the world (the file was removed, replaced, or the disk failed),
 * so it is kept apart from a mismatch and the program exits 2 for it.
 * Always returns -1.
 */
static int
read_failed(struct verifier *v, int error, const char *what)
{

	v->res->ok = 0;
	v->res->io_error = error != 0 ? error : EIO;
	snprintf(v->res->why, sizeof(v->res->why), "%s: %s%s", v->o->out,
	    what, strerror(v->res->io_error));
	return (-1);
}

/* EOF inside a record: a torn record, never expected. */
static int
truncated(struct verifier *v, size_t have)
{

	v->res->trunc_bytes = have;
	v->res->bytes = v->off + have;
	return (mismatch(v, "offset %" PRIu64 ": truncated record (%zu bytes)",
	    v->off, have));
}

/* Read one record: 1, 0 at a clean end, -1 to stop. */
static int
read_record(struct verifier *v, struct ktrq_rec_hdr *h)
{
	size_t n, hlen;
	int error;

	errno = 0;
	n = fread(v->hdr, 1, sizeof(v->hdr), v->fp);
	if (ferror(v->fp))
		return (read_failed(v, errno, "read error: "));
	if (n == 0)
		return (0);
	if ((error = ktrq_rec_hdr_decode(v->hdr, n, h, &hlen)) == EMSGSIZE)
		return (truncated(v, n) == 0 ? 0 : -1);
	if (error != 0)
		return (mismatch(v, "offset %" PRIu64 ": bad header: %s",
		    v->off, strerror(error)));
	if (hlen != KTRQ_REC_HDR_V1_SIZE)
		return (mismatch(v, "offset %" PRIu64 ": version 0 header",
		    v->off));
	errno = 0;
	n = fread(v->buf, 1, (size_t)h->len, v->fp);
	if (ferror(v->fp))
		return (read_failed(v, errno, "read error: "));
	if (n < (size_t)h->len)
		return (truncated(v, hlen + n) == 0 ? 0 : -1);
	return (1);
}

static void
read_file(struct verifier *v)
{
	struct ktrq_rec_hdr h;
	int ret;

	if ((v->fp = fopen(v->o->out, "rb")) == NULL) {
		read_failed(v, errno, "");
		return;
	}
	setvbuf(v->fp, NULL, _IOFBF, READBUF);
	while ((ret = read_record(v, &h)) > 0) {
		if (check_record(v, &h, v->buf, (size_t)h.len) != 0)
			break;
		v->off += KTRQ_REC_HDR_V1_SIZE + (uint64_t)h.len;
	}
	if (ret == 0 && v->res->trunc_bytes == 0)
		v->res->bytes = v->off;
	fclose(v->fp);
}

/* Exact mode: every event that returned 0 must have been matched. */
static void
check_missing(struct verifier *v)
{
	const struct poster *pp;
	unsigned t;
	uint64_t i;

	for (t = 0; v->exact && t < v->o->threads; t++) {
		pp = &v->r->posters[t];
		for (i = v->vt[t].cursor; i < pp->nevents; i++)
			if (EV_OC(pp->ev[i]) == OC_OK) {
				mismatch(v, "thread %u: seq %" PRIu64 " (%s) "
				    "returned 0 but is not in the file", t, i,
				    ktrq_rec_tag(EV_TYPE(pp->ev[i])));
				return;
			}
	}
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}

/* Check 4 for process p by time; see the top comment. */
static void
check_marks_timed(struct verifier *v, unsigned p)
{
	struct vproc *vp = &v->vp[p];
	const struct poster *pp;
	uint64_t *starts;
	size_t i, j, n;
	unsigned t;

	for (n = 0, t = p; t < v->o->threads; t += v->r->nprocs) {
		if (v->r->posters[t].nomem)
			return;
		n += v->r->posters[t].ndropt;
	}
	if (vp->nomem || vp->nmarks == 0 ||
	    (starts = malloc((n + 1) * sizeof(*starts))) == NULL)
		return;
	for (n = 0, t = p; t < v->o->threads; t += v->r->nprocs) {
		pp = &v->r->posters[t];
		memcpy(starts + n, pp->dropt, pp->ndropt * sizeof(*starts));
		n += pp->ndropt;
	}
	qsort(starts, n, sizeof(*starts), cmp_u64);
	qsort(vp->marks, vp->nmarks, sizeof(*vp->marks), cmp_u64);
	for (i = j = 0; i < vp->nmarks; i++) {
		while (j < n && starts[j] <= vp->marks[i])
			j++;
		if (j < i + 1) {
			mismatch(v, "pid %d: %zu KTR_DROP records by time %"
			    PRIu64 " but only %zu ENOBUFS before it",
			    STRESS_PID_BASE + (int)p, i + 1, vp->marks[i], j);
			break;
		}
	}
	free(starts);
}

static void
count_calls(struct verifier *v)
{
	struct stress_result *res = v->res;
	unsigned t;
	int oc;

	for (t = 0; t < v->o->threads; t++)
		for (oc = 0; oc < OC_MAX; oc++)
			res->calls[oc] += v->r->posters[t].oc[oc];
	for (oc = 0; oc < OC_MAX; oc++) {
		res->ncalls += res->calls[oc];
		if (OC_POSTED(oc))
			res->nposted += res->calls[oc];
	}
}

static int
check_outcomes(struct verifier *v)
{
	const struct poster *pp;
	unsigned t;

	for (t = 0; t < v->o->threads; t++) {
		pp = &v->r->posters[t];
		if (pp->first_bad != 0)
			return (mismatch(v, "thread %u: an event returned %d "
			    "(%s)", t, pp->first_bad, strerror(pp->first_bad)));
		if (pp->first_errno != 0 && (!stress_faulty(v->o) ||
		    pp->first_errno != v->o->fail_errno))
			return (mismatch(v, "thread %u: genio returned %d (%s)",
			    t, pp->first_errno, strerror(pp->first_errno)));
	}
	return (0);
}

static int
check_accounting(struct verifier *v)
{
	const struct ktrq_stats *st = &v->r->st;
	const struct stress_result *res = v->res;
	uint64_t dropped;

	dropped = st->dropped_exhausted + st->dropped_write_error +
	    st->dropped_cleared;
	if (res->records != st->written)
		return (mismatch(v, "%" PRIu64 " records in the file, stats "
		    "say %" PRIu64 " written", res->records, st->written));
	if (st->written + dropped != st->posted)
		return (mismatch(v, "written %" PRIu64 " + dropped %" PRIu64
		    " != posted %" PRIu64, st->written, dropped, st->posted));
	if (res->nposted != st->posted)
		return (mismatch(v, "%" PRIu64 " calls counted as posted, "
		    "stats say %" PRIu64, res->nposted, st->posted));
	if (res->calls[OC_NOBUFS] != st->dropped_exhausted)
		return (mismatch(v, "%" PRIu64 " ENOBUFS returns, stats say %"
		    PRIu64 " dropped_exhausted", res->calls[OC_NOBUFS],
		    st->dropped_exhausted));
	if (res->calls[OC_NXIO] > st->dropped_cleared ||
	    res->calls[OC_ERRNO] > st->dropped_write_error)
		return (mismatch(v, "ENXIO/errno returns exceed the "
		    "cleared/write-error counts"));
	/*
	 * Back-pressure: a poster drops for want of an object only after
	 * its wait timed out (or when it may not sleep, which no thread
	 * of ours is: none posts from inside an event point).
	 */
	if (v->r->o->backpressure_ns != 0 &&
	    st->dropped_exhausted > st->bp_timeouts)
		return (mismatch(v, "back-pressure: %" PRIu64 " events dropped "
		    "for want of an object, %" PRIu64 " waits timed out",
		    st->dropped_exhausted, st->bp_timeouts));
	return (0);
}

static int
check_pool(struct verifier *v)
{
	const struct ktrq_stats *st = &v->r->st;
	const struct stress_run *r = v->r;

	if (st->pool_free != st->pool_size || st->todo_depth != 0)
		return (mismatch(v, "after every exit: pool %u, free %u, todo "
		    "%u", st->pool_size, st->pool_free, st->todo_depth));
	if (r->o->resize_every == 0 && st->pool_size != (uint32_t)r->o->pool)
		return (mismatch(v, "pool size %u, never resized from %d",
		    st->pool_size, r->o->pool));
	if (r->resize_errors != 0)
		return (mismatch(v, "%" PRIu64 " resizes failed other than "
		    "ENOSPC", r->resize_errors));
	if (r->log_warnings != st->warnings ||
	    r->log_write_errors != st->write_errors || r->log_other != 0)
		return (mismatch(v, "logged %" PRIu64 " warnings, %" PRIu64
		    " write errors and %" PRIu64 " other lines; stats say %"
		    PRIu64 " and %" PRIu64, r->log_warnings,
		    r->log_write_errors, r->log_other, st->warnings,
		    st->write_errors));
	if (st->warnings > r->resizes + 1 ||
	    (st->warnings == 0) != (st->dropped_exhausted == 0))
		return (mismatch(v, "%" PRIu64 " warnings for %" PRIu64
		    " resizes and %" PRIu64 " exhaustion drops", st->warnings,
		    r->resizes, st->dropped_exhausted));
	return (0);
}

/* No fault target: nothing may fail, clear or go untraced. */
static int
check_clean(struct verifier *v)
{
	const struct ktrq_stats *st = &v->r->st;
	const struct stress_result *res = v->res;

	if (st->write_errors != 0 || st->dropped_write_error != 0 ||
	    st->dropped_cleared != 0 || res->calls[OC_NOENT] != 0 ||
	    res->calls[OC_NXIO] != 0)
		return (mismatch(v, "no fault injected, yet %" PRIu64 " write "
		    "errors, %" PRIu64 " cleared, %" PRIu64 " not traced",
		    st->write_errors, st->dropped_cleared,
		    res->calls[OC_NOENT]));
	return (0);
}

/* A fault target fails once and for all: the run must show exactly it. */
static int
check_fault(struct verifier *v)
{
	const struct ktrq_stats *st = &v->r->st;
	const struct stress_result *res = v->res;
	const struct stress_opts *o = v->o;

	if (st->write_errors > 1)
		return (mismatch(v, "%" PRIu64 " write errors on one target",
		    st->write_errors));
	if (st->write_errors == 0 && (res->trunc_bytes != 0 ||
	    res->calls[OC_NOENT] != 0 || st->dropped_cleared != 0 ||
	    st->dropped_write_error != 0))
		return (mismatch(v, "no write failed, yet records were lost"));
	if (st->write_errors == 0)
		return (0);
	if (o->fail_after_records != 0 &&
	    res->records != o->fail_after_records)
		return (mismatch(v, "failed after %" PRIu64 " records, asked "
		    "for %" PRIu64, res->records, o->fail_after_records));
	if (o->fail_after_bytes != 0 && res->bytes > o->fail_after_bytes)
		return (mismatch(v, "file has %" PRIu64 " bytes, the target "
		    "was to fail after %" PRIu64, res->bytes,
		    o->fail_after_bytes));
	return (0);
}

static int
verifier_init(struct verifier *v, const struct stress_run *r,
    struct stress_result *res)
{
	unsigned t;

	memset(v, 0, sizeof(*v));
	v->r = r;
	v->o = r->o;
	v->res = res;
	v->exact = !stress_faulty(r->o);
	v->timed = 1;
	v->vt = calloc(r->o->threads, sizeof(*v->vt));
	v->vp = calloc(r->nprocs, sizeof(*v->vp));
	v->okpos = calloc(r->o->threads, sizeof(*v->okpos));
	v->buf = malloc(KTRQ_REC_MAXLEN);
	if (v->vt == NULL || v->vp == NULL || v->okpos == NULL ||
	    v->buf == NULL)
		return (mismatch(v, "verify: out of memory"));
	for (t = 0; t < r->o->threads; t++) {
		v->vt[t].last = -1;
		v->vp[r->posters[t].proc].nthreads++;
		if (r->posters[t].nomem)
			v->timed = 0;
	}
	return (0);
}

static void
verifier_fini(struct verifier *v)
{
	unsigned p;

	for (p = 0; v->vp != NULL && p < v->r->nprocs; p++)
		free(v->vp[p].marks);
	free(v->vp);
	free(v->vt);
	free(v->okpos);
	free(v->buf);
}

void
stress_verify(const struct stress_run *r, struct stress_result *res)
{
	struct verifier v;
	unsigned p;

	memset(res, 0, sizeof(*res));
	res->ok = 1;
	if (verifier_init(&v, r, res) == 0) {
		count_calls(&v);
		read_file(&v);
		if (res->io_error != 0) {
			/* Nothing was read: the other checks would only lie. */
			verifier_fini(&v);
			return;
		}
		check_missing(&v);
		for (p = 0; res->ok && p < r->nprocs; p++)
			check_marks_timed(&v, p);
		if (check_outcomes(&v) == 0 && check_accounting(&v) == 0 &&
		    check_pool(&v) == 0)
			(void)(stress_faulty(r->o) ? check_fault(&v) :
			    check_clean(&v));
	}
	verifier_fini(&v);
}
