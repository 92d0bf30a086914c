/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The trace-record codec: structures to and from the little-endian byte
 * layout of a FreeBSD amd64 ktrace.out file.
 *
 * Every field is moved one byte at a time with shifts, never by copying a
 * structure, so the result is the same on any host whatever its byte
 * order, alignment or padding.  Signed values are converted through their
 * two's-complement bit pattern explicitly, because converting an
 * out-of-range unsigned value to a signed type is implementation-defined
 * in C11.  Decoders trust nothing they read: every length and every
 * value used in arithmetic is checked first.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ktrq/record.h"

/* Header field offsets (v1; v0 differs only from 32 on, see below). */
#define	HDR_LEN		0
#define	HDR_TYPE	4
#define	HDR_VERSION	6
#define	HDR_PID		8
#define	HDR_COMM	12
#define	HDR_SEC		32
#define	HDR_NSEC	40	/* v0: usec */
#define	HDR_TID		48
#define	HDR_CPU		56
#define	HDR_PAD		60

/* Bytes needed to see the type field and so choose v0 or v1. */
#define	HDR_PEEK	8

#define	NSEC_PER_SEC	1000000000
#define	USEC_PER_SEC	1000000

static void
put16(uint8_t *p, uint16_t v)
{

	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put32(uint8_t *p, uint32_t v)
{

	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void
put64(uint8_t *p, uint64_t v)
{

	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint16_t
get16(const uint8_t *p)
{

	return ((uint16_t)(p[0] | (unsigned)p[1] << 8));
}

static uint32_t
get32(const uint8_t *p)
{

	return ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
	    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

static uint64_t
get64(const uint8_t *p)
{

	return ((uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32);
}

/* Two's-complement reinterpretation without implementation-defined casts. */
static int16_t
to_s16(uint16_t u)
{

	if (u <= INT16_MAX)
		return ((int16_t)u);
	return ((int16_t)(-(int32_t)(UINT16_MAX - u) - 1));
}

static int32_t
to_s32(uint32_t u)
{

	if (u <= INT32_MAX)
		return ((int32_t)u);
	return (-(int32_t)(UINT32_MAX - u) - 1);
}

static int64_t
to_s64(uint64_t u)
{

	if (u <= INT64_MAX)
		return ((int64_t)u);
	return (-(int64_t)(UINT64_MAX - u) - 1);
}

size_t
ktrq_rec_hdr_encode(uint8_t out[KTRQ_REC_HDR_V1_SIZE],
    const struct ktrq_rec_hdr *h)
{
	size_t i;

	memset(out, 0, KTRQ_REC_HDR_V1_SIZE);
	put32(out + HDR_LEN, (uint32_t)h->len);
	put16(out + HDR_TYPE, (uint16_t)(h->type | KTR_VERSIONED));
	put16(out + HDR_VERSION, KTR_VERSION1);
	put32(out + HDR_PID, (uint32_t)h->pid);
	/* The source need not be terminated: stop at 19 bytes regardless. */
	for (i = 0; i < KTRQ_REC_COMM_SIZE - 1 && h->comm[i] != '\0'; i++)
		out[HDR_COMM + i] = (uint8_t)h->comm[i];
	put64(out + HDR_SEC, (uint64_t)h->sec);
	put64(out + HDR_NSEC, (uint64_t)h->nsec);
	put64(out + HDR_TID, (uint64_t)h->tid);
	put32(out + HDR_CPU, (uint32_t)h->cpu);
	return (KTRQ_REC_HDR_V1_SIZE);
}

size_t
ktrq_rec_syscall_encode(uint8_t *out, const struct ktrq_rec_syscall *s)
{
	int narg, i;

	narg = s->narg;
	if (narg < 0)
		narg = 0;
	if (narg > KTRQ_REC_MAXARGS)
		narg = KTRQ_REC_MAXARGS;
	memset(out, 0, KTRQ_REC_SYSCALL_SIZE(0));
	put16(out, (uint16_t)s->code);
	put16(out + 2, (uint16_t)narg);
	for (i = 0; i < narg; i++)
		put64(out + KTRQ_REC_SYSCALL_SIZE(i), s->args[i]);
	return (KTRQ_REC_SYSCALL_SIZE(narg));
}

size_t
ktrq_rec_sysret_encode(uint8_t out[KTRQ_REC_SYSRET_SIZE],
    const struct ktrq_rec_sysret *s)
{

	put16(out, (uint16_t)s->code);
	put16(out + 2, (uint16_t)s->eosys);
	put32(out + 4, (uint32_t)s->error);
	put64(out + 8, (uint64_t)s->retval);
	return (KTRQ_REC_SYSRET_SIZE);
}

size_t
ktrq_rec_genio_encode(uint8_t out[KTRQ_REC_GENIO_SIZE],
    const struct ktrq_rec_genio *g)
{

	put32(out, (uint32_t)g->fd);
	put32(out + 4, (uint32_t)g->rw);
	return (KTRQ_REC_GENIO_SIZE);
}

size_t
ktrq_rec_psig_encode(uint8_t out[KTRQ_REC_PSIG_SIZE],
    const struct ktrq_rec_psig *p)
{
	int i;

	memset(out, 0, KTRQ_REC_PSIG_SIZE);
	put32(out, (uint32_t)p->signo);
	put64(out + 8, p->action);
	put32(out + 16, (uint32_t)p->code);
	for (i = 0; i < 4; i++)
		put32(out + 20 + 4 * i, p->mask[i]);
	return (KTRQ_REC_PSIG_SIZE);
}

size_t
ktrq_rec_csw_encode(uint8_t out[KTRQ_REC_CSW_SIZE],
    const struct ktrq_rec_csw *c)
{

	put32(out, (uint32_t)c->out);
	put32(out + 4, (uint32_t)c->user);
	return (KTRQ_REC_CSW_SIZE);
}

/*
 * The fields common to both versions; sec, nsec, version and cpu are the
 * caller's, since their encoding is what differs.
 */
static void
hdr_decode_common(const uint8_t *buf, struct ktrq_rec_hdr *h)
{
	size_t i;

	h->len = to_s32(get32(buf + HDR_LEN));
	h->type = get16(buf + HDR_TYPE);
	h->pid = to_s32(get32(buf + HDR_PID));
	for (i = 0; i < KTRQ_REC_COMM_SIZE; i++)
		h->comm[i] = (char)buf[HDR_COMM + i];
	h->comm[KTRQ_REC_COMM_SIZE - 1] = '\0';
	h->sec = to_s64(get64(buf + HDR_SEC));
	h->tid = to_s64(get64(buf + HDR_TID));
}

/* Returns 0 or EBADMSG; *h is filled either way. */
static int
hdr_decode_v1(const uint8_t *buf, struct ktrq_rec_hdr *h)
{

	hdr_decode_common(buf, h);
	h->version = get16(buf + HDR_VERSION);
	h->nsec = to_s64(get64(buf + HDR_NSEC));
	h->cpu = to_s32(get32(buf + HDR_CPU));
	if (h->version != KTR_VERSION1)
		return (EBADMSG);
	if (h->nsec < 0 || h->nsec >= NSEC_PER_SEC)
		return (EBADMSG);
	return (0);
}

/* Returns 0 or EBADMSG; *h is filled either way (nsec 0 if usec is bad). */
static int
hdr_decode_v0(const uint8_t *buf, struct ktrq_rec_hdr *h)
{
	int64_t usec;

	hdr_decode_common(buf, h);
	h->version = KTR_VERSION0;
	h->cpu = 0;
	h->nsec = 0;
	usec = to_s64(get64(buf + HDR_NSEC));
	if (usec < 0 || usec >= USEC_PER_SEC)
		return (EBADMSG);
	h->nsec = usec * 1000;
	return (0);
}

int
ktrq_rec_hdr_decode(const uint8_t *buf, size_t avail, struct ktrq_rec_hdr *h,
    size_t *hdrlen)
{
	size_t need;
	int error;

	if (buf == NULL || h == NULL || hdrlen == NULL)
		return (EINVAL);
	if (avail < HDR_PEEK)
		return (EMSGSIZE);
	if (get16(buf + HDR_TYPE) & KTR_VERSIONED)
		need = KTRQ_REC_HDR_V1_SIZE;
	else
		need = KTRQ_REC_HDR_V0_SIZE;
	if (avail < need)
		return (EMSGSIZE);
	if (need == KTRQ_REC_HDR_V1_SIZE)
		error = hdr_decode_v1(buf, h);
	else
		error = hdr_decode_v0(buf, h);
	*hdrlen = need;
	if (h->len < 0 || h->len > KTRQ_REC_MAXLEN)
		return (EBADMSG);
	return (error);
}

/*
 * The record at *offp of buf[0..len): see record.h.  hdr_decode has
 * already bounded h->len to [0, KTRQ_REC_MAXLEN] on success, so the
 * payload check only compares it with what is left after the header.
 */
int
ktrq_rec_next(const uint8_t *buf, size_t len, size_t *offp,
    struct ktrq_rec_hdr *h, const uint8_t **payloadp)
{
	size_t off, hl;
	int error;

	if (offp == NULL || h == NULL || payloadp == NULL)
		return (EINVAL);
	off = *offp;
	if (off > len)
		return (EINVAL);
	if (off == len)
		return (ENOENT);
	if (buf == NULL)
		return (EINVAL);
	if ((error = ktrq_rec_hdr_decode(buf + off, len - off, h, &hl)) != 0)
		return (error);
	if (h->len < 0 || (size_t)h->len > len - off - hl)
		return (EMSGSIZE);
	*payloadp = buf + off + hl;
	*offp = off + hl + (size_t)h->len;
	return (0);
}

int
ktrq_rec_syscall_decode(const uint8_t *buf, size_t len,
    struct ktrq_rec_syscall *s)
{
	int narg, i;

	if (buf == NULL || s == NULL)
		return (EINVAL);
	if (len < KTRQ_REC_SYSCALL_SIZE(0))
		return (EMSGSIZE);
	narg = to_s16(get16(buf + 2));
	if (narg < 0 || narg > KTRQ_REC_MAXARGS ||
	    len != KTRQ_REC_SYSCALL_SIZE(narg))
		return (EBADMSG);
	s->code = to_s16(get16(buf));
	s->narg = (int16_t)narg;
	for (i = 0; i < KTRQ_REC_MAXARGS; i++) {
		if (i < narg)
			s->args[i] = get64(buf + KTRQ_REC_SYSCALL_SIZE(i));
		else
			s->args[i] = 0;
	}
	return (0);
}

/*
 * The common length rule of the fixed-size payloads: too short to read is
 * EMSGSIZE, readable but longer than the type allows is corruption.
 */
static int
fixed_len(const uint8_t *buf, const void *out, size_t len, size_t size)
{

	if (buf == NULL || out == NULL)
		return (EINVAL);
	if (len < size)
		return (EMSGSIZE);
	if (len > size)
		return (EBADMSG);
	return (0);
}

int
ktrq_rec_sysret_decode(const uint8_t *buf, size_t len,
    struct ktrq_rec_sysret *s)
{
	int error;

	if ((error = fixed_len(buf, s, len, KTRQ_REC_SYSRET_SIZE)) != 0)
		return (error);
	s->code = to_s16(get16(buf));
	s->eosys = to_s16(get16(buf + 2));
	s->error = to_s32(get32(buf + 4));
	s->retval = to_s64(get64(buf + 8));
	return (0);
}

int
ktrq_rec_genio_decode(const uint8_t *buf, size_t len,
    struct ktrq_rec_genio *g)
{

	if (buf == NULL || g == NULL)
		return (EINVAL);
	if (len < KTRQ_REC_GENIO_SIZE)
		return (EMSGSIZE);
	g->fd = to_s32(get32(buf));
	g->rw = to_s32(get32(buf + 4));
	return (0);
}

int
ktrq_rec_psig_decode(const uint8_t *buf, size_t len, struct ktrq_rec_psig *p)
{
	int error, i;

	if ((error = fixed_len(buf, p, len, KTRQ_REC_PSIG_SIZE)) != 0)
		return (error);
	p->signo = to_s32(get32(buf));
	p->action = get64(buf + 8);
	p->code = to_s32(get32(buf + 16));
	for (i = 0; i < 4; i++)
		p->mask[i] = get32(buf + 20 + 4 * i);
	return (0);
}

int
ktrq_rec_csw_decode(const uint8_t *buf, size_t len, struct ktrq_rec_csw *c)
{
	int error;

	if ((error = fixed_len(buf, c, len, KTRQ_REC_CSW_SIZE)) != 0)
		return (error);
	c->out = to_s32(get32(buf));
	c->user = to_s32(get32(buf + 4));
	return (0);
}

const char *
ktrq_rec_tag(int type)
{
	static const char *const tags[] = {
		[KTR_SYSCALL] = "CALL",
		[KTR_SYSRET] = "RET",
		[KTR_NAMEI] = "NAMI",
		[KTR_GENIO] = "GIO",
		[KTR_PSIG] = "PSIG",
		[KTR_CSW] = "CSW",
		[KTR_USER] = "USER",
	};

	if (type < KTR_SYSCALL || type > KTR_USER)
		return (NULL);
	return (tags[type]);
}
