#!/usr/bin/env bash
# The debrief pages in a real browser (browser_test.mjs): Debian's Chromium driven
# by playwright-core, checked with axe-core, both pinned in package-lock.json.
# Installs the pinned packages first when node_modules is missing or older than the
# lock file; after that it needs no network. playwright-core downloads no browser.
#
#   run.sh DEBRIEFD_BINARY SOURCE_DIR
#
# Exits 77 (skipped) when npm, node or chromium is missing (scripts/install-deps.sh
# installs them). DEBRIEFD_SCREENSHOTS=DIR copies the screenshots there.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool not found (scripts/install-deps.sh installs it)"
    exit 77
  fi
done
if [[ -z "${CHROMIUM:-}" ]] && ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  echo "SKIP: chromium not installed (scripts/install-deps.sh installs it)"
  exit 77
fi

stamp=node_modules/.package-lock.json
if [[ ! -f "$here/$stamp" || "$here/package-lock.json" -nt "$here/$stamp" || "$here/package.json" -nt "$here/$stamp" ]]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

exec node "$here/browser_test.mjs" "$@"
