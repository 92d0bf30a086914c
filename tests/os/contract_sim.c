/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Binds the platform-layer contract to the simulation backend: the same
 * suite the pthread backend passes, each test body run as simulated
 * thread 1 of a fresh simulator.  The argument picks the variant:
 *
 *	fiber		fiber vehicle, no spurious wakeups
 *	pthread		pthread vehicle (real threads, one at a time)
 *	spurious	fiber vehicle, 10% spurious wakeups at every point,
 *			so every wait loop in the suite is exercised
 *
 * A deadlock the simulator finds fails the test through run().
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "contract.h"
#include "sim.h"

static struct sim_params params;

static int
sim_os_create(struct ktrq_os **osp)
{
	struct sim *s;
	int error;

	if ((error = ktrq_sim__create(&params, NULL, &s)) != 0)
		return (error);
	*osp = ktrq_sim__os(s);
	return (0);
}

static int
sim_os_destroy(struct ktrq_os *os)
{
	struct sim *s = ktrq_sim__of(os);

	if (s == NULL)
		return (EINVAL);
	ktrq_sim__destroy(s);
	return (0);
}

static int
sim_os_run(struct ktrq_os *os, void (*body)(void *), void *arg)
{
	struct sim *s = ktrq_sim__of(os);

	if (ktrq_sim__run(s, body, arg) != SIM_OK) {
		fprintf(stderr, "simulator: ");
		ktrq_sim__report(s, stderr);
		return (1);
	}
	return (0);
}

static struct contract_backend sim_backend = {
	.name = "sim",
	.os_create = sim_os_create,
	.os_destroy = sim_os_destroy,
	.run = sim_os_run,
	.spurious_possible = 0,
};

int
main(int argc, char **argv)
{
	const char *variant = argc > 1 ? argv[1] : "fiber";

	ktrq_sim__params_init(&params);
	params.seed = 1;
	params.vehicle = SIM_VEHICLE_FIBER;
	if (strcmp(variant, "pthread") == 0)
		params.vehicle = SIM_VEHICLE_PTHREAD;
	else if (strcmp(variant, "spurious") == 0) {
		params.spurious_permille = 100;
		sim_backend.spurious_possible = 1;
	} else if (strcmp(variant, "fiber") != 0) {
		fprintf(stderr, "usage: os_contract_sim [fiber|pthread|"
		    "spurious]\n");
		return (2);
	}
	return (contract_run(&sim_backend));
}
