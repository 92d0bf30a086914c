/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The worker: one thread per instance, taking requests off the head of
 * the todo list and writing each with the target and credentials
 * captured from its poster.
 *
 * For a synchronous request the worker does not write: it hands the
 * request back to its poster (which alone can read the data) and waits
 * until the poster has written and finished it, so that nothing queued
 * later reaches the file first (sync.c has the poster's half).  With one worker and
 * this handshake, records reach the target in exactly the order they
 * entered the todo list.
 *
 * The worker sleeps on &k->k_todo with k_wsleep set, so posters wake it
 * only when it actually sleeps.  At shutdown it drains the list first.
 */
#include "ktrq_impl.h"

/*
 * Locked: give a synchronous request to its poster and wait until the
 * poster has written it and returned it to the pool.  From the wakeup on
 * the request belongs to the poster: the worker never touches it again.
 */
static void
sync_handoff(struct ktrq *k, struct ktr_request *req)
{

	KTRQ_ASSERT_LOCKED(k);
	req->kr_state = KR_WRITING;
	k->k_syncbusy = 1;
	ktrq__wakeup(k, req);
	while (k->k_syncbusy)
		ktrq__sleep(k, &k->k_syncbusy, "ktrsync");
}

/* Locked: the next request, or NULL once shut down and drained. */
static struct ktr_request *
next_request(struct ktrq *k)
{
	struct ktr_request *req;

	while ((req = STAILQ_FIRST(&k->k_todo)) == NULL) {
		if (k->k_shutdown)
			return (NULL);
		k->k_wsleep = 1;
		ktrq__sleep(k, &k->k_todo, "ktrwait");
	}
	k->k_wsleep = 0;
	STAILQ_REMOVE_HEAD(&k->k_todo, kr_list);
	k->k_ntodo--;
	KTRQ_PROBE(k, KTRQ_PROBE_TAKE, req, 0);
	return (req);
}

void
ktrq__worker(void *arg)
{
	struct ktrq *k = arg;
	struct ktr_leftovers lo;
	struct ktr_request *req;
	int error;

	KTRQ_LOCK(k);
	while ((req = next_request(k)) != NULL) {
		if (req->kr_sync) {
			sync_handoff(k, req);
			continue;
		}
		req->kr_state = KR_WRITING;
		if (req->kr_cleared) {
			ktrq__drop_locked(k, req, KTRQ__ECLEARED);
			ktrq__account_locked(k, KTRQ__ECLEARED);
			ktrq__done_locked(k, req, &lo);
			KTRQ_UNLOCK(k);
			ktrq__leftovers_release(k, &lo);
		} else {
			KTRQ_UNLOCK(k);
			error = ktrq__write(k, req);
			ktrq__finish(k, req, error);
		}
		KTRQ_LOCK(k);
	}
	KTRQ_UNLOCK(k);
}
