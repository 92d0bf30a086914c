/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq-stress: the summary of a run, as aligned text or as one JSON
 * object on one line.  Rates use the layer clock, from the moment the
 * posters were let go to the moment every process had exited (so the
 * drain of the queue is included).
 */
#include <inttypes.h>
#include <stdio.h>

#include "stress.h"

static double
elapsed_s(const struct stress_run *r)
{

	return ((double)(r->t_end - r->t_start) / 1e9);
}

static double
rate(const struct stress_run *r, const struct stress_result *res)
{
	double s = elapsed_s(r);

	return (s > 0 ? (double)res->ncalls / s : 0);
}

static void
json_string(FILE *fp, const char *s)
{

	fputc('"', fp);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(fp, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(fp, "\\u%04x", (unsigned)(unsigned char)*s);
		else
			fputc(*s, fp);
	}
	fputc('"', fp);
}

static void
report_json(const struct stress_run *r, const struct stress_result *res)
{
	const struct stress_opts *o = r->o;
	const struct ktrq_stats *st = &r->st;
	FILE *fp = o->report;

	fprintf(fp, "{\"threads\":%u,\"procs\":%u,\"events\":%" PRIu64
	    ",\"pool\":%d,\"sync_ratio\":%g,\"genio\":\"%s\",\"seed\":%"
	    PRIu64 ",\"out\":", o->threads, r->nprocs, o->events, o->pool,
	    o->sync_ratio, o->genio_copy ? "copy" : "sync", o->seed);
	json_string(fp, o->out);
	fprintf(fp, ",\"calls\":%" PRIu64 ",\"ok\":%" PRIu64 ",\"enobufs\":%" PRIu64
	    ",\"enxio\":%" PRIu64 ",\"errno\":%" PRIu64 ",\"not_traced\":%"
	    PRIu64, res->ncalls, res->calls[OC_OK], res->calls[OC_NOBUFS],
	    res->calls[OC_NXIO], res->calls[OC_ERRNO], res->calls[OC_NOENT]);
	fprintf(fp, ",\"posted\":%" PRIu64 ",\"written\":%" PRIu64
	    ",\"dropped\":%" PRIu64 ",\"dropped_exhausted\":%" PRIu64
	    ",\"dropped_write_error\":%" PRIu64 ",\"dropped_cleared\":%"
	    PRIu64, st->posted, st->written, st->dropped_exhausted +
	    st->dropped_write_error + st->dropped_cleared,
	    st->dropped_exhausted, st->dropped_write_error,
	    st->dropped_cleared);
	fprintf(fp, ",\"write_errors\":%" PRIu64 ",\"warnings\":%" PRIu64
	    ",\"resizes\":%" PRIu64 ",\"resize_enospc\":%" PRIu64
	    ",\"pool_final\":%u,\"records\":%" PRIu64 ",\"drop_marked\":%"
	    PRIu64 ",\"bytes\":%" PRIu64 ",\"truncated_bytes\":%" PRIu64,
	    st->write_errors, st->warnings, r->resizes, r->resize_enospc,
	    st->pool_size, res->records, res->drop_records, res->bytes,
	    res->trunc_bytes);
	fprintf(fp, ",\"elapsed_s\":%.6f,\"events_per_s\":%.0f,\"verify\":",
	    elapsed_s(r), rate(r, res));
	json_string(fp, res->ok ? "ok" : "mismatch");
	if (!res->ok) {
		fprintf(fp, ",\"mismatch\":");
		json_string(fp, res->why);
	}
	fprintf(fp, "}\n");
}

static void
report_text(const struct stress_run *r, const struct stress_result *res)
{
	const struct stress_opts *o = r->o;
	const struct ktrq_stats *st = &r->st;
	FILE *fp = o->report;

	fprintf(fp, "ktrq-stress: %u threads, %u procs, %" PRIu64 " events, pool "
	    "%d, sync %g (genio %s), seed %" PRIu64 "\n", o->threads,
	    r->nprocs, o->events, o->pool, o->sync_ratio,
	    o->genio_copy ? "copy" : "sync", o->seed);
	fprintf(fp, "calls        %" PRIu64 " (0: %" PRIu64 ", ENOBUFS %" PRIu64
	    ", ENXIO %" PRIu64 ", write errno %" PRIu64 ", not traced %"
	    PRIu64 ")\n", res->ncalls, res->calls[OC_OK],
	    res->calls[OC_NOBUFS], res->calls[OC_NXIO],
	    res->calls[OC_ERRNO], res->calls[OC_NOENT]);
	fprintf(fp, "posted       %" PRIu64 "\n", st->posted);
	fprintf(fp, "written      %" PRIu64 " (records in file %" PRIu64 ", %"
	    PRIu64 " bytes", st->written, res->records, res->bytes);
	if (res->trunc_bytes != 0)
		fprintf(fp, ", truncated tail %" PRIu64 " bytes", res->trunc_bytes);
	fprintf(fp, ")\n");
	fprintf(fp, "dropped      %" PRIu64 " (exhausted %" PRIu64 ", write error %"
	    PRIu64 ", cleared %" PRIu64 "; %" PRIu64 " records marked "
	    "KTR_DROP)\n", st->dropped_exhausted + st->dropped_write_error +
	    st->dropped_cleared, st->dropped_exhausted,
	    st->dropped_write_error, st->dropped_cleared, res->drop_records);
	fprintf(fp, "write errors %" PRIu64 ", warnings %" PRIu64 "\n",
	    st->write_errors, st->warnings);
	if (o->resize_every != 0)
		fprintf(fp, "resizes      %" PRIu64 " (ENOSPC %" PRIu64 "), final "
		    "pool %u\n", r->resizes, r->resize_enospc, st->pool_size);
	fprintf(fp, "elapsed      %.3f s, %.0f events/s\n", elapsed_s(r),
	    rate(r, res));
}

void
stress_report(const struct stress_run *r, const struct stress_result *res)
{
	FILE *fp = r->o->report;

	if (r->o->json) {
		report_json(r, res);
		return;
	}
	if (!r->o->quiet)
		report_text(r, res);
	if (res->ok)
		fprintf(fp, "verify: ok\n");
	else
		fprintf(fp, "verify: %s\n", res->why);
}
