/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The event log: what the oracle judges, in the order the simulated
 * threads produced it.  The core's probes and log lines come in through
 * the instance's hooks; the workload's posts and actions through
 * actions.c.  Each probe is logged with the tag of the event its thread
 * is posting, which ties the core's view of a request to the post that
 * made it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness_impl.h"

int
ktrq_harness__grow(void *pp, size_t *cap, size_t n, size_t size)
{
	void **p = pp;
	size_t c;
	void *q;

	if (n <= *cap)
		return (0);
	for (c = *cap != 0 ? *cap : 16; c < n; c *= 2)
		;
	if ((q = realloc(*p, c * size)) == NULL)
		return (ENOMEM);
	memset((char *)q + *cap * size, 0, (c - *cap) * size);
	*p = q;
	*cap = c;
	return (0);
}

void
ktrq_harness__log(struct ktrq_harness *h, const struct ev *e)
{

	if (ktrq_harness__grow(&h->ev, &h->evcap, h->nev + 1, sizeof(*e)) != 0)
		ktrq_sim_fail(h->os, "harness: out of memory for the event log");
	h->ev[h->nev++] = *e;
}

void
ktrq_harness__log_simple(struct ktrq_harness *h, enum ev_kind kind, int pid,
    int error)
{
	struct ev e;

	memset(&e, 0, sizeof(e));
	e.kind = (uint8_t)kind;
	e.simtid = ktrq_sim_self(h->os);
	e.pid = pid;
	e.error = error;
	ktrq_harness__log(h, &e);
}

/* The running thread posts the event tagged `tag` (0: none) from now. */
void
ktrq_harness__set_tag(struct ktrq_harness *h, uint32_t tag)
{
	size_t id = (size_t)ktrq_sim_self(h->os);

	if (ktrq_harness__grow(&h->cur_tag, &h->ncur_tag, id + 1,
	    sizeof(*h->cur_tag)) != 0)
		ktrq_sim_fail(h->os, "harness: out of memory for tags");
	h->cur_tag[id] = tag;
}

static uint32_t
tag_of(const struct ktrq_harness *h, int simtid)
{

	return ((size_t)simtid < h->ncur_tag ? h->cur_tag[simtid] : 0);
}

static int
target_index(const struct ktrq_harness *h, const void *t)
{
	int i;

	for (i = 0; i < h->ntgt; i++)
		if (t != NULL && t == h->tgtid[i])
			return (i);
	return (-1);
}

void
ktrq_harness__probe(void *arg, const struct ktrq_probe *pr)
{
	struct ktrq_harness *h = arg;
	struct ev e;

	memset(&e, 0, sizeof(e));
	e.kind = EV_PROBE;
	e.probe = (uint8_t)pr->kind;
	e.simtid = ktrq_sim_self(h->os);
	e.tag = tag_of(h, e.simtid);
	e.serial = pr->serial;
	e.pid = pr->pid;
	e.tid = pr->tid;
	e.type = pr->type;
	e.sync = (uint8_t)pr->sync;
	e.error = pr->error;
	e.tgt = target_index(h, pr->target);
	ktrq_harness__log(h, &e);
	if (h->o.probe != NULL)
		h->o.probe(h->o.probe_arg, pr, e.simtid);
}

void
ktrq_harness__logline(void *arg, int level, const char *msg)
{
	struct ktrq_harness *h = arg;

	(void)level;
	if (strcmp(msg, "Out of ktrace request objects.") == 0)
		ktrq_harness__log_simple(h, EV_WARN, 0, 0);
	else if (strncmp(msg, "ktrace write failed", 19) == 0)
		ktrq_harness__log_simple(h, EV_WRITEFAIL, 0, 0);
	ktrq_sim_mark(h->os, msg);
}

static const char *const probe_names[] = { "ENQUEUE", "TAKE",
    "WRITE_BEGIN", "WRITE_END", "DROP", "CAPTURE", "NOBUFS", "DETACH" };
static const char *const ev_names[] = { "PROBE", "POST", "RESIZE_BEGIN",
    "RESIZE_END", "WARN", "WRITEFAIL", "EXIT_END", "TWRITE",
    "CLEARFILE_BEGIN", "CLEARFILE_END", "KTRACE", "FORK", "EXIT_BEGIN",
    "KTRACE_END", "EXEC", "EXEC_END", "OP_BEGIN", "OP_END", "OBSERVE_BEGIN",
    "OBSERVE", "POST_BEGIN" };

static const char *
ev_name(const struct ev *e)
{

	if (e->kind == EV_PROBE)
		return (e->probe < sizeof(probe_names) / sizeof(probe_names[0]) ?
		    probe_names[e->probe] : "PROBE?");
	return (ev_names[e->kind]);
}

char *
ktrq_harness_events(const struct ktrq_harness *h)
{
	const struct ev *e;
	char *text;
	size_t i, o, cap;

	if (h == NULL)
		return (NULL);
	cap = h->nev * 120 + 1;
	if ((text = malloc(cap)) == NULL)
		return (NULL);
	text[0] = '\0';
	for (o = 0, i = 0; i < h->nev && o < cap; i++) {
		e = &h->ev[i];
		o += (size_t)snprintf(text + o, cap - o, "%5zu t%-2d %-12s "
		    "tag=%-8" PRIu32 " serial=%-4" PRIu64 " pid=%-4d tid=%-6"
		    PRId64 " type=%#06x%s err=%d\n", i, e->simtid, ev_name(e),
		    e->tag, e->serial, e->pid, e->tid, e->type,
		    e->sync ? " sync" : "", e->error);
	}
	return (text);
}
