# A thin layer over CMake. The two commands a user needs are `make demo` and `make test`; both
# install missing Debian packages first (tools/setup/install-deps.sh, a no-op when all are there).

BUILD      ?= build
BUILD_TYPE ?= RelWithDebInfo
CMAKE_ARGS ?=

.PHONY: all deps configure build test demo bench clean

all: build

deps:
	@tools/setup/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_ARGS) >/dev/null

build: configure
	@cmake --build $(BUILD)

# Unit, integration, interop and differential tests (tools/setup/run-tests.sh), then the lower
# layers' tests built by clang-15 (build-clang/) and the thread hand-offs under TSan (build-tsan/).
test: build
	@tools/setup/run-tests.sh $(BUILD)

# Builds only what the demo runs (the shiftsync command and localaws), not the test suite.
demo: configure
	@cmake --build $(BUILD) --target shiftsync localaws
	@tools/demo/demo.sh $(BUILD)

bench: build
	@bench/run-all.sh $(BUILD)

clean:
	rm -rf $(BUILD) build-asan build-fuzz build-clang build-tsan

# The parsers' libFuzzer fuzzers (tests/fuzz/, clang-15, build-fuzz/): each for FUZZ_SECONDS from
# its corpus, report into tests/fuzz/README.md. fuzz-selftest: three planted bugs, each found.
FUZZ_SECONDS ?= 60
.PHONY: fuzz fuzz-selftest
fuzz: deps
	@tests/fuzz/run-fuzzers.sh fuzz $(FUZZ_SECONDS)

fuzz-selftest: deps
	@tests/fuzz/selftest/run-selftest.sh
