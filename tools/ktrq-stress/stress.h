/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq-stress: a load program for libktrq on the pthread backend.
 *
 * Shared declarations.  The program is split by phase:
 *
 *	opts.c		the command line
 *	payload.c	the deterministic event mix and each event's payload,
 *			used both to post and to check what was read back
 *	post.c		the posting threads and the pool resizer
 *	run.c		one instance, its target, processes and threads
 *	verify.c	reading the trace file back and the checks
 *	report.c	the summary, as text or as one JSON object
 *
 * Every event carries its thread index and per-thread sequence number
 * where the record can be read back (see payload.c), except a context
 * switch, whose payload is two booleans: its place is implied by the
 * order of the thread's other records.
 */
#ifndef KTRQ_STRESS_H
#define KTRQ_STRESS_H

#include <stddef.h>
#include <stdint.h>

#include "ktrq/ktrq.h"

#if defined(__GNUC__) || defined(__clang__)
#define	PRINTFLIKE(f, a)	__attribute__((__format__(__printf__, f, a)))
#else
#define	PRINTFLIKE(f, a)
#endif

#define	STRESS_THREADS_MAX	4096
#define	STRESS_EVENTS_MAX	1000000000ULL
#define	STRESS_PID_BASE		1000	/* process p has pid 1000 + p */
#define	STRESS_PGID		1000	/* every process is in this group */
#define	STRESS_TID_BASE		100000	/* thread i has tid 100000 + i */
#define	STRESS_COMM		"ktrq-stress"

struct stress_opts {
	unsigned	 threads;
	uint64_t	 events;	/* total, split evenly across threads */
	int		 pool;
	double		 sync_ratio;	/* share of events that are genio */
	const char	*out;
	unsigned	 procs;		/* 0: one per thread */
	uint64_t	 resize_every;	/* 0: no resizer */
	int		 resize_min;
	int		 resize_max;
	uint64_t	 fail_after_records;
	uint64_t	 fail_after_bytes;
	int		 fail_errno;	/* 0: EIO */
	size_t		 short_write;
	int		 genio_copy;
	uint64_t	 backpressure_ns; /* 0: off (drops when the pool is
					   empty) */
	uint64_t	 seed;
	int		 quiet;
	int		 json;
	/* Where the summary goes: stdout, or stderr with --out -. */
	FILE		*report;
};

/*
 * Parse argv; 0, 1 (--help or --version printed) or 2 (usage error
 * printed).
 */
int	stress_opts_parse(struct stress_opts *o, int argc, char **argv);
int	stress_faulty(const struct stress_opts *o);

/*
 * What one event call returned, in the high bits of its event byte; the
 * low bits are its record type (KTR_SYSCALL .. KTR_USER).
 */
enum stress_outcome {
	OC_OK,		/* 0: queued or written */
	OC_NOBUFS,	/* ENOBUFS: dropped, no request object */
	OC_NXIO,	/* ENXIO: tracing stopped before queue or write */
	OC_ERRNO,	/* the write's errno: sync genio, write failed */
	OC_NOENT,	/* ENOENT: not traced (after a write error) */
	OC_BAD,		/* EALREADY, EINVAL: never expected */
	OC_MAX
};
#define	EV_TYPE(b)	((b) & 0x0f)
#define	EV_OC(b)	((b) >> 4)
#define	EV_MAKE(t, oc)	((uint8_t)((t) | ((oc) << 4)))
/* Counted as posted by the library (passed KTRPOINT). */
#define	OC_POSTED(oc)	((oc) <= OC_ERRNO)
/* Took a request object (and so consumed the process's drop mark). */
#define	OC_CAPTURED(oc)	((oc) == OC_OK || (oc) == OC_NXIO || \
			    (oc) == OC_ERRNO)

struct stress_run;

/* An event that returned 0, and when its call began and returned. */
struct okev {
	uint64_t	seq;
	uint64_t	start;
	uint64_t	end;
};

/* One posting OS thread, and everything it saw. */
struct poster {
	struct stress_run	*run;
	unsigned		 idx;
	unsigned		 proc;		/* index of its process */
	struct ktrq_thread	*td;
	struct ktrq_os_thread	*thr;
	uint64_t		 nevents;
	uint64_t		 rng;
	uint8_t			*ev;		/* per event: EV_MAKE() */
	uint64_t		*dropt;		/* clock before each ENOBUFS */
	size_t			 ndropt;
	size_t			 dropcap;
	struct okev		*oks;		/* each event that returned 0 */
	size_t			 nok;
	size_t			 okcap;
	uint64_t		 oc[OC_MAX];
	int			 first_errno;	/* first OC_ERRNO outcome */
	int			 first_bad;	/* first OC_BAD outcome */
	int			 nomem;		/* lost times: no memory */
};

struct stress_run {
	const struct stress_opts *o;
	struct ktrq_os		*os;
	struct ktrq		*k;
	struct ktrq_target	*target;	/* file, or fault wrapper */
	struct ktrq_proc	**procs;
	unsigned		 nprocs;
	struct poster		*posters;
	struct ktrq_os_mtx	*mtx;		/* guards the fields below */
	int			 go;		/* start gate for posters */
	int			 done;		/* posters finished */
	uint64_t		 ncalls;	/* events posted (resizer) */
	uint64_t		 resize_next;
	uint64_t		 resizes;
	uint64_t		 resize_enospc;
	uint64_t		 resize_errors;
	uint64_t		 log_warnings;	/* "Out of ktrace ..." */
	uint64_t		 log_write_errors; /* "ktrace write failed" */
	uint64_t		 log_other;
	struct ktrq_os_thread	*resizer;
	uint64_t		 t_start, t_end;
	struct ktrq_stats	 st;
};

/* payload.c */
uint64_t stress_mix64(uint64_t x);
uint64_t stress_rng(uint64_t *state);
int	stress_pick_type(uint64_t *state, double sync_ratio);
int	stress_post_event(struct poster *pp, int type, uint64_t seq);

/* Check the payload of a record of thread idx; fill *seqp (or -1: csw). */
int	stress_payload_check(const struct stress_opts *o, unsigned idx,
	    int type, const uint8_t *buf, size_t len, int64_t *seqp,
	    char *why, size_t whylen);
/* Does a csw record with this payload match event seq of a thread? */
int	stress_csw_matches(const uint8_t *buf, size_t len, uint64_t seq);

/* post.c */
void	stress_lock(struct stress_run *r);
void	stress_unlock(struct stress_run *r);
void	stress_sleep(struct stress_run *r, const void *chan);
void	stress_wakeup(struct stress_run *r, const void *chan);
void	stress_poster_main(void *arg);
void	stress_resizer_main(void *arg);
void	stress_log(void *arg, int level, const char *msg);

/* run.c */
int	stress_run(struct stress_run *r, const struct stress_opts *o);
void	stress_run_free(struct stress_run *r);

/* verify.c */
struct stress_result {
	uint64_t	records;	/* complete records in the file */
	uint64_t	bytes;		/* file size */
	uint64_t	trunc_bytes;	/* bytes of a truncated last record */
	uint64_t	drop_records;	/* records carrying KTR_DROP */
	uint64_t	calls[OC_MAX];	/* event calls by outcome */
	uint64_t	ncalls;
	uint64_t	nposted;	/* calls the library counted */
	int		ok;
	int		io_error;	/* errno: the file could not be read */
	char		why[256];	/* first mismatch, or the read error */
};
void	stress_verify(const struct stress_run *r, struct stress_result *res);

/* report.c */
void	stress_report(const struct stress_run *r,
	    const struct stress_result *res);

#endif /* !KTRQ_STRESS_H */
