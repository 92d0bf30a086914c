/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The baselines without a queue.
 *
 * The direct model is how ktrace worked before 2002 and how OpenBSD's
 * works today: the traced thread builds its record on its own stack and
 * writes it itself, the writes of all threads serialised by one lock (the
 * vnode lock there; one layer mutex here, the same kind of mutex the
 * queue's k_mtx is).  Encoding happens before the lock is taken, as the
 * kernel built the record before it locked the vnode; only the write is
 * serialised.  The record is the queue's, byte for byte: the same codec
 * (ktrq/record.h), the same time source (the layer's clock), the same
 * target and the same ktrq_target_write().
 *
 * Unlocked, the same code is the raw limit: one thread encoding and
 * writing with nothing around it, the ceiling any design that writes
 * each record once can reach on this target.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

struct direct {
	const struct ktrq_os	*os;
	struct ktrq_os_mtx	*mtx;		/* NULL: the raw limit */
	struct ktrq_target	*t;		/* referenced */
};

struct direct *
direct_create(const struct ktrq_os *os, struct ktrq_target *t, int locked)
{
	struct direct *d;
	int error;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		bench_die("direct", ENOMEM);
	d->os = os;
	if (locked && (error = os->mtx_init(os->cookie, &d->mtx,
	    "ktrace direct")) != 0)
		bench_die("mtx_init", error);
	ktrq_target_hold(t);
	d->t = t;
	return (d);
}

void
direct_destroy(struct direct *d)
{

	if (d->mtx != NULL)
		d->os->mtx_destroy(d->os->cookie, d->mtx);
	ktrq_target_rele(d->t);
	free(d);
}

int
direct_syscall(struct direct *d, int pid, int64_t tid, int code, int narg,
    const uint64_t *args)
{
	uint8_t hdr[KTRQ_REC_HDR_V1_SIZE];
	uint8_t fixed[KTRQ_REC_SYSCALL_SIZE(KTRQ_REC_MAXARGS)];
	struct ktrq_rec_syscall s;
	struct ktrq_rec_hdr h;
	struct ktrq_iov iov[2];
	uint64_t ns;
	int error;

	memset(&s, 0, sizeof(s));
	s.code = (int16_t)code;
	s.narg = (int16_t)narg;
	memcpy(s.args, args, (size_t)narg * sizeof(args[0]));
	ns = d->os->clock_ns(d->os->cookie);
	memset(&h, 0, sizeof(h));
	iov[1].base = fixed;
	iov[1].len = ktrq_rec_syscall_encode(fixed, &s);
	h.len = (int32_t)iov[1].len;
	h.type = KTR_SYSCALL;
	h.pid = pid;
	memcpy(h.comm, "bench", sizeof("bench"));
	h.sec = (int64_t)(ns / 1000000000U);
	h.nsec = (int64_t)(ns % 1000000000U);
	h.tid = tid;
	iov[0].base = hdr;
	iov[0].len = ktrq_rec_hdr_encode(hdr, &h);
	if (d->mtx != NULL)
		d->os->mtx_enter(d->os->cookie, d->mtx);
	error = ktrq_target_write(d->t, iov, 2, &bench_cred);
	if (d->mtx != NULL)
		d->os->mtx_exit(d->os->cookie, d->mtx);
	return (error);
}
