/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Golden bytes: the core and the codec together write FreeBSD-compatible
 * ktrace.out.  With the clock fixed (wrapping layer), one record of each
 * type -- SYSCALL with two args, SYSRET with an error and a negative
 * retval, NAMEI, a synchronous GENIO, PSIG, CSW, USER -- is posted and
 * the memtarget's bytes are compared with bytes written out by hand from
 * the layout in docs/ktrace-reference.md ("Record format": amd64,
 * little-endian, version-1 64-byte header), not produced by any code
 * under test.  The same with KTRQ_CF_GENIO_COPY: copy mode changes when
 * genio is written, not what.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"

/* 1234567890.123456789 s */
#define	CLOCK_NS	1234567890123456789ULL

/*
 * The header every record shares but for len (one byte here) and the
 * type number: pid 1234, comm "golden", time as above, tid 100123.
 */
#define	HDR(len, type)						\
	(len), 0x00, 0x00, 0x00,	/* len @0 */		\
	(type), 0x40,			/* type|VERSIONED @4 */	\
	0x01, 0x00,			/* version 1 @6 */	\
	0xd2, 0x04, 0x00, 0x00,		/* pid 1234 @8 */	\
	'g', 'o', 'l', 'd', 'e', 'n', 0, 0, 0, 0, /* comm @12 */ \
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0,				\
	0xd2, 0x02, 0x96, 0x49, 0, 0, 0, 0, /* sec @32 */	\
	0x15, 0xcd, 0x5b, 0x07, 0, 0, 0, 0, /* nsec @40 */	\
	0x1b, 0x87, 0x01, 0x00, 0, 0, 0, 0, /* tid @48 */	\
	0x00, 0x00, 0x00, 0x00,		/* cpu 0 @56 */		\
	0x00, 0x00, 0x00, 0x00		/* padding @60 */

static const uint8_t golden[] = {
	/* write(3, ..): SYSCALL, code 4, narg 2, args 3, 0x7fffdeadbeef */
	HDR(0x18, 0x01),
	0x04, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xef, 0xbe, 0xad, 0xde, 0xff, 0x7f, 0x00, 0x00,
	/* open: SYSRET, code 5, eosys 0, error 2 (ENOENT), retval -1 */
	HDR(0x10, 0x02),
	0x05, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	/* NAMEI "/etc/passwd", 11 bytes, no NUL */
	HDR(0x0b, 0x03),
	'/', 'e', 't', 'c', '/', 'p', 'a', 's', 's', 'w', 'd',
	/* GENIO fd 3, rw 1 (wrote), "hello\n" */
	HDR(0x0e, 0x04),
	0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	'h', 'e', 'l', 'l', 'o', '\n',
	/* PSIG 11, action 0x400123, code 2, mask 1, 1<<31, 0, ~0 */
	HDR(0x28, 0x05),
	0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x23, 0x01, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80,
	0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	0x00, 0x00, 0x00, 0x00,
	/* CSW out (stop), kernel */
	HDR(0x08, 0x06),
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* USER "ktrq" */
	HDR(0x04, 0x07),
	'k', 't', 'r', 'q',
};

static void
run(unsigned flags)
{
	static const uint64_t args[2] = { 3, 0x7fffdeadbeefULL };
	static const uint32_t mask[4] = { 1, 0x80000000U, 0, 0xffffffffU };
	struct ktrq_target *mt;
	struct ktrq_proc *p;
	struct ktrq_thread *td;
	const uint8_t *b;
	struct wrap *w;
	struct ktrq *k;
	size_t len, i;

	w = wrap_create();
	wrap_fix_clock(w, CLOCK_NS);
	k = h_instance(&w->os, 8, flags, NULL);
	assert_int_equal(ktrq_memtarget_create(w->inner, &mt), 0);
	p = h_proc(k, 1234, NULL, 1234, "golden", 1000);
	td = h_thread(p, 100123);
	h_trace(td, mt, KTRFAC_ALL, 1234);

	assert_int_equal(ktrq_syscall(td, 4, 2, args), 0);
	assert_int_equal(ktrq_sysret(td, 5, 2, -1), 0);
	assert_int_equal(ktrq_namei(td, "/etc/passwd"), 0);
	assert_int_equal(ktrq_genio(td, 3, 1, "hello\n", 6), 0);
	assert_int_equal(ktrq_psig(td, 11, 0x400123, 2, mask), 0);
	assert_int_equal(ktrq_csw(td, 1, 0), 0);
	assert_int_equal(ktrq_utrace(td, "ktrq", 4), 0);
	assert_int_equal(ktrq_proc_exit(p), 0);

	b = ktrq_memtarget_data(mt, &len);
	assert_int_equal(len, sizeof(golden));
	/* Byte by byte, so a failure names the offset. */
	for (i = 0; i < len; i++)
		if (b[i] != golden[i])
			fail_msg("offset %zu: 0x%02x, want 0x%02x", i, b[i],
			    golden[i]);
	assert_int_equal(ktrq_destroy(k), 0);
	ktrq_target_rele(mt);
	wrap_destroy(w);
}

static void
t_golden(void **state)
{

	(void)state;
	run(0);
}

static void
t_golden_copy(void **state)
{

	(void)state;
	run(KTRQ_CF_GENIO_COPY);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_golden),
		cmocka_unit_test(t_golden_copy),
	};

	return (cmocka_run_group_tests_name("core_golden", tests, NULL, NULL));
}
