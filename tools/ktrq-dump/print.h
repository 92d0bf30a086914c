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

/* FreeBSD's record types that libktrq never writes (sys/ktrace.h). */
#define	KTR_STRUCT		8
#define	KTR_SYSCTL		9
#define	KTR_PROCCTOR		10
#define	KTR_PROCDTOR		11
#define	KTR_CAPFAIL		12
#define	KTR_FAULT		13
#define	KTR_FAULTEND		14
#define	KTR_STRUCT_ARRAY	15

/* Payload sizes of those, FreeBSD amd64. */
#define	KTRQ_DUMP_CSW_WMESG_SIZE 16	/* struct ktr_csw with wmesg[8] */
#define	KTRQ_DUMP_PROCCTOR_SIZE	4
#define	KTRQ_DUMP_FAULT_SIZE	16
#define	KTRQ_DUMP_FAULTEND_SIZE	4
#define	KTRQ_DUMP_CAPFAIL_MIN	16	/* type, code, svflags, 8-aligned */
#define	KTRQ_DUMP_ARRAY_MIN	8	/* size_t struct_size */

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
	/* Variable part (NAMI path, GIO data, USER bytes...), in the payload. */
	const uint8_t		*data;
	size_t			datalen;
	/* The process's PROCCTOR sv_flags (its ABI), 0 when none was seen. */
	uint32_t		sv_flags;
};

/*
 * What kdump keeps from one record to the next: the base and the
 * previous time of -E and -R, one pair per header version (kdump keeps a
 * timeval pair and a timespec pair), and whether "Events dropped." has
 * been said since the last record shown.
 */
struct ktrq_dump_clock {
	struct {
		int64_t	base_sec, base_nsec;
		int64_t	prev_sec, prev_nsec;
	} v[2];
	int		drop_logged;
};

/*
 * Check the payload (h->len bytes at `payload`) against the type and
 * fill *r; r->data points into `payload`.  `h` must be a header that
 * ktrq_rec_hdr_decode() accepted (so 0 <= len <= KTRQ_REC_MAXLEN).
 * Returns 0, EMSGSIZE or EBADMSG (the length does not fit the type:
 * SYSRET not 16 bytes, USER over KTRQ_REC_USER_MAX, FAULT not 16...).
 * Unknown types accept any length.
 */
int	ktrq_dump_decode(const struct ktrq_rec_hdr *h,
	    const uint8_t *payload, struct ktrq_dump_rec *r);
/* Nonzero when both the -p and the -t filters let `r` through. */
int	ktrq_dump_selected(const struct ktrq_dump_opts *o,
	    const struct ktrq_dump_rec *r);
/* The "Events dropped." line kdump prints for a KTR_DROP record. */
void	ktrq_dump_print_drop(FILE *out, const struct ktrq_dump_opts *o,
	    const struct ktrq_rec_hdr *h);
/*
 * Print `r` as kdump does: one line, plus data lines for GIO.  Output
 * errors are left in ferror(out) for the caller.
 */
void	ktrq_dump_print(FILE *out, const struct ktrq_dump_opts *o,
	    struct ktrq_dump_clock *c, const struct ktrq_dump_rec *r);

/* data.c: GIO data, as a hex-and-text dump or vis(3)-style text. */
void	ktrq_dump_genio_data(FILE *out, const uint8_t *p, size_t n,
	    size_t avail);

/* other.c: the types FreeBSD writes and libktrq does not. */
void	ktrq_dump_print_struct(FILE *out, const struct ktrq_dump_opts *o,
	    const uint8_t *p, size_t n);
void	ktrq_dump_print_struct_array(FILE *out,
	    const struct ktrq_dump_opts *o, const uint8_t *p, size_t n);
void	ktrq_dump_print_capfail(FILE *out, const struct ktrq_dump_opts *o,
	    const uint8_t *p, size_t n);
void	ktrq_dump_print_fault(FILE *out, const uint8_t *p);
void	ktrq_dump_print_faultend(FILE *out, const uint8_t *p);
/* kdump's print_number: %#jx (so 0 is "0"), signed %jd when decimal. */
void	ktrq_dump_print_number(FILE *out, int decimal, uint64_t v);
/* "SIGINT", or "SIG 99" for a number without a name, as kdump. */
void	ktrq_dump_print_signal(FILE *out, int signo);
void	ktrq_dump_print_sysname(FILE *out, const struct ktrq_dump_opts *o,
	    int code);

/* Little-endian loads of the FreeBSD amd64 layouts. */
uint64_t ktrq_dump_le(const uint8_t *p, int n);

#endif /* !KTRQ_DUMP_PRINT_H */
