/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The platform-layer contract suite, written once against struct ktrq_os
 * and bound to each backend by a small runner (contract_pthread.c, later
 * the simulator's).
 *
 * A test body sees nothing but the table: it synchronises its threads only
 * through the layer's own mutexes and channels, and the only time it ever
 * waits for is an msleep timeout, which a simulated backend may implement
 * in virtual time.  Failures are recorded rather than asserted, because a
 * cmocka assert longjmps and must never run on a thread (real or simulated)
 * other than the one that entered the test; the test function checks the
 * record once the body has returned.
 *
 * Runners may add tests of their own (things only that backend can set
 * up, such as the environment behind tunable) with the same helpers.
 */
#ifndef KTRQ_TESTS_OS_CONTRACT_H
#define KTRQ_TESTS_OS_CONTRACT_H

#include <stdint.h>

#include "ktrq/os.h"

struct contract_backend {
	const char	*name;
	/*
	 * A fresh, independent table per test, made and destroyed outside
	 * run (cmocka setup and teardown); destroy must then return 0.
	 */
	int		(*os_create)(struct ktrq_os **osp);
	int		(*os_destroy)(struct ktrq_os *os);
	/*
	 * Run body(arg) inside the backend's world and return once it and
	 * everything it started have finished; nonzero reports a failure of
	 * the world itself (a deadlock found by a simulator, say).  NULL:
	 * the body is called directly on the calling thread.
	 */
	int		(*run)(struct ktrq_os *os, void (*body)(void *),
			    void *arg);
	/*
	 * Nonzero when msleep may return 0 without a wakeup.  The contract
	 * allows it; a backend that never does it gets the sharper checks
	 * (every return of 0 was caused by exactly one wakeup).
	 */
	int		 spurious_possible;
};

/* Where failures go; one per test, shared by every table the test uses. */
struct contract_record {
	struct ktrq_os		*os;		/* the table mtx belongs to */
	struct ktrq_os_mtx	*mtx;		/* guards the rest */
	unsigned		 nfail;
	char			 first[320];	/* first failure, for cmocka */
};

/*
 * What a body works with: a table and where to report.  A runner test
 * that uses a second table makes a second struct contract with the same
 * record.
 */
struct contract {
	const struct contract_backend *be;
	struct ktrq_os		*os;
	struct contract_record	*rec;
};

typedef void contract_body_t(struct contract *c);

/* Run the whole backend-independent suite; returns cmocka's result. */
int	contract_run(const struct contract_backend *be);

/*
 * For runner-specific tests: cmocka setup/teardown expecting the
 * contract_backend as initial state (cmocka_unit_test_prestate_...), and
 * the function that runs a body in the backend's world and fails the
 * cmocka test if anything was recorded.
 */
int	contract_setup(void **state);
int	contract_teardown(void **state);
void	contract_exec(void **state, contract_body_t *body);

/* Record a failure; safe from any thread of the backend. */
void	contract_fail(struct contract *c, const char *file, int line,
	    const char *expr, long long got, long long want);
/* Report and stop the process: for failures nothing can continue after. */
_Noreturn void contract_abort(const char *file, int line, const char *what);

#define	CHECK(c, e) do {						\
	if (!(e))							\
		contract_fail((c), __FILE__, __LINE__, #e, 0, 0);	\
} while (0)
#define	CHECK_EQ(c, got, want) do {					\
	long long got_ = (long long)(got), want_ = (long long)(want);	\
									\
	if (got_ != want_)						\
		contract_fail((c), __FILE__, __LINE__, #got " == " #want, \
		    got_, want_);					\
} while (0)

/*
 * Spellings of the table's calls for bodies, so they read like kernel
 * code.  Those whose failure would only confuse what follows check their
 * own result and report the caller's line; kspawn stops the process when
 * no thread can be made, since nothing the body did after would mean
 * anything.
 */
#define	kinit(c, mp, n)		kinit_at((c), (mp), (n), __FILE__, __LINE__)
#define	kdestroy(c, m)		kdestroy_at((c), (m), __FILE__, __LINE__)
#define	kenter(c, m)		kenter_at((c), (m), __FILE__, __LINE__)
#define	kexit(c, m)		kexit_at((c), (m), __FILE__, __LINE__)
#define	kspawn(c, n, fn, a)						\
	kspawn_at((c), (n), (fn), (a), __FILE__, __LINE__)
#define	kjoin(c, t)		kjoin_at((c), (t), __FILE__, __LINE__)
#define	kwait_until(c, m, v, w)						\
	kwait_until_at((c), (m), (v), (w), __FILE__, __LINE__)

int	kinit_at(struct contract *c, struct ktrq_os_mtx **mp, const char *name,
	    const char *file, int line);
void	kdestroy_at(struct contract *c, struct ktrq_os_mtx *m,
	    const char *file, int line);
void	kenter_at(struct contract *c, struct ktrq_os_mtx *m,
	    const char *file, int line);
void	kexit_at(struct contract *c, struct ktrq_os_mtx *m,
	    const char *file, int line);
struct ktrq_os_thread *kspawn_at(struct contract *c, const char *name,
	    void (*fn)(void *), void *arg, const char *file, int line);
void	kjoin_at(struct contract *c, struct ktrq_os_thread *t,
	    const char *file, int line);
/*
 * The handshake every test uses: with m held, wait until *v >= want,
 * sleeping on v; kbump increments *v and wakes its waiters.
 */
void	kwait_until_at(struct contract *c, struct ktrq_os_mtx *m,
	    const int *v, int want, const char *file, int line);
void	kbump(struct contract *c, int *v);

/* Unchecked, for bodies that test the result themselves. */
int	kowned(struct contract *c, struct ktrq_os_mtx *m);
int	ksleep(struct contract *c, const void *chan, struct ktrq_os_mtx *m,
	    uint64_t timeout_ns);
void	kwakeup(struct contract *c, const void *chan);
void	kwakeup_one(struct contract *c, const void *chan);
uint64_t kclock(struct contract *c);

#endif /* !KTRQ_TESTS_OS_CONTRACT_H */
