/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the workload does, logged for the oracle: tagged posts, and the
 * actions whose effect the oracle must place in the order (resizes,
 * exits, CLEARFILE).
 *
 * Every event a harness thread posts carries its tag (poster index *
 * TAG_STRIDE + sequence number) in its payload -- in the first syscall
 * argument, the return value, the path, the signal number, the text --
 * so the oracle can tie each record in the trace to the post that made
 * it.  Only KTR_CSW has no room for one.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "harness_impl.h"

static struct hposter *
poster_of(struct ktrq_harness *h, const struct ktrq_thread *td, size_t *ip)
{
	size_t i;

	if (td == NULL)
		return (NULL);
	for (i = h->nposters; i >= 1; i--)
		if (h->posters[i].td == td) {
			*ip = i;
			return (&h->posters[i]);
		}
	return (NULL);
}

static int
post_genio(struct ktrq_harness *h, struct ktrq_thread *td, uint32_t tag,
    uint32_t *auxp)
{
	uint8_t buf[64];
	size_t len, n;

	n = (size_t)snprintf((char *)buf, sizeof(buf), "g%" PRIu32 ":", tag);
	len = n + ktrq_sim_choose(h->os, 40, "genio length");
	memset(buf + n, '.', len - n);
	*auxp = (uint32_t)len;
	return (ktrq_genio(td, 1, 1, buf, len));
}

static int
post_user(struct ktrq_harness *h, struct ktrq_thread *td, uint32_t tag,
    uint32_t *auxp)
{
	uint8_t buf[256];
	size_t len, n;

	/* Sometimes past the inline payload: the allocating path. */
	len = ktrq_sim_choose(h->os, 1000, "big utrace") < 250 ? 200 : 16;
	memset(buf, 'u', len);
	n = (size_t)snprintf((char *)buf, sizeof(buf), "u%" PRIu32 ":", tag);
	buf[n] = '.';
	*auxp = (uint32_t)len;
	return (ktrq_utrace(td, buf, len));
}

/*
 * Post an event of `type` carrying `tag`; *auxp gets what the oracle
 * needs besides the tag to know the record (decode.c): the syscall's
 * narg, the genio or utrace data's length.
 */
static int
post_type(struct ktrq_harness *h, struct ktrq_thread *td, int type,
    uint32_t tag, uint32_t *auxp)
{
	uint64_t args[4] = { tag, 0x1000, 0x1000, 0x1000 };
	uint32_t mask[4] = { tag, 0, 0, 0 };
	char path[32];
	int narg;

	switch (type) {
	case KTR_SYSCALL:
		narg = 1 + (int)ktrq_sim_choose(h->os, 4, "narg");
		*auxp = (uint32_t)narg;
		return (ktrq_syscall(td, 4, narg, args));
	case KTR_SYSRET:
		return (ktrq_sysret(td, 4, 0, (int64_t)tag));
	case KTR_NAMEI:
		snprintf(path, sizeof(path), "/t/%" PRIu32, tag);
		return (ktrq_namei(td, path));
	case KTR_GENIO:
		return (post_genio(h, td, tag, auxp));
	case KTR_PSIG:
		return (ktrq_psig(td, 2, 0, 0, mask));	/* the tag: mask[0] */
	case KTR_CSW:
		return (ktrq_csw(td, 1, 0));
	default:
		return (post_user(h, td, tag, auxp));
	}
}

/* The seeded mix of ktrq_harness_post(h, td, 0). */
static int
mix_type(struct ktrq_harness *h)
{
	static const int kinds[] = { KTR_SYSCALL, KTR_SYSRET, KTR_NAMEI,
	    KTR_PSIG, KTR_CSW, KTR_USER };

	if (ktrq_sim_choose(h->os, 1000, "genio?") < h->o.sync_permille)
		return (KTR_GENIO);
	return (kinds[ktrq_sim_choose(h->os, 6, "event kind")]);
}

static int
type_known(int type)
{

	return (type == 0 || type == KTR_SYSCALL || type == KTR_SYSRET ||
	    type == KTR_NAMEI || type == KTR_GENIO || type == KTR_PSIG ||
	    type == KTR_CSW || type == KTR_USER);
}

int
ktrq_harness_post(struct ktrq_harness *h, struct ktrq_thread *td, int type)
{
	struct hposter *po;
	struct ev e;
	uint32_t aux, tag;
	size_t i;
	int outcome, pid;

	if (h == NULL || h->ended || !type_known(type) ||
	    (po = poster_of(h, td, &i)) == NULL)
		return (EINVAL);
	if (po->seq >= KTRQ_HARNESS_POSTS)
		return (ENOSPC);
	/*
	 * Nothing of *po past this point: another thread's
	 * ktrq_harness_thread may move the table while this one posts.
	 */
	tag = (uint32_t)(i * TAG_STRIDE + ++po->seq);
	pid = po->pid;
	if (type == 0)
		type = mix_type(h);
	memset(&e, 0, sizeof(e));
	e.kind = EV_POST_BEGIN;
	e.simtid = ktrq_sim_self(h->os);
	e.tag = tag;
	e.pid = pid;
	e.type = type;
	ktrq_harness__log(h, &e);
	ktrq_harness__set_tag(h, tag);
	aux = 0;
	outcome = post_type(h, td, type, tag, &aux);
	ktrq_harness__set_tag(h, 0);
	memset(&e, 0, sizeof(e));
	e.aux = aux;
	e.kind = EV_POST;
	e.simtid = ktrq_sim_self(h->os);
	e.tag = tag;
	e.pid = pid;
	e.tid = TID_BASE + (int64_t)i;
	e.type = type;
	e.sync = type == KTR_GENIO && !(h->o.flags & KTRQ_CF_GENIO_COPY);
	e.error = outcome;
	ktrq_harness__log(h, &e);
	return (outcome);
}

int
ktrq_harness_resize(struct ktrq_harness *h, int size, int *oldp)
{
	int error;

	if (h == NULL || h->ended)
		return (EINVAL);
	ktrq_harness__log_simple(h, EV_RESIZE_BEGIN, 0, size);
	error = ktrq_pool_resize(h->k, size, oldp);
	ktrq_harness__log_simple(h, EV_RESIZE_END, error, size);
	return (error);
}

/* Fork, remember and give the child its observer; 0 or an errno. */
static int
fork_child(struct ktrq_harness *h, struct ktrq_proc *parent, int pid,
    struct ktrq_proc **childp)
{
	struct ktrq_proc *c;
	size_t i;
	int error;

	if ((error = ktrq_proc_fork(parent, pid, &c)) != 0)
		return (error);
	if (ktrq_harness__remember(h, c) != 0) {
		(void)ktrq_proc_exit(c);
		return (ENOMEM);
	}
	i = h->nprocs - 1;
	if ((error = ktrq_harness__observer(h, (long)i)) != 0) {
		h->procs[i] = NULL;
		(void)ktrq_proc_exit(c);
		return (error);
	}
	*childp = c;
	return (0);
}

int
ktrq_harness_fork(struct ktrq_harness *h, struct ktrq_proc *parent, int pid,
    struct ktrq_proc **childp)
{
	struct hop op;
	size_t idx;
	int error;

	if (h == NULL || h->ended || childp == NULL || pid < 2 ||
	    pid > KTRQ_HARNESS_PID_MAX || !ktrq_harness__proc_live(h, parent))
		return (EINVAL);
	memset(&op, 0, sizeof(op));
	op.kind = HOP_FORK;
	op.pid = pid;
	op.caller = ktrq_proc_pid(parent);
	ktrq_harness__op_lock(h);
	idx = ktrq_harness__op_begin(h, &op);
	if ((error = fork_child(h, parent, pid, childp)) == 0)
		ktrq_harness__log_simple(h, EV_FORK, pid, op.caller);
	ktrq_harness__op_end(h, idx, error, error == 0);
	if (error == 0)
		ktrq_harness__observe(h, pid);
	ktrq_harness__op_unlock(h);
	return (error);
}

int
ktrq_harness_exit(struct ktrq_harness *h, struct ktrq_proc *p)
{
	struct hop op;
	size_t i, idx;
	int error;

	if (h == NULL || p == NULL || h->ended)
		return (EINVAL);
	for (i = 0; i < h->nprocs && h->procs[i] != p; i++)
		continue;
	if (i == h->nprocs)
		return (EINVAL);
	memset(&op, 0, sizeof(op));
	op.kind = HOP_EXIT;
	op.pid = ktrq_proc_pid(p);
	ktrq_harness__op_lock(h);
	h->procs[i] = NULL;
	h->obs[i] = NULL;		/* the exit frees it */
	for (i = 1; i <= h->nposters; i++)	/* its threads go with it */
		if (h->posters[i].proc == p)
			h->posters[i].td = NULL;
	ktrq_harness__log_simple(h, EV_EXIT_BEGIN, op.pid, 0);
	idx = ktrq_harness__op_begin(h, &op);
	error = ktrq_proc_exit(p);
	ktrq_harness__log_simple(h, EV_EXIT_END, op.pid, 0);
	ktrq_harness__op_end(h, idx, error, 0);
	ktrq_harness__op_unlock(h);
	return (error);
}

/* The index of `t` among the harness's targets; -1 NULL, -2 another. */
static int
target_index(const struct ktrq_harness *h, const struct ktrq_target *t)
{
	int i;

	if (t == NULL)
		return (-1);
	for (i = 0; i < h->ntgt; i++)
		if (t == h->tgtid[i])
			return (i);
	return (-2);
}

int
ktrq_harness_ktrace(struct ktrq_harness *h, struct ktrq_thread *td,
    struct ktrq_target *t, int ops, int facs, int pid)
{
	struct hop op;
	size_t idx;
	int clear, error, lpid, ti;

	if (h == NULL || h->ended)
		return (EINVAL);
	clear = KTROP(ops) == KTROP_CLEARFILE;
	lpid = clear ? 0 : pid;
	ti = target_index(h, t);
	memset(&op, 0, sizeof(op));
	op.kind = HOP_KTRACE;
	op.pid = pid;
	op.caller = ktrq_harness__caller(h, td);
	op.ops = ops;
	op.facs = facs;
	op.tgt = ti;
	ktrq_harness__op_lock(h);
	/* Its effects fall between these two: the oracle knows no more. */
	ktrq_harness__log_simple(h, EV_KTRACE, lpid, ops);
	idx = ktrq_harness__op_begin(h, &op);
	if (clear)
		ktrq_harness__log_simple(h, EV_CLEARFILE_BEGIN, 0,
		    ti < 0 ? -1 : ti);
	error = ktrq_ktrace(td, t, ops, facs, pid);
	ktrq_harness__op_end(h, idx, error, 0);
	if (clear)
		ktrq_harness__log_simple(h, EV_CLEARFILE_END, 0,
		    ti < 0 ? -1 : ti);
	ktrq_harness__log_simple(h, EV_KTRACE_END, lpid, ops);
	ktrq_harness__observe(h, 0);
	ktrq_harness__op_unlock(h);
	return (error);
}
