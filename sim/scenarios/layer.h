/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A platform layer of the scenarios' own, over the simulator's: every
 * call goes through to the simulator's table, but this layer answers
 * os->tunable and os->forked itself, fails chosen calls on purpose,
 * counts what it hands out, and may raise an event from inside the core
 * the way a kernel's context switch does.  It is what a user writes to
 * run libktrq on a platform of theirs, so it uses the public headers
 * alone.  The actors make side instances on it (bad-input, configs):
 * built from tunables, failing at every step of ktrq_create, or playing
 * a child forked after the instance was made.
 *
 * Concurrency: one simulated thread runs at a time, and no call here is
 * a scheduling point between reading and writing the counters, so they
 * need no lock; a layer belongs to the run that made it.
 */
#ifndef KTRQ_SCN_LAYER_H
#define KTRQ_SCN_LAYER_H

#include <stdint.h>

#include "ktrq/os.h"

struct scn_layer {
	struct ktrq_os		 os;		/* the table to create on */
	const struct ktrq_os	*in;		/* the simulator's */
	/*
	 * The simulated thread playing a child forked after the instance
	 * was made (0: none): os->forked() is 1 for it alone, and any
	 * other call it makes into the layer fails the run (the core must
	 * return EOWNERDEAD before touching the layer).
	 */
	uint64_t		 child;
	/* The tunables: ENOENT (unset, the default), 0 or EINVAL. */
	int			 pool_error;	/* KTRQ_REQUEST_POOL */
	long long		 pool_value;
	int			 bp_error;	/* KTRQ_BACKPRESSURE_NS */
	long long		 bp_value;
	/*
	 * Failures on purpose: the n-th such call from now fails (1: the
	 * next), 0: none.  alloc returns NULL, mtx_init ENOMEM,
	 * thread_create EAGAIN.
	 */
	unsigned		 fail_alloc;
	unsigned		 fail_mtx;
	unsigned		 fail_thread;
	unsigned		 failures;	/* calls failed, ours or the
						   simulator's */
	uint64_t		 live;		/* bytes allocated, not freed */
	int64_t			 mutexes;	/* made, not destroyed */
	unsigned		 logs;		/* lines through os->log */
	/*
	 * nest(nest_arg), once per mutex entry by the simulated thread
	 * nest_self (0: none), before the mutex is taken: an event raised
	 * by the layer while the core works for that thread.
	 */
	void			(*nest)(void *arg);
	void			*nest_arg;
	uint64_t		 nest_self;
	int			 nesting;
};

/* A layer over `in` (a simulator's table) with nothing set. */
void	scn_layer_init(struct scn_layer *l, const struct ktrq_os *in);

#endif /* !KTRQ_SCN_LAYER_H */
