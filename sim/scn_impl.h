/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What a scenario run records for the oracle: one totally ordered log of
 * events -- the core's probes, the scenario's own posts and actions, the
 * log lines -- in the order the simulated threads produced them.  Only
 * one simulated thread runs at a time, so appending needs no lock.
 */
#ifndef KTRQ_SCN_IMPL_H
#define KTRQ_SCN_IMPL_H

#include "scenario.h"

enum ev_kind {
	EV_PROBE,		/* a ktrq_probe */
	EV_POST,		/* an event point returned `outcome` */
	EV_RESIZE_BEGIN,
	EV_RESIZE_END,
	EV_WARN,		/* "Out of ktrace request objects." */
	EV_WRITEFAIL,		/* "ktrace write failed, ..." */
	EV_EXIT_END,		/* ktrq_proc_exit(pid) returned */
	EV_TWRITE,		/* a record starts into target `error` */
	EV_CLEARFILE_BEGIN,	/* CLEARFILE of target `error` called */
	EV_CLEARFILE_END	/* ... and returned */
};

struct ev {
	uint8_t		 kind;		/* enum ev_kind */
	uint8_t		 probe;		/* enum ktrq_probe_kind */
	uint8_t		 sync;
	int		 simtid;	/* who produced it */
	uint32_t	 tag;		/* the poster's current event tag */
	uint64_t	 serial;
	int		 pid;
	int64_t		 tid;
	int		 type;
	int		 error;		/* probe error, or post outcome */
	int		 tgt;		/* probe: its target's index, -1 */
};

#define	SCN_MAXPID	4096
/* Back-pressure timeout of the scenarios: far past any run's end. */
#define	SCN_BP_FOREVER_NS	(1ULL << 62)

struct scn_run {
	struct sim		*s;
	struct ktrq_os		*os;
	struct scn_params	 sp;
	const struct scn_hooks	*hooks;
	struct ktrq		*k;

	struct ev		*ev;
	size_t			 nev;
	size_t			 evcap;
	uint32_t		 cur_tag[SIM_MAXTHREADS + 1];

	int			 early_timeouts; /* the engine ends sleeps early */
	struct ktrq_stats	 quiet;		/* after every exit */
	int			 have_quiet;
	uint8_t			*trace;
	size_t			 trace_len;
	char			 setup_error[256];
	struct simtgt		*simtgts[2];	/* unreleased sim targets */
	const struct ktrq_target *tgtid[2];	/* the world's, by index */
};

void	scn__log_event(struct scn_run *, const struct ev *);
/* 1 when every invariant held; else 0 and the first failure in buf. */
int	scn__oracle(const struct scn_run *, char *buf, size_t len);
/* The tag carried by a decoded record's payload, or -1 (CSW: none). */
long long scn__record_tag(int type, const uint8_t *payload, size_t len);

#endif /* !KTRQ_SCN_IMPL_H */
