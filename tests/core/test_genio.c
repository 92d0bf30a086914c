/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Synchronous genio, the 2002 handshake.  A genio record is queued like
 * any other but written by its poster, in its turn:
 *  - while other threads post, a thread's async A, genio G, async B land
 *    as A < G < B, G's bytes intact (the caller's buffer is scribbled on
 *    as soon as genio returns, so they were written -- or, in copy mode,
 *    copied -- before the return); likewise with KTRQ_CF_GENIO_COPY;
 *  - genio data is capped at genio_size (default one page);
 *  - the global property: records reach the file in exactly the order
 *    they entered the todo list.  With one poster mixing sync and async
 *    the file is its posting order; with several, the file follows the
 *    todo order the ENQUEUE probe reports; a record queued by another
 *    thread after a sleeping genio lands after it, the worker taking
 *    nothing while the poster writes; a genio posted while the worker
 *    holds a record it took (todo list empty) still waits its turn;
 *  - a genio whose process is detached while it waits returns ENXIO and
 *    is counted as cleared; in copy mode genio does not wait at all.
 *
 * Determinism: a gate target parks the worker or the poster inside a
 * write; the wrapping layer's msleep hook tells the test when the genio
 * poster is asleep in the queue.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"

#define	PID_G		500		/* the genio poster */
#define	PID_N		501		/* noise */
#define	CODE_A		1
#define	CODE_B		2
#define	CODE_N		3
#define	FD		7

/* Data of genio number i, len bytes. */
static void
pattern(uint8_t *buf, size_t len, unsigned i)
{
	size_t j;

	for (j = 0; j < len; j++)
		buf[j] = (uint8_t)(i * 31 + j * 7 + (j >> 8));
}

static int
pattern_ok(const uint8_t *buf, size_t len, unsigned i)
{
	size_t j;

	for (j = 0; j < len; j++)
		if (buf[j] != (uint8_t)(i * 31 + j * 7 + (j >> 8)))
			return (0);
	return (1);
}

/* ------------------------------------------------------------------ */

#define	NOISE_THREADS	3
#define	NOISE_EVENTS	400
#define	ROUNDS		60
#define	MAXLEN		600

struct noise {
	struct ktrq_thread	*td;
	struct h_start		*start;
	unsigned		 bad;
};

static void *
noise_main(void *arg)
{
	struct noise *n = arg;
	int i;

	h_start_wait(n->start);
	for (i = 0; i < NOISE_EVENTS; i++)
		if (h_sys(n->td, CODE_N, 0, (uint64_t)i) != 0)
			n->bad++;
	return (NULL);
}

struct gposter {
	struct ktrq_thread	*td;
	struct h_start		*start;
	unsigned		 bad;
	size_t			 len[ROUNDS];
};

static void *
gposter_main(void *arg)
{
	struct gposter *gp = arg;
	uint8_t buf[MAXLEN];
	unsigned i;

	h_start_wait(gp->start);
	for (i = 0; i < ROUNDS; i++) {
		gp->len[i] = 1 + (i * 37) % MAXLEN;
		pattern(buf, gp->len[i], i);
		if (h_sys(gp->td, CODE_A, i, 0) != 0)
			gp->bad++;
		if (ktrq_genio(gp->td, FD, (int)(i & 1), buf,
		    gp->len[i]) != 0)
			gp->bad++;
		memset(buf, 0xee, sizeof(buf));
		if (h_sys(gp->td, CODE_B, i, 0) != 0)
			gp->bad++;
	}
	return (NULL);
}

static void
run_concurrent(unsigned flags)
{
	struct noise n[NOISE_THREADS];
	pthread_t t[NOISE_THREADS + 1];
	struct ktrq_proc *pg, *pn;
	struct ktrq_thread *tg, *tn;
	struct ktrq_target *mt;
	struct gposter gp;
	struct h_start start;
	struct trace tr;
	struct wrap *w;
	struct ktrq *k;
	const struct trec *r;
	long ia, ig, ib;
	unsigned i;
	size_t j, found;
	int m;

	w = wrap_create();
	k = h_instance(&w->os, 4 * ROUNDS + NOISE_THREADS * NOISE_EVENTS,
	    flags, NULL);
	assert_int_equal(ktrq_memtarget_create(w->inner, &mt), 0);
	pg = h_proc(k, PID_G, NULL, PID_G, "gio", 1000);
	pn = h_proc(k, PID_N, NULL, PID_N, "noise", 1000);
	tg = h_thread(pg, 1);
	tn = h_thread(pn, 2);
	h_trace(tg, mt, KTRFAC_SYSCALL | KTRFAC_GENIO, PID_G);
	h_trace(tn, mt, KTRFAC_SYSCALL, PID_N);
	h_start_init(&start);
	for (m = 0; m < NOISE_THREADS; m++) {
		n[m].td = h_thread(pn, 10 + m);
		n[m].start = &start;
		n[m].bad = 0;
		h_spawn(&t[m], noise_main, &n[m]);
	}
	memset(&gp, 0, sizeof(gp));
	gp.td = tg;
	gp.start = &start;
	h_spawn(&t[NOISE_THREADS], gposter_main, &gp);
	h_start_go(&start);
	for (m = 0; m <= NOISE_THREADS; m++)
		h_join(t[m]);
	assert_int_equal(ktrq_proc_exit(pg), 0);
	assert_int_equal(ktrq_proc_exit(pn), 0);
	h_assert_quiet(k);
	assert_int_equal(gp.bad, 0);
	for (m = 0; m < NOISE_THREADS; m++)
		assert_int_equal(n[m].bad, 0);

	trace_of(mt, &tr);
	assert_int_equal(tr.n, 3 * ROUNDS + NOISE_THREADS * NOISE_EVENTS);
	assert_true(h_stats(k).written == tr.n);
	for (i = 0; i < ROUNDS; i++) {
		ia = trace_find_syscall(&tr, PID_G, CODE_A, i, 0);
		ib = trace_find_syscall(&tr, PID_G, CODE_B, i, 0);
		assert_true(ia >= 0 && ib > ia);
		/* The only genio between A_i and B_i is G_i. */
		ig = -1;
		for (j = (size_t)ia + 1; j < (size_t)ib; j++) {
			r = &tr.r[j];
			if (r->type != KTR_GENIO)
				continue;
			assert_int_equal(ig, -1);
			ig = (long)j;
		}
		assert_true(ig > ia);
		r = &tr.r[ig];
		assert_int_equal(r->hdr.pid, PID_G);
		assert_true(r->hdr.tid == 1);
		assert_int_equal(r->u.genio.fd, FD);
		assert_int_equal(r->u.genio.rw, (int)(i & 1));
		assert_int_equal(r->datalen, gp.len[i]);
		assert_true(pattern_ok(r->data, r->datalen, i));
	}
	for (found = 0, j = 0; j < tr.n; j++)
		found += tr.r[j].type == KTR_GENIO;
	assert_int_equal(found, ROUNDS);
	trace_free(&tr);

	assert_int_equal(ktrq_destroy(k), 0);
	ktrq_target_rele(mt);
	h_start_fini(&start);
	wrap_destroy(w);
}

static void
t_sync_between_asyncs(void **state)
{

	(void)state;
	run_concurrent(0);
}

static void
t_copy_between_asyncs(void **state)
{

	(void)state;
	run_concurrent(KTRQ_CF_GENIO_COPY);
}

/* ------------------------------------------------------------------ */

/* genio_size caps the recorded bytes; 0 means one page. */
static void
run_cap(unsigned flags, size_t cap, size_t len, size_t want)
{
	struct ktrq_config cf;
	struct ktrq_proc *p;
	struct ktrq_thread *td;
	struct ktrq_target *mt;
	struct trace tr;
	struct wrap *w;
	struct ktrq *k;
	uint8_t *buf;

	w = wrap_create();
	ktrq_config_init(&cf, &w->os);
	cf.flags = flags;
	cf.genio_size = cap;
	k = h_instance_cf(&cf);
	assert_int_equal(ktrq_memtarget_create(w->inner, &mt), 0);
	p = h_proc(k, PID_G, NULL, PID_G, "gio", 1000);
	td = h_thread(p, 1);
	h_trace(td, mt, KTRFAC_GENIO, PID_G);
	buf = malloc(len);
	assert_non_null(buf);
	pattern(buf, len, 3);
	assert_int_equal(ktrq_genio(td, FD, 0, buf, len), 0);
	free(buf);
	assert_int_equal(ktrq_proc_exit(p), 0);
	trace_of(mt, &tr);
	assert_int_equal(tr.n, 1);
	assert_int_equal(tr.r[0].type, KTR_GENIO);
	assert_int_equal(tr.r[0].hdr.len, KTRQ_REC_GENIO_SIZE + want);
	assert_int_equal(tr.r[0].datalen, want);
	assert_true(pattern_ok(tr.r[0].data, want, 3));
	trace_free(&tr);
	assert_int_equal(ktrq_destroy(k), 0);
	ktrq_target_rele(mt);
	wrap_destroy(w);
}

static void
t_cap(void **state)
{

	(void)state;
	run_cap(0, 100, 300, 100);
	run_cap(0, 100, 100, 100);
	run_cap(0, 100, 50, 50);
	run_cap(0, 0, 5000, KTRQ_GENIO_SIZE_DEFAULT);
	run_cap(0, 0, KTRQ_GENIO_SIZE_DEFAULT, KTRQ_GENIO_SIZE_DEFAULT);
	run_cap(0, 0, 0, 0);
	run_cap(KTRQ_CF_GENIO_COPY, 100, 300, 100);
	run_cap(KTRQ_CF_GENIO_COPY, 0, 5000, KTRQ_GENIO_SIZE_DEFAULT);
	run_cap(KTRQ_CF_GENIO_COPY, 200, 129, 129);
}

/* ------------------------------------------------------------------ */

/*
 * One poster mixing async and sync: the file is exactly its posting
 * order, each record carrying its sequence number.
 */
#define	MIX	300

static void
t_single_poster_order(void **state)
{
	struct ktrq_proc *p;
	struct ktrq_thread *td;
	struct ktrq_target *mt;
	struct trace tr;
	struct wrap *w;
	struct ktrq *k;
	uint8_t buf[16];
	uint32_t v;
	unsigned i, kind[MIX];

	(void)state;
	w = wrap_create();
	k = h_instance(&w->os, MIX, 0, NULL);
	assert_int_equal(ktrq_memtarget_create(w->inner, &mt), 0);
	td = h_traced_thread(k, mt, PID_G, "gio", 1, &p);
	for (i = 0; i < MIX; i++) {
		/* Runs of async records, then one or two genios. */
		kind[i] = (i * 7) % 5 == 0 || (i * 7) % 5 == 3 ? KTR_GENIO :
		    i % 2 == 0 ? KTR_SYSCALL : KTR_USER;
		memset(buf, 0, sizeof(buf));
		memcpy(buf, &i, sizeof(i));
		switch (kind[i]) {
		case KTR_GENIO:
			assert_int_equal(ktrq_genio(td, FD, 1, buf,
			    sizeof(buf)), 0);
			break;
		case KTR_SYSCALL:
			assert_int_equal(h_sys(td, CODE_A, i, 0), 0);
			break;
		default:
			assert_int_equal(ktrq_utrace(td, buf, sizeof(buf)), 0);
			break;
		}
	}
	assert_int_equal(ktrq_proc_exit(p), 0);
	trace_of(mt, &tr);
	assert_int_equal(tr.n, MIX);
	for (i = 0; i < MIX; i++) {
		assert_int_equal(tr.r[i].type, (int)kind[i]);
		if (kind[i] == KTR_SYSCALL) {
			assert_true(tr.r[i].u.syscall.args[0] == i);
			continue;
		}
		assert_int_equal(tr.r[i].datalen, sizeof(buf));
		memcpy(&v, tr.r[i].data, sizeof(v));
		assert_int_equal(v, i);
	}
	trace_free(&tr);
	assert_int_equal(ktrq_destroy(k), 0);
	ktrq_target_rele(mt);
	wrap_destroy(w);
}

/*
 * The global property, with the probe hook as the oracle of todo-list
 * order: ENQUEUE probes (under the instance mutex) number requests as
 * they enter the list.  Four threads mix async events and synchronous
 * genios; nothing is dropped; mapping each record to its request (the
 * n-th record of a thread is its n-th enqueue), the file's serials
 * strictly increase: records land in exactly todo-list order.
 */
#define	GO_THREADS	4
#define	GO_EVENTS	300

struct enqlog {
	/* Written by the probe under k_mtx only; read after the run. */
	uint64_t	serial[GO_THREADS][GO_EVENTS];
	unsigned	n[GO_THREADS];
	unsigned	bad;
	const void	*target;	/* every request's, as probed */
};

static void
go_probe(void *arg, const struct ktrq_probe *pr)
{
	struct enqlog *el = arg;
	int64_t t;

	if (pr->kind != KTRQ_PROBE_ENQUEUE)
		return;
	t = pr->tid;
	if (t < 0 || t >= GO_THREADS || el->n[t] >= GO_EVENTS ||
	    pr->target != el->target) {
		el->bad++;
		return;
	}
	el->serial[t][el->n[t]++] = pr->serial;
}

struct goposter {
	struct ktrq_thread	*td;
	struct h_start		*start;
	int			 idx;
	unsigned		 bad;
};

static void *
goposter_main(void *arg)
{
	struct goposter *gp = arg;
	uint8_t buf[32];
	int i, e;

	memset(buf, gp->idx, sizeof(buf));
	h_start_wait(gp->start);
	for (i = 0; i < GO_EVENTS; i++) {
		/* Thread 0 only async; the others a genio every few. */
		if (gp->idx != 0 && (i + gp->idx) % (gp->idx + 1) == 0)
			e = ktrq_genio(gp->td, FD, 1, buf, sizeof(buf));
		else
			e = h_sys(gp->td, CODE_N, (uint64_t)gp->idx,
			    (uint64_t)i);
		if (e != 0)
			gp->bad++;
	}
	return (NULL);
}

static void
t_global_order(void **state)
{
	static struct enqlog el;
	struct goposter gp[GO_THREADS];
	pthread_t t[GO_THREADS];
	struct ktrq_config cf;
	struct ktrq_target *mt;
	struct ktrq_proc *p;
	struct h_start start;
	struct trace tr;
	struct wrap *w;
	struct ktrq *k;
	unsigned seen[GO_THREADS];
	uint64_t last, s;
	size_t i;
	int j;

	(void)state;
	memset(&el, 0, sizeof(el));
	w = wrap_create();
	ktrq_config_init(&cf, &w->os);
	cf.pool_size = GO_THREADS * GO_EVENTS;
	cf.probe = go_probe;
	cf.probe_arg = &el;
	k = h_instance_cf(&cf);
	assert_int_equal(ktrq_memtarget_create(w->inner, &mt), 0);
	el.target = mt;
	p = h_proc(k, PID_G, NULL, PID_G, "order", 1000);
	h_start_init(&start);
	for (j = 0; j < GO_THREADS; j++) {
		gp[j].td = h_thread(p, j);
		gp[j].start = &start;
		gp[j].idx = j;
		gp[j].bad = 0;
	}
	h_trace(gp[0].td, mt, KTRFAC_SYSCALL | KTRFAC_GENIO, PID_G);
	for (j = 0; j < GO_THREADS; j++)
		h_spawn(&t[j], goposter_main, &gp[j]);
	h_start_go(&start);
	for (j = 0; j < GO_THREADS; j++) {
		h_join(t[j]);
		assert_int_equal(gp[j].bad, 0);
	}
	assert_int_equal(ktrq_proc_exit(p), 0);
	h_assert_quiet(k);
	assert_int_equal(el.bad, 0);

	trace_of(mt, &tr);
	assert_int_equal(tr.n, GO_THREADS * GO_EVENTS);
	memset(seen, 0, sizeof(seen));
	last = 0;
	for (i = 0; i < tr.n; i++) {
		j = (int)tr.r[i].hdr.tid;
		assert_in_range(j, 0, GO_THREADS - 1);
		assert_true(seen[j] < el.n[j]);
		s = el.serial[j][seen[j]++];
		assert_true(s > last);
		last = s;
	}
	for (j = 0; j < GO_THREADS; j++)
		assert_int_equal(seen[j], GO_EVENTS);
	trace_free(&tr);
	assert_int_equal(ktrq_destroy(k), 0);
	ktrq_target_rele(mt);
	h_start_fini(&start);
	wrap_destroy(w);
}

/* ------------------------------------------------------------------ */

/*
 * What the test waits for: the genio poster raising a flag from inside
 * msleep, or writers reaching the gate.
 */
struct asleep {
	pthread_mutex_t	 lock;
	pthread_cond_t	 cv;
	int		 flag;
	unsigned	 gated;
};

static void
on_gate(void *arg)
{
	struct asleep *a = arg;

	pthread_mutex_lock(&a->lock);
	a->gated++;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->lock);
}

/* Until the poster sleeps or `n` writers reached the gate. */
static void
asleep_or_gated(struct asleep *a, unsigned n, int *flag, unsigned *gated)
{

	pthread_mutex_lock(&a->lock);
	while (!a->flag && a->gated < n)
		pthread_cond_wait(&a->cv, &a->lock);
	*flag = a->flag;
	*gated = a->gated;
	pthread_mutex_unlock(&a->lock);
}

static void
on_sleep(void *arg, const char *wmesg)
{
	struct asleep *a = arg;

	(void)wmesg;
	pthread_mutex_lock(&a->lock);
	a->flag = 1;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->lock);
}

static void
asleep_wait(struct asleep *a)
{

	pthread_mutex_lock(&a->lock);
	while (!a->flag)
		pthread_cond_wait(&a->cv, &a->lock);
	pthread_mutex_unlock(&a->lock);
}

struct sleeper {
	struct wrap		*w;
	struct ktrq_thread	*td;
	struct asleep		*asleep;
	const uint8_t		*buf;
	size_t			 len;
	int			 result;
};

static void *
sleeper_main(void *arg)
{
	struct sleeper *s = arg;
	struct wrap_hooks h;

	memset(&h, 0, sizeof(h));
	h.on_sleep = on_sleep;
	h.arg = s->asleep;
	wrap_arm(s->w, &h);
	s->result = ktrq_genio(s->td, FD, 1, s->buf, s->len);
	wrap_arm(s->w, NULL);
	return (NULL);
}

struct gfx {
	struct wrap		*w;
	struct ktrq		*k;
	struct gate		*g;
	struct ktrq_proc	*pg, *pn;
	struct ktrq_thread	*tg, *tn, *tctl;
	struct asleep		 asleep;
	struct sleeper		 s;
	pthread_t		 t;
};

static void
gfx_init(struct gfx *f, unsigned flags)
{
	static const uint8_t data[] = "synchronous";

	memset(f, 0, sizeof(*f));
	f->w = wrap_create();
	f->k = h_instance(&f->w->os, 16, flags, NULL);
	f->g = gate_create(f->w->inner, NULL);
	f->pg = h_proc(f->k, PID_G, NULL, PID_G, "gio", 1000);
	f->pn = h_proc(f->k, PID_N, NULL, PID_N, "noise", 1000);
	f->tg = h_thread(f->pg, 1);
	f->tn = h_thread(f->pn, 2);
	f->tctl = h_thread(f->pg, 99);	/* G's other thread: control */
	h_trace(f->tg, f->g->target, KTRFAC_ALL, PID_G);
	h_trace(f->tn, f->g->target, KTRFAC_ALL, PID_N);
	pthread_mutex_init(&f->asleep.lock, NULL);
	pthread_cond_init(&f->asleep.cv, NULL);
	gate_notify(f->g, on_gate, &f->asleep);
	f->s.w = f->w;
	f->s.td = f->tg;
	f->s.asleep = &f->asleep;
	f->s.buf = data;
	f->s.len = sizeof(data) - 1;
	f->s.result = -1;
}

static void
gfx_fini(struct gfx *f)
{

	gate_open(f->g);
	assert_int_equal(ktrq_destroy(f->k), 0);
	ktrq_target_rele(f->g->target);
	pthread_cond_destroy(&f->asleep.cv);
	pthread_mutex_destroy(&f->asleep.lock);
	wrap_destroy(f->w);
}

/*
 * P parks the worker; E is queued; G (sync) is queued and its poster
 * sleeps; only then is F queued.  Stepping the gate: the worker writes
 * P, E, then hands G to its poster, whose write parks in the gate --
 * and meanwhile the worker takes nothing (F stays queued).  The file is
 * P, E, G, F: todo-list order.
 */
static void
t_queued_after_sync(void **state)
{
	struct gfx f;
	struct ktrq_stats st;
	struct trace tr;

	(void)state;
	gfx_init(&f, 0);
	assert_int_equal(h_sys(f.tn, CODE_N, 0, 0), 0);		/* P */
	gate_wait_entered(f.g, 1);
	assert_int_equal(h_sys(f.tn, CODE_N, 1, 0), 0);		/* E */
	h_spawn(&f.t, sleeper_main, &f.s);			/* G */
	asleep_wait(&f.asleep);
	assert_int_equal(h_sys(f.tn, CODE_N, 2, 0), 0);		/* F */
	st = h_stats(f.k);
	assert_int_equal(st.todo_depth, 3);

	gate_pass(f.g, 1);				/* P written */
	gate_wait_entered(f.g, 2);			/* E taken */
	gate_pass(f.g, 1);				/* E written */
	gate_wait_entered(f.g, 3);			/* G's poster */
	st = h_stats(f.k);
	assert_int_equal(st.todo_depth, 1);		/* F still queued */
	assert_int_equal(st.pool_inuse, 2);		/* G and F */
	assert_true(st.written == 2);

	gate_open(f.g);
	h_join(f.t);
	assert_int_equal(f.s.result, 0);
	assert_int_equal(ktrq_proc_exit(f.pg), 0);
	assert_int_equal(ktrq_proc_exit(f.pn), 0);
	h_assert_quiet(f.k);
	trace_of(f.g->inner, &tr);
	assert_int_equal(tr.n, 4);
	assert_true(tr.r[0].type == KTR_SYSCALL &&
	    tr.r[0].u.syscall.args[0] == 0);
	assert_true(tr.r[1].type == KTR_SYSCALL &&
	    tr.r[1].u.syscall.args[0] == 1);
	assert_int_equal(tr.r[2].type, KTR_GENIO);
	assert_int_equal(tr.r[2].hdr.pid, PID_G);
	assert_int_equal(tr.r[2].datalen, f.s.len);
	assert_memory_equal(tr.r[2].data, f.s.buf, f.s.len);
	assert_true(tr.r[3].type == KTR_SYSCALL &&
	    tr.r[3].u.syscall.args[0] == 2);
	trace_free(&tr);
	gfx_fini(&f);
}

/*
 * The todo list is empty but the worker holds a request it took (parked
 * in its write): a genio must still queue and wait -- writing at once
 * would put it before the record being written.  The poster sleeps
 * without reaching the gate, and the file is P, G.
 */
static void
t_sync_behind_taken(void **state)
{
	struct gfx f;
	struct trace tr;
	unsigned gated;
	int flag;

	(void)state;
	gfx_init(&f, 0);
	assert_int_equal(h_sys(f.tn, CODE_N, 0, 0), 0);		/* P */
	gate_wait_entered(f.g, 1);
	assert_int_equal(h_stats(f.k).todo_depth, 0);
	h_spawn(&f.t, sleeper_main, &f.s);			/* G */
	asleep_or_gated(&f.asleep, 2, &flag, &gated);
	/* Asleep in the queue, its write not begun (P's may be counted). */
	assert_int_equal(flag, 1);
	assert_true(gated < 2);
	assert_int_equal(h_stats(f.k).todo_depth, 1);
	gate_open(f.g);
	h_join(f.t);
	assert_int_equal(f.s.result, 0);
	assert_int_equal(ktrq_proc_exit(f.pg), 0);
	assert_int_equal(ktrq_proc_exit(f.pn), 0);
	trace_of(f.g->inner, &tr);
	assert_int_equal(tr.n, 2);
	assert_int_equal(tr.r[0].type, KTR_SYSCALL);
	assert_int_equal(tr.r[1].type, KTR_GENIO);
	trace_free(&tr);
	gfx_fini(&f);
}

/*
 * A genio waiting in the queue whose process is detached: ENXIO, counted
 * as cleared, nothing written for it.
 */
static void
t_cleared_while_queued(void **state)
{
	struct gfx f;
	struct ktrq_stats st;
	struct trace tr;

	(void)state;
	gfx_init(&f, 0);
	assert_int_equal(h_sys(f.tn, CODE_N, 0, 0), 0);
	gate_wait_entered(f.g, 1);
	h_spawn(&f.t, sleeper_main, &f.s);
	asleep_wait(&f.asleep);
	assert_int_equal(ktrq_ktrace(f.tctl, NULL, KTROP_CLEAR, KTRFAC_ALL,
	    PID_G), 0);
	assert_int_equal(ktrq_point(f.tctl, KTR_GENIO), 0);
	gate_open(f.g);
	h_join(f.t);
	assert_int_equal(f.s.result, ENXIO);
	assert_int_equal(ktrq_proc_exit(f.pn), 0);
	assert_int_equal(ktrq_proc_exit(f.pg), 0);
	h_assert_quiet(f.k);
	st = h_stats(f.k);
	assert_true(st.posted == 2);
	assert_true(st.written == 1);
	assert_true(st.dropped_cleared == 1);
	trace_of(f.g->inner, &tr);
	assert_int_equal(tr.n, 1);
	assert_int_equal(trace_count(&tr, -1, KTR_GENIO), 0);
	trace_free(&tr);
	gfx_fini(&f);
}

/*
 * Copy mode posts genio like any other event: it returns at once with
 * the worker parked, the bytes already copied.
 */
static void
t_copy_does_not_wait(void **state)
{
	struct gfx f;
	struct trace tr;
	uint8_t buf[200];

	(void)state;
	gfx_init(&f, KTRQ_CF_GENIO_COPY);
	assert_int_equal(h_sys(f.tn, CODE_N, 0, 0), 0);
	gate_wait_entered(f.g, 1);
	pattern(buf, sizeof(buf), 9);
	assert_int_equal(ktrq_genio(f.tg, FD, 0, buf, sizeof(buf)), 0);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(h_stats(f.k).todo_depth, 1);
	assert_int_equal(ktrq_genio(f.tg, FD, 1, buf, 10), 0);
	assert_int_equal(h_stats(f.k).todo_depth, 2);
	gate_open(f.g);
	assert_int_equal(ktrq_proc_exit(f.pg), 0);
	trace_of(f.g->inner, &tr);
	assert_int_equal(tr.n, 3);
	assert_int_equal(tr.r[1].type, KTR_GENIO);
	assert_int_equal(tr.r[1].u.genio.rw, 0);
	assert_int_equal(tr.r[1].datalen, sizeof(buf));
	assert_true(pattern_ok(tr.r[1].data, sizeof(buf), 9));
	assert_int_equal(tr.r[2].u.genio.rw, 1);
	assert_int_equal(tr.r[2].datalen, 10);
	trace_free(&tr);
	gfx_fini(&f);
}

/* Not traced: ENOENT; pool empty: ENOBUFS, both without waiting. */
static void
t_not_queued(void **state)
{
	struct gfx f;
	struct ktrq_stats st;
	int i;

	(void)state;
	gfx_init(&f, 0);
	assert_int_equal(ktrq_ktrace(f.tg, NULL, KTROP_CLEAR, KTRFAC_GENIO,
	    PID_G), 0);
	assert_int_equal(ktrq_genio(f.tg, FD, 0, "x", 1), ENOENT);
	h_trace(f.tg, f.g->target, KTRFAC_GENIO, PID_G);
	assert_int_equal(h_sys(f.tn, CODE_N, 0, 0), 0);
	gate_wait_entered(f.g, 1);
	for (i = 1; i < 16; i++)
		assert_int_equal(h_sys(f.tn, CODE_N, (uint64_t)i, 0), 0);
	assert_int_equal(ktrq_genio(f.tg, FD, 0, "x", 1), ENOBUFS);
	st = h_stats(f.k);
	assert_true(st.posted == 17);
	assert_true(st.dropped_exhausted == 1);
	gfx_fini(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_sync_between_asyncs),
		cmocka_unit_test(t_copy_between_asyncs),
		cmocka_unit_test(t_cap),
		cmocka_unit_test(t_single_poster_order),
		cmocka_unit_test(t_global_order),
		cmocka_unit_test(t_queued_after_sync),
		cmocka_unit_test(t_sync_behind_taken),
		cmocka_unit_test(t_cleared_while_queued),
		cmocka_unit_test(t_copy_does_not_wait),
		cmocka_unit_test(t_not_queued),
	};

	return (cmocka_run_group_tests_name("core_genio", tests, NULL, NULL));
}
