/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq-sim: a run drawn as a Chrome Trace Event file ({"traceEvents":
 * [...]}), which Perfetto (ui.perfetto.dev) and chrome://tracing open:
 * the engine's timeline (ktrq_sim__timeline_*, perfetto.c: threads,
 * cpu, mutex and events tracks, the time axis) plus the core's record
 * writes on a "writes" track and its probes as instants (timeline.c).
 */
#ifndef KTRQ_SIM_TIMELINE_H
#define KTRQ_SIM_TIMELINE_H

#include "run.h"

struct timeline;

/*
 * Create `path` ("-": the standard output, left open at the end) and
 * start the file.  Returns NULL with a message in err when the file
 * cannot be created.
 */
struct timeline *timeline_open(const char *path, char *err, size_t errlen);

/* Point hooks at the timeline, for scn_run. */
void	timeline_hooks(struct timeline *, struct scn_hooks *);

/* A key/value shown in the file's otherData (run parameters). */
void	timeline_note(struct timeline *, const char *key,
	    const char *value);

/*
 * Close the spans still open at the last step, name the tracks, finish
 * and close the file, free the timeline.  Returns 0, or an errno when
 * writing failed (with a message in err).
 */
int	timeline_close(struct timeline *, char *err, size_t errlen);

#endif /* !KTRQ_SIM_TIMELINE_H */
