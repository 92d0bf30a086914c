/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The simulator's allocator catches memory errors of the code under test
 * on its own (sim/alloc.c): a write to a freed block (at the end of the
 * run, or when the block leaves the quarantine), a write past either end
 * of a block, a double free -- each failing the run with a message that
 * names the block's size and where it was allocated and freed, the same
 * in a replay.  A clean body holds, and the checks add no scheduling
 * point: a body that allocates runs the schedule of one that does not.
 * Under ASan the quarantine and the redzones are poisoned for ASan too.
 *
 * The stray writes go through wild_write(), which ASan does not
 * instrument: the point is what the simulator finds on its own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ktrq/sim.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define	KTRQ_ASAN	1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define	KTRQ_ASAN	1
#endif

#ifdef KTRQ_ASAN
#include <sanitizer/asan_interface.h>
#endif

#define	QUAR_BLOCKS	1024	/* sim/alloc.c's quarantine bound */

/* A store ASan lets through: what a stale pointer in the core would do. */
__attribute__((noinline, no_sanitize_address)) static void
wild_write(void *p, ptrdiff_t off, unsigned char v)
{

	((volatile unsigned char *)p)[off] = v;
}

static void
opts(struct ktrq_sim_opts *o)
{

	assert_int_equal(ktrq_sim_opts_init(o), 0);
	o->quiet = 1;
	o->name = "alloc";
	o->runs = 20;
	o->vehicle = KTRQ_SIM_PTHREAD;	/* valgrind can follow it */
}

static int
has(const char *msg, const char *what)
{

	if (strstr(msg, what) != NULL)
		return (1);
	print_error("\"%s\" not in: %s\n", what, msg);
	return (0);
}

/* ---- a block freed by one thread, written after by another ---- */

struct uaf {
	const struct ktrq_os *os;
	unsigned char *p;
	int write_after;		/* 0: a clean body */
	int spill;			/* blocks freed after, to evict it */
	size_t size;			/* 0: 64 */
	size_t off;			/* where it writes, 0: 8 */
};

static void
uaf_alloc(void *arg)
{
	struct uaf *u = arg;

	u->p = u->os->alloc(u->os->cookie, u->size != 0 ? u->size : 64);
	memset(u->p, 0x11, u->size != 0 ? u->size : 64);
}

static void
uaf_free(void *arg)
{
	struct uaf *u = arg;

	u->os->free(u->os->cookie, u->p, u->size != 0 ? u->size : 64);
}

static void
spill(const struct ktrq_os *os, int n)
{
	void *q;
	int i;

	for (i = 0; i < n; i++) {
		q = os->alloc(os->cookie, 8);
		os->free(os->cookie, q, 8);
	}
}

static void
uaf_body(const struct ktrq_os *os, void *arg)
{
	struct uaf *u = arg;
	struct ktrq_os_thread *a, *f;

	u->os = os;
	os->thread_create(os->cookie, &a, "allocer", uaf_alloc, u);
	os->thread_join(os->cookie, a);
	os->thread_create(os->cookie, &f, "freer", uaf_free, u);
	os->thread_join(os->cookie, f);
	if (u->write_after) {
		ktrq_sim_yield(os);
		wild_write(u->p, u->off != 0 ? (ptrdiff_t)u->off : 8, 0x42);
	}
	spill(os, u->spill);
}

static void
test_uaf_at_end(void **state)
{
	struct ktrq_sim_opts o;
	struct ktrq_sim_report r, r2;
	struct uaf u = { NULL, NULL, 1, 0, 0, 0 };
	struct uaf far = { NULL, NULL, 1, 0, 5000, 4321 };

	(void)state;
	opts(&o);
	/* Deep in a large block: the exact offset still. */
	assert_int_equal(ktrq_sim_check(&o, uaf_body, &far, &r),
	    KTRQ_SIM_ASSERTION);
	assert_true(has(r.message, "use after free: a 5000-byte block was "
	    "written at offset 4321 after its free"));
	ktrq_sim_report_fini(&r);
	assert_int_equal(ktrq_sim_check(&o, uaf_body, &u, &r),
	    KTRQ_SIM_ASSERTION);
	assert_int_equal(r.run, 0);
	assert_true(has(r.message, "violation at the end of the run"));
	assert_true(has(r.message, "use after free: a 64-byte block was "
	    "written at offset 8 after its free"));
	assert_true(has(r.message, "in thread 2 \"allocer\""));
	assert_true(has(r.message, "in thread 3 \"freer\""));
	assert_true(has(r.message, "found at the end of the run"));
	/* The same message, site included, in a replay. */
	o.replay = r.schedule;
	assert_int_equal(ktrq_sim_check(&o, uaf_body, &u, &r2),
	    KTRQ_SIM_ASSERTION);
	assert_string_equal(r2.message, r.message);
	ktrq_sim_report_fini(&r2);
	ktrq_sim_report_fini(&r);
}

static void
test_uaf_at_eviction(void **state)
{
	struct ktrq_sim_opts o;
	struct ktrq_sim_report r;
	struct uaf u = { NULL, NULL, 1, QUAR_BLOCKS + 10, 0, 0 };

	(void)state;
	opts(&o);
	o.runs = 2;
	assert_int_equal(ktrq_sim_check(&o, uaf_body, &u, &r),
	    KTRQ_SIM_ASSERTION);
	/* Found in the run, by main, when the block left the quarantine. */
	assert_true(has(r.message, "in thread 1 \"main\": use after free: "
	    "a 64-byte block was written at offset 8 after its free"));
	assert_true(has(r.message, "found when it left the quarantine"));
	ktrq_sim_report_fini(&r);
}

static void
test_clean_holds(void **state)
{
	struct ktrq_sim_opts o;
	struct ktrq_sim_report r;
	struct uaf u = { NULL, NULL, 0, QUAR_BLOCKS * 3, 0, 0 };

	(void)state;
	opts(&o);
	assert_int_equal(ktrq_sim_check(&o, uaf_body, &u, &r), 0);
	assert_int_equal(r.runs, 20);
	ktrq_sim_report_fini(&r);
}

/* ---- writes past the ends, a double free ---- */

struct bad {
	ptrdiff_t	 off;		/* where to write, from the payload */
	size_t		 size;
	int		 free_twice;
	int		 keep;		/* never free it: found at the end */
};

static void
bad_body(const struct ktrq_os *os, void *arg)
{
	const struct bad *b = arg;
	unsigned char *p;

	p = os->alloc(os->cookie, b->size);
	memset(p, 0, b->size);
	if (b->off != 0)
		wild_write(p, b->off, 0x42);
	if (b->keep)
		return;
	os->free(os->cookie, p, b->size);
	if (b->free_twice) {
		ktrq_sim_yield(os);
		os->free(os->cookie, p, b->size);
	}
}

static void
bad_check(const struct bad *b, const char *want, const char *found)
{
	struct ktrq_sim_opts o;
	struct ktrq_sim_report r;

	opts(&o);
	o.runs = 1;
	assert_int_equal(ktrq_sim_check(&o, bad_body, (void *)(uintptr_t)b,
	    &r), KTRQ_SIM_ASSERTION);
	assert_true(has(r.message, want));
	assert_true(has(r.message, found));
	assert_true(has(r.message, "allocated at step 0 in thread 1 "
	    "\"main\""));
	ktrq_sim_report_fini(&r);
}

static void
test_overrun(void **state)
{
	static const struct bad past = { 24, 24, 0, 0 };
	static const struct bad far = { 24 + 15, 24, 0, 0 };
	static const struct bad odd = { 13, 13, 0, 1 };

	(void)state;
	bad_check(&past, "heap overrun: a 24-byte block was written at "
	    "offset 24, past its end", "found at its free");
	bad_check(&far, "heap overrun: a 24-byte block was written at "
	    "offset 39, past its end", "found at its free");
	/* A block never freed: its redzone is checked at the end. */
	bad_check(&odd, "heap overrun: a 13-byte block was written at "
	    "offset 13, past its end", "found at the end of the run");
}

static void
test_underrun(void **state)
{
	static const struct bad before = { -1, 32, 0, 0 };

	(void)state;
	bad_check(&before, "heap underrun: a 32-byte block was written at "
	    "offset -1, before its start", "found at its free");
}

static void
test_double_free(void **state)
{
	static const struct bad twice = { 0, 16, 1, 0 };
	struct ktrq_sim_opts o;
	struct ktrq_sim_report r;

	(void)state;
	opts(&o);
	o.runs = 1;
	assert_int_equal(ktrq_sim_check(&o, bad_body, (void *)(uintptr_t)&twice,
	    &r), KTRQ_SIM_ASSERTION);
	assert_true(has(r.message, "double free of a 16-byte block "
	    "(allocated at step 0 in thread 1 \"main\""));
	assert_true(has(r.message, ", freed at step 0 in thread 1"));
	ktrq_sim_report_fini(&r);
}

/* ---- the checks are not scheduling points ---- */

static int counter;

struct inc {
	const struct ktrq_os *os;
	int allocs;
};

static void
incr(void *arg)
{
	struct inc *c = arg;
	void *p = NULL;
	int v;

	if (c->allocs)
		p = c->os->alloc(c->os->cookie, 100);
	ktrq_sim_yield(c->os);
	v = counter;
	if (c->allocs) {
		c->os->free(c->os->cookie, p, 100);
		spill(c->os, 5);
	}
	ktrq_sim_yield(c->os);
	counter = v + 1;
}

static void
counter_body(const struct ktrq_os *os, void *arg)
{
	struct inc *c = arg;
	struct ktrq_os_thread *a, *b;

	counter = 0;
	c->os = os;
	os->thread_create(os->cookie, &a, "a", incr, c);
	os->thread_create(os->cookie, &b, "b", incr, c);
	os->thread_join(os->cookie, a);
	os->thread_join(os->cookie, b);
	KTRQ_SIM_ASSERT(os, counter == 2);
}

static void
test_same_schedule(void **state)
{
	struct ktrq_sim_opts o;
	struct ktrq_sim_report r, r2;
	struct inc plain = { NULL, 0 }, allocs = { NULL, 1 };

	(void)state;
	opts(&o);
	o.strategy = KTRQ_SIM_PCT;
	o.runs = 100;
	assert_int_equal(ktrq_sim_check(&o, counter_body, &plain, &r),
	    KTRQ_SIM_ASSERTION);
	assert_int_equal(ktrq_sim_check(&o, counter_body, &allocs, &r2),
	    KTRQ_SIM_ASSERTION);
	assert_int_equal(r2.run, r.run);
	assert_int_equal(r2.steps, r.steps);
	assert_string_equal(r2.schedule, r.schedule);
	ktrq_sim_report_fini(&r2);
	ktrq_sim_report_fini(&r);
}

/* ---- ASan sees the quarantine and the redzones ---- */

#ifdef KTRQ_ASAN
static void
asan_body(const struct ktrq_os *os, void *arg)
{
	unsigned char *p;

	(void)arg;
	p = os->alloc(os->cookie, 40);
	KTRQ_SIM_ASSERT(os, __asan_address_is_poisoned(p) == 0);
	KTRQ_SIM_ASSERT(os, __asan_address_is_poisoned(p + 39) == 0);
	KTRQ_SIM_ASSERT(os, __asan_address_is_poisoned(p + 40) == 1);
	KTRQ_SIM_ASSERT(os, __asan_address_is_poisoned(p - 1) == 1);
	os->free(os->cookie, p, 40);
	KTRQ_SIM_ASSERT(os, __asan_address_is_poisoned(p) == 1);
	KTRQ_SIM_ASSERT(os, __asan_address_is_poisoned(p + 39) == 1);
}
#endif

static void
test_asan_poison(void **state)
{
#ifdef KTRQ_ASAN
	struct ktrq_sim_opts o;

	opts(&o);
	o.runs = 1;
	assert_int_equal(ktrq_sim_check(&o, asan_body, NULL, NULL), 0);
#endif
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uaf_at_end),
		cmocka_unit_test(test_uaf_at_eviction),
		cmocka_unit_test(test_clean_holds),
		cmocka_unit_test(test_overrun),
		cmocka_unit_test(test_underrun),
		cmocka_unit_test(test_double_free),
		cmocka_unit_test(test_same_schedule),
		cmocka_unit_test(test_asan_poison),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
