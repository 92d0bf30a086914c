/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Binds the platform-layer contract to the pthread backend, and adds what
 * only this backend can set up: the environment behind tunable, a second
 * independent table beside the first, ktrq_os_pth_destroy's
 * refusal while a thread still sleeps on the table, and forked() across
 * fork(2).
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
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

#define	MS		1000000ULL
#define	TUNABLE		"KTRQ_CONTRACT_TUNABLE"

static const struct contract_backend pthread_backend = {
	.name = "pthread",
	.os_create = ktrq_os_pth_create,
	.os_destroy = ktrq_os_pth_destroy,
	.run = NULL,
	/* Each waiter has its own flag, set only by a wakeup. */
	.spurious_possible = 0,
};

/*
 * l. tunable reads the environment; only whole decimal integers in range,
 * an optional '-' then digits, are values ("+7" is not).  Single-threaded: setenv races with nothing.
 */

static void
t_tunable(void **state)
{
	static const char *const bad[] = { "12x", "", "x12",
	    "99999999999999999999", "-99999999999999999999", "+7", "+-7",
	    " 7" };
	struct contract *c = *state;
	struct ktrq_os *os = c->os;
	long long v;
	size_t i;

	assert_int_equal(unsetenv(TUNABLE), 0);
	assert_int_equal(os->tunable(os->cookie, TUNABLE, &v), ENOENT);

	assert_int_equal(setenv(TUNABLE, "123", 1), 0);
	v = 0;
	assert_int_equal(os->tunable(os->cookie, TUNABLE, &v), 0);
	assert_true(v == 123);
	assert_int_equal(setenv(TUNABLE, "-5", 1), 0);
	assert_int_equal(os->tunable(os->cookie, TUNABLE, &v), 0);
	assert_true(v == -5);
	assert_int_equal(setenv(TUNABLE, "9223372036854775807", 1), 0);
	assert_int_equal(os->tunable(os->cookie, TUNABLE, &v), 0);
	assert_true(v == LLONG_MAX);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(setenv(TUNABLE, bad[i], 1), 0);
		assert_int_equal(os->tunable(os->cookie, TUNABLE, &v), EINVAL);
	}
	assert_int_equal(unsetenv(TUNABLE), 0);
}

/* The main thread was not made by the backend: it has no name. */
static void
body_foreign_thread(struct contract *c)
{
	char buf[KTRQ_OS_NAMELEN];

	memset(buf, 'x', sizeof(buf));
	CHECK_EQ(c, c->os->thread_name(c->os->cookie, buf, sizeof(buf)), 0);
	CHECK_EQ(c, buf[0], '\0');
	CHECK(c, c->os->thread_self(c->os->cookie) != 0);
}

static void
t_foreign_thread(void **state)
{

	contract_exec(state, body_foreign_thread);
}

/*
 * m. Two tables are two worlds: a thread of table B sleeps on a channel,
 * and wakeups on the same address through table A do not reach it.
 */
struct other_table {
	struct contract		*b;	/* the second table's view */
	struct ktrq_os_mtx	*m;	/* one of B's mutexes */
	int			 asleep;
	int			 go;
	int			 result;
	int			 chan;
};

/* Times out: nothing on its own table wakes it. */
static void
timed_sleeper_main(void *arg)
{
	struct other_table *s = arg;
	struct contract *b = s->b;

	kenter(b, s->m);
	kbump(b, &s->asleep);
	s->result = ksleep(b, &s->chan, s->m, 50 * MS);
	CHECK(b, kowned(b, s->m));
	kexit(b, s->m);
}

/* Sleeps until its own table wakes it. */
static void
sleeper_main(void *arg)
{
	struct other_table *s = arg;
	struct contract *b = s->b;

	kenter(b, s->m);
	kbump(b, &s->asleep);
	while (!s->go)
		CHECK_EQ(b, ksleep(b, &s->chan, s->m, 0), 0);
	kexit(b, s->m);
}

static int
other_table_start(struct contract *c, struct contract *b,
    struct other_table *s, void (*fn)(void *), struct ktrq_os_thread **tp)
{

	*b = *c;
	if (ktrq_os_pth_create(&b->os) != 0) {
		contract_fail(c, __FILE__, __LINE__, "second table", 0, 0);
		return (-1);
	}
	memset(s, 0, sizeof(*s));
	s->b = b;
	if (kinit(b, &s->m, "contract.b") != 0) {
		CHECK_EQ(c, ktrq_os_pth_destroy(b->os), 0);
		return (-1);
	}
	*tp = kspawn(b, "contract-b-sleeper", fn, s);
	kenter(b, s->m);
	kwait_until(b, s->m, &s->asleep, 1);
	return (0);
}

static void
other_table_stop(struct contract *c, struct contract *b,
    struct other_table *s, struct ktrq_os_thread *t)
{

	kjoin(b, t);
	kdestroy(b, s->m);
	CHECK_EQ(c, ktrq_os_pth_destroy(b->os), 0);
}

static void
body_two_tables(struct contract *c)
{
	struct ktrq_os_thread *t;
	struct other_table s;
	struct contract b;

	if (other_table_start(c, &b, &s, timed_sleeper_main, &t) != 0)
		return;
	/* B's sleeper is on &s.chan of B and stays there until we let go. */
	kwakeup(c, &s.chan);
	kwakeup_one(c, &s.chan);
	kexit(&b, s.m);
	other_table_stop(c, &b, &s, t);
	CHECK_EQ(c, s.result, EWOULDBLOCK);
}

static void
t_two_tables(void **state)
{

	contract_exec(state, body_two_tables);
}

static void
body_destroy_busy(struct contract *c)
{
	struct ktrq_os_thread *t;
	struct other_table s;
	struct contract b;

	if (other_table_start(c, &b, &s, sleeper_main, &t) != 0)
		return;
	/* Asleep for sure: we hold the interlock it released to sleep. */
	if (ktrq_os_pth_destroy(b.os) != EBUSY)
		contract_abort(__FILE__, __LINE__,
		    "destroyed a table a thread sleeps on");
	kwakeup(c, &s.chan);		/* the other table: changes nothing */
	if (ktrq_os_pth_destroy(b.os) != EBUSY)
		contract_abort(__FILE__, __LINE__,
		    "a wakeup on table A dequeued a sleeper of table B");
	s.go = 1;
	kwakeup(&b, &s.chan);
	kexit(&b, s.m);
	other_table_stop(c, &b, &s, t);
}

static void
t_destroy_busy(void **state)
{

	contract_exec(state, body_destroy_busy);
}

/*
 * o. forked() across fork(2): nonzero in a child for a table made before
 * the fork (whose destroy is then refused, freeing nothing), 0 for a
 * table the child makes itself, nonzero for that one in a grandchild,
 * and 0 in the parent throughout.  The children report by exit status:
 * a cmocka assert there would return into a copy of the test runner.
 */
#define	FORK_ALARM_S	60

static int
grandchild_checks(struct ktrq_os *old, struct ktrq_os *os)
{

	if (old->forked(old->cookie) == 0)
		return (20);
	if (os->forked(os->cookie) == 0)
		return (21);
	if (ktrq_os_pth_destroy(os) != EOWNERDEAD)
		return (22);
	return (0);
}

static int
child_checks(struct ktrq_os *old)
{
	struct ktrq_os *os;
	pid_t pid;
	int status;

	if (old->forked(old->cookie) == 0)
		return (10);
	if (ktrq_os_pth_destroy(old) != EOWNERDEAD)
		return (11);
	if (old->forked(old->cookie) == 0)
		return (12);
	if (ktrq_os_pth_create(&os) != 0)
		return (13);
	if (os->forked(os->cookie) != 0)
		return (14);
	if ((pid = fork()) < 0)
		return (15);
	if (pid == 0)
		_exit(grandchild_checks(old, os));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return (16);
	if (WEXITSTATUS(status) != 0)
		return (WEXITSTATUS(status));
	if (os->forked(os->cookie) != 0)
		return (17);
	if (ktrq_os_pth_destroy(os) != 0)
		return (18);
	return (0);
}

static void
t_fork(void **state)
{
	struct contract *c = *state;
	struct ktrq_os *os = c->os;
	pid_t pid;
	int status;

	assert_int_equal(os->forked(os->cookie), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(FORK_ALARM_S);	/* a hang fails instead */
		_exit(child_checks(os));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status))
		fail_msg("child killed by signal %d", WTERMSIG(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(os->forked(os->cookie), 0);
}

#define	PT(f)								\
	cmocka_unit_test_prestate_setup_teardown(f, contract_setup,	\
	    contract_teardown, (void *)&pthread_backend)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		PT(t_tunable),
		PT(t_foreign_thread),
		PT(t_two_tables),
		PT(t_destroy_busy),
		PT(t_fork),
	};
	int failed;

	failed = contract_run(&pthread_backend);
	failed += cmocka_run_group_tests_name("os_contract[pthread-only]",
	    tests, NULL, NULL);
	return (failed != 0);
}
