/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One scenario run on the engine's internal interface, its judgement,
 * and the schedule header that lets a replay rebuild the run from the
 * file alone.  The header's scenario keys come from the parameter table
 * (scenario.h); a key a later version added is optional on read, its
 * default is the scenario's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

struct run {
	struct sim		*s;
	const struct scn_hooks	*hooks;
	struct scn_call		 call;
};

static const char *const strat_names[] = { "random", "pct", "none" };

static void
probe_hook(void *arg, const struct ktrq_probe *pr, int tid)
{
	struct run *r = arg;

	r->hooks->probe(r->hooks->arg, pr, tid, ktrq_sim__steps(r->s),
	    ktrq_sim__now(r->s));
}

static void
write_header(struct sim_schedule *sc, const struct scn_params *sp,
    const struct sim_params *p)
{
	const struct scn_param *t;
	char h[sizeof(sc->header)];
	size_t o;

	o = (size_t)snprintf(h, sizeof(h), "scenario=%s", sp->scenario);
	for (t = scn_param_table(); t->name != NULL && o < sizeof(h); t++)
		o += (size_t)snprintf(h + o, sizeof(h) - o, " %s=%ld", t->key,
		    scn_param_get(sp, t));
	if (o < sizeof(h))
		snprintf(h + o, sizeof(h) - o, " seed=%" PRIu64 " strategy=%s "
		    "depth=%d pctsteps=%" PRIu64 " spurious=%u timeouts=%u "
		    "fenable=%u ffire=%u maxsteps=%" PRIu64, p->seed,
		    strat_names[p->strategy], p->pct_depth, p->pct_steps,
		    p->spurious_permille, p->timeout_permille,
		    p->fault_enable_permille, p->fault_fire_permille,
		    p->max_steps);
	memcpy(sc->header, h, sizeof(h));
}

static uint64_t
fnv(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (n-- > 0) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return (h);
}

static void
run_body(void *arg)
{
	struct run *r = arg;

	scn_body(ktrq_sim__os(r->s), &r->call);
}

static void
judge(struct run *r, struct scn_outcome *out)
{
	struct ktrq_harness_result *res = &r->call.res;

	if (out->sim.status != SIM_OK)
		snprintf(out->verdict, sizeof(out->verdict), "%s",
		    out->sim.message);
	else if (!r->call.ended)
		snprintf(out->verdict, sizeof(out->verdict), "the scenario "
		    "did not reach its end");
	else if (!res->ok)
		snprintf(out->verdict, sizeof(out->verdict), "%s",
		    res->verdict);
	else
		out->ok = 1;
}

void
scn_chan_merge(struct scn_chan *v, int *n, const struct scn_chan *c)
{
	int i;

	for (i = 0; i < *n && strcmp(v[i].wmesg, c->wmesg) != 0; i++)
		continue;
	if (i == *n) {
		if (*n == SCN_CHANS_MAX)
			return;
		memset(&v[i], 0, sizeof(v[i]));
		memcpy(v[i].wmesg, c->wmesg, sizeof(v[i].wmesg));
		(*n)++;
	}
	v[i].sleeps += c->sleeps;
	if (c->max_sleepers > v[i].max_sleepers)
		v[i].max_sleepers = c->max_sleepers;
	if (c->max_woken > v[i].max_woken)
		v[i].max_woken = c->max_woken;
}

static void
collect_chans(struct run *r, struct scn_outcome *out)
{
	const struct ktrq_sim__chan *sc;
	struct scn_chan c;
	size_t i;

	for (i = 0; (sc = ktrq_sim__chan_at(r->s, i)) != NULL; i++) {
		if (sc->sleeps == 0)
			continue;
		memset(&c, 0, sizeof(c));
		memcpy(c.wmesg, sc->wmesg, sizeof(c.wmesg));
		c.sleeps = sc->sleeps;
		c.max_sleepers = sc->max_sleepers;
		c.max_woken = sc->max_woken;
		scn_chan_merge(out->chans, &out->nchans, &c);
	}
}

static void
collect(struct run *r, struct scn_outcome *out)
{
	struct ktrq_harness_result *res = &r->call.res;

	ktrq_sim__result(r->s, &out->sim);
	judge(r, out);
	if (r->call.ended) {
		out->stats = res->stats;
		out->records = res->records;
		out->trace = res->trace;
		out->trace_len = res->trace_len;
		res->trace = NULL;
	}
	out->trace_hash = fnv(out->trace, out->trace_len);
	collect_chans(r, out);
	out->schedule = ktrq_sim__schedule_format(ktrq_sim__recorded(r->s));
	/* The harness lives until the sim is destroyed: its log is whole. */
	if (!out->ok && r->call.h != NULL)
		out->events = ktrq_harness_events(r->call.h);
}

int
scn_run(const struct scn_params *sp, const struct sim_params *simp,
    const struct sim_schedule *replay, const struct scn_hooks *hooks,
    struct scn_outcome *out)
{
	struct run *r;
	int error;

	if (out == NULL || simp == NULL || scn_check(sp) != 0)
		return (EINVAL);
	memset(out, 0, sizeof(*out));
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return (ENOMEM);
	r->call.sp = *sp;
	r->hooks = hooks;
	if ((error = ktrq_sim__create(simp, replay, &r->s)) != 0) {
		free(r);
		return (error);
	}
	if (hooks != NULL && hooks->sim_event != NULL)
		ktrq_sim__set_tracer(r->s, hooks->sim_event, hooks->arg);
	if (hooks != NULL && hooks->probe != NULL) {
		r->call.probe = probe_hook;
		r->call.probe_arg = r;
	}
	write_header(ktrq_sim__recorded(r->s), sp, simp);
	(void)ktrq_sim__run(r->s, run_body, r);
	collect(r, out);
	ktrq_sim__destroy(r->s);
	ktrq_harness_result_fini(&r->call.res);
	free(r);
	return (0);
}

void
scn_outcome_fini(struct scn_outcome *out)
{

	free(out->trace);
	free(out->schedule);
	free(out->events);
	out->trace = NULL;
	out->schedule = NULL;
	out->events = NULL;
}

/* ---- reading a schedule's header back ---- */

static int
get_num(const struct sim_schedule *sc, const char *key, uint64_t max,
    uint64_t *v, char *err, size_t errlen)
{
	char buf[32], *end;

	if (ktrq_sim__schedule_get(sc, key, buf, sizeof(buf)) != 0) {
		snprintf(err, errlen, "schedule header lacks %s", key);
		return (EINVAL);
	}
	errno = 0;
	*v = strtoull(buf, &end, 10);
	if (errno != 0 || *end != '\0' || end == buf || *v > max) {
		snprintf(err, errlen, "schedule header: bad %s=%s", key, buf);
		return (EINVAL);
	}
	return (0);
}

/* Keys every schedule since the first has; later ones are optional. */
static int
key_required(const char *key)
{

	return (strcmp(key, "batch") != 0 && strcmp(key, "bp") != 0);
}

static int
scenario_from(const struct sim_schedule *sc, struct scn_params *sp,
    char *err, size_t errlen)
{
	const struct scn_param *t;
	char name[256];
	uint64_t v;

	if (ktrq_sim__schedule_get(sc, "scenario", name, sizeof(name)) != 0) {
		if (ktrq_sim__schedule_get(sc, "program", name,
		    sizeof(name)) == 0)
			snprintf(err, errlen, "this schedule was recorded by "
			    "ktrq_sim_check in program \"%s\", not by a "
			    "ktrq-sim scenario: replay it with that program "
			    "(KTRQ_SIM_REPLAY=@FILE)", name);
		else
			snprintf(err, errlen, "schedule names no scenario");
		return (EINVAL);
	}
	if (scn_params_init(sp, name) != 0) {
		snprintf(err, errlen, "schedule names no known scenario "
		    "(\"%s\")", name);
		return (EINVAL);
	}
	for (t = scn_param_table(); t->name != NULL; t++) {
		if (!key_required(t->key) &&
		    ktrq_sim__schedule_get(sc, t->key, name, sizeof(name)) != 0)
			continue;
		if (get_num(sc, t->key, (uint64_t)t->max, &v, err, errlen) != 0)
			return (EINVAL);
		if (scn_param_set(sp, t, (long)v) != 0) {
			snprintf(err, errlen, "schedule header: bad %s=%" PRIu64
			    " (%ld..%ld)", t->key, v, t->min, t->max);
			return (EINVAL);
		}
	}
	return (0);
}

static int
sim_from(const struct sim_schedule *sc, struct sim_params *p, char *err,
    size_t errlen)
{
	static const char *const keys[] = { "seed", "depth", "pctsteps",
	    "spurious", "timeouts", "fenable", "ffire", "maxsteps" };
	char name[64];
	uint64_t v[8];
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (get_num(sc, keys[i], UINT64_MAX / 2, &v[i], err, errlen))
			return (EINVAL);
	if (ktrq_sim__schedule_get(sc, "strategy", name, sizeof(name)) != 0)
		name[0] = '\0';
	ktrq_sim__params_init(p);
	for (i = 0; i < 3 && strcmp(name, strat_names[i]) != 0; i++)
		continue;
	if (i == 3) {
		snprintf(err, errlen, "schedule names no known strategy");
		return (EINVAL);
	}
	p->strategy = (enum sim_strategy_kind)i;
	p->seed = v[0];
	p->pct_depth = (int)v[1];
	p->pct_steps = v[2];
	p->spurious_permille = (unsigned)v[3];
	p->timeout_permille = (unsigned)v[4];
	p->fault_enable_permille = (unsigned)v[5];
	p->fault_fire_permille = (unsigned)v[6];
	p->max_steps = v[7];
	return (0);
}

int
scn_params_from_schedule(const struct sim_schedule *sc, struct scn_params *sp,
    struct sim_params *p, char *err, size_t errlen)
{

	if (scenario_from(sc, sp, err, errlen) != 0 ||
	    sim_from(sc, p, err, errlen) != 0)
		return (EINVAL);
	if (scn_check(sp) != 0 || p->pct_depth < 1 ||
	    p->spurious_permille > 1000 || p->timeout_permille > 1000 ||
	    p->fault_enable_permille > 1000 || p->fault_fire_permille > 1000) {
		snprintf(err, errlen, "schedule header: parameters out of "
		    "range");
		return (EINVAL);
	}
	return (0);
}
