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
 * record; the timeout bounds how long a record waits.  It also waits so
 * when fewer than a wakeup's worth are queued and no one waits on the
 * queue (NetBSD's writer sleeps until 100 entries wait, or a callout):
 * a worker faster than its posters would otherwise chase the tail of
 * the list a record or two at a time, contending with every post for
 * k_mtx.  A record waits at most KTRQ_WAKE_DELAY_NS either way.  After
 * KTRQ_IDLE_POLLS empty timeouts it sleeps without one (KW_IDLE), and
 * the next post wakes it.  With batch_max 1 it always sleeps so, and
 * never gathers, as in 2002.  A kick (k_hurry) holds until the list is
 * empty.  At shutdown it drains the list first.
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
	STAILQ_REMOVE_HEAD(&k->k_front, kr_list);
	k->k_ntodo--;
	KTRQ_PROBE(k, KTRQ_PROBE_TAKE, req, 0);
	req->kr_state = KR_WRITING;
	k->k_syncbusy = 1;
	ktrq__wakeup(k, req);
	while (k->k_syncbusy)
		ktrq__sleep(k, &k->k_syncbusy, "ktrsync");
}

/*
 * Locked: may the worker leave the queued records for a while, to
 * gather a batch?  Only while batching, not kicked (k_hurry), with no
 * poster waiting for an object, and fewer than a wakeup's worth queued
 * -- or, once a wakeup's worth has gathered, fewer than a full batch:
 * woken for a wakeup's worth, the worker writes full batches until less
 * than one is left, rather than one batch per wakeup (each wakeup a
 * poster's cost) or every last record (chasing the tail of the list,
 * contending with each post).
 */
static int
worker_gathers(const struct ktrq *k, struct ktr_batch *b)
{
	uint32_t low, wake;

	wake = ktrq__wake_batch(k);
	low = (uint32_t)k->k_batch_max < wake ? (uint32_t)k->k_batch_max :
	    wake;
	if (k->k_ntodo >= wake)
		b->b_draining = 1;
	else if (k->k_ntodo < low)
		b->b_draining = 0;
	return (k->k_batch_max != 1 && !k->k_hurry && !k->k_shutdown &&
	    k->k_nbpwait == 0 && k->k_ntodo < (b->b_draining ? low : wake));
}

/*
 * Locked: wait until there is something to take (0), or until shut down
 * with nothing left (1): requests queued and either reason to take them
 * now or KTRQ_WAKE_DELAY_NS of gathering spent.  What finished requests
 * left behind is released before sleeping.
 */
static int
worker_wait(struct ktrq *k, struct ktr_batch *b)
{
	uint64_t end, now, ns;
	int empty, expired, polls;

	polls = 0;
	expired = 0;
	end = 0;
	for (;;) {
		empty = STAILQ_EMPTY(&k->k_front) && STAILQ_EMPTY(&k->k_todo);
		if (!empty &&
		    (expired || !worker_gathers(k, b)))
			break;
		if (empty)
			k->k_hurry = 0;
		if (b->b_nlo != 0) {
			KTRQ_UNLOCK(k);
			ktrq__batch_release(k, b);
			KTRQ_LOCK(k);
			continue;
		}
		if (empty && k->k_shutdown)
			return (1);
		if (empty && (k->k_batch_max == 1 ||
		    polls == KTRQ_IDLE_POLLS)) {
			k->k_wsleep = KW_IDLE;
			ktrq__sleep(k, &k->k_todo, "ktrwait");
			continue;
		}
		ns = KTRQ_WAKE_DELAY_NS;
		if (!empty) {
			/* Gathering: one deadline, whatever wakes it early. */
			now = k->k_os->clock_ns(k->k_os->cookie);
			if (end == 0)
				end = now + KTRQ_WAKE_DELAY_NS;
			if (now >= end)
				break;
			ns = end - now;
		}
		k->k_wsleep = KW_WAITING;
		if (ktrq__timedsleep(k, &k->k_todo, "ktrbatch", ns) != 0) {
			/* What came meanwhile has waited long enough. */
			expired = 1;
			polls += empty;
		}
	}
	k->k_wsleep = KW_RUNNING;
	return (0);
}

/*
 * Locked: move what posters queued to the front (one step) and return
 * the first request of the todo list.
 */
static struct ktr_request *
worker_front(struct ktrq *k)
{

	KTRQ_ASSERT_LOCKED(k);
	STAILQ_CONCAT(&k->k_front, &k->k_todo);
	return (STAILQ_FIRST(&k->k_front));
}

void
ktrq__worker(void *arg)
{
	struct ktrq *k = arg;
	struct ktr_batch *b = k->k_batch;
	struct ktr_request *req;

	KTRQ_LOCK(k);
	while (worker_wait(k, b) == 0) {
		req = worker_front(k);
		if (req->kr_sync) {
			sync_handoff(k, req);
			continue;
		}
		KTRQ_UNLOCK(k);
		ktrq__batch_plan(k, b);
		KTRQ_LOCK(k);
		ktrq__batch_cut(k, b);
		KTRQ_UNLOCK(k);
		ktrq__batch_release(k, b);
		ktrq__batch_write(k, b);
		ktrq__batch_settle(k, b);
		KTRQ_LOCK(k);
		ktrq__batch_finish(k, b);
	}
	KTRQ_UNLOCK(k);
}
