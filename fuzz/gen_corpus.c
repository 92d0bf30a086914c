/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writes the seed corpora of the three fuzz targets (fuzz/corpus/), so
 * that every committed seed can be regenerated and reviewed:
 *
 *	fuzz-gen-corpus DIR
 *
 * writes DIR/fuzz_order/, DIR/fuzz_reader/ and DIR/fuzz_control/ (which
 * must exist).  The output is the same on every run and machine.
 *
 *  - fuzz_order: for a spread of workload headers, a run of the seeded
 *    random (or PCT) strategy is recorded and its decisions re-encoded as
 *    choice bytes, so every seed is a real interleaving of a real
 *    workload, not zeros; each is checked to replay to the same schedule
 *    in byte mode, and to pass the oracle.
 *  - fuzz_reader: the trace files of small chaos runs (every record type,
 *    drop marks, written by the library's own encoders), hand-made
 *    version-0 records, and a few corrupt files.
 *  - fuzz_control: call sequences assembled op by op in the format
 *    fuzz_control.c decodes (see its op table).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktrq/ktrq.h"
#include "fuzz_util.h"
#include "order_input.h"
#include "run.h"
#include "sim.h"

static const char *dir;
static int failures;

struct buf {
	uint8_t	*p;
	size_t	 n, cap;
};

static void
put(struct buf *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 64;
		if ((b->p = realloc(b->p, b->cap)) == NULL) {
			perror("gen_corpus");
			exit(2);
		}
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void
put8(struct buf *b, unsigned v)
{
	uint8_t c = (uint8_t)v;

	put(b, &c, 1);
}

static void
putle(struct buf *b, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		put8(b, (unsigned)(v >> (8 * i)) & 0xff);
}

static void
save(const char *target, const char *name, const struct buf *b)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, target, name);
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(b->p, 1, b->n, f) != b->n || fclose(f) != 0) {
		fprintf(stderr, "gen_corpus: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	printf("%-60s %6zu bytes\n", path, b->n);
}

/* ---- fuzz_order ---- */

/* The bytes ktrq_sim__choose reads for a choice of n options (choose.c). */
static void
put_choice(struct buf *b, uint64_t n, uint64_t v)
{
	unsigned shift;

	for (shift = 0; shift < 64 && (n - 1) >> shift != 0; shift += 8)
		put8(b, (unsigned)(v >> shift) & 0xff);
}

static void
order_seed(const char *name, const uint8_t hdr[ORDER_HDR_LEN],
    enum sim_strategy_kind strat, uint64_t seed)
{
	struct scn_params sp;
	struct sim_params simp;
	struct scn_outcome live, bytes;
	struct sim_schedule sc;
	struct buf b;
	char err[256];
	size_t i;
	int error;

	memset(&b, 0, sizeof(b));
	put(&b, hdr, ORDER_HDR_LEN);
	order_decode(hdr, ORDER_HDR_LEN, SIM_VEHICLE_FIBER, &sp, &simp);
	simp.choice_bytes = NULL;
	simp.choice_len = 0;
	simp.strategy = strat;
	simp.seed = seed;
	error = scn_run(&sp, &simp, NULL, NULL, &live);
	fuzz_fix_asan_stack();
	if (error != 0 ||
	    ktrq_sim__schedule_parse(live.schedule, &sc, err, sizeof(err)) != 0) {
		fprintf(stderr, "gen_corpus: %s: run failed\n", name);
		exit(2);
	}
	for (i = 0; i < sc.n; i++)
		put_choice(&b, sc.d[i].n, sc.d[i].value);
	/* The same run from the bytes alone. */
	order_decode(b.p, b.n, SIM_VEHICLE_FIBER, &sp, &simp);
	error = scn_run(&sp, &simp, NULL, NULL, &bytes);
	fuzz_fix_asan_stack();
	if (error != 0)
		exit(2);
	if (bytes.sim.schedule_hash != live.sim.schedule_hash || !bytes.ok) {
		fprintf(stderr, "gen_corpus: %s: byte mode %s (ok %d, %s)\n",
		    name, bytes.sim.schedule_hash != live.sim.schedule_hash ?
		    "diverged" : "failed", bytes.ok, bytes.verdict);
		failures++;
	}
	save("fuzz_order", name, &b);
	ktrq_sim__schedule_fini(&sc);
	scn_outcome_fini(&live);
	scn_outcome_fini(&bytes);
	free(b.p);
}

static void
gen_order(void)
{
	/* procs threads events pool sync faults flags fenable ffire */
	static const struct {
		const char	*name;
		uint8_t		 hdr[ORDER_HDR_LEN];
		int		 pct;
		uint64_t	 seed;
	} seeds[] = {
		{ "tiny", { 0, 0, 1, 0, 0, 0, 0, 0, 0 }, 0, 1 },
		{ "small-sync", { 0, 1, 3, 1, 128, 0, 0, 64, 64 }, 0, 2 },
		{ "default-random", { 1, 1, 5, 2, 51, 25, 0, 64, 64 }, 0, 3 },
		{ "default-pct", { 1, 1, 5, 2, 51, 25, 0, 64, 64 }, 1, 4 },
		{ "exhaustion", { 3, 2, 7, 0, 25, 0, 0, 0, 0 }, 0, 5 },
		{ "sync-heavy", { 1, 2, 7, 2, 200, 0, 0, 64, 64 }, 1, 6 },
		{ "genio-copy", { 2, 1, 7, 3, 128, 25, 1, 64, 64 }, 0, 7 },
		{ "write-errors", { 2, 0, 7, 3, 51, 200, 0, 128, 128 }, 0, 8 },
		{ "spurious", { 1, 1, 4, 1, 100, 25, 0x0e, 64, 64 }, 0, 9 },
		{ "faults-all", { 1, 1, 5, 2, 51, 100, 0x06, 255, 200 }, 1,
		    10 },
		{ "big-pool", { 2, 2, 11, 7, 51, 0, 0x18, 64, 64 }, 0, 11 },
		{ "one-proc", { 0, 2, 11, 1, 80, 50, 0x10, 32, 32 }, 1, 12 },
	};
	size_t i;

	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		order_seed(seeds[i].name, seeds[i].hdr, seeds[i].pct ?
		    SIM_STRAT_PCT : SIM_STRAT_RANDOM, seeds[i].seed);
}

/* ---- fuzz_reader ---- */

static void
reader_trace(const char *name, int procs, int threads, int events,
    unsigned sync, unsigned faults, int copy, uint64_t seed)
{
	struct scn_params sp;
	struct sim_params simp;
	struct scn_outcome out;
	struct buf b;
	int error;

	(void)scn_params_init(&sp, "chaos");
	sp.procs = procs;
	sp.threads = threads;
	sp.events = events;
	sp.pool = 2;
	sp.sync_permille = sync;
	sp.fault_permille = faults;
	sp.genio_copy = copy;
	ktrq_sim__params_init(&simp);
	simp.vehicle = SIM_VEHICLE_FIBER;
	/* The first seed from `seed` on whose trace is not empty. */
	for (simp.seed = seed;; simp.seed++) {
		error = scn_run(&sp, &simp, NULL, NULL, &out);
		fuzz_fix_asan_stack();
		if (error != 0 || !out.ok) {
			fprintf(stderr, "gen_corpus: %s: the run failed\n",
			    name);
			exit(2);
		}
		if (out.trace_len != 0)
			break;
		scn_outcome_fini(&out);
	}
	memset(&b, 0, sizeof(b));
	put(&b, out.trace, out.trace_len);
	save("fuzz_reader", name, &b);
	scn_outcome_fini(&out);
	free(b.p);
}

/* A version-0 header (56 bytes), which the encoders never write. */
static void
v0_header(struct buf *b, int type, int32_t len, int32_t pid,
    const char *comm, int64_t sec, int64_t usec, int64_t tid)
{
	char c[KTRQ_REC_COMM_SIZE];

	putle(b, (uint32_t)len, 4);
	putle(b, (uint16_t)type, 2);
	putle(b, 0, 2);
	putle(b, (uint32_t)pid, 4);
	memset(c, 0, sizeof(c));
	strncpy(c, comm, sizeof(c));
	put(b, c, sizeof(c));
	putle(b, (uint64_t)sec, 8);
	putle(b, (uint64_t)usec, 8);
	putle(b, (uint64_t)tid, 8);
}

static void
v1_record(struct buf *b, int type, int32_t pid, const char *comm,
    int64_t sec, int64_t nsec, const void *payload, size_t len)
{
	struct ktrq_rec_hdr h;
	uint8_t hb[KTRQ_REC_HDR_V1_SIZE];

	memset(&h, 0, sizeof(h));
	h.len = (int32_t)len;
	h.type = (uint16_t)type;
	h.pid = pid;
	strncpy(h.comm, comm, sizeof(h.comm) - 1);
	h.sec = sec;
	h.nsec = nsec;
	h.tid = 100000 + pid;
	h.cpu = 1;
	put(b, hb, ktrq_rec_hdr_encode(hb, &h));
	put(b, payload, len);
}

/*
 * A FreeBSD process (PROCCTOR: its ABI) making calls kdump decodes, so
 * the fuzzer starts inside the argument decoder; then its PROCDTOR.
 */
static void
reader_decoded(struct buf *b)
{
	static const struct { int code, narg; uint64_t a[6]; } calls[] = {
		{ 5, 3, { 0x400000, 0x601, 0644 } },		/* open */
		{ 477, 6, { 0, 4096, 3, 0x1002, ~0ULL, 0 } },	/* mmap */
		{ 92, 3, { 3, 4, 0x304 } },			/* fcntl */
		{ 97, 3, { 2, 0x10000001, 6 } },		/* socket */
		{ 105, 5, { 3, 0xffff, 4, 0x1000, 4 } },	/* setsockopt */
		{ 60, 2, { 022, 5 } },				/* umask */
		{ 478, 3, { 3, 0x100, 7 } },			/* lseek */
	};
	struct ktrq_rec_syscall s;
	uint8_t pl[KTRQ_REC_SYSCALL_SIZE(KTRQ_REC_MAXARGS)];
	size_t i;

	v1_record(b, 10, 505, "fbsd", 20, 0, "\x09\x02\x0c\x00", 4);
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		memset(&s, 0, sizeof(s));
		s.code = (int16_t)calls[i].code;
		s.narg = (int16_t)calls[i].narg;
		memcpy(s.args, calls[i].a, sizeof(calls[i].a));
		v1_record(b, KTR_SYSCALL, 505, "fbsd", 20, (int64_t)i + 1, pl,
		    ktrq_rec_syscall_encode(pl, &s));
	}
	v1_record(b, 11, 505, "fbsd", 21, 0, "", 0);
	save("fuzz_reader", "freebsd-decoded", b);
}

static void
gen_reader(void)
{
	struct ktrq_rec_syscall s;
	struct ktrq_rec_sysret r;
	struct ktrq_rec_csw cw;
	struct ktrq_rec_genio g;
	struct ktrq_rec_psig ps;
	uint8_t pl[256];
	size_t n;
	struct buf b;

	reader_trace("chaos-small", 1, 1, 6, 200, 0, 0, 1);
	reader_trace("chaos-sync", 1, 2, 4, 600, 0, 0, 2);
	reader_trace("chaos-copy", 2, 1, 4, 300, 100, 1, 3);
	reader_trace("chaos-drops", 2, 2, 3, 100, 0, 0, 4);

	/* Version 0: a CALL, a NAMI and a GIO of 4 bytes, no padding. */
	memset(&b, 0, sizeof(b));
	memset(&s, 0, sizeof(s));
	s.code = 4;
	s.narg = 2;
	s.args[0] = 1;
	s.args[1] = 0x7fffffffe000ULL;
	n = ktrq_rec_syscall_encode(pl, &s);
	v0_header(&b, KTR_SYSCALL, (int32_t)n, 404, "old", 1, 999999, 7);
	put(&b, pl, n);
	v0_header(&b, KTR_NAMEI, 8, 404, "old", 2, 0, 7);
	put(&b, "/etc/rc\n", 8);
	memset(&g, 0, sizeof(g));
	g.fd = 1;
	g.rw = 1;
	n = ktrq_rec_genio_encode(pl, &g);
	memcpy(pl + n, "hi\n\001", 4);
	v0_header(&b, KTR_GENIO | KTR_DROP, (int32_t)n + 4, 404, "old", 3, 5,
	    7);
	put(&b, pl, n + 4);
	save("fuzz_reader", "v0-records", &b);

	/* Version 1, every type once, then an unknown type and a drop. */
	b.n = 0;
	n = ktrq_rec_syscall_encode(pl, &s);
	v1_record(&b, KTR_SYSCALL, 101, "sh", 10, 5, pl, n);
	memset(&r, 0, sizeof(r));
	r.code = 4;
	r.error = -1;
	r.retval = 0;
	n = ktrq_rec_sysret_encode(pl, &r);
	v1_record(&b, KTR_SYSRET, 101, "sh", 10, 6, pl, n);
	memset(&ps, 0, sizeof(ps));
	ps.signo = 2;
	ps.action = 1;
	ps.mask[0] = 2;
	n = ktrq_rec_psig_encode(pl, &ps);
	v1_record(&b, KTR_PSIG | KTR_DROP, 202, "a-very-long-command-name",
	    11, 999999999, pl, n);
	cw.out = 1;
	cw.user = 0;
	n = ktrq_rec_csw_encode(pl, &cw);
	v1_record(&b, KTR_CSW, 202, "x", 12, 0, pl, n);
	v1_record(&b, KTR_USER, 303, "exactly-19-chars-xx", 13, 1,
	    "\x00\x01\x02\xff user bytes", 16);
	n = ktrq_rec_genio_encode(pl, &g);
	memcpy(pl + n, "\"quoted\"\t\\\r\n", 12);
	v1_record(&b, KTR_GENIO, 303, "gio", 14, 2, pl, n + 12);
	v1_record(&b, 99, 303, "unknown", 15, 3, "??", 2);
	save("fuzz_reader", "v1-every-type", &b);
	b.n = 0;
	reader_decoded(&b);

	/* Corrupt: each a good record, then the bad one. */
	b.n = 0;
	v1_record(&b, KTR_USER, 1, "a", 1, 1, "ok", 2);
	putle(&b, 0x7fffffff, 4);		/* absurd length */
	putle(&b, KTR_USER | KTR_VERSIONED, 2);
	putle(&b, 1, 2);
	save("fuzz_reader", "bad-length", &b);
	b.n = 0;
	v1_record(&b, KTR_USER, 1, "a", 1, 1, "ok", 2);
	v1_record(&b, KTR_SYSRET, 1, "a", 1, 1, pl, 17);  /* wrong size */
	save("fuzz_reader", "bad-sysret", &b);
	b.n = 0;
	v1_record(&b, KTR_USER, 1, "a", 1, 1, "ok", 2);
	v1_record(&b, KTR_USER, 1, "a", 1, 2000000000, "ok", 2);
	save("fuzz_reader", "bad-time", &b);
	b.n = 0;
	v1_record(&b, KTR_NAMEI, 1, "a", 1, 1, "/truncated/payload", 18);
	b.n -= 5;
	save("fuzz_reader", "truncated", &b);
	free(b.p);
}

/* ---- fuzz_control ---- */

enum {
	PROC_CREATE, PROC_FORK, PROC_EXIT, PROC_EXEC, THREAD_CREATE,
	THREAD_DESTROY, KTRACE, SYSCALL, SYSRET, NAMEI, GENIO, PSIG, CSW,
	UTRACE, POINT, RESIZE, STATS, QUIESCE, MEMTARGET, FAULTTARGET,
	TARGET_RELE, ARM, NULLS, INSTANCE2
};

static void
c_hdr(struct buf *b, unsigned seed, unsigned fen, unsigned ffire,
    unsigned cfg, unsigned flags)
{

	putle(b, seed, 2);
	put8(b, fen);
	put8(b, ffire);
	put8(b, cfg);
	put8(b, flags);
}

/* pid byte (1 + b % 12), parent (15: none), pgid, cred index. */
static void
c_proc(struct buf *b, unsigned pidb, unsigned parentb, unsigned pgidb,
    unsigned cred)
{

	put8(b, PROC_CREATE);
	put8(b, pidb);
	put8(b, parentb);
	put8(b, pgidb);
	put8(b, 2);			/* comm of 2 bytes */
	put(b, "pq", 2);
	put8(b, cred);
}

static void
c_thread(struct buf *b, unsigned procb, uint32_t tid)
{

	put8(b, THREAD_CREATE);
	put8(b, procb);
	putle(b, tid, 4);
	put8(b, 0);
}

/* ktrace: ops index (0 SET, 1 CLEAR, 2 CLEARFILE, 3 SET|DESCEND), facs
 * index (0 ALL, 1 ALL|INHERIT), pid byte (< 64: a live pid). */
static void
c_ktrace(struct buf *b, unsigned thb, unsigned tgb, unsigned opsb,
    unsigned facb, unsigned pidb)
{

	put8(b, KTRACE);
	put8(b, thb);
	put8(b, tgb);
	put8(b, opsb);
	put8(b, facb);
	put8(b, pidb);
}

/* One event of every kind from thread `thb`. */
static void
c_events(struct buf *b, unsigned thb)
{

	put8(b, SYSCALL); put8(b, thb); put8(b, 1); put8(b, 3); put8(b, 0);
	put8(b, SYSRET); put8(b, thb); put8(b, 1); putle(b, 0, 4);
	putle(b, 42, 4);
	put8(b, NAMEI); put8(b, thb); put8(b, 2);
	put8(b, GENIO); put8(b, thb); put8(b, 1); put8(b, 1); put8(b, 2);
	put8(b, PSIG); put8(b, thb); put8(b, 1); put8(b, 0); putle(b, 0, 4);
	put8(b, 0);
	put8(b, CSW); put8(b, thb); put8(b, 1); put8(b, 0);
	put8(b, UTRACE); put8(b, thb); put8(b, 2);
	put8(b, UTRACE); put8(b, thb); put8(b, 4);	/* 129: allocates */
	put8(b, GENIO); put8(b, thb); put8(b, 1); put8(b, 0); put8(b, 5);
}

static void
gen_control(void)
{
	struct buf b;
	int i;

	memset(&b, 0, sizeof(b));

	/* Every event kind, traced, then quiet and statistics. */
	c_hdr(&b, 1, 0, 0, 0x02, 0);
	put8(&b, MEMTARGET); put8(&b, 0);
	c_proc(&b, 0, 15, 0, 0);		/* pid 1, root */
	c_thread(&b, 0, 100001);
	c_ktrace(&b, 0, 0, 0, 1, 0);
	c_events(&b, 0);
	put8(&b, QUIESCE);
	put8(&b, STATS); put8(&b, 3);
	save("fuzz_control", "events", &b);

	/* A pool of 1: drops, warnings, resizes. */
	b.n = 0;
	c_hdr(&b, 2, 0, 0, 0x00, 0);
	put8(&b, MEMTARGET); put8(&b, 0);
	c_proc(&b, 1, 15, 0, 0);
	c_thread(&b, 0, 7);
	c_ktrace(&b, 0, 0, 0, 0, 0);
	for (i = 0; i < 3; i++)
		c_events(&b, 0);
	put8(&b, RESIZE); put8(&b, 5); put8(&b, 0);	/* 8 */
	c_events(&b, 0);
	put8(&b, RESIZE); put8(&b, 0); put8(&b, 0);	/* 1 */
	put8(&b, RESIZE); put8(&b, 9); put8(&b, 0);	/* -1: EINVAL */
	c_events(&b, 0);
	put8(&b, QUIESCE);
	save("fuzz_control", "exhaustion", &b);

	/* Fork with INHERIT, a user process, EPERM, set-id exec, exit. */
	b.n = 0;
	c_hdr(&b, 3, 0, 0, 0x03, 0);
	put8(&b, MEMTARGET); put8(&b, 0);
	c_proc(&b, 0, 15, 0, 1);		/* pid 1, user 1000 */
	c_proc(&b, 1, 15, 1, 2);		/* pid 2, user 1001 */
	c_thread(&b, 0, 11);
	c_thread(&b, 1, 22);
	c_ktrace(&b, 0, 0, 0, 1, 0);		/* 1 traces itself */
	c_ktrace(&b, 0, 0, 0, 1, 1);		/* 1 on 2: EPERM */
	put8(&b, PROC_FORK); put8(&b, 0); put8(&b, 4); put8(&b, 0);
	c_thread(&b, 2, 55);
	c_events(&b, 2);
	put8(&b, PROC_EXEC); put8(&b, 0); put8(&b, 3); put(&b, "suid", 4);
	put8(&b, 1);
	c_events(&b, 0);
	c_ktrace(&b, 0, 0, 3, 1, 64);		/* DESCEND on a group */
	put8(&b, PROC_EXIT); put8(&b, 2);
	put8(&b, THREAD_DESTROY); put8(&b, 1);
	put8(&b, QUIESCE);
	save("fuzz_control", "fork-exec", &b);

	/* Fault targets: write errors, short writes, latency. */
	b.n = 0;
	c_hdr(&b, 4, 0, 0, 0x02, 0);
	put8(&b, MEMTARGET); put8(&b, 0);
	put8(&b, FAULTTARGET); put8(&b, 0); put8(&b, 0x14); put8(&b, 0x06);
	c_proc(&b, 0, 15, 0, 0);
	c_proc(&b, 2, 15, 0, 0);
	c_thread(&b, 0, 1);
	c_thread(&b, 1, 2);
	c_ktrace(&b, 0, 8, 0, 0, 0);		/* pid 1 on the fault target */
	c_ktrace(&b, 0, 0, 0, 0, 1);		/* pid 3 on memory */
	c_events(&b, 0);
	c_events(&b, 1);
	c_events(&b, 0);
	c_ktrace(&b, 1, 8, 2, 0, 1);		/* CLEARFILE */
	put8(&b, TARGET_RELE); put8(&b, 8);
	put8(&b, QUIESCE);
	save("fuzz_control", "faulttarget", &b);

	/* Allocation faults armed, genio copy. */
	b.n = 0;
	c_hdr(&b, 5, 255, 100, 0x0a, 0);
	put8(&b, MEMTARGET); put8(&b, 0);
	c_proc(&b, 0, 15, 0, 0);
	c_thread(&b, 0, 1);
	c_ktrace(&b, 0, 0, 0, 1, 0);
	put8(&b, ARM); put8(&b, 1);
	for (i = 0; i < 3; i++)
		c_events(&b, 0);
	put8(&b, RESIZE); put8(&b, 7); put8(&b, 0);	/* 64 */
	c_proc(&b, 5, 15, 0, 0);
	put8(&b, ARM); put8(&b, 0);
	c_events(&b, 0);
	put8(&b, QUIESCE);
	save("fuzz_control", "alloc-faults", &b);

	/* NULLs and bad arguments everywhere; a second instance. */
	b.n = 0;
	c_hdr(&b, 6, 0, 0, 0xc6, 1);		/* bad config, PCT, leave */
	for (i = 0; i < 12; i++) {
		put8(&b, NULLS); put8(&b, i); put8(&b, 0);
	}
	put8(&b, MEMTARGET); put8(&b, 1);
	c_proc(&b, 0, 15, 0, 0);
	c_proc(&b, 0, 15, 0, 0);		/* EEXIST */
	c_proc(&b, 250, 15, 0, 0);		/* bad pid */
	c_thread(&b, 0, 3);
	put8(&b, INSTANCE2); put8(&b, 0); put8(&b, 0); put8(&b, 0);
	put8(&b, INSTANCE2); put8(&b, 1); put8(&b, 0); put8(&b, 0);
	c_ktrace(&b, 0, 0, 8, 0, 0);		/* ops -1: EINVAL */
	c_ktrace(&b, 0, 0, 0, 5, 0);		/* no facility */
	c_ktrace(&b, 0, 7, 0, 0, 0);		/* NULL target */
	c_ktrace(&b, 0, 0, 0, 0, 230);		/* pid INT_MIN */
	c_ktrace(&b, 0, 0, 0, 0, 110);		/* an unknown pid */
	put8(&b, SYSCALL); put8(&b, 0); put8(&b, 4); put8(&b, 11);
	put8(&b, 1);
	put8(&b, UTRACE); put8(&b, 0); put8(&b, 6);
	put8(&b, NAMEI); put8(&b, 0); put8(&b, 240);
	put8(&b, GENIO); put8(&b, 0); put8(&b, 0); put8(&b, 203);
	put8(&b, 2);
	put8(&b, PSIG); put8(&b, 0); put8(&b, 4); put8(&b, 0);
	putle(&b, 0, 4); put8(&b, 1);
	put8(&b, POINT); put8(&b, 0); put8(&b, 5);
	put8(&b, STATS); put8(&b, 3);
	save("fuzz_control", "nulls", &b);
	free(b.p);
}

int
main(int argc, char **argv)
{

	if (argc != 2) {
		fprintf(stderr, "usage: fuzz-gen-corpus DIR\n");
		return (2);
	}
	dir = argv[1];
	gen_order();
	gen_reader();
	gen_control();
	if (failures != 0) {
		fprintf(stderr, "gen_corpus: %d seed(s) did not reproduce\n",
		    failures);
		return (1);
	}
	return (0);
}
