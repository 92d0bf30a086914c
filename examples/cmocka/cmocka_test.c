/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A CMocka test that calls ktrq_sim_check: a racy "check then act" on a
 * bank balance.  The test fails, and its log carries the KTRQ_SIM_REPLAY
 * line; run the test again with that variable set to replay the run.
 *
 * `example_cmocka pthread` runs it on the pthread vehicle, as under
 * valgrind: valgrind does not follow the fiber vehicle's stack switches.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <ktrq/sim.h>

static int balance;
static int vehicle = KTRQ_SIM_FIBER;

static void
withdraw(void *arg)
{
	const struct ktrq_os *os = arg;

	ktrq_sim_yield(os);
	if (balance >= 100) {
		ktrq_sim_yield(os);
		balance -= 100;
	}
}

static void
body(const struct ktrq_os *os, void *arg)
{
	struct ktrq_os_thread *a, *b;

	(void)arg;
	balance = 100;
	os->thread_create(os->cookie, &a, "a", withdraw, (void *)(uintptr_t)os);
	os->thread_create(os->cookie, &b, "b", withdraw, (void *)(uintptr_t)os);
	os->thread_join(os->cookie, a);
	os->thread_join(os->cookie, b);
	KTRQ_SIM_ASSERT(os, balance >= 0);
}

static void
test_no_overdraft(void **state)
{
	struct ktrq_sim_opts o;

	(void)state;
	ktrq_sim_opts_init(&o);
	o.name = "bank";
	o.vehicle = vehicle;
	assert_int_equal(ktrq_sim_check(&o, body, NULL, NULL), 0);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_overdraft),
	};

	if (argc > 1 && strcmp(argv[1], "pthread") == 0)
		vehicle = KTRQ_SIM_PTHREAD;
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
