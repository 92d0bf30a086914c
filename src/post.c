/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Event points: the ktrsyscall(), ktrsysret(), ... of sys/kern, each
 * taking the posting thread explicitly.
 *
 * Each sets the thread's recursion guard for its whole run, so an event
 * raised while libktrq itself is working for that thread (the layer
 * tracing a context switch inside msleep, say) is suppressed instead of
 * deadlocking on k_mtx.  The guard belongs to one thread and is touched
 * only by whoever is that thread now, so it needs no lock.
 *
 * Each encodes its record's fixed part in wire form on its own stack,
 * with no lock held, and copies it into the request's payload area with
 * the data behind it when both fit there (k_inline bytes): the common
 * async path allocates nothing, and the worker only adds a header.
 * Larger data is allocated through the layer before a request is taken,
 * as the kernel did, and an allocation failure drops the event like an
 * empty pool.
 *
 * The fork check sits in the two posting paths every event point ends
 * in (post, genio_sync), after each point's argument checks and before
 * the recursion guard, so a forked child gets EOWNERDEAD from all of
 * them and no lock is taken.
 */
#include <errno.h>
#include <string.h>

#include "ktrq_impl.h"

#define	KTRQ_PATH_MAX	1024		/* MAXPATHLEN */

static int
guard_enter(struct ktrq_thread *td)
{

	if (td->td_inktrace)
		return (0);
	td->td_inktrace = 1;
	return (1);
}

static void
guard_exit(struct ktrq_thread *td)
{

	td->td_inktrace = 0;
}

/* Post an async event: fixed part `fixed` (wire form), data `data`. */
static int
post(struct ktrq_thread *td, int type, const uint8_t *fixed, size_t fixedsz,
    const void *data, size_t len)
{
	struct ktrq *k = td->td_proc->p_ktrq;
	struct ktr_request *req;
	void *buf;
	int outcome, inl;

	if (ktrq__forked(k))
		return (EOWNERDEAD);
	if (!guard_enter(td))
		return (EALREADY);
	buf = NULL;
	inl = fixedsz + len <= k->k_inline;
	if (!inl)
		buf = k->k_os->alloc(k->k_os->cookie, len);
	req = ktrq__getrequest(td, type, !inl && buf == NULL, &outcome);
	if (req == NULL) {
		if (buf != NULL)
			k->k_os->free(k->k_os->cookie, buf, len);
		guard_exit(td);
		return (outcome);
	}
	if (fixedsz != 0)
		memcpy(req->kr_payload, fixed, fixedsz);
	req->kr_plen = (uint16_t)fixedsz;
	if (inl) {
		if (len != 0)
			memcpy(req->kr_payload + fixedsz, data, len);
		req->kr_plen = (uint16_t)(fixedsz + len);
	} else {
		memcpy(buf, data, len);
		req->kr_data = buf;
		req->kr_datalen = (uint32_t)len;
		req->kr_ownbuf = 1;
	}
	outcome = ktrq__submit(k, req);
	guard_exit(td);
	return (outcome);
}

int
ktrq_point(struct ktrq_thread *td, int type)
{
	struct ktrq_proc *p;
	struct ktrq *k;
	int traced;

	if (td == NULL || type < KTR_SYSCALL || type > KTR_USER ||
	    td->td_inktrace)
		return (0);
	p = td->td_proc;
	k = p->p_ktrq;
	if (ktrq__forked(k))
		return (0);	/* not recorded: a boolean, see ktrq.h */
	KTRQ_LOCK(k);
	traced = (p->p_traceflag & (1U << type)) != 0 && p->p_target != NULL;
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

/* The 2002 genio: queued for order, written by the poster itself. */
static int
genio_sync(struct ktrq_thread *td, const uint8_t *fixed, size_t fixedsz,
    const void *buf, size_t len)
{
	struct ktrq *k = td->td_proc->p_ktrq;
	struct ktr_request *req;
	int outcome;

	if (ktrq__forked(k))
		return (EOWNERDEAD);
	if (!guard_enter(td))
		return (EALREADY);
	if ((req = ktrq__getrequest(td, KTR_GENIO, 0, &outcome)) != NULL) {
		memcpy(req->kr_payload, fixed, fixedsz);
		req->kr_plen = (uint16_t)fixedsz;
		req->kr_data = buf;
		req->kr_datalen = (uint32_t)len;
		outcome = ktrq__sync_post(k, req);
	}
	guard_exit(td);
	return (outcome);
}

int
ktrq_genio(struct ktrq_thread *td, int fd, int rw, const void *buf,
    size_t len)
{
	uint8_t fx[KTRQ_REC_GENIO_SIZE];
	struct ktrq_rec_genio g;
	struct ktrq *k;
	size_t fxlen;

	if (td == NULL || (rw != 0 && rw != 1) || (buf == NULL && len != 0))
		return (EINVAL);
	k = td->td_proc->p_ktrq;
	if (len > k->k_genio_size)
		len = k->k_genio_size;
	g.fd = fd;
	g.rw = rw;
	fxlen = ktrq_rec_genio_encode(fx, &g);
	if (k->k_flags & KTRQ_CF_GENIO_COPY)
		return (post(td, KTR_GENIO, fx, fxlen, buf, len));
	return (genio_sync(td, fx, fxlen, buf, len));
}
