/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A target that misbehaves on purpose, wrapped around a real one: it
 * fails with a chosen errno after so many bytes or records, accepts at
 * most so many bytes per call (short writes), and takes its time (a sleep
 * in the layer's clock, virtual under the simulator).
 *
 * f_mtx guards the counters.  A record is one ktrq_target_write(), which
 * may take several calls when writes are short; f_pending counts the
 * bytes of the current record still to come, so a continuation is not
 * taken for a new record.
 *
 * A target never holds part of a record (FreeBSD writes each record with
 * IO_UNIT, which rolls a partial write back): whether a record fails is
 * decided at its first call, so a record that would cross
 * fail_after_bytes fails whole and passes no byte to the inner target.
 */
#include <errno.h>
#include <string.h>

#include "ktrq_impl.h"

struct faulttarget {
	const struct ktrq_os	*f_os;
	struct ktrq_os_mtx	*f_mtx;
	struct ktrq_target	*f_inner;	/* referenced */
	struct ktrq_fault	 f_fault;
	uint64_t		 f_bytes;	/* accepted so far */
	uint64_t		 f_records;	/* completed so far */
	size_t			 f_pending;	/* rest of current record */
};

static void
fault_delay(struct faulttarget *f)
{
	const struct ktrq_os *os = f->f_os;
	uint64_t now, end;

	end = os->clock_ns(os->cookie) + f->f_fault.delay_ns;
	while ((now = os->clock_ns(os->cookie)) < end)
		os->msleep(os->cookie, f, f->f_mtx, "ktrdelay", end - now);
}

/* f_mtx held: how many of `total` bytes this call accepts, or -1. */
static long long
fault_allow(struct faulttarget *f, size_t total)
{
	const struct ktrq_fault *ft = &f->f_fault;
	uint64_t allow;
	int first;

	if ((first = f->f_pending == 0) != 0) {
		if (ft->fail_after_records != 0 &&
		    f->f_records >= ft->fail_after_records)
			return (-1);
		f->f_pending = total;
	}
	allow = total;
	if (ft->short_write != 0 && allow > ft->short_write)
		allow = ft->short_write;
	/* At a record's start only: its continuations were counted in. */
	if (first && ft->fail_after_bytes != 0 &&
	    f->f_bytes + total > ft->fail_after_bytes) {
		f->f_pending = 0;	/* rolled back whole */
		return (-1);
	}
	return ((long long)allow);
}

static int
fault_write(void *arg, const struct ktrq_iov *iov, int iovcnt,
    const struct ktrq_cred *cred, size_t *donep)
{
	struct faulttarget *f = arg;
	struct ktrq_iov part[KTRQ_TARGET_IOVMAX];
	long long allow;
	size_t total, left;
	int error, n;

	total = ktrq_iov_total(iov, iovcnt);
	ktrq__lock(f->f_os, f->f_mtx);
	if (f->f_fault.delay_ns != 0)
		fault_delay(f);
	allow = fault_allow(f, total);
	ktrq__unlock(f->f_os, f->f_mtx);
	if (allow < 0)
		return (f->f_fault.error != 0 ? f->f_fault.error : EIO);
	for (left = (size_t)allow, n = 0; n < iovcnt && left > 0; n++) {
		part[n] = iov[n];
		if (part[n].len > left)
			part[n].len = left;
		left -= part[n].len;
	}
	if ((error = ktrq_target_write(f->f_inner, part, n, cred)) != 0) {
		ktrq__lock(f->f_os, f->f_mtx);
		f->f_pending = 0;	/* the record is abandoned */
		ktrq__unlock(f->f_os, f->f_mtx);
		return (error);
	}
	ktrq__lock(f->f_os, f->f_mtx);
	f->f_bytes += (uint64_t)allow;
	f->f_pending -= (size_t)allow;
	if (f->f_pending == 0)
		f->f_records++;
	ktrq__unlock(f->f_os, f->f_mtx);
	*donep = (size_t)allow;
	return (0);
}

static void
fault_release(void *arg)
{
	struct faulttarget *f = arg;
	const struct ktrq_os *os = f->f_os;

	ktrq_target_rele(f->f_inner);
	os->mtx_destroy(os->cookie, f->f_mtx);
	os->free(os->cookie, f, sizeof(*f));
}

static const struct ktrq_target_ops fault_ops = {
	.write = fault_write,
	.release = fault_release,
};

int
ktrq_faulttarget_create(const struct ktrq_os *os, struct ktrq_target *inner,
    const struct ktrq_fault *fault, struct ktrq_target **tp)
{
	struct faulttarget *f;
	int error;

	if (os == NULL || inner == NULL || fault == NULL || tp == NULL)
		return (EINVAL);
	if ((f = os->alloc(os->cookie, sizeof(*f))) == NULL)
		return (ENOMEM);
	memset(f, 0, sizeof(*f));
	f->f_os = os;
	f->f_fault = *fault;
	if ((error = os->mtx_init(os->cookie, &f->f_mtx, "ktrq faulttarget"))
	    != 0) {
		os->free(os->cookie, f, sizeof(*f));
		return (error);
	}
	ktrq_target_hold(inner);
	f->f_inner = inner;
	if ((error = ktrq_target_create(os, &fault_ops, f, tp)) != 0)
		fault_release(f);
	return (error);
}
