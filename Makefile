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

clean:
	rm -rf $(BUILD) build-*
