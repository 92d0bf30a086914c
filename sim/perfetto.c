/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The timeline writer: a run drawn as a Chrome Trace Event file
 * ({"traceEvents": [...]}), which Perfetto (ui.perfetto.dev) and
 * chrome://tracing open.  Generic: it knows the engine's events only;
 * a harness adds its own through the instant and work-span calls (the
 * ktrq harness draws the core's record writes and probes, timeline.c).
 *
 * Time axis: ts is the simulator's step number, shown as microseconds.
 * Virtual time stands still for most steps, so it would pile every event
 * onto a few instants; the step keeps their order and spacing.  Each
 * event carries the virtual time in its args (vclock_ns).
 *
 * Layout: one process per simulated thread ("T<id> <name>"), holding
 * tracks "cpu" (running and sleeping spans), "mutex <name>" (holds), the
 * work track (the harness's spans, "work" unless renamed) and "events"
 * (instants: marks, log lines, the harness's own).  Separate tracks keep
 * spans that overlap without nesting (a mutex held across a preemption)
 * valid for the viewers.
 *
 * Events are written as they arrive, so a run that fails half-way (or a
 * process that crashes) still leaves a timeline up to its last step;
 * spans are emitted as complete ("X") events when they end, and whatever
 * is still open at the end is closed at the last step and marked
 * unfinished.  Track names are metadata written last, when every
 * thread's name is known.
 *
 * The engine does not announce every change of the running thread: a
 * thread that is picked again right after a wakeup or a timeout gets no
 * RUN event.  Any event a thread causes itself (lock, sleep, a mark)
 * therefore counts as evidence that it runs.
 *
 * Per-thread state is indexed by thread id and grows by doubling, like
 * the engine's own tables: no thread limit here either.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define	TL_MAXMTX	32	/* mutex names; more share the last */
#define	TL_MAXNEST	8	/* holds of one name by one thread */
#define	TL_MAXNOTES	16
#define	TL_NAMELEN	64

/* Sub-tracks of a simulated thread; tid = pid * 100 + sub. */
enum { SUB_CPU = 1, SUB_WORK = 2, SUB_EVENTS = 3, SUB_MTX = 10 };

struct tl_span {
	int		 open;
	uint64_t	 start;
	uint64_t	 vstart;
	char		 name[TL_NAMELEN];
};

struct tl_hold {
	int		 depth;
	uint64_t	 start[TL_MAXNEST];
	uint64_t	 vstart[TL_MAXNEST];
};

struct tl_thread {
	int		 seen;
	char		 name[TL_NAMELEN];
	unsigned	 tracks;	/* 1 << SUB_* used */
	uint32_t	 mtx_tracks;	/* 1 << mutex index used */
	struct tl_span	 run, sleep, work;
	struct tl_hold	 hold[TL_MAXMTX];
};

struct sim_timeline {
	FILE		*f;
	uint64_t	 nev;
	int		 cur;		/* running thread, 0: none */
	uint64_t	 step, vclock;	/* latest seen */
	struct tl_thread *th;		/* by tid, 0: the simulator */
	int		 nth;
	int		 enomem;	/* an event was lost for memory */
	char		 work[TL_NAMELEN];
	char		 mtx[TL_MAXMTX][TL_NAMELEN];
	int		 nmtx;
	char		 notes[TL_MAXNOTES][2][128];
	int		 nnotes;
};

/* ---- writing events ---- */

/* A JSON string: control bytes and non-ASCII as \u, so it stays valid. */
void
ktrq_sim__json_str(FILE *f, const char *s)
{
	const unsigned char *p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		default:
			if (*p < 0x20 || *p >= 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* The state of `tid`, growing the table; NULL: bad tid or no memory. */
static struct tl_thread *
thread_of(struct sim_timeline *tl, int tid)
{
	struct tl_thread *nt;
	int n;

	if (tid < 0)
		return (NULL);
	if (tid < tl->nth)
		return (&tl->th[tid]);
	for (n = tl->nth != 0 ? tl->nth : 16; n <= tid; n *= 2)
		if (n > (1 << 24)) {
			tl->enomem = 1;
			return (NULL);
		}
	if ((nt = realloc(tl->th, (size_t)n * sizeof(*nt))) == NULL) {
		tl->enomem = 1;
		return (NULL);
	}
	memset(nt + tl->nth, 0, (size_t)(n - tl->nth) * sizeof(*nt));
	tl->th = nt;
	tl->nth = n;
	return (&tl->th[tid]);
}

static void
ev_head(struct sim_timeline *tl, const char *ph, const char *name, int pid,
    int sub, uint64_t ts)
{
	FILE *f = tl->f;

	fputs(tl->nev++ != 0 ? ",\n" : "\n", f);
	fprintf(f, "{\"ph\":\"%s\",\"name\":", ph);
	ktrq_sim__json_str(f, name);
	fprintf(f, ",\"pid\":%d,\"tid\":%d,\"ts\":%" PRIu64, pid,
	    pid * 100 + sub, ts);
}

static void
mark_track(struct sim_timeline *tl, int pid, int sub)
{
	struct tl_thread *t = &tl->th[pid];

	t->seen = 1;
	if (sub >= SUB_MTX)
		t->mtx_tracks |= 1U << (sub - SUB_MTX);
	else
		t->tracks |= 1U << sub;
}

/*
 * A complete span from sp->start to now; `what` (string) and `nums` (a
 * JSON fragment of numbers) are extra args when not NULL.
 */
/* The rest of an event's args, and the event's end. */
static void
args_tail(FILE *f, const char *what, const char *nums)
{

	if (what != NULL) {
		fputs(",\"what\":", f);
		ktrq_sim__json_str(f, what);
	}
	if (nums != NULL)
		fprintf(f, ",%s", nums);
	fputs("}}", f);
}

static void
emit_span(struct sim_timeline *tl, int pid, int sub, const char *name,
    uint64_t start, uint64_t vstart, const char *what, const char *nums)
{
	FILE *f = tl->f;

	mark_track(tl, pid, sub);
	ev_head(tl, "X", name, pid, sub, start);
	fprintf(f, ",\"dur\":%" PRIu64 ",\"args\":{\"vclock_ns\":%" PRIu64
	    ",\"vclock_end_ns\":%" PRIu64, tl->step - start, vstart,
	    tl->vclock);
	args_tail(f, what, nums);
}

static void
emit_instant(struct sim_timeline *tl, int pid, const char *name,
    const char *what, const char *nums)
{
	FILE *f = tl->f;

	mark_track(tl, pid, SUB_EVENTS);
	ev_head(tl, "i", name, pid, SUB_EVENTS, tl->step);
	fprintf(f, ",\"s\":\"t\",\"args\":{\"vclock_ns\":%" PRIu64,
	    tl->vclock);
	args_tail(f, what, nums);
}

static void
span_open(struct sim_timeline *tl, struct tl_span *sp, const char *name)
{

	sp->open = 1;
	sp->start = tl->step;
	sp->vstart = tl->vclock;
	snprintf(sp->name, sizeof(sp->name), "%s", name);
}

static void
span_close(struct sim_timeline *tl, int pid, int sub, struct tl_span *sp,
    const char *what, const char *nums)
{

	if (!sp->open)
		return;
	sp->open = 0;
	emit_span(tl, pid, sub, sp->name, sp->start, sp->vstart, what, nums);
}

/* ---- who runs ---- */

static void
run_stop(struct sim_timeline *tl)
{

	if (tl->cur != 0)
		span_close(tl, tl->cur, SUB_CPU, &tl->th[tl->cur].run, NULL,
		    NULL);
	tl->cur = 0;
}

/* `tid` runs from now (it was picked, or it evidently acts). */
static void
run_start(struct sim_timeline *tl, int tid)
{
	struct tl_thread *t = &tl->th[tid];

	if (tl->cur == tid)
		return;
	run_stop(tl);
	span_close(tl, tid, SUB_CPU, &t->sleep, NULL, NULL);
	t->seen = 1;
	span_open(tl, &t->run, "running");
	tl->cur = tid;
}

/* ---- mutexes ---- */

static int
mtx_index(struct sim_timeline *tl, const char *name)
{
	int i;

	if (name == NULL)
		name = "(unnamed)";
	for (i = 0; i < tl->nmtx; i++)
		if (strcmp(tl->mtx[i], name) == 0)
			return (i);
	if (tl->nmtx == TL_MAXMTX)
		return (TL_MAXMTX - 1);
	snprintf(tl->mtx[tl->nmtx], TL_NAMELEN, "%s",
	    tl->nmtx == TL_MAXMTX - 1 ? "(other mutexes)" : name);
	return (tl->nmtx++);
}

static void
mtx_lock(struct sim_timeline *tl, int tid, const char *name)
{
	struct tl_hold *h = &tl->th[tid].hold[mtx_index(tl, name)];

	if (h->depth < TL_MAXNEST) {
		h->start[h->depth] = tl->step;
		h->vstart[h->depth] = tl->vclock;
	}
	h->depth++;
}

static void
mtx_unlock(struct sim_timeline *tl, int tid, const char *name)
{
	int m = mtx_index(tl, name);
	struct tl_hold *h = &tl->th[tid].hold[m];

	if (h->depth == 0)
		return;
	if (--h->depth < TL_MAXNEST)
		emit_span(tl, tid, SUB_MTX + m, tl->mtx[m],
		    h->start[h->depth], h->vstart[h->depth], NULL, NULL);
}

/* ---- events ---- */

static void
advance(struct sim_timeline *tl, uint64_t step, uint64_t vclock)
{

	/* Keep time monotonic even if a hook reports a stale step. */
	if (step > tl->step)
		tl->step = step;
	if (vclock > tl->vclock)
		tl->vclock = vclock;
}

void
ktrq_sim__timeline_event(void *arg, enum sim_ev ev, int tid, uint64_t step,
    uint64_t vclock, const char *what)
{
	struct sim_timeline *tl = arg;
	struct tl_thread *t;

	/* Thread 0 (the simulator's own track) exists before any other. */
	if (thread_of(tl, 0) == NULL)
		return;
	if ((t = thread_of(tl, tid)) == NULL) {
		tid = 0;
		t = &tl->th[0];
	}
	advance(tl, step, vclock);
	switch (ev) {
	case SIM_EV_THREAD_START:
		snprintf(t->name, sizeof(t->name), "%s",
		    what != NULL ? what : "");
		run_start(tl, tid);
		break;
	case SIM_EV_THREAD_EXIT:
		run_start(tl, tid);
		run_stop(tl);
		break;
	case SIM_EV_RUN:
		run_start(tl, tid);
		break;
	case SIM_EV_LOCK:
		run_start(tl, tid);
		mtx_lock(tl, tid, what);
		break;
	case SIM_EV_UNLOCK:
		run_start(tl, tid);
		mtx_unlock(tl, tid, what);
		break;
	case SIM_EV_SLEEP:
		run_start(tl, tid);
		run_stop(tl);
		span_open(tl, &t->sleep, what != NULL ? what : "sleep");
		break;
	case SIM_EV_WAKE:
		span_close(tl, tid, SUB_CPU, &t->sleep, what, NULL);
		if (what != NULL && strcmp(what, "spurious") == 0)
			emit_instant(tl, tid, "spurious wakeup", NULL, NULL);
		break;
	case SIM_EV_MARK:
		if (tid != 0)
			run_start(tl, tid);
		emit_instant(tl, tid, what != NULL ? what : "mark", what,
		    NULL);
		break;
	}
}

/* A harness's event of a simulated thread (tid >= 1), which runs. */
static struct tl_thread *
acting(struct sim_timeline *tl, int tid, uint64_t step, uint64_t vclock)
{
	struct tl_thread *t;

	if (tid < 1 || thread_of(tl, 0) == NULL ||
	    (t = thread_of(tl, tid)) == NULL)
		return (NULL);
	advance(tl, step, vclock);
	run_start(tl, tid);
	return (t);
}

void
ktrq_sim__timeline_instant(struct sim_timeline *tl, int tid, uint64_t step,
    uint64_t vclock, const char *name, const char *nums)
{

	if (acting(tl, tid, step, vclock) != NULL)
		emit_instant(tl, tid, name, NULL, nums);
}

void
ktrq_sim__timeline_work_begin(struct sim_timeline *tl, int tid,
    uint64_t step, uint64_t vclock, const char *name)
{
	struct tl_thread *t;

	if ((t = acting(tl, tid, step, vclock)) != NULL)
		span_open(tl, &t->work, name);
}

int
ktrq_sim__timeline_work_end(struct sim_timeline *tl, int tid, uint64_t step,
    uint64_t vclock, const char *nums)
{
	struct tl_thread *t;

	if ((t = acting(tl, tid, step, vclock)) == NULL || !t->work.open)
		return (0);
	span_close(tl, tid, SUB_WORK, &t->work, NULL, nums);
	return (1);
}

/* ---- the file ---- */

int
ktrq_sim__timeline_open(const char *path, struct sim_timeline **tlp,
    char *err, size_t errlen)
{
	struct sim_timeline *tl;
	int error;

	*tlp = NULL;
	if ((tl = calloc(1, sizeof(*tl))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return (ENOMEM);
	}
	if (strcmp(path, "-") == 0)
		tl->f = stdout;		/* the CLI's "-" */
	else if ((tl->f = fopen(path, "w")) == NULL) {
		error = errno != 0 ? errno : EIO;
		snprintf(err, errlen, "%s: %s", path, strerror(error));
		free(tl);
		return (error);
	}
	snprintf(tl->work, sizeof(tl->work), "work");
	fputs("{\"traceEvents\":[", tl->f);
	*tlp = tl;
	return (0);
}

void
ktrq_sim__timeline_work_name(struct sim_timeline *tl, const char *name)
{

	snprintf(tl->work, sizeof(tl->work), "%s", name);
}

void
ktrq_sim__timeline_note(struct sim_timeline *tl, const char *key,
    const char *value)
{

	if (tl->nnotes == TL_MAXNOTES)
		return;
	snprintf(tl->notes[tl->nnotes][0], sizeof(tl->notes[0][0]), "%s",
	    key);
	snprintf(tl->notes[tl->nnotes][1], sizeof(tl->notes[0][1]), "%s",
	    value);
	tl->nnotes++;
}

static void
finish_thread(struct sim_timeline *tl, int tid)
{
	struct tl_thread *t = &tl->th[tid];
	const char *u = "\"unfinished\":true";
	struct tl_hold *h;
	int m;

	span_close(tl, tid, SUB_CPU, &t->run, NULL, u);
	span_close(tl, tid, SUB_CPU, &t->sleep, NULL, u);
	span_close(tl, tid, SUB_WORK, &t->work, NULL, u);
	for (m = 0; m < tl->nmtx; m++)
		for (h = &t->hold[m]; h->depth > 0;) {
			if (--h->depth < TL_MAXNEST)
				emit_span(tl, tid, SUB_MTX + m, tl->mtx[m],
				    h->start[h->depth], h->vstart[h->depth],
				    NULL, u);
		}
}

static void
meta(struct sim_timeline *tl, const char *what, int pid, int sub,
    const char *name, int sort)
{
	FILE *f = tl->f;

	fputs(tl->nev++ != 0 ? ",\n" : "\n", f);
	fprintf(f, "{\"ph\":\"M\",\"name\":\"%s_name\",\"pid\":%d,"
	    "\"tid\":%d,\"args\":{\"name\":", what, pid, pid * 100 + sub);
	ktrq_sim__json_str(f, name);
	fprintf(f, "}},\n{\"ph\":\"M\",\"name\":\"%s_sort_index\","
	    "\"pid\":%d,\"tid\":%d,\"args\":{\"sort_index\":%d}}", what,
	    pid, pid * 100 + sub, sort);
}

static void
name_tracks(struct sim_timeline *tl, int tid)
{
	const char *const sub_names[] = { "", "cpu", tl->work, "events" };
	struct tl_thread *t = &tl->th[tid];
	char name[TL_NAMELEN + 16];
	int s;

	snprintf(name, sizeof(name), tid == 0 ? "simulator" : "T%d %s", tid,
	    t->name);
	meta(tl, "process", tid, 0, name, tid);
	for (s = SUB_CPU; s <= SUB_EVENTS; s++)
		if ((t->tracks & (1U << s)) != 0)
			meta(tl, "thread", tid, s, sub_names[s], s);
	for (s = 0; s < tl->nmtx; s++)
		if ((t->mtx_tracks & (1U << s)) != 0) {
			snprintf(name, sizeof(name), "mutex %s", tl->mtx[s]);
			meta(tl, "thread", tid, SUB_MTX + s, name,
			    SUB_MTX + s);
		}
}

static void
finish_file(struct sim_timeline *tl)
{
	FILE *f = tl->f;
	int i, tid;

	for (tid = 0; tid < tl->nth; tid++)
		finish_thread(tl, tid);
	for (tid = 0; tid < tl->nth; tid++)
		if (tl->th[tid].seen)
			name_tracks(tl, tid);
	fputs("\n],\"otherData\":{\"time_axis\":\"ts is the simulator step "
	    "number (shown as microseconds); virtual time is vclock_ns in "
	    "args\"", f);
	for (i = 0; i < tl->nnotes; i++) {
		fputc(',', f);
		ktrq_sim__json_str(f, tl->notes[i][0]);
		fputc(':', f);
		ktrq_sim__json_str(f, tl->notes[i][1]);
	}
	fputs("}}\n", f);
}

int
ktrq_sim__timeline_close(struct sim_timeline *tl, char *err, size_t errlen)
{
	int error;

	if (tl == NULL)
		return (0);
	finish_file(tl);
	error = ferror(tl->f) ? EIO : 0;
	if (tl->f == stdout) {
		if (fflush(tl->f) != 0 && error == 0)
			error = errno != 0 ? errno : EIO;
	} else if (fclose(tl->f) != 0 && error == 0)
		error = errno != 0 ? errno : EIO;
	if (error == 0 && tl->enomem)
		error = ENOMEM;
	if (error != 0)
		snprintf(err, errlen, "timeline: write failed: %s",
		    strerror(error));
	free(tl->th);
	free(tl);
	return (error);
}
