/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kdump's decoding of syscall arguments (libsysdecode's names and forms),
 * for the records of a process that runs FreeBSD's ABI.
 */
#ifndef KTRQ_DUMP_SYSDECODE_H
#define KTRQ_DUMP_SYSDECODE_H

#include <stdint.h>
#include <stdio.h>

#include "ktrq/record.h"

/* sys/sysent.h: what a PROCCTOR record says about the process. */
#define	FREEBSD_SV_ABI_MASK	0xffu
#define	FREEBSD_SV_ABI_FREEBSD	9u
#define	FREEBSD_SV_ILP32	0x100u

/*
 * Print the argument list of `s`, "(a,b,...)", nothing for no arguments,
 * as kdump does without -n for a process whose PROCCTOR flags are
 * `sv_flags` with the FreeBSD ABI in them: a syscall kdump decodes gets
 * names, any other one the numbers of ktrq_dump_print_number().
 */
void	ktrq_dump_sysdecode_args(FILE *out, int decimal, uint32_t sv_flags,
	    const struct ktrq_rec_syscall *s);

#endif /* !KTRQ_DUMP_SYSDECODE_H */
