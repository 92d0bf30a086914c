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
 */
#include <errno.h>
#include <string.h>

#include "ktrq_impl.h"

static struct ktr_request *
request_alloc(struct ktrq *k)
{
	struct ktr_request *req;

	req = k->k_os->alloc(k->k_os->cookie, sizeof(*req));
	if (req != NULL)
		memset(req, 0, sizeof(*req));
	return (req);
}

static void
request_free(struct ktrq *k, struct ktr_request *req)
{

	k->k_os->free(k->k_os->cookie, req, sizeof(*req));
}

int
ktrq__pool_init(struct ktrq *k, uint32_t size)
{
	struct ktr_request *req;

	while (k->k_pool_size < size) {
		if ((req = request_alloc(k)) == NULL)
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
		request_free(k, req);
		k->k_nfree--;
		k->k_pool_size--;
	}
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
	return (req);
}

void
ktrq__pool_put(struct ktrq *k, struct ktr_request *req)
{

	KTRQ_ASSERT_LOCKED(k);
	STAILQ_INSERT_HEAD(&k->k_free, req, kr_list);
	k->k_nfree++;
	KTRQ_ASSERT(k, k->k_nfree <= k->k_pool_size);
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
		req = request_alloc(k);
		KTRQ_LOCK(k);
		if (req == NULL)
			return;
		STAILQ_INSERT_HEAD(&k->k_free, req, kr_list);
		k->k_pool_size++;
		k->k_nfree++;
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
		request_free(k, req);
		KTRQ_LOCK(k);
	}
}

int
ktrq_pool_resize(struct ktrq *k, int newsize, int *oldsizep)
{
	uint32_t old, reached;

	if (k == NULL || newsize < 1 || newsize > KTRQ_POOL_MAX)
		return (EINVAL);
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
