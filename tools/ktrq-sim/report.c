/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq-sim: what one run did, for a person (text) or a program (JSON).
 *
 * The report names everything needed to repeat the run -- scenario,
 * parameters, seed, strategy -- and identifies the run by two hashes: the
 * schedule hash (which interleaving) and the trace hash (what was
 * written).  A failing run ends with the command that replays it.
 * Wall-clock figures are left out on purpose: the same command must
 * print the same bytes, so a diff of two reports shows a real change.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

const char *
report_status_name(enum sim_status st)
{

	switch (st) {
	case SIM_OK:
		return ("ok");
	case SIM_DEADLOCK:
		return ("deadlock");
	case SIM_PANIC:
		return ("panic");
	case SIM_STEP_LIMIT:
		return ("step limit");
	case SIM_REPLAY_MISMATCH:
		return ("replay mismatch");
	case SIM_VIOLATION:
		return ("violation");
	}
	return ("unknown");
}

const char *
report_strategy_name(enum sim_strategy_kind k)
{

	switch (k) {
	case SIM_STRAT_RANDOM:
		return ("random");
	case SIM_STRAT_PCT:
		return ("pct");
	case SIM_STRAT_NONE:
		return ("none");
	}
	return ("unknown");
}

const char *
report_vehicle_name(enum sim_vehicle_kind k)
{

	return (k == SIM_VEHICLE_FIBER ? "fiber" : "pthread");
}

/* An oracle verdict on a finished run has no sim status of its own. */
const char *
report_result_name(const struct scn_outcome *o)
{

	if (o->ok)
		return ("ok");
	if (o->sim.status == SIM_OK)
		return ("oracle");
	return (report_status_name(o->sim.status));
}

int
report_ok(const struct run_report *r, char *why, size_t len)
{
	const char *res = report_result_name(r->out);

	if (why != NULL && len > 0)
		why[0] = '\0';
	if (!r->expect_known)
		return (r->out->ok);
	if (r->out->sim.status == SIM_REPLAY_MISMATCH) {
		if (why != NULL)
			snprintf(why, len, "the program asked other questions "
			    "than the schedule answers: the file was edited, "
			    "or the code changed since it was recorded");
		return (0);
	}
	if (r->out->trace_hash != r->expect_trace ||
	    strcmp(res, r->expect_result) != 0) {
		if (why != NULL)
			snprintf(why, len, "replay diverged from the recorded "
			    "run: it ended %s with trace hash %016" PRIx64
			    ", the recording %s with %016" PRIx64 " (something "
			    "the simulator does not control changed the run)",
			    res, r->out->trace_hash, r->expect_result,
			    r->expect_trace);
		return (0);
	}
	return (r->out->ok);
}

void
report_schedule_name(char *buf, size_t len, const char *scenario,
    uint64_t seed)
{

	snprintf(buf, len, "%s-%s-%" PRIu64 ".sched", REPORT_PROG, scenario,
	    seed);
}

const char *
report_rate(char buf[REPORT_RATE_LEN], unsigned permille)
{
	unsigned frac = permille % 1000;
	int digits = 3;

	/* Trailing zeros go, but one digit stays after the point. */
	while (digits > 1 && frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	snprintf(buf, REPORT_RATE_LEN, "%u.%0*u", permille / 1000 % 10, digits,
	    frac);
	return (buf);
}

/* A workload parameter's value as its option takes it. */
static const char *
param_text(char buf[REPORT_RATE_LEN], const struct scn_param *t,
    const struct scn_params *sp)
{
	long v = scn_param_get(sp, t);

	if (t->permille)
		return (report_rate(buf, (unsigned)v));
	snprintf(buf, REPORT_RATE_LEN, "%ld", v);
	return (buf);
}

void
report_run_args(char *buf, size_t len, const struct scn_params *sp,
    const struct sim_params *p)
{
	const struct scn_param *t;
	char r[6][REPORT_RATE_LEN];
	size_t n;

	n = (size_t)snprintf(buf, len, "--scenario %s --seed %" PRIu64
	    " --strategy %s", sp->scenario, p->seed,
	    report_strategy_name(p->strategy));
	if (p->strategy == SIM_STRAT_PCT && n < len)
		n += (size_t)snprintf(buf + n, len - n, " --depth %d "
		    "--pct-steps %" PRIu64, p->pct_depth, p->pct_steps);
	if (n < len)
		n += (size_t)snprintf(buf + n, len - n, " --vehicle %s",
		    report_vehicle_name(p->vehicle));
	for (t = scn_param_table(); t->name != NULL && n < len; t++)
		if (t->min == 0 && t->max == 1)	/* a switch: on or absent */
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
			    scn_param_get(sp, t) ? " --" : "",
			    scn_param_get(sp, t) ? t->name : "");
		else
			n += (size_t)snprintf(buf + n, len - n, " --%s %s",
			    t->name, param_text(r[0], t, sp));
	if (n < len)
		snprintf(buf + n, len - n, " --spurious %s --timeouts %s "
		    "--fault-enable %s --fault-fire %s --max-steps %" PRIu64,
		    report_rate(r[2], p->spurious_permille),
		    report_rate(r[3], p->timeout_permille),
		    report_rate(r[4], p->fault_enable_permille),
		    report_rate(r[5], p->fault_fire_permille), p->max_steps);
}

/* ---- text ---- */

/* A message of several lines, each indented under its heading. */
static void
put_indented(FILE *f, const char *msg)
{
	const char *e;

	while (*msg != '\0') {
		if ((e = strchr(msg, '\n')) == NULL)
			e = msg + strlen(msg);
		if (e > msg)
			fprintf(f, "  %.*s\n", (int)(e - msg), msg);
		msg = *e != '\0' ? e + 1 : e;
	}
}

static void
text_params(FILE *f, const struct run_report *r)
{
	const struct scn_params *sp = r->sp;
	const struct sim_params *p = r->simp;
	const struct scn_param *t;
	char r0[REPORT_RATE_LEN], r1[REPORT_RATE_LEN], r2[REPORT_RATE_LEN],
	    r3[REPORT_RATE_LEN];

	fprintf(f, "scenario:      %s\n", sp->scenario);
	fprintf(f, "workload:     ");
	for (t = scn_param_table(); t->name != NULL; t++)
		fprintf(f, "%s %s %s", t == scn_param_table() ? "" : ",",
		    t->name, param_text(r0, t, sp));
	fputc('\n', f);
	fprintf(f, "seed:          %" PRIu64 "\n", p->seed);
	fprintf(f, "strategy:      %s", report_strategy_name(p->strategy));
	if (p->strategy == SIM_STRAT_PCT) {
		fprintf(f, " (depth %d, k ", p->pct_depth);
		if (p->pct_steps == 0)
			fprintf(f, "auto)");
		else
			fprintf(f, "%" PRIu64 ")", p->pct_steps);
	}
	fprintf(f, "\nvehicle:       %s\n", report_vehicle_name(p->vehicle));
	fprintf(f, "perturbation:  spurious %s, timeouts %s, fault-enable %s, "
	    "fault-fire %s; max-steps %" PRIu64 "\n",
	    report_rate(r0, p->spurious_permille),
	    report_rate(r1, p->timeout_permille),
	    report_rate(r2, p->fault_enable_permille),
	    report_rate(r3, p->fault_fire_permille), p->max_steps);
}

static void
text_counts(FILE *f, const struct run_report *r)
{
	const struct scn_outcome *o = r->out;
	const struct ktrq_stats *st = &o->stats;

	fprintf(f, "steps:         %" PRIu64 "\n", o->sim.steps);
	fprintf(f, "decisions:     %" PRIu64 "\n", o->sim.decisions);
	fprintf(f, "virtual time:  %" PRIu64 " ns\n", o->sim.vclock_ns);
	fprintf(f, "records:       %" PRIu64 " (%zu bytes)\n", o->records,
	    o->trace_len);
	fprintf(f, "posted:        %" PRIu64 "\n", st->posted);
	fprintf(f, "written:       %" PRIu64 "\n", st->written);
	fprintf(f, "dropped:       %" PRIu64 " (exhausted %" PRIu64
	    ", write error %" PRIu64 ", cleared %" PRIu64 ")\n",
	    st->dropped_exhausted + st->dropped_write_error +
	    st->dropped_cleared, st->dropped_exhausted,
	    st->dropped_write_error, st->dropped_cleared);
	fprintf(f, "trace hash:    %016" PRIx64, o->trace_hash);
	if (r->expect_known)
		fprintf(f, " (%s the recorded run)",
		    o->trace_hash == r->expect_trace ? "matches" :
		    "DIFFERS from");
	fprintf(f, "\nschedule hash: %016" PRIx64 "\n", o->sim.schedule_hash);
	report_chans_text(f, o->chans, o->nchans);
}

/* How to get this run back: the file, or the schedule itself. */
static void
text_replay(FILE *f, const struct run_report *r)
{

	if (r->schedule_path != NULL && r->schedule_stdout)
		fprintf(f, "replay: %s replay - (given the schedule this run "
		    "wrote to standard output)\n", REPORT_PROG);
	else if (r->schedule_path != NULL)
		fprintf(f, "replay: %s replay %s\n", REPORT_PROG,
		    r->schedule_path);
	else if (r->save_error != NULL) {
		fprintf(f, "replay: the schedule could not be saved (%s); "
		    "save this line to a file and run `%s replay FILE`:\n",
		    r->save_error, REPORT_PROG);
		fprintf(f, "%s\n", r->out->schedule != NULL ?
		    r->out->schedule : "");
	}
}

void
report_text(FILE *f, const struct run_report *r)
{
	const struct scn_outcome *o = r->out;
	char why[512];

	if (r->replay_of != NULL)
		fprintf(f, "replay of:     %s\n", r->replay_of);
	text_params(f, r);
	text_counts(f, r);
	if (report_ok(r, why, sizeof(why))) {
		fprintf(f, "result: ok\n");
		if (r->schedule_path != NULL && (r->replay_of == NULL ||
		    strcmp(r->schedule_path, r->replay_of) != 0))
			fprintf(f, "schedule:      %s\n", r->schedule_stdout ?
			    "standard output" : r->schedule_path);
		return;
	}
	if (o->events != NULL && o->events[0] != '\0') {
		/* The failing run's own history, before the verdict. */
		fprintf(f, "events (the log the oracle judged):\n");
		put_indented(f, o->events);
	}
	fprintf(f, "result: VIOLATION (%s)\n", why[0] != '\0' ?
	    "replay diverged" : report_result_name(o));
	if (why[0] != '\0')
		put_indented(f, why);
	if (o->verdict[0] != '\0')
		put_indented(f, o->verdict);
	if (o->sim.message[0] != '\0' &&
	    strstr(o->verdict, o->sim.message) == NULL)
		put_indented(f, o->sim.message);
	text_replay(f, r);
}

/* ---- JSON ---- */


void
json_key(FILE *f, const char *key, int *first)
{

	if (!*first)
		fputc(',', f);
	*first = 0;
	ktrq_sim__json_str(f, key);
	fputc(':', f);
}

static void
json_u64(FILE *f, const char *key, uint64_t v, int *first)
{

	json_key(f, key, first);
	fprintf(f, "%" PRIu64, v);
}

static void
json_text(FILE *f, const char *key, const char *v, int *first)
{

	json_key(f, key, first);
	ktrq_sim__json_str(f, v);
}

static void
json_hex(FILE *f, const char *key, uint64_t v, int *first)
{
	char buf[20];

	snprintf(buf, sizeof(buf), "%016" PRIx64, v);
	json_text(f, key, buf, first);
}

/*
 * The workload: each parameter under its header key, rates as
 * KEY_permille (the JSON spelling since the first version), switches as
 * booleans; "copy" keeps its first name, genio_copy.
 */
static void
json_workload(FILE *f, const struct scn_params *sp, int *first)
{
	const struct scn_param *t;
	char key[64];
	long v;

	for (t = scn_param_table(); t->name != NULL; t++) {
		v = scn_param_get(sp, t);
		if (t->permille) {
			snprintf(key, sizeof(key), "%s_permille", t->key);
			json_u64(f, key, (uint64_t)v, first);
		} else if (t->min == 0 && t->max == 1) {
			json_key(f, strcmp(t->key, "copy") == 0 ? "genio_copy" :
			    t->key, first);
			fputs(v ? "true" : "false", f);
		} else
			json_u64(f, t->key, (uint64_t)v, first);
	}
}

static void
json_params(FILE *f, const struct run_report *r, int *first)
{
	const struct scn_params *sp = r->sp;
	const struct sim_params *p = r->simp;

	json_text(f, "scenario", sp->scenario, first);
	json_u64(f, "seed", p->seed, first);
	json_text(f, "strategy", report_strategy_name(p->strategy), first);
	json_u64(f, "pct_depth", (uint64_t)p->pct_depth, first);
	json_u64(f, "pct_steps", p->pct_steps, first);
	json_text(f, "vehicle", report_vehicle_name(p->vehicle), first);
	json_workload(f, sp, first);
	json_u64(f, "spurious_permille", p->spurious_permille, first);
	json_u64(f, "timeouts_permille", p->timeout_permille, first);
	json_u64(f, "fault_enable_permille", p->fault_enable_permille, first);
	json_u64(f, "fault_fire_permille", p->fault_fire_permille, first);
	json_u64(f, "max_steps", p->max_steps, first);
}

/*
 * The core's wait channels: a channel that never had two sleepers at
 * once cannot tell waking one from waking all (docs/sim.md).
 */
void
report_chans_text(FILE *f, const struct scn_chan *c, int n)
{
	int i;

	for (i = 0; i < n; i++)
		fprintf(f, "%-15s%s: %" PRIu64 " sleeps, at most %" PRIu32
		    " asleep at once, %" PRIu32 " woken by one wakeup\n",
		    i == 0 ? "channels:" : "", c[i].wmesg, c[i].sleeps,
		    c[i].max_sleepers, c[i].max_woken);
}

void
report_chans_json(FILE *f, const struct scn_chan *c, int n, int *first)
{
	int i, cf;

	json_key(f, "channels", first);
	fputc('[', f);
	for (i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', f);
		fputc('{', f);
		cf = 1;
		json_text(f, "wmesg", c[i].wmesg, &cf);
		json_u64(f, "sleeps", c[i].sleeps, &cf);
		json_u64(f, "max_sleepers", c[i].max_sleepers, &cf);
		json_u64(f, "max_woken", c[i].max_woken, &cf);
		fputc('}', f);
	}
	fputc(']', f);
}

static void
json_counts(FILE *f, const struct scn_outcome *o, int *first)
{
	const struct ktrq_stats *st = &o->stats;

	json_u64(f, "steps", o->sim.steps, first);
	json_u64(f, "decisions", o->sim.decisions, first);
	json_u64(f, "vclock_ns", o->sim.vclock_ns, first);
	json_u64(f, "records", o->records, first);
	json_u64(f, "trace_bytes", o->trace_len, first);
	json_u64(f, "posted", st->posted, first);
	json_u64(f, "written", st->written, first);
	json_u64(f, "dropped_exhausted", st->dropped_exhausted, first);
	json_u64(f, "dropped_write_error", st->dropped_write_error, first);
	json_u64(f, "dropped_cleared", st->dropped_cleared, first);
	json_u64(f, "write_errors", st->write_errors, first);
	json_u64(f, "alloc_live", o->sim.alloc_live, first);
	json_hex(f, "trace_hash", o->trace_hash, first);
	json_hex(f, "schedule_hash", o->sim.schedule_hash, first);
	report_chans_json(f, o->chans, o->nchans, first);
}

void
report_json(FILE *f, const struct run_report *r)
{
	const struct scn_outcome *o = r->out;
	char why[512], cmd[1200];
	int first = 1, ok;

	ok = report_ok(r, why, sizeof(why));
	fputc('{', f);
	json_text(f, "command", r->command, &first);
	if (r->replay_of != NULL)
		json_text(f, "replay_of", r->replay_of, &first);
	json_params(f, r, &first);
	json_counts(f, o, &first);
	json_key(f, "ok", &first);
	fputs(ok ? "true" : "false", f);
	json_text(f, "result", why[0] != '\0' ? "replay diverged" :
	    report_result_name(o), &first);
	if (r->expect_known)
		json_hex(f, "expected_trace_hash", r->expect_trace, &first);
	json_text(f, "message", why[0] != '\0' ? why : o->sim.message,
	    &first);
	json_text(f, "verdict", o->verdict, &first);
	if (o->events != NULL)
		json_text(f, "events", o->events, &first);
	if (r->schedule_path != NULL) {
		json_text(f, "schedule_file", r->schedule_path, &first);
		snprintf(cmd, sizeof(cmd), "%s replay %s", REPORT_PROG,
		    r->schedule_path);
		if (!ok)
			json_text(f, "replay", cmd, &first);
	}
	if (!ok && o->schedule != NULL)
		json_text(f, "schedule", o->schedule, &first);
	if (r->save_error != NULL)
		json_text(f, "save_error", r->save_error, &first);
	fputs("}\n", f);
}

/* ---- schedules with their outcome ---- */

/* A header value has no spaces: "step limit" becomes "step-limit". */
static void
result_token(const struct scn_outcome *o, char *buf, size_t len)
{
	char *p;

	snprintf(buf, len, "%s", report_result_name(o));
	for (p = buf; *p != '\0'; p++)
		if (*p == ' ')
			*p = '-';
}

int
report_save_schedule(const struct scn_outcome *o, const char *path,
    char *err, size_t errlen)
{
	struct sim_schedule sc;
	char hex[20], res[32], perr[256];
	int error;

	if (o->schedule == NULL) {
		snprintf(err, errlen, "the run recorded no schedule");
		return (EINVAL);
	}
	if ((error = ktrq_sim__schedule_parse(o->schedule, &sc, perr,
	    sizeof(perr))) != 0) {
		snprintf(err, errlen, "the recorded schedule does not parse: "
		    "%s", perr);
		return (error);
	}
	snprintf(hex, sizeof(hex), "%016" PRIx64, o->trace_hash);
	result_token(o, res, sizeof(res));
	/* Without room for them the schedule still replays: no error. */
	(void)ktrq_sim__schedule_set(&sc, REPORT_KEY_TRACE, hex);
	(void)ktrq_sim__schedule_set(&sc, REPORT_KEY_RESULT, res);
	if ((error = ktrq_sim__schedule_save(&sc, path)) != 0)
		snprintf(err, errlen, "%s: %s", strcmp(path, "-") == 0 ?
		    "standard output" : path, strerror(error));
	ktrq_sim__schedule_fini(&sc);
	return (error);
}

/* Drop every `key=` word from a header. */
static void
header_drop(char *h, const char *key)
{
	size_t klen = strlen(key), wlen;
	char *p, *e;

	for (p = h; *p != '\0';) {
		e = strchr(p, ' ');
		wlen = e != NULL ? (size_t)(e - p) : strlen(p);
		if (wlen > klen && strncmp(p, key, klen) == 0 &&
		    p[klen] == '=') {
			memmove(p, p + wlen + (e != NULL), strlen(p + wlen +
			    (e != NULL)) + 1);
			continue;
		}
		p += wlen + (e != NULL);
	}
	wlen = strlen(h);
	if (wlen > 0 && h[wlen - 1] == ' ')
		h[wlen - 1] = '\0';
}

void
report_take_expect(struct sim_schedule *sc, struct run_report *r)
{
	char hex[32], *end;
	char res[sizeof(r->expect_result)];
	unsigned long long v;

	r->expect_known = 0;
	if (ktrq_sim__schedule_get(sc, REPORT_KEY_TRACE, hex, sizeof(hex)) == 0 &&
	    ktrq_sim__schedule_get(sc, REPORT_KEY_RESULT, res, sizeof(res)) == 0) {
		v = strtoull(hex, &end, 16);
		if (*end == '\0' && end != hex) {
			r->expect_known = 1;
			r->expect_trace = v;
			for (end = res; *end != '\0'; end++)
				if (*end == '-')
					*end = ' ';
			snprintf(r->expect_result, sizeof(r->expect_result),
			    "%s", res);
		}
	}
	header_drop(sc->header, REPORT_KEY_TRACE);
	header_drop(sc->header, REPORT_KEY_RESULT);
}
