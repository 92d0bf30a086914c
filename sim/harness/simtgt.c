/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The sim target: a target for tracing purposes that writes into the
 * harness's one in-memory stream (shared by both targets, so the oracle
 * sees the global write order) and turns the simulator's choices into
 * what a real file does under stress -- write errors (only at the start
 * of a record), transient refusals the core must retry, short writes,
 * and write latency in virtual time.
 *
 * It stages a record until its last byte and passes it on whole, as
 * FreeBSD's IO_UNIT does: a failure loses the record under way and
 * nothing before it, so a short write never tears the stream.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness_impl.h"

struct simtgt {
	struct ktrq_harness	*h;
	int			 index;		/* 0 or 1, for the oracle */
	struct ktrq_target	*inner;		/* the shared memtarget */
	struct ktrq_os_mtx	*mtx;		/* for latency sleeps */
	int			 faulty;	/* may fail writes */
	int			 released;	/* its last reference went */
	int			 transients;	/* refused in a row */
	int			 sizing;	/* staging a header cut short */
	uint8_t			*stage;		/* the record so far */
	size_t			 staged;
	size_t			 pending;	/* bytes still to come */
};

static int
chance(const struct ktrq_os *os, unsigned permille, const char *what)
{

	return (ktrq_sim_choose(os, 1000, what) < permille);
}

static void
simtgt_latency(struct simtgt *st)
{
	const struct ktrq_os *os = st->h->os;
	uint64_t end;

	end = os->clock_ns(os->cookie) + 1000 *
	    (1 + ktrq_sim_choose(os, 1000, "write latency"));
	os->mtx_enter(os->cookie, st->mtx);
	while (os->clock_ns(os->cookie) < end)
		os->msleep(os->cookie, st, st->mtx, "ktrlatency",
		    end - os->clock_ns(os->cookie));
	os->mtx_exit(os->cookie, st->mtx);
}

/*
 * Start of a record: maybe refuse it with a transient errno, which the
 * core retries -- never more than KTRQ_TARGET_RETRIES times in a row,
 * so that no record is lost to it.
 */
static int
simtgt_transient(struct simtgt *st)
{
	const struct ktrq_os *os = st->h->os;

	if (st->h->o.transient_permille != 0 &&
	    st->transients < KTRQ_TARGET_RETRIES &&
	    chance(os, st->h->o.transient_permille, "transient error")) {
		st->transients++;
		return (ktrq_sim_choose(os, 2, "transient errno") != 0 ?
		    EAGAIN : EINTR);
	}
	st->transients = 0;
	return (0);
}

/*
 * Start of a record: maybe fail, maybe wait; then stage `total` bytes
 * (0: not known yet, the header first).
 */
static int
simtgt_begin(struct simtgt *st, size_t total)
{
	const struct ktrq_os *os = st->h->os;

	if (st->faulty && chance(os, st->h->o.fault_permille,
	    "target write error"))
		return (EIO);
	if (ktrq_sim_fault(os, "target write latency"))
		simtgt_latency(st);
	st->sizing = total == 0;
	if (st->sizing)
		total = KTRQ_REC_HDR_V1_SIZE;
	free(st->stage);
	if ((st->stage = malloc(total)) == NULL)
		ktrq_sim_fail(os, "harness: out of host memory staging a "
		    "record");
	st->staged = 0;
	st->pending = total;
	return (0);
}

/* The header cut short upstream is whole: stage the rest of the record. */
static void
simtgt_sized(struct simtgt *st)
{
	const uint8_t *b = st->stage;
	uint32_t len;

	st->sizing = 0;
	len = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
	if (len == 0 || len > KTRQ_REC_MAXLEN)
		return;			/* the header is all there is */
	if ((st->stage = realloc(st->stage, st->staged + len)) == NULL)
		ktrq_sim_fail(st->h->os, "harness: out of host memory staging "
		    "a record");
	st->pending = len;
}

/*
 * Bytes of the record at the start of iov: its header's length (the
 * call may hold less of it: a writer in front of this one cut it short),
 * or all of the call when that is not a ktrace header; 0 when the call
 * holds less than a header, whose length is then known later.
 */
static size_t
simtgt_record(const struct ktrq_iov *iov, int iovcnt, size_t total)
{
	uint8_t b[4];
	size_t got, n;
	uint32_t len;
	int i;

	if (total < KTRQ_REC_HDR_V1_SIZE)
		return (0);
	for (i = 0, got = 0; i < iovcnt && got < sizeof(b); i++) {
		n = iov[i].len < sizeof(b) - got ? iov[i].len : sizeof(b) - got;
		memcpy(b + got, iov[i].base, n);
		got += n;
	}
	len = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
	if (len > KTRQ_REC_MAXLEN)
		return (total);
	return (KTRQ_REC_HDR_V1_SIZE + (size_t)len);
}

/*
 * One record per call at most (a batch takes several calls: short
 * writes at record boundaries), each staged whole and passed to the
 * inner target only when complete.
 */
static int
simtgt_write(void *arg, const struct ktrq_iov *iov, int iovcnt,
    const struct ktrq_cred *cred, size_t *donep)
{
	struct simtgt *st = arg;
	const struct ktrq_os *os = st->h->os;
	struct ktrq_iov whole;
	size_t total, allow, n;
	int error, i;

	/*
	 * Kept until the run is over, so that a write after the release
	 * is seen here rather than in whatever reused the memory.
	 */
	if (st->released)
		ktrq_sim_fail(os, "harness: target %d written after its last "
		    "reference was released", st->index);
	total = ktrq_iov_total(iov, iovcnt);
	if (st->pending == 0) {
		if ((error = simtgt_transient(st)) != 0)
			return (error);
		ktrq_harness__log_simple(st->h, EV_TWRITE, 0, st->index);
		if ((error = simtgt_begin(st, simtgt_record(iov, iovcnt,
		    total))) != 0)
			return (error);
	}
	allow = total < st->pending ? total : st->pending;
	if (allow > 1 && ktrq_sim_fault(os, "short write"))
		allow = 1 + ktrq_sim_choose(os, allow - 1, "short write length");
	for (n = allow, i = 0; i < iovcnt && n > 0; i++) {
		size_t c = iov[i].len < n ? iov[i].len : n;

		memcpy(st->stage + st->staged, iov[i].base, c);
		st->staged += c;
		n -= c;
	}
	st->pending -= allow;
	*donep = allow;
	if (st->pending == 0 && st->sizing)
		simtgt_sized(st);
	if (st->pending != 0)
		return (0);
	whole.base = st->stage;
	whole.len = st->staged;
	return (ktrq_target_write(st->inner, &whole, 1, cred));
}

/* At the end of the run (the harness's cleanup). */
void
ktrq_harness__simtgt_forget(struct simtgt *st)
{

	if (st->h->simtgts[st->index] == st)
		st->h->simtgts[st->index] = NULL;
	free(st->stage);
	free(st);
}

static void
simtgt_release(void *arg)
{
	struct simtgt *st = arg;
	const struct ktrq_os *os = st->h->os;

	ktrq_target_rele(st->inner);
	os->mtx_destroy(os->cookie, st->mtx);
	free(st->stage);
	st->stage = NULL;
	st->released = 1;
}

static const struct ktrq_target_ops simtgt_ops = {
	.write = simtgt_write,
	.release = simtgt_release,
};

int
ktrq_harness__simtgt_create(struct ktrq_harness *h, int index, int faulty,
    struct ktrq_target **tp)
{
	struct simtgt *st;
	int error;

	if ((st = calloc(1, sizeof(*st))) == NULL)
		return (ENOMEM);
	st->h = h;
	st->index = index;
	st->faulty = faulty;
	h->simtgts[index] = st;
	if ((error = h->os->mtx_init(h->os->cookie, &st->mtx,
	    "simtgt")) != 0) {
		h->simtgts[index] = NULL;
		free(st);
		return (error);
	}
	ktrq_target_hold(h->mem);
	st->inner = h->mem;
	if ((error = ktrq_target_create(h->os, &simtgt_ops, st, tp)) != 0)
		simtgt_release(st);
	return (error);
}
