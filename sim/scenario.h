/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Scenarios: workloads of the real core run under the simulator, each
 * judged by the oracle after the run.
 *
 * A scenario builds an instance on the simulator's layer, a few traced
 * processes and threads, and lets them post a seeded mix of events while
 * control operations, pool resizes and target faults interleave.  Every
 * random choice it makes goes through ktrq_sim__choose(), so the schedule of a
 * run holds the workload as well as the interleaving: a replay needs
 * nothing but the schedule.
 *
 * Concurrency: scn_run() is synchronous and reentrant; distinct runs share
 * nothing.
 */
#ifndef KTRQ_SCENARIO_H
#define KTRQ_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "ktrq/ktrq.h"
#include "sim.h"

/* Bounds of struct scn_params, checked by scn_run. */
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

/* Fill defaults for `scenario` (NULL: "mixed").  EINVAL if unknown. */
int	scn_params_init(struct scn_params *, const char *scenario);

/* NULL-terminated list of scenario names. */
const char *const *scn_names(void);
/* One line describing a scenario, or NULL. */
const char *scn_describe(const char *scenario);

struct scn_outcome {
	struct ktrq_sim__result	 sim;
	int			 ok;		/* status OK and oracle held */
	char			 verdict[2048];	/* first broken invariant */
	struct ktrq_stats	 stats;		/* before destroy; 0 if failed */
	uint64_t		 records;	/* in the trace */
	uint64_t		 trace_hash;	/* FNV-1a of the trace bytes */
	uint8_t			*trace;		/* malloc'ed ktrace.out image */
	size_t			 trace_len;
	char			*schedule;	/* malloc'ed text schedule */
	/*
	 * When the run failed: the ordered event log the oracle judged
	 * (probes, posts, resizes, warnings, exits), one line each;
	 * malloc'ed, else NULL.
	 */
	char			*events;
};

/* Optional observers of one run (for --timeline). */
struct scn_hooks {
	void	(*sim_event)(void *, enum sim_ev, int tid, uint64_t step,
		    uint64_t vclock, const char *what);
	void	(*probe)(void *, const struct ktrq_probe *, int sim_tid,
		    uint64_t step, uint64_t vclock);
	void	*arg;
};

/*
 * Run scenario `sp` once under a simulator with `simp` (or replaying
 * `replay`, whose header then supplies nothing: the caller parses it with
 * scn_params_from_schedule first).  Fills *out; free it with
 * scn_outcome_fini.  Returns 0 (the run happened: see out->ok) or EINVAL
 * for parameters outside the SCN_* bounds.  A failed run's objects are
 * abandoned with its threads (memory the core allocated is not freed).
 */
int	scn_run(const struct scn_params *sp, const struct sim_params *simp,
	    const struct sim_schedule *replay, const struct scn_hooks *hooks,
	    struct scn_outcome *out);
void	scn_outcome_fini(struct scn_outcome *);

/*
 * The schedule header that scn_run writes (scenario, every scn_params and
 * sim_params field) read back, so `ktrq-sim replay FILE` needs only the
 * file.  Returns 0 or EINVAL with a message in err.
 */
int	scn_params_from_schedule(const struct sim_schedule *,
	    struct scn_params *, struct sim_params *, char *err, size_t errlen);

#endif /* !KTRQ_SCENARIO_H */
