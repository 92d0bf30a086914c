/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq/harness.h: libktrq's own world and oracle, for your workload.
 *
 * Inside a ktrq_sim_check() body, ktrq_harness_create() builds a libktrq
 * instance on the simulated layer with one or two in-memory "sim
 * targets" (they fail, shorten and slow writes at named fault sites) and
 * a root controller process, and from then on logs, in the one order the
 * simulated threads produced them, everything the core reports (its
 * probes and warnings) and everything the workload does through the
 * calls below.  ktrq_harness_finish() exits every process, destroys the
 * instance and judges the log and the trace bytes by every invariant the
 * built-in scenarios are judged by (docs/sim.md, "The oracle"): FIFO
 * order and one writer, per-thread order, every record read back field
 * by field as its post made it, every event written or counted
 * dropped, KTR_DROP exactly where events were lost, detach and exit
 * semantics, the pool whole at the end, the warning rule, back-pressure
 * liveness, and every ktrace(2) call's result and effect by FreeBSD
 * 2002's permission rule.  A broken invariant fails the run with its message, so
 * ktrq_sim_check prints the line that replays it.
 *
 *	static void
 *	body(const struct ktrq_os *os, void *arg)
 *	{
 *		struct ktrq_harness *h;
 *		struct ktrq_proc *p;
 *		struct ktrq_thread *td;
 *
 *		if (ktrq_harness_create(os, NULL, &h) != 0 ||
 *		    ktrq_harness_proc(h, 100, 0, &p) != 0 ||
 *		    ktrq_harness_thread(h, p, &td) != 0)
 *			ktrq_sim_fail(os, "set-up failed");
 *		... threads that call ktrq_harness_post(h, td, 0) ...
 *		ktrq_harness_finish(h);
 *	}
 *
 * The oracle sees what goes through the harness.  Post events with
 * ktrq_harness_post() (it tags each one so that every record in the
 * trace can be tied to the post that made it), and resize, fork, exit,
 * exec and ktrace(2) through their ktrq_harness_ twins; the instance itself
 * (ktrq_harness_ktrq) may be used for anything else (statistics, exec,
 * tunables).  Library: ktrq::harness (pkg-config ktrq_harness), over
 * ktrq::ktrq and ktrq::sim.
 *
 * The harness also turns on the engine's leak check for the run
 * (ktrq_sim_check_leaks): what the core allocates through the layer
 * must all be freed by the run's end.
 *
 * Concurrency: a harness belongs to one run, made and finished by the
 * same simulated thread; the calls may come from any simulated thread of that
 * run (only one runs at a time, so they need no lock of their own).  A
 * run that fails before ktrq_harness_finish abandons its harness; the
 * simulator frees it when the run is over (ktrq_sim_cleanup).
 */
#ifndef KTRQ_HARNESS_H
#define KTRQ_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "ktrq/ktrq.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ktrq_harness;

/* Bounds of what one harness can tell apart in its tags and log. */
#define	KTRQ_HARNESS_THREADS	40000	/* ktrq_harness_thread() calls */
#define	KTRQ_HARNESS_POSTS	99999	/* ktrq_harness_post() per thread */
#define	KTRQ_HARNESS_PID_MAX	1000000	/* pids of ktrq_harness_proc/fork */

/*
 * Options; ktrq_harness_opts_init() sets the defaults given after each
 * field.  Fields added later get a default there, so always call it.
 */
struct ktrq_harness_opts {
	int		 pool;		/* 4: request pool size, 1..KTRQ_POOL_MAX */
	/*
	 * 0: KTRQ_CF_GENIO_COPY and KTRQ_CF_BACKPRESSURE only.  Under
	 * back-pressure the harness sets a timeout no run reaches, so a
	 * poster still waiting at the end was never woken: the oracle
	 * says so, unless the run ends sleeps early (timeout_permille).
	 */
	unsigned	 flags;
	int		 batch_max;	/* 0: ktrq_config.batch_max */
	int		 targets;	/* 1: sim targets, 1 or 2 */
	/* 0: share of writes to target 0 that fail with EIO (permille). */
	unsigned	 fault_permille;
	/* 200: share of genio in ktrq_harness_post(h, td, 0) (permille). */
	unsigned	 sync_permille;
	/*
	 * Observer of the core's probes, NULL: none; called on the
	 * simulated thread `tid` that hit the probe, after the log, with
	 * the instance's lock held: it must not call libktrq or the
	 * harness, nor sleep.
	 */
	void		(*probe)(void *arg, const struct ktrq_probe *, int tid);
	void		*probe_arg;
	/*
	 * 0: share (permille) of the records whose write a sim target
	 * first refuses with a transient EINTR or EAGAIN, on every sim
	 * target; never more than KTRQ_TARGET_RETRIES times in a row for
	 * one record, so the core's retries always get it through (the
	 * oracle fails a write that ends with a transient error there).
	 */
	unsigned	 transient_permille;
	/*
	 * All zero: none.  Otherwise the last target (1 with two, else 0)
	 * is this fault target (ktrq_faulttarget_create) around its sim
	 * target: it fails for good after fail_after_records records or
	 * fail_after_bytes bytes with `error`, shortens and delays writes.
	 */
	struct ktrq_fault fault;
	/*
	 * 0: under KTRQ_CF_BACKPRESSURE, the timeout no run reaches (so a
	 * timeout is a lost wakeup, see flags).  Otherwise this timeout in
	 * ns: posters may then time out, and the oracle only checks that
	 * every timeout was counted as an exhaustion drop.  Without the
	 * flag it must be 0.
	 */
	uint64_t	 backpressure_ns;
	/*
	 * 0: off.  Nonzero gives every process the harness makes an
	 * observer thread, and after each ktrq_harness_ktrace reads
	 * every live process's facilities through ktrq_point (after a
	 * fork, an exec or a ktrq_harness_proc_def, the one process's),
	 * for the permission oracle to compare with its model.  The
	 * harness then runs its world-changing calls (ktrace, fork,
	 * exec, exit, making processes), each with its observation, one
	 * at a time under a mutex of its own; posts still race them.
	 */
	int		 observe;
};

/* The defaults above.  0, or EINVAL for NULL. */
int	ktrq_harness_opts_init(struct ktrq_harness_opts *);

/*
 * Make the world on `os` (a simulator's table, from a ktrq_sim_check
 * body) with `opts` (NULL: the defaults).  Returns 0, EINVAL (NULL os
 * or hp, an option out of range, or `os` not a simulator's), ENOMEM, or
 * the error of creating the instance or its targets.
 */
int	ktrq_harness_create(const struct ktrq_os *os,
	    const struct ktrq_harness_opts *opts, struct ktrq_harness **hp);

/* The instance, targets (0 or 1; NULL past the last) and controller. */
struct ktrq *ktrq_harness_ktrq(const struct ktrq_harness *);
struct ktrq_target *ktrq_harness_target(const struct ktrq_harness *,
	    int index);
/*
 * Close target `index`: the harness lets go of its reference, as a
 * program closes the file it traced to.  Processes still attached and
 * records still queued or being written keep the target alive; the last
 * of them frees it, and a sim target used after that fails the run
 * ("written after its last reference was released").  From then on
 * ktrq_harness_target(h, index) is NULL and ktrq_harness_proc returns
 * EBADF for pids that would trace to it.  0, or EINVAL (no such target,
 * closed already).
 */
int	ktrq_harness_target_close(struct ktrq_harness *, int index);

/* A root thread (pid 1, comm "ktrace") for ktrq_harness_ktrace. */
struct ktrq_thread *ktrq_harness_controller(const struct ktrq_harness *);

/*
 * A user-owned process `pid` (uid and gid 1000) in group `pgid` (0: its
 * own pid), traced by the controller to target pid % targets with
 * KTRFAC_ALL | KTRFAC_INHERIT.  0, EINVAL (pid outside 2 ..
 * KTRQ_HARNESS_PID_MAX, or a negative pgid), EBADF (that target was
 * closed), EEXIST, ENOMEM.
 */
int	ktrq_harness_proc(struct ktrq_harness *, int pid, int pgid,
	    struct ktrq_proc **pp);

/*
 * A process of given credentials, parent and group, for
 * ktrq_harness_proc_def.  ktrq_harness_procdef_init(d, pid) fills in
 * what ktrq_harness_proc makes: uid and gid 1000 (all six ids), no
 * supplementary groups, its own group, no parent, traced by the root
 * controller (so with KTRFAC_ROOT) with KTRFAC_ALL | KTRFAC_INHERIT to
 * target pid % targets.  0, or EINVAL for NULL.
 */
struct ktrq_harness_procdef {
	int			 pid;	/* 2 .. KTRQ_HARNESS_PID_MAX */
	int			 pgid;	/* its process group; 0: pid */
	struct ktrq_proc	*parent; /* NULL: none (init's children) */
	struct ktrq_cred	 cred;
	int			 ngroups; /* supplementary, 0..KTRQ_NGROUPS */
	uint32_t		 groups[KTRQ_NGROUPS];
	/*
	 * Facilities (KTRFAC_ALL and KTRFAC_INHERIT bits, at least one
	 * event type) the root controller sets when it is made, to target
	 * index `target` (-1: pid % targets); 0: untraced, and `target` is
	 * not used.
	 */
	int			 facs;
	int			 target;
};
int	ktrq_harness_procdef_init(struct ktrq_harness_procdef *d, int pid);

/*
 * Make the process `d` describes.  Its threads (ktrq_harness_thread)
 * may post, and call ktrq_harness_ktrace with its credentials: the
 * oracle judges every such call by FreeBSD 2002's rule (ktrq.h,
 * ktrq_ktrace).  0, EINVAL (a field out of range, a parent not made by
 * this harness), EBADF (facs to a target that was closed), EEXIST,
 * ENOMEM; on an error no process is left.
 */
int	ktrq_harness_proc_def(struct ktrq_harness *,
	    const struct ktrq_harness_procdef *d, struct ktrq_proc **pp);

/*
 * A thread of `p` (a process of this harness, not exited) that posts
 * through ktrq_harness_post; the harness picks its tid.  Use each from
 * one simulated thread at a time.  0, EINVAL, ENOSPC
 * (KTRQ_HARNESS_THREADS made), ENOMEM.
 */
int	ktrq_harness_thread(struct ktrq_harness *, struct ktrq_proc *p,
	    struct ktrq_thread **tdp);

/*
 * Post one tagged event from `td` (a ktrq_harness_thread) of `type`:
 * KTR_SYSCALL, KTR_SYSRET, KTR_NAMEI, KTR_GENIO, KTR_PSIG, KTR_CSW or
 * KTR_USER, or 0 for a seeded mix (sync_permille genio, the rest
 * chosen through ktrq_sim_choose).  Returns the event point's outcome
 * (ktrq/ktrq.h, "Event points"); EINVAL for a thread the harness did not
 * make or an unknown type, ENOSPC past KTRQ_HARNESS_POSTS (nothing
 * posted either way).
 */
int	ktrq_harness_post(struct ktrq_harness *, struct ktrq_thread *td,
	    int type);

/*
 * ktrq_pool_resize, ktrq_proc_fork, ktrq_proc_exit, ktrq_proc_exec and
 * ktrq_ktrace, logged for the oracle; same arguments and results, and
 * EINVAL for a parent or process that is not a live one of this
 * harness.  Join the simulated threads that post for a process before
 * ktrq_harness_exit (as the kernel single-threads a process before
 * exit): a post racing the exit returns ESRCH, which the oracle counts
 * as a lost event.  After the exit the process's threads are gone:
 * posting on them returns EINVAL.  The caller of ktrq_harness_ktrace is
 * `td`'s process: a ktrq_harness_thread, or the controller.  The oracle
 * models every process's tracing (facilities, KTRFAC_ROOT and
 * KTRFAC_INHERIT, target, set-id, parent, group) through these calls,
 * and checks each ktrace's result, the processes it detached, and the
 * tracing its posts and observations meet; so change tracing and
 * credentials only through the harness (a direct ktrq_ktrace,
 * ktrq_proc_exec or ktrq_proc_setgroups would make the model wrong).
 */
int	ktrq_harness_resize(struct ktrq_harness *, int size, int *oldp);
int	ktrq_harness_fork(struct ktrq_harness *, struct ktrq_proc *parent,
	    int pid, struct ktrq_proc **childp);
int	ktrq_harness_exit(struct ktrq_harness *, struct ktrq_proc *p);
int	ktrq_harness_exec(struct ktrq_harness *, struct ktrq_proc *p,
	    const char *comm, int setid);
int	ktrq_harness_ktrace(struct ktrq_harness *, struct ktrq_thread *td,
	    struct ktrq_target *t, int ops, int facs, int pid);

/* What ktrq_harness_end found. */
struct ktrq_harness_result {
	int		 ok;		/* every invariant held */
	char		 verdict[2048];	/* the first broken one, "" if ok */
	struct ktrq_stats stats;	/* after every exit, before destroy */
	uint64_t	 records;	/* whole records in the trace */
	uint8_t		*trace;		/* the ktrace.out bytes, malloc'ed */
	size_t		 trace_len;
};

/*
 * Exit every process not yet exited (in the order they were made, the
 * controller last), destroy the instance, judge, free the harness.
 * Returns 0 with *res filled (free it with ktrq_harness_result_fini), or
 * EINVAL for NULL arguments.
 */
int	ktrq_harness_end(struct ktrq_harness *, struct ktrq_harness_result *res);
void	ktrq_harness_result_fini(struct ktrq_harness_result *);

/* ktrq_harness_end, then fail the run with the verdict if one broke. */
void	ktrq_harness_finish(struct ktrq_harness *);

/*
 * The log so far, one line per event (for a report of a failed run):
 * malloc'ed text (the caller frees it), NULL when out of memory.  The
 * log lives until the run is over, so it can be read after
 * ktrq_harness_end as well, from the run's simulated threads.
 */
char	*ktrq_harness_events(const struct ktrq_harness *);

#ifdef __cplusplus
}
#endif

#endif /* !KTRQ_HARNESS_H */
