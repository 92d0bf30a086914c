/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The request pool: objects allocated ahead of time so that posting an
 * event never allocates.  The free list is LIFO (a just-freed object is
 * cache-warm); its size is changed only by ktrq_pool_resize(), the
 * kern.ktrace_request_pool sysctl.
 *
 * k_mtx guards the free list, k_pool_size, k_nfree and k_warn.  Objects
 * are allocated and freed one at a time with k_mtx dropped, as in 2002,
 * so posting is never held up behind the allocator; k_resize_mtx keeps
 * two resizes from interleaving (the later FreeBSD fix for the overshoot
 * race of the 2002 handler).
 *
 * Back-pressure (KTRQ_CF_BACKPRESSURE, NetBSD's answer to a flood): a
 * poster that finds the list empty sleeps on &k_free, counted in
 * k_nbpwait, until an object comes back or its time is up.  It holds no
 * request and no lock but the interlock while it sleeps, and it is never
 * inside a nested event point (the recursion guard returned before), so
 * the worker, a synchronous genio, a resize and an exit drain all go on
 * without it.  The first object returned to an empty list wakes the
 * waiters; each takes one or sleeps again.
 *
 * Every thread has one more object of the same size, its spare: an
 * asynchronous event is filled there before its post, and the post
 * exchanges it for an object of the free list (request.c).  Spares are
 * allocated and freed with their threads and are not in k_pool_size;
 * the pool's counts move exactly as if the filled object were its own.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "ktrq_impl.h"

/* Bytes of one pooled request: its fields and k_inline payload bytes. */
size_t
ktrq__request_size(const struct ktrq *k)
{

	return (offsetof(struct ktr_request, kr_payload) + k->k_inline);
}

struct ktr_request *
ktrq__request_alloc(struct ktrq *k)
{
	struct ktr_request *req;

	req = k->k_os->alloc(k->k_os->cookie, ktrq__request_size(k));
	if (req != NULL)
		memset(req, 0, ktrq__request_size(k));
	return (req);
}

void
ktrq__request_free(struct ktrq *k, struct ktr_request *req)
{

	k->k_os->free(k->k_os->cookie, req, ktrq__request_size(k));
}

int
ktrq__pool_init(struct ktrq *k, uint32_t size)
{
	struct ktr_request *req;

	while (k->k_pool_size < size) {
		if ((req = ktrq__request_alloc(k)) == NULL)
			return (ENOMEM);
		STAILQ_INSERT_HEAD(&k->k_free, req, kr_list);
		k->k_pool_size++;
		k->k_nfree++;
	}
	return (0);
}

/* Free every pooled object; the caller made sure none is in use. */
void
ktrq__pool_fini(struct ktrq *k)
{
	struct ktr_request *req;

	while ((req = STAILQ_FIRST(&k->k_free)) != NULL) {
		STAILQ_REMOVE_HEAD(&k->k_free, kr_list);
		ktrq__request_free(k, req);
		k->k_nfree--;
		k->k_pool_size--;
	}
}

/*
 * Fetch the next object to be taken into this CPU's cache for writing:
 * the next get reads its link under k_mtx and the post after fills it,
 * and the worker, which freed it, last wrote both.  Only a hint, and only
 * the first POOL_PREFETCH bytes (the fields and a common record's
 * payload), however large the inline area is configured.
 */
#define	POOL_PREFETCH	256

static inline void
pool_prefetch(const struct ktrq *k, const struct ktr_request *req)
{
	const char *p = (const char *)req;
	size_t end, off;

	if (req == NULL)
		return;
	end = ktrq__request_size(k);
	if (end > POOL_PREFETCH)
		end = POOL_PREFETCH;
	for (off = 0; off < end; off += 64)
		__builtin_prefetch(p + off, 1, 3);
}

/* Take a free object, or NULL when the pool is exhausted. */
struct ktr_request *
ktrq__pool_get(struct ktrq *k)
{
	struct ktr_request *req;

	KTRQ_ASSERT_LOCKED(k);
	if ((req = STAILQ_FIRST(&k->k_free)) == NULL)
		return (NULL);
	STAILQ_REMOVE_HEAD(&k->k_free, kr_list);
	k->k_nfree--;
	pool_prefetch(k, STAILQ_FIRST(&k->k_free));
	return (req);
}

void
ktrq__pool_put(struct ktrq *k, struct ktr_request *req)
{

	ktrq__pool_put_run(k, req, req, 1);
}

/*
 * Locked: return the n objects linked from `first` to `last` (a batch
 * the worker cut from the todo list, or one object) to the pool in one
 * step; the first object back in an empty pool wakes the posters
 * waiting for one under back-pressure.
 */
void
ktrq__pool_put_run(struct ktrq *k, struct ktr_request *first,
    struct ktr_request *last, uint32_t n)
{

	KTRQ_ASSERT_LOCKED(k);
	if ((STAILQ_NEXT(last, kr_list) = STAILQ_FIRST(&k->k_free)) == NULL)
		k->k_free.stqh_last = &STAILQ_NEXT(last, kr_list);
	STAILQ_FIRST(&k->k_free) = first;
	if (k->k_nfree == 0 && k->k_nbpwait != 0)
		ktrq__wakeup(k, &k->k_free);
	k->k_nfree += n;
	KTRQ_ASSERT(k, k->k_nfree <= k->k_pool_size);
}

/*
 * Locked, back-pressure: the pool is empty; wait for an object until
 * k_bp_ns have passed.  Returns the object, or NULL with *outcome
 * ENOBUFS (timed out: the caller drops the event as exhausted) or ENXIO
 * (tracing of the event's type stopped meanwhile: counted cleared here,
 * and the process's next record carries KTR_DROP).  A process moved to
 * another target meanwhile goes on waiting and captures the new one.
 * A timeout too large for the clock means no timeout.
 */
struct ktr_request *
ktrq__pool_wait(struct ktrq *k, struct ktrq_thread *td, int type,
    int *outcome)
{
	struct ktrq_proc *p = td->td_proc;
	struct ktr_request *req;
	uint64_t now, end;

	KTRQ_ASSERT_LOCKED(k);
	k->k_st.bp_waits++;
	now = k->k_os->clock_ns(k->k_os->cookie);
	end = k->k_bp_ns > UINT64_MAX - now ? UINT64_MAX : now + k->k_bp_ns;
	*outcome = ENOBUFS;
	k->k_nbpwait++;
	for (;;) {
		/* The worker frees objects; it must not sleep on a delay. */
		ktrq__worker_kick(k);
		now = k->k_os->clock_ns(k->k_os->cookie);
		if (now >= end)
			break;
		(void)ktrq__timedsleep(k, &k->k_free, "ktrpool", end - now);
		/* Still traced (perhaps to another target): capture then. */
		if (!ktrq__traced_locked(p, type)) {
			*outcome = ENXIO;
			break;
		}
		if ((req = ktrq__pool_get(k)) != NULL) {
			k->k_nbpwait--;
			*outcome = 0;
			return (req);
		}
	}
	k->k_nbpwait--;
	if (*outcome == ENXIO) {
		k->k_st.dropped_cleared++;
		ktrq__probe_proc(k, KTRQ_PROBE_DROP, p, td->td_tid, type,
		    ENXIO);
		p->p_traceflag |= KTRFAC_DROP;
	} else
		k->k_st.bp_timeouts++;
	return (NULL);
}

/*
 * An event of `p` found the pool empty (or, with `nomem`, could not get
 * memory for its payload): count the drop, mark the process's next
 * record, and say whether the caller should print the pool's warning
 * (once per resize) after dropping k_mtx.
 */
int
ktrq__pool_exhausted(struct ktrq *k, struct ktrq_proc *p, int nomem)
{

	KTRQ_ASSERT_LOCKED(k);
	p->p_traceflag |= KTRFAC_DROP;
	k->k_st.dropped_exhausted++;
	if (nomem || !k->k_warn)
		return (0);
	k->k_warn = 0;
	k->k_st.warnings++;
	return (1);
}

static void
pool_grow(struct ktrq *k, uint32_t want)
{
	struct ktr_request *req;

	while (k->k_pool_size < want) {
		KTRQ_UNLOCK(k);
		req = ktrq__request_alloc(k);
		KTRQ_LOCK(k);
		if (req == NULL)
			return;
		k->k_pool_size++;
		ktrq__pool_put(k, req);
	}
}

static void
pool_shrink(struct ktrq *k, uint32_t want)
{
	struct ktr_request *req;

	while (k->k_pool_size > want &&
	    (req = STAILQ_FIRST(&k->k_free)) != NULL) {
		STAILQ_REMOVE_HEAD(&k->k_free, kr_list);
		k->k_nfree--;
		k->k_pool_size--;
		KTRQ_UNLOCK(k);
		ktrq__request_free(k, req);
		KTRQ_LOCK(k);
	}
}

int
ktrq_pool_resize(struct ktrq *k, int newsize, int *oldsizep)
{
	uint32_t old, reached;

	if (k == NULL || newsize < 1 || newsize > KTRQ_POOL_MAX)
		return (EINVAL);
	if (ktrq__forked(k))
		return (EOWNERDEAD);
	ktrq__lock(k->k_os, k->k_resize_mtx);
	KTRQ_LOCK(k);
	k->k_warn = 1;
	old = k->k_pool_size;
	if ((uint32_t)newsize > old)
		pool_grow(k, (uint32_t)newsize);
	else
		pool_shrink(k, (uint32_t)newsize);
	reached = k->k_pool_size;
	KTRQ_UNLOCK(k);
	ktrq__unlock(k->k_os, k->k_resize_mtx);
	if (oldsizep != NULL)
		*oldsizep = (int)old;
	return (reached == (uint32_t)newsize ? 0 : ENOSPC);
}
