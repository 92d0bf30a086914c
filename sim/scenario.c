/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Named scenarios: the real core, driven under the simulator by traced
 * threads posting a seeded mix of events while other actors resize the
 * pool, change tracing, fork and exit processes, or make writes fail.
 *
 * Every event a scenario posts carries a tag (poster index * 100000 +
 * sequence number) in its payload, and every core probe is logged with
 * the tag of the event its thread is posting, so the oracle (oracle.c)
 * can tie each record in the trace to the post that made it.
 *
 * All records of a run go to one in-memory byte stream, through one or
 * two "sim targets" -- distinct targets for tracing purposes, sharing
 * the stream so the oracle sees the global write order.  A sim target
 * turns the simulator's fault choices into write errors (only at the
 * start of a record), short writes and write latency in virtual time;
 * it stages a record until its last byte, so a short write never tears
 * the stream.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_impl.h"

#define	ACT_RESIZE	0x01
#define	ACT_CONTROL	0x02
#define	ACT_FORK	0x04
#define	ACT_WFAULTS	0x08	/* write errors on the first target */
#define	ACT_TWOTARGETS	0x10
#define	ACT_EXEC	0x20	/* control may exec set-id images */

#define	TAG_STRIDE	100000
#define	PID_CTL		1
#define	PID_BASE	100
#define	PID_CHILD	1000

struct scenario_def {
	const char		*name;
	const char		*desc;
	struct scn_params	 dflt;
	unsigned		 actors;
	int			 nresize;	/* resizes by the resizer */
	int			 nctl;		/* control operations */
	int			 nfork;		/* children forked */
};

static const struct scenario_def defs[] = {
	{ "mixed", "posts of every kind, some synchronous, two pool "
	    "resizes, short and slow writes",
	    { "mixed", 2, 2, 8, 4, 200, 0, 0, 0, 0 }, ACT_RESIZE, 2, 0, 0 },
	{ "exhaustion", "a pool of 1 under four posters: drops, KTR_DROP "
	    "marks, one warning",
	    { "exhaustion", 2, 2, 10, 1, 100, 0, 0, 0, 0 }, 0, 0, 0, 0 },
	{ "resize-storm", "ten resizes between 1 and 6 while posting",
	    { "resize-storm", 2, 2, 8, 2, 150, 0, 0, 0, 0 }, ACT_RESIZE, 10, 0, 0 },
	{ "write-error", "two targets, writes to one fail: detach, clear, "
	    "count",
	    { "write-error", 3, 1, 8, 4, 200, 150, 0, 0, 0 },
	    ACT_WFAULTS | ACT_TWOTARGETS | ACT_CONTROL, 0, 3, 0 },
	{ "sync-heavy", "mostly synchronous genio against a small pool",
	    { "sync-heavy", 2, 2, 8, 3, 600, 0, 0, 0, 0 }, 0, 0, 0, 0 },
	{ "fork-exit", "children forked with INHERIT post and exit while "
	    "their parents post",
	    { "fork-exit", 2, 1, 6, 4, 200, 0, 0, 0, 0 }, ACT_FORK, 0, 0, 3 },
	{ "control-race", "SET, CLEAR, CLEARFILE and DESCEND racing posts",
	    { "control-race", 3, 1, 8, 4, 200, 0, 0, 0, 0 },
	    ACT_CONTROL | ACT_TWOTARGETS, 0, 8, 0 },
	{ "backpressure", "a pool of 2 under four posters that wait for "
	    "objects (back-pressure): nothing drops, resizes and "
	    "synchronous genio meanwhile",
	    { "backpressure", 2, 2, 10, 2, 200, 0, 0, 0, 1 }, ACT_RESIZE, 2,
	    0, 0 },
	{ "batch1", "mixed with the 2002 writer: one record per write "
	    "(batch_max 1), every post wakes a sleeping worker",
	    { "batch1", 2, 2, 8, 4, 200, 0, 0, 1, 0 }, ACT_RESIZE, 2, 0, 0 },
	{ "chaos", "every actor at once: resizes, control with set-id "
	    "exec, forks, write errors, two targets (the fuzzers' scenario)",
	    { "chaos", 2, 2, 6, 3, 200, 100, 0, 0, 0 },
	    ACT_RESIZE | ACT_CONTROL | ACT_FORK | ACT_WFAULTS |
	    ACT_TWOTARGETS | ACT_EXEC, 3, 4, 2 },
};
#define	NDEFS	(sizeof(defs) / sizeof(defs[0]))

static const char *const names[NDEFS + 1] = {
	"mixed", "exhaustion", "resize-storm", "write-error", "sync-heavy",
	"fork-exit", "control-race", "backpressure", "batch1", "chaos", NULL
};

static const struct scenario_def *
def_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < NDEFS; i++)
		if (strcmp(defs[i].name, name) == 0)
			return (&defs[i]);
	return (NULL);
}

const char *const *
scn_names(void)
{

	return (names);
}

const char *
scn_describe(const char *name)
{
	const struct scenario_def *d = def_lookup(name);

	return (d != NULL ? d->desc : NULL);
}

int
scn_params_init(struct scn_params *sp, const char *name)
{
	const struct scenario_def *d;

	if ((d = def_lookup(name != NULL ? name : "mixed")) == NULL)
		return (EINVAL);
	*sp = d->dflt;
	sp->scenario = d->name;
	return (0);
}

/* ---- the event log ---- */

void
scn__log_event(struct scn_run *r, const struct ev *e)
{
	struct ev *n;
	size_t cap;

	if (r->nev == r->evcap) {
		cap = r->evcap != 0 ? r->evcap * 2 : 1024;
		if ((n = realloc(r->ev, cap * sizeof(*n))) == NULL)
			ktrq_sim__fail(r->s, "out of memory for the event log");
		r->ev = n;
		r->evcap = cap;
	}
	r->ev[r->nev++] = *e;
}

static void
log_simple(struct scn_run *r, enum ev_kind kind, int pid, int error)
{
	struct ev e;

	memset(&e, 0, sizeof(e));
	e.kind = (uint8_t)kind;
	e.simtid = ktrq_sim__self(r->s);
	e.pid = pid;
	e.error = error;
	scn__log_event(r, &e);
}

static void
scn_probe(void *arg, const struct ktrq_probe *pr)
{
	struct scn_run *r = arg;
	struct ev e;

	memset(&e, 0, sizeof(e));
	e.kind = EV_PROBE;
	e.probe = (uint8_t)pr->kind;
	e.simtid = ktrq_sim__self(r->s);
	e.tag = r->cur_tag[e.simtid];
	e.serial = pr->serial;
	e.pid = pr->pid;
	e.tid = pr->tid;
	e.type = pr->type;
	e.sync = (uint8_t)pr->sync;
	e.error = pr->error;
	e.tgt = pr->target == NULL ? -1 : pr->target == r->tgtid[0] ? 0 :
	    pr->target == r->tgtid[1] ? 1 : -1;
	scn__log_event(r, &e);
	if (r->hooks != NULL && r->hooks->probe != NULL)
		r->hooks->probe(r->hooks->arg, pr, e.simtid, ktrq_sim__steps(r->s),
		    ktrq_sim__now(r->s));
}

static void
scn_log(void *arg, int level, const char *msg)
{
	struct scn_run *r = arg;

	(void)level;
	if (strcmp(msg, "Out of ktrace request objects.") == 0)
		log_simple(r, EV_WARN, 0, 0);
	else if (strncmp(msg, "ktrace write failed", 19) == 0)
		log_simple(r, EV_WRITEFAIL, 0, 0);
	ktrq_sim__mark(r->s, msg);
}

/* ---- the sim target ---- */

struct simtgt {
	struct scn_run		*r;
	int			 index;		/* 0 or 1, for the oracle */
	struct ktrq_target	*inner;		/* the shared memtarget */
	struct ktrq_os_mtx	*mtx;		/* for latency sleeps */
	int			 faulty;	/* may fail writes */
	uint8_t			*stage;		/* the record so far */
	size_t			 staged;
	size_t			 pending;	/* bytes still to come */
};

static void
simtgt_latency(struct simtgt *st)
{
	struct ktrq_os *os = st->r->os;
	uint64_t end;

	end = ktrq_sim__now(st->r->s) + 1000 *
	    (1 + ktrq_sim__choose(st->r->s, SIM_CH_VALUE, 1000, "write latency"));
	os->mtx_enter(os->cookie, st->mtx);
	while (ktrq_sim__now(st->r->s) < end)
		os->msleep(os->cookie, st, st->mtx, "ktrlatency",
		    end - ktrq_sim__now(st->r->s));
	os->mtx_exit(os->cookie, st->mtx);
}

/* Start of a record: maybe fail, maybe wait; then stage `total` bytes. */
static int
simtgt_begin(struct simtgt *st, size_t total)
{
	struct sim *s = st->r->s;

	if (st->faulty && ktrq_sim__chance(s, SIM_CH_FAULT, st->r->sp.fault_permille,
	    "target write error"))
		return (EIO);
	if (ktrq_sim__fault(s, SIM_FAULT_LATENCY, "target write latency"))
		simtgt_latency(st);
	free(st->stage);
	if ((st->stage = malloc(total != 0 ? total : 1)) == NULL)
		ktrq_sim__fail(s, "out of host memory staging a record");
	st->staged = 0;
	st->pending = total;
	return (0);
}

/*
 * Bytes of the record at the start of iov: its header's length, or all
 * of the call when that is not a ktrace header.
 */
static size_t
simtgt_record(const struct ktrq_iov *iov, int iovcnt, size_t total)
{
	uint8_t b[4];
	size_t got, n;
	uint32_t len;
	int i;

	if (total < KTRQ_REC_HDR_V1_SIZE)
		return (total);
	for (i = 0, got = 0; i < iovcnt && got < sizeof(b); i++) {
		n = iov[i].len < sizeof(b) - got ? iov[i].len : sizeof(b) - got;
		memcpy(b + got, iov[i].base, n);
		got += n;
	}
	len = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
	if (len > total - KTRQ_REC_HDR_V1_SIZE)
		return (total);
	return (KTRQ_REC_HDR_V1_SIZE + (size_t)len);
}

/*
 * One record per call at most (a batch takes several calls: short
 * writes at record boundaries), each staged whole and passed to the
 * inner target only when complete, as IO_UNIT: a failure loses the
 * record under way and nothing before it.
 */
static int
simtgt_write(void *arg, const struct ktrq_iov *iov, int iovcnt,
    const struct ktrq_cred *cred, size_t *donep)
{
	struct simtgt *st = arg;
	struct ktrq_iov whole;
	size_t total, allow, n;
	int error, i;

	total = ktrq_iov_total(iov, iovcnt);
	if (st->pending == 0) {
		log_simple(st->r, EV_TWRITE, 0, st->index);
		if ((error = simtgt_begin(st, simtgt_record(iov, iovcnt,
		    total))) != 0)
			return (error);
	}
	allow = total < st->pending ? total : st->pending;
	if (allow > 1 && ktrq_sim__fault(st->r->s, SIM_FAULT_SHORT_WRITE,
	    "short write"))
		allow = 1 + ktrq_sim__choose(st->r->s, SIM_CH_VALUE, allow - 1,
		    "short write length");
	for (n = allow, i = 0; i < iovcnt && n > 0; i++) {
		size_t c = iov[i].len < n ? iov[i].len : n;

		memcpy(st->stage + st->staged, iov[i].base, c);
		st->staged += c;
		n -= c;
	}
	st->pending -= allow;
	*donep = allow;
	if (st->pending != 0)
		return (0);
	whole.base = st->stage;
	whole.len = st->staged;
	return (ktrq_target_write(st->inner, &whole, 1, cred));
}

static void
simtgt_forget(struct simtgt *st)
{
	size_t i;

	for (i = 0; i < 2; i++)
		if (st->r->simtgts[i] == st)
			st->r->simtgts[i] = NULL;
	free(st->stage);
	free(st);
}

static void
simtgt_release(void *arg)
{
	struct simtgt *st = arg;
	struct ktrq_os *os = st->r->os;

	ktrq_target_rele(st->inner);
	os->mtx_destroy(os->cookie, st->mtx);
	simtgt_forget(st);
}

static const struct ktrq_target_ops simtgt_ops = {
	.write = simtgt_write,
	.release = simtgt_release,
};

static int
simtgt_create(struct scn_run *r, struct ktrq_target *inner, int faulty,
    struct ktrq_target **tp)
{
	struct simtgt *st;
	int error;

	if ((st = calloc(1, sizeof(*st))) == NULL)
		return (ENOMEM);
	st->r = r;
	st->faulty = faulty;
	st->index = r->simtgts[0] != NULL;
	r->simtgts[st->index] = st;
	if ((error = r->os->mtx_init(r->os->cookie, &st->mtx, "simtgt")) != 0) {
		free(st);
		return (error);
	}
	ktrq_target_hold(inner);
	st->inner = inner;
	if ((error = ktrq_target_create(r->os, &simtgt_ops, st, tp)) != 0)
		simtgt_release(st);
	return (error);
}

/* ---- the world of a run ---- */

struct poster {
	struct scn_run		*r;
	struct ktrq_thread	*td;
	int			 pid;
	int			 index;		/* 1.. */
	int			 nevents;
};

struct world {
	struct scn_run		*r;
	const struct scenario_def *def;
	struct ktrq_target	*mem;
	struct ktrq_target	*tgt[2];
	int			 ntgt;
	struct ktrq_proc	*ctl;
	struct ktrq_thread	*ctltd;
	struct ktrq_proc	*procs[SCN_PROCS_MAX];
	int			 nprocs;
	struct poster		 posters[SIM_MAXTHREADS];
	int			 nposters;
	int			 nextchild;
};

static const struct ktrq_cred user_cred = { 1000, 1000, 1000, 1000, 1000,
    1000 };
static const struct ktrq_cred root_cred = { 0, 0, 0, 0, 0, 0 };

static int
post_one(struct poster *po, uint32_t tag, int *typep)
{
	struct scn_run *r = po->r;
	struct sim *s = r->s;
	uint8_t buf[256];
	uint64_t args[4];
	uint32_t mask[4] = { tag, 0, 0, 0 };
	size_t len;
	int kind, narg;

	if (ktrq_sim__chance(s, SIM_CH_WORKLOAD, r->sp.sync_permille, "genio?")) {
		*typep = KTR_GENIO;
		len = (size_t)snprintf((char *)buf, sizeof(buf), "g%" PRIu32
		    ":", tag);
		len += ktrq_sim__choose(s, SIM_CH_WORKLOAD, 40, "genio length");
		memset(buf + strlen((char *)buf), '.', len - strlen((char *)buf));
		return (ktrq_genio(po->td, 1, 1, buf, len));
	}
	kind = (int)ktrq_sim__choose(s, SIM_CH_WORKLOAD, 6, "event kind");
	switch (kind) {
	case 0:
		*typep = KTR_SYSCALL;
		narg = 1 + (int)ktrq_sim__choose(s, SIM_CH_WORKLOAD, 4, "narg");
		args[0] = tag;
		args[1] = args[2] = args[3] = 0x1000;
		return (ktrq_syscall(po->td, 4, narg, args));
	case 1:
		*typep = KTR_SYSRET;
		return (ktrq_sysret(po->td, 4, 0, (int64_t)tag));
	case 2:
		*typep = KTR_NAMEI;
		snprintf((char *)buf, sizeof(buf), "/t/%" PRIu32, tag);
		return (ktrq_namei(po->td, (char *)buf));
	case 3:
		*typep = KTR_PSIG;
		return (ktrq_psig(po->td, 2, 0, (int)tag, mask));
	case 4:
		*typep = KTR_CSW;
		return (ktrq_csw(po->td, 1, 0));
	default:
		*typep = KTR_USER;
		/* Sometimes past KTRQ_INLINE_DATA: the allocating path. */
		len = ktrq_sim__chance(s, SIM_CH_WORKLOAD, 250, "big utrace") ? 200 :
		    16;
		memset(buf, 'u', len);
		snprintf((char *)buf, sizeof(buf), "u%" PRIu32 ":", tag);
		buf[strlen((char *)buf)] = '.';
		return (ktrq_utrace(po->td, buf, len));
	}
}

static void
poster_main(void *arg)
{
	struct poster *po = arg;
	struct scn_run *r = po->r;
	struct ev e;
	uint32_t tag;
	int seq, type, outcome;

	for (seq = 1; seq <= po->nevents; seq++) {
		tag = (uint32_t)(po->index * TAG_STRIDE + seq);
		r->cur_tag[ktrq_sim__self(r->s)] = tag;
		type = 0;
		outcome = post_one(po, tag, &type);
		memset(&e, 0, sizeof(e));
		e.kind = EV_POST;
		e.simtid = ktrq_sim__self(r->s);
		e.tag = tag;
		e.pid = po->pid;
		e.tid = 100000 + po->index;
		e.type = type;
		e.sync = type == KTR_GENIO && !r->sp.genio_copy;
		e.error = outcome;
		scn__log_event(r, &e);
	}
	r->cur_tag[ktrq_sim__self(r->s)] = 0;
}

static struct poster *
poster_new(struct world *w, struct ktrq_proc *p, int nevents)
{
	struct poster *po;

	if (w->nposters >= SIM_MAXTHREADS)
		return (NULL);
	po = &w->posters[w->nposters];
	po->r = w->r;
	po->index = ++w->nposters;
	po->pid = ktrq_proc_pid(p);
	po->nevents = nevents;
	if (ktrq_thread_create(p, 100000 + po->index, &po->td) != 0) {
		w->nposters--;
		return (NULL);
	}
	return (po);
}

/* ---- actors ---- */

static void
resizer_main(void *arg)
{
	struct world *w = arg;
	struct scn_run *r = w->r;
	int i, old, size;

	for (i = 0; i < w->def->nresize; i++) {
		size = 1 + (int)ktrq_sim__choose(r->s, SIM_CH_WORKLOAD, 6,
		    "resize size");
		log_simple(r, EV_RESIZE_BEGIN, 0, size);
		(void)ktrq_pool_resize(r->k, size, &old);
		log_simple(r, EV_RESIZE_END, 0, size);
	}
}

static void
control_one(struct world *w)
{
	struct scn_run *r = w->r;
	struct ktrq_target *t;
	int op, pid, ti;

	op = (int)ktrq_sim__choose(r->s, SIM_CH_WORKLOAD,
	    (w->def->actors & ACT_EXEC) ? 6 : 5, "control op");
	pid = ktrq_proc_pid(w->procs[ktrq_sim__choose(r->s, SIM_CH_WORKLOAD,
	    (uint64_t)w->nprocs, "control pid")]);
	ti = (int)ktrq_sim__choose(r->s, SIM_CH_WORKLOAD, (uint64_t)w->ntgt,
	    "control target");
	t = w->tgt[ti];
	switch (op) {
	case 0:
		(void)ktrq_ktrace(w->ctltd, NULL, KTROP_CLEAR, KTRFAC_ALL, pid);
		break;
	case 1:
		(void)ktrq_ktrace(w->ctltd, NULL, KTROP_CLEAR,
		    KTRFAC_SYSCALL | KTRFAC_CSW, pid);
		break;
	case 2:
		log_simple(r, EV_CLEARFILE_BEGIN, 0, ti);
		(void)ktrq_ktrace(w->ctltd, t, KTROP_CLEARFILE, 0, 0);
		log_simple(r, EV_CLEARFILE_END, 0, ti);
		break;
	case 3:
		(void)ktrq_ktrace(w->ctltd, t, KTROP_SET | KTRFLAG_DESCEND,
		    KTRFAC_ALL | KTRFAC_INHERIT, -PID_BASE);
		break;
	case 5:
		(void)ktrq_proc_exec(w->procs[ktrq_sim__choose(r->s,
		    SIM_CH_WORKLOAD, (uint64_t)w->nprocs, "exec pid")],
		    "setid", 1);
		break;
	default:
		(void)ktrq_ktrace(w->ctltd, t, KTROP_SET,
		    KTRFAC_ALL | KTRFAC_INHERIT, pid);
		break;
	}
}

static void
controller_main(void *arg)
{
	struct world *w = arg;
	int i;

	for (i = 0; i < w->def->nctl; i++)
		control_one(w);
}

static void
exit_proc(struct scn_run *r, struct ktrq_proc *p)
{
	int pid = ktrq_proc_pid(p);

	ktrq_proc_exit(p);
	log_simple(r, EV_EXIT_END, pid, 0);
}

/* Fork a child of a random process; it posts a few events and exits. */
static void
forker_main(void *arg)
{
	struct world *w = arg;
	struct scn_run *r = w->r;
	struct ktrq_os_thread *th;
	struct ktrq_proc *parent, *child;
	struct poster *po;
	int i;

	for (i = 0; i < w->def->nfork; i++) {
		parent = w->procs[ktrq_sim__choose(r->s, SIM_CH_WORKLOAD,
		    (uint64_t)w->nprocs, "fork parent")];
		if (ktrq_proc_fork(parent, PID_CHILD + w->nextchild++,
		    &child) != 0)
			continue;
		if ((po = poster_new(w, child, 4)) != NULL &&
		    r->os->thread_create(r->os->cookie, &th, "child",
		    poster_main, po) == 0)
			r->os->thread_join(r->os->cookie, th);
		exit_proc(r, child);
	}
}

/* ---- set-up and tear-down ---- */

static int
world_targets(struct world *w)
{
	struct scn_run *r = w->r;
	int error, i;

	if ((error = ktrq_memtarget_create(r->os, &w->mem)) != 0)
		return (error);
	w->ntgt = (w->def->actors & ACT_TWOTARGETS) ? 2 : 1;
	for (i = 0; i < w->ntgt; i++)
		if ((error = simtgt_create(r, w->mem, i == 0 &&
		    (w->def->actors & ACT_WFAULTS), &w->tgt[i])) != 0)
			return (error);
		else
			r->tgtid[i] = w->tgt[i];
	return (0);
}

static int
world_procs(struct world *w)
{
	struct scn_run *r = w->r;
	struct ktrq_proc *p;
	char comm[20];
	int error, i, j, pgid;

	if ((error = ktrq_proc_create(r->k, PID_CTL, NULL, PID_CTL, "ktrace",
	    &root_cred, &w->ctl)) != 0 ||
	    (error = ktrq_thread_create(w->ctl, 1, &w->ctltd)) != 0)
		return (error);
	for (i = 0; i < r->sp.procs; i++) {
		snprintf(comm, sizeof(comm), "p%d", i);
		pgid = i < (r->sp.procs + 1) / 2 ? PID_BASE : PID_BASE + 1;
		if ((error = ktrq_proc_create(r->k, PID_BASE + i, NULL, pgid,
		    comm, &user_cred, &p)) != 0)
			return (error);
		w->procs[w->nprocs++] = p;
		if ((error = ktrq_ktrace(w->ctltd, w->tgt[i % w->ntgt],
		    KTROP_SET, KTRFAC_ALL | KTRFAC_INHERIT, PID_BASE + i)) != 0)
			return (error);
		for (j = 0; j < r->sp.threads; j++)
			if (poster_new(w, p, r->sp.events) == NULL)
				return (ENOMEM);
	}
	return (0);
}

static int
world_setup(struct world *w)
{
	struct scn_run *r = w->r;
	struct ktrq_config cf;
	int error;

	ktrq_config_init(&cf, r->os);
	cf.pool_size = r->sp.pool;
	cf.flags = r->sp.genio_copy ? KTRQ_CF_GENIO_COPY : 0;
	cf.batch_max = r->sp.batch_max;
	if (r->sp.backpressure) {
		/*
		 * No timeout the run can reach: a poster that waits for
		 * ever is a lost wakeup, which the oracle reports.
		 */
		cf.flags |= KTRQ_CF_BACKPRESSURE;
		cf.backpressure_ns = SCN_BP_FOREVER_NS;
	}
	cf.log = scn_log;
	cf.log_arg = r;
	cf.probe = scn_probe;
	cf.probe_arg = r;
	if ((error = ktrq_create(&cf, &r->k)) != 0)
		return (error);
	if ((error = world_targets(w)) != 0)
		return (error);
	return (world_procs(w));
}

static int
spawn(struct world *w, struct ktrq_os_thread **th, int *n, const char *name,
    void (*fn)(void *), void *arg)
{
	struct ktrq_os *os = w->r->os;

	if (os->thread_create(os->cookie, &th[*n], name, fn, arg) != 0)
		return (EAGAIN);
	(*n)++;
	return (0);
}

static void
world_run(struct world *w)
{
	struct ktrq_os *os = w->r->os;
	struct ktrq_os_thread *th[SIM_MAXTHREADS];
	int i, n, nposters;

	n = 0;
	nposters = w->nposters;		/* the forker adds its own */
	ktrq_sim__arm_faults(w->r->s, 1);
	for (i = 0; i < nposters; i++)
		(void)spawn(w, th, &n, "poster", poster_main, &w->posters[i]);
	if (w->def->actors & ACT_RESIZE)
		(void)spawn(w, th, &n, "resizer", resizer_main, w);
	if (w->def->actors & ACT_CONTROL)
		(void)spawn(w, th, &n, "controller", controller_main, w);
	if (w->def->actors & ACT_FORK)
		(void)spawn(w, th, &n, "forker", forker_main, w);
	for (i = 0; i < n; i++)
		os->thread_join(os->cookie, th[i]);
	ktrq_sim__arm_faults(w->r->s, 0);
}

static void
world_teardown(struct world *w)
{
	struct scn_run *r = w->r;
	const uint8_t *data;
	size_t len;
	int i;

	for (i = 0; i < w->nprocs; i++)
		exit_proc(r, w->procs[i]);
	if (w->ctl != NULL)
		exit_proc(r, w->ctl);
	if (ktrq_stats(r->k, &r->quiet) == 0)
		r->have_quiet = 1;
	data = ktrq_memtarget_data(w->mem, &len);
	if (len != 0 && (r->trace = malloc(len)) != NULL) {
		memcpy(r->trace, data, len);
		r->trace_len = len;
	}
	for (i = 0; i < w->ntgt; i++)
		ktrq_target_rele(w->tgt[i]);
	ktrq_target_rele(w->mem);
	ktrq_destroy(r->k);
	r->k = NULL;
}

static void
scn_root(void *arg)
{
	struct scn_run *r = arg;
	struct world w;
	int error;

	memset(&w, 0, sizeof(w));
	w.r = r;
	w.def = def_lookup(r->sp.scenario);
	if ((error = world_setup(&w)) != 0) {
		snprintf(r->setup_error, sizeof(r->setup_error),
		    "scenario set-up failed with errno %d", error);
		ktrq_sim__fail(r->s, r->setup_error);
	}
	world_run(&w);
	world_teardown(&w);
}

/* ---- one run ---- */

static int
params_check(const struct scn_params *sp)
{

	if (sp == NULL || sp->scenario == NULL ||
	    def_lookup(sp->scenario) == NULL)
		return (EINVAL);
	if (sp->procs < 1 || sp->procs > SCN_PROCS_MAX || sp->threads < 1 ||
	    sp->threads > SCN_THREADS_MAX ||
	    sp->procs * sp->threads > SCN_POSTERS_MAX ||
	    sp->events < 1 || sp->events > SCN_EVENTS_MAX || sp->pool < 1 ||
	    sp->pool > KTRQ_POOL_MAX || sp->sync_permille > 1000 ||
	    sp->fault_permille > 1000 || sp->batch_max < 0 ||
	    sp->batch_max > KTRQ_BATCH_MAX || sp->backpressure < 0 ||
	    sp->backpressure > 1)
		return (EINVAL);
	return (0);
}

static const char *const strat_names[] = { "random", "pct", "none" };

static void
write_header(struct sim_schedule *sc, const struct scn_params *sp,
    const struct sim_params *p)
{
	char h[sizeof(sc->header)];

	snprintf(h, sizeof(h), "scenario=%s procs=%d threads=%d events=%d "
	    "pool=%d sync=%u faults=%u copy=%d seed=%" PRIu64 " strategy=%s "
	    "depth=%d pctsteps=%" PRIu64 " spurious=%u timeouts=%u "
	    "fenable=%u ffire=%u maxsteps=%" PRIu64 " batch=%d bp=%d",
	    sp->scenario, sp->procs,
	    sp->threads, sp->events, sp->pool, sp->sync_permille,
	    sp->fault_permille, sp->genio_copy, p->seed,
	    strat_names[p->strategy], p->pct_depth, p->pct_steps,
	    p->spurious_permille, p->timeout_permille,
	    p->fault_enable_permille, p->fault_fire_permille, p->max_steps,
	    sp->batch_max, sp->backpressure);
	memcpy(sc->header, h, sizeof(h));
}

static const char *const probe_names[] = { "ENQUEUE", "TAKE",
    "WRITE_BEGIN", "WRITE_END", "DROP", "CAPTURE", "NOBUFS", "DETACH" };
static const char *const ev_names[] = { "PROBE", "POST", "RESIZE_BEGIN",
    "RESIZE_END", "WARN", "WRITEFAIL", "EXIT_END", "TWRITE",
    "CLEARFILE_BEGIN", "CLEARFILE_END" };

/* The event log as text, for the report of a failed run. */
static char *
format_events(const struct scn_run *r)
{
	const struct ev *e;
	char *text;
	size_t i, o, cap;

	cap = r->nev * 120 + 1;
	if ((text = malloc(cap)) == NULL)
		return (NULL);
	text[0] = '\0';
	for (o = 0, i = 0; i < r->nev && o < cap; i++) {
		e = &r->ev[i];
		o += (size_t)snprintf(text + o, cap - o, "%5zu t%-2d %-12s "
		    "tag=%-8" PRIu32 " serial=%-4" PRIu64 " pid=%-4d tid=%-6"
		    PRId64 " type=%#06x%s err=%d\n", i, e->simtid,
		    e->kind == EV_PROBE ? probe_names[e->probe] :
		    ev_names[e->kind], e->tag, e->serial, e->pid, e->tid,
		    e->type, e->sync ? " sync" : "", e->error);
	}
	return (text);
}

static uint64_t
fnv(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (n-- > 0) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return (h);
}

/* The whole records at the start of p[0..len). */
static uint64_t
count_records(const uint8_t *p, size_t len)
{
	struct ktrq_rec_hdr h;
	const uint8_t *pl;
	size_t off;
	uint64_t n;

	off = 0;
	for (n = 0; ktrq_rec_next(p, len, &off, &h, &pl) == 0; n++)
		;
	return (n);
}

static void
judge(struct scn_run *r, struct scn_outcome *out)
{

	if (out->sim.status != SIM_OK) {
		snprintf(out->verdict, sizeof(out->verdict), "%s",
		    out->sim.message);
		return;
	}
	if (!scn__oracle(r, out->verdict, sizeof(out->verdict)))
		return;
	if (out->sim.alloc_live != 0) {
		snprintf(out->verdict, sizeof(out->verdict), "leak: %" PRIu64
		    " bytes allocated through the layer were never freed",
		    out->sim.alloc_live);
		return;
	}
	out->ok = 1;
}

int
scn_run(const struct scn_params *sp, const struct sim_params *simp,
    const struct sim_schedule *replay, const struct scn_hooks *hooks,
    struct scn_outcome *out)
{
	struct scn_run *r;
	int error, i;

	if (out == NULL || simp == NULL || (error = params_check(sp)) != 0)
		return (EINVAL);
	memset(out, 0, sizeof(*out));
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return (ENOMEM);
	r->sp = *sp;
	r->hooks = hooks;
	r->early_timeouts = simp->timeout_permille != 0;
	if ((error = ktrq_sim__create(simp, replay, &r->s)) != 0) {
		free(r);
		return (error);
	}
	r->os = ktrq_sim__os(r->s);
	if (hooks != NULL && hooks->sim_event != NULL)
		ktrq_sim__set_tracer(r->s, hooks->sim_event, hooks->arg);
	write_header(ktrq_sim__recorded(r->s), sp, simp);
	(void)ktrq_sim__run(r->s, scn_root, r);
	ktrq_sim__result(r->s, &out->sim);
	judge(r, out);
	out->stats = r->quiet;
	out->trace = r->trace;
	out->trace_len = r->trace_len;
	out->records = count_records(r->trace, r->trace_len);
	out->trace_hash = fnv(r->trace, r->trace_len);
	out->schedule = ktrq_sim__schedule_format(ktrq_sim__recorded(r->s));
	if (!out->ok)
		out->events = format_events(r);
	/* A failed run abandons its world; the sim frees the layer's part. */
	for (i = 0; i < 2; i++)
		if (r->simtgts[i] != NULL)
			simtgt_forget(r->simtgts[i]);
	ktrq_sim__destroy(r->s);
	free(r->ev);
	free(r);
	return (0);
}

void
scn_outcome_fini(struct scn_outcome *out)
{

	free(out->trace);
	free(out->schedule);
	free(out->events);
	out->trace = NULL;
	out->schedule = NULL;
	out->events = NULL;
}

/* ---- reading a schedule's header back ---- */

static int
get_num(const struct sim_schedule *sc, const char *key, uint64_t max,
    uint64_t *v, char *err, size_t errlen)
{
	char buf[32], *end;

	if (ktrq_sim__schedule_get(sc, key, buf, sizeof(buf)) != 0) {
		snprintf(err, errlen, "schedule header lacks %s", key);
		return (EINVAL);
	}
	*v = strtoull(buf, &end, 10);
	if (*end != '\0' || end == buf || *v > max) {
		snprintf(err, errlen, "schedule header: bad %s=%s", key, buf);
		return (EINVAL);
	}
	return (0);
}

int
scn_params_from_schedule(const struct sim_schedule *sc, struct scn_params *sp,
    struct sim_params *p, char *err, size_t errlen)
{
	const struct scenario_def *d;
	char name[64];
	uint64_t v[16];
	size_t i;
	static const char *const keys[] = { "procs", "threads", "events",
	    "pool", "sync", "faults", "copy", "seed", "depth", "pctsteps",
	    "spurious", "timeouts", "fenable", "ffire", "maxsteps" };

	if (ktrq_sim__schedule_get(sc, "scenario", name, sizeof(name)) != 0 ||
	    (d = def_lookup(name)) == NULL) {
		snprintf(err, errlen, "schedule names no known scenario");
		return (EINVAL);
	}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (get_num(sc, keys[i], UINT64_MAX / 2, &v[i], err, errlen))
			return (EINVAL);
	if (ktrq_sim__schedule_get(sc, "strategy", name, sizeof(name)) != 0)
		name[0] = '\0';
	ktrq_sim__params_init(p);
	for (i = 0; i < 3 && strcmp(name, strat_names[i]) != 0; i++)
		continue;
	if (i == 3) {
		snprintf(err, errlen, "schedule names no known strategy");
		return (EINVAL);
	}
	p->strategy = (enum sim_strategy_kind)i;
	*sp = d->dflt;
	sp->scenario = d->name;
	sp->procs = (int)v[0];
	sp->threads = (int)v[1];
	sp->events = (int)v[2];
	sp->pool = (int)v[3];
	sp->sync_permille = (unsigned)v[4];
	sp->fault_permille = (unsigned)v[5];
	sp->genio_copy = (int)v[6];
	p->seed = v[7];
	p->pct_depth = (int)v[8];
	p->pct_steps = v[9];
	p->spurious_permille = (unsigned)v[10];
	p->timeout_permille = (unsigned)v[11];
	p->fault_enable_permille = (unsigned)v[12];
	p->fault_fire_permille = (unsigned)v[13];
	p->max_steps = v[14];
	/* Schedules from before batching name neither: the defaults. */
	if (ktrq_sim__schedule_get(sc, "batch", name, sizeof(name)) == 0) {
		if (get_num(sc, "batch", KTRQ_BATCH_MAX, &v[15], err,
		    errlen))
			return (EINVAL);
		sp->batch_max = (int)v[15];
	}
	if (ktrq_sim__schedule_get(sc, "bp", name, sizeof(name)) == 0) {
		if (get_num(sc, "bp", 1, &v[15], err, errlen))
			return (EINVAL);
		sp->backpressure = (int)v[15];
	}
	if (params_check(sp) != 0 || p->pct_depth < 1) {
		snprintf(err, errlen, "schedule header: parameters out of "
		    "range");
		return (EINVAL);
	}
	return (0);
}
