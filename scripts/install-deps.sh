#!/usr/bin/env bash
# Installs the Debian packages debriefd needs. Only missing packages are
# installed, so a repeated run is quick and needs no network.
#   install-deps.sh               everything for `make test`
#   install-deps.sh --build-only  what `make run` needs to build and serve
set -euo pipefail

BUILD_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  prometheus-cpp-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
  libsqlite3-dev libcli11-dev sqlite3 libssl-dev libctemplate-dev zlib1g-dev
  # the state snapshot (domain/tracker_snapshot.cc).
  libboost-serialization1.81-dev
  # storage.driver: postgres (collector/store/postgres_store.cc). libpq-dev comes
  # with it; naming it would upgrade an installed PostgreSQL.
  libpqxx-dev
  # the allocator of the debriefd binary (cmd/CMakeLists.txt).
  libjemalloc-dev
)
TEST_PACKAGES=(
  libgtest-dev libgmock-dev libbenchmark-dev python3
  # make test-sanitize and make fuzz: clang with its sanitizer runtimes.
  clang libclang-rt-14-dev
  prometheus prometheus-alertmanager
  chromium
  # docs/deploy checks: the Kubernetes manifest (PyYAML), the unit (systemd-analyze).
  python3-yaml systemd
  # demo/run.sh --check (ctest demo.check).
  curl
  # make bench: the load generator and the HTTP ceiling beside debriefd.
  wrk nginx-light
  # the replica tests and the PostgreSQL bench: initdb and postgres on a temporary directory.
  postgresql-15
)

packages=("${BUILD_PACKAGES[@]}")
if [[ "${1:-}" != "--build-only" ]]; then
  packages+=("${TEST_PACKAGES[@]}")
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# Node.js and npm (for the dashboard schema check) come from Debian only when
# the machine has no node of its own: Debian's npm conflicts with other builds.
if [[ "${1:-}" != "--build-only" ]] && ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi
[[ ${#missing[@]} -eq 0 ]] && exit 0

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
