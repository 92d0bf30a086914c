/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An unprotected counter++ between two threads.  Only layer calls and
 * ktrq_sim_yield() are scheduling points, so the read and the write of
 * the counter each get a yield in front: the simulator can then put the
 * other thread's increment in between, and the final check fails.
 */
#include <stdint.h>
#include <stdio.h>

#include <ktrq/sim.h>

static int counter;

static void
incr(void *arg)
{
	const struct ktrq_os *os = arg;
	int v;

	ktrq_sim_yield(os);
	v = counter;
	ktrq_sim_yield(os);
	counter = v + 1;
}

static void
body(const struct ktrq_os *os, void *arg)
{
	struct ktrq_os_thread *a, *b;

	(void)arg;
	counter = 0;
	os->thread_create(os->cookie, &a, "a", incr, (void *)(uintptr_t)os);
	os->thread_create(os->cookie, &b, "b", incr, (void *)(uintptr_t)os);
	os->thread_join(os->cookie, a);
	os->thread_join(os->cookie, b);
	KTRQ_SIM_ASSERT(os, counter == 2);
}

int
main(void)
{
	struct ktrq_sim_opts o;
	struct ktrq_sim_report r;
	int kind;

	ktrq_sim_opts_init(&o);
	o.name = "counter";
	kind = ktrq_sim_check(&o, body, NULL, &r);
	printf("%s after %llu runs\n", ktrq_sim_kind_name(kind),
	    (unsigned long long)r.runs);
	ktrq_sim_report_fini(&r);
	return (kind == 0 ? 0 : 1);
}
