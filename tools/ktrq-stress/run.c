/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktrq-stress: one run.  Build the traced world (an instance on the
 * pthread backend, the file target or a fault wrapper around it, the
 * processes and their threads, all traced for every type), let the
 * posters go, then take it down in the order that drains everything:
 * join the posters and the resizer, exit every process (which waits for
 * its queued records), read the statistics, destroy the instance.
 *
 * Process p has pid STRESS_PID_BASE + p; poster i is thread
 * STRESS_TID_BASE + i of process i % procs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stress.h"

static int
fail(const char *what, int error)
{

	fprintf(stderr, "ktrq-stress: %s: %s\n", what, strerror(error));
	return (error);
}

/* Truncate the output so the file holds only this run's records. */
static int
truncate_out(const char *path)
{
	FILE *fp;

	if ((fp = fopen(path, "w")) == NULL)
		return (errno != 0 ? errno : EIO);
	if (fclose(fp) != 0)
		return (errno != 0 ? errno : EIO);
	return (0);
}

static int
open_target(struct stress_run *r)
{
	const struct stress_opts *o = r->o;
	struct ktrq_target *file;
	struct ktrq_fault f;
	int error;

	if ((error = truncate_out(o->out)) != 0)
		return (fail(o->out, error));
	if ((error = ktrq_filetarget_open(r->os, o->out, &file)) != 0)
		return (fail("ktrq_filetarget_open", error));
	if (!stress_faulty(o)) {
		r->target = file;
		return (0);
	}
	memset(&f, 0, sizeof(f));
	f.fail_after_records = o->fail_after_records;
	f.fail_after_bytes = o->fail_after_bytes;
	f.error = o->fail_errno;
	f.short_write = o->short_write;
	error = ktrq_faulttarget_create(r->os, file, &f, &r->target);
	ktrq_target_rele(file);		/* the wrapper holds its own */
	return (error != 0 ? fail("ktrq_faulttarget_create", error) : 0);
}

static int
create_instance(struct stress_run *r)
{
	struct ktrq_config cf;
	int error;

	ktrq_config_init(&cf, r->os);
	cf.pool_size = r->o->pool;
	cf.flags = r->o->genio_copy ? KTRQ_CF_GENIO_COPY : 0;
	if (r->o->backpressure_ns != 0) {
		cf.flags |= KTRQ_CF_BACKPRESSURE;
		cf.backpressure_ns = r->o->backpressure_ns;
	}
	cf.log = stress_log;
	cf.log_arg = r;
	if ((error = ktrq_create(&cf, &r->k)) != 0)
		return (fail("ktrq_create", error));
	return (0);
}

static int
create_posters(struct stress_run *r)
{
	const struct stress_opts *o = r->o;
	struct poster *pp;
	unsigned i;
	int error;

	for (i = 0; i < o->threads; i++) {
		pp = &r->posters[i];
		pp->run = r;
		pp->idx = i;
		pp->proc = i % r->nprocs;
		pp->nevents = o->events / o->threads +
		    (i < o->events % o->threads ? 1 : 0);
		pp->rng = stress_mix64(o->seed + 0x9e3779b97f4a7c15ULL *
		    (i + 1));
		if ((pp->ev = calloc(pp->nevents + 1, 1)) == NULL)
			return (fail("events", ENOMEM));
		if ((error = ktrq_thread_create(r->procs[pp->proc],
		    STRESS_TID_BASE + (int64_t)i, &pp->td)) != 0)
			return (fail("ktrq_thread_create", error));
	}
	return (0);
}

static int
create_world(struct stress_run *r)
{
	static const struct ktrq_cred root;
	unsigned p;
	int error;

	r->nprocs = r->o->procs;
	r->procs = calloc(r->nprocs, sizeof(*r->procs));
	r->posters = calloc(r->o->threads, sizeof(*r->posters));
	if (r->procs == NULL || r->posters == NULL)
		return (fail("processes", ENOMEM));
	for (p = 0; p < r->nprocs; p++)
		if ((error = ktrq_proc_create(r->k, STRESS_PID_BASE + (int)p,
		    NULL, STRESS_PGID, STRESS_COMM, &root, &r->procs[p])) != 0)
			return (fail("ktrq_proc_create", error));
	if ((error = create_posters(r)) != 0)
		return (error);
	/* The whole process group, every type, as root. */
	if ((error = ktrq_ktrace(r->posters[0].td, r->target, KTROP_SET,
	    KTRFAC_ALL, -STRESS_PGID)) != 0)
		return (fail("ktrq_ktrace", error));
	return (0);
}

/* Start the threads; returns how many posters were started. */
static int
start_threads(struct stress_run *r, unsigned *startedp)
{
	const struct ktrq_os *os = r->os;
	char name[KTRQ_OS_NAMELEN];
	unsigned i;
	int error;

	*startedp = 0;
	r->resize_next = r->o->resize_every;
	if (r->o->resize_every != 0 && (error = os->thread_create(os->cookie,
	    &r->resizer, "stress resizer", stress_resizer_main, r)) != 0)
		return (fail("thread_create", error));
	for (i = 0; i < r->o->threads; i++) {
		snprintf(name, sizeof(name), "stress %u", i);
		if ((error = os->thread_create(os->cookie, &r->posters[i].thr,
		    name, stress_poster_main, &r->posters[i])) != 0)
			return (fail("thread_create", error));
		(*startedp)++;
	}
	return (0);
}

/* Open the gate, then wait for every thread that was started. */
static void
run_threads(struct stress_run *r, unsigned started)
{
	const struct ktrq_os *os = r->os;
	unsigned i;

	stress_lock(r);
	r->t_start = os->clock_ns(os->cookie);
	r->go = 1;
	stress_wakeup(r, &r->go);
	stress_unlock(r);
	for (i = 0; i < started; i++)
		os->thread_join(os->cookie, r->posters[i].thr);
	stress_lock(r);
	r->done = 1;
	stress_wakeup(r, &r->ncalls);
	stress_unlock(r);
	if (r->resizer != NULL)
		os->thread_join(os->cookie, r->resizer);
}

/* Exit every process (draining its records), count, destroy. */
static int
drain(struct stress_run *r)
{
	unsigned p;
	int error;

	for (p = 0; r->procs != NULL && p < r->nprocs; p++)
		if (r->procs[p] != NULL)
			ktrq_proc_exit(r->procs[p]);
	r->t_end = r->os->clock_ns(r->os->cookie);
	error = ktrq_stats(r->k, &r->st);
	ktrq_destroy(r->k);
	r->k = NULL;
	return (error != 0 ? fail("ktrq_stats", error) : 0);
}

int
stress_run(struct stress_run *r, const struct stress_opts *o)
{
	unsigned started;
	int error, derr;

	memset(r, 0, sizeof(*r));
	r->o = o;
	if ((error = ktrq_os_pth_create(&r->os)) != 0)
		return (fail("ktrq_os_pth_create", error));
	if ((error = r->os->mtx_init(r->os->cookie, &r->mtx, "stress")) != 0)
		return (fail("mtx_init", error));
	if ((error = create_instance(r)) != 0)
		return (error);
	if ((error = open_target(r)) == 0 &&
	    (error = create_world(r)) == 0)
		error = start_threads(r, &started);
	else
		started = 0;
	run_threads(r, started);
	if ((derr = drain(r)) != 0 && error == 0)
		error = derr;
	if (r->target != NULL)
		ktrq_target_rele(r->target);
	r->target = NULL;
	return (error);
}

void
stress_run_free(struct stress_run *r)
{
	unsigned i;

	if (r->posters != NULL)
		for (i = 0; i < r->o->threads; i++) {
			free(r->posters[i].ev);
			free(r->posters[i].dropt);
			free(r->posters[i].oks);
		}
	free(r->posters);
	free(r->procs);
	if (r->mtx != NULL)
		r->os->mtx_destroy(r->os->cookie, r->mtx);
	if (r->os != NULL)
		ktrq_os_pth_destroy(r->os);
}
