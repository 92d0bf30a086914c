/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ordering fuzz target's input format, shared by the target
 * (fuzz_order.c) and crash-to-schedule (crash_to_schedule.c) so that both
 * read a file the same way.
 *
 * An input is a header of ORDER_HDR_LEN bytes followed by choice bytes:
 *
 *	byte 0	procs		1 + b % 4
 *	byte 1	threads		1 + b % 3	(posting threads per process)
 *	byte 2	events		1 + b % 12	(events per posting thread)
 *	byte 3	pool		1 + b % 8
 *	byte 4	sync permille	b * 1000 / 255	(share of genio)
 *	byte 5	fault permille	b * 1000 / 255	(target write errors)
 *	byte 6	flags		bit 0: KTRQ_CF_GENIO_COPY;
 *				bits 1-2: spurious wakeups {0,5,20,50} permille;
 *				bits 3-4: early timeouts {0,5,20,50} permille;
 *				bits 5-7: ignored
 *	byte 7	fault enable	b * 1000 / 255	(BUGGIFY: a site is on per run)
 *	byte 8	fault fire	b * 1000 / 255	(an enabled site fires)
 *	9..	choice bytes: every decision of the run (thread picks, wakeup
 *		order, spurious wakeups, faults, and the whole workload of
 *		scenario "chaos": event kinds, sizes, control operations,
 *		pids, resize sizes, fork parents), little-endian, as few
 *		bytes as each decision needs (sim/choose.c).
 *
 * Past the end of the input the run reads ORDER_TAIL bytes of 0xff, and
 * only then the simulator's zeros.  At 0 every chance of p > 0 permille
 * says yes (ktrq_sim__chance: choose(1000) < p), so an input that ends early
 * would otherwise wake a sleeper spuriously at every scheduling point:
 * the lowest thread, picked at 0, can be woken, re-check its predicate
 * and sleep again until the step limit -- a livelock of the input's
 * making, not the library's.  At 0xff a chance below 535 permille says
 * no (0xffff % 1000), so after the input the run goes on without
 * spurious wakeups or early timeouts, picking thread 255 % n; the tail
 * outlasts ORDER_MAX_STEPS scheduling points, so a run that still does
 * not end is a real livelock.
 *
 * Decoding is total: every input is a run.  A header byte the input does
 * not have takes the default (scn_params_init("chaos"), no spurious
 * wakeups or early timeouts, fault enable/fire 250 permille), and small
 * byte values make small runs.  Same input, same run, on any machine.
 */
#ifndef KTRQ_FUZZ_ORDER_INPUT_H
#define KTRQ_FUZZ_ORDER_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "run.h"
#include "sim.h"

#define	ORDER_HDR_LEN		9
#define	ORDER_MAX_STEPS		200000
/* At most 5 bytes a scheduling point once the input is spent. */
#define	ORDER_TAIL		(2u << 20)

/*
 * Fill *sp and *simp from `data`.  simp->choice_bytes points at a buffer
 * of this module holding the input's choice bytes and the tail, valid
 * until the next call (not reentrant: one run at a time per process).
 * `vehicle` is the simulator's vehicle (it does not change the run).
 */
void	order_decode(const uint8_t *data, size_t size,
	    enum sim_vehicle_kind vehicle, struct scn_params *sp,
	    struct sim_params *simp);

/* The parameters as one line of "key=value" words (no newline). */
void	order_describe(const struct scn_params *sp,
	    const struct sim_params *simp, FILE *out);

#endif /* !KTRQ_FUZZ_ORDER_INPUT_H */
