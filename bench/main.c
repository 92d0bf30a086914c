/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq-bench: the driver.  Runs the suites (bench.h), records the
 * machine, compiler and commit, prints the table and writes the same
 * results to results.json and results.csv in the output directory.
 *
 * Exit status: 0; 1 a setup error or a bad option; 2 the run finished
 * but a check that must hold did not (an allocation on the async path,
 * broken accounting, a failed simulator run, invalid JSON with --check).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#ifndef KTRQ_BENCH_SOURCE_DIR
#define	KTRQ_BENCH_SOURCE_DIR	"."
#endif
#ifndef KTRQ_BENCH_OUTDIR
#define	KTRQ_BENCH_OUTDIR	"."
#endif
#ifndef KTRQ_BENCH_COMPILER
#define	KTRQ_BENCH_COMPILER	"cc"
#endif
#ifndef KTRQ_BENCH_BUILD_TYPE
#define	KTRQ_BENCH_BUILD_TYPE	"unknown"
#endif
#ifndef KTRQ_BENCH_CFLAGS
#define	KTRQ_BENCH_CFLAGS	""
#endif

struct bench_opts bench_opts;

static const struct {
	const char	*name;
	void		(*fn)(void);
} suites[] = {
	{ "alloc", suite_alloc },
	{ "pool", suite_pool },
	{ "post", suite_post },
	{ "genio", suite_genio },
	{ "drops", suite_drops },
	{ "sim", suite_sim },
};
#define	NSUITES	(sizeof(suites) / sizeof(suites[0]))

static void
usage(FILE *fp)
{

	fprintf(fp, "usage: ktrq-bench [--quick] [--reps N] [--scale X] "
	    "[--only SUITE]\n"
	    "                  [--out DIR] [--tmpdir DIR] [--check]\n"
	    "  --quick       smoke run: tiny counts, 3 repetitions "
	    "(seconds)\n"
	    "  --reps N      repetitions per measurement, 3..%d "
	    "(default 7)\n"
	    "  --scale X     multiply event counts by X (default 1)\n"
	    "  --only SUITE  alloc, pool, post, genio, drops or sim\n"
	    "  --out DIR     where results.json and results.csv go\n"
	    "                (default %s)\n"
	    "  --tmpdir DIR  directory of the file target (default "
	    "/dev/shm)\n"
	    "  --check       re-read results.json and fail unless it is "
	    "valid\n", BENCH_MAXREPS, KTRQ_BENCH_OUTDIR);
}

/* Strip the trailing newline and blanks in place. */
static void
chomp(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' ||
	    s[n - 1] == '\t'))
		s[--n] = '\0';
}

/* First line of a command's output into buf; 0 if it printed one. */
static int
command_line(const char *cmd, char *buf, size_t len)
{
	FILE *fp;
	int ok;

	buf[0] = '\0';
	if ((fp = popen(cmd, "r")) == NULL)
		return (-1);
	ok = fgets(buf, (int)len, fp) != NULL;
	if (pclose(fp) != 0 || !ok) {
		buf[0] = '\0';
		return (-1);
	}
	chomp(buf);
	return (buf[0] != '\0' ? 0 : -1);
}

static void
cpu_model(char *buf, size_t len)
{
	char line[512], *colon;
	FILE *fp;

	snprintf(buf, len, "unknown");
	if ((fp = fopen("/proc/cpuinfo", "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, "model name", 10) != 0 ||
		    (colon = strchr(line, ':')) == NULL)
			continue;
		colon++;
		while (*colon == ' ' || *colon == '\t')
			colon++;
		chomp(colon);
		snprintf(buf, len, "%s", colon);
		break;
	}
	fclose(fp);
}

/* The three load averages: this machine may be shared. */
static void
read_loadavg(char *buf, size_t len)
{
	double a[3];
	FILE *fp;

	snprintf(buf, len, "unknown");
	if ((fp = fopen("/proc/loadavg", "r")) == NULL)
		return;
	if (fscanf(fp, "%lf %lf %lf", &a[0], &a[1], &a[2]) == 3)
		snprintf(buf, len, "%.2f %.2f %.2f", a[0], a[1], a[2]);
	fclose(fp);
}

static void
collect_meta(struct bench_meta *m)
{
	struct utsname u;
	char cmd[1024], dirty[256];
	struct tm tm;
	time_t now;

	memset(m, 0, sizeof(*m));
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(m->date, sizeof(m->date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	cpu_model(m->host_cpu, sizeof(m->host_cpu));
	m->nproc = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (uname(&u) == 0)
		snprintf(m->kernel, sizeof(m->kernel), "%s %s", u.sysname,
		    u.release);
	snprintf(m->compiler, sizeof(m->compiler), "%s (%s)",
	    KTRQ_BENCH_COMPILER, __VERSION__);
	snprintf(m->build_type, sizeof(m->build_type), "%s",
	    KTRQ_BENCH_BUILD_TYPE);
	snprintf(m->cflags, sizeof(m->cflags), "%s", KTRQ_BENCH_CFLAGS);
	snprintf(cmd, sizeof(cmd), "git -C '%s' rev-parse --short HEAD "
	    "2>/dev/null", KTRQ_BENCH_SOURCE_DIR);
	if (command_line(cmd, m->commit, sizeof(m->commit)) != 0)
		snprintf(m->commit, sizeof(m->commit), "unknown");
	else {
		snprintf(cmd, sizeof(cmd), "git -C '%s' status --porcelain "
		    "--untracked-files=no 2>/dev/null", KTRQ_BENCH_SOURCE_DIR);
		if (command_line(cmd, dirty, sizeof(dirty)) == 0)
			strncat(m->commit, "-dirty",
			    sizeof(m->commit) - strlen(m->commit) - 1);
	}
	snprintf(m->tmpfs, sizeof(m->tmpfs), "%s", bench_opts.tmpdir);
	read_loadavg(m->load_start, sizeof(m->load_start));
}

static const char *
pick_tmpdir(void)
{
	struct stat sb;
	const char *d;

	if (stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) &&
	    access("/dev/shm", W_OK) == 0)
		return ("/dev/shm");
	if ((d = getenv("TMPDIR")) != NULL && *d != '\0')
		return (d);
	return ("/tmp");
}

static int
parse_opts(int argc, char **argv)
{
	char *end;
	int i;

	bench_opts.reps = 0;
	bench_opts.scale = 1.0;
	bench_opts.outdir = KTRQ_BENCH_OUTDIR;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--quick") == 0)
			bench_opts.quick = 1;
		else if (strcmp(a, "--check") == 0)
			bench_opts.check = 1;
		else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			exit(0);
		} else if (v == NULL)
			break;
		else if (strcmp(a, "--reps") == 0) {
			bench_opts.reps = (int)strtol(v, &end, 10);
			if (*end != '\0' || bench_opts.reps < 3 ||
			    bench_opts.reps > BENCH_MAXREPS)
				break;
			i++;
		} else if (strcmp(a, "--scale") == 0) {
			bench_opts.scale = strtod(v, &end);
			if (*end != '\0' || !(bench_opts.scale > 0) ||
			    bench_opts.scale > 100)
				break;
			i++;
		} else if (strcmp(a, "--out") == 0) {
			bench_opts.outdir = v;
			i++;
		} else if (strcmp(a, "--tmpdir") == 0) {
			bench_opts.tmpdir = v;
			i++;
		} else if (strcmp(a, "--only") == 0) {
			bench_opts.only = v;
			i++;
		} else
			break;
	}
	if (i < argc) {
		fprintf(stderr, "ktrq-bench: bad option or value: %s\n",
		    argv[i]);
		usage(stderr);
		return (-1);
	}
	if (bench_opts.reps == 0)
		bench_opts.reps = bench_opts.quick ? 3 : 7;
	if (bench_opts.tmpdir == NULL)
		bench_opts.tmpdir = pick_tmpdir();
	return (0);
}

/* The layer's log: errors only (exhaustion warnings are expected). */
static void
quiet_log(void *cookie, int level, const char *msg)
{

	(void)cookie;
	if (level <= KTRQ_LOG_ERR)
		fprintf(stderr, "ktrq-bench: layer: %s\n", msg);
}

/* mkdir -p */
static int
make_dirs(const char *path)
{
	char buf[1024], *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return (ENAMETOOLONG);
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return (errno);
		*p = '/';
	}
	if (mkdir(buf, 0755) != 0 && errno != EEXIST)
		return (errno);
	return (0);
}

int
main(int argc, char **argv)
{
	struct bench_meta meta;
	char json[1200], csv[1200], err[512];
	uint64_t t0, t1;
	size_t i;
	int error, found;

	if (parse_opts(argc, argv) != 0)
		return (1);
	if ((error = ktrq_os_pth_create(&bench_os)) != 0)
		bench_die("ktrq_os_pth_create", error);
	bench_os->log = quiet_log;
	collect_meta(&meta);
	if (meta.nproc > 0 && meta.load_start[0] != 'u' &&
	    atof(meta.load_start) > 0.5 * meta.nproc)
		bench_note("load average %s on %d CPUs at start: other "
		    "processes compete for the CPUs, expect wide spreads",
		    meta.load_start, meta.nproc);
	t0 = bench_now_ns();
	found = 0;
	for (i = 0; i < NSUITES; i++) {
		if (bench_opts.only != NULL &&
		    strcmp(bench_opts.only, suites[i].name) != 0)
			continue;
		found = 1;
		t1 = bench_now_ns();
		suites[i].fn();
		fprintf(stderr, "%s: %.1f s\n", suites[i].name,
		    (double)(bench_now_ns() - t1) / 1e9);
	}
	if (!found) {
		fprintf(stderr, "ktrq-bench: no suite named %s\n",
		    bench_opts.only);
		return (1);
	}
	meta.elapsed_s = (double)(bench_now_ns() - t0) / 1e9;
	read_loadavg(meta.load_end, sizeof(meta.load_end));
	bench_print_table(stdout, &meta);
	if ((error = make_dirs(bench_opts.outdir)) != 0)
		bench_die(bench_opts.outdir, error);
	snprintf(json, sizeof(json), "%s/results.json", bench_opts.outdir);
	snprintf(csv, sizeof(csv), "%s/results.csv", bench_opts.outdir);
	if ((error = bench_write_json(json, &meta)) != 0)
		bench_die(json, error);
	if ((error = bench_write_csv(csv, &meta)) != 0)
		bench_die(csv, error);
	printf("results: %s, %s\n", json, csv);
	if (bench_opts.check && bench_json_check(json, err, sizeof(err)) != 0)
		bench_fail("%s", err);
	bench_stats_fini();
	ktrq_os_pth_destroy(bench_os);
	return (bench_failed() ? 2 : 0);
}
