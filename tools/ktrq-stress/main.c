/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq-stress: load libktrq from many OS threads on the pthread backend,
 * then read the trace file back and check it.
 *
 * Exit status: 0 when every check passed, 1 on a mismatch (or when the
 * run could not be set up), 2 on a usage error.
 */
#include <stdio.h>

#include "stress.h"
#include "toolver.h"

int
main(int argc, char **argv)
{
	struct stress_result res;
	struct stress_opts o;
	struct stress_run r;
	int ret;

	if (toolver_handle(argc, argv, "ktrq-stress"))
		return (0);
	if ((ret = stress_opts_parse(&o, argc, argv)) != 0)
		return (ret == 1 ? 0 : 2);
	if (stress_run(&r, &o) != 0) {
		stress_run_free(&r);
		return (1);
	}
	stress_verify(&r, &res);
	stress_report(&r, &res);
	stress_run_free(&r);
	return (res.ok ? 0 : 1);
}
