/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq-sim: the report of one run, as text or as one JSON object, and the
 * small helpers every output of the tool shares (names of the simulator's
 * enums, JSON strings, the command line that reproduces a run).
 *
 * Nothing here reads a clock: a report depends only on the run, so two
 * runs of one command print the same bytes.
 */
#ifndef KTRQ_SIM_REPORT_H
#define KTRQ_SIM_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "run.h"

#define	REPORT_PROG	"ktrq-sim"

/* Header keys the tool adds to a saved schedule (not scenario.c's). */
#define	REPORT_KEY_TRACE	"expect_trace"
#define	REPORT_KEY_RESULT	"expect_result"

struct run_report {
	const char		*command;	/* "run", "replay", ... */
	const struct scn_params	*sp;
	const struct sim_params	*simp;
	const struct scn_outcome *out;
	const char		*replay_of;	/* replay: the file read */
	const char		*schedule_path;	/* or NULL */
	int			 schedule_stdout; /* this run wrote it there */
	const char		*save_error;	/* why not, or NULL */
	/* Replay: what the recorded run ended with, when the file says. */
	int			 expect_known;
	uint64_t		 expect_trace;
	char			 expect_result[32];
};

const char *report_status_name(enum sim_status);
const char *report_strategy_name(enum sim_strategy_kind);
const char *report_vehicle_name(enum sim_vehicle_kind);
/* The result word of a run: "ok" or a status name. */
const char *report_result_name(const struct scn_outcome *);

/*
 * Whether the run is a pass: the scenario's verdict held and, for a
 * replay that knows the recorded outcome, the replay reproduced it.
 * `why` (may be NULL) gets a line when a replay did not.
 */
int	report_ok(const struct run_report *, char *why, size_t len);

void	report_text(FILE *, const struct run_report *);
/* The core's wait channels, as text lines or a JSON "channels" array. */
void	report_chans_text(FILE *, const struct scn_chan *, int n);
void	report_chans_json(FILE *, const struct scn_chan *, int n, int *first);
void	report_json(FILE *, const struct run_report *);

/*
 * A rate the engine holds in permille, as people and the options read
 * it: a fraction with a point (250: "0.25", 25: "0.025", 1000: "1.0"),
 * never a whole number, which the options would take as permille.
 */
#define	REPORT_RATE_LEN	16
const char *report_rate(char buf[REPORT_RATE_LEN], unsigned permille);

/* The options of `ktrq-sim run` that repeat a run with these params. */
void	report_run_args(char *buf, size_t len, const struct scn_params *,
	    const struct sim_params *);
/* The default file for a failing run's schedule. */
void	report_schedule_name(char *buf, size_t len, const char *scenario,
	    uint64_t seed);

/*
 * Save the run's schedule to `path`, adding the outcome (trace hash,
 * result) to its header so a replay can tell whether it reproduced the
 * run.  Returns 0 or an errno with a message in err.
 */
int	report_save_schedule(const struct scn_outcome *, const char *path,
	    char *err, size_t errlen);
/*
 * Take the outcome keys out of a loaded schedule's header (so the
 * scenario's parser sees only its own keys) into r->expect_*.
 */
void	report_take_expect(struct sim_schedule *, struct run_report *r);

/* JSON: a "key": prefix (strings: ktrq_sim__json_str). */
void	json_key(FILE *, const char *key, int *first);

#endif /* !KTRQ_SIM_REPORT_H */
