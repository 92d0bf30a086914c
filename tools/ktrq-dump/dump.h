/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq-dump as a library: read a ktrace.out stream and print it the way
 * FreeBSD's kdump(1) does.
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

/* Exit statuses of the program (the convention of every ktrq tool). */
#define KTRQ_DUMP_OK	0	/* every record read and printed */
#define KTRQ_DUMP_FAIL	1	/* a finding: corrupt input */
#define KTRQ_DUMP_USAGE	2	/* bad command line, or an I/O error */
#define KTRQ_DUMP_IO	2	/* read or write error, no memory */

/*
 * Type filter bits, kdump's trace points: KTRQ_DUMP_TYPE(t) is bit t, for
 * t in 0..31; a record whose type number has no bit (32 and up) is never
 * shown.  KTRQ_DUMP_ALL is kdump's default (every FreeBSD type, 1..15);
 * KTRQ_DUMP_DEF is what "-t +" adds (kdump's DEF_POINTS: no CSW, no page
 * faults).
 */
#define KTRQ_DUMP_TYPE(t)	(1u << (t))
#define KTRQ_DUMP_ALL		0xfffeu
#define KTRQ_DUMP_DEF		(KTRQ_DUMP_TYPE(1) | KTRQ_DUMP_TYPE(2) | \
	KTRQ_DUMP_TYPE(3) | KTRQ_DUMP_TYPE(4) | KTRQ_DUMP_TYPE(5) | \
	KTRQ_DUMP_TYPE(7) | KTRQ_DUMP_TYPE(8) | KTRQ_DUMP_TYPE(9) | \
	KTRQ_DUMP_TYPE(12) | KTRQ_DUMP_TYPE(15))

struct ktrq_dump_opts {
	int		tid;	/* -H: pid, tid, comm */
	int		abstime; /* -T: absolute time */
	int		elapsed; /* -E: since the first record shown */
	int		reltime; /* -R: since the previous record shown */
	int		numeric; /* -n: no decoding of values (kdump !fancy) */
	int		decimal; /* -d: numbers in decimal */
	int		cpu;	/* -c: the cpu column (v1 records) */
	int		suppress; /* -s: no GIO data */
	int		sysno;	/* -S: syscall number after its name */
	unsigned	types;	/* -t: KTRQ_DUMP_TYPE bits of types shown */
	int		pid_set; /* -p given: only records of `pid` */
	int32_t		pid;	/* matches the pid or the thread id */
	size_t		maxdata; /* -m: GIO data bytes shown, 0 all */
};

/* Fill `o` with the defaults: kdump's with no option. */
void	ktrq_dump_opts_init(struct ktrq_dump_opts *o);

/*
 * Read records from `in` until end of file and print those `o` selects to
 * `out`.  `name` names the input in messages ("stdin" for standard input).
 * A corrupt record stops the dump: the records before it have been
 * printed (and `out` flushed), then one line goes to `err`:
 *	ktrq-dump: <name>: offset <N>: <reason>
 * where N is the byte offset of the offending record's header.  Memory
 * use is one record (KTRQ_REC_MAXLEN bytes of payload at most) and, as in
 * kdump, 8 bytes per process between its PROCCTOR and PROCDTOR records.
 * Returns KTRQ_DUMP_OK; KTRQ_DUMP_FAIL after a message on `err` for
 * corrupt input; KTRQ_DUMP_IO after a message for a read or write error
 * or no memory.  `in` and `out` are not closed.
 */
int	ktrq_dump_stream(FILE *in, const char *name, FILE *out, FILE *err,
	    const struct ktrq_dump_opts *o);

#endif /* !KTRQ_DUMP_H */
