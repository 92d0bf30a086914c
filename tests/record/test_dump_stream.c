/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ktrq-dump reader on memory streams: every truncation and many
 * corruptions of the golden trace.
 *
 * The CLI checks pin the text for a handful of hand-made corrupt files;
 * this test covers the space between them.  Cutting the golden file at
 * every byte must succeed exactly at record boundaries and otherwise fail
 * with one message naming the offset of the record that was cut.  Flipping
 * bits anywhere must end in status 0 or 1 with at most one message, never
 * a crash -- and since this test also runs under memcheck and ASan, never
 * an invalid or uninitialised read either.
 *
 * usage: record_dump_stream GOLDEN.ktr
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ktrq/record.h"

#include "dump.h"

#define	MAXRECS	256

static const char *golden_path;
static uint8_t *golden;
static size_t golden_len;
static size_t bounds[MAXRECS];	/* offsets where a record starts, + end */
static size_t nbounds;
static char errbuf[4096];

static void
load_golden(void)
{
	FILE *f;
	long n;

	assert_non_null(f = fopen(golden_path, "rb"));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	assert_true((n = ftell(f)) > 0);
	rewind(f);
	golden_len = (size_t)n;
	assert_non_null(golden = malloc(golden_len));
	assert_int_equal(fread(golden, 1, golden_len, f), golden_len);
	fclose(f);
}

/* Walk the records with the decoder to find where each one starts. */
static void
find_bounds(void)
{
	struct ktrq_rec_hdr h;
	const uint8_t *pl;
	size_t off;
	int error;

	nbounds = 0;
	off = 0;
	do {
		assert_true(nbounds < MAXRECS);
		bounds[nbounds++] = off;
	} while ((error = ktrq_rec_next(golden, golden_len, &off, &h,
	    &pl)) == 0);
	assert_int_equal(error, ENOENT);
	assert_int_equal(off, golden_len);
}

static int
setup(void **state)
{

	(void)state;
	load_golden();
	find_bounds();
	return (0);
}

static int
teardown(void **state)
{

	(void)state;
	free(golden);
	return (0);
}

/*
 * Dump `n` bytes of `p` with options `o`; stdout is discarded, stderr is
 * left in errbuf.  Returns the exit status.
 */
static int
dump(const uint8_t *p, size_t n, const struct ktrq_dump_opts *o)
{
	FILE *in, *out, *err;
	int status;

	/* fmemopen of an empty buffer is not portable; tmpfile is. */
	if (n == 0)
		assert_non_null(in = tmpfile());
	else
		assert_non_null(in = fmemopen((void *)(uintptr_t)p, n, "rb"));
	assert_non_null(out = fopen("/dev/null", "w"));
	memset(errbuf, 0, sizeof(errbuf));
	assert_non_null(err = fmemopen(errbuf, sizeof(errbuf) - 1, "w"));
	status = ktrq_dump_stream(in, "mem", out, err, o);
	fclose(err);
	fclose(out);
	fclose(in);
	return (status);
}

static void
all_options(struct ktrq_dump_opts *o)
{

	ktrq_dump_opts_init(o);
	o->tid = o->abstime = o->elapsed = o->reltime = 1;
}

static void
test_whole(void **state)
{
	struct ktrq_dump_opts o;

	(void)state;
	ktrq_dump_opts_init(&o);
	assert_int_equal(dump(golden, golden_len, &o), KTRQ_DUMP_OK);
	assert_string_equal(errbuf, "");
	assert_true(nbounds > 20);	/* the golden file has every type */
}

/* Cut after every byte: fine exactly at a boundary, else one message. */
static void
test_every_truncation(void **state)
{
	struct ktrq_dump_opts o;
	char want[64];
	size_t n, b;
	int status;

	(void)state;
	all_options(&o);
	b = 0;
	for (n = 0; n <= golden_len; n++) {
		while (b + 1 < nbounds && bounds[b + 1] <= n)
			b++;
		status = dump(golden, n, &o);
		if (bounds[b] == n) {
			assert_int_equal(status, KTRQ_DUMP_OK);
			assert_string_equal(errbuf, "");
			continue;
		}
		assert_int_equal(status, KTRQ_DUMP_FAIL);
		snprintf(want, sizeof(want), "ktrq-dump: mem: offset %zu: ",
		    bounds[b]);
		assert_memory_equal(errbuf, want, strlen(want));
		assert_non_null(strstr(errbuf, "truncated"));
		assert_ptr_equal(strchr(errbuf, '\n'),
		    errbuf + strlen(errbuf) - 1);
	}
}

/* Flip bits everywhere: status 0 or 1, at most one line of complaint. */
static void
test_bit_flips(void **state)
{
	static const uint8_t masks[] = { 0xff, 0x80, 0x01, 0x40 };
	struct ktrq_dump_opts o;
	uint8_t *p;
	size_t i, m;
	int status;

	(void)state;
	all_options(&o);
	assert_non_null(p = malloc(golden_len));
	for (i = 0; i < golden_len; i++) {
		for (m = 0; m < sizeof(masks); m++) {
			memcpy(p, golden, golden_len);
			p[i] ^= masks[m];
			status = dump(p, golden_len, &o);
			if (status == KTRQ_DUMP_OK) {
				assert_string_equal(errbuf, "");
				continue;
			}
			assert_int_equal(status, KTRQ_DUMP_FAIL);
			assert_memory_equal(errbuf, "ktrq-dump: mem: offset ",
			    23);
			assert_ptr_equal(strchr(errbuf, '\n'),
			    errbuf + strlen(errbuf) - 1);
		}
	}
	free(p);
}

/* One record of `len` payload bytes of `type`, zero-filled. */
static uint8_t *
one_record(int type, int32_t len, size_t *np)
{
	struct ktrq_rec_hdr h;
	uint8_t *p;

	memset(&h, 0, sizeof(h));
	h.type = (uint16_t)type;
	h.len = len;
	*np = KTRQ_REC_HDR_V1_SIZE + (size_t)len;
	assert_non_null(p = calloc(1, *np));
	ktrq_rec_hdr_encode(p, &h);
	return (p);
}

/* The largest payload allowed is read; USER has a smaller limit. */
static void
test_limits(void **state)
{
	struct ktrq_dump_opts o;
	uint8_t *p;
	size_t n;

	(void)state;
	ktrq_dump_opts_init(&o);
	p = one_record(9, KTRQ_REC_MAXLEN, &n);
	assert_int_equal(dump(p, n, &o), KTRQ_DUMP_OK);
	free(p);
	p = one_record(KTR_GENIO, KTRQ_REC_MAXLEN, &n);
	o.maxdata = 100;
	assert_int_equal(dump(p, n, &o), KTRQ_DUMP_OK);
	free(p);
	p = one_record(KTR_USER, KTRQ_REC_USER_MAX, &n);
	assert_int_equal(dump(p, n, &o), KTRQ_DUMP_OK);
	free(p);
	p = one_record(KTR_USER, KTRQ_REC_USER_MAX + 1, &n);
	assert_int_equal(dump(p, n, &o), KTRQ_DUMP_FAIL);
	assert_string_equal(errbuf, "ktrq-dump: mem: offset 0: "
	    "malformed USER payload (length 2049)\n");
	free(p);
	p = one_record(KTR_SYSCALL, 12, &n);
	assert_int_equal(dump(p, n, &o), KTRQ_DUMP_FAIL);
	assert_string_equal(errbuf, "ktrq-dump: mem: offset 0: "
	    "malformed CALL payload (length 12)\n");
	free(p);
	p = one_record(KTR_PSIG, 8, &n);
	assert_int_equal(dump(p, n, &o), KTRQ_DUMP_FAIL);
	assert_string_equal(errbuf, "ktrq-dump: mem: offset 0: "
	    "malformed PSIG payload (length 8)\n");
	free(p);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_limits),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: record_dump_stream GOLDEN.ktr\n");
		return (2);
	}
	golden_path = argv[1];
	return (cmocka_run_group_tests(tests, setup, teardown));
}
