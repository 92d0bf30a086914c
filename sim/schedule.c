/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Schedules: the decisions of a run, and the parameters needed to ask the
 * same questions again, as one line of text:
 *
 *	ktrqsim1 <header>;<decisions>
 *
 * <header> is "key=value" words (scenario, seed, strategy, ...), written
 * and read by the tools.  <decisions> is base64url of unsigned LEB128
 * varints, three per decision: kind, number of options, value.  The
 * version is the "1" of the magic: a schedule from another version is
 * refused with a message naming both versions, never half-replayed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define	MAGIC	"ktrqsim"

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int
ktrq_sim__schedule_init(struct sim_schedule *sc)
{

	memset(sc, 0, sizeof(*sc));
	sc->version = SIM_SCHEDULE_VERSION;
	return (0);
}

void
ktrq_sim__schedule_fini(struct sim_schedule *sc)
{

	free(sc->d);
	memset(sc, 0, sizeof(*sc));
}

int
ktrq_sim__schedule_append(struct sim_schedule *sc, const struct sim_decision *d)
{
	struct sim_decision *nd;
	size_t ncap;

	if (sc->n == sc->cap) {
		ncap = sc->cap != 0 ? sc->cap * 2 : 256;
		if ((nd = realloc(sc->d, ncap * sizeof(*nd))) == NULL)
			return (ENOMEM);
		sc->d = nd;
		sc->cap = ncap;
	}
	sc->d[sc->n++] = *d;
	return (0);
}

static size_t
put_varint(uint8_t *out, uint64_t v)
{
	size_t n = 0;

	do {
		out[n] = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v != 0)
			out[n] |= 0x80;
		n++;
	} while (v != 0);
	return (n);
}

char *
ktrq_sim__schedule_format(const struct sim_schedule *sc)
{
	uint8_t *raw;
	size_t i, n, o, len;
	uint32_t acc;
	char *text;
	int bits;

	if ((raw = malloc(sc->n * 30 + 1)) == NULL)
		return (NULL);
	for (n = 0, i = 0; i < sc->n; i++) {
		n += put_varint(raw + n, sc->d[i].kind);
		n += put_varint(raw + n, sc->d[i].n);
		n += put_varint(raw + n, sc->d[i].value);
	}
	len = strlen(MAGIC) + 12 + strlen(sc->header) + n * 4 / 3 + 8;
	if ((text = malloc(len)) == NULL) {
		free(raw);
		return (NULL);
	}
	o = (size_t)snprintf(text, len, "%s%d %s;", MAGIC, sc->version,
	    sc->header);
	for (acc = 0, bits = 0, i = 0; i < n; i++) {
		acc = (acc << 8) | raw[i];
		for (bits += 8; bits >= 6; bits -= 6)
			text[o++] = b64[(acc >> (bits - 6)) & 63];
	}
	if (bits > 0)
		text[o++] = b64[(acc << (6 - bits)) & 63];
	text[o] = '\0';
	free(raw);
	return (text);
}

static int
b64_value(char c)
{
	const char *p;

	if (c == '\0' || (p = strchr(b64, c)) == NULL)
		return (-1);
	return ((int)(p - b64));
}

/* Decode base64url into bytes; returns the count, or -1 on a bad char. */
static long
b64_decode(const char *in, uint8_t *out)
{
	uint32_t acc;
	long n;
	int bits, v;

	for (acc = 0, bits = 0, n = 0; *in != '\0' && *in != '\n'; in++) {
		if ((v = b64_value(*in)) < 0)
			return (-1);
		acc = (acc << 6) | (uint32_t)v;
		if ((bits += 6) >= 8) {
			out[n++] = (uint8_t)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	return (n);
}

static int
get_varint(const uint8_t *p, size_t len, size_t *pos, uint64_t *v)
{
	unsigned shift;

	for (*v = 0, shift = 0; *pos < len && shift < 64; shift += 7) {
		*v |= (uint64_t)(p[*pos] & 0x7f) << shift;
		if ((p[(*pos)++] & 0x80) == 0)
			return (0);
	}
	return (EINVAL);
}

static int
parse_decisions(const uint8_t *raw, size_t len, struct sim_schedule *out)
{
	struct sim_decision d;
	uint64_t kind;
	size_t pos;

	for (pos = 0; pos < len;) {
		if (get_varint(raw, len, &pos, &kind) != 0 ||
		    get_varint(raw, len, &pos, &d.n) != 0 ||
		    get_varint(raw, len, &pos, &d.value) != 0 ||
		    kind >= SIM_CH_NKINDS || d.n < 2 || d.value >= d.n)
			return (EINVAL);
		d.kind = (uint8_t)kind;
		if (ktrq_sim__schedule_append(out, &d) != 0)
			return (ENOMEM);
	}
	return (0);
}

int
ktrq_sim__schedule_parse(const char *text, struct sim_schedule *out, char *err,
    size_t errlen)
{
	const char *semi, *sp;
	uint8_t *raw;
	long n;
	int error, version;

	ktrq_sim__schedule_init(out);
	if (strncmp(text, MAGIC, strlen(MAGIC)) != 0 ||
	    sscanf(text + strlen(MAGIC), "%d", &version) != 1) {
		snprintf(err, errlen, "not a ktrq-sim schedule");
		return (EINVAL);
	}
	if (version != SIM_SCHEDULE_VERSION) {
		snprintf(err, errlen, "schedule version %d, this ktrq-sim "
		    "replays version %d only", version, SIM_SCHEDULE_VERSION);
		return (ENOTSUP);
	}
	if ((sp = strchr(text, ' ')) == NULL ||
	    (semi = strchr(sp, ';')) == NULL ||
	    (size_t)(semi - sp - 1) >= sizeof(out->header)) {
		snprintf(err, errlen, "schedule header missing or too long");
		return (EINVAL);
	}
	memcpy(out->header, sp + 1, (size_t)(semi - sp - 1));
	out->header[semi - sp - 1] = '\0';
	if ((raw = malloc(strlen(semi) + 1)) == NULL)
		return (ENOMEM);
	if ((n = b64_decode(semi + 1, raw)) < 0)
		error = EINVAL;
	else
		error = parse_decisions(raw, (size_t)n, out);
	free(raw);
	if (error != 0) {
		snprintf(err, errlen, "corrupt schedule decisions");
		ktrq_sim__schedule_fini(out);
	}
	return (error);
}

int
ktrq_sim__schedule_save(const struct sim_schedule *sc, const char *path)
{
	char *text;
	FILE *f;
	int error;

	if ((text = ktrq_sim__schedule_format(sc)) == NULL)
		return (ENOMEM);
	/* "-" is the standard output, as load reads "-" from stdin. */
	if (strcmp(path, "-") == 0)
		f = stdout;
	else if ((f = fopen(path, "w")) == NULL) {
		error = errno;
		free(text);
		return (error);
	}
	error = fprintf(f, "%s\n", text) < 0 ? EIO : 0;
	if (f == stdout) {
		if (fflush(f) != 0 && error == 0)
			error = EIO;
	} else if (fclose(f) != 0 && error == 0)
		error = EIO;
	free(text);
	return (error);
}

/* All of f (a file or a pipe), NUL-terminated, at most 64 MiB. */
static char *
read_all(FILE *f)
{
	char *text, *nt;
	size_t len, cap, n;

	len = 0;
	cap = 4096;
	if ((text = malloc(cap)) == NULL)
		return (NULL);
	while ((n = fread(text + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 < cap)
			continue;
		if (cap >= (64U << 20) || (nt = realloc(text, cap * 2)) == NULL) {
			free(text);
			return (NULL);
		}
		text = nt;
		cap *= 2;
	}
	if (ferror(f)) {
		free(text);
		return (NULL);
	}
	text[len] = '\0';
	return (text);
}

/* `path` "-" is the standard input. */
int
ktrq_sim__schedule_load(const char *path, struct sim_schedule *out, char *err,
    size_t errlen)
{
	char *text;
	FILE *f;
	int error;

	if (strcmp(path, "-") == 0)
		f = stdin;
	else if ((f = fopen(path, "r")) == NULL) {
		error = errno;
		snprintf(err, errlen, "%s: cannot open", path);
		return (error);
	}
	text = read_all(f);
	if (f != stdin)
		fclose(f);
	if (text == NULL) {
		snprintf(err, errlen, "%s: cannot read", path);
		return (EIO);
	}
	error = ktrq_sim__schedule_parse(text, out, err, errlen);
	free(text);
	return (error);
}

int
ktrq_sim__schedule_get(const struct sim_schedule *sc, const char *key, char *buf,
    size_t len)
{
	const char *p, *e;
	size_t klen = strlen(key), vlen;

	for (p = sc->header; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		e = strchr(p, ' ');
		if (e == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) > klen && strncmp(p, key, klen) == 0 &&
		    p[klen] == '=') {
			vlen = (size_t)(e - p) - klen - 1;
			if (vlen >= len)
				return (ENOSPC);
			memcpy(buf, p + klen + 1, vlen);
			buf[vlen] = '\0';
			return (0);
		}
	}
	return (ENOENT);
}

int
ktrq_sim__schedule_set(struct sim_schedule *sc, const char *key, const char *value)
{
	size_t n = strlen(sc->header);
	int w;

	if (strpbrk(key, " =;\n") != NULL || strpbrk(value, " ;\n") != NULL)
		return (EINVAL);
	w = snprintf(sc->header + n, sizeof(sc->header) - n, "%s%s=%s",
	    n != 0 ? " " : "", key, value);
	if (w < 0 || (size_t)w >= sizeof(sc->header) - n) {
		sc->header[n] = '\0';
		return (ENOSPC);
	}
	return (0);
}
