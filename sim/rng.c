/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The simulator's random numbers: splitmix64, chosen because it is tiny,
 * has no bad seeds (0 included) and gives the same stream on every
 * machine and compiler -- which a replayable seed needs.
 */
#include "sim_impl.h"

uint64_t
ktrq_sim__rng_next(uint64_t *state)
{
	uint64_t z;

	z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

/* Uniform in [0, n) without modulo bias (Lemire's rejection). */
uint64_t
ktrq_sim__rng_below(uint64_t *state, uint64_t n)
{
	uint64_t x, limit;

	if (n <= 1)
		return (0);
	limit = -n % n;		/* 2^64 mod n */
	do
		x = ktrq_sim__rng_next(state);
	while (x < limit);
	return (x % n);
}
