/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Faults beyond the sim target's own: the last target of a world may be
 * a fault target (ktrq_faulttarget_create, the library's own) around its
 * sim target, failing for good after so many records or bytes, with a
 * chosen errno, shortening and delaying writes.  The probes then carry
 * the fault target, so the oracle sees it as the world's target; a
 * record it refuses never reaches the sim target (no EV_TWRITE).
 */
#include <errno.h>

#include "harness_impl.h"

int
ktrq_harness__fault_on(const struct ktrq_harness_opts *o)
{
	const struct ktrq_fault *f = &o->fault;

	return (f->fail_after_bytes != 0 || f->fail_after_records != 0 ||
	    f->error != 0 || f->short_write != 0 || f->delay_ns != 0);
}

int
ktrq_harness__transient(int error)
{

	return (error == EINTR || error == EAGAIN || error == EWOULDBLOCK);
}

int
ktrq_harness__fault_wrap(struct ktrq_harness *h, int index)
{
	struct ktrq_target *ft;
	int error;

	if (!ktrq_harness__fault_on(&h->o))
		return (0);
	if ((error = ktrq_faulttarget_create(h->os, h->tgt[index], &h->o.fault,
	    &ft)) != 0)
		return (error);
	ktrq_target_rele(h->tgt[index]);	/* the fault target's now */
	h->tgt[index] = ft;
	return (0);
}
