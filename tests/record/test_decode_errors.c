/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Every way a decoder can refuse its input, and the errno it must give.
 *
 * The decoders are the reader's only defence against a hostile file, so
 * each documented refusal is checked at its boundary (the last bad value
 * and the first good one), and so is the promise that EINVAL and EMSGSIZE
 * leave the output untouched.  Type numbers are deliberately not errors:
 * kdump prints UNKNOWN(n) for them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "ktrq/record.h"

#define	SENTINEL	0x5a

static uint8_t hb[KTRQ_REC_HDR_V1_SIZE];

/* A valid v1 header (len 16, SYSRET) in hb. */
static void
v1(void)
{
	struct ktrq_rec_hdr h;

	memset(&h, 0, sizeof(h));
	h.len = 16;
	h.type = KTR_SYSRET;
	h.pid = 7;
	memcpy(h.comm, "x", 2);
	h.sec = 5;
	h.nsec = 6;
	ktrq_rec_hdr_encode(hb, &h);
}

/* The same as a v0 header: no version, usec, 56 bytes. */
static void
v0(void)
{

	v1();
	hb[5] = 0;		/* type 0x4002 -> 0x0002 */
	hb[6] = 0;		/* version -> padding */
	memset(hb + KTRQ_REC_HDR_V0_SIZE, 0, 8);
}

static void
set_le(uint8_t *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static int
decode(struct ktrq_rec_hdr *h, size_t *hdrlen)
{

	return (ktrq_rec_hdr_decode(hb, sizeof(hb), h, hdrlen));
}

static void
assert_untouched(const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		assert_int_equal(b[i], SENTINEL);
}

static void
test_null_args(void **state)
{
	struct ktrq_rec_hdr h;
	struct ktrq_rec_syscall sc;
	struct ktrq_rec_sysret sr;
	struct ktrq_rec_genio g;
	struct ktrq_rec_psig p;
	struct ktrq_rec_csw c;
	uint8_t b[KTRQ_REC_PSIG_SIZE];
	size_t hl;

	(void)state;
	v1();
	memset(b, 0, sizeof(b));
	assert_int_equal(ktrq_rec_hdr_decode(NULL, 64, &h, &hl), EINVAL);
	assert_int_equal(ktrq_rec_hdr_decode(hb, 64, NULL, &hl), EINVAL);
	assert_int_equal(ktrq_rec_hdr_decode(hb, 64, &h, NULL), EINVAL);
	/* NULL wins over a short buffer: the call itself is wrong. */
	assert_int_equal(ktrq_rec_hdr_decode(NULL, 0, &h, &hl), EINVAL);
	assert_int_equal(ktrq_rec_syscall_decode(NULL, 8, &sc), EINVAL);
	assert_int_equal(ktrq_rec_syscall_decode(b, 8, NULL), EINVAL);
	assert_int_equal(ktrq_rec_sysret_decode(NULL, 16, &sr), EINVAL);
	assert_int_equal(ktrq_rec_sysret_decode(b, 16, NULL), EINVAL);
	assert_int_equal(ktrq_rec_genio_decode(NULL, 8, &g), EINVAL);
	assert_int_equal(ktrq_rec_genio_decode(b, 8, NULL), EINVAL);
	assert_int_equal(ktrq_rec_psig_decode(NULL, 40, &p), EINVAL);
	assert_int_equal(ktrq_rec_psig_decode(b, 40, NULL), EINVAL);
	assert_int_equal(ktrq_rec_csw_decode(NULL, 8, &c), EINVAL);
	assert_int_equal(ktrq_rec_csw_decode(b, 8, NULL), EINVAL);
}

static void
test_hdr_short(void **state)
{
	struct ktrq_rec_hdr h;
	size_t avail, hl;

	(void)state;
	v1();
	for (avail = 0; avail < KTRQ_REC_HDR_V1_SIZE; avail++) {
		memset(&h, SENTINEL, sizeof(h));
		memset(&hl, SENTINEL, sizeof(hl));
		assert_int_equal(ktrq_rec_hdr_decode(hb, avail, &h, &hl),
		    EMSGSIZE);
		assert_untouched(&h, sizeof(h));
		assert_untouched(&hl, sizeof(hl));
	}
	assert_int_equal(ktrq_rec_hdr_decode(hb, avail, &h, &hl), 0);
	assert_int_equal(hl, KTRQ_REC_HDR_V1_SIZE);

	v0();
	for (avail = 0; avail < KTRQ_REC_HDR_V0_SIZE; avail++)
		assert_int_equal(ktrq_rec_hdr_decode(hb, avail, &h, &hl),
		    EMSGSIZE);
	assert_int_equal(ktrq_rec_hdr_decode(hb, avail, &h, &hl), 0);
	assert_int_equal(hl, KTRQ_REC_HDR_V0_SIZE);
}

static void
test_hdr_len(void **state)
{
	struct ktrq_rec_hdr h;
	size_t hl;

	(void)state;
	v1();
	set_le(hb, (uint32_t)-1, 4);
	hl = 0;
	assert_int_equal(decode(&h, &hl), EBADMSG);
	/* The fields as read are there to say why. */
	assert_int_equal(h.len, -1);
	assert_int_equal(hl, KTRQ_REC_HDR_V1_SIZE);
	set_le(hb, (uint32_t)INT32_MIN, 4);
	assert_int_equal(decode(&h, &hl), EBADMSG);
	assert_int_equal(h.len, INT32_MIN);
	set_le(hb, KTRQ_REC_MAXLEN + 1, 4);
	assert_int_equal(decode(&h, &hl), EBADMSG);
	assert_int_equal(h.len, KTRQ_REC_MAXLEN + 1);
	set_le(hb, INT32_MAX, 4);
	assert_int_equal(decode(&h, &hl), EBADMSG);
	set_le(hb, KTRQ_REC_MAXLEN, 4);
	assert_int_equal(decode(&h, &hl), 0);
	set_le(hb, 0, 4);
	assert_int_equal(decode(&h, &hl), 0);

	v0();
	set_le(hb, (uint32_t)-5, 4);
	assert_int_equal(decode(&h, &hl), EBADMSG);
	assert_int_equal(h.len, -5);
	assert_int_equal(hl, KTRQ_REC_HDR_V0_SIZE);
}

static void
test_hdr_version(void **state)
{
	struct ktrq_rec_hdr h;
	size_t hl;
	static const uint16_t bad[] = { 0, 2, 0x100, 0xffff };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v1();
		set_le(hb + 6, bad[i], 2);
		assert_int_equal(decode(&h, &hl), EBADMSG);
		assert_int_equal(h.version, bad[i]);
	}
	/* In a v0 header bytes 6-7 are padding: any value is fine. */
	v0();
	set_le(hb + 6, 0xffff, 2);
	assert_int_equal(decode(&h, &hl), 0);
	assert_int_equal(h.version, KTR_VERSION0);
}

static void
test_hdr_time(void **state)
{
	struct ktrq_rec_hdr h;
	size_t hl;

	(void)state;
	v1();
	set_le(hb + 40, 999999999, 8);
	assert_int_equal(decode(&h, &hl), 0);
	set_le(hb + 40, 1000000000, 8);
	assert_int_equal(decode(&h, &hl), EBADMSG);
	set_le(hb + 40, (uint64_t)-1, 8);
	assert_int_equal(decode(&h, &hl), EBADMSG);

	v0();
	set_le(hb + 40, 999999, 8);
	assert_int_equal(decode(&h, &hl), 0);
	assert_true(h.nsec == 999999000);
	set_le(hb + 40, 1000000, 8);
	assert_int_equal(decode(&h, &hl), EBADMSG);
	set_le(hb + 40, (uint64_t)-1, 8);
	assert_int_equal(decode(&h, &hl), EBADMSG);
	/* usec * 1000 would overflow: refused, not computed (UBSan). */
	set_le(hb + 40, (uint64_t)INT64_MAX, 8);
	assert_int_equal(decode(&h, &hl), EBADMSG);
	set_le(hb + 40, (uint64_t)INT64_MIN, 8);
	assert_int_equal(decode(&h, &hl), EBADMSG);
}

/* No value of the type field is corrupt in itself. */
static void
test_hdr_types(void **state)
{
	static const uint16_t types[] = { 0, 8, 9, 0xff, 0x100, 0x3fff };
	struct ktrq_rec_hdr h;
	size_t hl, i;

	(void)state;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		v1();
		set_le(hb + 4, types[i] | KTR_VERSIONED, 2);
		assert_int_equal(decode(&h, &hl), 0);
		set_le(hb + 4, types[i] | KTR_VERSIONED | KTR_DROP, 2);
		assert_int_equal(decode(&h, &hl), 0);
		assert_int_equal(h.type & ~KTR_TYPE, types[i]);
		v0();
		set_le(hb + 4, types[i] | KTR_DROP, 2);
		assert_int_equal(decode(&h, &hl), 0);
		assert_int_equal(hl, KTRQ_REC_HDR_V0_SIZE);
	}
}

static void
test_syscall_len(void **state)
{
	struct ktrq_rec_syscall s;
	uint8_t b[KTRQ_REC_SYSCALL_SIZE(KTRQ_REC_MAXARGS) + 8];
	size_t len;

	(void)state;
	memset(b, 0, sizeof(b));
	set_le(b + 2, 2, 2);		/* narg 2: needs 24 */
	for (len = 0; len < 8; len++) {
		memset(&s, SENTINEL, sizeof(s));
		assert_int_equal(ktrq_rec_syscall_decode(b, len, &s),
		    EMSGSIZE);
		assert_untouched(&s, sizeof(s));
	}
	for (; len <= sizeof(b); len++)
		assert_int_equal(ktrq_rec_syscall_decode(b, len, &s),
		    len == KTRQ_REC_SYSCALL_SIZE(2) ? 0 : EBADMSG);
	set_le(b + 2, (uint16_t)-1, 2);
	assert_int_equal(ktrq_rec_syscall_decode(b, 0, &s), EMSGSIZE);
	assert_int_equal(ktrq_rec_syscall_decode(b, 8, &s), EBADMSG);
	set_le(b + 2, KTRQ_REC_MAXARGS + 1, 2);
	assert_int_equal(ktrq_rec_syscall_decode(b,
	    KTRQ_REC_SYSCALL_SIZE(KTRQ_REC_MAXARGS + 1), &s), EBADMSG);
	set_le(b + 2, KTRQ_REC_MAXARGS, 2);
	assert_int_equal(ktrq_rec_syscall_decode(b,
	    KTRQ_REC_SYSCALL_SIZE(KTRQ_REC_MAXARGS), &s), 0);
	set_le(b + 2, 0, 2);
	assert_int_equal(ktrq_rec_syscall_decode(b, 8, &s), 0);
}

/* A fixed-size payload: shorter EMSGSIZE (untouched), longer EBADMSG. */
#define	CHECK_FIXED(decoder, type, size) do {			\
	type out_;							\
	uint8_t b_[(size) + 8];						\
	size_t len_;							\
									\
	memset(b_, 0, sizeof(b_));					\
	for (len_ = 0; len_ < (size); len_++) {				\
		memset(&out_, SENTINEL, sizeof(out_));			\
		assert_int_equal(decoder(b_, len_, &out_), EMSGSIZE);	\
		assert_untouched(&out_, sizeof(out_));			\
	}								\
	assert_int_equal(decoder(b_, len_, &out_), 0);			\
	for (len_++; len_ <= sizeof(b_); len_++)			\
		assert_int_equal(decoder(b_, len_, &out_), EBADMSG);	\
} while (0)

static void
test_fixed_len(void **state)
{

	(void)state;
	CHECK_FIXED(ktrq_rec_sysret_decode, struct ktrq_rec_sysret,
	    KTRQ_REC_SYSRET_SIZE);
	CHECK_FIXED(ktrq_rec_psig_decode, struct ktrq_rec_psig,
	    KTRQ_REC_PSIG_SIZE);
	CHECK_FIXED(ktrq_rec_csw_decode, struct ktrq_rec_csw,
	    KTRQ_REC_CSW_SIZE);
}

static void
test_genio_len(void **state)
{
	struct ktrq_rec_genio g;
	uint8_t b[64];
	size_t len;

	(void)state;
	memset(b, 0, sizeof(b));
	for (len = 0; len < KTRQ_REC_GENIO_SIZE; len++) {
		memset(&g, SENTINEL, sizeof(g));
		assert_int_equal(ktrq_rec_genio_decode(b, len, &g), EMSGSIZE);
		assert_untouched(&g, sizeof(g));
	}
	/* Any length from the fixed part on: the rest is data. */
	for (; len <= sizeof(b); len++)
		assert_int_equal(ktrq_rec_genio_decode(b, len, &g), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null_args),
		cmocka_unit_test(test_hdr_short),
		cmocka_unit_test(test_hdr_len),
		cmocka_unit_test(test_hdr_version),
		cmocka_unit_test(test_hdr_time),
		cmocka_unit_test(test_hdr_types),
		cmocka_unit_test(test_syscall_len),
		cmocka_unit_test(test_fixed_len),
		cmocka_unit_test(test_genio_len),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
