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
# A webhook source's keys are checked against the source; one without a secret is a warning.
printf 'sources:\n  github:\n    secret_fil: x\n' > "$tmp/source-typo.yaml"
if "$bin" check-config "$tmp/source-typo.yaml" 2>"$tmp/err"; then fail "check-config accepted sources.github.secret_fil"; fi
grep -q 'source-typo.yaml:3: sources.github.secret_fil: unknown key' "$tmp/err" || fail "source key error lacks file and line: $(cat "$tmp/err")"
# Every yaml example of docs/sources.md is a config check-config accepts.
python3 - "$src/docs/sources.md" "$tmp" <<'PY' || fail "could not extract the examples of docs/sources.md"
import pathlib, re, sys
blocks = re.findall(r"```yaml\n(.*?)```", pathlib.Path(sys.argv[1]).read_text(), re.S)
assert blocks, "no yaml example"
for i, b in enumerate(blocks):
    pathlib.Path(sys.argv[2], f"sources-doc-{i}.yaml").write_text(b)
    # The environment variables the example names, set for its check.
    names = re.findall(r"secret_env: (\S+)", b)
    pathlib.Path(sys.argv[2], f"sources-doc-{i}.env").write_text("".join(f"{n}=x\n" for n in names))
# The Kubernetes manifests (Flux) parse, and say what debriefd expects.
fences, lang, lines = [], None, []
for line in pathlib.Path(sys.argv[1]).read_text().splitlines():
    if line.startswith("```"):
        if lang is None:
            lang, lines = line[3:], []
        else:
            fences.append((lang, "\n".join(lines)))
            lang = None
    elif lang is not None:
        lines.append(line)
manifests = [m for language, block in fences if language == "" and "apiVersion:" in block
             for m in __import__("yaml").safe_load_all(block)]
kinds = {m["kind"]: m for m in manifests}
assert kinds["Provider"]["spec"]["type"] == "generic-hmac", kinds
assert {s["kind"] for s in kinds["Alert"]["spec"]["eventSources"]} == {"Kustomization", "HelmRelease"}, kinds
assert kinds["Secret"]["stringData"]["address"].endswith("/webhooks/flux"), kinds
PY
for f in "$tmp"/sources-doc-*.yaml; do
  env $(cat "${f%.yaml}.env") "$bin" check-config "$f" >/dev/null 2>"$tmp/err" || fail "docs/sources.md example rejected: $(cat "$tmp/err")"
done
printf 'sources:\n  github:\n' > "$tmp/unsigned.yaml"
"$bin" check-config "$tmp/unsigned.yaml" >/dev/null 2>"$tmp/err" || fail "an unsigned source is a warning, not an error: $(cat "$tmp/err")"
grep -q 'sources.github has no secret_file or secret_env' "$tmp/err" || fail "no warning for an unsigned source: $(cat "$tmp/err")"

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
# One owner per store: while `serve` runs, a second serve and a replay into its
# store are refused, naming the holder's pid; `report` still reads it.
"$bin" serve --config "$a" --listen 127.0.0.1:0 --port-file "$tmp/port" >"$tmp/serve.log" 2>&1 &
serve_pid=$!
trap 'kill "$serve_pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 1 100); do [[ -s "$tmp/port" ]] && break; sleep 0.1; done
[[ -s "$tmp/port" ]] || { kill "$serve_pid"; fail "serve did not start: $(cat "$tmp/serve.log")"; }
set +e
"$bin" serve --config "$a" --listen 127.0.0.1:0 2>"$tmp/err" >/dev/null
rc_serve=$?
"$bin" replay --config "$a" "$src/tests/fixtures/history/small.jsonl" 2>"$tmp/err2" >/dev/null
rc_replay=$?
"$bin" report --config "$a" --quarter 2026-Q4 --format csv >/dev/null 2>"$tmp/err3"
rc_report=$?
set -e
# SIGHUP reloads: a config that does not load is kept out (and said so), a good
# one applies at once (here: a new ingest token), both with a real process.
port=$(cat "$tmp/port")
cp "$a" "$tmp/a.good"
printf 'retention: forever\n' >> "$a"
kill -HUP "$serve_pid"
for _ in $(seq 1 50); do grep -q 'the running config is kept' "$tmp/serve.log" && break; sleep 0.1; done
kill -0 "$serve_pid" 2>/dev/null || fail "SIGHUP killed serve: $(cat "$tmp/serve.log")"
grep -q "does not load; the running config is kept" "$tmp/serve.log" || fail "bad reload log: $(cat "$tmp/serve.log")"
grep -q 'level=error msg="reload: .*retention: unknown key' "$tmp/serve.log" || fail "bad reload reason: $(cat "$tmp/serve.log")"
metrics=$(curl -s "http://127.0.0.1:$port/metrics")
grep -q '^debriefd_config_last_reload_successful 0' <<<"$metrics" || fail "reload failure not in /metrics"
sed 's#^  ingest_token: .*#  ingest_token: "s3cret"#' "$tmp/a.good" > "$a"
grep -q 's3cret' "$a" || fail "test setup: no ingest_token line in the example config"
kill -HUP "$serve_pid"
for _ in $(seq 1 50); do grep -q 'applied' "$tmp/serve.log" && break; sleep 0.1; done
grep -q "reload: $a applied" "$tmp/serve.log" || fail "good reload log: $(cat "$tmp/serve.log")"
metrics=$(curl -s "http://127.0.0.1:$port/metrics")
grep -q '^debriefd_config_last_reload_successful 1' <<<"$metrics" || fail "reload success not in /metrics"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{}' "http://127.0.0.1:$port/api/v1/events")
[[ $code == 401 ]] || fail "the reloaded ingest token is not in force: $code"
# POST /-/reload does the same, behind the ingest token.
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Authorization: Bearer s3cret' "http://127.0.0.1:$port/-/reload")
[[ $code == 200 ]] || fail "POST /-/reload: $code"
# SIGTERM drains and exits 0.
kill -TERM "$serve_pid"
rc_term=0; wait "$serve_pid" || rc_term=$?
[[ $rc_term -eq 0 ]] || fail "SIGTERM exit code $rc_term: $(cat "$tmp/serve.log")"
grep -q 'msg=stopped' "$tmp/serve.log" || fail "no clean stop: $(cat "$tmp/serve.log")"
cp "$tmp/a.good" "$a"
[[ $rc_serve -eq 1 ]] || fail "a second serve on one store should exit 1, got $rc_serve"
grep -q "is in use by another debriefd (pid $serve_pid)" "$tmp/err" || fail "second serve: $(cat "$tmp/err")"
[[ $rc_replay -eq 1 ]] && grep -q "(pid $serve_pid)" "$tmp/err2" || fail "replay into a served store: $rc_replay $(cat "$tmp/err2")"
[[ $rc_report -eq 0 ]] || fail "report while serving: $(cat "$tmp/err3")"
# Once it stopped, the store is free again.
"$bin" replay --config "$a" "$src/tests/fixtures/history/small.jsonl" >/dev/null || fail "the lock outlived serve"

echo "cli: all checks passed"
