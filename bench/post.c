/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Posting and writing on the pthread backend.
 *
 * suite_post: N posting threads (1, 2, 4, 8), each its own traced
 * process, post syscall records (3 arguments: 96 bytes on the target)
 * and then exit, which waits until their records are written; the time
 * from the first poster's start to the last exit is the end-to-end
 * time, and written/s the rate of records that reached the target.  The
 * queue runs with pools of 100 and 1000 (a flood: most events drop) and
 * with "pool=all", one object per event (nothing can drop: the design's
 * own rate), and with posters that sched_yield() after each drop (a
 * stand-in for back-pressure: does the flood's collapse come from the
 * worker not getting the CPU?).  Against the same posters and target,
 * in the same repetition:
 *   direct	each poster encodes and writes under one global lock;
 *   raw	one thread encodes and writes everything, no lock, no queue;
 *   mirror	bench/mirror.c with pool=all, and with malloc per event.
 * Every 8th call is timed with clock_gettime: the poster's latency for
 * an async event (outcome 0 only; a drop returns sooner).
 *
 * suite_genio: the synchronous genio round trip, alone and beside two
 * posters, against the layer's own hand-off (a ping-pong through one
 * mutex and msleep/wakeup), and against the 2004 copy mode.
 *
 * suite_drops: a writer that spends 5 us per record on the CPU, slower
 * than the posters, in bursts (pool size matters) and sustained (it
 * does not).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

enum model {
	M_QUEUE,	/* libktrq */
	M_MIRROR,	/* mirror.c: pool, or malloc when pool is 0 */
	M_DIRECT,	/* global lock, poster writes */
	M_RAW		/* one thread, no lock */
};

struct poster {
	enum model		 model;
	struct ktrq_proc	*proc;
	struct ktrq_thread	*td;
	struct mirror_proc	*mp;
	struct direct		*d;
	int			 pid;
	int64_t			 tid;
	uint64_t		 nevents;
	/* bursts: post `burst` events, then pause; 0: no bursts */
	uint64_t		 burst;
	uint64_t		 pause_ns;
	int			 yield;		/* sched_yield() after a drop */
	uint32_t		*lat;
	size_t			 nlat, latcap;
	uint64_t		 ok, nobufs, errors;
};

struct run {
	double		 secs;
	uint64_t	 posted, written, dropped;
	uint32_t	*lat;		/* merged samples, sorted */
	size_t		 nlat;
};

#define	SAMPLE_MASK	7	/* time one call in 8 */

static int
post_one(struct poster *p, const uint64_t *args)
{

	switch (p->model) {
	case M_QUEUE:
		return (ktrq_syscall(p->td, BENCH_CODE, BENCH_NARG, args));
	case M_MIRROR:
		return (mirror_syscall(p->mp, BENCH_CODE, BENCH_NARG, args));
	case M_DIRECT:
	case M_RAW:
		return (direct_syscall(p->d, p->pid, p->tid, BENCH_CODE,
		    BENCH_NARG, args));
	}
	return (EINVAL);
}

static void *
poster_main(void *arg)
{
	struct poster *p = arg;
	uint64_t args[BENCH_NARG], i, t0, dt;
	int rc, sample;

	args[1] = (uint64_t)p->pid;
	args[2] = 0x5eed;
	t0 = 0;
	for (i = 0; i < p->nevents; i++) {
		if (p->burst != 0 && i != 0 && i % p->burst == 0)
			bench_sleep_ns(p->pause_ns);
		args[0] = i;
		sample = (i & SAMPLE_MASK) == 0 && p->nlat < p->latcap;
		if (sample)
			t0 = bench_now_ns();
		rc = post_one(p, args);
		if (sample && rc == 0) {
			dt = bench_now_ns() - t0;
			p->lat[p->nlat++] = dt > UINT32_MAX ? UINT32_MAX :
			    (uint32_t)dt;
		}
		if (rc == 0)
			p->ok++;
		else if (rc == ENOBUFS) {
			p->nobufs++;
			if (p->yield)
				sched_yield();
		} else
			p->errors++;
	}
	if (p->model == M_QUEUE)
		ktrq_proc_exit(p->proc);
	else if (p->model == M_MIRROR)
		mirror_proc_exit(p->mp);
	return (NULL);
}

/* Make a traced process with one thread, tracing `facs` to `t`. */
static void
traced_proc(struct ktrq *k, struct ktrq_target *t, int pid, int64_t tid,
    int facs, struct ktrq_proc **pp, struct ktrq_thread **tdp)
{
	int error;

	if ((error = ktrq_proc_create(k, pid, NULL, pid, "bench",
	    &bench_cred, pp)) != 0 ||
	    (error = ktrq_thread_create(*pp, tid, tdp)) != 0 ||
	    (error = ktrq_ktrace(*tdp, t, KTROP_SET, facs, pid)) != 0)
		bench_die("traced process", error);
}

struct ktrq *
bench_instance(const struct ktrq_os *os, int pool, unsigned flags)
{

	return (bench_instance_batch(os, pool, flags, 0));
}

struct ktrq *
bench_instance_batch(const struct ktrq_os *os, int pool, unsigned flags,
    int batch_max)
{
	struct ktrq_config cf;
	struct ktrq *k;
	int error;

	ktrq_config_init(&cf, os);
	cf.pool_size = pool;
	cf.flags = flags;
	cf.batch_max = batch_max;
	if ((error = ktrq_create(&cf, &k)) != 0)
		bench_die("ktrq_create", error);
	return (k);
}

/*
 * One repetition: `n` posters of `model` post `total` events between
 * them to a fresh target of `kind` (and a fresh instance).
 */
static void	run_once_y(enum model, enum bench_tkind, uint64_t, int,
		    uint32_t, uint64_t, uint64_t, uint64_t, int, struct run *);

static void
run_once(enum model model, enum bench_tkind kind, uint64_t spin_ns, int n,
    uint32_t pool, uint64_t total, uint64_t burst, uint64_t pause_ns,
    struct run *r)
{

	run_once_y(model, kind, spin_ns, n, pool, total, burst, pause_ns, 0,
	    r);
}

/*
 * The same in a mode (BM_*): posters that yield the CPU after each drop,
 * the 2002 writer (one record per write), back-pressure.
 */
#define	BM_YIELD	0x1
#define	BM_BATCH1	0x2
#define	BM_BP		0x4

static void
run_once_y(enum model model, enum bench_tkind kind, uint64_t spin_ns, int n,
    uint32_t pool, uint64_t total, uint64_t burst, uint64_t pause_ns,
    int mode, struct run *r)
{
	struct poster ps[BENCH_MAXTHREADS];
	void *args[BENCH_MAXTHREADS];
	struct ktrq_target *t;
	struct ktrq_stats st;
	struct mirror *m;
	struct direct *d;
	struct ktrq *k;
	size_t nlat;
	int i;

	memset(ps, 0, sizeof(ps));
	memset(r, 0, sizeof(*r));
	if (pool > KTRQ_POOL_MAX)	/* --scale beyond "pool=all" */
		pool = KTRQ_POOL_MAX;
	t = bench_target(bench_os, kind, spin_ns);
	k = NULL;
	m = NULL;
	d = NULL;
	if (model == M_QUEUE)
		k = bench_instance_batch(bench_os, (int)pool,
		    mode & BM_BP ? KTRQ_CF_BACKPRESSURE : 0,
		    mode & BM_BATCH1 ? 1 : 0);
	else if (model == M_MIRROR)
		m = mirror_create(bench_os, t, pool);
	else
		d = direct_create(bench_os, t, model == M_DIRECT);
	for (i = 0; i < n; i++) {
		struct poster *p = &ps[i];

		p->model = model;
		p->pid = 100 + i;
		p->tid = 100000 + i;
		p->nevents = total / (uint64_t)n;
		p->burst = burst;
		p->pause_ns = pause_ns;
		p->yield = (mode & BM_YIELD) != 0;
		p->latcap = (size_t)(p->nevents / (SAMPLE_MASK + 1)) + 1;
		if ((p->lat = malloc(p->latcap * sizeof(*p->lat))) == NULL)
			bench_die("latency samples", ENOMEM);
		if (model == M_QUEUE)
			traced_proc(k, t, p->pid, p->tid, KTRFAC_SYSCALL,
			    &p->proc, &p->td);
		else if (model == M_MIRROR)
			p->mp = mirror_proc_create(m, p->pid, p->tid);
		else
			p->d = d;
		args[i] = p;
	}
	r->secs = bench_team(n, poster_main, args);
	if (model == M_QUEUE) {
		ktrq_stats(k, &st);
		r->posted = st.posted;
		r->written = st.written;
		r->dropped = st.dropped_exhausted;
		if (st.posted != st.written + st.dropped_exhausted ||
		    st.pool_free != st.pool_size)
			bench_fail("queue accounting: posted %" PRIu64
			    " written %" PRIu64 " dropped %" PRIu64,
			    st.posted, st.written, st.dropped_exhausted);
		ktrq_destroy(k);
	} else if (model == M_MIRROR) {
		mirror_stats(m, &r->posted, &r->written, &r->dropped);
		mirror_destroy(m);
	} else {
		for (i = 0; i < n; i++) {
			r->posted += ps[i].ok + ps[i].errors;
			r->written += ps[i].ok;
		}
		direct_destroy(d);
	}
	ktrq_target_rele(t);
	for (i = 0, nlat = 0; i < n; i++)
		nlat += ps[i].nlat;
	if ((r->lat = malloc((nlat + 1) * sizeof(*r->lat))) == NULL)
		bench_die("latency samples", ENOMEM);
	for (i = 0; i < n; i++) {
		if (ps[i].errors != 0)
			bench_fail("%s: %" PRIu64 " posts failed",
			    bench_tkind_name(kind), ps[i].errors);
		memcpy(r->lat + r->nlat, ps[i].lat,
		    ps[i].nlat * sizeof(*r->lat));
		r->nlat += ps[i].nlat;
		free(ps[i].lat);
	}
	bench_sort_u32(r->lat, r->nlat);
}

static void
run_fini(struct run *r)
{

	free(r->lat);
	r->lat = NULL;
}

static double
ppm(const struct run *r)
{

	return (r->posted == 0 ? NAN :
	    1e6 * (double)r->dropped / (double)r->posted);
}

/* ---- suite_post ---- */

/*
 * What the latency probe itself costs: two clock reads around nothing,
 * the floor under every "post pNN" figure.
 */
static void
timer_baseline(void)
{
	uint32_t *v;
	uint64_t t0, dt;
	size_t i, n;
	int id[3], j, rep;
	static const double pv[3] = { 50, 99, 99.9 };
	static const char *const pn[3] = { "post p50", "post p99",
	    "post p99.9" };

	n = (size_t)bench_count(100000, 1000);
	if ((v = malloc(n * sizeof(*v))) == NULL)
		bench_die("timer", ENOMEM);
	for (j = 0; j < 3; j++)
		id[j] = bres_new("latency", "empty call (clock_gettime pair)",
		    pn[j], "ns", BETTER_LOWER, "\"what\":\"the probe's "
		    "own cost\"");
	for (rep = 0; rep < bench_opts.reps; rep++) {
		for (i = 0; i < n; i++) {
			t0 = bench_now_ns();
			dt = bench_now_ns() - t0;
			v[i] = dt > UINT32_MAX ? UINT32_MAX : (uint32_t)dt;
		}
		bench_sort_u32(v, n);
		for (j = 0; j < 3; j++)
			bres_push(id[j], bench_pct_u32(v, n, pv[j]));
	}
	free(v);
}

/*
 * "pool=all" holds one object per event of the repetition: nothing can
 * drop, so it is the design's end-to-end rate, and the mirror's fair
 * match for malloc (which never drops either).
 */
enum variant {
	V_Q100, V_Q1000, V_Q1000Y, V_QALL, V_QALL1, V_DIRECT, V_RAW, V_MBIG,
	V_MMALLOC, V_NVARIANTS
};

static const char *const vnames[V_NVARIANTS] = {
	"queue pool=100", "queue pool=1000", "queue pool=1000 +yield",
	"queue pool=all", "queue pool=all batch=1", "direct (global lock)",
	"raw limit (1 thread)", "mirror pool=all", "mirror malloc"
};

struct group {
	int	 wps[V_NVARIANTS];	/* written/s */
	int	 drop[V_NVARIANTS];	/* drops per million */
	int	 lat[V_NVARIANTS][3];	/* p50, p99, p99.9 */
};

static void
series_for(struct group *g, enum bench_tkind kind, int n, int v, int lat)
{
	static const char *const pn[3] = { "post p50", "post p99",
	    "post p99.9" };
	char name[96], params[256];
	int j;

	snprintf(name, sizeof(name), "%s %s t=%d", vnames[v],
	    bench_tkind_name(kind), n);
	snprintf(params, sizeof(params), "\"variant\":\"%s\",\"target\":"
	    "\"%s\",\"threads\":%d,\"record_bytes\":%d", vnames[v],
	    bench_tkind_name(kind), n,
	    (int)(KTRQ_REC_HDR_V1_SIZE + KTRQ_REC_SYSCALL_SIZE(BENCH_NARG)));
	g->wps[v] = bres_new("post", name, "written/s", "events/s",
	    BETTER_HIGHER, params);
	g->drop[v] = v == V_Q100 || v == V_Q1000 || v == V_Q1000Y ?
	    bres_new("post", name, "drops/M", "ppm", BETTER_LOWER, params) :
	    -1;
	for (j = 0; j < 3; j++)
		g->lat[v][j] = lat ? bres_new("latency", name, pn[j], "ns",
		    BETTER_LOWER, params) : -1;
}

static void
push_run(struct group *g, int v, const struct run *r)
{
	static const double pv[3] = { 50, 99, 99.9 };
	int j;

	bres_push(g->wps[v], (double)r->written / r->secs);
	if (g->drop[v] >= 0)
		bres_push(g->drop[v], ppm(r));
	for (j = 0; j < 3; j++)
		if (g->lat[v][j] >= 0)
			bres_push(g->lat[v][j],
			    bench_pct_u32(r->lat, r->nlat, pv[j]));
}

void
suite_post(void)
{
	static const int threads[] = { 1, 2, 4, 8 };
	static const enum bench_tkind kinds[] = { TGT_NULL, TGT_FILE };
	struct group groups[2][4];
	char rname[128];
	struct run r;
	uint64_t total;
	int ki, ti, rep, v, n, lat;

	memset(groups, 0xff, sizeof(groups));
	/* Warm up: fault in the allocator's arenas and the code. */
	total = bench_count(50000, 2000);
	run_once(M_QUEUE, TGT_NULL, 0, 2, 1000, total, 0, 0, &r);
	run_fini(&r);
	for (ki = 0; ki < 2; ki++) {
		enum bench_tkind kind = kinds[ki];

		total = kind == TGT_NULL ? bench_count(500000, 4000) :
		    bench_count(200000, 2000);
		for (ti = 0; ti < 4; ti++) {
			struct group *g = &groups[ki][ti];

			n = threads[ti];
			lat = n == 1 || n == 8;
			for (v = 0; v < V_NVARIANTS; v++) {
				if (v == V_RAW && n != 1)
					continue;
				if (v >= V_MBIG && kind != TGT_NULL)
					continue;
				if (v == V_Q1000Y && (kind != TGT_NULL ||
				    (n != 1 && n != 8)))
					continue;
				if (v == V_QALL1 && n != 1 && n != 8)
					continue;
				series_for(g, kind, n, v, lat &&
				    (v == V_Q1000 || v == V_QALL ||
				    v == V_DIRECT));
			}
			fprintf(stderr, "post: %s, %d poster%s\n",
			    bench_tkind_name(kind), n, n > 1 ? "s" : "");
			for (rep = 0; rep < bench_opts.reps; rep++) {
				for (v = 0; v < V_NVARIANTS; v++) {
					if (g->wps[v] < 0)
						continue;
					switch (v) {
					case V_Q100:
						run_once(M_QUEUE, kind, 0, n,
						    100, total, 0, 0, &r);
						break;
					case V_Q1000:
						run_once(M_QUEUE, kind, 0, n,
						    1000, total, 0, 0, &r);
						break;
					case V_Q1000Y:
						run_once_y(M_QUEUE, kind, 0, n,
						    1000, total, 0, 0, BM_YIELD,
						    &r);
						break;
					case V_QALL1:
						run_once_y(M_QUEUE, kind, 0, n,
						    (uint32_t)total, total, 0,
						    0, BM_BATCH1, &r);
						break;
					case V_QALL:
						run_once(M_QUEUE, kind, 0, n,
						    (uint32_t)total, total, 0,
						    0, &r);
						break;
					case V_DIRECT:
						run_once(M_DIRECT, kind, 0, n,
						    0, total, 0, 0, &r);
						break;
					case V_MBIG:
						run_once(M_MIRROR, kind, 0, n,
						    (uint32_t)total, total, 0,
						    0, &r);
						break;
					case V_MMALLOC:
						run_once(M_MIRROR, kind, 0, n,
						    0, total, 0, 0, &r);
						break;
					case V_RAW:
						run_once(M_RAW, kind, 0, 1, 0,
						    total, 0, 0, &r);
						break;
					}
					if (r.dropped != 0 && (v == V_QALL ||
					    v == V_QALL1 || v == V_MBIG ||
					    v == V_MMALLOC))
						bench_fail("%s dropped",
						    vnames[v]);
					push_run(g, v, &r);
					run_fini(&r);
				}
			}
		}
	}
	timer_baseline();
	for (ki = 0; ki < 2; ki++) {
		const char *tk = bench_tkind_name(kinds[ki]);
		struct group *g1 = &groups[ki][0], *g8 = &groups[ki][3];

		for (ti = 0; ti < 4; ti++) {
			struct group *g = &groups[ki][ti];

			snprintf(rname, sizeof(rname),
			    "queue/direct %s t=%d", tk, threads[ti]);
			bratio_new(rname, g->wps[V_QALL], g->wps[V_DIRECT],
			    "written/s, pool=all (neither drops); >1: the "
			    "queue is faster");
		}
		for (ti = 0; ti < 4; ti += 3) {
			struct group *g = &groups[ki][ti];

			snprintf(rname, sizeof(rname),
			    "queue pool=1000/direct %s t=%d", tk, threads[ti]);
			bratio_new(rname, g->wps[V_Q1000], g->wps[V_DIRECT],
			    "written/s in a flood: the queue drops, the "
			    "direct model never");
		}
		snprintf(rname, sizeof(rname), "queue/raw limit %s t=1", tk);
		bratio_new(rname, g1->wps[V_QALL], g1->wps[V_RAW],
		    "written/s, pool=all; share of the one-writer ceiling");
		snprintf(rname, sizeof(rname), "queue/raw limit %s t=8", tk);
		bratio_new(rname, g8->wps[V_QALL], g1->wps[V_RAW],
		    "written/s, pool=all; share of the one-writer ceiling");
		snprintf(rname, sizeof(rname), "direct/raw limit %s t=1", tk);
		bratio_new(rname, g1->wps[V_DIRECT], g1->wps[V_RAW],
		    "written/s; what one lock costs alone");
		for (ti = 0; ti < 4; ti += 3) {
			struct group *g = &groups[ki][ti];

			snprintf(rname, sizeof(rname),
			    "batched/one per write %s t=%d", tk, threads[ti]);
			bratio_new(rname, g->wps[V_QALL], g->wps[V_QALL1],
			    "written/s, pool=all; what batching gains over "
			    "the 2002 writer");
			snprintf(rname, sizeof(rname),
			    "post p50 queue pool=all/direct %s t=%d", tk,
			    threads[ti]);
			bratio_new(rname, g->lat[V_QALL][0],
			    g->lat[V_DIRECT][0], "poster's call time with "
			    "the worker running beside it (nothing drops)");
			snprintf(rname, sizeof(rname),
			    "post p99/p50 queue pool=all %s t=%d", tk,
			    threads[ti]);
			bratio_new(rname, g->lat[V_QALL][1],
			    g->lat[V_QALL][0], "tail over median of the "
			    "same calls; <=4: few posts pay for a wakeup");
		}
		snprintf(rname, sizeof(rname), "post p50 queue/direct %s t=1",
		    tk);
		bratio_new(rname, g1->lat[V_Q1000][0], g1->lat[V_DIRECT][0],
		    "poster's call time; <1: posting beats writing");
		snprintf(rname, sizeof(rname), "post p99 queue/direct %s t=1",
		    tk);
		bratio_new(rname, g1->lat[V_Q1000][1], g1->lat[V_DIRECT][1],
		    "poster's call time, tail");
		snprintf(rname, sizeof(rname), "post p50 queue/direct %s t=8",
		    tk);
		bratio_new(rname, g8->lat[V_Q1000][0], g8->lat[V_DIRECT][0],
		    "poster's call time, 8 posters");
		snprintf(rname, sizeof(rname), "post p99 queue/direct %s t=8",
		    tk);
		bratio_new(rname, g8->lat[V_Q1000][1], g8->lat[V_DIRECT][1],
		    "poster's call time, 8 posters, tail");
	}
	for (ti = 0; ti < 4; ti += 3) {
		struct group *g = &groups[0][ti];

		snprintf(rname, sizeof(rname),
		    "flood pool=1000: +yield/plain null t=%d", threads[ti]);
		bratio_new(rname, g->wps[V_Q1000Y], g->wps[V_Q1000],
		    "written/s when posters give the worker the CPU");
	}
	for (ti = 0; ti < 4; ti++) {
		struct group *g = &groups[0][ti];

		snprintf(rname, sizeof(rname), "pool/malloc (mirror) null t=%d",
		    threads[ti]);
		bratio_new(rname, g->wps[V_MBIG], g->wps[V_MMALLOC],
		    "written/s, neither drops; >1: the pool pays");
	}
	for (ti = 0; ti < 4; ti += 3) {
		struct group *g = &groups[0][ti];

		snprintf(rname, sizeof(rname),
		    "calibration library/mirror null t=%d", threads[ti]);
		bratio_new(rname, g->wps[V_QALL], g->wps[V_MBIG],
		    "pool=all both; ~1: the mirror prices the core's path");
	}
}

/* ---- the layer's hand-off: a ping-pong ---- */

struct pingpong {
	struct ktrq_os		*os;
	struct ktrq_os_mtx	*m;
	int			 turn;
	int			 chan[2];
	uint64_t		 rounds;
};

static void *
pong_main(void *arg)
{
	struct pingpong *pp = arg;
	const struct ktrq_os *os = pp->os;
	uint64_t i;

	os->mtx_enter(os->cookie, pp->m);
	for (i = 0; i < pp->rounds; i++) {
		while (pp->turn != 1)
			os->msleep(os->cookie, &pp->chan[1], pp->m, "pong", 0);
		pp->turn = 0;
		os->wakeup(os->cookie, &pp->chan[0]);
	}
	os->mtx_exit(os->cookie, pp->m);
	return (NULL);
}

/* Mean round trip (two hand-offs), in ns. */
static double
pingpong_once(uint64_t rounds)
{
	struct pingpong pp;
	const struct ktrq_os *os = bench_os;
	pthread_t th;
	uint64_t i, t0, t1;
	int error;

	memset(&pp, 0, sizeof(pp));
	pp.os = bench_os;
	pp.rounds = rounds;
	if ((error = os->mtx_init(os->cookie, &pp.m, "pingpong")) != 0)
		bench_die("mtx_init", error);
	if ((error = pthread_create(&th, NULL, pong_main, &pp)) != 0)
		bench_die("pthread_create", error);
	os->mtx_enter(os->cookie, pp.m);
	t0 = bench_now_ns();
	for (i = 0; i < rounds; i++) {
		pp.turn = 1;
		os->wakeup(os->cookie, &pp.chan[1]);
		while (pp.turn != 0)
			os->msleep(os->cookie, &pp.chan[0], pp.m, "ping", 0);
	}
	t1 = bench_now_ns();
	os->mtx_exit(os->cookie, pp.m);
	pthread_join(th, NULL);
	os->mtx_destroy(os->cookie, pp.m);
	return ((double)(t1 - t0) / (double)rounds);
}

/* ---- suite_genio ---- */

#define	BG_BURST	8
#define	BG_PAUSE_NS	100000

struct background {
	struct ktrq_thread	*td;
	struct ktrq_proc	*proc;
	atomic_int		*stop;
	uint64_t		 posted;
};

/*
 * A background poster: BG_BURST async syscalls, then a BG_PAUSE_NS
 * sleep, until told to stop -- busy, but well below what the worker
 * drains, so that the pool (1000 here) does not run dry and the genio
 * under test is timed, not dropped.  Each genio holds the worker for
 * its whole round trip, so background records pile up behind it.
 */
static void *
background_main(void *arg)
{
	struct background *b = arg;
	uint64_t args[BENCH_NARG] = { 0, 1, 2 };
	int i;

	while (!atomic_load_explicit(b->stop, memory_order_relaxed)) {
		for (i = 0; i < BG_BURST; i++) {
			(void)ktrq_syscall(b->td, BENCH_CODE, BENCH_NARG,
			    args);
			args[0]++;
			b->posted++;
		}
		bench_sleep_ns(BG_PAUSE_NS);
	}
	return (NULL);
}

/*
 * `calls` genio events of 64 bytes from one thread, each timed; with
 * `nbg` background posters posting async syscalls all along.  Pushes
 * p50 and p99 in microseconds.
 */
static void
genio_once(int nbg, unsigned flags, uint64_t calls, int id50, int id99)
{
	struct background bg[2];
	pthread_t th[2];
	struct ktrq_target *t;
	struct ktrq_thread *td;
	struct ktrq_proc *p;
	struct ktrq *k;
	atomic_int stop;
	uint8_t buf[64];
	uint32_t *lat;
	uint64_t i, n, t0, dt, dropped;
	int error, rc;

	if ((lat = malloc(calls * sizeof(*lat))) == NULL)
		bench_die("genio samples", ENOMEM);
	memset(buf, 'g', sizeof(buf));
	t = bench_target(bench_os, TGT_NULL, 0);
	/* Copy mode is async: a pool for every call, so none drops. */
	k = bench_instance(bench_os, flags & KTRQ_CF_GENIO_COPY ?
	    (int)calls + 1 : 1000, flags);
	traced_proc(k, t, 50, 50, KTRFAC_GENIO, &p, &td);
	atomic_init(&stop, 0);
	for (i = 0; i < (uint64_t)nbg; i++) {
		memset(&bg[i], 0, sizeof(bg[i]));
		bg[i].stop = &stop;
		traced_proc(k, t, 60 + (int)i, 60 + (int64_t)i,
		    KTRFAC_SYSCALL, &bg[i].proc, &bg[i].td);
		if ((error = pthread_create(&th[i], NULL, background_main,
		    &bg[i])) != 0)
			bench_die("pthread_create", error);
	}
	for (i = n = dropped = 0; i < calls; i++) {
		t0 = bench_now_ns();
		rc = ktrq_genio(td, 3, 1, buf, sizeof(buf));
		dt = bench_now_ns() - t0;
		if (rc == 0)
			lat[n++] = dt > UINT32_MAX ? UINT32_MAX : (uint32_t)dt;
		else if (rc == ENOBUFS)
			dropped++;
		else
			bench_fail("genio: %s", strerror(rc));
	}
	if (dropped * 100 > calls)
		bench_note("genio (%d posters%s): %" PRIu64 " of %" PRIu64
		    " calls dropped (pool empty); timed only the written",
		    nbg, flags & KTRQ_CF_GENIO_COPY ? ", copy mode" : "",
		    dropped, calls);
	atomic_store(&stop, 1);
	for (i = 0; i < (uint64_t)nbg; i++) {
		pthread_join(th[i], NULL);
		ktrq_proc_exit(bg[i].proc);
	}
	ktrq_proc_exit(p);
	ktrq_destroy(k);
	ktrq_target_rele(t);
	bench_sort_u32(lat, n);
	bres_push(id50, bench_pct_u32(lat, n, 50) / 1000.0);
	bres_push(id99, bench_pct_u32(lat, n, 99) / 1000.0);
	free(lat);
}

void
suite_genio(void)
{
	int pp, alone50, alone99, busy50, busy99, copy50, copy99, rep;
	uint64_t calls, rounds;

	calls = bench_count(5000, 200);
	rounds = bench_count(10000, 300);
	fprintf(stderr, "genio: round trips\n");
	pp = bres_new("genio", "layer ping-pong (2 hand-offs)", "round trip",
	    "us", BETTER_LOWER, "\"what\":\"mutex + msleep/wakeup, "
	    "two pthreads\"");
	alone50 = bres_new("genio", "genio sync 64 B, alone", "p50", "us",
	    BETTER_LOWER, "\"background_posters\":0,\"pool\":1000");
	alone99 = bres_new("genio", "genio sync 64 B, alone", "p99", "us",
	    BETTER_LOWER, "\"background_posters\":0,\"pool\":1000");
	busy50 = bres_new("genio", "genio sync 64 B, 2 posters", "p50", "us",
	    BETTER_LOWER, "\"background_posters\":2,\"burst\":8,"
	    "\"pause_us\":100,\"pool\":1000");
	busy99 = bres_new("genio", "genio sync 64 B, 2 posters", "p99", "us",
	    BETTER_LOWER, "\"background_posters\":2,\"burst\":8,"
	    "\"pause_us\":100,\"pool\":1000");
	copy50 = bres_new("genio", "genio copy mode 64 B, alone", "p50", "us",
	    BETTER_LOWER, "\"flags\":\"KTRQ_CF_GENIO_COPY\"");
	copy99 = bres_new("genio", "genio copy mode 64 B, alone", "p99", "us",
	    BETTER_LOWER, "\"flags\":\"KTRQ_CF_GENIO_COPY\"");
	for (rep = 0; rep < bench_opts.reps; rep++) {
		bres_push(pp, pingpong_once(rounds) / 1000.0);
		genio_once(0, 0, calls, alone50, alone99);
		genio_once(2, 0, calls, busy50, busy99);
		genio_once(0, KTRQ_CF_GENIO_COPY, calls, copy50, copy99);
	}
	bratio_new("genio p50 alone/layer round trip", alone50, pp,
	    "~1: the handshake costs one ping-pong");
	bratio_new("genio p50 with posters/alone", busy50, alone50,
	    "what other posters add to a sync write");
	bratio_new("genio p50 sync/copy mode", alone50, copy50,
	    "what the 2002 protocol costs over the 2004 copy");
}

/* ---- suite_drops ---- */

#define	SLOW_NS		5000	/* the slow writer: 5 us per record */

void
suite_drops(void)
{
	static const uint32_t pools[2] = { 100, 1000 };
	int burst_drop[2], burst_kept[2], sus_drop[2], sus_wps[2], cap;
	int bp_drop, bp_wps;
	uint64_t per_burst, bursts, total_sus;
	char name[96], params[256];
	struct run r;
	int i, rep;

	per_burst = 250;
	bursts = bench_count(40, 3);
	total_sus = bench_count(100000, 2000);
	cap = bres_new("drops", "slow writer capacity", "records/s",
	    "events/s", BETTER_NONE, "\"spin_ns\":5000");
	for (i = 0; i < 2; i++) {
		snprintf(params, sizeof(params), "\"pool\":%u,\"posters\":2,"
		    "\"burst\":%" PRIu64 ",\"pause_ms\":4,\"spin_ns\":%d",
		    pools[i], per_burst, SLOW_NS);
		snprintf(name, sizeof(name), "bursts of 2x250, pool=%u",
		    pools[i]);
		burst_drop[i] = bres_new("drops", name, "drops/M", "ppm",
		    BETTER_LOWER, params);
		burst_kept[i] = bres_new("drops", name, "kept", "fraction",
		    BETTER_HIGHER, params);
		snprintf(params, sizeof(params), "\"pool\":%u,\"posters\":2,"
		    "\"spin_ns\":%d", pools[i], SLOW_NS);
		snprintf(name, sizeof(name), "sustained, 2 posters, pool=%u",
		    pools[i]);
		sus_drop[i] = bres_new("drops", name, "drops/M", "ppm",
		    BETTER_LOWER, params);
		sus_wps[i] = bres_new("drops", name, "written/s", "events/s",
		    BETTER_HIGHER, params);
	}
	snprintf(params, sizeof(params), "\"pool\":100,\"posters\":2,"
	    "\"spin_ns\":%d,\"backpressure\":true", SLOW_NS);
	bp_drop = bres_new("drops", "sustained, 2 posters, pool=100, "
	    "back-pressure", "drops/M", "ppm", BETTER_LOWER, params);
	bp_wps = bres_new("drops", "sustained, 2 posters, pool=100, "
	    "back-pressure", "written/s", "events/s", BETTER_HIGHER, params);
	fprintf(stderr, "drops: slow writer\n");
	for (rep = 0; rep < bench_opts.reps; rep++) {
		bres_push(cap, 1e9 / SLOW_NS);
		for (i = 0; i < 2; i++) {
			run_once(M_QUEUE, TGT_SPIN, SLOW_NS, 2, pools[i],
			    2 * per_burst * bursts, per_burst, 4000000, &r);
			bres_push(burst_drop[i], ppm(&r));
			bres_push(burst_kept[i], (double)r.written /
			    (double)r.posted);
			run_fini(&r);
			run_once(M_QUEUE, TGT_SPIN, SLOW_NS, 2, pools[i],
			    total_sus, 0, 0, &r);
			bres_push(sus_drop[i], ppm(&r));
			bres_push(sus_wps[i], (double)r.written / r.secs);
			run_fini(&r);
		}
		run_once_y(M_QUEUE, TGT_SPIN, SLOW_NS, 2, 100, total_sus, 0, 0,
		    BM_BP, &r);
		bres_push(bp_drop, ppm(&r));
		bres_push(bp_wps, (double)r.written / r.secs);
		if (r.dropped != 0)
			bench_fail("back-pressure dropped %" PRIu64 " events",
			    r.dropped);
		run_fini(&r);
	}
	bratio_new("bursts kept, pool 1000/pool 100", burst_kept[1],
	    burst_kept[0], "share of events written, bigger pool over 100");
	bratio_new("sustained written/s / writer capacity, pool 100",
	    sus_wps[0], cap, "~1: the queue keeps the slow writer busy");
	bratio_new("sustained written/s / writer capacity, pool 1000",
	    sus_wps[1], cap, "~1: the queue keeps the slow writer busy");
	bratio_new("back-pressure written/s / writer capacity, pool 100",
	    bp_wps, cap, "~1, and no drops: posters wait for the writer");
}
