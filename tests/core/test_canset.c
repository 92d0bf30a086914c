/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The permission matrix: FreeBSD 2002's ktrcanset() -- a trace root set
 * (KTRFAC_ROOT) stays root's; otherwise p_candebug(): a process may
 * always change itself; root may change anything; anyone else only a
 * process whose effective, real and saved uids all equal the caller's
 * effective uid, whose every gid (effective, real, saved, supplementary)
 * is in the caller's group set (effective gid plus supplementary), and
 * which is not set-id.
 *
 * Table-driven: callers x targets x trace states x ops, every cell run
 * on the library and compared with the rule as written above (model()),
 * which is itself pinned by the cases (pinned[]).  Then DESCEND
 * over a tree and process groups of mixed owners: the permitted members
 * change, the others are skipped, EPERM only when none could be.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"

struct who {
	const char		*name;
	struct ktrq_cred	 cred;
	int			 ngroups;
	uint32_t		 groups[2];
	int			 setid;		/* targets: set-id exec */
	int			 self;		/* callers: the target itself */
};

static const struct who callers[] = {
	{ "root", { 0, 0, 0, 0, 0, 0 }, 0, { 0 }, 0, 0 },
	{ "u1000", { 1000, 1000, 1000, 1000, 1000, 1000 }, 0, { 0 }, 0, 0 },
	{ "u1000+g20", { 1000, 1000, 1000, 1000, 1000, 1000 }, 1, { 20 }, 0,
	    0 },
	{ "u1000-egid20", { 1000, 1000, 1000, 20, 1000, 1000 }, 0, { 0 }, 0,
	    0 },
	{ "u1000-ruid2000", { 1000, 2000, 2000, 1000, 1000, 1000 }, 1,
	    { 1000 }, 0, 0 },
	{ "u2000", { 2000, 2000, 2000, 2000, 2000, 2000 }, 0, { 0 }, 0, 0 },
	{ "self", { 0, 0, 0, 0, 0, 0 }, 0, { 0 }, 0, 1 },
};

static const struct who targets[] = {
	{ "u1000", { 1000, 1000, 1000, 1000, 1000, 1000 }, 0, { 0 }, 0, 0 },
	{ "euid0", { 0, 1000, 1000, 1000, 1000, 1000 }, 0, { 0 }, 0, 0 },
	{ "ruid2000", { 1000, 2000, 1000, 1000, 1000, 1000 }, 0, { 0 }, 0, 0 },
	{ "svuid0", { 1000, 1000, 0, 1000, 1000, 1000 }, 0, { 0 }, 0, 0 },
	{ "egid20", { 1000, 1000, 1000, 20, 1000, 1000 }, 0, { 0 }, 0, 0 },
	{ "rgid20", { 1000, 1000, 1000, 1000, 20, 1000 }, 0, { 0 }, 0, 0 },
	{ "svgid20", { 1000, 1000, 1000, 1000, 1000, 20 }, 0, { 0 }, 0, 0 },
	{ "g20", { 1000, 1000, 1000, 1000, 1000, 1000 }, 1, { 20 }, 0, 0 },
	{ "g20+g30", { 1000, 1000, 1000, 1000, 1000, 1000 }, 2, { 20, 30 },
	    0, 0 },
	{ "setid", { 1000, 1000, 1000, 1000, 1000, 1000 }, 0, { 0 }, 1, 0 },
	{ "root", { 0, 0, 0, 0, 0, 0 }, 0, { 0 }, 0, 0 },
	{ "u2000", { 2000, 2000, 2000, 2000, 2000, 2000 }, 0, { 0 }, 0, 0 },
};

enum state { S_UNTRACED, S_SELFTRACED, S_ROOTTRACED, S_N };
enum op { O_SET, O_CLEAR, O_CLEARFILE, O_N };
static const char *const statename[] = { "untraced", "self-traced",
    "root-traced" };
static const char *const opname[] = { "SET", "CLEAR", "CLEARFILE" };

#define	NC	(sizeof(callers) / sizeof(callers[0]))
#define	NT	(sizeof(targets) / sizeof(targets[0]))

static int
ingroups(uint32_t gid, const struct who *c)
{
	int i;

	if (c->cred.gid == gid)
		return (1);
	for (i = 0; i < c->ngroups; i++)
		if (c->groups[i] == gid)
			return (1);
	return (0);
}

/* The rule, as the header comment states it. */
static int
model(const struct who *c, const struct who *t, enum state s)
{
	const struct who *eff = c->self ? t : c;
	int i, gids;

	if (s == S_ROOTTRACED && eff->cred.uid != 0)
		return (0);
	if (c->self || c->cred.uid == 0)
		return (1);
	if (c->cred.uid != t->cred.uid || c->cred.uid != t->cred.ruid ||
	    c->cred.uid != t->cred.svuid)
		return (0);
	gids = ingroups(t->cred.gid, c) && ingroups(t->cred.rgid, c) &&
	    ingroups(t->cred.svgid, c);
	for (i = 0; i < t->ngroups; i++)
		gids = gids && ingroups(t->groups[i], c);
	return (gids && !t->setid);
}

static size_t
find(const struct who *tab, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(tab[i].name, name) == 0)
			return (i);
	fail_msg("no entry %s", name);
	return (0);
}

/* The cases, with the answer FreeBSD 2002 gives. */
static void
t_model_pinned(void **state)
{
	static const struct {
		const char *c, *t;
		enum state s;
		int allowed;
	} pinned[] = {
		{ "u1000", "euid0", S_UNTRACED, 0 },	/* euid 0: root's */
		{ "self", "setid", S_UNTRACED, 1 },	/* itself, set-id */
		{ "self", "setid", S_ROOTTRACED, 0 },	/* root's mark */
		{ "u1000", "u1000", S_UNTRACED, 1 },
		{ "u1000", "setid", S_UNTRACED, 0 },
		{ "u1000", "rgid20", S_UNTRACED, 0 },
		{ "u1000+g20", "rgid20", S_UNTRACED, 1 },
		{ "u1000+g20", "g20+g30", S_UNTRACED, 0 },
		/* its real gid 1000 is not in its group set { 20 } */
		{ "u1000-egid20", "egid20", S_UNTRACED, 0 },
		{ "u1000-egid20", "u1000", S_UNTRACED, 0 },
		{ "u1000-ruid2000", "u1000", S_UNTRACED, 1 }, /* euid counts */
		{ "u1000", "ruid2000", S_UNTRACED, 0 },
		{ "u1000", "svuid0", S_UNTRACED, 0 },
		{ "root", "root", S_ROOTTRACED, 1 },
		{ "u1000", "u1000", S_ROOTTRACED, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(pinned) / sizeof(pinned[0]); i++)
		assert_int_equal(model(&callers[find(callers, NC,
		    pinned[i].c)], &targets[find(targets, NT, pinned[i].t)],
		    pinned[i].s), pinned[i].allowed);
}

struct world {
	struct wrap		*w;
	struct ktrq		*k;
	struct ktrq_target	*t1, *t2;
	struct ktrq_thread	*root;
	int			 nextpid;
};

struct pr {
	struct ktrq_proc	*p;
	struct ktrq_thread	*td;
	int			 pid;
};

static struct pr
mkproc(struct world *wd, const struct who *x, int pgid, struct ktrq_proc *par)
{
	struct pr r;

	r.pid = wd->nextpid++;
	assert_int_equal(ktrq_proc_create(wd->k, r.pid, par,
	    pgid > 0 ? pgid : r.pid, x->name, &x->cred, &r.p), 0);
	assert_int_equal(ktrq_proc_setgroups(r.p, x->ngroups, x->groups), 0);
	if (x->setid)
		assert_int_equal(ktrq_proc_exec(r.p, "su", 1), 0);
	assert_int_equal(ktrq_thread_create(r.p, r.pid, &r.td), 0);
	return (r);
}

static void
world_init(struct world *wd)
{
	static const struct who root = { "init", { 0, 0, 0, 0, 0, 0 }, 0,
	    { 0 }, 0, 0 };

	memset(wd, 0, sizeof(*wd));
	wd->w = wrap_create();
	wd->k = h_instance(&wd->w->os, 16, 0, NULL);
	assert_int_equal(ktrq_memtarget_create(wd->w->inner, &wd->t1), 0);
	assert_int_equal(ktrq_memtarget_create(wd->w->inner, &wd->t2), 0);
	wd->nextpid = 1;
	wd->root = mkproc(wd, &root, 0, NULL).td;
}

static void
world_fini(struct world *wd)
{

	assert_int_equal(ktrq_destroy(wd->k), 0);
	ktrq_target_rele(wd->t1);
	ktrq_target_rele(wd->t2);
	wrap_destroy(wd->w);
}

/* Run one cell; returns 0 when the library agreed with the model. */
static int
cell(struct world *wd, const struct who *c, const struct who *t,
    enum state s, enum op op)
{
	struct pr tp, cp;
	int allowed, rc, want, syscall0, syscall1, sysret1;

	tp = mkproc(wd, t, 0, NULL);
	cp = c->self ? tp : mkproc(wd, c, 0, NULL);
	if (s == S_SELFTRACED)
		h_trace(tp.td, wd->t2, KTRFAC_SYSCALL, tp.pid);
	else if (s == S_ROOTTRACED)
		h_trace(wd->root, wd->t2, KTRFAC_SYSCALL, tp.pid);
	syscall0 = ktrq_point(tp.td, KTR_SYSCALL);
	allowed = model(c, t, s);
	switch (op) {
	case O_SET:
		rc = ktrq_ktrace(cp.td, wd->t1, KTROP_SET, KTRFAC_SYSRET,
		    tp.pid);
		want = allowed ? 0 : EPERM;
		break;
	case O_CLEAR:
		rc = ktrq_ktrace(cp.td, NULL, KTROP_CLEAR, KTRFAC_ALL,
		    tp.pid);
		want = allowed ? 0 : EPERM;
		break;
	default:
		rc = ktrq_ktrace(cp.td, wd->t2, KTROP_CLEARFILE, 0, tp.pid);
		want = allowed || s == S_UNTRACED ? 0 : EPERM;
		break;
	}
	syscall1 = ktrq_point(tp.td, KTR_SYSCALL);
	sysret1 = ktrq_point(tp.td, KTR_SYSRET);
	if (!c->self)
		assert_int_equal(ktrq_proc_exit(cp.p), 0);
	assert_int_equal(ktrq_proc_exit(tp.p), 0);
	if (rc != want) {
		print_message("%s -> %s (%s) %s: %d, want %d\n", c->name,
		    t->name, statename[s], opname[op], rc, want);
		return (1);
	}
	/* What changed: all of it when allowed, nothing when not. */
	if (op == O_SET && sysret1 != allowed)
		return (1);
	if (op != O_SET && sysret1 != 0)
		return (1);
	if (op == O_SET && syscall1 != syscall0)
		return (1);
	if (op != O_SET && syscall1 != (allowed ? 0 : syscall0))
		return (1);
	return (0);
}

static void
t_matrix(void **state)
{
	struct world wd;
	size_t ci, ti;
	unsigned bad, n, nallowed;
	int s, op;

	(void)state;
	world_init(&wd);
	bad = n = nallowed = 0;
	for (ci = 0; ci < NC; ci++)
		for (ti = 0; ti < NT; ti++)
			for (s = 0; s < S_N; s++)
				for (op = 0; op < O_N; op++) {
					n++;
					nallowed += model(&callers[ci],
					    &targets[ti], (enum state)s);
					bad += cell(&wd, &callers[ci],
					    &targets[ti], (enum state)s,
					    (enum op)op);
				}
	h_assert_quiet(wd.k);
	world_fini(&wd);
	print_message("matrix: %u cells, %u allowed, %u mismatches\n", n,
	    nallowed, bad);
	assert_int_equal(n, NC * NT * S_N * O_N);
	assert_true(nallowed > 0 && nallowed < n);
	assert_int_equal(bad, 0);
}

/*
 * DESCEND over a tree of mixed owners, by uid 1000:
 *	top(1000) -> a(2000) -> a1(1000)
 *	          -> b(euid 0, real 1000) -> b1(1000, set-id)
 *	          -> c(1000) (root-traced)
 * top and a1 change; a, b, b1, c are skipped; the walk goes on below
 * the processes it skips.  A group of only others' processes: EPERM.
 */
static void
t_descend_pgrp_mixed(void **state)
{
	static const struct who u1000 = { "u", { 1000, 1000, 1000, 1000,
	    1000, 1000 }, 0, { 0 }, 0, 0 };
	static const struct who u2000 = { "o", { 2000, 2000, 2000, 2000,
	    2000, 2000 }, 0, { 0 }, 0, 0 };
	static const struct who euid0 = { "e", { 0, 1000, 1000, 1000, 1000,
	    1000 }, 0, { 0 }, 0, 0 };
	static const struct who setid = { "s", { 1000, 1000, 1000, 1000,
	    1000, 1000 }, 0, { 0 }, 1, 0 };
	struct pr caller, top, a, a1, b, b1, c, g[4];
	struct world wd;
	int i;

	(void)state;
	world_init(&wd);
	caller = mkproc(&wd, &u1000, 0, NULL);
	top = mkproc(&wd, &u1000, 0, NULL);
	a = mkproc(&wd, &u2000, 0, top.p);
	a1 = mkproc(&wd, &u1000, 0, a.p);
	b = mkproc(&wd, &euid0, 0, top.p);
	b1 = mkproc(&wd, &setid, 0, b.p);
	c = mkproc(&wd, &u1000, 0, top.p);
	h_trace(wd.root, wd.t2, KTRFAC_SYSCALL, c.pid);
	assert_int_equal(ktrq_ktrace(caller.td, wd.t1, KTROP_SET |
	    KTRFLAG_DESCEND, KTRFAC_SYSRET, top.pid), 0);
	assert_int_equal(ktrq_point(top.td, KTR_SYSRET), 1);
	assert_int_equal(ktrq_point(a.td, KTR_SYSRET), 0);
	assert_int_equal(ktrq_point(a1.td, KTR_SYSRET), 1);
	assert_int_equal(ktrq_point(b.td, KTR_SYSRET), 0);
	assert_int_equal(ktrq_point(b1.td, KTR_SYSRET), 0);
	assert_int_equal(ktrq_point(c.td, KTR_SYSRET), 0);
	/* CLEAR with DESCEND: the same ones, root's trace of c stays. */
	assert_int_equal(ktrq_ktrace(caller.td, NULL, KTROP_CLEAR |
	    KTRFLAG_DESCEND, KTRFAC_ALL, top.pid), 0);
	assert_int_equal(ktrq_point(top.td, KTR_SYSRET), 0);
	assert_int_equal(ktrq_point(a1.td, KTR_SYSRET), 0);
	assert_int_equal(ktrq_point(c.td, KTR_SYSCALL), 1);
	/* A starting point the caller may not change: the walk goes on. */
	assert_int_equal(ktrq_ktrace(caller.td, wd.t1, KTROP_SET |
	    KTRFLAG_DESCEND, KTRFAC_SYSRET, a.pid), 0);
	assert_int_equal(ktrq_point(a.td, KTR_SYSRET), 0);
	assert_int_equal(ktrq_point(a1.td, KTR_SYSRET), 1);
	/* Without DESCEND, b alone: EPERM. */
	assert_int_equal(ktrq_ktrace(caller.td, wd.t1, KTROP_SET,
	    KTRFAC_SYSRET, b.pid), EPERM);

	/* Group 900: u1000, u2000, euid 0, root-traced u1000. */
	g[0] = mkproc(&wd, &u1000, 900, NULL);
	g[1] = mkproc(&wd, &u2000, 900, NULL);
	g[2] = mkproc(&wd, &euid0, 900, NULL);
	g[3] = mkproc(&wd, &u1000, 900, NULL);
	h_trace(wd.root, wd.t2, KTRFAC_SYSCALL, g[3].pid);
	assert_int_equal(ktrq_ktrace(caller.td, wd.t1, KTROP_SET,
	    KTRFAC_SYSRET, -900), 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(ktrq_point(g[i].td, KTR_SYSRET), i == 0);
	/* CLEARFILE of t2 by the user: g[3] and c are root's -- EPERM. */
	assert_int_equal(ktrq_ktrace(caller.td, wd.t2, KTROP_CLEARFILE, 0,
	    1), EPERM);
	assert_int_equal(ktrq_point(g[3].td, KTR_SYSCALL), 1);
	/* A group with none of the caller's: EPERM, nothing set. */
	assert_int_equal(ktrq_ktrace(caller.td, wd.t1, KTROP_CLEAR,
	    KTRFAC_ALL, -900), 0);
	assert_int_equal(ktrq_ktrace(g[1].td, wd.t1, KTROP_SET,
	    KTRFAC_SYSRET, -900), 0);	/* g[1] itself */
	assert_int_equal(ktrq_ktrace(a.td, wd.t1, KTROP_CLEAR,
	    KTRFAC_ALL, -900), 0);	/* a is uid 2000: g[1] */
	assert_int_equal(ktrq_point(g[1].td, KTR_SYSRET), 0);
	assert_int_equal(ktrq_ktrace(a.td, wd.t1, KTROP_SET,
	    KTRFAC_SYSRET, top.pid), EPERM);
	world_fini(&wd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_model_pinned),
		cmocka_unit_test(t_matrix),
		cmocka_unit_test(t_descend_pgrp_mixed),
	};

	return (cmocka_run_group_tests_name("core_canset", tests, NULL,
	    NULL));
}
