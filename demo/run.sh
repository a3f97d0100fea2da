#!/usr/bin/env bash
# `make demo`: debriefd with a sample history, Prometheus and Alertmanager, all on
# 127.0.0.1 on free ports, in a temporary directory (demo/README.md).
#
#   demo/run.sh [--debriefd PATH] [--keep]   start, print the URLs, run until Ctrl-C
#   demo/run.sh --check [--debriefd PATH]    start, check the loop end to end, stop (ctest demo.check)
#
# --debriefd (or $DEBRIEFD_BIN): the binary, default build/debriefd. $PROMETHEUS and
# $ALERTMANAGER override the binaries found on PATH. --keep (or $DEMO_KEEP=1) keeps
# the temporary directory (config, store, logs) when stopping. Every wait is
# bounded ($DEMO_TIMEOUT seconds, default 30). --check exits 77 (skipped) when
# prometheus, alertmanager or curl is not installed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
mode=serve
debriefd=${DEBRIEFD_BIN:-$repo/build/debriefd}
keep=${DEMO_KEEP:-}
timeout=${DEMO_TIMEOUT:-30}

usage() { sed -n '2,12s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
die() { echo "demo: $*" >&2; exit 1; }

while (($#)); do
  case $1 in
    --check) mode=check ;;
    --debriefd) [[ $# -ge 2 ]] || die "--debriefd needs a path"; debriefd=$2; shift ;;
    --debriefd=*) debriefd=${1#*=} ;;
    --keep) keep=1 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done

# --- what the demo needs ------------------------------------------------------------
skip_or_die() {
  if [[ $mode == check ]]; then echo "demo: $* (skipped)" >&2; exit 77; fi
  die "$*; bash scripts/install-deps.sh installs it (make demo does)"
}
command -v python3 >/dev/null || die "python3 not found"
[[ -x $debriefd ]] || die "$debriefd: no debriefd binary (make demo builds it; or pass --debriefd PATH)"
debriefd=$(cd "$(dirname "$debriefd")" && pwd)/$(basename "$debriefd")
prometheus=$(command -v "${PROMETHEUS:-prometheus}" || true)
alertmanager=$(command -v "${ALERTMANAGER:-prometheus-alertmanager}" || command -v "${ALERTMANAGER:-alertmanager}" || true)
[[ -n $prometheus ]] || skip_or_die "prometheus not found"
[[ -n $alertmanager ]] || skip_or_die "alertmanager (Debian: prometheus-alertmanager) not found"
if [[ $mode == check ]]; then command -v curl >/dev/null || skip_or_die "curl not found"; fi

checks() { python3 "$here/checks.py" "$@"; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# --- the temporary directory, and stopping everything -------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/debriefd-demo.XXXXXX")
names=()
pids=()

stop_all() {
  local i pid n
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for ((n = 0; n < 100; n++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}

show_logs() {
  local f
  for f in "$tmp"/*.log; do
    [[ -s $f ]] || continue
    echo "--- last lines of $f:" >&2
    tail -n 15 "$f" >&2
  done
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  # Output closed (demo/run.sh | head): stop and clean up all the same.
  trap '' PIPE
  set +e
  if ((${#pids[@]})); then
    echo "demo: stopping ${names[*]}" >&2
    stop_all
  fi
  if ((rc != 0 && rc != 77 && rc != 129 && rc != 130 && rc != 143)); then show_logs; fi
  if [[ -n $keep ]]; then
    echo "demo: kept $tmp" >&2
  else
    rm -rf "$tmp"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# start NAME READY_URL COMMAND...: starts it in the background (its output in
# $tmp/NAME.log) and waits until READY_URL answers 200. Returns 1 if it exited
# first (a port taken since it was picked), fails the demo if it hangs.
start() {
  local name=$1 ready=$2
  shift 2
  "$@" >"$tmp/$name.log" 2>&1 </dev/null &
  local pid=$!
  # Known at once, so that Ctrl-C while it starts stops it too.
  names+=("$name")
  pids+=("$pid")
  if checks wait "$ready" --pid "$pid" --timeout "$timeout" 2>"$tmp/wait.err"; then
    return 0
  fi
  if kill -0 "$pid" 2>/dev/null; then
    die "$name did not answer $ready within ${timeout}s: $(cat "$tmp/wait.err")"
  fi
  unset 'names[-1]' 'pids[-1]'
  wait "$pid" 2>/dev/null || true
  echo "demo: $name exited at start: $(tail -n 3 "$tmp/$name.log")" >&2
  return 1
}

# --- the sample history and debriefd's config ---------------------------------------
prom_port=$(free_port)
export DEBRIEFD_DEMO_GITHUB_SECRET=demo-$RANDOM$RANDOM

write_debriefd_config() {
  cat >"$tmp/debriefd.yaml" <<EOF
# Written by demo/run.sh; every key: config/debriefd.example.yaml.
listen: 127.0.0.1:$1
storage:
  path: $tmp/debriefd.db
log:
  level: info
goals:
  detect: 5m
  fix: 1h
alerts:
  group_by: [service]
  # Short, so that demo.rules.yml's alert (every 4 minutes, quiet for 150 s in
  # between) opens a new incident each time, counted 90 s after it resolves.
  # Alertmanager flushes every 10 s here (group_interval).
  reopen_within: 1m
  late_delivery: 30s
  late_copy_within: 5s
  # The sample history's search latency rule waits 10 minutes before firing.
  pending:
    SearchLatencyHigh: 10m
  # The other rules' for: from Prometheus (DemoCheckoutErrors: 30s).
  pending_from: {url: "http://127.0.0.1:$prom_port", refresh: 15s}
changes:
  cause_window: 2h
debrief:
  required_for: [critical, warning]
  due_within: 72h
  checkpoint_after: 14d
action_items:
  due_within: 30d
repeats:
  # Shorter than the default 90d: with one key per service, most of a quarter's
  # incidents of a service would otherwise repeat each other.
  window: 30d
sources:
  # The sample history has a GitHub deployment and a GitHub issue.
  github:
    secret_env: DEBRIEFD_DEMO_GITHUB_SECRET
    services:
      - {match: "acme/checkout-*", service: checkout}
    environments: [production]
EOF
}

history_start=$(date -u +%Y-%m-%dT%H:%M:%SZ)
python3 "$here/make_history.py" --now "$history_start" --out "$tmp/history.jsonl" --summary "$tmp/summary.json"
write_debriefd_config 9466
"$debriefd" check-config "$tmp/debriefd.yaml" >"$tmp/check-config.log" 2>&1 ||
  die "the demo's debriefd config does not load: $(cat "$tmp/check-config.log")"
"$debriefd" replay --config "$tmp/debriefd.yaml" "$tmp/history.jsonl" >"$tmp/replay.log" 2>&1 ||
  die "debriefd replay failed: $(cat "$tmp/replay.log")"
read -r featured sample_count < <(python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); print(s["featured"], s["incidents"])' "$tmp/summary.json")
replayed=$(sed -n 's/^replayed .*: \([0-9]*\) events accepted.*/\1/p' "$tmp/replay.log")

# --- debriefd, Alertmanager, Prometheus -------------------------------------------------
for attempt in 1 2 3; do
  debriefd_port=$(free_port)
  write_debriefd_config "$debriefd_port"
  start debriefd "http://127.0.0.1:$debriefd_port/readyz" \
    "$debriefd" serve --config "$tmp/debriefd.yaml" && break
  ((attempt < 3)) || die "debriefd did not start"
done
debriefd_url=http://127.0.0.1:$debriefd_port

mkdir -p "$tmp/alertmanager-data" "$tmp/prometheus-data"
for attempt in 1 2 3; do
  am_port=$(free_port)
  sed -e "s|127\.0\.0\.1:9466|127.0.0.1:$debriefd_port|g" "$here/alertmanager.yml" >"$tmp/alertmanager.yml"
  start alertmanager "http://127.0.0.1:$am_port/-/ready" \
    "$alertmanager" --config.file="$tmp/alertmanager.yml" --storage.path="$tmp/alertmanager-data" \
    --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address= && break
  ((attempt < 3)) || die "alertmanager did not start"
done
am_url=http://127.0.0.1:$am_port

for attempt in 1 2 3; do
  # debriefd reads the rules' for: from the port picked first (alerts.pending_from).
  ((attempt == 1)) || prom_port=$(free_port)
  sed -e "s|127\.0\.0\.1:9466|127.0.0.1:$debriefd_port|g" \
      -e "s|127\.0\.0\.1:9093|127.0.0.1:$am_port|g" \
      -e "s|- \.\./config/prometheus/debriefd\.rules\.yml|- $repo/config/prometheus/debriefd.rules.yml|" \
      -e "s|- demo\.rules\.yml|- $here/demo.rules.yml|" \
      "$here/prometheus.yml" >"$tmp/prometheus.yml"
  start prometheus "http://127.0.0.1:$prom_port/-/ready" \
    "$prometheus" --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/prometheus-data" \
    --web.listen-address="127.0.0.1:$prom_port" && break
  ((attempt < 3)) || die "prometheus did not start"
done
prom_url=http://127.0.0.1:$prom_port

# --- what to look at, and what to try ---------------------------------------------------
# The examples, as printed and as --check runs them: a deploy of payments, then an
# alert on payments sent to Alertmanager, which passes it on to debriefd.
example_version=v3.19.0
examples=$(cat <<EOF
NOW=\$(date -u +%Y-%m-%dT%H:%M:%SZ)
curl -s -X POST $debriefd_url/api/v1/events -H 'Content-Type: application/json' \\
  -d '{"type":"change","time":"'"\$NOW"'","service":"payments","kind":"deploy","version":"$example_version","description":"Payments API: new retry policy"}'
curl -s -X POST $am_url/api/v2/alerts -H 'Content-Type: application/json' \\
  -d '[{"labels":{"alertname":"PaymentsErrorRate","service":"payments","severity":"critical"},"annotations":{"summary":"Payments: 5xx above 2% of requests"}}]'
sleep 10; curl -s '$debriefd_url/api/v1/incidents?state=open&service=payments'
EOF
)

# The pages are newer than the API: say so when this build does not serve one.
page() {
  local label=$1 url=$2 what=$3 status
  status=$(checks status "$url")
  [[ $status == 200 ]] || what="$what (HTTP $status from this build)"
  printf '  %-13s %-52s %s\n' "$label" "$url" "$what"
}

cat <<EOF

debriefd demo: debriefd, Prometheus and Alertmanager on 127.0.0.1
sample history: $sample_count incidents over this quarter and the last ($replayed events replayed)

EOF
page "debriefd" "$debriefd_url/" "where the team stands"
page "an incident" "$debriefd_url/incidents/$featured" "confirmed cause, impact, action items, checkpoint"
page "incidents" "$debriefd_url/incidents" "all of them"
page "feed" "$debriefd_url/feed.atom" "Atom feed"
page "metrics" "$debriefd_url/metrics" "what Prometheus scrapes"
page "API" "$debriefd_url/api/v1/incidents" "the incidents as JSON"
# Debian's Prometheus has only the classic UI.
prom_alerts=$prom_url/alerts
[[ $(checks status "$prom_alerts") == 200 ]] || prom_alerts=$prom_url/classic/alerts
page "Prometheus" "$prom_alerts" "DemoCheckoutErrors fires every 4 minutes, by itself"
page "Alertmanager" "$am_url/" "routes it to debriefd's webhook"
cat <<EOF

A deploy, then an alert on the same service: the new incident names the deploy
as its suspected cause.

  ${examples//$'\n'/$'\n'  }

EOF

if [[ $mode == serve ]]; then
  echo "Logs and store: $tmp (removed on exit). Ctrl-C stops all three."
  while true; do
    for i in "${!pids[@]}"; do
      if ! kill -0 "${pids[i]}" 2>/dev/null; then
        die "${names[i]} stopped; its log: $(tail -n 10 "$tmp/${names[i]}.log")"
      fi
    done
    sleep 1
  done
fi

# --- --check ---------------------------------------------------------------------------
checks wait "$debriefd_url/healthz" --timeout "$timeout"
checks history "$debriefd_url" "$tmp/summary.json"
checks prometheus "$prom_url" --timeout "$timeout"
since=$(date -u +%Y-%m-%dT%H:%M:%SZ)
echo "demo: running the examples"
timeout "$timeout" bash -euo pipefail -c "$examples" >"$tmp/examples.out" 2>&1 ||
  die "the examples failed: $(cat "$tmp/examples.out")"
checks new-incident "$debriefd_url" payments "$example_version" "$since" --timeout "$timeout"
echo "demo: check passed"
