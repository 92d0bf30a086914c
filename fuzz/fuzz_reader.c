/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reader fuzz target: the bytes are a ktrace.out file, read and printed
 * by ktrq_dump_stream() -- the whole of ktrq-dump but its command line --
 * from a memory stream (fmemopen).  It must never crash, hang or use
 * memory without bound, whatever the bytes; a corrupt file is a normal
 * outcome (KTRQ_DUMP_FAIL), anything but OK or FAIL is a bug.
 *
 * Each input is dumped twice: with the default options (what
 * `ktrq-dump FILE` does) and with options drawn from an FNV-1a hash of
 * the input (-H, -T/-E/-R, -n, a -t type mask, -p with the first
 * record's pid, -m), so that the printer's every column and filter is
 * reached without taking any byte away from the file.  The output goes to
 * /dev/null, opened once.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

static uint64_t
fnv(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (n-- > 0) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return (h);
}

static void
opts_from_hash(const uint8_t *data, size_t size, struct ktrq_dump_opts *o)
{
	static const size_t maxdata[4] = { 0, 1, 10, 64 };
	uint64_t h = fnv(data, size);

	ktrq_dump_opts_init(o);
	o->tid = (int)(h & 1);
	o->abstime = (int)((h >> 1) & 1);
	o->elapsed = (int)((h >> 2) & 1);
	o->reltime = (int)((h >> 3) & 1);
	o->numeric = (int)((h >> 4) & 1);
	if ((h >> 5) & 1)		/* a type filter, half the time */
		o->types = (unsigned)(h >> 8) & KTRQ_DUMP_ALL;
	if (((h >> 6) & 3) == 0 && size >= 12) {
		o->pid_set = 1;		/* the first record's pid field */
		o->pid = (int32_t)((uint32_t)data[8] |
		    (uint32_t)data[9] << 8 | (uint32_t)data[10] << 16 |
		    (uint32_t)data[11] << 24);
	}
	o->maxdata = maxdata[(h >> 16) & 3];
}

static void
dump(const uint8_t *data, size_t size, const struct ktrq_dump_opts *o)
{
	static const uint8_t empty[1];
	FILE *in;
	int status;

	/* fmemopen wants a buffer even for an empty stream. */
	if ((in = fmemopen((void *)(uintptr_t)(size != 0 ? data : empty),
	    size != 0 ? size : 1, "r")) == NULL) {
		perror("fuzz_reader: fmemopen");
		abort();
	}
	if (size == 0)
		(void)fgetc(in);	/* now at end of file */
	status = ktrq_dump_stream(in, "fuzz", devnull, devnull, o);
	fclose(in);
	if (status != KTRQ_DUMP_OK && status != KTRQ_DUMP_FAIL) {
		fprintf(stderr, "fuzz_reader: ktrq_dump_stream returned %d\n",
		    status);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ktrq_dump_opts o;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL) {
		perror("fuzz_reader: /dev/null");
		abort();
	}
	ktrq_dump_opts_init(&o);
	dump(data, size, &o);
	opts_from_hash(data, size, &o);
	dump(data, size, &o);
	return (0);
}
