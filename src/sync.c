/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The synchronous protocol of 2002, the poster's half (worker.c has the
 * worker's).  genio data lives in the poster's memory, which the worker
 * cannot read, so the poster writes the record itself -- but in its turn:
 *
 *	poster				worker
 *	lock; append; sleep(req)
 *	  (atomically with append)	take req off the head
 *					state = WRITING; syncbusy = 1
 *					wakeup(req)
 *					sleep(&syncbusy) while set
 *	wake; unlock; write record
 *	lock; count; return req to
 *	the pool; syncbusy = 0;
 *	wakeup(&syncbusy); unlock	wake; take the next
 *
 * Both sleeps loop on a predicate (the request's state, the instance's
 * syncbusy), so a spurious return cannot let either side run ahead;
 * "Yuck" in the 2002 commit is exactly the absence of these predicates.
 * The poster finishes its own request, so when it returns the record is
 * counted and the object is back in the pool.
 */
#include <errno.h>

#include "ktrq_impl.h"

/* A write's errno as an event-point outcome that cannot be misread. */
static int
outcome_of(int error)
{

	switch (error) {
	case 0:
		return (0);
	case KTRQ__ECLEARED:
		return (ENXIO);
	case ENOENT:
	case EALREADY:
	case ENOBUFS:
	case EINVAL:
	case ENXIO:
	case EOWNERDEAD:
	case ESRCH:
		return (EIO);
	default:
		return (error);
	}
}

/*
 * Queue the filled synchronous request `req` of `td` and write it in the
 * caller's context when the worker reaches it; `td` leaves its event
 * point in the last section.  Returns 0 (written), ENXIO (its target was
 * detached first) or the write's errno; counted either way.
 */
int
ktrq__sync_post(struct ktrq *k, struct ktrq_thread *td,
    struct ktr_request *req)
{
	const struct ktrq_os *os = k->k_os;
	struct ktr_leftovers lo;
	int error;

	req->kr_sync = 1;
	KTRQ_LOCK(k);
	if ((error = ktrq__queue_locked(k, req)) != 0) {
		ktrq__drop_locked(k, req, error);
		ktrq__account_locked(k, error);
		ktrq__done_locked(k, req, &lo);
		ktrq__leave_locked(td);
		KTRQ_UNLOCK(k);
		ktrq__leftovers_release(os, &lo);
		return (ENXIO);
	}
	while (req->kr_state == KR_QUEUED)
		ktrq__sleep(k, req, "ktrgenio");
	error = req->kr_cleared ? KTRQ__ECLEARED : 0;
	if (error != 0)
		ktrq__drop_locked(k, req, error);
	KTRQ_UNLOCK(k);
	if (error == 0)
		error = ktrq__write(k, req);
	KTRQ_LOCK(k);
	if (error != KTRQ__ECLEARED)
		k->k_st.writes++;
	ktrq__account_locked(k, error);
	ktrq__done_locked(k, req, &lo);
	k->k_syncbusy = 0;
	ktrq__wakeup(k, &k->k_syncbusy);
	ktrq__leave_locked(td);
	KTRQ_UNLOCK(k);
	ktrq__leftovers_release(os, &lo);
	return (outcome_of(error));
}
