/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Batched writes, after NetBSD's ktrace writer: the worker takes the run
 * of consecutive asynchronous requests at the head of the todo list that
 * share a target and credentials, in one k_mtx section, writes them with
 * one gathered write, and finishes them in one section.  The run ends at
 * a synchronous request (whose poster writes it, in its turn), at another
 * target or credentials, or at a limit: k_batch_max records, the pieces
 * one write may have, KTRQ_BATCH_BYTES past the first record.  Records
 * reach the target in todo order, as one at a time would.
 *
 *	worker (k_mtx)		take: cleared ones finished at once,
 *				the run marked WRITING, off the list
 *	worker (no lock)	one write of every record's pieces
 *	worker (k_mtx)		finish: each record counted by how much
 *				of the write the target took
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

/* Locked: finish a cleared request at the head without writing it. */
static void
take_cleared(struct ktrq *k, struct ktr_batch *b, struct ktr_request *req)
{

	ktrq__drop_locked(k, req, KTRQ__ECLEARED);
	ktrq__account_locked(k, KTRQ__ECLEARED);
	ktrq__done_locked(k, req, &b->b_lo[b->b_nlo++]);
}

/*
 * Locked: take the run at the head of the todo list (whose head is an
 * asynchronous request) into `b`, from k_front alone (what the worker
 * warmed).  At most KTRQ_BATCH_MAX requests are looked at, so the
 * section stays short; b_n may end up 0 when all of them were cleared.
 */
void
ktrq__batch_take(struct ktrq *k, struct ktr_batch *b)
{
	struct ktr_request *req, *first;
	size_t bytes;
	int looked, pieces;

	KTRQ_ASSERT_LOCKED(k);
	KTRQ_ASSERT(k, b->b_nlo <= KTRQ_BATCH_MAX);
	first = NULL;
	bytes = 0;
	pieces = 0;
	b->b_n = 0;
	for (looked = 0; looked < KTRQ_BATCH_MAX &&
	    (req = STAILQ_FIRST(&k->k_front)) != NULL && !req->kr_sync;
	    looked++) {
		if (!req->kr_cleared) {
			if (first != NULL && (b->b_n == k->k_batch_max ||
			    !same_writer(first, req) ||
			    pieces + ktrq__record_pieces(req) >
			    KTRQ_TARGET_IOVMAX ||
			    bytes + ktrq__record_size(req) > KTRQ_BATCH_BYTES))
				break;
			if (first == NULL)
				first = req;
			pieces += ktrq__record_pieces(req);
			bytes += ktrq__record_size(req);
		}
		STAILQ_REMOVE_HEAD(&k->k_front, kr_list);
		k->k_ntodo--;
		req->kr_state = KR_WRITING;
		KTRQ_PROBE(k, KTRQ_PROBE_TAKE, req, 0);
		if (req->kr_cleared)
			take_cleared(k, b, req);
		else
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

/* Locked: count and return every request of the written batch. */
void
ktrq__batch_finish(struct ktrq *k, struct ktr_batch *b)
{
	struct ktr_request *req;
	size_t end;
	int error, failed, i;

	KTRQ_ASSERT_LOCKED(k);
	if (b->b_n != 0)
		k->k_st.writes++;
	failed = 0;
	for (i = 0, end = 0; i < b->b_n; i++) {
		req = b->b_req[i];
		end += ktrq__record_size(req);
		if (b->b_error == 0 || end <= b->b_done)
			error = 0;
		else if (!failed) {
			error = b->b_error;
			failed = 1;
		} else {
			error = KTRQ__ECLEARED;
			ktrq__drop_locked(k, req, error);
		}
		ktrq__account_locked(k, error);
		ktrq__done_locked(k, req, &b->b_lo[b->b_nlo++]);
	}
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
