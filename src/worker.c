/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The worker: one thread per instance, taking requests off the head of
 * the todo list and writing them with the target and credentials
 * captured from their posters -- a batch at a time (batch.c), or one at
 * a time with batch_max 1, the 2002 behaviour.
 *
 * For a synchronous request the worker does not write: it hands the
 * request back to its poster (which alone can read the data) and waits
 * until the poster has written and finished it, so that nothing queued
 * later reaches the file first (sync.c has the poster's half).  With one
 * worker and this handshake, records reach the target in exactly the
 * order they entered the todo list.
 *
 * When the list runs dry the worker sleeps on &k->k_todo, and k_wsleep
 * says how.  While batching it waits with a timeout (KW_WAITING):
 * posters leave it asleep until a batch's worth waits or someone waits
 * on the queue (a synchronous genio, an exit, back-pressure, shutdown),
 * so a steady stream of posts costs one wakeup per batch, not one per
 * record; the timeout bounds how long a record waits.  After
 * KTRQ_IDLE_POLLS empty timeouts it sleeps without one (KW_IDLE), and
 * the next post wakes it.  With batch_max 1 it always sleeps so, as in
 * 2002.  At shutdown it drains the list first.
 */
#include "ktrq_impl.h"

#define	KTRQ_IDLE_POLLS	2

/*
 * Locked: give a synchronous request to its poster and wait until the
 * poster has written it and returned it to the pool.  From the wakeup on
 * the request belongs to the poster: the worker never touches it again.
 */
static void
sync_handoff(struct ktrq *k, struct ktr_request *req)
{

	KTRQ_ASSERT_LOCKED(k);
	STAILQ_REMOVE_HEAD(&k->k_todo, kr_list);
	k->k_ntodo--;
	KTRQ_PROBE(k, KTRQ_PROBE_TAKE, req, 0);
	req->kr_state = KR_WRITING;
	k->k_syncbusy = 1;
	ktrq__wakeup(k, req);
	while (k->k_syncbusy)
		ktrq__sleep(k, &k->k_syncbusy, "ktrsync");
}

/*
 * Locked: wait until a request is queued (0), or until shut down with
 * nothing left (1).  What finished requests left behind is released
 * before sleeping.
 */
static int
worker_wait(struct ktrq *k, struct ktr_batch *b)
{
	int error, polls;

	polls = 0;
	while (STAILQ_EMPTY(&k->k_todo)) {
		if (b->b_nlo != 0) {
			KTRQ_UNLOCK(k);
			ktrq__batch_release(k, b);
			KTRQ_LOCK(k);
			continue;
		}
		if (k->k_shutdown)
			return (1);
		if (k->k_batch_max == 1 || polls == KTRQ_IDLE_POLLS) {
			k->k_wsleep = KW_IDLE;
			ktrq__sleep(k, &k->k_todo, "ktrwait");
			continue;
		}
		k->k_wsleep = KW_WAITING;
		error = ktrq__timedsleep(k, &k->k_todo, "ktrbatch",
		    KTRQ_WAKE_DELAY_NS);
		if (error != 0)
			polls++;
	}
	k->k_wsleep = KW_RUNNING;
	return (0);
}

void
ktrq__worker(void *arg)
{
	struct ktrq *k = arg;
	struct ktr_batch *b = k->k_batch;
	struct ktr_request *req;

	KTRQ_LOCK(k);
	while (worker_wait(k, b) == 0) {
		req = STAILQ_FIRST(&k->k_todo);
		if (req->kr_sync) {
			sync_handoff(k, req);
			continue;
		}
		ktrq__batch_take(k, b);
		KTRQ_UNLOCK(k);
		ktrq__batch_release(k, b);
		ktrq__batch_write(k, b);
		KTRQ_LOCK(k);
		ktrq__batch_finish(k, b);
	}
	KTRQ_UNLOCK(k);
}
