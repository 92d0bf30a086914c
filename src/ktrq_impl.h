/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internals of a libktrq instance, shared by the core's files.
 *
 * Locking (one instance mutex, k_mtx, as ktrace_mtx in 2002):
 *
 *   k_mtx guards	the free list, the todo list (k_front and
 *			k_todo), the pool size, the warning flag, the
 *			statistics, the worker's flags;
 *			every process's target, flags, comm, trace
 *			generation, queued-record count and supplementary
 *			groups; every queued
 *			request's state and cleared mark.  A process's pid
 *			and credentials never change after creation and are
 *			read without a lock.
 *   k_proctree_mtx	the process tree (parents, children, groups).  The
 *			list of all processes and each process's thread
 *			list change with both locks held, so either one is
 *			enough to walk them (the worker walks the processes,
 *			an exit its threads, under k_mtx alone; the worker
 *			never takes k_proctree_mtx).
 *   k_resize_mtx	serialises pool resizes.
 *   t_mtx		nothing but a retry's pause (a target's reference
 *			count is atomic, target.c).
 *
 * Order: k_proctree_mtx, k_resize_mtx -> k_mtx.  Nothing is
 * allocated or freed, no target is written and no target reference is
 * released with k_mtx held.
 *
 * The todo list is two lists in a row: k_front, which only the worker
 * changes (it moves all of k_todo there in one step, and takes from its
 * head), then k_todo, where posters append.  So the worker may read
 * k_front's links, and what a queued request never changes (everything
 * but its cleared mark), without k_mtx: it does, to plan a batch before
 * it cuts it off the list (batch.c).  Whoever marks queued requests
 * cleared walks both (ktrq__todo_next), so a request cut off is marked
 * by no one.
 *
 * A request is in exactly one place: on the free list, on the todo list,
 * a thread's spare (td_spare: filled by its thread before an async post),
 * in the hands of a poster filling it (a genio), or in the hands of the
 * writer (the worker, or a synchronous poster while the worker waits).
 * Requests only move under k_mtx; a post exchanges its thread's filled
 * spare for an object of the free list in the same section.
 *
 * A thread is inside an event point from its first touch of the thread
 * to its last k_mtx section, and says so in td_inktrace (the recursion
 * guard): raised before anything else, lowered under k_mtx as the last
 * touch of the thread, its process or the instance.  An exit waits until
 * no thread of its process is inside (and nothing of it is queued), a
 * destroy until no thread at all is, so neither frees what a poster is
 * still using; an event point of an exiting process that starts while
 * they wait takes nothing (ESRCH).
 */
#ifndef KTRQ_IMPL_H
#define KTRQ_IMPL_H

#include "ktrq/ktrq.h"
#include "queue.h"

#ifndef KTRQ_REQUEST_POOL
#define	KTRQ_REQUEST_POOL	100
#endif

/* Process flags (p_flag). */
#define	P_SUGID		0x0001	/* set-id image: only root may trace */
#define	P_EXITING	0x0002

/* Request states (kr_state), for the synchronous handshake. */
enum kr_state {
	KR_FILLING,		/* owned by its poster, not yet queued */
	KR_QUEUED,		/* on the todo list */
	KR_WRITING		/* taken; its writer is writing it */
};

/*
 * A pooled request: what the record's header needs, captured from the
 * poster, then kr_payload -- the record's fixed part in its wire form and,
 * when it fits, the data right after it, so that the common record goes
 * out as two pieces (header, payload).  Larger data lives in kr_data
 * (allocated, or the genio poster's own buffer).  The payload area is
 * k_inline bytes long; the whole object is 256 bytes by default (LP64).
 */
struct ktr_request {
	STAILQ_ENTRY(ktr_request) kr_list;
	struct ktrq_proc	*kr_proc;	/* for exit's drain count */
	struct ktrq_target	*kr_target;	/* referenced; NULL: cleared */
	const void		*kr_data;	/* data after the payload */
	uint64_t		 kr_serial;	/* todo-entry order, from 1 */
	int64_t			 kr_tid;
	uint64_t		 kr_ns;		/* capture time */
	uint32_t		 kr_tracegen;	/* p_tracegen at capture */
	uint32_t		 kr_datalen;	/* bytes at kr_data */
	struct ktrq_cred	 kr_cred;	/* the poster's, by value */
	int32_t			 kr_pid;
	uint16_t		 kr_type;	/* with KTR_DROP */
	uint16_t		 kr_plen;	/* bytes in kr_payload */
	uint8_t			 kr_state;	/* enum kr_state */
	uint8_t			 kr_sync;	/* poster writes it (genio) */
	uint8_t			 kr_cleared;	/* detached: drop, don't write */
	uint8_t			 kr_ownbuf;	/* kr_data is ours to free */
	char			 kr_comm[KTRQ_REC_COMM_SIZE];
	uint8_t			 kr_payload[];
};

/* Worker sleep states (k_wsleep). */
#define	KW_RUNNING	0
#define	KW_WAITING	1	/* timed: for a batch to gather */
#define	KW_IDLE		2	/* untimed: nothing queued for a while */

/* Released after dropping k_mtx: a target reference, a payload buffer. */
struct ktr_leftovers {
	struct ktrq_target	*target;
	void			*buf;
	size_t			 buflen;
};

/*
 * The worker's batch: the records of one gathered write and its scratch
 * space, allocated with the instance and touched by the worker alone.
 * b_take is the run cut from the todo list's head, in order and still
 * linked (so it goes back to the pool in one step); b_req those of it
 * not cleared, the ones written.  What finishing them needs under k_mtx
 * is worked out before (b_err, the counts, b_run: the run's processes),
 * so that the section is a few stores.  b_lo collects what finished
 * requests leave behind, released after the worker next drops k_mtx
 * (after the next cut, or before it sleeps): one batch's worth at most.
 */
struct ktr_run {
	struct ktrq_proc	*proc;
	unsigned		 n;
};

struct ktr_batch {
	struct ktr_request	*b_take[KTRQ_BATCH_MAX];
	int			 b_ntake;
	int			 b_draining;	/* a wakeup's worth came */
	struct ktr_request	*b_req[KTRQ_BATCH_MAX];
	int			 b_n;
	int			 b_error;	/* the write's */
	size_t			 b_done;	/* bytes the target took */
	int			 b_err[KTRQ_BATCH_MAX];	/* per b_take */
	uint32_t		 b_nwritten, b_ncleared, b_nfailed;
	struct ktr_run		 b_run[KTRQ_BATCH_MAX];
	int			 b_nrun;
	int			 b_nlo;
	struct ktr_leftovers	 b_lo[KTRQ_BATCH_MAX];
	struct ktrq_iov		 b_iov[KTRQ_TARGET_IOVMAX];
	uint8_t			 b_hdr[KTRQ_BATCH_MAX][KTRQ_REC_HDR_V1_SIZE];
};

STAILQ_HEAD(ktr_reqlist, ktr_request);
LIST_HEAD(ktrq_proclist, ktrq_proc);

struct ktrq_proc {
	struct ktrq		*p_ktrq;
	LIST_ENTRY(ktrq_proc)	 p_list;	/* all processes */
	LIST_ENTRY(ktrq_proc)	 p_sibling;
	struct ktrq_proclist	 p_children;
	struct ktrq_proc	*p_pptr;
	int			 p_pid;
	int			 p_pgid;
	int			 p_flag;	/* P_* */
	char			 p_comm[KTRQ_REC_COMM_SIZE];
	struct ktrq_cred	 p_cred;
	int			 p_ngroups;	/* supplementary; k_mtx */
	uint32_t		 p_groups[KTRQ_NGROUPS];
	unsigned		 p_traceflag;	/* KTRFAC_* */
	struct ktrq_target	*p_target;	/* referenced, or NULL */
	unsigned		 p_nqueued;	/* requests not yet finished */
	uint64_t		 p_tracegen;	/* bumped at every detach */
	LIST_HEAD(, ktrq_thread) p_threads;
};

struct ktrq_thread {
	struct ktrq_proc	*td_proc;
	LIST_ENTRY(ktrq_thread)	 td_link;
	int64_t			 td_tid;
	int			 td_inktrace;	/* inside an event point */
	struct ktr_request	*td_spare;	/* the thread's alone */
};

/*
 * td_inktrace is written by its thread alone -- raised on entering an
 * event point, before anything else and without a lock, lowered under
 * k_mtx -- and read under k_mtx by an exit or a destroy on another
 * thread: hence relaxed atomics (plain loads and stores on the usual
 * hosts; the order that matters is k_mtx's).  A thread found inside is
 * waited for.  One that enters after the last look finds P_EXITING in
 * its first section and takes nothing, but only if the exit has not
 * freed it by then: that is the caller's rule that no event point
 * starts once exit or destroy may be done.
 */
static inline int
ktrq__guard_up(const struct ktrq_thread *td)
{

	return (__atomic_load_n(&td->td_inktrace, __ATOMIC_RELAXED));
}

static inline void
ktrq__guard_set(struct ktrq_thread *td, int up)
{

	__atomic_store_n(&td->td_inktrace, up, __ATOMIC_RELAXED);
}

/*
 * The fields fall in three groups, each on cache lines of its own (the
 * padding keeps them 64 bytes apart whatever the allocator's alignment):
 * what is set at creation and read by all; what every post writes; what
 * the worker writes.  A post and the worker's sections then share only
 * the lines they must (the free list and the todo count): a finish or a
 * cut does not evict the rest of what the next post touches.
 */
struct ktrq {
	const struct ktrq_os	*k_os;
	struct ktrq_os_mtx	*k_mtx;
	struct ktrq_os_mtx	*k_proctree_mtx;
	struct ktrq_os_mtx	*k_resize_mtx;
	struct ktrq_os_thread	*k_worker;
	void			(*k_log)(void *, int, const char *);
	void			*k_log_arg;
	size_t			 k_genio_size;
	unsigned		 k_flags;	/* KTRQ_CF_* */
	void			(*k_probe)(void *, const struct ktrq_probe *);
	void			*k_probe_arg;
	int			 k_batch_max;	/* records per write */
	size_t			 k_inline;	/* payload bytes per request */
	uint64_t		 k_bp_ns;	/* back-pressure wait, 0: off */
	struct ktr_batch	*k_batch;	/* the worker's */
	struct ktrq_proclist	 k_procs;
	char			 k_pad0[64];

	/* Written by posts. */
	uint64_t		 k_serial;	/* last enqueued */
	uint64_t		 k_posted;	/* ktrq_stats' posted */
	struct ktr_reqlist	 k_free;	/* LIFO */
	struct ktr_reqlist	 k_todo;	/* FIFO: the rest; posters append */
	uint32_t		 k_pool_size;
	uint32_t		 k_nfree;
	uint32_t		 k_ntodo;
	int			 k_warn;	/* exhaustion warning armed */
	int			 k_wsleep;	/* KW_*: worker on k_todo */
	unsigned		 k_nbpwait;	/* posters waiting for objects */
	char			 k_pad1[64];

	/* Written by the worker. */
	struct ktr_reqlist	 k_front;	/* FIFO: todo's front (worker) */
	int			 k_shutdown;
	int			 k_hurry;	/* kicked: no gathering */
	int			 k_syncbusy;	/* a sync poster is writing */
	struct ktrq_stats	 k_st;		/* counters but posted */
};

/* Instance helpers (instance.c). */
#define	KTRQ_LOCK(k)	ktrq__lock((k)->k_os, (k)->k_mtx)
#define	KTRQ_UNLOCK(k)	ktrq__unlock((k)->k_os, (k)->k_mtx)
#define	KTRQ_ASSERT_LOCKED(k)	\
	KTRQ_ASSERT((k), (k)->k_os->mtx_owned((k)->k_os->cookie, (k)->k_mtx))
void	ktrq__lock(const struct ktrq_os *, struct ktrq_os_mtx *);
void	ktrq__unlock(const struct ktrq_os *, struct ktrq_os_mtx *);
int	ktrq__sleep(struct ktrq *, const void *chan, const char *wmesg);
int	ktrq__timedsleep(struct ktrq *, const void *chan, const char *wmesg,
	    uint64_t ns);
void	ktrq__wakeup(struct ktrq *, const void *chan);
void	ktrq__log(struct ktrq *, int level, const char *msg);
void	ktrq__log_errno(struct ktrq *, int level, const char *prefix,
	    int error, const char *suffix);
/*
 * Nonzero in a child forked after the instance's layer was made: every
 * public call then returns EOWNERDEAD before touching a lock.
 */
int	ktrq__forked(const struct ktrq *);

/*
 * Core assertions stay on in every build: a broken invariant here means
 * reordered or lost records, which must stop the program, not corrupt a
 * trace.  The layer's panic reports it and does not return.  The test
 * is a function of its own so that its panic side, which no run may
 * take, is one line the coverage count leaves out (docs/sim.md,
 * "Coverage"), not a branch at every assertion.
 */
void	ktrq__panic(const struct ktrq_os *, const char *expr,
	    const char *file, int line);

static inline void
ktrq__assert(const struct ktrq_os *os, int ok, const char *expr,
    const char *file, int line)
{

	if (!ok)	/* LCOV_EXCL_BR_LINE: only a broken invariant */
		ktrq__panic(os, expr, file, line);	/* LCOV_EXCL_LINE */
}

#define	KTRQ_ASSERT(k, e)						\
	ktrq__assert((k)->k_os, (e) != 0, #e, __FILE__, __LINE__)

/* Fire a probe, when one is set (request.c). */
#define	KTRQ_PROBE(k, kind, req, error) do {				\
	if ((k)->k_probe != NULL)					\
		ktrq__probe((k), (kind), (req), (error));		\
} while (0)
void	ktrq__probe(struct ktrq *, enum ktrq_probe_kind,
	    const struct ktr_request *, int error);
void	ktrq__probe_proc(struct ktrq *, enum ktrq_probe_kind,
	    const struct ktrq_proc *, int64_t tid, int type, int error);

/* Pool (pool.c). */
int	ktrq__pool_init(struct ktrq *, uint32_t size);
void	ktrq__pool_fini(struct ktrq *);
struct ktr_request *ktrq__pool_get(struct ktrq *);
struct ktr_request *ktrq__pool_wait(struct ktrq *, struct ktrq_thread *,
	    int type, int *outcome);
size_t	ktrq__request_size(const struct ktrq *);
struct ktr_request *ktrq__request_alloc(struct ktrq *);
void	ktrq__request_free(struct ktrq *, struct ktr_request *);
void	ktrq__pool_put(struct ktrq *, struct ktr_request *);
void	ktrq__pool_put_run(struct ktrq *, struct ktr_request *first,
	    struct ktr_request *last, uint32_t n);
int	ktrq__pool_exhausted(struct ktrq *, struct ktrq_proc *, int nomem);

/* Requests from taking to freeing (request.c). */
/* Internal outcome: the request's target was detached; never returned. */
#define	KTRQ__ECLEARED	(-1)
/* Internal: a post waited for its object (back-pressure); never returned. */
#define	KTRQ__WAITED	(-2)
int	ktrq__traced_locked(const struct ktrq_proc *, int type);
/*
 * The last steps of an event point take `td` out of it (its guard
 * down, in their final k_mtx section): getrequest when it returns NULL,
 * post and sync_post always.  After them the poster touches nothing of
 * the instance (ktrq__leftovers_release takes the layer, which outlives
 * it) but its thread's spare request.
 */
void	ktrq__leave_locked(struct ktrq_thread *);
struct ktr_request *ktrq__getrequest(struct ktrq_thread *, int type,
	    int nomem, int *outcome);
int	ktrq__queue_locked(struct ktrq *, struct ktr_request *);
struct ktr_request *ktrq__todo_next(struct ktrq *, struct ktr_request *);
int	ktrq__post(struct ktrq_thread *, int type, int nomem);
void	ktrq__account_locked(struct ktrq *, int error);
void	ktrq__drop_locked(struct ktrq *, struct ktr_request *, int error);
void	ktrq__done_locked(struct ktrq *, struct ktr_request *,
	    struct ktr_leftovers *);
void	ktrq__request_leftovers(const struct ktr_request *,
	    struct ktr_leftovers *);
void	ktrq__request_forget(struct ktr_request *);
void	ktrq__leftovers_release(const struct ktrq_os *,
	    struct ktr_leftovers *);

/* Writing records and the write-error policy (write.c, batch.c). */
int	ktrq__record_pieces(const struct ktr_request *);
size_t	ktrq__record_size(const struct ktr_request *);
int	ktrq__record_iov(const struct ktr_request *, uint8_t *hdr,
	    struct ktrq_iov *iov);
int	ktrq__write(struct ktrq *, struct ktr_request *);
void	ktrq__write_failed(struct ktrq *, struct ktrq_target *, int error);
void	ktrq__clear_target(struct ktrq *, struct ktrq_target *);
void	ktrq__batch_plan(struct ktrq *, struct ktr_batch *);
void	ktrq__batch_cut(struct ktrq *, struct ktr_batch *);
void	ktrq__batch_write(struct ktrq *, struct ktr_batch *);
void	ktrq__batch_settle(struct ktrq *, struct ktr_batch *);
void	ktrq__batch_finish(struct ktrq *, struct ktr_batch *);
void	ktrq__batch_release(struct ktrq *, struct ktr_batch *);

/* The worker and the synchronous handshake (worker.c, sync.c). */
void	ktrq__worker(void *);
void	ktrq__worker_kick(struct ktrq *);
uint32_t ktrq__wake_batch(const struct ktrq *);
int	ktrq__sync_post(struct ktrq *, struct ktrq_thread *,
	    struct ktr_request *);

/* Processes (proc.c). */
#define	PROCTREE_LOCK(k)	ktrq__lock((k)->k_os, (k)->k_proctree_mtx)
#define	PROCTREE_UNLOCK(k)	ktrq__unlock((k)->k_os, (k)->k_proctree_mtx)
struct ktrq_proc *ktrq__pfind(struct ktrq *, int pid);
struct ktrq_target *ktrq__proc_detach(struct ktrq_proc *);
void	ktrq__proc_quiesce_all(struct ktrq *);
void	ktrq__proc_free_all(struct ktrq *);

/* Targets (target.c). */
int	ktrq__target_put(struct ktrq_target *, struct ktrq_iov *iov,
	    int iovcnt, const struct ktrq_cred *, size_t *donep);
void	ktrq__target_rele_n(struct ktrq_target *, unsigned n);
/* What a built-in target needs to find itself. */
const struct ktrq_target_ops *ktrq__target_ops(const struct ktrq_target *);
void	*ktrq__target_arg(const struct ktrq_target *);

/* Tiny libc-free helpers (string.c) so the core builds in a kernel. */
size_t	ktrq__strlcpy(char *dst, const char *src, size_t size);
size_t	ktrq__strnlen(const char *s, size_t max);

#endif /* !KTRQ_IMPL_H */
