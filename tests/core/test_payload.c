/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Large payloads: a variable payload longer than KTRQ_INLINE_DATA (a
 * 2048-byte utrace, a 1024-byte path, a copied genio) is allocated
 * through the layer and recorded intact; when the allocation fails the
 * event is dropped with ENOBUFS, counted as dropped_exhausted, and the
 * process's next record carries KTR_DROP.  Payloads up to
 * KTRQ_INLINE_DATA bytes -- and every fixed-size event, and synchronous
 * genio of any size -- post with zero layer allocations: the async path
 * does not allocate.  Buffers of records that are dropped (pool empty,
 * detached while queued) are freed (memcheck).
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

#define	PID	1100

struct fx {
	struct wrap		*w;
	struct ktrq		*k;
	struct gate		*g;
	struct ktrq_proc	*p;
	struct ktrq_thread	*td;
};

static int
setup_flags(void **state, unsigned flags)
{
	struct fx *fx;

	fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	/* The target lives on the inner layer: its growth is not counted. */
	fx->k = h_gated_world(&fx->w, &fx->g, 64, flags, NULL);
	gate_open(fx->g);
	fx->td = h_traced_thread(fx->k, fx->g->target, PID, "big", 1, &fx->p);
	*state = fx;
	return (0);
}

static int
setup(void **state)
{

	return (setup_flags(state, 0));
}

static int
setup_copy(void **state)
{

	return (setup_flags(state, KTRQ_CF_GENIO_COPY));
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	wrap_fail_allocs(fx->w, -1);
	h_gated_teardown(fx->w, fx->k, fx->g);
	free(fx);
	return (0);
}

static void
fill(uint8_t *b, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(seed + i * 13 + (i >> 8));
}

static void
exit_and_trace(struct fx *fx, struct trace *tr)
{

	assert_int_equal(ktrq_proc_exit(fx->p), 0);
	fx->p = NULL;
	h_assert_quiet(fx->k);
	trace_of(fx->g->inner, tr);
}

static void
t_intact(void **state)
{
	static const size_t sizes[] = { 0, 1, KTRQ_INLINE_DATA - 1,
	    KTRQ_INLINE_DATA, KTRQ_INLINE_DATA + 1, 1000, KTRQ_REC_USER_MAX };
	struct fx *fx = *state;
	uint8_t buf[KTRQ_REC_USER_MAX];
	char path[1025];
	struct trace tr;
	size_t i, n;

	n = sizeof(sizes) / sizeof(sizes[0]);
	for (i = 0; i < n; i++) {
		fill(buf, sizes[i], (unsigned)i);
		assert_int_equal(ktrq_utrace(fx->td, buf, sizes[i]), 0);
		memset(buf, 0, sizeof(buf));	/* copied: not needed now */
	}
	memset(path, 'a', sizeof(path));
	path[1024] = '\0';
	path[0] = '/';
	path[1023] = 'z';
	assert_int_equal(ktrq_namei(fx->td, path), 0);
	exit_and_trace(fx, &tr);
	assert_int_equal(tr.n, n + 1);
	for (i = 0; i < n; i++) {
		assert_int_equal(tr.r[i].type, KTR_USER);
		assert_int_equal(tr.r[i].hdr.len, sizes[i]);
		fill(buf, sizes[i], (unsigned)i);
		assert_int_equal(tr.r[i].datalen, sizes[i]);
		if (sizes[i] != 0)
			assert_memory_equal(tr.r[i].data, buf, sizes[i]);
	}
	assert_int_equal(tr.r[n].type, KTR_NAMEI);
	assert_int_equal(tr.r[n].datalen, 1024);
	assert_memory_equal(tr.r[n].data, path, 1024);
	trace_free(&tr);
}

/* No memory for the payload: ENOBUFS, counted, the next one marked. */
static void
t_nomem(void **state)
{
	struct fx *fx = *state;
	uint8_t buf[KTRQ_REC_USER_MAX];
	char path[300];
	struct ktrq_stats st;
	struct trace tr;

	fill(buf, sizeof(buf), 1);
	memset(path, 'q', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	wrap_fail_allocs(fx->w, 0);
	assert_int_equal(ktrq_utrace(fx->td, buf, sizeof(buf)), ENOBUFS);
	assert_int_equal(ktrq_namei(fx->td, path), ENOBUFS);
	/* Small ones need no memory: they go through, marked. */
	assert_int_equal(ktrq_utrace(fx->td, buf, KTRQ_INLINE_DATA), 0);
	assert_int_equal(ktrq_utrace(fx->td, buf, 10), 0);
	assert_true(wrap_allocs_failed(fx->w) == 2);
	wrap_fail_allocs(fx->w, -1);
	assert_int_equal(ktrq_utrace(fx->td, buf, sizeof(buf)), 0);
	st = h_stats(fx->k);
	assert_true(st.posted == 5);
	assert_true(st.dropped_exhausted == 2);
	exit_and_trace(fx, &tr);
	assert_true(h_stats(fx->k).written == 3);
	assert_int_equal(tr.n, 3);
	assert_true(tr.r[0].drop);
	assert_int_equal(tr.r[0].datalen, KTRQ_INLINE_DATA);
	assert_false(tr.r[1].drop);
	assert_false(tr.r[2].drop);
	assert_int_equal(tr.r[2].datalen, sizeof(buf));
	assert_memory_equal(tr.r[2].data, buf, sizeof(buf));
	trace_free(&tr);
}

/* Between two points, the async path makes no layer allocation. */
static void
t_no_alloc_inline(void **state)
{
	static const uint32_t mask[4] = { 1, 2, 3, 4 };
	static const uint64_t args[KTRQ_REC_MAXARGS] = { 1, 2, 3, 4, 5, 6, 7,
	    8 };
	struct fx *fx = *state;
	uint8_t buf[KTRQ_REC_USER_MAX];
	char path[KTRQ_INLINE_DEFAULT + 2];
	uint64_t n0;
	int i;

	fill(buf, sizeof(buf), 2);
	memset(path, 'n', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	path[KTRQ_INLINE_DEFAULT] = '\0';	/* the whole payload area */
	n0 = wrap_allocs(fx->w);
	for (i = 0; i < 3; i++) {
		assert_int_equal(ktrq_syscall(fx->td, 1, KTRQ_REC_MAXARGS,
		    args), 0);
		assert_int_equal(ktrq_sysret(fx->td, 1, 0, 0), 0);
		assert_int_equal(ktrq_namei(fx->td, path), 0);
		assert_int_equal(ktrq_psig(fx->td, 1, 0, 0, mask), 0);
		assert_int_equal(ktrq_csw(fx->td, 0, 0), 0);
		assert_int_equal(ktrq_utrace(fx->td, buf,
		    KTRQ_INLINE_DEFAULT), 0);
		assert_int_equal(ktrq_utrace(fx->td, buf, 1), 0);
		/* Synchronous genio writes from the caller's buffer. */
		assert_int_equal(ktrq_genio(fx->td, 1, 0, buf, sizeof(buf)),
		    0);
	}
	assert_true(wrap_allocs(fx->w) == n0);
	/* One byte more: exactly one allocation, for the payload. */
	assert_int_equal(ktrq_utrace(fx->td, buf, KTRQ_INLINE_DEFAULT + 1),
	    0);
	assert_true(wrap_allocs(fx->w) == n0 + 1);
	path[KTRQ_INLINE_DEFAULT] = 'n';
	assert_int_equal(ktrq_namei(fx->td, path), 0);
	assert_true(wrap_allocs(fx->w) == n0 + 2);
}

/*
 * inline_size sets the payload area: a record whose fixed part and data
 * fit stays inline, one byte more allocates; the records read back the
 * same either way.
 */
static void
t_inline_size(void **state)
{
	struct fx *fx = *state;
	struct ktrq_config cf;
	struct ktrq_proc *p;
	struct ktrq_thread *td;
	struct ktrq_target *t;
	struct ktrq *k;
	uint8_t buf[KTRQ_INLINE_MIN + 1];
	uint64_t n0;
	const uint8_t *data;
	size_t len, hl;
	struct ktrq_rec_hdr h;

	fill(buf, sizeof(buf), 3);
	ktrq_config_init(&cf, &fx->w->os);
	cf.pool_size = 4;
	cf.inline_size = KTRQ_INLINE_MIN;
	cf.flags = KTRQ_CF_GENIO_COPY;
	assert_int_equal(ktrq_create(&cf, &k), 0);
	assert_int_equal(ktrq_memtarget_create(fx->w->inner, &t), 0);
	p = h_proc(k, 7, NULL, 7, "inl", 1000);
	td = h_thread(p, 70);
	h_trace(td, t, KTRFAC_ALL, 7);
	n0 = wrap_allocs(fx->w);
	assert_int_equal(ktrq_utrace(td, buf, KTRQ_INLINE_MIN), 0);
	/* genio's 8-byte fixed part leaves KTRQ_INLINE_MIN - 8 for data. */
	assert_int_equal(ktrq_genio(td, 1, 0, buf, KTRQ_INLINE_MIN - 8), 0);
	assert_true(wrap_allocs(fx->w) == n0);
	assert_int_equal(ktrq_genio(td, 1, 0, buf, KTRQ_INLINE_MIN - 7), 0);
	assert_true(wrap_allocs(fx->w) == n0 + 1);
	assert_int_equal(ktrq_utrace(td, buf, KTRQ_INLINE_MIN + 1), 0);
	assert_true(wrap_allocs(fx->w) == n0 + 2);
	assert_int_equal(ktrq_proc_exit(p), 0);
	data = ktrq_memtarget_data(t, &len);
	assert_true(len == 4 * KTRQ_REC_HDR_V1_SIZE + KTRQ_INLINE_MIN +
	    (KTRQ_INLINE_MIN - 8) + 8 + (KTRQ_INLINE_MIN - 7) + 8 +
	    KTRQ_INLINE_MIN + 1);
	assert_int_equal(ktrq_rec_hdr_decode(data, len, &h, &hl), 0);
	assert_true(hl == KTRQ_REC_HDR_V1_SIZE);
	assert_int_equal(h.len, KTRQ_INLINE_MIN);
	assert_memory_equal(data + KTRQ_REC_HDR_V1_SIZE, buf,
	    KTRQ_INLINE_MIN);
	assert_true(h_stats(k).written == 4);
	ktrq_target_rele(t);
	assert_int_equal(ktrq_destroy(k), 0);
}

/* Copy mode: genio copies, allocating only beyond the inline size. */
static void
t_copy_genio_alloc(void **state)
{
	struct fx *fx = *state;
	uint8_t buf[KTRQ_GENIO_SIZE_DEFAULT + 1000];
	struct trace tr;
	uint64_t n0;

	fill(buf, sizeof(buf), 3);
	n0 = wrap_allocs(fx->w);
	assert_int_equal(ktrq_genio(fx->td, 4, 1, buf, KTRQ_INLINE_DATA), 0);
	assert_true(wrap_allocs(fx->w) == n0);
	assert_int_equal(ktrq_genio(fx->td, 4, 1, buf, sizeof(buf)), 0);
	assert_true(wrap_allocs(fx->w) == n0 + 1);
	wrap_fail_allocs(fx->w, 0);
	assert_int_equal(ktrq_genio(fx->td, 4, 1, buf, 200), ENOBUFS);
	wrap_fail_allocs(fx->w, -1);
	assert_int_equal(ktrq_genio(fx->td, 4, 0, buf, 5), 0);
	exit_and_trace(fx, &tr);
	assert_int_equal(tr.n, 3);
	assert_int_equal(tr.r[0].datalen, KTRQ_INLINE_DATA);
	assert_memory_equal(tr.r[0].data, buf, KTRQ_INLINE_DATA);
	assert_int_equal(tr.r[1].datalen, KTRQ_GENIO_SIZE_DEFAULT);
	assert_memory_equal(tr.r[1].data, buf, KTRQ_GENIO_SIZE_DEFAULT);
	assert_true(tr.r[2].drop);
	assert_int_equal(tr.r[2].u.genio.rw, 0);
	trace_free(&tr);
}

/*
 * Large payloads of events that never get written: pool empty (the
 * buffer was allocated first) and detached while queued.  Their buffers
 * go back (memcheck reports a leak otherwise).
 */
static void
t_dropped_buffers_freed(void **state)
{
	struct fx *fx = *state;
	uint8_t buf[KTRQ_REC_USER_MAX];
	struct ktrq_stats st;
	struct trace tr;
	int i;

	fill(buf, sizeof(buf), 4);
	assert_int_equal(ktrq_pool_resize(fx->k, 8, NULL), 0);
	gate_close(fx->g);
	assert_int_equal(ktrq_utrace(fx->td, buf, sizeof(buf)), 0);
	gate_wait_entered(fx->g, 1);
	for (i = 1; i < 8; i++)
		assert_int_equal(ktrq_utrace(fx->td, buf, sizeof(buf)), 0);
	for (i = 0; i < 5; i++)
		assert_int_equal(ktrq_utrace(fx->td, buf, sizeof(buf)),
		    ENOBUFS);
	assert_int_equal(ktrq_ktrace(fx->td, NULL, KTROP_CLEAR, KTRFAC_ALL,
	    PID), 0);
	gate_open(fx->g);
	exit_and_trace(fx, &tr);
	st = h_stats(fx->k);
	assert_true(st.posted == 13);
	assert_true(st.written == 1);
	assert_true(st.dropped_cleared == 7);
	assert_true(st.dropped_exhausted == 5);
	assert_int_equal(tr.n, 1);
	trace_free(&tr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_intact, setup, teardown),
		cmocka_unit_test_setup_teardown(t_nomem, setup, teardown),
		cmocka_unit_test_setup_teardown(t_inline_size, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(t_no_alloc_inline, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(t_copy_genio_alloc,
		    setup_copy, teardown),
		cmocka_unit_test_setup_teardown(t_dropped_buffers_freed, setup,
		    teardown),
	};

	return (cmocka_run_group_tests_name("core_payload", tests, NULL,
	    NULL));
}
