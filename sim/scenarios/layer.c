/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The scenarios' own layer over the simulator's (layer.h): forwarding,
 * with tunables, a forked child, failures on purpose, counters and the
 * nested-event hook.
 */
#include <errno.h>
#include <string.h>

#include "ktrq/ktrq.h"
#include "ktrq/sim.h"
#include "layer.h"

/* A call from the thread playing the forked child: the core's bug. */
static void
enter(struct scn_layer *l, const char *what)
{

	if (l->child != 0 && l->in->thread_self(l->in->cookie) == l->child)
		ktrq_sim_fail(l->in, "layer: %s called by a forked child: the "
		    "core must return EOWNERDEAD before using its layer", what);
}

/* Is this the call that is to fail (*countdown reaching 1)? */
static int
fail_now(unsigned *countdown)
{

	if (*countdown == 0)
		return (0);
	return (--*countdown == 0);
}

static int
l_mtx_init(void *cookie, struct ktrq_os_mtx **mp, const char *name)
{
	struct scn_layer *l = cookie;
	int error;

	enter(l, "mtx_init");
	if (fail_now(&l->fail_mtx)) {
		l->failures++;
		return (ENOMEM);
	}
	if ((error = l->in->mtx_init(l->in->cookie, mp, name)) != 0)
		l->failures++;
	else
		l->mutexes++;
	return (error);
}

static int
l_mtx_destroy(void *cookie, struct ktrq_os_mtx *m)
{
	struct scn_layer *l = cookie;
	int error;

	enter(l, "mtx_destroy");
	if ((error = l->in->mtx_destroy(l->in->cookie, m)) == 0)
		l->mutexes--;
	return (error);
}

static void
nested(struct scn_layer *l)
{

	if (l->nest == NULL || l->nesting || l->nest_self == 0 ||
	    l->in->thread_self(l->in->cookie) != l->nest_self)
		return;
	l->nesting = 1;
	l->nest(l->nest_arg);
	l->nesting = 0;
}

static int
l_mtx_enter(void *cookie, struct ktrq_os_mtx *m)
{
	struct scn_layer *l = cookie;

	enter(l, "mtx_enter");
	nested(l);
	return (l->in->mtx_enter(l->in->cookie, m));
}

static int
l_mtx_exit(void *cookie, struct ktrq_os_mtx *m)
{
	struct scn_layer *l = cookie;

	enter(l, "mtx_exit");
	return (l->in->mtx_exit(l->in->cookie, m));
}

static int
l_mtx_owned(void *cookie, const struct ktrq_os_mtx *m)
{
	struct scn_layer *l = cookie;

	enter(l, "mtx_owned");
	return (l->in->mtx_owned(l->in->cookie, m));
}

static int
l_msleep(void *cookie, const void *chan, struct ktrq_os_mtx *interlock,
    const char *wmesg, uint64_t timeout_ns)
{
	struct scn_layer *l = cookie;

	enter(l, "msleep");
	return (l->in->msleep(l->in->cookie, chan, interlock, wmesg,
	    timeout_ns));
}

static void
l_wakeup(void *cookie, const void *chan)
{
	struct scn_layer *l = cookie;

	enter(l, "wakeup");
	l->in->wakeup(l->in->cookie, chan);
}

static void
l_wakeup_one(void *cookie, const void *chan)
{
	struct scn_layer *l = cookie;

	enter(l, "wakeup_one");
	l->in->wakeup_one(l->in->cookie, chan);
}

static int
l_thread_create(void *cookie, struct ktrq_os_thread **tp, const char *name,
    void (*fn)(void *), void *arg)
{
	struct scn_layer *l = cookie;
	int error;

	enter(l, "thread_create");
	if (fail_now(&l->fail_thread)) {
		l->failures++;
		return (EAGAIN);
	}
	if ((error = l->in->thread_create(l->in->cookie, tp, name, fn,
	    arg)) != 0)
		l->failures++;
	return (error);
}

static int
l_thread_join(void *cookie, struct ktrq_os_thread *t)
{
	struct scn_layer *l = cookie;

	enter(l, "thread_join");
	return (l->in->thread_join(l->in->cookie, t));
}

static uint64_t
l_thread_self(void *cookie)
{
	struct scn_layer *l = cookie;

	enter(l, "thread_self");
	return (l->in->thread_self(l->in->cookie));
}

static int
l_thread_name(void *cookie, char *buf, size_t len)
{
	struct scn_layer *l = cookie;

	enter(l, "thread_name");
	return (l->in->thread_name(l->in->cookie, buf, len));
}

static uint64_t
l_clock_ns(void *cookie)
{
	struct scn_layer *l = cookie;

	enter(l, "clock_ns");
	return (l->in->clock_ns(l->in->cookie));
}

static void *
l_alloc(void *cookie, size_t size)
{
	struct scn_layer *l = cookie;
	void *p;

	enter(l, "alloc");
	if (fail_now(&l->fail_alloc)) {
		l->failures++;
		return (NULL);
	}
	if ((p = l->in->alloc(l->in->cookie, size)) == NULL)
		l->failures++;
	else
		l->live += size;
	return (p);
}

static void
l_free(void *cookie, void *p, size_t size)
{
	struct scn_layer *l = cookie;

	enter(l, "free");
	if (p == NULL)
		return;
	if (size > l->live)
		ktrq_sim_fail(l->in, "layer: %zu bytes freed, only %llu live",
		    size, (unsigned long long)l->live);
	l->live -= size;
	l->in->free(l->in->cookie, p, size);
}

static void
l_log(void *cookie, int level, const char *msg)
{
	struct scn_layer *l = cookie;

	enter(l, "log");
	l->logs++;
	l->in->log(l->in->cookie, level, msg);
}

static void
l_panic(void *cookie, const char *msg)
{
	struct scn_layer *l = cookie;

	l->in->panic(l->in->cookie, msg);
}

static int
l_tunable(void *cookie, const char *name, long long *valuep)
{
	struct scn_layer *l = cookie;
	int error;
	long long v;

	enter(l, "tunable");
	if (name == NULL || valuep == NULL)
		return (EINVAL);
	if (strcmp(name, KTRQ_POOL_TUNABLE) == 0) {
		error = l->pool_error;
		v = l->pool_value;
	} else if (strcmp(name, KTRQ_BACKPRESSURE_TUNABLE) == 0) {
		error = l->bp_error;
		v = l->bp_value;
	} else
		return (ENOENT);
	if (error == 0)
		*valuep = v;
	return (error);
}

static int
l_forked(void *cookie)
{
	struct scn_layer *l = cookie;

	return (l->child != 0 &&
	    l->in->thread_self(l->in->cookie) == l->child);
}

void
scn_layer_init(struct scn_layer *l, const struct ktrq_os *in)
{

	memset(l, 0, sizeof(*l));
	l->in = in;
	l->pool_error = l->bp_error = ENOENT;
	l->os.version = KTRQ_OS_VERSION;
	l->os.name = "scenario";
	l->os.cookie = l;
	l->os.mtx_init = l_mtx_init;
	l->os.mtx_destroy = l_mtx_destroy;
	l->os.mtx_enter = l_mtx_enter;
	l->os.mtx_exit = l_mtx_exit;
	l->os.mtx_owned = l_mtx_owned;
	l->os.msleep = l_msleep;
	l->os.wakeup = l_wakeup;
	l->os.wakeup_one = l_wakeup_one;
	l->os.thread_create = l_thread_create;
	l->os.thread_join = l_thread_join;
	l->os.thread_self = l_thread_self;
	l->os.thread_name = l_thread_name;
	l->os.clock_ns = l_clock_ns;
	l->os.alloc = l_alloc;
	l->os.free = l_free;
	l->os.log = l_log;
	l->os.panic = l_panic;
	l->os.tunable = l_tunable;
	l->os.forked = l_forked;
}
