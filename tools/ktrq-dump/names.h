/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Name tables of the traced system (FreeBSD amd64), not of the host: the
 * numbers in a trace are FreeBSD's, whatever machine reads it, so the
 * host's strerror() or signal names would be wrong as well as unstable.
 */
#ifndef KTRQ_DUMP_NAMES_H
#define KTRQ_DUMP_NAMES_H

/* Name of a syscall number, or NULL when not in the (partial) table. */
const char	*ktrq_dump_syscall_name(int code);
/* "INT" for 2 etc. (without "SIG"), or NULL when unknown. */
const char	*ktrq_dump_signal_name(int signo);
/* FreeBSD strerror() text of an errno value, or NULL when unknown. */
const char	*ktrq_dump_errno_text(int error);

#endif /* !KTRQ_DUMP_NAMES_H */
