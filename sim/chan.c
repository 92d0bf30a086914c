/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Per wait channel statistics: for every channel passed to msleep,
 * wakeup or wakeup_one in a run, how many threads slept on it at once
 * at most, how many one wakeup woke, and how often each verb was used.
 * A wakeup that never finds two sleepers cannot be told from a
 * wakeup_one; these numbers show whether a run could tell them apart.
 *
 * Entries are kept in first-use order (the same in every replay); a
 * hash of the channel's address finds them, and only that lookup
 * depends on addresses.  Bookkeeping only: no scheduling point, no
 * choice.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim_impl.h"

#define	CHAN_HASH0	64		/* first hash size, a power of two */

static size_t
chan_hash(const void *chan, size_t cap)
{
	uint64_t h = (uint64_t)(uintptr_t)chan;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return ((size_t)h & (cap - 1));
}

/* Twice the slots, at half load again; 0 or ENOMEM. */
static int
hash_grow(struct sim *s)
{
	uint32_t *h;
	size_t cap, i, j;

	cap = s->chan_hcap != 0 ? s->chan_hcap * 2 : CHAN_HASH0;
	if ((h = calloc(cap, sizeof(*h))) == NULL)
		return (ENOMEM);
	for (i = 0; i < s->nchan; i++) {
		for (j = chan_hash(s->chan[i].chan, cap); h[j] != 0;
		    j = (j + 1) & (cap - 1))
			;
		h[j] = (uint32_t)i + 1;
	}
	free(s->chan_hash);
	s->chan_hash = h;
	s->chan_hcap = cap;
	return (0);
}

static int
entries_grow(struct sim *s)
{
	struct ktrq_sim__chan *c;
	size_t cap;

	if (s->nchan < s->chan_cap)
		return (0);
	if (s->chan_cap >= UINT32_MAX / 4)
		return (ENOMEM);
	cap = s->chan_cap != 0 ? s->chan_cap * 2 : CHAN_HASH0 / 2;
	if ((c = realloc(s->chan, cap * sizeof(*c))) == NULL)
		return (ENOMEM);
	s->chan = c;
	s->chan_cap = cap;
	return (0);
}

/* The entry of `chan`, made at its first use. */
struct ktrq_sim__chan *
ktrq_sim__chan_stat(struct sim *s, const void *chan)
{
	struct ktrq_sim__chan *c;
	size_t j;

	if (s->chan_hcap != 0) {
		for (j = chan_hash(chan, s->chan_hcap); s->chan_hash[j] != 0;
		    j = (j + 1) & (s->chan_hcap - 1))
			if (s->chan[s->chan_hash[j] - 1].chan == chan)
				return (&s->chan[s->chan_hash[j] - 1]);
	}
	if (((s->nchan + 1) * 2 > s->chan_hcap && hash_grow(s) != 0) ||
	    entries_grow(s) != 0)
		ktrq_sim__abort(s, SIM_PANIC, "engine: out of memory for the "
		    "channel statistics");
	c = &s->chan[s->nchan];
	memset(c, 0, sizeof(*c));
	c->chan = chan;
	for (j = chan_hash(chan, s->chan_hcap); s->chan_hash[j] != 0;
	    j = (j + 1) & (s->chan_hcap - 1))
		;
	s->chan_hash[j] = (uint32_t)++s->nchan;
	return (c);
}

const struct ktrq_sim__chan *
ktrq_sim__chan_at(const struct sim *s, size_t i)
{

	return (i < s->nchan ? &s->chan[i] : NULL);
}

void
ktrq_sim__chan_fini(struct sim *s)
{

	free(s->chan);
	free(s->chan_hash);
	s->chan = NULL;
	s->chan_hash = NULL;
	s->nchan = s->chan_cap = s->chan_hcap = 0;
}
