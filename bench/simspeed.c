/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * How fast the simulator explores: complete runs per second and
 * scheduling points (steps) and recorded decisions per second, for both
 * vehicles.
 *
 *   mixed	scn_run() of the "mixed" scenario with its defaults and
 *		the CLI's defaults (random strategy, BUGGIFY faults 1/4):
 *		oracle, event log and schedule text included, as a sweep
 *		pays them;
 *   minimal	the core alone under ktrq_sim__run(): an instance with a pool
 *		of 4, one traced process, two layer threads posting one
 *		syscall each, the worker, exit and destroy -- about 73
 *		scheduling points (the fewest a whole life of the core
 *		with two posters takes), so the per-run fixed cost shows.
 *
 * Each repetition runs seeds 1, 2, ... until its time budget is spent,
 * so runs/s and steps/s are over different interleavings.  Thread
 * switches per run (steps where another thread was picked) are counted
 * once, outside the timed loop, with a tracer.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "run.h"
#include "sim.h"

#define	MIN_EVENTS	1	/* per poster in the minimal run */

struct minrun {
	struct sim	*s;
	int		 failed;
};

struct minposter {
	struct ktrq_thread	*td;
};

static void
min_poster(void *arg)
{
	struct minposter *mp = arg;
	uint64_t args[BENCH_NARG] = { 1, 2, 3 };
	int i;

	for (i = 0; i < MIN_EVENTS; i++)
		(void)ktrq_syscall(mp->td, BENCH_CODE, BENCH_NARG, args);
}

static void
min_root(void *arg)
{
	struct minrun *mr = arg;
	const struct ktrq_os *os = ktrq_sim__os(mr->s);
	struct ktrq_os_thread *th[2];
	struct minposter mp[2];
	struct ktrq_config cf;
	struct ktrq_target *t;
	struct ktrq_proc *p;
	struct ktrq *k;
	int i;

	ktrq_config_init(&cf, os);
	cf.pool_size = 4;
	if (ktrq_create(&cf, &k) != 0) {
		mr->failed = 1;
		return;
	}
	t = bench_target(os, TGT_NULL, 0);
	if (ktrq_proc_create(k, 100, NULL, 100, "min", &bench_cred, &p) != 0 ||
	    ktrq_thread_create(p, 1, &mp[0].td) != 0 ||
	    ktrq_thread_create(p, 2, &mp[1].td) != 0 ||
	    ktrq_ktrace(mp[0].td, t, KTROP_SET, KTRFAC_SYSCALL, 100) != 0)
		mr->failed = 1;
	for (i = 0; i < 2 && !mr->failed; i++)
		if (os->thread_create(os->cookie, &th[i], "poster", min_poster,
		    &mp[i]) != 0)
			mr->failed = 1;
	for (i = 0; i < 2 && !mr->failed; i++)
		os->thread_join(os->cookie, th[i]);
	ktrq_proc_exit(p);
	ktrq_target_rele(t);
	ktrq_destroy(k);
}

static void
count_switch(void *arg, enum sim_ev ev, int tid, uint64_t step,
    uint64_t vclock, const char *what)
{
	uint64_t *n = arg;

	(void)tid;
	(void)step;
	(void)vclock;
	(void)what;
	if (ev == SIM_EV_RUN)
		(*n)++;
}

/*
 * One run of `scenario` ("mixed" or NULL for the minimal one) with
 * `seed` on `vehicle`.  Returns 0 when it ended well; adds its steps
 * and decisions.
 */
static int
run_one(const char *scenario, enum sim_vehicle_kind vehicle, uint64_t seed,
    uint64_t *steps, uint64_t *decisions, uint64_t *switches)
{
	struct scn_outcome out;
	struct sim_params simp;
	struct scn_params sp;
	struct ktrq_sim__result res;
	struct minrun mr;
	int ok;

	ktrq_sim__params_init(&simp);
	simp.vehicle = vehicle;
	simp.seed = seed;
	if (scenario != NULL) {
		if (scn_params_init(&sp, scenario) != 0 ||
		    scn_run(&sp, &simp, NULL, NULL, &out) != 0)
			return (-1);
		*steps += out.sim.steps;
		*decisions += out.sim.decisions;
		ok = out.ok;
		scn_outcome_fini(&out);
		return (ok ? 0 : -1);
	}
	memset(&mr, 0, sizeof(mr));
	if (ktrq_sim__create(&simp, NULL, &mr.s) != 0)
		return (-1);
	if (switches != NULL)
		ktrq_sim__set_tracer(mr.s, count_switch, switches);
	(void)ktrq_sim__run(mr.s, min_root, &mr);
	ktrq_sim__result(mr.s, &res);
	ktrq_sim__destroy(mr.s);
	*steps += res.steps;
	*decisions += res.decisions;
	return (res.status == SIM_OK && !mr.failed ? 0 : -1);
}

/* Count switches in `mixed` through scn_run's hooks. */
static void
hook_event(void *arg, enum sim_ev ev, int tid, uint64_t step,
    uint64_t vclock, const char *what)
{

	count_switch(arg, ev, tid, step, vclock, what);
}

static uint64_t
switches_of(const char *scenario, enum sim_vehicle_kind vehicle)
{
	struct scn_outcome out;
	struct sim_params simp;
	struct scn_params sp;
	struct scn_hooks hooks;
	uint64_t n, steps, dec;

	n = steps = dec = 0;
	if (scenario == NULL) {
		(void)run_one(NULL, vehicle, 1, &steps, &dec, &n);
		return (n);
	}
	ktrq_sim__params_init(&simp);
	simp.vehicle = vehicle;
	simp.seed = 1;
	memset(&hooks, 0, sizeof(hooks));
	hooks.sim_event = hook_event;
	hooks.arg = &n;
	if (scn_params_init(&sp, scenario) == 0 &&
	    scn_run(&sp, &simp, NULL, &hooks, &out) == 0)
		scn_outcome_fini(&out);
	return (n);
}

void
suite_sim(void)
{
	static const char *const scn[2] = { "mixed", NULL };
	static const char *const vname[2] = { "pthread", "fiber" };
	static const enum sim_vehicle_kind veh[2] = { SIM_VEHICLE_PTHREAD,
	    SIM_VEHICLE_FIBER };
	int runs[2][2], steps[2][2], decs[2][2], spr[2][2], sw[2][2];
	uint64_t budget, nruns, st, dec, seed, t0, t1, now;
	char name[96], params[160];
	int si, vi, rep;

	budget = bench_opts.quick ? 30000000 : 500000000;	/* ns */
	for (si = 0; si < 2; si++)
		for (vi = 0; vi < 2; vi++) {
			snprintf(name, sizeof(name), "%s, %s vehicle",
			    scn[si] != NULL ? scn[si] : "minimal", vname[vi]);
			snprintf(params, sizeof(params), "\"scenario\":\"%s\","
			    "\"vehicle\":\"%s\"", scn[si] != NULL ? scn[si] :
			    "minimal (1 proc, 2 posters x 1, pool 4)",
			    vname[vi]);
			runs[si][vi] = bres_new("sim", name, "runs/s", "1/s",
			    BETTER_HIGHER, params);
			steps[si][vi] = bres_new("sim", name, "steps/s", "1/s",
			    BETTER_HIGHER, params);
			decs[si][vi] = bres_new("sim", name, "decisions/s",
			    "1/s", BETTER_HIGHER, params);
			spr[si][vi] = bres_new("sim", name, "steps/run",
			    "count", BETTER_NONE, params);
			sw[si][vi] = bres_new("sim", name, "switches/run",
			    "count", BETTER_NONE, params);
		}
	seed = 1;
	for (rep = 0; rep < bench_opts.reps; rep++) {
		for (si = 0; si < 2; si++) {
			for (vi = 0; vi < 2; vi++) {
				if (rep == 0)
					fprintf(stderr, "sim: %s, %s\n",
					    scn[si] != NULL ? scn[si] :
					    "minimal", vname[vi]);
				nruns = st = dec = 0;
				t0 = now = bench_now_ns();
				while (now - t0 < budget || nruns < 3) {
					if (run_one(scn[si], veh[vi], seed++,
					    &st, &dec, NULL) != 0)
						bench_fail("sim: %s seed %"
						    PRIu64 " failed", scn[si] !=
						    NULL ? scn[si] : "minimal",
						    seed - 1);
					nruns++;
					now = bench_now_ns();
				}
				t1 = now;
				bres_push(runs[si][vi], (double)nruns * 1e9 /
				    (double)(t1 - t0));
				bres_push(steps[si][vi], (double)st * 1e9 /
				    (double)(t1 - t0));
				bres_push(decs[si][vi], (double)dec * 1e9 /
				    (double)(t1 - t0));
				bres_push(spr[si][vi], (double)st /
				    (double)nruns);
			}
		}
	}
	for (si = 0; si < 2; si++)
		for (vi = 0; vi < 2; vi++)
			bres_push(sw[si][vi],
			    (double)switches_of(scn[si], veh[vi]));
	bratio_new("sim mixed runs/s fiber/pthread", runs[0][1], runs[0][0],
	    "what the fiber vehicle buys");
	bratio_new("sim minimal runs/s fiber/pthread", runs[1][1], runs[1][0],
	    "what the fiber vehicle buys");
	bratio_new("sim mixed steps/s fiber/pthread", steps[0][1],
	    steps[0][0], "what the fiber vehicle buys per step");
	bratio_new("sim minimal runs/s / mixed runs/s, fiber", runs[1][1],
	    runs[0][1], "cost of the scenario machinery and length");
}
