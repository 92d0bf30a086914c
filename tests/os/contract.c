/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The platform-layer contract, checked once for every backend.
 *
 * Each test is a body that sees only the struct ktrq_os it is given: its
 * threads come from thread_create, they meet only through the layer's
 * mutexes and channels (always with a predicate loop, as msleep(9) callers
 * must), and the only wait on time is an msleep timeout, which a simulator
 * runs in virtual time.  Where a body must know that another thread is
 * asleep it uses the interlock itself: the sleeper announces itself under
 * the interlock and then calls msleep, which releases it atomically with
 * going to sleep, so whoever takes the interlock next and sees the
 * announcement knows the sleeper is on the channel.  The few timed msleeps
 * only ever widen a window in which a broken backend would show itself; no
 * assertion depends on how long anything took, except that a timeout lasts
 * at least as long as asked.
 *
 * Liveness failures (a lost wakeup) show as a hang, which ctest's TIMEOUT
 * turns into a failure on real threads and a simulator reports as a
 * deadlock from its run hook.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "contract.h"

#define	MS		1000000ULL	/* ns */
#define	NSLEEPERS	4
#define	PINGPONG_ROUNDS	10000
/* Long enough for a wrongly woken thread to run; proves nothing by itself. */
#define	SETTLE_NS	(10 * MS)
#define	MAX_PRINTED	10

/*
 * Failure recording.
 */

void
contract_fail(struct contract *c, const char *file, int line,
    const char *expr, long long got, long long want)
{
	struct contract_record *r = c->rec;
	struct ktrq_os *os = r->os;
	char msg[sizeof(r->first)];

	if (got != want)
		snprintf(msg, sizeof(msg), "%s:%d: %s (got %lld, want %lld)",
		    file, line, expr, got, want);
	else
		snprintf(msg, sizeof(msg), "%s:%d: %s", file, line, expr);
	if (r->mtx != NULL)
		os->mtx_enter(os->cookie, r->mtx);
	if (r->nfail++ == 0)
		memcpy(r->first, msg, sizeof(r->first));
	if (r->nfail <= MAX_PRINTED)
		fprintf(stderr, "contract[%s]: FAIL %s\n", c->be->name, msg);
	if (r->mtx != NULL)
		os->mtx_exit(os->cookie, r->mtx);
}

_Noreturn void
contract_abort(const char *file, int line, const char *what)
{

	fprintf(stderr, "contract: FATAL %s:%d: %s\n", file, line, what);
	fflush(stderr);
	_Exit(EXIT_FAILURE);
}

/*
 * Checked spellings of the table's calls.
 */

int
kinit_at(struct contract *c, struct ktrq_os_mtx **mp, const char *name,
    const char *file, int line)
{
	int error;

	error = c->os->mtx_init(c->os->cookie, mp, name);
	if (error != 0)
		contract_fail(c, file, line, "mtx_init", error, 0);
	return (error);
}

void
kdestroy_at(struct contract *c, struct ktrq_os_mtx *m, const char *file,
    int line)
{
	int error;

	if ((error = c->os->mtx_destroy(c->os->cookie, m)) != 0)
		contract_fail(c, file, line, "mtx_destroy", error, 0);
}

void
kenter_at(struct contract *c, struct ktrq_os_mtx *m, const char *file,
    int line)
{
	int error;

	if ((error = c->os->mtx_enter(c->os->cookie, m)) != 0)
		contract_fail(c, file, line, "mtx_enter", error, 0);
}

void
kexit_at(struct contract *c, struct ktrq_os_mtx *m, const char *file,
    int line)
{
	int error;

	if ((error = c->os->mtx_exit(c->os->cookie, m)) != 0)
		contract_fail(c, file, line, "mtx_exit", error, 0);
}

struct ktrq_os_thread *
kspawn_at(struct contract *c, const char *name, void (*fn)(void *),
    void *arg, const char *file, int line)
{
	struct ktrq_os_thread *t;

	if (c->os->thread_create(c->os->cookie, &t, name, fn, arg) != 0)
		contract_abort(file, line, "thread_create failed");
	return (t);
}

void
kjoin_at(struct contract *c, struct ktrq_os_thread *t, const char *file,
    int line)
{
	int error;

	if ((error = c->os->thread_join(c->os->cookie, t)) != 0)
		contract_fail(c, file, line, "thread_join", error, 0);
}

void
kwait_until_at(struct contract *c, struct ktrq_os_mtx *m, const int *v,
    int want, const char *file, int line)
{
	int error;

	while (*v < want) {
		error = c->os->msleep(c->os->cookie, v, m, "kwait", 0);
		if (error != 0) {
			/* Looping on a broken msleep would only spin. */
			contract_fail(c, file, line, "msleep in kwait_until",
			    error, 0);
			return;
		}
	}
}

void
kbump(struct contract *c, int *v)
{

	(*v)++;
	c->os->wakeup(c->os->cookie, v);
}

int
kowned(struct contract *c, struct ktrq_os_mtx *m)
{

	return (c->os->mtx_owned(c->os->cookie, m));
}

int
ksleep(struct contract *c, const void *chan, struct ktrq_os_mtx *m,
    uint64_t timeout_ns)
{

	return (c->os->msleep(c->os->cookie, chan, m, "contract",
	    timeout_ns));
}

void
kwakeup(struct contract *c, const void *chan)
{

	c->os->wakeup(c->os->cookie, chan);
}

void
kwakeup_one(struct contract *c, const void *chan)
{

	c->os->wakeup_one(c->os->cookie, chan);
}

uint64_t
kclock(struct contract *c)
{

	return (c->os->clock_ns(c->os->cookie));
}

/*
 * A timed sleep that must end by its timeout.  A backend allowed spurious
 * returns may come back early with 0; sleep again until the timeout is
 * what ended it, so the caller can still demand EWOULDBLOCK.
 */
static int
ksleep_timeout(struct contract *c, const void *chan, struct ktrq_os_mtx *m,
    uint64_t timeout_ns)
{
	int error, tries;

	tries = 0;
	do {
		error = ksleep(c, chan, m, timeout_ns);
	} while (error == 0 && c->be->spurious_possible && ++tries < 1000);
	return (error);
}

/*
 * cmocka plumbing.
 */

struct exec {
	struct contract	*c;
	contract_body_t	*body;
};

static void
exec_body(void *arg)
{
	struct exec *x = arg;
	struct contract_record *r = x->c->rec;
	struct ktrq_os *os = x->c->os;

	r->os = os;
	if (os->mtx_init(os->cookie, &r->mtx, "contract.record") != 0) {
		r->mtx = NULL;
		contract_fail(x->c, __FILE__, __LINE__, "record mtx_init",
		    0, 0);
		return;
	}
	x->body(x->c);
	if (os->mtx_destroy(os->cookie, r->mtx) != 0)
		contract_fail(x->c, __FILE__, __LINE__, "record mtx_destroy",
		    0, 0);
	r->mtx = NULL;
}

/* The contract comes first, so the state is both. */
struct contract_state {
	struct contract		c;
	struct contract_record	rec;
};

int
contract_setup(void **state)
{
	const struct contract_backend *be = *state;
	struct contract_state *cs;

	if ((cs = calloc(1, sizeof(*cs))) == NULL)
		return (-1);
	cs->c.be = be;
	cs->c.rec = &cs->rec;
	if (be->os_create(&cs->c.os) != 0) {
		free(cs);
		return (-1);
	}
	*state = &cs->c;
	return (0);
}

int
contract_teardown(void **state)
{
	struct contract *c = *state;
	int error;

	/* 0 here also says no thread of the test was left asleep. */
	error = c->be->os_destroy(c->os);
	if (error != 0)
		fprintf(stderr, "contract[%s]: os_destroy: %d\n",
		    c->be->name, error);
	free(c);
	return (error == 0 ? 0 : -1);
}

void
contract_exec(void **state, contract_body_t *body)
{
	struct contract *c = *state;
	struct exec x = { c, body };
	int error;

	c->rec->nfail = 0;
	c->rec->first[0] = '\0';
	if (c->be->run != NULL)
		error = c->be->run(c->os, exec_body, &x);
	else {
		exec_body(&x);
		error = 0;
	}
	if (error != 0)
		fail_msg("%s: run hook failed: %d", c->be->name, error);
	if (c->rec->nfail != 0)
		fail_msg("%s: %u failure(s), first: %s", c->be->name,
		    c->rec->nfail, c->rec->first);
}

/*
 * a. The version handshake accepts the table and refuses every damaged
 * copy of it.
 */

static int
null_member(struct ktrq_os *t, int i)
{

	switch (i) {
	case 0: t->mtx_init = NULL; break;
	case 1: t->mtx_destroy = NULL; break;
	case 2: t->mtx_enter = NULL; break;
	case 3: t->mtx_exit = NULL; break;
	case 4: t->mtx_owned = NULL; break;
	case 5: t->msleep = NULL; break;
	case 6: t->wakeup = NULL; break;
	case 7: t->wakeup_one = NULL; break;
	case 8: t->thread_create = NULL; break;
	case 9: t->thread_join = NULL; break;
	case 10: t->thread_self = NULL; break;
	case 11: t->thread_name = NULL; break;
	case 12: t->clock_ns = NULL; break;
	case 13: t->alloc = NULL; break;
	case 14: t->free = NULL; break;
	case 15: t->log = NULL; break;
	case 16: t->panic = NULL; break;
	case 17: t->tunable = NULL; break;
	case 18: t->forked = NULL; break;
	default: return (0);
	}
	return (1);
}

static void
body_table_check(struct contract *c)
{
	struct ktrq_os copy;
	int i;

	CHECK_EQ(c, ktrq_os_check(c->os), 0);
	CHECK_EQ(c, c->os->version, KTRQ_OS_VERSION);
	CHECK(c, c->os->name != NULL);
	CHECK_EQ(c, ktrq_os_check(NULL), EINVAL);
	copy = *c->os;
	copy.version++;
	CHECK_EQ(c, ktrq_os_check(&copy), ENOTSUP);
	for (i = 0;; i++) {
		copy = *c->os;
		if (!null_member(&copy, i))
			break;
		if (ktrq_os_check(&copy) != EINVAL)
			contract_fail(c, __FILE__, __LINE__,
			    "ktrq_os_check accepted a missing member (got: "
			    "its null_member index)", i, -1);
	}
	/* A member added to os.h must be added to null_member too. */
	CHECK_EQ(c, offsetof(struct ktrq_os, mtx_init) +
	    (size_t)i * sizeof(void (*)(void)), sizeof(struct ktrq_os));
}

static void
t_table_check(void **state)
{

	contract_exec(state, body_table_check);
}

/*
 * b. Mutexes: ownership is exact for the caller, including with several
 * held and released out of order.
 */

static void
body_mtx_basic(struct contract *c)
{
	struct ktrq_os_mtx *a, *b;

	if (kinit(c, &a, "contract.a") != 0)
		return;
	if (kinit(c, &b, "contract.b") != 0) {
		kdestroy(c, a);
		return;
	}
	CHECK(c, !kowned(c, a));
	kenter(c, a);
	CHECK(c, kowned(c, a));
	CHECK(c, !kowned(c, b));
	kexit(c, a);
	CHECK(c, !kowned(c, a));

	/* Always a before b: helgrind checks the test's lock order too. */
	kenter(c, a);
	kenter(c, b);
	CHECK(c, kowned(c, a) && kowned(c, b));
	kexit(c, a);		/* not the most recent */
	CHECK(c, !kowned(c, a));
	CHECK(c, kowned(c, b));
	kexit(c, b);
	CHECK(c, !kowned(c, a) && !kowned(c, b));

	kenter(c, a);
	kenter(c, b);
	kexit(c, b);
	CHECK(c, kowned(c, a));
	CHECK(c, !kowned(c, b));
	kexit(c, a);
	CHECK(c, !kowned(c, a) && !kowned(c, b));
	kdestroy(c, a);
	kdestroy(c, b);
}

static void
t_mtx_basic(void **state)
{

	contract_exec(state, body_mtx_basic);
}

/*
 * A thread that holds `m` until told to let go, so the main body can look
 * at a mutex held by someone else.  The gate `g` carries the handshake;
 * the main body keeps it from holder_start to holder_stop.
 */
struct holder {
	struct contract		*c;
	struct ktrq_os_mtx	*m;
	struct ktrq_os_mtx	*g;
	int			 held;
	int			 release;
	struct ktrq_os_thread	*t;
};

static void
holder_main(void *arg)
{
	struct holder *h = arg;

	kenter(h->c, h->m);
	kenter(h->c, h->g);
	kbump(h->c, &h->held);
	kwait_until(h->c, h->g, &h->release, 1);
	kexit(h->c, h->g);
	kexit(h->c, h->m);
}

static int
holder_start(struct contract *c, struct holder *h, struct ktrq_os_mtx *m)
{

	memset(h, 0, sizeof(*h));
	h->c = c;
	h->m = m;
	if (kinit(c, &h->g, "contract.gate") != 0)
		return (-1);
	h->t = kspawn(c, "contract-holder", holder_main, h);
	kenter(c, h->g);
	kwait_until(c, h->g, &h->held, 1);
	return (0);
}

static void
holder_stop(struct contract *c, struct holder *h)
{

	kbump(c, &h->release);
	kexit(c, h->g);
	kjoin(c, h->t);
	kdestroy(c, h->g);
}

struct peek {
	struct contract		*c;
	struct ktrq_os_mtx	*m;
};

/* Runs while the main body holds p->m. */
static void
peek_main(void *arg)
{
	struct peek *p = arg;
	struct contract *c = p->c;

	CHECK(c, !kowned(c, p->m));
	CHECK_EQ(c, c->os->mtx_exit(c->os->cookie, p->m), EPERM);
	CHECK_EQ(c, c->os->mtx_destroy(c->os->cookie, p->m), EBUSY);
	CHECK(c, !kowned(c, p->m));
}

static void
body_mtx_other_thread(struct contract *c)
{
	struct holder h;
	struct peek p;

	p.c = c;
	if (kinit(c, &p.m, "contract.m") != 0)
		return;

	/* Held here, looked at from a thread. */
	kenter(c, p.m);
	kjoin(c, kspawn(c, "contract-peek", peek_main, &p));
	CHECK(c, kowned(c, p.m));	/* the EPERM exit released nothing */
	kexit(c, p.m);

	/* Held by a thread, looked at from here. */
	if (holder_start(c, &h, p.m) == 0) {
		CHECK(c, !kowned(c, p.m));
		CHECK_EQ(c, c->os->mtx_exit(c->os->cookie, p.m), EPERM);
		CHECK_EQ(c, c->os->mtx_destroy(c->os->cookie, p.m), EBUSY);
		CHECK(c, !kowned(c, p.m));
		holder_stop(c, &h);
	}
	kenter(c, p.m);			/* still a working mutex */
	CHECK(c, kowned(c, p.m));
	kexit(c, p.m);
	kdestroy(c, p.m);
}

static void
t_mtx_other_thread(void **state)
{

	contract_exec(state, body_mtx_other_thread);
}

static void
body_mtx_errors(struct contract *c)
{
	struct ktrq_os *os = c->os;
	struct ktrq_os_mtx *m;

	if (kinit(c, &m, "contract.m") != 0)
		return;
	CHECK_EQ(c, os->mtx_exit(os->cookie, m), EPERM);	/* unheld */

	kenter(c, m);
	CHECK_EQ(c, os->mtx_enter(os->cookie, m), EDEADLK);
	CHECK(c, kowned(c, m));
	kexit(c, m);			/* one exit undoes the one enter */
	CHECK(c, !kowned(c, m));
	CHECK_EQ(c, os->mtx_exit(os->cookie, m), EPERM);

	kenter(c, m);
	CHECK_EQ(c, os->mtx_destroy(os->cookie, m), EBUSY);
	CHECK(c, kowned(c, m));
	kexit(c, m);
	kenter(c, m);			/* nothing was destroyed */
	kexit(c, m);
	kdestroy(c, m);
}

static void
t_mtx_errors(void **state)
{

	contract_exec(state, body_mtx_errors);
}

static void
nop_main(void *arg)
{

	(void)arg;
}

static void
body_null_args(struct contract *c)
{
	struct ktrq_os *os = c->os;
	void *ck = os->cookie;
	struct ktrq_os_thread *t;
	struct ktrq_os_mtx *m;
	char buf[8];
	int chan;

	CHECK_EQ(c, os->mtx_init(ck, NULL, "contract.m"), EINVAL);
	CHECK_EQ(c, os->mtx_init(ck, &m, NULL), EINVAL);
	CHECK_EQ(c, os->mtx_destroy(ck, NULL), EINVAL);
	CHECK_EQ(c, os->mtx_enter(ck, NULL), EINVAL);
	CHECK_EQ(c, os->mtx_exit(ck, NULL), EINVAL);
	CHECK_EQ(c, os->mtx_owned(ck, NULL), 0);

	if (kinit(c, &m, "contract.m") != 0)
		return;
	kenter(c, m);
	/* A timeout, so a backend that slept anyway fails instead of hangs. */
	CHECK_EQ(c, os->msleep(ck, NULL, m, "null", MS), EINVAL);
	CHECK(c, kowned(c, m));
	CHECK_EQ(c, os->msleep(ck, &chan, NULL, "null", MS), EINVAL);
	CHECK(c, kowned(c, m));
	kexit(c, m);
	kdestroy(c, m);

	CHECK_EQ(c, os->thread_create(ck, NULL, "n", nop_main, NULL), EINVAL);
	CHECK_EQ(c, os->thread_create(ck, &t, NULL, nop_main, NULL), EINVAL);
	CHECK_EQ(c, os->thread_create(ck, &t, "n", NULL, NULL), EINVAL);
	CHECK_EQ(c, os->thread_join(ck, NULL), EINVAL);
	CHECK_EQ(c, os->thread_name(ck, NULL, sizeof(buf)), EINVAL);
}

static void
t_null_args(void **state)
{

	contract_exec(state, body_null_args);
}

/*
 * c. msleep refuses an interlock the caller does not hold, whoever else
 * holds it, and leaves it alone.
 */

static void
body_msleep_unheld(struct contract *c)
{
	struct ktrq_os_mtx *m, *other;
	struct holder h;
	int chan;

	if (kinit(c, &m, "contract.m") != 0)
		return;
	if (kinit(c, &other, "contract.other") != 0) {
		kdestroy(c, m);
		return;
	}
	/* A backend that slept anyway would return EWOULDBLOCK, not hang. */
	CHECK_EQ(c, ksleep(c, &chan, m, 50 * MS), EPERM);
	CHECK(c, !kowned(c, m));

	kenter(c, other);		/* holding some other mutex is not it */
	CHECK_EQ(c, ksleep(c, &chan, m, 50 * MS), EPERM);
	CHECK(c, !kowned(c, m));
	CHECK(c, kowned(c, other));
	kexit(c, other);

	if (holder_start(c, &h, m) == 0) {
		CHECK_EQ(c, ksleep(c, &chan, m, 50 * MS), EPERM);
		CHECK(c, !kowned(c, m));
		holder_stop(c, &h);
	}
	kdestroy(c, m);
	kdestroy(c, other);
}

static void
t_msleep_unheld(void **state)
{

	contract_exec(state, body_msleep_unheld);
}

/*
 * d. A wakeup issued after the sleeper went to sleep wakes it, both from
 * under the interlock and after a predicate change made under it, and
 * whatever the timeout (UINT64_MAX must not overflow into "already past").
 */
struct wake_after {
	struct contract		*c;
	struct ktrq_os_mtx	*m;
	int			 asleep;
	int			 go;
	int			 returns;
};

static void
wake_after_main(void *arg)
{
	struct wake_after *s = arg;
	struct contract *c = s->c;
	static const uint64_t timeouts[3] = { 0, UINT64_MAX, 3600000 * MS };
	int round;

	kenter(c, s->m);
	for (round = 1; round <= 3; round++) {
		/* Announced under the interlock msleep is about to drop. */
		kbump(c, &s->asleep);
		while (s->go < round) {
			CHECK_EQ(c, ksleep(c, &s->go, s->m,
			    timeouts[round - 1]), 0);
			s->returns++;
		}
		CHECK(c, kowned(c, s->m));
	}
	kexit(c, s->m);
}

/*
 * With the sleeper known to be asleep, give it time to wake on its own
 * (a timeout computed wrongly) before the wakeup; main sleeps with the
 * interlock released, so the sleeper could run.
 */
static void
settle(struct contract *c, struct ktrq_os_mtx *m, const void *chan)
{
	int error;

	error = ksleep(c, chan, m, SETTLE_NS);
	CHECK(c, error == EWOULDBLOCK ||
	    (error == 0 && c->be->spurious_possible));
}

static void
body_wakeup_after_sleep(struct contract *c)
{
	struct ktrq_os_thread *t;
	struct wake_after s;
	int unrelated;

	memset(&s, 0, sizeof(s));
	s.c = c;
	if (kinit(c, &s.m, "contract.m") != 0)
		return;
	t = kspawn(c, "contract-sleeper", wake_after_main, &s);
	kenter(c, s.m);

	kwait_until(c, s.m, &s.asleep, 1);
	s.go = 1;
	kwakeup(c, &s.go);		/* interlock held */

	kwait_until(c, s.m, &s.asleep, 2);
	settle(c, s.m, &unrelated);
	s.go = 2;
	kexit(c, s.m);
	kwakeup(c, &s.go);		/* predicate changed under it */

	kenter(c, s.m);
	kwait_until(c, s.m, &s.asleep, 3);
	settle(c, s.m, &unrelated);
	s.go = 3;
	kwakeup_one(c, &s.go);
	kexit(c, s.m);

	kjoin(c, t);
	if (!c->be->spurious_possible)
		CHECK_EQ(c, s.returns, 3);
	kdestroy(c, s.m);
}

static void
t_wakeup_after_sleep(void **state)
{

	contract_exec(state, body_wakeup_after_sleep);
}

/*
 * e. A wakeup nobody was sleeping for is forgotten.
 */

static void
body_wakeup_forgotten(struct contract *c)
{
	struct ktrq_os_mtx *m;
	int chan;

	if (kinit(c, &m, "contract.m") != 0)
		return;
	kwakeup(c, &chan);
	kwakeup_one(c, &chan);
	kenter(c, m);
	kwakeup(c, &chan);		/* even with the interlock held */
	kwakeup_one(c, &chan);
	CHECK_EQ(c, ksleep_timeout(c, &chan, m, 20 * MS), EWOULDBLOCK);
	CHECK(c, kowned(c, m));
	kexit(c, m);
	kdestroy(c, m);
}

static void
t_wakeup_forgotten(void **state)
{

	contract_exec(state, body_wakeup_forgotten);
}

/*
 * A wakeup on any other channel, however close its address, does not
 * wake a sleeper.  The sleeper's timeout only ends the test; the wakeups
 * are all issued while it is known to be asleep.
 */
#define	NCHANS	256

struct other_chan {
	struct contract		*c;
	struct ktrq_os_mtx	*m;
	int			 asleep;
	int			 result;
	char			 chans[NCHANS];
};

static void
other_chan_main(void *arg)
{
	struct other_chan *s = arg;
	struct contract *c = s->c;

	kenter(c, s->m);
	kbump(c, &s->asleep);
	s->result = ksleep_timeout(c, &s->chans[0], s->m, 50 * MS);
	CHECK(c, kowned(c, s->m));
	kexit(c, s->m);
}

static void
body_wakeup_other_chan(struct contract *c)
{
	struct ktrq_os_thread *t;
	struct other_chan *s;
	int i;

	/* Heap, not stack: the channels' addresses should look like data. */
	if ((s = c->os->alloc(c->os->cookie, sizeof(*s))) == NULL) {
		CHECK(c, s != NULL);
		return;
	}
	memset(s, 0, sizeof(*s));
	s->c = c;
	if (kinit(c, &s->m, "contract.m") == 0) {
		t = kspawn(c, "contract-sleeper", other_chan_main, s);
		kenter(c, s->m);
		kwait_until(c, s->m, &s->asleep, 1);
		for (i = 1; i < NCHANS; i++) {
			kwakeup(c, &s->chans[i]);
			kwakeup_one(c, &s->chans[i]);
		}
		kexit(c, s->m);
		kjoin(c, t);
		CHECK_EQ(c, s->result, EWOULDBLOCK);
		kdestroy(c, s->m);
	}
	c->os->free(c->os->cookie, s, sizeof(*s));
}

static void
t_wakeup_other_chan(void **state)
{

	contract_exec(state, body_wakeup_other_chan);
}

/*
 * f. A timeout ends the sleep no earlier than asked, with the interlock
 * held again.
 */

static void
body_msleep_timeout(struct contract *c)
{
	static const uint64_t timeouts[] = { 1, MS, 10 * MS };
	struct ktrq_os_mtx *m;
	uint64_t t0, t1;
	size_t i;
	int chan;

	if (kinit(c, &m, "contract.m") != 0)
		return;
	kenter(c, m);
	for (i = 0; i < sizeof(timeouts) / sizeof(timeouts[0]); i++) {
		t0 = kclock(c);
		CHECK_EQ(c, ksleep_timeout(c, &chan, m, timeouts[i]),
		    EWOULDBLOCK);
		t1 = kclock(c);
		CHECK(c, kowned(c, m));
		CHECK(c, t1 >= t0 && t1 - t0 >= timeouts[i]);
	}
	kexit(c, m);
	kdestroy(c, m);
}

static void
t_msleep_timeout(void **state)
{

	contract_exec(state, body_msleep_timeout);
}

/*
 * g. wakeup_one wakes one sleeper of several.  Tokens make the count
 * exact whatever the backend: one token per wakeup_one, so exactly k have
 * passed after k rounds.  A backend without spurious returns must also
 * have made exactly k msleep calls return; each round main sleeps a while
 * on an unrelated channel, with the interlock released, so that a sleeper
 * wrongly woken as well gets to run and count its return.  That sleep
 * cannot make a correct backend fail, and in virtual time it lets every
 * runnable thread run first.
 */
struct wake_one {
	struct contract		*c;
	struct ktrq_os_mtx	*m;
	int			 nasleep;
	int			 tokens;
	int			 woke;
	int			 returns;
	int			 unrelated;	/* a channel nobody wakes */
};

static void
wake_one_main(void *arg)
{
	struct wake_one *s = arg;
	struct contract *c = s->c;

	kenter(c, s->m);
	kbump(c, &s->nasleep);
	while (s->tokens == 0) {
		CHECK_EQ(c, ksleep(c, &s->tokens, s->m, 0), 0);
		s->returns++;
	}
	s->tokens--;
	kbump(c, &s->woke);
	kexit(c, s->m);
}

static void
body_wakeup_one(struct contract *c)
{
	struct ktrq_os_thread *t[NSLEEPERS];
	struct wake_one s;
	int i, k;

	memset(&s, 0, sizeof(s));
	s.c = c;
	if (kinit(c, &s.m, "contract.m") != 0)
		return;
	for (i = 0; i < NSLEEPERS; i++)
		t[i] = kspawn(c, "contract-sleeper", wake_one_main, &s);
	kenter(c, s.m);
	kwait_until(c, s.m, &s.nasleep, NSLEEPERS);
	for (k = 1; k <= NSLEEPERS; k++) {
		s.tokens = 1;
		kwakeup_one(c, &s.tokens);
		kwait_until(c, s.m, &s.woke, k);
		settle(c, s.m, &s.unrelated);
		CHECK_EQ(c, s.woke, k);
		CHECK_EQ(c, s.tokens, 0);
		if (!c->be->spurious_possible)
			CHECK_EQ(c, s.returns, k);
	}
	kexit(c, s.m);
	for (i = 0; i < NSLEEPERS; i++)
		kjoin(c, t[i]);
	kdestroy(c, s.m);
}

static void
t_wakeup_one(void **state)
{

	contract_exec(state, body_wakeup_one);
}

/*
 * h. One wakeup wakes every sleeper on the channel, whatever timeout
 * each gave.
 */
struct wake_all {
	struct contract		*c;
	struct ktrq_os_mtx	*m;
	int			 nasleep;
	int			 go;
	int			 done;
	int			 returns;
	int			 next;		/* hands out timeouts */
};

static void
wake_all_main(void *arg)
{
	static const uint64_t timeouts[NSLEEPERS] = { 0, UINT64_MAX,
	    3600000 * MS, 0 };
	struct wake_all *s = arg;
	struct contract *c = s->c;
	uint64_t timeout;

	kenter(c, s->m);
	timeout = timeouts[s->next++ % NSLEEPERS];
	kbump(c, &s->nasleep);
	while (!s->go) {
		CHECK_EQ(c, ksleep(c, &s->go, s->m, timeout), 0);
		s->returns++;
	}
	kbump(c, &s->done);
	kexit(c, s->m);
}

static void
body_wakeup_all(struct contract *c)
{
	struct ktrq_os_thread *t[NSLEEPERS];
	struct wake_all s;
	int i, unrelated;

	memset(&s, 0, sizeof(s));
	s.c = c;
	if (kinit(c, &s.m, "contract.m") != 0)
		return;
	for (i = 0; i < NSLEEPERS; i++)
		t[i] = kspawn(c, "contract-sleeper", wake_all_main, &s);
	kenter(c, s.m);
	kwait_until(c, s.m, &s.nasleep, NSLEEPERS);
	settle(c, s.m, &unrelated);
	s.go = 1;
	kwakeup(c, &s.go);
	kwait_until(c, s.m, &s.done, NSLEEPERS);
	if (!c->be->spurious_possible)
		CHECK_EQ(c, s.returns, NSLEEPERS);
	kexit(c, s.m);
	for (i = 0; i < NSLEEPERS; i++)
		kjoin(c, t[i]);
	kdestroy(c, s.m);
}

static void
t_wakeup_all(void **state)
{

	contract_exec(state, body_wakeup_all);
}

/*
 * i. Threads: names, identities, joins.
 */
#define	LONG_NAME	"contract-a-thread-name-longer-than-the-limit"

struct named {
	struct contract	*c;
	const char	*want;
	int		 finished;
};

static void
named_main(void *arg)
{
	struct named *n = arg;
	struct contract *c = n->c;
	char buf[KTRQ_OS_NAMELEN + 8], small[5];
	void *ck = c->os->cookie;
	size_t kept;

	kept = strlen(n->want);
	if (kept > KTRQ_OS_NAMELEN - 1)
		kept = KTRQ_OS_NAMELEN - 1;
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ(c, c->os->thread_name(ck, buf, sizeof(buf)), 0);
	CHECK(c, strncmp(buf, n->want, kept) == 0);
	CHECK_EQ(c, strlen(buf), kept);
	CHECK_EQ(c, c->os->thread_name(ck, small, sizeof(small)), 0);
	CHECK(c, strncmp(small, n->want, sizeof(small) - 1) == 0);
	CHECK_EQ(c, strlen(small), sizeof(small) - 1);
	CHECK_EQ(c, c->os->thread_name(ck, small, 1), 0);
	CHECK_EQ(c, small[0], '\0');
	n->finished = 1;
}

static void
body_thread_name(struct contract *c)
{
	static const char *const names[] = { "contract-named", LONG_NAME };
	struct named n;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		n.c = c;
		n.want = names[i];
		n.finished = 0;
		kjoin(c, kspawn(c, names[i], named_main, &n));
		CHECK(c, n.finished);	/* join waited for the return */
	}
}

static void
t_thread_name(void **state)
{

	contract_exec(state, body_thread_name);
}

/* All alive at once while their ids are compared: unique among the live. */
struct selves {
	struct contract		*c;
	struct ktrq_os_mtx	*m;
	uint64_t		 ids[NSLEEPERS];
	int			 next;
	int			 nready;
	int			 release;
};

static void
selves_main(void *arg)
{
	struct selves *s = arg;
	struct contract *c = s->c;
	uint64_t id;
	int i;

	id = c->os->thread_self(c->os->cookie);
	CHECK(c, id != 0);
	CHECK_EQ(c, c->os->thread_self(c->os->cookie), id);
	kenter(c, s->m);
	i = s->next++;
	s->ids[i] = id;
	kbump(c, &s->nready);
	kwait_until(c, s->m, &s->release, 1);
	CHECK_EQ(c, c->os->thread_self(c->os->cookie), id);
	kexit(c, s->m);
}

static void
body_thread_self(struct contract *c)
{
	struct ktrq_os_thread *t[NSLEEPERS];
	struct selves s;
	uint64_t self;
	int i, j;

	memset(&s, 0, sizeof(s));
	s.c = c;
	if (kinit(c, &s.m, "contract.m") != 0)
		return;
	self = c->os->thread_self(c->os->cookie);
	CHECK(c, self != 0);
	for (i = 0; i < NSLEEPERS; i++)
		t[i] = kspawn(c, "contract-self", selves_main, &s);
	kenter(c, s.m);
	kwait_until(c, s.m, &s.nready, NSLEEPERS);
	for (i = 0; i < NSLEEPERS; i++) {
		CHECK(c, s.ids[i] != self);
		for (j = i + 1; j < NSLEEPERS; j++)
			CHECK(c, s.ids[i] != s.ids[j]);
	}
	kbump(c, &s.release);
	kexit(c, s.m);
	for (i = 0; i < NSLEEPERS; i++)
		kjoin(c, t[i]);
	CHECK_EQ(c, c->os->thread_self(c->os->cookie), self);
	kdestroy(c, s.m);
}

static void
t_thread_self(void **state)
{

	contract_exec(state, body_thread_self);
}

/*
 * A thread cannot join itself; it can create and join a thread of its
 * own.  Its handle exists only once thread_create returned in the
 * creator, so it is handed over under a mutex.
 */
struct joiner {
	struct contract		*c;
	struct ktrq_os_mtx	*m;
	struct ktrq_os_thread	*handle;
	int			 published;
	int			 grandchild_ran;
};

static void
grandchild_main(void *arg)
{
	struct joiner *s = arg;

	s->grandchild_ran = 1;		/* read after the join */
}

static void
joiner_main(void *arg)
{
	struct joiner *s = arg;
	struct contract *c = s->c;
	struct ktrq_os_thread *me;

	kenter(c, s->m);
	kwait_until(c, s->m, &s->published, 1);
	me = s->handle;
	kexit(c, s->m);
	CHECK_EQ(c, c->os->thread_join(c->os->cookie, me), EDEADLK);

	kjoin(c, kspawn(c, "contract-grandchild", grandchild_main, s));
	CHECK(c, s->grandchild_ran);
}

static void
body_thread_join(struct contract *c)
{
	struct joiner s;

	memset(&s, 0, sizeof(s));
	s.c = c;
	if (kinit(c, &s.m, "contract.m") != 0)
		return;
	s.handle = kspawn(c, "contract-joiner", joiner_main, &s);
	kenter(c, s.m);
	kbump(c, &s.published);
	kexit(c, s.m);
	/* The EDEADLK attempt must have left the handle joinable. */
	kjoin(c, s.handle);
	kdestroy(c, s.m);
}

static void
t_thread_join(void **state)
{

	contract_exec(state, body_thread_join);
}

/*
 * j. Ping-pong: two threads hand a turn back and forth through one mutex
 * and two channels, one side waking with wakeup, the other with
 * wakeup_one.  Any lost wakeup hangs it; any broken exclusion or ordering
 * shows in the sequence each side sees.
 */
struct pingpong {
	struct contract		*c;
	struct ktrq_os_mtx	*m;
	int			 turn;
	int			 count;
	int			 chans[2];
	int			 next;
	int			 turns[2];
	int			 misordered[2];
	int			 spurious[2];
};

static void
pingpong_main(void *arg)
{
	struct pingpong *s = arg;
	struct contract *c = s->c;
	int i, me, error, bad;

	kenter(c, s->m);
	me = s->next++;
	bad = 0;
	for (i = 0; i < PINGPONG_ROUNDS; i++) {
		while (s->turn != me) {
			error = ksleep(c, &s->chans[me], s->m, 0);
			bad |= error != 0;
			/* Only this side ever gives the turn away. */
			if (s->turn != me)
				s->spurious[me]++;
		}
		if (s->count % 2 != me)
			s->misordered[me]++;
		s->count++;
		s->turns[me]++;
		s->turn = !me;
		if (me == 0)
			kwakeup(c, &s->chans[1]);
		else
			kwakeup_one(c, &s->chans[0]);
		if (i + 1 < PINGPONG_ROUNDS) {
			/* Let go between turns, as a real worker would. */
			kexit(c, s->m);
			kenter(c, s->m);
		}
	}
	kexit(c, s->m);
	CHECK_EQ(c, bad, 0);
}

static void
body_pingpong(struct contract *c)
{
	struct ktrq_os_thread *t[2];
	struct pingpong s;

	memset(&s, 0, sizeof(s));
	s.c = c;
	if (kinit(c, &s.m, "contract.pingpong") != 0)
		return;
	t[0] = kspawn(c, "contract-ping", pingpong_main, &s);
	t[1] = kspawn(c, "contract-pong", pingpong_main, &s);
	kjoin(c, t[0]);
	kjoin(c, t[1]);
	CHECK_EQ(c, s.count, 2 * PINGPONG_ROUNDS);
	CHECK_EQ(c, s.turns[0], PINGPONG_ROUNDS);
	CHECK_EQ(c, s.turns[1], PINGPONG_ROUNDS);
	CHECK_EQ(c, s.misordered[0] + s.misordered[1], 0);
	if (!c->be->spurious_possible)
		CHECK_EQ(c, s.spurious[0] + s.spurious[1], 0);
	kdestroy(c, s.m);
}

static void
t_pingpong(void **state)
{

	contract_exec(state, body_pingpong);
}

/*
 * k. Clock, memory, log.
 */
struct clock_pass {
	struct contract		*c;
	struct ktrq_os_mtx	*m;
	uint64_t		 t0;
	int			 published;
};

static void
clock_pass_main(void *arg)
{
	struct clock_pass *s = arg;
	struct contract *c = s->c;

	kenter(c, s->m);
	kwait_until(c, s->m, &s->published, 1);
	/* Read after main's read: never decreases for any caller. */
	CHECK(c, kclock(c) >= s->t0);
	kexit(c, s->m);
}

static void
body_clock(struct contract *c)
{
	struct ktrq_os_thread *t;
	struct clock_pass s;
	uint64_t prev, now;
	int backwards, i;

	backwards = 0;
	prev = kclock(c);
	for (i = 0; i < 1000; i++) {
		now = kclock(c);
		backwards += now < prev;
		prev = now;
	}
	CHECK_EQ(c, backwards, 0);

	memset(&s, 0, sizeof(s));
	s.c = c;
	if (kinit(c, &s.m, "contract.m") != 0)
		return;
	t = kspawn(c, "contract-clock", clock_pass_main, &s);
	kenter(c, s.m);
	s.t0 = kclock(c);
	kbump(c, &s.published);
	kexit(c, s.m);
	kjoin(c, t);
	kdestroy(c, s.m);
}

static void
t_clock(void **state)
{

	contract_exec(state, body_clock);
}

static void
body_alloc_log(struct contract *c)
{
	static const size_t sizes[] = { 1, 7, 64, 4096, 65536 };
	static const int levels[] = { KTRQ_LOG_ERR, KTRQ_LOG_WARNING,
	    KTRQ_LOG_INFO, KTRQ_LOG_DEBUG };
	struct ktrq_os *os = c->os;
	unsigned char *p;
	size_t i, j, bad;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p = os->alloc(os->cookie, sizes[i]);
		CHECK(c, p != NULL);
		if (p == NULL)
			continue;
		memset(p, 0xa5, sizes[i]);
		for (bad = 0, j = 0; j < sizes[i]; j++)
			bad += p[j] != 0xa5;
		CHECK_EQ(c, bad, 0);
		os->free(os->cookie, p, sizes[i]);
	}
	os->free(os->cookie, NULL, 0);
	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		os->log(os->cookie, levels[i],
		    "contract: a log line at each level (expected)");
}

static void
t_alloc_log(void **state)
{

	contract_exec(state, body_alloc_log);
}

/*
 * n. forked is 0 in the process that made the table, asked from the
 * backend's own threads as from others, and with a mutex held: the
 * consumer asks it at every call and must never be refused at home.
 */

static void
forked_main(void *arg)
{
	struct contract *c = arg;

	CHECK_EQ(c, c->os->forked(c->os->cookie), 0);
}

static void
body_forked(struct contract *c)
{
	struct ktrq_os_mtx *m;

	CHECK_EQ(c, c->os->forked(c->os->cookie), 0);
	kjoin(c, kspawn(c, "contract-forked", forked_main, c));
	if (kinit(c, &m, "contract.forked") != 0)
		return;
	kenter(c, m);
	CHECK_EQ(c, c->os->forked(c->os->cookie), 0);
	kexit(c, m);
	kdestroy(c, m);
}

static void
t_forked(void **state)
{

	contract_exec(state, body_forked);
}

/*
 * The suite.
 */

#define	CT(f, be)							\
	cmocka_unit_test_prestate_setup_teardown(f, contract_setup,	\
	    contract_teardown, (void *)(be))

int
contract_run(const struct contract_backend *be)
{
	char group[64];
	const struct CMUnitTest tests[] = {
		CT(t_table_check, be),
		CT(t_mtx_basic, be),
		CT(t_mtx_other_thread, be),
		CT(t_mtx_errors, be),
		CT(t_null_args, be),
		CT(t_msleep_unheld, be),
		CT(t_wakeup_after_sleep, be),
		CT(t_wakeup_forgotten, be),
		CT(t_wakeup_other_chan, be),
		CT(t_msleep_timeout, be),
		CT(t_wakeup_one, be),
		CT(t_wakeup_all, be),
		CT(t_thread_name, be),
		CT(t_thread_self, be),
		CT(t_thread_join, be),
		CT(t_pingpong, be),
		CT(t_clock, be),
		CT(t_alloc_log, be),
		CT(t_forked, be),
	};

	snprintf(group, sizeof(group), "os_contract[%s]", be->name);
	return (cmocka_run_group_tests_name(group, tests, NULL, NULL));
}
