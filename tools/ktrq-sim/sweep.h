/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq-sim sweep: one scenario over a range of seeds, in parallel worker
 * processes, summarised as runs, failures and how many distinct
 * interleavings and traces the range produced.
 */
#ifndef KTRQ_SIM_SWEEP_H
#define KTRQ_SIM_SWEEP_H

#include <stdint.h>
#include <stdio.h>

#include "run.h"

#define	SWEEP_JOBS_MAX	256
/* Schedule files a sweep writes unless --max-schedules says otherwise. */
#define	SWEEP_SCHED_DEFAULT	10
#define	SWEEP_SCHED_MAX		100000

struct sweep_opts {
	struct scn_params	 sp;
	struct sim_params	 simp;	/* seed: from the range */
	uint64_t		 first, last;	/* seeds, inclusive */
	unsigned		 jobs;		/* 1: in this process */
	unsigned		 shard, nshards; /* keep (seed-first)%n == i */
	int			 json;
	int			 stop_on_fail;
	int			 progress;	/* draw a bar on stderr */
	int			 explain;	/* glossary and next steps */
	const char		*argv0;		/* the program, as invoked */
	const char		*sched_dir;	/* NULL: the current directory */
	unsigned		 max_sched;	/* schedules saved at most */
};

/* After a text summary: what its terms mean, what to run next. */
void	sweep_explain(FILE *f, const struct sweep_opts *o, uint64_t seed,
	    int failed);

/* Run the sweep and print its summary.  Returns the exit status. */
int	sweep_main(const struct sweep_opts *);

#endif /* !KTRQ_SIM_SWEEP_H */
