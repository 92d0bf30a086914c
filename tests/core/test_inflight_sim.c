/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Event points racing ktrq_proc_exit and ktrq_destroy, interleaved by the
 * simulator (ktrq/sim.h) over the real core, hundreds of seeded runs per
 * case:
 *
 *  - exit waits for its process's threads already inside an event point
 *    (an inline syscall, a utrace whose payload is allocated, a
 *    synchronous genio); each of them returns 0 (its record is written
 *    before exit returns) or ESRCH (it came too late to take its event);
 *  - an event point that starts while exit waits returns ESRCH;
 *  - exit wakes its thread waiting for a request object under
 *    back-pressure (which returns ENXIO), instead of freeing it asleep;
 *  - destroy waits for the threads inside an event point of every
 *    process (before, a request taken then was queued after the worker
 *    had gone, and destroy hung), and an event point that starts while it
 *    waits returns ESRCH.
 *
 * Every run ends with the books balanced and the trace holding exactly
 * the records whose event point returned 0.  Freed memory is caught
 * without a sanitizer too: the layer's free is wrapped to poison each
 * block and keep it until the run ends, then to check that nothing wrote
 * to it (a read through a freed pointer finds the poison and faults).
 * Under ASan the wrapper frees at once and ASan reports.
 *
 * A calling thread marks "started" just before its call: in the
 * simulator nothing can run between the two (no layer call), so a test
 * that waits for the mark knows the call is under way.  Waiting is a
 * loop around a short sleep of virtual time (w_pause), not a yield:
 * under PCT the highest-priority runnable thread always runs, and a
 * yielding one would spin for ever.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ktrq/ktrq.h"
#include "ktrq/sim.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define	IN_ASAN	1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define	IN_ASAN	1
#endif

#define	PID_P	10
#define	PID_Q	20
#define	POISON	0xa5
#define	NPOST	6

/* ------------------------------------------------------------------ */
/* The layer: the simulator's, with a quarantine behind free          */
/* ------------------------------------------------------------------ */

struct qblk {
	void	*p;
	size_t	 n;
};

/* One run at a time (ktrq_sim_check is called from this thread alone). */
static struct {
	const struct ktrq_os	*sim;	/* the run's own table */
	struct ktrq_os		 os;	/* its copy, free wrapped */
	struct qblk		*b;
	size_t			 nb, cap;
} q;

static void
q_free(void *cookie, void *p, size_t n)
{
	struct qblk *nb;

	(void)cookie;
#ifdef IN_ASAN
	q.sim->free(cookie, p, n);
	return;
#endif
	if (p == NULL)
		return;
	if (q.nb == q.cap) {
		q.cap = q.cap == 0 ? 256 : 2 * q.cap;
		if ((nb = realloc(q.b, q.cap * sizeof(*nb))) == NULL)
			abort();
		q.b = nb;
	}
	memset(p, POISON, n);
	q.b[q.nb].p = p;
	q.b[q.nb++].n = n;
}

static const struct ktrq_os *
q_layer(const struct ktrq_os *sim)
{

	q.sim = sim;
	q.os = *sim;
	q.os.free = q_free;
	q.nb = 0;
	return (&q.os);
}

/* The run is over: nothing may have written to a freed block. */
static void
q_flush(void)
{
	const uint8_t *c;
	size_t i, j;

	for (i = 0; i < q.nb; i++) {
		c = q.b[i].p;
		for (j = 0; j < q.b[i].n; j++)
			if (c[j] != POISON)
				ktrq_sim_fail(&q.os, "a %zu-byte block was "
				    "written at offset %zu after it was freed",
				    q.b[i].n, j);
		q.sim->free(q.sim->cookie, q.b[i].p, q.b[i].n);
	}
	q.nb = 0;
}

/* ------------------------------------------------------------------ */
/* A gate target on the simulated layer                               */
/* ------------------------------------------------------------------ */

struct sgate {
	const struct ktrq_os	*os;
	struct ktrq_os_mtx	*m;
	int			 entered;	/* writers that reached it */
	int			 open;
};

static int
sgate_write(void *arg, const struct ktrq_iov *iov, int iovcnt,
    const struct ktrq_cred *cred, size_t *donep)
{
	struct sgate *g = arg;

	(void)cred;
	g->os->mtx_enter(g->os->cookie, g->m);
	g->entered++;
	while (!g->open)
		g->os->msleep(g->os->cookie, &g->open, g->m, "gate", 0);
	g->os->mtx_exit(g->os->cookie, g->m);
	*donep = ktrq_iov_total(iov, iovcnt);
	return (0);
}

static const struct ktrq_target_ops sgate_ops = { .write = sgate_write };

static void
sgate_open(struct sgate *g)
{

	g->os->mtx_enter(g->os->cookie, g->m);
	g->open = 1;
	g->os->wakeup(g->os->cookie, &g->open);
	g->os->mtx_exit(g->os->cookie, g->m);
}

/* ------------------------------------------------------------------ */
/* The world of one run                                               */
/* ------------------------------------------------------------------ */

enum { K_SYSCALL, K_UTRACE, K_GENIO, NKINDS };

struct world;

struct poster {
	struct world		*w;
	struct ktrq_thread	*td;
	struct ktrq_os_thread	*th;
	int			 kind;
	int			 late;		/* repeat until refused, then
						   open the gate */
	int			 started;
	int			 outcome;	/* -1: not returned */
	unsigned		 ok;		/* calls that returned 0 */
};

struct world {
	const struct ktrq_os	*os;
	struct ktrq		*k;
	struct ktrq_target	*mt;		/* where records land */
	struct ktrq_target	*gt;		/* the gate, in front of nothing */
	struct sgate		 g;
	struct ktrq_os_mtx	*pm;		/* for w_pause */
	struct ktrq_proc	*p, *q;
	struct poster		 po[NPOST];
	int			 npo;
	uint8_t			 data[300];	/* > KTRQ_INLINE_DATA */
};

#define	CHECK(w, e)	KTRQ_SIM_ASSERT((w)->os, (e))

static struct ktrq_proc *
w_proc(struct world *w, int pid, struct ktrq_target *t)
{
	struct ktrq_cred c = { 1000, 1000, 1000, 1000, 1000, 1000 };
	struct ktrq_thread *ctl;
	struct ktrq_proc *p;

	CHECK(w, ktrq_proc_create(w->k, pid, NULL, pid, "p", &c, &p) == 0);
	CHECK(w, ktrq_thread_create(p, pid, &ctl) == 0);
	CHECK(w, ktrq_ktrace(ctl, t, KTROP_SET, KTRFAC_ALL, pid) == 0);
	return (p);
}

static void
w_init(struct world *w, const struct ktrq_os *sim, int pool, unsigned flags,
    uint64_t bp_ns)
{
	struct ktrq_config cf;

	memset(w, 0, sizeof(*w));
	w->os = q_layer(sim);
	memset(w->data, 'd', sizeof(w->data));
	ktrq_config_init(&cf, w->os);
	cf.pool_size = pool;
	cf.flags = flags;
	cf.backpressure_ns = bp_ns;
	CHECK(w, ktrq_create(&cf, &w->k) == 0);
	CHECK(w, ktrq_memtarget_create(w->os, &w->mt) == 0);
	w->g.os = w->os;
	CHECK(w, w->os->mtx_init(w->os->cookie, &w->g.m, "gate") == 0);
	CHECK(w, ktrq_target_create(w->os, &sgate_ops, &w->g, &w->gt) == 0);
	CHECK(w, w->os->mtx_init(w->os->cookie, &w->pm, "pause") == 0);
}

/* Let the others run: a microsecond of virtual time asleep. */
static void
w_pause(struct world *w)
{
	const struct ktrq_os *os = w->os;

	os->mtx_enter(os->cookie, w->pm);
	(void)os->msleep(os->cookie, &w->pm, w->pm, "pause", 1000);
	os->mtx_exit(os->cookie, w->pm);
}

static int
w_event(struct poster *po)
{
	uint64_t args[2] = { 7, (uint64_t)po->kind };

	switch (po->kind) {
	case K_SYSCALL:
		return (ktrq_syscall(po->td, 3, 2, args));
	case K_UTRACE:
		return (ktrq_utrace(po->td, po->w->data, sizeof(po->w->data)));
	default:
		return (ktrq_genio(po->td, 1, 1, po->w->data, 16));
	}
}

static void
poster_main(void *arg)
{
	struct poster *po = arg;
	int e;

	po->started = 1;
	for (;;) {
		e = w_event(po);
		po->ok += e == 0;
		if (!po->late || (e != 0 && e != ENOBUFS))
			break;
		w_pause(po->w);
	}
	po->outcome = e;
	if (po->late)
		sgate_open(&po->w->g);
}

/* A poster of `p` (thread `tid`) posting `kind`; `late`: until refused. */
static struct poster *
w_poster(struct world *w, struct ktrq_proc *p, int64_t tid, int kind,
    int late)
{
	struct poster *po = &w->po[w->npo++];

	po->w = w;
	po->kind = kind;
	po->late = late;
	po->outcome = -1;
	CHECK(w, ktrq_thread_create(p, tid, &po->td) == 0);
	CHECK(w, w->os->thread_create(w->os->cookie, &po->th, "poster",
	    poster_main, po) == 0);
	return (po);
}

static void
w_wait_started(struct world *w)
{
	int i;

	for (i = 0; i < w->npo; i++)
		while (!w->po[i].started)
			w_pause(w);
}

static void
w_wait_gate(struct world *w, int n)
{

	while (w->g.entered < n)
		w_pause(w);
}

static void
w_join(struct world *w)
{
	int i;

	for (i = 0; i < w->npo; i++)
		CHECK(w, w->os->thread_join(w->os->cookie, w->po[i].th) == 0);
}

/* Records in the memtarget (no writer may be running). */
static size_t
w_records(struct world *w)
{
	const uint8_t *buf;
	size_t len, off, n;
	struct ktrq_rec_hdr h;
	const uint8_t *pl;
	int error;

	buf = ktrq_memtarget_data(w->mt, &len);
	off = n = 0;
	while ((error = ktrq_rec_next(buf, len, &off, &h, &pl)) == 0)
		n++;
	CHECK(w, error == ENOENT);
	return (n);
}

/* Every posted event ended one way; nothing is in flight. */
static void
w_books(struct world *w, const struct ktrq_stats *st)
{

	CHECK(w, st->posted == st->written + st->dropped_exhausted +
	    st->dropped_write_error + st->dropped_cleared);
	CHECK(w, st->pool_free == st->pool_size);
	CHECK(w, st->todo_depth == 0);
}

static unsigned
w_ok(struct world *w)
{
	unsigned n;
	int i;

	for (n = 0, i = 0; i < w->npo; i++)
		n += w->po[i].ok;
	return (n);
}

static void
w_fini(struct world *w, int destroyed)
{

	if (!destroyed)
		CHECK(w, ktrq_destroy(w->k) == 0);
	ktrq_target_rele(w->gt);
	ktrq_target_rele(w->mt);
	w->os->mtx_destroy(w->os->cookie, w->g.m);
	w->os->mtx_destroy(w->os->cookie, w->pm);
	q_flush();
}

/* ------------------------------------------------------------------ */
/* The cases                                                          */
/* ------------------------------------------------------------------ */

/* Three threads of p inside an event point each when p exits. */
static void
exit_waits_body(const struct ktrq_os *os, void *arg)
{
	struct ktrq_stats st;
	struct world w;
	int i, e;

	(void)arg;
	w_init(&w, os, 8, 0, 0);
	w.p = w_proc(&w, PID_P, w.mt);
	for (i = 0; i < NKINDS; i++)
		w_poster(&w, w.p, 100 + i, i, 0);
	w_wait_started(&w);
	CHECK(&w, ktrq_proc_exit(w.p) == 0);
	/* Exit returned: its posters are out, their records written. */
	CHECK(&w, ktrq_stats(w.k, &st) == 0);
	w_books(&w, &st);
	w_join(&w);
	for (i = 0; i < w.npo; i++) {
		e = w.po[i].outcome;
		CHECK(&w, e == 0 || e == ESRCH);
	}
	CHECK(&w, st.written == w_ok(&w));
	CHECK(&w, w_records(&w) == w_ok(&w));
	w_fini(&w, 0);
}

/*
 * A genio of p parked in its own write keeps exit waiting; meanwhile
 * another thread of p posts until refused (ESRCH), then opens the gate.
 */
static void
exit_late_body(const struct ktrq_os *os, void *arg)
{
	struct poster *a, *b;
	struct ktrq_stats st;
	struct world w;

	(void)arg;
	w_init(&w, os, 8, 0, 0);
	w.p = w_proc(&w, PID_P, w.gt);
	a = w_poster(&w, w.p, 100, K_GENIO, 0);
	w_wait_gate(&w, 1);
	b = w_poster(&w, w.p, 101, K_SYSCALL, 1);
	CHECK(&w, ktrq_proc_exit(w.p) == 0);
	CHECK(&w, ktrq_stats(w.k, &st) == 0);
	w_books(&w, &st);
	w_join(&w);
	CHECK(&w, a->outcome == 0);
	CHECK(&w, b->outcome == ESRCH);
	CHECK(&w, st.written == w_ok(&w));
	w_fini(&w, 0);
}

/*
 * p's thread waits (for ever) for an object under back-pressure, the
 * only one held by q's genio parked at the gate: exit of p wakes it.
 */
static void
exit_bp_body(const struct ktrq_os *os, void *arg)
{
	struct poster *a, *qa;
	struct ktrq_stats st;
	struct world w;

	(void)arg;
	w_init(&w, os, 1, KTRQ_CF_BACKPRESSURE, UINT64_MAX);
	w.p = w_proc(&w, PID_P, w.mt);
	w.q = w_proc(&w, PID_Q, w.gt);
	qa = w_poster(&w, w.q, 200, K_GENIO, 0);
	w_wait_gate(&w, 1);
	a = w_poster(&w, w.p, 100, K_SYSCALL, 0);
	for (;;) {
		CHECK(&w, ktrq_stats(w.k, &st) == 0);
		if (st.bp_waits != 0)
			break;
		w_pause(&w);
	}
	CHECK(&w, ktrq_proc_exit(w.p) == 0);
	sgate_open(&w.g);
	w_join(&w);
	CHECK(&w, a->outcome == ENXIO);
	CHECK(&w, qa->outcome == 0);
	CHECK(&w, ktrq_stats(w.k, &st) == 0);
	w_books(&w, &st);
	CHECK(&w, st.written == 1 && st.dropped_cleared == 1);
	w_fini(&w, 0);
}

/* Threads of two processes inside event points when destroy is called. */
static void
destroy_waits_body(const struct ktrq_os *os, void *arg)
{
	struct world w;
	int i, e;

	(void)arg;
	w_init(&w, os, 4, 0, 0);
	w.p = w_proc(&w, PID_P, w.mt);
	w.q = w_proc(&w, PID_Q, w.mt);
	for (i = 0; i < NPOST; i++)
		w_poster(&w, i % 2 ? w.q : w.p, 100 + i, i % NKINDS, 0);
	w_wait_started(&w);
	CHECK(&w, ktrq_destroy(w.k) == 0);
	w_join(&w);
	for (i = 0; i < w.npo; i++) {
		e = w.po[i].outcome;
		CHECK(&w, e == 0 || e == ESRCH || e == ENOBUFS);
	}
	CHECK(&w, w_records(&w) == w_ok(&w));
	w_fini(&w, 1);
}

/* As exit_late, with destroy. */
static void
destroy_late_body(const struct ktrq_os *os, void *arg)
{
	struct poster *a, *b;
	struct world w;

	(void)arg;
	w_init(&w, os, 8, 0, 0);
	w.p = w_proc(&w, PID_P, w.gt);
	w.q = w_proc(&w, PID_Q, w.mt);
	a = w_poster(&w, w.p, 100, K_GENIO, 0);
	w_wait_gate(&w, 1);
	b = w_poster(&w, w.q, 200, K_SYSCALL, 1);
	CHECK(&w, ktrq_destroy(w.k) == 0);
	w_join(&w);
	CHECK(&w, a->outcome == 0);
	CHECK(&w, b->outcome == ESRCH);
	CHECK(&w, w_records(&w) == b->ok);
	w_fini(&w, 1);
}

/* ------------------------------------------------------------------ */
/* Driving them                                                       */
/* ------------------------------------------------------------------ */

static void
check(const char *name, void (*body)(const struct ktrq_os *, void *))
{
	struct ktrq_sim_opts o;
	int strategy;

	for (strategy = KTRQ_SIM_RANDOM; strategy <= KTRQ_SIM_PCT;
	    strategy++) {
		ktrq_sim_opts_init(&o);
		o.name = name;
		o.strategy = strategy;
		o.runs = 200;
		o.fault_enable_permille = 0;
		assert_int_equal(ktrq_sim_check(&o, body, NULL, NULL), 0);
	}
}

static void
t_exit_waits(void **state)
{

	(void)state;
	check("inflight-exit", exit_waits_body);
}

static void
t_exit_late(void **state)
{

	(void)state;
	check("inflight-exit-late", exit_late_body);
}

static void
t_exit_backpressure(void **state)
{

	(void)state;
	check("inflight-exit-bp", exit_bp_body);
}

static void
t_destroy_waits(void **state)
{

	(void)state;
	check("inflight-destroy", destroy_waits_body);
}

static void
t_destroy_late(void **state)
{

	(void)state;
	check("inflight-destroy-late", destroy_late_body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_exit_waits),
		cmocka_unit_test(t_exit_late),
		cmocka_unit_test(t_exit_backpressure),
		cmocka_unit_test(t_destroy_waits),
		cmocka_unit_test(t_destroy_late),
	};
	int rc;

	rc = cmocka_run_group_tests_name("core_inflight_sim", tests, NULL,
	    NULL);
	free(q.b);
	return (rc);
}
