# SPDX-License-Identifier: BSD-2-Clause
# Thin wrapper over CMake: the two commands of the README's quick start.
#   make run    build, then run the main job (a seeded race simulation)
#   make test   build, then run the whole ctest suite (unit, cli, install,
#               memcheck, helgrind labels)
# Quiet unless something fails: the full logs are in $(BUILD)/*.log.
# V=1 shows everything as it happens.
BUILD	?= build
TYPE	?= Debug
JOBS	?= 2
PREFIX	?= /usr/local
V	?= 0

# quiet LOG CMD...: run CMD into LOG; on failure show LOG and fail.
ifeq ($(V),0)
quiet = sh tools/quiet.sh
else
quiet = sh tools/quiet.sh -v
endif

.PHONY: all deps configure build run test test-fast install bench clean

all: build

deps:
	@sh tools/install-deps.sh

configure: deps
	@mkdir -p $(BUILD)
	@$(quiet) $(BUILD)/configure.log "configure ($(TYPE)) in $(BUILD)/" \
	    cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(TYPE)

build: configure
	@$(quiet) $(BUILD)/build.log "build" \
	    cmake --build $(BUILD) -j $(JOBS)

# The main job: a seeded race simulation of the core, with its summary.
run: build
	@$(BUILD)/bin/ktrq-sim sweep --scenario mixed --seeds 1:2000 \
	    --strategy pct --jobs $(JOBS) --explain

test: build
	@$(quiet) $(BUILD)/test.log "test (ctest -j $(JOBS))" \
	    ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	@sed -n '/tests passed/,$$p' $(BUILD)/test.log

# The same without the valgrind labels, for the edit-compile loop.
test-fast: build
	@$(quiet) $(BUILD)/test.log "test-fast (no valgrind)" \
	    ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) \
	    -LE 'memcheck|helgrind'
	@sed -n '/tests passed/,$$p' $(BUILD)/test.log

# A Release build of the libraries and tools alone, installed to $(PREFIX)
# (headers, libktrq.so and .a, CMake package, pkg-config, tools, man).
INSTALL_BUILD ?= build-install
install: deps
	@mkdir -p $(INSTALL_BUILD)
	@$(quiet) $(INSTALL_BUILD)/configure.log "configure (Release) in $(INSTALL_BUILD)/" \
	    cmake -S . -B $(INSTALL_BUILD) -DCMAKE_BUILD_TYPE=Release \
	    -DKTRQ_BUILD_TESTS=OFF -DKTRQ_BUILD_FUZZ=OFF -DKTRQ_BUILD_BENCH=OFF \
	    -DKTRQ_BUILD_EXAMPLES=OFF -DKTRQ_BUILD_TOOLS=ON
	@$(quiet) $(INSTALL_BUILD)/build.log "build (Release)" \
	    cmake --build $(INSTALL_BUILD) -j $(JOBS)
	@$(quiet) $(INSTALL_BUILD)/install.log "install to $(PREFIX)" \
	    cmake --install $(INSTALL_BUILD) --prefix $(PREFIX)

# Benchmarks: a Release build of ktrq-bench alone in $(BENCH_BUILD), then
# the table; results in $(BENCH_BUILD)/bench/results.{json,csv}.  Pass
# options with BENCH_ARGS (e.g. BENCH_ARGS=--quick).  docs/performance.md
BENCH_BUILD ?= build-release
bench:
	@mkdir -p $(BENCH_BUILD)
	@$(quiet) $(BENCH_BUILD)/configure.log "configure (Release) in $(BENCH_BUILD)/" \
	    cmake -S . -B $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release \
	    -DKTRQ_VALGRIND=OFF -DKTRQ_BUILD_TESTS=OFF
	@$(quiet) $(BENCH_BUILD)/build.log "build ktrq-bench" \
	    cmake --build $(BENCH_BUILD) -j $(JOBS) --target ktrq-bench
	$(BENCH_BUILD)/bin/ktrq-bench --out $(BENCH_BUILD)/bench $(BENCH_ARGS)

# The kernel self-test: the core and the Linux backend as a module, loaded
# in a qemu guest of the installed Debian kernel; installs its packages
# when missing.  Not part of `make test`; .ci/run runs it.  docs/kernel.md
# Coverage of the core by the simulator: every scenario swept (random and
# pct) on a gcc --coverage build in build-coverage/; prints lines and
# branches of src/ per scenario, per file, and writes the lines missed to
# build-coverage/uncovered.txt.  COVERAGE_ARGS: tools/coverage.sh's options
# (e.g. -n 2000 for fewer seeds).  docs/sim.md, "Coverage"
COVERAGE_ARGS ?=
.PHONY: coverage
coverage: deps
	@sh tools/coverage.sh -j $(JOBS) $(COVERAGE_ARGS)

.PHONY: kernel-test
kernel-test: build
	@sh kernel/install-deps.sh
	@sh kernel/run-qemu.sh $(BUILD)

clean:
	rm -rf $(BUILD) build-*
