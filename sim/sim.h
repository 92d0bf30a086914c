/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The deterministic simulator: a platform layer (struct ktrq_os) under
 * which exactly one simulated thread runs at a time, and every layer call
 * is a scheduling point where a seeded strategy -- or a recorded schedule
 * -- decides what happens next.
 *
 * Three parts, each replaceable without touching the others:
 *
 *   engine    (engine.c)   threads, mutexes, sleep queues, virtual time,
 *                          deadlock detection; asks the chooser at every
 *                          choice point
 *   chooser   (choose.c)   turns a choice point into a value: from the
 *                          strategy (strategy.c: random, pct, none), or
 *                          from a schedule being replayed; records every
 *                          decision (schedule.c)
 *   vehicle   (vehicle_*.c) how a simulated thread is carried: a pthread
 *                          each (gdb and helgrind see real threads), or a
 *                          fiber each (fast); the engine only asks it to
 *                          start a thread and to switch from one to another
 *
 * Same seed and parameters -> same decisions -> same interleaving, on any
 * machine: nothing in the engine depends on addresses or real time.
 *
 * Concurrency: a struct sim is driven by one OS thread (the one calling
 * ktrq_sim__run); the layer table it exports is used only by the simulated
 * threads of that run.  Distinct sims are independent.
 */
#ifndef KTRQ_SIM_H
#define KTRQ_SIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ktrq/os.h"

#define	SIM_SCHEDULE_VERSION	1
/*
 * Not a limit of the engine, whose thread tables grow with the run
 * (memory is the only bound): the bound of the ktrq harness's own
 * per-thread tables (scenario.c, oracle.c), whose scenarios stay far
 * below it.  Kept for them.
 */
#define	SIM_MAXTHREADS		2048

/* What a choice point decides.  Values are in [0, n). */
enum sim_choice {
	SIM_CH_RUN,		/* which runnable thread runs next */
	SIM_CH_WAKE_ONE,	/* which sleeper wakeup_one wakes */
	SIM_CH_SPURIOUS,	/* 1: wake a sleeper spuriously now */
	SIM_CH_SPURIOUS_WHO,	/* which sleeper */
	SIM_CH_TIMEOUT,		/* 1: let time reach the next deadline now */
	SIM_CH_FAULT_ON,	/* 1: this run enables fault site (BUGGIFY) */
	SIM_CH_FAULT,		/* 1: an enabled fault site fires now */
	SIM_CH_VALUE,		/* a bounded value for a fault (bytes, ns) */
	SIM_CH_WORKLOAD,	/* the scenario's own random choice */
	SIM_CH_NKINDS
};

/* Fault sites, each enabled per run with probability fault_enable. */
enum ktrq_sim__fault {
	SIM_FAULT_ALLOC,	/* layer alloc returns NULL */
	SIM_FAULT_NSITES
};

enum sim_strategy_kind {
	SIM_STRAT_RANDOM,	/* uniform among runnable threads */
	SIM_STRAT_PCT,		/* priorities with d-1 change points */
	SIM_STRAT_NONE		/* no preemption: run until it blocks */
};

enum sim_vehicle_kind {
	SIM_VEHICLE_PTHREAD,
	SIM_VEHICLE_FIBER
};

struct sim_params {
	uint64_t		 seed;
	enum sim_strategy_kind	 strategy;
	int			 pct_depth;	/* d, >= 1 */
	uint64_t		 pct_steps;	/* k estimate, 0: default */
	enum sim_vehicle_kind	 vehicle;
	unsigned		 spurious_permille; /* per scheduling point */
	unsigned		 timeout_permille;  /* early deadline */
	unsigned		 fault_enable_permille; /* site on per run */
	unsigned		 fault_fire_permille;   /* fires when on */
	uint64_t		 max_steps;	/* livelock bound */
	/*
	 * Fuzzing: when not NULL, every decision (thread picks included)
	 * is read from these bytes instead of the strategy and the seed,
	 * little-endian, as few bytes as the number of options needs; once
	 * they run out the seeded generator takes over (thread picks too).
	 * Must outlive the run.
	 */
	const uint8_t		*choice_bytes;
	size_t			 choice_len;
};

/* Defaults: random strategy, pthread vehicle, no faults, 10^6 steps. */
void	ktrq_sim__params_init(struct sim_params *);

/* How a run ended. */
enum sim_status {
	SIM_OK,			/* every thread finished */
	SIM_DEADLOCK,		/* every thread blocked, no timer pending */
	SIM_PANIC,		/* a layer panic (core assertion) */
	SIM_STEP_LIMIT,		/* max_steps scheduling points */
	SIM_REPLAY_MISMATCH,	/* the program asked another question */
	SIM_VIOLATION		/* ktrq_sim__fail() from a scenario or oracle */
};

struct sim;

/*
 * A simulator whose decisions follow `params`, or replay `schedule`
 * (from ktrq_sim__schedule_parse) when it is not NULL.  Returns 0, EINVAL or
 * ENOMEM.
 */
struct sim_schedule;
int	ktrq_sim__create(const struct sim_params *, const struct sim_schedule *replay,
	    struct sim **sp);
void	ktrq_sim__destroy(struct sim *);

/* The layer table of this simulator (valid until ktrq_sim__destroy). */
struct ktrq_os *ktrq_sim__os(struct sim *);
/* The simulator behind a table from ktrq_sim__os(), or NULL for another table. */
struct sim *ktrq_sim__of(const struct ktrq_os *);

/*
 * Run fn(arg) as simulated thread 1 on the calling OS thread, and every
 * thread it creates through the layer, to the end: returns when all have
 * finished, or the run failed (deadlock, panic, step limit, replay
 * mismatch, ktrq_sim__fail).  After a failure the other simulated threads are
 * abandoned, never resumed.  A sim runs once.
 */
enum sim_status ktrq_sim__run(struct sim *, void (*fn)(void *), void *arg);

/*
 * Called from a simulated thread: end the run as a violation with
 * `msg`.  Does not return.
 */
void	ktrq_sim__fail(struct sim *, const char *msg) __attribute__((noreturn));

/*
 * A choice for the scenario or a fault site, from a simulated thread:
 * a value in [0, n) (n >= 1) drawn by the chooser and recorded.
 * ktrq_sim__chance() is a yes/no with probability permille/1000.
 * ktrq_sim__fault() is whether fault site `f` fires now (BUGGIFY: each site is
 * switched on for the whole run with fault_enable_permille on first use,
 * then fires with fault_fire_permille).
 */
uint64_t ktrq_sim__choose(struct sim *, enum sim_choice, uint64_t n,
	    const char *site);
int	ktrq_sim__chance(struct sim *, enum sim_choice, unsigned permille,
	    const char *site);
int	ktrq_sim__fault(struct sim *, enum ktrq_sim__fault, const char *site);

/*
 * A fault site named by the program (ktrq_sim_fault): switched on per
 * run with fault_enable_permille at first use, fires with
 * fault_fire_permille.
 */
int	ktrq_sim__fault_named(struct sim *, const char *name);

/* A scheduling point from the running simulated thread. */
void	ktrq_sim__yield(struct sim *);

/* Allow layer alloc faults from now on (after a scenario's set-up). */
void	ktrq_sim__arm_faults(struct sim *, int on);

/*
 * fn(arg) when the run is over (at ktrq_sim__destroy, newest first, on
 * the destroying OS thread), whether or not the body returned.  0 or
 * ENOMEM.
 */
int	ktrq_sim__cleanup(struct sim *, void (*fn)(void *), void *arg);
/* Bytes allocated through the layer and not freed yet. */
uint64_t ktrq_sim__alloc_live(const struct sim *);
/*
 * Ask for the leak check: a run that ends SIM_OK with layer bytes not
 * freed becomes SIM_VIOLATION ("leak: ...").  ktrq_sim__run applies it.
 */
void	ktrq_sim__want_leak_check(struct sim *);
/* The parameters of this run. */
const struct sim_params *ktrq_sim__params(const struct sim *);

/* After the run. */
struct ktrq_sim__result {
	enum sim_status	 status;
	uint64_t	 steps;		/* scheduling points */
	uint64_t	 decisions;	/* recorded choices (n > 1) */
	uint64_t	 vclock_ns;	/* virtual time at the end */
	uint64_t	 schedule_hash;	/* FNV-1a of the decision stream */
	uint64_t	 alloc_live;	/* bytes allocated, not freed */
	char		 message[1024];	/* failure report, "" when OK */
};
void	ktrq_sim__result(const struct sim *, struct ktrq_sim__result *);

/*
 * Per wait channel, what the run did with it: every channel passed to
 * msleep, wakeup or wakeup_one, in order of first use (the same in every
 * replay of the run).  A wakeup that never woke two sleepers at once
 * (max_woken < 2) behaved exactly as a wakeup_one would have.
 */
struct ktrq_sim__chan {
	const void	*chan;		/* its address, meaningful in this run
					   only */
	char		 wmesg[KTRQ_OS_NAMELEN]; /* of the first msleep on it,
					   "" when nobody slept on it */
	uint64_t	 sleeps;	/* msleep calls */
	uint64_t	 timeouts;	/* sleeps ended by their deadline */
	uint64_t	 spurious;	/* sleeps ended by a spurious wakeup */
	uint64_t	 wakeups;	/* wakeup calls */
	uint64_t	 wakeup_ones;	/* wakeup_one calls */
	uint64_t	 woken;		/* sleepers woken by either */
	uint32_t	 sleepers;	/* asleep on it now (at the end) */
	uint32_t	 max_sleepers;	/* most asleep on it at once */
	uint32_t	 max_woken;	/* most sleepers one wakeup woke */
	uint32_t	 max_wake_one;	/* most sleepers a wakeup_one chose
					   among */
};
/*
 * The i-th channel (0..), NULL past the last; valid until the next layer
 * call of the run, and after the run until ktrq_sim__destroy:
 *	for (i = 0; (c = ktrq_sim__chan_at(s, i)) != NULL; i++) ...
 */
const struct ktrq_sim__chan *ktrq_sim__chan_at(const struct sim *, size_t i);

/*
 * The failure report in full: for a deadlock, every thread with what it
 * waits on (channel and wait message, or mutex and its holder).
 */
void	ktrq_sim__report(const struct sim *, FILE *);

/* The decisions this run made, as a schedule (owned by the sim). */
struct sim_schedule *ktrq_sim__recorded(struct sim *);

/*
 * Timeline events, for a Chrome trace; NULL hook for none.  `tid` is the
 * simulated thread id, `step` the scheduling point count (which orders
 * events within one virtual instant) and `vclock` the virtual time.  A
 * sleep that times out gets SIM_EV_WAKE with what = "timeout".
 */
enum sim_ev {
	SIM_EV_THREAD_START, SIM_EV_THREAD_EXIT,
	SIM_EV_RUN,		/* the thread was scheduled */
	SIM_EV_LOCK, SIM_EV_UNLOCK,
	SIM_EV_SLEEP, SIM_EV_WAKE,
	SIM_EV_MARK		/* ktrq_sim__mark() from outside the engine */
};
void	ktrq_sim__set_tracer(struct sim *, void (*fn)(void *, enum sim_ev, int tid,
	    uint64_t step, uint64_t vclock, const char *what), void *arg);
/* A timeline mark from the running simulated thread. */
void	ktrq_sim__mark(struct sim *, const char *what);
/* The running simulated thread's id (1..), 0 outside a run. */
int	ktrq_sim__self(struct sim *);
/* Scheduling points so far, and the virtual clock (no scheduling). */
uint64_t ktrq_sim__steps(const struct sim *);
uint64_t ktrq_sim__now(const struct sim *);

/*
 * ---- timelines (perfetto.c) ----
 *
 * A run drawn as a Chrome Trace Event file for Perfetto: one process per
 * simulated thread, named "T<id> <name>", with cpu, mutex, work and
 * events tracks (layout and time axis in perfetto.c).  Feed it the
 * engine's events by giving ktrq_sim__timeline_event and the timeline
 * to ktrq_sim__set_tracer; a harness adds its own instants and spans.
 * ktrq_sim_check writes one for opts.timeline; ktrq-sim --timeline adds
 * the core's records and probes (timeline.c).
 */
struct sim_timeline;

/* Write `s` as a quoted JSON string (the timeline's, and ktrq-sim's). */
void	ktrq_sim__json_str(FILE *, const char *);

/* Create `path` and start the file: 0, or an errno with err set. */
int	ktrq_sim__timeline_open(const char *path, struct sim_timeline **,
	    char *err, size_t errlen);
/* The engine's events; the signature of a tracer (arg: the timeline). */
void	ktrq_sim__timeline_event(void *tl, enum sim_ev, int tid,
	    uint64_t step, uint64_t vclock, const char *what);
/* The name of every thread's work track ("work" until set). */
void	ktrq_sim__timeline_work_name(struct sim_timeline *, const char *);
/*
 * A harness's events of simulated thread tid (>= 1, which therefore
 * runs): an instant on its events track, a span on its work track (one
 * open at a time; _end returns 0 when none was open).  `nums` is a JSON
 * fragment of extra args ("\"k\":1,..."), or NULL.
 */
void	ktrq_sim__timeline_instant(struct sim_timeline *, int tid,
	    uint64_t step, uint64_t vclock, const char *name,
	    const char *nums);
void	ktrq_sim__timeline_work_begin(struct sim_timeline *, int tid,
	    uint64_t step, uint64_t vclock, const char *name);
int	ktrq_sim__timeline_work_end(struct sim_timeline *, int tid,
	    uint64_t step, uint64_t vclock, const char *nums);
/* A key/value shown in the file's otherData (run parameters). */
void	ktrq_sim__timeline_note(struct sim_timeline *, const char *key,
	    const char *value);
/*
 * Close the spans still open at the last step, name the tracks, finish
 * and close the file, free the timeline (NULL: nothing).  Returns 0, or
 * an errno when writing failed, with a message in err.
 */
int	ktrq_sim__timeline_close(struct sim_timeline *, char *err,
	    size_t errlen);

/* ---- schedules (schedule.c) ---- */

struct sim_decision {
	uint8_t		 kind;		/* enum sim_choice */
	uint64_t	 n;
	uint64_t	 value;
};

/*
 * A schedule: a header of key=value parameters (scenario, seed, ...) kept
 * as text so tools can store what they need, and the decisions.
 */
struct sim_schedule {
	int			 version;
	char			 header[1024];	/* "k=v k=v ..." */
	struct sim_decision	*d;
	size_t			 n;
	size_t			 cap;
};

int	ktrq_sim__schedule_init(struct sim_schedule *);
void	ktrq_sim__schedule_fini(struct sim_schedule *);
int	ktrq_sim__schedule_append(struct sim_schedule *, const struct sim_decision *);
/* Text form "ktrqsim1 <header>;<base64url varints>"; malloc'ed. */
char	*ktrq_sim__schedule_format(const struct sim_schedule *);
/* Parse the text form; EINVAL (corrupt), ENOTSUP (other version). */
int	ktrq_sim__schedule_parse(const char *text, struct sim_schedule *out,
	    char *err, size_t errlen);
/* "-" is stdout for save, stdin for load. */
int	ktrq_sim__schedule_save(const struct sim_schedule *, const char *path);
int	ktrq_sim__schedule_load(const char *path, struct sim_schedule *out,
	    char *err, size_t errlen);
/* Header value for `key` copied to buf; ENOENT when absent. */
int	ktrq_sim__schedule_get(const struct sim_schedule *, const char *key,
	    char *buf, size_t len);
int	ktrq_sim__schedule_set(struct sim_schedule *, const char *key,
	    const char *value);

#endif /* !KTRQ_SIM_H */
