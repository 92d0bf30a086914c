/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An instance: configuration, creation, draining destruction, statistics,
 * and the thin wrappers through which the core uses its platform layer.
 *
 * The layer's mutex and sleep calls return errors only for misuse (NULL,
 * recursion, unlocking what one does not hold).  Misuse inside the core is
 * a bug, so the wrappers turn it into a panic instead of letting a lock
 * silently not be held.
 *
 * fork(2): a child has a copy of the instance but not its worker, and
 * its locks may have been held by threads that did not come along.  So
 * every public call asks the layer first (ktrq__forked) and returns
 * EOWNERDEAD there; nothing is locked, counted or freed in the child.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "ktrq_impl.h"

static size_t
fmt_int(char *buf, long long v)
{
	char tmp[24];
	unsigned long long u;
	size_t n, i;

	u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	n = 0;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	i = 0;
	if (v < 0)
		buf[i++] = '-';
	while (n > 0)
		buf[i++] = tmp[--n];
	buf[i] = '\0';
	return (i);
}

/*
 * LCOV_EXCL_START: cat() and ktrq__panic() run only when an invariant
 * broke (a panic), which no run may do.
 */
/* Append src to buf (holding n bytes of text); returns the new length. */
static size_t
cat(char *buf, size_t n, size_t size, const char *src)
{

	if (n >= size)
		return (size - 1);
	n += ktrq__strlcpy(buf + n, src, size - n);
	return (n < size ? n : size - 1);
}

/* The core has no printf: "assertion failed: EXPR at FILE:LINE". */
void
ktrq__panic(const struct ktrq_os *os, const char *expr, const char *file,
    int line)
{
	char msg[256], num[24];
	size_t n;

	n = ktrq__strlcpy(msg, "assertion failed: ", sizeof(msg));
	n = cat(msg, n, sizeof(msg), expr);
	n = cat(msg, n, sizeof(msg), " at ");
	n = cat(msg, n, sizeof(msg), file);
	n = cat(msg, n, sizeof(msg), ":");
	fmt_int(num, line);
	cat(msg, n, sizeof(msg), num);
	os->panic(os->cookie, msg);
	__builtin_trap();
}
/* LCOV_EXCL_STOP */

void
ktrq__lock(const struct ktrq_os *os, struct ktrq_os_mtx *m)
{

	/* Fails only when misused, a bug: the panic no run may reach. */
	if (os->mtx_enter(os->cookie, m) != 0)	/* LCOV_EXCL_BR_LINE */
		ktrq__panic(os, "mtx_enter", __FILE__,	/* LCOV_EXCL_LINE */
		    __LINE__);
}

void
ktrq__unlock(const struct ktrq_os *os, struct ktrq_os_mtx *m)
{

	/* Fails only when misused, a bug: the panic no run may reach. */
	if (os->mtx_exit(os->cookie, m) != 0)	/* LCOV_EXCL_BR_LINE */
		ktrq__panic(os, "mtx_exit", __FILE__,	/* LCOV_EXCL_LINE */
		    __LINE__);
}

/* Sleep on chan with k_mtx as interlock; callers loop on a predicate. */
int
ktrq__sleep(struct ktrq *k, const void *chan, const char *wmesg)
{
	int error;

	error = k->k_os->msleep(k->k_os->cookie, chan, k->k_mtx, wmesg, 0);
	KTRQ_ASSERT(k, error == 0);
	return (error);
}

/* The same with a timeout: 0 (woken, perhaps spuriously) or EWOULDBLOCK. */
int
ktrq__timedsleep(struct ktrq *k, const void *chan, const char *wmesg,
    uint64_t ns)
{
	int error;

	error = k->k_os->msleep(k->k_os->cookie, chan, k->k_mtx, wmesg, ns);
	KTRQ_ASSERT(k, error == 0 || error == EWOULDBLOCK);
	return (error);
}

void
ktrq__wakeup(struct ktrq *k, const void *chan)
{

	k->k_os->wakeup(k->k_os->cookie, chan);
}

int
ktrq__forked(const struct ktrq *k)
{

	return (k->k_os->forked(k->k_os->cookie));
}

void
ktrq__log(struct ktrq *k, int level, const char *msg)
{

	k->k_log(k->k_log_arg, level, msg);
}

/* "prefix<error>suffix": the core has no printf. */
void
ktrq__log_errno(struct ktrq *k, int level, const char *prefix, int error,
    const char *suffix)
{
	char msg[160];
	size_t n;

	n = ktrq__strlcpy(msg, prefix, sizeof(msg) - 24);
	if (n >= sizeof(msg) - 24)
		n = sizeof(msg) - 25;
	n += fmt_int(msg + n, error);
	ktrq__strlcpy(msg + n, suffix, sizeof(msg) - n);
	ktrq__log(k, level, msg);
}

static void
layer_log(void *arg, int level, const char *msg)
{
	const struct ktrq_os *os = arg;

	os->log(os->cookie, level, msg);
}

void
ktrq_config_init(struct ktrq_config *cf, const struct ktrq_os *os)
{

	if (cf == NULL)
		return;
	memset(cf, 0, sizeof(*cf));
	cf->os = os;
}

static void
config_log(const struct ktrq_config *cf, const char *msg)
{

	if (cf->log != NULL)
		cf->log(cf->log_arg, KTRQ_LOG_ERR, msg);
	else
		cf->os->log(cf->os->cookie, KTRQ_LOG_ERR, msg);
}

/*
 * The pool size in force at start: the configuration's, else the
 * tunable's (the loader tunable of 2002), else the compiled default.
 */
static int
start_pool_size(const struct ktrq_config *cf, uint32_t *sizep)
{
	const struct ktrq_os *os = cf->os;
	const char *msg;
	long long v;
	int error;

	if (cf->pool_size != 0) {
		if (cf->pool_size < 1 || cf->pool_size > KTRQ_POOL_MAX)
			return (EINVAL);
		*sizep = (uint32_t)cf->pool_size;
		return (0);
	}
	error = os->tunable(os->cookie, KTRQ_POOL_TUNABLE, &v);
	if (error == ENOENT) {
		*sizep = KTRQ_REQUEST_POOL;
		return (0);
	}
	if (error != 0 || v < 1 || v > KTRQ_POOL_MAX) {
		msg = "KTRQ_REQUEST_POOL must be an integer from 1 to 1000000";
		config_log(cf, msg);
		return (EINVAL);
	}
	*sizep = (uint32_t)v;
	return (0);
}

/*
 * The back-pressure timeout in force at start, 0 for off: the flag with
 * the configuration's timeout, else the tunable's, else the default; no
 * flag, and the tunable may turn it on.
 */
static int
start_backpressure(const struct ktrq_config *cf, uint64_t *nsp)
{
	const struct ktrq_os *os = cf->os;
	int on = (cf->flags & KTRQ_CF_BACKPRESSURE) != 0;
	long long v;
	int error;

	if (!on && cf->backpressure_ns != 0)
		return (EINVAL);
	if (cf->backpressure_ns != 0) {
		*nsp = cf->backpressure_ns;
		return (0);
	}
	error = os->tunable(os->cookie, KTRQ_BACKPRESSURE_TUNABLE, &v);
	if (error == ENOENT) {
		*nsp = on ? KTRQ_BACKPRESSURE_NS_DEFAULT : 0;
		return (0);
	}
	if (error != 0 || v < 0) {
		config_log(cf, "KTRQ_BACKPRESSURE_NS must be a decimal "
		    "number of nanoseconds");
		return (EINVAL);
	}
	*nsp = v != 0 ? (uint64_t)v : on ? KTRQ_BACKPRESSURE_NS_DEFAULT : 0;
	return (0);
}

static int
check_config(const struct ktrq_config *cf)
{
	const unsigned known = KTRQ_CF_GENIO_COPY | KTRQ_CF_BACKPRESSURE;

	if (cf->genio_size > KTRQ_GENIO_SIZE_MAX)
		return (EINVAL);
	if ((cf->flags & ~known) != 0)
		return (EINVAL);
	if (cf->batch_max < 0 || cf->batch_max > KTRQ_BATCH_MAX)
		return (EINVAL);
	if (cf->inline_size != 0 && (cf->inline_size < KTRQ_INLINE_MIN ||
	    cf->inline_size > KTRQ_INLINE_MAX))
		return (EINVAL);
	return (0);
}

static struct ktrq *
instance_alloc(const struct ktrq_config *cf)
{
	const struct ktrq_os *os = cf->os;
	struct ktrq *k;

	if ((k = os->alloc(os->cookie, sizeof(*k))) == NULL)
		return (NULL);
	memset(k, 0, sizeof(*k));
	k->k_os = os;
	k->k_log = cf->log != NULL ? cf->log : layer_log;
	k->k_log_arg = cf->log != NULL ? cf->log_arg : (void *)(uintptr_t)os;
	k->k_genio_size = cf->genio_size != 0 ? cf->genio_size :
	    KTRQ_GENIO_SIZE_DEFAULT;
	k->k_flags = cf->flags;
	k->k_probe = cf->probe;
	k->k_probe_arg = cf->probe_arg;
	k->k_warn = 1;
	k->k_batch_max = cf->batch_max != 0 ? cf->batch_max : KTRQ_BATCH_MAX;
	k->k_inline = cf->inline_size != 0 ? cf->inline_size :
	    KTRQ_INLINE_DEFAULT;
	STAILQ_INIT(&k->k_free);
	STAILQ_INIT(&k->k_front);
	STAILQ_INIT(&k->k_todo);
	LIST_INIT(&k->k_procs);
	return (k);
}

static void
instance_free(struct ktrq *k)
{
	const struct ktrq_os *os = k->k_os;

	ktrq__pool_fini(k);
	if (k->k_batch != NULL)
		os->free(os->cookie, k->k_batch, sizeof(*k->k_batch));
	if (k->k_resize_mtx != NULL)
		os->mtx_destroy(os->cookie, k->k_resize_mtx);
	if (k->k_proctree_mtx != NULL)
		os->mtx_destroy(os->cookie, k->k_proctree_mtx);
	if (k->k_mtx != NULL)
		os->mtx_destroy(os->cookie, k->k_mtx);
	os->free(os->cookie, k, sizeof(*k));
}

int
ktrq_create(const struct ktrq_config *cf, struct ktrq **kp)
{
	const struct ktrq_os *os;
	struct ktrq *k;
	uint64_t bp_ns;
	uint32_t size;
	int error;

	if (cf == NULL || kp == NULL)
		return (EINVAL);
	if ((error = ktrq_os_check(cf->os)) != 0)
		return (error);
	if (cf->os->forked(cf->os->cookie))
		return (EOWNERDEAD);
	if ((error = check_config(cf)) != 0 ||
	    (error = start_pool_size(cf, &size)) != 0 ||
	    (error = start_backpressure(cf, &bp_ns)) != 0)
		return (error);
	os = cf->os;
	if ((k = instance_alloc(cf)) == NULL)
		return (ENOMEM);
	k->k_bp_ns = bp_ns;
	if ((k->k_batch = os->alloc(os->cookie, sizeof(*k->k_batch))) ==
	    NULL) {
		instance_free(k);
		return (ENOMEM);
	}
	memset(k->k_batch, 0, sizeof(*k->k_batch));
	if ((error = os->mtx_init(os->cookie, &k->k_mtx, "ktrace")) != 0 ||
	    (error = os->mtx_init(os->cookie, &k->k_proctree_mtx,
	    "ktrace proctree")) != 0 ||
	    (error = os->mtx_init(os->cookie, &k->k_resize_mtx,
	    "ktrace resize")) != 0 ||
	    (error = ktrq__pool_init(k, size)) != 0 ||
	    (error = os->thread_create(os->cookie, &k->k_worker, "ktrace",
	    ktrq__worker, k)) != 0) {
		instance_free(k);
		return (error);
	}
	*kp = k;
	return (0);
}

int
ktrq_destroy(struct ktrq *k)
{
	const struct ktrq_os *os;

	if (k == NULL)
		return (EINVAL);
	if (ktrq__forked(k))
		return (EOWNERDEAD);
	os = k->k_os;
	KTRQ_LOCK(k);
	ktrq__proc_quiesce_all(k);
	k->k_shutdown = 1;
	ktrq__worker_kick(k);
	KTRQ_UNLOCK(k);
	os->thread_join(os->cookie, k->k_worker);
	ktrq__proc_free_all(k);
	KTRQ_ASSERT(k, k->k_nfree == k->k_pool_size);
	instance_free(k);
	return (0);
}

int
ktrq_stats(struct ktrq *k, struct ktrq_stats *st)
{

	if (k == NULL || st == NULL)
		return (EINVAL);
	if (ktrq__forked(k))
		return (EOWNERDEAD);
	KTRQ_LOCK(k);
	*st = k->k_st;
	st->posted = k->k_posted;
	st->pool_size = k->k_pool_size;
	st->pool_free = k->k_nfree;
	st->pool_inuse = k->k_pool_size - k->k_nfree;
	st->todo_depth = k->k_ntodo;
	KTRQ_UNLOCK(k);
	return (0);
}
