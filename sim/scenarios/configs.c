/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The configs actor: side instances made every way the configuration
 * allows while the run's own instance works -- the pool size and the
 * back-pressure timeout from the configuration, from tunables or by
 * default; genio copied or written by its poster, clamped to a small
 * genio_size; small and large inline payloads; the 2002 writer or
 * batches; no probe hook, with or without a log hook; a pool large
 * enough that the wake batch is capped; a fault target in front of the
 * file -- and first made with every allocation, mutex and thread of
 * ktrq_create (and of the targets and processes) failing in turn.
 *
 * What it checks, where no oracle watches (no probes): every refused
 * create returns its errno and leaves no byte or mutex behind; the
 * instance's trace, read back with the public decoders, is exactly the
 * accepted posts in order, field by field, KTR_DROP where posts were
 * dropped; the statistics balance; back-pressure is on or off as the
 * configuration and tunables say; a fault target stops the file after
 * its records; the log lines went to the right sink; and at the end
 * the layer has every byte and mutex back.
 *
 * The allocation failures here are the layer's own, at chosen calls,
 * so the simulator's are disarmed while the actor works.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ktrq/ktrq.h"
#include "ktrq/sim.h"
#include "actors.h"
#include "layer.h"

#define	NPOSTS		32
#define	NPOSTS_BIG	100	/* a pool beyond KTRQ_BATCH_MAX requests */
#define	PID_ROOT	1
#define	PID_USER	2

struct cpost {
	int		 type;
	int		 outcome;
};

struct cfg {
	const struct ktrq_os	*os;		/* the simulator's */
	struct scn_layer	 l;
	struct ktrq_config	 cf;
	int			 bp_on;		/* what cf and tunables say */
	struct ktrq_fault	 fault;
	unsigned		 mask;		/* facilities traced */
	unsigned		 lines;		/* through cf.log */
	struct ktrq		*k;
	struct ktrq_target	*mem, *t;
	struct ktrq_proc	*root, *user;
	struct ktrq_thread	*rtd, *td;
	struct cpost		 posts[NPOSTS_BIG];
	int			 nposts;
	struct ktrq_stats	 st;
};

static const struct ktrq_cred root_cred = { 0, 0, 0, 0, 0, 0 };
static const struct ktrq_cred user_cred = { 1000, 1000, 1000, 1000, 1000,
    1000 };

#define	WANT(c, call, want)	scn_want((c)->os, (call), (want), #call)

static uint64_t
pick(const struct cfg *c, uint64_t n, const char *what)
{

	return (ktrq_sim_choose(c->os, n, what));
}

static void
count_line(void *arg, int level, const char *msg)
{

	(void)level;
	(void)msg;
	++*(unsigned *)arg;
}

/* ---- the configuration ---- */

static void
choose_pool(struct cfg *c)
{

	switch (pick(c, 4, "pool from")) {
	case 0:
		c->cf.pool_size = 1 + (int)pick(c, 8, "pool size");
		break;
	case 1:				/* the tunable */
		c->l.pool_error = 0;
		c->l.pool_value = 1 + (long long)pick(c, 8, "pool tunable");
		break;
	case 2:				/* the compiled default */
		break;
	default:			/* a wake batch capped at 256 */
		c->cf.pool_size = 2 * KTRQ_WAKE_BATCH + 100;
		break;
	}
}

/* The ways back-pressure is on or off (ktrq.h, backpressure_ns). */
static void
choose_bp(struct cfg *c)
{

	c->bp_on = 1;
	switch (pick(c, 6, "back-pressure from")) {
	case 0:				/* off */
		c->bp_on = 0;
		break;
	case 1:				/* the flag, the default timeout */
		c->cf.flags |= KTRQ_CF_BACKPRESSURE;
		break;
	case 2:				/* the flag, a short timeout */
		c->cf.flags |= KTRQ_CF_BACKPRESSURE;
		c->l.bp_error = 0;
		c->l.bp_value = 1000 + (long long)pick(c, 100000, "bp ns");
		break;
	case 3:				/* the tunable turns it on */
		c->l.bp_error = 0;
		c->l.bp_value = 1 + (long long)pick(c, 100000, "bp ns");
		break;
	case 4:				/* a tunable of 0 leaves it as is */
		c->l.bp_error = 0;
		c->l.bp_value = 0;
		if (pick(c, 2, "flag?") == 0)
			c->bp_on = 0;
		else
			c->cf.flags |= KTRQ_CF_BACKPRESSURE;
		break;
	default:			/* beyond the clock: no timeout */
		c->cf.flags |= KTRQ_CF_BACKPRESSURE;
		c->cf.backpressure_ns = UINT64_MAX;
		break;
	}
}

static void
choose_config(struct cfg *c)
{
	static const size_t inl[] = { 0, KTRQ_INLINE_MIN, 1024 };

	ktrq_config_init(&c->cf, &c->l.os);
	choose_pool(c);
	choose_bp(c);
	if (pick(c, 2, "genio copy?"))
		c->cf.flags |= KTRQ_CF_GENIO_COPY;
	if (pick(c, 2, "small genio_size?"))
		c->cf.genio_size = 8 + pick(c, 64, "genio_size");
	c->cf.inline_size = inl[pick(c, 3, "inline size")];
	c->cf.batch_max = (int)pick(c, 3, "batch max");
	if (pick(c, 2, "own log sink?")) {
		c->cf.log = count_line;
		c->cf.log_arg = &c->lines;
	}
	memset(&c->fault, 0, sizeof(c->fault));
	if (pick(c, 2, "fault target?")) {
		c->fault.fail_after_records = 1 + pick(c, 12, "records");
		c->fault.error = pick(c, 2, "errno") ? ENOSPC : 0;
		c->fault.short_write = pick(c, 2, "short?") ?
		    1 + pick(c, 100, "short") : 0;
		c->fault.delay_ns = pick(c, 2, "delay?") ?
		    1000 * (1 + pick(c, 50, "delay")) : 0;
	}
	c->mask = pick(c, 4, "all facilities?") != 0 ? KTRFAC_ALL :
	    (unsigned)(pick(c, 1U << 7, "facilities") << 1) | KTRFAC_SYSCALL;
}

/* ---- create, failing at every step first ---- */

static void
no_leftovers(const struct cfg *c, const char *what)
{

	if (c->l.live != 0 || c->l.mutexes != 0)
		ktrq_sim_fail(c->os, "scenario: %s left %llu bytes and %lld "
		    "mutexes", what, (unsigned long long)c->l.live,
		    (long long)c->l.mutexes);
}

/* Create with the n-th call of one kind failing, n = 1, 2, ... */
static void
create_failing(struct cfg *c, unsigned *countdown, int want)
{
	struct ktrq *k;
	unsigned n;
	int error;

	for (n = 1; n < 64; n++) {
		k = NULL;
		*countdown = n;
		error = ktrq_create(&c->cf, &k);
		if (*countdown != 0) {		/* never reached: it is made */
			*countdown = 0;
			WANT(c, error, 0);
			WANT(c, ktrq_destroy(k), 0);
			break;
		}
		scn_want(c->os, error, want, "ktrq_create with a layer call "
		    "failing");
		if (k != NULL)
			ktrq_sim_fail(c->os, "scenario: a failed create made "
			    "an instance");
		no_leftovers(c, "a failed ktrq_create");
	}
	no_leftovers(c, "ktrq_destroy");
}

static void
make_failing_targets(struct cfg *c)
{
	struct ktrq_target *t, *m;
	struct ktrq_iov iov;
	unsigned n;

	for (n = 1; n <= 2; n++) {
		c->l.fail_alloc = n;
		WANT(c, ktrq_memtarget_create(&c->l.os, &t), ENOMEM);
		c->l.fail_mtx = n;
		WANT(c, ktrq_memtarget_create(&c->l.os, &t), ENOMEM);
	}
	no_leftovers(c, "a failed memtarget_create");
	WANT(c, ktrq_memtarget_create(&c->l.os, &m), 0);
	for (n = 1; n <= 2; n++) {
		c->l.fail_alloc = n;
		WANT(c, ktrq_faulttarget_create(&c->l.os, m, &c->fault, &t),
		    ENOMEM);
		c->l.fail_mtx = n;
		WANT(c, ktrq_faulttarget_create(&c->l.os, m, &c->fault, &t),
		    ENOMEM);
	}
	iov.base = "x";
	iov.len = 1;
	c->l.fail_alloc = 1;		/* the buffer cannot grow */
	WANT(c, ktrq_target_write(m, &iov, 1, &user_cred), ENOMEM);
	WANT(c, ktrq_target_write(m, &iov, 1, &user_cred), 0);
	ktrq_target_rele(m);
	no_leftovers(c, "a failed faulttarget_create");
}

static void
make_instance(struct cfg *c)
{

	/* Small pools only: every object of the pool is a step. */
	if (c->cf.pool_size >= 1 && c->cf.pool_size <= 8 &&
	    pick(c, 2, "fail at create?")) {
		create_failing(c, &c->l.fail_alloc, ENOMEM);
		create_failing(c, &c->l.fail_mtx, ENOMEM);
		create_failing(c, &c->l.fail_thread, EAGAIN);
		make_failing_targets(c);
	}
	WANT(c, ktrq_create(&c->cf, &c->k), 0);
	WANT(c, ktrq_memtarget_create(&c->l.os, &c->mem), 0);
	c->t = c->mem;
	if (c->fault.fail_after_records != 0) {
		WANT(c, ktrq_faulttarget_create(&c->l.os, c->mem, &c->fault,
		    &c->t), 0);
		ktrq_target_rele(c->mem);	/* the fault target's now */
	}
}

/* The world: a root, and its user child traced to the file. */
static void
make_world(struct cfg *c)
{
	struct ktrq_proc *p;
	struct ktrq_thread *td;

	WANT(c, ktrq_proc_create(c->k, PID_ROOT, NULL, PID_ROOT, "init",
	    &root_cred, &c->root), 0);
	WANT(c, ktrq_thread_create(c->root, 1, &c->rtd), 0);
	c->l.fail_alloc = 1;
	WANT(c, ktrq_proc_create(c->k, PID_USER, c->root, PID_USER, "user",
	    &user_cred, &p), ENOMEM);
	WANT(c, ktrq_proc_create(c->k, PID_USER, c->root, PID_USER, "user",
	    &user_cred, &c->user), 0);
	c->l.fail_alloc = 1;
	WANT(c, ktrq_thread_create(c->user, PID_USER, &td), ENOMEM);
	c->l.fail_alloc = 1;
	WANT(c, ktrq_proc_fork(c->user, 3, &p), ENOMEM);
	WANT(c, ktrq_thread_create(c->user, PID_USER, &c->td), 0);
	WANT(c, ktrq_ktrace(c->rtd, c->t, KTROP_SET, (int)c->mask, PID_USER),
	    0);
}

/* ---- the posts ---- */

/* A large pool takes large utraces: batches end at KTRQ_BATCH_BYTES. */
static size_t
utrace_len(const struct cfg *c, int i)
{

	if (c->cf.pool_size > NPOSTS_BIG)
		return ((size_t)(KTRQ_REC_USER_MAX - i));
	return ((size_t)(37 * i % 300));
}

static int
post(struct cfg *c, int i, int type)
{
	uint64_t args[KTRQ_REC_MAXARGS];
	uint32_t mask[4] = { (uint32_t)i, (uint32_t)i + 1, (uint32_t)i + 2,
	    (uint32_t)i + 3 };
	uint8_t data[KTRQ_REC_USER_MAX];
	char path[32];
	int j;

	for (j = 0; j < KTRQ_REC_MAXARGS; j++)
		args[j] = (uint64_t)i * 100 + (uint64_t)j;
	memset(data, 'a' + i % 26, sizeof(data));
	switch (type) {
	case KTR_SYSCALL:
		return (ktrq_syscall(c->td, i, i % (KTRQ_REC_MAXARGS + 1),
		    args));
	case KTR_SYSRET:
		return (ktrq_sysret(c->td, i, -i, -7 * (int64_t)i));
	case KTR_NAMEI:
		snprintf(path, sizeof(path), "/cfg/%d", i);
		return (ktrq_namei(c->td, path));
	case KTR_GENIO:
		return (ktrq_genio(c->td, i, i % 2, data, 50 + 13 * (size_t)i));
	case KTR_PSIG:
		return (ktrq_psig(c->td, 1 + i % 31, (uint64_t)i, -i, mask));
	case KTR_CSW:
		return (ktrq_csw(c->td, i % 2, (i / 2) % 2));
	default:
		return (ktrq_utrace(c->td, data, utrace_len(c, i)));
	}
}

static void
workload(struct cfg *c)
{
	int i, n, type;

	for (type = KTR_SYSCALL; type <= KTR_USER; type++)
		WANT(c, ktrq_point(c->td, type), (c->mask >> type) & 1);
	/* A large pool: more queued than one batch looks at. */
	n = c->cf.pool_size > NPOSTS_BIG ? NPOSTS_BIG :
	    12 + (int)pick(c, NPOSTS - 12, "posts");
	for (i = 0; i < n; i++) {
		/* A large pool: long records fill a batch's bytes. */
		type = c->cf.pool_size > NPOSTS_BIG && i < 40 ? KTR_USER :
		    1 + (int)pick(c, 7, "type");
		c->posts[i].type = type;
		c->posts[i].outcome = post(c, i, type);
	}
	c->nposts = n;
	WANT(c, ktrq_proc_exit(c->user), 0);		/* drains */
	WANT(c, ktrq_stats(c->k, &c->st), 0);
}

/* ---- the checks ---- */

/* Do the decoded payload of post `i` and the record agree? */
static int
same_payload(const struct cfg *c, int i, int type, const uint8_t *pl,
    size_t len)
{
	struct ktrq_rec_syscall sc;
	struct ktrq_rec_sysret sr;
	struct ktrq_rec_genio g;
	struct ktrq_rec_psig ps;
	struct ktrq_rec_csw cs;
	char path[32];
	size_t n;

	switch (type) {
	case KTR_SYSCALL:
		return (ktrq_rec_syscall_decode(pl, len, &sc) == 0 &&
		    sc.code == i && sc.narg == i % (KTRQ_REC_MAXARGS + 1) &&
		    (sc.narg == 0 || sc.args[sc.narg - 1] ==
		    (uint64_t)i * 100 + (uint64_t)sc.narg - 1));
	case KTR_SYSRET:
		return (ktrq_rec_sysret_decode(pl, len, &sr) == 0 &&
		    sr.code == i && sr.error == -i && sr.retval == -7 * i);
	case KTR_NAMEI:
		n = (size_t)snprintf(path, sizeof(path), "/cfg/%d", i);
		return (len == n && memcmp(pl, path, n) == 0);
	case KTR_GENIO:
		n = 50 + 13 * (size_t)i;
		if (n > (c->cf.genio_size != 0 ? c->cf.genio_size :
		    KTRQ_GENIO_SIZE_DEFAULT))
			n = c->cf.genio_size;
		return (ktrq_rec_genio_decode(pl, len, &g) == 0 && g.fd == i &&
		    g.rw == i % 2 && len == KTRQ_REC_GENIO_SIZE + n &&
		    (n == 0 || pl[len - 1] == 'a' + i % 26));
	case KTR_PSIG:
		return (ktrq_rec_psig_decode(pl, len, &ps) == 0 &&
		    ps.signo == 1 + i % 31 && ps.action == (uint64_t)i &&
		    ps.code == -i && ps.mask[3] == (uint32_t)i + 3);
	case KTR_CSW:
		return (ktrq_rec_csw_decode(pl, len, &cs) == 0 &&
		    cs.out == i % 2 && cs.user == (i / 2) % 2);
	default:
		return (len == utrace_len(c, i) &&
		    (len == 0 || pl[0] == 'a' + i % 26));
	}
}

/*
 * The trace is the posts that returned 0, in order, as many as were
 * written; each marked KTR_DROP iff a post was dropped since the one
 * before it (checked when no write failed: a failure clears records
 * the posts cannot see).
 */
static void
check_trace(const struct cfg *c)
{
	struct ktrq_rec_hdr h;
	const uint8_t *buf, *pl;
	size_t len, off = 0;
	uint64_t nrec = 0;
	int dropped = 0, i, type;

	buf = ktrq_memtarget_data(c->mem, &len);
	for (i = 0; i < c->nposts; i++) {
		if (c->posts[i].outcome == ENOBUFS) {
			dropped = 1;
			continue;
		}
		if (c->posts[i].outcome != 0 || nrec == c->st.written)
			continue;
		if (ktrq_rec_next(buf, len, &off, &h, &pl) != 0)
			ktrq_sim_fail(c->os, "scenario: configs: the trace "
			    "ends after %llu of %llu records",
			    (unsigned long long)nrec,
			    (unsigned long long)c->st.written);
		type = h.type & ~KTR_TYPE;
		if (type != c->posts[i].type || h.pid != PID_USER ||
		    h.tid != PID_USER || strcmp(h.comm, "user") != 0 ||
		    !same_payload(c, i, type, pl, (size_t)h.len) ||
		    (c->st.write_errors == 0 &&
		    ((h.type & KTR_DROP) != 0) != dropped))
			ktrq_sim_fail(c->os, "scenario: configs: record %llu "
			    "(type %#x, %d bytes) is not post %d (type %d)",
			    (unsigned long long)nrec, h.type, h.len, i,
			    c->posts[i].type);
		dropped = 0;
		nrec++;
	}
	if (nrec != c->st.written || ktrq_rec_next(buf, len, &off, &h, &pl) !=
	    ENOENT)
		ktrq_sim_fail(c->os, "scenario: configs: %llu records matched "
		    "posts, %llu written", (unsigned long long)nrec,
		    (unsigned long long)c->st.written);
}

static void
check_stats(const struct cfg *c)
{
	const struct ktrq_stats *st = &c->st;
	uint64_t sum;

	sum = st->written + st->dropped_exhausted + st->dropped_write_error +
	    st->dropped_cleared;
	if (sum != st->posted || st->pool_free != st->pool_size ||
	    (!c->bp_on && st->bp_waits != 0) ||
	    (c->bp_on && st->dropped_exhausted != st->bp_timeouts) ||
	    (c->fault.fail_after_records != 0 &&
	    (st->written > c->fault.fail_after_records ||
	    (st->written < c->fault.fail_after_records &&
	    st->write_errors != 0))) ||
	    (c->fault.fail_after_records == 0 && st->write_errors != 0))
		ktrq_sim_fail(c->os, "scenario: configs: posted %llu written "
		    "%llu exhausted %llu write error %llu cleared %llu; "
		    "back-pressure %d: %llu waits, %llu timeouts; %llu write "
		    "errors",
		    (unsigned long long)st->posted,
		    (unsigned long long)st->written,
		    (unsigned long long)st->dropped_exhausted,
		    (unsigned long long)st->dropped_write_error,
		    (unsigned long long)st->dropped_cleared, c->bp_on,
		    (unsigned long long)st->bp_waits,
		    (unsigned long long)st->bp_timeouts,
		    (unsigned long long)st->write_errors);
}

/* Warnings and write failures: one line each, on the right sink. */
static void
check_lines(const struct cfg *c)
{
	uint64_t want = c->st.warnings + c->st.write_errors;

	if ((c->cf.log != NULL && (c->lines != want || c->l.logs != 0)) ||
	    (c->cf.log == NULL && c->l.logs != want))
		ktrq_sim_fail(c->os, "scenario: configs: %u lines on the "
		    "config's sink, %u on the layer's, for %llu warnings and "
		    "write errors", c->lines, c->l.logs,
		    (unsigned long long)want);
}

static void
one_instance(const struct ktrq_os *os)
{
	static struct cfg zero;
	struct cfg c = zero;

	c.os = os;
	scn_layer_init(&c.l, os);
	choose_config(&c);
	make_instance(&c);
	make_world(&c);
	workload(&c);
	check_trace(&c);
	check_stats(&c);
	check_lines(&c);
	WANT(&c, ktrq_thread_destroy(c.rtd), 0);	/* its process's last */
	WANT(&c, ktrq_destroy(c.k), 0);
	ktrq_target_rele(c.t);
	no_leftovers(&c, "a side instance");
}

void
scn_configs_main(void *arg)
{
	const struct scn_view *v = arg;
	int i;

	ktrq_sim_alloc_faults(v->os, 0);
	for (i = 0; i < v->nops; i++)
		one_instance(v->os);
	ktrq_sim_alloc_faults(v->os, 1);
}
