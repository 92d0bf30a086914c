/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The per-thread recursion guard (td_inktrace): an event raised for a
 * thread that is already inside libktrq -- here a context switch the
 * platform layer reports from inside mtx_enter, msleep or clock_ns, as a
 * kernel's msleep would -- is suppressed with EALREADY instead of
 * deadlocking on the instance mutex.  The outer event is still recorded,
 * the nested one leaves no record and is not counted, KTRPOINT is false
 * inside, and the guard is down again after every outcome (0, ENOENT,
 * ENOBUFS), so the thread's next event is recorded normally.
 *
 * The wrapping layer calls back into libktrq for the td currently
 * posting (kept in the test's hook state).
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

#define	PID	600
#define	CODE	9

struct nested {
	struct ktrq_thread	*td;	/* the thread posting now */
	unsigned		 calls;
	unsigned		 ealready;
	unsigned		 other;
	unsigned		 point;	/* KTRPOINT true inside */
};

static void
nest(struct nested *n)
{
	int e;

	n->calls++;
	e = ktrq_csw(n->td, 1, 0);
	if (e == EALREADY)
		n->ealready++;
	else
		n->other++;
	if (ktrq_point(n->td, KTR_CSW))
		n->point++;
}

static void
on_enter(void *arg)
{

	nest(arg);
}

static void
on_sleep(void *arg, const char *wmesg)
{

	(void)wmesg;
	nest(arg);
}

static void
on_clock(void *arg)
{

	nest(arg);
}

struct fx {
	struct wrap		*w;
	struct ktrq		*k;
	struct ktrq_target	*mt;
	struct ktrq_proc	*p;
	struct ktrq_thread	*td;
	struct nested		 n;
};

static int
setup(void **state)
{
	struct fx *fx;

	fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	fx->w = wrap_create();
	fx->k = h_instance(&fx->w->os, 4, 0, NULL);
	assert_int_equal(ktrq_memtarget_create(fx->w->inner, &fx->mt), 0);
	fx->td = h_traced_thread(fx->k, fx->mt, PID, "nest", 1, &fx->p);
	fx->n.td = fx->td;
	*state = fx;
	return (0);
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	wrap_arm(fx->w, NULL);
	assert_int_equal(ktrq_destroy(fx->k), 0);
	ktrq_target_rele(fx->mt);
	wrap_destroy(fx->w);
	free(fx);
	return (0);
}

/* Every nested call was suppressed, and there was at least one. */
static void
assert_suppressed(const struct nested *n)
{

	assert_true(n->calls > 0);
	assert_int_equal(n->ealready, n->calls);
	assert_int_equal(n->other, 0);
	assert_int_equal(n->point, 0);
}

/* Exactly the given record types, in order; no CSW from nesting. */
static void
assert_trace(struct fx *fx, const int *types, size_t n)
{
	struct trace tr;
	size_t i;

	assert_int_equal(ktrq_proc_exit(fx->p), 0);
	fx->p = NULL;
	h_assert_quiet(fx->k);
	assert_true(h_stats(fx->k).posted == n);
	trace_of(fx->mt, &tr);
	assert_int_equal(tr.n, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(tr.r[i].type, types[i]);
		assert_false(tr.r[i].drop);
	}
	trace_free(&tr);
}

static void
arm(struct fx *fx, int enter, int sleep, int clock)
{
	struct wrap_hooks h;

	memset(&h, 0, sizeof(h));
	if (enter)
		h.on_enter = on_enter;
	if (sleep)
		h.on_sleep = on_sleep;
	if (clock)
		h.on_clock = on_clock;
	h.arg = &fx->n;
	wrap_arm(fx->w, &h);
}

/* From inside mtx_enter, with the mutex just acquired. */
static void
t_from_mtx_enter(void **state)
{
	static const int want[] = { KTR_SYSCALL, KTR_CSW };
	struct fx *fx = *state;

	arm(fx, 1, 0, 0);
	assert_int_equal(h_sys(fx->td, CODE, 1, 2), 0);
	wrap_arm(fx->w, NULL);
	assert_suppressed(&fx->n);
	/* The guard is down: the thread's own next event is recorded. */
	assert_int_equal(ktrq_point(fx->td, KTR_CSW), 1);
	assert_int_equal(ktrq_csw(fx->td, 0, 1), 0);
	assert_trace(fx, want, 2);
}

/* From inside msleep: the synchronous genio poster sleeping. */
static void
t_from_msleep(void **state)
{
	static const int want[] = { KTR_GENIO, KTR_SYSRET };
	struct fx *fx = *state;

	arm(fx, 0, 1, 0);
	assert_int_equal(ktrq_genio(fx->td, 1, 1, "abc", 3), 0);
	wrap_arm(fx->w, NULL);
	assert_suppressed(&fx->n);
	assert_int_equal(ktrq_sysret(fx->td, CODE, 0, 3), 0);
	assert_trace(fx, want, 2);
}

/* From inside the clock read, every hook at once, every event type. */
static void
t_every_event(void **state)
{
	static const int want[] = { KTR_SYSCALL, KTR_SYSRET, KTR_NAMEI,
	    KTR_GENIO, KTR_PSIG, KTR_CSW, KTR_USER };
	static const uint32_t mask[4] = { 1, 2, 3, 4 };
	static uint8_t big[KTRQ_INLINE_DATA + 1];
	struct fx *fx = *state;
	unsigned before;

	arm(fx, 1, 1, 1);
	before = fx->n.calls;
	assert_int_equal(h_sys(fx->td, CODE, 0, 0), 0);
	assert_true(fx->n.calls > before);
	before = fx->n.calls;
	assert_int_equal(ktrq_sysret(fx->td, CODE, 0, 0), 0);
	assert_true(fx->n.calls > before);
	before = fx->n.calls;
	assert_int_equal(ktrq_namei(fx->td, "/bin/sh"), 0);
	assert_true(fx->n.calls > before);
	before = fx->n.calls;
	assert_int_equal(ktrq_genio(fx->td, 0, 0, "x", 1), 0);
	assert_true(fx->n.calls > before);
	before = fx->n.calls;
	assert_int_equal(ktrq_psig(fx->td, 2, 0, 0, mask), 0);
	assert_true(fx->n.calls > before);
	before = fx->n.calls;
	assert_int_equal(ktrq_csw(fx->td, 1, 1), 0);
	assert_true(fx->n.calls > before);
	before = fx->n.calls;
	assert_int_equal(ktrq_utrace(fx->td, big, sizeof(big)), 0);
	assert_true(fx->n.calls > before);
	wrap_arm(fx->w, NULL);
	assert_suppressed(&fx->n);
	assert_trace(fx, want, sizeof(want) / sizeof(want[0]));
}

/*
 * The guard comes down on every way out: not traced (ENOENT) and
 * dropped (ENOBUFS, a failed allocation) leave the thread able to post.
 */
static void
t_guard_released(void **state)
{
	static uint8_t big[KTRQ_REC_USER_MAX];
	struct fx *fx = *state;
	struct trace tr;

	assert_int_equal(ktrq_ktrace(fx->td, NULL, KTROP_CLEAR, KTRFAC_PSIG,
	    PID), 0);
	assert_int_equal(ktrq_psig(fx->td, 1, 0, 0, NULL), ENOENT);
	assert_int_equal(ktrq_point(fx->td, KTR_USER), 1);
	wrap_fail_allocs(fx->w, 0);
	assert_int_equal(ktrq_utrace(fx->td, big, sizeof(big)), ENOBUFS);
	wrap_fail_allocs(fx->w, -1);
	assert_int_equal(ktrq_point(fx->td, KTR_USER), 1);
	assert_int_equal(ktrq_utrace(fx->td, "ok", 2), 0);
	assert_int_equal(ktrq_utrace(fx->td, "ok", 2), 0);
	assert_int_equal(ktrq_proc_exit(fx->p), 0);
	fx->p = NULL;
	trace_of(fx->mt, &tr);
	assert_int_equal(tr.n, 2);
	assert_int_equal(tr.r[0].type, KTR_USER);
	assert_true(tr.r[0].drop);	/* the failed allocation */
	assert_int_equal(tr.r[1].type, KTR_USER);
	assert_false(tr.r[1].drop);
	trace_free(&tr);
}

#define	T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(t_from_mtx_enter),
		T(t_from_msleep),
		T(t_every_event),
		T(t_guard_released),
	};

	return (cmocka_run_group_tests_name("core_recursion", tests, NULL,
	    NULL));
}
