/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fault-target scenario's file: the harness puts its last target
 * behind a fault target (ktrq_faulttarget_create) with limits chosen
 * here for the run -- a record or byte budget after which it fails for
 * good, with which errno (a transient one too, which the core retries
 * before it gives up), short writes, a delay per write.
 */
#include <errno.h>
#include <string.h>

#include "ktrq/ktrq.h"
#include "ktrq/sim.h"
#include "actors.h"

void
scn_fault_choose(const struct ktrq_os *os, struct ktrq_fault *f)
{
	static const int errnos[] = { 0, ENOSPC, EAGAIN, EINTR, ENXIO,
	    EINVAL };

	memset(f, 0, sizeof(*f));
	switch (ktrq_sim_choose(os, 3, "fault limit")) {
	case 0:
		f->fail_after_records = 1 + ktrq_sim_choose(os, 30, "records");
		break;
	case 1:
		f->fail_after_bytes = 200 + ktrq_sim_choose(os, 4000, "bytes");
		break;
	default:			/* no limit: the other faults alone */
		break;
	}
	f->error = errnos[ktrq_sim_choose(os, sizeof(errnos) /
	    sizeof(errnos[0]), "fault errno")];
	if (ktrq_sim_choose(os, 2, "short writes?"))
		f->short_write = 1 + ktrq_sim_choose(os, 150, "short write");
	if (ktrq_sim_choose(os, 2, "delay?"))
		f->delay_ns = 1000 * (1 + ktrq_sim_choose(os, 100, "delay"));
	if (f->fail_after_records == 0 && f->fail_after_bytes == 0 &&
	    f->error == 0 && f->short_write == 0 && f->delay_ns == 0)
		f->short_write = 7;	/* a fault target, whatever the draw */
}
