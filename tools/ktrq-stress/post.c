/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq-stress: the threads.  Posters post their share of the events and
 * note every outcome; the optional resizer changes the pool size every
 * --resize-every events; the log sink counts what the library reports.
 *
 * All of them run on the platform layer (its threads, mutex and sleep),
 * so nothing here calls pthreads directly.  The run's mutex guards the
 * start gate, the shared event count and the log counters; each poster
 * owns its own struct poster, which the main thread reads only after
 * joining it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stress.h"

void
stress_lock(struct stress_run *r)
{

	if (r->os->mtx_enter(r->os->cookie, r->mtx) != 0)
		abort();
}

void
stress_unlock(struct stress_run *r)
{

	if (r->os->mtx_exit(r->os->cookie, r->mtx) != 0)
		abort();
}

/* Sleep on `chan` with the run's mutex held; callers loop. */
void
stress_sleep(struct stress_run *r, const void *chan)
{

	if (r->os->msleep(r->os->cookie, chan, r->mtx, "stress", 0) != 0)
		abort();
}

void
stress_wakeup(struct stress_run *r, const void *chan)
{

	r->os->wakeup(r->os->cookie, chan);
}

static void
gate_wait(struct stress_run *r)
{

	stress_lock(r);
	while (!r->go)
		stress_sleep(r, &r->go);
	stress_unlock(r);
}

/* One more event posted: wake the resizer when a period is complete. */
static void
count_call(struct stress_run *r)
{

	stress_lock(r);
	if (++r->ncalls == r->resize_next)
		stress_wakeup(r, &r->ncalls);
	stress_unlock(r);
}

static int
classify(struct poster *pp, int type, int rc)
{

	switch (rc) {
	case 0:
		return (OC_OK);
	case ENOBUFS:
		return (OC_NOBUFS);
	case ENXIO:
		return (OC_NXIO);
	case ENOENT:
		return (OC_NOENT);
	case EALREADY:
	case EINVAL:
		break;
	default:
		if (type != KTR_GENIO)
			break;
		if (pp->first_errno == 0)
			pp->first_errno = rc;
		return (OC_ERRNO);
	}
	if (pp->first_bad == 0)
		pp->first_bad = rc;
	return (OC_BAD);
}

/*
 * Make room for element n of size sz in `arr` (capacity *capp).  Returns
 * the array, moved or not, or NULL (the old one is still valid).
 */
static void *
grow(void *arr, size_t *capp, size_t n, size_t sz)
{
	size_t cap;
	void *a;

	if (n < *capp)
		return (arr);
	cap = *capp != 0 ? *capp * 2 : 1024;
	if ((a = realloc(arr, cap * sz)) != NULL)
		*capp = cap;
	return (a);
}

/* Keep the clock readings around a call, for the checks that use time. */
static void
note_times(struct poster *pp, int oc, uint64_t seq, uint64_t t0,
    uint64_t t1)
{
	uint64_t *dt;
	struct okev *ok;

	if (pp->nomem)
		return;
	if (oc == OC_NOBUFS) {
		dt = grow(pp->dropt, &pp->dropcap, pp->ndropt, sizeof(*dt));
		if (dt == NULL) {
			pp->nomem = 1;
			return;
		}
		pp->dropt = dt;
		dt[pp->ndropt++] = t0;
	} else if (oc == OC_OK) {
		ok = grow(pp->oks, &pp->okcap, pp->nok, sizeof(*ok));
		if (ok == NULL) {
			pp->nomem = 1;
			return;
		}
		pp->oks = ok;
		ok[pp->nok].seq = seq;
		ok[pp->nok].start = t0;
		ok[pp->nok++].end = t1;
	}
}

void
stress_poster_main(void *arg)
{
	struct poster *pp = arg;
	struct stress_run *r = pp->run;
	const struct ktrq_os *os = r->os;
	uint64_t seq, t0, t1;
	int oc, rc, type;

	gate_wait(r);
	for (seq = 0; seq < pp->nevents; seq++) {
		type = stress_pick_type(&pp->rng, r->o->sync_ratio);
		t0 = os->clock_ns(os->cookie);
		rc = stress_post_event(pp, type, seq);
		t1 = os->clock_ns(os->cookie);
		oc = classify(pp, type, rc);
		pp->ev[seq] = EV_MAKE(type, oc);
		pp->oc[oc]++;
		note_times(pp, oc, seq, t0, t1);
		if (r->o->resize_every != 0)
			count_call(r);
	}
}

/* Resize i goes to A, B, then a size between, and again. */
static int
resize_target(const struct stress_opts *o, uint64_t i, uint64_t *rng)
{
	uint64_t span = (uint64_t)(o->resize_max - o->resize_min) + 1;

	switch (i % 3) {
	case 0:
		return (o->resize_min);
	case 1:
		return (o->resize_max);
	default:
		return (o->resize_min + (int)(stress_rng(rng) % span));
	}
}

static void
resize_once(struct stress_run *r, uint64_t *rng)
{
	int error, size;

	size = resize_target(r->o, r->resizes, rng);
	stress_unlock(r);
	error = ktrq_pool_resize(r->k, size, NULL);
	stress_lock(r);
	r->resizes++;
	if (error == ENOSPC)
		r->resize_enospc++;
	else if (error != 0)
		r->resize_errors++;
}

void
stress_resizer_main(void *arg)
{
	struct stress_run *r = arg;
	uint64_t every = r->o->resize_every, rng;

	rng = stress_mix64(r->o->seed ^ 0x726573697a6572ULL);
	stress_lock(r);
	while (!r->done) {
		if (r->ncalls < r->resize_next) {
			stress_sleep(r, &r->ncalls);
			continue;
		}
		/* Skip periods missed while resizing: one per crossing. */
		r->resize_next = (r->ncalls / every + 1) * every;
		resize_once(r, &rng);
	}
	stress_unlock(r);
}

/* The library's log sink: count by kind, echo unless --quiet. */
void
stress_log(void *arg, int level, const char *msg)
{
	static const char warn[] = "Out of ktrace request objects.";
	static const char werr[] = "ktrace write failed";
	struct stress_run *r = arg;

	stress_lock(r);
	if (strcmp(msg, warn) == 0)
		r->log_warnings++;
	else if (strncmp(msg, werr, sizeof(werr) - 1) == 0)
		r->log_write_errors++;
	else
		r->log_other++;
	stress_unlock(r);
	if (!r->o->quiet)
		fprintf(stderr, "ktrq: %s: %s\n", level <= KTRQ_LOG_ERR ?
		    "error" : level == KTRQ_LOG_WARNING ? "warning" : "info",
		    msg);
}
