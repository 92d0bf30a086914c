/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <string.h>

#include <ktrq/version.h>

const char *quickstart_plugin_version(void);

int
main(void)
{
	const char *v = quickstart_plugin_version();

	printf("plugin: libktrq %s\n", v);
	return (strcmp(v, KTRQ_VERSION_STRING) != 0);
}
