/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The built-in scenarios: workloads of the real core, each a body for
 * the simulator written on the public harness (ktrq/harness.h) and
 * engine (ktrq/sim.h) alone -- what any user could write.  A scenario
 * builds a few traced processes and threads and lets them post a seeded
 * mix of events while other actors resize the pool, change tracing,
 * fork and exit processes, or make writes fail.  Every random choice
 * goes through ktrq_sim_choose(), so the schedule of a run holds the
 * workload as well as the interleaving: a replay needs nothing else.
 *
 * A scenario's parameters have one source of truth, scn_param_table():
 * the ktrq-sim option, the schedule-header key, the range and the help
 * line; the scenario table (scenario.c) gives each scenario's defaults.
 *
 * Concurrency: the functions here are reentrant; distinct runs share
 * nothing.
 */
#ifndef KTRQ_SCENARIO_H
#define KTRQ_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "ktrq/harness.h"
#include "ktrq/ktrq.h"

/* Bounds of struct scn_params beyond the table's, checked by scn_check. */
#define	SCN_PROCS_MAX		16
#define	SCN_THREADS_MAX		8
#define	SCN_POSTERS_MAX		40	/* procs * threads */
#define	SCN_EVENTS_MAX		99999

struct scn_params {
	const char	*scenario;	/* scn_names() */
	int		 procs;		/* traced processes, >= 1 */
	int		 threads;	/* posting threads per process, >= 1 */
	int		 events;	/* events per posting thread */
	int		 pool;		/* request pool size */
	unsigned	 sync_permille;	/* share of genio (synchronous) */
	unsigned	 fault_permille; /* target write faults, when on */
	int		 genio_copy;	/* KTRQ_CF_GENIO_COPY */
	int		 batch_max;	/* ktrq_config.batch_max */
	int		 backpressure;	/* KTRQ_CF_BACKPRESSURE, no timeout */
};

/* One parameter of struct scn_params. */
struct scn_param {
	const char	*name;		/* ktrq-sim's option --name */
	const char	*key;		/* schedule header key=, JSON name */
	size_t		 offset;	/* of its int or unsigned field */
	int		 is_unsigned;
	long		 min, max;
	int		 permille;	/* a rate: shown as a fraction */
	const char	*help;
};

/* The table, ended by a NULL name. */
const struct scn_param *scn_param_table(void);
/* The field of `p` in `sp` as a long. */
long	scn_param_get(const struct scn_params *sp, const struct scn_param *p);
/* Set it; EINVAL (nothing set) outside the range. */
int	scn_param_set(struct scn_params *sp, const struct scn_param *p,
	    long v);

/* Fill defaults for `scenario` (NULL: "mixed").  EINVAL if unknown. */
int	scn_params_init(struct scn_params *, const char *scenario);
/* 0, or EINVAL for a field out of range or an unknown scenario. */
int	scn_check(const struct scn_params *);

/* NULL-terminated list of scenario names. */
const char *const *scn_names(void);
/* One line describing a scenario, or NULL. */
const char *scn_describe(const char *scenario);

/*
 * One run of a scenario: the argument of scn_body.  The caller fills
 * `sp` (checked) and the optional probe observer; scn_body fills the
 * rest.  `h` is the run's harness while it lives (for the event log of
 * a failed run); `ended` says the body reached the oracle, with `res`.
 */
struct scn_call {
	struct scn_params	 sp;
	void			(*probe)(void *, const struct ktrq_probe *,
				    int tid);
	void			*probe_arg;
	struct ktrq_harness	*h;
	int			 ended;
	struct ktrq_harness_result res;
};

/*
 * The body: run `arg` (a struct scn_call) as a ktrq_sim_check body.  A
 * set-up error or a broken invariant is left in arg's res (not ok); the
 * body fails the run itself only for a set-up error, so a caller can
 * tell the oracle's verdict from the engine's.
 */
void	scn_body(const struct ktrq_os *os, void *arg);

/*
 * permissions.c: the body of the "permissions" scenario (scn_body calls
 * it for that row of the table): `nctl` ktrace(2) calls per controller
 * thread, `nfork` children forked.
 */
void	scn_permissions_run(const struct ktrq_os *os, struct scn_call *c,
	    int nctl, int nfork);

#endif /* !KTRQ_SCENARIO_H */
