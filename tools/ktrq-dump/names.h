/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Name tables of the traced system (FreeBSD amd64), not of the host: the
 * numbers in a trace are FreeBSD's, whatever machine reads it, so the
 * host's strerror() or signal names would be wrong as well as unstable.
 */
#ifndef KTRQ_DUMP_NAMES_H
#define KTRQ_DUMP_NAMES_H

#include <stdio.h>

#define	FREEBSD_SIGRTMIN	65
#define	FREEBSD_SIGRTMAX	126

/* Name of a syscall number, or NULL when not in the (partial) table. */
const char	*ktrq_dump_syscall_name(int code);
/* "INT" for 2 etc. (without "SIG"), or NULL when unknown. */
const char	*ktrq_dump_signal_name(int signo);
/* " text" of FreeBSD's strerror(), "Unknown error: N" as its libc. */
void		 ktrq_dump_print_errno_text(FILE *out, int error);
/* libsysdecode's sysdecode_sigcode(): "SI_USER", "SEGV_MAPERR"... */
const char	*ktrq_dump_sigcode_name(int signo, int code);
/* libsysdecode's sysdecode_vmresult(): "KERN_SUCCESS"... */
const char	*ktrq_dump_vmresult_name(int result);

#endif /* !KTRQ_DUMP_NAMES_H */
