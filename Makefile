# The two commands: `make run` and `make test`. Both install any missing Debian
# packages first, so a fresh Debian 12 machine needs nothing else.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
CONFIG ?= config/debriefd.example.yaml
JOBS ?= $(shell nproc)
# Tests are built by `make test` (and `make bench`), not by `make run`, which
# installs only the packages needed to build and serve.
TESTS ?= ON
CMAKE_FLAGS = -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DDEBRIEFD_BUILD_TESTS=$(TESTS) \
  $(shell command -v ccache >/dev/null 2>&1 && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

.PHONY: all deps deps-build configure build run test bench fuzz clean

all: build

deps:
	@bash scripts/install-deps.sh

deps-build:
	@bash scripts/install-deps.sh --build-only

configure:
	@cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: deps-build
	@$(MAKE) --no-print-directory configure TESTS=OFF
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target debriefd
	@mkdir -p data
	./$(BUILD_DIR)/debriefd serve --config $(CONFIG)

test: deps
	@$(MAKE) --no-print-directory build TESTS=ON
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# Benchmarks print their figures; docs/benchmarks.md records them.
bench: deps
	@$(MAKE) --no-print-directory configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target debriefd_ingest_bench debriefd_report_bench
	./$(BUILD_DIR)/bench/debriefd_ingest_bench
	./$(BUILD_DIR)/bench/debriefd_report_bench

# Coverage-guided fuzzing of every parser of untrusted bytes (clang + libFuzzer).
FUZZ_SECONDS ?= 60
fuzz: deps-build
	@cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DDEBRIEFD_FUZZ=ON -DDEBRIEFD_BUILD_TESTS=OFF \
	  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" >/dev/null
	@cmake --build build-fuzz --target parsers_fuzz
	@mkdir -p build-fuzz/corpus
	./build-fuzz/parsers_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	  -artifact_prefix=build-fuzz/ build-fuzz/corpus tests/fuzz/corpus

clean:
	rm -rf $(BUILD_DIR) build-fuzz
