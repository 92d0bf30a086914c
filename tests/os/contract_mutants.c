/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Proof that the contract suite can fail: run it against the pthread
 * backend with one deliberate defect ("mutant") at a time and require the
 * test aimed at that defect to fail, and the unmutated backend to pass.
 *
 * A mutant is the pthread table with one or two members replaced by a
 * wrapper that breaks a promise of os.h; the wrappers find the real
 * members in `orig`, since the cookie is still the pthread backend's.
 * Each run is a child process, so a mutant that crashes or hangs (alarm)
 * counts as caught without taking the harness with it.  Only defects that
 * fail fast are used: a lost wakeup would only show as a hang.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "contract.h"

#define	CHILD_ALARM_S	120

struct mutant {
	const char	*name;
	/* cmocka filter: the test that must fail */
	const char	*test;
	int		 kind;		/* enum kind */
};

struct mutant_table {
	struct ktrq_os	 os;		/* first: the table is the wrapper */
	struct ktrq_os	*inner;
};

static struct ktrq_os orig;		/* the real pthread members */
static const struct mutant *current;
static _Atomic unsigned ncalls;
static _Atomic(const void *) remembered;

/*
 * The defects.
 */

static int
owned_always(void *ck, const struct ktrq_os_mtx *m)
{

	(void)ck;
	return (m != NULL);
}

static int
exit_nonowner_ok(void *ck, struct ktrq_os_mtx *m)
{

	if (m != NULL && !orig.mtx_owned(ck, m))
		return (0);
	return (orig.mtx_exit(ck, m));
}

static int
destroy_held_ok(void *ck, struct ktrq_os_mtx *m)
{

	if (orig.mtx_owned(ck, m))
		return (0);
	return (orig.mtx_destroy(ck, m));
}

static int
join_null_ok(void *ck, struct ktrq_os_thread *t)
{

	return (t == NULL ? 0 : orig.thread_join(ck, t));
}

static int
join_self_ok(void *ck, struct ktrq_os_thread *t)
{
	int error;

	/* The real join refused and freed nothing: the handle stays valid. */
	error = orig.thread_join(ck, t);
	return (error == EDEADLK ? 0 : error);
}

static int
sleep_unheld_ok(void *ck, const void *chan, struct ktrq_os_mtx *m,
    const char *wmesg, uint64_t timeout)
{

	if (m != NULL && !orig.mtx_owned(ck, m))
		return (0);
	return (orig.msleep(ck, chan, m, wmesg, timeout));
}

static void
wakeup_neighbour(void *ck, const void *chan)
{

	orig.wakeup(ck, chan);
	orig.wakeup(ck, (const char *)chan - 1);
}

static void
wakeup_remembered(void *ck, const void *chan)
{

	remembered = chan;
	orig.wakeup(ck, chan);
}

static int
sleep_remembered(void *ck, const void *chan, struct ktrq_os_mtx *m,
    const char *wmesg, uint64_t timeout)
{
	const void *want = chan;

	if (chan != NULL && atomic_compare_exchange_strong(&remembered,
	    &want, NULL))
		return (0);
	return (orig.msleep(ck, chan, m, wmesg, timeout));
}

static int
sleep_half_timeout(void *ck, const void *chan, struct ktrq_os_mtx *m,
    const char *wmesg, uint64_t timeout)
{

	if (timeout > 1)
		timeout /= 2;
	return (orig.msleep(ck, chan, m, wmesg, timeout));
}

static int
sleep_huge_overflows(void *ck, const void *chan, struct ktrq_os_mtx *m,
    const char *wmesg, uint64_t timeout)
{

	/* As if now + timeout had wrapped around into the past. */
	if (timeout > UINT64_MAX / 2)
		timeout = 1;
	return (orig.msleep(ck, chan, m, wmesg, timeout));
}

static int
sleep_no_relock(void *ck, const void *chan, struct ktrq_os_mtx *m,
    const char *wmesg, uint64_t timeout)
{
	int error;

	error = orig.msleep(ck, chan, m, wmesg, timeout);
	if (error == EWOULDBLOCK)
		orig.mtx_exit(ck, m);
	return (error);
}

static int
sleep_spurious(void *ck, const void *chan, struct ktrq_os_mtx *m,
    const char *wmesg, uint64_t timeout)
{

	if (chan != NULL && m != NULL && orig.mtx_owned(ck, m) &&
	    ++ncalls % 2 == 0)
		return (0);
	return (orig.msleep(ck, chan, m, wmesg, timeout));
}

static uint64_t
self_constant(void *ck)
{

	(void)ck;
	return (42);
}

static int
name_empty(void *ck, char *buf, size_t len)
{

	(void)ck;
	if (buf == NULL || len == 0)
		return (EINVAL);
	buf[0] = '\0';
	return (0);
}

static uint64_t
clock_backwards(void *ck)
{
	uint64_t now;

	now = orig.clock_ns(ck);
	return (++ncalls % 100 == 0 ? now - 1000000 : now);
}

static void *
alloc_small_only(void *ck, size_t size)
{

	return (size > 4096 ? NULL : orig.alloc(ck, size));
}

static int
forked_always(void *ck)
{

	(void)ck;
	return (1);
}

enum kind {
	M_NONE, M_VERSION, M_OWNED, M_EXIT, M_DESTROY, M_JOIN_NULL,
	M_JOIN_SELF, M_UNHELD, M_NEIGHBOUR, M_REMEMBER, M_HALF, M_HUGE,
	M_RELOCK, M_SPURIOUS, M_ONE_ALL, M_SELF, M_NAME, M_CLOCK, M_ALLOC,
	M_FORKED
};

static void
mutate(struct ktrq_os *os, enum kind k)
{

	switch (k) {
	case M_NONE: break;
	case M_VERSION: os->version++; break;
	case M_OWNED: os->mtx_owned = owned_always; break;
	case M_EXIT: os->mtx_exit = exit_nonowner_ok; break;
	case M_DESTROY: os->mtx_destroy = destroy_held_ok; break;
	case M_JOIN_NULL: os->thread_join = join_null_ok; break;
	case M_JOIN_SELF: os->thread_join = join_self_ok; break;
	case M_UNHELD: os->msleep = sleep_unheld_ok; break;
	case M_NEIGHBOUR: os->wakeup = wakeup_neighbour; break;
	case M_REMEMBER:
		os->wakeup = wakeup_remembered;
		os->msleep = sleep_remembered;
		break;
	case M_HALF: os->msleep = sleep_half_timeout; break;
	case M_HUGE: os->msleep = sleep_huge_overflows; break;
	case M_RELOCK: os->msleep = sleep_no_relock; break;
	case M_SPURIOUS: os->msleep = sleep_spurious; break;
	case M_ONE_ALL: os->wakeup_one = orig.wakeup; break;
	case M_SELF: os->thread_self = self_constant; break;
	case M_NAME: os->thread_name = name_empty; break;
	case M_CLOCK: os->clock_ns = clock_backwards; break;
	case M_ALLOC: os->alloc = alloc_small_only; break;
	case M_FORKED: os->forked = forked_always; break;
	}
}

static const struct mutant mutants[] = {
	{ "none",		"*",			M_NONE },
	{ "version+1",		"t_table_check",	M_VERSION },
	{ "owned-always",	"t_mtx_basic",		M_OWNED },
	{ "exit-nonowner-ok",	"t_mtx_other_thread",	M_EXIT },
	{ "exit-nonowner-ok",	"t_mtx_errors",		M_EXIT },
	{ "destroy-held-ok",	"t_mtx_errors",		M_DESTROY },
	{ "join-null-ok",	"t_null_args",		M_JOIN_NULL },
	{ "sleep-unheld-ok",	"t_msleep_unheld",	M_UNHELD },
	{ "huge-timeout-wraps",	"t_wakeup_after_sleep",	M_HUGE },
	{ "wakeup-remembered",	"t_wakeup_forgotten",	M_REMEMBER },
	{ "wakeup-neighbour",	"t_wakeup_other_chan",	M_NEIGHBOUR },
	{ "timeout-halved",	"t_msleep_timeout",	M_HALF },
	{ "timeout-no-relock",	"t_msleep_timeout",	M_RELOCK },
	{ "wakeup-one-wakes-all", "t_wakeup_one",	M_ONE_ALL },
	{ "huge-timeout-wraps",	"t_wakeup_all",		M_HUGE },
	{ "spurious",		"t_wakeup_after_sleep",	M_SPURIOUS },
	{ "spurious",		"t_wakeup_one",		M_SPURIOUS },
	{ "spurious",		"t_wakeup_all",		M_SPURIOUS },
	{ "name-empty",		"t_thread_name",	M_NAME },
	{ "self-constant",	"t_thread_self",	M_SELF },
	{ "join-self-ok",	"t_thread_join",	M_JOIN_SELF },
	{ "spurious",		"t_pingpong",		M_SPURIOUS },
	{ "clock-backwards",	"t_clock",		M_CLOCK },
	{ "alloc-small-only",	"t_alloc_log",		M_ALLOC },
	{ "forked-always",	"t_forked",		M_FORKED },
};

/*
 * The mutant backend.
 */

static int
mutant_create(struct ktrq_os **osp)
{
	struct mutant_table *mt;
	struct ktrq_os *inner;
	int error;

	if ((error = ktrq_os_pth_create(&inner)) != 0)
		return (error);
	if ((mt = malloc(sizeof(*mt))) == NULL) {
		ktrq_os_pth_destroy(inner);
		return (ENOMEM);
	}
	orig = *inner;
	mt->os = *inner;
	mt->inner = inner;
	mutate(&mt->os, current->kind);
	*osp = &mt->os;
	return (0);
}

static int
mutant_destroy(struct ktrq_os *os)
{
	struct mutant_table *mt = (struct mutant_table *)os;
	int error;

	if ((error = ktrq_os_pth_destroy(mt->inner)) == 0)
		free(mt);
	return (error);
}

static const struct contract_backend mutant_backend = {
	.name = "pthread-mutant",
	.os_create = mutant_create,
	.os_destroy = mutant_destroy,
	.run = NULL,
	.spurious_possible = 0,
};

/* In a child: 0 when the filtered suite passed. */
static int
run_child(const struct mutant *mu)
{

	current = mu;
	alarm(CHILD_ALARM_S);
	if (getenv("KTRQ_MUTANTS_VERBOSE") == NULL) {
		if (freopen("/dev/null", "w", stdout) == NULL ||
		    freopen("/dev/null", "w", stderr) == NULL)
			return (2);
	}
	cmocka_set_test_filter(mu->test);
	return (contract_run(&mutant_backend) == 0 ? 0 : 1);
}

/* 1 when the outcome is the expected one: the mutant fails, none passes. */
static int
judge(const struct mutant *mu)
{
	int caught, status;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) == -1) {
		perror("fork");
		return (0);
	}
	if (pid == 0)
		_exit(run_child(mu));
	if (waitpid(pid, &status, 0) == -1) {
		perror("waitpid");
		return (0);
	}
	caught = !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	printf("%-22s %-22s %s\n", mu->name, mu->test,
	    caught ? "caught" : "passed");
	return (strcmp(mu->name, "none") == 0 ? !caught : caught);
}

int
main(void)
{
	size_t i, bad;

	bad = 0;
	for (i = 0; i < sizeof(mutants) / sizeof(mutants[0]); i++)
		bad += !judge(&mutants[i]);
	printf("mutants: %zu run, %zu with the wrong outcome\n", i, bad);
	return (bad != 0);
}
