/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Result series, headline ratios and their three renderings: the table
 * on stdout, results.json and results.csv (the same numbers in each).
 *
 * A series keeps every repetition's value; what is reported is the
 * median and the spread (minimum, maximum, and the quartiles).  A ratio
 * is computed per repetition from the two series' values of that
 * repetition, then summarised the same way, so its spread is that of the
 * ratio itself, not the product of two independent spreads.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define	MAXSERIES	512
#define	MAXRATIOS	128
#define	MAXNOTES	64

struct series {
	char	 section[24];
	char	 name[96];
	char	 metric[40];
	char	 unit[16];
	char	 params[256];
	int	 better;
	double	 v[BENCH_MAXREPS];
	int	 n;
};

struct ratio {
	char	 name[96];
	char	 meaning[160];
	int	 num, den;
};

struct summary {
	double	 median, min, max, q1, q3;
	int	 n;
};

static struct series *series;
static int nseries;
static struct ratio ratios[MAXRATIOS];
static int nratios;
static char *notes[MAXNOTES];
static int nnotes;
static int failed;

static void
copy(char *dst, const char *src, size_t size)
{

	snprintf(dst, size, "%s", src != NULL ? src : "");
}

int
bres_new(const char *section, const char *name, const char *metric,
    const char *unit, int better, const char *params)
{
	struct series *s;

	if (series == NULL &&
	    (series = calloc(MAXSERIES, sizeof(*series))) == NULL)
		bench_die("results", ENOMEM);
	if (nseries == MAXSERIES)
		bench_die("too many result series", ENOSPC);
	s = &series[nseries];
	copy(s->section, section, sizeof(s->section));
	copy(s->name, name, sizeof(s->name));
	copy(s->metric, metric, sizeof(s->metric));
	copy(s->unit, unit, sizeof(s->unit));
	copy(s->params, params, sizeof(s->params));
	s->better = better;
	return (nseries++);
}

void
bres_push(int id, double v)
{
	struct series *s = &series[id];

	if (s->n < BENCH_MAXREPS)
		s->v[s->n++] = v;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

/*
 * Where percentile `pct` (0..100) falls among n > 0 sorted values: the
 * value is v[*ip] + (v[*ip + 1] - v[*ip]) * *fracp.  Returns 1, with *ip
 * = n - 1 and *fracp = 0, when it is the last value v[n - 1] (there is
 * no v[*ip + 1] to read), else 0.
 */
static int
pct_rank(size_t n, double pct, size_t *ip, double *fracp)
{
	double pos;
	size_t i;

	pos = pct / 100.0 * (double)(n - 1);
	i = (size_t)pos;
	if (i + 1 >= n) {
		*ip = n - 1;
		*fracp = 0;
		return (1);
	}
	*ip = i;
	*fracp = pos - (double)i;
	return (0);
}

double
bench_pct_sorted(const double *v, size_t n, double pct)
{
	double frac;
	size_t i;

	if (n == 0)
		return (NAN);
	if (pct_rank(n, pct, &i, &frac))
		return (v[i]);
	return (v[i] + (v[i + 1] - v[i]) * frac);
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x < y ? -1 : x > y);
}

void
bench_sort_u32(uint32_t *v, size_t n)
{

	qsort(v, n, sizeof(*v), cmp_u32);
}

double
bench_pct_u32(const uint32_t *v, size_t n, double pct)
{
	double frac;
	size_t i;

	if (n == 0)
		return (NAN);
	if (pct_rank(n, pct, &i, &frac))
		return (v[i]);
	return ((double)v[i] + ((double)v[i + 1] - (double)v[i]) * frac);
}

static void
summarise(const double *in, int n, struct summary *sm)
{
	double v[BENCH_MAXREPS];
	int i, k;

	for (i = k = 0; i < n; i++)
		if (!isnan(in[i]))
			v[k++] = in[i];
	memset(sm, 0, sizeof(*sm));
	sm->n = k;
	if (k == 0) {
		sm->median = sm->min = sm->max = sm->q1 = sm->q3 = NAN;
		return;
	}
	qsort(v, (size_t)k, sizeof(v[0]), cmp_double);
	sm->median = bench_pct_sorted(v, (size_t)k, 50);
	sm->q1 = bench_pct_sorted(v, (size_t)k, 25);
	sm->q3 = bench_pct_sorted(v, (size_t)k, 75);
	sm->min = v[0];
	sm->max = v[k - 1];
}

double
bres_median(int id)
{
	struct summary sm;

	summarise(series[id].v, series[id].n, &sm);
	return (sm.median);
}

void
bratio_new(const char *name, int num, int den, const char *meaning)
{
	struct ratio *r;

	if (nratios == MAXRATIOS)
		bench_die("too many ratios", ENOSPC);
	r = &ratios[nratios++];
	copy(r->name, name, sizeof(r->name));
	copy(r->meaning, meaning, sizeof(r->meaning));
	r->num = num;
	r->den = den;
}

static void
ratio_summary(const struct ratio *r, struct summary *sm)
{
	const struct series *a = &series[r->num], *b = &series[r->den];
	double v[BENCH_MAXREPS];
	int i;

	if (a->n == b->n && a->n > 0) {
		for (i = 0; i < a->n; i++)
			v[i] = b->v[i] != 0 ? a->v[i] / b->v[i] : NAN;
		summarise(v, a->n, sm);
		return;
	}
	v[0] = bres_median(r->den) != 0 ?
	    bres_median(r->num) / bres_median(r->den) : NAN;
	summarise(v, 1, sm);
}

static void
vnote(int fail, const char *fmt, va_list ap)
{
	char buf[512];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	fprintf(stderr, "ktrq-bench: %s%s\n", fail ? "FAILED: " : "", buf);
	if (nnotes < MAXNOTES) {
		notes[nnotes] = malloc(strlen(buf) + 10);
		if (notes[nnotes] != NULL) {
			snprintf(notes[nnotes], strlen(buf) + 10, "%s%s",
			    fail ? "FAILED: " : "", buf);
			nnotes++;
		}
	}
}

void
bench_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(0, fmt, ap);
	va_end(ap);
}

void
bench_fail(const char *fmt, ...)
{
	va_list ap;

	failed = 1;
	va_start(ap, fmt);
	vnote(1, fmt, ap);
	va_end(ap);
}

int
bench_failed(void)
{

	return (failed);
}

void
bench_stats_fini(void)
{
	int i;

	for (i = 0; i < nnotes; i++)
		free(notes[i]);
	nnotes = 0;
	free(series);
	series = NULL;
	nseries = 0;
	nratios = 0;
}

/* ---- the table ---- */

/* 3 significant digits with an SI suffix: 1.23M, 456k, 7.89. */
static void
human(char *buf, size_t len, double v)
{
	static const char sfx[] = " kMG";
	double a;
	int i;

	if (isnan(v)) {
		snprintf(buf, len, "-");
		return;
	}
	a = fabs(v);
	for (i = 0; a >= 1000.0 && i < 3; i++) {
		a /= 1000.0;
		v /= 1000.0;
	}
	if (a >= 100.0 || (a == floor(a) && i == 0 && a < 1e6))
		snprintf(buf, len, "%.0f", v);
	else if (a >= 10.0)
		snprintf(buf, len, "%.1f", v);
	else if (a >= 0.01 || a == 0.0)
		snprintf(buf, len, "%.2f", v);
	else
		snprintf(buf, len, "%.2g", v);
	if (i > 0)
		snprintf(buf + strlen(buf), len - strlen(buf), "%c", sfx[i]);
}

void
bench_print_table(FILE *fp, const struct bench_meta *m)
{
	char med[24], lo[24], hi[24], label[160];
	struct summary sm;
	int i, j, k, seen;

	fprintf(fp, "\nktrq-bench  %s  commit %s  %s\n", m->date, m->commit,
	    m->build_type);
	fprintf(fp, "machine: %s, %d CPUs, %s; %s\n", m->host_cpu,
	    m->nproc, m->kernel, m->compiler);
	fprintf(fp, "load average at start %s, at end %s\n", m->load_start,
	    m->load_end);
	fprintf(fp, "file target on %s; median of %d repetitions "
	    "[min-max]\n", m->tmpfs, bench_opts.reps);
	/* Sections in order of first appearance, each series once. */
	for (i = 0; i < nseries; i++) {
		for (seen = 0, k = 0; k < i && !seen; k++)
			seen = strcmp(series[k].section,
			    series[i].section) == 0;
		if (seen)
			continue;
		fprintf(fp, "\n## %s\n", series[i].section);
		fprintf(fp, "%-46s %-14s %9s  %-19s %s\n", "benchmark",
		    "metric", "median", "[min-max]", "unit");
		for (j = i; j < nseries; j++) {
			const struct series *s = &series[j];

			if (strcmp(s->section, series[i].section) != 0)
				continue;
			summarise(s->v, s->n, &sm);
			human(med, sizeof(med), sm.median);
			human(lo, sizeof(lo), sm.min);
			human(hi, sizeof(hi), sm.max);
			snprintf(label, sizeof(label), "[%s-%s]", lo, hi);
			fprintf(fp, "%-46s %-14s %9s  %-19s %s\n", s->name,
			    s->metric, med, label, s->unit);
		}
	}
	fprintf(fp, "\n## headline ratios (per-repetition pairs)\n");
	fprintf(fp, "%-52s %8s  %-17s %s\n", "ratio", "median", "[min-max]",
	    "reading");
	for (i = 0; i < nratios; i++) {
		ratio_summary(&ratios[i], &sm);
		snprintf(label, sizeof(label), "[%.3g-%.3g]", sm.min, sm.max);
		fprintf(fp, "%-52s %8.3g  %-17s %s\n", ratios[i].name,
		    sm.median, label, ratios[i].meaning);
	}
	if (nnotes > 0) {
		fprintf(fp, "\n## notes\n");
		for (i = 0; i < nnotes; i++)
			fprintf(fp, "- %s\n", notes[i]);
	}
	fprintf(fp, "\n%.1f s in all%s\n", m->elapsed_s,
	    failed ? "; SOME CHECKS FAILED (see notes)" : "");
}

/*
 * Closes an output file: 0, EIO when a write to it had failed, or the
 * errno of a failing fclose().  fp is closed in every case.
 */
static int
close_out(FILE *fp)
{
	int error;

	error = ferror(fp) ? EIO : 0;
	if (fclose(fp) != 0 && error == 0)
		error = errno;
	return (error);
}

/* ---- JSON ---- */

static void
jstr(FILE *fp, const char *s)
{
	const unsigned char *p;

	fputc('"', fp);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(fp, "\\u%04x", *p);
		else
			fputc(*p, fp);
	}
	fputc('"', fp);
}

static void
jnum(FILE *fp, double v)
{

	if (isnan(v) || isinf(v))
		fputs("null", fp);
	else
		fprintf(fp, "%.6g", v);
}

/* A member after the first: ,"key":"value" (value escaped by jstr). */
static void
jfield(FILE *fp, const char *key, const char *value)
{

	fprintf(fp, ",\"%s\":", key);
	jstr(fp, value);
}

/* The same for a number: ,"key":v (null for NaN and infinities). */
static void
jnumfield(FILE *fp, const char *key, double v)
{

	fprintf(fp, ",\"%s\":", key);
	jnum(fp, v);
}

static void
jsummary(FILE *fp, const struct summary *sm)
{

	fputs("\"median\":", fp);
	jnum(fp, sm->median);
	jnumfield(fp, "min", sm->min);
	jnumfield(fp, "max", sm->max);
	jnumfield(fp, "q1", sm->q1);
	jnumfield(fp, "q3", sm->q3);
	fprintf(fp, ",\"n\":%d", sm->n);
}

int
bench_write_json(const char *path, const struct bench_meta *m)
{
	struct summary sm;
	FILE *fp;
	int i, j;

	if ((fp = fopen(path, "w")) == NULL)
		return (errno);
	fputs("{\"schema\":\"ktrq-bench/1\",\"date\":", fp);
	jstr(fp, m->date);
	jfield(fp, "commit", m->commit);
	fputs(",\"machine\":{\"cpu\":", fp);
	jstr(fp, m->host_cpu);
	fprintf(fp, ",\"nproc\":%d,\"kernel\":", m->nproc);
	jstr(fp, m->kernel);
	jfield(fp, "tmpfs", m->tmpfs);
	jfield(fp, "loadavg_start", m->load_start);
	jfield(fp, "loadavg_end", m->load_end);
	fputs("},\"compiler\":", fp);
	jstr(fp, m->compiler);
	jfield(fp, "build_type", m->build_type);
	jfield(fp, "cflags", m->cflags);
	fprintf(fp, ",\"quick\":%s,\"reps\":%d,\"scale\":%g,"
	    "\"elapsed_s\":%.2f,\"ok\":%s,\n\"results\":[",
	    bench_opts.quick ? "true" : "false", bench_opts.reps,
	    bench_opts.scale, m->elapsed_s, failed ? "false" : "true");
	for (i = 0; i < nseries; i++) {
		const struct series *s = &series[i];

		summarise(s->v, s->n, &sm);
		fputs(i == 0 ? "\n{\"section\":" : ",\n{\"section\":", fp);
		jstr(fp, s->section);
		jfield(fp, "name", s->name);
		jfield(fp, "metric", s->metric);
		jfield(fp, "unit", s->unit);
		fprintf(fp, ",\"better\":\"%s\",", s->better > 0 ? "higher" :
		    s->better < 0 ? "lower" : "none");
		jsummary(fp, &sm);
		fputs(",\"values\":[", fp);
		for (j = 0; j < s->n; j++) {
			if (j > 0)
				fputc(',', fp);
			jnum(fp, s->v[j]);
		}
		fprintf(fp, "],\"params\":{%s}}", s->params);
	}
	fputs("],\n\"ratios\":[", fp);
	for (i = 0; i < nratios; i++) {
		ratio_summary(&ratios[i], &sm);
		fputs(i == 0 ? "\n{\"name\":" : ",\n{\"name\":", fp);
		jstr(fp, ratios[i].name);
		jfield(fp, "meaning", ratios[i].meaning);
		jfield(fp, "numerator", series[ratios[i].num].name);
		jfield(fp, "denominator", series[ratios[i].den].name);
		jfield(fp, "metric", series[ratios[i].num].metric);
		fputc(',', fp);
		jsummary(fp, &sm);
		fputc('}', fp);
	}
	fputs("],\n\"notes\":[", fp);
	for (i = 0; i < nnotes; i++) {
		if (i > 0)
			fputc(',', fp);
		jstr(fp, notes[i]);
	}
	fputs("]}\n", fp);
	return (close_out(fp));
}

/* ---- CSV ---- */

static void
cstr(FILE *fp, const char *s)
{

	fputc('"', fp);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

static void
cnum(FILE *fp, double v)
{

	if (!isnan(v))
		fprintf(fp, "%.6g", v);
}

/* A field after the first: a comma, then the quoted string. */
static void
cfield(FILE *fp, const char *s)
{

	fputc(',', fp);
	cstr(fp, s);
}

/* A comma, then the number (nothing for NaN). */
static void
cnumfield(FILE *fp, double v)
{

	fputc(',', fp);
	cnum(fp, v);
}

int
bench_write_csv(const char *path, const struct bench_meta *m)
{
	struct summary sm;
	FILE *fp;
	int i;

	if ((fp = fopen(path, "w")) == NULL)
		return (errno);
	fputs("kind,section,name,metric,unit,median,min,max,q1,q3,n,"
	    "commit,date\n", fp);
	for (i = 0; i < nseries + nratios; i++) {
		const struct series *s = i < nseries ? &series[i] : NULL;
		const struct ratio *r = i < nseries ? NULL :
		    &ratios[i - nseries];

		if (s != NULL) {
			summarise(s->v, s->n, &sm);
			fputs("result,", fp);
			cstr(fp, s->section);
			cfield(fp, s->name);
			cfield(fp, s->metric);
			cfield(fp, s->unit);
		} else {
			ratio_summary(r, &sm);
			fputs("ratio,\"ratios\",", fp);
			cstr(fp, r->name);
			cfield(fp, series[r->num].metric);
			fputs(",\"x\"", fp);
		}
		cnumfield(fp, sm.median);
		cnumfield(fp, sm.min);
		cnumfield(fp, sm.max);
		cnumfield(fp, sm.q1);
		cnumfield(fp, sm.q3);
		fprintf(fp, ",%d,", sm.n);
		cstr(fp, m->commit);
		cfield(fp, m->date);
		fputc('\n', fp);
	}
	return (close_out(fp));
}
