#!/usr/bin/env bash
# Installs the Debian packages debriefd needs to build, test and run.
# Only missing packages are installed, so repeated runs are fast and offline.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  prometheus-cpp-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libsqlite3-dev libcli11-dev sqlite3
  prometheus prometheus-alertmanager
  chromium
)
# `make run` needs only the build set; `make test` needs everything.
if [[ "${1:-}" == "--build-only" ]]; then
  PACKAGES=("${PACKAGES[@]:0:15}")
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# Node.js and npm (for the dashboard schema check) come from Debian only when the
# machine has no node of its own: Debian's npm conflicts with other nodejs builds.
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
