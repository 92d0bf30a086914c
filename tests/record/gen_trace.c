/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writes the trace files the ktrq-dump CLI tests read: golden.ktr, which
 * has every record type, a drop flag, version-0 records and the corner
 * cases of the printer, and a set of corrupt files, each a known good
 * prefix followed by one bad record, so the tests can check both what is
 * printed before the error and the offset the error names.
 *
 * Records are built with the library's encoders, except the version-0
 * headers, which the encoders never produce and which are therefore
 * written byte by byte here.  Generating the files at build time keeps
 * binary blobs out of the tree while every byte stays reviewable.
 *
 * usage: gen_trace OUTDIR
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktrq/record.h"

/* Offset of the bad record in every corrupt file: the prefix's size. */
#define	PREFIX_SIZE	176

struct who {
	int32_t		pid;
	const char	*comm;
	int64_t		tid;
};

static const struct who A = { 101, "sh", 100001 };
static const struct who B = { 202, "a-very-long-command-name", 200002 };
static const struct who C = { 303, "exactly-19-chars-xx", 300003 };
static const struct who D = { 404, "old", 400004 };

static const char *outdir;

static void
die(const char *what)
{

	fprintf(stderr, "gen_trace: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
put(FILE *f, const void *p, size_t n)
{

	if (n != 0 && fwrite(p, 1, n, f) != n)
		die("write");
}

static void
hdr_init(struct ktrq_rec_hdr *h, const struct who *w, int type,
    int64_t sec, int64_t nsec, size_t len)
{

	memset(h, 0, sizeof(*h));
	h->len = (int32_t)len;
	h->type = (uint16_t)type;
	h->pid = w->pid;
	/*
	 * Unterminated when long: the encoder must cope.  memcpy, not
	 * strncpy, which -O2 flags for exactly that.
	 */
	memcpy(h->comm, w->comm, strlen(w->comm) < sizeof(h->comm) ?
	    strlen(w->comm) : sizeof(h->comm));
	h->sec = sec;
	h->nsec = nsec;
	h->tid = w->tid;
	h->cpu = 3;
}

/* One v1 record: header then payload. */
static void
rec(FILE *f, const struct who *w, int type, int64_t sec, int64_t nsec,
    const void *payload, size_t len)
{
	struct ktrq_rec_hdr h;
	uint8_t hb[KTRQ_REC_HDR_V1_SIZE];

	hdr_init(&h, w, type, sec, nsec, len);
	put(f, hb, ktrq_rec_hdr_encode(hb, &h));
	put(f, payload, len);
}

static void
le(uint8_t *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* One v0 record, header laid out by hand (56 bytes, timeval). */
static void
rec_v0(FILE *f, const struct who *w, int type, int64_t sec, int64_t usec,
    const void *payload, size_t len)
{
	uint8_t hb[KTRQ_REC_HDR_V0_SIZE];

	memset(hb, 0, sizeof(hb));
	le(hb + 0, len, 4);
	le(hb + 4, (uint64_t)type, 2);
	le(hb + 8, (uint64_t)w->pid, 4);
	memcpy(hb + 12, w->comm, strlen(w->comm));	/* short names only */
	le(hb + 32, (uint64_t)sec, 8);
	le(hb + 40, (uint64_t)usec, 8);
	le(hb + 48, (uint64_t)w->tid, 8);
	put(f, hb, sizeof(hb));
	put(f, payload, len);
}

static void
call(FILE *f, const struct who *w, int type, int64_t sec, int64_t nsec,
    int code, int narg, const uint64_t *args)
{
	struct ktrq_rec_syscall s;
	uint8_t p[KTRQ_REC_SYSCALL_SIZE(KTRQ_REC_MAXARGS)];

	memset(&s, 0, sizeof(s));
	s.code = (int16_t)code;
	s.narg = (int16_t)narg;
	if (narg > 0)
		memcpy(s.args, args, sizeof(uint64_t) * (size_t)narg);
	rec(f, w, type, sec, nsec, p, ktrq_rec_syscall_encode(p, &s));
}

static void
ret(FILE *f, const struct who *w, int64_t sec, int64_t nsec, int code,
    int error, int64_t retval)
{
	struct ktrq_rec_sysret s = { (int16_t)code, 0, error, retval };
	uint8_t p[KTRQ_REC_SYSRET_SIZE];

	rec(f, w, KTR_SYSRET, sec, nsec, p, ktrq_rec_sysret_encode(p, &s));
}

static void
genio(FILE *f, const struct who *w, int64_t sec, int64_t nsec, int fd,
    int rw, const char *data, size_t len)
{
	struct ktrq_rec_genio g = { fd, rw };
	uint8_t p[KTRQ_REC_GENIO_SIZE + 128];

	ktrq_rec_genio_encode(p, &g);
	memcpy(p + KTRQ_REC_GENIO_SIZE, data, len);
	rec(f, w, KTR_GENIO, sec, nsec, p, KTRQ_REC_GENIO_SIZE + len);
}

static void
psig(FILE *f, const struct who *w, int64_t sec, int64_t nsec, int signo,
    uint64_t action, int code, uint32_t m0, uint32_t m1)
{
	struct ktrq_rec_psig s = { signo, action, code, { m0, m1, 0, 0 } };
	uint8_t p[KTRQ_REC_PSIG_SIZE];

	rec(f, w, KTR_PSIG, sec, nsec, p, ktrq_rec_psig_encode(p, &s));
}

static void
csw(FILE *f, const struct who *w, int type, int64_t sec, int64_t nsec,
    int out, int user)
{
	struct ktrq_rec_csw c = { out, user };
	uint8_t p[KTRQ_REC_CSW_SIZE];

	rec(f, w, type, sec, nsec, p, ktrq_rec_csw_encode(p, &c));
}

/* Records 1 and 2 of golden.ktr; PREFIX_SIZE bytes. */
static void
prefix(FILE *f)
{
	static const uint64_t wargs[] = { 1, 0x7fffffffe000, 12 };

	call(f, &A, KTR_SYSCALL, 1000, 500, 4, 3, wargs);	/* 96 */
	ret(f, &A, 1000, 1000, 4, 0, 12);			/* 80 */
}

static void
golden(FILE *f)
{
	static const uint64_t oargs[] = { 0x400000, 0, 0x1b6 };
	static const uint64_t largs[] = { 3, (uint64_t)-5, 1 };
	static const uint64_t many[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	static const uint64_t zero[] = { 0 };
	static const char text[] = "hello \"world\"\n\tx\\y\001\377";
	/* 100 bytes, no newline: wraps at 64 columns. */
	static const char fox[] = "The quick brown fox jumps over the lazy "
	    "dog. The quick brown fox jumps over the lazy dog. The quick ";
	uint8_t user[20];
	size_t i;

	prefix(f);
	call(f, &A, KTR_SYSCALL, 1000, 2000, 5, 3, oargs);
	rec(f, &A, KTR_NAMEI, 1000, 3000, "/etc/passwd", 11);
	ret(f, &A, 1000, 4000, 5, 2, -1);
	call(f, &A, KTR_SYSCALL, 1000, 5000, 20, 0, NULL);
	ret(f, &A, 1000, 6000, 20, 0, 101);
	call(f, &A, KTR_SYSCALL, 1000, 7000, 478, 3, largs);
	ret(f, &A, 1000, 8000, 478, 0, -5);
	genio(f, &A, 1000, 9000, 1, 1, text, sizeof(text) - 1);
	genio(f, &A, 1000, 10000, 0, 0, "", 0);
	genio(f, &A, 1000, 11000, 5, 0, fox, sizeof(fox) - 1);
	call(f, &B, KTR_SYSCALL | KTR_DROP, 1001, 0, 999, 8, many);
	ret(f, &B, 1001, 500000000, 999, -1, 0);
	psig(f, &B, 1001, 600000000, 2, 0x401000, 65537, 0x2, 0);
	psig(f, &B, 1001, 700000000, 30, 0x402000, 0, 0x80000000, 0x1);
	psig(f, &B, 1001, 800000000, 15, 0, 0, 0, 0);
	psig(f, &B, 1001, 900000000, 13, 1, 0, 0, 0);
	csw(f, &C, KTR_CSW, 1002, 0, 1, 1);
	csw(f, &C, KTR_CSW, 1002, 1, 0, 0);
	for (i = 0; i < sizeof(user); i++)
		user[i] = (uint8_t)i;
	rec(f, &C, KTR_USER, 1002, 250000000, user, sizeof(user));
	rec(f, &C, 9, 1002, 500000000, "abc", 3);
	/* v0, payload shorter than the 8 bytes read ahead. */
	rec_v0(f, &D, KTR_NAMEI, 999, 250, "/tmp", 4);
	rec_v0(f, &D, KTR_CSW, 999, 500, "\0\0\0\0\1\0\0\0", 8);
	call(f, &A, KTR_SYSCALL, 1003, 0, 1, 1, zero);
}

static const struct who F = { 505, "freebsd", 500005 };

/* A STRUCT-style payload: NUL-terminated name, then `n` bytes of `d`. */
static size_t
named(uint8_t *p, const char *name, const void *d, size_t n)
{
	size_t nl = strlen(name) + 1;

	memcpy(p, name, nl);
	memcpy(p + nl, d, n);
	return (nl + n);
}

/*
 * freebsd.ktr: the record types FreeBSD's kernel writes and libktrq does
 * not, laid out byte by byte after FreeBSD's sys/ktrace.h (amd64), and
 * the variants of the common types only FreeBSD writes (CSW with its wait
 * message, utrace records of malloc, binary and NUL-holding GIO data).
 */
static void
freebsd(FILE *f)
{
	uint8_t p[16 + 1024], d[256];	/* p: a CAPFAIL payload */
	size_t n;
	int64_t t = 2000;

	/* PROCCTOR (sv_flags) and PROCDTOR print nothing. */
	le(p, 0x9, 4);
	rec(f, &F, 10, t, 1, p, 4);
	/* SCTL: the MIB name. */
	rec(f, &F, 9, t, 2, "kern.ostype", 11);
	/* CSW with wmesg (16 bytes). */
	memset(p, 0, 16);
	le(p, 1, 4);
	memcpy(p + 8, "select", 6);
	rec(f, &F, KTR_CSW, t, 3, p, 16);
	/* USER: malloc's utrace, 24 bytes: init, malloc, realloc, free. */
	memset(p, 0xff, 8);
	memset(p + 8, 0, 16);
	rec(f, &F, KTR_USER, t, 4, p, 24);
	le(p, 0, 8); le(p + 8, 100, 8); le(p + 16, 0x801000, 8);
	rec(f, &F, KTR_USER, t, 5, p, 24);
	le(p, 0x801000, 8); le(p + 8, 200, 8); le(p + 16, 0x802000, 8);
	rec(f, &F, KTR_USER, t, 6, p, 24);
	le(p, 0x802000, 8); le(p + 8, 0, 8); le(p + 16, 0, 8);
	rec(f, &F, KTR_USER, t, 7, p, 24);
	/* ...and a 32-bit process's (12 bytes). */
	le(p, 0, 4); le(p + 4, 16, 4); le(p + 8, 0x2000, 4);
	rec(f, &F, KTR_USER, t, 8, p, 12);
	/* GIO: text with NUL, CR, backslash, tab; then 40 binary bytes. */
	le(p, 3, 4); le(p + 4, 0, 4);
	memcpy(p + 8, "a\0b\r\t|\n\0" "7\\", 10);
	rec(f, &F, KTR_GENIO, t, 9, p, 18);
	for (n = 0; n < 40; n++)
		p[8 + n] = (uint8_t)(n * 7);
	rec(f, &F, KTR_GENIO, t, 10, p, 48);
	/* STRUCT: itimerval, sockaddr (inet, inet6, unix), stat, bad. */
	memset(d, 0, sizeof(d));
	le(d, 1, 8); le(d + 8, 500000, 8); le(d + 16, 2, 8); le(d + 24, 0, 8);
	rec(f, &F, 8, t, 11, p, named(p, "itimerval", d, 32));
	memset(d, 0, sizeof(d));
	d[0] = 16; d[1] = 2; d[2] = 0x1f; d[3] = 0x90;
	d[4] = 127; d[5] = 0; d[6] = 0; d[7] = 1;
	rec(f, &F, 8, t, 12, p, named(p, "sockaddr", d, 16));
	memset(d, 0, sizeof(d));
	d[0] = 28; d[1] = 28; d[2] = 0; d[3] = 80; d[23] = 1;
	rec(f, &F, 8, t, 13, p, named(p, "sockaddr", d, 28));
	memset(d, 0, sizeof(d));
	d[0] = 14; d[1] = 1;
	memcpy(d + 2, "/tmp/sock", 9);
	rec(f, &F, 8, t, 14, p, named(p, "sockaddr", d, 14));
	memset(d, 0, sizeof(d));
	le(d, 0x5a, 8); le(d + 8, 1234, 8); le(d + 16, 1, 8);
	le(d + 24, 0100644, 2); le(d + 28, 1001, 4); le(d + 32, 0, 4);
	le(d + 48, 1700000000, 8); le(d + 56, 5, 8);
	le(d + 64, 1700000001, 8); le(d + 80, 1700000002, 8);
	le(d + 112, 4096, 8); le(d + 120, 8, 8); le(d + 128, 32768, 4);
	le(d + 132, 0x20, 4);
	rec(f, &F, 8, t, 15, p, named(p, "stat", d, 224));
	rec(f, &F, 8, t, 16, p, named(p, "stat", d, 10));
	rec(f, &F, 8, t, 17, p, named(p, "widget", d, 4));
	rec(f, &F, 8, t, 18, "noterminator", 12);
	/* CAPFAIL: not capable, a syscall, a namei. */
	memset(p, 0, sizeof(p));
	le(p + 16, 0x200000000000001ULL, 8); le(p + 24, 0x400000000000000ULL, 8);
	le(p + 32, 0x200000000000002ULL, 8); le(p + 40, 0x400000000000000ULL, 8);
	rec(f, &F, 12, t, 19, p, 16 + 1024);
	memset(p, 0, sizeof(p));
	le(p, 2, 4); le(p + 4, 5, 2);
	rec(f, &F, 12, t, 20, p, 16 + 1024);
	memset(p, 0, sizeof(p));
	le(p, 6, 4);
	memcpy(p + 16, "/etc/passwd", 11);
	rec(f, &F, 12, t, 21, p, 16 + 1024);
	/* FAULT, FAULTEND. */
	memset(p, 0, 16);
	le(p, 0x7ffffffff000, 8); le(p + 8, 3, 4);
	rec(f, &F, 13, t, 22, p, 16);
	le(p, 0, 4);
	rec(f, &F, 14, t, 23, p, 4);
	le(p, 2, 4);
	rec(f, &F, 14, t, 24, p, 4);
	le(p, 99, 4);
	rec(f, &F, 14, t, 25, p, 4);
	/* STRUCT_ARRAY: two kevents; an unknown structure. */
	memset(p, 0, sizeof(p));
	le(p, 64, 8);
	memcpy(p + 8, "kevent", 7);
	le(p + 15, 3, 8); le(p + 23, (uint64_t)-1 & 0xffff, 2);
	le(p + 25, 0x11, 2);
	le(p + 79, 4, 8); le(p + 87, (uint64_t)-2 & 0xffff, 2);
	rec(f, &F, 15, t, 26, p, 15 + 128);
	le(p, 4, 8);
	memcpy(p + 8, "gizmo", 6);
	rec(f, &F, 15, t, 27, p, 14 + 8);
	/* A type number FreeBSD does not have: hidden, as in kdump. */
	rec(f, &F, 16, t, 28, "xyz", 3);
	rec(f, &F, 11, t, 29, "", 0);
	/* PSIG: SIGSEGV with its code, an unknown code, SIGRT, 99. */
	psig(f, &F, t, 30, 11, 0x401000, 1, 0x10, 0x20);
	psig(f, &F, t, 31, 11, 0, 77, 0, 0);
	psig(f, &F, t, 32, 66, 0, 0x10002, 0, 0);
	psig(f, &F, t, 33, 200, 0, 0, 0, 0);
	/* RET: an errno past the table, and EJUSTRETURN. */
	ret(f, &F, t, 34, 3, 93, -1);
	ret(f, &F, t, 35, 3, 150, -1);
	ret(f, &F, t, 36, 417, -2, 0);
}

/*
 * decode.ktr: CALL records of the syscall families kdump decodes, for a
 * process whose PROCCTOR says FreeBSD amd64 (sv_flags 0x0c0209: the ABI
 * in the low byte, SV_LP64), with unknown bits and values; the same
 * calls for a process with no PROCCTOR, one with a Linux ABI and one
 * 32-bit FreeBSD one, none of which kdump decodes but the last (whose
 * 64-bit offsets take two slots), until a new PROCCTOR makes it 64-bit;
 * then the FreeBSD process's PROCDTOR, after which it is not decoded.
 */
static const struct who G = { 606, "fbsd", 600006 };
static const struct who NC = { 607, "noctor", 600007 };
static const struct who LX = { 608, "linux", 600008 };
static const struct who I32 = { 609, "fbsd32", 600009 };

#define	PATH	0x400000
#define	BUF	0x7fffffffe000ULL
#define	MINUS1	0xffffffffffffffffULL

/* One CALL of `w` at the next nanosecond. */
#define	SC(w, code, ...) do {						\
	static const uint64_t a_[] = { __VA_ARGS__ };			\
	call(f, w, KTR_SYSCALL, 3000, ns++, code,			\
	    (int)(sizeof(a_) / sizeof(a_[0])), a_);			\
} while (0)

static void
abi(FILE *f, const struct who *w, int type, uint32_t sv_flags, int64_t ns)
{
	uint8_t p[4];

	le(p, sv_flags, 4);
	rec(f, w, type, 3000, ns, p, type == 10 ? 4 : 0);
}

/* Files and modes: open(at), access, at-flags, chmod/mkdir, umask. */
static int64_t
decode_files(FILE *f, int64_t ns)
{

	SC(&G, 5, PATH, 0, 0x1b6);		/* O_RDONLY: no mode */
	SC(&G, 5, PATH, 0x601, 0644);		/* O_WRONLY|O_CREAT|O_TRUNC */
	SC(&G, 5, PATH, 0x80000002, 0);		/* unknown bit 31 dropped */
	SC(&G, 5, PATH, 0x3, 0);		/* O_ACCMODE: no name */
	SC(&G, 5, PATH, 0x140000, 0);		/* O_EXEC|O_CLOEXEC */
	SC(&G, 5, PATH);			/* a short record */
	SC(&G, 499, (uint64_t)-100, PATH, 0x120000, 0);
	SC(&G, 499, 3, PATH, 0xa02, 0);		/* O_CREAT, mode 0 */
	SC(&G, 33, PATH, 6);
	SC(&G, 33, PATH, 0);
	SC(&G, 33, PATH, 0x10);			/* no name at all */
	SC(&G, 489, (uint64_t)-100, PATH, 1, 0x100);
	SC(&G, 552, 5, PATH, BUF, 0x8200);	/* unknown 0x8000 dropped */
	SC(&G, 503, (uint64_t)-100, PATH, 0);
	SC(&G, 503, (uint64_t)-100, PATH, 1);
	SC(&G, 495, (uint64_t)-100, PATH, 4, PATH + 16, 0x400);
	SC(&G, 502, PATH, (uint64_t)-100, PATH + 16);
	SC(&G, 15, PATH, 04755);
	SC(&G, 60, 022);
	SC(&G, 60, 022, 5);			/* kdump's '(' after umask */
	SC(&G, 136, PATH, 0);
	SC(&G, 136, PATH, 0200000);
	SC(&G, 490, (uint64_t)-100, PATH, 0600, 0x200);
	SC(&G, 131, 3, 6);
	SC(&G, 131, 3, 0);
	SC(&G, 478, 3, 0x100, 0);
	SC(&G, 478, 3, MINUS1, 7);
	SC(&G, 92, 3, 1, 0);			/* F_GETFD: no argument */
	SC(&G, 92, 3, 2, 1);
	SC(&G, 92, 3, 4, 4);
	SC(&G, 92, 3, 4, 0x304);		/* FPOIXSHM|FRDAHEAD */
	SC(&G, 92, 3, 17, 0);
	SC(&G, 92, 3, 12, BUF);
	SC(&G, 92, 3, 99, 5);
	SC(&G, 54, 0, 0x402c7413, BUF);
	SC(&G, 54, 1, 0x4004667f, BUF);
	SC(&G, 54, 3, 0xc0206919, BUF);		/* not in the table */
	SC(&G, 575, 3, 0xffffffff, 4);
	return (ns);
}

/* Memory, processes and signals. */
static int64_t
decode_procs(FILE *f, int64_t ns)
{

	SC(&G, 477, 0, 0x1000, 3, 0x1002, MINUS1, 0);
	SC(&G, 477, 0, 0x1000, 0, 0, 3, 0);
	SC(&G, 477, 0, 0x1000, 0x70001, 0x1000001, 3, 0);
	SC(&G, 477, 0, 0x1000, 0x10, 0x0c080002, 3, 0);
	SC(&G, 74, BUF, 0x1000, 1);
	SC(&G, 75, BUF, 0x1000, 5);
	SC(&G, 75, BUF, 0x1000, 4);
	SC(&G, 75, BUF, 0x1000, 99);
	SC(&G, 65, BUF, 0x1000, 0);
	SC(&G, 65, BUF, 0x1000, 3);
	SC(&G, 324, 3);
	SC(&G, 251, 0x54);
	SC(&G, 251, 0x80000000);
	SC(&G, 7, MINUS1, BUF, 3, 0);
	SC(&G, 7, 101, BUF, 0, 0);
	SC(&G, 7, 101, BUF, 16, 0);		/* WEXITED only: no name */
	SC(&G, 532, 0, 101, BUF, 0x11, 0, 0);
	SC(&G, 37, 101, 15);
	SC(&G, 37, 101, 0);
	SC(&G, 433, 100001, 30);
	SC(&G, 416, 2, BUF, 0);
	SC(&G, 416, 66, BUF, 0);
	SC(&G, 340, 1, BUF, 0);
	SC(&G, 340, 0, BUF, 0);
	SC(&G, 194, 8, BUF);
	SC(&G, 117, MINUS1, BUF);
	SC(&G, 96, 0, 0, 10);
	SC(&G, 165, 129, BUF);
	SC(&G, 26, 10, 101, 0, 0);
	SC(&G, 221, 0x1234, 1, 01600);
	SC(&G, 531, 3, 0, 0, 2);
	SC(&G, 4, 1, BUF, 12);			/* write: not decoded */
	return (ns);
}

/* Sockets. */
static int64_t
decode_sockets(FILE *f, int64_t ns)
{

	SC(&G, 97, 2, 0x10000001, 6);
	SC(&G, 97, 1, 2, 0);
	SC(&G, 97, 99, 9, 0);
	SC(&G, 97, 28, 2, 999);
	SC(&G, 135, 1, 0x20000001, 0, BUF);
	SC(&G, 105, 3, 0xffff, 4, BUF, 4);
	SC(&G, 105, 3, 6, 1, BUF, 4);
	SC(&G, 105, 3, 0, 66, BUF, 4);		/* IP_MINTTL: kdump has none */
	SC(&G, 105, 3, 0x1234, 5, BUF, 4);
	SC(&G, 118, 3, 0xffff, 0x1007, BUF, BUF + 8);
	SC(&G, 134, 3, 1);
	SC(&G, 134, 3, 7);
	SC(&G, 133, 3, BUF, 10, 0x20080, BUF + 16, 16);
	SC(&G, 29, 3, BUF, 10, 0, 0, 0);
	return (ns);
}

static void
decode_trace(FILE *f)
{
	int64_t ns = 1;

	abi(f, &G, 10, 0x0c0209, ns++);
	abi(f, &LX, 10, 0x0c0203, ns++);
	abi(f, &I32, 10, 0x004109, ns++);
	ns = decode_files(f, ns);
	ns = decode_procs(f, ns);
	ns = decode_sockets(f, ns);
	/* None of these is decoded by kdump but the last's lseek. */
	SC(&NC, 5, PATH, 0x601, 0644);
	SC(&NC, 97, 2, 1, 6);
	SC(&LX, 5, PATH, 0x601, 0644);
	SC(&I32, 5, PATH, 0x601, 0644);
	SC(&I32, 478, 3, 0x1000, 0x1, 2);	/* offset in two slots */
	/* A new PROCCTOR replaces the old (an exec of a 64-bit binary). */
	abi(f, &I32, 10, 0x0c0209, ns++);
	SC(&I32, 478, 3, 0x1000, 2);
	abi(f, &G, 11, 0, ns++);
	SC(&G, 5, PATH, 0x601, 0644);
}

/* A v1 header with the given length and type, into hb. */
static void
bad_hdr(uint8_t hb[KTRQ_REC_HDR_V1_SIZE], int type, int32_t len)
{
	struct ktrq_rec_hdr h;

	hdr_init(&h, &A, type, 1004, 0, 0);
	h.len = len;
	ktrq_rec_hdr_encode(hb, &h);
}

/* A corrupt file: the good prefix (unless bare), then `n` bytes of `bad`. */
static void
corrupt(const char *name, int bare, const void *bad, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	if ((f = fopen(path, "wb")) == NULL)
		die(path);
	if (!bare)
		prefix(f);
	put(f, bad, n);
	if (fclose(f) != 0)
		die(path);
}

static void
corrupt_files(void)
{
	uint8_t b[KTRQ_REC_HDR_V1_SIZE + 32];

	memset(b, 0, sizeof(b));
	corrupt("empty.ktr", 1, b, 0);
	bad_hdr(b, KTR_SYSRET, 16);
	corrupt("trunc_hdr.ktr", 0, b, 30);
	corrupt("trunc_hdr0.ktr", 1, b, 5);
	corrupt("trunc_payload.ktr", 0, b, KTRQ_REC_HDR_V1_SIZE + 5);
	bad_hdr(b, KTR_SYSRET, 17);
	corrupt("bad_ret_len.ktr", 0, b, KTRQ_REC_HDR_V1_SIZE + 17);
	bad_hdr(b, KTR_SYSRET, -1);
	corrupt("neg_len.ktr", 0, b, KTRQ_REC_HDR_V1_SIZE + 16);
	bad_hdr(b, KTR_SYSRET, KTRQ_REC_MAXLEN + 1);
	corrupt("absurd_len.ktr", 0, b, KTRQ_REC_HDR_V1_SIZE + 16);
	bad_hdr(b, KTR_SYSRET, 16);
	b[6] = 2;	/* version field */
	corrupt("bad_version.ktr", 0, b, KTRQ_REC_HDR_V1_SIZE + 16);
	bad_hdr(b, KTR_SYSRET, 16);
	le(b + 40, 1000000000, 8);	/* nsec not normalised */
	corrupt("bad_time.ktr", 0, b, KTRQ_REC_HDR_V1_SIZE + 16);
	/* A v0 header, complete, whose 4-byte payload stops after 2. */
	memset(b, 0, sizeof(b));
	le(b, 4, 4);
	le(b + 4, KTR_NAMEI, 2);
	corrupt("trunc_v0_payload.ktr", 0, b, KTRQ_REC_HDR_V0_SIZE + 2);
	corrupt("trunc_v0_hdr.ktr", 0, b, KTRQ_REC_HDR_V0_SIZE - 6);
}

int
main(int argc, char **argv)
{
	char path[4096];
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_trace OUTDIR\n");
		return (2);
	}
	outdir = argv[1];
	snprintf(path, sizeof(path), "%s/golden.ktr", outdir);
	if ((f = fopen(path, "wb")) == NULL)
		die(path);
	golden(f);
	if (fclose(f) != 0)
		die(path);
	snprintf(path, sizeof(path), "%s/freebsd.ktr", outdir);
	if ((f = fopen(path, "wb")) == NULL)
		die(path);
	freebsd(f);
	if (fclose(f) != 0)
		die(path);
	snprintf(path, sizeof(path), "%s/decode.ktr", outdir);
	if ((f = fopen(path, "wb")) == NULL)
		die(path);
	decode_trace(f);
	if (fclose(f) != 0)
		die(path);
	corrupt_files();
	return (0);
}
