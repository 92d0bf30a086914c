/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Event points: the ktrsyscall(), ktrsysret(), ... of sys/kern, each
 * taking the posting thread explicitly.
 *
 * Each raises the thread's recursion guard for its whole run, so an event
 * raised while libktrq itself is working for that thread (the layer
 * tracing a context switch inside msleep, say) is suppressed instead of
 * deadlocking on k_mtx.  Only that thread writes its guard; it is raised
 * before anything else is touched and lowered in the event point's last
 * k_mtx section (ktrq__leave_locked), so it also says "inside an event
 * point" to an exit or destroy, which read it under k_mtx and wait for
 * it to come down before freeing the thread, its process or the
 * instance.
 *
 * Each encodes its record's fixed part in wire form on its own stack,
 * with no lock held, and copies it into the payload area of its thread's
 * spare request with the data behind it when both fit there (k_inline
 * bytes): the common async path allocates nothing, takes k_mtx once, and
 * the worker only adds a header.  Larger data is allocated through the
 * layer before a request is taken, as the kernel did, and an allocation
 * failure drops the event like an empty pool.
 *
 * The fork check comes right after the guard is raised (point_enter),
 * after each point's argument checks: a forked child gets EOWNERDEAD from
 * all of them, also on a thread whose guard the fork copied raised, and
 * no lock is taken.
 */
#include <errno.h>
#include <string.h>

#include "ktrq_impl.h"

#define	KTRQ_PATH_MAX	1024		/* MAXPATHLEN */

/*
 * Enter an event point: the guard goes up first of all (an exit or
 * destroy that looks from now on waits for td), then the fork check.
 * Returns 0, or the outcome to return at once: EALREADY (td is inside
 * already: a nested event) or EOWNERDEAD (a forked child).
 */
static int
point_enter(struct ktrq_thread *td)
{

	if (ktrq__guard_up(td))
		return (ktrq__forked(td->td_proc->p_ktrq) ? EOWNERDEAD :
		    EALREADY);
	ktrq__guard_set(td, 1);
	if (ktrq__forked(td->td_proc->p_ktrq)) {
		ktrq__guard_set(td, 0);
		return (EOWNERDEAD);
	}
	return (0);
}

/*
 * Post an async event from inside its event point: fixed part `fixed`
 * (wire form), data `data`.  The thread's spare request is filled first,
 * capture time included, with no lock held; one k_mtx section then
 * decides and queues it (ktrq__post).  Leaves the event point.
 */
static int
post_entered(struct ktrq_thread *td, int type, const uint8_t *fixed,
    size_t fixedsz, const void *data, size_t len)
{
	struct ktrq *k = td->td_proc->p_ktrq;
	const struct ktrq_os *os = k->k_os;	/* outlives k */
	struct ktr_request *req = td->td_spare;
	void *buf;
	int outcome, inl;

	buf = NULL;
	inl = fixedsz + len <= k->k_inline;
	if (!inl)
		buf = os->alloc(os->cookie, len);
	if (fixedsz != 0)
		memcpy(req->kr_payload, fixed, fixedsz);
	req->kr_plen = (uint16_t)fixedsz;
	req->kr_data = NULL;
	req->kr_datalen = 0;
	req->kr_ownbuf = 0;
	if (inl) {
		if (len != 0)
			memcpy(req->kr_payload + fixedsz, data, len);
		req->kr_plen = (uint16_t)(fixedsz + len);
	} else if (buf != NULL) {
		memcpy(buf, data, len);
		req->kr_data = buf;
		req->kr_datalen = (uint32_t)len;
		req->kr_ownbuf = 1;
	}
	req->kr_ns = os->clock_ns(os->cookie);
	/*
	 * Not queued: buf is still ours.  Out of the event point, the
	 * thread (its spare with it) may be gone already, so only buf is
	 * touched; the next fill sets every payload field again.
	 */
	if ((outcome = ktrq__post(td, type, !inl && buf == NULL)) != 0 &&
	    buf != NULL)
		os->free(os->cookie, buf, len);
	return (outcome);
}

static int
post(struct ktrq_thread *td, int type, const uint8_t *fixed, size_t fixedsz,
    const void *data, size_t len)
{
	int error;

	if ((error = point_enter(td)) != 0)
		return (error);
	return (post_entered(td, type, fixed, fixedsz, data, len));
}

int
ktrq_point(struct ktrq_thread *td, int type)
{
	struct ktrq_proc *p;
	struct ktrq *k;
	int traced;

	if (td == NULL || type < KTR_SYSCALL || type > KTR_USER ||
	    ktrq__guard_up(td))
		return (0);
	p = td->td_proc;
	k = p->p_ktrq;
	if (ktrq__forked(k))
		return (0);	/* not recorded: a boolean, see ktrq.h */
	KTRQ_LOCK(k);
	traced = ktrq__traced_locked(p, type);
	KTRQ_UNLOCK(k);
	return (traced);
}

int
ktrq_syscall(struct ktrq_thread *td, int code, int narg,
    const uint64_t *args)
{
	uint8_t fx[KTRQ_REC_SYSCALL_SIZE(KTRQ_REC_MAXARGS)];
	struct ktrq_rec_syscall s;

	if (td == NULL || narg < 0 || narg > KTRQ_REC_MAXARGS ||
	    (narg > 0 && args == NULL) || code < INT16_MIN ||
	    code > INT16_MAX)
		return (EINVAL);
	memset(&s, 0, sizeof(s));
	s.code = (int16_t)code;
	s.narg = (int16_t)narg;
	if (narg > 0)
		memcpy(s.args, args, (size_t)narg * sizeof(args[0]));
	return (post(td, KTR_SYSCALL, fx, ktrq_rec_syscall_encode(fx, &s),
	    NULL, 0));
}

int
ktrq_sysret(struct ktrq_thread *td, int code, int error, int64_t retval)
{
	uint8_t fx[KTRQ_REC_SYSRET_SIZE];
	struct ktrq_rec_sysret s;

	if (td == NULL || code < INT16_MIN || code > INT16_MAX)
		return (EINVAL);
	memset(&s, 0, sizeof(s));
	s.code = (int16_t)code;
	s.error = error;
	s.retval = retval;
	return (post(td, KTR_SYSRET, fx, ktrq_rec_sysret_encode(fx, &s),
	    NULL, 0));
}

int
ktrq_namei(struct ktrq_thread *td, const char *path)
{
	size_t len;

	if (td == NULL || path == NULL ||
	    (len = ktrq__strnlen(path, KTRQ_PATH_MAX + 1)) > KTRQ_PATH_MAX)
		return (EINVAL);
	return (post(td, KTR_NAMEI, NULL, 0, path, len));
}

int
ktrq_psig(struct ktrq_thread *td, int signo, uint64_t action, int code,
    const uint32_t mask[4])
{
	uint8_t fx[KTRQ_REC_PSIG_SIZE];
	struct ktrq_rec_psig s;

	if (td == NULL || signo <= 0)
		return (EINVAL);
	memset(&s, 0, sizeof(s));
	s.signo = signo;
	s.action = action;
	s.code = code;
	if (mask != NULL)
		memcpy(s.mask, mask, sizeof(s.mask));
	return (post(td, KTR_PSIG, fx, ktrq_rec_psig_encode(fx, &s), NULL,
	    0));
}

int
ktrq_csw(struct ktrq_thread *td, int out, int user)
{
	uint8_t fx[KTRQ_REC_CSW_SIZE];
	struct ktrq_rec_csw s;

	if (td == NULL)
		return (EINVAL);
	s.out = out != 0;
	s.user = user != 0;
	return (post(td, KTR_CSW, fx, ktrq_rec_csw_encode(fx, &s), NULL, 0));
}

int
ktrq_utrace(struct ktrq_thread *td, const void *addr, size_t len)
{

	if (td == NULL || len > KTRQ_REC_USER_MAX || (addr == NULL && len != 0))
		return (EINVAL);
	return (post(td, KTR_USER, NULL, 0, addr, len));
}

/*
 * The 2002 genio: queued for order, written by the poster itself.  From
 * inside its event point; leaves it.
 */
static int
genio_sync(struct ktrq_thread *td, const uint8_t *fixed, size_t fixedsz,
    const void *buf, size_t len)
{
	struct ktrq *k = td->td_proc->p_ktrq;
	struct ktr_request *req;
	int outcome;

	if ((req = ktrq__getrequest(td, KTR_GENIO, 0, &outcome)) == NULL)
		return (outcome);
	memcpy(req->kr_payload, fixed, fixedsz);
	req->kr_plen = (uint16_t)fixedsz;
	req->kr_data = buf;
	req->kr_datalen = (uint32_t)len;
	return (ktrq__sync_post(k, td, req));
}

int
ktrq_genio(struct ktrq_thread *td, int fd, int rw, const void *buf,
    size_t len)
{
	uint8_t fx[KTRQ_REC_GENIO_SIZE];
	struct ktrq_rec_genio g;
	struct ktrq *k;
	size_t fxlen;
	int error;

	if (td == NULL || (rw != 0 && rw != 1) || (buf == NULL && len != 0))
		return (EINVAL);
	if ((error = point_enter(td)) != 0)
		return (error);
	k = td->td_proc->p_ktrq;
	if (len > k->k_genio_size)
		len = k->k_genio_size;
	g.fd = fd;
	g.rw = rw;
	fxlen = ktrq_rec_genio_encode(fx, &g);
	if (k->k_flags & KTRQ_CF_GENIO_COPY)
		return (post_entered(td, KTR_GENIO, fx, fxlen, buf, len));
	return (genio_sync(td, fx, fxlen, buf, len));
}
