/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrace(2): attaching processes to targets and detaching them, with
 * FreeBSD 2002's ktrcanset() permission rule (p_candebug() of
 * kern_prot.c, without jails and securelevel).
 *
 * The walk (one process, a process group, or a subtree with DESCEND)
 * holds k_proctree_mtx so the tree cannot change under it; each process
 * is changed under k_mtx, and the target reference it gave up is
 * released right after, with k_mtx dropped, as ktrops() did.
 */
#include <errno.h>
#include <string.h>

#include "ktrq_impl.h"

struct ktrop {
	struct ktrq_cred	 cred;		/* the caller's */
	const struct ktrq_proc	*self;		/* the caller's process */
	int			 ngroups;	/* its supplementary groups */
	uint32_t		 groups[KTRQ_NGROUPS];
	int			 op;
	unsigned		 facs;
	struct ktrq_target	*target;
	struct ktrq_target	*match;		/* only processes on this */
};

/* Is `gid` in the caller's group set (its egid and supplementary)? */
static int
groupmember(uint32_t gid, const struct ktrop *o)
{
	int i;

	if (o->cred.gid == gid)
		return (1);
	for (i = 0; i < o->ngroups; i++)
		if (o->groups[i] == gid)
			return (1);
	return (0);
}

/* p_candebug(): may the caller debug `p`, privilege aside? */
static int
candebug_unprivileged(const struct ktrop *o, const struct ktrq_proc *p)
{
	const struct ktrq_cred *tc = &p->p_cred;
	int i;

	if (o->cred.uid != tc->uid || o->cred.uid != tc->ruid ||
	    o->cred.uid != tc->svuid)
		return (0);
	if (!groupmember(tc->gid, o) || !groupmember(tc->rgid, o) ||
	    !groupmember(tc->svgid, o))
		return (0);
	for (i = 0; i < p->p_ngroups; i++)
		if (!groupmember(p->p_groups[i], o))
			return (0);
	return ((p->p_flag & P_SUGID) == 0);
}

/*
 * ktrcanset(), FreeBSD 2002: a trace root set stays root's; otherwise
 * p_candebug() decides -- self always, then the same-user, group-subset,
 * not-set-id test, and privilege (uid 0) for everything else.  k_mtx
 * held (p_traceflag, p_flag).
 */
static int
ktrcanset(const struct ktrop *o, const struct ktrq_proc *p)
{
	int root = o->cred.uid == 0;

	if ((p->p_traceflag & KTRFAC_ROOT) && !root)
		return (0);
	if (p == o->self || root)
		return (1);
	return (candebug_unprivileged(o, p));
}

static struct ktrq_target *
ktrop_set(const struct ktrop *o, struct ktrq_proc *p)
{
	struct ktrq_target *old;

	old = NULL;
	if (p->p_target != o->target) {
		/*
		 * A new target: a genio still being filled for the old one
		 * is dropped when it is queued, so a CLEARFILE or write
		 * error on the old target cannot be bypassed by moving away.
		 */
		if ((old = p->p_target) != NULL)
			p->p_tracegen++;
		ktrq_target_hold(o->target);
		p->p_target = o->target;
	}
	p->p_traceflag |= o->facs;
	if (o->cred.uid == 0)
		p->p_traceflag |= KTRFAC_ROOT;
	return (old);
}

/*
 * Apply `o` to one process: 1 when permitted, 0 when not, -1 when it does
 * not trace to o->match.
 */
static int
ktrops(struct ktrq *k, const struct ktrop *o, struct ktrq_proc *p)
{
	struct ktrq_target *old;

	old = NULL;
	KTRQ_LOCK(k);
	if (o->match != NULL && p->p_target != o->match) {
		KTRQ_UNLOCK(k);
		return (-1);
	}
	if (!ktrcanset(o, p)) {
		KTRQ_UNLOCK(k);
		return (0);
	}
	if (o->op == KTROP_SET)
		old = ktrop_set(o, p);
	else if (((p->p_traceflag &= ~o->facs) & KTRFAC_MASK) == 0)
		old = ktrq__proc_detach(p);
	/* Posters waiting for objects look again at what they trace. */
	if (k->k_nbpwait != 0)
		ktrq__wakeup(k, &k->k_free);
	KTRQ_UNLOCK(k);
	if (old != NULL)
		ktrq_target_rele(old);
	return (1);
}

/* Pre-order over `top` and its descendants, never above `top`. */
static int
ktrsetchildren(struct ktrq *k, const struct ktrop *o, struct ktrq_proc *top)
{
	struct ktrq_proc *p;
	int ret;

	p = top;
	ret = 0;
	for (;;) {
		ret |= ktrops(k, o, p) > 0;
		if (!LIST_EMPTY(&p->p_children)) {
			p = LIST_FIRST(&p->p_children);
			continue;
		}
		for (;;) {
			if (p == top)
				return (ret);
			if (LIST_NEXT(p, p_sibling) != NULL) {
				p = LIST_NEXT(p, p_sibling);
				break;
			}
			p = p->p_pptr;
		}
	}
}

static int
ktrop_one(struct ktrq *k, const struct ktrop *o, struct ktrq_proc *p,
    int descend)
{

	return (descend ? ktrsetchildren(k, o, p) : ktrops(k, o, p) > 0);
}

/*
 * Mark cleared the queued records for o->target of processes the caller
 * may change (those of processes that moved to another target since are
 * still queued for this one); no one else's.
 */
static void
ktrclearfile_queued(struct ktrq *k, const struct ktrop *o)
{
	struct ktr_request *req;

	KTRQ_LOCK(k);
	for (req = ktrq__todo_next(k, NULL); req != NULL;
	    req = ktrq__todo_next(k, req))
		if (req->kr_target == o->target &&
		    ktrcanset(o, req->kr_proc))
			req->kr_cleared = 1;
	KTRQ_UNLOCK(k);
}

/*
 * CLEARFILE: detach every process tracing to o->target that the caller
 * may change, and drop their records still queued for it.
 */
static int
ktrclearfile(struct ktrq *k, const struct ktrop *o)
{
	struct ktrop clear = *o;
	struct ktrq_proc *p;
	int error;

	clear.op = KTROP_CLEAR;
	clear.facs = KTRFAC_MASK | KTRFAC_INHERIT;
	clear.match = o->target;
	error = 0;
	LIST_FOREACH(p, &k->k_procs, p_list)
		if (ktrops(k, &clear, p) == 0)
			error = EPERM;
	ktrclearfile_queued(k, o);
	return (error);
}

static int
ktrace_walk(struct ktrq *k, const struct ktrop *o, int pid, int descend)
{
	struct ktrq_proc *p;
	int found, ret;

	if (pid > 0) {
		if ((p = ktrq__pfind(k, pid)) == NULL)
			return (ESRCH);
		return (ktrop_one(k, o, p, descend) ? 0 : EPERM);
	}
	found = ret = 0;
	LIST_FOREACH(p, &k->k_procs, p_list) {
		if (p->p_pgid != -pid)
			continue;
		found = 1;
		ret |= ktrop_one(k, o, p, descend);
	}
	if (!found)
		return (ESRCH);
	return (ret ? 0 : EPERM);
}

static int
ktrace_args(struct ktrq_thread *td, struct ktrq_target *t, int ops,
    unsigned facs, int pid)
{
	int op = KTROP(ops);

	if (td == NULL)
		return (EINVAL);
	/* CLEARFILE names a target, not a process: its pid is ignored. */
	if (op != KTROP_CLEARFILE && (pid == 0 || pid == INT32_MIN))
		return (EINVAL);
	if ((ops & ~(3 | KTRFLAG_DESCEND)) != 0 || op > KTROP_CLEARFILE)
		return (EINVAL);
	if ((facs & ~(unsigned)(KTRFAC_ALL | KTRFAC_INHERIT)) != 0)
		return (EINVAL);
	if (op != KTROP_CLEARFILE && (facs & KTRFAC_ALL) == 0)
		return (EINVAL);
	if (op != KTROP_CLEAR && t == NULL)
		return (EINVAL);
	return (0);
}

int
ktrq_ktrace(struct ktrq_thread *td, struct ktrq_target *t, int ops, int facs,
    int pid)
{
	struct ktrop o;
	struct ktrq *k;
	int error;

	/* Root's mark is not the caller's to give: drop it, as FreeBSD. */
	facs = (int)((unsigned)facs & ~KTRFAC_ROOT);
	if ((error = ktrace_args(td, t, ops, (unsigned)facs, pid)) != 0)
		return (error);
	k = td->td_proc->p_ktrq;
	if (ktrq__forked(k))
		return (EOWNERDEAD);
	o.cred = td->td_proc->p_cred;	/* immutable after creation */
	o.self = td->td_proc;
	KTRQ_LOCK(k);
	o.ngroups = td->td_proc->p_ngroups;
	memcpy(o.groups, td->td_proc->p_groups, sizeof(o.groups));
	KTRQ_UNLOCK(k);
	o.op = KTROP(ops);
	o.facs = (unsigned)facs;
	o.target = t;
	o.match = NULL;
	PROCTREE_LOCK(k);
	if (o.op == KTROP_CLEARFILE)
		error = ktrclearfile(k, &o);
	else
		error = ktrace_walk(k, &o, pid, (ops & KTRFLAG_DESCEND) != 0);
	PROCTREE_UNLOCK(k);
	return (error);
}
