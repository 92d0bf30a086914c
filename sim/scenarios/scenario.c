/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Named scenarios: the real core, driven under the simulator by traced
 * threads posting a seeded mix of events while other actors resize the
 * pool, change tracing, fork and exit processes, or make writes fail.
 * Written on the public harness and engine only (tests/sim checks the
 * includes), so every scenario is also an example of a user workload.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ktrq/harness.h"
#include "ktrq/ktrq.h"
#include "ktrq/sim.h"
#include "actors.h"
#include "scenario.h"

#define	ACT_RESIZE	0x01
#define	ACT_CONTROL	0x02
#define	ACT_FORK	0x04
#define	ACT_WFAULTS	0x08	/* write errors on the first target */
#define	ACT_TWOTARGETS	0x10
#define	ACT_EXEC	0x20	/* control may exec set-id images */
#define	ACT_CLOSE	0x40	/* control closes targets in use */
#define	ACT_BADINPUT	0x80	/* bad calls (badinput.c) */
#define	ACT_CONFIGS	0x100	/* side instances (configs.c) */
#define	ACT_FORKTREE	0x200	/* process trees (forktree.c) */
#define	ACT_BPCONTROL	0x400	/* control of waiters (bpcontrol.c) */
#define	ACT_FAULTTGT	0x800	/* the last target a fault target */

/* bp-control's back-pressure timeout: one runs reach. */
#define	BPCONTROL_NS	50000

#define	PID_BASE	100
#define	PID_CHILD	1000

#define	F(field)	offsetof(struct scn_params, field)

static const struct scn_param params[] = {
	{ "procs", "procs", F(procs), 0, 1, SCN_PROCS_MAX, 0,
	    "traced processes" },
	{ "threads", "threads", F(threads), 0, 1, SCN_THREADS_MAX, 0,
	    "posting threads per process" },
	{ "events", "events", F(events), 0, 1, SCN_EVENTS_MAX, 0,
	    "events per posting thread" },
	{ "pool", "pool", F(pool), 0, 1, KTRQ_POOL_MAX, 0,
	    "request pool size" },
	{ "sync", "sync", F(sync_permille), 1, 0, 1000, 1,
	    "share of synchronous genio posts" },
	{ "faults", "faults", F(fault_permille), 1, 0, 1000, 1,
	    "share of failing writes, where the scenario has write errors" },
	{ "genio-copy", "copy", F(genio_copy), 0, 0, 1, 0,
	    "1: genio copies its data (KTRQ_CF_GENIO_COPY)" },
	{ "batch", "batch", F(batch_max), 0, 0, KTRQ_BATCH_MAX, 0,
	    "records per write (0: the default batch, 1: the 2002 writer)" },
	{ "backpressure", "bp", F(backpressure), 0, 0, 1, 0,
	    "1: posters wait for request objects (KTRQ_CF_BACKPRESSURE)" },
	{ NULL, NULL, 0, 0, 0, 0, 0, NULL }
};

struct scenario_def {
	const char		*name;
	const char		*desc;
	struct scn_params	 dflt;
	unsigned		 actors;
	int			 nresize;	/* resizes by the resizer */
	/* Control operations, or the rounds of an actors.h actor. */
	int			 nctl;
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
	{ "target-close", "targets closed while records for them are "
	    "queued or being written: after a CLEARFILE, a re-target or a "
	    "write error, the last reference goes with the last record",
	    { "target-close", 3, 1, 8, 4, 200, 150, 0, 0, 0 },
	    ACT_WFAULTS | ACT_TWOTARGETS | ACT_CONTROL | ACT_CLOSE, 0, 6, 0 },
	{ "chaos", "every actor at once: resizes, control with set-id "
	    "exec, forks, write errors, two targets (the fuzzers' scenario)",
	    { "chaos", 2, 2, 6, 3, 200, 100, 0, 0, 0 },
	    ACT_RESIZE | ACT_CONTROL | ACT_FORK | ACT_WFAULTS |
	    ACT_TWOTARGETS | ACT_EXEC, 3, 4, 2 },
	{ "bad-input", "bad calls to every public function while posters "
	    "post (NULL, out of range, no such process, not permitted, "
	    "wrong state), bad layers, configs and tunables at create, a "
	    "forked child, nested event points, bad records; quiet spells "
	    "let the worker go idle",
	    { "bad-input", 2, 2, 6, 3, 200, 0, 0, 0, 0 }, ACT_BADINPUT, 0,
	    2, 0 },
	{ "configs", "side instances made every way while posters post: "
	    "pool and back-pressure from config, tunables or defaults, "
	    "genio copied or clamped, inline sizes, no probe, a fault "
	    "target, every step of create failing; each trace checked",
	    { "configs", 2, 1, 6, 3, 200, 0, 0, 0, 0 }, ACT_CONFIGS, 0, 2,
	    0 },
	{ "fork-tree", "a process tree (a parent, two children, a "
	    "grandchild) posting under DESCEND SET and CLEAR, the parent "
	    "exiting before its children (orphans)",
	    { "fork-tree", 2, 1, 6, 4, 200, 0, 0, 0, 0 },
	    ACT_FORKTREE | ACT_TWOTARGETS, 0, 2, 0 },
	{ "bp-control", "posters waiting for objects (back-pressure, a "
	    "timeout runs reach) while their processes are cleared, "
	    "re-targeted and their files cleared: waiters give up, move "
	    "or time out",
	    { "bp-control", 2, 2, 8, 2, 200, 0, 0, 0, 1 },
	    ACT_BPCONTROL | ACT_TWOTARGETS, 0, 6, 0 },
	{ "fault-target", "the second file a fault target (fails for good "
	    "after records or bytes, with EIO, ENOSPC, ENXIO, EINVAL or a "
	    "transient errno; short and slow writes); both files refuse "
	    "records with EINTR or EAGAIN at the --faults rate, retried",
	    { "fault-target", 3, 1, 8, 4, 200, 300, 0, 0, 0 },
	    ACT_FAULTTGT | ACT_TWOTARGETS | ACT_CONTROL, 0, 4, 0 },
	{ "permissions", "ktrace(2) by callers of mixed credentials (root, "
	    "uids 1000 and 1001, supplementary groups, real != effective, "
	    "set-id) on processes, groups and trees of mixed owners, ROOT "
	    "traces, set-id exec, forks, posting meanwhile",
	    { "permissions", 10, 1, 6, 4, 150, 0, 0, 0, 0 }, ACT_TWOTARGETS,
	    0, 6, 2 },
};
#define	NDEFS	(sizeof(defs) / sizeof(defs[0]))

/* Scenarios with a body of their own file, given nctl and nfork. */
static const struct {
	const char	*name;
	void		(*run)(const struct ktrq_os *, struct scn_call *, int,
			    int);
} bodies[] = {
	{ "permissions", scn_permissions_run },
};

static const char *const names[NDEFS + 1] = {
	"mixed", "exhaustion", "resize-storm", "write-error", "sync-heavy",
	"fork-exit", "control-race", "backpressure", "batch1", "target-close",
	"chaos", "bad-input", "configs", "fork-tree", "bp-control",
	"fault-target", "permissions", NULL
};

/* ---- the parameter table ---- */

const struct scn_param *
scn_param_table(void)
{

	return (params);
}

long
scn_param_get(const struct scn_params *sp, const struct scn_param *p)
{
	const char *f = (const char *)sp + p->offset;
	unsigned u;
	int i;

	if (p->is_unsigned) {
		memcpy(&u, f, sizeof(u));
		return ((long)u);
	}
	memcpy(&i, f, sizeof(i));
	return (i);
}

int
scn_param_set(struct scn_params *sp, const struct scn_param *p, long v)
{
	char *f = (char *)sp + p->offset;
	unsigned u;
	int i;

	if (v < p->min || v > p->max)
		return (EINVAL);
	if (p->is_unsigned) {
		u = (unsigned)v;
		memcpy(f, &u, sizeof(u));
	} else {
		i = (int)v;
		memcpy(f, &i, sizeof(i));
	}
	return (0);
}

static const struct scenario_def *
def_lookup(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < NDEFS; i++)
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

int
scn_check(const struct scn_params *sp)
{
	const struct scn_param *p;
	long v;

	if (sp == NULL || def_lookup(sp->scenario) == NULL)
		return (EINVAL);
	for (p = params; p->name != NULL; p++)
		if ((v = scn_param_get(sp, p)) < p->min || v > p->max)
			return (EINVAL);
	if (sp->procs * sp->threads > SCN_POSTERS_MAX)
		return (EINVAL);
	return (0);
}

/* ---- the world of a run ---- */

struct poster {
	struct world		*w;
	struct ktrq_thread	*td;
	int			 nevents;
};

struct world {
	const struct ktrq_os	*os;
	struct ktrq_harness	*h;
	const struct scn_params	*sp;
	const struct scenario_def *def;
	struct ktrq_proc	*procs[SCN_PROCS_MAX];
	int			 nprocs;
	struct poster		 posters[SCN_POSTERS_MAX];
	int			 nposters;
	int			 nextchild;
	struct scn_view		 view;		/* for actors.h's actors */
};

/*
 * Every call an actor makes has its outcome checked: 0, ENOMEM where the
 * layer's allocation faults may fail it, or `also`.
 */
static void
expect_or(const struct world *w, int rc, int also, const char *what)
{

	if (rc != 0 && rc != ENOMEM && rc != also)
		ktrq_sim_fail(w->os, "scenario: %s returned %d", what, rc);
}

static void
expect(const struct world *w, int rc, const char *what)
{

	expect_or(w, rc, 0, what);
}

static void
poster_main(void *arg)
{
	struct poster *po = arg;
	int seq;

	for (seq = 1; seq <= po->nevents; seq++)
		(void)ktrq_harness_post(po->w->h, po->td, 0);
}

/* ---- actors ---- */

static void
resizer_main(void *arg)
{
	struct world *w = arg;
	int i, old, size;

	for (i = 0; i < w->def->nresize; i++) {
		size = 1 + (int)ktrq_sim_choose(w->os, 6, "resize size");
		/* ENOSPC: objects in use are not reclaimed (sysctl). */
		expect_or(w, ktrq_harness_resize(w->h, size, &old), ENOSPC,
		    "resize");
	}
}

static struct ktrq_proc *
any_proc(struct world *w, const char *what)
{

	return (w->procs[ktrq_sim_choose(w->os, (uint64_t)w->nprocs, what)]);
}

static void
control_one(struct world *w)
{
	struct ktrq_thread *ctl = ktrq_harness_controller(w->h);
	struct ktrq_target *t;
	int op, pid, ntgt;

	op = (int)ktrq_sim_choose(w->os, (w->def->actors & ACT_EXEC) ? 6 : 5,
	    "control op");
	pid = ktrq_proc_pid(any_proc(w, "control pid"));
	ntgt = (w->def->actors & ACT_TWOTARGETS) ? 2 : 1;
	t = ktrq_harness_target(w->h, (int)ktrq_sim_choose(w->os,
	    (uint64_t)ntgt, "control target"));
	switch (op) {
	case 0:
		expect(w, ktrq_harness_ktrace(w->h, ctl, NULL, KTROP_CLEAR,
		    KTRFAC_ALL, pid), "CLEAR");
		break;
	case 1:
		expect(w, ktrq_harness_ktrace(w->h, ctl, NULL, KTROP_CLEAR,
		    KTRFAC_SYSCALL | KTRFAC_CSW, pid), "CLEAR of two facilities");
		break;
	case 2:
		expect(w, ktrq_harness_ktrace(w->h, ctl, t, KTROP_CLEARFILE, 0,
		    0), "CLEARFILE");
		break;
	case 3:
		expect(w, ktrq_harness_ktrace(w->h, ctl, t, KTROP_SET |
		    KTRFLAG_DESCEND, KTRFAC_ALL | KTRFAC_INHERIT, -PID_BASE),
		    "SET of a group with DESCEND");
		break;
	case 5:
		expect(w, ktrq_harness_exec(w->h, any_proc(w, "exec pid"),
		    "setid", 1), "set-id exec");
		break;
	default:
		expect(w, ktrq_harness_ktrace(w->h, ctl, t, KTROP_SET,
		    KTRFAC_ALL | KTRFAC_INHERIT, pid), "SET");
		break;
	}
}

/* ---- the closer: targets closed while they are in use ---- */

/* An open target, chosen; -1 when both are closed. */
static int
open_target(struct world *w, const char *what)
{
	int i, n, open[2];

	for (n = 0, i = 0; i < 2; i++)
		if (ktrq_harness_target(w->h, i) != NULL)
			open[n++] = i;
	if (n == 0)
		return (-1);
	return (open[ktrq_sim_choose(w->os, (uint64_t)n, what)]);
}

static void
maybe_close(struct world *w, int ti, const char *what)
{

	if (ti >= 0 && ktrq_sim_choose(w->os, 2, what) == 1)
		expect(w, ktrq_harness_target_close(w->h, ti), "close");
}

/*
 * A CLEARFILE then maybe a close; a re-target then maybe a close of the
 * other file; after a write error maybe a close of the failing file; or
 * a CLEAR of a process.
 */
static void
close_one(struct world *w)
{
	struct ktrq_thread *ctl = ktrq_harness_controller(w->h);
	struct ktrq_stats st;
	int op, pid, ti;

	op = (int)ktrq_sim_choose(w->os, 4, "closer op");
	pid = ktrq_proc_pid(any_proc(w, "closer pid"));
	ti = open_target(w, "closer target");
	if (ti < 0 || op == 3) {
		expect(w, ktrq_harness_ktrace(w->h, ctl, NULL, KTROP_CLEAR,
		    KTRFAC_ALL, pid), "CLEAR");
		return;
	}
	switch (op) {
	case 0:
		expect(w, ktrq_harness_ktrace(w->h, ctl,
		    ktrq_harness_target(w->h, ti), KTROP_CLEARFILE, 0, 0),
		    "CLEARFILE");
		maybe_close(w, ti, "close after CLEARFILE?");
		break;
	case 1:
		expect(w, ktrq_harness_ktrace(w->h, ctl,
		    ktrq_harness_target(w->h, ti), KTROP_SET,
		    KTRFAC_ALL | KTRFAC_INHERIT, pid), "SET (re-target)");
		maybe_close(w, ktrq_harness_target(w->h, 1 - ti) != NULL ?
		    1 - ti : -1, "close the old file?");
		break;
	default:
		if (ktrq_stats(ktrq_harness_ktrq(w->h), &st) == 0 &&
		    st.dropped_write_error != 0 &&
		    ktrq_harness_target(w->h, 0) != NULL)
			maybe_close(w, 0, "close after a write error?");
		break;
	}
}

static void
controller_main(void *arg)
{
	struct world *w = arg;
	int i;

	for (i = 0; i < w->def->nctl; i++)
		if (w->def->actors & ACT_CLOSE)
			close_one(w);
		else
			control_one(w);
}

/* Fork a child of a random process; it posts a few events and exits. */
static void
forker_main(void *arg)
{
	struct world *w = arg;
	struct ktrq_os_thread *th;
	struct ktrq_proc *child;
	struct poster po;
	int error, i;

	for (i = 0; i < w->def->nfork; i++) {
		error = ktrq_harness_fork(w->h, any_proc(w, "fork parent"),
		    PID_CHILD + w->nextchild++, &child);
		expect(w, error, "fork");
		if (error != 0)
			continue;
		po.w = w;
		po.nevents = 4;
		if (ktrq_harness_thread(w->h, child, &po.td) == 0 &&
		    w->os->thread_create(w->os->cookie, &th, "child",
		    poster_main, &po) == 0)
			w->os->thread_join(w->os->cookie, th);
		expect(w, ktrq_harness_exit(w->h, child), "exit");
	}
}

/* ---- set-up, run ---- */

static int
world_setup(struct world *w, struct scn_call *c)
{
	struct ktrq_harness_opts o;
	struct ktrq_proc *p;
	int error, i, j, pgid;

	(void)ktrq_harness_opts_init(&o);
	o.pool = w->sp->pool;
	o.flags = (w->sp->genio_copy ? KTRQ_CF_GENIO_COPY : 0) |
	    (w->sp->backpressure ? KTRQ_CF_BACKPRESSURE : 0);
	o.batch_max = w->sp->batch_max;
	o.targets = (w->def->actors & ACT_TWOTARGETS) ? 2 : 1;
	o.fault_permille = (w->def->actors & ACT_WFAULTS) ?
	    w->sp->fault_permille : 0;
	o.sync_permille = w->sp->sync_permille;
	if (w->sp->backpressure && (w->def->actors & ACT_BPCONTROL))
		o.backpressure_ns = BPCONTROL_NS;
	if (w->def->actors & ACT_FAULTTGT) {
		o.transient_permille = w->sp->fault_permille;
		scn_fault_choose(w->os, &o.fault);
	}
	o.probe = c->probe;
	o.probe_arg = c->probe_arg;
	if ((error = ktrq_harness_create(w->os, &o, &w->h)) != 0)
		return (error);
	c->h = w->h;
	for (i = 0; i < w->sp->procs; i++) {
		pgid = i < (w->sp->procs + 1) / 2 ? PID_BASE : PID_BASE + 1;
		if ((error = ktrq_harness_proc(w->h, PID_BASE + i, pgid,
		    &p)) != 0)
			return (error);
		w->procs[w->nprocs++] = p;
		for (j = 0; j < w->sp->threads; j++) {
			w->posters[w->nposters].w = w;
			w->posters[w->nposters].nevents = w->sp->events;
			if ((error = ktrq_harness_thread(w->h, p,
			    &w->posters[w->nposters].td)) != 0)
				return (error);
			w->nposters++;
		}
	}
	w->view.os = w->os;
	w->view.h = w->h;
	w->view.procs = w->procs;
	w->view.nprocs = w->nprocs;
	w->view.nops = w->def->nctl;
	w->view.ntargets = o.targets;
	return (0);
}

static void
spawn(struct world *w, struct ktrq_os_thread **th, int *n, const char *name,
    void (*fn)(void *), void *arg)
{

	if (w->os->thread_create(w->os->cookie, &th[*n], name, fn, arg) == 0)
		(*n)++;
}

static void
world_run(struct world *w)
{
	const struct ktrq_os *os = w->os;
	struct ktrq_os_thread *th[SCN_POSTERS_MAX + 4];
	int i, n;

	n = 0;
	ktrq_sim_alloc_faults(os, 1);
	for (i = 0; i < w->nposters; i++)
		spawn(w, th, &n, "poster", poster_main, &w->posters[i]);
	if (w->def->actors & ACT_RESIZE)
		spawn(w, th, &n, "resizer", resizer_main, w);
	if (w->def->actors & ACT_CONTROL)
		spawn(w, th, &n, "controller", controller_main, w);
	if (w->def->actors & ACT_FORK)
		spawn(w, th, &n, "forker", forker_main, w);
	if (w->def->actors & ACT_BADINPUT)
		spawn(w, th, &n, "bad-input", scn_badinput_main, &w->view);
	if (w->def->actors & ACT_CONFIGS)
		spawn(w, th, &n, "configs", scn_configs_main, &w->view);
	if (w->def->actors & ACT_FORKTREE)
		spawn(w, th, &n, "fork-tree", scn_forktree_main, &w->view);
	if (w->def->actors & ACT_BPCONTROL)
		spawn(w, th, &n, "bp-control", scn_bpcontrol_main, &w->view);
	for (i = 0; i < n; i++)
		os->thread_join(os->cookie, th[i]);
	ktrq_sim_alloc_faults(os, 0);
}

void
scn_body(const struct ktrq_os *os, void *arg)
{
	struct scn_call *c = arg;
	struct world w;
	size_t i;
	int error;

	memset(&w, 0, sizeof(w));
	w.os = os;
	w.sp = &c->sp;
	if ((w.def = def_lookup(c->sp.scenario)) == NULL ||
	    scn_check(&c->sp) != 0)
		ktrq_sim_fail(os, "scenario: parameters out of range");
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
		if (strcmp(bodies[i].name, w.def->name) == 0) {
			bodies[i].run(os, c, w.def->nctl, w.def->nfork);
			return;
		}
	if ((error = world_setup(&w, c)) != 0)
		ktrq_sim_fail(os, "scenario set-up failed with errno %d", error);
	world_run(&w);
	(void)ktrq_harness_end(w.h, &c->res);
	c->ended = 1;
}
