/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pool, and what posting allocates.
 *
 * suite_pool prices the pool's two operations honestly: get and put are
 * a few list operations that only ever run inside a k_mtx section the
 * post or the worker holds anyway, so timing a post cannot isolate them.
 * Instead the bench calls the core's own ktrq__pool_get/ktrq__pool_put
 * (src/pool.c, with their mtx_owned assertions) in a loop, each pair in
 * a k_mtx section, and subtracts the same loop with an empty section:
 * what is left is what the pool adds to a post and to a write.  The
 * baseline is the layer's alloc and free of the same object, on one
 * thread (the cheap case: the malloc design frees on another thread,
 * which the mirror in suite_post prices end to end).  Resize is timed as
 * the sysctl is called (100 -> 100,000 -> 100) against a plain loop of
 * allocations (and frees) of as many objects.
 *
 * suite_alloc counts allocations through a copy of the pthread layer
 * whose alloc and free count: per pooled request at creation, and per
 * event for each kind of event point.  The async path must allocate
 * nothing for payloads up to KTRQ_INLINE_DEFAULT; a count above zero there
 * fails the run.
 */
#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "ktrq_impl.h"

#define	TRIALS	9

static void *volatile sink;

static double
ns_per(uint64_t t0, uint64_t t1, uint64_t n)
{

	return ((double)(t1 - t0) / (double)n);
}

void
suite_pool(void)
{
	const struct ktrq_os *os = bench_os;
	struct ktr_request *req;
	struct ktrq *k;
	uint64_t i, n, t0, t1;
	double lockns, pairns, mfns;
	char params[64];
	void **objs;
	int lk, gp, net, mf, grow, shrink, bgrow, bshrink, rep, old, trial;
	const size_t sz = offsetof(struct ktr_request, kr_payload) +
	    KTRQ_INLINE_DEFAULT;
	const int big = 100000, small = 100;

	n = bench_count(300000, 5000);
	lk = bres_new("pool", "k_mtx enter+exit (layer)", "per pair", "ns",
	    BETTER_LOWER, "\"what\":\"uncontended, worker asleep\"");
	gp = bres_new("pool", "k_mtx + pool get + put", "per pair", "ns",
	    BETTER_LOWER, "\"what\":\"ktrq__pool_get/put in the section\"");
	net = bres_new("pool", "pool get + put (net of lock)", "per pair",
	    "ns", BETTER_LOWER, "\"what\":\"difference of the two above\"");
	snprintf(params, sizeof(params), "\"bytes\":%zu", sz);
	mf = bres_new("pool", "layer alloc + free, same thread", "per pair",
	    "ns", BETTER_LOWER, params);
	grow = bres_new("pool", "resize 100 -> 100,000", "time", "ms",
	    BETTER_LOWER, "\"from\":100,\"to\":100000");
	shrink = bres_new("pool", "resize 100,000 -> 100", "time", "ms",
	    BETTER_LOWER, "\"from\":100000,\"to\":100");
	bgrow = bres_new("pool", "99,900 x (alloc + zero), no lock", "time",
	    "ms", BETTER_LOWER, "\"what\":\"baseline of the grow\"");
	bshrink = bres_new("pool", "99,900 x free, no lock", "time", "ms",
	    BETTER_LOWER, "\"what\":\"baseline of the shrink\"");
	if ((objs = calloc((size_t)big, sizeof(*objs))) == NULL)
		bench_die("pool", ENOMEM);
	fprintf(stderr, "pool: get/put, resize\n");
	for (rep = 0; rep < bench_opts.reps; rep++) {
		k = bench_instance(os, small, 0);
		/*
		 * The best of TRIALS alternating trials of each loop: the
		 * least disturbed, on a machine other processes share.
		 */
		lockns = pairns = mfns = 1e30;
		for (trial = 0; trial < TRIALS; trial++) {
			t0 = bench_now_ns();
			for (i = 0; i < n; i++) {
				KTRQ_LOCK(k);
				KTRQ_UNLOCK(k);
			}
			t1 = bench_now_ns();
			lockns = fmin(lockns, ns_per(t0, t1, n));
			t0 = bench_now_ns();
			for (i = 0; i < n; i++) {
				KTRQ_LOCK(k);
				req = ktrq__pool_get(k);
				ktrq__pool_put(k, req);
				KTRQ_UNLOCK(k);
			}
			t1 = bench_now_ns();
			pairns = fmin(pairns, ns_per(t0, t1, n));
			t0 = bench_now_ns();
			for (i = 0; i < n; i++) {
				sink = os->alloc(os->cookie, sz);
				os->free(os->cookie, sink, sz);
			}
			t1 = bench_now_ns();
			mfns = fmin(mfns, ns_per(t0, t1, n));
		}
		bres_push(lk, lockns);
		bres_push(gp, pairns);
		bres_push(net, pairns - lockns);
		bres_push(mf, mfns);

		t0 = bench_now_ns();
		if (ktrq_pool_resize(k, big, &old) != 0)
			bench_fail("resize to %d did not reach it", big);
		t1 = bench_now_ns();
		bres_push(grow, (double)(t1 - t0) / 1e6);
		t0 = bench_now_ns();
		if (ktrq_pool_resize(k, small, &old) != 0)
			bench_fail("resize to %d did not reach it", small);
		t1 = bench_now_ns();
		bres_push(shrink, (double)(t1 - t0) / 1e6);
		ktrq_destroy(k);

		t0 = bench_now_ns();
		for (i = 0; i < (uint64_t)(big - small); i++) {
			if ((objs[i] = os->alloc(os->cookie, sz)) == NULL)
				bench_die("baseline alloc", ENOMEM);
			memset(objs[i], 0, sz);
		}
		t1 = bench_now_ns();
		bres_push(bgrow, (double)(t1 - t0) / 1e6);
		t0 = bench_now_ns();
		for (i = 0; i < (uint64_t)(big - small); i++)
			os->free(os->cookie, objs[i], sz);
		t1 = bench_now_ns();
		bres_push(bshrink, (double)(t1 - t0) / 1e6);
	}
	free(objs);
	bratio_new("alloc+free / pool get+put (one thread)", mf, net,
	    ">1: the pool is cheaper than the allocator");
	bratio_new("resize grow / plain allocation loop", grow, bgrow,
	    "what dropping k_mtx per object costs");
	bratio_new("resize shrink / plain free loop", shrink, bshrink,
	    "what dropping k_mtx per object costs");
}

/* ---- allocations ---- */

enum ev {
	EV_SYSCALL, EV_CSW, EV_NAMEI, EV_UTRACE_INLINE, EV_UTRACE_BIG,
	EV_UTRACE_MAX, EV_GENIO_SYNC, EV_GENIO_COPY, EV_GENIO_COPY_BIG,
	EV_NKINDS
};

static const struct {
	const char	*name;
	int		 async_inline;	/* must allocate nothing */
	unsigned	 flags;
	size_t		 len;
} evs[EV_NKINDS] = {
	{ "syscall, 3 args (async)", 1, 0, 0 },
	{ "csw (async)", 1, 0, 0 },
	{ "namei, 100 B path (async)", 1, 0, 100 },
	{ "utrace 136 B = inline max (async)", 1, 0, KTRQ_INLINE_DEFAULT },
	{ "utrace 137 B (async)", 0, 0, KTRQ_INLINE_DEFAULT + 1 },
	{ "utrace 2048 B (async)", 0, 0, KTRQ_REC_USER_MAX },
	{ "genio 64 B (sync)", 0, 0, 64 },
	{ "genio 64 B (copy mode)", 1, KTRQ_CF_GENIO_COPY, 64 },
	{ "genio 4096 B (copy mode)", 0, KTRQ_CF_GENIO_COPY, 4096 },
};

static int
post_kind(struct ktrq_thread *td, enum ev kind, const char *buf)
{
	static const uint64_t args[BENCH_NARG] = { 1, 2, 3 };

	switch (kind) {
	case EV_SYSCALL:
		return (ktrq_syscall(td, BENCH_CODE, BENCH_NARG, args));
	case EV_CSW:
		return (ktrq_csw(td, 1, 0));
	case EV_NAMEI:
		return (ktrq_namei(td, buf));
	case EV_UTRACE_INLINE:
	case EV_UTRACE_BIG:
	case EV_UTRACE_MAX:
		return (ktrq_utrace(td, buf, evs[kind].len));
	case EV_GENIO_SYNC:
	case EV_GENIO_COPY:
	case EV_GENIO_COPY_BIG:
		return (ktrq_genio(td, 3, 1, buf, evs[kind].len));
	case EV_NKINDS:
		break;
	}
	return (EINVAL);
}

void
suite_alloc(void)
{
	struct alloc_counts c0, c1;
	struct ktrq_os *os;
	struct ktrq_target *t;
	struct ktrq_thread *td;
	struct ktrq_proc *p;
	struct ktrq_stats st;
	struct ktrq *k;
	char *buf, params[128];
	uint64_t i, n, posted;
	double per;
	int id, req100, bytes100, perreq, sizeofreq, rec, rc, e;

	fprintf(stderr, "alloc: counting\n");
	os = bench_counting_os();
	n = bench_count(2000, 200);
	if ((buf = malloc(8192)) == NULL)
		bench_die("alloc", ENOMEM);
	memset(buf, 'a', 8192);
	buf[100] = '\0';		/* the namei path */

	bench_alloc_counts(&c0);
	k = bench_instance(os, 100, 0);
	bench_alloc_counts(&c1);
	ktrq_destroy(k);
	req100 = bres_new("alloc", "ktrq_create, pool=100", "allocations",
	    "count", BETTER_NONE, "\"pool\":100");
	bres_push(req100, (double)(c1.nalloc - c0.nalloc));
	bytes100 = bres_new("alloc", "ktrq_create, pool=100", "bytes", "B",
	    BETTER_LOWER, "\"pool\":100");
	bres_push(bytes100, (double)(c1.bytes_alloc - c0.bytes_alloc));
	perreq = bres_new("alloc", "per pooled request (pool 1000 - 100)",
	    "bytes", "B", BETTER_LOWER, "\"pools\":[100,1000]");
	{
		uint64_t b100 = c1.bytes_alloc - c0.bytes_alloc;

		bench_alloc_counts(&c0);
		k = bench_instance(os, 1000, 0);
		bench_alloc_counts(&c1);
		ktrq_destroy(k);
		bres_push(perreq, (double)(c1.bytes_alloc - c0.bytes_alloc -
		    b100) / 900.0);
	}
	sizeofreq = bres_new("alloc", "pooled request (fields + inline)",
	    "bytes", "B", BETTER_LOWER, "\"inline_size\":136");
	bres_push(sizeofreq, (double)(offsetof(struct ktr_request,
	    kr_payload) + KTRQ_INLINE_DEFAULT));
	rec = bres_new("alloc", "syscall record on the target (3 args)",
	    "bytes", "B", BETTER_NONE, "");
	bres_push(rec, (double)(KTRQ_REC_HDR_V1_SIZE +
	    KTRQ_REC_SYSCALL_SIZE(BENCH_NARG)));
	bratio_new("pooled request bytes / record bytes", perreq, rec,
	    "memory a queued event holds per byte it will write");

	for (e = 0; e < EV_NKINDS; e++) {
		t = bench_target(os, TGT_NULL, 0);
		k = bench_instance(os, (int)n + 1, evs[e].flags);
		if ((rc = ktrq_proc_create(k, 10, NULL, 10, "alloc",
		    &bench_cred, &p)) != 0 ||
		    (rc = ktrq_thread_create(p, 10, &td)) != 0 ||
		    (rc = ktrq_ktrace(td, t, KTROP_SET, KTRFAC_ALL, 10)) != 0)
			bench_die("alloc: traced process", rc);
		bench_alloc_counts(&c0);
		for (i = 0; i < n; i++)
			if ((rc = post_kind(td, (enum ev)e, buf)) != 0)
				bench_fail("alloc: %s: %s", evs[e].name,
				    strerror(rc));
		bench_alloc_counts(&c1);
		ktrq_stats(k, &st);
		posted = st.posted;
		ktrq_proc_exit(p);
		ktrq_destroy(k);
		ktrq_target_rele(t);
		per = posted != 0 ?
		    (double)(c1.nalloc - c0.nalloc) / (double)posted : 0;
		snprintf(params, sizeof(params), "\"payload\":%zu,"
		    "\"async_inline\":%s", evs[e].len,
		    evs[e].async_inline ? "true" : "false");
		id = bres_new("alloc", evs[e].name, "allocs/event", "count",
		    BETTER_LOWER, params);
		bres_push(id, per);
		if (evs[e].async_inline && c1.nalloc != c0.nalloc)
			bench_fail("%s allocated %" PRIu64 " times in %" PRIu64
			    " events: the async path must not allocate up to "
			    "KTRQ_INLINE_DEFAULT", evs[e].name,
			    c1.nalloc - c0.nalloc, posted);
	}
	bench_alloc_counts(&c1);
	if (c1.nalloc != c1.nfree || c1.bytes_alloc != c1.bytes_free)
		bench_fail("counting layer: %" PRIu64 " allocations, %" PRIu64
		    " frees (%" PRIu64 " / %" PRIu64 " bytes)", c1.nalloc,
		    c1.nfree, c1.bytes_alloc, c1.bytes_free);
	free(buf);
}
