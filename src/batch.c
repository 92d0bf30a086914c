/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Batched writes, after NetBSD's ktrace writer: the worker takes the run
 * of consecutive asynchronous requests at the head of the todo list that
 * share a target and credentials, writes them with one gathered write,
 * and finishes them.  The run ends at a synchronous request (whose
 * poster writes it, in its turn), at another target or credentials, or
 * at a limit: k_batch_max records, the pieces one write may have,
 * KTRQ_BATCH_BYTES past the first record.  Records reach the target in
 * todo order, as one at a time would.
 *
 *	worker (no lock)	plan: walk k_front's head (its links and
 *				what a queued request never changes are
 *				the worker's to read, ktrq_impl.h)
 *	worker (k_mtx)		cut: the run off the list in one step
 *	worker (no lock)	the cleared ones set aside, one write of
 *				the others' pieces; each one's outcome
 *				by how much of the write the target took
 *	worker (k_mtx)		finish: the counts, the drain counts of
 *				the run's processes, the run back to the
 *				pool in one step
 *
 * Both sections take a few stores whatever the run's length (the probes
 * aside), so a poster seldom finds k_mtx held by the worker.  A request
 * marked cleared before the cut is dropped at the finish; after the cut
 * nothing marks it (it is on no list), as for any request being written.
 *
 * A failed write keeps the one-record policy: the records the target
 * took whole are written, the one it failed in counts as the write
 * error, and the rest of the batch, like every other request for that
 * target, is cleared.
 */
#include <errno.h>

#include "ktrq_impl.h"

static int
same_writer(const struct ktr_request *a, const struct ktr_request *b)
{
	const struct ktrq_cred *x = &a->kr_cred, *y = &b->kr_cred;

	return (a->kr_target == b->kr_target && x->uid == y->uid &&
	    x->ruid == y->ruid && x->svuid == y->svuid && x->gid == y->gid &&
	    x->rgid == y->rgid && x->svgid == y->svgid);
}

/*
 * Unlocked, by the worker: choose the run at the head of k_front (whose
 * head is an asynchronous request) into b_take, reading only what a
 * queued request never changes; a cleared mark may still come, and is
 * read after the cut.  Each request is fetched for writing on the way
 * (the later steps write it).
 */
void
ktrq__batch_plan(struct ktrq *k, struct ktr_batch *b)
{
	struct ktr_request *req, *first;
	size_t bytes;
	int pieces;

	first = STAILQ_FIRST(&k->k_front);
	bytes = 0;
	pieces = 0;
	b->b_ntake = 0;
	for (req = first; req != NULL && !req->kr_sync &&
	    b->b_ntake < k->k_batch_max; req = STAILQ_NEXT(req, kr_list)) {
		__builtin_prefetch(req, 1, 3);
		__builtin_prefetch((const char *)req + 64, 1, 3);
		if (b->b_ntake != 0 && (!same_writer(first, req) ||
		    pieces + ktrq__record_pieces(req) > KTRQ_TARGET_IOVMAX ||
		    bytes + ktrq__record_size(req) > KTRQ_BATCH_BYTES))
			break;
		pieces += ktrq__record_pieces(req);
		bytes += ktrq__record_size(req);
		b->b_take[b->b_ntake++] = req;
	}
}

/* Locked: take the planned run off the head of the todo list. */
void
ktrq__batch_cut(struct ktrq *k, struct ktr_batch *b)
{
	int i;

	KTRQ_ASSERT_LOCKED(k);
	KTRQ_ASSERT(k, b->b_ntake > 0 &&
	    STAILQ_FIRST(&k->k_front) == b->b_take[0]);
	STAILQ_REMOVE_HEAD_UNTIL(&k->k_front, b->b_take[b->b_ntake - 1],
	    kr_list);
	k->k_ntodo -= (uint32_t)b->b_ntake;
	if (k->k_probe != NULL)
		for (i = 0; i < b->b_ntake; i++)
			ktrq__probe(k, KTRQ_PROBE_TAKE, b->b_take[i], 0);
}

/* Unlocked: the cut run is the worker's; set its cleared ones aside. */
static void
batch_sort(struct ktr_batch *b)
{
	struct ktr_request *req;
	int i;

	b->b_n = 0;
	for (i = 0; i < b->b_ntake; i++) {
		req = b->b_take[i];
		req->kr_state = KR_WRITING;
		if (!req->kr_cleared)
			b->b_req[b->b_n++] = req;
	}
}

/*
 * Unlocked: write the batch in one gathered write.  Every record's write
 * begins (in order) before the write and ends after it, as far as the
 * target took it; the record a failed write stopped in ends with the
 * error, and the write-error policy runs.
 */
void
ktrq__batch_write(struct ktrq *k, struct ktr_batch *b)
{
	struct ktr_request *req;
	struct ktrq_target *t;
	size_t end;
	int i, n;

	batch_sort(b);
	b->b_error = 0;
	b->b_done = 0;
	if (b->b_n == 0)
		return;
	t = b->b_req[0]->kr_target;
	for (i = 0, n = 0; i < b->b_n; i++) {
		req = b->b_req[i];
		n += ktrq__record_iov(req, b->b_hdr[i], &b->b_iov[n]);
		KTRQ_PROBE(k, KTRQ_PROBE_WRITE_BEGIN, req, 0);
	}
	b->b_error = ktrq__target_put(t, b->b_iov, n, &b->b_req[0]->kr_cred,
	    &b->b_done);
	for (i = 0, end = 0; i < b->b_n; i++) {
		req = b->b_req[i];
		end += ktrq__record_size(req);
		if (end <= b->b_done || b->b_error == 0)
			KTRQ_PROBE(k, KTRQ_PROBE_WRITE_END, req, 0);
		else {
			KTRQ_PROBE(k, KTRQ_PROBE_WRITE_END, req, b->b_error);
			break;
		}
	}
	if (b->b_error != 0)
		ktrq__write_failed(k, t, b->b_error);
}

/*
 * The outcome of the batch's next request `req`: cleared at the cut;
 * else written if the target took it whole (`end`, its last byte in the
 * write), the write's error for the one the write failed in, cleared
 * after that one (*failed).
 */
static int
settle_one(const struct ktr_batch *b, const struct ktr_request *req,
    size_t *end, int *failed)
{

	if (req->kr_cleared)
		return (KTRQ__ECLEARED);
	*end += ktrq__record_size(req);
	if (b->b_error == 0 || *end <= b->b_done)
		return (0);
	if (*failed)
		return (KTRQ__ECLEARED);
	*failed = 1;
	return (b->b_error);
}

/*
 * Unlocked: each request's outcome (cleared at the cut; else written, or
 * the write's error for the one it failed in, cleared after it), the
 * counts, the run's processes, and what each leaves behind.
 */
void
ktrq__batch_settle(struct ktrq *k, struct ktr_batch *b)
{
	struct ktr_request *req;
	struct ktr_run *run;
	size_t end;
	int *err, failed, i;

	KTRQ_ASSERT(k, b->b_nlo == 0);
	b->b_nwritten = b->b_ncleared = b->b_nfailed = 0;
	b->b_nrun = 0;
	run = NULL;
	failed = 0;
	for (i = 0, end = 0; i < b->b_ntake; i++) {
		req = b->b_take[i];
		err = &b->b_err[i];
		*err = settle_one(b, req, &end, &failed);
		if (*err == 0)
			b->b_nwritten++;
		else if (*err == KTRQ__ECLEARED)
			b->b_ncleared++;
		else
			b->b_nfailed++;
		if (run == NULL || run->proc != req->kr_proc) {
			run = &b->b_run[b->b_nrun++];
			run->proc = req->kr_proc;
			run->n = 0;
		}
		run->n++;
		ktrq__request_leftovers(req, &b->b_lo[b->b_nlo++]);
		if (*err != KTRQ__ECLEARED)
			ktrq__request_forget(req);	/* finish needs them */
	}
}

/*
 * Locked: finish the settled run: mark the cleared ones' processes, count
 * the outcomes, let an exiting process whose last request this was go
 * on, and return the run to the pool.
 */
void
ktrq__batch_finish(struct ktrq *k, struct ktr_batch *b)
{
	struct ktrq_proc *p;
	int i;

	KTRQ_ASSERT_LOCKED(k);
	if (b->b_n != 0)
		k->k_st.writes++;
	for (i = 0; b->b_ncleared != 0 && i < b->b_ntake; i++)
		if (b->b_err[i] == KTRQ__ECLEARED) {
			ktrq__drop_locked(k, b->b_take[i], KTRQ__ECLEARED);
			ktrq__request_forget(b->b_take[i]);
		}
	k->k_st.written += b->b_nwritten;
	k->k_st.dropped_cleared += b->b_ncleared;
	k->k_st.dropped_write_error += b->b_nfailed;
	for (i = 0; i < b->b_nrun; i++) {
		p = b->b_run[i].proc;
		KTRQ_ASSERT(k, p->p_nqueued >= b->b_run[i].n);
		p->p_nqueued -= b->b_run[i].n;
		if (p->p_nqueued == 0 && (p->p_flag & P_EXITING))
			ktrq__wakeup(k, &p->p_nqueued);
	}
	ktrq__pool_put_run(k, b->b_take[0], b->b_take[b->b_ntake - 1],
	    (uint32_t)b->b_ntake);
	b->b_ntake = 0;
	b->b_n = 0;
}

/* Unlocked: release what finished requests left, a target's in one go. */
void
ktrq__batch_release(struct ktrq *k, struct ktr_batch *b)
{
	struct ktr_leftovers *lo;
	struct ktrq_target *t;
	unsigned nref;
	int i;

	t = NULL;
	nref = 0;
	for (i = 0; i < b->b_nlo; i++) {
		lo = &b->b_lo[i];
		if (lo->target != t) {
			ktrq__target_rele_n(t, nref);
			t = lo->target;
			nref = 0;
		}
		nref += t != NULL;
		if (lo->buf != NULL)
			k->k_os->free(k->k_os->cookie, lo->buf, lo->buflen);
	}
	ktrq__target_rele_n(t, nref);
	b->b_nlo = 0;
}
