#!/usr/bin/env bash
# The command line as users run it: check-config, replay (idempotent),
# dump-events (round trip) and --version, on temporary stores.
# Usage: cli_test.sh BINARY SOURCE_DIR
set -euo pipefail
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

config() {  # config NAME -> a config whose store lives in $tmp/NAME
  sed "s#^  path: .*#  path: $tmp/$1/debriefd.db#" "$src/config/debriefd.example.yaml" > "$tmp/$1.yaml"
  echo "$tmp/$1.yaml"
}

"$bin" --version | grep -q '^debriefd [0-9]' || fail "--version"

"$bin" check-config "$src/config/debriefd.example.yaml" >/dev/null || fail "example config rejected"
if "$bin" check-config "$src/tests/fixtures/config/rejected/unknown-key.yaml" 2>"$tmp/err"; then
  fail "check-config accepted an unknown key"
fi
grep -q 'unknown-key.yaml:4: storage.pathh: unknown key' "$tmp/err" || fail "check-config error lacks file and line: $(cat "$tmp/err")"

a=$(config a)
out=$("$bin" replay --config "$a" "$src/tests/fixtures/history/small.jsonl")
[[ $out == *"9 events accepted, 1 duplicates, 0 lines rejected"* ]] || fail "first replay: $out"
out=$("$bin" replay --config "$a" "$src/tests/fixtures/history/small.jsonl")
[[ $out == *"0 events accepted, 10 duplicates, 0 lines rejected"* ]] || fail "replay is not idempotent: $out"

"$bin" dump-events --config "$a" --out "$tmp/dump-a.jsonl"
[[ $(wc -l < "$tmp/dump-a.jsonl") -eq 9 ]] || fail "dump has $(wc -l < "$tmp/dump-a.jsonl") lines, want 9"
b=$(config b)
"$bin" replay --config "$b" "$tmp/dump-a.jsonl" >/dev/null
"$bin" dump-events --config "$b" > "$tmp/dump-b.jsonl"
cmp -s "$tmp/dump-a.jsonl" "$tmp/dump-b.jsonl" || fail "dump -> replay -> dump is not a round trip"

printf '%s\n' '{"received_at":"2026-10-01T00:00:00Z","source":"events","body":{"type":"change"}}' > "$tmp/bad.jsonl"
set +e
"$bin" replay --config "$a" "$tmp/bad.jsonl" 2>"$tmp/err" >/dev/null
rc=$?
set -e
[[ $rc -eq 2 ]] || fail "a rejected line should exit 2, got $rc"
grep -q 'bad.jsonl:1: events: time: missing' "$tmp/err" || fail "replay error: $(cat "$tmp/err")"
echo "cli: all checks passed"
