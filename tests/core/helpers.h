/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers shared by the core tests (tests/core/test_*.c).
 *
 *  - wrap: a platform layer that forwards to the pthread backend but can
 *    return a fixed clock, fail allocations on demand, count them, and
 *    call back into the test from inside mtx_enter, msleep, clock_ns and
 *    thread_join on one chosen thread (to raise events from inside
 *    libktrq, or to learn where a thread is without sleeping).
 *  - gate: a trace target whose write blocks until the test lets it
 *    through and which announces every writer that reached it, so a test
 *    can park the worker inside a write and know the exact pool and todo
 *    state.  Synchronised with the layer's own mutex and msleep/wakeup,
 *    every wait a predicate loop.
 *  - trace: a parser of ktrace.out bytes (a memtarget's) into records,
 *    built on the ktrq_rec_*_decode decoders.
 *  - logcap: a log sink that keeps the lines it was given.
 *  - h_*: small assertion-checked shorthands for building the traced
 *    world.
 *
 * Every helper that can fail asserts through CMocka, so a test reads as
 * the behaviour it proves.
 */
#ifndef KTRQ_TESTS_CORE_HELPERS_H
#define KTRQ_TESTS_CORE_HELPERS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "ktrq/ktrq.h"

/* ------------------------------------------------------------------ */
/* The wrapping layer                                                 */
/* ------------------------------------------------------------------ */

/*
 * Callbacks run on the armed thread only, never re-entered (an event
 * point called from a hook that reaches the layer again does not fire
 * the hooks again), with no lock of the wrapper held.
 */
struct wrap_hooks {
	/* After the thread acquired a mutex (it holds it). */
	void	(*on_enter)(void *arg);
	/* Before the thread goes to sleep (it holds the interlock). */
	void	(*on_sleep)(void *arg, const char *wmesg);
	/* When the thread reads the clock. */
	void	(*on_clock)(void *arg);
	/* After it read the clock, before the value is returned. */
	void	(*on_clock_read)(void *arg);
	/* When the thread starts joining a thread. */
	void	(*on_join)(void *arg);
	void	*arg;
};

struct wrap {
	struct ktrq_os	 os;		/* give &w->os to libktrq */
	struct ktrq_os	*inner;		/* the pthread backend */
	pthread_mutex_t	 lock;		/* guards all below */
	int		 clock_fixed;
	uint64_t	 clock_value;
	uint64_t	 nalloc;	/* alloc calls */
	uint64_t	 nalloc_failed;
	long		 fail_after;	/* -1 never; else allocs left */
	int		 hooks_armed;
	pthread_t	 hooks_thread;
	struct wrap_hooks hooks;
};

struct wrap *wrap_create(void);
void	wrap_destroy(struct wrap *w);
/* clock_ns returns `ns` from now on. */
void	wrap_fix_clock(struct wrap *w, uint64_t ns);
/* Let `n` more allocations succeed, then fail every one; -1: never. */
void	wrap_fail_allocs(struct wrap *w, long n);
uint64_t wrap_allocs(struct wrap *w);
uint64_t wrap_allocs_failed(struct wrap *w);
/* Arm `h` (copied) for the calling thread; NULL disarms. */
void	wrap_arm(struct wrap *w, const struct wrap_hooks *h);

/* ------------------------------------------------------------------ */
/* The gate target                                                    */
/* ------------------------------------------------------------------ */

struct gate {
	const struct ktrq_os	*os;
	struct ktrq_os_mtx	*mtx;		/* guards the rest */
	int			 open;		/* everyone passes */
	unsigned		 passes;	/* writers let through */
	unsigned		 entered;	/* writers that reached it */
	unsigned		 waiting;	/* writers blocked now */
	struct ktrq_target	*inner;		/* referenced */
	struct ktrq_target	*target;	/* the gate: the test's ref */
	/* Called by each writer reaching the gate, no lock held. */
	void			(*on_enter)(void *arg);
	void			*on_enter_arg;
};

/*
 * A closed gate in front of `inner` (NULL: a new memtarget on `os`).
 * The gate lives until its last reference goes: release g->target last.
 */
struct gate *gate_create(const struct ktrq_os *os, struct ktrq_target *inner);
/* Wait until at least `n` writers ever reached / wait now at the gate. */
void	gate_wait_entered(struct gate *g, unsigned n);
void	gate_wait_waiting(struct gate *g, unsigned n);
void	gate_open(struct gate *g);
void	gate_close(struct gate *g);
/* Set g->on_enter (before any writer can reach the gate). */
void	gate_notify(struct gate *g, void (*fn)(void *), void *arg);
/* Let `n` more writers through while closed. */
void	gate_pass(struct gate *g, unsigned n);
unsigned gate_entered(struct gate *g);

/* A target that accepts and discards everything. */
/* A target write that accepts every byte (for targets built on it). */
int	null_write(void *arg, const struct ktrq_iov *iov, int iovcnt,
	    const struct ktrq_cred *cred, size_t *donep);
struct ktrq_target *null_target(const struct ktrq_os *os);

/* ------------------------------------------------------------------ */
/* Trace parsing                                                      */
/* ------------------------------------------------------------------ */

struct trec {
	uint16_t	 rawtype;	/* as in the file, flags included */
	int		 type;		/* rawtype & ~KTR_TYPE */
	int		 drop;		/* KTR_DROP was set */
	struct ktrq_rec_hdr hdr;
	size_t		 off;		/* of the header */
	union {
		struct ktrq_rec_syscall	syscall;
		struct ktrq_rec_sysret	sysret;
		struct ktrq_rec_genio	genio;
		struct ktrq_rec_psig	psig;
		struct ktrq_rec_csw	csw;
	} u;
	const uint8_t	*data;		/* NAMEI, USER, GENIO data */
	size_t		 datalen;
};

struct trace {
	uint8_t		*buf;		/* a private copy */
	size_t		 len;
	struct trec	*r;
	size_t		 n;
};

/* Parse version-1 records; 0 or the decoder's errno (EPROTO: v0). */
int	trace_parse(const uint8_t *buf, size_t len, struct trace *tr);
/* Parse a memtarget's bytes; asserts success.  No writer may run. */
void	trace_of(struct ktrq_target *memtarget, struct trace *tr);
void	trace_free(struct trace *tr);
/* Records of `pid` (-1: any) and type (0: any). */
size_t	trace_count(const struct trace *tr, int pid, int type);
/* Index of the first record matching a syscall code and args[0..1]. */
long	trace_find_syscall(const struct trace *tr, int pid, int code,
	    uint64_t a0, uint64_t a1);

/* ------------------------------------------------------------------ */
/* Log capture                                                        */
/* ------------------------------------------------------------------ */

#define	LOGCAP_LINES	64
#define	LOGCAP_LEN	200

struct logcap {
	pthread_mutex_t	 lock;
	unsigned	 n;		/* lines received */
	char		 line[LOGCAP_LINES][LOGCAP_LEN];
	int		 level[LOGCAP_LINES];
};

void	logcap_init(struct logcap *lc);
void	logcap_fini(struct logcap *lc);
/* Use as ktrq_config.log with log_arg = the logcap. */
void	logcap_log(void *arg, int level, const char *msg);
/* Lines equal to `msg` (kept lines only). */
unsigned logcap_count(struct logcap *lc, const char *msg);
unsigned logcap_total(struct logcap *lc);

/* ------------------------------------------------------------------ */
/* The traced world                                                   */
/* ------------------------------------------------------------------ */

struct ktrq_cred h_cred(uint32_t uid);
/* An instance; pool 0 means the default.  Asserts. */
struct ktrq *h_instance(const struct ktrq_os *os, int pool, unsigned flags,
	    struct logcap *lc);
struct ktrq *h_instance_cf(const struct ktrq_config *cf);
struct ktrq_proc *h_proc(struct ktrq *k, int pid, struct ktrq_proc *parent,
	    int pgid, const char *comm, uint32_t uid);
struct ktrq_thread *h_thread(struct ktrq_proc *p, int64_t tid);
/* `ctl` sets `facs` on `pid` to `t`; asserts success. */
void	h_trace(struct ktrq_thread *ctl, struct ktrq_target *t, int facs,
	    int pid);
/*
 * A process `pid` (no parent, its own group, uid 1000, named `comm`)
 * with one thread `tid` that has set every facility on `pid` to `t`;
 * returns the thread and stores the process in *pp.  Asserts.
 */
struct ktrq_thread *h_traced_thread(struct ktrq *k, struct ktrq_target *t,
	    int pid, const char *comm, int64_t tid, struct ktrq_proc **pp);
/*
 * The world of a gated test: a new wrap in *wp, an instance on it (pool,
 * flags and lc as for h_instance) returned, and in *gp a closed gate
 * created on the wrap's inner layer (in front of a new memtarget, so its
 * allocations are not counted).  Undo with h_gated_teardown().
 */
struct ktrq *h_gated_world(struct wrap **wp, struct gate **gp, int pool,
	    unsigned flags, struct logcap *lc);
/*
 * Opens g (so parked writes complete), destroys k asserting success,
 * releases the test's reference to g's target, then destroys w.
 */
void	h_gated_teardown(struct wrap *w, struct ktrq *k, struct gate *g);
struct ktrq_stats h_stats(struct ktrq *k);
/*
 * No event in flight: every posted event ended one way, the pool is all
 * free, the todo list empty.
 */
void	h_assert_quiet(struct ktrq *k);
/* A syscall event with args {a0, a1}; returns the outcome. */
int	h_sys(struct ktrq_thread *td, int code, uint64_t a0, uint64_t a1);

/* Threads for the tests (plain pthreads). */
typedef void *(*h_thread_fn)(void *);
void	h_spawn(pthread_t *t, h_thread_fn fn, void *arg);
void	h_join(pthread_t t);

/* A start line: threads wait at it until the test lets them all go. */
struct h_start {
	pthread_mutex_t	 lock;
	pthread_cond_t	 cv;
	int		 go;
};
void	h_start_init(struct h_start *s);
void	h_start_fini(struct h_start *s);
void	h_start_wait(struct h_start *s);
void	h_start_go(struct h_start *s);

#endif /* !KTRQ_TESTS_CORE_HELPERS_H */
