/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq-stress: the command line.
 *
 * Long options only, "--name value" or "--name=value".  Every number is
 * an unsigned decimal checked against its range; the first problem
 * prints one line and the usage on stderr and makes the program exit 2.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stress.h"

enum optid {
	OPT_THREADS, OPT_EVENTS, OPT_POOL, OPT_SYNC, OPT_OUT, OPT_PROCS,
	OPT_RESIZE_EVERY, OPT_RESIZE_MIN, OPT_RESIZE_MAX, OPT_FAIL_RECORDS,
	OPT_FAIL_BYTES, OPT_FAIL_ERRNO, OPT_SHORT, OPT_COPY, OPT_SEED,
	OPT_QUIET, OPT_JSON, OPT_HELP, OPT_VERSION, OPT_SYNC_RATIO, OPT_BP, NOPT
};

enum optkind { K_FLAG, K_NUM, K_RATIO, K_STR };

struct optdef {
	const char	*name;
	enum optkind	 kind;
	uint64_t	 min, max;
};

static const struct optdef defs[NOPT] = {
	[OPT_THREADS] = { "threads", K_NUM, 1, STRESS_THREADS_MAX },
	[OPT_EVENTS] = { "events", K_NUM, 0, STRESS_EVENTS_MAX },
	[OPT_POOL] = { "pool", K_NUM, 1, KTRQ_POOL_MAX },
	[OPT_SYNC] = { "sync", K_RATIO, 0, 0 },
	[OPT_OUT] = { "out", K_STR, 0, 0 },
	[OPT_PROCS] = { "procs", K_NUM, 1, STRESS_THREADS_MAX },
	[OPT_RESIZE_EVERY] = { "resize-every", K_NUM, 1, UINT64_MAX },
	[OPT_RESIZE_MIN] = { "resize-min", K_NUM, 1, KTRQ_POOL_MAX },
	[OPT_RESIZE_MAX] = { "resize-max", K_NUM, 1, KTRQ_POOL_MAX },
	[OPT_FAIL_RECORDS] = { "fail-after-records", K_NUM, 1, UINT64_MAX },
	[OPT_FAIL_BYTES] = { "fail-after-bytes", K_NUM, 1, UINT64_MAX },
	[OPT_FAIL_ERRNO] = { "fail-errno", K_NUM, 1, 4095 },
	[OPT_SHORT] = { "short-write", K_NUM, 1, 1 << 30 },
	[OPT_COPY] = { "genio-copy", K_FLAG, 0, 0 },
	[OPT_SEED] = { "seed", K_NUM, 0, UINT64_MAX },
	[OPT_QUIET] = { "quiet", K_FLAG, 0, 0 },
	[OPT_JSON] = { "json", K_FLAG, 0, 0 },
	[OPT_HELP] = { "help", K_FLAG, 0, 0 },
	[OPT_VERSION] = { "version", K_FLAG, 0, 0 },
	/* The old name of --sync (same unit), kept as an alias. */
	[OPT_SYNC_RATIO] = { "sync-ratio", K_RATIO, 0, 0 },
	[OPT_BP] = { "backpressure", K_NUM, 1, UINT64_MAX },
};

struct optvals {
	int		 set[NOPT];
	uint64_t	 num[NOPT];
	double		 ratio;
	const char	*str;
};

static void
usage(FILE *fp)
{

	fprintf(fp,
	    "usage: ktrq-stress --threads N --events N --pool N "
	    "--sync R --out FILE\n"
	    "                   [--procs N] [--resize-every N --resize-min A "
	    "--resize-max B]\n"
	    "                   [--fail-after-records N | --fail-after-bytes N]"
	    " [--fail-errno E]\n"
	    "                   [--short-write N] [--genio-copy] [--seed S] "
	    "[--quiet] [--json]\n"
	    "                   [--backpressure NS]\n"
	    "  --threads N        posting OS threads (1..%d)\n"
	    "  --events N         events in total, split evenly across the\n"
	    "                     threads\n"
	    "  --pool N           request pool size (1..%d)\n"
	    "  --sync R           share of events that are genio: a fraction\n"
	    "                     in [0,1] (every ktrq tool's rate unit);\n"
	    "                     --sync-ratio is the same option\n"
	    "  --out FILE         trace file, truncated first; - writes the\n"
	    "                     trace to stdout (the summary to stderr)\n"
	    "  --procs N          traced processes, threads dealt round robin\n"
	    "                     (default: one per thread)\n"
	    "  --resize-every N   resize the pool every N events, alternating\n"
	    "                     A, B and a size between (default A 1,\n"
	    "                     B the pool size)\n"
	    "  --fail-after-records N, --fail-after-bytes N\n"
	    "                     the target fails after N records or bytes\n"
	    "  --fail-errno E     with errno E (default EIO)\n"
	    "  --short-write N    the target takes at most N bytes per write\n"
	    "  --genio-copy       genio copied and posted async (2004 mode)\n"
	    "  --backpressure NS  posters wait up to NS ns for a request\n"
	    "                     object (KTRQ_CF_BACKPRESSURE); nothing\n"
	    "                     may drop for want of one unless a wait\n"
	    "                     timed out\n"
	    "  --seed S           seed of the event mix (default 1)\n"
	    "  --quiet            no library log lines, only the verify line\n"
	    "  --json             the summary as one JSON object\n"
	    "  --help             this text\n"
	    "  --version          the version\n"
	    "exit: 0 every check passed, 1 a mismatch, 2 a usage or I/O "
	    "error\n",
	    STRESS_THREADS_MAX, KTRQ_POOL_MAX);
}

static int	bad(const char *fmt, ...) PRINTFLIKE(1, 2);

/* A usage error: one line, then the usage; the exit status is 2. */
static int
bad(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ktrq-stress: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	usage(stderr);
	return (2);
}

/* An unsigned decimal: digits only, no sign, no space, no overflow. */
static int
parse_num(const char *s, uint64_t min, uint64_t max, uint64_t *vp)
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

static int
parse_ratio(const char *s, double *vp)
{
	char *end;
	double v;

	if ((*s < '0' || *s > '9') && *s != '.')
		return (-1);
	errno = 0;
	v = strtod(s, &end);
	if (*end != '\0' || errno != 0 || !isfinite(v) || v < 0 || v > 1)
		return (-1);
	*vp = v;
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
store(struct optvals *v, int id, const char *arg)
{
	const struct optdef *d = &defs[id];
	char range[64];
	int error;

	if (d->kind == K_STR) {
		if (*arg == '\0')
			return (bad("--%s: empty value", d->name));
		v->str = arg;
		error = 0;
	} else if (d->kind == K_RATIO)
		error = parse_ratio(arg, &v->ratio);
	else
		error = parse_num(arg, d->min, d->max, &v->num[id]);
	if (error != 0) {
		if (d->kind == K_RATIO)
			snprintf(range, sizeof(range), "[0,1]");
		else
			snprintf(range, sizeof(range), "%llu..%llu",
			    (unsigned long long)d->min,
			    (unsigned long long)d->max);
		return (bad("--%s: invalid value '%s' (%s)", d->name, arg,
		    range));
	}
	v->set[id] = 1;
	return (0);
}

/* One argument at argv[*ip]; returns 0, 1 (--help) or 2. */
static int
parse_one(struct optvals *v, int argc, char **argv, int *ip)
{
	const char *a = argv[*ip], *eq, *val;
	size_t len;
	int id;

	if (strncmp(a, "--", 2) != 0)
		return (bad("unexpected argument '%s'", a));
	eq = strchr(a + 2, '=');
	len = eq != NULL ? (size_t)(eq - (a + 2)) : strlen(a + 2);
	if ((id = lookup(a + 2, len)) < 0)
		return (bad("unknown option '%s'", a));
	if (id == OPT_SYNC_RATIO)
		id = OPT_SYNC;
	if (defs[id].kind == K_FLAG) {
		if (eq != NULL)
			return (bad("--%s takes no value", defs[id].name));
		v->set[id] = 1;
		/* --version is answered by toolver_handle() before this. */
		return (id == OPT_HELP || id == OPT_VERSION ? 1 : 0);
	}
	if (eq != NULL)
		val = eq + 1;
	else if (*ip + 1 < argc)
		val = argv[++*ip];
	else
		return (bad("--%s needs a value", defs[id].name));
	return (store(v, id, val));
}

static int
check_required(const struct optvals *v)
{
	static const int req[] = { OPT_THREADS, OPT_EVENTS, OPT_POOL,
	    OPT_SYNC, OPT_OUT };
	size_t i;

	for (i = 0; i < sizeof(req) / sizeof(req[0]); i++)
		if (!v->set[req[i]])
			return (bad("missing --%s", defs[req[i]].name));
	return (0);
}

/* errno values a caller could not tell from an event point's outcome. */
static int
errno_ambiguous(uint64_t e)
{

	return (e == ENOENT || e == EALREADY || e == ENOBUFS ||
	    e == EINVAL || e == ENXIO);
}

static int
check_combinations(const struct optvals *v)
{

	if (v->set[OPT_PROCS] && v->num[OPT_PROCS] > v->num[OPT_THREADS])
		return (bad("--procs must not exceed --threads"));
	if (!v->set[OPT_RESIZE_EVERY] &&
	    (v->set[OPT_RESIZE_MIN] || v->set[OPT_RESIZE_MAX]))
		return (bad("--resize-min/--resize-max need --resize-every"));
	if (v->set[OPT_FAIL_RECORDS] && v->set[OPT_FAIL_BYTES])
		return (bad("--fail-after-records and --fail-after-bytes are "
		    "exclusive"));
	if (v->set[OPT_FAIL_ERRNO] && !v->set[OPT_FAIL_RECORDS] &&
	    !v->set[OPT_FAIL_BYTES])
		return (bad("--fail-errno needs --fail-after-records or "
		    "--fail-after-bytes"));
	if (v->set[OPT_FAIL_ERRNO] && errno_ambiguous(v->num[OPT_FAIL_ERRNO]))
		return (bad("--fail-errno: %llu is an event outcome code "
		    "(ENOENT, EALREADY, ENOBUFS, EINVAL, ENXIO): ambiguous",
		    (unsigned long long)v->num[OPT_FAIL_ERRNO]));
	return (0);
}

static void
fill(struct stress_opts *o, const struct optvals *v)
{

	memset(o, 0, sizeof(*o));
	o->threads = (unsigned)v->num[OPT_THREADS];
	o->events = v->num[OPT_EVENTS];
	o->pool = (int)v->num[OPT_POOL];
	o->sync_ratio = v->ratio;
	o->out = v->str;
	o->procs = v->set[OPT_PROCS] ? (unsigned)v->num[OPT_PROCS] :
	    o->threads;
	o->resize_every = v->num[OPT_RESIZE_EVERY];
	o->resize_min = v->set[OPT_RESIZE_MIN] ?
	    (int)v->num[OPT_RESIZE_MIN] : 1;
	o->resize_max = v->set[OPT_RESIZE_MAX] ?
	    (int)v->num[OPT_RESIZE_MAX] : o->pool;
	o->fail_after_records = v->num[OPT_FAIL_RECORDS];
	o->fail_after_bytes = v->num[OPT_FAIL_BYTES];
	o->fail_errno = v->set[OPT_FAIL_ERRNO] ?
	    (int)v->num[OPT_FAIL_ERRNO] : EIO;
	o->short_write = (size_t)v->num[OPT_SHORT];
	o->genio_copy = v->set[OPT_COPY];
	o->backpressure_ns = v->set[OPT_BP] ? v->num[OPT_BP] : 0;
	o->seed = v->set[OPT_SEED] ? v->num[OPT_SEED] : 1;
	o->quiet = v->set[OPT_QUIET];
	o->report = strcmp(o->out, "-") == 0 ? stderr : stdout;
	o->json = v->set[OPT_JSON];
}

int
stress_opts_parse(struct stress_opts *o, int argc, char **argv)
{
	struct optvals v;
	int i, ret;

	memset(&v, 0, sizeof(v));
	ret = 0;
	for (i = 1; i < argc; i++)
		if ((ret = parse_one(&v, argc, argv, &i)) != 0)
			break;
	if (i < argc && ret == 1) {
		if (v.set[OPT_HELP])
			usage(stdout);
		return (1);
	}
	if (i < argc)
		return (ret);
	if ((ret = check_required(&v)) != 0 ||
	    (ret = check_combinations(&v)) != 0)
		return (ret);
	fill(o, &v);
	if (o->resize_every != 0 && o->resize_min > o->resize_max)
		return (bad("--resize-min must not exceed --resize-max"));
	return (0);
}

/* Is the target wrapped in a fault injector? */
int
stress_faulty(const struct stress_opts *o)
{

	return (o->fail_after_records != 0 || o->fail_after_bytes != 0 ||
	    o->short_write != 0);
}
