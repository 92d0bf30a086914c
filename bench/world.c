/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What every suite stands on: the clock, the pthread layer (plain and
 * with counted allocations), the trace targets (null, a tmpfs file, a
 * slow writer) and a team of posting threads released together.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

struct ktrq_os *bench_os;

const struct ktrq_cred bench_cred = { 1000, 1000, 1000, 1000, 1000, 1000 };

void
bench_die(const char *what, int error)
{

	fprintf(stderr, "ktrq-bench: %s: %s\n", what, strerror(error));
	exit(1);
}

uint64_t
bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000U + (uint64_t)ts.tv_nsec);
}

void
bench_sleep_ns(uint64_t ns)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(ns / 1000000000U);
	ts.tv_nsec = (long)(ns % 1000000000U);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		continue;
}

void
bench_spin_ns(uint64_t ns)
{
	uint64_t end;

	end = bench_now_ns() + ns;
	while (bench_now_ns() < end)
		continue;
}

uint64_t
bench_count(uint64_t full, uint64_t quick)
{
	double n;

	n = (double)(bench_opts.quick ? quick : full) * bench_opts.scale;
	return (n < 1.0 ? 1 : (uint64_t)n);
}

/* ---- the counting layer ---- */

static _Atomic uint64_t c_nalloc, c_nfree, c_bytes_alloc, c_bytes_free;
static struct ktrq_os counting;
static void *(*inner_alloc)(void *, size_t);
static void (*inner_free)(void *, void *, size_t);

static void *
count_alloc(void *cookie, size_t size)
{
	void *p;

	if ((p = inner_alloc(cookie, size)) != NULL) {
		atomic_fetch_add_explicit(&c_nalloc, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&c_bytes_alloc, size,
		    memory_order_relaxed);
	}
	return (p);
}

static void
count_free(void *cookie, void *p, size_t size)
{

	if (p != NULL) {
		atomic_fetch_add_explicit(&c_nfree, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&c_bytes_free, size,
		    memory_order_relaxed);
	}
	inner_free(cookie, p, size);
}

/*
 * The pthread table with alloc and free wrapped.  The cookie stays the
 * pthread backend's, so every other member works unchanged.
 */
struct ktrq_os *
bench_counting_os(void)
{

	if (inner_alloc == NULL) {
		counting = *bench_os;
		inner_alloc = bench_os->alloc;
		inner_free = bench_os->free;
		counting.alloc = count_alloc;
		counting.free = count_free;
	}
	return (&counting);
}

void
bench_alloc_counts(struct alloc_counts *c)
{

	c->nalloc = atomic_load(&c_nalloc);
	c->nfree = atomic_load(&c_nfree);
	c->bytes_alloc = atomic_load(&c_bytes_alloc);
	c->bytes_free = atomic_load(&c_bytes_free);
}

/* ---- targets ---- */

struct nulltarget {
	uint64_t	 spin_ns;
};

static int
null_write(void *arg, const struct ktrq_iov *iov, int iovcnt,
    const struct ktrq_cred *cred, size_t *donep)
{
	struct nulltarget *nt = arg;
	size_t total;

	(void)cred;
	total = ktrq_iov_total(iov, iovcnt);
	/* A writer of so many records a second: spin per record. */
	if (nt->spin_ns != 0)
		bench_spin_ns(nt->spin_ns * (total > BENCH_REC_BYTES ?
		    total / BENCH_REC_BYTES : 1));
	*donep = total;
	return (0);
}

static void
null_release(void *arg)
{

	free(arg);
}

static const struct ktrq_target_ops null_ops = {
	.write = null_write,
	.release = null_release,
};

const char *
bench_tkind_name(enum bench_tkind kind)
{

	switch (kind) {
	case TGT_NULL:
		return ("null");
	case TGT_FILE:
		return ("tmpfs");
	case TGT_SPIN:
		return ("slow");
	}
	return ("?");
}

struct ktrq_target *
bench_target(const struct ktrq_os *os, enum bench_tkind kind,
    uint64_t spin_ns)
{
	static unsigned serial;
	struct ktrq_target *t;
	struct nulltarget *nt;
	char path[512];
	int error;

	if (kind == TGT_FILE) {
		snprintf(path, sizeof(path), "%s/ktrq-bench.%ld.%u.ktr",
		    bench_opts.tmpdir, (long)getpid(), serial++);
		if ((error = ktrq_filetarget_open(os, path, &t)) != 0)
			bench_die(path, error);
		/* The descriptor keeps the file; nothing is left behind. */
		unlink(path);
		return (t);
	}
	if ((nt = calloc(1, sizeof(*nt))) == NULL)
		bench_die("target", ENOMEM);
	nt->spin_ns = kind == TGT_SPIN ? spin_ns : 0;
	if ((error = ktrq_target_create(os, &null_ops, nt, &t)) != 0)
		bench_die("ktrq_target_create", error);
	return (t);
}

/* ---- teams ---- */

struct member {
	pthread_barrier_t	*bar;
	void			*(*fn)(void *);
	void			*arg;
	uint64_t		 start, end;
};

static void *
member_main(void *arg)
{
	struct member *m = arg;
	void *rv;

	pthread_barrier_wait(m->bar);
	m->start = bench_now_ns();
	rv = m->fn(m->arg);
	m->end = bench_now_ns();
	return (rv);
}

/*
 * Each member times itself from the barrier to its return: the team's
 * time is from the first start to the last end (the releasing thread
 * may itself run late on a busy machine).
 */
double
bench_team(int n, void *(*fn)(void *), void **args)
{
	struct member m[BENCH_MAXTHREADS];
	pthread_t th[BENCH_MAXTHREADS];
	pthread_barrier_t bar;
	uint64_t t0, t1;
	int error, i;

	if (n < 1 || n > BENCH_MAXTHREADS)
		bench_die("team size", EINVAL);
	pthread_barrier_init(&bar, NULL, (unsigned)n + 1);
	for (i = 0; i < n; i++) {
		m[i].bar = &bar;
		m[i].fn = fn;
		m[i].arg = args[i];
		if ((error = pthread_create(&th[i], NULL, member_main,
		    &m[i])) != 0)
			bench_die("pthread_create", error);
	}
	pthread_barrier_wait(&bar);
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&bar);
	t0 = m[0].start;
	t1 = m[0].end;
	for (i = 1; i < n; i++) {
		if (m[i].start < t0)
			t0 = m[i].start;
		if (m[i].end > t1)
			t1 = m[i].end;
	}
	return ((double)(t1 - t0) / 1e9);
}
