/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Scheduling strategies: given the runnable threads, which one runs.
 *
 * random	uniform among the runnable threads at every point.
 * pct		Probabilistic Concurrency Testing (Burckhardt et al.,
 *		ASPLOS 2010).  Each thread gets a distinct random priority
 *		of at least d; d-1 change points are drawn among steps
 *		1..k; the highest-priority runnable thread always runs, and
 *		at the i-th change point the running thread drops to
 *		priority d-1-i, below every initial one.  A bug of depth d
 *		in a run of n threads and k steps is then found by one run
 *		with probability at least 1/(n * k^(d-1)).
 * none		no preemption: the running thread keeps running until it
 *		blocks or ends; then a random runnable one takes over.  The
 *		baseline that shows what preemption buys.
 *
 * A strategy only picks threads; other choices come from the seeded
 * generator in choose.c.  An exhaustive or DPOR strategy fits the same
 * interface: it sees every choice point in order and answers with an
 * index.
 */
#include <errno.h>
#include <stdlib.h>

#include "sim_impl.h"

#define	PCT_DEFAULT_STEPS	2000
#define	PCT_MAXDEPTH		16

struct strat_state {
	uint64_t	*rng;
	/* pct */
	int		 depth;
	uint64_t	 change[PCT_MAXDEPTH];	/* sorted steps */
	int		 nchange;
	int		 next_change;
	int64_t		*prio;		/* by tid; doubles as threads come */
	int		 nprio;
};

static void *
strat_create(const struct sim_params *p, uint64_t *rng)
{
	struct strat_state *st;
	uint64_t k, c;
	int i, j;

	if ((st = calloc(1, sizeof(*st))) == NULL)
		return (NULL);
	st->rng = rng;
	st->depth = p->pct_depth < PCT_MAXDEPTH ? p->pct_depth : PCT_MAXDEPTH;
	if (p->strategy != SIM_STRAT_PCT)
		return (st);
	k = p->pct_steps != 0 ? p->pct_steps : PCT_DEFAULT_STEPS;
	for (i = 0; i < st->depth - 1; i++) {
		c = 1 + ktrq_sim__rng_below(rng, k);
		for (j = i; j > 0 && st->change[j - 1] > c; j--)
			st->change[j] = st->change[j - 1];
		st->change[j] = c;
	}
	st->nchange = st->depth - 1;
	return (st);
}

static void
strat_destroy(void *arg)
{
	struct strat_state *st = arg;

	free(st->prio);
	free(st);
}

/* Initial priorities are >= d and distinct: random high bits, id low. */
static int
pct_thread_new(void *arg, int tid)
{
	struct strat_state *st = arg;
	int64_t *np;
	int n;

	if (tid >= st->nprio) {
		for (n = st->nprio != 0 ? st->nprio : 16; n <= tid; n *= 2)
			;
		if ((np = realloc(st->prio, (size_t)n * sizeof(*np))) == NULL)
			return (ENOMEM);
		st->prio = np;
		st->nprio = n;
	}
	st->prio[tid] = (int64_t)st->depth + 1 +
	    (int64_t)(ktrq_sim__rng_below(st->rng, 1U << 20) << 7) + tid;
	return (0);
}

static uint64_t
pct_pick(void *arg, const int *ids, uint64_t n, int cur, uint64_t step)
{
	struct strat_state *st = arg;
	uint64_t i, best;

	while (st->next_change < st->nchange &&
	    step >= st->change[st->next_change]) {
		st->prio[cur] = st->depth - 1 - st->next_change;
		st->next_change++;
	}
	for (best = 0, i = 1; i < n; i++)
		if (st->prio[ids[i]] > st->prio[ids[best]])
			best = i;
	return (best);
}

static uint64_t
random_pick(void *arg, const int *ids, uint64_t n, int cur, uint64_t step)
{
	struct strat_state *st = arg;

	(void)ids;
	(void)cur;
	(void)step;
	return (ktrq_sim__rng_below(st->rng, n));
}

static uint64_t
none_pick(void *arg, const int *ids, uint64_t n, int cur, uint64_t step)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		if (ids[i] == cur)
			return (i);
	return (random_pick(arg, ids, n, cur, step));
}

static const struct sim_strategy strategies[] = {
	[SIM_STRAT_RANDOM] = { "random", strat_create, strat_destroy, NULL,
	    random_pick },
	[SIM_STRAT_PCT] = { "pct", strat_create, strat_destroy,
	    pct_thread_new, pct_pick },
	[SIM_STRAT_NONE] = { "none", strat_create, strat_destroy, NULL,
	    none_pick },
};

const struct sim_strategy *
ktrq_sim__strategy(enum sim_strategy_kind k)
{

	return (&strategies[k <= SIM_STRAT_NONE ? k : SIM_STRAT_RANDOM]);
}
