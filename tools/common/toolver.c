/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <string.h>

#include <ktrq/ktrq.h>

#include "toolver.h"

int
toolver_handle(int argc, char **argv, const char *name)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--version") == 0) {
			printf("%s %s\n", name, ktrq_version());
			return (1);
		}
	}
	return (0);
}
