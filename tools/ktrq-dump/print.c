/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The printer: a checked record to the text kdump(1) prints for it.
 *
 * Each format follows FreeBSD's usr.bin/kdump/kdump.c (the version that
 * reads version-1 headers); where kdump's output depends on the FreeBSD
 * host (libsysdecode tables, the terminal width, the locale) the choice
 * made here is listed in docs/ktrq-dump.md.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ktrq/record.h"

#include "names.h"
#include "print.h"
#include "sysdecode.h"

#define	NSEC_PER_SEC	1000000000
#define	NSEC_PER_USEC	1000

/* FreeBSD's pseudo-errors of a syscall that does not return normally. */
#define	FREEBSD_ERESTART	(-1)
#define	FREEBSD_EJUSTRETURN	(-2)

/* utrace(2) records of FreeBSD's malloc: struct utrace_malloc. */
#define	UTRACE_MALLOC_SIZE	24	/* void *p; size_t s; void *r */
#define	UTRACE_MALLOC32_SIZE	12	/* the same of a 32-bit process */

uint64_t
ktrq_dump_le(const uint8_t *p, int n)
{
	uint64_t v;
	int i;

	v = 0;
	for (i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return (v);
}

/* The exact length a type needs, or 0 when the type has no rule here. */
static int
check_other(int type, size_t len)
{

	switch (type) {
	case KTR_PROCCTOR:
		return (len == KTRQ_DUMP_PROCCTOR_SIZE ? 0 : EBADMSG);
	case KTR_FAULT:
		return (len == KTRQ_DUMP_FAULT_SIZE ? 0 : EBADMSG);
	case KTR_FAULTEND:
		return (len == KTRQ_DUMP_FAULTEND_SIZE ? 0 : EBADMSG);
	case KTR_CAPFAIL:
		return (len >= KTRQ_DUMP_CAPFAIL_MIN ? 0 : EMSGSIZE);
	case KTR_STRUCT_ARRAY:
		return (len >= KTRQ_DUMP_ARRAY_MIN ? 0 : EMSGSIZE);
	default:
		/* NAMI, SCTL, STRUCT, PROCDTOR, unknown: any length. */
		return (0);
	}
}

int
ktrq_dump_decode(const struct ktrq_rec_hdr *h, const uint8_t *payload,
    struct ktrq_dump_rec *r)
{
	size_t len;

	len = (size_t)h->len;
	r->hdr = *h;
	r->type = h->type & ~KTR_TYPE;
	r->sv_flags = 0;
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
		/* FreeBSD adds the wait message; libktrq writes the old one. */
		if (len == KTRQ_DUMP_CSW_WMESG_SIZE) {
			r->data = payload + KTRQ_REC_CSW_SIZE;
			r->datalen = len - KTRQ_REC_CSW_SIZE;
			len = KTRQ_REC_CSW_SIZE;
		}
		return (ktrq_rec_csw_decode(payload, len, &r->u.csw));
	case KTR_USER:
		/* utrace(2) refuses more, so more is not a real record. */
		return (len > KTRQ_REC_USER_MAX ? EBADMSG : 0);
	default:
		return (check_other(r->type, len));
	}
}

int
ktrq_dump_selected(const struct ktrq_dump_opts *o,
    const struct ktrq_dump_rec *r)
{

	if (o->pid_set && r->hdr.pid != o->pid && r->hdr.tid != o->pid)
		return (0);
	return (r->type >= 0 && r->type < 32 &&
	    (o->types & KTRQ_DUMP_TYPE(r->type)) != 0);
}

static void
print_who(FILE *out, const struct ktrq_dump_opts *o,
    const struct ktrq_rec_hdr *h)
{

	/* As kdump: a negative tid (old files' kernel pointers) prints 0. */
	if (o->tid)
		fprintf(out, "%6jd %6jd %-8.*s ", (intmax_t)h->pid,
		    (intmax_t)(h->tid > 0 ? h->tid : 0),
		    KTRQ_REC_COMM_SIZE - 1, h->comm);
	else
		fprintf(out, "%6jd %-8.*s ", (intmax_t)h->pid,
		    KTRQ_REC_COMM_SIZE - 1, h->comm);
}

/*
 * (s1, ns1) - (s0, ns0) normalised as timersub() does: nsec in [0, 1e9)
 * and the sign in the seconds.  The subtraction is done in uint64_t so
 * that absurd times wrap instead of overflowing.
 */
static void
time_sub(int64_t s1, int64_t ns1, int64_t s0, int64_t ns0, int64_t *sp,
    int64_t *nsp)
{
	uint64_t s;
	int64_t ns;

	s = (uint64_t)s1 - (uint64_t)s0;
	ns = ns1 - ns0;
	if (ns < 0) {
		ns += NSEC_PER_SEC;
		s--;
	}
	*sp = s <= INT64_MAX ? (int64_t)s : -(int64_t)(UINT64_MAX - s) - 1;
	*nsp = ns;
}

static int
time_less(int64_t s1, int64_t ns1, int64_t s0, int64_t ns0)
{

	return (s1 < s0 || (s1 == s0 && ns1 < ns0));
}

/* "sec.frac ": 9 digits of a v1 timespec, 6 of a v0 timeval. */
static void
print_time(FILE *out, int v0, const char *sign, int64_t s, int64_t ns)
{

	if (v0)
		fprintf(out, "%s%jd.%06jd ", sign, (intmax_t)s,
		    (intmax_t)(ns / NSEC_PER_USEC));
	else
		fprintf(out, "%s%jd.%09jd ", sign, (intmax_t)s, (intmax_t)ns);
}

/*
 * kdump's -T, -E and -R, in that order.  A base or previous time whose
 * seconds are 0 counts as unset (kdump tests tv_sec == 0), so a trace
 * starting at second 0 rebases until a later second, as in kdump.
 */
static void
print_times(FILE *out, const struct ktrq_dump_opts *o,
    struct ktrq_dump_clock *c, const struct ktrq_rec_hdr *h)
{
	int v0 = h->version == KTR_VERSION0;
	int64_t s, ns;

	if (o->abstime)
		print_time(out, v0, "", h->sec, h->nsec);
	if (o->elapsed) {
		if (c->v[v0].base_sec == 0) {
			c->v[v0].base_sec = h->sec;
			c->v[v0].base_nsec = h->nsec;
		}
		time_sub(h->sec, h->nsec, c->v[v0].base_sec,
		    c->v[v0].base_nsec, &s, &ns);
		print_time(out, v0, "", s, ns);
	}
	if (o->reltime) {
		if (c->v[v0].prev_sec == 0) {
			c->v[v0].prev_sec = h->sec;
			c->v[v0].prev_nsec = h->nsec;
		}
		if (time_less(h->sec, h->nsec, c->v[v0].prev_sec,
		    c->v[v0].prev_nsec)) {
			time_sub(c->v[v0].prev_sec, c->v[v0].prev_nsec,
			    h->sec, h->nsec, &s, &ns);
			print_time(out, v0, "-", s, ns);
		} else {
			time_sub(h->sec, h->nsec, c->v[v0].prev_sec,
			    c->v[v0].prev_nsec, &s, &ns);
			print_time(out, v0, "", s, ns);
		}
		c->v[v0].prev_sec = h->sec;
		c->v[v0].prev_nsec = h->nsec;
	}
}

/* kdump's type column: four characters (padded) and two spaces. */
static void
print_tag(FILE *out, int type)
{
	static const char *const tags[] = {
		[KTR_SYSCALL] = "CALL", [KTR_SYSRET] = "RET ",
		[KTR_NAMEI] = "NAMI", [KTR_GENIO] = "GIO ",
		[KTR_PSIG] = "PSIG", [KTR_CSW] = "CSW ",
		[KTR_USER] = "USER", [KTR_STRUCT] = "STRU",
		[KTR_SYSCTL] = "SCTL", [KTR_CAPFAIL] = "CAP ",
		[KTR_FAULT] = "PFLT", [KTR_FAULTEND] = "PRET",
		[KTR_STRUCT_ARRAY] = "STRU",
	};

	if (type > 0 && type <= KTR_STRUCT_ARRAY && tags[type] != NULL)
		fprintf(out, "%s  ", tags[type]);
	else
		fprintf(out, "UNKNOWN(%d)  ", type);
}

void
ktrq_dump_print_sysname(FILE *out, const struct ktrq_dump_opts *o,
    int code)
{
	const char *name;

	if ((name = ktrq_dump_syscall_name(code)) == NULL) {
		fprintf(out, "[%d]", code);
		return;
	}
	fputs(name, out);
	if (o->sysno)
		fprintf(out, "[%d]", code);
}

void
ktrq_dump_print_signal(FILE *out, int signo)
{
	const char *name;

	if ((name = ktrq_dump_signal_name(signo)) != NULL)
		fprintf(out, "SIG%s", name);
	else if (signo >= FREEBSD_SIGRTMIN && signo <= FREEBSD_SIGRTMAX)
		fprintf(out, "SIGRT%d", signo - FREEBSD_SIGRTMIN);
	else
		fprintf(out, "SIG %d", signo);
}

void
ktrq_dump_print_number(FILE *out, int decimal, uint64_t v)
{

	if (decimal)
		fprintf(out, "%jd", v <= INT64_MAX ? (intmax_t)v :
		    (intmax_t)(-(int64_t)(UINT64_MAX - v) - 1));
	else
		fprintf(out, "%#jx", (uintmax_t)v);
}

/*
 * As kdump: the arguments by name without -n when the process's PROCCTOR
 * said it runs FreeBSD's ABI (none seen: no names, as in kdump), else
 * the numbers; no parentheses at all for a call without arguments.
 */
static void
print_syscall(FILE *out, const struct ktrq_dump_opts *o,
    const struct ktrq_dump_rec *r)
{
	const struct ktrq_rec_syscall *s = &r->u.syscall;
	int i;

	ktrq_dump_print_sysname(out, o, s->code);
	if (!o->numeric && (r->sv_flags & FREEBSD_SV_ABI_MASK) ==
	    FREEBSD_SV_ABI_FREEBSD)
		ktrq_dump_sysdecode_args(out, o->decimal, r->sv_flags, s);
	else {
		for (i = 0; i < s->narg; i++) {
			fputc(i == 0 ? '(' : ',', out);
			ktrq_dump_print_number(out, o->decimal, s->args[i]);
		}
		if (s->narg > 0)
			fputc(')', out);
	}
	fputc('\n', out);
}

static void
print_sysret(FILE *out, const struct ktrq_dump_opts *o,
    const struct ktrq_rec_sysret *s)
{
	int64_t v = s->retval;

	ktrq_dump_print_sysname(out, o, s->code);
	fputc(' ', out);
	if (s->error == 0) {
		if (!o->numeric) {
			fprintf(out, "%jd", (intmax_t)v);
			/* As kdump: hex adds nothing for 0..9. */
			if (v < 0 || v > 9)
				fprintf(out, "/%#jx", (uintmax_t)(uint64_t)v);
		} else if (o->decimal)
			fprintf(out, "%jd", (intmax_t)v);
		else
			fprintf(out, "%#jx", (uintmax_t)(uint64_t)v);
	} else if (s->error == FREEBSD_ERESTART) {
		fputs("RESTART", out);
	} else if (s->error == FREEBSD_EJUSTRETURN) {
		fputs("JUSTRETURN", out);
	} else {
		fprintf(out, "-1 errno %jd", (intmax_t)s->error);
		if (!o->numeric)
			ktrq_dump_print_errno_text(out, s->error);
	}
	fputc('\n', out);
}

/* kdump: printf("\"%.*s\"\n"): the bytes as they are, up to a NUL. */
static void
print_namei(FILE *out, const struct ktrq_dump_rec *r)
{
	size_t n;

	for (n = 0; n < r->datalen && r->data[n] != '\0'; n++)
		continue;
	fputc('"', out);
	fwrite(r->data, 1, n, out);
	fputs("\"\n", out);
}

static void
print_genio(FILE *out, const struct ktrq_dump_opts *o,
    const struct ktrq_dump_rec *r)
{
	const struct ktrq_rec_genio *g = &r->u.genio;
	size_t n;

	fprintf(out, "fd %jd %s %zu byte%s\n", (intmax_t)g->fd,
	    g->rw == 0 ? "read" : "wrote", r->datalen,
	    r->datalen == 1 ? "" : "s");
	/* As kdump, even 0 bytes print their (empty) quotes. */
	if (o->suppress)
		return;
	n = r->datalen;
	if (o->maxdata != 0 && n > o->maxdata)
		n = o->maxdata;
	ktrq_dump_genio_data(out, r->data, n, r->datalen);
}

/* kdump: SIG_DFL alone is named, the first mask word, the code by name. */
static void
print_psig(FILE *out, const struct ktrq_rec_psig *p)
{
	const char *code;

	ktrq_dump_print_signal(out, p->signo);
	if (p->action == 0)
		fputs(" SIG_DFL", out);
	else
		fprintf(out, " caught handler=0x%jx mask=0x%jx",
		    (uintmax_t)p->action, (uintmax_t)p->mask[0]);
	fputs(" code=", out);
	if ((code = ktrq_dump_sigcode_name(p->signo, p->code)) != NULL)
		fputs(code, out);
	else
		fprintf(out, "<invalid=%#x>", (unsigned)p->code);
	fputc('\n', out);
}

static void
print_csw(FILE *out, const struct ktrq_dump_rec *r)
{
	size_t n;

	fprintf(out, "%s %s", r->u.csw.out ? "stop" : "resume",
	    r->u.csw.user ? "user" : "kernel");
	if (r->hdr.len == KTRQ_DUMP_CSW_WMESG_SIZE) {
		for (n = 0; n < r->datalen && r->data[n] != '\0'; n++)
			continue;
		fputs(" \"", out);
		fwrite(r->data, 1, n, out);
		fputc('"', out);
	}
	fputc('\n', out);
}

/* FreeBSD's %p: 0x and lowercase hex, 0x0 for NULL. */
static void
print_malloc(FILE *out, uint64_t p, uint64_t s, uint64_t r, uint64_t minus1)
{

	if (p == minus1)
		fputs("malloc_init()", out);
	else if (s == 0)
		fprintf(out, "free(%#" PRIx64 ")", p);
	else if (p == 0)
		fprintf(out, "%#" PRIx64 " = malloc(%" PRIu64 ")", r, s);
	else
		fprintf(out, "%#" PRIx64 " = realloc(%#" PRIx64 ", %" PRIu64
		    ")", r, p, s);
}

/*
 * kdump asks libsysdecode first: on amd64 a 24-byte record is malloc's
 * utrace, and so is a 12-byte one (a 32-bit process's).  Anything else:
 * the length and the bytes on one line.
 */
static void
print_user(FILE *out, const struct ktrq_dump_opts *o,
    const struct ktrq_dump_rec *r)
{
	const uint8_t *p = r->data;
	size_t i;

	if (r->datalen == UTRACE_MALLOC_SIZE) {
		print_malloc(out, ktrq_dump_le(p, 8), ktrq_dump_le(p + 8, 8),
		    ktrq_dump_le(p + 16, 8), UINT64_MAX);
		fputc('\n', out);
		return;
	}
	if (r->datalen == UTRACE_MALLOC32_SIZE) {
		print_malloc(out, ktrq_dump_le(p, 4), ktrq_dump_le(p + 4, 4),
		    ktrq_dump_le(p + 8, 4), UINT32_MAX);
		fputc('\n', out);
		return;
	}
	fprintf(out, "%zu ", r->datalen);
	for (i = 0; i < r->datalen; i++)
		fprintf(out, o->decimal ? " %u" : " %02x", (unsigned)p[i]);
	fputc('\n', out);
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

	print_who(out, o, &r->hdr);
	print_times(out, o, c, &r->hdr);
	if (o->cpu && r->hdr.version != KTR_VERSION0)
		fprintf(out, "%3jd ", (intmax_t)r->hdr.cpu);
	print_tag(out, r->type);
	switch (r->type) {
	case KTR_SYSCALL:
		print_syscall(out, o, r);
		break;
	case KTR_SYSRET:
		print_sysret(out, o, &r->u.sysret);
		break;
	case KTR_NAMEI:
	case KTR_SYSCTL:
		print_namei(out, r);
		break;
	case KTR_GENIO:
		print_genio(out, o, r);
		break;
	case KTR_PSIG:
		print_psig(out, &r->u.psig);
		break;
	case KTR_CSW:
		print_csw(out, r);
		break;
	case KTR_USER:
		print_user(out, o, r);
		break;
	case KTR_STRUCT:
		ktrq_dump_print_struct(out, o, r->data, r->datalen);
		break;
	case KTR_CAPFAIL:
		ktrq_dump_print_capfail(out, o, r->data, r->datalen);
		break;
	case KTR_FAULT:
		ktrq_dump_print_fault(out, r->data);
		break;
	case KTR_FAULTEND:
		ktrq_dump_print_faultend(out, r->data);
		break;
	case KTR_STRUCT_ARRAY:
		ktrq_dump_print_struct_array(out, o, r->data, r->datalen);
		break;
	default:
		fputc('\n', out);
		break;
	}
}
