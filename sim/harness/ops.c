/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The world-changing calls, as the permission oracle (perm.c) sees
 * them: making a process with given credentials, ktrace(2), fork, exec
 * and exit are each logged as an op -- a record of its arguments and
 * result in ops[], bracketed by EV_OP_BEGIN and EV_OP_END -- so the
 * oracle can replay them on its own model of every process's tracing,
 * and knows when two of them overlapped (then their order is not in the
 * log, and it judges less).
 *
 * With opts.observe, every process gets an observer thread that never
 * posts, and after an op the harness reads what ktrq_point says of the
 * processes it may have changed: the model's facilities against the
 * core's, while nothing else changes them, since the ops and their
 * observations run one at a time under the op mutex.  Without it no
 * layer call is added to any op, so the scenarios' schedules stay what
 * they were.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness_impl.h"

#define	TID_OBSERVER	900000		/* observers' tids: + proc index */

void
ktrq_harness__op_lock(struct ktrq_harness *h)
{

	if (h->opmtx != NULL)
		(void)h->os->mtx_enter(h->os->cookie, h->opmtx);
}

void
ktrq_harness__op_unlock(struct ktrq_harness *h)
{

	if (h->opmtx != NULL)
		(void)h->os->mtx_exit(h->os->cookie, h->opmtx);
}

size_t
ktrq_harness__op_begin(struct ktrq_harness *h, const struct hop *op)
{
	struct ev e;
	size_t idx;

	if (ktrq_harness__grow(&h->ops, &h->opcap, h->nops + 1,
	    sizeof(*h->ops)) != 0)
		ktrq_sim_fail(h->os, "harness: out of memory for the ops");
	idx = h->nops++;
	h->ops[idx] = *op;
	memset(&e, 0, sizeof(e));
	e.kind = EV_OP_BEGIN;
	e.simtid = ktrq_sim_self(h->os);
	e.serial = idx;
	e.type = op->kind;
	e.pid = op->pid;
	ktrq_harness__log(h, &e);
	return (idx);
}

void
ktrq_harness__op_end(struct ktrq_harness *h, size_t idx, int result, int made)
{
	struct ev e;

	h->ops[idx].result = result;
	h->ops[idx].made = made;
	memset(&e, 0, sizeof(e));
	e.kind = EV_OP_END;
	e.simtid = ktrq_sim_self(h->os);
	e.serial = idx;
	e.type = h->ops[idx].kind;
	e.pid = h->ops[idx].pid;
	e.error = result;
	ktrq_harness__log(h, &e);
}

int
ktrq_harness__observer(struct ktrq_harness *h, long i)
{
	struct ktrq_proc *p = i < 0 ? h->ctl : h->procs[i];
	struct ktrq_thread *td;
	int error;

	if (!h->o.observe)
		return (0);
	/* Stored by index after: the table may move meanwhile. */
	if ((error = ktrq_thread_create(p, TID_OBSERVER + i + 1, &td)) != 0)
		return (error);
	if (i < 0)
		h->ctlobs = td;
	else
		h->obs[i] = td;
	return (0);
}

static void
observe_one(struct ktrq_harness *h, struct ktrq_proc *p,
    struct ktrq_thread *obs)
{
	struct ev e;
	int t;

	memset(&e, 0, sizeof(e));
	e.kind = EV_OBSERVE;
	for (t = KTR_SYSCALL; t <= KTR_USER; t++)
		if (ktrq_point(obs, t))
			e.type |= 1 << t;
	e.simtid = ktrq_sim_self(h->os);
	e.pid = ktrq_proc_pid(p);
	ktrq_harness__log(h, &e);
}

void
ktrq_harness__observe(struct ktrq_harness *h, int pid)
{
	size_t i;

	if (!h->o.observe)
		return;
	ktrq_harness__log_simple(h, EV_OBSERVE_BEGIN, pid, 0);
	if (h->ctlobs != NULL && (pid == 0 || pid == PID_CTL))
		observe_one(h, h->ctl, h->ctlobs);
	for (i = 0; i < h->nprocs; i++)
		if (h->procs[i] != NULL && h->obs[i] != NULL &&
		    (pid == 0 || ktrq_proc_pid(h->procs[i]) == pid))
			observe_one(h, h->procs[i], h->obs[i]);
}

int
ktrq_harness__caller(const struct ktrq_harness *h,
    const struct ktrq_thread *td)
{
	size_t i;

	if (td == NULL)
		return (-1);
	if (td == h->ctltd)
		return (PID_CTL);
	for (i = 1; i <= h->nposters; i++)
		if (h->posters[i].td == td)
			return (h->posters[i].pid);
	return (0);
}

/* ---- making processes ---- */

int
ktrq_harness_procdef_init(struct ktrq_harness_procdef *d, int pid)
{
	static const struct ktrq_cred user = { 1000, 1000, 1000, 1000, 1000,
	    1000 };

	if (d == NULL)
		return (EINVAL);
	memset(d, 0, sizeof(*d));
	d->pid = pid;
	d->cred = user;
	d->facs = KTRFAC_ALL | KTRFAC_INHERIT;
	d->target = -1;		/* pid % targets */
	return (0);
}

static int
procdef_valid(const struct ktrq_harness *h,
    const struct ktrq_harness_procdef *d)
{

	return (d->pid >= 2 && d->pid <= KTRQ_HARNESS_PID_MAX &&
	    d->pgid >= 0 && d->ngroups >= 0 && d->ngroups <= KTRQ_NGROUPS &&
	    (d->facs & ~(KTRFAC_ALL | KTRFAC_INHERIT)) == 0 &&
	    (d->facs == 0 || (d->facs & KTRFAC_ALL) != 0) &&
	    (d->facs == 0 || d->target == -1 ||
	    (d->target >= 0 && d->target < h->ntgt)) &&
	    (d->parent == NULL || ktrq_harness__proc_live(h, d->parent)));
}

/* The op's record of `d` (tgt resolved). */
static void
procdef_op(const struct ktrq_harness *h,
    const struct ktrq_harness_procdef *d, struct hop *op)
{

	memset(op, 0, sizeof(*op));
	op->kind = HOP_PROC;
	op->pid = d->pid;
	op->pgid = d->pgid != 0 ? d->pgid : d->pid;
	op->parent = d->parent != NULL ? ktrq_proc_pid(d->parent) : 0;
	op->cred = d->cred;
	op->ngroups = d->ngroups;
	memcpy(op->groups, d->groups, sizeof(op->groups));
	op->facs = d->facs;
	op->tgt = d->facs == 0 ? -1 : d->target >= 0 ? d->target :
	    d->pid % h->ntgt;
}

/* The process exists and is remembered at procs[i]: finish it. */
static int
proc_finish(struct ktrq_harness *h, const struct hop *op, size_t i)
{
	struct ktrq_proc *p = h->procs[i];
	int error;

	if (op->ngroups > 0 &&
	    (error = ktrq_proc_setgroups(p, op->ngroups, op->groups)) != 0)
		return (error);
	if ((error = ktrq_harness__observer(h, (long)i)) != 0)
		return (error);
	if (op->facs != 0)
		return (ktrq_ktrace(h->ctltd, h->tgt[op->tgt], KTROP_SET,
		    op->facs, op->pid));
	return (0);
}

static int
proc_make(struct ktrq_harness *h, const struct hop *op,
    struct ktrq_proc *parent, struct ktrq_proc **pp)
{
	struct ktrq_proc *p;
	char comm[20];
	size_t i;
	int error;

	snprintf(comm, sizeof(comm), "p%d", op->pid);
	if ((error = ktrq_proc_create(h->k, op->pid, parent, op->pgid, comm,
	    &op->cred, &p)) != 0)
		return (error);
	if ((error = ktrq_harness__remember(h, p)) != 0) {
		(void)ktrq_proc_exit(p);
		return (error);
	}
	i = h->nprocs - 1;
	if ((error = proc_finish(h, op, i)) != 0) {
		h->procs[i] = NULL;
		h->obs[i] = NULL;
		(void)ktrq_proc_exit(p);
		return (error);
	}
	*pp = p;
	return (0);
}

int
ktrq_harness_proc_def(struct ktrq_harness *h,
    const struct ktrq_harness_procdef *d, struct ktrq_proc **pp)
{
	struct hop op;
	size_t idx;
	int error;

	if (h == NULL || d == NULL || pp == NULL || h->ended ||
	    !procdef_valid(h, d))
		return (EINVAL);
	procdef_op(h, d, &op);
	if (op.facs != 0 && h->tgt[op.tgt] == NULL)
		return (EBADF);		/* that target was closed */
	ktrq_harness__op_lock(h);
	idx = ktrq_harness__op_begin(h, &op);
	error = proc_make(h, &op, d->parent, pp);
	ktrq_harness__op_end(h, idx, error, error == 0);
	if (error == 0)
		ktrq_harness__observe(h, op.pid);
	ktrq_harness__op_unlock(h);
	return (error);
}

/* ---- exec ---- */

int
ktrq_harness_exec(struct ktrq_harness *h, struct ktrq_proc *p,
    const char *comm, int setid)
{
	struct hop op;
	size_t idx;
	int error;

	if (h == NULL || h->ended || !ktrq_harness__proc_live(h, p))
		return (EINVAL);
	memset(&op, 0, sizeof(op));
	op.kind = HOP_EXEC;
	op.pid = ktrq_proc_pid(p);
	op.setid = setid != 0;
	ktrq_harness__op_lock(h);
	ktrq_harness__log_simple(h, EV_EXEC, op.pid, setid);
	idx = ktrq_harness__op_begin(h, &op);
	error = ktrq_proc_exec(p, comm, setid);
	ktrq_harness__op_end(h, idx, error, 0);
	ktrq_harness__log_simple(h, EV_EXEC_END, op.pid, setid);
	ktrq_harness__observe(h, op.pid);
	ktrq_harness__op_unlock(h);
	return (error);
}
