/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The public face of the engine (ktrq/sim.h): ktrq_sim_check runs a
 * user's body on a fresh simulator per run, keeps the first failure's
 * schedule, and replays one from the options or KTRQ_SIM_REPLAY.
 *
 * A schedule written here carries in its header what a replay needs to
 * ask the same questions: the program's name, the seed, the strategy and
 * the rates that decide whether a choice point exists at all.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktrq/sim.h"
#include "sim.h"

#define	PCT_FIRST_K	64	/* k of the first run, before any estimate */

struct body_call {
	void	(*body)(const struct ktrq_os *, void *);
	void	*arg;
	struct sim *s;
	const struct ktrq_sim_opts *o;
};

/* Where one run's events go: the user's log, the timeline, or both. */
struct run_trace {
	const struct ktrq_sim_opts *o;
	struct sim_timeline *tl;
};

static const char *const ev_names[] = {
	"thread_start", "thread_exit", "run", "lock", "unlock", "sleep",
	"wake", "mark"
};

int
ktrq_sim_opts_init(struct ktrq_sim_opts *o)
{

	if (o == NULL)
		return (EINVAL);
	memset(o, 0, sizeof(*o));
	o->strategy = KTRQ_SIM_RANDOM;
	o->seed = 1;
	o->runs = 100;
	o->pct_depth = 3;
	o->vehicle = KTRQ_SIM_FIBER;
	o->fault_enable_permille = 250;
	o->fault_fire_permille = 250;
	o->max_steps = 1000000;
	return (0);
}

const char *
ktrq_sim_kind_name(int kind)
{
	static const char *const names[] = { "held", "deadlock",
	    "assertion", "panic", "step limit", "replay mismatch" };

	if (kind < 0 || kind >= (int)(sizeof(names) / sizeof(names[0])))
		return ("?");
	return (names[kind]);
}

void
ktrq_sim_report_fini(struct ktrq_sim_report *r)
{

	if (r == NULL)
		return;
	free(r->schedule);
	r->schedule = NULL;
	free(r->channels);
	r->channels = NULL;
	r->nchannels = 0;
}

/*
 * The report's channels, merged by wait message over the runs, and for
 * each the last run that counted in its `runs` (one count per run).
 */
struct channels {
	struct ktrq_sim_report *r;
	uint64_t	*last;		/* run + 1, per entry */
};

/* The entry for `wmesg`, added at the end when new; NULL: ENOMEM. */
static struct ktrq_sim_channel *
channel_of(struct channels *ch, const char *wmesg, uint64_t **lastp)
{
	struct ktrq_sim_report *r = ch->r;
	struct ktrq_sim_channel *c;
	uint64_t *last;
	size_t i;

	for (i = 0; i < r->nchannels; i++)
		if (strcmp(r->channels[i].wmesg, wmesg) == 0) {
			*lastp = &ch->last[i];
			return (&r->channels[i]);
		}
	if ((last = realloc(ch->last, (i + 1) * sizeof(*last))) == NULL)
		return (NULL);
	ch->last = last;
	if ((c = realloc(r->channels, (i + 1) * sizeof(*c))) == NULL)
		return (NULL);
	r->channels = c;
	r->nchannels++;
	memset(&c[i], 0, sizeof(c[i]));
	snprintf(c[i].wmesg, sizeof(c[i].wmesg), "%s", wmesg);
	last[i] = 0;
	*lastp = &last[i];
	return (&c[i]);
}

/*
 * Merge the channels of run `run` (0..) into the report, by wait message
 * (a channel nobody slept on has none and is left out).  0 or ENOMEM.
 */
static int
channels_add(struct channels *ch, const struct sim *s, uint64_t run)
{
	const struct ktrq_sim__chan *sc;
	struct ktrq_sim_channel *c;
	uint64_t *last;
	size_t i;

	for (i = 0; (sc = ktrq_sim__chan_at(s, i)) != NULL; i++) {
		if (sc->sleeps == 0)
			continue;
		if ((c = channel_of(ch, sc->wmesg, &last)) == NULL)
			return (ENOMEM);
		if (*last != run + 1) {
			*last = run + 1;
			c->runs++;
		}
		c->sleeps += sc->sleeps;
		c->wakeups += sc->wakeups;
		c->wakeup_ones += sc->wakeup_ones;
		if (sc->max_sleepers > c->max_sleepers)
			c->max_sleepers = sc->max_sleepers;
		if (sc->max_woken > c->max_woken)
			c->max_woken = sc->max_woken;
	}
	return (0);
}

static int
kind_of(enum sim_status st)
{

	switch (st) {
	case SIM_OK:
		return (KTRQ_SIM_HELD);
	case SIM_DEADLOCK:
		return (KTRQ_SIM_DEADLOCK);
	case SIM_VIOLATION:
		return (KTRQ_SIM_ASSERTION);
	case SIM_STEP_LIMIT:
		return (KTRQ_SIM_STEP_LIMIT);
	case SIM_REPLAY_MISMATCH:
		return (KTRQ_SIM_REPLAY_MISMATCH);
	case SIM_PANIC:
		break;
	}
	return (KTRQ_SIM_PANIC);
}

static int
name_ok(const char *n)
{

	if (n == NULL)
		return (1);
	if (*n == '\0' || strlen(n) > 200)
		return (0);
	for (; *n != '\0'; n++)
		if (*n <= ' ' || *n == '\'' || *n == ';' || *n == '=' ||
		    *n == '\\' || *n == '"' || (unsigned char)*n >= 0x7f)
			return (0);
	return (1);
}

static int
opts_valid(const struct ktrq_sim_opts *o)
{

	if (o->strategy < KTRQ_SIM_RANDOM || o->strategy > KTRQ_SIM_NONE ||
	    o->vehicle < KTRQ_SIM_PTHREAD || o->vehicle > KTRQ_SIM_FIBER ||
	    o->runs == 0 || o->pct_depth < 1 || o->pct_depth > 16 ||
	    o->spurious_permille > 1000 || o->timeout_permille > 1000 ||
	    o->fault_enable_permille > 1000 ||
	    o->fault_fire_permille > 1000 || o->max_steps == 0 ||
	    !name_ok(o->name) ||
	    (o->timeline != NULL && o->timeline[0] == '\0'))
		return (0);
	return (1);
}

static void
params_of(const struct ktrq_sim_opts *o, uint64_t seed, uint64_t k,
    struct sim_params *p)
{
	static const enum sim_strategy_kind strat[] = { SIM_STRAT_RANDOM,
	    SIM_STRAT_RANDOM, SIM_STRAT_PCT, SIM_STRAT_NONE };

	ktrq_sim__params_init(p);
	p->seed = seed;
	p->strategy = strat[o->strategy];
	p->pct_depth = o->pct_depth;
	p->pct_steps = k;
	p->vehicle = o->vehicle == KTRQ_SIM_PTHREAD ? SIM_VEHICLE_PTHREAD :
	    SIM_VEHICLE_FIBER;
	p->spurious_permille = o->spurious_permille;
	p->timeout_permille = o->timeout_permille;
	p->fault_enable_permille = o->fault_enable_permille;
	p->fault_fire_permille = o->fault_fire_permille;
	p->max_steps = o->max_steps;
}

static void
write_header(struct sim_schedule *sc, const struct ktrq_sim_opts *o,
    const struct sim_params *p)
{
	static const char *const strat[] = { "?", "random", "pct", "none" };

	snprintf(sc->header, sizeof(sc->header), "program=%s seed=%" PRIu64
	    " strategy=%s depth=%d pct_steps=%" PRIu64 " spurious=%u "
	    "timeout=%u fault_enable=%u fault_fire=%u max_steps=%" PRIu64,
	    o->name != NULL ? o->name : "-", p->seed, strat[o->strategy],
	    p->pct_depth, p->pct_steps, p->spurious_permille,
	    p->timeout_permille, p->fault_enable_permille,
	    p->fault_fire_permille, p->max_steps);
}

static void
tracer(void *arg, enum sim_ev ev, int tid, uint64_t step, uint64_t vclock,
    const char *what)
{
	struct run_trace *rt = arg;

	if (rt->o->event != NULL)
		rt->o->event(rt->o->event_arg, ev_names[ev], tid, step, vclock,
		    what);
	if (rt->tl != NULL)
		ktrq_sim__timeline_event(rt->tl, ev, tid, step, vclock, what);
}

static void
timeline_error(const struct ktrq_sim_opts *o, const char *err)
{

	if (!o->quiet)
		fprintf(stderr, "ktrq_sim_check%s%s: timeline: %s\n",
		    o->name != NULL ? " " : "", o->name != NULL ? o->name : "",
		    err);
}

/* What a reader of the file needs to know about the run it shows. */
static void
timeline_notes(struct sim_timeline *tl, const struct ktrq_sim_opts *o,
    const struct sim_params *p, int kind)
{
	static const char *const strat[] = { "?", "random", "pct", "none" };
	char buf[32];

	ktrq_sim__timeline_note(tl, "program", o->name != NULL ? o->name :
	    "-");
	snprintf(buf, sizeof(buf), "%" PRIu64, p->seed);
	ktrq_sim__timeline_note(tl, "seed", buf);
	ktrq_sim__timeline_note(tl, "strategy", strat[o->strategy]);
	ktrq_sim__timeline_note(tl, "vehicle", o->vehicle == KTRQ_SIM_PTHREAD ?
	    "pthread" : "fiber");
	ktrq_sim__timeline_note(tl, "result", ktrq_sim_kind_name(kind));
}

static void
run_body(void *arg)
{
	struct body_call *c = arg;

	c->body(ktrq_sim__os(c->s), c->arg);
}

/*
 * One run: returns the kind; the sim is left for the caller to read
 * (NULL after an error).  With `draw`, the run goes to the timeline file
 * too; an error writing it is left in *tl_error (the run still counts).
 */
static int
one_run(const struct ktrq_sim_opts *o, const struct sim_params *p,
    const struct sim_schedule *replay,
    void (*body)(const struct ktrq_os *, void *), void *arg,
    struct sim **sp, int draw, int *tl_error)
{
	struct body_call c;
	struct run_trace rt;
	enum sim_status st;
	char err[256];
	int e, kind;

	*sp = NULL;
	rt.o = o;
	rt.tl = NULL;
	if (draw && (e = ktrq_sim__timeline_open(o->timeline, &rt.tl, err,
	    sizeof(err))) != 0) {
		timeline_error(o, err);
		*tl_error = e;
		return (-e);
	}
	if ((e = ktrq_sim__create(p, replay, sp)) != 0) {
		ktrq_sim__timeline_close(rt.tl, err, sizeof(err));
		return (-e);
	}
	if (o->event != NULL || rt.tl != NULL)
		ktrq_sim__set_tracer(*sp, tracer, &rt);
	if (o->setup != NULL)
		o->setup(arg);
	c.body = body;
	c.arg = arg;
	c.s = *sp;
	c.o = o;
	st = ktrq_sim__run(*sp, run_body, &c);
	if (o->teardown != NULL)
		o->teardown(arg);
	write_header(ktrq_sim__recorded(*sp), o, p);
	kind = kind_of(st);
	/* No event comes after the run: the timeline can end here. */
	ktrq_sim__set_tracer(*sp, NULL, NULL);
	if (rt.tl != NULL) {
		timeline_notes(rt.tl, o, p, kind);
		if ((e = ktrq_sim__timeline_close(rt.tl, err,
		    sizeof(err))) != 0) {
			timeline_error(o, err);
			*tl_error = e;
		}
	}
	return (kind);
}

static void
keep_failure(struct ktrq_sim_report *r, struct sim *s, int kind,
    uint64_t seed, uint64_t run)
{
	struct ktrq_sim__result res;

	ktrq_sim__result(s, &res);
	r->kind = kind;
	r->seed = seed;
	r->run = run;
	r->steps = res.steps;
	snprintf(r->message, sizeof(r->message), "%s", res.message);
	free(r->schedule);
	r->schedule = ktrq_sim__schedule_format(ktrq_sim__recorded(s));
}

static void
print_failure(const struct ktrq_sim_opts *o, const struct ktrq_sim_report *r)
{
	size_t n;

	if (o->quiet)
		return;
	n = strlen(r->message);
	fprintf(stderr, "ktrq_sim_check%s%s: %s in run %" PRIu64 " (seed %"
	    PRIu64 ", step %" PRIu64 "): %s%s", o->name != NULL ? " " : "",
	    o->name != NULL ? o->name : "", ktrq_sim_kind_name(r->kind),
	    r->run, r->seed, r->steps, r->message,
	    n > 0 && r->message[n - 1] == '\n' ? "" : "\n");
	if (r->schedule != NULL)
		fprintf(stderr, "KTRQ_SIM_REPLAY='%s'\n", r->schedule);
	if (o->timeline != NULL)
		fprintf(stderr, "timeline of this run: %s\n", o->timeline);
}

/* Read "@path" or the text itself into a schedule. */
static int
load_replay(const char *text, struct sim_schedule *sc, char *err,
    size_t errlen)
{

	if (text[0] == '@')
		return (ktrq_sim__schedule_load(text + 1, sc, err, errlen));
	return (ktrq_sim__schedule_parse(text, sc, err, errlen));
}

static int
hdr_u64(const struct sim_schedule *sc, const char *key, uint64_t *v)
{
	char buf[64], *end;

	if (ktrq_sim__schedule_get(sc, key, buf, sizeof(buf)) != 0)
		return (0);
	errno = 0;
	*v = strtoull(buf, &end, 10);
	return (errno == 0 && *end == '\0' && end != buf);
}

static int
hdr_permille(const struct sim_schedule *sc, const char *key, unsigned *v)
{
	uint64_t x;

	if (!hdr_u64(sc, key, &x) || x > 1000)
		return (0);
	*v = (unsigned)x;
	return (1);
}

static int
replay_check(const struct ktrq_sim_opts *o, const char *text,
    void (*body)(const struct ktrq_os *, void *), void *arg,
    struct ktrq_sim_report *r)
{
	struct sim_schedule sc;
	struct sim_params p;
	struct channels ch = { r, NULL };
	struct sim *s;
	char err[256], prog[256];
	uint64_t k;
	int kind, tl_error;

	if (ktrq_sim__schedule_init(&sc) != 0)
		return (-ENOMEM);
	params_of(o, o->seed, 0, &p);
	if (load_replay(text, &sc, err, sizeof(err)) != 0 ||
	    ktrq_sim__schedule_get(&sc, "program", prog, sizeof(prog)) != 0 ||
	    !hdr_u64(&sc, "seed", &p.seed) ||
	    !hdr_u64(&sc, "pct_steps", &k) ||
	    !hdr_permille(&sc, "spurious", &p.spurious_permille) ||
	    !hdr_permille(&sc, "timeout", &p.timeout_permille) ||
	    !hdr_permille(&sc, "fault_enable", &p.fault_enable_permille) ||
	    !hdr_permille(&sc, "fault_fire", &p.fault_fire_permille) ||
	    !hdr_u64(&sc, "max_steps", &p.max_steps)) {
		if (!o->quiet)
			fprintf(stderr, "ktrq_sim_check: KTRQ_SIM_REPLAY is not "
			    "a schedule of ktrq_sim_check\n");
		ktrq_sim__schedule_fini(&sc);
		return (-EINVAL);
	}
	p.pct_steps = k;
	r->pct_steps = k;
	r->runs = 1;
	if (strcmp(prog, o->name != NULL ? o->name : "-") != 0) {
		r->kind = KTRQ_SIM_REPLAY_MISMATCH;
		r->failures = 1;
		r->seed = p.seed;
		snprintf(r->message, sizeof(r->message), "replay: the schedule "
		    "belongs to program \"%s\", not \"%s\"", prog,
		    o->name != NULL ? o->name : "-");
		ktrq_sim__schedule_fini(&sc);
		print_failure(o, r);
		return (r->kind);
	}
	tl_error = 0;
	kind = one_run(o, &p, &sc, body, arg, &s, o->timeline != NULL,
	    &tl_error);
	if (kind > 0) {
		r->failures = 1;
		keep_failure(r, s, kind, p.seed, 0);
		print_failure(o, r);
	}
	if (s != NULL && channels_add(&ch, s, 0) != 0)
		kind = -ENOMEM;
	free(ch.last);
	ktrq_sim__destroy(s);
	ktrq_sim__schedule_fini(&sc);
	return (tl_error != 0 ? -tl_error : kind);
}

/*
 * KTRQ_SIM_VEHICLE=pthread|fiber replaces opts.vehicle, so that any test
 * can be run under gdb or valgrind (pthread) without a change.  0, or
 * EINVAL (with a message unless quiet) for another value.
 */
static int
vehicle_env(struct ktrq_sim_opts *o)
{
	const char *v = getenv("KTRQ_SIM_VEHICLE");

	if (v == NULL || *v == '\0')
		return (0);
	if (strcmp(v, "pthread") == 0)
		o->vehicle = KTRQ_SIM_PTHREAD;
	else if (strcmp(v, "fiber") == 0)
		o->vehicle = KTRQ_SIM_FIBER;
	else {
		if (!o->quiet)
			fprintf(stderr, "ktrq_sim_check: KTRQ_SIM_VEHICLE=%s: "
			    "not pthread or fiber\n", v);
		return (EINVAL);
	}
	return (0);
}

int
ktrq_sim_check(const struct ktrq_sim_opts *opts,
    void (*body)(const struct ktrq_os *, void *), void *arg,
    struct ktrq_sim_report *rep)
{
	struct ktrq_sim_report local, *r;
	struct ktrq_sim_opts eo, *o = &eo;
	struct sim_params p;
	struct channels ch;
	struct sim *s;
	const char *text;
	uint64_t i, k, longest;
	int kind, first, tl_error;

	r = rep != NULL ? rep : &local;
	memset(r, 0, sizeof(*r));
	ch.r = r;
	ch.last = NULL;
	if (opts == NULL || body == NULL || !opts_valid(opts))
		return (-EINVAL);
	eo = *opts;
	if (vehicle_env(&eo) != 0)
		return (-EINVAL);
	text = o->replay != NULL ? o->replay : getenv("KTRQ_SIM_REPLAY");
	if (text != NULL && *text != '\0') {
		kind = replay_check(o, text, body, arg, r);
		goto out;
	}
	first = 0;
	longest = 0;
	tl_error = 0;
	for (i = 0; i < o->runs; i++) {
		/* PCT: k is the longest run seen so far (Shuttle, Coyote). */
		k = o->pct_steps != 0 ? o->pct_steps :
		    longest != 0 ? longest : PCT_FIRST_K;
		params_of(o, o->seed + i, k, &p);
		r->pct_steps = o->strategy == KTRQ_SIM_PCT ? k : 0;
		/* Drawn until the first failure, which the file then keeps. */
		kind = one_run(o, &p, NULL, body, arg, &s, o->timeline != NULL &&
		    r->failures == 0, &tl_error);
		if (kind < 0)
			goto out;
		if (ktrq_sim__steps(s) > longest)
			longest = ktrq_sim__steps(s);
		r->runs++;
		if (kind > 0) {
			if (r->failures++ == 0) {
				first = kind;
				keep_failure(r, s, kind, p.seed, i);
				print_failure(o, r);
			}
		}
		if (channels_add(&ch, s, i) != 0) {
			ktrq_sim__destroy(s);
			kind = -ENOMEM;
			goto out;
		}
		ktrq_sim__destroy(s);
		if (r->failures > o->max_failures || tl_error != 0)
			break;
	}
	kind = tl_error != 0 ? -tl_error : first;
out:
	free(ch.last);
	if (rep == NULL)
		ktrq_sim_report_fini(&local);
	return (kind);
}

void
ktrq_sim_yield(const struct ktrq_os *os)
{
	struct sim *s;

	if ((s = ktrq_sim__of(os)) != NULL && ktrq_sim__self(s) != 0)
		ktrq_sim__yield(s);
}

static void
fail_msg(const struct ktrq_os *os, const char *msg)
{
	struct sim *s;

	if ((s = ktrq_sim__of(os)) == NULL || ktrq_sim__self(s) == 0) {
		fprintf(stderr, "ktrq_sim: failure outside a simulated "
		    "thread: %s\n", msg);
		abort();
	}
	ktrq_sim__fail(s, msg);
}

void
ktrq_sim_fail(const struct ktrq_os *os, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fail_msg(os, buf);
	abort();	/* not reached */
}

void
ktrq_sim_assert_fail(const struct ktrq_os *os, const char *file, int line,
    const char *expr)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s:%d: assertion failed: %s", file, line,
	    expr);
	fail_msg(os, buf);
	abort();	/* not reached */
}

int
ktrq_sim_fault(const struct ktrq_os *os, const char *name)
{
	struct sim *s;

	if (name == NULL || (s = ktrq_sim__of(os)) == NULL || ktrq_sim__self(s) == 0)
		return (0);
	return (ktrq_sim__fault_named(s, name));
}

void
ktrq_sim_mark(const struct ktrq_os *os, const char *what)
{
	struct sim *s;

	if ((s = ktrq_sim__of(os)) != NULL && ktrq_sim__self(s) != 0)
		ktrq_sim__mark(s, what);
}

uint64_t
ktrq_sim_choose(const struct ktrq_os *os, uint64_t n, const char *what)
{
	struct sim *s;

	if (n <= 1 || (s = ktrq_sim__of(os)) == NULL || ktrq_sim__self(s) == 0)
		return (0);
	return (ktrq_sim__choose(s, SIM_CH_WORKLOAD, n, what != NULL ? what :
	    "choice"));
}

int
ktrq_sim_self(const struct ktrq_os *os)
{
	struct sim *s;

	return ((s = ktrq_sim__of(os)) != NULL ? ktrq_sim__self(s) : 0);
}

void
ktrq_sim_alloc_faults(const struct ktrq_os *os, int on)
{
	struct sim *s;

	if ((s = ktrq_sim__of(os)) != NULL)
		ktrq_sim__arm_faults(s, on != 0);
}

uint64_t
ktrq_sim_alloc_live(const struct ktrq_os *os)
{
	struct sim *s;

	return ((s = ktrq_sim__of(os)) != NULL ? ktrq_sim__alloc_live(s) : 0);
}

int
ktrq_sim_early_timeouts(const struct ktrq_os *os)
{
	struct sim *s;

	if ((s = ktrq_sim__of(os)) == NULL)
		return (0);
	return (ktrq_sim__params(s)->timeout_permille != 0);
}

int
ktrq_sim_check_leaks(const struct ktrq_os *os)
{
	struct sim *s;

	if ((s = ktrq_sim__of(os)) == NULL || ktrq_sim__self(s) == 0)
		return (EINVAL);
	ktrq_sim__want_leak_check(s);
	return (0);
}

int
ktrq_sim_cleanup(const struct ktrq_os *os, void (*fn)(void *), void *arg)
{
	struct sim *s;

	if (fn == NULL || (s = ktrq_sim__of(os)) == NULL ||
	    ktrq_sim__self(s) == 0)
		return (EINVAL);
	return (ktrq_sim__cleanup(s, fn, arg));
}
