/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq-sim: the timeline of a scenario run.  The engine's writer
 * (perfetto.c) draws the simulated threads; this adds what only the
 * harness sees: the core's record writes (spans on each thread's
 * "writes" track) and its probes (instants: enqueue, take, drop, ...).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "timeline.h"

static const char *
type_name(int type)
{
	static const char *const names[] = { "?", "CALL", "RET", "NAMI",
	    "GIO", "PSIG", "CSW", "USER" };
	int t = type & ~KTR_TYPE;

	return (t > 0 && t < (int)(sizeof(names) / sizeof(names[0])) ?
	    names[t] : "?");
}

static const char *
probe_name(enum ktrq_probe_kind k)
{

	switch (k) {
	case KTRQ_PROBE_ENQUEUE:
		return ("enqueue");
	case KTRQ_PROBE_TAKE:
		return ("take");
	case KTRQ_PROBE_DROP:
		return ("drop");
	case KTRQ_PROBE_WRITE_BEGIN:
		return ("write begin");
	case KTRQ_PROBE_WRITE_END:
		return ("write end");
	case KTRQ_PROBE_CAPTURE:
		return ("capture");
	case KTRQ_PROBE_NOBUFS:
		return ("nobufs");
	case KTRQ_PROBE_DETACH:
		return ("detach");
	default:
		/* Kinds added later still show, under a neutral name. */
		return ("probe");
	}
}

static void
probe_args(char *buf, size_t len, const struct ktrq_probe *pr)
{

	snprintf(buf, len, "\"kind\":%d,\"serial\":%" PRIu64 ",\"pid\":%d,"
	    "\"tid\":%" PRId64 ",\"type\":%d,\"type_name\":\"%s%s\","
	    "\"sync\":%d,\"error\":%d", (int)pr->kind, pr->serial, pr->pid,
	    pr->tid, pr->type, type_name(pr->type),
	    (pr->type & KTR_DROP) != 0 ? "+DROP" : "", pr->sync, pr->error);
}

/* A record write is a span on the "writes" track; the rest instants. */
static void
on_probe(void *arg, const struct ktrq_probe *pr, int tid, uint64_t step,
    uint64_t vclock)
{
	struct sim_timeline *tl = arg;
	char nums[256], name[64];

	if (tid < 1)
		return;
	probe_args(nums, sizeof(nums), pr);
	if (pr->kind == KTRQ_PROBE_WRITE_BEGIN) {
		snprintf(name, sizeof(name), "write #%" PRIu64 " %s",
		    pr->serial, type_name(pr->type));
		ktrq_sim__timeline_work_begin(tl, tid, step, vclock, name);
		return;
	}
	if (pr->kind == KTRQ_PROBE_WRITE_END &&
	    ktrq_sim__timeline_work_end(tl, tid, step, vclock, nums))
		return;
	snprintf(name, sizeof(name), "%s #%" PRIu64, probe_name(pr->kind),
	    pr->serial);
	ktrq_sim__timeline_instant(tl, tid, step, vclock, name, nums);
}

/* ---- the file ---- */

struct timeline *
timeline_open(const char *path, char *err, size_t errlen)
{
	struct sim_timeline *tl;

	if (ktrq_sim__timeline_open(path, &tl, err, errlen) != 0)
		return (NULL);
	ktrq_sim__timeline_work_name(tl, "writes");
	return ((struct timeline *)tl);
}

void
timeline_hooks(struct timeline *tl, struct scn_hooks *h)
{

	memset(h, 0, sizeof(*h));
	h->sim_event = ktrq_sim__timeline_event;
	h->probe = on_probe;
	h->arg = tl;
}

void
timeline_note(struct timeline *tl, const char *key, const char *value)
{

	ktrq_sim__timeline_note((struct sim_timeline *)tl, key, value);
}

int
timeline_close(struct timeline *tl, char *err, size_t errlen)
{

	return (ktrq_sim__timeline_close((struct sim_timeline *)tl, err,
	    errlen));
}
