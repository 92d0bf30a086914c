/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The permission oracle: a model of every process's tracing, replayed
 * from the log, against which each ktrace(2) call's result and effect,
 * each post, and each observation of the core is judged.  Written from
 * FreeBSD 2002's rule (kern_ktrace.c: ktrace(), ktrops(),
 * ktrsetchildren(), ktrcanset(); kern_prot.c: p_candebug()), not from
 * src/control.c:
 *
 *  - ktrcanset(caller, p): no, when p's trace carries KTRFAC_ROOT and
 *    the caller's effective uid is not 0; else p_candebug: yes for the
 *    caller's own process; yes for root; else yes exactly when the
 *    caller's effective uid equals p's effective, real and saved uids,
 *    every gid of p (effective, real, saved, supplementary) is in the
 *    caller's group set (its effective gid and supplementary groups),
 *    and p is not set-id (P_SUGID, after a set-id exec).
 *  - SET: to the target, facilities added, KTRFAC_ROOT added when the
 *    caller is root (a KTRFAC_ROOT the caller passes is dropped first);
 *    CLEAR: facilities removed, and when no event type is left the
 *    process is detached (every flag cleared).
 *  - A pid: that process (with DESCEND, it and its descendants); a
 *    negative pid: every member of that group (with DESCEND, each
 *    member's subtree).  ESRCH when there is none; the permitted ones
 *    change, the others are skipped; EPERM when none could be changed.
 *  - CLEARFILE: every process tracing to the target that the caller may
 *    change is detached; EPERM when any could not be (0 otherwise, also
 *    when no process traces there).  Its queued records go with it;
 *    those of processes the caller may not change stay and are written.
 *  - EINVAL as ktrq/ktrq.h documents (libktrq's own argument checks,
 *    a NULL thread among them), before anything else.
 *
 * The model knows each flag bit and the target separately, or not:
 * where two ops overlapped (their order is not in the log), or a write
 * error detached a process during one, the processes they may have
 * touched become unknown and their results are not judged.  A
 * permission that depends on something unknown is "maybe", and an
 * effect under a maybe keeps only what both outcomes agree on.  What
 * the core is later seen to do -- an event captured, a post refused
 * with ENOENT, an observation -- is learnt back.  FreeBSD's P_INEXEC
 * (EAGAIN while exec'ing), jails and securelevel have no counterpart in
 * libktrq and are not modelled.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness_impl.h"

#define	MODEL_BITS	(KTRFAC_ALL | KTRFAC_ROOT | KTRFAC_INHERIT)
#define	ROOTBIT		((uint32_t)KTRFAC_ROOT)

enum tv { TV_NO, TV_YES, TV_MAYBE };

/* Result sets: which returns the rule allows. */
#define	R_OK		0x01
#define	R_EPERM		0x02
#define	R_ESRCH		0x04
#define	R_EINVAL	0x08

struct mproc {
	int		 pid;
	int		 pgid;
	long		 parent;	/* index, -1: none */
	int		 alive;
	struct ktrq_cred cred;
	int		 ngroups;
	uint32_t	 groups[KTRQ_NGROUPS];
	int		 sugid;		/* 0, 1, or -1 not known */
	uint32_t	 flags;		/* of MODEL_BITS */
	uint32_t	 known;		/* the bits of flags known */
	int		 tgt;		/* -1: none */
	int		 tknown;
};

struct popen {				/* an op under way */
	size_t		 op;		/* index into ops[] */
	size_t		 begin;		/* its EV_OP_BEGIN */
	int		 simtid;
	int		 concurrent;	/* another overlapped it */
};

struct perm {
	const struct ktrq_harness *h;
	char		*buf;
	size_t		 len;
	struct mproc	*p;
	size_t		 np;
	size_t		 pcap;
	long		*bypid;		/* live index + 1, by pid */
	int		 maxpid;
	int		 maxsimtid;
	struct popen	*open;		/* by simtid count at most */
	int		 nopen;
	uint64_t	 gen;		/* world changes so far */
	uint64_t	*post_gen;	/* by simtid: gen + 1 at POST_BEGIN */
	uint64_t	*obs_gen;	/* by simtid: gen + 1 at OBSERVE_BEGIN */
	/* CLEARFILE's reach, for rule 5's fence and the drop rule. */
	uint32_t	 cf_gen[2];
	uint32_t	*cf_yes[2];	/* by pid: cf_gen when it reached it */
	int		 cf_all[2];	/* the last one reached everyone */
	int		 cf_open;	/* CLEARFILEs under way */
	size_t		*cf_end[2];	/* by pid: end + 1 of the last that
					   may have reached it */
	size_t		 cf_end_all[3];	/* [2]: another target's */
	size_t		*last_detach;	/* by pid: index + 1 */
	size_t		 first_werror;	/* index + 1 */
	uint8_t		*visit;		/* scratch, by index */
	enum tv		*verdict;	/* scratch, by index */
	enum tv		*det;		/* scratch: expected detaches */
};

static int
pfail(struct perm *pm, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(pm->buf, pm->len, "permissions: ");
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < pm->len)
		vsnprintf(pm->buf + n, pm->len - (size_t)n, fmt, ap);
	va_end(ap);
	return (0);
}

static enum tv
tv_and(enum tv a, enum tv b)
{

	if (a == TV_NO || b == TV_NO)
		return (TV_NO);
	return (a == TV_YES && b == TV_YES ? TV_YES : TV_MAYBE);
}

static enum tv
tv_bit(const struct mproc *p, uint32_t bit)
{

	if ((p->known & bit) == 0)
		return (TV_MAYBE);
	return ((p->flags & bit) != 0 ? TV_YES : TV_NO);
}

static const char *const tv_names[] = { "no", "yes", "maybe" };

/* ---- the model of one process ---- */

static struct mproc *
lookup(const struct perm *pm, int pid)
{

	if (pid < 0 || pid > pm->maxpid || pm->bypid[pid] == 0)
		return (NULL);
	return (&pm->p[pm->bypid[pid] - 1]);
}

static void
detach(struct mproc *p)
{

	p->flags = 0;
	p->known = MODEL_BITS;
	p->tgt = -1;
	p->tknown = 1;
}

static void
havoc(struct mproc *p)
{

	p->flags = p->known = 0;
	p->tknown = 0;
}

/* An unattached process has no flags; no event type, no target. */
static void
normalize(struct mproc *p)
{

	if ((p->tknown && p->tgt < 0) || ((p->known & KTRFAC_ALL) ==
	    KTRFAC_ALL && (p->flags & KTRFAC_ALL) == 0))
		detach(p);
}

/* a := what a and b agree on. */
static void
join(struct mproc *a, const struct mproc *b)
{

	a->known &= b->known & ~(a->flags ^ b->flags);
	a->flags &= a->known;
	if (!b->tknown || a->tgt != b->tgt)
		a->tknown = 0;
	if (a->sugid != b->sugid)
		a->sugid = -1;
}

static enum tv
attached(const struct mproc *p)
{

	if (p->tknown)
		return (p->tgt >= 0 ? TV_YES : TV_NO);
	if ((p->known & p->flags & KTRFAC_ALL) != 0)
		return (TV_YES);
	if ((p->known & KTRFAC_ALL) == KTRFAC_ALL)
		return (TV_NO);
	return (TV_MAYBE);
}

/* No event type left? */
static enum tv
mask_zero(const struct mproc *p)
{

	if ((p->known & p->flags & KTRFAC_ALL) != 0)
		return (TV_NO);
	return ((p->known & KTRFAC_ALL) == KTRFAC_ALL ? TV_YES : TV_MAYBE);
}

/* Apply `fn` to p when `v` is yes; keep what both agree on for maybe. */
static void
apply_if(struct mproc *p, enum tv v, void (*fn)(struct mproc *, void *),
    void *arg)
{
	struct mproc alt;

	if (v == TV_NO)
		return;
	alt = *p;
	fn(&alt, arg);
	normalize(&alt);
	if (v == TV_YES)
		*p = alt;
	else
		join(p, &alt);
}

/* ---- the rule ---- */

static int
groupmember(uint32_t gid, const struct mproc *c)
{
	int i;

	if (c->cred.gid == gid)
		return (1);
	for (i = 0; i < c->ngroups; i++)
		if (c->groups[i] == gid)
			return (1);
	return (0);
}

/* p_candebug() of a caller `c` that is neither p nor root. */
static enum tv
candebug(const struct mproc *c, const struct mproc *p)
{
	uint32_t uid = c->cred.uid;
	int i;

	if (uid != p->cred.uid || uid != p->cred.ruid || uid != p->cred.svuid)
		return (TV_NO);
	if (!groupmember(p->cred.gid, c) || !groupmember(p->cred.rgid, c) ||
	    !groupmember(p->cred.svgid, c))
		return (TV_NO);
	for (i = 0; i < p->ngroups; i++)
		if (!groupmember(p->groups[i], c))
			return (TV_NO);
	return (p->sugid == 0 ? TV_YES : p->sugid == 1 ? TV_NO : TV_MAYBE);
}

/* ktrcanset(): a ROOT trace stays root's; then p_candebug(). */
static enum tv
canset(const struct mproc *c, const struct mproc *p)
{
	int root = c->cred.uid == 0;
	enum tv notroot;

	notroot = root ? TV_YES : tv_bit(p, ROOTBIT) == TV_YES ? TV_NO :
	    tv_bit(p, ROOTBIT) == TV_NO ? TV_YES : TV_MAYBE;
	if (notroot == TV_NO || c == p || root)
		return (notroot);
	return (tv_and(notroot, candebug(c, p)));
}

struct setarg {
	uint32_t	 facs;
	int		 root;
	int		 tgt;
};

static void
do_set(struct mproc *p, void *arg)
{
	const struct setarg *a = arg;

	p->tgt = a->tgt;
	p->tknown = 1;
	p->flags |= a->facs;
	p->known |= a->facs;
	if (a->root) {
		p->flags |= ROOTBIT;
		p->known |= ROOTBIT;
	}
}

/* The flags a CLEAR leaves, before its detach. */
static void
clear_bits(struct mproc *p, uint32_t facs)
{

	p->flags &= ~facs;
	p->known |= facs;
}

static void
do_detach(struct mproc *p, void *arg)
{

	(void)arg;
	detach(p);
}

static void
do_clear(struct mproc *p, void *arg)
{

	clear_bits(p, *(const uint32_t *)arg);
	apply_if(p, mask_zero(p), do_detach, NULL);
}

/* Would a CLEAR of `facs` detach p (attached, and no type left)? */
static enum tv
clear_detaches(const struct mproc *p, uint32_t facs)
{
	struct mproc q = *p;

	clear_bits(&q, facs);
	return (tv_and(attached(p), mask_zero(&q)));
}

/* ---- describing ---- */

static const char *
opname(int ops)
{
	static const char *const names[] = { "SET", "CLEAR", "CLEARFILE",
	    "op3", "SET|DESCEND", "CLEAR|DESCEND", "CLEARFILE|DESCEND",
	    "op3|DESCEND" };

	return ((ops & ~7) == 0 ? names[ops] : "op?");
}

static void
describe(const struct perm *pm, const struct hop *op, char *buf, size_t len)
{
	const struct mproc *c;
	int n;

	n = snprintf(buf, len, "ktrace(%s, facs %#x, pid %d, target %d) by "
	    "pid %d", opname(op->ops), (unsigned)op->facs, op->pid, op->tgt,
	    op->caller);
	if (n < 0 || (size_t)n >= len)
		return;
	if ((c = lookup(pm, op->caller)) != NULL)
		snprintf(buf + n, len - (size_t)n, " (uid %" PRIu32 " ruid %"
		    PRIu32 " gid %" PRIu32 ", %d groups)", c->cred.uid,
		    c->cred.ruid, c->cred.gid, c->ngroups);
}

static const char *
resname(int r)
{

	switch (r) {
	case 0:
		return ("0");
	case EPERM:
		return ("EPERM");
	case ESRCH:
		return ("ESRCH");
	case EINVAL:
		return ("EINVAL");
	default:
		return ("another errno");
	}
}

static int
rbit(int r)
{

	switch (r) {
	case 0:
		return (R_OK);
	case EPERM:
		return (R_EPERM);
	case ESRCH:
		return (R_ESRCH);
	case EINVAL:
		return (R_EINVAL);
	default:
		return (0);
	}
}

static void
rset(int set, char *buf, size_t len)
{

	snprintf(buf, len, "%s%s%s%s", set & R_OK ? " 0" : "",
	    set & R_EPERM ? " EPERM" : "", set & R_ESRCH ? " ESRCH" : "",
	    set & R_EINVAL ? " EINVAL" : "");
}

/* The verdicts of the processes visited, for a failure's message. */
static void
verdicts(const struct perm *pm, char *buf, size_t len)
{
	size_t i, o;
	int n;

	buf[0] = '\0';
	for (o = 0, i = 0; i < pm->np && o < len; i++) {
		if (!pm->visit[i])
			continue;
		n = snprintf(buf + o, len - o, " pid %d: %s;", pm->p[i].pid,
		    tv_names[pm->verdict[i]]);
		if (n < 0)
			break;
		o += (size_t)n;
	}
}

/* ---- ops ---- */

static struct popen *
open_of(struct perm *pm, int simtid)
{
	int j;

	for (j = 0; j < pm->nopen; j++)
		if (pm->open[j].simtid == simtid)
			return (&pm->open[j]);
	return (NULL);
}

static void
all_concurrent(struct perm *pm)
{
	int j;

	for (j = 0; j < pm->nopen; j++)
		pm->open[j].concurrent = 1;
}

static int
ktrace_einval(const struct hop *op)
{
	int opk = KTROP(op->ops);
	unsigned facs = (unsigned)op->facs & ~KTRFAC_ROOT;

	if ((op->ops & ~(3 | KTRFLAG_DESCEND)) != 0 || opk > KTROP_CLEARFILE)
		return (1);
	if ((facs & ~(unsigned)(KTRFAC_ALL | KTRFAC_INHERIT)) != 0)
		return (1);
	if (opk != KTROP_CLEARFILE && (facs & KTRFAC_ALL) == 0)
		return (1);
	if (opk != KTROP_CLEAR && op->tgt == -1)
		return (1);
	/* pid 0 names nothing; INT_MIN names no group (-pid overflows). */
	return (opk != KTROP_CLEARFILE && (op->pid == 0 || op->pid == INT_MIN));
}

/* Is q in the subtree of `top` (index)? */
static int
descends(const struct perm *pm, size_t q, size_t top)
{
	size_t n;
	long a;

	for (a = (long)q, n = 0; a >= 0 && n <= pm->np; n++) {
		if ((size_t)a == top)
			return (1);
		a = pm->p[a].parent;
	}
	return (0);
}

static void
visit_tree(struct perm *pm, size_t top, int descend)
{
	size_t q;

	pm->visit[top] = 1;
	if (!descend)
		return;
	for (q = 0; q < pm->np; q++)
		if (pm->p[q].alive && descends(pm, q, top))
			pm->visit[q] = 1;
}

/* Mark the processes a pid or group names; 0 when there is none. */
static int
visit_targets(struct perm *pm, const struct hop *op)
{
	const struct mproc *p;
	int descend = (op->ops & KTRFLAG_DESCEND) != 0, found;
	size_t q;

	memset(pm->visit, 0, pm->np);
	if (op->pid > 0) {
		if ((p = lookup(pm, op->pid)) == NULL)
			return (0);
		visit_tree(pm, (size_t)(p - pm->p), descend);
		return (1);
	}
	found = 0;
	for (q = 0; q < pm->np; q++)
		if (pm->p[q].alive && pm->p[q].pgid == -op->pid) {
			found = 1;
			visit_tree(pm, q, descend);
		}
	return (found);
}

/*
 * The DETACH probes the op's thread logged between its begin and end
 * against pm->det[]: each process expected to be detached (yes) was,
 * and none was that could not have been.
 */
static int
check_detaches(struct perm *pm, const struct popen *po, size_t end,
    const char *what)
{
	const struct ev *e;
	const struct mproc *p;
	size_t i, k;
	int seen;

	for (i = po->begin + 1; i < end; i++) {
		e = &pm->h->ev[i];
		if (e->kind != EV_PROBE || e->probe != KTRQ_PROBE_DETACH ||
		    e->simtid != po->simtid)
			continue;
		if ((p = lookup(pm, e->pid)) == NULL ||
		    pm->det[p - pm->p] == TV_NO)
			return (pfail(pm, "%s detached pid %d (event %zu), "
			    "which it may not change or did not stop tracing",
			    what, e->pid, i));
	}
	for (k = 0; k < pm->np; k++) {
		if (!pm->p[k].alive || pm->det[k] != TV_YES)
			continue;
		for (seen = 0, i = po->begin + 1; i < end && !seen; i++) {
			e = &pm->h->ev[i];
			seen = e->kind == EV_PROBE &&
			    e->probe == KTRQ_PROBE_DETACH &&
			    e->simtid == po->simtid && e->pid == pm->p[k].pid;
		}
		if (!seen)
			return (pfail(pm, "%s should have detached pid %d "
			    "(by the rule it may change it and left it no "
			    "event type), but the core did not", what,
			    pm->p[k].pid));
	}
	return (1);
}

static int
check_result(struct perm *pm, const struct hop *op, int allowed,
    size_t end)
{
	char what[256], set[64], why[512];

	if (rbit(op->result) & allowed)
		return (1);
	describe(pm, op, what, sizeof(what));
	rset(allowed, set, sizeof(set));
	verdicts(pm, why, sizeof(why));
	return (pfail(pm, "%s returned %s (event %zu); the 2002 rule allows"
	    "%s (may change:%s)", what, resname(op->result), end, set,
	    why[0] != '\0' ? why : " nothing named"));
}

/* SET or CLEAR of a pid or group, with or without DESCEND. */
static int
eval_walk(struct perm *pm, const struct popen *po, const struct hop *op,
    struct mproc *c, size_t end)
{
	uint32_t facs = (uint32_t)op->facs & ~ROOTBIT;
	struct setarg sa = { facs, c->cred.uid == 0, op->tgt };
	int allowed, anyyes, allno, set = KTROP(op->ops) == KTROP_SET;
	char what[256];
	size_t q;

	memset(pm->det, 0, pm->np * sizeof(*pm->det));
	if (!visit_targets(pm, op))
		allowed = R_ESRCH;
	else {
		anyyes = 0;
		allno = 1;
		for (q = 0; q < pm->np; q++) {
			if (!pm->visit[q])
				continue;
			pm->verdict[q] = canset(c, &pm->p[q]);
			anyyes |= pm->verdict[q] == TV_YES;
			allno &= pm->verdict[q] == TV_NO;
			if (!set)
				pm->det[q] = tv_and(pm->verdict[q],
				    clear_detaches(&pm->p[q], facs));
		}
		allowed = anyyes ? R_OK : allno ? R_EPERM : R_OK | R_EPERM;
	}
	if (!check_result(pm, op, allowed, end))
		return (0);
	describe(pm, op, what, sizeof(what));
	if (!check_detaches(pm, po, end, what))
		return (0);
	for (q = 0; q < pm->np; q++)
		if ((allowed & R_ESRCH) == 0 && pm->visit[q])
			apply_if(&pm->p[q], pm->verdict[q], set ? do_set :
			    do_clear, set ? (void *)&sa : (void *)&facs);
	return (1);
}

/* Is p on target t? */
static enum tv
on_target(const struct mproc *p, int t)
{

	if (p->tknown)
		return (p->tgt == t ? TV_YES : TV_NO);
	return (attached(p) == TV_NO ? TV_NO : TV_MAYBE);
}

/* After a CLEARFILE of t: whose queued records for t did it clear? */
static void
clearfile_reach(struct perm *pm, const struct mproc *c, int t, size_t end)
{
	enum tv v;
	size_t q;

	pm->cf_gen[t]++;
	pm->cf_all[t] = c != NULL && c->cred.uid == 0;
	if (c == NULL) {
		pm->cf_end_all[t] = end + 1;
		return;
	}
	if (pm->cf_all[t])
		pm->cf_end_all[t] = end + 1;
	for (q = 0; q < pm->np; q++) {
		if (!pm->p[q].alive)
			continue;
		v = canset(c, &pm->p[q]);
		if (v == TV_YES)
			pm->cf_yes[t][pm->p[q].pid] = pm->cf_gen[t];
		if (v != TV_NO)
			pm->cf_end[t][pm->p[q].pid] = end + 1;
	}
}

static int
eval_clearfile(struct perm *pm, const struct popen *po, const struct hop *op,
    struct mproc *c, size_t end)
{
	int t = op->tgt, sure = 0, maybe = 0;
	enum tv mem;
	char what[256];
	size_t q;

	memset(pm->visit, 0, pm->np);
	memset(pm->det, 0, pm->np * sizeof(*pm->det));
	for (q = 0; q < pm->np; q++) {
		if (!pm->p[q].alive ||
		    (mem = on_target(&pm->p[q], t)) == TV_NO)
			continue;
		pm->visit[q] = 1;
		pm->verdict[q] = canset(c, &pm->p[q]);
		sure |= mem == TV_YES && pm->verdict[q] == TV_NO;
		maybe |= pm->verdict[q] != TV_YES;
		pm->det[q] = tv_and(mem, pm->verdict[q]);
	}
	if (!check_result(pm, op, sure ? R_EPERM : maybe ? R_OK | R_EPERM :
	    R_OK, end))
		return (0);
	describe(pm, op, what, sizeof(what));
	if (!check_detaches(pm, po, end, what))
		return (0);
	for (q = 0; q < pm->np; q++)
		if (pm->visit[q])
			apply_if(&pm->p[q], pm->det[q], do_detach, NULL);
	clearfile_reach(pm, c, t, end);
	return (1);
}

static void
havoc_all(struct perm *pm)
{
	size_t q;

	for (q = 0; q < pm->np; q++)
		if (pm->p[q].alive)
			havoc(&pm->p[q]);
}

static int
eval_ktrace(struct perm *pm, const struct popen *po, const struct hop *op,
    size_t end)
{
	struct mproc *c = lookup(pm, op->caller);
	int cf = KTROP(op->ops) == KTROP_CLEARFILE;

	if (op->caller == -1 && !po->concurrent) {
		/* No calling thread: refused before anything is looked at. */
		memset(pm->visit, 0, pm->np);
		memset(pm->det, 0, pm->np * sizeof(*pm->det));
		return (check_result(pm, op, R_EINVAL, end) &&
		    check_detaches(pm, po, end, "a ktrace with no thread"));
	}
	if (c == NULL || op->tgt == -2 || po->concurrent) {
		/* Order or caller not known: judge nothing, know less. */
		havoc_all(pm);
		if (cf && op->tgt >= 0)
			clearfile_reach(pm, c != NULL && c->cred.uid == 0 ?
			    c : NULL, op->tgt, end);
		if (cf && op->tgt == -2)
			pm->cf_end_all[2] = end + 1;
		return (1);
	}
	if (ktrace_einval(op)) {
		if (cf && op->tgt >= 0) {
			/* Rule 5 still sees a CLEARFILE: one of nobody. */
			pm->cf_gen[op->tgt]++;
			pm->cf_all[op->tgt] = 0;
		}
		memset(pm->visit, 0, pm->np);
		memset(pm->det, 0, pm->np * sizeof(*pm->det));
		return (check_result(pm, op, R_EINVAL, end) &&
		    check_detaches(pm, po, end, "an EINVAL ktrace"));
	}
	return (cf ? eval_clearfile(pm, po, op, c, end) :
	    eval_walk(pm, po, op, c, end));
}

static int
add_proc(struct perm *pm, const struct mproc *p)
{
	struct mproc *old;

	if (p->pid < 0 || p->pid > pm->maxpid)
		return (1);
	if (pm->np == pm->pcap)
		return (pfail(pm, "more processes than ops made"));
	if ((old = lookup(pm, p->pid)) != NULL)
		old->alive = 0;
	pm->p[pm->np] = *p;
	pm->bypid[p->pid] = (long)++pm->np;
	return (1);
}

static int
eval_proc(struct perm *pm, const struct popen *po, const struct hop *op)
{
	struct mproc m, *parent;

	if (!op->made)
		return (1);
	memset(&m, 0, sizeof(m));
	m.pid = op->pid;
	m.pgid = op->pgid;
	m.parent = (parent = lookup(pm, op->parent)) != NULL ?
	    parent - pm->p : -1;
	m.alive = 1;
	m.cred = op->cred;
	m.ngroups = op->ngroups;
	memcpy(m.groups, op->groups, sizeof(m.groups));
	if (op->facs != 0) {
		m.flags = (uint32_t)op->facs | ROOTBIT;
		m.known = MODEL_BITS;
		m.tgt = op->tgt;
		m.tknown = 1;
	} else
		detach(&m);
	if (po->concurrent)
		havoc(&m);
	return (add_proc(pm, &m));
}

static int
eval_fork(struct perm *pm, const struct popen *po, const struct hop *op)
{
	struct mproc m, *parent;
	enum tv inherit;

	if (!op->made)
		return (1);
	if ((parent = lookup(pm, op->caller)) == NULL)
		return (pfail(pm, "fork of pid %d from pid %d, which the "
		    "model does not know", op->pid, op->caller));
	m = *parent;
	m.pid = op->pid;
	m.parent = parent - pm->p;
	inherit = tv_and(tv_bit(parent, (uint32_t)KTRFAC_INHERIT),
	    attached(parent));
	apply_if(&m, inherit == TV_YES ? TV_NO : inherit == TV_NO ? TV_YES :
	    TV_MAYBE, do_detach, NULL);
	if (po->concurrent)
		havoc(&m);
	return (add_proc(pm, &m));
}

static int
eval_exec(struct perm *pm, const struct popen *po, const struct hop *op,
    size_t end)
{
	struct mproc *p = lookup(pm, op->pid);
	char what[64];
	size_t q;

	if (p == NULL || !op->setid || op->result != 0)
		return (1);
	memset(pm->det, 0, pm->np * sizeof(*pm->det));
	q = (size_t)(p - pm->p);
	if (!po->concurrent) {
		/* A set-id image stops tracing unless root set it. */
		pm->det[q] = tv_and(attached(p), tv_bit(p, ROOTBIT) == TV_YES ?
		    TV_NO : tv_bit(p, ROOTBIT) == TV_NO ? TV_YES : TV_MAYBE);
		snprintf(what, sizeof(what), "a set-id exec of pid %d",
		    op->pid);
		if (!check_detaches(pm, po, end, what))
			return (0);
		apply_if(p, pm->det[q], do_detach, NULL);
	} else
		havoc(p);
	p->sugid = 1;
	return (1);
}

static void
eval_exit(struct perm *pm, const struct hop *op)
{
	struct mproc *p = lookup(pm, op->pid);
	size_t q;

	if (p == NULL)
		return;
	for (q = 0; q < pm->np; q++)
		if (pm->p[q].parent == p - pm->p)
			pm->p[q].parent = -1;
	p->alive = 0;
	pm->bypid[op->pid] = 0;
}

static int
op_begin(struct perm *pm, const struct ev *e, size_t i)
{
	const struct hop *op = &pm->h->ops[e->serial];
	struct popen *po;

	pm->gen++;
	if (pm->nopen > pm->maxsimtid)
		return (pfail(pm, "more ops under way than threads"));
	po = &pm->open[pm->nopen++];
	po->op = e->serial;
	po->begin = i;
	po->simtid = e->simtid;
	po->concurrent = 0;
	if (pm->nopen > 1)
		all_concurrent(pm);
	if (op->kind == HOP_KTRACE && KTROP(op->ops) == KTROP_CLEARFILE)
		pm->cf_open++;
	return (1);
}

static int
op_end(struct perm *pm, const struct ev *e, size_t i)
{
	const struct hop *op = &pm->h->ops[e->serial];
	struct popen po;
	int j, ok;

	for (j = 0; j < pm->nopen && pm->open[j].op != e->serial; j++)
		continue;
	if (j == pm->nopen)
		return (pfail(pm, "op %" PRIu64 " ends without a begin",
		    e->serial));
	po = pm->open[j];
	pm->open[j] = pm->open[--pm->nopen];
	pm->gen++;
	switch (op->kind) {
	case HOP_PROC:
		return (eval_proc(pm, &po, op));
	case HOP_FORK:
		return (eval_fork(pm, &po, op));
	case HOP_EXEC:
		return (eval_exec(pm, &po, op, i));
	case HOP_EXIT:
		eval_exit(pm, op);
		return (1);
	default:
		if (KTROP(op->ops) == KTROP_CLEARFILE)
			pm->cf_open--;
		ok = eval_ktrace(pm, &po, op, i);
		return (ok);
	}
}

/* ---- what the core is seen to do ---- */

/* A detach no op of the thread explains: a write error's. */
static void
on_detach(struct perm *pm, const struct ev *e, size_t i)
{
	struct mproc *p;

	if (e->pid >= 0 && e->pid <= pm->maxpid)
		pm->last_detach[e->pid] = i + 1;
	if (open_of(pm, e->simtid) != NULL)
		return;			/* the op's own, judged at its end */
	pm->gen++;
	all_concurrent(pm);
	if ((p = lookup(pm, e->pid)) != NULL)
		detach(p);
}

static void
learn_bit(struct mproc *p, int type, int on)
{
	uint32_t bit = 1U << type;

	p->known |= bit;
	if (on)
		p->flags |= bit;
	else
		p->flags &= ~bit;
	normalize(p);
}

static const char *
type_name(int type)
{
	const char *n = ktrq_rec_tag(type);

	return (n != NULL ? n : "?");
}

/* An event captured while no op was under way: traced, to its target. */
static int
on_capture(struct perm *pm, const struct ev *e, size_t i)
{
	struct mproc *p;
	int type = e->type & ~KTR_DROP;

	if (pm->nopen != 0 || (p = lookup(pm, e->pid)) == NULL ||
	    type < KTR_SYSCALL || type > KTR_USER)
		return (1);
	if (tv_bit(p, 1U << type) == TV_NO)
		return (pfail(pm, "pid %d captured a %s event (event %zu), "
		    "but by the model it does not trace that type", e->pid,
		    type_name(type), i));
	if (p->tknown && p->tgt != e->tgt)
		return (pfail(pm, "pid %d captured an event for target %d "
		    "(event %zu), but by the model it traces to %d", e->pid,
		    e->tgt, i, p->tgt));
	learn_bit(p, type, 1);
	if (e->tgt >= 0) {
		p->tgt = e->tgt;
		p->tknown = 1;
	}
	return (1);
}

/* A post whose whole call saw no change: ENOENT exactly when untraced. */
static int
on_post(struct perm *pm, const struct ev *e, size_t i)
{
	struct mproc *p;
	int valid, traced;

	valid = (size_t)e->simtid < (size_t)pm->maxsimtid + 1 &&
	    pm->post_gen[e->simtid] == pm->gen + 1;
	if ((size_t)e->simtid <= (size_t)pm->maxsimtid)
		pm->post_gen[e->simtid] = 0;
	if (!valid || (p = lookup(pm, e->pid)) == NULL ||
	    e->type < KTR_SYSCALL || e->type > KTR_USER ||
	    e->error == EALREADY || e->error == EINVAL ||
	    e->error == EOWNERDEAD || e->error == ESRCH)
		return (1);		/* item 9's; not about tracing */
	traced = e->error != ENOENT;
	if (tv_bit(p, 1U << e->type) == (traced ? TV_NO : TV_YES))
		return (pfail(pm, "post %zu (tag %" PRIu32 ") of pid %d "
		    "returned %s, but by the model the process %s %s events "
		    "and nothing changed during the call", i, e->tag, e->pid,
		    traced ? "as traced" : "ENOENT", traced ? "does not trace" :
		    "traces", type_name(e->type)));
	learn_bit(p, e->type, traced);
	return (1);
}

/* An observer's ktrq_point answers, taken while nothing changed. */
static int
on_observe(struct perm *pm, const struct ev *e, size_t i)
{
	struct mproc *p;
	enum tv want;
	int t, on;

	if ((size_t)e->simtid > (size_t)pm->maxsimtid ||
	    pm->obs_gen[e->simtid] != pm->gen + 1 ||
	    (p = lookup(pm, e->pid)) == NULL)
		return (1);
	for (t = KTR_SYSCALL; t <= KTR_USER; t++) {
		on = (e->type & (1 << t)) != 0;
		want = tv_bit(p, 1U << t);
		if (want != TV_MAYBE && on != (want == TV_YES))
			return (pfail(pm, "pid %d: ktrq_point says its %s "
			    "events are %straced (event %zu), but by the calls "
			    "before they are %s", e->pid, type_name(t),
			    on ? "" : "not ", i, on ? "not" : "traced"));
	}
	for (t = KTR_SYSCALL; t <= KTR_USER; t++)
		learn_bit(p, t, (e->type & (1 << t)) != 0);
	return (1);
}

int
ktrq_harness__perm_step(struct perm *pm, size_t i, char *buf, size_t len)
{
	const struct ev *e = &pm->h->ev[i];
	size_t st = (size_t)e->simtid;

	pm->buf = buf;
	pm->len = len;
	switch (e->kind) {
	case EV_OP_BEGIN:
		return (op_begin(pm, e, i));
	case EV_OP_END:
		return (op_end(pm, e, i));
	case EV_POST_BEGIN:
		if (st <= (size_t)pm->maxsimtid)
			pm->post_gen[st] = pm->nopen == 0 ? pm->gen + 1 : 0;
		return (1);
	case EV_POST:
		return (on_post(pm, e, i));
	case EV_OBSERVE_BEGIN:
		if (st <= (size_t)pm->maxsimtid)
			pm->obs_gen[st] = pm->nopen == 0 ? pm->gen + 1 : 0;
		return (1);
	case EV_OBSERVE:
		return (on_observe(pm, e, i));
	case EV_PROBE:
		break;
	default:
		return (1);
	}
	switch (e->probe) {
	case KTRQ_PROBE_DETACH:
		on_detach(pm, e, i);
		return (1);
	case KTRQ_PROBE_CAPTURE:
		return (on_capture(pm, e, i));
	case KTRQ_PROBE_WRITE_END:
		if (e->error != 0 && pm->first_werror == 0)
			pm->first_werror = i + 1;
		return (1);
	default:
		return (1);
	}
}

int
ktrq_harness__perm_fenced(const struct perm *pm, int tgt, int pid)
{

	if (tgt < 0 || tgt > 1)
		return (0);
	if (pm->cf_all[tgt])
		return (1);
	return (pid >= 0 && pid <= pm->maxpid &&
	    pm->cf_yes[tgt][pid] == pm->cf_gen[tgt]);
}

int
ktrq_harness__perm_drop_explained(const struct perm *pm, int pid, int tgt,
    size_t capture, size_t drop)
{
	int t;

	(void)drop;
	if (pm->first_werror != 0 || pm->cf_open != 0 ||
	    pm->cf_end_all[2] > capture || pid < 0 || pid > pm->maxpid ||
	    pm->last_detach[pid] > capture)
		return (1);
	for (t = 0; t < 2; t++)
		if ((tgt < 0 || tgt == t) && (pm->cf_end_all[t] > capture ||
		    pm->cf_end[t][pid] > capture))
			return (1);
	return (0);
}

struct perm *
ktrq_harness__perm_new(const struct ktrq_harness *h, int maxpid,
    int maxsimtid)
{
	struct perm *pm;
	size_t np = (size_t)maxpid + 1, ns = (size_t)maxsimtid + 1;
	int t;

	if ((pm = calloc(1, sizeof(*pm))) == NULL)
		return (NULL);
	pm->h = h;
	pm->maxpid = maxpid;
	pm->maxsimtid = maxsimtid;
	/* Every process the model knows was made by an op. */
	pm->pcap = h->nops + 1;
	pm->p = calloc(pm->pcap, sizeof(*pm->p));
	pm->visit = calloc(pm->pcap, sizeof(*pm->visit));
	pm->verdict = calloc(pm->pcap, sizeof(*pm->verdict));
	pm->det = calloc(pm->pcap, sizeof(*pm->det));
	pm->bypid = calloc(np, sizeof(*pm->bypid));
	pm->last_detach = calloc(np, sizeof(*pm->last_detach));
	pm->open = calloc(ns + 1, sizeof(*pm->open));
	pm->post_gen = calloc(ns, sizeof(*pm->post_gen));
	pm->obs_gen = calloc(ns, sizeof(*pm->obs_gen));
	for (t = 0; t < 2; t++) {
		pm->cf_yes[t] = calloc(np, sizeof(*pm->cf_yes[t]));
		pm->cf_end[t] = calloc(np, sizeof(*pm->cf_end[t]));
	}
	if (pm->p == NULL || pm->visit == NULL || pm->verdict == NULL ||
	    pm->det == NULL ||
	    pm->bypid == NULL || pm->last_detach == NULL || pm->open == NULL ||
	    pm->post_gen == NULL || pm->obs_gen == NULL ||
	    pm->cf_yes[0] == NULL || pm->cf_yes[1] == NULL ||
	    pm->cf_end[0] == NULL || pm->cf_end[1] == NULL) {
		ktrq_harness__perm_free(pm);
		return (NULL);
	}
	return (pm);
}

void
ktrq_harness__perm_free(struct perm *pm)
{
	int t;

	if (pm == NULL)
		return;
	free(pm->p);
	free(pm->bypid);
	free(pm->last_detach);
	free(pm->open);
	free(pm->post_gen);
	free(pm->obs_gen);
	for (t = 0; t < 2; t++) {
		free(pm->cf_yes[t]);
		free(pm->cf_end[t]);
	}
	free(pm->visit);
	free(pm->verdict);
	free(pm->det);
	free(pm);
}
