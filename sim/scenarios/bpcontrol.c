/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The bp-control actor: ktrace(2) on processes whose posters wait for a
 * request object (back-pressure).  A CLEAR, a CLEARFILE or a SET to the
 * other file wakes the waiters to look again: one whose tracing stopped
 * gives up (ENXIO, counted cleared, its process's next record marked
 * KTR_DROP), one moved to the other file captures that one.  The
 * scenario's timeout is finite, so waiters also time out (dropped as
 * exhausted); the oracle checks every such drop was counted.
 */
#include <errno.h>

#include "ktrq/harness.h"
#include "ktrq/ktrq.h"
#include "ktrq/sim.h"
#include "actors.h"

static void
bp_op(const struct scn_view *v)
{
	struct ktrq_thread *ctl = ktrq_harness_controller(v->h);
	struct ktrq_target *t;
	int pid;

	pid = ktrq_proc_pid(v->procs[ktrq_sim_choose(v->os,
	    (uint64_t)v->nprocs, "bp pid")]);
	t = ktrq_harness_target(v->h, (int)ktrq_sim_choose(v->os,
	    (uint64_t)v->ntargets, "bp target"));
	switch (ktrq_sim_choose(v->os, 3, "bp op")) {
	case 0:
		scn_want(v->os, ktrq_harness_ktrace(v->h, ctl, NULL,
		    KTROP_CLEAR, KTRFAC_ALL, pid), 0, "CLEAR");
		break;
	case 1:
		scn_want(v->os, ktrq_harness_ktrace(v->h, ctl, t,
		    KTROP_CLEARFILE, 0, 0), 0, "CLEARFILE");
		break;
	default:
		scn_want(v->os, ktrq_harness_ktrace(v->h, ctl, t, KTROP_SET,
		    KTRFAC_ALL | KTRFAC_INHERIT, pid), 0, "SET");
		break;
	}
}

void
scn_bpcontrol_main(void *arg)
{
	const struct scn_view *v = arg;
	int i;

	for (i = 0; i < v->nops; i++)
		bp_op(v);
}
