/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq-dump: print a ktrace.out file the way FreeBSD's kdump(1) does.
 *
 * Only the command line lives here; reading and printing are
 * ktrq_dump_stream() (dump.c), which tests and fuzzers call directly.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktrq/record.h"

#include "print.h"

#include "dump.h"
#include "toolver.h"

#if defined(__GNUC__) || defined(__clang__)
#define	PRINTFLIKE(f, a) __attribute__((__format__(__printf__, f, a)))
#else
#define	PRINTFLIKE(f, a)
#endif

#define	DEF_TRACEFILE	"ktrace.out"	/* kdump's default, as ktrace's */

static void
usage(FILE *fp)
{

	fprintf(fp,
	    "usage: ktrq-dump [-cdEHhnRSsT] [-f file] [-m maxdata] [-p pid] "
	    "[-t trstr] [file]\n"
	    "  -f file     read file (also the operand; - is stdin;\n"
	    "              default ./" DEF_TRACEFILE ")\n"
	    "  -c          print the cpu of each (version 1) record\n"
	    "  -d          numbers in decimal\n"
	    "  -H          print the thread id (pid tid comm)\n"
	    "  -n          no decoding: return values in hex, no errno text\n"
	    "  -S          the syscall number after its name\n"
	    "  -s          no GIO data\n"
	    "  -T          absolute timestamps\n"
	    "  -E          time elapsed since the first record shown\n"
	    "  -R          time since the previous record shown\n"
	    "  -t trstr    only these: c CALL and RET, n NAMI, i GIO,\n"
	    "              s PSIG, u USER, w CSW, t STRU, y SCTL, p CAP,\n"
	    "              f PFLT and PRET, + the default set of ktrace\n"
	    "  -p pid      only records of this process or thread\n"
	    "  -m maxdata  show at most maxdata bytes of GIO data (0: all)\n"
	    "  -h, --help  this text;  --version  the version\n"
	    "exit: 0 ok, 1 corrupt input, 2 usage or I/O error\n");
}

static int	usage_error(const char *fmt, ...) PRINTFLIKE(1, 2);

/* One line naming the problem, then the usage; exit status 2. */
static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("ktrq-dump: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	usage(stderr);
	return (KTRQ_DUMP_USAGE);
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

/* kdump's getpoints(): -t letters to trace-point bits; -1 on a bad one. */
static int
parse_types(const char *s, unsigned *typesp)
{
	static const char letters[] = "cinpstuwyf+";
	static const unsigned bits[] = {
		KTRQ_DUMP_TYPE(KTR_SYSCALL) | KTRQ_DUMP_TYPE(KTR_SYSRET),
		KTRQ_DUMP_TYPE(KTR_GENIO), KTRQ_DUMP_TYPE(KTR_NAMEI),
		KTRQ_DUMP_TYPE(KTR_CAPFAIL), KTRQ_DUMP_TYPE(KTR_PSIG),
		KTRQ_DUMP_TYPE(KTR_STRUCT) | KTRQ_DUMP_TYPE(KTR_STRUCT_ARRAY),
		KTRQ_DUMP_TYPE(KTR_USER), KTRQ_DUMP_TYPE(KTR_CSW),
		KTRQ_DUMP_TYPE(KTR_SYSCTL),
		KTRQ_DUMP_TYPE(KTR_FAULT) | KTRQ_DUMP_TYPE(KTR_FAULTEND),
		KTRQ_DUMP_DEF,
	};
	const char *p;
	unsigned t;

	t = 0;
	for (; *s != '\0'; s++) {
		if ((p = strchr(letters, *s)) == NULL)
			return (-1);
		t |= bits[p - letters];
	}
	*typesp = t;
	return (0);
}

/* Long options before getopt: --help and --version. */
static int
long_option(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return (KTRQ_DUMP_OK);
		}
		/* --version: toolver_handle(), before any parsing. */
		if (strcmp(argv[i], "--version") == 0)
			return (KTRQ_DUMP_OK);
		if (strncmp(argv[i], "--", 2) == 0)
			return (usage_error("unknown option %s", argv[i]));
	}
	return (-1);
}

/* Returns -1 to go on, or the exit status. */
static int
parse_args(int argc, char **argv, struct ktrq_dump_opts *o,
    const char **filep)
{
	long long v;
	int ch, status;

	ktrq_dump_opts_init(o);
	if ((status = long_option(argc, argv)) >= 0)
		return (status);
	opterr = 0;	/* our own messages */
	while ((ch = getopt(argc, argv, ":cdEHhnRSsTf:m:p:t:")) != -1) {
		switch (ch) {
		case 'c':
			o->cpu = 1;
			break;
		case 'd':
			o->decimal = 1;
			break;
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
		case 'S':
			o->sysno = 1;
			break;
		case 's':
			o->suppress = 1;
			break;
		case 'T':
			o->abstime = 1;
			break;
		case 'f':
			*filep = optarg;
			break;
		case 'm':
			if (parse_num(optarg, 0, LLONG_MAX, &v) != 0)
				return (usage_error("-m %s: not a byte count "
				    "(0 or more)", optarg));
			/* No payload is longer, so more means no cap. */
			o->maxdata = v > KTRQ_REC_MAXLEN ? KTRQ_REC_MAXLEN :
			    (size_t)v;
			break;
		case 'p':
			if (parse_num(optarg, 1, INT32_MAX, &v) != 0)
				return (usage_error("-p %s: not a process or "
				    "thread id (1 to %d)", optarg, INT32_MAX));
			o->pid_set = 1;
			o->pid = (int32_t)v;
			break;
		case 't':
			if (parse_types(optarg, &o->types) != 0)
				return (usage_error("-t %s: unknown trace "
				    "point (letters cinpstuwyf+)", optarg));
			break;
		case ':':
			return (usage_error("-%c needs an argument", optopt));
		default:
			return (usage_error("unknown option -%c", optopt));
		}
	}
	if (argc - optind > 1)
		return (usage_error("one trace file at most (got %d)",
		    argc - optind));
	if (argc - optind == 1 && *filep != NULL)
		return (usage_error("a trace file with -f and as an operand"));
	if (argc - optind == 1)
		*filep = argv[optind];
	return (-1);
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
	if (file == NULL)
		file = DEF_TRACEFILE;
	if (strcmp(file, "-") == 0)
		return (ktrq_dump_stream(stdin, "stdin", stdout, stderr, &o));
	if ((in = fopen(file, "rb")) == NULL) {
		fprintf(stderr, "ktrq-dump: %s: %s\n", file, strerror(errno));
		return (KTRQ_DUMP_IO);
	}
	status = ktrq_dump_stream(in, file, stdout, stderr, &o);
	fclose(in);
	return (status);
}
