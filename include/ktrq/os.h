/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libktrq platform layer: the one narrow interface between the portable
 * core and its host.
 *
 * Everything in libktrq (pool, todo list, worker, synchronous handshake)
 * is written only against the operations below, so the same core sources
 * run on real threads, on the deterministic simulator and inside a kernel.
 * A backend is a table of functions plus its own private state; an
 * instance of the library is created with one, so a single program may run
 * several instances on different backends side by side.  There is no
 * global state behind this interface: two tables are two worlds.
 *
 * The verbs follow mutex(9), msleep(9)/wakeup(9) and kthread(9):
 *
 *	mtx_init/mtx_destroy/mtx_enter/mtx_exit/mtx_owned
 *	msleep(chan, interlock, wmesg, timeout)  wakeup(chan)  wakeup_one(chan)
 *	thread_create(name)/thread_join/thread_self
 *	clock_ns, alloc/free, log, tunable, forked
 *
 * Every operation that can fail returns 0 or an errno value; none sets
 * errno.  Each backend must meet the contract written over each member;
 * tests/os/contract.c checks it, once, for every backend.
 */
#ifndef KTRQ_OS_H
#define KTRQ_OS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Bumped whenever a member is added, removed or changes meaning.  A
 * consumer refuses a table whose version differs (ktrq_os_check()), so a
 * backend built against another revision fails loudly at start, not
 * subtly at run time.
 */
#define KTRQ_OS_VERSION 2

/* Opaque to everyone but the backend that made them. */
struct ktrq_os_mtx;
struct ktrq_os_thread;

/* Log levels, lowest is most severe (as syslog). */
#define KTRQ_LOG_ERR	3
#define KTRQ_LOG_WARNING 4
#define KTRQ_LOG_INFO	6
#define KTRQ_LOG_DEBUG	7

/* Longest thread name kept by backends, including the NUL. */
#define KTRQ_OS_NAMELEN 32

struct ktrq_os {
	/* KTRQ_OS_VERSION of the header the backend was built against. */
	unsigned	version;
	/* Backend name for messages: "pthread", "sim", "linux". */
	const char	*name;
	/* Backend private state, passed back as the first argument. */
	void		*cookie;

	/*
	 * Create a non-recursive mutex named `name` (kept by reference, so
	 * it must outlive the mutex).  Returns 0, EINVAL (NULL argument) or
	 * ENOMEM.
	 */
	int	(*mtx_init)(void *cookie, struct ktrq_os_mtx **mp,
		    const char *name);
	/*
	 * Destroy an unheld mutex; the handle is invalid afterwards.
	 * Returns 0, EINVAL (NULL) or EBUSY (held by anyone; nothing is
	 * destroyed).
	 */
	int	(*mtx_destroy)(void *cookie, struct ktrq_os_mtx *m);
	/*
	 * Acquire, sleeping as long as needed.  Returns 0, EINVAL (NULL or
	 * destroyed, where the backend can tell) or EDEADLK (the caller
	 * already holds it: mutexes never recurse).
	 */
	int	(*mtx_enter)(void *cookie, struct ktrq_os_mtx *m);
	/* Release.  Returns 0, EINVAL (NULL) or EPERM (caller not owner). */
	int	(*mtx_exit)(void *cookie, struct ktrq_os_mtx *m);
	/*
	 * Nonzero iff the calling thread holds `m` (0 for NULL).  Exact for
	 * the caller's own ownership, so assert(mtx_owned()) and
	 * assert(!mtx_owned()) are both meaningful.
	 */
	int	(*mtx_owned)(void *cookie, const struct ktrq_os_mtx *m);

	/*
	 * Sleep on the address `chan` (never dereferenced).  The caller
	 * holds `interlock`; it is released atomically with going to sleep
	 * -- a wakeup(chan) issued by anyone who took the interlock after
	 * this call began is never lost -- and it is held again on every
	 * return.  `timeout_ns` 0 means no timeout.  `wmesg` names the wait
	 * in deadlock reports and must outlive the sleep.
	 * Returns 0 when woken, EWOULDBLOCK when the timeout passed first,
	 * EINVAL (NULL chan or interlock) or EPERM (interlock not held by
	 * the caller); on EINVAL and EPERM it did not sleep.
	 * A return of 0 may be spurious: callers always re-test their
	 * predicate in a loop, as with msleep(9).  A backend that cannot
	 * sleep for lack of resources returns 0 that way.  A timeout too
	 * large to represent means "no timeout", never one in the past.
	 */
	int	(*msleep)(void *cookie, const void *chan,
		    struct ktrq_os_mtx *interlock, const char *wmesg,
		    uint64_t timeout_ns);
	/*
	 * Wake every thread sleeping on `chan` / at most one of them (which
	 * one is the backend's choice).  A wakeup with no sleeper is
	 * forgotten: it does not wake a later sleeper.  Callers need not
	 * hold any lock, but a wakeup that must not be lost is issued with
	 * the sleeper's interlock held or after changing the predicate
	 * under it.
	 */
	void	(*wakeup)(void *cookie, const void *chan);
	void	(*wakeup_one)(void *cookie, const void *chan);

	/*
	 * Start a thread running fn(arg), named `name` (truncated to
	 * KTRQ_OS_NAMELEN - 1).  Returns 0, EINVAL (NULL argument) or
	 * EAGAIN/ENOMEM (no resources; no thread was started).
	 */
	int	(*thread_create)(void *cookie, struct ktrq_os_thread **tp,
		    const char *name, void (*fn)(void *), void *arg);
	/*
	 * Wait for the thread to return and free its handle.  Exactly one
	 * join per created thread.  Returns 0, EINVAL (NULL) or EDEADLK (a
	 * thread joining itself).
	 */
	int	(*thread_join)(void *cookie, struct ktrq_os_thread *t);
	/*
	 * A nonzero id for the calling thread, unique among the live
	 * threads that use this backend (threads it did not create
	 * included) and stable for the thread's life.
	 */
	uint64_t (*thread_self)(void *cookie);
	/*
	 * Copy the calling thread's name into buf (NUL-terminated,
	 * truncated to len).  Threads the backend did not create are
	 * named "" unless the backend knows better.  Returns 0 or EINVAL.
	 */
	int	(*thread_name)(void *cookie, char *buf, size_t len);

	/* Monotonic nanoseconds; never decreases for any caller. */
	uint64_t (*clock_ns)(void *cookie);

	/*
	 * Memory.  alloc may fail (NULL); it never sleeps holding a
	 * caller's mutex for long and never calls back into libktrq.  free
	 * takes the size given to alloc; free(NULL, 0) is a no-op.
	 */
	void	*(*alloc)(void *cookie, size_t size);
	void	(*free)(void *cookie, void *p, size_t size);

	/*
	 * Emit one line of text (no trailing newline) at `level`.  May be
	 * called with mutexes held; must not call back into libktrq.
	 */
	void	(*log)(void *cookie, int level, const char *msg);

	/*
	 * A core invariant broke (a bug, never bad input): report `msg` and
	 * do not return.  The pthread backend aborts; a simulator may end
	 * the run as a violation and print its schedule.
	 */
	void	(*panic)(void *cookie, const char *msg);

	/*
	 * The loader-tunable analogue: look up the start-time setting
	 * `name` (for the pthread backend, the environment variable of
	 * that name).  Returns 0 and stores the value, ENOENT when unset,
	 * or EINVAL when set but not a decimal integer in range (an
	 * optional '-' then digits, nothing else: "+7" and " 7" are EINVAL).
	 */
	int	(*tunable)(void *cookie, const char *name, long long *valuep);

	/*
	 * Nonzero when the calling process is a child forked after the
	 * backend was created: the backend's threads are not there, and its
	 * locks may have been held by threads that did not come along, so
	 * no other member may be used (consumers return EOWNERDEAD
	 * instead).  0 in the creating process, on every thread, and in a
	 * process where the backend was created after the last fork.
	 * Cheap (no system call): the core asks at every public call.  A
	 * backend that cannot be forked (a kernel, a simulator) returns 0.
	 * Never fails, takes no lock and never calls back into libktrq.
	 */
	int	(*forked)(void *cookie);
};

/*
 * Returns 0 when `os` is a table a consumer built against this header can
 * use: non-NULL, the same KTRQ_OS_VERSION and every member present.
 * Otherwise EINVAL (NULL or a member missing) or ENOTSUP (built against
 * another KTRQ_OS_VERSION).  Any thread may call it at any time.
 */
int	ktrq_os_check(const struct ktrq_os *os);

/*
 * The pthread backend (src/os/pthread.c), "pth" as NetBSD's
 * rumpuser_pth.c, so that pthread names stay inside src/os/.  Each call
 * makes an independent table with its own sleep queues.  create returns 0, EINVAL or ENOMEM.
 * destroy returns 0, EINVAL (NULL or not a pthread table), EBUSY (a
 * thread still sleeps on it) or EOWNERDEAD (called in a child forked
 * after the table was created: nothing is freed, since its locks may
 * have been held by threads the child does not have); the caller
 * guarantees no thread is about to use the table.  The returned table
 * may be edited (log, say) before it is used.  forked() is implemented
 * with pthread_atfork(3): a child handler, registered once per process,
 * advances a fork generation that each table compares with the one it
 * was created in.
 */
int	ktrq_os_pth_create(struct ktrq_os **osp);
int	ktrq_os_pth_destroy(struct ktrq_os *os);

#ifdef __cplusplus
}
#endif

#endif /* !KTRQ_OS_H */
