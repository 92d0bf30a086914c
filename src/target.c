/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Trace targets: the vnode of 2002, reduced to what the queue needs -- a
 * reference count and an append write that receives the poster's
 * credentials.  The count is atomic (vrefcnt(9) is, in today's FreeBSD):
 * every queued request holds its own reference, taken inside the
 * poster's k_mtx section, and a lock there would be a second lock per
 * post.  Releases use acquire-release order, so whoever drops the last
 * reference sees every write the other holders made before theirs.
 * t_mtx is only the interlock of a retry's pause.
 */
#include <errno.h>
#include <string.h>

#include "ktrq_impl.h"

struct ktrq_target {
	const struct ktrq_os	*t_os;
	struct ktrq_os_mtx	*t_mtx;
	unsigned		 t_refs;
	struct ktrq_target_ops	 t_ops;
	void			*t_arg;
};

int
ktrq_target_create(const struct ktrq_os *os, const struct ktrq_target_ops *ops,
    void *arg, struct ktrq_target **tp)
{
	struct ktrq_target *t;
	int error;

	if (os == NULL || ops == NULL || ops->write == NULL || tp == NULL)
		return (EINVAL);
	if ((t = os->alloc(os->cookie, sizeof(*t))) == NULL)
		return (ENOMEM);
	memset(t, 0, sizeof(*t));
	if ((error = os->mtx_init(os->cookie, &t->t_mtx, "ktrq target")) != 0) {
		os->free(os->cookie, t, sizeof(*t));
		return (error);
	}
	t->t_os = os;
	t->t_refs = 1;
	t->t_ops = *ops;
	t->t_arg = arg;
	*tp = t;
	return (0);
}

void
ktrq_target_hold(struct ktrq_target *t)
{

	if (t == NULL)
		return;
	(void)__atomic_fetch_add(&t->t_refs, 1, __ATOMIC_RELAXED);
}

/* Drop `n` references; the last one frees the target. */
static void
target_drop(struct ktrq_target *t, unsigned n)
{
	const struct ktrq_os *os = t->t_os;
	unsigned old;

	old = __atomic_fetch_sub(&t->t_refs, n, __ATOMIC_ACQ_REL);
	/* LCOV_EXCL_START: a reference count gone wrong is a bug: panic */
	if (old < n)
		ktrq__panic(os, "target released too often", __FILE__,
		    __LINE__);
	/* LCOV_EXCL_STOP */
	if (old != n)
		return;
	if (t->t_ops.release != NULL)
		t->t_ops.release(t->t_arg);
	os->mtx_destroy(os->cookie, t->t_mtx);
	os->free(os->cookie, t, sizeof(*t));
}

void
ktrq_target_rele(struct ktrq_target *t)
{

	if (t != NULL)
		target_drop(t, 1);
}

size_t
ktrq_iov_total(const struct ktrq_iov *iov, int iovcnt)
{
	size_t total;
	int i;

	for (total = 0, i = 0; i < iovcnt; i++)
		total += iov[i].len;
	return (total);
}

/* Advance iov past `done` bytes (at most KTRQ_TARGET_IOVMAX pieces). */
static int
iov_advance(struct ktrq_iov *iov, int iovcnt, size_t done)
{
	int i, j;

	for (i = 0; i < iovcnt && done >= iov[i].len; i++)
		done -= iov[i].len;
	for (j = 0; i < iovcnt; i++, j++) {
		iov[j].base = (const uint8_t *)iov[i].base + done;
		iov[j].len = iov[i].len - done;
		done = 0;
	}
	return (j);
}

/* A transient errno: the write may succeed if tried again shortly. */
static int
transient(int error)
{

	return (error == EINTR || error == EAGAIN || error == EWOULDBLOCK);
}

/*
 * Pause before retry `n` (1, 2, ...): n * KTRQ_TARGET_RETRY_NS of the
 * layer's clock, as NetBSD's ktrace pauses before retrying EWOULDBLOCK.
 */
static void
retry_pause(struct ktrq_target *t, int n)
{
	const struct ktrq_os *os = t->t_os;
	uint64_t now, end;

	end = os->clock_ns(os->cookie) + (uint64_t)n * KTRQ_TARGET_RETRY_NS;
	ktrq__lock(os, t->t_mtx);
	while ((now = os->clock_ns(os->cookie)) < end)
		os->msleep(os->cookie, &t->t_refs, t->t_mtx, "ktrretry",
		    end - now);
	ktrq__unlock(os, t->t_mtx);
}

/*
 * Write the whole of iov[0..iovcnt) through `t`, continuing short writes
 * and retrying transient errors; iov is consumed in place.  *donep is
 * the bytes the target accepted, also on an error.  Returns 0, the
 * target's errno, or EIO when it made no progress or claimed more than
 * it was given.  The retries are counted from the last progress, so each
 * record of a gathered write has as many as a record written alone.
 */
int
ktrq__target_put(struct ktrq_target *t, struct ktrq_iov *iov, int iovcnt,
    const struct ktrq_cred *cred, size_t *donep)
{
	size_t done, total;
	int error, tries;

	total = ktrq_iov_total(iov, iovcnt);
	*donep = 0;
	tries = 0;
	while (total > 0) {
		done = 0;
		error = t->t_ops.write(t->t_arg, iov, iovcnt, cred, &done);
		if (error != 0 && transient(error) &&
		    tries < KTRQ_TARGET_RETRIES) {
			retry_pause(t, ++tries);
			continue;
		}
		if (error != 0)
			return (error);
		if (done == 0 || done > total)
			return (EIO);
		total -= done;
		*donep += done;
		iovcnt = iov_advance(iov, iovcnt, done);
		tries = 0;
	}
	return (0);
}

int
ktrq_target_write_done(struct ktrq_target *t, const struct ktrq_iov *iov,
    int iovcnt, const struct ktrq_cred *cred, size_t *donep)
{
	struct ktrq_iov left[KTRQ_TARGET_IOVMAX];
	size_t done;
	int i;

	if (donep == NULL)
		donep = &done;
	*donep = 0;
	if (t == NULL || iovcnt < 0 || iovcnt > KTRQ_TARGET_IOVMAX ||
	    (iov == NULL && iovcnt > 0) || cred == NULL)
		return (EINVAL);
	for (i = 0; i < iovcnt; i++)
		left[i] = iov[i];
	return (ktrq__target_put(t, left, iovcnt, cred, donep));
}

int
ktrq_target_write(struct ktrq_target *t, const struct ktrq_iov *iov,
    int iovcnt, const struct ktrq_cred *cred)
{
	size_t done;

	return (ktrq_target_write_done(t, iov, iovcnt, cred, &done));
}

/* Release `n` references at once (a batch's, after its write). */
void
ktrq__target_rele_n(struct ktrq_target *t, unsigned n)
{

	if (t != NULL && n != 0)
		target_drop(t, n);
}

const struct ktrq_target_ops *
ktrq__target_ops(const struct ktrq_target *t)
{

	return (&t->t_ops);
}

void *
ktrq__target_arg(const struct ktrq_target *t)
{

	return (t->t_arg);
}
