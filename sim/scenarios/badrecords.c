/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The reader's bad input: records a file may hold that no writer of
 * this library makes -- truncated, corrupt, the original version-0
 * header, negative fields -- fed to the public decoders, each checked
 * for the errno and the fields ktrq/record.h documents.  The records
 * are built with the public encoders, then cut or altered a byte at a
 * time where the choice of what to alter is the run's.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "ktrq/record.h"
#include "ktrq/sim.h"
#include "actors.h"

#define	WANT(os, call, want)	scn_want((os), (call), (want), #call)

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

/* A version-1 record of a sysret with negative fields; its length. */
static size_t
make_record(uint8_t *buf, struct ktrq_rec_hdr *h, struct ktrq_rec_sysret *s)
{

	memset(h, 0, sizeof(*h));
	h->len = KTRQ_REC_SYSRET_SIZE;
	h->type = KTR_SYSRET;
	h->pid = -2;
	memset(h->comm, 'c', sizeof(h->comm));	/* not terminated */
	h->sec = -1;
	h->nsec = 999999999;
	h->tid = -3;
	h->cpu = -1;
	s->code = -1;
	s->eosys = 0;
	s->error = -4;
	s->retval = -5;
	ktrq_rec_hdr_encode(buf, h);
	ktrq_rec_sysret_encode(buf + KTRQ_REC_HDR_V1_SIZE, s);
	return (KTRQ_REC_HDR_V1_SIZE + KTRQ_REC_SYSRET_SIZE);
}

/* Negative numbers and a full comm survive the round trip. */
static void
round_trip(const struct ktrq_os *os)
{
	uint8_t buf[128];
	struct ktrq_rec_hdr h, g;
	struct ktrq_rec_sysret s, t;
	const uint8_t *pl;
	size_t len, off = 0;

	len = make_record(buf, &h, &s);
	WANT(os, ktrq_rec_next(buf, len, &off, &g, &pl), 0);
	WANT(os, ktrq_rec_sysret_decode(pl, (size_t)g.len, &t), 0);
	if (g.pid != -2 || g.sec != -1 || g.tid != -3 || g.cpu != -1 ||
	    g.version != KTR_VERSION1 || g.type != (KTR_SYSRET |
	    KTR_VERSIONED) || strlen(g.comm) != KTRQ_REC_COMM_SIZE - 1 ||
	    t.code != -1 || t.error != -4 || t.retval != -5 || off != len)
		ktrq_sim_fail(os, "scenario: a record read back differs from "
		    "the one written");
	WANT(os, ktrq_rec_next(buf, len, &off, &g, &pl), ENOENT);
}

static void
bad_headers(const struct ktrq_os *os)
{
	uint8_t buf[128], cut[128];
	struct ktrq_rec_hdr h;
	struct ktrq_rec_sysret s;
	size_t hl, len, n;

	len = make_record(buf, &h, &s);
	WANT(os, ktrq_rec_hdr_decode(NULL, len, &h, &hl), EINVAL);
	WANT(os, ktrq_rec_hdr_decode(buf, len, NULL, &hl), EINVAL);
	WANT(os, ktrq_rec_hdr_decode(buf, len, &h, NULL), EINVAL);
	n = ktrq_sim_choose(os, 8, "header cut");
	WANT(os, ktrq_rec_hdr_decode(buf, n, &h, &hl), EMSGSIZE);
	n = 8 + ktrq_sim_choose(os, KTRQ_REC_HDR_V1_SIZE - 8, "v1 cut");
	memcpy(cut, buf, n);
	WANT(os, ktrq_rec_hdr_decode(cut, n, &h, &hl), EMSGSIZE);
	memcpy(cut, buf, len);
	cut[6] = 2;					/* version 2 */
	WANT(os, ktrq_rec_hdr_decode(cut, len, &h, &hl), EBADMSG);
	WANT(os, h.version, 2);
	memcpy(cut, buf, len);
	put64(cut + 40, ktrq_sim_choose(os, 2, "nsec") ? 1000000000 :
	    UINT64_MAX);				/* nsec 10^9 or -1 */
	WANT(os, ktrq_rec_hdr_decode(cut, len, &h, &hl), EBADMSG);
	memcpy(cut, buf, len);
	put32(cut, ktrq_sim_choose(os, 2, "len") ? UINT32_MAX :
	    KTRQ_REC_MAXLEN + 1);			/* len -1 or too long */
	WANT(os, ktrq_rec_hdr_decode(cut, len, &h, &hl), EBADMSG);
	WANT(os, (int)hl, KTRQ_REC_HDR_V1_SIZE);
}

/* The original header: no KTR_VERSIONED, 56 bytes, a timeval. */
static void
version0(const struct ktrq_os *os)
{
	uint8_t buf[128];
	struct ktrq_rec_hdr h;
	const uint8_t *pl;
	size_t hl, off = 0;
	uint64_t usec;

	memset(buf, 0, sizeof(buf));
	put32(buf, 3);
	buf[4] = KTR_NAMEI;
	put32(buf + 8, 42);
	memcpy(buf + 12, "old", 3);
	usec = ktrq_sim_choose(os, 1000000, "usec");
	put64(buf + 40, usec);
	memcpy(buf + KTRQ_REC_HDR_V0_SIZE, "/v0", 3);
	WANT(os, ktrq_rec_hdr_decode(buf, KTRQ_REC_HDR_V0_SIZE - 1, &h, &hl),
	    EMSGSIZE);
	WANT(os, ktrq_rec_next(buf, KTRQ_REC_HDR_V0_SIZE + 3, &off, &h, &pl),
	    0);
	if (h.version != KTR_VERSION0 || h.nsec != (int64_t)usec * 1000 ||
	    h.cpu != 0 || h.pid != 42 || strcmp(h.comm, "old") != 0 ||
	    pl != buf + KTRQ_REC_HDR_V0_SIZE || memcmp(pl, "/v0", 3) != 0)
		ktrq_sim_fail(os, "scenario: a version-0 header misread");
	put64(buf + 40, ktrq_sim_choose(os, 2, "usec") ? 1000000 :
	    UINT64_MAX);				/* not normalised */
	WANT(os, ktrq_rec_hdr_decode(buf, sizeof(buf), &h, &hl), EBADMSG);
	WANT(os, h.nsec, 0);
}

static void
bad_next(const struct ktrq_os *os)
{
	uint8_t buf[128];
	struct ktrq_rec_hdr h;
	struct ktrq_rec_sysret s;
	const uint8_t *pl = NULL;
	size_t len, off;

	len = make_record(buf, &h, &s);
	off = 0;
	WANT(os, ktrq_rec_next(buf, len, NULL, &h, &pl), EINVAL);
	WANT(os, ktrq_rec_next(buf, len, &off, NULL, &pl), EINVAL);
	WANT(os, ktrq_rec_next(buf, len, &off, &h, NULL), EINVAL);
	WANT(os, ktrq_rec_next(NULL, len, &off, &h, &pl), EINVAL);
	WANT(os, ktrq_rec_next(NULL, 0, &off, &h, &pl), ENOENT);
	off = len + 1;
	WANT(os, ktrq_rec_next(buf, len, &off, &h, &pl), EINVAL);
	off = 0;
	/* Cut inside the payload, or a corrupt header. */
	WANT(os, ktrq_rec_next(buf, len - 1 - ktrq_sim_choose(os,
	    KTRQ_REC_SYSRET_SIZE, "payload cut"), &off, &h, &pl), EMSGSIZE);
	buf[6] = 0;
	WANT(os, ktrq_rec_next(buf, len, &off, &h, &pl), EBADMSG);
	if (off != 0 || pl != NULL)
		ktrq_sim_fail(os, "scenario: a failed rec_next moved on");
}

static void
bad_syscall(const struct ktrq_os *os)
{
	struct ktrq_rec_syscall s, t;
	uint8_t buf[KTRQ_REC_SYSCALL_SIZE(KTRQ_REC_MAXARGS) + 8];
	size_t n;

	memset(&s, 0, sizeof(s));
	s.narg = -1;				/* clamped to 0 */
	WANT(os, (int)ktrq_rec_syscall_encode(buf, &s),
	    (int)KTRQ_REC_SYSCALL_SIZE(0));
	s.narg = KTRQ_REC_MAXARGS + 1;		/* clamped to the most */
	n = ktrq_rec_syscall_encode(buf, &s);
	WANT(os, (int)n, (int)KTRQ_REC_SYSCALL_SIZE(KTRQ_REC_MAXARGS));
	WANT(os, ktrq_rec_syscall_decode(buf, n, &t), 0);
	WANT(os, t.narg, KTRQ_REC_MAXARGS);
	WANT(os, ktrq_rec_syscall_decode(NULL, n, &t), EINVAL);
	WANT(os, ktrq_rec_syscall_decode(buf, n, NULL), EINVAL);
	WANT(os, ktrq_rec_syscall_decode(buf, 7, &t), EMSGSIZE);
	WANT(os, ktrq_rec_syscall_decode(buf, n - 8, &t), EBADMSG);
	buf[2] = 0xff;
	buf[3] = 0xff;				/* narg -1 */
	WANT(os, ktrq_rec_syscall_decode(buf, n, &t), EBADMSG);
	buf[2] = KTRQ_REC_MAXARGS + 1;
	buf[3] = 0;
	WANT(os, ktrq_rec_syscall_decode(buf, n + 8, &t), EBADMSG);
}

/* The fixed-size payloads: NULL, short, long. */
static void
bad_fixed(const struct ktrq_os *os)
{
	uint8_t buf[64];
	struct ktrq_rec_sysret sr;
	struct ktrq_rec_psig ps;
	struct ktrq_rec_csw cs;
	struct ktrq_rec_genio g;

	memset(buf, 0, sizeof(buf));
	WANT(os, ktrq_rec_sysret_decode(NULL, 16, &sr), EINVAL);
	WANT(os, ktrq_rec_sysret_decode(buf, 16, NULL), EINVAL);
	WANT(os, ktrq_rec_sysret_decode(buf, 15, &sr), EMSGSIZE);
	WANT(os, ktrq_rec_sysret_decode(buf, 17, &sr), EBADMSG);
	WANT(os, ktrq_rec_psig_decode(buf, 39, &ps), EMSGSIZE);
	WANT(os, ktrq_rec_psig_decode(buf, 41, &ps), EBADMSG);
	WANT(os, ktrq_rec_csw_decode(NULL, 8, &cs), EINVAL);
	WANT(os, ktrq_rec_csw_decode(buf, 7, &cs), EMSGSIZE);
	WANT(os, ktrq_rec_csw_decode(buf, 9, &cs), EBADMSG);
	WANT(os, ktrq_rec_genio_decode(NULL, 8, &g), EINVAL);
	WANT(os, ktrq_rec_genio_decode(buf, 8, NULL), EINVAL);
	WANT(os, ktrq_rec_genio_decode(buf, 7, &g), EMSGSIZE);
	put32(buf, UINT32_MAX);
	WANT(os, ktrq_rec_genio_decode(buf, 8 + ktrq_sim_choose(os, 50,
	    "genio data"), &g), 0);
	WANT(os, g.fd, -1);
}

static void
tags(const struct ktrq_os *os)
{
	static const char *const want[] = { NULL, "CALL", "RET", "NAMI",
	    "GIO", "PSIG", "CSW", "USER", NULL };
	const char *t;
	int i;

	for (i = 0; i <= KTR_USER + 1; i++) {
		t = ktrq_rec_tag(i);
		if ((t == NULL) != (want[i] == NULL) ||
		    (t != NULL && strcmp(t, want[i]) != 0))
			ktrq_sim_fail(os, "scenario: ktrq_rec_tag(%d) is %s", i,
			    t != NULL ? t : "NULL");
	}
	if (ktrq_rec_tag(-1) != NULL)
		ktrq_sim_fail(os, "scenario: ktrq_rec_tag(-1) is not NULL");
}

void
scn_bad_records(const struct ktrq_os *os)
{

	round_trip(os);
	bad_headers(os);
	version0(os);
	bad_next(os);
	bad_syscall(os);
	bad_fixed(os);
	tags(os);
}
