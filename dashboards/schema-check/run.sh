#!/usr/bin/env bash
# Type-checks debriefd's Grafana dashboards against Grafana's published TypeScript
# schema (npm @grafana/schema, pinned in package-lock.json) with `tsc --noEmit --strict`.
# Installs the pinned packages first when node_modules is missing or older than the
# lock file; after that it needs no network.
#
#   run.sh [DASHBOARD.json...]                   every file must match (default: dashboards/*.json)
#   run.sh --expect-failure BROKEN.json...       every file must be rejected (tests the check itself)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

expect_failure=0
if [[ "${1:-}" == "--expect-failure" ]]; then
  expect_failure=1
  shift
fi
if [[ $# -eq 0 ]]; then
  set -- "$here"/../*.json
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "schema-check: npm not found; run scripts/install-deps.sh" >&2
  exit 1
fi
stamp=node_modules/.package-lock.json
if [[ ! -f "$stamp" || package-lock.json -nt "$stamp" || package.json -nt "$stamp" ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

# One directory per run, so that concurrent runs (ctest -j) do not share files.
work="$(mktemp -d "$here/generated.XXXXXX")"
trap 'rm -rf "$work"' EXIT
node generate-checks.mjs "$work" "$@"
cat >"$work/tsconfig.json" <<JSON
{ "extends": "../tsconfig.json", "include": ["../json-of.ts", "../panels.ts", "*.ts"] }
JSON

status=0
out="$(./node_modules/.bin/tsc --noEmit --strict -p "$work/tsconfig.json" 2>&1)" || status=$?
version="$(node -p "require('./node_modules/@grafana/schema/package.json').version")"

if [[ $expect_failure -eq 0 ]]; then
  if [[ $status -ne 0 ]]; then
    printf '%s\n' "$out" | sed "s#${work}/#dashboards/schema-check/generated/#g"
    echo "schema-check: dashboards do not match @grafana/schema $version" >&2
    exit 1
  fi
  echo "schema-check: $# dashboard(s) match @grafana/schema $version"
  exit 0
fi

missed=0
prefix="$(basename "$work")/"
for file in "$@"; do
  name="$(basename "$file" .json)"
  first="$(grep -m1 -F "${prefix}${name}.ts(" <<<"$out" || true)"
  if [[ -n "$first" ]]; then
    echo "rejected as expected: ${name}: ${first#*: }"
  else
    echo "NOT rejected: $file" >&2
    missed=1
  fi
done
# An error outside the generated modules means the check itself is broken.
if grep -E '^(json-of|panels)\.ts\(' <<<"$out" >&2; then missed=1; fi
exit $missed
