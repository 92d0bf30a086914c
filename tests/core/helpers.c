/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers shared by the core tests: the wrapping layer, the gate target,
 * the trace parser, the log capture and shorthands (see helpers.h).
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

/* ------------------------------------------------------------------ */
/* The wrapping layer                                                 */
/* ------------------------------------------------------------------ */

/* Set while the calling thread runs a hook: hooks never nest. */
static _Thread_local int in_hook;

enum hook { H_ENTER, H_SLEEP, H_CLOCK, H_CLOCK_READ, H_JOIN };

/* The hooks to run on the calling thread now, or 0. */
static int
hooks_for_me(struct wrap *w, struct wrap_hooks *h)
{
	int mine;

	if (in_hook)
		return (0);
	pthread_mutex_lock(&w->lock);
	mine = w->hooks_armed && pthread_equal(w->hooks_thread,
	    pthread_self());
	if (mine)
		*h = w->hooks;
	pthread_mutex_unlock(&w->lock);
	return (mine);
}

static void
run_hook(struct wrap *w, enum hook which, const char *wmesg)
{
	struct wrap_hooks h;

	if (!hooks_for_me(w, &h))
		return;
	in_hook = 1;
	switch (which) {
	case H_ENTER:
		if (h.on_enter != NULL)
			h.on_enter(h.arg);
		break;
	case H_SLEEP:
		if (h.on_sleep != NULL)
			h.on_sleep(h.arg, wmesg);
		break;
	case H_CLOCK:
		if (h.on_clock != NULL)
			h.on_clock(h.arg);
		break;
	case H_CLOCK_READ:
		if (h.on_clock_read != NULL)
			h.on_clock_read(h.arg);
		break;
	case H_JOIN:
		if (h.on_join != NULL)
			h.on_join(h.arg);
		break;
	}
	in_hook = 0;
}

#define	INNER(w)	((w)->inner)
#define	IC(w)		((w)->inner->cookie)

static int
w_mtx_init(void *c, struct ktrq_os_mtx **mp, const char *name)
{
	struct wrap *w = c;

	return (INNER(w)->mtx_init(IC(w), mp, name));
}

static int
w_mtx_destroy(void *c, struct ktrq_os_mtx *m)
{
	struct wrap *w = c;

	return (INNER(w)->mtx_destroy(IC(w), m));
}

static int
w_mtx_enter(void *c, struct ktrq_os_mtx *m)
{
	struct wrap *w = c;
	int error;

	if ((error = INNER(w)->mtx_enter(IC(w), m)) == 0)
		run_hook(w, H_ENTER, NULL);
	return (error);
}

static int
w_mtx_exit(void *c, struct ktrq_os_mtx *m)
{
	struct wrap *w = c;

	return (INNER(w)->mtx_exit(IC(w), m));
}

static int
w_mtx_owned(void *c, const struct ktrq_os_mtx *m)
{
	struct wrap *w = c;

	return (INNER(w)->mtx_owned(IC(w), m));
}

static int
w_msleep(void *c, const void *chan, struct ktrq_os_mtx *interlock,
    const char *wmesg, uint64_t timeout_ns)
{
	struct wrap *w = c;

	run_hook(w, H_SLEEP, wmesg);
	return (INNER(w)->msleep(IC(w), chan, interlock, wmesg, timeout_ns));
}

static void
w_wakeup(void *c, const void *chan)
{
	struct wrap *w = c;

	INNER(w)->wakeup(IC(w), chan);
}

static void
w_wakeup_one(void *c, const void *chan)
{
	struct wrap *w = c;

	INNER(w)->wakeup_one(IC(w), chan);
}

static int
w_thread_create(void *c, struct ktrq_os_thread **tp, const char *name,
    void (*fn)(void *), void *arg)
{
	struct wrap *w = c;

	return (INNER(w)->thread_create(IC(w), tp, name, fn, arg));
}

static int
w_thread_join(void *c, struct ktrq_os_thread *t)
{
	struct wrap *w = c;

	run_hook(w, H_JOIN, NULL);
	return (INNER(w)->thread_join(IC(w), t));
}

static uint64_t
w_thread_self(void *c)
{
	struct wrap *w = c;

	return (INNER(w)->thread_self(IC(w)));
}

static int
w_thread_name(void *c, char *buf, size_t len)
{
	struct wrap *w = c;

	return (INNER(w)->thread_name(IC(w), buf, len));
}

static uint64_t
w_clock_ns(void *c)
{
	struct wrap *w = c;
	uint64_t v;
	int fixed;

	run_hook(w, H_CLOCK, NULL);
	pthread_mutex_lock(&w->lock);
	fixed = w->clock_fixed;
	v = w->clock_value;
	pthread_mutex_unlock(&w->lock);
	if (!fixed)
		v = INNER(w)->clock_ns(IC(w));
	run_hook(w, H_CLOCK_READ, NULL);
	return (v);
}

static void *
w_alloc(void *c, size_t size)
{
	struct wrap *w = c;
	int fail;

	pthread_mutex_lock(&w->lock);
	w->nalloc++;
	fail = w->fail_after == 0;
	if (w->fail_after > 0)
		w->fail_after--;
	if (fail)
		w->nalloc_failed++;
	pthread_mutex_unlock(&w->lock);
	return (fail ? NULL : INNER(w)->alloc(IC(w), size));
}

static void
w_free(void *c, void *p, size_t size)
{
	struct wrap *w = c;

	INNER(w)->free(IC(w), p, size);
}

static void
w_log(void *c, int level, const char *msg)
{
	struct wrap *w = c;

	INNER(w)->log(IC(w), level, msg);
}

static void
w_panic(void *c, const char *msg)
{
	struct wrap *w = c;

	INNER(w)->panic(IC(w), msg);
}

static int
w_tunable(void *c, const char *name, long long *valuep)
{
	struct wrap *w = c;

	return (INNER(w)->tunable(IC(w), name, valuep));
}

/* No hook and no lock: a forked child asks before anything else. */
static int
w_forked(void *c)
{
	struct wrap *w = c;

	return (INNER(w)->forked(IC(w)));
}

struct wrap *
wrap_create(void)
{
	struct wrap *w;

	w = calloc(1, sizeof(*w));
	assert_non_null(w);
	assert_int_equal(ktrq_os_pth_create(&w->inner), 0);
	assert_int_equal(pthread_mutex_init(&w->lock, NULL), 0);
	w->fail_after = -1;
	w->os = (struct ktrq_os){
		.version = w->inner->version,
		.name = "wrap",
		.cookie = w,
		.mtx_init = w_mtx_init,
		.mtx_destroy = w_mtx_destroy,
		.mtx_enter = w_mtx_enter,
		.mtx_exit = w_mtx_exit,
		.mtx_owned = w_mtx_owned,
		.msleep = w_msleep,
		.wakeup = w_wakeup,
		.wakeup_one = w_wakeup_one,
		.thread_create = w_thread_create,
		.thread_join = w_thread_join,
		.thread_self = w_thread_self,
		.thread_name = w_thread_name,
		.clock_ns = w_clock_ns,
		.alloc = w_alloc,
		.free = w_free,
		.log = w_log,
		.panic = w_panic,
		.tunable = w_tunable,
		.forked = w_forked,
	};
	return (w);
}

void
wrap_destroy(struct wrap *w)
{

	if (w == NULL)
		return;
	assert_int_equal(ktrq_os_pth_destroy(w->inner), 0);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

void
wrap_fix_clock(struct wrap *w, uint64_t ns)
{

	pthread_mutex_lock(&w->lock);
	w->clock_fixed = 1;
	w->clock_value = ns;
	pthread_mutex_unlock(&w->lock);
}

void
wrap_fail_allocs(struct wrap *w, long n)
{

	pthread_mutex_lock(&w->lock);
	w->fail_after = n;
	pthread_mutex_unlock(&w->lock);
}

uint64_t
wrap_allocs(struct wrap *w)
{
	uint64_t n;

	pthread_mutex_lock(&w->lock);
	n = w->nalloc;
	pthread_mutex_unlock(&w->lock);
	return (n);
}

uint64_t
wrap_allocs_failed(struct wrap *w)
{
	uint64_t n;

	pthread_mutex_lock(&w->lock);
	n = w->nalloc_failed;
	pthread_mutex_unlock(&w->lock);
	return (n);
}

void
wrap_arm(struct wrap *w, const struct wrap_hooks *h)
{

	pthread_mutex_lock(&w->lock);
	if (h != NULL) {
		w->hooks = *h;
		w->hooks_thread = pthread_self();
		w->hooks_armed = 1;
	} else {
		memset(&w->hooks, 0, sizeof(w->hooks));
		w->hooks_armed = 0;
	}
	pthread_mutex_unlock(&w->lock);
}

/* ------------------------------------------------------------------ */
/* The gate target                                                    */
/* ------------------------------------------------------------------ */

/* The gate runs on the worker too: failures abort, CMocka is not safe there. */
static void
chk(int error)
{

	if (error != 0)
		abort();
}

#define	GLOCK(g)	chk((g)->os->mtx_enter((g)->os->cookie, \
			    (g)->mtx))
#define	GUNLOCK(g)	chk((g)->os->mtx_exit((g)->os->cookie, \
			    (g)->mtx))
#define	GSLEEP(g, c)	(void)(g)->os->msleep((g)->os->cookie, (c), \
			    (g)->mtx, "gate", 0)
#define	GWAKE(g, c)	(g)->os->wakeup((g)->os->cookie, (c))

static int
gate_write(void *arg, const struct ktrq_iov *iov, int iovcnt,
    const struct ktrq_cred *cred, size_t *donep)
{
	struct gate *g = arg;
	void (*notify)(void *);
	void *notify_arg;
	size_t done;
	int error;

	GLOCK(g);
	g->entered++;
	g->waiting++;
	GWAKE(g, &g->entered);
	notify = g->on_enter;
	notify_arg = g->on_enter_arg;
	GUNLOCK(g);
	if (notify != NULL)
		notify(notify_arg);
	GLOCK(g);
	while (!g->open && g->passes == 0)
		GSLEEP(g, &g->open);
	if (!g->open)
		g->passes--;
	g->waiting--;
	GUNLOCK(g);
	/* What the inner target took before failing is a short write. */
	error = ktrq_target_write_done(g->inner, iov, iovcnt, cred, &done);
	if (error != 0 && done == 0)
		return (error);
	*donep = done;
	return (0);
}

static void
gate_release(void *arg)
{
	struct gate *g = arg;

	ktrq_target_rele(g->inner);
	(void)g->os->mtx_destroy(g->os->cookie, g->mtx);
	free(g);
}

static const struct ktrq_target_ops gate_ops = {
	.write = gate_write,
	.release = gate_release,
};

struct gate *
gate_create(const struct ktrq_os *os, struct ktrq_target *inner)
{
	struct gate *g;

	g = calloc(1, sizeof(*g));
	assert_non_null(g);
	g->os = os;
	assert_int_equal(os->mtx_init(os->cookie, &g->mtx, "gate"), 0);
	if (inner == NULL) {
		assert_int_equal(ktrq_memtarget_create(os, &g->inner), 0);
	} else {
		ktrq_target_hold(inner);
		g->inner = inner;
	}
	assert_int_equal(ktrq_target_create(os, &gate_ops, g, &g->target),
	    0);
	return (g);
}

void
gate_wait_entered(struct gate *g, unsigned n)
{

	GLOCK(g);
	while (g->entered < n)
		GSLEEP(g, &g->entered);
	GUNLOCK(g);
}

void
gate_wait_waiting(struct gate *g, unsigned n)
{

	GLOCK(g);
	while (g->waiting < n)
		GSLEEP(g, &g->entered);
	GUNLOCK(g);
}

void
gate_notify(struct gate *g, void (*fn)(void *), void *arg)
{

	GLOCK(g);
	g->on_enter = fn;
	g->on_enter_arg = arg;
	GUNLOCK(g);
}

void
gate_open(struct gate *g)
{

	GLOCK(g);
	g->open = 1;
	GWAKE(g, &g->open);
	GUNLOCK(g);
}

void
gate_close(struct gate *g)
{

	GLOCK(g);
	g->open = 0;
	GUNLOCK(g);
}

void
gate_pass(struct gate *g, unsigned n)
{

	GLOCK(g);
	g->passes += n;
	GWAKE(g, &g->open);
	GUNLOCK(g);
}

unsigned
gate_entered(struct gate *g)
{
	unsigned n;

	GLOCK(g);
	n = g->entered;
	GUNLOCK(g);
	return (n);
}

int
null_write(void *arg, const struct ktrq_iov *iov, int iovcnt,
    const struct ktrq_cred *cred, size_t *donep)
{
	size_t total;

	(void)arg;
	(void)cred;
	total = ktrq_iov_total(iov, iovcnt);
	*donep = total;
	return (0);
}

static const struct ktrq_target_ops null_ops = {
	.write = null_write,
	.release = NULL,
};

struct ktrq_target *
null_target(const struct ktrq_os *os)
{
	struct ktrq_target *t;

	assert_int_equal(ktrq_target_create(os, &null_ops, NULL, &t), 0);
	return (t);
}

/* ------------------------------------------------------------------ */
/* Trace parsing                                                      */
/* ------------------------------------------------------------------ */

static int
decode_payload(struct trec *r, const uint8_t *p, size_t len)
{

	switch (r->type) {
	case KTR_SYSCALL:
		return (ktrq_rec_syscall_decode(p, len, &r->u.syscall));
	case KTR_SYSRET:
		return (ktrq_rec_sysret_decode(p, len, &r->u.sysret));
	case KTR_GENIO:
		r->data = p + KTRQ_REC_GENIO_SIZE;
		r->datalen = len >= KTRQ_REC_GENIO_SIZE ?
		    len - KTRQ_REC_GENIO_SIZE : 0;
		return (ktrq_rec_genio_decode(p, len, &r->u.genio));
	case KTR_PSIG:
		return (ktrq_rec_psig_decode(p, len, &r->u.psig));
	case KTR_CSW:
		return (ktrq_rec_csw_decode(p, len, &r->u.csw));
	case KTR_NAMEI:
	case KTR_USER:
		r->data = p;
		r->datalen = len;
		return (0);
	default:
		return (EBADMSG);
	}
}

int
trace_parse(const uint8_t *buf, size_t len, struct trace *tr)
{
	struct ktrq_rec_hdr h;
	struct trec *r;
	const uint8_t *pl;
	size_t off, start, cap;
	int error;

	memset(tr, 0, sizeof(*tr));
	if (len == 0)
		return (0);
	if ((tr->buf = malloc(len)) == NULL)
		return (ENOMEM);
	memcpy(tr->buf, buf, len);
	tr->len = len;
	cap = 0;
	off = 0;
	for (;;) {
		start = off;
		error = ktrq_rec_next(tr->buf, len, &off, &h, &pl);
		if (error == ENOENT)
			break;
		if (error != 0)
			return (error);
		/* libktrq writes version 1 only (a v0 header decodes as 0). */
		if (h.version != KTR_VERSION1)
			return (EPROTO);
		if (tr->n == cap) {
			cap = cap != 0 ? cap * 2 : 64;
			r = realloc(tr->r, cap * sizeof(*r));
			if (r == NULL)
				return (ENOMEM);
			tr->r = r;
		}
		r = &tr->r[tr->n];
		memset(r, 0, sizeof(*r));
		r->off = start;
		r->hdr = h;
		r->rawtype = r->hdr.type;
		r->type = r->hdr.type & ~KTR_TYPE;
		r->drop = (r->hdr.type & KTR_DROP) != 0;
		if ((error = decode_payload(r, pl, (size_t)r->hdr.len)) != 0)
			return (error);
		tr->n++;
	}
	return (0);
}

void
trace_of(struct ktrq_target *mt, struct trace *tr)
{
	const uint8_t *p;
	size_t len;

	p = ktrq_memtarget_data(mt, &len);
	assert_true(p != NULL || len == 0);
	assert_int_equal(trace_parse(p, len, tr), 0);
}

void
trace_free(struct trace *tr)
{

	free(tr->r);
	free(tr->buf);
	memset(tr, 0, sizeof(*tr));
}

size_t
trace_count(const struct trace *tr, int pid, int type)
{
	size_t i, n;

	for (n = 0, i = 0; i < tr->n; i++)
		if ((pid == -1 || tr->r[i].hdr.pid == pid) &&
		    (type == 0 || tr->r[i].type == type))
			n++;
	return (n);
}

long
trace_find_syscall(const struct trace *tr, int pid, int code, uint64_t a0,
    uint64_t a1)
{
	const struct trec *r;
	size_t i;

	for (i = 0; i < tr->n; i++) {
		r = &tr->r[i];
		if (r->type == KTR_SYSCALL && r->hdr.pid == pid &&
		    r->u.syscall.code == code && r->u.syscall.narg >= 2 &&
		    r->u.syscall.args[0] == a0 && r->u.syscall.args[1] == a1)
			return ((long)i);
	}
	return (-1);
}

/* ------------------------------------------------------------------ */
/* Log capture                                                        */
/* ------------------------------------------------------------------ */

void
logcap_init(struct logcap *lc)
{

	memset(lc, 0, sizeof(*lc));
	assert_int_equal(pthread_mutex_init(&lc->lock, NULL), 0);
}

void
logcap_fini(struct logcap *lc)
{

	pthread_mutex_destroy(&lc->lock);
}

void
logcap_log(void *arg, int level, const char *msg)
{
	struct logcap *lc = arg;

	pthread_mutex_lock(&lc->lock);
	if (lc->n < LOGCAP_LINES) {
		strncpy(lc->line[lc->n], msg, LOGCAP_LEN - 1);
		lc->line[lc->n][LOGCAP_LEN - 1] = '\0';
		lc->level[lc->n] = level;
	}
	lc->n++;
	pthread_mutex_unlock(&lc->lock);
}

unsigned
logcap_count(struct logcap *lc, const char *msg)
{
	unsigned i, n;

	pthread_mutex_lock(&lc->lock);
	for (n = 0, i = 0; i < lc->n && i < LOGCAP_LINES; i++)
		if (strcmp(lc->line[i], msg) == 0)
			n++;
	pthread_mutex_unlock(&lc->lock);
	return (n);
}

unsigned
logcap_total(struct logcap *lc)
{
	unsigned n;

	pthread_mutex_lock(&lc->lock);
	n = lc->n;
	pthread_mutex_unlock(&lc->lock);
	return (n);
}

/* ------------------------------------------------------------------ */
/* The traced world                                                   */
/* ------------------------------------------------------------------ */

struct ktrq_cred
h_cred(uint32_t uid)
{
	struct ktrq_cred c;

	c.uid = c.ruid = c.svuid = uid;
	c.gid = c.rgid = c.svgid = uid;
	return (c);
}

struct ktrq *
h_instance_cf(const struct ktrq_config *cf)
{
	struct ktrq *k;

	k = NULL;
	assert_int_equal(ktrq_create(cf, &k), 0);
	assert_non_null(k);
	return (k);
}

struct ktrq *
h_instance(const struct ktrq_os *os, int pool, unsigned flags,
    struct logcap *lc)
{
	struct ktrq_config cf;

	ktrq_config_init(&cf, os);
	cf.pool_size = pool;
	cf.flags = flags;
	if (lc != NULL) {
		cf.log = logcap_log;
		cf.log_arg = lc;
	}
	return (h_instance_cf(&cf));
}

struct ktrq_proc *
h_proc(struct ktrq *k, int pid, struct ktrq_proc *parent, int pgid,
    const char *comm, uint32_t uid)
{
	struct ktrq_cred c = h_cred(uid);
	struct ktrq_proc *p;

	p = NULL;
	assert_int_equal(ktrq_proc_create(k, pid, parent, pgid, comm, &c, &p),
	    0);
	assert_int_equal(ktrq_proc_pid(p), pid);
	return (p);
}

struct ktrq_thread *
h_thread(struct ktrq_proc *p, int64_t tid)
{
	struct ktrq_thread *td;

	td = NULL;
	assert_int_equal(ktrq_thread_create(p, tid, &td), 0);
	assert_non_null(td);
	return (td);
}

void
h_trace(struct ktrq_thread *ctl, struct ktrq_target *t, int facs, int pid)
{

	assert_int_equal(ktrq_ktrace(ctl, t, KTROP_SET, facs, pid), 0);
}

struct ktrq_thread *
h_traced_thread(struct ktrq *k, struct ktrq_target *t, int pid,
    const char *comm, int64_t tid, struct ktrq_proc **pp)
{
	struct ktrq_thread *td;

	*pp = h_proc(k, pid, NULL, pid, comm, 1000);
	td = h_thread(*pp, tid);
	h_trace(td, t, KTRFAC_ALL, pid);
	return (td);
}

struct ktrq *
h_gated_world(struct wrap **wp, struct gate **gp, int pool, unsigned flags,
    struct logcap *lc)
{
	struct ktrq *k;

	*wp = wrap_create();
	k = h_instance(&(*wp)->os, pool, flags, lc);
	*gp = gate_create((*wp)->inner, NULL);
	return (k);
}

void
h_gated_teardown(struct wrap *w, struct ktrq *k, struct gate *g)
{

	gate_open(g);
	assert_int_equal(ktrq_destroy(k), 0);
	ktrq_target_rele(g->target);
	wrap_destroy(w);
}

struct ktrq_stats
h_stats(struct ktrq *k)
{
	struct ktrq_stats st;

	memset(&st, 0xa5, sizeof(st));
	assert_int_equal(ktrq_stats(k, &st), 0);
	return (st);
}

void
h_assert_quiet(struct ktrq *k)
{
	struct ktrq_stats st = h_stats(k);

	assert_true(st.posted == st.written + st.dropped_exhausted +
	    st.dropped_write_error + st.dropped_cleared);
	assert_int_equal(st.pool_free, st.pool_size);
	assert_int_equal(st.pool_inuse, 0);
	assert_int_equal(st.todo_depth, 0);
}

int
h_sys(struct ktrq_thread *td, int code, uint64_t a0, uint64_t a1)
{
	uint64_t args[2] = { a0, a1 };

	return (ktrq_syscall(td, code, 2, args));
}

void
h_spawn(pthread_t *t, h_thread_fn fn, void *arg)
{

	assert_int_equal(pthread_create(t, NULL, fn, arg), 0);
}

void
h_join(pthread_t t)
{

	assert_int_equal(pthread_join(t, NULL), 0);
}

void
h_start_init(struct h_start *s)
{

	assert_int_equal(pthread_mutex_init(&s->lock, NULL), 0);
	assert_int_equal(pthread_cond_init(&s->cv, NULL), 0);
	s->go = 0;
}

void
h_start_fini(struct h_start *s)
{

	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->lock);
}

void
h_start_wait(struct h_start *s)
{

	pthread_mutex_lock(&s->lock);
	while (!s->go)
		pthread_cond_wait(&s->cv, &s->lock);
	pthread_mutex_unlock(&s->lock);
}

void
h_start_go(struct h_start *s)
{

	pthread_mutex_lock(&s->lock);
	s->go = 1;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->lock);
}
