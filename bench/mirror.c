/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A mirror of the core's asynchronous path, to price the pool against
 * malloc at equal design.
 *
 * The core cannot be made to allocate per event without changing it, so
 * this file re-implements exactly its async path as of 2002 -- the
 * request object the core had before it batched writes (struct mreq
 * below: 368 bytes, the fixed part as a struct), the same two
 * k_mtx sections per post (take and capture; append and wake the worker
 * only if it sleeps), the same worker loop (take the head, write with
 * the lock dropped, lock again to count and finish, release the target
 * reference after unlocking), the same mtx_owned assertions, the same
 * exit drain (including the detach walk of the todo list), on the same
 * layer -- and differs in one thing only, chosen at creation:
 *
 *   pool_size > 0	objects come from a LIFO free list under the lock,
 *			as in src/pool.c (a drop when it is empty);
 *   pool_size == 0	each event allocates its object through the layer
 *			before taking the lock and the worker frees it
 *			after dropping it (the core's rule: nothing is
 *			allocated or freed under k_mtx), never a drop.
 *
 * The suite runs the mirror with a pool beside the real library with the
 * same pool; their ratio (the "calibration") shows how faithful the
 * mirror is, which is what makes its pool-versus-malloc ratio mean
 * something for the core.  Synchronous genio, probes, resizes and
 * control are not mirrored: the async path does not touch them.  Since
 * the core writes batches, the calibration ratio also shows what
 * batching gained over the 2002 path.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "ktrq_impl.h"

/* The 2002 request: one record, written alone. */
struct mreq {
	STAILQ_ENTRY(mreq)	 kr_list;
	enum kr_state		 kr_state;
	int			 kr_sync;
	int			 kr_cleared;
	uint64_t		 kr_serial;
	uint64_t		 kr_tracegen;
	struct ktrq_proc	*kr_proc;
	struct ktrq_target	*kr_target;
	struct ktrq_cred	 kr_cred;
	struct ktrq_rec_hdr	 kr_header;
	union {
		struct ktrq_rec_syscall	syscall;
		struct ktrq_rec_sysret	sysret;
		struct ktrq_rec_genio	genio;
		struct ktrq_rec_psig	psig;
		struct ktrq_rec_csw	csw;
	}			 kr_u;
	size_t			 kr_datalen;
	const void		*kr_data;
	void			*kr_buf;
	uint8_t			 kr_inline[KTRQ_INLINE_DATA];
};
STAILQ_HEAD(mreqlist, mreq);

struct mirror {
	const struct ktrq_os	*os;
	struct ktrq_os_mtx	*mtx;
	struct ktrq_os_thread	*worker;
	struct ktrq_target	*t;		/* referenced */
	int			 use_pool;
	struct mreqlist	 free;
	struct mreqlist	 todo;
	uint32_t		 pool_size, nfree, ntodo;
	int			 wsleep, shutdown;
	uint64_t		 serial, posted, written, dropped;
};

struct mirror_proc {
	struct mirror		*m;
	int			 pid;
	int64_t			 tid;
	unsigned		 traceflag;
	unsigned		 nqueued;
	int			 exiting;
	uint64_t		 tracegen;
	char			 comm[KTRQ_REC_COMM_SIZE];
};

#define	LOCK(m)		ktrq__lock((m)->os, (m)->mtx)
#define	UNLOCK(m)	ktrq__unlock((m)->os, (m)->mtx)
#define	ASSERT_LOCKED(m) do {						\
	if (!(m)->os->mtx_owned((m)->os->cookie, (m)->mtx))		\
		bench_die("mirror: lock not held", EPERM);		\
} while (0)

/* The request's proc field carries our process (never dereferenced). */
static struct ktrq_proc *
as_proc(struct mirror_proc *mp)
{

	return ((struct ktrq_proc *)(void *)mp);
}

static struct mirror_proc *
of_proc(struct ktrq_proc *p)
{

	return ((struct mirror_proc *)(void *)p);
}

static struct mreq *
req_alloc(struct mirror *m)
{
	struct mreq *req;

	req = m->os->alloc(m->os->cookie, sizeof(*req));
	if (req != NULL && m->use_pool)
		memset(req, 0, sizeof(*req));
	return (req);
}

static void
msleep_locked(struct mirror *m, const void *chan, const char *wmesg)
{

	if (m->os->msleep(m->os->cookie, chan, m->mtx, wmesg, 0) != 0)
		bench_die("mirror: msleep", EINVAL);
}

/* Locked: count, wake an exiting process, recycle or hand back. */
static struct mreq *
finish_locked(struct mirror *m, struct mreq *req, int error)
{
	struct mirror_proc *mp = of_proc(req->kr_proc);

	ASSERT_LOCKED(m);
	if (error == 0)
		m->written++;
	ASSERT_LOCKED(m);
	req->kr_target = NULL;
	req->kr_buf = NULL;
	req->kr_proc = NULL;
	if (--mp->nqueued == 0 && mp->exiting)
		m->os->wakeup(m->os->cookie, &mp->nqueued);
	if (!m->use_pool)
		return (req);	/* freed by the caller, unlocked */
	ASSERT_LOCKED(m);
	STAILQ_INSERT_HEAD(&m->free, req, kr_list);
	m->nfree++;
	return (NULL);
}

static int
write_request(struct mirror *m, struct mreq *req)
{
	uint8_t hdr[KTRQ_REC_HDR_V1_SIZE];
	uint8_t fixed[KTRQ_REC_SYSCALL_SIZE(KTRQ_REC_MAXARGS)];
	struct ktrq_iov iov[3];
	size_t flen;
	int n;

	(void)m;
	flen = (req->kr_header.type & ~KTR_TYPE) == KTR_SYSCALL ?
	    ktrq_rec_syscall_encode(fixed, &req->kr_u.syscall) : 0;
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
	return (ktrq_target_write(req->kr_target, iov, n, &req->kr_cred));
}

static void
worker_main(void *arg)
{
	struct mirror *m = arg;
	struct mreq *req, *spent;
	struct ktrq_target *t;
	int error;

	LOCK(m);
	for (;;) {
		while ((req = STAILQ_FIRST(&m->todo)) == NULL) {
			if (m->shutdown)
				break;
			m->wsleep = 1;
			msleep_locked(m, &m->todo, "ktrwait");
		}
		if (req == NULL)
			break;
		m->wsleep = 0;
		STAILQ_REMOVE_HEAD(&m->todo, kr_list);
		m->ntodo--;
		req->kr_state = KR_WRITING;
		UNLOCK(m);
		error = write_request(m, req);
		LOCK(m);
		t = req->kr_target;
		spent = finish_locked(m, req, error);
		UNLOCK(m);
		ktrq_target_rele(t);
		if (spent != NULL)
			m->os->free(m->os->cookie, spent, sizeof(*spent));
		LOCK(m);
	}
	UNLOCK(m);
}

struct mirror *
mirror_create(const struct ktrq_os *os, struct ktrq_target *t,
    uint32_t pool_size)
{
	struct mreq *req;
	struct mirror *m;
	int error;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		bench_die("mirror", ENOMEM);
	m->os = os;
	m->use_pool = pool_size != 0;
	STAILQ_INIT(&m->free);
	STAILQ_INIT(&m->todo);
	while (m->pool_size < pool_size) {
		if ((req = req_alloc(m)) == NULL)
			bench_die("mirror pool", ENOMEM);
		STAILQ_INSERT_HEAD(&m->free, req, kr_list);
		m->pool_size++;
		m->nfree++;
	}
	ktrq_target_hold(t);
	m->t = t;
	if ((error = os->mtx_init(os->cookie, &m->mtx, "ktrace")) != 0 ||
	    (error = os->thread_create(os->cookie, &m->worker, "ktrace",
	    worker_main, m)) != 0)
		bench_die("mirror_create", error);
	return (m);
}

void
mirror_destroy(struct mirror *m)
{
	struct mreq *req;

	LOCK(m);
	m->shutdown = 1;
	m->os->wakeup(m->os->cookie, &m->todo);
	UNLOCK(m);
	m->os->thread_join(m->os->cookie, m->worker);
	while ((req = STAILQ_FIRST(&m->free)) != NULL) {
		STAILQ_REMOVE_HEAD(&m->free, kr_list);
		m->os->free(m->os->cookie, req, sizeof(*req));
	}
	m->os->mtx_destroy(m->os->cookie, m->mtx);
	ktrq_target_rele(m->t);
	free(m);
}

struct mirror_proc *
mirror_proc_create(struct mirror *m, int pid, int64_t tid)
{
	struct mirror_proc *mp;

	if ((mp = calloc(1, sizeof(*mp))) == NULL)
		bench_die("mirror proc", ENOMEM);
	mp->m = m;
	mp->pid = pid;
	mp->tid = tid;
	mp->traceflag = KTRFAC_SYSCALL;
	memcpy(mp->comm, "bench", sizeof("bench"));
	return (mp);
}

int
mirror_syscall(struct mirror_proc *mp, int code, int narg,
    const uint64_t *args)
{
	struct mirror *m = mp->m;
	struct mreq *req, *spare;
	struct ktrq_rec_syscall s;
	uint64_t ns;
	int type, wake;

	/* ktrq_syscall: check and build the fixed payload. */
	if (narg < 0 || narg > KTRQ_REC_MAXARGS)
		return (EINVAL);
	memset(&s, 0, sizeof(s));
	s.code = (int16_t)code;
	s.narg = (int16_t)narg;
	if (narg > 0)
		memcpy(s.args, args, (size_t)narg * sizeof(args[0]));
	/* The malloc design: allocate first, never under the lock. */
	spare = NULL;
	if (!m->use_pool && (spare = req_alloc(m)) == NULL)
		return (ENOBUFS);
	/* getrequest: lock #1. */
	LOCK(m);
	if ((mp->traceflag & KTRFAC_SYSCALL) == 0 || m->t == NULL) {
		UNLOCK(m);
		if (spare != NULL)
			m->os->free(m->os->cookie, spare, sizeof(*spare));
		return (ENOENT);
	}
	m->posted++;
	if (m->use_pool) {
		ASSERT_LOCKED(m);
		if ((req = STAILQ_FIRST(&m->free)) != NULL) {
			STAILQ_REMOVE_HEAD(&m->free, kr_list);
			m->nfree--;
		}
	} else
		req = spare;
	if (req == NULL) {
		ASSERT_LOCKED(m);
		mp->traceflag |= KTRFAC_DROP;
		m->dropped++;
		UNLOCK(m);
		return (ENOBUFS);
	}
	/* request_capture. */
	ASSERT_LOCKED(m);
	type = KTR_SYSCALL;
	if (mp->traceflag & KTRFAC_DROP) {
		type |= KTR_DROP;
		mp->traceflag &= ~KTRFAC_DROP;
	}
	ktrq_target_hold(m->t);
	req->kr_target = m->t;
	req->kr_cred = bench_cred;
	req->kr_proc = as_proc(mp);
	req->kr_tracegen = mp->tracegen;
	req->kr_state = KR_FILLING;
	req->kr_serial = 0;
	req->kr_sync = 0;
	req->kr_cleared = 0;
	req->kr_datalen = 0;
	req->kr_data = NULL;
	req->kr_buf = NULL;
	memset(&req->kr_header, 0, sizeof(req->kr_header));
	req->kr_header.type = (uint16_t)type;
	req->kr_header.pid = mp->pid;
	req->kr_header.tid = mp->tid;
	memcpy(req->kr_header.comm, mp->comm, sizeof(mp->comm));
	mp->nqueued++;
	UNLOCK(m);
	ns = m->os->clock_ns(m->os->cookie);
	req->kr_header.sec = (int64_t)(ns / 1000000000U);
	req->kr_header.nsec = (int64_t)(ns % 1000000000U);
	memcpy(&req->kr_u, &s, sizeof(s));
	/* submit: lock #2. */
	LOCK(m);
	ASSERT_LOCKED(m);
	req->kr_state = KR_QUEUED;
	req->kr_serial = ++m->serial;
	STAILQ_INSERT_TAIL(&m->todo, req, kr_list);
	m->ntodo++;
	wake = m->wsleep;
	m->wsleep = 0;
	UNLOCK(m);
	if (wake)
		m->os->wakeup(m->os->cookie, &m->todo);
	return (0);
}

void
mirror_proc_exit(struct mirror_proc *mp)
{
	struct mirror *m = mp->m;
	struct mreq *req;

	LOCK(m);
	mp->exiting = 1;
	while (mp->nqueued > 0)
		msleep_locked(m, &mp->nqueued, "ktrexit");
	/* ktrq__proc_detach: the walk of the todo list. */
	mp->traceflag = 0;
	mp->tracegen++;
	STAILQ_FOREACH(req, &m->todo, kr_list)
		if (req->kr_proc == as_proc(mp))
			req->kr_cleared = 1;
	UNLOCK(m);
	free(mp);
}

void
mirror_stats(struct mirror *m, uint64_t *posted, uint64_t *written,
    uint64_t *dropped)
{

	LOCK(m);
	*posted = m->posted;
	*written = m->written;
	*dropped = m->dropped;
	UNLOCK(m);
}
