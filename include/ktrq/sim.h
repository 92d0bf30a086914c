/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq/sim.h: simulate your own code.  A deterministic simulator of the
 * platform layer (ktrq/os.h): exactly one simulated thread runs at a time
 * and every layer call -- mutex, sleep, wakeup, thread create/join,
 * clock, alloc -- and every ktrq_sim_yield() is a scheduling point where a
 * seeded strategy decides who runs next.  Same options and seed, same
 * interleaving, on any machine.
 *
 * A harness calls ktrq_sim_check(opts, body, arg, report): body(os, arg)
 * runs as the first simulated thread (named "main") once per run, on a
 * fresh simulated world each time: `os` differs per run, and the harness
 * resets its own globals (the setup hook is the place).  A failing run
 * (deadlock, KTRQ_SIM_ASSERT/ktrq_sim_fail, a layer panic, the step
 * limit, a replay that diverged) ends the check and prints, on stderr,
 * the message and a line
 *
 *	KTRQ_SIM_REPLAY='ktrqsim1 ...'
 *
 * which, pasted in front of the same test command, replays exactly that
 * run, on either vehicle: KTRQ_SIM_VEHICLE=pthread (or fiber) in the
 * environment replaces opts.vehicle, to run any test under gdb or
 * valgrind unchanged (another value: -EINVAL).  Library: ktrq::sim (pkg-config ktrq_sim); depends on nothing but
 * ktrq/os.h, libc and pthreads.
 *
 * Concurrency: ktrq_sim_check may be called from several OS threads at
 * once, each with its own options and report; the simulated threads of
 * one check never run in parallel with each other.  The os-taking calls
 * (ktrq_sim_yield, _fail, _fault, _mark, KTRQ_SIM_ASSERT) are for
 * simulated threads of a running check only.
 */
#ifndef KTRQ_SIM_PUBLIC_H
#define KTRQ_SIM_PUBLIC_H

#include <stddef.h>
#include <stdint.h>

#include "ktrq/os.h"

#ifdef __cplusplus
extern "C" {
#endif

enum ktrq_sim_strategy {
	KTRQ_SIM_RANDOM = 1,	/* uniform among runnable threads */
	KTRQ_SIM_PCT,		/* priorities with pct_depth-1 change points */
	KTRQ_SIM_NONE		/* no preemption: run until it blocks */
};

enum ktrq_sim_vehicle {
	KTRQ_SIM_PTHREAD = 1,	/* a pthread per simulated thread (gdb) */
	KTRQ_SIM_FIBER		/* a ucontext per simulated thread (fast) */
};

/* Failure kinds: ktrq_sim_check's return value and report.kind. */
enum ktrq_sim_kind {
	KTRQ_SIM_HELD = 0,		/* every run held */
	KTRQ_SIM_DEADLOCK,		/* every thread blocked, no timer */
	KTRQ_SIM_ASSERTION,		/* KTRQ_SIM_ASSERT or ktrq_sim_fail */
	KTRQ_SIM_PANIC,			/* the layer's panic (or a setup error) */
	KTRQ_SIM_STEP_LIMIT,		/* max_steps scheduling points */
	KTRQ_SIM_REPLAY_MISMATCH	/* the program left the schedule */
};

struct ktrq_sim_report;

/*
 * Options; ktrq_sim_opts_init() sets every default, given after each
 * field.  Fields added later get a default from _init, so always call it.
 */
struct ktrq_sim_opts {
	int		 strategy;	/* KTRQ_SIM_RANDOM */
	uint64_t	 seed;		/* 1: of the first run; run i: seed+i */
	uint64_t	 runs;		/* 100; 0 is EINVAL */
	int		 pct_depth;	/* 3 (d: bugs of depth d), 1..16 */
	/*
	 * PCT's k (steps over which change points are placed): 0 (the
	 * default) estimates it from the longest run so far, starting at
	 * 64 for the first run; the report states the last k used.
	 */
	uint64_t	 pct_steps;
	int		 vehicle;	/* KTRQ_SIM_FIBER */
	unsigned	 spurious_permille;	/* 0: per scheduling point */
	unsigned	 timeout_permille;	/* 0: early sleep deadline */
	unsigned	 fault_enable_permille;	/* 250: a site is on per run */
	unsigned	 fault_fire_permille;	/* 250: it fires when on */
	uint64_t	 max_steps;	/* 1000000: step limit per run */
	uint64_t	 max_failures;	/* 0: stop at the first failure; N: go
					   on and count up to N failures */
	int		 quiet;		/* 0: print failures on stderr */
	const char	*name;		/* NULL: stored in schedules, checked
					   at replay; no quote or space */
	/*
	 * A schedule to replay (text form, or "@path"), NULL: none.  When
	 * NULL, the environment variable KTRQ_SIM_REPLAY is used if set.
	 * A replay is one run; the options of the schedule's header
	 * (rates, step bound) replace those given.
	 */
	const char	*replay;
	/* Per-run hooks, on the calling OS thread, around each run. */
	void		(*setup)(void *arg);
	void		(*teardown)(void *arg);
	/*
	 * Event log: called for every event of every run (thread start and
	 * exit, run, lock, unlock, sleep, wake, mark); NULL: none.  `tid` is
	 * the simulated thread (1 is "main"), `step` the scheduling point,
	 * `vclock` the virtual time in ns.
	 */
	void		(*event)(void *arg, const char *ev, int tid,
			    uint64_t step, uint64_t vclock, const char *what);
	void		*event_arg;
	/*
	 * A timeline file to write, NULL (the default): none.  The run is
	 * drawn as a Chrome Trace Event JSON file that Perfetto
	 * (ui.perfetto.dev) and chrome://tracing open: one process per
	 * simulated thread, "T<id> <name>", with its running and sleeping
	 * spans, mutex holds and ktrq_sim_mark instants; ts is the step,
	 * the virtual time is in each event's args.  The file holds the
	 * first failing run (the replayed run, when replaying; the last
	 * run when every run held), written as the run goes, so a crash
	 * still leaves the steps up to it.  Each run rewrites it.
	 */
	const char	*timeline;
};

/* The defaults above.  Returns 0, or EINVAL for a NULL pointer. */
int	ktrq_sim_opts_init(struct ktrq_sim_opts *);

/*
 * A wait message's channels over the runs of a check: every channel
 * some thread slept on (msleep) with this wmesg, merged by wmesg.  A
 * wakeup that never found two sleepers (max_woken < 2) did what a
 * wakeup_one would have done: no run could have told them apart.
 */
struct ktrq_sim_channel {
	char		 wmesg[KTRQ_OS_NAMELEN];
	uint64_t	 runs;		/* runs that slept on one */
	uint64_t	 sleeps;	/* msleep calls, all runs */
	uint64_t	 wakeups;	/* wakeup calls on these channels */
	uint64_t	 wakeup_ones;	/* wakeup_one calls on them */
	uint64_t	 max_sleepers;	/* most threads asleep at once on one
					   channel, in any run */
	uint64_t	 max_woken;	/* most sleepers one wakeup (or
					   wakeup_one: 1) woke */
};

/*
 * What a check found.  Storage is the report's own: the fixed buffers
 * below, `schedule` and `channels`, malloc'ed, freed by
 * ktrq_sim_report_fini().
 */
struct ktrq_sim_report {
	int		 kind;		/* enum ktrq_sim_kind of the first
					   failure, 0: every run held */
	uint64_t	 seed;		/* of the first failing run */
	uint64_t	 run;		/* its index, 0.. */
	uint64_t	 runs;		/* runs done */
	uint64_t	 failures;	/* failing runs counted */
	uint64_t	 steps;		/* scheduling points of that run */
	uint64_t	 pct_steps;	/* the last PCT k used */
	char		 message[2048];	/* what failed, "" when held */
	char		*schedule;	/* text form, NULL when held */
	/* The wait channels of every run done, in order of first use. */
	struct ktrq_sim_channel *channels;
	size_t		 nchannels;
};

/*
 * Run body(os, arg) runs times (or replay one schedule).  Returns 0 when
 * every run held, the failure kind of the first failing run otherwise,
 * or -EINVAL (bad options: NULL opts/body, runs 0, an unknown strategy
 * or vehicle, a depth out of range, a bad name, an empty timeline path
 * or an unparsable replay schedule), -ENOMEM, or the negated errno of
 * creating or writing the timeline file (a message on stderr unless
 * quiet).  `report` may be NULL; when not, it is initialised here and
 * must be given to ktrq_sim_report_fini() after.
 */
int	ktrq_sim_check(const struct ktrq_sim_opts *,
	    void (*body)(const struct ktrq_os *os, void *arg), void *arg,
	    struct ktrq_sim_report *report);

/* Free what a report holds; safe on a zeroed or finished report. */
void	ktrq_sim_report_fini(struct ktrq_sim_report *);

/* "held", "deadlock", "assertion", "panic", "step limit", "replay mismatch". */
const char *ktrq_sim_kind_name(int kind);

/*
 * From a simulated thread: a scheduling point (another thread may run
 * now).  Put one before each shared-memory access to be interleaved.
 * A no-op on a table that is not a simulator's.
 */
void	ktrq_sim_yield(const struct ktrq_os *);

/* Fail the run with a printf-style message.  Does not return. */
void	ktrq_sim_fail(const struct ktrq_os *, const char *fmt, ...)
#if defined(__GNUC__)
	    __attribute__((format(printf, 2, 3), noreturn))
#endif
	    ;
/*
 * What KTRQ_SIM_ASSERT calls when `expr` (the condition as written) is
 * false at file:line: fails the run.  Does not return.
 */
void	ktrq_sim_assert_fail(const struct ktrq_os *, const char *file,
	    int line, const char *expr)
#if defined(__GNUC__)
	    __attribute__((noreturn))
#endif
	    ;
/* Fail the run with file:line and `cond` as written when it is false. */
#define	KTRQ_SIM_ASSERT(os, cond) do {					\
	if (!(cond))							\
		ktrq_sim_assert_fail((os), __FILE__, __LINE__, #cond);	\
} while (0)

/*
 * A named fault site (BUGGIFY): returns 1 when the fault should happen
 * now.  Each name is switched on for a whole run with
 * fault_enable_permille at its first use, then fires with
 * fault_fire_permille.  0 outside a simulator.
 */
int	ktrq_sim_fault(const struct ktrq_os *, const char *name);

/* A mark on the event log from the running simulated thread. */
void	ktrq_sim_mark(const struct ktrq_os *, const char *what);

/*
 * A choice of the workload, in [0, n): recorded in the schedule like
 * the interleaving, so a replay makes the same choice.  Use it for every
 * random decision a body makes (sizes, which operation, which thread),
 * never rand(): the schedule is then all a replay needs.  `what` names
 * the choice in a diverged replay's message.  0 when n <= 1 (no choice
 * is recorded) and outside a simulator.
 */
uint64_t ktrq_sim_choose(const struct ktrq_os *, uint64_t n,
	    const char *what);

/* The running simulated thread's id (1 is "main"); 0 outside a run. */
int	ktrq_sim_self(const struct ktrq_os *);

/*
 * Layer allocation faults: while on, the layer's alloc fails (returns
 * NULL) at the fault site "alloc" (fault_enable/fire_permille).  Off at
 * the start of each run, so set-up cannot fail; turn it on around the
 * part under test.  A no-op outside a simulator.
 */
void	ktrq_sim_alloc_faults(const struct ktrq_os *, int on);

/* Bytes allocated through the layer and not freed yet. */
uint64_t ktrq_sim_alloc_live(const struct ktrq_os *);

/*
 * The leak check, for this run: when every thread is done and nothing
 * else failed, bytes allocated through the layer and never freed fail
 * the run (an assertion, "leak: N bytes ...").  0, or EINVAL outside a
 * simulated thread.
 */
int	ktrq_sim_check_leaks(const struct ktrq_os *);

/*
 * 1 when this run may end timed sleeps early (timeout_permille > 0):
 * a check that a sleep is always woken before its deadline must not
 * count timeouts then.  0 otherwise and outside a simulator.
 */
int	ktrq_sim_early_timeouts(const struct ktrq_os *);

/*
 * fn(arg) when the run is over, whether or not the body returned (a run
 * that fails abandons its threads where they stand): the place to free
 * the host memory (malloc) the body's threads own.  Called newest first,
 * on the OS thread that called ktrq_sim_check, before the next run
 * starts, outside any simulated thread: the os-taking calls are no-ops
 * or fail there, and memory allocated through the layer is the engine's
 * to reclaim (the leak check was made before, when the threads were
 * done).  0, EINVAL (NULL fn, not a simulated thread) or ENOMEM.
 */
int	ktrq_sim_cleanup(const struct ktrq_os *, void (*fn)(void *),
	    void *arg);

#ifdef __cplusplus
}
#endif

#endif /* !KTRQ_SIM_PUBLIC_H */
