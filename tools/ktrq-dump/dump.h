/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq-dump as a library: read a ktrace.out stream and print it the way
 * kdump(1) does.
 *
 * The whole program lives behind ktrq_dump_stream() so that the command
 * (main.c), the tests and a fuzz target all run exactly the same reader
 * and printer, on a file, a pipe or a memory buffer (fmemopen).
 */
#ifndef KTRQ_DUMP_H
#define KTRQ_DUMP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit statuses of the program, also returned by ktrq_dump_stream(). */
#define KTRQ_DUMP_OK	0	/* every record read and printed */
#define KTRQ_DUMP_FAIL	1	/* corrupt input, I/O error, no memory */
#define KTRQ_DUMP_USAGE	2	/* bad command line */

/*
 * Type filter bits: KTRQ_DUMP_TYPE(t) for t in KTR_SYSCALL..KTR_USER.
 * KTRQ_DUMP_OTHER covers every other type number (printed UNKNOWN(n)).
 */
#define KTRQ_DUMP_TYPE(t)	(1u << (t))
#define KTRQ_DUMP_OTHER		1u
#define KTRQ_DUMP_ALL		0xffu

struct ktrq_dump_opts {
	int		tid;	/* -H: print the thread id column */
	int		abstime; /* -T: absolute time, sec.nsec */
	int		elapsed; /* -E: since the first record shown */
	int		reltime; /* -R: since the previous record shown */
	int		numeric; /* -n: syscalls as [code], never by name */
	unsigned	types;	/* -t: KTRQ_DUMP_* bits of types shown */
	int		pid_set; /* -p given: only records of `pid` */
	int32_t		pid;
	size_t		maxdata; /* -m: data bytes shown, 0 all */
};

/* Fill `o` with the defaults: every type, every pid, no extra columns. */
void	ktrq_dump_opts_init(struct ktrq_dump_opts *o);

/*
 * Read records from `in` until end of file and print those `o` selects to
 * `out`.  `name` names the input in messages ("stdin" for standard input).
 * A corrupt record stops the dump: the records before it have been
 * printed (and `out` flushed), then one line goes to `err`:
 *	ktrq-dump: <name>: offset <N>: <reason>
 * where N is the byte offset of the offending record's header.  Memory
 * use is bounded by one record (KTRQ_REC_MAXLEN bytes of payload).
 * Returns KTRQ_DUMP_OK, or KTRQ_DUMP_FAIL after a message on `err` (corrupt
 * input, read or write error, out of memory).  `in` and `out` are not
 * closed.
 */
int	ktrq_dump_stream(FILE *in, const char *name, FILE *out, FILE *err,
	    const struct ktrq_dump_opts *o);

#endif /* !KTRQ_DUMP_H */
