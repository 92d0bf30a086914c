/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internals of the simulator shared by engine.c, choose.c, strategy.c and
 * the vehicles.  Everything here is touched only by the one simulated
 * thread that runs (or by the driver before and after the run), so no
 * field needs a lock: the vehicle's hand-off orders all accesses.
 */
#ifndef KTRQ_SIM_IMPL_H
#define KTRQ_SIM_IMPL_H

#include <setjmp.h>

#include "sim.h"

enum ts_state {
	TS_RUNNABLE,
	TS_MTX,			/* waiting for wait_mtx */
	TS_SLEEP,		/* msleep on chan */
	TS_JOIN,		/* waiting for join_target to finish */
	TS_END,			/* thread 1 only: fn returned, awaits the end */
	TS_DONE
};

struct ktrq_os_mtx {
	unsigned		 magic;
	const char		*name;
	struct sim_thread	*owner;
	struct ktrq_os_mtx	*next;		/* all of this sim's */
	struct ktrq_os_mtx	*prev;
};

struct sim_thread {			/* also the layer's ktrq_os_thread */
	struct sim		*s;
	int			 id;		/* 1.. in creation order */
	char			 name[KTRQ_OS_NAMELEN];
	enum ts_state		 state;
	struct ktrq_os_mtx	*wait_mtx;
	const void		*chan;
	const char		*wmesg;
	uint64_t		 deadline;	/* virtual ns, 0: none */
	uint64_t		 sleep_seq;	/* FIFO among sleepers */
	size_t			 chix;		/* s->chan[] entry of chan */
	int			 woken;
	int			 timedout;
	struct sim_thread	*join_target;
	int			 joined;
	void			(*fn)(void *);
	void			*arg;
	void			*vehicle;	/* the vehicle's per-thread state */
};

/* How simulated threads are carried (vehicle_pthread.c, vehicle_fiber.c). */
struct sim_vehicle {
	const char *name;
	int	(*init)(struct sim *);
	void	(*fini)(struct sim *);
	/* Thread 1 is the calling OS thread / context. */
	int	(*adopt)(struct sim *, struct sim_thread *);
	/* Prepare t; it runs ktrq_sim__thread_main(t) when first switched to. */
	int	(*start)(struct sim *, struct sim_thread *);
	/* Stop `from` (forever if it exits), run `to`; returns in `from`. */
	void	(*switch_to)(struct sim *, struct sim_thread *from,
		    struct sim_thread *to, int from_exits);
	/* Called in an abandoned thread when it is resumed: never returns. */
	void	(*die)(struct sim *, struct sim_thread *) __attribute__((noreturn));
	/* From thread 1 after a failed run: make `t` go away. */
	void	(*abandon)(struct sim *, struct sim_thread *);
	/* After t finished (TS_DONE): release what carried it. */
	void	(*reap)(struct sim *, struct sim_thread *);
};

extern const struct sim_vehicle ktrq_sim__vehicle_pthread;
extern const struct sim_vehicle ktrq_sim__vehicle_fiber;

/* Strategies (strategy.c): who runs next, and every other value. */
struct sim_strategy {
	const char	*name;
	void	*(*create)(const struct sim_params *, uint64_t *rng);
	void	(*destroy)(void *);
	/* A thread is created; 0, or ENOMEM (the thread is not made). */
	int	(*thread_new)(void *, int tid);
	/* Index into ids[0..n) of the thread to run. */
	uint64_t (*pick)(void *, const int *ids, uint64_t n, int cur,
		    uint64_t step);
};
const struct sim_strategy *ktrq_sim__strategy(enum sim_strategy_kind);

/* The random generator every strategy draws from (rng.c). */
uint64_t ktrq_sim__rng_next(uint64_t *state);
uint64_t ktrq_sim__rng_below(uint64_t *state, uint64_t n);

struct sim_nfault {
	char			*name;
	int			 on;
};

struct sim {
	struct ktrq_os		 os;
	struct sim_params	 p;
	const struct sim_vehicle *v;
	void			*vpriv;		/* the vehicle's own state */
	const struct sim_strategy *strat;
	void			*strat_state;
	uint64_t		 rng;

	/*
	 * Threads by id (threads[0] unused) and two scratch lists the
	 * scheduler fills per step; all three grow together, doubling, so
	 * the thread count is bounded by memory only.
	 */
	struct sim_thread	**threads;	/* cap + 1 entries */
	int			*ids;		/* cap entries */
	struct sim_thread	**sl;		/* cap entries */
	int			 cap;
	int			 nthreads;
	struct sim_thread	*cur;
	uint64_t		 steps;
	uint64_t		 vclock;
	uint64_t		 sleep_seq;
	int			 faults_armed;
	signed char		 fault_on[SIM_FAULT_NSITES]; /* -1: undecided */
	struct sim_nfault	*nfaults;	/* named sites, first-use order */
	size_t			 nnfaults;

	/* Decisions: recorded always, replayed when `replay` is set. */
	struct sim_schedule	 recorded;
	const struct sim_schedule *replay;
	size_t			 replay_pos;
	size_t			 bytes_pos;	/* into p.choice_bytes */
	uint64_t		 hash;

	/* The end. */
	int			 started;
	int			 ended;		/* ktrq_sim__run returned */
	int			 aborting;
	enum sim_status		 status;
	char			 message[1024];
	jmp_buf			 root_jmp;

	/* The layer's allocator (alloc.c). */
	uint64_t		 alloc_live;
	struct blk		*blocks;	/* live layer allocations */
	struct blk		*quar;		/* freed, oldest first */
	struct blk		*quar_tail;
	size_t			 quar_n;
	uint64_t		 quar_bytes;
	struct ktrq_os_mtx	*mutexes;	/* live mutexes */
	void			(*tracer)(void *, enum sim_ev, int, uint64_t,
				    uint64_t, const char *);
	void			*tracer_arg;
	/* Channel statistics (chan.c): entries in first-use order, hash. */
	struct ktrq_sim__chan	*chan;
	size_t			 nchan;
	size_t			 chan_cap;
	uint32_t		*chan_hash;	/* index + 1, 0: empty slot */
	size_t			 chan_hcap;	/* a power of two */
	struct sim_cleanup	*cleanups;	/* newest first */
	int			 leak_check;	/* judged after the run */
};

uint64_t ktrq_sim__record(struct sim *, enum sim_choice, uint64_t n, uint64_t v,
	    const char *site);
void	ktrq_sim__thread_main(struct sim_thread *);
void	ktrq_sim__resched(struct sim *);
void	ktrq_sim__abort(struct sim *, enum sim_status, const char *msg)
	    __attribute__((noreturn));
void	ktrq_sim__trace(struct sim *, enum sim_ev, struct sim_thread *,
	    const char *what);
void	ktrq_sim__describe_thread(struct sim *, const struct sim_thread *,
	    char *buf, size_t len);

/*
 * The layer's alloc and free (alloc.c): redzones, poisoned freed blocks
 * in a FIFO quarantine; a write where none may be fails the run.
 * _mem_verify checks every block at the end of a run (0, or 1 with the
 * message); _mem_fini gives every block back, unchecked.
 */
void	*ktrq_sim__alloc(void *cookie, size_t size);
void	ktrq_sim__free(void *cookie, void *ptr, size_t size);
int	ktrq_sim__mem_verify(struct sim *, char *msg, size_t len);
void	ktrq_sim__mem_fini(struct sim *);

/*
 * The statistics entry of a channel (chan.c), made at its first use;
 * valid until the next call.  _chan_fini frees the table.
 */
struct ktrq_sim__chan *ktrq_sim__chan_stat(struct sim *, const void *chan);
void	ktrq_sim__chan_fini(struct sim *);

#endif /* !KTRQ_SIM_IMPL_H */
