/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fork-tree actor: process trees deeper than a parent and a child.
 * From a traced process it forks P, P's children A and B (siblings) and
 * A's child G, each posting from a thread of its own (inherited
 * tracing), while it sets and clears tracing over P's subtree with
 * DESCEND (children are listed newest first, so the walk goes down to
 * B, across to its sibling A and down to G); then, in every other
 * tree, B exits first (unlinked from before A); then P exits before its
 * children, who lose their parent and go on posting; then A before G.
 * The harness logs every fork, exit and ktrace(2), so the oracle judges
 * the whole as usual (a DESCEND may change processes it does not name:
 * the oracle allows their posts to find tracing gone).
 */
#include <errno.h>
#include <string.h>

#include "ktrq/harness.h"
#include "ktrq/ktrq.h"
#include "ktrq/sim.h"
#include "actors.h"

#define	PID_TREE	3000
#define	NTREE		4		/* P, A, B, G */
#define	TREE_EVENTS	5

struct tnode {
	struct ktrq_harness	*h;
	struct ktrq_proc	*p;
	struct ktrq_thread	*td;
	struct ktrq_os_thread	*th;	/* its poster, NULL: none */
};

static void
tree_poster(void *arg)
{
	struct tnode *n = arg;
	int i;

	for (i = 0; i < TREE_EVENTS; i++)
		(void)ktrq_harness_post(n->h, n->td, 0);
}

/* Fork node `i` of parent `parent`; 0, or ENOMEM and no node. */
static int
tree_fork(const struct scn_view *v, struct tnode *n, struct ktrq_proc *parent,
    int pid)
{
	const struct ktrq_os *os = v->os;
	int error;

	memset(n, 0, sizeof(*n));
	n->h = v->h;
	error = ktrq_harness_fork(v->h, parent, pid, &n->p);
	scn_want_mem(os, error, 0, "ktrq_harness_fork");
	if (error != 0)
		return (error);
	error = ktrq_harness_thread(v->h, n->p, &n->td);
	scn_want_mem(os, error, 0, "ktrq_harness_thread");
	if (error == 0 && os->thread_create(os->cookie, &n->th, "tree",
	    tree_poster, n) != 0)
		n->th = NULL;
	return (0);
}

static void
tree_join(const struct scn_view *v, struct tnode *n)
{

	if (n->th != NULL)
		v->os->thread_join(v->os->cookie, n->th);
	n->th = NULL;
}

static void
tree_exit(const struct scn_view *v, struct tnode *n)
{

	tree_join(v, n);
	if (n->p != NULL)
		scn_want(v->os, ktrq_harness_exit(v->h, n->p), 0,
		    "ktrq_harness_exit");
	n->p = NULL;
}

/* SET or CLEAR over the subtree of `top`, with DESCEND. */
static void
descend(const struct scn_view *v, struct ktrq_proc *top)
{
	struct ktrq_thread *ctl = ktrq_harness_controller(v->h);
	struct ktrq_target *t;
	int pid = ktrq_proc_pid(top);

	t = ktrq_harness_target(v->h, (int)ktrq_sim_choose(v->os,
	    (uint64_t)v->ntargets, "tree target"));
	if (ktrq_sim_choose(v->os, 3, "tree op") == 0)
		scn_want(v->os, ktrq_harness_ktrace(v->h, ctl, NULL,
		    KTROP_CLEAR | KTRFLAG_DESCEND, KTRFAC_ALL, pid), 0,
		    "CLEAR with DESCEND");
	else
		scn_want(v->os, ktrq_harness_ktrace(v->h, ctl, t,
		    KTROP_SET | KTRFLAG_DESCEND, KTRFAC_ALL | KTRFAC_INHERIT,
		    pid), 0, "SET with DESCEND");
}

static void
one_tree(const struct scn_view *v, int j)
{
	struct tnode n[NTREE];
	struct ktrq_proc *parent;
	int base = PID_TREE + 10 * j, i;

	if (tree_fork(v, &n[0], v->procs[j % v->nprocs], base) != 0)
		return;
	for (i = 1; i < NTREE; i++) {
		parent = i == 3 ? n[1].p : n[0].p;
		memset(&n[i], 0, sizeof(n[i]));
		if (parent != NULL)
			(void)tree_fork(v, &n[i], parent, base + i);
	}
	descend(v, n[0].p);
	descend(v, n[0].p);
	if (j % 2 == 0)
		tree_exit(v, &n[2]);	/* B, A's younger sibling, first */
	tree_exit(v, &n[0]);		/* then P: its children are orphans */
	if (n[1].p != NULL)
		descend(v, n[1].p);
	tree_exit(v, &n[1]);		/* and G */
	tree_exit(v, &n[2]);
	tree_exit(v, &n[3]);
}

void
scn_forktree_main(void *arg)
{
	const struct scn_view *v = arg;
	int j;

	for (j = 0; j < v->nops; j++)
		one_tree(v, j);
}
