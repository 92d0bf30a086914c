/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The "permissions" scenario: ktrace(2) from callers of every kind of
 * credential on processes, process groups and trees of mixed owners,
 * while the traced processes post.
 *
 * Controllers (untraced processes, each a target of the others too):
 * root (the harness's), uid 1000 (two threads), uid 1001, uid 1000 with
 * supplementary groups 20 and 30, and euid 1000 with real uid 1001,
 * which a set-id exec marks set-id during the run.  Traced processes,
 * cycling through ten kinds: uid 1000, uid 1001, root, euid 0 with
 * real and saved 1000 (a set-uid-root program run by 1000), uid 1000
 * with supplementary group 20, uid 1000 that execs a set-id image, a
 * child (uid 1000) and grandchild (uid 1001) of the first, uid 1000
 * with one of its effective, real or saved gids 20, and uid 1000 with
 * its real or saved uid 0 (chosen per run), in three groups of mixed
 * owners.  Their first tracing comes from root
 * (KTRFAC_ROOT), from themselves, or from a controller of the same
 * user.  Each controller makes `nctl` calls: SET, CLEAR or CLEARFILE,
 * with DESCEND a third of the time, sometimes passing KTRFAC_ROOT
 * (which is not the caller's to give), on a pid, a group, itself, a pid
 * or group that does not exist, or with bad arguments; posters now and
 * then change their own tracing; a forker makes `nfork` children that
 * post and exit.  The harness observes (ktrq_harness_opts.observe), so
 * the oracle checks each call's result and effect on every process.
 *
 * The result of a ktrace(2) call is not the actor's to check: the
 * oracle knows what the rule allows.  Every other call is checked as in
 * the other scenarios.  No write faults by default (--faults adds them):
 * a write error detaches processes under the controllers' feet, which
 * the oracle allows for but then judges less.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ktrq/harness.h"
#include "ktrq/ktrq.h"
#include "ktrq/sim.h"
#include "scenario.h"

#define	PID_TRACED	100		/* traced processes: 100 + i */
#define	PID_CHILD	1000		/* the forker's children */
#define	PID_NONE	999		/* a pid and group nobody has */
#define	NKINDS		10
#define	NCTL		5		/* controller processes */
#define	NCTLTD		6		/* controller threads */

enum first { F_NONE, F_ROOT, F_SELF, F_CTL };
enum vary { V_NONE, V_GID, V_UID };

struct kind {
	struct ktrq_cred	 cred;
	int			 ngroups;
	uint32_t		 groups[2];
	int			 back;		/* parent: index - back; 0 none */
	int			 group;		/* 0..2 within its round */
	enum first		 first;
	int			 ctl;		/* F_CTL: which controller */
	int			 setid;		/* the exec actor's set-id exec */
	enum vary		 vary;		/* one id differs, chosen */
};

#define	U(u)	{ u, u, u, u, u, u }
static const struct kind kinds[NKINDS] = {
	{ U(1000), 0, { 0 }, 0, 0, F_ROOT, 0, 0, V_NONE },
	{ U(1001), 0, { 0 }, 0, 0, F_SELF, 0, 0, V_NONE },
	{ U(0), 0, { 0 }, 0, 0, F_ROOT, 0, 0, V_NONE },
	{ { 0, 1000, 1000, 1000, 1000, 1000 }, 0, { 0 }, 0, 1, F_NONE, 0, 0,
	    V_NONE },
	{ U(1000), 1, { 20 }, 0, 1, F_CTL, 3, 0, V_NONE },
	{ U(1000), 0, { 0 }, 0, 1, F_CTL, 1, 1, V_NONE },
	{ U(1000), 0, { 0 }, 6, 2, F_CTL, 1, 0, V_NONE },
	{ U(1001), 0, { 0 }, 1, 2, F_CTL, 2, 0, V_NONE },
	{ U(1000), 0, { 0 }, 0, 0, F_CTL, 3, 0, V_GID },
	{ U(1000), 0, { 0 }, 0, 2, F_SELF, 0, 0, V_UID },
};

/* Controller processes: pid, credentials, groups; [0] is root's. */
static const struct {
	int			 pid;
	struct ktrq_cred	 cred;
	int			 ngroups;
	uint32_t		 groups[2];
} ctls[NCTL] = {
	{ 1, U(0), 0, { 0 } },
	{ 10, U(1000), 0, { 0 } },
	{ 11, U(1001), 0, { 0 } },
	{ 12, U(1000), 2, { 20, 30 } },
	{ 13, { 1000, 1001, 1000, 1000, 1001, 1000 }, 0, { 0 } },
};

struct pw;

struct actor {
	struct pw		*w;
	struct ktrq_thread	*td;
	int			 pid;		/* its process */
	int			 n;		/* calls or events */
};

struct pw {
	const struct ktrq_os	*os;
	struct ktrq_harness	*h;
	const struct scn_params	*sp;
	int			 nctl;
	int			 nfork;
	struct ktrq_proc	*ctl[NCTL];
	struct ktrq_proc	*procs[SCN_PROCS_MAX];
	int			 nprocs;
	struct actor		 posters[SCN_POSTERS_MAX];
	int			 nposters;
	struct actor		 ctlr[NCTLTD];
	int			 children;	/* forked so far */
	int			 setid_early;	/* set-id execs at set-up */
};

static void
expect_or(const struct pw *w, int rc, int also, const char *what)
{

	if (rc != 0 && rc != ENOMEM && rc != also)
		ktrq_sim_fail(w->os, "scenario: %s returned %d", what, rc);
}

static uint64_t
pick(const struct pw *w, uint64_t n, const char *what)
{

	return (ktrq_sim_choose(w->os, n, what));
}

/* ---- one ktrace(2) call ---- */

static int
pick_facs(const struct pw *w, int set)
{
	static const int setf[] = { KTRFAC_ALL | KTRFAC_INHERIT, KTRFAC_ALL,
	    KTRFAC_SYSCALL | KTRFAC_SYSRET, KTRFAC_NAMEI | KTRFAC_GENIO |
	    KTRFAC_INHERIT, KTRFAC_CSW | KTRFAC_USER | KTRFAC_PSIG };
	static const int clrf[] = { KTRFAC_ALL, KTRFAC_ALL | KTRFAC_INHERIT,
	    KTRFAC_SYSCALL | KTRFAC_SYSRET | KTRFAC_NAMEI,
	    KTRFAC_INHERIT | KTRFAC_CSW, KTRFAC_GENIO };
	int f;

	f = set ? setf[pick(w, 5, "set facilities")] :
	    clrf[pick(w, 5, "clear facilities")];
	/* Root's mark is not the caller's to pass: it must be ignored. */
	if (pick(w, 4, "pass KTRFAC_ROOT") == 0)
		f = (int)((unsigned)f | KTRFAC_ROOT);
	return (f);
}

/* A pid or -group for `self`'s call. */
static int
pick_pid(const struct pw *w, int self)
{
	int g;

	switch (pick(w, 10, "ktrace names")) {
	case 0:
		return (self);
	case 1:
		return (ctls[pick(w, NCTL, "controller pid")].pid);
	case 2:
		g = (int)pick(w, 3 * ((w->nprocs + NKINDS - 1) / NKINDS),
		    "group");
		return (-(PID_TRACED + g));
	case 3:
		return (-ctls[pick(w, NCTL, "controller group")].pid);
	case 4:
		return (pick(w, 2, "none") ? PID_NONE : -PID_NONE);
	case 5:
		/* A child of the forker's: alive, exited or not yet made. */
		return (PID_CHILD + (int)pick(w, (uint64_t)w->nfork + 1,
		    "child pid"));
	default:
		return (PID_TRACED + (int)pick(w, (uint64_t)w->nprocs,
		    "traced pid"));
	}
}

/* Arguments libktrq refuses (EINVAL), now and then. */
static void
bad_call(struct pw *w, struct ktrq_thread *td)
{
	struct ktrq_target *t = ktrq_harness_target(w->h, 0);

	switch (pick(w, 6, "bad call")) {
	case 0:			/* no facility */
		(void)ktrq_harness_ktrace(w->h, td, t, KTROP_SET, 0,
		    PID_TRACED);
		break;
	case 1:			/* no target */
		(void)ktrq_harness_ktrace(w->h, td, NULL, KTROP_SET,
		    KTRFAC_ALL, PID_TRACED);
		break;
	case 2:			/* no process */
		(void)ktrq_harness_ktrace(w->h, td, t, KTROP_CLEAR, KTRFAC_ALL,
		    0);
		break;
	case 3:			/* no such op */
		(void)ktrq_harness_ktrace(w->h, td, t, 3, KTRFAC_ALL,
		    PID_TRACED);
		break;
	case 4:			/* a facility libktrq does not know */
		(void)ktrq_harness_ktrace(w->h, td, t, KTROP_SET,
		    KTRFAC_SYSCALL | (1 << 20), PID_TRACED);
		break;
	default:		/* no calling thread */
		(void)ktrq_harness_ktrace(w->h, NULL, t, KTROP_SET,
		    KTRFAC_ALL, PID_TRACED);
		break;
	}
}

/* One ktrace(2) call by `td` of process `self`; the oracle judges it. */
static void
ktrace_one(struct pw *w, struct ktrq_thread *td, int self)
{
	struct ktrq_target *t;
	int descend, op;

	t = ktrq_harness_target(w->h, (int)pick(w, 2, "ktrace target"));
	descend = pick(w, 3, "descend") == 0 ? KTRFLAG_DESCEND : 0;
	op = (int)pick(w, 20, "ktrace op");
	if (op < 8)
		(void)ktrq_harness_ktrace(w->h, td, t, KTROP_SET | descend,
		    pick_facs(w, 1), pick_pid(w, self));
	else if (op < 15)
		(void)ktrq_harness_ktrace(w->h, td, NULL, KTROP_CLEAR |
		    descend, pick_facs(w, 0), pick_pid(w, self));
	else if (op < 18)
		(void)ktrq_harness_ktrace(w->h, td, t, KTROP_CLEARFILE, 0, 0);
	else
		bad_call(w, td);
}

/* ---- actors ---- */

static void
controller_main(void *arg)
{
	struct actor *a = arg;
	int i;

	for (i = 0; i < a->n; i++)
		ktrace_one(a->w, a->td, a->pid);
}

/* Posts, and now and then changes its own tracing (self: always). */
static void
poster_main(void *arg)
{
	struct actor *a = arg;
	int i;

	for (i = 0; i < a->n; i++) {
		(void)ktrq_harness_post(a->w->h, a->td, 0);
		if (pick(a->w, 6, "self ktrace") == 0)
			ktrace_one(a->w, a->td, a->pid);
	}
}

/* The set-id execs of the kinds that take one. */
static void
setid_execs(struct pw *w)
{
	int i;

	for (i = 0; i < w->nprocs; i++)
		if (kinds[i % NKINDS].setid)
			expect_or(w, ktrq_harness_exec(w->h, w->procs[i],
			    "setid", 1), 0, "set-id exec");
}

/* Those (unless made at set-up), controller 13's, and a plain one. */
static void
exec_main(void *arg)
{
	struct pw *w = arg;

	if (!w->setid_early)
		setid_execs(w);
	expect_or(w, ktrq_harness_exec(w->h, w->ctl[NCTL - 1], "setid", 1),
	    0, "set-id exec of a controller");
	expect_or(w, ktrq_harness_exec(w->h, w->procs[pick(w,
	    (uint64_t)w->nprocs, "exec pid")], "plain", 0), 0, "exec");
}

/* Children of traced processes post, change their own tracing, exit. */
static void
forker_main(void *arg)
{
	struct pw *w = arg;
	struct ktrq_os_thread *th;
	struct ktrq_proc *child;
	struct actor a;
	int error;

	while (w->children < w->nfork) {
		error = ktrq_harness_fork(w->h, w->procs[pick(w,
		    (uint64_t)w->nprocs, "fork parent")], PID_CHILD +
		    w->children, &child);
		a.pid = PID_CHILD + w->children++;
		expect_or(w, error, 0, "fork");
		if (error != 0)
			continue;
		a.w = w;
		a.n = 3;
		if (ktrq_harness_thread(w->h, child, &a.td) == 0 &&
		    w->os->thread_create(w->os->cookie, &th, "child",
		    poster_main, &a) == 0)
			w->os->thread_join(w->os->cookie, th);
		expect_or(w, ktrq_harness_exit(w->h, child), 0, "exit");
	}
}

/* ---- set-up ---- */

static int
make_controllers(struct pw *w)
{
	struct ktrq_harness_procdef d;
	int error, i;

	w->ctl[0] = NULL;
	for (i = 1; i < NCTL; i++) {
		(void)ktrq_harness_procdef_init(&d, ctls[i].pid);
		d.cred = ctls[i].cred;
		d.ngroups = ctls[i].ngroups;
		memcpy(d.groups, ctls[i].groups, sizeof(ctls[i].groups));
		d.facs = 0;
		if ((error = ktrq_harness_proc_def(w->h, &d, &w->ctl[i])) != 0)
			return (error);
	}
	/* Root's is the harness's; uid 1000 has two threads. */
	for (i = 0; i < NCTLTD; i++) {
		w->ctlr[i].w = w;
		w->ctlr[i].n = w->nctl;
		w->ctlr[i].pid = ctls[i < NCTL ? i : 1].pid;
		if (i == 0)
			w->ctlr[i].td = ktrq_harness_controller(w->h);
		else if ((error = ktrq_harness_thread(w->h,
		    w->ctl[i < NCTL ? i : 1], &w->ctlr[i].td)) != 0)
			return (error);
	}
	return (0);
}

/*
 * V_GID: one of the effective, real and saved gids is 20 (a set-gid
 * program run by 1000, or one that set its gids aside); V_UID: the real
 * or the saved uid is 0 (root that took uid 1000, or root's rights put
 * aside, not dropped).  Each alone must make a uid-1000 caller need
 * root (or, for group 20, controller 12's groups).
 */
static void
vary_ids(const struct pw *w, const struct kind *k, struct ktrq_cred *c)
{

	if (k->vary == V_GID) {
		switch (pick(w, 3, "which gid is 20")) {
		case 0:
			c->gid = 20;
			break;
		case 1:
			c->rgid = 20;
			break;
		default:
			c->svgid = 20;
			break;
		}
	} else if (k->vary == V_UID) {
		if (pick(w, 2, "which uid is 0") == 0)
			c->ruid = 0;
		else
			c->svuid = 0;
	}
}

static int
make_traced(struct pw *w, int i)
{
	const struct kind *k = &kinds[i % NKINDS];
	struct ktrq_harness_procdef d;
	int error, j;

	(void)ktrq_harness_procdef_init(&d, PID_TRACED + i);
	d.cred = k->cred;
	vary_ids(w, k, &d.cred);
	d.ngroups = k->ngroups;
	memcpy(d.groups, k->groups, sizeof(k->groups));
	d.pgid = PID_TRACED + 3 * (i / NKINDS) + k->group;
	d.parent = k->back != 0 && i >= k->back ? w->procs[i - k->back] :
	    NULL;
	d.facs = k->first == F_ROOT ? KTRFAC_ALL | KTRFAC_INHERIT : 0;
	d.target = i % 2;
	if ((error = ktrq_harness_proc_def(w->h, &d, &w->procs[i])) != 0)
		return (error);
	w->nprocs++;
	for (j = 0; j < w->sp->threads; j++) {
		w->posters[w->nposters].w = w;
		w->posters[w->nposters].pid = d.pid;
		w->posters[w->nposters].n = w->sp->events;
		if ((error = ktrq_harness_thread(w->h, w->procs[i],
		    &w->posters[w->nposters].td)) != 0)
			return (error);
		w->nposters++;
	}
	return (0);
}

/* The first tracing of the traced processes that root did not set. */
static void
first_tracing(struct pw *w)
{
	const struct kind *k;
	struct ktrq_thread *td;
	int i;

	for (i = 0; i < w->nprocs; i++) {
		k = &kinds[i % NKINDS];
		if (k->first == F_SELF)
			td = w->posters[i * w->sp->threads].td;
		else if (k->first == F_CTL)
			td = w->ctlr[k->ctl].td;
		else
			continue;
		(void)ktrq_harness_ktrace(w->h, td, ktrq_harness_target(w->h,
		    i % 2), KTROP_SET, KTRFAC_ALL | KTRFAC_INHERIT,
		    PID_TRACED + i);
	}
}

static int
pw_setup(struct pw *w, struct scn_call *c)
{
	struct ktrq_harness_opts o;
	int error, i;

	(void)ktrq_harness_opts_init(&o);
	o.pool = w->sp->pool;
	o.flags = (w->sp->genio_copy ? KTRQ_CF_GENIO_COPY : 0) |
	    (w->sp->backpressure ? KTRQ_CF_BACKPRESSURE : 0);
	o.batch_max = w->sp->batch_max;
	o.targets = 2;
	o.fault_permille = w->sp->fault_permille;	/* 0 unless asked */
	o.sync_permille = w->sp->sync_permille;
	o.probe = c->probe;
	o.probe_arg = c->probe_arg;
	o.observe = 1;
	if ((error = ktrq_harness_create(w->os, &o, &w->h)) != 0)
		return (error);
	c->h = w->h;
	if ((error = make_controllers(w)) != 0)
		return (error);
	for (i = 0; i < w->sp->procs; i++)
		if ((error = make_traced(w, i)) != 0)
			return (error);
	first_tracing(w);
	/*
	 * Half the runs have their set-id processes from the start, so that
	 * every strategy meets them (PCT may run the exec actor last).
	 */
	if ((w->setid_early = pick(w, 2, "set-id at set-up") == 0))
		setid_execs(w);
	return (0);
}

static void
pw_run(struct pw *w)
{
	const struct ktrq_os *os = w->os;
	struct ktrq_os_thread *th[SCN_POSTERS_MAX + NCTLTD + 2];
	int i, n;

	n = 0;
	ktrq_sim_alloc_faults(os, 1);
	for (i = 0; i < w->nposters; i++)
		if (os->thread_create(os->cookie, &th[n], "poster",
		    poster_main, &w->posters[i]) == 0)
			n++;
	for (i = 0; i < NCTLTD; i++)
		if (os->thread_create(os->cookie, &th[n], "controller",
		    controller_main, &w->ctlr[i]) == 0)
			n++;
	if (os->thread_create(os->cookie, &th[n], "exec", exec_main, w) == 0)
		n++;
	if (os->thread_create(os->cookie, &th[n], "forker", forker_main,
	    w) == 0)
		n++;
	for (i = 0; i < n; i++)
		os->thread_join(os->cookie, th[i]);
	ktrq_sim_alloc_faults(os, 0);
}

void
scn_permissions_run(const struct ktrq_os *os, struct scn_call *c, int nctl,
    int nfork)
{
	struct pw w;
	int error;

	memset(&w, 0, sizeof(w));
	w.os = os;
	w.sp = &c->sp;
	w.nctl = nctl;
	w.nfork = nfork;
	if ((error = pw_setup(&w, c)) != 0)
		ktrq_sim_fail(os, "scenario set-up failed with errno %d", error);
	pw_run(&w);
	(void)ktrq_harness_end(w.h, &c->res);
	c->ended = 1;
}
