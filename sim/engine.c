/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The simulation engine: threads, mutexes, sleep queues and virtual time
 * for one run, with a scheduling point at every layer call.
 *
 * Exactly one simulated thread runs at a time (s->cur).  A thread that
 * reaches a scheduling point sets its own state (runnable, or blocked on
 * a mutex, a channel or a join) and calls schedule(), which asks the
 * chooser whom to run and hands over through the vehicle.  When nobody
 * can run, virtual time jumps to the earliest sleep deadline; when no
 * deadline is pending either, every thread is stuck: a deadlock, reported
 * with what each thread waits on.
 *
 * Thread 1 is the caller of ktrq_sim__run.  The run ends when thread 1's
 * function has returned and every other thread has finished -- or on a
 * failure, which abandons the other threads and returns to thread 1
 * (through root_jmp when thread 1 was itself deep inside the code under
 * test).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_impl.h"

static void	run_cleanups(struct sim *);

#define	MTX_MAGIC	0x73696d6dU	/* "simm" */

/* ---- reporting ---- */

void
ktrq_sim__trace(struct sim *s, enum sim_ev ev, struct sim_thread *t,
    const char *what)
{

	if (s->tracer != NULL)
		s->tracer(s->tracer_arg, ev, t != NULL ? t->id : 0, s->steps,
		    s->vclock, what);
}

void
ktrq_sim__describe_thread(struct sim *s, const struct sim_thread *t, char *buf,
    size_t len)
{
	const struct sim_thread *o;

	(void)s;
	switch (t->state) {
	case TS_MTX:
		o = t->wait_mtx->owner;
		snprintf(buf, len, "thread %d \"%s\": waits for mutex \"%s\" "
		    "held by thread %d \"%s\"", t->id, t->name,
		    t->wait_mtx->name, o != NULL ? o->id : 0,
		    o != NULL ? o->name : "(nobody)");
		break;
	case TS_SLEEP:
		/* Named by first use: addresses differ per run. */
		snprintf(buf, len, "thread %d \"%s\": sleeps on channel #%zu "
		    "(\"%s\")%s", t->id, t->name, t->chix,
		    t->wmesg != NULL ? t->wmesg : "", t->deadline != 0 ?
		    " with a timeout" : "");
		break;
	case TS_JOIN:
		snprintf(buf, len, "thread %d \"%s\": joins thread %d \"%s\"",
		    t->id, t->name, t->join_target->id, t->join_target->name);
		break;
	case TS_END:
		snprintf(buf, len, "thread %d \"%s\": finished, waits for the "
		    "others", t->id, t->name);
		break;
	case TS_RUNNABLE:
		snprintf(buf, len, "thread %d \"%s\": runnable", t->id,
		    t->name);
		break;
	case TS_DONE:
		snprintf(buf, len, "thread %d \"%s\": done", t->id, t->name);
		break;
	}
}

static void
deadlock_message(struct sim *s)
{
	char line[256];
	size_t n;
	int i;

	n = (size_t)snprintf(s->message, sizeof(s->message),
	    "deadlock at step %" PRIu64 ": every thread is blocked and no "
	    "timer is pending\n", s->steps);
	for (i = 1; i <= s->nthreads && n < sizeof(s->message); i++) {
		if (s->threads[i]->state == TS_DONE)
			continue;
		ktrq_sim__describe_thread(s, s->threads[i], line, sizeof(line));
		n += (size_t)snprintf(s->message + n, sizeof(s->message) - n,
		    "  %s\n", line);
	}
}

/* ---- scheduling ---- */

static int
collect_runnable(struct sim *s, int *ids)
{
	int i, n;

	for (n = 0, i = 1; i <= s->nthreads; i++)
		if (s->threads[i]->state == TS_RUNNABLE)
			ids[n++] = i;
	return (n);
}

static struct sim_thread *
earliest_timer(struct sim *s)
{
	struct sim_thread *t, *best;
	int i;

	best = NULL;
	for (i = 1; i <= s->nthreads; i++) {
		t = s->threads[i];
		if (t->state == TS_SLEEP && t->deadline != 0 &&
		    (best == NULL || t->deadline < best->deadline))
			best = t;
	}
	return (best);
}

/* t leaves its sleep (woken, timed out, spurious): one sleeper fewer. */
static void
unsleep(struct sim *s, struct sim_thread *t)
{

	t->state = TS_RUNNABLE;
	s->chan[t->chix].sleepers--;
}

/* Move virtual time to the earliest deadline and expire what is due. */
static void
advance_clock(struct sim *s)
{
	struct sim_thread *t;
	int i;

	if ((t = earliest_timer(s)) == NULL)
		return;
	if (t->deadline > s->vclock)
		s->vclock = t->deadline;
	for (i = 1; i <= s->nthreads; i++) {
		t = s->threads[i];
		if (t->state == TS_SLEEP && t->deadline != 0 &&
		    t->deadline <= s->vclock) {
			unsleep(s, t);
			s->chan[t->chix].timeouts++;
			t->timedout = 1;
			ktrq_sim__trace(s, SIM_EV_WAKE, t, "timeout");
		}
	}
}

static void
maybe_spurious(struct sim *s)
{
	int *ids = s->ids;
	uint64_t i;
	int j, n;

	if (s->p.spurious_permille == 0)
		return;
	for (n = 0, j = 1; j <= s->nthreads; j++)
		if (s->threads[j]->state == TS_SLEEP)
			ids[n++] = j;
	if (n == 0 || !ktrq_sim__chance(s, SIM_CH_SPURIOUS, s->p.spurious_permille,
	    "spurious"))
		return;
	i = ktrq_sim__choose(s, SIM_CH_SPURIOUS_WHO, (uint64_t)n, "spurious");
	unsleep(s, s->threads[ids[i]]);
	s->chan[s->threads[ids[i]]->chix].spurious++;
	ktrq_sim__trace(s, SIM_EV_WAKE, s->threads[ids[i]], "spurious");
}

static void
maybe_early_timeout(struct sim *s)
{

	if (s->p.timeout_permille == 0 || earliest_timer(s) == NULL)
		return;
	if (ktrq_sim__chance(s, SIM_CH_TIMEOUT, s->p.timeout_permille, "timeout"))
		advance_clock(s);
}

/* Nobody can run: the run is over (all done) or stuck. */
static void
no_runnable(struct sim *s)
{
	int i;

	for (i = 2; i <= s->nthreads; i++)
		if (s->threads[i]->state != TS_DONE)
			break;
	if (i > s->nthreads && s->threads[1]->state == TS_END) {
		s->status = SIM_OK;
		s->aborting = 1;	/* nothing left; return to thread 1 */
	} else {
		deadlock_message(s);
		s->status = SIM_DEADLOCK;
		s->aborting = 1;
	}
}

/* Choose the next thread, or NULL when the run is over. */
static struct sim_thread *
pick_next(struct sim *s)
{
	int *ids = s->ids;	/* maybe_spurious is done with it first */
	uint64_t i;
	int n;

	for (;;) {
		if (++s->steps > s->p.max_steps)
			ktrq_sim__abort(s, SIM_STEP_LIMIT, "step limit reached: "
			    "a livelock, or raise --max-steps");
		maybe_spurious(s);
		maybe_early_timeout(s);
		if ((n = collect_runnable(s, ids)) > 0)
			break;
		if (earliest_timer(s) != NULL) {
			advance_clock(s);
			continue;
		}
		no_runnable(s);
		return (NULL);
	}
	if (n == 1)
		return (s->threads[ids[0]]);
	if (s->replay != NULL || s->p.choice_bytes != NULL)
		i = ktrq_sim__choose(s, SIM_CH_RUN, (uint64_t)n, "run");
	else {
		i = s->strat->pick(s->strat_state, ids, (uint64_t)n,
		    s->cur->id, s->steps);
		i = ktrq_sim__record(s, SIM_CH_RUN, (uint64_t)n, i, "run");
	}
	return (s->threads[ids[i]]);
}

/* Leave the current thread if the run is being torn down. */
static void
check_abort(struct sim *s, struct sim_thread *me)
{

	if (!s->aborting)
		return;
	if (me->id != 1)
		s->v->die(s, me);
	if (me->state != TS_END)
		longjmp(s->root_jmp, 1);
}

/* The heart: `me` (s->cur) has set its state; run whoever is next. */
static void
schedule(struct sim *s)
{
	struct sim_thread *me = s->cur, *next;

	next = pick_next(s);
	if (next == NULL)
		next = s->threads[1];
	if (next != me) {
		s->cur = next;
		ktrq_sim__trace(s, SIM_EV_RUN, next, NULL);
		if (me->state == TS_DONE) {
			/* `next` runs now: an exiting thread touches nothing. */
			s->v->switch_to(s, me, next, 1);
			return;
		}
		s->v->switch_to(s, me, next, 0);
	}
	check_abort(s, me);
}

void
ktrq_sim__resched(struct sim *s)
{

	s->cur->state = TS_RUNNABLE;
	schedule(s);
}

void
ktrq_sim__yield(struct sim *s)
{

	ktrq_sim__resched(s);
}

void
ktrq_sim__abort(struct sim *s, enum sim_status st, const char *msg)
{
	struct sim_thread *me = s->cur;

	if (!s->aborting) {
		s->status = st;
		snprintf(s->message, sizeof(s->message), "%s", msg);
		s->aborting = 1;
	}
	if (me->id == 1)
		longjmp(s->root_jmp, 1);
	s->cur = s->threads[1];
	s->v->switch_to(s, me, s->threads[1], 0);
	s->v->die(s, me);
}

void
ktrq_sim__fail(struct sim *s, const char *msg)
{
	char buf[sizeof(s->message)];

	snprintf(buf, sizeof(buf), "violation at step %" PRIu64
	    " in thread %d \"%s\": %s", s->steps, s->cur->id, s->cur->name,
	    msg);
	ktrq_sim__abort(s, SIM_VIOLATION, buf);
}

/* ---- threads ---- */

/*
 * Room for one more thread: the tables double.  Each array is replaced
 * as soon as it has grown, so a failure half-way leaves every table
 * valid (some merely larger than cap).
 */
static int
threads_grow(struct sim *s)
{
	struct sim_thread **th, **sl;
	int *ids, ncap;

	if (s->nthreads < s->cap)
		return (0);
	if (s->cap >= INT_MAX / 4)
		return (ENOMEM);
	ncap = s->cap != 0 ? s->cap * 2 : 16;
	if ((th = realloc(s->threads, ((size_t)ncap + 1) * sizeof(*th))) ==
	    NULL)
		return (ENOMEM);
	s->threads = th;
	if ((ids = realloc(s->ids, (size_t)ncap * sizeof(*ids))) == NULL)
		return (ENOMEM);
	s->ids = ids;
	if ((sl = realloc(s->sl, (size_t)ncap * sizeof(*sl))) == NULL)
		return (ENOMEM);
	s->sl = sl;
	s->cap = ncap;
	return (0);
}

static struct sim_thread *
thread_new(struct sim *s, const char *name, void (*fn)(void *), void *arg)
{
	struct sim_thread *t;

	if (threads_grow(s) != 0 || (t = calloc(1, sizeof(*t))) == NULL)
		return (NULL);
	if (s->strat->thread_new != NULL &&
	    s->strat->thread_new(s->strat_state, s->nthreads + 1) != 0) {
		free(t);
		return (NULL);
	}
	t->s = s;
	t->id = ++s->nthreads;
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->state = TS_RUNNABLE;
	t->fn = fn;
	t->arg = arg;
	s->threads[t->id] = t;
	return (t);
}

/* First code a new simulated thread runs, on its vehicle. */
void
ktrq_sim__thread_main(struct sim_thread *t)
{
	struct sim *s = t->s;
	struct sim_thread *j;
	int i;

	check_abort(s, t);
	ktrq_sim__trace(s, SIM_EV_THREAD_START, t, t->name);
	t->fn(t->arg);
	ktrq_sim__trace(s, SIM_EV_THREAD_EXIT, t, t->name);
	t->state = TS_DONE;
	for (i = 1; i <= s->nthreads; i++) {
		j = s->threads[i];
		if (j->state == TS_JOIN && j->join_target == t)
			j->state = TS_RUNNABLE;
	}
	schedule(s);		/* hands over for good */
}

static int
sim_thread_create(void *cookie, struct ktrq_os_thread **tp, const char *name,
    void (*fn)(void *), void *arg)
{
	struct sim *s = cookie;
	struct sim_thread *t;

	if (tp == NULL || name == NULL || fn == NULL)
		return (EINVAL);
	if ((t = thread_new(s, name, fn, arg)) == NULL)
		return (EAGAIN);
	if (s->v->start(s, t) != 0) {
		ktrq_sim__abort(s, SIM_PANIC, "vehicle could not start a thread");
	}
	*tp = (struct ktrq_os_thread *)t;
	ktrq_sim__resched(s);
	return (0);
}

static int
sim_thread_join(void *cookie, struct ktrq_os_thread *ot)
{
	struct sim *s = cookie;
	struct sim_thread *t = (struct sim_thread *)ot;

	if (t == NULL || t->s != s || t->joined)
		return (EINVAL);
	if (t == s->cur)
		return (EDEADLK);
	while (t->state != TS_DONE) {
		s->cur->state = TS_JOIN;
		s->cur->join_target = t;
		schedule(s);
	}
	t->joined = 1;
	s->v->reap(s, t);
	ktrq_sim__resched(s);
	return (0);
}

static uint64_t
sim_thread_self(void *cookie)
{
	struct sim *s = cookie;

	return (s->cur != NULL ? (uint64_t)s->cur->id : 0);
}

static int
sim_thread_name(void *cookie, char *buf, size_t len)
{
	struct sim *s = cookie;

	if (buf == NULL || len == 0)
		return (EINVAL);
	snprintf(buf, len, "%s", s->cur->name);
	return (0);
}

/* ---- mutexes ---- */

static int
sim_mtx_init(void *cookie, struct ktrq_os_mtx **mp, const char *name)
{
	struct sim *s = cookie;
	struct ktrq_os_mtx *m;

	if (mp == NULL || name == NULL)
		return (EINVAL);
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return (ENOMEM);
	m->magic = MTX_MAGIC;
	m->name = name;
	if ((m->next = s->mutexes) != NULL)
		m->next->prev = m;
	s->mutexes = m;
	*mp = m;
	return (0);
}

static int
sim_mtx_destroy(void *cookie, struct ktrq_os_mtx *m)
{
	struct sim *s = cookie;

	if (m == NULL || m->magic != MTX_MAGIC)
		return (EINVAL);
	if (m->owner != NULL)
		return (EBUSY);
	if (m->next != NULL)
		m->next->prev = m->prev;
	if (m->prev != NULL)
		m->prev->next = m->next;
	else
		s->mutexes = m->next;
	m->magic = 0;
	free(m);
	return (0);
}

/* Take m, blocking while another thread holds it (no scheduling first). */
static void
mtx_acquire(struct sim *s, struct ktrq_os_mtx *m)
{

	while (m->owner != NULL) {
		s->cur->state = TS_MTX;
		s->cur->wait_mtx = m;
		schedule(s);
	}
	s->cur->wait_mtx = NULL;
	m->owner = s->cur;
	ktrq_sim__trace(s, SIM_EV_LOCK, s->cur, m->name);
}

static void
mtx_release(struct sim *s, struct ktrq_os_mtx *m)
{
	struct sim_thread *t;
	int i;

	m->owner = NULL;
	ktrq_sim__trace(s, SIM_EV_UNLOCK, s->cur, m->name);
	for (i = 1; i <= s->nthreads; i++) {
		t = s->threads[i];
		if (t->state == TS_MTX && t->wait_mtx == m)
			t->state = TS_RUNNABLE;
	}
}

static int
sim_mtx_enter(void *cookie, struct ktrq_os_mtx *m)
{
	struct sim *s = cookie;

	if (m == NULL || m->magic != MTX_MAGIC)
		return (EINVAL);
	if (m->owner == s->cur)
		return (EDEADLK);
	ktrq_sim__resched(s);
	mtx_acquire(s, m);
	return (0);
}

static int
sim_mtx_exit(void *cookie, struct ktrq_os_mtx *m)
{
	struct sim *s = cookie;

	if (m == NULL || m->magic != MTX_MAGIC)
		return (EINVAL);
	if (m->owner != s->cur)
		return (EPERM);
	mtx_release(s, m);
	ktrq_sim__resched(s);
	return (0);
}

static int
sim_mtx_owned(void *cookie, const struct ktrq_os_mtx *m)
{
	struct sim *s = cookie;

	return (m != NULL && s->cur != NULL && m->owner == s->cur);
}

/* ---- sleep and wakeup ---- */

static int
sim_msleep(void *cookie, const void *chan, struct ktrq_os_mtx *m,
    const char *wmesg, uint64_t timeout_ns)
{
	struct sim *s = cookie;
	struct sim_thread *me = s->cur;
	struct ktrq_sim__chan *c;

	if (chan == NULL || m == NULL || m->magic != MTX_MAGIC)
		return (EINVAL);
	if (m->owner != me)
		return (EPERM);
	c = ktrq_sim__chan_stat(s, chan);
	if (c->sleeps++ == 0 && wmesg != NULL)
		snprintf(c->wmesg, sizeof(c->wmesg), "%s", wmesg);
	if (++c->sleepers > c->max_sleepers)
		c->max_sleepers = c->sleepers;
	me->chix = (size_t)(c - s->chan);
	/* One thread runs: releasing and sleeping are one atomic step. */
	mtx_release(s, m);
	me->chan = chan;
	me->wmesg = wmesg;
	me->deadline = timeout_ns == 0 ? 0 : s->vclock + timeout_ns;
	if (me->deadline != 0 && me->deadline < s->vclock)
		me->deadline = UINT64_MAX;	/* overflow: "forever" */
	me->sleep_seq = ++s->sleep_seq;
	me->woken = me->timedout = 0;
	me->state = TS_SLEEP;
	ktrq_sim__trace(s, SIM_EV_SLEEP, me, wmesg);
	schedule(s);
	me->chan = NULL;
	mtx_acquire(s, m);
	return (me->timedout && !me->woken ? EWOULDBLOCK : 0);
}

static int
sleepers_on(struct sim *s, const void *chan, struct sim_thread **out)
{
	struct sim_thread *t;
	int i, j, n;

	for (n = 0, i = 1; i <= s->nthreads; i++) {
		t = s->threads[i];
		if (t->state != TS_SLEEP || t->chan != chan)
			continue;
		/* Keep FIFO (sleep order), so choice indexes are stable. */
		for (j = n++; j > 0 && out[j - 1]->sleep_seq > t->sleep_seq;
		    j--)
			out[j] = out[j - 1];
		out[j] = t;
	}
	return (n);
}

static void
wake(struct sim *s, struct sim_thread *t)
{

	unsleep(s, t);
	s->chan[t->chix].woken++;
	t->woken = 1;
	ktrq_sim__trace(s, SIM_EV_WAKE, t, t->wmesg);
}

static void
sim_wakeup(void *cookie, const void *chan)
{
	struct sim *s = cookie;
	struct sim_thread **sl = s->sl;
	struct ktrq_sim__chan *c;
	int i, n;

	if (chan == NULL)
		return;
	c = ktrq_sim__chan_stat(s, chan);
	c->wakeups++;
	n = sleepers_on(s, chan, sl);
	if ((uint32_t)n > c->max_woken)
		c->max_woken = (uint32_t)n;
	for (i = 0; i < n; i++)
		wake(s, sl[i]);
	ktrq_sim__resched(s);
}

static void
sim_wakeup_one(void *cookie, const void *chan)
{
	struct sim *s = cookie;
	struct sim_thread **sl = s->sl;
	struct ktrq_sim__chan *c;
	uint64_t i;
	int n;

	if (chan == NULL)
		return;
	c = ktrq_sim__chan_stat(s, chan);
	c->wakeup_ones++;
	if ((n = sleepers_on(s, chan, sl)) > 0) {
		if ((uint32_t)n > c->max_wake_one)
			c->max_wake_one = (uint32_t)n;
		if (c->max_woken < 1)
			c->max_woken = 1;
		i = ktrq_sim__choose(s, SIM_CH_WAKE_ONE, (uint64_t)n, "wakeup_one");
		wake(s, sl[i]);
	}
	ktrq_sim__resched(s);
}

/* ---- time, memory, messages ---- */

static uint64_t
sim_clock_ns(void *cookie)
{
	struct sim *s = cookie;

	ktrq_sim__resched(s);
	return (s->vclock);
}

static void
sim_log(void *cookie, int level, const char *msg)
{
	struct sim *s = cookie;

	(void)level;
	ktrq_sim__trace(s, SIM_EV_MARK, s->cur, msg);
}

static void
sim_panic(void *cookie, const char *msg)
{
	struct sim *s = cookie;
	char buf[sizeof(s->message)];

	snprintf(buf, sizeof(buf), "panic at step %" PRIu64 " in thread %d "
	    "\"%s\": %s", s->steps, s->cur->id, s->cur->name, msg);
	ktrq_sim__abort(s, SIM_PANIC, buf);
}

/* The environment must not leak into a replayable run. */
static int
sim_tunable(void *cookie, const char *name, long long *valuep)
{

	(void)cookie;
	if (name == NULL || valuep == NULL)
		return (EINVAL);
	return (ENOENT);
}

/*
 * A simulated world lives inside one process and is never forked: its
 * threads are the engine's, whatever the host does.
 */
static int
sim_forked(void *cookie)
{

	(void)cookie;
	return (0);
}

/* ---- the run ---- */

static const struct ktrq_os sim_table = {
	.version = KTRQ_OS_VERSION,
	.name = "sim",
	.mtx_init = sim_mtx_init,
	.mtx_destroy = sim_mtx_destroy,
	.mtx_enter = sim_mtx_enter,
	.mtx_exit = sim_mtx_exit,
	.mtx_owned = sim_mtx_owned,
	.msleep = sim_msleep,
	.wakeup = sim_wakeup,
	.wakeup_one = sim_wakeup_one,
	.thread_create = sim_thread_create,
	.thread_join = sim_thread_join,
	.thread_self = sim_thread_self,
	.thread_name = sim_thread_name,
	.clock_ns = sim_clock_ns,
	.alloc = ktrq_sim__alloc,
	.free = ktrq_sim__free,
	.log = sim_log,
	.panic = sim_panic,
	.tunable = sim_tunable,
	.forked = sim_forked,
};

void
ktrq_sim__params_init(struct sim_params *p)
{

	memset(p, 0, sizeof(*p));
	p->strategy = SIM_STRAT_RANDOM;
	p->pct_depth = 3;
	p->vehicle = SIM_VEHICLE_PTHREAD;
	p->fault_enable_permille = 250;
	p->fault_fire_permille = 250;
	p->max_steps = 1000000;
}

int
ktrq_sim__create(const struct sim_params *p, const struct sim_schedule *replay,
    struct sim **sp)
{
	struct sim *s;

	if (p == NULL || sp == NULL || p->pct_depth < 1)
		return (EINVAL);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return (ENOMEM);
	s->os = sim_table;
	s->os.cookie = s;
	s->p = *p;
	s->rng = p->seed;
	s->replay = replay;
	memset(s->fault_on, -1, sizeof(s->fault_on));
	s->v = p->vehicle == SIM_VEHICLE_FIBER ? &ktrq_sim__vehicle_fiber :
	    &ktrq_sim__vehicle_pthread;
	s->strat = ktrq_sim__strategy(p->strategy);
	if (ktrq_sim__schedule_init(&s->recorded) != 0 || s->v->init(s) != 0 ||
	    (s->strat_state = s->strat->create(p, &s->rng)) == NULL) {
		ktrq_sim__schedule_fini(&s->recorded);
		free(s);
		return (ENOMEM);
	}
	*sp = s;
	return (0);
}

void
ktrq_sim__destroy(struct sim *s)
{
	int i;

	if (s == NULL)
		return;
	run_cleanups(s);
	for (i = 2; i <= s->nthreads; i++)
		if (s->threads[i]->state == TS_DONE && !s->threads[i]->joined)
			s->v->reap(s, s->threads[i]);
	s->v->fini(s);
	for (i = 1; i <= s->nthreads; i++)
		free(s->threads[i]);
	free(s->threads);
	free(s->ids);
	free(s->sl);
	/* What a failed run's abandoned threads never gave back. */
	ktrq_sim__mem_fini(s);
	ktrq_sim__chan_fini(s);
	while (s->mutexes != NULL) {
		s->mutexes->owner = NULL;
		sim_mtx_destroy(s, s->mutexes);
	}
	s->strat->destroy(s->strat_state);
	while (s->nnfaults > 0)
		free(s->nfaults[--s->nnfaults].name);
	free(s->nfaults);
	ktrq_sim__schedule_fini(&s->recorded);
	free(s);
}

struct ktrq_os *
ktrq_sim__os(struct sim *s)
{

	return (&s->os);
}

struct sim *
ktrq_sim__of(const struct ktrq_os *os)
{

	if (os == NULL || os->mtx_init != sim_mtx_init)
		return (NULL);
	return (os->cookie);
}

/* After a failure: make every unfinished thread go away. */
static void
abandon_all(struct sim *s)
{
	struct sim_thread *t;
	int i;

	for (i = 2; i <= s->nthreads; i++) {
		t = s->threads[i];
		if (t->state != TS_DONE)
			s->v->abandon(s, t);
		else if (!t->joined) {
			s->v->reap(s, t);
			t->joined = 1;
		}
	}
}

/* What can only be judged once every thread is done. */
static void
end_checks(struct sim *s)
{
	char msg[sizeof(s->message) - 64];

	if (s->status != SIM_OK || !ktrq_sim__mem_verify(s, msg, sizeof(msg)))
		return;
	s->status = SIM_VIOLATION;
	snprintf(s->message, sizeof(s->message), "violation at the end of "
	    "the run (step %" PRIu64 "): %s", s->steps, msg);
}

enum sim_status
ktrq_sim__run(struct sim *s, void (*fn)(void *), void *arg)
{
	struct sim_thread *root;

	if (s->started)
		return (SIM_PANIC);
	s->started = 1;
	if ((root = thread_new(s, "main", fn, arg)) == NULL ||
	    s->v->adopt(s, root) != 0)
		return (SIM_PANIC);
	s->cur = root;
	if (setjmp(s->root_jmp) == 0) {
		ktrq_sim__trace(s, SIM_EV_THREAD_START, root, root->name);
		fn(arg);
		root->state = TS_END;
		while (!s->aborting)
			schedule(s);
	}
	s->cur = root;
	abandon_all(s);
	end_checks(s);
	if (s->status == SIM_OK && s->leak_check && s->alloc_live != 0) {
		s->status = SIM_VIOLATION;
		snprintf(s->message, sizeof(s->message), "leak: %" PRIu64
		    " bytes allocated through the layer were never freed by "
		    "the end of the run", s->alloc_live);
	}
	s->ended = 1;
	return (s->status);
}

void
ktrq_sim__result(const struct sim *s, struct ktrq_sim__result *r)
{

	memset(r, 0, sizeof(*r));
	r->status = s->status;
	r->steps = s->steps;
	r->decisions = s->recorded.n;
	r->vclock_ns = s->vclock;
	r->schedule_hash = s->hash;
	r->alloc_live = s->alloc_live;
	snprintf(r->message, sizeof(r->message), "%s", s->message);
}

void
ktrq_sim__report(const struct sim *s, FILE *f)
{

	fputs(s->message, f);
	if (s->message[0] != '\0' &&
	    s->message[strlen(s->message) - 1] != '\n')
		fputc('\n', f);
}

struct sim_schedule *
ktrq_sim__recorded(struct sim *s)
{

	return (&s->recorded);
}

void
ktrq_sim__set_tracer(struct sim *s, void (*fn)(void *, enum sim_ev, int, uint64_t,
    uint64_t, const char *), void *arg)
{

	s->tracer = fn;
	s->tracer_arg = arg;
}

void
ktrq_sim__mark(struct sim *s, const char *what)
{

	ktrq_sim__trace(s, SIM_EV_MARK, s->cur, what);
}

int
ktrq_sim__self(struct sim *s)
{

	return (s->cur != NULL ? s->cur->id : 0);
}

void
ktrq_sim__arm_faults(struct sim *s, int on)
{

	s->faults_armed = on;
}

struct sim_cleanup {
	struct sim_cleanup	*next;
	void			(*fn)(void *);
	void			*arg;
};

int
ktrq_sim__cleanup(struct sim *s, void (*fn)(void *), void *arg)
{
	struct sim_cleanup *c;

	if ((c = malloc(sizeof(*c))) == NULL)
		return (ENOMEM);
	c->fn = fn;
	c->arg = arg;
	c->next = s->cleanups;
	s->cleanups = c;
	return (0);
}

static void
run_cleanups(struct sim *s)
{
	struct sim_cleanup *c;

	s->cur = NULL;		/* no simulated thread runs a cleanup */
	while ((c = s->cleanups) != NULL) {
		s->cleanups = c->next;
		c->fn(c->arg);
		free(c);
	}
}

void
ktrq_sim__want_leak_check(struct sim *s)
{

	s->leak_check = 1;
}

uint64_t
ktrq_sim__alloc_live(const struct sim *s)
{

	return (s->alloc_live);
}

const struct sim_params *
ktrq_sim__params(const struct sim *s)
{

	return (&s->p);
}

uint64_t
ktrq_sim__steps(const struct sim *s)
{

	return (s->steps);
}

uint64_t
ktrq_sim__now(const struct sim *s)
{

	return (s->vclock);
}
