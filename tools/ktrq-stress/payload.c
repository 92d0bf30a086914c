/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq-stress: the event mix and the payload of every event.
 *
 * The type of each event comes from the posting thread's generator,
 * seeded from --seed and the thread index; its payload is a pure function
 * of (seed, thread index, sequence number, type), so the checker rebuilds
 * exactly what should have been recorded and compares bytes.  Where each
 * event keeps its thread index and sequence number:
 *
 *	SYSCALL	args[0] = index, args[1] = sequence
 *	SYSRET	retval = index << 40 | sequence
 *	NAMEI	"/stress/INDEX/SEQ/aaaa..." (padding of varying length)
 *	GENIO	fd = index; data starts "GNIO", le32 index, le64 sequence
 *	PSIG	action = index << 40 | sequence; mask[0..2] the same again
 *	USER	"UTRC", le32 index, le64 sequence, then filler
 *	CSW	nothing: out and user are two booleans (sequence bits 0, 1)
 *
 * Some payloads are longer than KTRQ_INLINE_DATA, so the allocating path
 * of posting is exercised as well as the inline one.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "stress.h"

#define	DATA_MAX	1024
#define	SYSCALL_CODE	4	/* write(2), for kdump's sake */
#define	IDSHIFT		40

struct evpay {
	union {
		struct ktrq_rec_syscall	sc;
		struct ktrq_rec_sysret	sr;
		struct ktrq_rec_genio	gi;
		struct ktrq_rec_psig	ps;
		struct ktrq_rec_csw	cs;
	} u;
	size_t		len;		/* data bytes (namei, genio, user) */
	uint8_t		data[DATA_MAX + 1];
};

uint64_t
stress_mix64(uint64_t x)
{

	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return (x);
}

/* splitmix64: small, fast and good enough to pick event types. */
uint64_t
stress_rng(uint64_t *state)
{

	*state += 0x9e3779b97f4a7c15ULL;
	return (stress_mix64(*state));
}

int
stress_pick_type(uint64_t *state, double sync_ratio)
{
	static const int others[] = { KTR_SYSCALL, KTR_SYSRET, KTR_NAMEI,
	    KTR_PSIG, KTR_CSW, KTR_USER };
	uint64_t u;

	u = stress_rng(state);
	if ((double)(u >> 11) * 0x1p-53 < sync_ratio)
		return (KTR_GENIO);
	return (others[stress_rng(state) % 6]);
}

static uint64_t
ev_hash(uint64_t seed, unsigned idx, uint64_t seq)
{

	return (stress_mix64(seed ^ ((uint64_t)idx << IDSHIFT) ^ seq ^
	    0x6b74727173747273ULL));
}

static void
le32(uint8_t *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void
le64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t
get_le64(const uint8_t *p)
{
	uint64_t v;
	int i;

	for (v = 0, i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return (v);
}

static uint32_t
get_le32(const uint8_t *p)
{

	return ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24);
}

/* A tagged binary blob: tag, index, sequence, then `fill` bytes. */
static void
blob(struct evpay *e, const char *tag, unsigned idx, uint64_t seq,
    uint64_t h, size_t fill)
{
	size_t i;

	memcpy(e->data, tag, 4);
	le32(e->data + 4, idx);
	le64(e->data + 8, seq);
	for (i = 0; i < fill; i++)
		e->data[16 + i] = (uint8_t)(h + i * 7);
	e->len = 16 + fill;
}

static void
build_namei(struct evpay *e, unsigned idx, uint64_t seq, uint64_t h)
{
	size_t pad;
	int n;

	pad = (size_t)((h >> 8) % 48);
	if ((h >> 16) % 16 == 0)
		pad += 160;		/* past KTRQ_INLINE_DATA */
	n = snprintf((char *)e->data, DATA_MAX, "/stress/%u/%llu/", idx,
	    (unsigned long long)seq);
	memset(e->data + n, 'a' + (int)(h % 26), pad);
	e->len = (size_t)n + pad;
	e->data[e->len] = '\0';
}

static void
build_fixed(struct evpay *e, int type, unsigned idx, uint64_t seq,
    uint64_t h)
{
	uint64_t tagged = (uint64_t)idx << IDSHIFT | seq;
	int i;

	if (type == KTR_SYSCALL) {
		e->u.sc.code = SYSCALL_CODE;
		e->u.sc.narg = (int16_t)(3 + h % 6);
		e->u.sc.args[0] = idx;
		e->u.sc.args[1] = seq;
		for (i = 2; i < e->u.sc.narg; i++)
			e->u.sc.args[i] = h + (uint64_t)i;
	} else if (type == KTR_SYSRET) {
		e->u.sr.code = SYSCALL_CODE;
		e->u.sr.error = (h & 3) == 0 ? EAGAIN : 0;
		e->u.sr.retval = (int64_t)tagged;
	} else if (type == KTR_PSIG) {
		e->u.ps.signo = (int32_t)(1 + h % 31);
		e->u.ps.action = tagged;
		e->u.ps.code = (int32_t)((h >> 32) & 0x7fff);
		e->u.ps.mask[0] = idx;
		e->u.ps.mask[1] = (uint32_t)seq;
		e->u.ps.mask[2] = (uint32_t)(seq >> 32);
		e->u.ps.mask[3] = (uint32_t)h;
	} else if (type == KTR_CSW) {
		e->u.cs.out = (int32_t)(seq & 1);
		e->u.cs.user = (int32_t)((seq >> 1) & 1);
	}
}

static void
evpay_build(struct evpay *e, uint64_t seed, unsigned idx, int type,
    uint64_t seq)
{
	uint64_t h = ev_hash(seed, idx, seq);
	size_t fill;

	memset(&e->u, 0, sizeof(e->u));
	e->len = 0;
	switch (type) {
	case KTR_NAMEI:
		build_namei(e, idx, seq, h);
		break;
	case KTR_GENIO:
		e->u.gi.fd = (int32_t)idx;
		e->u.gi.rw = (int32_t)(seq & 1);
		fill = (size_t)((h >> 8) % 112);
		if ((h >> 16) % 16 == 0)
			fill += 300;
		blob(e, "GNIO", idx, seq, h, fill);
		break;
	case KTR_USER:
		fill = (size_t)((h >> 8) % 48);
		if ((h >> 16) % 32 == 0)
			fill += 400;
		blob(e, "UTRC", idx, seq, h, fill);
		break;
	default:
		build_fixed(e, type, idx, seq, h);
		break;
	}
}

/* Post event `seq` of type `type` from thread pp; the outcome code. */
int
stress_post_event(struct poster *pp, int type, uint64_t seq)
{
	struct ktrq_thread *td = pp->td;
	struct evpay e;

	evpay_build(&e, pp->run->o->seed, pp->idx, type, seq);
	switch (type) {
	case KTR_SYSCALL:
		return (ktrq_syscall(td, e.u.sc.code, e.u.sc.narg,
		    e.u.sc.args));
	case KTR_SYSRET:
		return (ktrq_sysret(td, e.u.sr.code, e.u.sr.error,
		    e.u.sr.retval));
	case KTR_NAMEI:
		return (ktrq_namei(td, (const char *)e.data));
	case KTR_GENIO:
		return (ktrq_genio(td, e.u.gi.fd, e.u.gi.rw, e.data, e.len));
	case KTR_PSIG:
		return (ktrq_psig(td, e.u.ps.signo, e.u.ps.action,
		    e.u.ps.code, e.u.ps.mask));
	case KTR_CSW:
		return (ktrq_csw(td, e.u.cs.out, e.u.cs.user));
	default:
		return (ktrq_utrace(td, e.data, e.len));
	}
}

/* The exact payload bytes event (idx, seq, type) should have produced. */
static size_t
expected_bytes(uint64_t seed, unsigned idx, int type, uint64_t seq,
    uint8_t *out)
{
	struct evpay e;
	size_t n;

	evpay_build(&e, seed, idx, type, seq);
	switch (type) {
	case KTR_SYSCALL:
		return (ktrq_rec_syscall_encode(out, &e.u.sc));
	case KTR_SYSRET:
		return (ktrq_rec_sysret_encode(out, &e.u.sr));
	case KTR_PSIG:
		return (ktrq_rec_psig_encode(out, &e.u.ps));
	case KTR_CSW:
		return (ktrq_rec_csw_encode(out, &e.u.cs));
	case KTR_GENIO:
		n = ktrq_rec_genio_encode(out, &e.u.gi);
		memcpy(out + n, e.data, e.len);
		return (n + e.len);
	default:
		memcpy(out, e.data, e.len);
		return (e.len);
	}
}

/* Parse "/stress/IDX/SEQ/" at the start of a path; 0 or -1. */
static int
namei_ids(const uint8_t *buf, size_t len, uint64_t *idxp, uint64_t *seqp)
{
	static const char pfx[] = "/stress/";
	uint64_t v[2];
	size_t i, j;

	if (len < sizeof(pfx) - 1 || memcmp(buf, pfx, sizeof(pfx) - 1) != 0)
		return (-1);
	i = sizeof(pfx) - 1;
	for (j = 0; j < 2; j++) {
		if (i >= len || buf[i] < '0' || buf[i] > '9')
			return (-1);
		for (v[j] = 0; i < len && buf[i] >= '0' && buf[i] <= '9'; i++)
			v[j] = v[j] * 10 + (uint64_t)(buf[i] - '0');
		if (i >= len || buf[i++] != '/' || v[j] > STRESS_EVENTS_MAX)
			return (-1);
	}
	*idxp = v[0];
	*seqp = v[1];
	return (0);
}

/* Decode a payload and pull out (index, sequence); 0, or an errno. */
static int
payload_ids(int type, const uint8_t *buf, size_t len, uint64_t *idxp,
    uint64_t *seqp)
{
	struct ktrq_rec_syscall sc;
	struct ktrq_rec_sysret sr;
	struct ktrq_rec_genio gi;
	struct ktrq_rec_psig ps;
	uint64_t tagged;
	int error;

	switch (type) {
	case KTR_SYSCALL:
		if ((error = ktrq_rec_syscall_decode(buf, len, &sc)) != 0)
			return (error);
		if (sc.narg < 2)
			return (EBADMSG);
		*idxp = sc.args[0];
		*seqp = sc.args[1];
		return (0);
	case KTR_SYSRET:
		if ((error = ktrq_rec_sysret_decode(buf, len, &sr)) != 0)
			return (error);
		tagged = (uint64_t)sr.retval;
		break;
	case KTR_PSIG:
		if ((error = ktrq_rec_psig_decode(buf, len, &ps)) != 0)
			return (error);
		tagged = ps.action;
		break;
	case KTR_NAMEI:
		return (namei_ids(buf, len, idxp, seqp) == 0 ? 0 : EBADMSG);
	case KTR_GENIO:
		if ((error = ktrq_rec_genio_decode(buf, len, &gi)) != 0)
			return (error);
		buf += KTRQ_REC_GENIO_SIZE;
		len -= KTRQ_REC_GENIO_SIZE;
		/* FALLTHROUGH */
	default:
		if (len < 16)
			return (EMSGSIZE);
		*idxp = get_le32(buf + 4);
		*seqp = get_le64(buf + 8);
		return (0);
	}
	*idxp = tagged >> IDSHIFT;
	*seqp = tagged & ((1ULL << IDSHIFT) - 1);
	return (0);
}

/*
 * Check a record's payload against the event it names.  Returns 0 with
 * *seqp the event's sequence number (-1 for a csw, which names none), or
 * -1 with the reason in `why`.  The caller checks *seqp is in range.
 */
int
stress_payload_check(const struct stress_opts *o, unsigned idx, int type,
    const uint8_t *buf, size_t len, int64_t *seqp, char *why, size_t whylen)
{
	uint8_t want[KTRQ_REC_GENIO_SIZE + DATA_MAX];
	struct ktrq_rec_csw cs;
	uint64_t ridx, seq;
	size_t n;
	int error;

	if (type == KTR_CSW) {
		if ((error = ktrq_rec_csw_decode(buf, len, &cs)) != 0) {
			snprintf(why, whylen, "csw payload: %s",
			    strerror(error));
			return (-1);
		}
		*seqp = -1;
		return (0);
	}
	if ((error = payload_ids(type, buf, len, &ridx, &seq)) != 0) {
		snprintf(why, whylen, "%s payload: %s", ktrq_rec_tag(type),
		    strerror(error));
		return (-1);
	}
	if (ridx != idx || seq >= STRESS_EVENTS_MAX) {
		snprintf(why, whylen, "%s payload names thread %llu seq %llu",
		    ktrq_rec_tag(type), (unsigned long long)ridx,
		    (unsigned long long)seq);
		return (-1);
	}
	n = expected_bytes(o->seed, idx, type, seq, want);
	if (n != len || memcmp(want, buf, n) != 0) {
		snprintf(why, whylen, "%s seq %llu: payload differs "
		    "(%zu bytes, expected %zu)", ktrq_rec_tag(type),
		    (unsigned long long)seq, len, n);
		return (-1);
	}
	*seqp = (int64_t)seq;
	return (0);
}

int
stress_csw_matches(const uint8_t *buf, size_t len, uint64_t seq)
{
	uint8_t want[KTRQ_REC_CSW_SIZE];
	struct evpay e;

	evpay_build(&e, 0, 0, KTR_CSW, seq);
	return (len == sizeof(want) &&
	    ktrq_rec_csw_encode(want, &e.u.cs) == sizeof(want) &&
	    memcmp(want, buf, sizeof(want)) == 0);
}
