/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq-sim: a run drawn as a Chrome Trace Event file ({"traceEvents":
 * [...]}), which Perfetto (ui.perfetto.dev) and chrome://tracing open.
 *
 * Time axis: ts is the simulator's step number, shown as microseconds.
 * Virtual time stands still for most steps, so it would pile every event
 * onto a few instants; the step keeps their order and spacing.  Each
 * event carries the virtual time in its args (vclock_ns).
 *
 * Layout: one process per simulated thread ("T<id> <name>"), holding
 * tracks "cpu" (running and sleeping spans), "mutex <name>" (holds),
 * "writes" (the core writing a record) and "events" (instants: enqueue,
 * take, drop, log lines and other marks).  Separate tracks keep spans
 * that overlap without nesting (a mutex held across a preemption) valid
 * for the viewers.
 */
#ifndef KTRQ_SIM_TIMELINE_H
#define KTRQ_SIM_TIMELINE_H

#include "scenario.h"

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
