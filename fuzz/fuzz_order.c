/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Ordering fuzz target: the fuzzer's bytes are a whole run of scenario
 * "chaos" under the deterministic simulator -- the workload parameters
 * (header) and then every decision of the run (order_input.h) -- and the
 * oracle (sim/oracle.c) judges it.  A broken invariant, a deadlock, a
 * core panic, a leak or a livelock (ORDER_MAX_STEPS scheduling points)
 * prints the verdict and the schedule, then aborts, so the fuzzer keeps
 * the input.  fuzz/crash-to-schedule turns such an input into a
 * `ktrq-sim replay` file and a readable event log.
 *
 * The fiber vehicle carries the simulated threads (fast); under
 * ThreadSanitizer the pthread vehicle does, whose hand-offs TSan sees as
 * ordinary synchronisation.  The vehicle does not change the run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "order_input.h"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define	FUZZ_TSAN	1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define	FUZZ_TSAN	1
#endif

#ifdef FUZZ_TSAN
#define	FUZZ_VEHICLE	SIM_VEHICLE_PTHREAD
#else
#define	FUZZ_VEHICLE	SIM_VEHICLE_FIBER
#endif

/* Longest schedule text printed on a failure, in characters. */
#define	SCHEDULE_PRINT_MAX	16384

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scn_params sp;
	struct sim_params simp;
	struct scn_outcome out;
	size_t slen;
	int error;

	order_decode(data, size, FUZZ_VEHICLE, &sp, &simp);
	error = scn_run(&sp, &simp, NULL, NULL, &out);
	fuzz_fix_asan_stack();
	if (error != 0) {
		/* The decoder only makes valid parameters: a harness bug. */
		fprintf(stderr, "fuzz_order: scn_run refused the parameters "
		    "(errno %d): ", error);
		order_describe(&sp, &simp, stderr);
		fputc('\n', stderr);
		abort();
	}
	if (!out.ok) {
		slen = out.schedule != NULL ? strlen(out.schedule) : 0;
		fprintf(stderr, "\n==== fuzz_order: the oracle failed the run\n"
		    "params:   ");
		order_describe(&sp, &simp, stderr);
		/* Whole unless huge (a livelock's runs to megabytes). */
		fprintf(stderr, "\nverdict:  %s\nschedule: %.*s%s\n"
		    "(fuzz/crash-to-schedule INPUT writes the whole schedule "
		    "for `ktrq-sim replay`, and the event log)\n", out.verdict,
		    (int)(slen > SCHEDULE_PRINT_MAX ? SCHEDULE_PRINT_MAX : slen),
		    out.schedule != NULL ? out.schedule : "",
		    slen > SCHEDULE_PRINT_MAX ? "... (cut)" : "");
		fflush(stderr);
		abort();
	}
	scn_outcome_fini(&out);
	return (0);
}
