/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The harness's insides, shared by its files: the world of one run (an
 * instance, its targets and processes) and the one totally ordered log
 * of events -- the core's probes, the workload's posts and actions, the
 * log lines -- that the oracle judges.  Only one simulated thread runs
 * at a time, so appending to the log and growing the tables need no
 * lock.  Memory is the host's (malloc), not the layer's: the layer's is
 * what the leak check counts.
 */
#ifndef KTRQ_HARNESS_IMPL_H
#define KTRQ_HARNESS_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "ktrq/harness.h"
#include "ktrq/ktrq.h"
#include "ktrq/sim.h"

enum ev_kind {
	EV_PROBE,		/* a ktrq_probe */
	EV_POST,		/* an event point returned `error` */
	EV_RESIZE_BEGIN,	/* `error`: the size asked */
	EV_RESIZE_END,		/* ... and `pid`: what the call returned */
	EV_WARN,		/* "Out of ktrace request objects." */
	EV_WRITEFAIL,		/* "ktrace write failed, ..." */
	EV_EXIT_END,		/* ktrq_proc_exit(pid) returned */
	EV_TWRITE,		/* a record starts into target `error` */
	EV_CLEARFILE_BEGIN,	/* CLEARFILE of target `error` called */
	EV_CLEARFILE_END,	/* ... and returned */
	EV_KTRACE,		/* ktrace(2) on `pid` (0: CLEARFILE) begins,
				   `error` holds its ops */
	EV_FORK,		/* `pid` forked from `error` */
	EV_EXIT_BEGIN,		/* ktrq_proc_exit(pid) called */
	EV_KTRACE_END,		/* the ktrace(2) call returned */
	EV_EXEC,		/* `pid` execs (`error`: set-id) */
	EV_EXEC_END,
	/*
	 * The world-changing calls, for the permission oracle (perm.c):
	 * op `serial` (an index into ops[]) of kind `type` begins, and
	 * ends with result `error`.
	 */
	EV_OP_BEGIN,
	EV_OP_END,
	EV_OBSERVE_BEGIN,	/* an observer reads facilities ... */
	EV_OBSERVE,		/* ... of `pid`: `type` has bit t for type t */
	EV_POST_BEGIN		/* a harness post of `type` starts */
};

/* What a world-changing call was: its arguments and result. */
enum hop_kind { HOP_PROC, HOP_KTRACE, HOP_FORK, HOP_EXEC, HOP_EXIT };

struct hop {
	int		 kind;		/* enum hop_kind */
	int		 pid;		/* made, ktrace's pid, child, exec'd,
					   exiting */
	int		 caller;	/* ktrace: the caller's pid, 0 not
					   known, -1 no thread; fork: the
					   parent's */
	int		 ops, facs;	/* ktrace */
	int		 tgt;		/* ktrace, proc: target index; -1
					   none (NULL), -2 another's */
	int		 pgid;		/* proc */
	int		 parent;	/* proc: the parent's pid, 0 none */
	int		 setid;		/* exec */
	int		 result;
	int		 made;		/* proc, fork: the process exists */
	struct ktrq_cred cred;		/* proc */
	int		 ngroups;
	uint32_t	 groups[KTRQ_NGROUPS];
};

struct ev {
	uint8_t		 kind;		/* enum ev_kind */
	uint8_t		 probe;		/* enum ktrq_probe_kind */
	uint8_t		 sync;
	int		 simtid;	/* who produced it */
	uint32_t	 tag;		/* the poster's current event tag */
	uint64_t	 serial;
	int		 pid;
	int64_t		 tid;
	int		 type;
	int		 error;		/* probe error, or post outcome */
	int		 tgt;		/* probe: its target's index, -1 */
	uint32_t	 aux;		/* post: narg, or the data's length */
};

/* A tag is poster index * TAG_STRIDE + the poster's sequence number. */
#define	TAG_STRIDE	100000
#define	TID_BASE	100000		/* tid of poster i: TID_BASE + i */
#define	PID_CTL		1
/* Back-pressure timeout: far past any run's end. */
#define	BP_FOREVER_NS	(1ULL << 62)

struct simtgt;

struct hposter {
	struct ktrq_thread	*td;		/* NULL once its process exited */
	struct ktrq_proc	*proc;
	int			 pid;
	uint32_t		 seq;		/* posts so far */
};

struct ktrq_harness {
	const struct ktrq_os	*os;
	struct ktrq_harness_opts o;
	struct ktrq		*k;
	int			 ended;
	int			 early_timeouts; /* sleeps may end early */

	struct ev		*ev;
	size_t			 nev;
	size_t			 evcap;
	uint32_t		*cur_tag;	/* by simulated thread id */
	size_t			 ncur_tag;

	struct ktrq_target	*mem;		/* the stream both share */
	struct ktrq_target	*tgt[2];	/* the harness's references;
						   NULL once closed */
	const void		*tgtid[2];	/* identities, for probes */
	struct simtgt		*simtgts[2];	/* freed with the harness */
	int			 ntgt;
	struct ktrq_proc	*ctl;
	struct ktrq_thread	*ctltd;
	struct ktrq_proc	**procs;	/* made, in order; NULL: exited */
	struct ktrq_thread	**obs;		/* procs[i]'s observer, or NULL */
	size_t			 nprocs;
	size_t			 procap;
	size_t			 obscap;
	struct ktrq_thread	*ctlobs;	/* the controller's observer */
	struct ktrq_os_mtx	*opmtx;		/* observe: one op at a time */
	struct hop		*ops;		/* world-changing calls */
	size_t			 nops;
	size_t			 opcap;
	struct hposter		*posters;	/* [0] unused */
	size_t			 nposters;
	size_t			 postcap;

	struct ktrq_stats	 quiet;		/* after every exit */
	int			 have_quiet;
	uint8_t			*trace;
	size_t			 trace_len;
};

/* log.c */
void	ktrq_harness__log(struct ktrq_harness *, const struct ev *);
void	ktrq_harness__log_simple(struct ktrq_harness *, enum ev_kind, int pid,
	    int error);
void	ktrq_harness__set_tag(struct ktrq_harness *, uint32_t tag);
void	ktrq_harness__probe(void *arg, const struct ktrq_probe *);
void	ktrq_harness__logline(void *arg, int level, const char *msg);
/* Grow *p (of *cap elements of `size`) to hold n; 0 or ENOMEM. */
int	ktrq_harness__grow(void *p, size_t *cap, size_t n, size_t size);

/* world.c: 1 when `p` is a process of h not yet exited. */
int	ktrq_harness__proc_live(const struct ktrq_harness *,
	    const struct ktrq_proc *p);
/* world.c: append `p` to procs (and a NULL observer); 0 or ENOMEM. */
int	ktrq_harness__remember(struct ktrq_harness *, struct ktrq_proc *p);

/*
 * ops.c: the world-changing calls, bracketed for the oracle.  op_lock
 * and op_unlock take the harness's op mutex when observing; op_begin
 * logs op `*op` (copied) and returns its index; op_end logs its result.
 * observe logs what ktrq_point says of process `pid`'s facilities (0:
 * of every live process) when observing.
 */
void	ktrq_harness__op_lock(struct ktrq_harness *);
void	ktrq_harness__op_unlock(struct ktrq_harness *);
size_t	ktrq_harness__op_begin(struct ktrq_harness *, const struct hop *op);
void	ktrq_harness__op_end(struct ktrq_harness *, size_t idx, int result,
	    int made);
void	ktrq_harness__observe(struct ktrq_harness *, int pid);
/* Give procs[i] (or, for i == -1, the controller) its observer. */
int	ktrq_harness__observer(struct ktrq_harness *, long i);
/* The pid of the process `td` belongs to if the harness made it, else
   0; -1 for NULL. */
int	ktrq_harness__caller(const struct ktrq_harness *,
	    const struct ktrq_thread *td);

/*
 * faults.c: put target `index` behind a fault target with the options'
 * limits, when they are set (the fault target holds the sim target).
 * 0 or the error of making it.  Is the fault target on, and is its
 * errno a transient one (which the core may then end a write with)?
 */
int	ktrq_harness__fault_wrap(struct ktrq_harness *, int index);
int	ktrq_harness__fault_on(const struct ktrq_harness_opts *);
int	ktrq_harness__transient(int error);

/* simtgt.c */
int	ktrq_harness__simtgt_create(struct ktrq_harness *, int index,
	    int faulty, struct ktrq_target **tp);
void	ktrq_harness__simtgt_forget(struct simtgt *);

/*
 * decode.c: does record `h` (payload `pl`) say, field by field, what the
 * harness posted with `tag` and the post's `aux`?  1, or 0 with why.
 */
int	ktrq_harness__check_record(const struct ktrq_rec_hdr *h,
	    const uint8_t *pl, uint32_t tag, uint32_t aux, char *buf,
	    size_t len);

/*
 * perm.c: the permission oracle, fed every event of the log in order by
 * oracle.c (step: 1, or 0 with the first failure in buf).  fenced: does
 * the last CLEARFILE of target `tgt` reach records of `pid` (the caller
 * could change it)?  drop_explained: may a queued request of `pid` for
 * `tgt` (-1: not known), captured at event capture - 1, have been
 * dropped unwritten at event `drop` (a detach, a write error, a
 * CLEARFILE its caller could apply to it)?
 */
struct perm;
struct perm *ktrq_harness__perm_new(const struct ktrq_harness *, int maxpid,
	    int maxsimtid);
int	ktrq_harness__perm_step(struct perm *, size_t i, char *buf,
	    size_t len);
int	ktrq_harness__perm_fenced(const struct perm *, int tgt, int pid);
int	ktrq_harness__perm_drop_explained(const struct perm *, int pid,
	    int tgt, size_t capture, size_t drop);
void	ktrq_harness__perm_free(struct perm *);

/* oracle.c: 1 when every invariant held; else 0 and the first failure. */
int	ktrq_harness__oracle(const struct ktrq_harness *, char *buf,
	    size_t len);
/* The tag carried by a decoded record's payload, or -1 (CSW: none). */
long long ktrq_harness__record_tag(int type, const uint8_t *payload,
	    size_t len);

#endif /* !KTRQ_HARNESS_IMPL_H */
