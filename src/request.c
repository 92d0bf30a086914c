/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A request's life, from the free list to the todo list and back.  An
 * asynchronous event is filled before it is posted, in its thread's
 * spare request, and posted in one k_mtx section:
 *
 *	(fill)		the poster writes the payload and the capture time
 *			into its thread's spare, no lock held
 *	post		lock: traced? take an object from the pool, which
 *			becomes the thread's spare; capture the target,
 *			credentials, pid, comm and drop mark into the
 *			filled one and append it to todo; unlock; wake the
 *			worker if it sleeps
 *	(write)		the worker
 *	finish		lock: count the outcome, return the object, let an
 *			exiting process go on; unlock; release the target
 *			reference and any payload buffer
 *
 * The pool still decides: an event for which the pool has no object is
 * dropped exactly as before, and the object it has is exchanged for the
 * filled one, so the pool's counts move as if the filled one had come
 * from it.  A synchronous genio, whose data the poster writes itself,
 * keeps the two sections of 2002:
 *
 *	getrequest	lock: traced? take an object, capture; unlock
 *	(fill)		the poster writes the fixed part
 *	sync_post	lock: still attached? append to todo; ... (sync.c)
 *
 * A worker writing batches takes k_mtx twice more per batch, for a few
 * stores each time (batch.c).
 */
#include <errno.h>
#include <string.h>

#include "ktrq_impl.h"

/*
 * What the record's header needs from `td` and its process and never
 * changes (the ids, the credentials), and a fresh request's flags: no
 * lock needed, so an asynchronous post sets them before its section.
 */
static void
request_ids(struct ktrq_thread *td, struct ktr_request *req)
{
	struct ktrq_proc *p = td->td_proc;

	req->kr_cred = p->p_cred;
	req->kr_proc = p;
	req->kr_state = KR_FILLING;
	req->kr_serial = 0;
	req->kr_sync = 0;
	req->kr_cleared = 0;
	req->kr_pid = p->p_pid;
	req->kr_tid = td->td_tid;
}

/*
 * Locked (its callers took k_mtx just before): capture what k_mtx guards
 * into `req` -- the target, with a reference of its own, the trace
 * generation, the comm and the drop mark -- and count it queued for its
 * process.  The ids are request_ids'; the payload fields (kr_plen,
 * kr_data, ...) the caller's.
 */
static void
request_capture(struct ktrq_thread *td, struct ktr_request *req, int type)
{
	struct ktrq_proc *p = td->td_proc;

	if (p->p_traceflag & KTRFAC_DROP) {
		type |= KTR_DROP;
		p->p_traceflag &= ~KTRFAC_DROP;
	}
	ktrq_target_hold(p->p_target);
	req->kr_target = p->p_target;
	req->kr_tracegen = (uint32_t)p->p_tracegen;
	req->kr_type = (uint16_t)type;
	memcpy(req->kr_comm, p->p_comm, sizeof(p->p_comm));
	p->p_nqueued++;
}

/* Locked: would an event of `type` from `p` be recorded? */
int
ktrq__traced_locked(const struct ktrq_proc *p, int type)
{

	return ((p->p_traceflag & (1U << type)) != 0 && p->p_target != NULL &&
	    (p->p_flag & P_EXITING) == 0);
}

/*
 * Locked: `td` leaves its event point.  Its guard comes down here, not
 * after the unlock, so that an exit or destroy waiting for it (woken
 * when its process is exiting) can go on the moment k_mtx is free.
 */
void
ktrq__leave_locked(struct ktrq_thread *td)
{
	struct ktrq_proc *p = td->td_proc;

	ktrq__guard_set(td, 0);
	if (p->p_flag & P_EXITING)
		ktrq__wakeup(p->p_ktrq, &p->p_nqueued);
}

/* Locked: an event of `p` is dropped for want of an object (or memory). */
static void
request_nobufs(struct ktrq *k, struct ktrq_thread *td, int type, int nomem)
{
	void (*log)(void *, int, const char *);
	void *log_arg;
	int warn;

	ktrq__probe_proc(k, KTRQ_PROBE_NOBUFS, td->td_proc, td->td_tid, type,
	    nomem ? ENOMEM : 0);
	warn = ktrq__pool_exhausted(k, td->td_proc, nomem);
	/* Once out, the instance may go (destroy): take its sink along. */
	log = k->k_log;
	log_arg = k->k_log_arg;
	ktrq__leave_locked(td);
	KTRQ_UNLOCK(k);
	if (warn)
		log(log_arg, KTRQ_LOG_WARNING, "Out of ktrace request objects.");
}

/*
 * Locked (like request_traced and request_capture, only ever right
 * after the KTRQ_LOCK of ktrq__post or ktrq__getrequest, so the lock
 * assertion is left to the functions they call), `td`'s process traced:
 * count the event posted and take an
 * object for it -- from the free list, or under back-pressure by waiting
 * for one.  `nomem` says the caller could not allocate a large payload:
 * the event is then dropped like one that found the pool empty, but
 * without the pool's warning (and without waiting).  Returns the object
 * (*outcome 0, or KTRQ__WAITED when it came after a back-pressure wait),
 * or NULL with *outcome ENOBUFS (dropped, counted) or ENXIO
 * (back-pressure: tracing stopped while waiting; counted as cleared),
 * k_mtx dropped and `td` out of its event point.
 */
static struct ktr_request *
request_take(struct ktrq *k, struct ktrq_thread *td, int type, int nomem,
    int *outcome)
{
	struct ktr_request *req;

	k->k_posted++;
	*outcome = 0;
	req = nomem ? NULL : ktrq__pool_get(k);
	if (req == NULL && !nomem && k->k_bp_ns != 0) {
		req = ktrq__pool_wait(k, td, type, outcome);
		if (req == NULL && *outcome == ENXIO) {
			ktrq__leave_locked(td);
			KTRQ_UNLOCK(k);
			return (NULL);
		}
		*outcome = KTRQ__WAITED;
	}
	if (req == NULL) {
		request_nobufs(k, td, type, nomem);
		*outcome = ENOBUFS;
		return (NULL);
	}
	return (req);
}

/*
 * Locked: is `td`'s process traced for `type`?  If not, *outcome is
 * ENOENT (not traced) or ESRCH (the process is exiting; not counted),
 * and k_mtx is dropped with `td` out of its event point.
 */
static int
request_traced(struct ktrq *k, struct ktrq_thread *td, int type,
    int *outcome)
{
	struct ktrq_proc *p = td->td_proc;

	if (ktrq__traced_locked(p, type))
		return (1);
	*outcome = (p->p_flag & P_EXITING) ? ESRCH : ENOENT;
	ktrq__leave_locked(td);
	KTRQ_UNLOCK(k);
	return (0);
}

/*
 * Steps 1-3 of a synchronous post (request_take has `nomem`).  Returns
 * the request, or NULL with *outcome ENOENT, ESRCH, ENOBUFS or ENXIO
 * (request_traced, request_take); with NULL, `td` has left its event
 * point.
 */
struct ktr_request *
ktrq__getrequest(struct ktrq_thread *td, int type, int nomem, int *outcome)
{
	struct ktrq *k = td->td_proc->p_ktrq;
	struct ktr_request *req;

	KTRQ_LOCK(k);
	if (!request_traced(k, td, type, outcome) ||
	    (req = request_take(k, td, type, nomem, outcome)) == NULL)
		return (NULL);
	request_ids(td, req);
	request_capture(td, req, type);
	req->kr_ownbuf = 0;
	req->kr_plen = 0;
	req->kr_datalen = 0;
	req->kr_data = NULL;
	KTRQ_PROBE(k, KTRQ_PROBE_CAPTURE, req, 0);
	KTRQ_UNLOCK(k);
	req->kr_ns = k->k_os->clock_ns(k->k_os->cookie);
	*outcome = 0;
	return (req);
}

/*
 * An asynchronous event, filled in `td`'s spare request (payload and
 * capture time), in one k_mtx section: if traced and the pool has an
 * object, the spare is captured and queued and the pool's object becomes
 * the spare; `td` leaves its event point.  Returns 0, or the outcome of
 * request_traced or request_take; on an error the spare stays the
 * thread's, unqueued, and its payload is the caller's to undo.
 */
int
ktrq__post(struct ktrq_thread *td, int type, int nomem)
{
	struct ktrq *k = td->td_proc->p_ktrq;
	struct ktr_request *req, *spare;
	int outcome;

	req = td->td_spare;
	request_ids(td, req);
	KTRQ_LOCK(k);
	if (!request_traced(k, td, type, &outcome) ||
	    (spare = request_take(k, td, type, nomem, &outcome)) == NULL)
		return (outcome);
	request_capture(td, req, type);
	/*
	 * The fill's time stands unless this record reports drops (another
	 * thread's, perhaps after the fill) or waited for its object: then
	 * it is now, after what it reports, as when 2002 read the clock
	 * after taking the request.
	 */
	if ((req->kr_type & KTR_DROP) || outcome == KTRQ__WAITED)
		req->kr_ns = k->k_os->clock_ns(k->k_os->cookie);
	KTRQ_PROBE(k, KTRQ_PROBE_CAPTURE, req, 0);
	/* Captured in this section: nothing can have detached it. */
	outcome = ktrq__queue_locked(k, req);
	KTRQ_ASSERT(k, outcome == 0);
	td->td_spare = spare;
	ktrq__leave_locked(td);
	KTRQ_UNLOCK(k);
	return (0);
}

/* A wakeup's worth of queued records: KTRQ_WAKE_BATCH, or half the pool. */
uint32_t
ktrq__wake_batch(const struct ktrq *k)
{
	uint32_t batch;

	batch = k->k_pool_size / 2;
	return (batch > KTRQ_WAKE_BATCH ? KTRQ_WAKE_BATCH : batch);
}

/* Locked: does `req`, just queued, warrant waking a sleeping worker? */
static int
wake_worker(const struct ktrq *k, const struct ktr_request *req)
{

	if (k->k_wsleep == KW_RUNNING)
		return (0);
	if (k->k_wsleep == KW_IDLE || k->k_batch_max == 1 || req->kr_sync ||
	    k->k_nbpwait != 0)
		return (1);
	return (k->k_ntodo >= ktrq__wake_batch(k));
}

/*
 * Locked: wake the worker if it sleeps.  Under k_mtx, so that the one
 * poster that finds it asleep wakes it before anyone else can look: no
 * other poster need repeat the wakeup.
 */
static void
worker_wake(struct ktrq *k)
{

	KTRQ_ASSERT_LOCKED(k);
	if (k->k_wsleep == KW_RUNNING)
		return;
	k->k_wsleep = KW_RUNNING;
	ktrq__wakeup(k, &k->k_todo);
}

/*
 * Locked: someone waits for the queue (a genio, an exit's drain,
 * destroy, back-pressure): wake the worker if it sleeps, and keep it
 * from waiting to gather a batch until it has emptied the todo list.
 */
void
ktrq__worker_kick(struct ktrq *k)
{

	KTRQ_ASSERT_LOCKED(k);
	k->k_hurry = 1;
	worker_wake(k);
}

/*
 * Locked: append `req` to the todo list, unless its process was detached
 * since getrequest (a CLEAR, a set-id exec or a write error in between,
 * even if it was attached again since): then KTRQ__ECLEARED, and the
 * caller finishes it as cleared.  Wakes the worker when it sleeps and
 * this request is reason enough (wake_worker).
 */
int
ktrq__queue_locked(struct ktrq *k, struct ktr_request *req)
{

	KTRQ_ASSERT_LOCKED(k);
	if ((uint32_t)req->kr_proc->p_tracegen != req->kr_tracegen)
		return (KTRQ__ECLEARED);
	req->kr_state = KR_QUEUED;
	req->kr_serial = ++k->k_serial;
	STAILQ_INSERT_TAIL(&k->k_todo, req, kr_list);
	k->k_ntodo++;
	KTRQ_PROBE(k, KTRQ_PROBE_ENQUEUE, req, 0);
	if (req->kr_sync)
		ktrq__worker_kick(k);
	else if (wake_worker(k, req))
		worker_wake(k);
	return (0);
}

/*
 * Locked: the queued request after `req` (the first, for NULL), in todo
 * order: k_front's, then k_todo's.  For walks that mark requests.
 */
struct ktr_request *
ktrq__todo_next(struct ktrq *k, struct ktr_request *req)
{
	struct ktr_request *next;

	KTRQ_ASSERT_LOCKED(k);
	if (req != NULL) {
		if ((next = STAILQ_NEXT(req, kr_list)) != NULL)
			return (next);
		if (k->k_front.stqh_last != &STAILQ_NEXT(req, kr_list))
			return (NULL);		/* k_todo's last */
	} else if ((next = STAILQ_FIRST(&k->k_front)) != NULL)
		return (next);
	return (STAILQ_FIRST(&k->k_todo));
}

void
ktrq__probe(struct ktrq *k, enum ktrq_probe_kind kind,
    const struct ktr_request *req, int error)
{
	struct ktrq_probe pr;

	pr.kind = kind;
	pr.serial = req->kr_serial;
	pr.pid = req->kr_pid;
	pr.tid = req->kr_tid;
	pr.type = req->kr_type;
	pr.sync = req->kr_sync;
	pr.error = error == KTRQ__ECLEARED ? ENXIO : error;
	pr.target = req->kr_target;
	k->k_probe(k->k_probe_arg, &pr);
}

/* A probe about a process rather than a request. */
void
ktrq__probe_proc(struct ktrq *k, enum ktrq_probe_kind kind,
    const struct ktrq_proc *p, int64_t tid, int type, int error)
{
	struct ktrq_probe pr;

	if (k->k_probe == NULL)
		return;
	pr.kind = kind;
	pr.serial = 0;
	pr.pid = p->p_pid;
	pr.tid = tid;
	pr.type = type;
	pr.sync = 0;
	pr.error = error;
	pr.target = NULL;
	k->k_probe(k->k_probe_arg, &pr);
}

/* Count how a posted event ended: written, cleared, or a write error. */
void
ktrq__account_locked(struct ktrq *k, int error)
{

	KTRQ_ASSERT_LOCKED(k);
	if (error == 0)
		k->k_st.written++;
	else if (error == KTRQ__ECLEARED)
		k->k_st.dropped_cleared++;
	else
		k->k_st.dropped_write_error++;
}

/*
 * Locked: `req` is dropped unwritten (cleared).  Its process's next
 * record carries KTR_DROP, as after an exhausted pool, so a reader sees
 * the gap -- also when the process stays traced (its records for a
 * target it left were cleared by a CLEARFILE or a write error there, or
 * it moved to another target while this one was being filled).  A
 * detach forgets the mark: only drops after it count, as in the probe
 * order the simulator's oracle judges.
 */
void
ktrq__drop_locked(struct ktrq *k, struct ktr_request *req, int error)
{

	KTRQ_ASSERT_LOCKED(k);
	KTRQ_PROBE(k, KTRQ_PROBE_DROP, req, error);
	req->kr_proc->p_traceflag |= KTRFAC_DROP;
}

/*
 * Locked: return `req` to the pool.  What must be released without
 * k_mtx (its target reference, its payload buffer) goes to *lo.
 */
void
ktrq__done_locked(struct ktrq *k, struct ktr_request *req,
    struct ktr_leftovers *lo)
{
	struct ktrq_proc *p = req->kr_proc;

	KTRQ_ASSERT_LOCKED(k);
	ktrq__request_leftovers(req, lo);
	ktrq__request_forget(req);
	KTRQ_ASSERT(k, p->p_nqueued > 0);
	if (--p->p_nqueued == 0 && (p->p_flag & P_EXITING))
		ktrq__wakeup(k, &p->p_nqueued);
	ktrq__pool_put(k, req);
}

/*
 * What a finished request leaves to release without k_mtx: its target
 * reference, its payload buffer.  By its owner (off every list).
 */
void
ktrq__request_leftovers(const struct ktr_request *req,
    struct ktr_leftovers *lo)
{

	lo->target = req->kr_target;
	lo->buf = req->kr_ownbuf ? (void *)(uintptr_t)req->kr_data : NULL;
	lo->buflen = req->kr_datalen;
}

/* By its owner: a finished request points at nothing any more. */
void
ktrq__request_forget(struct ktr_request *req)
{

	req->kr_target = NULL;
	req->kr_data = NULL;
	req->kr_ownbuf = 0;
	req->kr_proc = NULL;
}

/* Unlocked; needs only the layer (a poster may have left the instance). */
void
ktrq__leftovers_release(const struct ktrq_os *os, struct ktr_leftovers *lo)
{

	if (lo->target != NULL)
		ktrq_target_rele(lo->target);
	if (lo->buf != NULL)
		os->free(os->cookie, lo->buf, lo->buflen);
}
