/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq-sim sweep: many seeds of one scenario, across worker processes.
 *
 * Seeds are numbered by their index k among the seeds this shard keeps
 * (seed = first + shard + k * nshards); worker w of N runs k = w, w + N,
 * ...  Without sharding that is "seed - first == w (mod N)".  Workers are
 * forked processes, not threads: each run may itself carry simulated
 * threads on pthreads or fibers, and a crash in the code under test takes
 * down one worker, not the sweep.  A worker sends one line per seed
 * through its pipe; the parent keeps the counts, the hashes (to count
 * distinct interleavings and traces) and the failures.
 *
 * A failing seed's schedule is saved by the worker that ran it, as
 * ktrq-sim-<scenario>-<seed>.sched in the current directory.  When a
 * worker dies, the seed it was running is reported as a failure with the
 * `ktrq-sim run` command that repeats it, and a new worker takes over the
 * rest of its seeds.
 *
 * --jobs 1 runs every seed in this process (no fork), which is what a
 * debugger wants.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "report.h"
#include "sweep.h"

#define	FAILS_SHOWN	10		/* in the text summary */
/* Redraw the progress bar 10 times a second at most. */
#define	PROGRESS_NS	100000000ULL

struct seed_result {
	uint64_t	 seed;
	int		 ok;
	uint64_t	 steps, decisions, shash, thash;
	char		 result[32];	/* result name, or "crash" */
	char		 sched[512];	/* saved schedule, "" if none */
	char		 msg[256];	/* first line of the failure */
	struct scn_chan	 chans[SCN_CHANS_MAX];	/* the core's wait channels */
	int		 nchans;
};

struct agg {
	const struct sweep_opts *o;
	uint64_t	 total;		/* seeds this shard keeps */
	uint64_t	 runs, steps, decisions;
	uint64_t	*sh, *th;	/* hashes of every run */
	size_t		 nh, caph;
	struct seed_result *fail;
	size_t		 nfail, capfail;
	struct scn_chan	 chans[SCN_CHANS_MAX];	/* merged over every run */
	int		 nchans;
	int		 bad_params;	/* scn_run's errno, 0: fine */
	int		 stop;
	uint64_t	 t0, last_draw;
};

struct worker {
	pid_t		 pid;
	int		 fd;		/* -1: not running */
	uint64_t	 next;		/* index k of the next result */
	char		 buf[4096];
	size_t		 len;
};

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

static uint64_t
seed_of(const struct sweep_opts *o, uint64_t k)
{

	return (o->first + o->shard + k * o->nshards);
}

/* ---- one seed ---- */

static void
one_line(char *dst, size_t len, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < len && src[i] != '\0' && src[i] != '\n'; i++)
		dst[i] = src[i] == '\t' ? ' ' : src[i];
	dst[i] = '\0';
}

/*
 * The tests' stand-in for code under test that crashes: the process
 * running seed KTRQ_SIM_TEST_CRASH_SEED dies of SIGSEGV.
 */
static void
test_crash(uint64_t seed)
{
	const char *v = getenv("KTRQ_SIM_TEST_CRASH_SEED");

	if (v != NULL && strtoull(v, NULL, 10) == seed)
		raise(SIGSEGV);
}

/*
 * Run `seed`; returns scn_run's error (bad parameters), else 0.  With
 * `save`, a failing run's schedule is written to o->sched_dir.
 */
static int
run_seed(const struct sweep_opts *o, uint64_t seed, struct seed_result *r,
    int save)
{
	char name[160];
	struct sim_params p = o->simp;
	struct scn_outcome out;
	char err[256];
	int error;

	memset(r, 0, sizeof(*r));
	r->seed = p.seed = seed;
	test_crash(seed);
	if ((error = scn_run(&o->sp, &p, NULL, NULL, &out)) != 0)
		return (error);
	r->ok = out.ok;
	r->steps = out.sim.steps;
	r->decisions = out.sim.decisions;
	r->shash = out.sim.schedule_hash;
	r->thash = out.trace_hash;
	snprintf(r->result, sizeof(r->result), "%s", report_result_name(&out));
	memcpy(r->chans, out.chans, sizeof(r->chans));
	r->nchans = out.nchans;
	if (!out.ok) {
		one_line(r->msg, sizeof(r->msg), out.verdict[0] != '\0' ?
		    out.verdict : out.sim.message);
	}
	if (!out.ok && save) {
		report_schedule_name(name, sizeof(name), o->sp.scenario, seed);
		snprintf(r->sched, sizeof(r->sched), "%s/%s",
		    o->sched_dir != NULL ? o->sched_dir : ".", name);
		if (report_save_schedule(&out, r->sched, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "%s: %s\n", REPORT_PROG, err);
			r->sched[0] = '\0';
		}
	}
	scn_outcome_fini(&out);
	return (0);
}

/* ---- the wire between a worker and the parent ---- */

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		p += w;
		n -= (size_t)w;
	}
	return (0);
}

/* "wmesg:sleeps:max_sleepers:max_woken;..." (wait messages are words). */
static void
chans_encode(char *buf, size_t len, const struct seed_result *r)
{
	size_t o;
	int i;

	buf[0] = '\0';
	for (o = 0, i = 0; i < r->nchans && o < len; i++)
		if (strpbrk(r->chans[i].wmesg, ":;\t\n") == NULL)
			o += (size_t)snprintf(buf + o, len - o, "%s:%" PRIu64
			    ":%" PRIu32 ":%" PRIu32 ";", r->chans[i].wmesg,
			    r->chans[i].sleeps, r->chans[i].max_sleepers,
			    r->chans[i].max_woken);
}

static void
chans_decode(char *s, struct seed_result *r)
{
	struct scn_chan c;
	char *e, *f[4];
	int n;

	for (; *s != '\0'; s = e + 1) {
		if ((e = strchr(s, ';')) == NULL)
			return;
		*e = '\0';
		for (n = 0; n < 4 && s != NULL; n++) {
			f[n] = s;
			if ((s = strchr(s, ':')) != NULL)
				*s++ = '\0';
		}
		if (n != 4)
			return;
		memset(&c, 0, sizeof(c));
		snprintf(c.wmesg, sizeof(c.wmesg), "%s", f[0]);
		c.sleeps = strtoull(f[1], NULL, 10);
		c.max_sleepers = (uint32_t)strtoul(f[2], NULL, 10);
		c.max_woken = (uint32_t)strtoul(f[3], NULL, 10);
		scn_chan_merge(r->chans, &r->nchans, &c);
	}
}

static int
send_result(int fd, const struct seed_result *r)
{
	char line[2048], chans[768];
	int n;

	chans_encode(chans, sizeof(chans), r);
	n = snprintf(line, sizeof(line), "R\t%" PRIu64 "\t%d\t%" PRIu64
	    "\t%" PRIu64 "\t%016" PRIx64 "\t%016" PRIx64 "\t%s\t%s\t%s\t%s\n",
	    r->seed, r->ok, r->steps, r->decisions, r->shash, r->thash,
	    r->result, r->sched, r->msg, chans);
	return (write_all(fd, line, (size_t)n));
}

/* Split a line at tabs; returns the number of fields. */
static int
split(char *line, char **f, int max)
{
	int n;

	for (n = 0; n < max && line != NULL; n++) {
		f[n] = line;
		if ((line = strchr(line, '\t')) != NULL)
			*line++ = '\0';
	}
	return (n);
}

static int
parse_result(char *line, struct seed_result *r)
{
	char *f[11];

	memset(r, 0, sizeof(*r));
	if (split(line, f, 11) != 11 || strcmp(f[0], "R") != 0)
		return (-1);
	r->seed = strtoull(f[1], NULL, 10);
	r->ok = atoi(f[2]);
	r->steps = strtoull(f[3], NULL, 10);
	r->decisions = strtoull(f[4], NULL, 10);
	r->shash = strtoull(f[5], NULL, 16);
	r->thash = strtoull(f[6], NULL, 16);
	snprintf(r->result, sizeof(r->result), "%s", f[7]);
	snprintf(r->sched, sizeof(r->sched), "%s", f[8]);
	snprintf(r->msg, sizeof(r->msg), "%s", f[9]);
	chans_decode(f[10], r);
	return (0);
}

/* ---- the tally ---- */

static int
push_hash(struct agg *a, uint64_t sh, uint64_t th)
{
	uint64_t *n1, *n2;
	size_t cap;

	if (a->nh == a->caph) {
		cap = a->caph != 0 ? a->caph * 2 : 1024;
		if ((n1 = realloc(a->sh, cap * sizeof(*n1))) == NULL)
			return (ENOMEM);
		a->sh = n1;
		if ((n2 = realloc(a->th, cap * sizeof(*n2))) == NULL)
			return (ENOMEM);
		a->th = n2;
		a->caph = cap;
	}
	a->sh[a->nh] = sh;
	a->th[a->nh++] = th;
	return (0);
}

static int
push_fail(struct agg *a, const struct seed_result *r)
{
	struct seed_result *nf;
	size_t cap;

	if (a->nfail == a->capfail) {
		cap = a->capfail != 0 ? a->capfail * 2 : 16;
		if ((nf = realloc(a->fail, cap * sizeof(*nf))) == NULL)
			return (ENOMEM);
		a->fail = nf;
		a->capfail = cap;
	}
	a->fail[a->nfail++] = *r;
	return (0);
}

static void
tally(struct agg *a, const struct seed_result *r)
{

	int i;

	a->runs++;
	a->steps += r->steps;
	a->decisions += r->decisions;
	for (i = 0; i < r->nchans; i++)
		scn_chan_merge(a->chans, &a->nchans, &r->chans[i]);
	/* A crash has no hashes: it would count as one more interleaving. */
	if ((strcmp(r->result, "crash") != 0 &&
	    push_hash(a, r->shash, r->thash) != 0) ||
	    (!r->ok && push_fail(a, r) != 0)) {
		fprintf(stderr, "%s: out of memory\n", REPORT_PROG);
		exit(2);
	}
	if (!r->ok && a->o->stop_on_fail)
		a->stop = 1;
}

static void
progress(struct agg *a, int force)
{
	uint64_t t = now_ns();
	double el;
	int i, fill;

	if (!a->o->progress || (!force && t - a->last_draw < PROGRESS_NS))
		return;
	a->last_draw = t;
	el = (double)(t - a->t0) / 1e9;
	fill = a->total != 0 ? (int)(a->runs * 30 / a->total) : 30;
	fputs("\r[", stderr);
	for (i = 0; i < 30; i++)
		fputc(i < fill ? '#' : '.', stderr);
	fprintf(stderr, "] %" PRIu64 "/%" PRIu64 " seeds, %zu failed, "
	    "%.0f runs/s ", a->runs, a->total, a->nfail,
	    el > 0 ? (double)a->runs / el : 0.0);
	fflush(stderr);
}

static void
progress_clear(struct agg *a)
{

	if (a->o->progress)
		fprintf(stderr, "\r%79s\r", "");
}

/* ---- in this process ---- */

static void
sweep_inline(struct agg *a)
{
	struct seed_result r;
	uint64_t k;
	int error;

	for (k = 0; k < a->total && !a->stop; k++) {
		if ((error = run_seed(a->o, seed_of(a->o, k), &r, 0)) != 0) {
			a->bad_params = error;
			return;
		}
		tally(a, &r);
		progress(a, 0);
	}
}

/* ---- in worker processes ---- */

static void __attribute__((noreturn))
worker_main(const struct sweep_opts *o, uint64_t total, uint64_t k,
    int fd)
{
	struct seed_result r;
	char line[64];
	int error, n;

	for (; k < total; k += o->jobs) {
		if ((error = run_seed(o, seed_of(o, k), &r, 0)) != 0) {
			n = snprintf(line, sizeof(line), "E\t%d\n", error);
			(void)write_all(fd, line, (size_t)n);
			_exit(2);
		}
		if (send_result(fd, &r) != 0)
			_exit(1);	/* the parent is gone */
	}
	_exit(0);
}

static int
spawn(const struct sweep_opts *o, uint64_t total, struct worker *ws,
    unsigned nw, struct worker *w)
{
	int p[2];
	unsigned i;

	if (pipe(p) != 0)
		return (errno);
	fflush(stdout);
	fflush(stderr);
	if ((w->pid = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		return (errno);
	}
	if (w->pid == 0) {
		close(p[0]);
		for (i = 0; i < nw; i++)
			if (ws[i].fd >= 0)
				close(ws[i].fd);
		worker_main(o, total, w->next, p[1]);
	}
	close(p[1]);
	w->fd = p[0];
	w->len = 0;
	return (0);
}

static void
take_lines(struct agg *a, struct worker *w)
{
	struct seed_result r;
	char *nl, *line = w->buf;

	while ((nl = memchr(line, '\n', w->len - (size_t)(line - w->buf))) !=
	    NULL) {
		*nl = '\0';
		if (strncmp(line, "E\t", 2) == 0) {
			a->bad_params = atoi(line + 2);
			a->stop = 1;
		} else if (parse_result(line, &r) == 0) {
			tally(a, &r);
			w->next += a->o->jobs;
		}
		line = nl + 1;
	}
	w->len -= (size_t)(line - w->buf);
	memmove(w->buf, line, w->len);
}

/* The worker ended: a crash costs one seed, the rest go on anew. */
static void
reap(struct agg *a, struct worker *ws, unsigned nw, struct worker *w)
{
	struct seed_result r;
	int error, st;

	close(w->fd);
	w->fd = -1;
	while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR)
		;
	if (w->next >= a->total || a->stop)
		return;
	memset(&r, 0, sizeof(r));
	r.seed = seed_of(a->o, w->next);
	snprintf(r.result, sizeof(r.result), "crash");
	if (WIFSIGNALED(st))
		snprintf(r.msg, sizeof(r.msg), "the worker process died of "
		    "signal %d running this seed", WTERMSIG(st));
	else
		snprintf(r.msg, sizeof(r.msg), "the worker process exited "
		    "(status %d) running this seed", WEXITSTATUS(st));
	tally(a, &r);
	w->next += a->o->jobs;
	if (w->next < a->total && (error = spawn(a->o, a->total, ws, nw,
	    w)) != 0)
		fprintf(stderr, "%s: cannot restart a worker: %s\n",
		    REPORT_PROG, strerror(error));
}

static void
drain(struct agg *a, struct worker *w, struct worker *ws, unsigned nw)
{
	ssize_t n;

	n = read(w->fd, w->buf + w->len, sizeof(w->buf) - w->len);
	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		reap(a, ws, nw, w);
		return;
	}
	w->len += (size_t)n;
	take_lines(a, w);
	if (w->len == sizeof(w->buf))
		w->len = 0;	/* a line longer than the buffer: garbage */
}

static void
stop_all(struct worker *ws, unsigned nw)
{
	unsigned i;

	for (i = 0; i < nw; i++) {
		if (ws[i].fd < 0)
			continue;
		kill(ws[i].pid, SIGTERM);
		close(ws[i].fd);
		ws[i].fd = -1;
		while (waitpid(ws[i].pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
}

static int
poll_once(struct agg *a, struct worker *ws, unsigned nw)
{
	struct pollfd pfd[SWEEP_JOBS_MAX];
	struct worker *who[SWEEP_JOBS_MAX];
	unsigned i, n;

	for (n = 0, i = 0; i < nw; i++)
		if (ws[i].fd >= 0) {
			pfd[n].fd = ws[i].fd;
			pfd[n].events = POLLIN;
			who[n++] = &ws[i];
		}
	if (n == 0)
		return (0);
	if (poll(pfd, n, 100) < 0 && errno != EINTR)
		return (0);
	for (i = 0; i < n && !a->stop; i++)
		if ((pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0)
			drain(a, who[i], ws, nw);
	return (1);
}

static int
sweep_forked(struct agg *a)
{
	struct worker ws[SWEEP_JOBS_MAX];
	unsigned i, nw;
	int error;

	nw = a->total < a->o->jobs ? (unsigned)a->total : a->o->jobs;
	for (i = 0; i < nw; i++) {
		ws[i].fd = -1;
		ws[i].next = i;
	}
	for (i = 0; i < nw; i++)
		if ((error = spawn(a->o, a->total, ws, nw, &ws[i])) != 0) {
			stop_all(ws, nw);
			fprintf(stderr, "%s: cannot start workers: %s\n",
			    REPORT_PROG, strerror(error));
			return (2);
		}
	while (!a->stop && poll_once(a, ws, nw))
		progress(a, 0);
	stop_all(ws, nw);
	return (0);
}

/* ---- the summary ---- */

static int
cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return (a < b ? -1 : a > b);
}

static int
cmp_fail(const void *x, const void *y)
{

	return (cmp_u64(&((const struct seed_result *)x)->seed,
	    &((const struct seed_result *)y)->seed));
}

static size_t
distinct(uint64_t *v, size_t n)
{
	size_t i, d;

	if (n == 0)
		return (0);
	qsort(v, n, sizeof(*v), cmp_u64);
	for (d = 0, i = 0; i < n; i++)
		if (i == 0 || v[i] != v[i - 1])
			d++;
	return (d);
}

/*
 * Schedules for the first max_sched failing seeds (by seed, whatever the
 * jobs did), run once more here: the same seed is the same run, so the
 * set saved never depends on which worker finished first.  Not a seed
 * that crashed its worker: it would crash the sweep here; its report
 * gives the run command instead.
 */
static void
save_schedules(struct agg *a)
{
	struct seed_result r;
	size_t i;

	for (i = 0; i < a->nfail && i < a->o->max_sched; i++) {
		if (strcmp(a->fail[i].result, "crash") == 0)
			continue;
		if (run_seed(a->o, a->fail[i].seed, &r, 1) == 0 && !r.ok)
			memcpy(a->fail[i].sched, r.sched, sizeof(r.sched));
	}
}

static void
replay_cmd(const struct agg *a, const struct seed_result *r, char *buf,
    size_t len)
{
	struct sim_params p = a->o->simp;
	char args[1024];

	if (r->sched[0] != '\0') {
		snprintf(buf, len, "%s replay %s", REPORT_PROG, r->sched);
		return;
	}
	p.seed = r->seed;
	report_run_args(args, sizeof(args), &a->o->sp, &p);
	snprintf(buf, len, "%s run %s", REPORT_PROG, args);
}

struct totals {
	size_t		 dsched, dtrace;
	double		 elapsed;
	/* The channels by wait message: workers report in any order. */
	struct scn_chan	 chans[SCN_CHANS_MAX];
};

static int
chan_cmp(const void *a, const void *b)
{

	return (strcmp(((const struct scn_chan *)a)->wmesg,
	    ((const struct scn_chan *)b)->wmesg));
}

static void
summary_text(const struct agg *a, const struct totals *t)
{
	const struct sweep_opts *o = a->o;
	char cmd[1200];
	size_t i;

	printf("sweep: scenario %s, seeds %" PRIu64 ":%" PRIu64 ", shard "
	    "%u/%u, %u job%s, strategy %s, vehicle %s\n", o->sp.scenario,
	    o->first, o->last, o->shard, o->nshards, o->jobs,
	    o->jobs == 1 ? "" : "s", report_strategy_name(o->simp.strategy),
	    report_vehicle_name(o->simp.vehicle));
	printf("runs:                   %" PRIu64 "\n", a->runs);
	printf("failures:               %zu\n", a->nfail);
	for (i = 0; i < a->nfail && i < FAILS_SHOWN; i++) {
		replay_cmd(a, &a->fail[i], cmd, sizeof(cmd));
		printf("  seed %" PRIu64 ": %s: %s\n    replay: %s\n",
		    a->fail[i].seed, a->fail[i].result, a->fail[i].msg, cmd);
	}
	if (a->nfail > FAILS_SHOWN)
		printf("  ... and %zu more\n", a->nfail - FAILS_SHOWN);
	if (a->nfail > o->max_sched)
		printf("  schedules saved for the first %u failing seeds in "
		    "%s (--max-schedules); the others replay with `run "
		    "--seed`\n", o->max_sched, o->sched_dir != NULL ?
		    o->sched_dir : ".");
	printf("distinct interleavings: %zu\n", t->dsched);
	printf("distinct traces:        %zu\n", t->dtrace);
	printf("steps:                  %" PRIu64 "\n", a->steps);
	printf("decisions:              %" PRIu64 "\n", a->decisions);
	printf("elapsed:                %.3f s\n", t->elapsed);
	printf("runs/s:                 %.1f\n", t->elapsed > 0 ?
	    (double)a->runs / t->elapsed : 0.0);
	printf("decisions/s:            %.0f\n", t->elapsed > 0 ?
	    (double)a->decisions / t->elapsed : 0.0);
	report_chans_text(stdout, t->chans, a->nchans);
	printf("result: %s\n", a->nfail == 0 ? "ok" : "VIOLATION");
}

static void
json_fail(const struct agg *a, const struct seed_result *r)
{
	char cmd[1200];
	int first = 1;

	replay_cmd(a, r, cmd, sizeof(cmd));
	fputc('{', stdout);
	json_key(stdout, "seed", &first);
	printf("%" PRIu64, r->seed);
	json_key(stdout, "result", &first);
	ktrq_sim__json_str(stdout, r->result);
	json_key(stdout, "message", &first);
	ktrq_sim__json_str(stdout, r->msg);
	json_key(stdout, "schedule_file", &first);
	if (r->sched[0] != '\0')
		ktrq_sim__json_str(stdout, r->sched);
	else
		fputs("null", stdout);
	json_key(stdout, "replay", &first);
	ktrq_sim__json_str(stdout, cmd);
	fputc('}', stdout);
}

static void
summary_json(const struct agg *a, const struct totals *t)
{
	const struct sweep_opts *o = a->o;
	size_t i;
	int first;

	printf("{\"command\":\"sweep\",\"scenario\":");
	ktrq_sim__json_str(stdout, o->sp.scenario);
	printf(",\"first_seed\":%" PRIu64 ",\"last_seed\":%" PRIu64
	    ",\"shard\":%u,\"shards\":%u,\"jobs\":%u,\"strategy\":\"%s\","
	    "\"vehicle\":\"%s\",\"runs\":%" PRIu64 ",\"failures\":%zu,"
	    "\"distinct_interleavings\":%zu,\"distinct_traces\":%zu,"
	    "\"steps\":%" PRIu64 ",\"decisions\":%" PRIu64 ",\"elapsed_s\":"
	    "%.6f,\"runs_per_s\":%.3f,\"decisions_per_s\":%.1f,\"ok\":%s,"
	    "\"failed\":[", o->first, o->last, o->shard, o->nshards, o->jobs,
	    report_strategy_name(o->simp.strategy),
	    report_vehicle_name(o->simp.vehicle), a->runs, a->nfail,
	    t->dsched, t->dtrace, a->steps, a->decisions, t->elapsed,
	    t->elapsed > 0 ? (double)a->runs / t->elapsed : 0.0,
	    t->elapsed > 0 ? (double)a->decisions / t->elapsed : 0.0,
	    a->nfail == 0 ? "true" : "false");
	for (i = 0; i < a->nfail; i++) {
		if (i > 0)
			fputc(',', stdout);
		json_fail(a, &a->fail[i]);
	}
	printf("]");
	first = 0;
	report_chans_json(stdout, t->chans, a->nchans, &first);
	printf("}\n");
}

static uint64_t
kept_seeds(const struct sweep_opts *o)
{
	uint64_t span = o->last - o->first;

	if (o->shard > span)
		return (0);
	return ((span - o->shard) / o->nshards + 1);
}

int
sweep_main(const struct sweep_opts *o)
{
	struct agg a;
	struct totals t;
	int rc;

	memset(&a, 0, sizeof(a));
	a.o = o;
	a.total = kept_seeds(o);
	a.t0 = a.last_draw = now_ns();
	if (o->jobs <= 1)
		sweep_inline(&a);
	else if ((rc = sweep_forked(&a)) != 0)
		return (rc);
	t.elapsed = (double)(now_ns() - a.t0) / 1e9;
	progress(&a, 1);
	progress_clear(&a);
	if (a.bad_params != 0) {
		fprintf(stderr, "%s: scenario %s refused procs %d, threads %d, "
		    "events %d, pool %d: %s (too many threads in all?)\n",
		    REPORT_PROG, o->sp.scenario, o->sp.procs, o->sp.threads,
		    o->sp.events, o->sp.pool, strerror(a.bad_params));
		return (2);
	}
	t.dsched = distinct(a.sh, a.nh);
	memcpy(t.chans, a.chans, sizeof(t.chans));
	qsort(t.chans, (size_t)a.nchans, sizeof(t.chans[0]), chan_cmp);
	t.dtrace = distinct(a.th, a.nh);
	if (a.nfail > 0)
		qsort(a.fail, a.nfail, sizeof(*a.fail), cmp_fail);
	save_schedules(&a);
	if (o->json)
		summary_json(&a, &t);
	else {
		summary_text(&a, &t);
		if (o->explain)
			sweep_explain(stdout, o, a.nfail > 0 ? a.fail[0].seed :
			    o->first, a.nfail > 0);
	}
	rc = a.nfail != 0 ? 1 : 0;
	free(a.sh);
	free(a.th);
	free(a.fail);
	return (rc);
}
