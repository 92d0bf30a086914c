/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One record, from checked bytes to kdump-style text.
 *
 * Decoding and printing are separate steps so that a record is checked
 * in full before anything of it is printed, and is checked even when the
 * filters hide it: a file is corrupt or not whatever the options say.
 */
#ifndef KTRQ_DUMP_PRINT_H
#define KTRQ_DUMP_PRINT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ktrq/record.h"

#include "dump.h"

/* A record whose payload has been decoded and checked against its type. */
struct ktrq_dump_rec {
	struct ktrq_rec_hdr	hdr;
	int			type;	/* hdr.type & ~KTR_TYPE */
	union {
		struct ktrq_rec_syscall	syscall;
		struct ktrq_rec_sysret	sysret;
		struct ktrq_rec_genio	genio;
		struct ktrq_rec_psig	psig;
		struct ktrq_rec_csw	csw;
	} u;
	/* Variable part (NAMI path, GIO data, USER bytes), in the payload. */
	const uint8_t		*data;
	size_t			datalen;
};

/* Time of the first and of the previous record shown, for -E and -R. */
struct ktrq_dump_clock {
	int		started;
	int64_t		first_sec, first_nsec;
	int64_t		prev_sec, prev_nsec;
};

/*
 * Check the payload (h->len bytes at `payload`) against the type and
 * fill *r; r->data points into `payload`.  `h` must be a header that
 * ktrq_rec_hdr_decode() accepted (so 0 <= len <= KTRQ_REC_MAXLEN).  Returns 0, EMSGSIZE or EBADMSG
 * (the length does not fit the type: SYSRET not 16 bytes, USER over
 * KTRQ_REC_USER_MAX...).  Unknown types accept any length.
 */
int	ktrq_dump_decode(const struct ktrq_rec_hdr *h,
	    const uint8_t *payload, struct ktrq_dump_rec *r);
/* Nonzero when the -p filter lets this header's records through. */
int	ktrq_dump_pid_selected(const struct ktrq_dump_opts *o,
	    const struct ktrq_rec_hdr *h);
/* Nonzero when both the -p and the -t filters let `r` through. */
int	ktrq_dump_selected(const struct ktrq_dump_opts *o,
	    const struct ktrq_dump_rec *r);
/* The "Events dropped." line kdump prints before a KTR_DROP record. */
void	ktrq_dump_print_drop(FILE *out, const struct ktrq_dump_opts *o,
	    const struct ktrq_rec_hdr *h);
/*
 * Print `r`: one line, plus data lines for GIO and USER.  Output errors
 * are left in ferror(out) for the caller.
 */
void	ktrq_dump_print(FILE *out, const struct ktrq_dump_opts *o,
	    struct ktrq_dump_clock *c, const struct ktrq_dump_rec *r);

#endif /* !KTRQ_DUMP_PRINT_H */
