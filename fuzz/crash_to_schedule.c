/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * crash-to-schedule: turn an input of the ordering fuzz target (a crash
 * file, or any corpus entry) into
 *
 *   (a) a schedule file that `ktrq-sim replay FILE` runs exactly: the
 *       recorded decisions of the run (scn_outcome.schedule), whose header
 *       carries the workload parameters; and
 *   (b) a readable description on standard output: the header bytes and
 *       the parameters they decode to, the oracle's verdict, the run's
 *       figures, and -- when the run failed -- the ordered event log the
 *       oracle judged (scn_outcome.events).
 *
 * The schedule is replayed once here before anything is reported, so a
 * file that would not reproduce the run is never handed out silently.
 *
 *	crash-to-schedule [-o SCHEDULE] [-e EVENTS] [--pthread] INPUT
 *
 * SCHEDULE defaults to INPUT.schedule; -e writes the event log to a file
 * instead of standard output; --pthread runs on the pthread vehicle (for
 * gdb; the run is the same).  Exit status: 1 the run failed (the bug
 * reproduces), 0 it passed, 2 a usage or I/O error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "order_input.h"
#include "run.h"
#include "sim.h"

static const char *const status_names[] = { "finished", "deadlock",
    "panic", "step limit", "replay mismatch", "violation" };

static int
usage(void)
{

	fprintf(stderr, "usage: crash-to-schedule [-o SCHEDULE] [-e EVENTS] "
	    "[--pthread] INPUT\n");
	return (2);
}

static uint8_t *
read_file(const char *path, size_t *lenp)
{
	uint8_t *buf, *nb;
	size_t cap, len, n;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		return (NULL);
	cap = 4096;
	len = 0;
	if ((buf = malloc(cap)) == NULL) {
		fclose(f);
		return (NULL);
	}
	while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			if ((nb = realloc(buf, cap * 2)) == NULL) {
				free(buf);
				fclose(f);
				return (NULL);
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return (NULL);
	}
	fclose(f);
	*lenp = len;
	return (buf);
}

static int
write_text(const char *path, const char *text)
{
	FILE *f;
	int ok;

	if ((f = fopen(path, "w")) == NULL)
		return (errno);
	ok = fprintf(f, "%s\n", text) >= 0;
	if (fclose(f) != 0 || !ok)
		return (EIO);
	return (0);
}

static void
describe_header(const uint8_t *in, size_t len)
{
	static const char *const fields[ORDER_HDR_LEN] = { "procs",
	    "threads", "events", "pool", "sync permille", "fault permille",
	    "flags", "fault enable", "fault fire" };
	size_t i;

	printf("header bytes (missing ones take the scenario's defaults):\n");
	for (i = 0; i < ORDER_HDR_LEN; i++) {
		if (i < len)
			printf("  [%zu] %-15s 0x%02x\n", i, fields[i], in[i]);
		else
			printf("  [%zu] %-15s (missing: default)\n", i,
			    fields[i]);
	}
}

int
main(int argc, char **argv)
{
	enum sim_vehicle_kind vehicle = SIM_VEHICLE_FIBER;
	const char *input = NULL, *sched_path = NULL, *events_path = NULL;
	struct scn_params sp, rsp;
	struct sim_params simp, rsimp;
	struct scn_outcome out, rout;
	struct sim_schedule sc;
	char err[512], defpath[4096];
	uint8_t *data;
	size_t len;
	int i, error, same;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			sched_path = argv[++i];
		else if (strcmp(argv[i], "-e") == 0 && i + 1 < argc)
			events_path = argv[++i];
		else if (strcmp(argv[i], "--pthread") == 0)
			vehicle = SIM_VEHICLE_PTHREAD;
		else if (argv[i][0] == '-' || input != NULL)
			return (usage());
		else
			input = argv[i];
	}
	if (input == NULL)
		return (usage());
	if (sched_path == NULL) {
		snprintf(defpath, sizeof(defpath), "%s.schedule", input);
		sched_path = defpath;
	}
	if ((data = read_file(input, &len)) == NULL) {
		fprintf(stderr, "crash-to-schedule: %s: cannot read\n", input);
		return (2);
	}

	order_decode(data, len, vehicle, &sp, &simp);
	error = scn_run(&sp, &simp, NULL, NULL, &out);
	fuzz_fix_asan_stack();
	if (error != 0) {
		fprintf(stderr, "crash-to-schedule: scn_run: errno %d\n",
		    error);
		return (2);
	}

	/* The schedule must replay to the same run before it is handed out. */
	if (out.schedule == NULL ||
	    ktrq_sim__schedule_parse(out.schedule, &sc, err, sizeof(err)) != 0 ||
	    scn_params_from_schedule(&sc, &rsp, &rsimp, err, sizeof(err)) !=
	    0) {
		fprintf(stderr, "crash-to-schedule: the recorded schedule does "
		    "not parse: %s\n", out.schedule == NULL ? "none" : err);
		return (2);
	}
	rsimp.vehicle = vehicle;
	error = scn_run(&rsp, &rsimp, &sc, NULL, &rout);
	fuzz_fix_asan_stack();
	if (error != 0) {
		fprintf(stderr, "crash-to-schedule: replay refused\n");
		return (2);
	}
	same = rout.ok == out.ok && strcmp(rout.verdict, out.verdict) == 0 &&
	    rout.sim.schedule_hash == out.sim.schedule_hash;

	if ((error = write_text(sched_path, out.schedule)) != 0) {
		fprintf(stderr, "crash-to-schedule: %s: %s\n", sched_path,
		    strerror(error));
		return (2);
	}

	printf("input:     %s (%zu bytes: %d header, %zu choice, then "
	    "the 0xff tail)\n", input, len,
	    len < ORDER_HDR_LEN ? (int)len : ORDER_HDR_LEN,
	    len > ORDER_HDR_LEN ? len - ORDER_HDR_LEN : 0);
	describe_header(data, len);
	printf("workload:  ");
	order_describe(&sp, &simp, stdout);
	printf("\n");
	printf("run:       %s after %" PRIu64 " steps, %" PRIu64
	    " decisions, virtual time %" PRIu64 " ns\n",
	    status_names[out.sim.status], out.sim.steps, out.sim.decisions,
	    out.sim.vclock_ns);
	printf("stats:     posted %" PRIu64 " written %" PRIu64 " exhausted %"
	    PRIu64 " write-error %" PRIu64 " cleared %" PRIu64 " warnings %"
	    PRIu64 ", %" PRIu64 " records in the trace\n", out.stats.posted,
	    out.stats.written, out.stats.dropped_exhausted,
	    out.stats.dropped_write_error, out.stats.dropped_cleared,
	    out.stats.warnings, out.records);
	printf("verdict:   %s\n", out.ok ? "every invariant held" :
	    out.verdict);
	printf("schedule:  %s (hash %016" PRIx64 ")\n", sched_path,
	    out.sim.schedule_hash);
	printf("replay:    ktrq-sim replay %s\n", sched_path);
	printf("check:     %s\n", same ? "the schedule replays to the same "
	    "run" : "THE SCHEDULE DOES NOT REPRODUCE THE RUN");
	if (!same)
		printf("           replay verdict: %s\n", rout.ok ?
		    "every invariant held" : rout.verdict);
	if (out.events != NULL) {
		if (events_path != NULL) {
			if ((error = write_text(events_path, out.events)) !=
			    0) {
				fprintf(stderr, "crash-to-schedule: %s: %s\n",
				    events_path, strerror(error));
				return (2);
			}
			printf("events:    %s\n", events_path);
		} else
			printf("\nevent log (what the oracle judged):\n%s",
			    out.events);
	}
	error = out.ok ? 0 : 1;
	if (!same)
		error = 2;
	ktrq_sim__schedule_fini(&sc);
	scn_outcome_fini(&out);
	scn_outcome_fini(&rout);
	free(data);
	return (error);
}
