#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Command-line checks of ktrq-sim that compare outputs of several runs.
#
#   cli.sh CASE SIM WORKDIR [PYTHON]
#
# Each case runs in WORKDIR/CASE (created empty), so cases may run in
# parallel; a case prints what went wrong and exits non-zero.  PYTHON,
# when given, checks JSON files (python3 -m json.tool and
# check_timeline.py next to this script).

set -u
case_name=$1
SIM=$2
dir=$3/$1
PYTHON=${4:-}
here=$(cd "$(dirname "$0")" && pwd)

rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" || exit 1

die() {
	echo "cli.sh $case_name: $*" >&2
	exit 1
}

# expect_rc WANT CMD...: run CMD (stdout to out, stderr to err).
# Its variables are prefixed: sh has no locals, and callers keep theirs.
expect_rc() {
	_er_want=$1
	shift
	"$@" >out 2>err
	_er_rc=$?
	[ "$_er_rc" -eq "$_er_want" ] || {
		cat out err >&2
		die "'$*' exited $_er_rc, want $_er_want"
	}
}

# The value after "KEY:" in file $2.
field() {
	sed -n "s/^$1: *//p" "$2" | head -n 1
}

json_ok() {
	[ -z "$PYTHON" ] && return 0
	"$PYTHON" -m json.tool "$1" >/dev/null || die "$1 is not valid JSON"
}

run_twice() {
	expect_rc 0 "$SIM" run --scenario mixed --seed 42 --trace-out a.ktr \
	    --timeline a.json
	mv out a.out
	expect_rc 0 "$SIM" run --scenario mixed --seed 42 --trace-out b.ktr \
	    --timeline b.json
	cmp a.out out || die "two runs printed different reports"
	cmp a.ktr b.ktr || die "two runs wrote different traces"
	cmp a.json b.json || die "two runs drew different timelines"
	[ -s a.ktr ] || die "empty trace file"
	grep -q '^result: ok$' out || die "no 'result: ok'"
	grep -Eq '^trace hash: +[0-9a-f]{16}$' out || die "no trace hash"
}

replay() {
	expect_rc 0 "$SIM" run --scenario resize-storm --seed 9 \
	    --schedule-out s.sched
	want=$(field "trace hash" out)
	wsched=$(field "schedule hash" out)
	[ -s s.sched ] || die "no schedule saved"
	expect_rc 0 "$SIM" replay s.sched --vehicle fiber
	got=$(field "trace hash" out)
	[ "$got" = "$want (matches the recorded run)" ] ||
	    die "replay trace hash '$got', want '$want'"
	[ "$(field "schedule hash" out)" = "$wsched" ] ||
	    die "replay schedule hash differs"
	# "-" is the standard input.
	expect_rc 0 "$SIM" replay - <s.sched
	[ "$(field "trace hash" out)" = "$want (matches the recorded run)" ] ||
	    die "replay from stdin differs"
}

# Every workload option of the parameter table reaches the run, its
# schedule header and its replay; out-of-range values are refused.
workload_table() {
	expect_rc 0 "$SIM" run --scenario mixed --seed 4 --batch 1 \
	    --backpressure --pool 2 --sync 0.3 --schedule-out w.sched
	grep -q 'batch 1, backpressure 1' out || die "workload line: $(cat out)"
	want=$(field "trace hash" out)
	grep -q ' batch=1 bp=1 ' w.sched || die "header lacks batch/bp"
	grep -q ' pool=2 sync=300 ' w.sched || die "header lacks pool/sync"
	expect_rc 0 "$SIM" replay w.sched
	[ "$(field "trace hash" out)" = "$want (matches the recorded run)" ] ||
	    die "replay of batch/bp differs"
	expect_rc 2 "$SIM" run --batch 65
	grep -q -- "--batch: invalid value '65' (0..64)" err || die "$(cat err)"
	expect_rc 2 "$SIM" run --backpressure=2
	expect_rc 2 "$SIM" replay w.sched --pool 3
	grep -q -- "--pool does not apply to 'replay'" err || die "$(cat err)"
	expect_rc 0 "$SIM" --help
	grep -q -- '--backpressure \[0|1\]' out || die "help lacks the table"
}

# A seed that crashes its worker costs that seed only: the sweep goes on,
# reports it (exit 1) with a run command, and never runs it again in the
# parent to save a schedule.
sweep_crash() {
	KTRQ_SIM_TEST_CRASH_SEED=5 expect_rc 1 "$SIM" sweep --seeds 1:12 --jobs 2
	# SIGSEGV, or what a sanitizer's handler makes of it (ASan: SIGABRT,
	# TSan: exit status 66).
	grep -Eq 'seed 5: crash: the worker process (died of signal|exited \(status)' out ||
	    die "no crash report: $(cat out)"
	grep -q '^runs: *12' out || grep -q '12 runs' out ||
	    die "the sweep did not finish: $(cat out)"
	ls ./*.sched >/dev/null 2>&1 && die "a schedule was saved for a crash"
	return 0
}

# The core's wait channels are reported; the one where several threads
# can sleep (ktrpool, back-pressure waiters) must see two or more at once,
# or swapping its wakeup for wakeup_one could not be seen.
channels() {
	expect_rc 0 "$SIM" sweep --scenario backpressure --seeds 1:100 --jobs 2
	n=$(sed -n 's/.*ktrpool: [0-9]* sleeps, at most \([0-9]*\) asleep.*/\1/p' out)
	[ -n "$n" ] && [ "$n" -ge 2 ] || die "ktrpool at most '$n' asleep: $(cat out)"
	expect_rc 0 "$SIM" run --scenario backpressure --seed 2 --json
	json_ok out
	grep -q '"channels":\[{"wmesg":' out || die "run --json: no channels"
}

# A schedule of a user's program (ktrq_sim_check) is named as such.
foreign_schedule() {
	printf 'ktrqsim1 program=my-test seed=3 strategy=random depth=3 pct_steps=64 spurious=0 timeout=0 fault_enable=250 fault_fire=250 max_steps=1000000;AAIB\n' >u.sched
	expect_rc 2 "$SIM" replay u.sched
	grep -q 'recorded by ktrq_sim_check in program "my-test"' err ||
	    die "foreign schedule: $(cat err)"
}

# The decisions do not depend on how threads are carried.
vehicles() {
	expect_rc 0 "$SIM" run --seed 5 --vehicle pthread
	grep -v '^vehicle:' out >p.out
	expect_rc 0 "$SIM" run --seed 5 --vehicle fiber
	grep -v '^vehicle:' out >f.out
	cmp p.out f.out || die "pthread and fiber runs differ"
}

violation() {
	expect_rc 1 "$SIM" run --seed 3 --max-steps 60
	grep -q '^result: VIOLATION (step limit)$' out ||
	    die "no step-limit verdict"
	grep -q '^replay: ktrq-sim replay ktrq-sim-mixed-3.sched$' out ||
	    die "no replay command"
	[ -s ktrq-sim-mixed-3.sched ] || die "failing schedule not saved"
	expect_rc 1 "$SIM" replay ktrq-sim-mixed-3.sched
	grep -q '(matches the recorded run)' out ||
	    die "replay of the failure differs"
	grep -q '^result: VIOLATION (step limit)$' out ||
	    die "replay did not reproduce the verdict"
}

sweep() {
	expect_rc 0 "$SIM" sweep --scenario mixed --seeds 1:50 --jobs 2
	[ "$(field runs out)" = 50 ] || die "runs: '$(field runs out)'"
	[ "$(field failures out)" = 0 ] || die "failures in a good sweep"
	grep -q '^runs/s: ' out || die "no runs/s"
	# One process and two must agree on everything but the clock.
	grep -Ev '^(elapsed|runs/s|decisions/s|sweep):' out >two
	expect_rc 0 "$SIM" sweep --scenario mixed --seeds 1:50 --jobs 1
	grep -Ev '^(elapsed|runs/s|decisions/s|sweep):' out >one
	cmp one two || die "--jobs 1 and --jobs 2 disagree"
}

shard() {
	expect_rc 0 "$SIM" sweep --seeds 10:59 --shard 0/2 --jobs 2
	a=$(field runs out)
	expect_rc 0 "$SIM" sweep --seeds 10:59 --shard 1/2
	b=$(field runs out)
	[ "$((a + b))" -eq 50 ] || die "shards ran $a + $b seeds, want 50"
	[ "$a" -eq 25 ] || die "shard 0/2 ran $a seeds"
}

# pthread: a fiber run that fails longjmps off its stack, which ASan
# builds misread (the fiber vehicle has no sanitizer annotations).
sweep_fail() {
	expect_rc 1 "$SIM" sweep --seeds 1:6 --jobs 2 --max-steps 60 --json \
	    --vehicle pthread
	json_ok out
	grep -q '"failures":6' out || die "want 6 failures"
	for s in 1 2 3 4 5 6; do
		[ -s ktrq-sim-mixed-$s.sched ] || die "seed $s not saved"
	done
	expect_rc 1 "$SIM" replay ktrq-sim-mixed-4.sched
}

rates() {
	expect_rc 0 "$SIM" run --seed 3 --spurious 0.25 --sync .5
	grep 'hash' out > frac
	expect_rc 0 "$SIM" run --seed 3 --spurious 250 --sync 500
	grep 'hash' out > permille
	cmp -s frac permille || die "0.25 and 250 differ: $(cat frac permille)"
	for v in 1.5 0.2505 abc . -0.1 1001; do
		expect_rc 2 "$SIM" run --seed 3 --spurious "$v"
		grep -q "invalid rate '$v'" err || die "rate $v: $(cat err)"
	done
}

# What a person reads shows rates in the unit the options take (0.025,
# not 25 permille); the schedule header, a replay format, stays permille.
rate_units() {
	expect_rc 0 "$SIM" run --seed 3 --spurious 0.025 --sync 250 \
	    --fault-fire 1.0 --schedule-out s.sched
	field workload out | grep -Eq ', sync 0\.25, faults [01]\.[0-9]+,' ||
	    die "workload not in fractions: $(field workload out)"
	p=$(field perturbation out)
	echo "$p" | grep -Eq '^spurious 0\.025, timeouts 0\.0, fault-enable [01]\.[0-9]+, fault-fire 1\.0; max-steps [0-9]+$' ||
	    die "perturbation not in fractions: '$p'"
	grep -q ' spurious=25 ' s.sched || die "header not permille: $(cat s.sched)"
	# A failure without a schedule file prints a run command: fractions,
	# and it runs the same seed again.
	expect_rc 1 "$SIM" sweep --seeds 2:2 --max-steps 60 --spurious 25 \
	    --max-schedules 0
	cmd=$(sed -n 's/^    replay: ktrq-sim run //p' out)
	case " $cmd " in
	*" --spurious 0.025 "*" --fault-fire 0.25 "*) ;;
	*) die "run command not in fractions: '$cmd'" ;;
	esac
	# shellcheck disable=SC2086
	expect_rc 1 "$SIM" run $cmd
	grep -q '^result: VIOLATION (step limit)$' out ||
	    die "the printed command did not fail again: $(cat out)"
}

sweep_sched_cap() {
	mkdir sd
	expect_rc 1 "$SIM" sweep --seeds 1:12 --jobs 2 --max-steps 60 \
	    --schedule-dir sd --max-schedules 3
	[ "$(ls sd | wc -l)" -eq 3 ] || die "want 3 schedules in sd: $(ls sd)"
	for s in 1 2 3; do
		[ -s sd/ktrq-sim-mixed-$s.sched ] || die "seed $s not saved"
	done
	! ls ./*.sched >/dev/null 2>&1 || die "schedules in the cwd: $(ls ./*.sched)"
	grep -q 'schedules saved for the first 3 failing seeds in sd' out ||
	    die "no cap message in: $(cat out)"
	expect_rc 1 "$SIM" replay sd/ktrq-sim-mixed-2.sched
	expect_rc 1 "$SIM" sweep --seeds 1:4 --max-steps 60 --max-schedules 0
	! ls ./*.sched >/dev/null 2>&1 || die "--max-schedules 0 saved some"
	expect_rc 2 "$SIM" sweep --seeds 1:4 --schedule-dir no-such-dir
	grep -q "schedule-dir: 'no-such-dir' is not a directory" err ||
	    die "missing dir: $(cat err)"
}

corrupt() {
	printf 'ktrqsim1 scenario=mixed;!!!!\n' >c.sched
	expect_rc 2 "$SIM" replay c.sched
	grep -q 'corrupt' err || die "no 'corrupt' in: $(cat err)"
	printf 'this is not a schedule\n' >g.sched
	expect_rc 2 "$SIM" replay g.sched
	grep -q 'not a ktrq-sim schedule' err || die "garbage: $(cat err)"
	expect_rc 2 "$SIM" replay no-such-file.sched
	grep -q 'no-such-file.sched' err || die "missing file: $(cat err)"
}

version2() {
	expect_rc 0 "$SIM" run --seed 2 --schedule-out v1.sched
	sed 's/^ktrqsim1 /ktrqsim2 /' v1.sched >v2.sched
	expect_rc 2 "$SIM" replay v2.sched
	grep -q 'version 2' err || die "no version error: $(cat err)"
}

usage() {
	for args in "" "bogus" "run --bogus" "run --seed x" "run --seed" \
	    "run --scenario nope" "run --strategy fast" "run --depth 2" \
	    "run --vehicle car" "run --sync 1001" "sweep --seeds 1:2 --shard 2/2" \
	    "sweep --seeds 5:1" "sweep" "replay" "list --seed 1" \
	    "run --json=yes"; do
		# shellcheck disable=SC2086
		expect_rc 2 "$SIM" $args
		grep -q '^usage: ktrq-sim' err || die "'$args': no usage"
		[ -s out ] && die "'$args' printed on stdout"
	done
	expect_rc 0 "$SIM" --help
	grep -q '^usage: ktrq-sim' out || die "--help: no usage on stdout"
	# Every seed is 2^64 of them: said so, not "A > B".
	expect_rc 2 "$SIM" sweep --seeds 0:18446744073709551615
	grep -q '2^64 seeds' err || die "--seeds 0:2^64-1: wrong message"
}

unwritable() {
	expect_rc 2 "$SIM" run --trace-out no/such/dir/t.ktr
	expect_rc 2 "$SIM" run --timeline no/such/dir/t.json
	expect_rc 2 "$SIM" run --schedule-out no/such/dir/s.sched
	[ -c /dev/full ] || return 0
	# Opens, then fails to write: still 2, with the file named.
	expect_rc 2 "$SIM" run --schedule-out /dev/full
	grep -q '^ktrq-sim: /dev/full: ' err || die "/dev/full: $(cat err)"
	for f in --trace-out --timeline --schedule-out; do
		"$SIM" run --seed 42 $f - >/dev/full 2>err
		rc=$?
		[ "$rc" -eq 2 ] || die "$f - >/dev/full exited $rc: $(cat err)"
		grep -q '^ktrq-sim: standard output: ' err ||
		    die "$f - >/dev/full: $(cat err)"
	done
}

# `-` for an output file is standard output; the report moves to stderr
# then (as ktrq-stress --out - does), and two files on it are refused.
dash_out() {
	expect_rc 0 "$SIM" run --seed 42 --trace-out a.ktr --timeline a.json
	mv out a.out
	expect_rc 0 "$SIM" run --seed 42 --trace-out -
	cmp out a.ktr || die "--trace-out - differs from the file"
	cmp err a.out || die "the report is not on stderr: $(cat err)"
	expect_rc 0 "$SIM" run --seed 42 --timeline -
	cmp out a.json || die "--timeline - differs from the file"
	json_ok out
	expect_rc 0 "$SIM" run --seed 42 --trace-out - --json
	cmp out a.ktr || die "--json: the trace differs"
	json_ok err
	grep -q '"ok":true' err || die "--json --trace-out -: no report: $(cat err)"
	# A failing run's schedule on stdout replays from stdin.
	expect_rc 1 "$SIM" run --seed 3 --max-steps 60 --schedule-out -
	mv out s.line
	[ "$(wc -l <s.line)" -eq 1 ] && grep -q "^ktrqsim1 " s.line ||
	    die "stdout is not one schedule: $(cat s.line)"
	grep -q '^result: VIOLATION (step limit)$' err || die "no report: $(cat err)"
	grep -q '^replay: ktrq-sim replay - (given the schedule' err ||
	    die "no replay line: $(cat err)"
	! ls ./*.sched ./- >/dev/null 2>&1 || die "a file was written: $(ls)"
	expect_rc 1 "$SIM" replay - <s.line
	grep -q '(matches the recorded run)' out || die "replay: $(cat out)"
	grep -q '^replay: ktrq-sim replay -$' out || die "replay line: $(cat out)"
	# Schedule in on stdin, trace out on stdout.
	expect_rc 0 "$SIM" run --seed 42 --schedule-out -
	mv out ok.line
	grep -q '^schedule: *standard output$' err || die "ok run: $(cat err)"
	expect_rc 0 "$SIM" replay - --trace-out - <ok.line
	cmp out a.ktr || die "replay - --trace-out - differs from the run"
	for two in "--trace-out - --timeline -" "--timeline - --schedule-out -" \
	    "--trace-out - --schedule-out -"; do
		# shellcheck disable=SC2086
		expect_rc 2 "$SIM" run --seed 1 $two
		[ -s out ] && die "'$two' printed on stdout"
		head -n 1 err | grep -q "^ktrq-sim: --[a-z-]* and --[a-z-]* both name standard output ('-')" ||
		    die "'$two': $(head -n 1 err)"
		grep -q '^usage: ktrq-sim' err || die "'$two': no usage"
	done
	expect_rc 2 "$SIM" sweep --seeds 1:2 --schedule-dir -
	head -n 1 err | grep -q "schedule-dir: '-' is not a directory" ||
	    die "--schedule-dir -: $(head -n 1 err)"
}

list_all() {
	expect_rc 0 "$SIM" list
	cp out list.out
	n=0
	for s in $(awk '{ print $1 }' list.out); do
		expect_rc 0 "$SIM" run --scenario "$s" --seed 1
		n=$((n + 1))
	done
	[ "$n" -ge 1 ] || die "no scenarios listed"
}

timeline() {
	expect_rc 0 "$SIM" run --scenario sync-heavy --seed 4 --spurious 30 \
	    --timeouts 50 --timeline t.json
	json_ok t.json
	grep -q '"traceEvents"' t.json || die "no traceEvents"
	grep -q '"thread_name"' t.json || die "no thread_name metadata"
	grep -q '"name":"write #' t.json || die "no write spans"
	if [ -n "$PYTHON" ]; then
		"$PYTHON" "$here/check_timeline.py" t.json >/dev/null ||
		    die "timeline fails check_timeline.py"
	fi
	# A failed run still leaves a whole file.
	expect_rc 1 "$SIM" run --seed 3 --max-steps 60 --timeline f.json
	json_ok f.json
}

json() {
	expect_rc 0 "$SIM" run --seed 8 --json
	json_ok out
	grep -q '"ok":true' out || die "run --json: no ok"
	expect_rc 0 "$SIM" selfcheck --seed 8 --json
	json_ok out
	expect_rc 0 "$SIM" list --json
	json_ok out
}

$case_name
