/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pthread vehicle: each simulated thread is a real pthread, so gdb,
 * backtraces and helgrind see real threads.  Only the thread whose `go`
 * flag is set runs; the others wait on their own condition variable.
 * One mutex (vm) guards every flag, so each hand-off is a release/acquire
 * pair and the simulated threads' accesses are ordered for TSan too.
 *
 * Stacks are PT_STACK, not the 8 MiB default: a run may keep a thousand
 * threads and more alive at once, and the fiber vehicle (the default)
 * already asks code under test to fit in a quarter of that.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>

#include "sim_impl.h"

#define	PT_STACK	(1024 * 1024)

struct pv {				/* per vehicle */
	pthread_mutex_t	 vm;
};

struct pt {				/* per thread */
	pthread_t	 thread;
	pthread_cond_t	 cv;
	int		 go;
	int		 killed;
	int		 started;	/* has a pthread to join */
};

static int
pv_init(struct sim *s)
{
	struct pv *pv;

	if ((pv = calloc(1, sizeof(*pv))) == NULL)
		return (ENOMEM);
	pthread_mutex_init(&pv->vm, NULL);
	s->vpriv = pv;
	return (0);
}

static void
pv_fini(struct sim *s)
{
	struct pv *pv = s->vpriv;
	int i;

	for (i = 1; i <= s->nthreads; i++) {
		struct pt *pt = s->threads[i]->vehicle;

		if (pt == NULL)
			continue;
		pthread_cond_destroy(&pt->cv);
		free(pt);
		s->threads[i]->vehicle = NULL;
	}
	pthread_mutex_destroy(&pv->vm);
	free(pv);
}

static struct pt *
pt_new(struct sim_thread *t)
{
	struct pt *pt;

	if ((pt = calloc(1, sizeof(*pt))) == NULL)
		return (NULL);
	pthread_cond_init(&pt->cv, NULL);
	t->vehicle = pt;
	return (pt);
}

static int
pv_adopt(struct sim *s, struct sim_thread *t)
{

	(void)s;
	return (pt_new(t) != NULL ? 0 : ENOMEM);
}

/* Wait, with vm held, until told to run (or to die). */
static void
pt_wait(struct pv *pv, struct pt *pt)
{

	while (!pt->go && !pt->killed)
		pthread_cond_wait(&pt->cv, &pv->vm);
	pt->go = 0;
}

static void *
pt_main(void *arg)
{
	struct sim_thread *t = arg;
	struct sim *s = t->s;
	struct pv *pv = s->vpriv;
	struct pt *pt = t->vehicle;

	pthread_mutex_lock(&pv->vm);
	pt_wait(pv, pt);
	pthread_mutex_unlock(&pv->vm);
	if (pt->killed)
		return (NULL);
	ktrq_sim__thread_main(t);
	return (NULL);
}

static int
pv_start(struct sim *s, struct sim_thread *t)
{
	pthread_attr_t attr;
	struct pt *pt;
	size_t stack;
	int error;

	(void)s;
	if ((pt = pt_new(t)) == NULL)
		return (ENOMEM);
	stack = PT_STACK;
#ifdef PTHREAD_STACK_MIN
	if (stack < (size_t)PTHREAD_STACK_MIN)
		stack = (size_t)PTHREAD_STACK_MIN;
#endif
	if (pthread_attr_init(&attr) != 0)
		return (ENOMEM);
	error = pthread_attr_setstacksize(&attr, stack);
	if (error == 0)
		error = pthread_create(&pt->thread, &attr, pt_main, t);
	pthread_attr_destroy(&attr);
	if (error != 0)
		return (EAGAIN);
	pt->started = 1;
	return (0);
}

static void
pv_switch(struct sim *s, struct sim_thread *from, struct sim_thread *to,
    int from_exits)
{
	struct pv *pv = s->vpriv;
	struct pt *pf = from->vehicle, *pto = to->vehicle;

	pthread_mutex_lock(&pv->vm);
	pto->go = 1;
	pthread_cond_signal(&pto->cv);
	if (!from_exits)
		pt_wait(pv, pf);
	pthread_mutex_unlock(&pv->vm);
}

static __attribute__((noreturn)) void
pv_die(struct sim *s, struct sim_thread *t)
{

	(void)s;
	(void)t;
	pthread_exit(NULL);
}

static void
pv_abandon(struct sim *s, struct sim_thread *t)
{
	struct pv *pv = s->vpriv;
	struct pt *pt = t->vehicle;

	pthread_mutex_lock(&pv->vm);
	pt->killed = 1;
	pthread_cond_signal(&pt->cv);
	pthread_mutex_unlock(&pv->vm);
	if (pt->started) {
		pthread_join(pt->thread, NULL);
		pt->started = 0;
	}
}

static void
pv_reap(struct sim *s, struct sim_thread *t)
{
	struct pt *pt = t->vehicle;

	(void)s;
	if (pt != NULL && pt->started) {
		pthread_join(pt->thread, NULL);
		pt->started = 0;
	}
}

const struct sim_vehicle ktrq_sim__vehicle_pthread = {
	.name = "pthread",
	.init = pv_init,
	.fini = pv_fini,
	.adopt = pv_adopt,
	.start = pv_start,
	.switch_to = pv_switch,
	.die = pv_die,
	.abandon = pv_abandon,
	.reap = pv_reap,
};
