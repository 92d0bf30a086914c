/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libktrq trace records: the on-disk format of a ktrace.out file and its
 * codec.
 *
 * A file is a sequence of records, each a header followed by `len` bytes
 * of payload.  The byte layouts are FreeBSD's on amd64 (little-endian,
 * natural alignment, see docs/ktrace-reference.md "Record format"), so a
 * file written with these encoders is one FreeBSD's own kdump(1) reads,
 * and a file FreeBSD wrote is one ktrq-dump reads.  Every field is moved
 * as explicit little-endian bytes: the in-memory structures below are for
 * convenience only and are never copied to or from a file as a whole, so
 * the host's byte order, alignment and padding do not matter.
 *
 * Writers always produce version-1 headers; readers accept version 0 (the
 * original 56-byte header with a timeval) and version 1, mixed in one
 * file, as kdump does.
 *
 * Every function here is pure: it touches only its arguments, keeps no
 * state, and is therefore reentrant and safe to call from any number of
 * threads at once (on distinct output objects).
 */
#ifndef KTRQ_RECORD_H
#define KTRQ_RECORD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Record types (FreeBSD ktrace.h values). */
#define KTR_SYSCALL	1
#define KTR_SYSRET	2
#define KTR_NAMEI	3
#define KTR_GENIO	4
#define KTR_PSIG	5
#define KTR_CSW		6
#define KTR_USER	7

/*
 * Flags carried in the type field.  KTR_TYPE is, as in FreeBSD, the mask
 * of the flags, so `type & ~KTR_TYPE` is the record type.  Every other
 * bit belongs to the type number: there are no other flags, and a type
 * number the reader does not know is not an error (kdump prints it as
 * UNKNOWN(n)), so no value of the type field is corrupt in itself.
 */
#define KTR_VERSIONED	0x4000	/* versioned header (version >= 1) */
#define KTR_DROP	0x8000	/* events of this process were dropped */
#define KTR_TYPE	(KTR_DROP | KTR_VERSIONED)

#define KTR_VERSION0	0
#define KTR_VERSION1	1

#define KTRQ_REC_HDR_V0_SIZE	56
#define KTRQ_REC_HDR_V1_SIZE	64
#define KTRQ_REC_COMM_SIZE	20	/* MAXCOMLEN + 1 */
#define KTRQ_REC_MAXARGS	8	/* syscall args kept */
#define KTRQ_REC_SYSCALL_SIZE(narg) (8 + 8 * (size_t)(narg))
#define KTRQ_REC_SYSRET_SIZE	16
#define KTRQ_REC_GENIO_SIZE	8	/* fixed part; data follows */
#define KTRQ_REC_PSIG_SIZE	40
#define KTRQ_REC_CSW_SIZE	8
#define KTRQ_REC_USER_MAX	2048
/* Reader: a longer payload is "absurd" and rejected. */
#define KTRQ_REC_MAXLEN		(1 << 20)

struct ktrq_rec_hdr {
	int32_t		len;	/* payload bytes after the header */
	uint16_t	type;	/* with KTR_VERSIONED / KTR_DROP flags */
	uint16_t	version; /* 0 or 1 (decoded; 0 for a v0 header) */
	int32_t		pid;
	/* Always NUL-terminated after decode. */
	char		comm[KTRQ_REC_COMM_SIZE];
	int64_t		sec;
	int64_t		nsec;	/* v1: as read; v0: usec * 1000 */
	int64_t		tid;
	int32_t		cpu;	/* v1 only; 0 for v0 */
};

struct ktrq_rec_syscall {
	int16_t		code;
	int16_t		narg;
	uint64_t	args[KTRQ_REC_MAXARGS];
};

struct ktrq_rec_sysret {
	int16_t		code;
	int16_t		eosys;
	int32_t		error;
	int64_t		retval;
};

struct ktrq_rec_genio {
	int32_t		fd;
	int32_t		rw;	/* 0 read (UIO_READ), 1 write */
};

struct ktrq_rec_psig {
	int32_t		signo;
	uint64_t	action;	/* handler; 0 SIG_DFL, 1 SIG_IGN */
	int32_t		code;
	uint32_t	mask[4];
};

struct ktrq_rec_csw {
	int32_t		out;	/* nonzero: switched out (stop) */
	int32_t		user;	/* nonzero: from user mode */
};

/*
 * Encoders.  Each writes exactly the documented number of bytes to `out`
 * (every byte, padding included, so the output never carries stale
 * memory) and returns that count.  They are total: every input value is
 * encoded, none is rejected.  Both pointers must be valid (as for memcpy,
 * NULL is undefined behaviour, not an error).
 */

/*
 * Always a version-1 header, 64 bytes: KTR_VERSIONED is set in the type
 * whatever h->type says (KTR_DROP and the type number are kept), the
 * version field is 1 whatever h->version says, comm is copied up to its
 * first NUL or 19 bytes, NUL-padded to 20 bytes, comm[19] is always 0,
 * and the 4 bytes of padding at 60 are zero.  len, nsec and the rest are
 * written as given.  Returns KTRQ_REC_HDR_V1_SIZE.
 */
size_t	ktrq_rec_hdr_encode(uint8_t out[KTRQ_REC_HDR_V1_SIZE],
	    const struct ktrq_rec_hdr *h);
/*
 * narg is clamped to [0, KTRQ_REC_MAXARGS] and the clamped value is the
 * one written; args[0..narg) follow the 4 zero padding bytes.  Returns
 * KTRQ_REC_SYSCALL_SIZE(clamped narg), at most
 * KTRQ_REC_SYSCALL_SIZE(KTRQ_REC_MAXARGS) = 72.
 */
size_t	ktrq_rec_syscall_encode(uint8_t *out,
	    const struct ktrq_rec_syscall *s);
/* Returns KTRQ_REC_SYSRET_SIZE (16). */
size_t	ktrq_rec_sysret_encode(uint8_t out[KTRQ_REC_SYSRET_SIZE],
	    const struct ktrq_rec_sysret *s);
/* The fixed part only; the caller appends the data.  Returns 8. */
size_t	ktrq_rec_genio_encode(uint8_t out[KTRQ_REC_GENIO_SIZE],
	    const struct ktrq_rec_genio *g);
/* Returns KTRQ_REC_PSIG_SIZE (40); padding at 4 and 36 is zero. */
size_t	ktrq_rec_psig_encode(uint8_t out[KTRQ_REC_PSIG_SIZE],
	    const struct ktrq_rec_psig *p);
/* Returns KTRQ_REC_CSW_SIZE (8). */
size_t	ktrq_rec_csw_encode(uint8_t out[KTRQ_REC_CSW_SIZE],
	    const struct ktrq_rec_csw *c);

/*
 * Decoders.  Each returns 0 and fills the output, or an errno value:
 *	EINVAL	 a NULL argument;
 *	EMSGSIZE the buffer is too short to hold the fixed fields;
 *	EBADMSG	 the fields are readable but say the record is corrupt.
 * Padding bytes are ignored, as kdump ignores them.  On EINVAL and
 * EMSGSIZE the outputs are left untouched; see each function for EBADMSG.
 */

/*
 * Reads the header at `buf`, of which `avail` bytes are valid.  The type
 * field (bytes 4-5) decides the size: with KTR_VERSIONED it is a v1 header
 * (64 bytes), without it a v0 header (56 bytes; version 0, cpu 0, and nsec
 * = usec * 1000).  So the first 8 bytes are needed to decide, then the
 * whole header: avail < 8, or avail < the size decided -> EMSGSIZE.  Bytes
 * past the header are not looked at: a reader may read 64 bytes and, for
 * a v0 header, keep the last 8 as the start of the payload (as kdump
 * steps back 8).
 * EBADMSG when: len < 0; len > KTRQ_REC_MAXLEN; a v1 header whose version
 * field is not 1; a timestamp that is not normalised (v1 nsec outside
 * [0, 10^9), v0 usec outside [0, 10^6): no writer produces one, and
 * refusing it keeps usec * 1000 from overflowing).  On EBADMSG *h and
 * *hdrlen still hold the fields as read (len, type and version raw), so
 * the caller can say what was wrong.  Type numbers (type & ~KTR_TYPE) are
 * never an error.  On success *hdrlen is 56 or 64 and h->comm is
 * NUL-terminated (comm[19] is forced to 0).
 */
int	ktrq_rec_hdr_decode(const uint8_t *buf, size_t avail,
	    struct ktrq_rec_hdr *h, size_t *hdrlen);

/*
 * Iterates over the records of a whole ktrace.out held in memory: the
 * `len` bytes at `buf` (buf may be NULL when len is 0).  *offp is the
 * offset of the next record; start it at 0.  Decodes the header at *offp
 * with ktrq_rec_hdr_decode(), checks that the h->len bytes of payload fit
 * in what remains of the buffer, then sets *payloadp to the payload and
 * advances *offp past the record.  Returns:
 *	0	 a record: *h, *payloadp and *offp are set;
 *	ENOENT	 the end (*offp == len): nothing is touched;
 *	EMSGSIZE the buffer ends inside the header or inside the payload;
 *	EBADMSG	 the header is corrupt (see ktrq_rec_hdr_decode());
 *	EINVAL	 a NULL argument (buf only when len != 0), or *offp > len.
 * On any error *offp and *payloadp are left untouched; on EMSGSIZE and
 * EBADMSG *h holds what ktrq_rec_hdr_decode() left in it (the decoded
 * header when it was the payload that did not fit).  The usual loop:
 *
 *	off = 0;
 *	while ((error = ktrq_rec_next(buf, len, &off, &h, &pl)) == 0)
 *		use(&h, pl);
 *	if (error != ENOENT)
 *		the record at off is truncated or corrupt;
 */
int	ktrq_rec_next(const uint8_t *buf, size_t len, size_t *offp,
	    struct ktrq_rec_hdr *h, const uint8_t **payloadp);

/*
 * For the payload decoders `len` is the payload length from the header:
 * the payload must be exactly the type's size, so it is both the buffer
 * size and a claim about the record.  Shorter than the fixed fields ->
 * EMSGSIZE; readable but the wrong length -> EBADMSG.  On EBADMSG the
 * output is unspecified.
 */

/*
 * len < 8 -> EMSGSIZE.  narg outside [0, KTRQ_REC_MAXARGS], or
 * len != KTRQ_REC_SYSCALL_SIZE(narg) -> EBADMSG.  args[narg..] are zeroed.
 */
int	ktrq_rec_syscall_decode(const uint8_t *buf, size_t len,
	    struct ktrq_rec_syscall *s);
/* len < 16 -> EMSGSIZE; len > 16 -> EBADMSG. */
int	ktrq_rec_sysret_decode(const uint8_t *buf, size_t len,
	    struct ktrq_rec_sysret *s);
/*
 * len < 8 -> EMSGSIZE.  Any longer length is valid: the data is the
 * len - 8 bytes at buf + 8.  rw is returned as read (0 read, 1 write;
 * a reader treats anything but 0 as a write, as kdump does).
 */
int	ktrq_rec_genio_decode(const uint8_t *buf, size_t len,
	    struct ktrq_rec_genio *g);
/* len < 40 -> EMSGSIZE; len > 40 -> EBADMSG. */
int	ktrq_rec_psig_decode(const uint8_t *buf, size_t len,
	    struct ktrq_rec_psig *p);
/* len < 8 -> EMSGSIZE; len > 8 -> EBADMSG. */
int	ktrq_rec_csw_decode(const uint8_t *buf, size_t len,
	    struct ktrq_rec_csw *c);

/*
 * The kdump tag of a record type: "CALL", "RET", "NAMI", "GIO", "PSIG",
 * "CSW" or "USER" for KTR_SYSCALL..KTR_USER, NULL for any other value.
 * Flags are not masked off: pass `type & ~KTR_TYPE`.  The strings are
 * static constants.
 */
const char *ktrq_rec_tag(int type);

#ifdef __cplusplus
}
#endif

#endif /* !KTRQ_RECORD_H */
