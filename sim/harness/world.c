/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The world of one run: an instance on the simulated layer with the
 * harness's hooks, the in-memory stream and its sim targets, a root
 * controller, and the processes and posting threads the workload makes.
 * ktrq_harness_end takes it down in a fixed order and hands the log and
 * the trace to the oracle.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness_impl.h"

static const struct ktrq_cred root_cred = { 0, 0, 0, 0, 0, 0 };

int
ktrq_harness_opts_init(struct ktrq_harness_opts *o)
{

	if (o == NULL)
		return (EINVAL);
	memset(o, 0, sizeof(*o));
	o->pool = 4;
	o->targets = 1;
	o->sync_permille = 200;
	return (0);
}

static int
opts_valid(const struct ktrq_harness_opts *o)
{

	return (o->pool >= 1 && o->pool <= KTRQ_POOL_MAX &&
	    (o->flags & ~(unsigned)(KTRQ_CF_GENIO_COPY |
	    KTRQ_CF_BACKPRESSURE)) == 0 && o->batch_max >= 0 &&
	    o->batch_max <= KTRQ_BATCH_MAX && o->targets >= 1 &&
	    o->targets <= 2 && o->fault_permille <= 1000 &&
	    o->sync_permille <= 1000 && o->transient_permille <= 1000 &&
	    (o->backpressure_ns == 0 || (o->flags & KTRQ_CF_BACKPRESSURE)));
}

/* What is left of a harness when its run is over, ended or not. */
static void
harness_free(void *arg)
{
	struct ktrq_harness *h = arg;
	int i;

	for (i = 0; i < 2; i++)
		if (h->simtgts[i] != NULL)
			ktrq_harness__simtgt_forget(h->simtgts[i]);
	free(h->ev);
	free(h->cur_tag);
	free(h->procs);
	free(h->obs);
	free(h->ops);
	free(h->posters);
	free(h->trace);
	free(h);
}

static int
make_instance(struct ktrq_harness *h)
{
	struct ktrq_config cf;

	ktrq_config_init(&cf, h->os);
	cf.pool_size = h->o.pool;
	cf.flags = h->o.flags;
	cf.batch_max = h->o.batch_max;
	/*
	 * No timeout the run can reach: a poster that waits for ever is a
	 * lost wakeup, which the oracle reports.
	 */
	if (h->o.flags & KTRQ_CF_BACKPRESSURE)
		cf.backpressure_ns = h->o.backpressure_ns != 0 ?
		    h->o.backpressure_ns : BP_FOREVER_NS;
	cf.log = ktrq_harness__logline;
	cf.log_arg = h;
	cf.probe = ktrq_harness__probe;
	cf.probe_arg = h;
	return (ktrq_create(&cf, &h->k));
}

static int
make_targets(struct ktrq_harness *h)
{
	int error, i;

	if ((error = ktrq_memtarget_create(h->os, &h->mem)) != 0)
		return (error);
	for (i = 0; i < h->o.targets; i++) {
		if ((error = ktrq_harness__simtgt_create(h, i, i == 0 &&
		    h->o.fault_permille != 0, &h->tgt[i])) != 0)
			return (error);
		h->ntgt++;
		if (i == h->o.targets - 1 &&
		    (error = ktrq_harness__fault_wrap(h, i)) != 0)
			return (error);
		h->tgtid[i] = h->tgt[i];
	}
	return (0);
}

/*
 * What make_world made, in reverse (processes exited first by the
 * caller): also the way back from a create that failed half-way, so
 * that the instance's worker does not outlive the harness.
 */
static void
unmake_world(struct ktrq_harness *h)
{
	int t;

	if (h->ctl != NULL)
		(void)ktrq_proc_exit(h->ctl);
	h->ctl = NULL;
	h->ctltd = NULL;
	h->ctlobs = NULL;
	for (t = 0; t < 2; t++) {
		if (h->tgt[t] != NULL)
			ktrq_target_rele(h->tgt[t]);
		h->tgt[t] = NULL;
	}
	if (h->mem != NULL)
		ktrq_target_rele(h->mem);
	h->mem = NULL;
	if (h->k != NULL)
		(void)ktrq_destroy(h->k);
	h->k = NULL;
	if (h->opmtx != NULL)
		(void)h->os->mtx_destroy(h->os->cookie, h->opmtx);
	h->opmtx = NULL;
}

/* The root controller, logged as the first process the oracle knows. */
static int
make_controller(struct ktrq_harness *h)
{
	struct hop op;
	size_t idx;
	int error;

	memset(&op, 0, sizeof(op));
	op.kind = HOP_PROC;
	op.pid = op.pgid = PID_CTL;
	op.cred = root_cred;
	op.tgt = -1;
	idx = ktrq_harness__op_begin(h, &op);
	if ((error = ktrq_proc_create(h->k, PID_CTL, NULL, PID_CTL, "ktrace",
	    &root_cred, &h->ctl)) == 0 &&
	    (error = ktrq_thread_create(h->ctl, 1, &h->ctltd)) == 0)
		error = ktrq_harness__observer(h, -1);
	ktrq_harness__op_end(h, idx, error, h->ctl != NULL);
	return (error);
}

static int
make_world(struct ktrq_harness *h)
{
	int error;

	if ((error = make_instance(h)) != 0 ||
	    (error = make_targets(h)) != 0)
		return (error);
	if (h->o.observe &&
	    (error = h->os->mtx_init(h->os->cookie, &h->opmtx,
	    "harness op")) != 0)
		return (error);
	return (make_controller(h));
}

int
ktrq_harness_create(const struct ktrq_os *os,
    const struct ktrq_harness_opts *opts, struct ktrq_harness **hp)
{
	struct ktrq_harness *h;
	int error;

	if (hp == NULL)
		return (EINVAL);
	*hp = NULL;
	if (os == NULL || ktrq_sim_self(os) == 0 ||
	    (opts != NULL && !opts_valid(opts)))
		return (EINVAL);
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return (ENOMEM);
	if (ktrq_sim_cleanup(os, harness_free, h) != 0) {
		free(h);
		return (ENOMEM);
	}
	h->os = os;
	if (opts != NULL)
		h->o = *opts;
	else
		(void)ktrq_harness_opts_init(&h->o);
	h->early_timeouts = ktrq_sim_early_timeouts(os);
	(void)ktrq_sim_check_leaks(os);	/* the engine judges it */
	if ((error = make_world(h)) != 0) {
		unmake_world(h);
		h->ended = 1;
		return (error);		/* the cleanup frees h */
	}
	*hp = h;
	return (0);
}

struct ktrq *
ktrq_harness_ktrq(const struct ktrq_harness *h)
{

	return (h != NULL ? h->k : NULL);
}

struct ktrq_target *
ktrq_harness_target(const struct ktrq_harness *h, int index)
{

	if (h == NULL || index < 0 || index >= h->ntgt)
		return (NULL);
	return (h->tgt[index]);
}

int
ktrq_harness_target_close(struct ktrq_harness *h, int index)
{
	struct ktrq_target *t;

	if (h == NULL || h->ended || index < 0 || index >= h->ntgt ||
	    h->tgt[index] == NULL)
		return (EINVAL);
	t = h->tgt[index];
	h->tgt[index] = NULL;
	ktrq_target_rele(t);
	return (0);
}

struct ktrq_thread *
ktrq_harness_controller(const struct ktrq_harness *h)
{

	return (h != NULL ? h->ctltd : NULL);
}

int
ktrq_harness__proc_live(const struct ktrq_harness *h,
    const struct ktrq_proc *p)
{
	size_t i;

	for (i = 0; p != NULL && i < h->nprocs; i++)
		if (h->procs[i] == p)
			return (1);
	return (0);
}

int
ktrq_harness__remember(struct ktrq_harness *h, struct ktrq_proc *p)
{

	if (ktrq_harness__grow(&h->procs, &h->procap, h->nprocs + 1,
	    sizeof(*h->procs)) != 0 ||
	    ktrq_harness__grow(&h->obs, &h->obscap, h->nprocs + 1,
	    sizeof(*h->obs)) != 0)
		return (ENOMEM);
	h->obs[h->nprocs] = NULL;
	h->procs[h->nprocs++] = p;
	return (0);
}

int
ktrq_harness_proc(struct ktrq_harness *h, int pid, int pgid,
    struct ktrq_proc **pp)
{
	struct ktrq_harness_procdef d;

	if (pgid < 0)
		return (EINVAL);
	(void)ktrq_harness_procdef_init(&d, pid);
	d.pgid = pgid;
	return (ktrq_harness_proc_def(h, &d, pp));
}

int
ktrq_harness_thread(struct ktrq_harness *h, struct ktrq_proc *p,
    struct ktrq_thread **tdp)
{
	struct ktrq_thread *td;
	size_t i;
	int error;

	if (h == NULL || p == NULL || tdp == NULL || h->ended ||
	    !ktrq_harness__proc_live(h, p))
		return (EINVAL);
	if (h->nposters >= KTRQ_HARNESS_THREADS)
		return (ENOSPC);
	i = h->nposters + 1;
	if (ktrq_harness__grow(&h->posters, &h->postcap, i + 1,
	    sizeof(*h->posters)) != 0)
		return (ENOMEM);
	/*
	 * Slot i is this call's before the thread is made (a scheduling
	 * point): another made meanwhile takes the next, and the table may
	 * move, so it is written again by index afterwards.
	 */
	h->nposters = i;
	h->posters[i].td = NULL;
	h->posters[i].pid = ktrq_proc_pid(p);
	h->posters[i].proc = p;
	h->posters[i].seq = 0;
	if ((error = ktrq_thread_create(p, TID_BASE + (int64_t)i, &td)) != 0) {
		/* Give the slot back unless a later one was taken since. */
		if (h->nposters == i)
			h->nposters = i - 1;
		return (error);
	}
	h->posters[i].td = td;
	*tdp = td;
	return (0);
}

static void
take_trace(struct ktrq_harness *h)
{
	const uint8_t *data;
	size_t len;

	data = ktrq_memtarget_data(h->mem, &len);
	if (len != 0 && (h->trace = malloc(len)) != NULL) {
		memcpy(h->trace, data, len);
		h->trace_len = len;
	}
}

static void
take_down(struct ktrq_harness *h)
{
	size_t i;

	for (i = 0; i < h->nprocs; i++)
		if (h->procs[i] != NULL)
			(void)ktrq_harness_exit(h, h->procs[i]);
	ktrq_harness__log_simple(h, EV_EXIT_BEGIN, PID_CTL, 0);
	(void)ktrq_proc_exit(h->ctl);
	h->ctl = NULL;
	h->ctltd = NULL;
	h->ctlobs = NULL;
	ktrq_harness__log_simple(h, EV_EXIT_END, PID_CTL, 0);
	if (ktrq_stats(h->k, &h->quiet) == 0)
		h->have_quiet = 1;
	take_trace(h);
	unmake_world(h);
}

/* The whole records at the start of p[0..len). */
static uint64_t
count_records(const uint8_t *p, size_t len)
{
	struct ktrq_rec_hdr rh;
	const uint8_t *pl;
	size_t off;
	uint64_t n;

	off = 0;
	for (n = 0; ktrq_rec_next(p, len, &off, &rh, &pl) == 0; n++)
		;
	return (n);
}

static void
judge(struct ktrq_harness *h, struct ktrq_harness_result *res)
{

	if (ktrq_harness__oracle(h, res->verdict, sizeof(res->verdict)))
		res->ok = 1;
}

int
ktrq_harness_end(struct ktrq_harness *h, struct ktrq_harness_result *res)
{

	if (h == NULL || res == NULL || h->ended)
		return (EINVAL);
	memset(res, 0, sizeof(*res));
	take_down(h);
	h->ended = 1;
	judge(h, res);
	res->stats = h->quiet;
	res->records = count_records(h->trace, h->trace_len);
	res->trace = h->trace;
	res->trace_len = h->trace_len;
	h->trace = NULL;
	return (0);
}

void
ktrq_harness_result_fini(struct ktrq_harness_result *res)
{

	if (res == NULL)
		return;
	free(res->trace);
	res->trace = NULL;
	res->trace_len = 0;
}

void
ktrq_harness_finish(struct ktrq_harness *h)
{
	struct ktrq_harness_result res;

	if (h == NULL || ktrq_harness_end(h, &res) != 0)
		return;
	ktrq_harness_result_fini(&res);
	if (!res.ok)
		ktrq_sim_fail(h->os, "oracle: %s", res.verdict);
}
