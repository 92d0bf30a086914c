// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The Linux kernel backend of the platform layer (ktrq/os.h): the core's
 * mutex(9)/msleep(9)/kthread(9) verbs on Linux primitives.  Built only
 * by kernel/Kbuild, never by CMake.
 *
 * Mutexes are struct mutex plus an owner field.  The holder writes it
 * right after mutex_lock() and clears it right before mutex_unlock(), so
 * "owner == current" is exact for the caller: no other task ever stores
 * current's task pointer there.  That gives mtx_owned() and the EDEADLK
 * (recursion) and EPERM (not the owner) checks the contract asks for;
 * struct mutex itself only knows "locked by someone".
 *
 * Channel sleep follows FreeBSD's sleepqueue(9) on Linux wait queues: a
 * fixed hash of wait_queue_heads keyed by channel address.  A sleeper
 * puts an exclusive entry recording its channel on its bucket and sets
 * its task state (prepare_to_wait_exclusive(), under the bucket lock)
 * before it lets go of the interlock; a wakeup takes the same bucket lock
 * and walks the bucket, so a wakeup issued by anyone who took the
 * interlock after the sleeper released it finds the entry: none is lost.
 * The entry's wake function compares the channel (the wake key) and
 * wakes only entries for it, so two channels that share a bucket do not
 * wake each other.  wakeup() wakes them all (nr_exclusive 0),
 * wakeup_one() stops after the first task it actually woke (exclusive
 * entries, nr_exclusive 1): a waiter whose timeout already fired is
 * skipped, so the one wakeup goes to a waiter that still needs it.
 *
 * Sleeps are TASK_IDLE: uninterruptible (signals do not cut them short,
 * so no busy loop on a pending signal) but not counted in the load
 * average nor reported by the hung-task detector, since the worker idles
 * in msleep for as long as nothing is posted.  A timeout is an hrtimer
 * (nanoseconds, not jiffies); its expiry without a wakeup is EWOULDBLOCK.
 *
 * Threads are kthreads.  The handle carries a completion the thread
 * signals last, through kthread_complete_and_exit(), so a join never
 * returns while the thread still runs module text.  A kthread finds its
 * own handle with kthread_func()/kthread_data(), which gives thread_name
 * beyond TASK_COMM_LEN and the EDEADLK of a thread joining itself.
 *
 * Everything here sleeps, so every operation is for process context only,
 * as for mtx(9) sleep mutexes and msleep(9).
 */
#define	pr_fmt(fmt)	"ktrq: " fmt

#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/completion.h>
#include <linux/errno.h>
#include <linux/hash.h>
#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/kthread.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/version.h>
#include <linux/wait.h>

#include "ktrq/os.h"
#include "ktrq_os_linux.h"

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 17, 0)
#define	kthread_complete_and_exit	complete_and_exit
#endif

/*
 * The loader-tunable analogue: KTRQ_REQUEST_POOL is this module
 * parameter.  A string, so "unset" (ENOENT) and "not a decimal integer"
 * (EINVAL) stay distinguishable, as with the pthread backend's
 * environment variable.
 */
static char *request_pool;
module_param(request_pool, charp, 0444);
MODULE_PARM_DESC(request_pool,
    "start-time request pool size (KTRQ_REQUEST_POOL), 1..1000000");

#define	LK_HASH_BITS	6		/* 64 buckets, as the pthread one */
#define	LK_OS_MAGIC	0x6b74716cU	/* "ktql" */
#define	LK_MTX_MAGIC	0x6b74716dU
#define	LK_MTX_DEAD	0xdeadd1edU

struct lk_os {
	struct ktrq_os		 os;	/* first: the table is the handle */
	unsigned		 magic;
	atomic_t		 sleepers;
	struct wait_queue_head	 sleepq[1 << LK_HASH_BITS];
};

struct ktrq_os_mtx {
	struct mutex		 m;
	struct task_struct	*owner;	/* written only by the holder */
	const char		*name;
	unsigned		 magic;
	/*
	 * One lockdep class per mutex (a no-op without CONFIG_LOCKDEP).
	 * mutex_init() would put every layer mutex in one class, and the
	 * core's legal nestings (k_proctree_mtx or k_resize_mtx, then
	 * k_mtx) would then read as recursion.
	 */
	struct lock_class_key	 key;
};

struct ktrq_os_thread {
	struct completion	 done;
	void			(*fn)(void *);
	void			*arg;
	char			 name[KTRQ_OS_NAMELEN];
};

struct lk_waiter {
	struct wait_queue_entry	 wqe;
	const void		*chan;
	const char		*wmesg;
	int			 woken;	/* set by lk_wake under the bucket lock */
};

/* Mutexes ------------------------------------------------------------ */

static int
lk_mtx_init(void *cookie, struct ktrq_os_mtx **mp, const char *name)
{
	struct ktrq_os_mtx *m;

	(void)cookie;
	if (mp == NULL || name == NULL)
		return (EINVAL);
	if ((m = kzalloc(sizeof(*m), GFP_KERNEL)) == NULL)
		return (ENOMEM);
	lockdep_register_key(&m->key);
	__mutex_init(&m->m, name, &m->key);
	m->name = name;
	m->magic = LK_MTX_MAGIC;
	*mp = m;
	return (0);
}

static int
lk_mtx_destroy(void *cookie, struct ktrq_os_mtx *m)
{

	(void)cookie;
	if (m == NULL || m->magic != LK_MTX_MAGIC)
		return (EINVAL);
	if (mutex_is_locked(&m->m))
		return (EBUSY);
	m->magic = LK_MTX_DEAD;
	mutex_destroy(&m->m);
	lockdep_unregister_key(&m->key);
	kfree(m);
	return (0);
}

static int
lk_mtx_enter(void *cookie, struct ktrq_os_mtx *m)
{

	(void)cookie;
	if (m == NULL || m->magic != LK_MTX_MAGIC)
		return (EINVAL);
	if (READ_ONCE(m->owner) == current)
		return (EDEADLK);
	mutex_lock(&m->m);
	WRITE_ONCE(m->owner, current);
	return (0);
}

static int
lk_mtx_exit(void *cookie, struct ktrq_os_mtx *m)
{

	(void)cookie;
	if (m == NULL || m->magic != LK_MTX_MAGIC)
		return (EINVAL);
	if (READ_ONCE(m->owner) != current)
		return (EPERM);
	WRITE_ONCE(m->owner, NULL);
	mutex_unlock(&m->m);
	return (0);
}

static int
lk_mtx_owned(void *cookie, const struct ktrq_os_mtx *m)
{

	(void)cookie;
	return (m != NULL && READ_ONCE(m->owner) == current);
}

/* Channel sleep ------------------------------------------------------ */

static struct wait_queue_head *
lk_bucket(struct lk_os *lo, const void *chan)
{

	return (&lo->sleepq[hash_ptr((void *)chan, LK_HASH_BITS)]);
}

/*
 * The wake function of a sleeper's entry; `key` is the channel being
 * woken.  Returns nonzero only when it woke the task, which is what
 * __wake_up() counts against nr_exclusive.
 */
static int
lk_wake(struct wait_queue_entry *wqe, unsigned mode, int flags, void *key)
{
	struct lk_waiter *w = container_of(wqe, struct lk_waiter, wqe);
	int ret;

	if (w->chan != key)
		return (0);
	ret = default_wake_function(wqe, mode, flags, key);
	if (ret != 0) {
		w->woken = 1;
		/* Release: finish_wait()'s list_empty_careful() pairs. */
		list_del_init_careful(&wqe->entry);
	}
	return (ret);
}

static int
lk_msleep(void *cookie, const void *chan, struct ktrq_os_mtx *interlock,
    const char *wmesg, uint64_t timeout_ns)
{
	struct lk_os *lo = cookie;
	struct wait_queue_head *wq;
	struct lk_waiter w;
	ktime_t expires;
	int expired;

	if (chan == NULL || interlock == NULL ||
	    interlock->magic != LK_MTX_MAGIC)
		return (EINVAL);
	if (READ_ONCE(interlock->owner) != current)
		return (EPERM);
	wq = lk_bucket(lo, chan);
	init_wait_entry(&w.wqe, 0);
	w.wqe.func = lk_wake;
	w.chan = chan;
	w.wmesg = wmesg;
	w.woken = 0;
	expired = 0;
	atomic_inc(&lo->sleepers);
	/* On the bucket and in TASK_IDLE before the interlock goes. */
	prepare_to_wait_exclusive(wq, &w.wqe, TASK_IDLE);
	WRITE_ONCE(interlock->owner, NULL);
	mutex_unlock(&interlock->m);
	/* Too large to represent (past KTIME_MAX) means no timeout. */
	if (timeout_ns == 0 || timeout_ns > (uint64_t)KTIME_MAX) {
		schedule();
	} else {
		expires = ns_to_ktime(timeout_ns);
		expired = schedule_hrtimeout_range(&expires, 0,
		    HRTIMER_MODE_REL) == 0;
	}
	finish_wait(wq, &w.wqe);
	atomic_dec(&lo->sleepers);
	mutex_lock(&interlock->m);
	WRITE_ONCE(interlock->owner, current);
	if (READ_ONCE(w.woken))
		return (0);
	return (expired ? EWOULDBLOCK : 0);
}

static void
lk_wakeup(void *cookie, const void *chan)
{
	struct lk_os *lo = cookie;

	if (chan != NULL)
		__wake_up(lk_bucket(lo, chan), TASK_NORMAL, 0, (void *)chan);
}

static void
lk_wakeup_one(void *cookie, const void *chan)
{
	struct lk_os *lo = cookie;

	if (chan != NULL)
		__wake_up(lk_bucket(lo, chan), TASK_NORMAL, 1, (void *)chan);
}

/* Threads ------------------------------------------------------------ */

static int
lk_thread_main(void *arg)
{
	struct ktrq_os_thread *t = arg;

	t->fn(t->arg);
	/* Signal the joiner without returning into module text. */
	kthread_complete_and_exit(&t->done, 0);
}

/* The calling thread's handle, when this backend created it. */
static struct ktrq_os_thread *
lk_self_thread(void)
{

	if (!(current->flags & PF_KTHREAD) ||
	    kthread_func(current) != lk_thread_main)
		return (NULL);
	return (kthread_data(current));
}

static int
lk_thread_create(void *cookie, struct ktrq_os_thread **tp, const char *name,
    void (*fn)(void *), void *arg)
{
	struct task_struct *task;
	struct ktrq_os_thread *t;
	int error;

	(void)cookie;
	if (tp == NULL || name == NULL || fn == NULL)
		return (EINVAL);
	if ((t = kzalloc(sizeof(*t), GFP_KERNEL)) == NULL)
		return (ENOMEM);
	init_completion(&t->done);
	t->fn = fn;
	t->arg = arg;
	strscpy(t->name, name, sizeof(t->name));
	task = kthread_run(lk_thread_main, t, "%s", t->name);
	if (IS_ERR(task)) {
		error = -PTR_ERR(task);
		kfree(t);
		return (error == ENOMEM ? ENOMEM : EAGAIN);
	}
	*tp = t;
	return (0);
}

static int
lk_thread_join(void *cookie, struct ktrq_os_thread *t)
{

	(void)cookie;
	if (t == NULL)
		return (EINVAL);
	if (lk_self_thread() == t)
		return (EDEADLK);
	wait_for_completion(&t->done);
	kfree(t);
	return (0);
}

static uint64_t
lk_thread_self(void *cookie)
{

	(void)cookie;
	/* Global pid: nonzero and unique among live tasks. */
	return ((uint64_t)task_pid_nr(current));
}

static int
lk_thread_name(void *cookie, char *buf, size_t len)
{
	struct ktrq_os_thread *t;

	(void)cookie;
	if (buf == NULL || len == 0)
		return (EINVAL);
	if ((t = lk_self_thread()) != NULL)
		strscpy(buf, t->name, len);
	else
		__get_task_comm(buf, len, current);	/* knows better */
	return (0);
}

/* Time, memory, reports, tunables ----------------------------------- */

static uint64_t
lk_clock_ns(void *cookie)
{

	(void)cookie;
	return (ktime_get_ns());
}

/*
 * kvmalloc: kmalloc for the small objects (requests, processes), vmalloc
 * fallback for the large ones (a memory target's buffer doubles past
 * what the page allocator gives contiguously).  GFP_KERNEL may sleep in
 * reclaim; the core never allocates with k_mtx held.
 */
static void *
lk_alloc(void *cookie, size_t size)
{

	(void)cookie;
	return (kvmalloc(size, GFP_KERNEL));
}

static void
lk_free(void *cookie, void *p, size_t size)
{

	(void)cookie;
	(void)size;
	kvfree(p);
}

static void
lk_log(void *cookie, int level, const char *msg)
{

	(void)cookie;
	if (level <= KTRQ_LOG_ERR)
		pr_err("%s\n", msg);
	else if (level <= KTRQ_LOG_WARNING)
		pr_warn("%s\n", msg);
	else if (level <= KTRQ_LOG_INFO)
		pr_info("%s\n", msg);
	else
		pr_debug("%s\n", msg);
}

static void
lk_panic(void *cookie, const char *msg)
{

	(void)cookie;
	pr_emerg("panic: %s\n", msg);
	BUG();
}

static int
lk_tunable(void *cookie, const char *name, long long *valuep)
{
	long long v;

	(void)cookie;
	if (name == NULL || valuep == NULL)
		return (EINVAL);
	if (strcmp(name, "KTRQ_REQUEST_POOL") != 0 || request_pool == NULL)
		return (ENOENT);
	if (kstrtoll(request_pool, 10, &v) != 0)
		return (EINVAL);
	*valuep = v;
	return (0);
}

/* A kernel is never forked under its modules. */
static int
lk_forked(void *cookie)
{

	(void)cookie;
	return (0);
}

/* Tables ------------------------------------------------------------- */

int
ktrq_os_linux_create(struct ktrq_os **osp)
{
	struct lk_os *lo;
	size_t i;

	if (osp == NULL)
		return (EINVAL);
	if ((lo = kzalloc(sizeof(*lo), GFP_KERNEL)) == NULL)
		return (ENOMEM);
	lo->magic = LK_OS_MAGIC;
	atomic_set(&lo->sleepers, 0);
	for (i = 0; i < ARRAY_SIZE(lo->sleepq); i++)
		init_waitqueue_head(&lo->sleepq[i]);
	lo->os = (struct ktrq_os){
		.version = KTRQ_OS_VERSION,
		.name = "linux",
		.cookie = lo,
		.mtx_init = lk_mtx_init,
		.mtx_destroy = lk_mtx_destroy,
		.mtx_enter = lk_mtx_enter,
		.mtx_exit = lk_mtx_exit,
		.mtx_owned = lk_mtx_owned,
		.msleep = lk_msleep,
		.wakeup = lk_wakeup,
		.wakeup_one = lk_wakeup_one,
		.thread_create = lk_thread_create,
		.thread_join = lk_thread_join,
		.thread_self = lk_thread_self,
		.thread_name = lk_thread_name,
		.clock_ns = lk_clock_ns,
		.alloc = lk_alloc,
		.free = lk_free,
		.log = lk_log,
		.panic = lk_panic,
		.tunable = lk_tunable,
		.forked = lk_forked,
	};
	*osp = &lo->os;
	return (0);
}

int
ktrq_os_linux_destroy(struct ktrq_os *os)
{
	struct lk_os *lo;

	if (os == NULL || os->mtx_init != lk_mtx_init)
		return (EINVAL);
	lo = container_of(os, struct lk_os, os);
	if (lo->magic != LK_OS_MAGIC)
		return (EINVAL);
	if (atomic_read(&lo->sleepers) != 0)
		return (EBUSY);
	lo->magic = 0;
	kfree(lo);
	return (0);
}
