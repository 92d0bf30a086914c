/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The library's version, fixed when it was built: a program compares it
 * with the KTRQ_VERSION_STRING of the headers it was compiled against.
 */
#include "ktrq/ktrq.h"
#include "ktrq/version.h"

const char *
ktrq_version(void)
{

	return (KTRQ_VERSION_STRING);
}
