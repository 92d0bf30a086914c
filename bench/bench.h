/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq-bench: what the request queue costs, measured against baselines
 * taken in the same run.
 *
 * The driver (main.c) runs the suites below; each suite measures one
 * value per repetition into a result series (stats.c), and declares the
 * ratios that are the headline figures: a ratio is always between two
 * series of the same run, paired repetition by repetition (the variants
 * of one comparison run interleaved), so a drift of the machine during
 * the run moves both sides.  The results go to a table on stdout and,
 * identical, to results.json and results.csv.
 *
 * The bench is not the core: it uses pthreads and clock_gettime
 * directly, reads the core's private header for sizes and the pool's
 * internal entry points (pool.c), and keeps a mirror of the queue
 * (mirror.c) to compare the pool with malloc at equal design.
 */
#ifndef KTRQ_BENCH_H
#define KTRQ_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ktrq/ktrq.h"

#define	BENCH_MAXREPS		15
#define	BENCH_MAXTHREADS	8

/* ---- options (main.c) ---- */

struct bench_opts {
	int		 quick;		/* smoke: tiny counts, 3 repetitions */
	int		 reps;		/* repetitions per measurement */
	double		 scale;		/* multiplies event counts */
	const char	*outdir;	/* results.json, results.csv */
	const char	*only;		/* run only this suite, NULL: all */
	const char	*tmpdir;	/* directory of the file target */
	int		 check;		/* re-read and validate the JSON */
};

extern struct bench_opts bench_opts;

/* Scale an event count by --scale (quick mode divides further). */
uint64_t bench_count(uint64_t full, uint64_t quick);

/* ---- time ---- */

uint64_t bench_now_ns(void);
void	bench_sleep_ns(uint64_t ns);
/* Busy-wait for `ns` (a writer that takes its time on the CPU). */
void	bench_spin_ns(uint64_t ns);

/* ---- results (stats.c) ---- */

/* Which direction is good, for the table's reading aid. */
#define	BETTER_HIGHER	1
#define	BETTER_LOWER	(-1)
#define	BETTER_NONE	0

/*
 * A series: one measured quantity, one value per repetition.  `params`
 * is a JSON object body ("\"threads\":4,...") or "".  Returns its index.
 */
int	bres_new(const char *section, const char *name, const char *metric,
	    const char *unit, int better, const char *params);
void	bres_push(int id, double v);
double	bres_median(int id);
/*
 * A headline ratio num/den, paired per repetition (medians when the two
 * series differ in length).  `meaning` says how to read it.
 */
void	bratio_new(const char *name, int num, int den, const char *meaning);
/* A note (a failed check, a caveat measured at run time). */
void	bench_note(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/* Mark the run as failed (a check that must hold did not). */
void	bench_fail(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
int	bench_failed(void);

struct bench_meta {
	char	 date[32];
	char	 host_cpu[128];
	int	 nproc;
	char	 kernel[160];
	char	 compiler[128];
	char	 build_type[32];
	char	 cflags[160];
	char	 commit[64];
	char	 tmpfs[256];
	char	 load_start[64];	/* /proc/loadavg: 1, 5, 15 min */
	char	 load_end[64];
	double	 elapsed_s;
};

void	bench_print_table(FILE *, const struct bench_meta *);
int	bench_write_json(const char *path, const struct bench_meta *);
int	bench_write_csv(const char *path, const struct bench_meta *);
void	bench_stats_fini(void);

/* Percentile (0..100) of n sorted values, linear interpolation. */
double	bench_pct_sorted(const double *v, size_t n, double pct);
void	bench_sort_u32(uint32_t *v, size_t n);
double	bench_pct_u32(const uint32_t *v, size_t n, double pct); /* sorted */

/* ---- JSON validation (jsoncheck.c) ---- */

/* 0 when the file holds one valid JSON object, else -1 and a message. */
int	bench_json_check(const char *path, char *err, size_t errlen);

/* ---- the world (world.c) ---- */

/* The pthread layer; created once by the driver. */
extern struct ktrq_os *bench_os;

/*
 * A copy of the pthread layer whose alloc/free count calls and bytes
 * (one counting layer per process: the counters are global).
 */
struct ktrq_os *bench_counting_os(void);
struct alloc_counts {
	uint64_t	nalloc, nfree, bytes_alloc, bytes_free;
};
void	bench_alloc_counts(struct alloc_counts *);

enum bench_tkind {
	TGT_NULL,	/* accepts everything, reads nothing */
	TGT_FILE,	/* O_APPEND file on tmpfs */
	TGT_SPIN	/* null, after spinning spin_ns per write */
};
const char *bench_tkind_name(enum bench_tkind);
/* A target with one reference (the caller's); exits on failure. */
struct ktrq_target *bench_target(const struct ktrq_os *, enum bench_tkind,
	    uint64_t spin_ns);

extern const struct ktrq_cred bench_cred;

/* Run fn(args[i]) on n threads released together; returns seconds. */
double	bench_team(int n, void *(*fn)(void *), void **args);

/* An instance on `os` with this pool and KTRQ_CF_* flags (post.c). */
struct ktrq *bench_instance(const struct ktrq_os *, int pool,
	    unsigned flags);
/* The same with batch_max (0 batched, 1 one record per write). */
struct ktrq *bench_instance_batch(const struct ktrq_os *, int pool,
	    unsigned flags, int batch_max);

/* Die on a setup error (never on a measured outcome). */
void	bench_die(const char *what, int error) __attribute__((noreturn));

/* The record every poster emits: syscall 3 with three arguments. */
#define	BENCH_CODE	3
#define	BENCH_NARG	3
/* Its bytes on the target (a slow writer spins per record of these). */
#define	BENCH_REC_BYTES	(KTRQ_REC_HDR_V1_SIZE + \
			    KTRQ_REC_SYSCALL_SIZE(BENCH_NARG))

/* ---- baselines (direct.c) ---- */

/*
 * The direct model: every poster encodes its own record and writes it
 * under one global lock (pre-2002 FreeBSD, OpenBSD today).  With
 * `locked` 0 it is the raw limit: encode and write, nothing else.
 */
struct direct;
struct direct *direct_create(const struct ktrq_os *, struct ktrq_target *,
	    int locked);
void	direct_destroy(struct direct *);
int	direct_syscall(struct direct *, int pid, int64_t tid, int code,
	    int narg, const uint64_t *args);

/* ---- the mirror queue (mirror.c) ---- */

struct mirror;
struct mirror_proc;
/* pool_size 0: malloc and free one request per event. */
struct mirror *mirror_create(const struct ktrq_os *, struct ktrq_target *,
	    uint32_t pool_size);
void	mirror_destroy(struct mirror *);
struct mirror_proc *mirror_proc_create(struct mirror *, int pid,
	    int64_t tid);
int	mirror_syscall(struct mirror_proc *, int code, int narg,
	    const uint64_t *args);
/* exit(2): drain, detach, free. */
void	mirror_proc_exit(struct mirror_proc *);
void	mirror_stats(struct mirror *, uint64_t *posted, uint64_t *written,
	    uint64_t *dropped);

/* ---- suites ---- */

void	suite_post(void);	/* post.c: throughput, latency */
void	suite_genio(void);	/* post.c: synchronous round trip */
void	suite_drops(void);	/* post.c: drops under a slow writer */
void	suite_pool(void);	/* pool.c: get/put, resize */
void	suite_alloc(void);	/* pool.c: allocations, bytes */
void	suite_sim(void);	/* simspeed.c */

#endif /* !KTRQ_BENCH_H */
