/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The record codec against bytes written out by hand.
 *
 * Every expected array below was computed from the layout in
 * docs/ktrace-reference.md ("Record format"), not produced by the code
 * under test, so a wrong offset, width or byte order in an encoder fails
 * here even if its decoder agrees with it.  Each encoder writes into a
 * buffer pre-filled with 0xAA so that padding left unwritten, and any
 * byte written past the documented size, both show.  Decoding the
 * encoded bytes must then give back the input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "ktrq/record.h"

#define	POISON	0xAA
#define	BUFSZ	128

static uint8_t buf[BUFSZ];

static void
poison(void)
{

	memset(buf, POISON, sizeof(buf));
}

/* buf holds exactly `want` and nothing was written past it. */
static void
assert_encoded(const uint8_t *want, size_t n, size_t got)
{
	size_t i;

	assert_int_equal(got, n);
	assert_memory_equal(buf, want, n);
	for (i = n; i < BUFSZ; i++)
		assert_int_equal(buf[i], POISON);
}

static void
hdr_fill(struct ktrq_rec_hdr *h, int32_t len, uint16_t type, int32_t pid,
    const char *comm, int64_t sec, int64_t nsec, int64_t tid, int32_t cpu)
{

	memset(h, 0, sizeof(*h));
	h->len = len;
	h->type = type;
	h->pid = pid;
	/* Not necessarily terminated: the encoder must stop at 19. */
	memcpy(h->comm, comm, strnlen(comm, sizeof(h->comm)));
	h->sec = sec;
	h->nsec = nsec;
	h->tid = tid;
	h->cpu = cpu;
}

/* Decode what was encoded; the result is the input made canonical. */
static void
assert_hdr_roundtrip(const struct ktrq_rec_hdr *in, const char *comm)
{
	struct ktrq_rec_hdr out;
	size_t hdrlen = 0;

	assert_int_equal(ktrq_rec_hdr_decode(buf, KTRQ_REC_HDR_V1_SIZE, &out,
	    &hdrlen), 0);
	assert_int_equal(hdrlen, KTRQ_REC_HDR_V1_SIZE);
	assert_int_equal(out.len, in->len);
	assert_int_equal(out.type, in->type | KTR_VERSIONED);
	assert_int_equal(out.version, KTR_VERSION1);
	assert_int_equal(out.pid, in->pid);
	assert_string_equal(out.comm, comm);
	assert_int_equal(out.comm[KTRQ_REC_COMM_SIZE - 1], '\0');
	assert_true(out.sec == in->sec);
	assert_true(out.nsec == in->nsec);
	assert_true(out.tid == in->tid);
	assert_int_equal(out.cpu, in->cpu);
}

static void
test_hdr_plain(void **state)
{
	static const uint8_t want[KTRQ_REC_HDR_V1_SIZE] = {
		0x10, 0x00, 0x00, 0x00,		/* len 16 */
		0x02, 0x40,			/* SYSRET | VERSIONED */
		0x01, 0x00,			/* version 1 */
		0x34, 0x12, 0x00, 0x00,		/* pid 0x1234 */
		's', 'h', 0, 0, 0, 0, 0, 0, 0, 0,	/* comm @12 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, /* sec @32 */
		0xff, 0xc9, 0x9a, 0x3b, 0x00, 0x00, 0x00, 0x00, /* 999999999 */
		0xa1, 0x86, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, /* tid 100001 */
		0x03, 0x00, 0x00, 0x00,		/* cpu 3 @56 */
		0x00, 0x00, 0x00, 0x00,		/* padding @60 */
	};
	struct ktrq_rec_hdr h;

	(void)state;
	/* version 7 in, version 1 out: the encoder always writes v1. */
	hdr_fill(&h, 16, KTR_SYSRET, 0x1234, "sh", 0x0102030405060708LL,
	    999999999, 100001, 3);
	h.version = 7;
	poison();
	assert_encoded(want, sizeof(want), ktrq_rec_hdr_encode(buf, &h));
	assert_hdr_roundtrip(&h, "sh");
}

static void
test_hdr_drop_comm19(void **state)
{
	static const uint8_t want[KTRQ_REC_HDR_V1_SIZE] = {
		0x00, 0x00, 0x00, 0x00,		/* len 0 */
		0x06, 0xc0,			/* CSW | VERSIONED | DROP */
		0x01, 0x00,
		0xff, 0xff, 0xff, 0xff,		/* pid -1 */
		'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j',
		'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 0,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* sec -1 */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, /* tid */
		0x00, 0x00, 0x00, 0x80,		/* cpu INT32_MIN */
		0x00, 0x00, 0x00, 0x00,
	};
	struct ktrq_rec_hdr h;

	(void)state;
	hdr_fill(&h, 0, KTR_CSW | KTR_DROP, -1, "abcdefghijklmnopqrs", -1, 0,
	    INT64_MAX - 1, INT32_MIN);
	poison();
	assert_encoded(want, sizeof(want), ktrq_rec_hdr_encode(buf, &h));
	assert_hdr_roundtrip(&h, "abcdefghijklmnopqrs");
}

static void
test_hdr_comm_truncated(void **state)
{
	static const uint8_t want[KTRQ_REC_HDR_V1_SIZE] = {
		0xff, 0xff, 0x0f, 0x00,		/* len 0xfffff */
		0x07, 0x40,			/* USER | VERSIONED */
		0x01, 0x00,
		0x01, 0x00, 0x00, 0x00,
		'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J',
		'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R', 'S', 0, /* no T */
		0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0,
		0, 0, 0, 0,
	};
	struct ktrq_rec_hdr h;

	(void)state;
	/* 20 bytes, no NUL at all in the source array. */
	hdr_fill(&h, 0xfffff, KTR_USER | KTR_VERSIONED, 1,
	    "ABCDEFGHIJKLMNOPQRST", 0, 0, 0, 0);
	assert_int_not_equal(h.comm[KTRQ_REC_COMM_SIZE - 1], '\0');
	poison();
	assert_encoded(want, sizeof(want), ktrq_rec_hdr_encode(buf, &h));
	assert_hdr_roundtrip(&h, "ABCDEFGHIJKLMNOPQRS");
}

/* A v0 header, 56 bytes, as FreeBSD wrote before KTR_VERSIONED. */
static void
test_hdr_v0_decode(void **state)
{
	static const uint8_t v0[KTRQ_REC_HDR_V1_SIZE] = {
		0x04, 0x00, 0x00, 0x00,		/* len 4 */
		0x03, 0x80,			/* NAMEI | DROP, v0 */
		0xab, 0xcd,			/* padding: ignored */
		0x94, 0x01, 0x00, 0x00,		/* pid 404 */
		'o', 'l', 'd', 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xe7, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* sec 999 */
		0x3f, 0x42, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x00, /* usec */
		0x84, 0x1a, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, /* tid 400004 */
		/* The payload ("/tmp") and 4 more bytes: not header. */
		'/', 't', 'm', 'p', 0xee, 0xee, 0xee, 0xee,
	};
	struct ktrq_rec_hdr h;
	size_t hdrlen, avail;

	(void)state;
	for (avail = KTRQ_REC_HDR_V0_SIZE; avail <= sizeof(v0); avail += 8) {
		memset(&h, 0x55, sizeof(h));
		hdrlen = 0;
		assert_int_equal(ktrq_rec_hdr_decode(v0, avail, &h, &hdrlen),
		    0);
		assert_int_equal(hdrlen, KTRQ_REC_HDR_V0_SIZE);
		assert_int_equal(h.len, 4);
		assert_int_equal(h.type, KTR_NAMEI | KTR_DROP);
		assert_int_equal(h.version, KTR_VERSION0);
		assert_int_equal(h.pid, 404);
		assert_string_equal(h.comm, "old");
		assert_true(h.sec == 999);
		assert_true(h.nsec == 999999000);	/* usec * 1000 */
		assert_true(h.tid == 400004);
		assert_int_equal(h.cpu, 0);
	}
}

static void
test_syscall(void **state)
{
	static const uint8_t want3[] = {
		0x04, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, /* 4, 3 */
		0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0xe0, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x00,
		0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	static const uint8_t want0[] = {
		0xde, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 478 */
	};
	struct ktrq_rec_syscall s, d;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.code = 4;
	s.narg = 3;
	s.args[0] = 1;
	s.args[1] = 0x7fffffffe000ULL;
	s.args[2] = 12;
	s.args[3] = 0xdeadbeef;		/* beyond narg: not written */
	poison();
	assert_encoded(want3, sizeof(want3), ktrq_rec_syscall_encode(buf, &s));
	assert_int_equal(KTRQ_REC_SYSCALL_SIZE(3), sizeof(want3));
	memset(&d, 0x55, sizeof(d));
	assert_int_equal(ktrq_rec_syscall_decode(buf, sizeof(want3), &d), 0);
	assert_int_equal(d.code, 4);
	assert_int_equal(d.narg, 3);
	assert_true(d.args[0] == 1 && d.args[1] == 0x7fffffffe000ULL &&
	    d.args[2] == 12);
	assert_true(d.args[3] == 0 && d.args[7] == 0);	/* zeroed */

	s.code = 478;
	s.narg = -3;			/* clamped to 0 */
	poison();
	assert_encoded(want0, sizeof(want0), ktrq_rec_syscall_encode(buf, &s));
}

static void
test_syscall_clamped(void **state)
{
	struct ktrq_rec_syscall s, d;
	uint8_t want[KTRQ_REC_SYSCALL_SIZE(KTRQ_REC_MAXARGS)];
	int i, j;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.code = -1;
	s.narg = 9;			/* clamped to 8 */
	memset(want, 0, sizeof(want));
	want[0] = 0xff;
	want[1] = 0xff;
	want[2] = 8;
	/*
	 * Arg i is 0x0102030405060708 * (i + 1): no byte carries into the
	 * next, so little-endian byte j is (8 - j) * (i + 1).
	 */
	for (i = 0; i < KTRQ_REC_MAXARGS; i++) {
		s.args[i] = 0x0102030405060708ULL * (uint64_t)(i + 1);
		for (j = 0; j < 8; j++)
			want[8 + 8 * i + j] = (uint8_t)((8 - j) * (i + 1));
	}
	poison();
	assert_encoded(want, sizeof(want), ktrq_rec_syscall_encode(buf, &s));
	assert_int_equal(ktrq_rec_syscall_decode(buf, sizeof(want), &d), 0);
	assert_int_equal(d.code, -1);
	assert_int_equal(d.narg, KTRQ_REC_MAXARGS);
	assert_memory_equal(d.args, s.args, sizeof(d.args));
}

static void
test_sysret(void **state)
{
	static const uint8_t want[KTRQ_REC_SYSRET_SIZE] = {
		0xde, 0x01,				/* code 478 */
		0xff, 0xff,				/* eosys -1 */
		0x02, 0x00, 0x00, 0x00,			/* error 2 */
		0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,	/* -5 */
	};
	struct ktrq_rec_sysret s = { 478, -1, 2, -5 }, d;

	(void)state;
	poison();
	assert_encoded(want, sizeof(want), ktrq_rec_sysret_encode(buf, &s));
	memset(&d, 0x55, sizeof(d));
	assert_int_equal(ktrq_rec_sysret_decode(buf, sizeof(want), &d), 0);
	assert_int_equal(d.code, 478);
	assert_int_equal(d.eosys, -1);
	assert_int_equal(d.error, 2);
	assert_true(d.retval == -5);
}

static void
test_genio(void **state)
{
	static const uint8_t want[] = {
		0xff, 0xff, 0xff, 0xff,		/* fd -1 */
		0x01, 0x00, 0x00, 0x00,		/* write */
	};
	struct ktrq_rec_genio g = { -1, 1 }, d;
	uint8_t rec[KTRQ_REC_GENIO_SIZE + 3];

	(void)state;
	poison();
	assert_encoded(want, sizeof(want), ktrq_rec_genio_encode(buf, &g));
	/* The data follows the fixed part and is the caller's. */
	memcpy(rec, buf, KTRQ_REC_GENIO_SIZE);
	memcpy(rec + KTRQ_REC_GENIO_SIZE, "abc", 3);
	assert_int_equal(ktrq_rec_genio_decode(rec, sizeof(rec), &d), 0);
	assert_int_equal(d.fd, -1);
	assert_int_equal(d.rw, 1);
}

static void
test_psig(void **state)
{
	static const uint8_t want[KTRQ_REC_PSIG_SIZE] = {
		0x02, 0x00, 0x00, 0x00,			/* SIGINT */
		0x00, 0x00, 0x00, 0x00,			/* padding */
		0x00, 0x10, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, /* handler */
		0x01, 0x00, 0x01, 0x00,			/* code */
		0x02, 0x00, 0x00, 0x00,			/* mask[0] */
		0x00, 0x00, 0x00, 0x80,			/* mask[1] */
		0x00, 0x00, 0x00, 0x00,			/* mask[2] */
		0xef, 0xbe, 0xad, 0xde,			/* mask[3] */
		0x00, 0x00, 0x00, 0x00,			/* padding */
	};
	struct ktrq_rec_psig p = { 2, 0x401000, 0x10001,
	    { 0x2, 0x80000000u, 0, 0xdeadbeefu } }, d;

	(void)state;
	poison();
	assert_encoded(want, sizeof(want), ktrq_rec_psig_encode(buf, &p));
	memset(&d, 0x55, sizeof(d));
	assert_int_equal(ktrq_rec_psig_decode(buf, sizeof(want), &d), 0);
	assert_int_equal(d.signo, 2);
	assert_true(d.action == 0x401000);
	assert_int_equal(d.code, 0x10001);
	assert_memory_equal(d.mask, p.mask, sizeof(d.mask));
}

static void
test_csw(void **state)
{
	static const uint8_t want[KTRQ_REC_CSW_SIZE] = {
		0x01, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
	};
	struct ktrq_rec_csw c = { 1, 0 }, d;

	(void)state;
	poison();
	assert_encoded(want, sizeof(want), ktrq_rec_csw_encode(buf, &c));
	memset(&d, 0x55, sizeof(d));
	assert_int_equal(ktrq_rec_csw_decode(buf, sizeof(want), &d), 0);
	assert_int_equal(d.out, 1);
	assert_int_equal(d.user, 0);
}

static void
test_tags(void **state)
{

	(void)state;
	assert_string_equal(ktrq_rec_tag(KTR_SYSCALL), "CALL");
	assert_string_equal(ktrq_rec_tag(KTR_SYSRET), "RET");
	assert_string_equal(ktrq_rec_tag(KTR_NAMEI), "NAMI");
	assert_string_equal(ktrq_rec_tag(KTR_GENIO), "GIO");
	assert_string_equal(ktrq_rec_tag(KTR_PSIG), "PSIG");
	assert_string_equal(ktrq_rec_tag(KTR_CSW), "CSW");
	assert_string_equal(ktrq_rec_tag(KTR_USER), "USER");
	assert_null(ktrq_rec_tag(0));
	assert_null(ktrq_rec_tag(8));
	assert_null(ktrq_rec_tag(-1));
	assert_null(ktrq_rec_tag(KTR_SYSCALL | KTR_VERSIONED));
	assert_int_equal((KTR_SYSCALL | KTR_DROP | KTR_VERSIONED) & ~KTR_TYPE,
	    KTR_SYSCALL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hdr_plain),
		cmocka_unit_test(test_hdr_drop_comm19),
		cmocka_unit_test(test_hdr_comm_truncated),
		cmocka_unit_test(test_hdr_v0_decode),
		cmocka_unit_test(test_syscall),
		cmocka_unit_test(test_syscall_clamped),
		cmocka_unit_test(test_sysret),
		cmocka_unit_test(test_genio),
		cmocka_unit_test(test_psig),
		cmocka_unit_test(test_csw),
		cmocka_unit_test(test_tags),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
