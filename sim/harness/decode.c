/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Rule 2 of the oracle, field by field: every record of the trace is
 * read back with the public decoders (ktrq/record.h) and compared with
 * what its post put in -- not just the tag, but every argument, the
 * lengths, and the data bytes, which the harness knows from the tag and
 * the post's one recorded choice (actions.c: the syscall's narg, the
 * genio or utrace length).  A record that decodes but says something
 * else than was posted is a corrupted record, whatever its tag.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "harness_impl.h"

static int
why(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return (0);
}

static int
check_syscall(const uint8_t *pl, size_t len, uint32_t tag, uint32_t narg,
    char *buf, size_t blen)
{
	struct ktrq_rec_syscall s;
	int error, i;

	if ((error = ktrq_rec_syscall_decode(pl, len, &s)) != 0)
		return (why(buf, blen, "syscall payload does not decode "
		    "(errno %d)", error));
	if (s.code != 4 || s.narg != (int)narg || s.args[0] != tag)
		return (why(buf, blen, "syscall code %d narg %d arg0 %" PRIu64
		    ", posted code 4 narg %" PRIu32 " arg0 %" PRIu32, s.code,
		    s.narg, s.args[0], narg, tag));
	for (i = 1; i < s.narg; i++)
		if (s.args[i] != 0x1000)
			return (why(buf, blen, "syscall arg%d is %#" PRIx64
			    ", posted 0x1000", i, s.args[i]));
	return (1);
}

static int
check_fixed(int type, const uint8_t *pl, size_t len, uint32_t tag,
    char *buf, size_t blen)
{
	struct ktrq_rec_sysret sr;
	struct ktrq_rec_psig ps;
	struct ktrq_rec_csw cs;

	switch (type) {
	case KTR_SYSRET:
		if (ktrq_rec_sysret_decode(pl, len, &sr) != 0 || sr.code != 4 ||
		    sr.eosys != 0 || sr.error != 0 || sr.retval != tag)
			return (why(buf, blen, "sysret differs from its post "
			    "(code 4, error 0, retval %" PRIu32 ")", tag));
		return (1);
	case KTR_PSIG:
		if (ktrq_rec_psig_decode(pl, len, &ps) != 0 || ps.signo != 2 ||
		    ps.action != 0 || ps.code != 0 ||
		    ps.mask[0] != tag || ps.mask[1] != 0 || ps.mask[2] != 0 ||
		    ps.mask[3] != 0)
			return (why(buf, blen, "psig differs from its post "
			    "(signal 2, code 0, mask %" PRIu32 ")", tag));
		return (1);
	default:	/* KTR_CSW */
		if (ktrq_rec_csw_decode(pl, len, &cs) != 0 || cs.out != 1 ||
		    cs.user != 0)
			return (why(buf, blen, "csw differs from its post (out "
			    "1, user 0)"));
		return (1);
	}
}

/* The data a post of `type` carried (actions.c builds the same). */
static size_t
expected_data(int type, uint32_t tag, uint32_t aux, uint8_t *out,
    size_t cap)
{
	size_t n;

	switch (type) {
	case KTR_NAMEI:
		return ((size_t)snprintf((char *)out, cap, "/t/%" PRIu32, tag));
	case KTR_GENIO:
		n = (size_t)snprintf((char *)out, cap, "g%" PRIu32 ":", tag);
		if (aux > cap || aux < n)
			return (0);
		memset(out + n, '.', aux - n);
		return (aux);
	default:	/* KTR_USER */
		if (aux > cap)
			return (0);
		memset(out, 'u', aux);
		n = (size_t)snprintf((char *)out, cap, "u%" PRIu32 ":", tag);
		out[n] = '.';
		return (aux);
	}
}

static int
check_data(int type, const uint8_t *pl, size_t len, uint32_t tag,
    uint32_t aux, char *buf, size_t blen)
{
	struct ktrq_rec_genio g;
	uint8_t want[256];
	size_t n;

	if (type == KTR_GENIO) {
		if (ktrq_rec_genio_decode(pl, len, &g) != 0 || g.fd != 1 ||
		    g.rw != 1)
			return (why(buf, blen, "genio fixed part differs from "
			    "its post (fd 1, write)"));
		pl += KTRQ_REC_GENIO_SIZE;
		len -= KTRQ_REC_GENIO_SIZE;
	}
	n = expected_data(type, tag, aux, want, sizeof(want));
	if (n != len || memcmp(pl, want, n) != 0)
		return (why(buf, blen, "%s data (%zu bytes) differs from the "
		    "%zu bytes posted", ktrq_rec_tag(type), len, n));
	return (1);
}

int
ktrq_harness__check_record(const struct ktrq_rec_hdr *h, const uint8_t *pl,
    uint32_t tag, uint32_t aux, char *buf, size_t blen)
{
	int type = h->type & ~KTR_TYPE;
	size_t len = (size_t)h->len;

	if (h->version != KTR_VERSION1 || !(h->type & KTR_VERSIONED) ||
	    h->cpu != 0)
		return (why(buf, blen, "header version %u type %#x cpu %d: "
		    "not what the core writes", h->version, h->type, h->cpu));
	switch (type) {
	case KTR_SYSCALL:
		return (check_syscall(pl, len, tag, aux, buf, blen));
	case KTR_SYSRET:
	case KTR_PSIG:
	case KTR_CSW:
		return (check_fixed(type, pl, len, tag, buf, blen));
	case KTR_NAMEI:
	case KTR_GENIO:
	case KTR_USER:
		return (check_data(type, pl, len, tag, aux, buf, blen));
	default:
		return (why(buf, blen, "record type %d no post makes", type));
	}
}
