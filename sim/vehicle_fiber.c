/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fiber vehicle: every simulated thread is a ucontext on a stack of
 * its own, all on the OS thread that called ktrq_sim__run.  A hand-off is a
 * swapcontext (a few hundred ns) instead of two condition-variable
 * signals across CPUs (tens of µs), which is what makes sweeps of many
 * seeds affordable.  Stacks are mmap'ed with a guard page below, so an
 * overflow faults instead of corrupting a neighbour.
 *
 * Sanitizers must be told about stack switches: ASan through
 * __sanitizer_{start,finish}_switch_fiber, TSan through its fiber API.
 */
#define	_GNU_SOURCE	/* ucontext, MAP_ANONYMOUS; before every include */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "sim_impl.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define	KTRQ_ASAN	1
#endif
#if __has_feature(thread_sanitizer)
#define	KTRQ_TSAN	1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define	KTRQ_ASAN	1
#endif
#if defined(__SANITIZE_THREAD__)
#define	KTRQ_TSAN	1
#endif

#ifdef KTRQ_ASAN
void	__sanitizer_start_switch_fiber(void **, const void *, size_t);
void	__sanitizer_finish_switch_fiber(void *, const void **, size_t *);
void	__asan_unpoison_memory_region(void const volatile *, size_t);
#endif
#ifdef KTRQ_TSAN
void	*__tsan_get_current_fiber(void);
void	*__tsan_create_fiber(unsigned);
void	__tsan_destroy_fiber(void *);
void	__tsan_switch_to_fiber(void *, unsigned);
#endif

#define	FIBER_STACK	(256 * 1024)

struct fiber {
	ucontext_t	 ctx;
	void		*map;		/* guard page + stack; NULL: thread 1 */
	size_t		 maplen;
	void		*tsan;
	/* ASan: the stack's bounds (thread 1's learnt when it first leaves). */
	const void	*bottom;
	size_t		 size;
	struct fiber	*prev;		/* who switched to this fiber */
};

static int
fv_init(struct sim *s)
{

	(void)s;
	return (0);
}

static void
fiber_free(struct fiber *f)
{

	if (f == NULL)
		return;
	if (f->map != NULL)
		munmap(f->map, f->maplen);
#ifdef KTRQ_TSAN
	if (f->map != NULL && f->tsan != NULL)
		__tsan_destroy_fiber(f->tsan);
#endif
	free(f);
}

static void
fv_fini(struct sim *s)
{
	int i;

	for (i = 1; i <= s->nthreads; i++) {
		fiber_free(s->threads[i]->vehicle);
		s->threads[i]->vehicle = NULL;
	}
}

static int
fv_adopt(struct sim *s, struct sim_thread *t)
{
	struct fiber *f;

	(void)s;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return (ENOMEM);
#ifdef KTRQ_TSAN
	f->tsan = __tsan_get_current_fiber();
#endif
	t->vehicle = f;
	return (0);
}

/*
 * Tell ASan the switch to `me` is complete; the first time thread 1's
 * stack is left, ASan reports its bounds, which a later switch back needs.
 */
static void
after_switch(struct fiber *me, void *fake)
{
#ifdef KTRQ_ASAN
	const void *bottom;
	size_t size;

	__sanitizer_finish_switch_fiber(fake, &bottom, &size);
	if (me->prev != NULL && me->prev->map == NULL &&
	    me->prev->bottom == NULL) {
		me->prev->bottom = bottom;
		me->prev->size = size;
	}
#else
	(void)me;
	(void)fake;
#endif
}

/* makecontext passes ints: the thread pointer arrives in two halves. */
static void
fiber_main(unsigned hi, unsigned lo)
{
	struct sim_thread *t;

	t = (struct sim_thread *)(uintptr_t)(((uint64_t)hi << 32) | lo);
	after_switch(t->vehicle, NULL);
	ktrq_sim__thread_main(t);
}

static int
fv_start(struct sim *s, struct sim_thread *t)
{
	struct fiber *f;
	uintptr_t p = (uintptr_t)t;
	size_t page;

	(void)s;
	page = (size_t)sysconf(_SC_PAGESIZE);
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return (ENOMEM);
	f->maplen = FIBER_STACK + page;
	f->map = mmap(NULL, f->maplen, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (f->map == MAP_FAILED) {
		free(f);
		return (ENOMEM);
	}
	mprotect(f->map, page, PROT_NONE);
#ifdef KTRQ_ASAN
	/* mmap may hand back an exited fiber's stack, its redzones still set. */
	__asan_unpoison_memory_region((char *)f->map + page, FIBER_STACK);
#endif
	getcontext(&f->ctx);
	f->ctx.uc_stack.ss_sp = (char *)f->map + page;
	f->ctx.uc_stack.ss_size = FIBER_STACK;
	f->bottom = f->ctx.uc_stack.ss_sp;
	f->size = FIBER_STACK;
	f->ctx.uc_link = NULL;
	makecontext(&f->ctx, (void (*)(void))fiber_main, 2,
	    (unsigned)((uint64_t)p >> 32), (unsigned)(p & 0xffffffffU));
#ifdef KTRQ_TSAN
	f->tsan = __tsan_create_fiber(0);
#endif
	t->vehicle = f;
	return (0);
}

static void
fv_switch(struct sim *s, struct sim_thread *from, struct sim_thread *to,
    int from_exits)
{
	struct fiber *ff = from->vehicle, *ft = to->vehicle;
	void *fake = NULL;

	(void)s;
	ft->prev = ff;
#ifdef KTRQ_ASAN
	__sanitizer_start_switch_fiber(from_exits ? NULL : &fake, ft->bottom,
	    ft->size);
#endif
#ifdef KTRQ_TSAN
	__tsan_switch_to_fiber(ft->tsan, 0);
#endif
	if (from_exits)
		setcontext(&ft->ctx);
	else
		swapcontext(&ff->ctx, &ft->ctx);
	after_switch(ff, fake);
}

/* Abandoned fibers are never resumed; this cannot be reached. */
static __attribute__((noreturn)) void
fv_die(struct sim *s, struct sim_thread *t)
{

	(void)s;
	(void)t;
	abort();
}

static void
fv_abandon(struct sim *s, struct sim_thread *t)
{

	(void)s;
	(void)t;		/* its stack goes at fini */
}

static void
fv_reap(struct sim *s, struct sim_thread *t)
{

	(void)s;
	fiber_free(t->vehicle);
	t->vehicle = NULL;
}

const struct sim_vehicle ktrq_sim__vehicle_fiber = {
	.name = "fiber",
	.init = fv_init,
	.fini = fv_fini,
	.adopt = fv_adopt,
	.start = fv_start,
	.switch_to = fv_switch,
	.die = fv_die,
	.abandon = fv_abandon,
	.reap = fv_reap,
};
