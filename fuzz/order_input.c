/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Decoding an ordering fuzz input (see order_input.h for the layout).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "order_input.h"

static const unsigned rare_permille[4] = { 0, 5, 20, 50 };

static unsigned
permille(uint8_t b)
{

	return ((unsigned)b * 1000u / 255u);
}

void
order_decode(const uint8_t *data, size_t size, enum sim_vehicle_kind vehicle,
    struct scn_params *sp, struct sim_params *simp)
{
	static uint8_t *buf;		/* input choices, then the tail */
	static size_t cap, dirty;
	size_t clen, need;
	uint8_t flags;

	(void)scn_params_init(sp, "chaos");
	ktrq_sim__params_init(simp);
	simp->vehicle = vehicle;
	simp->seed = 0;			/* unused: the bytes decide */
	simp->max_steps = ORDER_MAX_STEPS;
	simp->spurious_permille = 0;
	simp->timeout_permille = 0;
	if (size > 0)
		sp->procs = 1 + data[0] % 4;
	if (size > 1)
		sp->threads = 1 + data[1] % 3;
	if (size > 2)
		sp->events = 1 + data[2] % 12;
	if (size > 3)
		sp->pool = 1 + data[3] % 8;
	if (size > 4)
		sp->sync_permille = permille(data[4]);
	if (size > 5)
		sp->fault_permille = permille(data[5]);
	if (size > 6) {
		flags = data[6];
		sp->genio_copy = flags & 1;
		simp->spurious_permille = rare_permille[(flags >> 1) & 3];
		simp->timeout_permille = rare_permille[(flags >> 3) & 3];
	}
	if (size > 7)
		simp->fault_enable_permille = permille(data[7]);
	if (size > 8)
		simp->fault_fire_permille = permille(data[8]);
	clen = size > ORDER_HDR_LEN ? size - ORDER_HDR_LEN : 0;
	need = clen + ORDER_TAIL;
	if (need > cap) {
		free(buf);
		if ((buf = malloc(need)) == NULL) {
			perror("order_decode");
			abort();
		}
		cap = need;
		memset(buf, 0xff, cap);
	} else
		memset(buf, 0xff, dirty);	/* the previous input's */
	if (clen != 0)
		memcpy(buf, data + ORDER_HDR_LEN, clen);
	dirty = clen;
	simp->choice_bytes = buf;
	simp->choice_len = need;
}

void
order_describe(const struct scn_params *sp, const struct sim_params *simp,
    FILE *out)
{

	fprintf(out, "scenario=%s procs=%d threads=%d events=%d pool=%d "
	    "sync=%u faults=%u copy=%d spurious=%u timeouts=%u fenable=%u "
	    "ffire=%u maxsteps=%" PRIu64 " choice_bytes=%zu", sp->scenario,
	    sp->procs, sp->threads, sp->events, sp->pool, sp->sync_permille,
	    sp->fault_permille, sp->genio_copy, simp->spurious_permille,
	    simp->timeout_permille, simp->fault_enable_permille,
	    simp->fault_fire_permille, simp->max_steps,
	    simp->choice_len > ORDER_TAIL ? simp->choice_len - ORDER_TAIL : 0);
}
