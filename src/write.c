/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writing a record, and what a failed write does.
 *
 * A record goes out as the header, encoded here in the FreeBSD/amd64
 * ktrace.out layout, then its payload as the poster left it (fixed part
 * in wire form, and the data when it fit inline), then any data kept
 * outside the request: one to three pieces of one append, written with
 * the credentials captured from its poster.  The worker gathers several
 * records into one append (batch.c); a synchronous poster writes its own.
 *
 * On a write error the target is given up, as in 2002: log it, detach
 * every process tracing to it (which clears their queued requests, as
 * any detach does), and mark every other queued request for it cleared.
 * The walk runs under k_mtx alone; the references it takes from the
 * processes are released after it, and the writer keeps the requests'
 * own references until they are finished (the later FreeBSD fix for a
 * use-after-free when the last reference went in mid-walk).
 */
#include <errno.h>
#include <string.h>

#include "ktrq_impl.h"

/* Pieces the record of `req` takes in a gathered write. */
int
ktrq__record_pieces(const struct ktr_request *req)
{

	return (1 + (req->kr_plen != 0) + (req->kr_datalen != 0));
}

/* Bytes the record of `req` takes on the target. */
size_t
ktrq__record_size(const struct ktr_request *req)
{

	return (KTRQ_REC_HDR_V1_SIZE + (size_t)req->kr_plen +
	    req->kr_datalen);
}

/*
 * Encode the header of `req` into `hdr` and describe the record in
 * iov[]; returns the pieces used (ktrq__record_pieces).
 */
int
ktrq__record_iov(const struct ktr_request *req, uint8_t *hdr,
    struct ktrq_iov *iov)
{
	struct ktrq_rec_hdr h;
	int n;

	memset(&h, 0, sizeof(h));
	h.len = (int32_t)(req->kr_plen + req->kr_datalen);
	h.type = req->kr_type;
	h.pid = req->kr_pid;
	memcpy(h.comm, req->kr_comm, sizeof(h.comm));
	h.sec = (int64_t)(req->kr_ns / 1000000000U);
	h.nsec = (int64_t)(req->kr_ns % 1000000000U);
	h.tid = req->kr_tid;
	n = 0;
	iov[n].base = hdr;
	iov[n++].len = ktrq_rec_hdr_encode(hdr, &h);
	if (req->kr_plen != 0) {
		iov[n].base = req->kr_payload;
		iov[n++].len = req->kr_plen;
	}
	if (req->kr_datalen != 0) {
		iov[n].base = req->kr_data;
		iov[n++].len = req->kr_datalen;
	}
	return (n);
}

void
ktrq__write_failed(struct ktrq *k, struct ktrq_target *t, int error)
{
	struct ktrq_proc *p;
	unsigned nrele;

	ktrq__log_errno(k, KTRQ_LOG_ERR, "ktrace write failed, errno ",
	    error, ", tracing stopped");
	nrele = 0;
	KTRQ_LOCK(k);
	k->k_st.write_errors++;
	LIST_FOREACH(p, &k->k_procs, p_list)
		if (p->p_target == t && ktrq__proc_detach(p) == t)
			nrele++;
	KTRQ_UNLOCK(k);
	ktrq__clear_target(k, t);
	ktrq__target_rele_n(t, nrele);
}

/*
 * Mark every queued request for `t` cleared, whoever posted it: after a
 * write error or a CLEARFILE nothing more is taken for writing to `t`.
 */
void
ktrq__clear_target(struct ktrq *k, struct ktrq_target *t)
{
	struct ktr_request *req;

	KTRQ_LOCK(k);
	for (req = ktrq__todo_next(k, NULL); req != NULL;
	    req = ktrq__todo_next(k, req))
		if (req->kr_target == t)
			req->kr_cleared = 1;
	KTRQ_UNLOCK(k);
}

/*
 * Write the one record of `req` to its target.  Returns 0 or the
 * target's errno, after running the write-error policy.  The caller owns
 * `req` (off every list) and counts the outcome.
 */
int
ktrq__write(struct ktrq *k, struct ktr_request *req)
{
	uint8_t hdr[KTRQ_REC_HDR_V1_SIZE];
	struct ktrq_iov iov[3];
	size_t done;
	int error, n;

	n = ktrq__record_iov(req, hdr, iov);
	KTRQ_PROBE(k, KTRQ_PROBE_WRITE_BEGIN, req, 0);
	error = ktrq__target_put(req->kr_target, iov, n, &req->kr_cred,
	    &done);
	KTRQ_PROBE(k, KTRQ_PROBE_WRITE_END, req, error);
	if (error != 0)
		ktrq__write_failed(k, req->kr_target, error);
	return (error);
}
