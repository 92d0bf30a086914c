/* SPDX-License-Identifier: BSD-2-Clause */
#define	_GNU_SOURCE	/* pthread_setname_np; must precede every include */
/*
 * The pthread backend of the platform layer: real concurrency.
 *
 * Mutexes are pthread mutexes with an owner field: the holder's id,
 * written by the holder alone (set after taking the lock, cleared before
 * letting it go) and read by anyone with relaxed atomics.  So
 * mtx_owned() is one load and a compare, and exact for the caller: only
 * the caller can have written its own id there.  A contended enter spins
 * a little before it sleeps in the kernel: the sections the core holds
 * are short, and on a small machine a futex sleep and its wakeup cost
 * tens of microseconds where the holder, running on another CPU, lets go
 * within a few hundred nanoseconds.
 *
 * Channel sleep follows FreeBSD's sleepqueue(9): a fixed hash of buckets,
 * each a pthread mutex and a FIFO of waiters.  A waiter enters its bucket
 * before it lets go of the interlock, so any wakeup issued after the
 * sleeper released the interlock finds it there: no lost wakeups.
 *
 * Locking: a bucket lock is taken with or without the interlock held and
 * is a leaf (nothing else is taken under it), so the order interlock ->
 * bucket is the only one.  Each waiter has its own condition variable,
 * signalled under the bucket lock, so the sleeper cannot destroy it while
 * it is in use.
 *
 * Per-instance state (the buckets) lives in struct pthread_os; the only
 * thread-local state is the calling thread's identity (its name; its id
 * is the address of that slot), a fact about the thread, not about any
 * instance.
 *
 * The one process-wide state is the fork generation: fork(2) copies
 * every table at once and keeps only the forking thread, so whether a
 * table's threads and locks exist is a fact about the process.  A child
 * handler registered with pthread_atfork(3) (once per process) advances
 * it; each table remembers the generation it was made in.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ktrq/os.h"
#include "queue.h"

#define	SLEEPQ_BUCKETS	64		/* power of two */
#define	MTX_MAGIC	0x6b74726dU	/* "ktrm" */
#define	MTX_DEAD	0xdeadbeefU

struct ktrq_os_mtx {
	unsigned		 magic;
	const char		*name;
	pthread_mutex_t		 lock;
	uint64_t		 owner;	/* self_id() of the holder, or 0 */
};

/*
 * Tries of a contended enter before it sleeps: each a CPU pause (30-45 ns
 * on the development VM) and a look at the owner, half a microsecond in
 * all -- the length of the core's sections.  Longer spins measured worse:
 * the spinner's looks slow the holder down, and with more threads than
 * CPUs the holder may not be running at all.
 */
#define	MTX_SPINS	16

struct ktrq_os_thread {
	pthread_t	 thread;
	void		(*fn)(void *);
	void		*arg;
	char		 name[KTRQ_OS_NAMELEN];
};

struct waiter {
	TAILQ_ENTRY(waiter)	 link;
	const void		*chan;
	pthread_cond_t		 cv;
	int			 woken;		/* guarded by the bucket lock */
};

struct bucket {
	pthread_mutex_t		 lock;
	TAILQ_HEAD(, waiter)	 waiters;
};

struct pthread_os {
	struct ktrq_os		 os;	/* first: a table is its backend */
	unsigned long		 forkgen;	/* fork_gen at creation */
	struct bucket		 buckets[SLEEPQ_BUCKETS];
};

/*
 * Forks this process descends through since it started.  Written only
 * by the child handler, which runs while the child has one thread, so
 * every later reader in the child comes after it (threads the child
 * starts included) and no reader in the parent ever sees it change.
 */
static unsigned long fork_gen;
static pthread_once_t fork_once = PTHREAD_ONCE_INIT;
static int fork_handler_error;

/* What the calling thread is: its id is the address of its own slot. */
static _Thread_local struct {
	char			 name[KTRQ_OS_NAMELEN];
} self;

static uint64_t
self_id(void)
{

	return ((uint64_t)(uintptr_t)&self);
}

static struct bucket *
bucket_of(struct pthread_os *po, const void *chan)
{
	uintptr_t h;

	h = (uintptr_t)chan;
	h ^= h >> 17;
	h *= 0x9e3779b1U;
	return (&po->buckets[(h >> 8) & (SLEEPQ_BUCKETS - 1)]);
}

static uint64_t
owner_of(const struct ktrq_os_mtx *m)
{

	return (__atomic_load_n(&m->owner, __ATOMIC_RELAXED));
}

static int
held_by_self(const struct ktrq_os_mtx *m)
{

	return (owner_of(m) == self_id());
}

static void
cpu_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

/* Take m->lock: spin briefly while it is held, then sleep for it. */
static void
lock_spin(struct ktrq_os_mtx *m)
{
	int i;

	for (i = 0; i < MTX_SPINS; i++) {
		if (owner_of(m) == 0 && pthread_mutex_trylock(&m->lock) == 0)
			return;
		cpu_pause();
	}
	pthread_mutex_lock(&m->lock);
}

static int
pos_mtx_init(void *cookie, struct ktrq_os_mtx **mp, const char *name)
{
	struct ktrq_os_mtx *m;

	(void)cookie;
	if (mp == NULL || name == NULL)
		return (EINVAL);
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return (ENOMEM);
	if (pthread_mutex_init(&m->lock, NULL) != 0) {
		free(m);
		return (ENOMEM);
	}
	m->magic = MTX_MAGIC;
	m->name = name;
	*mp = m;
	return (0);
}

static int
pos_mtx_destroy(void *cookie, struct ktrq_os_mtx *m)
{

	(void)cookie;
	if (m == NULL || m->magic != MTX_MAGIC)
		return (EINVAL);
	if (held_by_self(m) || pthread_mutex_trylock(&m->lock) != 0)
		return (EBUSY);
	pthread_mutex_unlock(&m->lock);
	pthread_mutex_destroy(&m->lock);
	m->magic = MTX_DEAD;
	free(m);
	return (0);
}

static int
pos_mtx_enter(void *cookie, struct ktrq_os_mtx *m)
{

	(void)cookie;
	if (m == NULL || m->magic != MTX_MAGIC)
		return (EINVAL);
	if (held_by_self(m))
		return (EDEADLK);
	if (pthread_mutex_trylock(&m->lock) != 0)
		lock_spin(m);
	__atomic_store_n(&m->owner, self_id(), __ATOMIC_RELAXED);
	return (0);
}

static int
pos_mtx_exit(void *cookie, struct ktrq_os_mtx *m)
{

	(void)cookie;
	if (m == NULL || m->magic != MTX_MAGIC)
		return (EINVAL);
	if (!held_by_self(m))
		return (EPERM);
	__atomic_store_n(&m->owner, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&m->lock);
	return (0);
}

static int
pos_mtx_owned(void *cookie, const struct ktrq_os_mtx *m)
{

	(void)cookie;
	return (m != NULL && held_by_self(m));
}

static void
deadline_after(struct timespec *ts, uint64_t ns)
{
	uint64_t sec;

	clock_gettime(CLOCK_MONOTONIC, ts);
	sec = ns / 1000000000U + (uint64_t)ts->tv_sec;
	ns = ns % 1000000000U + (uint64_t)ts->tv_nsec;
	if (ns >= 1000000000U) {
		sec++;
		ns -= 1000000000U;
	}
	ts->tv_sec = sec > (uint64_t)INT64_MAX ? INT64_MAX : (time_t)sec;
	ts->tv_nsec = (long)ns;
}

static int
waiter_init(struct waiter *w, const void *chan)
{
	pthread_condattr_t ca;
	int error;

	if ((error = pthread_condattr_init(&ca)) != 0)
		return (error);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	error = pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	w->chan = chan;
	w->woken = 0;
	return (error);
}

static int
pos_msleep(void *cookie, const void *chan, struct ktrq_os_mtx *interlock,
    const char *wmesg, uint64_t timeout_ns)
{
	struct pthread_os *po = cookie;
	struct timespec deadline;
	struct waiter w;
	struct bucket *b;
	int error;

	(void)wmesg;
	if (chan == NULL || interlock == NULL || interlock->magic != MTX_MAGIC)
		return (EINVAL);
	if (!held_by_self(interlock))
		return (EPERM);
	/* Cannot sleep: a spurious return; the caller's loop retries. */
	if (waiter_init(&w, chan) != 0)
		return (0);
	if (timeout_ns != 0)
		deadline_after(&deadline, timeout_ns);
	b = bucket_of(po, chan);
	pthread_mutex_lock(&b->lock);
	TAILQ_INSERT_TAIL(&b->waiters, &w, link);
	pos_mtx_exit(cookie, interlock);
	error = 0;
	while (!w.woken && error == 0) {
		if (timeout_ns == 0)
			error = pthread_cond_wait(&w.cv, &b->lock);
		else
			error = pthread_cond_timedwait(&w.cv, &b->lock,
			    &deadline);
	}
	/* A wakeup that raced the timeout wins: it dequeued us already. */
	if (!w.woken)
		TAILQ_REMOVE(&b->waiters, &w, link);
	error = w.woken || error != ETIMEDOUT ? 0 : EWOULDBLOCK;
	pthread_mutex_unlock(&b->lock);
	pthread_cond_destroy(&w.cv);
	pos_mtx_enter(cookie, interlock);
	return (error);
}

static void
wake(struct pthread_os *po, const void *chan, int all)
{
	struct waiter *w, *tw;
	struct bucket *b;

	if (chan == NULL)
		return;
	b = bucket_of(po, chan);
	pthread_mutex_lock(&b->lock);
	TAILQ_FOREACH_SAFE(w, &b->waiters, link, tw) {
		if (w->chan != chan)
			continue;
		TAILQ_REMOVE(&b->waiters, w, link);
		w->woken = 1;
		pthread_cond_signal(&w->cv);
		if (!all)
			break;
	}
	pthread_mutex_unlock(&b->lock);
}

static void
pos_wakeup(void *cookie, const void *chan)
{

	wake(cookie, chan, 1);
}

static void
pos_wakeup_one(void *cookie, const void *chan)
{

	wake(cookie, chan, 0);
}

/* Let gdb and top show the name too, where the host can (15 chars). */
static void
set_host_name(const char *name)
{
#ifdef __GLIBC__
	char short_name[16];

	strncpy(short_name, name, sizeof(short_name) - 1);
	short_name[sizeof(short_name) - 1] = '\0';
	pthread_setname_np(pthread_self(), short_name);
#else
	(void)name;
#endif
}

static void *
thread_trampoline(void *arg)
{
	struct ktrq_os_thread *t = arg;

	memcpy(self.name, t->name, sizeof(self.name));
	set_host_name(t->name);
	t->fn(t->arg);
	return (NULL);
}

static int
pos_thread_create(void *cookie, struct ktrq_os_thread **tp, const char *name,
    void (*fn)(void *), void *arg)
{
	struct ktrq_os_thread *t;
	int error;

	(void)cookie;
	if (tp == NULL || name == NULL || fn == NULL)
		return (EINVAL);
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return (ENOMEM);
	t->fn = fn;
	t->arg = arg;
	strncpy(t->name, name, sizeof(t->name) - 1);
	if ((error = pthread_create(&t->thread, NULL, thread_trampoline,
	    t)) != 0) {
		free(t);
		return (error == EAGAIN ? EAGAIN : ENOMEM);
	}
	*tp = t;
	return (0);
}

static int
pos_thread_join(void *cookie, struct ktrq_os_thread *t)
{

	(void)cookie;
	if (t == NULL)
		return (EINVAL);
	if (pthread_equal(t->thread, pthread_self()))
		return (EDEADLK);
	pthread_join(t->thread, NULL);
	free(t);
	return (0);
}

static uint64_t
pos_thread_self(void *cookie)
{

	(void)cookie;
	return (self_id());
}

static int
pos_thread_name(void *cookie, char *buf, size_t len)
{

	(void)cookie;
	if (buf == NULL || len == 0)
		return (EINVAL);
	strncpy(buf, self.name, len - 1);
	buf[len - 1] = '\0';
	return (0);
}

static uint64_t
pos_clock_ns(void *cookie)
{
	struct timespec ts;

	(void)cookie;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000U + (uint64_t)ts.tv_nsec);
}

static void *
pos_alloc(void *cookie, size_t size)
{

	(void)cookie;
	return (malloc(size != 0 ? size : 1));
}

static void
pos_free(void *cookie, void *p, size_t size)
{

	(void)cookie;
	(void)size;
	free(p);
}

static void
pos_log(void *cookie, int level, const char *msg)
{
	static const char *const names[8] = { "emerg", "alert", "crit",
	    "error", "warning", "notice", "info", "debug" };

	(void)cookie;
	fprintf(stderr, "ktrq: %s: %s\n",
	    level >= 0 && level < 8 ? names[level] : "log", msg);
}

static void
pos_panic(void *cookie, const char *msg)
{

	(void)cookie;
	fprintf(stderr, "ktrq: panic: %s\n", msg);
	abort();
}

static int
pos_tunable(void *cookie, const char *name, long long *valuep)
{
	const char *s;
	char *end;
	long long v;
	int error, saved;

	(void)cookie;
	if (name == NULL || valuep == NULL)
		return (EINVAL);
	if ((s = getenv(name)) == NULL)
		return (ENOENT);
	/*
	 * Digits with an optional '-', nothing else: no blanks and no '+'
	 * (strtoll would take "+7" as 7; a setting written so is a typo).
	 */
	if (s[*s == '-'] < '0' || s[*s == '-'] > '9')
		return (EINVAL);
	saved = errno;		/* the layer never sets errno */
	errno = 0;
	v = strtoll(s, &end, 10);
	error = errno != 0 || end == s || *end != '\0' ? EINVAL : 0;
	errno = saved;
	if (error == 0)
		*valuep = v;
	return (error);
}

static int
pos_forked(void *cookie)
{
	const struct pthread_os *po = cookie;

	return (po->forkgen != fork_gen);
}

static void
fork_child(void)
{

	fork_gen++;
}

static void
fork_register(void)
{

	fork_handler_error = pthread_atfork(NULL, NULL, fork_child);
}

int
ktrq_os_pth_create(struct ktrq_os **osp)
{
	struct pthread_os *po;
	int i;

	if (osp == NULL)
		return (EINVAL);
	/* Without the handler forked() could not tell: no table then. */
	if (pthread_once(&fork_once, fork_register) != 0 ||
	    fork_handler_error != 0)
		return (ENOMEM);
	if ((po = calloc(1, sizeof(*po))) == NULL)
		return (ENOMEM);
	po->forkgen = fork_gen;
	for (i = 0; i < SLEEPQ_BUCKETS; i++) {
		pthread_mutex_init(&po->buckets[i].lock, NULL);
		TAILQ_INIT(&po->buckets[i].waiters);
	}
	po->os = (struct ktrq_os){
		.version = KTRQ_OS_VERSION,
		.name = "pthread",
		.cookie = po,
		.mtx_init = pos_mtx_init,
		.mtx_destroy = pos_mtx_destroy,
		.mtx_enter = pos_mtx_enter,
		.mtx_exit = pos_mtx_exit,
		.mtx_owned = pos_mtx_owned,
		.msleep = pos_msleep,
		.wakeup = pos_wakeup,
		.wakeup_one = pos_wakeup_one,
		.thread_create = pos_thread_create,
		.thread_join = pos_thread_join,
		.thread_self = pos_thread_self,
		.thread_name = pos_thread_name,
		.clock_ns = pos_clock_ns,
		.alloc = pos_alloc,
		.free = pos_free,
		.log = pos_log,
		.panic = pos_panic,
		.tunable = pos_tunable,
		.forked = pos_forked,
	};
	*osp = &po->os;
	return (0);
}

int
ktrq_os_pth_destroy(struct ktrq_os *os)
{
	struct pthread_os *po;
	int i, busy;

	if (os == NULL || os->mtx_init != pos_mtx_init)
		return (EINVAL);
	po = (struct pthread_os *)os->cookie;
	/* A bucket lock may be held by a thread the child does not have. */
	if (pos_forked(po))
		return (EOWNERDEAD);
	busy = 0;
	for (i = 0; i < SLEEPQ_BUCKETS; i++) {
		pthread_mutex_lock(&po->buckets[i].lock);
		busy |= !TAILQ_EMPTY(&po->buckets[i].waiters);
		pthread_mutex_unlock(&po->buckets[i].lock);
	}
	if (busy)
		return (EBUSY);
	for (i = 0; i < SLEEPQ_BUCKETS; i++)
		pthread_mutex_destroy(&po->buckets[i].lock);
	free(po);
	return (0);
}
