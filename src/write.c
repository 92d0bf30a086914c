/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writing one record, and what a failed write does.
 *
 * A record goes out as one append of up to three pieces (header, fixed
 * payload, variable payload), encoded field by field in the FreeBSD/amd64
 * ktrace.out layout, with the credentials captured from its poster.
 *
 * On a write error the target is given up, as in 2002: log it, detach
 * every process tracing to it (which clears their queued requests, as
 * any detach does), and mark every other queued request for it cleared.
 * The walk runs under k_mtx alone; the references it takes from the
 * processes are released after it, and the writer keeps the request's
 * own reference until the request is finished (the later FreeBSD fix for
 * a use-after-free when the last reference went in mid-walk).
 */
#include <errno.h>

#include "ktrq_impl.h"

#define	FIXED_MAX	KTRQ_REC_SYSCALL_SIZE(KTRQ_REC_MAXARGS)

static size_t
encode_fixed(const struct ktr_request *req, uint8_t *out)
{

	switch (req->kr_header.type & ~KTR_TYPE) {
	case KTR_SYSCALL:
		return (ktrq_rec_syscall_encode(out, &req->kr_u.syscall));
	case KTR_SYSRET:
		return (ktrq_rec_sysret_encode(out, &req->kr_u.sysret));
	case KTR_GENIO:
		return (ktrq_rec_genio_encode(out, &req->kr_u.genio));
	case KTR_PSIG:
		return (ktrq_rec_psig_encode(out, &req->kr_u.psig));
	case KTR_CSW:
		return (ktrq_rec_csw_encode(out, &req->kr_u.csw));
	default:		/* NAMEI, USER: all variable */
		return (0);
	}
}

static void
write_failed(struct ktrq *k, struct ktrq_target *t, int error)
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
	while (nrele-- > 0)
		ktrq_target_rele(t);
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
	STAILQ_FOREACH(req, &k->k_todo, kr_list)
		if (req->kr_target == t)
			req->kr_cleared = 1;
	KTRQ_UNLOCK(k);
}

/*
 * Write `req` to its target.  Returns 0 or the target's errno, after
 * running the write-error policy.  The caller owns `req` (off every list)
 * and counts the outcome.
 */
int
ktrq__write(struct ktrq *k, struct ktr_request *req)
{
	uint8_t hdr[KTRQ_REC_HDR_V1_SIZE], fixed[FIXED_MAX];
	struct ktrq_iov iov[3];
	size_t flen;
	int error, n;

	flen = encode_fixed(req, fixed);
	req->kr_header.len = (int32_t)(flen + req->kr_datalen);
	n = 0;
	iov[n].base = hdr;
	iov[n++].len = ktrq_rec_hdr_encode(hdr, &req->kr_header);
	if (flen != 0) {
		iov[n].base = fixed;
		iov[n++].len = flen;
	}
	if (req->kr_datalen != 0) {
		iov[n].base = req->kr_data;
		iov[n++].len = req->kr_datalen;
	}
	KTRQ_PROBE(k, KTRQ_PROBE_WRITE_BEGIN, req, 0);
	error = ktrq_target_write(req->kr_target, iov, n, &req->kr_cred);
	KTRQ_PROBE(k, KTRQ_PROBE_WRITE_END, req, error);
	if (error != 0)
		write_failed(k, req->kr_target, error);
	return (error);
}
