/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq_rec_next(): the record iterator over a trace held in memory.
 *
 * A small file of three records (v1 SYSRET, v0 CSW, v1 GENIO with data)
 * is built with the encoders; the iterator must walk it record by record
 * with the right headers, payload pointers and offsets, stop with ENOENT
 * at the end, and refuse a buffer that ends inside a header or a payload
 * (EMSGSIZE), or whose header is corrupt (EBADMSG), without moving.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "ktrq/record.h"

#define	FILESZ	256

static uint8_t file[FILESZ];
static size_t filelen;
/* Where each record of file starts, and the end. */
static size_t bounds[4];

/* Appends a v1 header for a `len`-byte payload of `type`, then the payload. */
static void
put_record(int type, const uint8_t *pl, size_t len)
{
	struct ktrq_rec_hdr h;

	memset(&h, 0, sizeof(h));
	h.len = (int32_t)len;
	h.type = (uint16_t)type;
	h.pid = 42;
	memcpy(h.comm, "next", 5);
	h.sec = 1;
	h.nsec = 2;
	h.tid = 100042;
	filelen += ktrq_rec_hdr_encode(file + filelen, &h);
	memcpy(file + filelen, pl, len);
	filelen += len;
}

/* file: SYSRET (v1), CSW (v0 header), GENIO (v1, 3 bytes of data). */
static void
build_file(void)
{
	struct ktrq_rec_sysret sr = { 4, 0, 0, 6 };
	struct ktrq_rec_csw c = { 1, 0 };
	struct ktrq_rec_genio g = { 1, 1 };
	uint8_t pl[KTRQ_REC_SYSRET_SIZE + KTRQ_REC_GENIO_SIZE + 3];
	size_t at, n;

	memset(file, 0xAA, sizeof(file));
	filelen = 0;
	bounds[0] = 0;
	n = ktrq_rec_sysret_encode(pl, &sr);
	put_record(KTR_SYSRET, pl, n);
	bounds[1] = filelen;
	/* A v0 header: clear KTR_VERSIONED, drop the last 8 header bytes. */
	at = filelen;
	n = ktrq_rec_csw_encode(pl, &c);
	put_record(KTR_CSW, pl, n);
	file[at + 5] &= (uint8_t)~(KTR_VERSIONED >> 8);
	file[at + 6] = 0;
	memmove(file + at + KTRQ_REC_HDR_V0_SIZE,
	    file + at + KTRQ_REC_HDR_V1_SIZE, n);
	filelen -= KTRQ_REC_HDR_V1_SIZE - KTRQ_REC_HDR_V0_SIZE;
	bounds[2] = filelen;
	n = ktrq_rec_genio_encode(pl, &g);
	memcpy(pl + n, "abc", 3);
	put_record(KTR_GENIO, pl, n + 3);
	bounds[3] = filelen;
}

static void
test_good_file(void **state)
{
	struct ktrq_rec_hdr h;
	const uint8_t *pl;
	size_t off;

	(void)state;
	build_file();
	off = 0;
	assert_int_equal(ktrq_rec_next(file, filelen, &off, &h, &pl), 0);
	assert_int_equal(h.type & ~KTR_TYPE, KTR_SYSRET);
	assert_int_equal(h.version, KTR_VERSION1);
	assert_int_equal(h.len, KTRQ_REC_SYSRET_SIZE);
	assert_ptr_equal(pl, file + KTRQ_REC_HDR_V1_SIZE);
	assert_int_equal(off, bounds[1]);

	assert_int_equal(ktrq_rec_next(file, filelen, &off, &h, &pl), 0);
	assert_int_equal(h.type & ~KTR_TYPE, KTR_CSW);
	assert_int_equal(h.version, KTR_VERSION0);
	assert_int_equal(h.len, KTRQ_REC_CSW_SIZE);
	assert_ptr_equal(pl, file + bounds[1] + KTRQ_REC_HDR_V0_SIZE);
	assert_int_equal(off, bounds[2]);

	assert_int_equal(ktrq_rec_next(file, filelen, &off, &h, &pl), 0);
	assert_int_equal(h.type & ~KTR_TYPE, KTR_GENIO);
	assert_int_equal(h.len, KTRQ_REC_GENIO_SIZE + 3);
	assert_ptr_equal(pl, file + bounds[2] + KTRQ_REC_HDR_V1_SIZE);
	assert_memory_equal(pl + KTRQ_REC_GENIO_SIZE, "abc", 3);
	assert_int_equal(off, bounds[3]);
	assert_int_equal(off, filelen);

	/* The end, and it stays the end. */
	pl = NULL;
	assert_int_equal(ktrq_rec_next(file, filelen, &off, &h, &pl), ENOENT);
	assert_int_equal(ktrq_rec_next(file, filelen, &off, &h, &pl), ENOENT);
	assert_null(pl);
	assert_int_equal(off, filelen);
}

static void
test_empty(void **state)
{
	struct ktrq_rec_hdr h;
	const uint8_t *pl = NULL;
	size_t off = 0;

	(void)state;
	assert_int_equal(ktrq_rec_next(file, 0, &off, &h, &pl), ENOENT);
	assert_int_equal(ktrq_rec_next(NULL, 0, &off, &h, &pl), ENOENT);
	assert_int_equal(off, 0);
	assert_null(pl);
}

/* Every cut inside the last record's header is EMSGSIZE, in place. */
static void
test_truncated_header(void **state)
{
	struct ktrq_rec_hdr h;
	const uint8_t *pl, *keep;
	size_t off, cut;

	(void)state;
	build_file();
	for (cut = bounds[2] + 1; cut < bounds[2] + KTRQ_REC_HDR_V1_SIZE;
	    cut++) {
		off = bounds[2];
		keep = pl = file;
		assert_int_equal(ktrq_rec_next(file, cut, &off, &h, &pl),
		    EMSGSIZE);
		assert_int_equal(off, bounds[2]);
		assert_ptr_equal(pl, keep);
	}
	/* The records before the cut still read. */
	off = 0;
	assert_int_equal(ktrq_rec_next(file, bounds[2] + 1, &off, &h, &pl), 0);
	assert_int_equal(ktrq_rec_next(file, bounds[2] + 1, &off, &h, &pl), 0);
	assert_int_equal(off, bounds[2]);
	assert_int_equal(ktrq_rec_next(file, bounds[2] + 1, &off, &h, &pl),
	    EMSGSIZE);
}

/* A whole header but not all of its payload: EMSGSIZE, h decoded. */
static void
test_truncated_payload(void **state)
{
	struct ktrq_rec_hdr h;
	const uint8_t *pl;
	size_t off, cut;

	(void)state;
	build_file();
	for (cut = bounds[2] + KTRQ_REC_HDR_V1_SIZE; cut < bounds[3]; cut++) {
		off = bounds[2];
		pl = NULL;
		memset(&h, 0, sizeof(h));
		assert_int_equal(ktrq_rec_next(file, cut, &off, &h, &pl),
		    EMSGSIZE);
		assert_int_equal(off, bounds[2]);
		assert_null(pl);
		assert_int_equal(h.type & ~KTR_TYPE, KTR_GENIO);
		assert_int_equal(h.len, KTRQ_REC_GENIO_SIZE + 3);
	}
	/* The v0 record's payload cut short, too. */
	off = bounds[1];
	assert_int_equal(ktrq_rec_next(file, bounds[2] - 1, &off, &h, &pl),
	    EMSGSIZE);
	assert_int_equal(off, bounds[1]);
}

/* A corrupt header is the decoder's EBADMSG; bad arguments are EINVAL. */
static void
test_corrupt_and_args(void **state)
{
	struct ktrq_rec_hdr h;
	const uint8_t *pl = NULL;
	size_t off;

	(void)state;
	build_file();
	file[bounds[1] + 3] = 0x80;		/* len < 0 */
	off = bounds[1];
	assert_int_equal(ktrq_rec_next(file, filelen, &off, &h, &pl), EBADMSG);
	assert_int_equal(off, bounds[1]);
	assert_null(pl);

	build_file();
	off = filelen + 1;
	assert_int_equal(ktrq_rec_next(file, filelen, &off, &h, &pl), EINVAL);
	assert_int_equal(off, filelen + 1);
	off = 0;
	assert_int_equal(ktrq_rec_next(NULL, filelen, &off, &h, &pl), EINVAL);
	assert_int_equal(ktrq_rec_next(file, filelen, NULL, &h, &pl), EINVAL);
	assert_int_equal(ktrq_rec_next(file, filelen, &off, NULL, &pl), EINVAL);
	assert_int_equal(ktrq_rec_next(file, filelen, &off, &h, NULL), EINVAL);
	assert_int_equal(off, 0);
	assert_null(pl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_truncated_header),
		cmocka_unit_test(test_truncated_payload),
		cmocka_unit_test(test_corrupt_and_args),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
