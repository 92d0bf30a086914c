/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A workload of your own on libktrq, judged by libktrq's oracle: a
 * service of two processes whose threads post events while an operator
 * resizes the request pool and moves tracing between two files.  The
 * harness (ktrq/harness.h) builds the instance on the simulated layer,
 * logs what the core and the workload do, and at the end checks every
 * invariant of the design: FIFO order, per-thread order, every event
 * written or counted dropped, KTR_DROP marks, the warning rule.
 *
 * usage: example_ktrq_workload [RUNS [random|pct]]
 * Exit 0 when every run held, 1 when the oracle (or the engine) found a
 * failure: its message and a KTRQ_SIM_REPLAY line are on stderr.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktrq/harness.h>
#include <ktrq/sim.h>

#define	NPOSTERS	3
#define	NEVENTS		6

struct poster {
	struct ktrq_harness	*h;
	struct ktrq_thread	*td;
};

struct world {
	const struct ktrq_os	*os;
	struct ktrq_harness	*h;
	struct ktrq_proc	*proc[2];
	struct poster		 posters[NPOSTERS];
};

static void
poster(void *arg)
{
	struct poster *p = arg;
	int i;

	for (i = 0; i < NEVENTS; i++)
		(void)ktrq_harness_post(p->h, p->td, 0);
}

/* The operator: a resize, then process 101 moves to the other file. */
static void
operator(void *arg)
{
	struct world *w = arg;
	int old;

	(void)ktrq_harness_resize(w->h,
	    1 + (int)ktrq_sim_choose(w->os, 3, "pool size"), &old);
	(void)ktrq_harness_ktrace(w->h, ktrq_harness_controller(w->h),
	    ktrq_harness_target(w->h, 0), KTROP_SET, KTRFAC_ALL, 101);
}

static void
setup(struct world *w)
{
	struct ktrq_harness_opts o;
	int i;

	ktrq_harness_opts_init(&o);
	o.pool = 2;
	o.targets = 2;
	o.sync_permille = 250;
	if (ktrq_harness_create(w->os, &o, &w->h) != 0 ||
	    ktrq_harness_proc(w->h, 100, 0, &w->proc[0]) != 0 ||
	    ktrq_harness_proc(w->h, 101, 0, &w->proc[1]) != 0)
		ktrq_sim_fail(w->os, "set-up failed");
	for (i = 0; i < NPOSTERS; i++) {
		w->posters[i].h = w->h;
		if (ktrq_harness_thread(w->h, w->proc[i % 2],
		    &w->posters[i].td) != 0)
			ktrq_sim_fail(w->os, "thread set-up failed");
	}
}

static void
body(const struct ktrq_os *os, void *arg)
{
	struct ktrq_os_thread *th[NPOSTERS + 1];
	struct world w;
	int i;

	(void)arg;
	memset(&w, 0, sizeof(w));
	w.os = os;
	setup(&w);
	for (i = 0; i < NPOSTERS; i++)
		os->thread_create(os->cookie, &th[i], "poster", poster,
		    &w.posters[i]);
	os->thread_create(os->cookie, &th[NPOSTERS], "operator", operator,
	    &w);
	for (i = 0; i <= NPOSTERS; i++)
		os->thread_join(os->cookie, th[i]);
	ktrq_harness_finish(w.h);	/* the oracle: fails the run if broken */
}

int
main(int argc, char **argv)
{
	struct ktrq_sim_opts o;
	struct ktrq_sim_report r;
	int kind;

	ktrq_sim_opts_init(&o);
	o.name = "ktrq-workload";
	if (argc > 1)
		o.runs = strtoull(argv[1], NULL, 10);
	if (argc > 2)
		o.strategy = strcmp(argv[2], "pct") == 0 ? KTRQ_SIM_PCT :
		    KTRQ_SIM_RANDOM;
	kind = ktrq_sim_check(&o, body, NULL, &r);
	if (kind < 0) {
		fprintf(stderr, "example_ktrq_workload: bad options\n");
		return (2);
	}
	printf("%s after %llu runs\n", ktrq_sim_kind_name(kind),
	    (unsigned long long)r.runs);
	ktrq_sim_report_fini(&r);
	return (kind == 0 ? 0 : 1);
}
