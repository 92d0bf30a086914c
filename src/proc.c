/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The traced world: processes, their threads, fork, exit and exec.
 *
 * k_proctree_mtx guards the tree (parent, children, process group); the
 * list of all processes and each process's thread list change under both
 * it and k_mtx, so the worker can walk the one and an exit the other
 * under k_mtx alone.  The tracing state of a process (target, flags,
 * comm) changes under k_mtx.
 *
 * Exit and destroy free what event points use, so they first make every
 * event point of the processes concerned take nothing more (P_EXITING:
 * ESRCH) and wait, under k_mtx, until no thread of theirs is inside one
 * (its guard up; ktrq_impl.h).  The kernel gets the same from
 * single-threading a process before exit.
 */
#include <errno.h>
#include <string.h>

#include "ktrq_impl.h"

struct ktrq_proc *
ktrq__pfind(struct ktrq *k, int pid)
{
	struct ktrq_proc *p;

	LIST_FOREACH(p, &k->k_procs, p_list)
		if (p->p_pid == pid)
			return (p);
	return (NULL);
}

/*
 * Locked: stop tracing `p`.  Its queued records are marked cleared, so
 * nothing more is taken for writing to its old target on its behalf.
 * Returns the target reference the caller releases after unlocking.
 */
struct ktrq_target *
ktrq__proc_detach(struct ktrq_proc *p)
{
	struct ktrq *k = p->p_ktrq;
	struct ktr_request *req;
	struct ktrq_target *t;

	KTRQ_ASSERT_LOCKED(k);
	/*
	 * A real detach forgets a pending drop mark; a process that was
	 * not attached keeps it for its next record.
	 */
	if (p->p_target != NULL) {
		ktrq__probe_proc(k, KTRQ_PROBE_DETACH, p, 0, 0, 0);
		p->p_traceflag = 0;
	} else
		p->p_traceflag &= KTRFAC_DROP;
	t = p->p_target;
	p->p_target = NULL;
	p->p_tracegen++;
	/* A poster waiting for an object under back-pressure gives up. */
	if (k->k_nbpwait != 0)
		ktrq__wakeup(k, &k->k_free);
	for (req = ktrq__todo_next(k, NULL); req != NULL;
	    req = ktrq__todo_next(k, req))
		if (req->kr_proc == p)
			req->kr_cleared = 1;
	return (t);
}

static struct ktrq_proc *
proc_alloc(struct ktrq *k, int pid, int pgid, const char *comm,
    const struct ktrq_cred *cred)
{
	struct ktrq_proc *p;

	if ((p = k->k_os->alloc(k->k_os->cookie, sizeof(*p))) == NULL)
		return (NULL);
	memset(p, 0, sizeof(*p));
	p->p_ktrq = k;
	p->p_pid = pid;
	p->p_pgid = pgid;
	p->p_cred = *cred;
	ktrq__strlcpy(p->p_comm, comm, sizeof(p->p_comm));
	LIST_INIT(&p->p_children);
	LIST_INIT(&p->p_threads);
	return (p);
}

static void
proc_free(struct ktrq *k, struct ktrq_proc *p)
{

	k->k_os->free(k->k_os->cookie, p, sizeof(*p));
}

/* Both locks held: link a new process in, unless its pid is taken. */
static int
proc_link(struct ktrq *k, struct ktrq_proc *p, struct ktrq_proc *parent)
{

	if (ktrq__pfind(k, p->p_pid) != NULL)
		return (EEXIST);
	LIST_INSERT_HEAD(&k->k_procs, p, p_list);
	p->p_pptr = parent;
	if (parent != NULL)
		LIST_INSERT_HEAD(&parent->p_children, p, p_sibling);
	return (0);
}

int
ktrq_proc_create(struct ktrq *k, int pid, struct ktrq_proc *parent, int pgid,
    const char *comm, const struct ktrq_cred *cred, struct ktrq_proc **pp)
{
	struct ktrq_proc *p;
	int error;

	if (k == NULL || pid <= 0 || pgid <= 0 || comm == NULL ||
	    cred == NULL || pp == NULL ||
	    (parent != NULL && parent->p_ktrq != k))
		return (EINVAL);
	if (ktrq__forked(k))
		return (EOWNERDEAD);
	if ((p = proc_alloc(k, pid, pgid, comm, cred)) == NULL)
		return (ENOMEM);
	PROCTREE_LOCK(k);
	KTRQ_LOCK(k);
	error = proc_link(k, p, parent);
	KTRQ_UNLOCK(k);
	PROCTREE_UNLOCK(k);
	if (error != 0) {
		proc_free(k, p);
		return (error);
	}
	*pp = p;
	return (0);
}

int
ktrq_proc_fork(struct ktrq_proc *parent, int child_pid,
    struct ktrq_proc **childp)
{
	struct ktrq_proc *c;
	struct ktrq *k;
	int error;

	if (parent == NULL || child_pid <= 0 || childp == NULL)
		return (EINVAL);
	k = parent->p_ktrq;
	if (ktrq__forked(k))
		return (EOWNERDEAD);
	/* comm is copied under k_mtx below: exec may be rewriting it. */
	if ((c = proc_alloc(k, child_pid, parent->p_pgid, "",
	    &parent->p_cred)) == NULL)
		return (ENOMEM);
	PROCTREE_LOCK(k);
	KTRQ_LOCK(k);
	memcpy(c->p_comm, parent->p_comm, sizeof(c->p_comm));
	c->p_ngroups = parent->p_ngroups;
	memcpy(c->p_groups, parent->p_groups, sizeof(c->p_groups));
	c->p_flag = parent->p_flag & P_SUGID;
	if ((error = proc_link(k, c, parent)) == 0 &&
	    (parent->p_traceflag & KTRFAC_INHERIT) &&
	    parent->p_target != NULL) {
		c->p_traceflag = parent->p_traceflag & ~KTRFAC_DROP;
		c->p_target = parent->p_target;
		ktrq_target_hold(c->p_target);
	}
	KTRQ_UNLOCK(k);
	PROCTREE_UNLOCK(k);
	if (error != 0) {
		proc_free(k, c);
		return (error);
	}
	*childp = c;
	return (0);
}

/*
 * Free a thread and its spare request.  The spare's payload fields may
 * be stale (a post that was not queued leaves them): it owns nothing.
 */
static void
thread_free(struct ktrq *k, struct ktrq_thread *td)
{

	ktrq__request_free(k, td->td_spare);
	k->k_os->free(k->k_os->cookie, td, sizeof(*td));
}

/*
 * Proctree locked (k_mtx not): free `p`'s threads.  `p` is off the list
 * of processes and none of its threads is inside an event point, so no
 * one walks them under k_mtx alone any more.
 */
static void
proc_free_threads(struct ktrq *k, struct ktrq_proc *p)
{
	struct ktrq_thread *td;

	while ((td = LIST_FIRST(&p->p_threads)) != NULL) {
		LIST_REMOVE(td, td_link);
		thread_free(k, td);
	}
}

/* Proctree locked: take `p` out of the tree; orphans lose their parent. */
static void
proc_unlink(struct ktrq *k, struct ktrq_proc *p)
{
	struct ktrq_proc *c;

	while ((c = LIST_FIRST(&p->p_children)) != NULL) {
		LIST_REMOVE(c, p_sibling);
		c->p_pptr = NULL;
	}
	if (p->p_pptr != NULL)
		LIST_REMOVE(p, p_sibling);
	KTRQ_LOCK(k);
	LIST_REMOVE(p, p_list);
	KTRQ_UNLOCK(k);
}

/* Locked: is a thread of `p` inside an event point? */
static int
proc_busy(const struct ktrq_proc *p)
{
	const struct ktrq_thread *td;

	LIST_FOREACH(td, &p->p_threads, td_link)
		if (ktrq__guard_up(td))
			return (1);
	return (0);
}

/*
 * Locked: `p` (every process, with `p` NULL) takes no more events; a
 * thread of it waiting for an object under back-pressure gives up.
 */
static void
proc_set_exiting(struct ktrq *k, struct ktrq_proc *p)
{
	struct ktrq_proc *q;

	if (p != NULL)
		p->p_flag |= P_EXITING;
	else
		LIST_FOREACH(q, &k->k_procs, p_list)
			q->p_flag |= P_EXITING;
	if (k->k_nbpwait != 0)
		ktrq__wakeup(k, &k->k_free);
}

int
ktrq_proc_exit(struct ktrq_proc *p)
{
	struct ktrq_target *t;
	struct ktrq *k;

	if (p == NULL)
		return (EINVAL);
	k = p->p_ktrq;
	if (ktrq__forked(k))
		return (EOWNERDEAD);
	/*
	 * Drain under k_mtx alone: nothing new is taken for an exiting
	 * process, and the tree stays usable while the worker catches up
	 * and p's threads leave their event points (they wake us).
	 */
	KTRQ_LOCK(k);
	proc_set_exiting(k, p);
	while (p->p_nqueued > 0 || proc_busy(p)) {
		ktrq__worker_kick(k);
		ktrq__sleep(k, &p->p_nqueued, "ktrexit");
	}
	KTRQ_UNLOCK(k);
	PROCTREE_LOCK(k);
	KTRQ_LOCK(k);
	t = ktrq__proc_detach(p);
	KTRQ_UNLOCK(k);
	proc_unlink(k, p);
	proc_free_threads(k, p);
	PROCTREE_UNLOCK(k);
	if (t != NULL)
		ktrq_target_rele(t);
	proc_free(k, p);
	return (0);
}

int
ktrq_proc_exec(struct ktrq_proc *p, const char *comm, int setid)
{
	struct ktrq_target *t;
	struct ktrq *k;

	if (p == NULL || comm == NULL)
		return (EINVAL);
	k = p->p_ktrq;
	if (ktrq__forked(k))
		return (EOWNERDEAD);
	t = NULL;
	KTRQ_LOCK(k);
	ktrq__strlcpy(p->p_comm, comm, sizeof(p->p_comm));
	if (setid) {
		p->p_flag |= P_SUGID;
		if (p->p_target != NULL && !(p->p_traceflag & KTRFAC_ROOT))
			t = ktrq__proc_detach(p);
	}
	KTRQ_UNLOCK(k);
	if (t != NULL)
		ktrq_target_rele(t);
	return (0);
}

int
ktrq_proc_setgroups(struct ktrq_proc *p, int ngroups, const uint32_t *groups)
{
	struct ktrq *k;
	int i;

	if (p == NULL || ngroups < 0 || ngroups > KTRQ_NGROUPS ||
	    (groups == NULL && ngroups > 0))
		return (EINVAL);
	k = p->p_ktrq;
	if (ktrq__forked(k))
		return (EOWNERDEAD);
	KTRQ_LOCK(k);
	for (i = 0; i < ngroups; i++)
		p->p_groups[i] = groups[i];
	p->p_ngroups = ngroups;
	KTRQ_UNLOCK(k);
	return (0);
}

int
ktrq_proc_pid(const struct ktrq_proc *p)
{

	return (p != NULL ? p->p_pid : -1);
}

int
ktrq_thread_create(struct ktrq_proc *p, int64_t tid, struct ktrq_thread **tdp)
{
	struct ktrq_thread *td;
	struct ktrq *k;

	if (p == NULL || tdp == NULL)
		return (EINVAL);
	k = p->p_ktrq;
	if (ktrq__forked(k))
		return (EOWNERDEAD);
	if ((td = k->k_os->alloc(k->k_os->cookie, sizeof(*td))) == NULL)
		return (ENOMEM);
	memset(td, 0, sizeof(*td));
	if ((td->td_spare = ktrq__request_alloc(k)) == NULL) {
		k->k_os->free(k->k_os->cookie, td, sizeof(*td));
		return (ENOMEM);
	}
	td->td_proc = p;
	td->td_tid = tid;
	PROCTREE_LOCK(k);
	KTRQ_LOCK(k);
	LIST_INSERT_HEAD(&p->p_threads, td, td_link);
	KTRQ_UNLOCK(k);
	PROCTREE_UNLOCK(k);
	*tdp = td;
	return (0);
}

int
ktrq_thread_destroy(struct ktrq_thread *td)
{
	struct ktrq *k;

	if (td == NULL)
		return (EINVAL);
	k = td->td_proc->p_ktrq;
	if (ktrq__forked(k))
		return (EOWNERDEAD);
	PROCTREE_LOCK(k);
	KTRQ_LOCK(k);
	LIST_REMOVE(td, td_link);
	KTRQ_UNLOCK(k);
	PROCTREE_UNLOCK(k);
	thread_free(k, td);
	return (0);
}

/*
 * Locked, at destroy, with the worker still running: every process stops
 * taking events (ESRCH), then wait until no thread is inside an event
 * point -- none holds a request being filled or a synchronous one, so
 * what is queued the worker drains at shutdown.
 */
void
ktrq__proc_quiesce_all(struct ktrq *k)
{
	struct ktrq_proc *p;

	KTRQ_ASSERT_LOCKED(k);
	proc_set_exiting(k, NULL);
	for (;;) {
		LIST_FOREACH(p, &k->k_procs, p_list)
			if (proc_busy(p))
				break;
		if (p == NULL)
			return;
		ktrq__worker_kick(k);
		ktrq__sleep(k, &p->p_nqueued, "ktrdown");
	}
}

/* At destroy, with the worker gone: every process left exits. */
void
ktrq__proc_free_all(struct ktrq *k)
{
	struct ktrq_proc *p;

	while ((p = LIST_FIRST(&k->k_procs)) != NULL)
		ktrq_proc_exit(p);
}
