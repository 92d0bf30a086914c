/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A lost wakeup: the consumer tests the flag, then sleeps -- but drops
 * the lock in between, so the producer's wakeup can come before the
 * sleep and nobody wakes the consumer again.  ktrq_sim_check finds the
 * deadlock and prints the KTRQ_SIM_REPLAY line that brings it back.
 */
#include <stdint.h>
#include <stdio.h>

#include <ktrq/sim.h>

static struct ktrq_os_mtx *lock;
static int ready;

static void
producer(void *arg)
{
	const struct ktrq_os *os = arg;

	os->mtx_enter(os->cookie, lock);
	ready = 1;
	os->mtx_exit(os->cookie, lock);
	os->wakeup(os->cookie, &ready);
}

static void
body(const struct ktrq_os *os, void *arg)
{
	struct ktrq_os_thread *t;
	int r;

	(void)arg;
	ready = 0;			/* a fresh world: reset our globals */
	os->mtx_init(os->cookie, &lock, "lock");
	os->thread_create(os->cookie, &t, "producer", producer,
	    (void *)(uintptr_t)os);
	os->mtx_enter(os->cookie, lock);
	r = ready;
	os->mtx_exit(os->cookie, lock);	/* BUG: the window */
	if (!r) {
		os->mtx_enter(os->cookie, lock);
		os->msleep(os->cookie, &ready, lock, "ready", 0);
		os->mtx_exit(os->cookie, lock);
	}
	os->thread_join(os->cookie, t);
	os->mtx_destroy(os->cookie, lock);
}

int
main(void)
{
	struct ktrq_sim_opts o;
	struct ktrq_sim_report r;
	int kind;

	ktrq_sim_opts_init(&o);
	o.name = "lost-wakeup";
	o.runs = 1000;
	kind = ktrq_sim_check(&o, body, NULL, &r);
	printf("%s after %llu runs\n", ktrq_sim_kind_name(kind),
	    (unsigned long long)r.runs);
	ktrq_sim_report_fini(&r);
	return (kind == 0 ? 0 : 1);
}
