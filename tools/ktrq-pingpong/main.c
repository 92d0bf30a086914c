/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq-pingpong: what one hand-off through the platform layer costs.
 *
 * Two layer threads pass a turn back and forth through one mutex and two
 * channels, the way the ktrace worker and a traced thread hand a request
 * over: set the predicate under the interlock, wakeup_one the other side,
 * msleep until the turn comes back.  Nothing but struct ktrq_os is used,
 * so the numbers are the layer's, and a backend that lost a wakeup would
 * hang here.  Reported per repeat: the mean round trip (ping -> pong ->
 * ping) over all rounds, by the layer's clock; then the median, minimum
 * and maximum over repeats, and how many msleep calls returned with the
 * turn unchanged (early or spurious returns, which callers must absorb).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktrq/os.h"
#include "toolver.h"

#define	PROG		"ktrq-pingpong"
#define	MAX_ROUNDS	1000000000ULL
#define	MAX_REPEAT	10000ULL

struct game {
	struct ktrq_os		*os;
	struct ktrq_os_mtx	*m;
	uint64_t		 rounds;
	int			 turn;		/* 0: ping's, 1: pong's */
	/* each side sleeps on its own */
	int			 chans[2];
	int			 arrived;	/* pong runs: start the clock */
	/* returns with the turn unchanged */
	uint64_t		 early;
	uint64_t		 t0, t1;
};

static void
usage(FILE *fp)
{

	fprintf(fp, "usage: %s [--rounds N] [--repeat R]\n"
	    "  --rounds N   hand-offs there and back per repeat "
	    "(default 100000)\n"
	    "  --repeat R   timed repeats (default 5)\n", PROG);
}

static _Noreturn void
die(const char *what, int error)
{

	fprintf(stderr, "%s: %s: %s\n", PROG, what, strerror(error));
	exit(1);
}

static void
enter(struct game *g)
{
	int error;

	if ((error = g->os->mtx_enter(g->os->cookie, g->m)) != 0)
		die("mtx_enter", error);
}

static void
leave(struct game *g)
{
	int error;

	if ((error = g->os->mtx_exit(g->os->cookie, g->m)) != 0)
		die("mtx_exit", error);
}

/* With the mutex held: sleep until it is `me`'s turn. */
static void
await_turn(struct game *g, int me)
{
	int error;

	while (g->turn != me) {
		error = g->os->msleep(g->os->cookie, &g->chans[me], g->m,
		    me == 0 ? "ping" : "pong", 0);
		if (error != 0)
			die("msleep", error);
		if (g->turn != me)
			g->early++;
	}
}

static void
pass_turn(struct game *g, int to)
{

	g->turn = to;
	g->os->wakeup_one(g->os->cookie, &g->chans[to]);
}

static void
ping(void *arg)
{
	struct game *g = arg;
	uint64_t i;
	int error;

	enter(g);
	/* Time hand-offs, not the other thread's start-up. */
	while (!g->arrived) {
		error = g->os->msleep(g->os->cookie, &g->arrived, g->m,
		    "arrive", 0);
		if (error != 0)
			die("msleep", error);
	}
	g->t0 = g->os->clock_ns(g->os->cookie);
	for (i = 0; i < g->rounds; i++) {
		pass_turn(g, 1);
		await_turn(g, 0);
	}
	g->t1 = g->os->clock_ns(g->os->cookie);
	leave(g);
}

static void
pong(void *arg)
{
	struct game *g = arg;
	uint64_t i;

	enter(g);
	g->arrived = 1;
	g->os->wakeup(g->os->cookie, &g->arrived);
	for (i = 0; i < g->rounds; i++) {
		await_turn(g, 1);
		pass_turn(g, 0);
	}
	leave(g);
}

/* One repeat: returns the mean round trip in ns. */
static uint64_t
play(struct game *g)
{
	struct ktrq_os_thread *tp, *tq;
	int error;

	g->turn = 0;
	g->arrived = 0;
	if ((error = g->os->thread_create(g->os->cookie, &tp, "ping", ping,
	    g)) != 0)
		die("thread_create", error);
	if ((error = g->os->thread_create(g->os->cookie, &tq, "pong", pong,
	    g)) != 0)
		die("thread_create", error);
	if ((error = g->os->thread_join(g->os->cookie, tp)) != 0 ||
	    (error = g->os->thread_join(g->os->cookie, tq)) != 0)
		die("thread_join", error);
	return ((g->t1 - g->t0 + g->rounds / 2) / g->rounds);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}

static uint64_t
median(uint64_t *v, size_t n)
{

	qsort(v, n, sizeof(*v), cmp_u64);
	return (n % 2 != 0 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
}

/* Strict: digits only, 1..max. */
static int
parse_count(const char *opt, const char *s, uint64_t max, uint64_t *vp)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (s != NULL && *s >= '0' && *s <= '9') {
		v = strtoull(s, &end, 10);
		if (errno == 0 && *end == '\0' && v >= 1 && v <= max) {
			*vp = v;
			return (0);
		}
	}
	fprintf(stderr, "%s: %s wants an integer from 1 to %llu, not '%s'\n",
	    PROG, opt, (unsigned long long)max, s != NULL ? s : "");
	return (-1);
}

/*
 * --name V and --name=V.  Returns the value, or NULL if argv[*ip] is not
 * this option; advances *ip past a separate value.
 */
static const char *
option_value(int argc, char **argv, int *ip, const char *name, int *missing)
{
	const char *a = argv[*ip];
	size_t len = strlen(name);

	if (strncmp(a, name, len) != 0)
		return (NULL);
	if (a[len] == '=')
		return (a + len + 1);
	if (a[len] != '\0')
		return (NULL);
	if (*ip + 1 >= argc) {
		*missing = 1;
		return (NULL);
	}
	return (argv[++*ip]);
}

static int
parse_args(int argc, char **argv, uint64_t *rounds, uint64_t *repeat)
{
	const char *v;
	int i, missing;

	for (i = 1; i < argc; i++) {
		missing = 0;
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			exit(0);
		}
		if ((v = option_value(argc, argv, &i, "--rounds",
		    &missing)) != NULL) {
			if (parse_count("--rounds", v, MAX_ROUNDS, rounds) != 0)
				return (-1);
		} else if ((v = option_value(argc, argv, &i, "--repeat",
		    &missing)) != NULL) {
			if (parse_count("--repeat", v, MAX_REPEAT, repeat) != 0)
				return (-1);
		} else if (missing) {
			fprintf(stderr, "%s: %s needs a value\n", PROG,
			    argv[i]);
			return (-1);
		} else {
			fprintf(stderr, "%s: unknown argument '%s'\n", PROG,
			    argv[i]);
			return (-1);
		}
	}
	return (0);
}

int
main(int argc, char **argv)
{
	uint64_t rounds = 100000, repeat = 5, r, *rtt, med;
	struct game g;
	int error;

	if (toolver_handle(argc, argv, "ktrq-pingpong"))
		return (0);
	if (parse_args(argc, argv, &rounds, &repeat) != 0) {
		usage(stderr);
		return (2);
	}
	memset(&g, 0, sizeof(g));
	g.rounds = rounds;
	if ((error = ktrq_os_pth_create(&g.os)) != 0)
		die("ktrq_os_pth_create", error);
	if ((error = ktrq_os_check(g.os)) != 0)
		die("ktrq_os_check", error);
	if ((error = g.os->mtx_init(g.os->cookie, &g.m, "pingpong")) != 0)
		die("mtx_init", error);
	if ((rtt = g.os->alloc(g.os->cookie, repeat * sizeof(*rtt))) == NULL)
		die("alloc", ENOMEM);

	for (r = 0; r < repeat; r++) {
		rtt[r] = play(&g);
		printf("repeat %" PRIu64 "/%" PRIu64 ": rtt_ns=%" PRIu64 "\n",
		    r + 1, repeat, rtt[r]);
		fflush(stdout);
	}
	med = median(rtt, repeat);	/* sorts: min and max at the ends */
	printf("spurious_returns=%" PRIu64 "\n", g.early);
	printf("pingpong: rounds=%" PRIu64 " repeats=%" PRIu64
	    " median_rtt_ns=%" PRIu64 " min=%" PRIu64 " max=%" PRIu64
	    " spurious=%" PRIu64 "\n", rounds, repeat, med, rtt[0],
	    rtt[repeat - 1], g.early);

	g.os->free(g.os->cookie, rtt, repeat * sizeof(*rtt));
	if ((error = g.os->mtx_destroy(g.os->cookie, g.m)) != 0)
		die("mtx_destroy", error);
	if ((error = ktrq_os_pth_destroy(g.os)) != 0)
		die("ktrq_os_pth_destroy", error);
	return (0);
}
