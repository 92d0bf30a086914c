#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make kernel-test: build ktrq_selftest.ko against the headers of the
# installed Debian kernel, boot that kernel in qemu with a busybox
# initramfs that loads the module, and pass only when
#   - the console shows "ktrq-selftest: pass records=N dropped=N",
#   - no kernel BUG/WARNING/Oops/panic was printed,
#   - the trace image the module printed (hex, between ktrq-trace-begin
#     and ktrq-trace-end) reassembles to exactly its announced size,
#   - `ktrq-dump -H -f` reads it, exits 0, and prints N records and as
#     many "Events dropped." lines as the module counted KTR_DROP marks.
#
#   sh kernel/run-qemu.sh [BUILD_DIR]      (default: build)
#
# Environment:
#   KTRQ_SELFTEST_ARGS  module parameters (e.g. "nev=1000 request_pool=32")
#   KTRQ_QEMU_ACCEL     kvm or tcg (default: kvm when /dev/kvm opens)
#   KTRQ_QEMU_TIMEOUT   seconds before the guest is killed (default 150;
#                       the module's own watchdog stops it after 60 s)
#   KTRQ_QEMU_SMP       guest CPUs (default 2)
#   KVER                kernel version (default: kernel/kver.sh)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build="$root/$build" ;; esac
out="$root/build-kernel"
dump="$build/bin/ktrq-dump"
kver=${KVER:-$(sh "$root/kernel/kver.sh")}
vmlinuz="/boot/vmlinuz-$kver"
timeout_s=${KTRQ_QEMU_TIMEOUT:-150}
smp=${KTRQ_QEMU_SMP:-2}
args="panic_on_hang=1 ${KTRQ_SELFTEST_ARGS:-}"

say() { printf 'kernel-test: %s\n' "$*"; }
fail() {
	printf 'kernel-test: FAIL %s\n' "$*" >&2
	echo "kernel-test: 0 passed, 1 failed"
	exit 1
}

[ -x "$dump" ] || fail "$dump missing (run make build first)"
[ -r "$vmlinuz" ] || fail "$vmlinuz not readable"
command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 missing"

# 1. The module.
say "building the module for $kver"
mkdir -p "$out"
make -s -C "$root/kernel" KVER="$kver" OUT="$out/module" \
    >"$out/module-build.log" 2>&1 ||
	{ cat "$out/module-build.log" >&2; fail "module build failed"; }
ko="$out/module/ktrq_selftest.ko"
[ -f "$ko" ] || fail "$ko not built"

# 2. The initramfs: busybox, the module, /init.
busybox=$(command -v busybox || true)
[ -n "$busybox" ] || fail "busybox missing (busybox-static)"
# The guest has no libc: a dynamic busybox (package busybox) cannot run.
if command -v readelf >/dev/null &&
    readelf -l "$busybox" 2>/dev/null | grep -q 'INTERP'; then
	fail "$busybox is not static (install busybox-static)"
fi
rd="$out/initramfs"
rm -rf "$rd"
mkdir -p "$rd/bin" "$rd/dev" "$rd/proc" "$rd/sys"
cp "$busybox" "$rd/bin/busybox"
cp "$ko" "$rd/ktrq_selftest.ko"
# The kernel opens /dev/console for init before anything is mounted; as
# root make the node, otherwise /init reopens it from devtmpfs.
mknod "$rd/dev/console" c 5 1 2>/dev/null || true
cat >"$rd/init" <<EOF
#!/bin/busybox sh
bb=/bin/busybox
\$bb mount -t proc proc /proc
\$bb mount -t sysfs sys /sys
\$bb mount -t devtmpfs dev /dev 2>/dev/null
exec 0</dev/console 1>/dev/console 2>&1
# Booted quiet; let the self-test's KERN_INFO lines reach the console.
echo 7 >/proc/sys/kernel/printk
echo "ktrq-init: insmod ktrq_selftest.ko $args"
if ! \$bb insmod /ktrq_selftest.ko $args; then
	echo "ktrq-init: insmod failed"
	\$bb dmesg | \$bb tail -n 30
fi
echo "ktrq-init: poweroff"
\$bb poweroff -f
EOF
chmod 755 "$rd/init"
(cd "$rd" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) \
	>"$out/initramfs.cpio"

# 3. Boot.
accel=${KTRQ_QEMU_ACCEL:-}
if [ -z "$accel" ]; then
	if [ -c /dev/kvm ] && (exec 3<>/dev/kvm) 2>/dev/null; then
		accel=kvm
	else
		accel=tcg
	fi
fi
boot() {	# boot ACCEL LOG
	# A guest that boots in seconds under KVM and does not is a KVM
	# that does not work here (nested virtualisation): give up early.
	case $1 in
	kvm) limit=$((timeout_s < 30 ? timeout_s : 30))
	     set -- "$2" -enable-kvm -cpu host ;;
	*)   limit=$timeout_s
	     set -- "$2" -accel tcg ;;
	esac
	blog=$1
	shift
	timeout -k 10 "$limit" qemu-system-x86_64 "$@" \
	    -m 512 -smp "$smp" -nographic -no-reboot -nic none \
	    -kernel "$vmlinuz" -initrd "$out/initramfs.cpio" \
	    -append "console=ttyS0 quiet panic=-1 oops=panic panic_on_warn=1 rdinit=/init" \
	    </dev/null >"$blog" 2>&1
}
log="$out/console.log"
say "booting $kver ($accel, $smp CPUs, timeout ${timeout_s}s)"
t0=$(date +%s%N)
rc=0
boot "$accel" "$log" || rc=$?
if [ "$accel" = kvm ] && ! grep -q 'ktrq-init:' "$log"; then
	# The guest never reached /init: KVM present but unusable (nested
	# virtualisation, permissions).  A failure after that is the test's.
	say "the guest did not start under kvm (qemu exit $rc); retrying with tcg"
	sed -n '1,5p' "$log" >&2
	accel=tcg
	t0=$(date +%s%N)
	rc=0
	boot tcg "$log" || rc=$?
fi
t1=$(date +%s%N)
elapsed=$(( (t1 - t0) / 1000000 ))
tr -d '\r' <"$log" >"$log.txt" && mv "$log.txt" "$log"
say "guest ran $(printf '%d.%03d' $((elapsed / 1000)) $((elapsed % 1000)))s (qemu exit $rc); console: $log"

# 4. The verdict.
# (/init prints the kernel log again when insmod fails: show lines once.)
grep 'ktrq-selftest: ' "$log" | sed 's/^.*\(ktrq-selftest: \)/\1/' |
	grep -v '^ktrq-selftest: core says' | awk '!seen[$0]++' || true
if grep -q 'ktrq-selftest: FAIL' "$log"; then
	fail "$(grep -m1 'ktrq-selftest: FAIL' "$log" | sed 's/.*ktrq-selftest: FAIL //')"
fi
if grep -E -q 'BUG:|WARNING:|Oops|Call Trace|Kernel panic|ktrq: panic' "$log"; then
	grep -E -m5 -A20 'BUG:|WARNING:|Oops|Kernel panic|ktrq: panic' "$log" >&2
	fail "the kernel reported a problem (see $log)"
fi
pass=$(grep -m1 -o 'ktrq-selftest: pass records=[0-9]* dropped=[0-9]*' "$log" || true)
[ -n "$pass" ] || { tail -n 30 "$log" >&2; fail "no result line (qemu exit $rc)"; }
records=$(echo "$pass" | sed 's/.*records=\([0-9]*\).*/\1/')
marked=$(grep -m1 -o 'ktrq-selftest: info posted=.* marked=[0-9]*' "$log" |
	sed 's/.*marked=\([0-9]*\).*/\1/')

# The image: offsets must follow each other, the total must match.
trace="$out/ktrace.out"
bytes=$(grep -m1 -o 'ktrq-trace-begin bytes=[0-9]*' "$log" | sed 's/.*=//')
[ -n "$bytes" ] || fail "no ktrq-trace-begin marker"
grep -q 'ktrq-trace-end' "$log" || fail "no ktrq-trace-end marker"
sed -n '/ktrq-trace-begin/,/ktrq-trace-end/p' "$log" |
	sed -n 's/.*ktrq-hex \([0-9a-f]*\) \([0-9a-f]*\)$/\1 \2/p' |
	awk -v want="$bytes" '
	{
		off = 0
		for (i = 1; i <= length($1); i++)
			off = off * 16 + index("0123456789abcdef",
			    substr($1, i, 1)) - 1
		if (off != have) {
			printf("kernel-test: hex line at offset %d, expected %d\n",
			    off, have) > "/dev/stderr"
			exit 1
		}
		have += length($2) / 2
		print $2
	}
	END {
		if (have != want) {
			printf("kernel-test: image has %d bytes, announced %d\n",
			    have, want) > "/dev/stderr"
			exit 1
		}
	}' >"$trace.hex" || fail "the hex image is damaged"
perl -ne 'chomp; print pack("H*", $_)' <"$trace.hex" >"$trace"
rm -f "$trace.hex"
size=$(wc -c <"$trace")
[ "$size" -eq "$bytes" ] || fail "trace is $size bytes, announced $bytes"

"$dump" -H -f "$trace" >"$out/ktrace.txt" 2>"$out/ktrace.err" ||
	{ cat "$out/ktrace.err" >&2; fail "ktrq-dump rejected the trace"; }
# -H columns, as kdump prints them: pid tid comm type.
n=$(grep -E -c '^ *[0-9]+ +[0-9]+ [^ ]+ +(CALL|RET|NAMI|GIO|PSIG|CSW|USER)' \
	"$out/ktrace.txt" || true)
[ "$n" -eq "$records" ] ||
	fail "ktrq-dump printed $n records, the module wrote $records"
d=$(grep -c 'Events dropped\.$' "$out/ktrace.txt" || true)
if [ -n "$marked" ] && [ "$d" -ne "$marked" ]; then
	fail "ktrq-dump printed $d drop marks, the module counted $marked"
fi
say "ktrq-dump read $n records ($d drop marks) from $trace ($bytes bytes)"
say "$pass"
say "boot-to-result ${elapsed} ms ($accel)"
echo "kernel-test: 1 passed, 0 failed"
