/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kdump(1)-style text for one decoded record.
 *
 * Every record is one line:
 *	"%6d %-8.19s " pid, comm; "%6jd " tid (-H); times (-T, -E, -R);
 *	the tag padded to 4 columns and two spaces; the fields.
 * GIO data and USER bytes follow on lines of their own, indented by 7
 * spaces, so the record line stays greppable:
 *	GIO data: C-escaped text in double quotes, one quoted string per
 *	line; a line ends after each newline byte (shown as \n) or before it
 *	would pass 64 escaped columns.  Printable ASCII is itself, except
 *	\\ and \"; \n \t \r are named; every other byte is \ooo (3 octal
 *	digits, never ambiguous).  NAMI paths use the same escapes, inline.
 *	USER bytes: hex, 16 bytes per line ("68 65 6c ...").
 * -m caps the bytes of data shown; the byte count printed is the record's.
 *
 * Nothing here trusts a value more than its decoder checked it: table
 * lookups are bounds-checked and time arithmetic cannot overflow.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ktrq/record.h"

#include "names.h"
#include "print.h"

#define	DATA_INDENT	"       "
#define	DATA_WIDTH	64	/* escaped columns per data line */
#define	HEX_PER_LINE	16
#define	NSEC_PER_SEC	1000000000

/* FreeBSD's pseudo-errors of a syscall that does not return normally. */
#define	FREEBSD_ERESTART	(-1)
#define	FREEBSD_EJUSTRETURN	(-2)

int
ktrq_dump_decode(const struct ktrq_rec_hdr *h, const uint8_t *payload,
    struct ktrq_dump_rec *r)
{
	size_t len;

	len = (size_t)h->len;
	r->hdr = *h;
	r->type = h->type & ~KTR_TYPE;
	r->data = payload;
	r->datalen = len;
	switch (r->type) {
	case KTR_SYSCALL:
		return (ktrq_rec_syscall_decode(payload, len, &r->u.syscall));
	case KTR_SYSRET:
		return (ktrq_rec_sysret_decode(payload, len, &r->u.sysret));
	case KTR_GENIO:
		if (len >= KTRQ_REC_GENIO_SIZE) {
			r->data = payload + KTRQ_REC_GENIO_SIZE;
			r->datalen = len - KTRQ_REC_GENIO_SIZE;
		}
		return (ktrq_rec_genio_decode(payload, len, &r->u.genio));
	case KTR_PSIG:
		return (ktrq_rec_psig_decode(payload, len, &r->u.psig));
	case KTR_CSW:
		return (ktrq_rec_csw_decode(payload, len, &r->u.csw));
	case KTR_USER:
		/* utrace(2) refuses more, so more is not a real record. */
		return (len > KTRQ_REC_USER_MAX ? EBADMSG : 0);
	default:
		/* NAMI and unknown types: any length is a valid payload. */
		return (0);
	}
}

int
ktrq_dump_pid_selected(const struct ktrq_dump_opts *o,
    const struct ktrq_rec_hdr *h)
{

	return (!o->pid_set || h->pid == o->pid);
}

int
ktrq_dump_selected(const struct ktrq_dump_opts *o,
    const struct ktrq_dump_rec *r)
{
	unsigned bit;

	if (r->type >= KTR_SYSCALL && r->type <= KTR_USER)
		bit = KTRQ_DUMP_TYPE(r->type);
	else
		bit = KTRQ_DUMP_OTHER;
	return ((o->types & bit) != 0 && ktrq_dump_pid_selected(o, &r->hdr));
}

static size_t
capped(const struct ktrq_dump_opts *o, size_t len)
{

	if (o->maxdata != 0 && len > o->maxdata)
		return (o->maxdata);
	return (len);
}

static void
print_who(FILE *out, const struct ktrq_dump_opts *o,
    const struct ktrq_rec_hdr *h)
{

	fprintf(out, "%6jd %-8.*s ", (intmax_t)h->pid,
	    KTRQ_REC_COMM_SIZE - 1, h->comm);
	if (o->tid)
		fprintf(out, "%6jd ", (intmax_t)h->tid);
}

/*
 * Print (s1, ns1) - (s0, ns0).  The difference of two int64 seconds can
 * exceed int64, so it is taken as an unsigned magnitude and a sign; the
 * decoder guarantees both nsec are in [0, 10^9).
 */
static void
print_delta(FILE *out, int64_t s1, int64_t ns1, int64_t s0, int64_t ns0)
{
	uint64_t sec;
	int64_t nsec;

	if (s1 < s0 || (s1 == s0 && ns1 < ns0)) {
		fputc('-', out);
		print_delta(out, s0, ns0, s1, ns1);
		return;
	}
	/* s1 >= s0: the modular difference is the exact magnitude. */
	sec = (uint64_t)s1 - (uint64_t)s0;
	nsec = ns1 - ns0;
	if (nsec < 0) {
		nsec += NSEC_PER_SEC;
		sec--;		/* s1 > s0 here, so sec >= 1 */
	}
	fprintf(out, "%ju.%09jd ", (uintmax_t)sec, (intmax_t)nsec);
}

static void
print_times(FILE *out, const struct ktrq_dump_opts *o,
    struct ktrq_dump_clock *c, const struct ktrq_rec_hdr *h)
{

	if (!c->started) {
		c->started = 1;
		c->first_sec = c->prev_sec = h->sec;
		c->first_nsec = c->prev_nsec = h->nsec;
	}
	if (o->abstime)
		fprintf(out, "%jd.%09jd ", (intmax_t)h->sec, (intmax_t)h->nsec);
	if (o->elapsed)
		print_delta(out, h->sec, h->nsec, c->first_sec, c->first_nsec);
	if (o->reltime)
		print_delta(out, h->sec, h->nsec, c->prev_sec, c->prev_nsec);
	c->prev_sec = h->sec;
	c->prev_nsec = h->nsec;
}

/* The escaped form of byte `b` in tok (NUL-terminated); returns its width. */
static size_t
escape(uint8_t b, char tok[5])
{
	static const char octal[] = "01234567";
	char named;

	switch (b) {
	case '\\':
	case '"':
		named = (char)b;
		break;
	case '\n':
		named = 'n';
		break;
	case '\t':
		named = 't';
		break;
	case '\r':
		named = 'r';
		break;
	default:
		named = '\0';
		break;
	}
	if (named != '\0') {
		tok[0] = '\\';
		tok[1] = named;
		tok[2] = '\0';
		return (2);
	}
	if (b >= 0x20 && b < 0x7f) {
		tok[0] = (char)b;
		tok[1] = '\0';
		return (1);
	}
	tok[0] = '\\';
	tok[1] = octal[b >> 6];
	tok[2] = octal[(b >> 3) & 7];
	tok[3] = octal[b & 7];
	tok[4] = '\0';
	return (4);
}

static void
print_escaped_inline(FILE *out, const uint8_t *p, size_t n)
{
	char tok[5];
	size_t i;

	for (i = 0; i < n; i++) {
		escape(p[i], tok);
		fputs(tok, out);
	}
}

static void
print_text_lines(FILE *out, const uint8_t *p, size_t n)
{
	char tok[5];
	size_t i, w, col;
	int open;

	open = 0;
	col = 0;
	for (i = 0; i < n; i++) {
		w = escape(p[i], tok);
		if (open && col + w > DATA_WIDTH) {
			fputs("\"\n", out);
			open = 0;
		}
		if (!open) {
			fputs(DATA_INDENT "\"", out);
			open = 1;
			col = 0;
		}
		fputs(tok, out);
		col += w;
		if (p[i] == '\n') {
			fputs("\"\n", out);
			open = 0;
		}
	}
	if (open)
		fputs("\"\n", out);
}

static void
print_hex_lines(FILE *out, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i % HEX_PER_LINE == 0)
			fputs(DATA_INDENT, out);
		fprintf(out, "%02x", p[i]);
		fputc((i % HEX_PER_LINE == HEX_PER_LINE - 1 || i == n - 1) ?
		    '\n' : ' ', out);
	}
}

static void
print_sysname(FILE *out, const struct ktrq_dump_opts *o, int code)
{
	const char *name;

	name = o->numeric ? NULL : ktrq_dump_syscall_name(code);
	if (name != NULL)
		fputs(name, out);
	else
		fprintf(out, "[%d]", code);
}

static void
print_syscall(FILE *out, const struct ktrq_dump_opts *o,
    const struct ktrq_rec_syscall *s)
{
	int i;

	print_sysname(out, o, s->code);
	/* As kdump: no parentheses at all for a call without arguments. */
	for (i = 0; i < s->narg; i++)
		fprintf(out, "%s0x%jx", i == 0 ? "(" : ",",
		    (uintmax_t)s->args[i]);
	if (s->narg > 0)
		fputc(')', out);
	fputc('\n', out);
}

static void
print_sysret(FILE *out, const struct ktrq_dump_opts *o,
    const struct ktrq_rec_sysret *s)
{
	const char *text;

	print_sysname(out, o, s->code);
	fputc(' ', out);
	if (s->error == 0) {
		fprintf(out, "%jd", (intmax_t)s->retval);
		/* As kdump: hex adds nothing for 0..9. */
		if (s->retval < 0 || s->retval > 9)
			fprintf(out, "/%#jx", (uintmax_t)(uint64_t)s->retval);
	} else if (s->error == FREEBSD_ERESTART) {
		fputs("RESTART", out);
	} else if (s->error == FREEBSD_EJUSTRETURN) {
		fputs("JUSTRETURN", out);
	} else {
		fprintf(out, "-1 errno %jd", (intmax_t)s->error);
		if ((text = ktrq_dump_errno_text(s->error)) != NULL)
			fprintf(out, " %s", text);
	}
	fputc('\n', out);
}

static void
print_namei(FILE *out, const struct ktrq_dump_opts *o,
    const struct ktrq_dump_rec *r)
{

	fputc('"', out);
	print_escaped_inline(out, r->data, capped(o, r->datalen));
	fputs("\"\n", out);
}

static void
print_genio(FILE *out, const struct ktrq_dump_opts *o,
    const struct ktrq_dump_rec *r)
{
	const struct ktrq_rec_genio *g = &r->u.genio;

	fprintf(out, "fd %jd %s %zu byte%s\n", (intmax_t)g->fd,
	    g->rw == 0 ? "read" : "wrote", r->datalen,
	    r->datalen == 1 ? "" : "s");
	print_text_lines(out, r->data, capped(o, r->datalen));
}

/* Word 0 alone, as kdump, unless signals above 32 are blocked too. */
static void
print_mask(FILE *out, const uint32_t mask[4])
{

	if (mask[1] == 0 && mask[2] == 0 && mask[3] == 0)
		fprintf(out, "0x%jx", (uintmax_t)mask[0]);
	else
		fprintf(out, "0x%jx,0x%jx,0x%jx,0x%jx", (uintmax_t)mask[0],
		    (uintmax_t)mask[1], (uintmax_t)mask[2],
		    (uintmax_t)mask[3]);
}

static void
print_psig(FILE *out, const struct ktrq_rec_psig *p)
{
	const char *name;

	if ((name = ktrq_dump_signal_name(p->signo)) != NULL)
		fprintf(out, "SIG%s ", name);
	else
		fprintf(out, "SIG%jd ", (intmax_t)p->signo);
	if (p->action == 0)
		fputs("SIG_DFL", out);
	else if (p->action == 1)
		fputs("SIG_IGN", out);
	else {
		fprintf(out, "caught handler=0x%jx mask=",
		    (uintmax_t)p->action);
		print_mask(out, p->mask);
	}
	fprintf(out, " code=%jd\n", (intmax_t)p->code);
}

static void
print_user(FILE *out, const struct ktrq_dump_opts *o,
    const struct ktrq_dump_rec *r)
{

	fprintf(out, "%zu byte%s\n", r->datalen, r->datalen == 1 ? "" : "s");
	print_hex_lines(out, r->data, capped(o, r->datalen));
}

void
ktrq_dump_print_drop(FILE *out, const struct ktrq_dump_opts *o,
    const struct ktrq_rec_hdr *h)
{

	print_who(out, o, h);
	fputs("Events dropped.\n", out);
}

void
ktrq_dump_print(FILE *out, const struct ktrq_dump_opts *o,
    struct ktrq_dump_clock *c, const struct ktrq_dump_rec *r)
{
	const char *tag;

	print_who(out, o, &r->hdr);
	print_times(out, o, c, &r->hdr);
	if ((tag = ktrq_rec_tag(r->type)) != NULL)
		fprintf(out, "%-4s  ", tag);
	switch (r->type) {
	case KTR_SYSCALL:
		print_syscall(out, o, &r->u.syscall);
		break;
	case KTR_SYSRET:
		print_sysret(out, o, &r->u.sysret);
		break;
	case KTR_NAMEI:
		print_namei(out, o, r);
		break;
	case KTR_GENIO:
		print_genio(out, o, r);
		break;
	case KTR_PSIG:
		print_psig(out, &r->u.psig);
		break;
	case KTR_CSW:
		fprintf(out, "%s %s\n", r->u.csw.out ? "stop" : "resume",
		    r->u.csw.user ? "user" : "kernel");
		break;
	case KTR_USER:
		print_user(out, o, r);
		break;
	default:
		fprintf(out, "UNKNOWN(%d)  %zu byte%s\n", r->type,
		    r->datalen, r->datalen == 1 ? "" : "s");
		break;
	}
}
