/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The simulator's allocator (the layer's alloc and free): it catches,
 * on its own, writes to freed blocks and writes past either end of a
 * live one, so that a use after free in the code under test fails the
 * run that made it -- replayable -- even without ASan.
 *
 *	+--------------------------------+---------+----------------+
 *	| struct blk: links, size, where | payload | tail redzone   |
 *	| allocated and freed, front rz  | (size)  | (BLK_RZ bytes) |
 *	+--------------------------------+---------+----------------+
 *
 * Both redzones are filled with RZ_BYTE at alloc and checked at free
 * (and at the end of the run for blocks still live).  A freed payload is
 * filled with POISON_BYTE and kept in a FIFO quarantine, so that its
 * memory is not handed out again while a stale pointer may still write
 * through it; the poison is checked when the block leaves the quarantine
 * (the oldest goes once it holds QUAR_BLOCKS blocks or QUAR_BYTES
 * bytes) and, for those still in it, at the end of the run.  A double
 * free is seen while the block is quarantined.
 *
 * Nothing here is a scheduling point and nothing draws from the
 * chooser (the alloc fault site aside, as before), so schedules are the
 * same with or without these checks.  What is reported names the
 * block's size and, for its alloc and its free, the step, the simulated
 * thread and the caller (module+offset, for addr2line), all of which are
 * the same in every replay of the run.
 *
 * With ASan the quarantined payloads and the redzones of live blocks are
 * also poisoned for ASan itself, which then reports reads too, at the
 * faulting instruction.
 */
#define	_GNU_SOURCE	/* dladdr */

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) || \
    defined(__OpenBSD__) || defined(__APPLE__)
#include <dlfcn.h>
#define	HAVE_DLADDR	1
#endif

#include "sim_impl.h"

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
#else
#define	ASAN_POISON_MEMORY_REGION(p, n)		((void)(p), (void)(n))
#define	ASAN_UNPOISON_MEMORY_REGION(p, n)	((void)(p), (void)(n))
#endif

#if defined(__GNUC__)
#define	CALLER()	__builtin_return_address(0)
#else
#define	CALLER()	NULL
#endif

#define	BLK_RZ		16		/* bytes of each redzone */
#define	RZ_BYTE		0xfb		/* redzones */
#define	POISON_BYTE	0xde		/* freed payloads: 0xdede... */
#define	QUAR_BLOCKS	1024		/* quarantine bound, blocks ... */
#define	QUAR_BYTES	(4u << 20)	/* ... and bytes */

#define	BLK_LIVE	0x6c697665U	/* "live" */
#define	BLK_FREED	0x66726565U	/* "free" */

/* Where a block was allocated or freed. */
struct blk_at {
	uint64_t	 step;
	const void	*pc;		/* the caller of alloc or free */
	int		 tid;		/* 0: outside a simulated thread */
};

/*
 * The payload follows the header, 16-byte aligned as malloc's own; the
 * header ends with the front redzone.  Live blocks are on s->blocks,
 * quarantined ones on s->quar (oldest first, through `next`).
 */
struct blk {
	struct blk	*next;
	struct blk	*prev;
	uint64_t	 size;
	uint32_t	 state;		/* BLK_LIVE or BLK_FREED */
	struct blk_at	 alloc;
	struct blk_at	 free;
	_Alignas(16) unsigned char rz[BLK_RZ];
};

static unsigned char *
payload(struct blk *b)
{

	return ((unsigned char *)(b + 1));
}

static void
here(struct sim *s, struct blk_at *at, const void *pc)
{

	at->step = s->steps;
	at->pc = pc;
	at->tid = s->cur != NULL ? s->cur->id : 0;
}

/* "step 12 in thread 3 \"poster\" (caller ktrq-sim+0x1f2a3)" */
static void
format_at(const struct sim *s, const struct blk_at *at, char *buf,
    size_t len)
{
	char who[KTRQ_OS_NAMELEN + 32], pc[256];
#ifdef HAVE_DLADDR
	Dl_info di;
	const char *mod;
#endif

	if (at->tid > 0 && at->tid <= s->nthreads)
		snprintf(who, sizeof(who), " in thread %d \"%s\"", at->tid,
		    s->threads[at->tid]->name);
	else
		snprintf(who, sizeof(who), " outside the run");
	pc[0] = '\0';
#ifdef HAVE_DLADDR
	if (at->pc != NULL && dladdr(at->pc, &di) != 0 && di.dli_fname != NULL) {
		mod = strrchr(di.dli_fname, '/');
		mod = mod != NULL ? mod + 1 : di.dli_fname;
		snprintf(pc, sizeof(pc), " (caller %s+%#" PRIxPTR ")",
		    *mod != '\0' ? mod : "?", (uintptr_t)at->pc -
		    (uintptr_t)di.dli_fbase);
	}
#endif
	snprintf(buf, len, "step %" PRIu64 "%s%s", at->step, who, pc);
}

#define	X8(b)	b, b, b, b, b, b, b, b
#define	PAT	64			/* bytes of a pattern */
static const unsigned char rz_pat[PAT] = { X8(RZ_BYTE), X8(RZ_BYTE),
    X8(RZ_BYTE), X8(RZ_BYTE), X8(RZ_BYTE), X8(RZ_BYTE), X8(RZ_BYTE),
    X8(RZ_BYTE) };
static const unsigned char poison_pat[PAT] = { X8(POISON_BYTE),
    X8(POISON_BYTE), X8(POISON_BYTE), X8(POISON_BYTE), X8(POISON_BYTE),
    X8(POISON_BYTE), X8(POISON_BYTE), X8(POISON_BYTE) };

/*
 * The first offset in p[0..n) that differs from the pattern (PAT bytes
 * of one value), or n.  The common case, all intact, at memcmp's speed:
 * when the first PAT bytes match and every byte equals the one PAT
 * before it, all do.  Only a failure walks to the exact offset.
 */
static size_t
first_not(const unsigned char *p, size_t n, const unsigned char *pat)
{
	size_t i, head;

	head = n < PAT ? n : PAT;
	if (memcmp(p, pat, head) == 0 &&
	    (n == head || memcmp(p, p + head, n - head) == 0))
		return (n);
	for (i = 0; i < n && p[i] == pat[0]; i++)
		;
	return (i);
}

/*
 * Whether b's redzones and, when freed, its poison are intact: 0, or 1
 * with a message that names the block, where it was allocated (and
 * freed), the offset written and `when` it was found.
 */
static int
blk_check(struct sim *s, struct blk *b, const char *when, char *msg,
    size_t len)
{
	unsigned char *p = payload(b);
	char a[400], f[400];
	const char *what;
	size_t off, size = b->size;
	long long at;

	ASAN_UNPOISON_MEMORY_REGION(b->rz, BLK_RZ);
	ASAN_UNPOISON_MEMORY_REGION(p + size, BLK_RZ);
	if ((off = first_not(b->rz, BLK_RZ, rz_pat)) < BLK_RZ) {
		what = "heap underrun";
		at = (long long)off - BLK_RZ;
	} else if ((off = first_not(p + size, BLK_RZ, rz_pat)) < BLK_RZ) {
		what = "heap overrun";
		at = (long long)(size + off);
	} else {
		what = "use after free";
		off = size;
		if (b->state == BLK_FREED) {
			ASAN_UNPOISON_MEMORY_REGION(p, size);
			off = first_not(p, size, poison_pat);
			ASAN_POISON_MEMORY_REGION(p, size);
		}
		at = (long long)off;
		if (off == size) {
			ASAN_POISON_MEMORY_REGION(b->rz, BLK_RZ);
			ASAN_POISON_MEMORY_REGION(p + size, BLK_RZ);
			return (0);
		}
	}
	format_at(s, &b->alloc, a, sizeof(a));
	f[0] = '\0';
	if (b->state == BLK_FREED) {
		memcpy(f, ", freed at ", sizeof(", freed at "));
		format_at(s, &b->free, f + strlen(f), sizeof(f) - strlen(f));
	}
	snprintf(msg, len, "%s: a %" PRIu64 "-byte block was written at "
	    "offset %lld%s (allocated at %s%s); found %s", what, b->size, at,
	    at < 0 ? ", before its start" : (uint64_t)at >= size ?
	    ", past its end" : " after its free", a, f, when);
	return (1);
}

/*
 * A memory error from inside the run: the run fails as a violation at
 * this step.  Outside a simulated thread (before the run, after it, at
 * its end) there is nothing to unwind: the first failure is recorded.
 */
static void
mem_fail(struct sim *s, const char *msg)
{

	if (s->cur != NULL && s->started && !s->ended && !s->aborting)
		ktrq_sim__fail(s, msg);
	if (s->status == SIM_OK) {
		s->status = SIM_VIOLATION;
		snprintf(s->message, sizeof(s->message), "violation outside "
		    "the simulated threads, after step %" PRIu64 ": %s",
		    s->steps, msg);
	}
}

static void
blk_release(struct blk *b)
{

	ASAN_UNPOISON_MEMORY_REGION(b, sizeof(*b) + b->size + BLK_RZ);
	free(b);
}

/* The oldest quarantined block leaves: checked, then really freed. */
static void
quar_evict(struct sim *s)
{
	struct blk *b = s->quar;
	char msg[900];
	int bad;

	s->quar = b->next;
	if (s->quar == NULL)
		s->quar_tail = NULL;
	s->quar_n--;
	s->quar_bytes -= b->size;
	bad = blk_check(s, b, "when it left the quarantine", msg,
	    sizeof(msg));
	blk_release(b);
	if (bad)
		mem_fail(s, msg);
}

static void
quar_put(struct sim *s, struct blk *b)
{

	b->next = NULL;
	if (s->quar_tail != NULL)
		s->quar_tail->next = b;
	else
		s->quar = b;
	s->quar_tail = b;
	s->quar_n++;
	s->quar_bytes += b->size;
	while (s->quar_n > 1 && (s->quar_n > QUAR_BLOCKS ||
	    s->quar_bytes > QUAR_BYTES))
		quar_evict(s);
}

void *
ktrq_sim__alloc(void *cookie, size_t size)
{
	struct sim *s = cookie;
	struct blk *b;

	if (s->faults_armed && ktrq_sim__fault(s, SIM_FAULT_ALLOC, "alloc"))
		return (NULL);
	if (size > SIZE_MAX - sizeof(*b) - BLK_RZ ||
	    (b = malloc(sizeof(*b) + size + BLK_RZ)) == NULL)
		return (NULL);
	b->size = size;
	b->state = BLK_LIVE;
	here(s, &b->alloc, CALLER());
	memset(b->rz, RZ_BYTE, BLK_RZ);
	memset(payload(b) + size, RZ_BYTE, BLK_RZ);
	ASAN_POISON_MEMORY_REGION(b->rz, BLK_RZ);
	ASAN_POISON_MEMORY_REGION(payload(b) + size, BLK_RZ);
	b->prev = NULL;
	if ((b->next = s->blocks) != NULL)
		b->next->prev = b;
	s->blocks = b;
	s->alloc_live += size;
	return (payload(b));
}

void
ktrq_sim__free(void *cookie, void *ptr, size_t size)
{
	struct sim *s = cookie;
	struct blk *b;
	char msg[900], a[400], f[400];

	if (ptr == NULL)
		return;
	b = (struct blk *)ptr - 1;
	if (b->state == BLK_FREED) {
		format_at(s, &b->alloc, a, sizeof(a));
		format_at(s, &b->free, f, sizeof(f));
		snprintf(msg, sizeof(msg), "double free of a %" PRIu64 "-byte "
		    "block (allocated at %s, freed at %s)", b->size, a, f);
		mem_fail(s, msg);
		return;
	}
	if (b->state != BLK_LIVE)
		ktrq_sim__abort(s, SIM_PANIC, "free: not a block from this "
		    "layer's alloc, or its header was overwritten");
	if (b->size != size) {
		format_at(s, &b->alloc, a, sizeof(a));
		snprintf(msg, sizeof(msg), "free: size differs from alloc: "
		    "%zu for a %" PRIu64 "-byte block allocated at %s", size,
		    b->size, a);
		ktrq_sim__abort(s, SIM_PANIC, msg);
	}
	if (blk_check(s, b, "at its free", msg, sizeof(msg)))
		mem_fail(s, msg);
	if (b->next != NULL)
		b->next->prev = b->prev;
	if (b->prev != NULL)
		b->prev->next = b->next;
	else
		s->blocks = b->next;
	s->alloc_live -= size;
	b->state = BLK_FREED;
	here(s, &b->free, CALLER());
	memset(ptr, POISON_BYTE, size);
	ASAN_POISON_MEMORY_REGION(ptr, size);
	quar_put(s, b);
}

/*
 * The end of the run: every block still quarantined keeps its poison and
 * every block keeps its redzones.  Returns 0, or 1 with the first error
 * in msg (oldest quarantined first, then live blocks newest first).
 */
int
ktrq_sim__mem_verify(struct sim *s, char *msg, size_t len)
{
	struct blk *b;

	for (b = s->quar; b != NULL; b = b->next)
		if (blk_check(s, b, "at the end of the run", msg, len))
			return (1);
	for (b = s->blocks; b != NULL; b = b->next)
		if (blk_check(s, b, "at the end of the run", msg, len))
			return (1);
	return (0);
}

/* Give everything back, unchecked (a failed run's leftovers too). */
void
ktrq_sim__mem_fini(struct sim *s)
{
	struct blk *b;

	while ((b = s->blocks) != NULL) {
		s->blocks = b->next;
		s->alloc_live -= b->size;
		blk_release(b);
	}
	while ((b = s->quar) != NULL) {
		s->quar = b->next;
		blk_release(b);
	}
	s->quar_tail = NULL;
	s->quar_n = 0;
	s->quar_bytes = 0;
}
