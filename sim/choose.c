/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The chooser: every decision of a run passes here.  Live, a value comes
 * from the strategy (thread picks) or the seeded generator (everything
 * else); in replay it comes from the schedule, and the question asked must
 * be the question recorded -- same kind, same number of options -- or the
 * run stops with the step and the site, never diverging silently.
 *
 * Choices with one option are not decisions: they are neither recorded
 * nor consumed, so a schedule holds only what could have gone otherwise.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_impl.h"

static const char *const kind_names[SIM_CH_NKINDS] = {
	"run", "wake-one", "spurious", "spurious-who", "timeout",
	"fault-on", "fault", "value", "workload"
};

static const char *
kind_name(unsigned kind)
{

	return (kind < SIM_CH_NKINDS ? kind_names[kind] : "?");
}

uint64_t
ktrq_sim__record(struct sim *s, enum sim_choice kind, uint64_t n, uint64_t v,
    const char *site)
{
	struct sim_decision d;
	uint64_t w[3];
	size_t i;

	(void)site;
	d.kind = (uint8_t)kind;
	d.n = n;
	d.value = v;
	if (ktrq_sim__schedule_append(&s->recorded, &d) != 0)
		ktrq_sim__abort(s, SIM_PANIC, "out of memory recording a decision");
	w[0] = kind;
	w[1] = n;
	w[2] = v;
	if (s->hash == 0)
		s->hash = 0xcbf29ce484222325ULL;
	for (i = 0; i < 3; i++) {
		s->hash ^= w[i];
		s->hash *= 0x100000001b3ULL;
	}
	return (v);
}

static uint64_t
replay_next(struct sim *s, enum sim_choice kind, uint64_t n, const char *site)
{
	const struct sim_decision *d;
	char msg[512];

	if (s->replay_pos >= s->replay->n) {
		snprintf(msg, sizeof(msg), "replay: schedule ended after %zu "
		    "decisions, but at step %" PRIu64 " thread %d \"%s\" asks "
		    "a %s choice of %" PRIu64 " at %s", s->replay->n, s->steps,
		    s->cur->id, s->cur->name, kind_name(kind), n, site);
		ktrq_sim__abort(s, SIM_REPLAY_MISMATCH, msg);
	}
	d = &s->replay->d[s->replay_pos];
	if (d->kind != kind || d->n != n || d->value >= n) {
		snprintf(msg, sizeof(msg), "replay diverged at decision %zu "
		    "(step %" PRIu64 "): the schedule has a %s choice of %"
		    PRIu64 ", but thread %d \"%s\" asks a %s choice of %" PRIu64
		    " at %s", s->replay_pos, s->steps, kind_name(d->kind),
		    d->n, s->cur->id, s->cur->name, kind_name(kind), n, site);
		ktrq_sim__abort(s, SIM_REPLAY_MISMATCH, msg);
	}
	s->replay_pos++;
	return (ktrq_sim__record(s, kind, n, d->value, site));
}

/* A fuzzer's bytes as choices: just enough bytes for n options. */
static uint64_t
bytes_next(struct sim *s, uint64_t n)
{
	uint64_t v;
	unsigned shift;

	for (v = 0, shift = 0; shift < 64 && (n - 1) >> shift != 0;
	    shift += 8)
		if (s->bytes_pos < s->p.choice_len)
			v |= (uint64_t)s->p.choice_bytes[s->bytes_pos++] <<
			    shift;
	return (v % n);
}

uint64_t
ktrq_sim__choose(struct sim *s, enum sim_choice kind, uint64_t n, const char *site)
{

	if (n <= 1)
		return (0);
	if (s->replay != NULL)
		return (replay_next(s, kind, n, site));
	/* Past the fuzzer's bytes, the seed goes on (a 0 forever would
	 * say yes to every chance: a spurious wakeup at every step). */
	if (s->p.choice_bytes != NULL && s->bytes_pos < s->p.choice_len)
		return (ktrq_sim__record(s, kind, n, bytes_next(s, n), site));
	return (ktrq_sim__record(s, kind, n, ktrq_sim__rng_below(&s->rng, n), site));
}

int
ktrq_sim__chance(struct sim *s, enum sim_choice kind, unsigned permille,
    const char *site)
{

	if (permille == 0)
		return (0);
	if (permille >= 1000)
		return (1);
	return (ktrq_sim__choose(s, kind, 1000, site) < permille);
}

int
ktrq_sim__fault(struct sim *s, enum ktrq_sim__fault f, const char *site)
{

	if (f >= SIM_FAULT_NSITES)
		return (0);
	if (s->fault_on[f] < 0)
		s->fault_on[f] = (signed char)ktrq_sim__chance(s, SIM_CH_FAULT_ON,
		    s->p.fault_enable_permille, site);
	if (!s->fault_on[f])
		return (0);
	return (ktrq_sim__chance(s, SIM_CH_FAULT, s->p.fault_fire_permille, site));
}

int
ktrq_sim__fault_named(struct sim *s, const char *name)
{
	struct sim_nfault *f, *nf;
	size_t i;

	for (i = 0; i < s->nnfaults; i++)
		if (strcmp(s->nfaults[i].name, name) == 0)
			break;
	if (i == s->nnfaults) {
		if ((nf = realloc(s->nfaults, (i + 1) * sizeof(*nf))) == NULL ||
		    (s->nfaults = nf, nf[i].name = strdup(name)) == NULL)
			ktrq_sim__abort(s, SIM_PANIC, "out of memory naming a fault");
		nf[i].on = ktrq_sim__chance(s, SIM_CH_FAULT_ON,
		    s->p.fault_enable_permille, name);
		s->nnfaults++;
	}
	f = &s->nfaults[i];
	if (!f->on)
		return (0);
	return (ktrq_sim__chance(s, SIM_CH_FAULT, s->p.fault_fire_permille, name));
}
