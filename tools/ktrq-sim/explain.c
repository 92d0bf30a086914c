/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sweep --explain: what each line of a sweep's summary means and what to
 * try next, for someone who has just typed `make run`.  The commands it
 * suggests are real: they re-run one seed of the same sweep.
 */
#include <inttypes.h>
#include <stdio.h>

#include "report.h"
#include "sweep.h"

void
sweep_explain(FILE *f, const struct sweep_opts *o, uint64_t seed,
    int failed)
{
	const char *scn = o->sp.scenario;
	const char *strat = report_strategy_name(o->simp.strategy);
	const char *prog = o->argv0 != NULL ? o->argv0 : REPORT_PROG;

	fprintf(f, "\nWhat the summary says:\n"
"  runs                    one run = the scenario's workload (threads of traced\n"
"                          processes posting events into libktrq) under one seed\n"
"  failures                runs where the oracle found a broken invariant: order,\n"
"                          accounting (written + dropped == posted), drop marks,\n"
"                          the genio handshake, deadlock; 0 means the design held\n"
"  distinct interleavings  runs whose schedule (who ran at each step) differs from\n"
"                          every other run's: how much of the space was explored\n"
"  distinct traces         runs whose ktrace.out bytes differ\n"
"  steps, decisions        scheduling points passed; those with a real choice\n"
"  shard I/N               this process ran the seeds with (seed - first) %% N == I\n"
"  strategy %-14s who runs next: random, pct (random priorities with a few\n"
"                          change points: finds shallow bugs fast), none\n"
"  vehicle %-15s how simulated threads run: fiber (fast) or pthread (real\n"
"                          threads, for gdb); decisions never depend on it\n",
	    strat, report_vehicle_name(o->simp.vehicle));
	fprintf(f, "\nNext:\n");
	if (failed)
		fprintf(f, "  the replay command printed above each failure "
		    "re-runs it exactly\n");
	fprintf(f,
"  %s run --scenario %s --strategy %s --seed %" PRIu64 " --schedule-out s.sched\n"
"      one run in detail, its schedule saved\n"
"  %s replay s.sched --timeline t.json\n"
"      the same run again, exactly, with a timeline: open t.json in\n"
"      https://ui.perfetto.dev\n"
"  %s list\n"
"      the other scenarios; docs/sim.md explains the simulator\n",
	    prog, scn, strat, seed, prog, prog);
}
