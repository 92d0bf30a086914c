/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The runner: one run of a built-in scenario on the engine's internal
 * interface (sim.h), for ktrq-sim, the fuzzers and bench.  They need
 * what the public check does not report -- the decision count and
 * schedule hash, the virtual clock, a tracer with enum events, replay
 * of a parsed schedule -- and a schedule header that holds every
 * scenario parameter, so `ktrq-sim replay FILE` needs only the file.
 *
 * Concurrency: scn_run is synchronous and reentrant; distinct runs share
 * nothing.
 */
#ifndef KTRQ_SCN_RUN_H
#define KTRQ_SCN_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"
#include "sim.h"

/*
 * A wait channel of the core in one run, merged by wait message: the
 * most threads asleep on it at once and the most one wakeup woke.  With
 * fewer than two, waking one and waking all cannot be told apart.
 */
#define	SCN_CHANS_MAX	16
struct scn_chan {
	char		 wmesg[KTRQ_OS_NAMELEN];
	uint64_t	 sleeps;
	uint32_t	 max_sleepers;
	uint32_t	 max_woken;
};

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
	struct scn_chan		 chans[SCN_CHANS_MAX];	/* by first use */
	int			 nchans;
};

/* Merge channel `c` into `v` (of *n, at most SCN_CHANS_MAX) by wmesg. */
void	scn_chan_merge(struct scn_chan *v, int *n, const struct scn_chan *c);

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
 * scn_outcome_fini.  Returns 0 (the run happened: see out->ok), EINVAL
 * for parameters out of range (scn_check), or ENOMEM.
 */
int	scn_run(const struct scn_params *sp, const struct sim_params *simp,
	    const struct sim_schedule *replay, const struct scn_hooks *hooks,
	    struct scn_outcome *out);
void	scn_outcome_fini(struct scn_outcome *);

/*
 * The schedule header that scn_run writes (scenario, every scenario
 * parameter and sim_params field) read back.  Returns 0; EINVAL with a
 * message in err, which says so when the schedule was recorded by a
 * program of its own through ktrq_sim_check ("program=" in its header).
 */
int	scn_params_from_schedule(const struct sim_schedule *,
	    struct scn_params *, struct sim_params *, char *err, size_t errlen);

#endif /* !KTRQ_SCN_RUN_H */
