/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A shared object with libktrq.a linked in: builds only when the static
 * archive is position-independent (it once failed with R_X86_64_TPOFF32).
 */
#include <ktrq/ktrq.h>

const char *quickstart_plugin_version(void);

const char *
quickstart_plugin_version(void)
{

	return (ktrq_version());
}
