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

.PHONY: all deps deps-build configure build run demo test test-sanitize bench fuzz clean

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

# A first look at the whole loop: debriefd with a sample history of this quarter
# and the last, Prometheus and Alertmanager, on free ports of 127.0.0.1
# (demo/README.md). Needs the test packages (Prometheus, Alertmanager). Ctrl-C stops it.
demo: deps
	@$(MAKE) --no-print-directory configure TESTS=OFF
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target debriefd
	@bash demo/run.sh --debriefd ./$(BUILD_DIR)/debriefd

test: deps
	@$(MAKE) --no-print-directory build TESTS=ON
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory test-sanitize

# The unit and server tests (GoogleTest, fuzz smoke test included) once more,
# built by clang with AddressSanitizer and UndefinedBehaviorSanitizer: any
# finding fails the run.
SAN_DIR ?= build-sanitize
# Build type "Sanitize" adds no flags of its own: -O1 without debug info (the
# build is the slow part on a small machine; the reports still name functions).
SAN_FLAGS = -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
test-sanitize:
	@cmake -S . -B $(SAN_DIR) -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Sanitize -DDEBRIEFD_BUILD_TESTS=ON \
	  -DCMAKE_CXX_FLAGS="$(SAN_FLAGS)" -DCMAKE_EXE_LINKER_FLAGS="$(SAN_FLAGS)" \
	  $(shell command -v ccache >/dev/null 2>&1 && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache) >/dev/null
	@cmake --build $(SAN_DIR) -j $(JOBS) --target debriefd_tests
	@cd $(SAN_DIR) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  ./tests/debriefd_tests --gtest_brief=1

# Benchmarks (bench/run.py): debriefd beside nginx and Alertmanager under wrk,
# generated histories of 10k and 100k incidents and a storm (cached in
# $(BUILD_DIR)/bench-data), the in-process benches; prints every figure and
# rewrites docs/benchmarks.md, which says how long its run took (BENCH_ROUNDS,
# BENCH_SECONDS; BENCH_QUICK=1 for a check of the harness in a minute).
BENCH_DOCS ?= docs/benchmarks.md
bench: deps
	@$(MAKE) --no-print-directory configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target debriefd debriefd_ingest_bench debriefd_reads_bench debriefd_report_bench
	python3 bench/run.py --debriefd ./$(BUILD_DIR)/debriefd --bench-dir ./$(BUILD_DIR)/bench \
	  --data-dir ./$(BUILD_DIR)/bench-data $(if $(filter 1,$(BENCH_QUICK)),,--docs $(BENCH_DOCS))

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
	rm -rf $(BUILD_DIR) $(SAN_DIR) build-fuzz
