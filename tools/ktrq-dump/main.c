/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq-dump: print a ktrace.out file the way FreeBSD's kdump(1) does.
 *
 * Only the command line lives here; reading and printing are
 * ktrq_dump_stream() (dump.c), which tests and fuzzers call directly.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktrq/record.h"

#include "dump.h"
#include "toolver.h"

static void
usage(FILE *fp)
{

	fprintf(fp,
	    "usage: ktrq-dump [-EHhnRT] [-f file] [-m maxdata] [-p pid] "
	    "[-t cnirsuw+] [file]\n"
	    "  -f file     read file (also the operand; - or none: stdin)\n"
	    "  -H          print the thread id column\n"
	    "  -T          absolute timestamps (sec.nsec)\n"
	    "  -E          time elapsed since the first record shown\n"
	    "  -R          time since the previous record shown\n"
	    "  -t types    only these: c CALL, r RET, n NAMI, i GIO, s PSIG,\n"
	    "              w CSW, u USER, + all (unknown types too)\n"
	    "  -p pid      only records of this process\n"
	    "  -m maxdata  show at most maxdata bytes of data (0: all)\n"
	    "  -n          numeric: syscalls as [code]\n"
	    "  -h, --help  this text\n");
}

/* Parse a decimal in [lo, hi]; returns 0 or -1. */
static int
parse_num(const char *s, long long lo, long long hi, long long *vp)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi)
		return (-1);
	*vp = v;
	return (0);
}

/* -t letters to KTRQ_DUMP_* bits; returns 0 or -1 on an unknown letter. */
static int
parse_types(const char *s, unsigned *typesp)
{
	static const char letters[] = "crnisuw";
	static const int types[] = { KTR_SYSCALL, KTR_SYSRET, KTR_NAMEI,
	    KTR_GENIO, KTR_PSIG, KTR_USER, KTR_CSW };
	const char *p;
	unsigned bits;

	bits = 0;
	for (; *s != '\0'; s++) {
		if (*s == '+')
			bits |= KTRQ_DUMP_ALL;
		else if ((p = strchr(letters, *s)) != NULL)
			bits |= KTRQ_DUMP_TYPE(types[p - letters]);
		else
			return (-1);
	}
	*typesp = bits;
	return (0);
}

static int
has_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0)
			return (1);
	return (0);
}

/* Returns -1 to go on, or the exit status. */
static int
parse_args(int argc, char **argv, struct ktrq_dump_opts *o,
    const char **filep)
{
	long long v;
	int ch;

	ktrq_dump_opts_init(o);
	if (has_help(argc, argv)) {
		usage(stdout);
		return (KTRQ_DUMP_OK);
	}
	while ((ch = getopt(argc, argv, "EHhnRTf:m:p:t:")) != -1) {
		switch (ch) {
		case 'E':
			o->elapsed = 1;
			break;
		case 'H':
			o->tid = 1;
			break;
		case 'h':
			usage(stdout);
			return (KTRQ_DUMP_OK);
		case 'n':
			o->numeric = 1;
			break;
		case 'R':
			o->reltime = 1;
			break;
		case 'T':
			o->abstime = 1;
			break;
		case 'f':
			*filep = optarg;
			break;
		case 'm':
			if (parse_num(optarg, 0, LLONG_MAX, &v) != 0)
				goto bad;
			/* No payload is longer, so more means no cap. */
			o->maxdata = v > KTRQ_REC_MAXLEN ? KTRQ_REC_MAXLEN :
			    (size_t)v;
			break;
		case 'p':
			if (parse_num(optarg, INT32_MIN, INT32_MAX, &v) != 0)
				goto bad;
			o->pid_set = 1;
			o->pid = (int32_t)v;
			break;
		case 't':
			if (parse_types(optarg, &o->types) != 0)
				goto bad;
			break;
		default:
			goto bad;
		}
	}
	if (argc - optind > 1 || (argc - optind == 1 && *filep != NULL))
		goto bad;
	if (argc - optind == 1)
		*filep = argv[optind];
	return (-1);
bad:
	usage(stderr);
	return (KTRQ_DUMP_USAGE);
}

int
main(int argc, char **argv)
{
	struct ktrq_dump_opts o;
	const char *file;
	FILE *in;
	int status;

	if (toolver_handle(argc, argv, "ktrq-dump"))
		return (0);
	file = NULL;
	if ((status = parse_args(argc, argv, &o, &file)) >= 0)
		return (status);
	if (file == NULL || strcmp(file, "-") == 0)
		return (ktrq_dump_stream(stdin, "stdin", stdout, stderr, &o));
	if ((in = fopen(file, "rb")) == NULL) {
		fprintf(stderr, "ktrq-dump: %s: %s\n", file, strerror(errno));
		return (KTRQ_DUMP_FAIL);
	}
	status = ktrq_dump_stream(in, file, stdout, stderr, &o);
	fclose(in);
	return (status);
}
