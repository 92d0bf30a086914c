/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The record types FreeBSD writes and libktrq does not: STRUCT,
 * STRUCT_ARRAY, CAPFAIL, FAULT and FAULTEND (PROCCTOR and PROCDTOR print
 * nothing, in kdump too).  Layouts are FreeBSD amd64's (sys/ktrace.h,
 * sys/stat.h, sys/socket.h); formats follow kdump.  Where kdump calls on
 * a libsysdecode table ktrq-dump does not carry (capability rights,
 * kevent flags), the value is printed in hex instead: see
 * docs/ktrq-dump.md.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "names.h"
#include "print.h"

#define	STAT_SIZE	224	/* struct stat, FreeBSD 12 and later */
#define	ITIMERVAL_SIZE	32	/* two struct timeval */
#define	CAPRIGHTS_SIZE	16	/* cap_rights_t: uint64_t[2] */
#define	SOCKADDR_MAX	128	/* struct sockaddr_storage */
#define	SIN_SIZE	16
#define	SIN6_SIZE	28
#define	SUN_PATH_MAX	104
#define	KEVENT_SIZE	64	/* struct kevent, FreeBSD 12 and later */

#define	FREEBSD_AF_UNIX		1
#define	FREEBSD_AF_INET		2
#define	FREEBSD_AF_INET6	28

static int64_t
s64(uint64_t u)
{

	return (u <= INT64_MAX ? (int64_t)u : -(int64_t)(UINT64_MAX - u) - 1);
}

static int32_t
s32(uint64_t u)
{

	return (u <= INT32_MAX ? (int32_t)u :
	    (int32_t)(-(int64_t)(UINT32_MAX - u) - 1));
}

static int
s16(uint64_t u)
{

	return (u >= 0x8000 ? (int)u - 0x10000 : (int)u);
}

static int
is_alpha(uint8_t c)
{

	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

static int
is_digit(uint8_t c)
{

	return (c >= '0' && c <= '9');
}

/* The NUL-terminated name at p[0..n); its length, or -1 when none. */
static long
name_len(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && p[i] != '\0'; i++)
		continue;
	return (i < n ? (long)i : -1);
}

static void
print_timeval(FILE *out, const uint8_t *p)
{

	fprintf(out, "{%jd, %jd}", (intmax_t)s64(ktrq_dump_le(p, 8)),
	    (intmax_t)s64(ktrq_dump_le(p + 8, 8)));
}

static void
print_stat_time(FILE *out, const char *name, const uint8_t *p)
{
	int64_t nsec = s64(ktrq_dump_le(p + 8, 8));

	fprintf(out, "%s=%jd", name, (intmax_t)s64(ktrq_dump_le(p, 8)));
	if (nsec != 0)
		fprintf(out, ".%09jd, ", (intmax_t)nsec);
	else
		fputs(", ", out);
}

/* kdump's ktrstat() without -r: every number as a number. */
static void
print_stat(FILE *out, const uint8_t *p)
{

	fprintf(out, "struct stat {dev=%ju, ino=%ju, mode=0%jo, nlink=%ju, "
	    "uid=%ju, gid=%ju, rdev=%ju, ",
	    (uintmax_t)ktrq_dump_le(p, 8), (uintmax_t)ktrq_dump_le(p + 8, 8),
	    (uintmax_t)ktrq_dump_le(p + 24, 2),
	    (uintmax_t)ktrq_dump_le(p + 16, 8),
	    (uintmax_t)ktrq_dump_le(p + 28, 4),
	    (uintmax_t)ktrq_dump_le(p + 32, 4),
	    (uintmax_t)ktrq_dump_le(p + 40, 8));
	print_stat_time(out, "atime", p + 48);
	print_stat_time(out, "mtime", p + 64);
	print_stat_time(out, "ctime", p + 80);
	print_stat_time(out, "birthtime", p + 96);
	fprintf(out, "size=%jd, blksize=%ju, blocks=%jd, flags=0x%jx }\n",
	    (intmax_t)s64(ktrq_dump_le(p + 112, 8)),
	    (uintmax_t)(uint32_t)ktrq_dump_le(p + 128, 4),
	    (intmax_t)s64(ktrq_dump_le(p + 120, 8)),
	    (uintmax_t)ktrq_dump_le(p + 132, 4));
}

static const char *
family_name(int af)
{
	static const struct { int af; const char *name; } t[] = {
		{ 0, "AF_UNSPEC" }, { 1, "AF_UNIX" }, { 2, "AF_INET" },
		{ 17, "AF_ROUTE" }, { 18, "AF_LINK" }, { 28, "AF_INET6" },
		{ 32, "AF_NETGRAPH" }, { 44, "AF_DIVERT" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].af == af)
			return (t[i].name);
	return (NULL);
}

/* kdump's ktrsockaddr(); p[0] is sa_len (checked == n), p[1] family. */
static void
print_sockaddr(FILE *out, const uint8_t *p, size_t n)
{
	char addr[INET6_ADDRSTRLEN];
	const char *name;
	size_t i;

	fputs("struct sockaddr { ", out);
	if ((name = family_name(p[1])) != NULL)
		fputs(name, out);
	else
		fprintf(out, "<invalid=%d>", p[1]);
	fputs(", ", out);
	switch (p[1]) {
	case FREEBSD_AF_INET:
		if (n < SIN_SIZE) {
			fputs("invalid", out);
			break;
		}
		inet_ntop(AF_INET, p + 4, addr, sizeof(addr));
		fprintf(out, "%s:%u", addr, (unsigned)(p[2] << 8 | p[3]));
		break;
	case FREEBSD_AF_INET6:
		if (n < SIN6_SIZE) {
			fputs("invalid", out);
			break;
		}
		inet_ntop(AF_INET6, p + 8, addr, sizeof(addr));
		fprintf(out, "[%s]:%u", addr, (unsigned)(p[2] << 8 | p[3]));
		break;
	case FREEBSD_AF_UNIX:
		for (i = 2; i < n && i < 2 + SUN_PATH_MAX && p[i] != '\0'; i++)
			fputc(p[i], out);
		break;
	default:
		fputs("unknown address family", out);
		break;
	}
	fputs(" }\n", out);
}

static void
print_rights(FILE *out, const uint8_t *p)
{

	fprintf(out, "%#jx,%#jx", (uintmax_t)ktrq_dump_le(p, 8),
	    (uintmax_t)ktrq_dump_le(p + 8, 8));
}

void
ktrq_dump_print_struct(FILE *out, const struct ktrq_dump_opts *o,
    const uint8_t *p, size_t n)
{
	const uint8_t *data;
	size_t datalen;
	long i, nl;

	(void)o;
	if ((nl = name_len(p, n)) < 0 || (size_t)nl + 1 == n)
		goto invalid;
	for (i = 0; i < nl; i++)
		if (!is_alpha(p[i]))
			goto invalid;
	data = p + nl + 1;
	datalen = n - (size_t)nl - 1;
	if (strcmp((const char *)p, "caprights") == 0) {
		if (datalen != CAPRIGHTS_SIZE)
			goto invalid;
		fputs("cap_rights_t ", out);
		print_rights(out, data);
		fputc('\n', out);
	} else if (strcmp((const char *)p, "itimerval") == 0) {
		if (datalen != ITIMERVAL_SIZE)
			goto invalid;
		fputs("itimerval { .interval = ", out);
		print_timeval(out, data);
		fputs(", .value = ", out);
		print_timeval(out, data + 16);
		fputs(" }\n", out);
	} else if (strcmp((const char *)p, "stat") == 0) {
		if (datalen != STAT_SIZE)
			goto invalid;
		print_stat(out, data);
	} else if (strcmp((const char *)p, "sockaddr") == 0) {
		if (datalen > SOCKADDR_MAX || datalen < 2 ||
		    datalen != data[0])
			goto invalid;
		print_sockaddr(out, data, datalen);
	} else
		fputs("unknown structure\n", out);
	return;
invalid:
	fputs("invalid record\n", out);
}

static void
print_kevent(FILE *out, const uint8_t *p)
{

	fprintf(out, "{ ident=%ju, filter=%d, flags=%#jx, fflags=%#jx, "
	    "data=%#jx, udata=%#jx }", (uintmax_t)ktrq_dump_le(p, 8),
	    s16(ktrq_dump_le(p + 8, 2)),
	    (uintmax_t)ktrq_dump_le(p + 10, 2),
	    (uintmax_t)ktrq_dump_le(p + 12, 4),
	    (uintmax_t)ktrq_dump_le(p + 16, 8),
	    (uintmax_t)ktrq_dump_le(p + 24, 8));
}

void
ktrq_dump_print_struct_array(FILE *out, const struct ktrq_dump_opts *o,
    const uint8_t *p, size_t n)
{
	const uint8_t *name, *data;
	uint64_t size;
	size_t datalen;
	long i, nl;
	int first;

	(void)o;
	size = ktrq_dump_le(p, 8);
	name = p + KTRQ_DUMP_ARRAY_MIN;
	n -= KTRQ_DUMP_ARRAY_MIN;
	if ((nl = name_len(name, n)) < 0)
		goto invalid;
	for (i = 0; i < nl; i++)
		if (!is_alpha(name[i]) && !is_digit(name[i]) && name[i] != '_')
			goto invalid;
	/* kdump would loop for ever on a zero size; no real record has one. */
	if (size == 0)
		goto invalid;
	data = name + nl + 1;
	datalen = n - (size_t)nl - 1;
	fprintf(out, "struct %s[] = { ", (const char *)name);
	for (first = 1; datalen >= size; data += size, datalen -= size) {
		if (!first)
			fputs("\n             ", out);
		first = 0;
		if (strcmp((const char *)name, "kevent") != 0) {
			fputs("<unknown structure> }\n", out);
			return;
		}
		if (size != KEVENT_SIZE) {
			fputs("<bad size> }\n", out);
			return;
		}
		print_kevent(out, data);
	}
	fputs(" }\n", out);
	return;
invalid:
	fputs("invalid record\n", out);
}

/* sys/ktrace.h: cap_type int @0, cap_code short @4, cap_svflags @8. */
#define	CAP_DATA	16
enum { CAPFAIL_NOTCAPABLE, CAPFAIL_INCREASE, CAPFAIL_SYSCALL,
    CAPFAIL_SIGNAL, CAPFAIL_PROTO, CAPFAIL_SOCKADDR, CAPFAIL_NAMEI,
    CAPFAIL_CPUSET };

void
ktrq_dump_print_capfail(FILE *out, const struct ktrq_dump_opts *o,
    const uint8_t *p, size_t n)
{
	const uint8_t *d = p + CAP_DATA;
	size_t dn = n - CAP_DATA;
	long nl;

	switch (s32(ktrq_dump_le(p, 4))) {
	case CAPFAIL_NOTCAPABLE:
	case CAPFAIL_INCREASE:
		if (dn < 2 * CAPRIGHTS_SIZE)
			goto invalid;
		if (s32(ktrq_dump_le(p, 4)) == CAPFAIL_NOTCAPABLE) {
			fputs("operation requires ", out);
			print_rights(out, d);
			fputs(", descriptor holds ", out);
			print_rights(out, d + CAPRIGHTS_SIZE);
		} else {
			fputs("attempt to increase capabilities from ", out);
			print_rights(out, d + CAPRIGHTS_SIZE);
			fputs(" to ", out);
			print_rights(out, d);
		}
		break;
	case CAPFAIL_SYSCALL:
		fputs("system call not allowed: ", out);
		ktrq_dump_print_sysname(out, o, s16(ktrq_dump_le(p + 4, 2)));
		break;
	case CAPFAIL_SIGNAL:
		if (dn < 4)
			goto invalid;
		fputs("signal delivery not allowed: ", out);
		ktrq_dump_print_signal(out, s32(ktrq_dump_le(d, 4)));
		break;
	case CAPFAIL_PROTO:
		if (dn < 4)
			goto invalid;
		fprintf(out, "protocol not allowed: %jd",
		    (intmax_t)s32(ktrq_dump_le(d, 4)));
		break;
	case CAPFAIL_SOCKADDR:
		if (dn < 2 || d[0] < 2 || d[0] > dn)
			goto invalid;
		fputs("socket address not allowed: ", out);
		print_sockaddr(out, d, d[0]);
		return;
	case CAPFAIL_NAMEI:
		if ((nl = name_len(d, dn)) < 0)
			goto invalid;
		fprintf(out, "namei not allowed: %s", (const char *)d);
		break;
	case CAPFAIL_CPUSET:
		fputs("restricted cpuset operation", out);
		break;
	default:
		fputs("unknown capability failure", out);
		break;
	}
	fputc('\n', out);
	return;
invalid:
	fputs("invalid record\n", out);
}

/* kdump: the address, then the protection as print_mask_arg() does. */
void
ktrq_dump_print_fault(FILE *out, const uint8_t *p)
{
	static const char *const prot[] = { "VM_PROT_READ", "VM_PROT_WRITE",
	    "VM_PROT_EXECUTE" };
	uint32_t type = (uint32_t)ktrq_dump_le(p + 8, 4);
	uint32_t rem = type;
	int i, printed;

	fprintf(out, "0x%jx %#x<", (uintmax_t)ktrq_dump_le(p, 8), type);
	printed = 0;
	for (i = 0; i < 3; i++) {
		if (type & (1u << i)) {
			fprintf(out, "%s%s", printed ? "|" : "", prot[i]);
			rem &= ~(1u << i);
			printed = 1;
		}
	}
	fputc('>', out);
	if (!printed)
		fprintf(out, "<invalid>%u", rem);
	fputc('\n', out);
}

void
ktrq_dump_print_faultend(FILE *out, const uint8_t *p)
{
	int32_t result = s32(ktrq_dump_le(p, 4));
	const char *name;

	if ((name = ktrq_dump_vmresult_name(result)) != NULL)
		fprintf(out, "%s\n", name);
	else
		fprintf(out, "<invalid=%jd>\n", (intmax_t)result);
}
