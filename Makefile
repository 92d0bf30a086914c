# SPDX-License-Identifier: BSD-2-Clause
# Thin wrapper over CMake: the two commands of the README's quick start.
#   make run    build, then run the main job (a seeded race simulation)
#   make test   build, then run the whole ctest suite (unit, cli, memcheck,
#               helgrind labels)
BUILD	?= build
TYPE	?= Debug
JOBS	?= 2

.PHONY: all deps configure build run test test-fast bench clean

all: build

deps:
	@sh tools/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(TYPE) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# The main job: a seeded race simulation of the core, with its summary.
run: build
	$(BUILD)/bin/ktrq-sim sweep --scenario mixed --seeds 1:2000 \
	    --strategy pct --jobs $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The same without the valgrind labels, for the edit-compile loop.
test-fast: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE 'memcheck|helgrind'

# Benchmarks: a Release build of ktrq-bench alone in $(BENCH_BUILD), then
# the table; results in $(BENCH_BUILD)/bench/results.{json,csv}.  Pass
# options with BENCH_ARGS (e.g. BENCH_ARGS=--quick).  docs/performance.md
BENCH_BUILD ?= build-release
bench:
	@cmake -S . -B $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release \
	    -DKTRQ_VALGRIND=OFF -DBUILD_TESTING=OFF >/dev/null
	@cmake --build $(BENCH_BUILD) -j $(JOBS) --target ktrq-bench
	$(BENCH_BUILD)/bin/ktrq-bench --out $(BENCH_BUILD)/bench $(BENCH_ARGS)

# The kernel self-test: the core and the Linux backend as a module, loaded
# in a qemu guest of the installed Debian kernel; installs its packages
# when missing.  Not part of `make test`; .ci/run runs it.  docs/kernel.md
.PHONY: kernel-test
kernel-test: build
	@sh kernel/install-deps.sh
	@sh kernel/run-qemu.sh $(BUILD)

clean:
	rm -rf $(BUILD) build-*
