/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq-sim: run libktrq's scenarios under the deterministic simulator.
 *
 *	run        one seed, with a report and optional trace, timeline and
 *		   schedule files
 *	sweep      a range of seeds across worker processes (sweep.c)
 *	replay     a saved schedule, exactly
 *	selfcheck  one seed twice and a replay: the runs must agree
 *	list       the scenarios
 *
 * Exit status: 0 every invariant held, 1 a violation (with the command
 * that replays it), 2 a usage error, an unreadable schedule or an output
 * file that cannot be written ("-" for an output file is stdout, and the
 * report goes to stderr then) -- an I/O problem is not a verdict on the
 * code under test, so it never reads as one.  When a run fails and a file
 * also fails, 1 wins: the violation is the news.
 *
 * Long options only, "--name value" or "--name=value"; every rate is a
 * fraction (0.25) or, the older spelling, a whole permille (250).  The
 * engine and a schedule's header count in permille; what a person reads
 * -- the report, a suggested command -- shows fractions.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "report.h"
#include "sweep.h"
#include "timeline.h"
#include "toolver.h"

enum cmd {
	CMD_RUN = 1, CMD_SWEEP = 2, CMD_REPLAY = 4, CMD_SELFCHECK = 8,
	CMD_LIST = 16
};
#define	C_WORK	(CMD_RUN | CMD_SWEEP | CMD_SELFCHECK)
#define	C_FILES	(CMD_RUN | CMD_REPLAY)
#define	C_ALL	(C_WORK | CMD_REPLAY | CMD_LIST)

static const struct {
	const char	*name;
	enum cmd	 cmd;
} cmds[] = {
	{ "run", CMD_RUN }, { "sweep", CMD_SWEEP }, { "replay", CMD_REPLAY },
	{ "selfcheck", CMD_SELFCHECK }, { "list", CMD_LIST },
};

enum optid {
	O_SCENARIO, O_SEED, O_SEEDS, O_JOBS, O_SHARD, O_STOP, O_EXPLAIN,
	O_SCHED_DIR, O_MAX_SCHED,
	O_STRATEGY,
	O_DEPTH, O_PCT_STEPS, O_VEHICLE, O_SPURIOUS, O_TIMEOUTS,
	O_FAULT_ENABLE, O_FAULT_FIRE, O_MAX_STEPS, O_TRACE_OUT, O_TIMELINE,
	O_SCHEDULE_OUT, O_JSON, O_HELP, NOPT
};

enum optkind { K_FLAG, K_NUM, K_STR, K_RATE };

static const struct optdef {
	const char	*name;
	enum optkind	 kind;
	uint64_t	 min, max;
	unsigned	 cmds;		/* commands that take it */
} defs[NOPT] = {
	[O_SCENARIO] = { "scenario", K_STR, 0, 0, C_WORK },
	[O_SEED] = { "seed", K_NUM, 0, UINT64_MAX, CMD_RUN | CMD_SELFCHECK },
	[O_SEEDS] = { "seeds", K_STR, 0, 0, CMD_SWEEP },
	[O_JOBS] = { "jobs", K_NUM, 1, SWEEP_JOBS_MAX, CMD_SWEEP },
	[O_SHARD] = { "shard", K_STR, 0, 0, CMD_SWEEP },
	[O_STOP] = { "stop-on-fail", K_FLAG, 0, 0, CMD_SWEEP },
	[O_EXPLAIN] = { "explain", K_FLAG, 0, 0, CMD_SWEEP },
	[O_SCHED_DIR] = { "schedule-dir", K_STR, 0, 0, CMD_SWEEP },
	[O_MAX_SCHED] = { "max-schedules", K_NUM, 0, SWEEP_SCHED_MAX, CMD_SWEEP },
	[O_STRATEGY] = { "strategy", K_STR, 0, 0, C_WORK },
	[O_DEPTH] = { "depth", K_NUM, 1, SIM_MAXTHREADS, C_WORK },
	[O_PCT_STEPS] = { "pct-steps", K_NUM, 0, UINT64_MAX, C_WORK },
	[O_VEHICLE] = { "vehicle", K_STR, 0, 0, C_WORK | CMD_REPLAY },
	/* The workload's options come from scn_param_table(). */
	[O_SPURIOUS] = { "spurious", K_RATE, 0, 1000, C_WORK },
	[O_TIMEOUTS] = { "timeouts", K_RATE, 0, 1000, C_WORK },
	[O_FAULT_ENABLE] = { "fault-enable", K_RATE, 0, 1000, C_WORK },
	[O_FAULT_FIRE] = { "fault-fire", K_RATE, 0, 1000, C_WORK },
	[O_MAX_STEPS] = { "max-steps", K_NUM, 1, UINT64_MAX, C_WORK },
	[O_TRACE_OUT] = { "trace-out", K_STR, 0, 0, C_FILES },
	[O_TIMELINE] = { "timeline", K_STR, 0, 0, C_FILES },
	[O_SCHEDULE_OUT] = { "schedule-out", K_STR, 0, 0, C_FILES },
	[O_JSON] = { "json", K_FLAG, 0, 0, C_ALL },
	[O_HELP] = { "help", K_FLAG, 0, 0, C_ALL },
};

#define	WPARAMS_MAX	32	/* entries of scn_param_table() */

struct cli {
	enum cmd	 cmd;
	const char	*cmdname;
	const char	*argv0;		/* as invoked, for suggested commands */
	const char	*file;		/* replay */
	int		 dash;		/* an output file is stdout ("-") */
	int		 set[NOPT];
	uint64_t	 num[NOPT];
	const char	*str[NOPT];
	int		 wset[WPARAMS_MAX];	/* by scn_param_table() index */
	long		 wval[WPARAMS_MAX];
};

/* The output files of run and replay, which may name stdout ("-"). */
static const int outfiles[] = { O_TRACE_OUT, O_TIMELINE, O_SCHEDULE_OUT };

/* Output files of one run, and the first problem writing them. */
struct outputs {
	FILE		*trace;
	struct timeline	*tl;
	int		 io_error;
};

/* The workload's options, from the scenarios' parameter table. */
static void
usage_workload(FILE *f)
{
	const struct scn_param *t;
	char opt[40];

	for (t = scn_param_table(); t->name != NULL; t++) {
		snprintf(opt, sizeof(opt), "--%s %s", t->name, t->permille ? "R" :
		    t->max == 1 && t->min == 0 ? "[0|1]" : "N");
		fprintf(f, "  %-19s %s (%ld..%ld%s)\n", opt, t->help,
		    t->permille ? 0 : t->min, t->permille ? 1 : t->max,
		    t->permille ? ", a rate" : "");
	}
}

static void
usage(FILE *f)
{

	fputs(
"usage: ktrq-sim run [--scenario NAME] [--seed N] [options] [--trace-out F]\n"
"                    [--timeline F] [--schedule-out F] [--json]\n"
"       ktrq-sim sweep [--scenario NAME] --seeds A:B [--jobs N]\n"
"                    [--shard I/N] [--stop-on-fail] [--explain] [options]\n"
"                    [--schedule-dir D] [--max-schedules N] [--json]\n"
"       ktrq-sim replay FILE|- [--vehicle V] [--trace-out F] [--timeline F]\n"
"                    [--schedule-out F] [--json]\n"
"       ktrq-sim selfcheck [--scenario NAME] [--seed N] [options] [--json]\n"
"       ktrq-sim list [--json]\n"
"  --scenario NAME     workload, see `ktrq-sim list` (default mixed)\n"
"  --seed N            seed of the run (default 1)\n"
"  --seeds A:B         sweep seeds A to B, inclusive\n"
"  --jobs N            sweep in N worker processes (default 1: in this\n"
"                      process, no fork)\n"
"  --shard I/N         sweep only seeds with (seed - A) % N == I, 0-based\n"
"  --stop-on-fail      end the sweep at the first failing seed\n"
"  --explain           after the summary: what its terms mean, what to\n"
"                      run next\n"
"  --schedule-dir D    sweep: save failing schedules in D (default .)\n"
"  --max-schedules N   sweep: save at most N, for the lowest failing\n"
"                      seeds (default 10; 0: none)\n"
"  --strategy S        random (default), pct, none (no preemption)\n"
"  --depth D           pct: bug depth, D-1 priority change points (3)\n"
"  --pct-steps K       pct: estimated run length (default 0: automatic)\n"
"  --vehicle V         pthread: a real thread per simulated thread, for\n"
"                      gdb and helgrind (default for run, replay and\n"
"                      selfcheck); fiber: fast (default for sweep)\n",
	    f);
	usage_workload(f);
	fputs(
"  --spurious R        spurious wakeup chance per scheduling point\n"
"  --timeouts R        chance that a pending timeout fires early\n"
"  --fault-enable R    chance a fault site is on for a run (BUGGIFY)\n"
"  --fault-fire R      chance an enabled fault site fires\n"
"  --max-steps N       step bound; beyond it the run counts as a livelock\n"
"  --trace-out F       write the run's ktrace.out image to F\n"
"  --timeline F        write a Chrome trace (Perfetto) of the run to F;\n"
"                      ts is the step number, virtual time is in args\n"
"  --schedule-out F    save the schedule to F; a failing run without it\n"
"                      saves ktrq-sim-SCENARIO-SEED.sched here\n"
"                      (any one F may be -, stdout; the report then goes\n"
"                      to stderr)\n"
"  --json              one JSON object on stdout instead of text\n"
"  --help              this text\n"
"Rates R are fractions 0..1, as in every libktrq tool (0.25; at most\n"
"three decimals); a whole number is read as permille (250), the older\n"
"spelling.  Reports print fractions; --json keeps *_permille keys.\n"
"Workload options default to the scenario's values (shown by `ktrq-sim\n"
"run`).  A replay takes every parameter from its file; only the vehicle\n"
"may change.\n"
"exit: 0 every invariant held, 1 a violation (the replay command is\n"
"printed), 2 a usage error, a bad schedule file or an output file that\n"
"cannot be written\n",
	    f);
}

static void	vmessage(const char *fmt, va_list ap)
	    __attribute__((format(printf, 1, 0)));

/* One line on stderr: the program's name, ": ", the message, a newline. */
static void
vmessage(const char *fmt, va_list ap)
{

	fprintf(stderr, "%s: ", REPORT_PROG);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static int	bad(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/* A usage error: one line, then the usage, exit status 2. */
static int
bad(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	usage(stderr);
	return (2);
}

static int	fail2(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/* Not the user's spelling but the world: a message without the usage. */
static int
fail2(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	return (2);
}

/* ---- the command line ---- */

/* An unsigned decimal: digits only, no sign, no space, no overflow. */
static int
parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *vp)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return (-1);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0' || errno != 0 || v < min || v > max)
		return (-1);
	*vp = v;
	return (0);
}

/*
 * A rate: a fraction written with a point, "0.25" or ".5" or "1.0", at
 * most three decimals (the engine counts in permille), or -- the older
 * spelling -- a whole number of permille, "250".  Stored as permille.
 */
static int
parse_rate(const char *s, uint64_t *vp)
{
	const char *dot = strchr(s, '.'), *p;
	uint64_t whole = 0, frac = 0;
	int ndig = 0;

	if (dot == NULL)
		return (parse_u64(s, 0, 1000, vp));
	for (p = s; p < dot; p++) {
		if (*p < '0' || *p > '9' || p - s > 1)
			return (-1);
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	for (p = dot + 1; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || ++ndig > 3)
			return (-1);
		frac = frac * 10 + (uint64_t)(*p - '0');
	}
	if (dot == s && ndig == 0)
		return (-1);
	for (; ndig < 3; ndig++)
		frac *= 10;
	if (whole > 1 || (whole == 1 && frac != 0))
		return (-1);
	*vp = whole * 1000 + frac;
	return (0);
}

/* "A<sep>B": two numbers around one separator. */
static int
parse_pair(const char *s, int sep, uint64_t *a, uint64_t *b)
{
	char buf[64], *p;

	if (strlen(s) >= sizeof(buf))
		return (-1);
	strcpy(buf, s);
	if ((p = strchr(buf, sep)) == NULL)
		return (-1);
	*p++ = '\0';
	if (parse_u64(buf, 0, UINT64_MAX, a) != 0 ||
	    parse_u64(p, 0, UINT64_MAX, b) != 0)
		return (-1);
	return (0);
}

static int
lookup(const char *name, size_t len)
{
	int i;

	for (i = 0; i < NOPT; i++)
		if (strlen(defs[i].name) == len &&
		    strncmp(defs[i].name, name, len) == 0)
			return (i);
	return (-1);
}

static int
store(struct cli *c, int id, const char *arg)
{
	const struct optdef *d = &defs[id];

	if (d->kind == K_STR) {
		if (*arg == '\0')
			return (bad("--%s: empty value", d->name));
		c->str[id] = arg;
	} else if (d->kind == K_RATE) {
		if (parse_rate(arg, &c->num[id]) != 0)
			return (bad("--%s: invalid rate '%s' (a fraction 0..1 "
			    "such as 0.25, or whole permille 0..1000)", d->name,
			    arg));
	} else if (parse_u64(arg, d->min, d->max, &c->num[id]) != 0)
		return (bad("--%s: invalid value '%s' (%" PRIu64 "..%" PRIu64
		    ")", d->name, arg, d->min, d->max));
	c->set[id] = 1;
	return (0);
}

static int
wlookup(const char *name, size_t len)
{
	const struct scn_param *t = scn_param_table();
	int i;

	for (i = 0; t[i].name != NULL && i < WPARAMS_MAX; i++)
		if (strlen(t[i].name) == len &&
		    strncmp(t[i].name, name, len) == 0)
			return (i);
	return (-1);
}

/*
 * A workload option (scn_param_table()): a number in its range, a rate
 * for permille fields, and a switch (0..1) may stand alone for 1.
 */
static int
parse_workload(struct cli *c, int argc, char **argv, int *ip, size_t len)
{
	const struct scn_param *t;
	const char *a = argv[*ip], *eq = strchr(a + 2, '='), *val;
	uint64_t v;
	int id;

	if ((id = wlookup(a + 2, len)) < 0)
		return (bad("unknown option '%s'", a));
	t = &scn_param_table()[id];
	if ((c->cmd & C_WORK) == 0)
		return (bad("--%s does not apply to '%s'", t->name,
		    c->cmdname));
	if (eq != NULL)
		val = eq + 1;
	else if (t->min == 0 && t->max == 1)
		val = "1";
	else if (*ip + 1 < argc)
		val = argv[++*ip];
	else
		return (bad("--%s needs a value", t->name));
	if (t->permille ? parse_rate(val, &v) != 0 :
	    parse_u64(val, (uint64_t)t->min, (uint64_t)t->max, &v) != 0)
		return (bad("--%s: invalid value '%s' (%s%ld..%ld)", t->name,
		    val, t->permille ? "a fraction 0..1 or permille " : "",
		    t->min, t->max));
	c->wset[id] = 1;
	c->wval[id] = (long)v;
	return (0);
}

/* One argument at argv[*ip]; returns 0 or 2. */
static int
parse_one(struct cli *c, int argc, char **argv, int *ip)
{
	const char *a = argv[*ip], *eq, *val;
	size_t len;
	int id;

	if (strncmp(a, "--", 2) != 0) {
		if (c->cmd != CMD_REPLAY || c->file != NULL)
			return (bad("unexpected argument '%s'", a));
		c->file = a;
		return (0);
	}
	eq = strchr(a + 2, '=');
	len = eq != NULL ? (size_t)(eq - (a + 2)) : strlen(a + 2);
	if ((id = lookup(a + 2, len)) < 0)
		return (parse_workload(c, argc, argv, ip, len));
	if ((defs[id].cmds & c->cmd) == 0)
		return (bad("--%s does not apply to '%s'", defs[id].name,
		    c->cmdname));
	if (defs[id].kind == K_FLAG) {
		if (eq != NULL)
			return (bad("--%s takes no value", defs[id].name));
		c->set[id] = 1;
		return (0);
	}
	if (eq != NULL)
		val = eq + 1;
	else if (*ip + 1 < argc)
		val = argv[++*ip];
	else
		return (bad("--%s needs a value", defs[id].name));
	return (store(c, id, val));
}

/*
 * At most one output file on stdout ("-"): two would interleave into a
 * stream neither reader could take apart.  With one, the report moves to
 * stderr (as ktrq-stress --out - does), so stdout holds the file alone.
 */
static int
check_dash(struct cli *c)
{
	size_t i;
	int first = -1, id;

	for (i = 0; i < sizeof(outfiles) / sizeof(outfiles[0]); i++) {
		id = outfiles[i];
		if (!c->set[id] || strcmp(c->str[id], "-") != 0)
			continue;
		if (first >= 0)
			return (bad("--%s and --%s both name standard output "
			    "('-'); at most one output file can go there",
			    defs[first].name, defs[id].name));
		first = id;
	}
	c->dash = first >= 0;
	return (0);
}

/* Returns 0, 2 (usage error) or -1 (--help). */
static int
parse_args(struct cli *c, int argc, char **argv)
{
	size_t i;
	int error, k;

	memset(c, 0, sizeof(*c));
	if (argc < 2)
		return (bad("no command"));
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0)
		return (-1);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			break;
	if (i == sizeof(cmds) / sizeof(cmds[0]))
		return (bad("unknown command '%s'", argv[1]));
	c->cmd = cmds[i].cmd;
	c->cmdname = cmds[i].name;
	c->argv0 = argv[0];
	for (k = 2; k < argc; k++)
		if ((error = parse_one(c, argc, argv, &k)) != 0)
			return (error);
	if (c->set[O_HELP])
		return (-1);
	if (c->cmd == CMD_REPLAY && c->file == NULL)
		return (bad("replay needs a schedule FILE"));
	if (c->cmd == CMD_SWEEP && !c->set[O_SEEDS])
		return (bad("sweep needs --seeds A:B"));
	return (check_dash(c));
}

/* ---- parameters ---- */

static int
parse_vehicle(const struct cli *c, struct sim_params *p)
{

	p->vehicle = c->cmd == CMD_SWEEP ? SIM_VEHICLE_FIBER :
	    SIM_VEHICLE_PTHREAD;
	if (!c->set[O_VEHICLE])
		return (0);
	if (strcmp(c->str[O_VEHICLE], "pthread") == 0)
		p->vehicle = SIM_VEHICLE_PTHREAD;
	else if (strcmp(c->str[O_VEHICLE], "fiber") == 0)
		p->vehicle = SIM_VEHICLE_FIBER;
	else
		return (bad("--vehicle: '%s' is not pthread or fiber",
		    c->str[O_VEHICLE]));
	return (0);
}

static int
parse_strategy(const struct cli *c, struct sim_params *p)
{
	const char *s = c->str[O_STRATEGY];

	if (s == NULL || strcmp(s, "random") == 0)
		p->strategy = SIM_STRAT_RANDOM;
	else if (strcmp(s, "pct") == 0)
		p->strategy = SIM_STRAT_PCT;
	else if (strcmp(s, "none") == 0)
		p->strategy = SIM_STRAT_NONE;
	else
		return (bad("--strategy: '%s' is not random, pct or none", s));
	if ((c->set[O_DEPTH] || c->set[O_PCT_STEPS]) &&
	    p->strategy != SIM_STRAT_PCT)
		return (bad("--depth and --pct-steps need --strategy pct"));
	if (c->set[O_DEPTH])
		p->pct_depth = (int)c->num[O_DEPTH];
	if (c->set[O_PCT_STEPS])
		p->pct_steps = c->num[O_PCT_STEPS];
	return (0);
}

static void
set_u(const struct cli *c, int id, unsigned *v)
{

	if (c->set[id])
		*v = (unsigned)c->num[id];
}

static int
build_params(const struct cli *c, struct scn_params *sp,
    struct sim_params *p)
{
	const char *name = c->str[O_SCENARIO];
	int error, i;

	if (scn_params_init(sp, name) != 0)
		return (bad("unknown scenario '%s' (see `%s list`)", name,
		    REPORT_PROG));
	for (i = 0; scn_param_table()[i].name != NULL; i++)
		if (c->wset[i])
			(void)scn_param_set(sp, &scn_param_table()[i],
			    c->wval[i]);
	ktrq_sim__params_init(p);
	p->seed = c->set[O_SEED] ? c->num[O_SEED] : 1;
	if ((error = parse_strategy(c, p)) != 0 ||
	    (error = parse_vehicle(c, p)) != 0)
		return (error);
	set_u(c, O_SPURIOUS, &p->spurious_permille);
	set_u(c, O_TIMEOUTS, &p->timeout_permille);
	set_u(c, O_FAULT_ENABLE, &p->fault_enable_permille);
	set_u(c, O_FAULT_FIRE, &p->fault_fire_permille);
	if (c->set[O_MAX_STEPS])
		p->max_steps = c->num[O_MAX_STEPS];
	return (0);
}

/* scn_run's errno: its limits are its own, so name what was asked. */
static int
refused(const struct scn_params *sp, int error)
{

	return (fail2("scenario %s refused procs %d, threads %d, events %d, "
	    "pool %d: %s (too many threads in all?)", sp->scenario,
	    sp->procs, sp->threads, sp->events, sp->pool, strerror(error)));
}

/* ---- one run and its files ---- */

static int
is_dash(const char *path)
{

	return (strcmp(path, "-") == 0);
}

/* A file's name in a message. */
static const char *
outname(const char *path)
{

	return (is_dash(path) ? "standard output" : path);
}

static int
outputs_open(const struct cli *c, struct outputs *o)
{
	char err[512];
	FILE *f;

	memset(o, 0, sizeof(*o));
	if (c->set[O_SCHEDULE_OUT] && !is_dash(c->str[O_SCHEDULE_OUT])) {
		/* Fail before the run, not after it; "a" keeps the file. */
		if ((f = fopen(c->str[O_SCHEDULE_OUT], "a")) == NULL)
			return (fail2("%s: %s", c->str[O_SCHEDULE_OUT],
			    strerror(errno)));
		fclose(f);
	}
	if (c->set[O_TRACE_OUT] && is_dash(c->str[O_TRACE_OUT]))
		o->trace = stdout;
	else if (c->set[O_TRACE_OUT] &&
	    (o->trace = fopen(c->str[O_TRACE_OUT], "wb")) == NULL)
		return (fail2("%s: %s", c->str[O_TRACE_OUT], strerror(errno)));
	if (c->set[O_TIMELINE] &&
	    (o->tl = timeline_open(c->str[O_TIMELINE], err,
	    sizeof(err))) == NULL) {
		if (o->trace != NULL)
			fclose(o->trace);
		return (fail2("%s", err));
	}
	return (0);
}

static void
timeline_notes(struct timeline *tl, const struct cli *c,
    const struct scn_params *sp, const struct sim_params *p)
{
	char buf[32];

	timeline_note(tl, "command", c->cmdname);
	timeline_note(tl, "scenario", sp->scenario);
	snprintf(buf, sizeof(buf), "%" PRIu64, p->seed);
	timeline_note(tl, "seed", buf);
	timeline_note(tl, "strategy", report_strategy_name(p->strategy));
	timeline_note(tl, "vehicle", report_vehicle_name(p->vehicle));
}

static void
outputs_close(const struct cli *c, struct outputs *o,
    const struct scn_outcome *out)
{
	char err[512];
	int bad_write;

	if (o->tl != NULL && timeline_close(o->tl, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s: %s: %s\n", REPORT_PROG,
		    outname(c->str[O_TIMELINE]), err);
		o->io_error = 1;
	}
	if (o->trace == NULL)
		return;
	bad_write = out->trace_len > 0 && fwrite(out->trace, 1,
	    out->trace_len, o->trace) != out->trace_len;
	/* Close even after a failed write; a full disk shows at fclose. */
	if ((o->trace == stdout ? fflush(o->trace) : fclose(o->trace)) != 0 ||
	    bad_write) {
		fprintf(stderr, "%s: %s: write failed: %s\n", REPORT_PROG,
		    outname(c->str[O_TRACE_OUT]), strerror(errno));
		o->io_error = 1;
	}
}

/*
 * Where the schedule goes: --schedule-out always; otherwise a failing
 * live run gets the default name (a replay already has its file).
 */
static void
save_schedule(const struct cli *c, const struct scn_outcome *out,
    int ok, struct run_report *r, char *path, size_t len, char *err,
    size_t errlen)
{

	if (c->set[O_SCHEDULE_OUT])
		snprintf(path, len, "%s", c->str[O_SCHEDULE_OUT]);
	else if (!ok && c->cmd != CMD_REPLAY)
		report_schedule_name(path, len, r->sp->scenario,
		    r->simp->seed);
	else {
		if (c->cmd == CMD_REPLAY)
			r->schedule_path = c->file;
		return;
	}
	if (report_save_schedule(out, path, err, errlen) == 0) {
		r->schedule_path = path;
		r->schedule_stdout = is_dash(path);
	} else {
		fprintf(stderr, "%s: %s\n", REPORT_PROG, err);
		r->save_error = err;
		if (c->cmd == CMD_REPLAY)
			r->schedule_path = c->file;
	}
}

static int
run_and_report(const struct cli *c, struct run_report *r,
    const struct sim_schedule *replay)
{
	struct scn_hooks hooks, *hp = NULL;
	struct scn_outcome out;
	struct outputs o;
	FILE *rep = c->dash ? stderr : stdout;
	char path[1024], err[512];
	int error, ok;

	if ((error = outputs_open(c, &o)) != 0)
		return (error);
	if (o.tl != NULL) {
		timeline_notes(o.tl, c, r->sp, r->simp);
		timeline_hooks(o.tl, &hooks);
		hp = &hooks;
	}
	memset(&out, 0, sizeof(out));
	if ((error = scn_run(r->sp, r->simp, replay, hp, &out)) != 0) {
		outputs_close(c, &o, &out);
		return (refused(r->sp, error));
	}
	outputs_close(c, &o, &out);
	r->out = &out;
	ok = report_ok(r, NULL, 0);
	save_schedule(c, &out, ok, r, path, sizeof(path), err, sizeof(err));
	if (r->save_error != NULL)
		o.io_error = 1;	/* a schedule asked for and not written */
	if (c->set[O_JSON])
		report_json(rep, r);
	else
		report_text(rep, r);
	scn_outcome_fini(&out);
	if (fflush(stdout) != 0)
		o.io_error = 1;
	return (!ok ? 1 : o.io_error ? 2 : 0);
}

static int
cmd_run(const struct cli *c)
{
	struct scn_params sp;
	struct sim_params p;
	struct run_report r;
	int error;

	if ((error = build_params(c, &sp, &p)) != 0)
		return (error);
	memset(&r, 0, sizeof(r));
	r.command = "run";
	r.sp = &sp;
	r.simp = &p;
	return (run_and_report(c, &r, NULL));
}

/* The loader names the file itself only when it could not read it. */
static int
load_error(const char *file, int error, const char *err)
{

	if (strncmp(err, file, strlen(file)) != 0)
		return (fail2("%s: %s", file, err));
	if (error == EINVAL || error == ENOTSUP)
		return (fail2("%s", err));
	return (fail2("%s (%s)", err, strerror(error)));
}

static int
cmd_replay(const struct cli *c)
{
	struct sim_schedule sc;
	struct scn_params sp;
	struct sim_params p;
	struct run_report r;
	char err[512];
	int error;

	if ((error = ktrq_sim__schedule_load(c->file, &sc, err, sizeof(err))) != 0)
		return (load_error(c->file, error, err));
	memset(&r, 0, sizeof(r));
	report_take_expect(&sc, &r);
	if (scn_params_from_schedule(&sc, &sp, &p, err, sizeof(err)) != 0) {
		ktrq_sim__schedule_fini(&sc);
		return (fail2("%s: %s", c->file, err));
	}
	/* The decisions do not depend on the vehicle: debuggable default. */
	if ((error = parse_vehicle(c, &p)) != 0) {
		ktrq_sim__schedule_fini(&sc);
		return (error);
	}
	r.command = "replay";
	r.replay_of = c->file;
	r.sp = &sp;
	r.simp = &p;
	error = run_and_report(c, &r, &sc);
	ktrq_sim__schedule_fini(&sc);
	return (error);
}

/* ---- selfcheck ---- */

static const char *const kind_names[SIM_CH_NKINDS] = {
	"run", "wake-one", "spurious", "spurious-who", "timeout",
	"fault-on", "fault", "value", "workload"
};

static void
describe_decision(char *buf, size_t len, const struct sim_decision *d)
{

	snprintf(buf, len, "%s choice %" PRIu64 " of %" PRIu64,
	    d->kind < SIM_CH_NKINDS ? kind_names[d->kind] : "?", d->value,
	    d->n);
}

/* The first decision where two schedules part, in words. */
static void
divergence(const char *ta, const char *la, const char *tb, const char *lb,
    char *buf, size_t len)
{
	struct sim_schedule a, b;
	char err[256], da[96], db[96];
	size_t i;

	if (ta == NULL || tb == NULL ||
	    ktrq_sim__schedule_parse(ta, &a, err, sizeof(err)) != 0) {
		snprintf(buf, len, "a schedule is missing or unreadable");
		return;
	}
	if (ktrq_sim__schedule_parse(tb, &b, err, sizeof(err)) != 0) {
		ktrq_sim__schedule_fini(&a);
		snprintf(buf, len, "a schedule is unreadable: %s", err);
		return;
	}
	for (i = 0; i < a.n && i < b.n; i++)
		if (a.d[i].kind != b.d[i].kind || a.d[i].n != b.d[i].n ||
		    a.d[i].value != b.d[i].value)
			break;
	if (i < a.n && i < b.n) {
		describe_decision(da, sizeof(da), &a.d[i]);
		describe_decision(db, sizeof(db), &b.d[i]);
		snprintf(buf, len, "first divergent decision: #%zu (%s: %s; "
		    "%s: %s)", i, la, da, lb, db);
	} else if (a.n != b.n)
		snprintf(buf, len, "first divergent decision: #%zu (%s has "
		    "%zu decisions, %s %zu)", i, la, a.n, lb, b.n);
	else
		snprintf(buf, len, "the %zu decisions agree; the runs differ "
		    "outside the scheduler (an input the simulator does not "
		    "control)", a.n);
	ktrq_sim__schedule_fini(&a);
	ktrq_sim__schedule_fini(&b);
}

static int
same_run(const struct scn_outcome *a, const struct scn_outcome *b)
{

	return (a->ok == b->ok && a->sim.status == b->sim.status &&
	    a->sim.steps == b->sim.steps &&
	    a->sim.schedule_hash == b->sim.schedule_hash &&
	    a->trace_hash == b->trace_hash);
}

struct selfcheck {
	struct scn_params	 sp;
	struct sim_params	 p;
	struct scn_outcome	 o[3];	/* run 1, run 2, replay of 1 */
	int			 deterministic;
	char			 why[600];
	char			 path[1024];
	char			 err[512];
	int			 saved;
};

static const char *const sc_label[3] = { "run 1", "run 2", "replay" };

static int
selfcheck_runs(struct selfcheck *s)
{
	struct sim_schedule sc;
	int error;

	if ((error = scn_run(&s->sp, &s->p, NULL, NULL, &s->o[0])) != 0)
		return (error);
	if ((error = scn_run(&s->sp, &s->p, NULL, NULL, &s->o[1])) != 0) {
		scn_outcome_fini(&s->o[0]);
		return (error);
	}
	if (s->o[0].schedule == NULL ||
	    ktrq_sim__schedule_parse(s->o[0].schedule, &sc, s->err,
	    sizeof(s->err)) != 0)
		ktrq_sim__schedule_init(&sc);	/* the replay then diverges */
	error = scn_run(&s->sp, &s->p, &sc, NULL, &s->o[2]);
	ktrq_sim__schedule_fini(&sc);
	if (error != 0) {
		scn_outcome_fini(&s->o[0]);
		scn_outcome_fini(&s->o[1]);
	}
	return (error);
}

static void
selfcheck_judge(struct selfcheck *s)
{
	int k;

	s->deterministic = 1;
	for (k = 1; k < 3 && s->deterministic; k++) {
		if (same_run(&s->o[0], &s->o[k]))
			continue;
		s->deterministic = 0;
		divergence(s->o[0].schedule, sc_label[0], s->o[k].schedule,
		    sc_label[k], s->why, sizeof(s->why));
		if (s->o[k].sim.status == SIM_REPLAY_MISMATCH)
			snprintf(s->why + strlen(s->why),
			    sizeof(s->why) - strlen(s->why), "\n%s",
			    s->o[k].sim.message);
	}
	if (!s->deterministic || !s->o[0].ok) {
		report_schedule_name(s->path, sizeof(s->path),
		    s->sp.scenario, s->p.seed);
		s->saved = report_save_schedule(&s->o[0], s->path, s->err,
		    sizeof(s->err)) == 0;
		if (!s->saved)
			fprintf(stderr, "%s: %s\n", REPORT_PROG, s->err);
	}
}

static void
selfcheck_text(const struct selfcheck *s)
{
	const struct scn_outcome *o;
	int k;

	printf("selfcheck:     scenario %s, seed %" PRIu64 ", strategy %s, "
	    "vehicle %s\n", s->sp.scenario, s->p.seed,
	    report_strategy_name(s->p.strategy),
	    report_vehicle_name(s->p.vehicle));
	for (k = 0; k < 3; k++) {
		o = &s->o[k];
		printf("%s:%*s%s, steps %" PRIu64 ", decisions %" PRIu64
		    ", schedule %016" PRIx64 ", trace %016" PRIx64 "\n",
		    sc_label[k], 14 - (int)strlen(sc_label[k]), "",
		    report_result_name(o), o->sim.steps,
		    o->sim.decisions, o->sim.schedule_hash, o->trace_hash);
	}
	if (s->deterministic)
		printf("deterministic: yes (two runs and a replay of the "
		    "first agree)\n");
	else
		printf("deterministic: NO\n  %s\n", s->why);
	if (s->deterministic && s->o[0].ok) {
		printf("result: ok\n");
		return;
	}
	printf("result: VIOLATION (%s)\n", !s->deterministic ?
	    "nondeterminism" : report_result_name(&s->o[0]));
	if (s->o[0].verdict[0] != '\0')
		printf("  %s\n", s->o[0].verdict);
	else if (s->o[0].sim.message[0] != '\0')
		printf("  %s\n", s->o[0].sim.message);
	if (s->saved)
		printf("replay: %s replay %s\n", REPORT_PROG, s->path);
}

static void
selfcheck_json(const struct selfcheck *s)
{
	const struct scn_outcome *o;
	char cmd[1100];
	int first = 1, k, ok = s->deterministic && s->o[0].ok;

	fputc('{', stdout);
	json_key(stdout, "command", &first);
	ktrq_sim__json_str(stdout, "selfcheck");
	json_key(stdout, "scenario", &first);
	ktrq_sim__json_str(stdout, s->sp.scenario);
	printf(",\"seed\":%" PRIu64 ",\"strategy\":\"%s\",\"vehicle\":\"%s\","
	    "\"runs\":[", s->p.seed, report_strategy_name(s->p.strategy),
	    report_vehicle_name(s->p.vehicle));
	for (k = 0; k < 3; k++) {
		o = &s->o[k];
		printf("%s{\"label\":\"%s\",\"result\":\"%s\","
		    "\"steps\":%" PRIu64 ",\"decisions\":%" PRIu64
		    ",\"schedule_hash\":\"%016" PRIx64 "\",\"trace_hash\":"
		    "\"%016" PRIx64 "\"}", k > 0 ? "," : "",
		    sc_label[k], report_result_name(o), o->sim.steps,
		    o->sim.decisions, o->sim.schedule_hash, o->trace_hash);
	}
	printf("],\"deterministic\":%s,\"divergence\":",
	    s->deterministic ? "true" : "false");
	ktrq_sim__json_str(stdout, s->why);
	printf(",\"ok\":%s,\"message\":", ok ? "true" : "false");
	ktrq_sim__json_str(stdout, s->o[0].verdict[0] != '\0' ? s->o[0].verdict :
	    s->o[0].sim.message);
	if (s->saved) {
		printf(",\"schedule_file\":");
		ktrq_sim__json_str(stdout, s->path);
		snprintf(cmd, sizeof(cmd), "%s replay %s", REPORT_PROG,
		    s->path);
		printf(",\"replay\":");
		ktrq_sim__json_str(stdout, cmd);
	}
	printf("}\n");
}

static int
cmd_selfcheck(const struct cli *c)
{
	struct selfcheck *s;
	int error, k, rc;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return (fail2("out of memory"));
	if ((error = build_params(c, &s->sp, &s->p)) != 0) {
		free(s);
		return (error);
	}
	if ((error = selfcheck_runs(s)) != 0) {
		rc = refused(&s->sp, error);
		free(s);
		return (rc);
	}
	selfcheck_judge(s);
	if (c->set[O_JSON])
		selfcheck_json(s);
	else
		selfcheck_text(s);
	rc = s->deterministic && s->o[0].ok ? 0 : 1;
	for (k = 0; k < 3; k++)
		scn_outcome_fini(&s->o[k]);
	free(s);
	return (rc);
}

/* ---- sweep and list ---- */

static int
is_dir(const char *path)
{
	struct stat st;

	return (stat(path, &st) == 0 && S_ISDIR(st.st_mode));
}

static int
cmd_sweep(const struct cli *c)
{
	struct sweep_opts o;
	uint64_t a, b;
	int error;

	memset(&o, 0, sizeof(o));
	if ((error = build_params(c, &o.sp, &o.simp)) != 0)
		return (error);
	if (parse_pair(c->str[O_SEEDS], ':', &a, &b) != 0 || a > b)
		return (bad("--seeds: '%s' is not A:B with A <= B",
		    c->str[O_SEEDS]));
	/* The count of 0:2^64-1 is 2^64, one more than a uint64_t holds. */
	if (a == 0 && b == UINT64_MAX)
		return (bad("--seeds: 0:%" PRIu64 " is 2^64 seeds, more than "
		    "a sweep can count; at most 2^64-1 (e.g. 1:%" PRIu64 ")",
		    b, b));
	o.first = a;
	o.last = b;
	o.nshards = 1;
	if (c->set[O_SHARD]) {
		if (parse_pair(c->str[O_SHARD], '/', &a, &b) != 0 || b == 0 ||
		    a >= b || b > UINT32_MAX)
			return (bad("--shard: '%s' is not I/N with 0 <= I < N",
			    c->str[O_SHARD]));
		o.shard = (unsigned)a;
		o.nshards = (unsigned)b;
	}
	o.jobs = c->set[O_JOBS] ? (unsigned)c->num[O_JOBS] : 1;
	o.json = c->set[O_JSON];
	o.stop_on_fail = c->set[O_STOP];
	o.explain = c->set[O_EXPLAIN];
	o.sched_dir = c->set[O_SCHED_DIR] ? c->str[O_SCHED_DIR] : NULL;
	if (o.sched_dir != NULL && !is_dir(o.sched_dir))
		return (bad("--schedule-dir: '%s' is not a directory%s",
		    o.sched_dir, strcmp(o.sched_dir, "-") == 0 ? " (a file "
		    "per failing seed goes there, not to standard output)" :
		    ""));
	o.max_sched = c->set[O_MAX_SCHED] ? (unsigned)c->num[O_MAX_SCHED] :
	    SWEEP_SCHED_DEFAULT;
	o.argv0 = c->argv0;
	o.progress = isatty(STDERR_FILENO);
	return (sweep_main(&o));
}

static int
cmd_list(const struct cli *c)
{
	const char *const *n;
	const char *d;
	int first = 1;

	if (c->set[O_JSON])
		fputs("{\"scenarios\":[", stdout);
	for (n = scn_names(); *n != NULL; n++) {
		d = scn_describe(*n);
		if (!c->set[O_JSON]) {
			printf("%-16s %s\n", *n, d != NULL ? d : "");
			continue;
		}
		printf("%s{\"name\":", first ? "" : ",");
		ktrq_sim__json_str(stdout, *n);
		fputs(",\"description\":", stdout);
		ktrq_sim__json_str(stdout, d != NULL ? d : "");
		fputc('}', stdout);
		first = 0;
	}
	if (c->set[O_JSON])
		fputs("]}\n", stdout);
	return (0);
}

int
main(int argc, char **argv)
{
	struct cli c;
	int rc;

	if (toolver_handle(argc, argv, "ktrq-sim"))
		return (0);
	if ((rc = parse_args(&c, argc, argv)) != 0) {
		if (rc < 0) {
			usage(stdout);
			rc = 0;
		}
		return (rc);
	}
	switch (c.cmd) {
	case CMD_RUN:
		return (cmd_run(&c));
	case CMD_SWEEP:
		return (cmd_sweep(&c));
	case CMD_REPLAY:
		return (cmd_replay(&c));
	case CMD_SELFCHECK:
		return (cmd_selfcheck(&c));
	case CMD_LIST:
		return (cmd_list(&c));
	}
	return (2);
}
