/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A target that misbehaves on purpose, wrapped around a real one: it
 * fails with a chosen errno after so many bytes or records, accepts at
 * most so many bytes per call (short writes), and takes its time (a sleep
 * in the layer's clock, virtual under the simulator).
 *
 * f_mtx guards the counters.  Records are found in the bytes, by their
 * headers' lengths, so a gathered write of several records is judged
 * record by record: the records before the one that reaches a limit go
 * through (the call returns short), and the next call fails.
 * f_pending counts the bytes of the record under way still to come, so a
 * continuation after a short write is not taken for a new record.  An
 * inner target that fails part-way through a record (after taking its
 * first pieces) has lost it whole: the call returns what went before as
 * a short write, and the next call, which would go on with that record,
 * fails with the inner error (f_lost).
 *
 * A target never holds part of a record (FreeBSD writes each record with
 * IO_UNIT, which rolls a partial write back): whether a record fails is
 * decided at its first byte, so a record that would cross
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
	int			 f_lost;	/* the inner target lost the
						   current record: its errno */
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

/*
 * Bytes of the record starting `off` bytes into iov (total bytes in
 * all), from its header's length; what is left of the call when the
 * header is not all there or is not a ktrace header.
 */
static size_t
record_at(const struct ktrq_iov *iov, int iovcnt, size_t off, size_t total)
{
	uint8_t b[4];
	size_t got, n;
	uint32_t len;
	int i;

	if (total - off < KTRQ_REC_HDR_V1_SIZE)
		return (total - off);
	for (i = 0, got = 0; i < iovcnt && got < sizeof(b); i++) {
		if (off >= iov[i].len) {
			off -= iov[i].len;
			continue;
		}
		n = iov[i].len - off;
		if (n > sizeof(b) - got)
			n = sizeof(b) - got;
		memcpy(b + got, (const uint8_t *)iov[i].base + off, n);
		got += n;
		off = 0;
	}
	len = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
	if (len > INT32_MAX)
		return (total);
	return (KTRQ_REC_HDR_V1_SIZE + (size_t)len);
}

/* f_mtx held: how many of `total` bytes this call accepts, 0 to fail. */
static size_t
fault_allow(struct faulttarget *f, const struct ktrq_iov *iov, int iovcnt,
    size_t total)
{
	const struct ktrq_fault *ft = &f->f_fault;
	uint64_t records;
	size_t off;

	off = f->f_pending < total ? f->f_pending : total;
	records = f->f_records;
	while (off < total) {
		if (ft->fail_after_records != 0 &&
		    records >= ft->fail_after_records)
			break;
		if (ft->fail_after_bytes != 0 && f->f_bytes + off +
		    record_at(iov, iovcnt, off, total) > ft->fail_after_bytes)
			break;
		off += record_at(iov, iovcnt, off, total);
		records++;
	}
	if (off > total)
		off = total;
	if (ft->short_write != 0 && off > ft->short_write)
		off = ft->short_write;
	return (off);
}

/* f_mtx held: `done` bytes of iov went through. */
static void
fault_commit(struct faulttarget *f, const struct ktrq_iov *iov, int iovcnt,
    size_t total, size_t done)
{
	size_t off, n;

	f->f_bytes += done;
	for (off = 0; off < done; off += n) {
		if (f->f_pending == 0) {
			f->f_pending = record_at(iov, iovcnt, off, total);
			f->f_records++;
		}
		n = f->f_pending < done - off ? f->f_pending : done - off;
		f->f_pending -= n;
	}
}

static int
fault_write(void *arg, const struct ktrq_iov *iov, int iovcnt,
    const struct ktrq_cred *cred, size_t *donep)
{
	struct faulttarget *f = arg;
	struct ktrq_iov part[KTRQ_TARGET_IOVMAX];
	size_t allow, total, left;
	int error, n;

	total = ktrq_iov_total(iov, iovcnt);
	ktrq__lock(f->f_os, f->f_mtx);
	if ((error = f->f_lost) != 0) {
		/* The rest of a record the inner target lost: it failed. */
		f->f_lost = 0;
		f->f_pending = 0;
		ktrq__unlock(f->f_os, f->f_mtx);
		return (error);
	}
	if (f->f_fault.delay_ns != 0)
		fault_delay(f);
	allow = fault_allow(f, iov, iovcnt, total);
	ktrq__unlock(f->f_os, f->f_mtx);
	if (allow == 0)
		return (f->f_fault.error != 0 ? f->f_fault.error : EIO);
	for (left = allow, n = 0; n < iovcnt && left > 0; n++) {
		part[n] = iov[n];
		if (part[n].len > left)
			part[n].len = left;
		left -= part[n].len;
	}
	error = ktrq_target_write_done(f->f_inner, part, n, cred, &allow);
	if (error != 0 && allow == 0) {
		/* Retried at once when transient: still the same record. */
		if (error != EINTR && error != EAGAIN && error != EWOULDBLOCK) {
			ktrq__lock(f->f_os, f->f_mtx);
			f->f_pending = 0;	/* the record is abandoned */
			ktrq__unlock(f->f_os, f->f_mtx);
		}
		return (error);
	}
	ktrq__lock(f->f_os, f->f_mtx);
	fault_commit(f, iov, iovcnt, total, allow);
	/*
	 * Records it took whole went through: a short write.  One it failed
	 * in part-way is lost whole (an inner target keeps no part of a
	 * record), so the call that would go on with it fails instead; a
	 * transient error lost nothing, and the record goes on.
	 */
	if (error != 0 && f->f_pending != 0 && error != EINTR &&
	    error != EAGAIN && error != EWOULDBLOCK)
		f->f_lost = error;
	ktrq__unlock(f->f_os, f->f_mtx);
	*donep = allow;
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
