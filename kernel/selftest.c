// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ktrq_selftest.ko: the libktrq core, unchanged, on the Linux kernel
 * backend, checked at module load.
 *
 *  1. The layer: a short in-kernel version of tests/os/contract.c
 *     (ownership, EDEADLK/EPERM/EBUSY, msleep timeouts and channel
 *     keys, wakeup/wakeup_one, thread names and self-join, tunable,
 *     forked).
 *  2. The queue under load: one instance, a root controller process and
 *     NPROC traced processes of NTHR threads each, every traced thread a
 *     kthread of the layer posting a mix of asynchronous events and
 *     synchronous genio (the 2002 handshake), while another kthread
 *     resizes the pool between 1 and 200.  Half of the processes trace to
 *     a clean memory target, half to a fault target that fails its
 *     (FAIL_AFTER + 1)th record with ENOSPC.
 *  3. The verdict: per-thread order (each record carries its thread's
 *     sequence number) and completeness (the clean target holds exactly
 *     the events its posters were told were queued); global order (the
 *     clean file is in todo-list order, from the enqueue probe); written
 *     + dropped == posted, and both equal to what the posters counted;
 *     the write-error policy (one write error, logged once, every process
 *     on the failed target detached, the clean ones not, the failed
 *     target holding exactly FAIL_AFTER records); the pool back to full.
 *
 * Output (printk, for kernel/run-qemu.sh):
 *	ktrq-trace-begin bytes=N
 *	ktrq-hex OFFSET HEX...		the clean target: a ktrace.out image
 *	ktrq-trace-end
 *	ktrq-selftest: info ...
 *	ktrq-selftest: pass records=N dropped=N
 * or	ktrq-selftest: FAIL <first violation>
 *
 * Module parameters: nev (events per thread), hexdump (0 skips the
 * image), panic_on_hang (the watchdog stops the machine: for the qemu
 * guest, never a real host), request_pool (the backend's
 * KTRQ_REQUEST_POOL).
 */
#define	pr_fmt(fmt)	fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "ktrq/ktrq.h"
#include "ktrq/record.h"
#include "ktrq_os_linux.h"

#define	NPROC		4		/* 0, 1: clean target; 2, 3: faulty */
#define	NTHR		2
#define	NPOSTER		(NPROC * NTHR)
#define	FAIL_AFTER	40		/* records the faulty target takes */
#define	FAIL_ERRNO	ENOSPC
#define	PID_BASE	100
#define	CTL_PID		1
#define	HEX_ROW		64		/* image bytes per console line */
#define	WATCHDOG_S	60

static int nev = 500;
module_param(nev, int, 0444);
MODULE_PARM_DESC(nev, "events each traced thread posts (100..4000)");
static int panic_on_hang;
module_param(panic_on_hang, int, 0444);
MODULE_PARM_DESC(panic_on_hang, "watchdog: panic after the FAIL line "
    "(for throwaway guests)");
static int hexdump = 1;
module_param(hexdump, int, 0444);
MODULE_PARM_DESC(hexdump, "print the clean trace image (ktrq-hex lines)");

/* ------------------------------------------------------------------ */
/* Violations                                                         */
/* ------------------------------------------------------------------ */

static DEFINE_SPINLOCK(st_fail_lock);
static char st_fail_msg[200];
static int st_nfail;

static __printf(1, 2) void
st_fail(const char *fmt, ...)
{
	va_list ap;

	spin_lock(&st_fail_lock);
	if (st_nfail++ == 0) {
		va_start(ap, fmt);
		vsnprintf(st_fail_msg, sizeof(st_fail_msg), fmt, ap);
		va_end(ap);
	}
	spin_unlock(&st_fail_lock);
}

static int
st_failed(void)
{
	int n;

	spin_lock(&st_fail_lock);
	n = st_nfail;
	spin_unlock(&st_fail_lock);
	return (n);
}

/*
 * The watchdog: a lost wakeup hangs a join forever.  If the self-test is
 * not done after WATCHDOG_S, say where it is stuck and, with
 * panic_on_hang, stop the machine (the runner's guest boots with
 * panic=-1 under qemu -no-reboot, so qemu exits): a FAIL line within a
 * minute instead of a silent timeout.
 */
static const char *st_phase = "start";
static void st_watchdog_fn(struct work_struct *w);
static DECLARE_DELAYED_WORK(st_watchdog, st_watchdog_fn);

static void
st_watchdog_fn(struct work_struct *w)
{

	(void)w;
	pr_info("ktrq-selftest: FAIL watchdog: still in phase '%s' after "
	    "%d s (lost wakeup?)\n", READ_ONCE(st_phase), WATCHDOG_S);
	if (panic_on_hang)
		panic("ktrq-selftest: watchdog");
}

#define	CHECK(cond, ...) do {						\
	if (!(cond))							\
		st_fail(__VA_ARGS__);					\
} while (0)

/* ------------------------------------------------------------------ */
/* 1. The layer                                                       */
/* ------------------------------------------------------------------ */

struct lt {
	const struct ktrq_os	*os;
	struct ktrq_os_mtx	*m;
	struct ktrq_os_thread	*self;	/* for the self-join */
	struct completion	 go, release;
	int			 tokens;	/* guarded by m */
	int			 stop;
	const int		*chans;		/* 64 foreign channels */
	int			 woke;		/* guarded by m */
	int			 rc;
	char			 name[KTRQ_OS_NAMELEN];
	uint64_t		 id;
};

#define	OS(lt)	((lt)->os)
#define	CK(lt)	((lt)->os->cookie)

/* Sleeps until given a token; counts itself woken. */
static void
lt_token_main(void *arg)
{
	struct lt *lt = arg;

	OS(lt)->mtx_enter(CK(lt), lt->m);
	while (lt->tokens == 0)
		OS(lt)->msleep(CK(lt), &lt->tokens, lt->m, "lttoken", 0);
	lt->tokens--;
	lt->woke++;
	OS(lt)->mtx_exit(CK(lt), lt->m);
}

static void
lt_self_main(void *arg)
{
	struct lt *lt = arg;

	wait_for_completion(&lt->go);
	OS(lt)->thread_name(CK(lt), lt->name, sizeof(lt->name));
	lt->id = OS(lt)->thread_self(CK(lt));
	lt->rc = OS(lt)->thread_join(CK(lt), lt->self);
}

/* Holds m until told to let go; tries to take it again meanwhile. */
static void
lt_hold_main(void *arg)
{
	struct lt *lt = arg;

	OS(lt)->mtx_enter(CK(lt), lt->m);
	lt->rc = OS(lt)->mtx_enter(CK(lt), lt->m);	/* EDEADLK */
	complete(&lt->go);
	wait_for_completion(&lt->release);
	OS(lt)->mtx_exit(CK(lt), lt->m);
}

/* Wakes 64 channels other than the one being slept on, for a while. */
static void
lt_foreign_main(void *arg)
{
	struct lt *lt = arg;
	int i;

	while (!READ_ONCE(lt->stop)) {
		for (i = 0; i < 64; i++) {
			OS(lt)->wakeup(CK(lt), &lt->chans[i]);
			OS(lt)->wakeup_one(CK(lt), &lt->chans[i]);
		}
		usleep_range(100, 200);
	}
}

/* Wait (up to ~10 s) until `*v` reaches `want`, reading it under m. */
static int
lt_wait_for(struct lt *lt, const int *v, int want)
{
	int i, got;

	for (i = 0; i < 10000; i++) {
		OS(lt)->mtx_enter(CK(lt), lt->m);
		got = *v;
		OS(lt)->mtx_exit(CK(lt), lt->m);
		if (got >= want)
			return (got);
		usleep_range(500, 1000);
	}
	return (got);
}

static void
layer_checks(const struct ktrq_os *os)
{
	static const char longname[] = "ktrq-layer-thread-with-long-name";
	struct ktrq_os_thread *th[3];
	struct ktrq_os_mtx *m2;
	struct lt lt;
	uint64_t t0, t1;
	long long v;
	int i, rc, chans[64];

	memset(&lt, 0, sizeof(lt));
	lt.os = os;
	init_completion(&lt.go);
	init_completion(&lt.release);
	lt.chans = chans;
	CHECK(ktrq_os_check(os) == 0, "layer: ktrq_os_check refuses the table");
	if ((rc = os->mtx_init(os->cookie, &lt.m, "lt")) != 0) {
		st_fail("layer: mtx_init: %d", rc);
		return;
	}

	/* Ownership, recursion, release by a non-owner, busy destroy. */
	CHECK(!os->mtx_owned(os->cookie, lt.m), "layer: owned before enter");
	CHECK(os->mtx_enter(os->cookie, lt.m) == 0, "layer: mtx_enter");
	CHECK(os->mtx_owned(os->cookie, lt.m), "layer: not owned after enter");
	CHECK(os->mtx_enter(os->cookie, lt.m) == EDEADLK,
	    "layer: recursive enter is not EDEADLK");
	CHECK(os->mtx_destroy(os->cookie, lt.m) == EBUSY,
	    "layer: destroy of a held mutex is not EBUSY");
	CHECK(os->msleep(os->cookie, NULL, lt.m, "x", 0) == EINVAL,
	    "layer: msleep on NULL is not EINVAL");
	CHECK(os->mtx_exit(os->cookie, lt.m) == 0, "layer: mtx_exit");
	CHECK(!os->mtx_owned(os->cookie, lt.m), "layer: owned after exit");
	CHECK(os->mtx_exit(os->cookie, lt.m) == EPERM,
	    "layer: exit of an unheld mutex is not EPERM");
	CHECK(os->msleep(os->cookie, &lt, lt.m, "x", 0) == EPERM,
	    "layer: msleep without the interlock is not EPERM");

	/* Held by another thread: not ours, not ours to release. */
	if (os->thread_create(os->cookie, &th[0], "lt-hold", lt_hold_main,
	    &lt) == 0) {
		wait_for_completion(&lt.go);
		CHECK(lt.rc == EDEADLK, "layer: recursive enter gave %d",
		    lt.rc);
		CHECK(!os->mtx_owned(os->cookie, lt.m),
		    "layer: another thread's mutex reads as owned");
		CHECK(os->mtx_exit(os->cookie, lt.m) == EPERM,
		    "layer: exit of another thread's mutex is not EPERM");
		CHECK(os->mtx_destroy(os->cookie, lt.m) == EBUSY,
		    "layer: destroy of a mutex held elsewhere is not EBUSY");
		complete(&lt.release);
		CHECK(os->mtx_enter(os->cookie, lt.m) == 0, "layer: enter");
		os->mtx_exit(os->cookie, lt.m);
		os->thread_join(os->cookie, th[0]);
	} else {
		st_fail("layer: thread_create");
	}
	reinit_completion(&lt.go);
	lt.rc = 0;

	/* A timeout is EWOULDBLOCK, no earlier, with the interlock back. */
	os->mtx_enter(os->cookie, lt.m);
	t0 = os->clock_ns(os->cookie);
	do {
		rc = os->msleep(os->cookie, &lt, lt.m, "lttmo", 3000000);
	} while (rc == 0);
	t1 = os->clock_ns(os->cookie);
	CHECK(rc == EWOULDBLOCK, "layer: timed msleep returned %d", rc);
	CHECK(t1 - t0 >= 3000000, "layer: 3 ms timeout after %llu ns",
	    (unsigned long long)(t1 - t0));
	CHECK(os->mtx_owned(os->cookie, lt.m),
	    "layer: interlock not held after a timeout");
	os->mtx_exit(os->cookie, lt.m);

	/*
	 * Channels are keys: a sleeper on `lt` is not woken by wakeups on
	 * 64 other channels, some of which share its bucket (a backend
	 * property: the contract would allow a spurious return).
	 */
	if (os->thread_create(os->cookie, &th[0], "lt-foreign",
	    lt_foreign_main, &lt) == 0) {
		os->mtx_enter(os->cookie, lt.m);
		rc = os->msleep(os->cookie, &lt, lt.m, "ltkey", 30000000);
		CHECK(rc == EWOULDBLOCK, "layer: sleep amid foreign wakeups "
		    "gave %d", rc);
		os->mtx_exit(os->cookie, lt.m);
		WRITE_ONCE(lt.stop, 1);
		os->thread_join(os->cookie, th[0]);
	} else {
		st_fail("layer: thread_create");
	}

	/* wakeup_one and wakeup: no token is lost, no sleeper forgotten. */
	rc = 0;
	for (i = 0; i < 3 && rc == 0; i++)
		rc = os->thread_create(os->cookie, &th[i], "lt-token",
		    lt_token_main, &lt);
	if (rc != 0) {
		st_fail("layer: thread_create: %d", rc);
		os->mtx_enter(os->cookie, lt.m);
		lt.tokens = 3;
		os->wakeup(os->cookie, &lt.tokens);
		os->mtx_exit(os->cookie, lt.m);
		while (--i > 0)
			os->thread_join(os->cookie, th[i - 1]);
	} else {
		msleep(10);	/* most likely all asleep now; either way */
		os->mtx_enter(os->cookie, lt.m);
		lt.tokens = 1;
		os->wakeup_one(os->cookie, &lt.tokens);
		os->mtx_exit(os->cookie, lt.m);
		CHECK(lt_wait_for(&lt, &lt.woke, 1) == 1,
		    "layer: wakeup_one did not let one sleeper through");
		os->mtx_enter(os->cookie, lt.m);
		lt.tokens += 2;
		os->wakeup(os->cookie, &lt.tokens);
		os->mtx_exit(os->cookie, lt.m);
		CHECK(lt_wait_for(&lt, &lt.woke, 3) == 3,
		    "layer: wakeup left a sleeper behind");
		for (i = 0; i < 3; i++)
			os->thread_join(os->cookie, th[i]);
	}

	/* Names past TASK_COMM_LEN, ids, a thread joining itself. */
	if (os->thread_create(os->cookie, &lt.self, longname, lt_self_main,
	    &lt) == 0) {
		complete(&lt.go);
		/* lt_self_main's own join fails, so this one is the join. */
		os->thread_join(os->cookie, lt.self);
		CHECK(lt.rc == EDEADLK, "layer: self-join gave %d", lt.rc);
		CHECK(strncmp(lt.name, longname, KTRQ_OS_NAMELEN - 1) == 0,
		    "layer: thread named '%s'", lt.name);
		CHECK(lt.id != 0 && lt.id != os->thread_self(os->cookie),
		    "layer: thread ids not distinct");
	} else {
		st_fail("layer: thread_create");
	}

	/* Second mutex: independent of the first. */
	if (os->mtx_init(os->cookie, &m2, "lt2") == 0) {
		os->mtx_enter(os->cookie, lt.m);
		CHECK(!os->mtx_owned(os->cookie, m2), "layer: mutexes alias");
		CHECK(os->mtx_enter(os->cookie, m2) == 0, "layer: nested enter");
		os->mtx_exit(os->cookie, m2);
		os->mtx_exit(os->cookie, lt.m);
		CHECK(os->mtx_destroy(os->cookie, m2) == 0, "layer: destroy");
	}
	CHECK(os->mtx_destroy(os->cookie, lt.m) == 0, "layer: destroy");
	CHECK(os->tunable(os->cookie, "KTRQ_NO_SUCH_SETTING", &v) == ENOENT,
	    "layer: unknown tunable is not ENOENT");
	CHECK(os->forked(os->cookie) == 0, "layer: forked() in the kernel");
}

/* ------------------------------------------------------------------ */
/* 2. The queue under load                                            */
/* ------------------------------------------------------------------ */

/* What one traced thread did, event by event. */
struct poster {
	struct ktrq_thread	*td;
	struct ktrq_os_thread	*thr;
	int			 pid;
	int64_t			 tid;
	int			 clean;		/* traces to the clean target */
	uint8_t			*ok;		/* ok[seq]: outcome 0 */
	uint8_t			*type;		/* type[seq] */
	unsigned long		 n_ok, n_nobufs, n_nxio, n_enoent;
	unsigned long		 n_werr, n_other, n_posted, n_csw_ok;
	int			 other;		/* first unexpected outcome */
	/* Walking the image: the next sequence number expected. */
	int			 next;
	unsigned long		 seen, seen_csw;
};

/* The enqueue order, from the probe (k_mtx held: no lock of our own). */
struct enq {
	int64_t			 tid;
	uint64_t		 serial;
};

struct st {
	struct ktrq_os		*os;
	struct ktrq		*k;
	struct ktrq_target	*clean, *inner, *faulty;
	struct ktrq_proc	*ctl, *proc[NPROC];
	struct ktrq_thread	*ctltd;
	struct poster		 post[NPOSTER];
	struct ktrq_os_thread	*resizer;
	int			 stop;
	unsigned long		 resizes, resize_nospc;
	atomic_t		 running;
	struct completion	 all_done;
	/* Probe: every enqueue, in todo-list order. */
	struct enq		*enq;
	unsigned		 nenq, enq_cap;
	unsigned		 probe_overflow;
	/* Log sink. */
	spinlock_t		 log_lock;
	unsigned		 nlog_werr, nlog_other, nlog_pool;
	char			 log_werr[96];
};

static struct st *st;

static void
st_probe(void *arg, const struct ktrq_probe *pr)
{
	struct st *s = arg;

	if (pr->kind != KTRQ_PROBE_ENQUEUE)
		return;
	if (s->nenq >= s->enq_cap) {
		s->probe_overflow++;
		return;
	}
	s->enq[s->nenq].tid = pr->tid;
	s->enq[s->nenq].serial = pr->serial;
	s->nenq++;
}

static void
st_log(void *arg, int level, const char *msg)
{
	struct st *s = arg;

	spin_lock(&s->log_lock);
	if (strncmp(msg, "ktrace write failed", 19) == 0) {
		if (s->nlog_werr++ == 0)
			strscpy(s->log_werr, msg, sizeof(s->log_werr));
	} else if (strcmp(msg, "Out of ktrace request objects.") == 0) {
		s->nlog_pool++;
	} else {
		s->nlog_other++;
	}
	spin_unlock(&s->log_lock);
	if (level <= KTRQ_LOG_ERR)
		pr_info("ktrq-selftest: core says: %s\n", msg);
}

/*
 * Every record carries its thread's sequence number: syscall args[0],
 * sysret retval, psig code, and the first four bytes of namei, genio
 * and utrace data (namei as 8 hex digits, the others little-endian).
 * csw cannot carry one; those are only counted.
 */
static void
put_seq(uint8_t *b, uint32_t seq)
{

	b[0] = (uint8_t)seq;
	b[1] = (uint8_t)(seq >> 8);
	b[2] = (uint8_t)(seq >> 16);
	b[3] = (uint8_t)(seq >> 24);
}

static uint32_t
get_seq(const uint8_t *b)
{

	return ((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24);
}

static int
post_one(struct poster *p, uint32_t seq, uint8_t *buf)
{
	uint64_t args[3];
	uint32_t mask[4] = { 0x1, 0, 0, (uint32_t)seq };
	char path[40];
	size_t len;

	/* Payload lengths wander across KTRQ_INLINE_DATA (128). */
	len = 4 + (seq * 37) % 200;
	put_seq(buf, seq);
	memset(buf + 4, 'a' + (int)(p->tid % 26), len - 4);
	switch (seq % 8) {
	case 0:
	case 7:
		p->type[seq] = KTR_SYSCALL;
		args[0] = seq;
		args[1] = (uint64_t)p->tid;
		args[2] = 0xfeedfacecafebeefULL;
		return (ktrq_syscall(p->td, (int)(seq % 500), 3, args));
	case 1:
		p->type[seq] = KTR_SYSRET;
		return (ktrq_sysret(p->td, (int)(seq % 500), 0, seq));
	case 2:
		p->type[seq] = KTR_NAMEI;
		snprintf(path, sizeof(path), "%08x/ktrq/%lld", seq,
		    (long long)p->tid);
		return (ktrq_namei(p->td, path));
	case 3:
	case 5:
		/* The 2002 synchronous path: written from our buffer. */
		p->type[seq] = KTR_GENIO;
		return (ktrq_genio(p->td, 3, (int)(seq & 1), buf, len));
	case 4:
		p->type[seq] = KTR_PSIG;
		return (ktrq_psig(p->td, 1 + (int)(seq % 31), 0, (int)seq,
		    mask));
	case 6:
		if (seq % 16 == 6) {
			p->type[seq] = KTR_CSW;
			return (ktrq_csw(p->td, (int)(seq & 1), 1));
		}
		p->type[seq] = KTR_USER;
		return (ktrq_utrace(p->td, buf, len));
	}
	return (EINVAL);
}

static void
poster_main(void *arg)
{
	struct poster *p = arg;
	uint8_t *buf;
	uint32_t seq;
	int rc;

	if ((buf = kmalloc(256, GFP_KERNEL)) == NULL) {
		st_fail("poster %lld: no memory", (long long)p->tid);
		goto out;
	}
	for (seq = 1; seq <= (uint32_t)nev; seq++) {
		rc = post_one(p, seq, buf);
		if (rc == 0) {
			p->ok[seq] = 1;
			p->n_ok++;
			if (p->type[seq] == KTR_CSW)
				p->n_csw_ok++;
		} else if (rc == ENOBUFS) {
			p->n_nobufs++;
		} else if (rc == ENXIO) {
			p->n_nxio++;
		} else if (rc == ENOENT) {
			p->n_enoent++;
		} else if (rc == FAIL_ERRNO && p->type[seq] == KTR_GENIO &&
		    !p->clean) {
			p->n_werr++;		/* our own write failed */
		} else {
			if (p->n_other++ == 0)
				p->other = rc;
		}
		if (rc != ENOENT)
			p->n_posted++;
		/*
		 * Pace: left alone, eight posters outrun the one worker and
		 * nearly everything is dropped; this way the pool runs dry
		 * only when the resizer starves it.
		 */
		if (seq % 8 == 0)
			usleep_range(50, 100);
	}
	kfree(buf);
out:
	if (atomic_dec_and_test(&st->running))
		complete(&st->all_done);
}

static void
resizer_main(void *arg)
{
	/* Mostly roomy, now and then starved (drops and KTR_DROP marks). */
	static const int sizes[] = { 64, 200, 8, 100, 150, 2, 32, 120, 1 };
	struct st *s = arg;
	unsigned i;
	int rc, old;

	for (i = 0; !READ_ONCE(s->stop); i++) {
		rc = ktrq_pool_resize(s->k, sizes[i % ARRAY_SIZE(sizes)], &old);
		if (rc == ENOSPC)
			s->resize_nospc++;
		else
			CHECK(rc == 0, "resize to %d: %d",
			    sizes[i % ARRAY_SIZE(sizes)], rc);
		s->resizes++;
		usleep_range(300, 600);
	}
}

/* ------------------------------------------------------------------ */
/* 3. The verdict                                                     */
/* ------------------------------------------------------------------ */

static struct poster *
find_poster(struct st *s, int pid, int64_t tid)
{
	int i;

	for (i = 0; i < NPOSTER; i++)
		if (s->post[i].pid == pid && s->post[i].tid == tid)
			return (&s->post[i]);
	return (NULL);
}

/* The sequence number a record carries, or 0 for csw. */
static uint32_t
record_seq(int type, const uint8_t *pl, size_t len)
{
	struct ktrq_rec_syscall sc;
	struct ktrq_rec_sysret sr;
	struct ktrq_rec_psig ps;
	char hex[9];
	unsigned int v;

	switch (type) {
	case KTR_SYSCALL:
		if (ktrq_rec_syscall_decode(pl, len, &sc) != 0 || sc.narg != 3)
			return (UINT32_MAX);
		return ((uint32_t)sc.args[0]);
	case KTR_SYSRET:
		if (ktrq_rec_sysret_decode(pl, len, &sr) != 0)
			return (UINT32_MAX);
		return ((uint32_t)sr.retval);
	case KTR_PSIG:
		if (ktrq_rec_psig_decode(pl, len, &ps) != 0)
			return (UINT32_MAX);
		return ((uint32_t)ps.code);
	case KTR_NAMEI:
		if (len < 8)
			return (UINT32_MAX);
		memcpy(hex, pl, 8);
		hex[8] = '\0';
		return (kstrtouint(hex, 16, &v) == 0 ? v : UINT32_MAX);
	case KTR_GENIO:
		return (len >= KTRQ_REC_GENIO_SIZE + 4 ?
		    get_seq(pl + KTRQ_REC_GENIO_SIZE) : UINT32_MAX);
	case KTR_USER:
		return (len >= 4 ? get_seq(pl) : UINT32_MAX);
	case KTR_CSW:
		return (0);
	}
	return (UINT32_MAX);
}

/*
 * genio and utrace data must be what the poster had in its buffer when
 * it posted: its length, its sequence number, then its thread's letter
 * (the buffer is reused at once, so a record written from it late, or
 * copied early, shows here).
 */
static int
record_data_ok(const struct poster *p, int type, uint32_t seq,
    const uint8_t *pl, size_t len)
{
	size_t want, i;

	if (type != KTR_GENIO && type != KTR_USER)
		return (1);
	if (type == KTR_GENIO) {
		pl += KTRQ_REC_GENIO_SIZE;
		len -= KTRQ_REC_GENIO_SIZE;
	}
	want = 4 + (seq * 37) % 200;
	if (len != want)
		return (0);
	for (i = 4; i < len; i++)
		if (pl[i] != 'a' + (int)(p->tid % 26))
			return (0);
	return (1);
}

/* Serial of the n-th (from 0) enqueue of thread `tid`, or 0. */
static uint64_t
nth_enqueue(struct st *s, int64_t tid, unsigned long n, unsigned *cursor)
{
	unsigned i;

	for (i = *cursor; i < s->nenq; i++) {
		if (s->enq[i].tid != tid)
			continue;
		if (n-- == 0) {
			*cursor = i + 1;
			return (s->enq[i].serial);
		}
	}
	return (0);
}

/*
 * Walk a trace image.  For the clean one (`clean`): every record belongs
 * to a clean poster, each thread's records are exactly its outcome-0
 * events in order, and the records are in enqueue order.  For the faulty
 * one: faulty posters only, each thread in order.  Returns the number of
 * records, and the number with KTR_DROP in *markedp.
 */
static unsigned long
walk_image(struct st *s, const uint8_t *buf, size_t len, int clean,
    unsigned long *markedp)
{
	unsigned cursor[NPOSTER] = { 0 };
	struct ktrq_rec_hdr h;
	struct poster *p;
	uint64_t serial, last_serial;
	unsigned long nrec, marked;
	size_t off, hlen;
	uint32_t seq;
	int i, type, rc;

	for (i = 0; i < NPOSTER; i++) {
		s->post[i].next = 1;
		s->post[i].seen = s->post[i].seen_csw = 0;
	}
	nrec = marked = 0;
	last_serial = 0;
	for (off = 0; off < len; off += hlen + (size_t)h.len) {
		rc = ktrq_rec_hdr_decode(buf + off, len - off, &h, &hlen);
		if (rc != 0 || hlen + (size_t)h.len > len - off) {
			st_fail("%s image: bad record at %zu (%d)",
			    clean ? "clean" : "faulty", off, rc);
			return (nrec);
		}
		nrec++;
		type = h.type & ~KTR_TYPE;
		if (h.type & KTR_DROP)
			marked++;
		p = find_poster(s, h.pid, h.tid);
		if (p == NULL || p->clean != clean) {
			st_fail("%s image: record %lu from pid %d tid %lld",
			    clean ? "clean" : "faulty", nrec, h.pid,
			    (long long)h.tid);
			return (nrec);
		}
		seq = record_seq(type, buf + off + hlen, (size_t)h.len);
		if (type == KTR_CSW) {
			p->seen_csw++;
		} else {
			/* The next outcome-0 event of this thread, not CSW. */
			while (p->next <= nev && (!p->ok[p->next] ||
			    p->type[p->next] == KTR_CSW))
				p->next++;
			if (clean && seq != (uint32_t)p->next) {
				st_fail("order: tid %lld record %lu has seq "
				    "%u, expected %d", (long long)p->tid,
				    nrec, seq, p->next);
				return (nrec);
			}
			if (!clean && (seq < (uint32_t)p->next ||
			    seq > (uint32_t)nev || !p->ok[seq])) {
				st_fail("order: tid %lld faulty record %lu "
				    "has seq %u after %d", (long long)p->tid,
				    nrec, seq, p->next);
				return (nrec);
			}
			if (p->type[seq] != type) {
				st_fail("tid %lld seq %u: type %d, posted %d",
				    (long long)p->tid, seq, type,
				    p->type[seq]);
				return (nrec);
			}
			if (!record_data_ok(p, type, seq, buf + off + hlen,
			    (size_t)h.len)) {
				st_fail("tid %lld seq %u: data not as posted",
				    (long long)p->tid, seq);
				return (nrec);
			}
			p->next = (int)seq + 1;
		}
		p->seen++;
		if (!clean)
			continue;
		/* Global: the k-th record of a thread is its k-th enqueue. */
		i = (int)(p - s->post);
		serial = nth_enqueue(s, p->tid, 0, &cursor[i]);
		if (serial == 0 || serial <= last_serial) {
			st_fail("global order: record %lu (tid %lld) has "
			    "serial %llu after %llu", nrec, (long long)p->tid,
			    (unsigned long long)serial,
			    (unsigned long long)last_serial);
			return (nrec);
		}
		last_serial = serial;
	}
	if (clean) {
		for (i = 0; i < NPOSTER; i++) {
			p = &s->post[i];
			if (!p->clean)
				continue;
			CHECK(p->seen == p->n_ok,
			    "tid %lld: %lu records in the clean image, %lu "
			    "queued", (long long)p->tid, p->seen, p->n_ok);
			CHECK(p->seen_csw == p->n_csw_ok,
			    "tid %lld: %lu csw records, %lu queued",
			    (long long)p->tid, p->seen_csw, p->n_csw_ok);
		}
	}
	*markedp = marked;
	return (nrec);
}

/*
 * The oracle checks itself: the clean image with its first two records
 * swapped must be rejected (by the per-thread or the global order check).
 */
static void
oracle_selfcheck(struct st *s, const uint8_t *buf, size_t len)
{
	struct ktrq_rec_hdr h1, h2;
	unsigned long marked;
	size_t l1, l2, n1, n2;
	uint8_t *copy;
	int before;

	if (ktrq_rec_hdr_decode(buf, len, &h1, &l1) != 0 ||
	    (n1 = l1 + (size_t)h1.len) >= len ||
	    ktrq_rec_hdr_decode(buf + n1, len - n1, &h2, &l2) != 0)
		return;		/* fewer than two records: nothing to do */
	n2 = l2 + (size_t)h2.len;
	if ((copy = kvmalloc(len, GFP_KERNEL)) == NULL)
		return;
	memcpy(copy, buf + n1, n2);
	memcpy(copy + n2, buf, n1);
	memcpy(copy + n1 + n2, buf + n1 + n2, len - n1 - n2);
	spin_lock(&st_fail_lock);
	before = st_nfail;
	spin_unlock(&st_fail_lock);
	walk_image(s, copy, len, 1, &marked);
	spin_lock(&st_fail_lock);
	if (st_nfail == before) {
		st_nfail++;
		snprintf(st_fail_msg, sizeof(st_fail_msg), "oracle: an image "
		    "with two records swapped passed");
	} else if (before == 0) {
		pr_info("ktrq-selftest: info oracle self-check: two records "
		    "swapped: %s\n", st_fail_msg);
		st_nfail = 0;	/* the expected rejection is no violation */
		st_fail_msg[0] = '\0';
	} else {
		st_nfail = before;
	}
	spin_unlock(&st_fail_lock);
	kvfree(copy);
}

static void
hexdump_image(const uint8_t *buf, size_t len)
{
	char line[2 * HEX_ROW + 1];
	size_t off, n;

	pr_info("ktrq-trace-begin bytes=%zu\n", len);
	for (off = 0; off < len; off += n) {
		n = min_t(size_t, HEX_ROW, len - off);
		bin2hex(line, buf + off, n);
		line[2 * n] = '\0';
		pr_info("ktrq-hex %06zx %s\n", off, line);
	}
	pr_info("ktrq-trace-end\n");
}

/* ------------------------------------------------------------------ */
/* The run                                                            */
/* ------------------------------------------------------------------ */

static int
setup(struct st *s)
{
	struct ktrq_cred root = { 0 }, user = {
		.uid = 1000, .ruid = 1000, .svuid = 1000,
		.gid = 1000, .rgid = 1000, .svgid = 1000,
	};
	struct ktrq_fault fault = {
		.fail_after_records = FAIL_AFTER,
		.error = FAIL_ERRNO,
	};
	struct ktrq_config cf;
	struct ktrq_stats kst;
	long long tunable;
	char comm[20];
	int i, j, rc;
	uint32_t want;

	ktrq_config_init(&cf, s->os);
	cf.pool_size = 0;		/* the tunable, else 100 */
	cf.log = st_log;
	cf.log_arg = s;
	cf.probe = st_probe;
	cf.probe_arg = s;
	if ((rc = ktrq_create(&cf, &s->k)) != 0) {
		st_fail("ktrq_create: %d", rc);
		return (rc);
	}
	want = 100;
	if (s->os->tunable(s->os->cookie, KTRQ_POOL_TUNABLE, &tunable) == 0)
		want = (uint32_t)tunable;
	ktrq_stats(s->k, &kst);
	CHECK(kst.pool_size == want, "start pool %u, expected %u",
	    kst.pool_size, want);

	if ((rc = ktrq_memtarget_create(s->os, &s->clean)) != 0 ||
	    (rc = ktrq_memtarget_create(s->os, &s->inner)) != 0 ||
	    (rc = ktrq_faulttarget_create(s->os, s->inner, &fault,
	    &s->faulty)) != 0) {
		st_fail("targets: %d", rc);
		return (rc);
	}
	if ((rc = ktrq_proc_create(s->k, CTL_PID, NULL, CTL_PID, "ktrqctl",
	    &root, &s->ctl)) != 0 ||
	    (rc = ktrq_thread_create(s->ctl, CTL_PID, &s->ctltd)) != 0) {
		st_fail("controller: %d", rc);
		return (rc);
	}
	for (i = 0; i < NPROC; i++) {
		snprintf(comm, sizeof(comm), "stproc%d", i);
		if ((rc = ktrq_proc_create(s->k, PID_BASE + i, s->ctl,
		    PID_BASE + i, comm, &user, &s->proc[i])) != 0) {
			st_fail("proc_create: %d", rc);
			return (rc);
		}
		for (j = 0; j < NTHR; j++) {
			struct poster *p = &s->post[i * NTHR + j];

			p->pid = PID_BASE + i;
			p->tid = (PID_BASE + i) * 1000 + j;
			p->clean = i < NPROC / 2;
			p->ok = kvzalloc(nev + 1, GFP_KERNEL);
			p->type = kvzalloc(nev + 1, GFP_KERNEL);
			if (p->ok == NULL || p->type == NULL) {
				st_fail("no memory");
				return (ENOMEM);
			}
			if ((rc = ktrq_thread_create(s->proc[i], p->tid,
			    &p->td)) != 0) {
				st_fail("thread_create: %d", rc);
				return (rc);
			}
		}
		rc = ktrq_ktrace(s->ctltd, i < NPROC / 2 ? s->clean :
		    s->faulty, KTROP_SET, KTRFAC_ALL, PID_BASE + i);
		if (rc != 0) {
			st_fail("ktrace SET pid %d: %d", PID_BASE + i, rc);
			return (rc);
		}
	}
	return (0);
}

static void
run_load(struct st *s)
{
	char name[KTRQ_OS_NAMELEN];
	int i, rc, started;

	atomic_set(&s->running, 1);	/* ours, dropped below */
	init_completion(&s->all_done);
	if ((rc = s->os->thread_create(s->os->cookie, &s->resizer,
	    "ktrq-resizer", resizer_main, s)) != 0) {
		st_fail("resizer thread: %d", rc);
		s->resizer = NULL;
	}
	started = 0;
	for (i = 0; i < NPOSTER; i++) {
		struct poster *p = &s->post[i];

		snprintf(name, sizeof(name), "ktrq-post-%d-%lld", p->pid,
		    (long long)p->tid);
		atomic_inc(&s->running);
		if ((rc = s->os->thread_create(s->os->cookie, &p->thr, name,
		    poster_main, p)) != 0) {
			atomic_dec(&s->running);
			st_fail("poster thread: %d", rc);
			p->thr = NULL;
			continue;
		}
		started++;
	}
	if (atomic_dec_and_test(&s->running))
		complete(&s->all_done);
	/* Say how far the posters got if the watchdog has to fire. */
	while (!wait_for_completion_timeout(&s->all_done, 5 * HZ)) {
		struct ktrq_stats kst;

		ktrq_stats(s->k, &kst);
		pr_info("ktrq-selftest: %d posters still running; posted=%llu "
		    "written=%llu todo=%u free=%u/%u\n",
		    atomic_read(&s->running), (unsigned long long)kst.posted,
		    (unsigned long long)kst.written, kst.todo_depth,
		    kst.pool_free, kst.pool_size);
	}
	for (i = 0; i < NPOSTER; i++)
		if (s->post[i].thr != NULL)
			s->os->thread_join(s->os->cookie, s->post[i].thr);
	WRITE_ONCE(s->stop, 1);
	if (s->resizer != NULL)
		s->os->thread_join(s->os->cookie, s->resizer);
	(void)started;
}

static void
verdict(struct st *s, unsigned long *recordsp, unsigned long *droppedp)
{
	unsigned long posted, ok, nobufs, nxio, werr, nrec_clean, nrec_bad;
	unsigned long marked_clean, marked_bad;
	struct ktrq_stats kst;
	const uint8_t *data;
	size_t len;
	uint64_t dropped;
	int i, rc, pt;

	/* The write-error policy, before anyone exits. */
	for (i = 0; i < NPOSTER; i++) {
		struct poster *p = &s->post[i];

		pt = ktrq_point(p->td, KTR_SYSCALL);
		if (p->clean) {
			CHECK(pt == 1, "tid %lld (clean target) not traced "
			    "after the run", (long long)p->tid);
		} else {
			CHECK(pt == 0, "tid %lld still traced to the failed "
			    "target", (long long)p->tid);
			rc = ktrq_syscall(p->td, 1, 0, NULL);
			CHECK(rc == ENOENT, "tid %lld: post after the write "
			    "error gave %d", (long long)p->tid, rc);
		}
		CHECK(p->n_other == 0, "tid %lld: %lu unexpected outcomes, "
		    "first %d", (long long)p->tid, p->n_other, p->other);
		if (p->clean)
			CHECK(p->n_enoent == 0 && p->n_nxio == 0 &&
			    p->n_werr == 0, "tid %lld (clean): %lu ENOENT, "
			    "%lu ENXIO, %lu write errors", (long long)p->tid,
			    p->n_enoent, p->n_nxio, p->n_werr);
	}

	/* Drain: exit every traced process (waits for its records). */
	for (i = 0; i < NPROC; i++) {
		CHECK(ktrq_proc_exit(s->proc[i]) == 0, "proc_exit");
		s->proc[i] = NULL;
	}
	ktrq_stats(s->k, &kst);
	posted = ok = nobufs = nxio = werr = 0;
	for (i = 0; i < NPOSTER; i++) {
		posted += s->post[i].n_posted;
		ok += s->post[i].n_ok;
		nobufs += s->post[i].n_nobufs;
		nxio += s->post[i].n_nxio;
		werr += s->post[i].n_werr;
	}
	dropped = kst.dropped_exhausted + kst.dropped_write_error +
	    kst.dropped_cleared;
	CHECK(kst.posted == kst.written + dropped,
	    "posted %llu != written %llu + dropped %llu",
	    (unsigned long long)kst.posted, (unsigned long long)kst.written,
	    (unsigned long long)dropped);
	CHECK(kst.posted == posted, "stats posted %llu, posters counted %lu",
	    (unsigned long long)kst.posted, posted);
	CHECK(kst.dropped_exhausted == nobufs,
	    "dropped_exhausted %llu, posters saw %lu ENOBUFS",
	    (unsigned long long)kst.dropped_exhausted, nobufs);
	CHECK(kst.write_errors == 1, "%llu write errors, expected 1",
	    (unsigned long long)kst.write_errors);
	CHECK(kst.dropped_write_error == 1 && werr <= 1,
	    "dropped_write_error %llu (own genio failures %lu), expected 1",
	    (unsigned long long)kst.dropped_write_error, werr);
	CHECK(kst.pool_free == kst.pool_size && kst.todo_depth == 0,
	    "pool %u/%u free, todo %u after the drain", kst.pool_free,
	    kst.pool_size, kst.todo_depth);
	spin_lock(&s->log_lock);
	CHECK(s->nlog_werr == 1, "%u write-error messages", s->nlog_werr);
	CHECK(s->nlog_werr == 0 || strcmp(s->log_werr, "ktrace write "
	    "failed, errno 28, tracing stopped") == 0,
	    "write-error message: '%s'", s->log_werr);
	CHECK(s->nlog_pool == kst.warnings, "%u pool warnings logged, %llu "
	    "counted", s->nlog_pool, (unsigned long long)kst.warnings);
	spin_unlock(&s->log_lock);
	CHECK(s->probe_overflow == 0, "probe table overflow");

	/* Resize with everything free: exact. */
	rc = ktrq_pool_resize(s->k, 100, NULL);
	CHECK(rc == 0, "final resize to 100: %d", rc);
	CHECK(s->resizes > 0, "the pool was never resized");

	/* The images. */
	data = ktrq_memtarget_data(s->inner, &len);
	nrec_bad = walk_image(s, data, len, 0, &marked_bad);
	CHECK(nrec_bad == FAIL_AFTER, "failed target took %lu records, "
	    "expected %d", nrec_bad, FAIL_AFTER);
	data = ktrq_memtarget_data(s->clean, &len);
	nrec_clean = walk_image(s, data, len, 1, &marked_clean);
	CHECK(nrec_clean + nrec_bad == kst.written,
	    "images hold %lu + %lu records, %llu written", nrec_clean,
	    nrec_bad, (unsigned long long)kst.written);
	CHECK(marked_clean + marked_bad <= kst.dropped_exhausted,
	    "%lu records marked KTR_DROP, %llu exhaustion drops",
	    marked_clean + marked_bad,
	    (unsigned long long)kst.dropped_exhausted);
	CHECK(nrec_clean > 0, "the clean image is empty");
	oracle_selfcheck(s, data, len);

	pr_info("ktrq-selftest: info posted=%llu written=%llu "
	    "exhausted=%llu write_error=%llu cleared=%llu write_errors=%llu "
	    "warnings=%llu resizes=%lu resize_nospc=%lu clean=%lu failed=%lu "
	    "marked=%lu threads=%d events=%d\n",
	    (unsigned long long)kst.posted, (unsigned long long)kst.written,
	    (unsigned long long)kst.dropped_exhausted,
	    (unsigned long long)kst.dropped_write_error,
	    (unsigned long long)kst.dropped_cleared,
	    (unsigned long long)kst.write_errors,
	    (unsigned long long)kst.warnings, s->resizes, s->resize_nospc,
	    nrec_clean, nrec_bad, marked_clean, NPOSTER, nev);
	if (hexdump && st_failed() == 0)
		hexdump_image(data, len);
	*recordsp = nrec_clean;
	*droppedp = (unsigned long)dropped;
}

static void
teardown(struct st *s)
{
	int i, rc;

	if (s->k != NULL) {
		rc = ktrq_destroy(s->k);	/* exits ctl and the rest */
		CHECK(rc == 0, "ktrq_destroy: %d", rc);
	}
	if (s->faulty != NULL)
		ktrq_target_rele(s->faulty);
	if (s->inner != NULL)
		ktrq_target_rele(s->inner);
	if (s->clean != NULL)
		ktrq_target_rele(s->clean);
	for (i = 0; i < NPOSTER; i++) {
		kvfree(s->post[i].ok);
		kvfree(s->post[i].type);
	}
	kvfree(s->enq);
}

static int __init
ktrq_selftest_init(void)
{
	unsigned long records = 0, dropped = 0;
	struct ktrq_os *os;
	ktime_t t0;
	int rc;

	t0 = ktime_get();
	schedule_delayed_work(&st_watchdog, WATCHDOG_S * HZ);
	if (nev < 100 || nev > 4000) {
		cancel_delayed_work_sync(&st_watchdog);
		pr_info("ktrq-selftest: FAIL nev=%d out of 100..4000\n", nev);
		return (-EINVAL);
	}
	if ((rc = ktrq_os_linux_create(&os)) != 0) {
		cancel_delayed_work_sync(&st_watchdog);
		pr_info("ktrq-selftest: FAIL ktrq_os_linux_create: %d\n", rc);
		return (-rc);
	}
	st_phase = "layer";
	layer_checks(os);

	st_phase = "setup";
	if ((st = kzalloc(sizeof(*st), GFP_KERNEL)) == NULL) {
		cancel_delayed_work_sync(&st_watchdog);
		ktrq_os_linux_destroy(os);
		return (-ENOMEM);
	}
	st->os = os;
	spin_lock_init(&st->log_lock);
	st->enq_cap = NPOSTER * (unsigned)nev + 16;
	st->enq = kvcalloc(st->enq_cap, sizeof(*st->enq), GFP_KERNEL);
	if (st->enq == NULL)
		st_fail("no memory for the probe table");
	else if (setup(st) == 0) {
		WRITE_ONCE(st_phase, "load");
		run_load(st);
		WRITE_ONCE(st_phase, "verdict");
		verdict(st, &records, &dropped);
	}
	WRITE_ONCE(st_phase, "teardown");
	teardown(st);
	kfree(st);
	st = NULL;
	rc = ktrq_os_linux_destroy(os);
	CHECK(rc == 0, "ktrq_os_linux_destroy: %d", rc);
	cancel_delayed_work_sync(&st_watchdog);

	pr_info("ktrq-selftest: info elapsed_ms=%lld\n",
	    ktime_ms_delta(ktime_get(), t0));
	if (st_failed()) {
		pr_info("ktrq-selftest: FAIL %s (%d violations)\n",
		    st_fail_msg, st_failed());
		return (-EINVAL);
	}
	pr_info("ktrq-selftest: pass records=%lu dropped=%lu\n", records,
	    dropped);
	return (0);
}

static void __exit
ktrq_selftest_exit(void)
{
}

module_init(ktrq_selftest_init);
module_exit(ktrq_selftest_exit);
MODULE_LICENSE("Dual BSD/GPL");
MODULE_DESCRIPTION("libktrq: the 2002 ktrace request queue, self-test on "
    "the Linux kernel platform layer");
