/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ktrq-dump reader: a record at a time from a stream, each checked in
 * full before any of it is printed.
 *
 * A header is 56 (v0) or 64 (v1) bytes and only its type field tells
 * which, so, like kdump, the reader reads 64 bytes and, after a v0
 * header, keeps the 8 left over as the start of what follows: the payload
 * or, when it is shorter than 8, the next header too.  Nothing is ever
 * read ahead beyond that one header's worth, so the reader works on
 * pipes, and memory is one header plus one payload buffer that grows to
 * the largest payload seen, never past KTRQ_REC_MAXLEN.
 *
 * The first problem ends the dump with one message naming the byte
 * offset of the record at fault; all earlier records are already out.
 *
 * Like kdump, the reader also keeps the ABI each process's PROCCTOR
 * record gave (until its PROCDTOR): kdump names syscall arguments only
 * for FreeBSD-ABI processes, so that list grows by one entry per live
 * traced process, whatever the filters.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktrq/record.h"

#include "dump.h"
#include "print.h"

/* First payload buffer; it grows by doubling. */
#define	PAYLOAD_MIN	4096
/* First size of the process list; it grows by doubling. */
#define	PROCS_MIN	16

#if defined(__GNUC__) || defined(__clang__)
#define	PRINTFLIKE(f, a) __attribute__((__format__(__printf__, f, a)))
#else
#define	PRINTFLIKE(f, a)
#endif

/* What a PROCCTOR record said about a process (kdump's proc_info). */
struct proc_abi {
	int32_t		pid;
	uint32_t	sv_flags;
};

struct reader {
	FILE		*in;
	const char	*name;
	FILE		*out;
	FILE		*err;
	uint8_t		hbuf[KTRQ_REC_HDR_V1_SIZE]; /* read ahead */
	size_t		have;	/* valid bytes in hbuf */
	uint8_t		*buf;	/* payload, `cap` bytes */
	size_t		cap;
	uintmax_t	off;	/* file offset of hbuf[0] */
	struct proc_abi	*procs;	/* kdump's trace_procs, `nprocs` of them */
	size_t		nprocs;
	size_t		capprocs;
};

void
ktrq_dump_opts_init(struct ktrq_dump_opts *o)
{

	memset(o, 0, sizeof(*o));
	o->types = KTRQ_DUMP_ALL;
	o->tid = 0;
}

/*
 * Report a problem with the record at the current offset.  The output is
 * flushed first so the message follows the records printed before it
 * even when both streams go to one place.
 */
static int	corrupt(struct reader *rd, const char *fmt, ...)
		    PRINTFLIKE(2, 3);

static int
corrupt(struct reader *rd, const char *fmt, ...)
{
	va_list ap;

	fflush(rd->out);
	fprintf(rd->err, "ktrq-dump: %s: offset %ju: ", rd->name, rd->off);
	va_start(ap, fmt);
	vfprintf(rd->err, fmt, ap);
	va_end(ap);
	fputc('\n', rd->err);
	return (KTRQ_DUMP_FAIL);
}

static int
read_error(struct reader *rd)
{
	int error = errno;

	fflush(rd->out);
	fprintf(rd->err, "ktrq-dump: %s: read error: %s\n", rd->name,
	    error != 0 ? strerror(error) : "unknown error");
	return (KTRQ_DUMP_IO);
}

/* Make the payload buffer hold `len` (<= KTRQ_REC_MAXLEN) bytes. */
static int
reserve(struct reader *rd, size_t len)
{
	size_t cap;
	uint8_t *p;

	if (len <= rd->cap)
		return (0);
	cap = rd->cap;
	while (cap < len)
		cap *= 2;
	if (cap > KTRQ_REC_MAXLEN)
		cap = KTRQ_REC_MAXLEN;
	if ((p = realloc(rd->buf, cap)) == NULL)
		return (ENOMEM);
	rd->buf = p;
	rd->cap = cap;
	return (0);
}

/*
 * Read one header.  Returns 0 with *h filled, -1 at a clean end of file
 * (no byte at all), or an exit status after a message.
 */
static int
read_header(struct reader *rd, struct ktrq_rec_hdr *h, size_t *hdrlen)
{
	int error;

	errno = 0;
	rd->have += fread(rd->hbuf + rd->have, 1, sizeof(rd->hbuf) - rd->have,
	    rd->in);
	if (ferror(rd->in))
		return (read_error(rd));
	if (rd->have == 0)
		return (-1);
	error = ktrq_rec_hdr_decode(rd->hbuf, rd->have, h, hdrlen);
	if (error == EMSGSIZE)
		return (corrupt(rd, "truncated header (%zu bytes)", rd->have));
	if (error == 0)
		return (0);
	if (h->len < 0)
		return (corrupt(rd, "negative length %jd", (intmax_t)h->len));
	if (h->len > KTRQ_REC_MAXLEN)
		return (corrupt(rd, "absurd length %jd (more than %d)",
		    (intmax_t)h->len, KTRQ_REC_MAXLEN));
	if ((h->type & KTR_VERSIONED) && h->version != KTR_VERSION1)
		return (corrupt(rd, "unknown version %u",
		    (unsigned)h->version));
	return (corrupt(rd, "bad timestamp"));
}

/*
 * Read the payload of `len` bytes into rd->buf: first what is left in
 * the header buffer, then the rest from the stream.  Returns 0 or an
 * exit status after a message.
 */
static int
read_payload(struct reader *rd, size_t hdrlen, size_t len)
{
	size_t ahead, take, got;

	if (reserve(rd, len) != 0) {
		fflush(rd->out);
		fprintf(rd->err, "ktrq-dump: out of memory for %zu bytes\n",
		    len);
		return (KTRQ_DUMP_IO);
	}
	ahead = rd->have - hdrlen;
	take = ahead < len ? ahead : len;
	memcpy(rd->buf, rd->hbuf + hdrlen, take);
	/* What the payload did not use starts the next record. */
	memmove(rd->hbuf, rd->hbuf + hdrlen + take, ahead - take);
	rd->have = ahead - take;
	errno = 0;
	got = take + fread(rd->buf + take, 1, len - take, rd->in);
	if (ferror(rd->in))
		return (read_error(rd));
	if (got < len)
		return (corrupt(rd, "truncated payload (%zu of %zu bytes)",
		    got, len));
	return (0);
}

static int
write_error(struct reader *rd)
{
	int error = errno;

	fprintf(rd->err, "ktrq-dump: write error: %s\n",
	    error != 0 ? strerror(error) : "unknown error");
	return (KTRQ_DUMP_IO);
}

static struct proc_abi *
proc_find(struct reader *rd, int32_t pid)
{
	size_t i;

	for (i = 0; i < rd->nprocs; i++)
		if (rd->procs[i].pid == pid)
			return (&rd->procs[i]);
	return (NULL);
}

/* A PROCCTOR replaces what was known of its pid; returns 0 or ENOMEM. */
static int
proc_ctor(struct reader *rd, int32_t pid, uint32_t sv_flags)
{
	struct proc_abi *p;
	size_t cap;

	if ((p = proc_find(rd, pid)) == NULL) {
		if (rd->nprocs == rd->capprocs) {
			cap = rd->capprocs == 0 ? PROCS_MIN : rd->capprocs * 2;
			if (cap > SIZE_MAX / sizeof(*p) ||
			    (p = realloc(rd->procs, cap * sizeof(*p))) == NULL)
				return (ENOMEM);
			rd->procs = p;
			rd->capprocs = cap;
		}
		p = &rd->procs[rd->nprocs++];
		p->pid = pid;
	}
	p->sv_flags = sv_flags;
	return (0);
}

static void
proc_dtor(struct reader *rd, int32_t pid)
{
	struct proc_abi *p;

	if ((p = proc_find(rd, pid)) != NULL)
		*p = rd->procs[--rd->nprocs];
}

/*
 * kdump's fetchprocinfo() and findabi(): note the ABI records, then give
 * `r` its process's flags.  Returns 0 or an exit status after a message.
 */
static int
track_abi(struct reader *rd, struct ktrq_dump_rec *r)
{
	struct proc_abi *p;

	if (r->type == KTR_PROCCTOR && proc_ctor(rd, r->hdr.pid,
	    (uint32_t)ktrq_dump_le(r->data, KTRQ_DUMP_PROCCTOR_SIZE)) != 0) {
		fflush(rd->out);
		fprintf(rd->err, "ktrq-dump: out of memory\n");
		return (KTRQ_DUMP_IO);
	}
	if (r->type == KTR_PROCDTOR)
		proc_dtor(rd, r->hdr.pid);
	if ((p = proc_find(rd, r->hdr.pid)) != NULL)
		r->sv_flags = p->sv_flags;
	return (0);
}

/* The name of a type in messages: kdump's tag, or FreeBSD's KTR_ name. */
static const char *
type_name(int type)
{

	switch (type) {
	case KTR_PROCCTOR:
		return ("PROCCTOR");
	case KTR_FAULT:
		return ("FAULT");
	case KTR_FAULTEND:
		return ("FAULTEND");
	case KTR_CAPFAIL:
		return ("CAPFAIL");
	case KTR_STRUCT_ARRAY:
		return ("STRUCT_ARRAY");
	default:
		/* Only the codec's types have other length rules. */
		return (ktrq_rec_tag(type) != NULL ? ktrq_rec_tag(type) :
		    "UNKNOWN");
	}
}

/* Returns 0 to go on, -1 at the end, or an exit status. */
static int
dump_one(struct reader *rd, const struct ktrq_dump_opts *o,
    struct ktrq_dump_clock *clk)
{
	struct ktrq_rec_hdr h;
	struct ktrq_dump_rec r;
	size_t hdrlen;
	int status;

	if ((status = read_header(rd, &h, &hdrlen)) != 0)
		return (status);
	if ((status = read_payload(rd, hdrlen, (size_t)h.len)) != 0)
		return (status);
	if (ktrq_dump_decode(&h, rd->buf, &r) != 0)
		return (corrupt(rd, "malformed %s payload (length %jd)",
		    type_name(r.type), (intmax_t)h.len));
	if ((status = track_abi(rd, &r)) != 0)
		return (status);
	errno = 0;
	/*
	 * As kdump: the drop is said whatever the filters, once until a
	 * record is shown; PROCCTOR and PROCDTOR (the process's ABI) are
	 * never shown.
	 */
	if ((h.type & KTR_DROP) && !clk->drop_logged) {
		ktrq_dump_print_drop(rd->out, o, &h);
		clk->drop_logged = 1;
	}
	if (r.type != KTR_PROCCTOR && r.type != KTR_PROCDTOR &&
	    ktrq_dump_selected(o, &r)) {
		ktrq_dump_print(rd->out, o, clk, &r);
		clk->drop_logged = 0;
	}
	if (ferror(rd->out))
		return (write_error(rd));
	rd->off += hdrlen + (uintmax_t)h.len;
	return (0);
}

int
ktrq_dump_stream(FILE *in, const char *name, FILE *out, FILE *err,
    const struct ktrq_dump_opts *o)
{
	struct ktrq_dump_clock clk;
	struct reader rd;
	int status;

	memset(&rd, 0, sizeof(rd));
	memset(&clk, 0, sizeof(clk));
	rd.in = in;
	rd.name = name;
	rd.out = out;
	rd.err = err;
	rd.cap = PAYLOAD_MIN;
	if ((rd.buf = malloc(rd.cap)) == NULL) {
		fprintf(err, "ktrq-dump: out of memory\n");
		return (KTRQ_DUMP_IO);
	}
	while ((status = dump_one(&rd, o, &clk)) == 0)
		continue;
	free(rd.buf);
	free(rd.procs);
	if (status < 0) {
		errno = 0;
		status = fflush(out) != 0 || ferror(out) ?
		    write_error(&rd) : KTRQ_DUMP_OK;
	}
	return (status);
}
