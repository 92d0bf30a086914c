/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Actors of the scenarios that live in files of their own, and what
 * they see of a run's world.  Like scenario.c they are written on the
 * public headers alone (tests/sim/harness_includes.sh).
 *
 *	badinput.c	bad calls to every public function, on the run's
 *			instance while its posters post, and bad layers,
 *			configurations and tunables at create
 *	badchild.c	a side instance's forked child (EOWNERDEAD from
 *			every call) and events nested in event points
 *	badrecords.c	the record decoders fed truncated, corrupt and
 *			version-0 records
 *	configs.c	side instances made every other way: from
 *			tunables, failing at every step of create, without
 *			probe or log hook, copying or clamping genio, with
 *			a fault target; each one's trace checked
 *	forktree.c	process trees under DESCEND, orphans
 *	bpcontrol.c	control of processes whose posters wait for
 *			request objects
 *	faulttarget.c	the limits of the fault-target scenario's target
 *
 * Concurrency: an actor is one simulated thread of one run.
 */
#ifndef KTRQ_SCN_ACTORS_H
#define KTRQ_SCN_ACTORS_H

#include <stdint.h>

#include "ktrq/harness.h"
#include "ktrq/ktrq.h"
#include "ktrq/os.h"

/* What an actor gets: the run's layer and harness, its processes. */
struct scn_view {
	const struct ktrq_os	*os;
	struct ktrq_harness	*h;
	struct ktrq_proc	**procs;	/* the traced processes */
	int			 nprocs;
	int			 nops;		/* operations to make */
	int			 ntargets;	/* of the harness */
};

/* Fail the run unless `got` is `want`: "what returned got, not want". */
void	scn_want(const struct ktrq_os *, int got, int want, const char *what);
/* The same, allowing ENOMEM as well (an allocation may fail). */
void	scn_want_mem(const struct ktrq_os *, int got, int want,
	    const char *what);
/* Sleep `ns` of virtual time on a mutex and channel of one's own. */
void	scn_pause(const struct ktrq_os *, uint64_t ns);

/* badinput.c */
void	scn_badinput_main(void *view);
void	scn_bad_layers(const struct ktrq_os *);
/* badchild.c */
void	scn_bad_child(const struct ktrq_os *, struct ktrq *run);
/* badrecords.c */
void	scn_bad_records(const struct ktrq_os *);
/* configs.c */
void	scn_configs_main(void *view);
/* forktree.c */
void	scn_forktree_main(void *view);
/* bpcontrol.c */
void	scn_bpcontrol_main(void *view);
/* faulttarget.c: the fault target's limits for this run, chosen. */
void	scn_fault_choose(const struct ktrq_os *, struct ktrq_fault *f);

#endif /* !KTRQ_SCN_ACTORS_H */
