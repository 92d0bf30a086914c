/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Two wrong states no caller of a real program can avoid: a child
 * forked after the instance was made, and an event raised while the
 * core is already working for the same thread.  Both on a side instance
 * on the scenarios' layer (layer.h), which plays the child (its
 * os->forked() is 1 for this thread alone, and any other layer call from
 * it fails the run) and raises events from inside mutex entries, as a
 * kernel's context switch would.
 *
 *  - In the child every call returns EOWNERDEAD after its argument
 *    checks (ktrq_point 0, ktrq_proc_pid the pid), and nothing is
 *    counted: the parent's statistics are the same after, and its
 *    instance goes on working.
 *  - A nested event point returns EALREADY (ktrq_point 0) and is not
 *    counted; the outer event is written as usual.
 *
 * The instance's allocations are the layer's: at the end it must have
 * freed every byte and mutex.
 */
#include <errno.h>
#include <string.h>

#include "ktrq/ktrq.h"
#include "ktrq/sim.h"
#include "actors.h"
#include "layer.h"

struct side {
	const struct ktrq_os	*os;		/* the simulator's */
	struct scn_layer	 l;
	struct ktrq		*k;
	struct ktrq_target	*mt;
	struct ktrq_proc	*root, *user;
	struct ktrq_thread	*rtd, *utd;
	unsigned		 nested;	/* nested calls made */
	unsigned		 outside;	/* ... of them posted after the point */
};

static const struct ktrq_cred root_cred = { 0, 0, 0, 0, 0, 0 };
static const struct ktrq_cred user_cred = { 1000, 1000, 1000, 1000, 1000,
    1000 };

#define	WANT(s, call, want)	scn_want((s)->os, (call), (want), #call)

static void
side_make(struct side *s)
{
	struct ktrq_config cf;

	ktrq_config_init(&cf, &s->l.os);
	cf.pool_size = 16;
	WANT(s, ktrq_create(&cf, &s->k), 0);
	WANT(s, ktrq_memtarget_create(&s->l.os, &s->mt), 0);
	WANT(s, ktrq_proc_create(s->k, 1, NULL, 1, "init", &root_cred,
	    &s->root), 0);
	WANT(s, ktrq_proc_create(s->k, 2, s->root, 2, "child", &user_cred,
	    &s->user), 0);
	WANT(s, ktrq_thread_create(s->root, 1, &s->rtd), 0);
	WANT(s, ktrq_thread_create(s->user, 2, &s->utd), 0);
	WANT(s, ktrq_ktrace(s->rtd, s->mt, KTROP_SET, KTRFAC_ALL, 2), 0);
}

static void
side_end(struct side *s)
{

	WANT(s, ktrq_proc_exit(s->user), 0);
	WANT(s, ktrq_destroy(s->k), 0);		/* exits the root */
	ktrq_target_rele(s->mt);
	if (s->l.live != 0 || s->l.mutexes != 0)
		ktrq_sim_fail(s->os, "scenario: the side instance left %llu "
		    "bytes and %lld mutexes", (unsigned long long)s->l.live,
		    (long long)s->l.mutexes);
}

/* ---- the forked child ---- */

static void
child_events(struct side *s)
{
	static const uint64_t args[1] = { 1 };
	static const uint32_t mask[4];
	struct ktrq_thread *td = s->utd;

	WANT(s, ktrq_syscall(td, 1, -1, args), EINVAL);	/* args first */
	WANT(s, ktrq_syscall(td, 1, 1, args), EOWNERDEAD);
	WANT(s, ktrq_sysret(td, 1, 0, 0), EOWNERDEAD);
	WANT(s, ktrq_namei(td, "/x"), EOWNERDEAD);
	WANT(s, ktrq_psig(td, 1, 0, 0, mask), EOWNERDEAD);
	WANT(s, ktrq_csw(td, 1, 1), EOWNERDEAD);
	WANT(s, ktrq_utrace(td, "u", 1), EOWNERDEAD);
	WANT(s, ktrq_genio(td, 1, 1, "g", 1), EOWNERDEAD);
	WANT(s, ktrq_point(td, KTR_SYSCALL), 0);
}

static void
child_calls(struct side *s)
{
	struct ktrq_config cf;
	struct ktrq_stats st;
	struct ktrq_proc *p = NULL;
	struct ktrq_thread *td = NULL;
	struct ktrq *k2 = NULL;
	int old = -7;

	ktrq_config_init(&cf, &s->l.os);
	WANT(s, ktrq_create(&cf, &k2), EOWNERDEAD);
	WANT(s, ktrq_destroy(s->k), EOWNERDEAD);
	WANT(s, ktrq_stats(s->k, &st), EOWNERDEAD);
	WANT(s, ktrq_pool_resize(s->k, 3, &old), EOWNERDEAD);
	WANT(s, ktrq_proc_create(s->k, 3, NULL, 3, "c", &user_cred, &p),
	    EOWNERDEAD);
	WANT(s, ktrq_proc_fork(s->user, 4, &p), EOWNERDEAD);
	WANT(s, ktrq_proc_exit(s->user), EOWNERDEAD);
	WANT(s, ktrq_proc_exec(s->user, "x", 1), EOWNERDEAD);
	WANT(s, ktrq_proc_setgroups(s->user, 0, NULL), EOWNERDEAD);
	WANT(s, ktrq_proc_pid(s->user), 2);
	WANT(s, ktrq_thread_create(s->user, 9, &td), EOWNERDEAD);
	WANT(s, ktrq_thread_destroy(s->utd), EOWNERDEAD);
	WANT(s, ktrq_ktrace(s->utd, s->mt, KTROP_SET, KTRFAC_ALL, 2),
	    EOWNERDEAD);
	child_events(s);
	if (old != -7 || p != NULL || td != NULL || k2 != NULL)
		ktrq_sim_fail(s->os, "scenario: a forked child's call wrote "
		    "its output");
}

static void
forked_child(struct side *s)
{
	struct ktrq_stats before, after;

	WANT(s, ktrq_syscall(s->utd, 1, 0, NULL), 0);
	WANT(s, ktrq_stats(s->k, &before), 0);
	s->l.child = s->l.in->thread_self(s->l.in->cookie);
	child_calls(s);
	s->l.child = 0;
	WANT(s, ktrq_stats(s->k, &after), 0);
	if (after.posted != before.posted)
		ktrq_sim_fail(s->os, "scenario: the forked child's events were "
		    "counted (%llu posted before, %llu after)",
		    (unsigned long long)before.posted,
		    (unsigned long long)after.posted);
	WANT(s, ktrq_syscall(s->utd, 1, 0, NULL), 0);	/* the parent goes on */
}

/* ---- nested event points ---- */

/*
 * A lock taken by td from inside an event point: an event raised there
 * is nested and suppressed.  td also takes locks after its event point
 * ended (it left in its last k_mtx section, then releases what the
 * request left, a target's lock included): an event raised there is an
 * event like any other, and counted.  KTRPOINT tells the two apart.
 */
static void
nest(void *arg)
{
	struct side *s = arg;
	static const uint64_t args[1] = { 2 };
	int inside;

	inside = ktrq_point(s->utd, KTR_SYSCALL) == 0;
	s->outside += !inside;
	switch (s->nested++ % 3) {
	case 0:
		WANT(s, ktrq_syscall(s->utd, 1, 1, args), inside ? EALREADY :
		    0);
		break;
	case 1:
		WANT(s, ktrq_genio(s->utd, 1, 0, "n", 1), inside ? EALREADY :
		    0);
		break;
	default:
		s->outside -= !inside;	/* posted nothing */
		break;
	}
}

static void
nested_events(struct side *s)
{
	static const uint32_t mask[4] = { 1, 2, 3, 4 };
	struct ktrq_stats before, after;

	WANT(s, ktrq_stats(s->k, &before), 0);
	s->l.nest = nest;
	s->l.nest_arg = s;
	s->l.nest_self = s->l.in->thread_self(s->l.in->cookie);
	WANT(s, ktrq_syscall(s->utd, 1, 0, NULL), 0);
	WANT(s, ktrq_genio(s->utd, 1, 1, "outer", 5), 0);
	WANT(s, ktrq_psig(s->utd, 3, 0, 0, mask), 0);
	s->l.nest = NULL;
	WANT(s, ktrq_stats(s->k, &after), 0);
	if (s->nested < 3 || after.posted != before.posted + 3 + s->outside)
		ktrq_sim_fail(s->os, "scenario: %u nested events (%u after "
		    "their event point), %llu posted for 3 outer ones",
		    s->nested, s->outside,
		    (unsigned long long)(after.posted - before.posted));
}

void
scn_bad_child(const struct ktrq_os *os, struct ktrq *run)
{
	static struct side zero;
	struct ktrq_proc *p = NULL;
	struct side s = zero;

	s.os = os;
	scn_layer_init(&s.l, os);
	side_make(&s);
	forked_child(&s);
	nested_events(&s);
	/* A parent must be of the same instance. */
	WANT(&s, ktrq_proc_create(run, 95, s.user, 95, "x", &user_cred, &p),
	    EINVAL);
	side_end(&s);
}
