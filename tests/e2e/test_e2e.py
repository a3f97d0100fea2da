#!/usr/bin/env python3
"""End-to-end test: debriefd with a real Prometheus and a real Alertmanager.

    test_e2e.py DEBRIEFD_BINARY REPO_ROOT

1. Replays tests/fixtures/history/example.jsonl into a fresh store and starts
   `debriefd serve` on a free port of 127.0.0.1.
2. Starts Prometheus (1 s scrape and evaluation) scraping debriefd and a small toggle
   exporter served by this test, with the shipped rules (config/prometheus) and a
   test rule that fires while the toggle is 1.
3. Starts Alertmanager (1 s group wait and interval) whose webhook receiver is debriefd.
4. Evaluates every query of every dashboard panel through Prometheus' HTTP API and
   checks the numbers the example history implies.
5. Flips the toggle: the alert travels Prometheus -> Alertmanager -> debriefd, which
   must open an incident for service checkout, severity critical, then resolve it.
6. Checks that Prometheus loaded the shipped rules and that they match debriefd's
   series, and that their alerts are routed away from debriefd.

Python standard library only. Every wait is a bounded poll. Exit code 77 (skipped)
only when prometheus or alertmanager is not installed.
"""

import http.server
import json
import math
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

sys.dont_write_bytecode = True

SKIP = 77
DEADLINE = 90  # seconds, for every wait on another process

# The numbers the example history implies (tests/fixtures/history/README.md), read
# through the dashboards' own queries: (dashboard, panel title, refId) -> value.
EXPECTED_VALUES = {
    ("reliability-trends.json", "Detected within goal (all time)", "A"): 4 / 7,
    ("reliability-trends.json", "Fixed within goal (all time)", "A"): 6 / 7,
    ("reliability-trends.json", "Incidents with a suspected cause (all time)", "A"): 3 / 7,
    ("reliability-trends.json", "Open incidents", "A"): 0,
    # No debrief of the history confirms a cause: 0 failed changes of 5.
    ("reliability-trends.json", "Change failure rate (all time)", "A"): 0 / 5,
    ("debrief-follow-through.json", "Debriefs overdue", "A"): 2,
    ("debrief-follow-through.json", "Debriefs held on time (all time)", "A"): 1 / 2,
    ("debrief-follow-through.json", "Checkpoints overdue", "A"): 1,
    ("debrief-follow-through.json", "Action items open", "A"): 2,
    ("debrief-follow-through.json", "Action items overdue", "A"): 2,
    ("debrief-follow-through.json", "Incidents resolved with nobody acting (all time)", "A"): 4 / 7,
}
# Queries whose result is one series per label set: label values -> value.
EXPECTED_SERIES = {
    ("reliability-trends.json", "Incidents by service and severity (all time)", "A"): (
        ("service", "severity"),
        {("checkout", "critical"): 2, ("payments", "critical"): 1, ("search", "warning"): 1,
         ("auth", "info"): 2, ("unknown", "unknown"): 1},
    ),
    ("reliability-trends.json", "Missed goals by service and goal (all time)", "A"): (
        ("service", "goal"),
        {("payments", "detect"): 1, ("payments", "fix"): 1, ("search", "detect"): 1,
         ("auth", "detect"): 1, ("checkout", "detect"): 0, ("checkout", "fix"): 0,
         ("search", "fix"): 0, ("auth", "fix"): 0, ("unknown", "detect"): 0, ("unknown", "fix"): 0},
    ),
    ("debrief-follow-through.json", "Checkpoints overdue by service and severity", "A"): (
        ("service", "severity"),
        {("payments", "critical"): 1},
    ),
    ("debrief-follow-through.json", "Action items by service", "B"): (
        ("service",),
        {("payments",): 1, ("search",): 1, ("checkout",): 0, ("auth",): 0, ("unknown",): 0},
    ),
}
# Panels allowed to come back empty here, with the reason. Everything else must
# return at least one series.
MAY_BE_EMPTY = {
    ("reliability-trends.json", "Within goal: last 13 weeks vs. the 13 weeks before", "B"):
        "offset 13w needs 26 weeks of samples; this Prometheus holds seconds",
    ("reliability-trends.json", "Within goal: last 13 weeks vs. the 13 weeks before", "D"):
        "offset 13w needs 26 weeks of samples; this Prometheus holds seconds",
}
HISTORY_SERVICES = {"checkout", "payments", "search", "auth", "unknown"}
HISTORY_SEVERITIES = {"critical", "warning", "info", "unknown"}
SHIPPED_ALERTS = {"IncidentDebriefOverdue", "IncidentCheckpointOverdue",
                  "DebriefActionItemsOverdue", "DebriefdEventsRejected",
                  "DebriefdStoreUnreadableEvents", "DebriefdAlertsTruncated",
                  "AlertmanagerWebhookNotificationsFailing", "DebriefdUnauthorizedRequests",
                  "DebriefdConfigReloadFailed", "DebriefdSnapshotsFailing"}

ARGS = {}


# ---------------------------------------------------------------------------
# Helpers

_handed_out = set()


def free_port():
    """A free port of 127.0.0.1, never one this process handed out before: a
    port picked for a process not yet listening is free to the kernel, which
    may give it again."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port


def http_get(url, timeout=5):
    """Returns (status, body text); connection errors raise OSError."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def get_json(url):
    status, body = http_get(url)
    if status != 200:
        raise AssertionError(f"GET {url}: HTTP {status}: {body[:500]}")
    return json.loads(body)


def wait_for(what, check, deadline=DEADLINE, interval=0.25):
    """Polls check() until it returns a truthy value; fails after `deadline` seconds."""
    end = time.monotonic() + deadline
    last_error = None
    while time.monotonic() < end:
        try:
            value = check()
            if value:
                return value
        except (OSError, ValueError, KeyError, AssertionError) as e:
            last_error = e
        time.sleep(interval)
    raise AssertionError(f"timed out after {deadline}s waiting for {what}"
                         + (f" (last error: {last_error})" if last_error else ""))


def parse_metrics(text):
    """Prometheus text format -> {(name, frozenset(labels)): value}."""
    samples = {}
    pattern = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)')
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = pattern.match(line)
        if not m:
            continue
        labels = frozenset(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        samples[(m.group(1), labels)] = float(m.group(3))
    return samples


class ToggleExporter:
    """Serves /metrics with one gauge the test flips: e2e_toggle{service="checkout"}."""

    def __init__(self):
        self.value = 0
        exporter = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                body = ("# HELP e2e_toggle 1 while the end-to-end test wants its alert firing.\n"
                        "# TYPE e2e_toggle gauge\n"
                        f'e2e_toggle{{service="checkout"}} {exporter.value}\n').encode()
                self.send_response(200 if self.path == "/metrics" else 404)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Process:
    """A child process with its output in a log file; stopped by stop()."""

    def __init__(self, name, cmd, log_dir):
        self.name = name
        self.cmd = [str(c) for c in cmd]
        self.log_path = pathlib.Path(log_dir) / f"{name}.log"
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(self.cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)

    def running(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()

    def tail(self, lines=40):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def spawn(procs, log_dir, name, cmd, ready_url, attempts=1, make_cmd=None):
    """Starts a process (appended to `procs`) and waits until `ready_url()`
    answers 200. Ports picked by binding port 0 can be taken by someone else
    before the child binds them: `make_cmd` lets a retry pick new ones."""
    for attempt in range(attempts):
        if attempt and make_cmd:
            cmd, ready_url = make_cmd()
        proc = Process(name, cmd, log_dir)
        procs.append(proc)

        def ready():
            if not proc.running():
                raise RuntimeError(f"{name} exited with {proc.proc.returncode}")
            return http_get(ready_url())[0] == 200

        try:
            wait_for(f"{name} to be ready", ready)
            return proc
        except RuntimeError:
            if attempt + 1 == attempts:
                raise
        except AssertionError:
            if proc.running() or attempt + 1 == attempts:
                raise
        proc.stop()
        procs.remove(proc)
    raise AssertionError(f"{name} did not start")


# ---------------------------------------------------------------------------
# The test

class EndToEnd(unittest.TestCase):
    """Test methods run in name order: the dashboards are checked against the
    history before the live alert adds an incident."""

    @classmethod
    def setUpClass(cls):
        cls.debriefd_bin = pathlib.Path(ARGS["debriefd"]).resolve()
        cls.repo = pathlib.Path(ARGS["repo"]).resolve()
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="debriefd-e2e-"))
        cls.procs = []
        cls.toggle = None
        sys.path.insert(0, str(cls.repo / "dashboards" / "tools"))
        try:
            cls._start()
        except BaseException:
            cls._teardown(failed=True)
            raise

    @classmethod
    def tearDownClass(cls):
        cls._teardown(failed=False)

    @classmethod
    def _teardown(cls, failed):
        for p in reversed(cls.procs):
            p.stop()
        if cls.toggle:
            cls.toggle.close()
        if failed or os.environ.get("E2E_KEEP"):
            for p in cls.procs:
                print(f"\n--- {p.name} ({' '.join(p.cmd)}), last lines:\n{p.tail()}", file=sys.stderr)
            print(f"e2e: files kept in {cls.tmp}", file=sys.stderr)
        else:
            shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def _spawn(cls, name, cmd, ready_url, attempts=1, make_cmd=None):
        return spawn(cls.procs, cls.tmp, name, cmd, ready_url, attempts, make_cmd)

    @classmethod
    def _start(cls):
        tmp = cls.tmp
        # --- debriefd, with the example history -------------------------------------
        cls.config = tmp / "debriefd.yaml"
        # Prometheus' port is chosen now: debriefd reads its rules' `for:`
        # (alerts.pending_from) and keeps trying until Prometheus is up.
        cls.prom_port = free_port()
        cls.config.write_text(f"""\
listen: 127.0.0.1:9466
storage:
  path: {tmp / 'debriefd.db'}
goals: {{detect: 5m, fix: 1h}}
alerts:
  group_by: [service]
  service_label: service
  severity_label: severity
  reopen_within: 15m
  # Alertmanager here flushes every second (group_interval 1s): a re-fire can
  # follow its resolution within a second, so no late-copy window.
  late_copy_within: 0s
  pending: {{}}
  pending_from: {{url: "http://127.0.0.1:{cls.prom_port}", refresh: 1s}}
changes: {{cause_window: 2h}}
debrief: {{required_for: [critical, warning], due_within: 72h, checkpoint_after: 14d, skip_auto_resolved: false}}
action_items: {{due_within: 30d}}
repeats: {{window: 90d}}
""")
        history = cls.repo / "tests/fixtures/history/example.jsonl"
        replay = subprocess.run([str(cls.debriefd_bin), "replay", "--config", str(cls.config), str(history)],
                                capture_output=True, text=True, timeout=60, check=False)
        if replay.returncode != 0:
            raise AssertionError(f"debriefd replay failed ({replay.returncode}):\n"
                                 f"{replay.stdout}\n{replay.stderr}")
        print(f"e2e: {replay.stdout.strip()}", flush=True)

        port_file = tmp / "debriefd.port"

        def debriefd_port():
            text = port_file.read_text()
            if not text.endswith("\n"):
                raise ValueError("port file not complete yet")
            return int(text)

        cls._spawn("debriefd",
                   [cls.debriefd_bin, "serve", "--config", cls.config, "--listen", "127.0.0.1:0",
                    "--port-file", port_file],
                   lambda: f"http://127.0.0.1:{debriefd_port()}/readyz")
        cls.debriefd_port = debriefd_port()
        cls.debriefd = f"http://127.0.0.1:{cls.debriefd_port}"

        # --- the toggle exporter and the test's own rule -----------------------------
        cls.toggle = ToggleExporter()
        test_rules = tmp / "e2e.rules.yml"
        test_rules.write_text("""\
groups:
  - name: e2e
    rules:
      - alert: E2ECheckoutDown
        expr: e2e_toggle{service="checkout"} > 0
        for: 2s
        labels:
          severity: critical
        annotations:
          summary: The end-to-end test flipped its toggle.
""")
        # The shipped rules again with `for: 0s`, so that their alerts fire now and the
        # test can see where Alertmanager routes them.
        shipped = cls.repo / "config/prometheus/debriefd.rules.yml"
        fast_rules = tmp / "debriefd.rules.immediate.yml"
        fast_rules.write_text(
            re.sub(r"(?m)^(\s*)for: .*$", r"\1for: 0s",
                   re.sub(r"(?m)^(\s*- name: )(\S+)$", r"\1\2-immediate", shipped.read_text())))

        # --- Alertmanager --------------------------------------------------------------
        def alertmanager_cmd():
            cls.am_port = free_port()
            am_config = tmp / "alertmanager.yml"
            # The routing of docs/deploy/alertmanager.yml, with test timings.
            am_config.write_text(f"""\
global:
  resolve_timeout: 10s
route:
  receiver: debriefd
  group_by: [alertname, service]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - receiver: team-reminders
      matchers: ['alert_source="debriefd"']
    - receiver: debriefd
receivers:
  - name: debriefd
    webhook_configs:
      - url: {cls.debriefd}/webhooks/alertmanager
        send_resolved: true
        max_alerts: 0
  - name: team-reminders
""")
            (tmp / "alertmanager-data").mkdir(exist_ok=True)
            cmd = [ARGS["alertmanager"], f"--config.file={am_config}",
                   f"--storage.path={tmp / 'alertmanager-data'}",
                   f"--web.listen-address=127.0.0.1:{cls.am_port}",
                   "--cluster.listen-address=", "--log.level=info"]
            return cmd, lambda: f"http://127.0.0.1:{cls.am_port}/-/ready"

        cmd, ready = alertmanager_cmd()
        cls._spawn("alertmanager", cmd, ready, attempts=3, make_cmd=alertmanager_cmd)
        cls.alertmanager = f"http://127.0.0.1:{cls.am_port}"

        # --- Prometheus ----------------------------------------------------------------
        first_port = [cls.prom_port]

        def prometheus_cmd():
            # The port debriefd was told about, unless a retry needs another.
            cls.prom_port = first_port.pop() if first_port else free_port()
            prom_config = tmp / "prometheus.yml"
            prom_config.write_text(f"""\
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - {shipped}
  - {fast_rules}
  - {test_rules}
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["127.0.0.1:{cls.am_port}"]
scrape_configs:
  - job_name: debriefd
    static_configs:
      - targets: ["127.0.0.1:{cls.debriefd_port}"]
  - job_name: e2e-toggle
    static_configs:
      - targets: ["127.0.0.1:{cls.toggle.port}"]
""")
            (tmp / "prometheus-data").mkdir(exist_ok=True)
            cmd = [ARGS["prometheus"], f"--config.file={prom_config}",
                   f"--storage.tsdb.path={tmp / 'prometheus-data'}",
                   f"--web.listen-address=127.0.0.1:{cls.prom_port}",
                   "--rules.alert.resend-delay=1s", "--log.level=info"]
            return cmd, lambda: f"http://127.0.0.1:{cls.prom_port}/-/ready"

        cmd, ready = prometheus_cmd()
        cls._spawn("prometheus", cmd, ready, attempts=3, make_cmd=prometheus_cmd)
        cls.prometheus = f"http://127.0.0.1:{cls.prom_port}"

        # Enough scrapes of both targets for increase() and rate() to have two samples.
        def scraped():
            for job in ("debriefd", "e2e-toggle"):
                r = cls.query(f'min_over_time(up{{job="{job}"}}[1m]) == 1 '
                              f'and count_over_time(up{{job="{job}"}}[1m]) >= 3')
                if not r:
                    return False
            return True

        wait_for("Prometheus to scrape debriefd and the toggle three times", scraped)

    # --- Prometheus API ------------------------------------------------------------

    @classmethod
    def prom_api(cls, path, **params):
        url = f"{cls.prometheus}{path}?{urllib.parse.urlencode(params, doseq=True)}"
        status, body = http_get(url, timeout=10)
        try:
            data = json.loads(body)
        except ValueError as e:
            raise AssertionError(f"GET {url}: HTTP {status}, not JSON: {body[:300]}") from e
        if data.get("status") != "success":
            raise AssertionError(f"{params.get('query', path)}: {data.get('errorType')}: {data.get('error')}")
        return data

    @classmethod
    def query(cls, expr):
        return cls.prom_api("/api/v1/query", query=expr)["data"]["result"]

    @classmethod
    def query_range(cls, expr, seconds=60, step=5):
        now = time.time()
        return cls.prom_api("/api/v1/query_range", query=expr, start=now - seconds, end=now,
                            step=step)["data"]["result"]

    def incidents(self, **params):
        """Every incident that matches, following the pages' next_cursor."""
        params = dict(params, limit=1000)
        found = []
        while True:
            page = get_json(f"{self.debriefd}/api/v1/incidents?" + urllib.parse.urlencode(params))
            found += page["incidents"]
            if page.get("next_cursor") is None:
                return found
            params["cursor"] = page["next_cursor"]

    def metrics(self):
        status, text = http_get(f"{self.debriefd}/metrics")
        self.assertEqual(status, 200)
        return parse_metrics(text)

    # --- (d) every dashboard query ---------------------------------------------------

    def test_1_every_dashboard_query_works(self):
        import dashboard_queries as dq  # noqa: E402 (dashboards/tools, added in setUpClass)

        values = {"service": ".*", "severity": ".*", "debriefd_url": self.debriefd,
                  "__range": "1h", "__rate_interval": "1m", "__interval": "1m"}
        problems = []
        checked = 0
        results = {}
        for name, dashboard in dq.load(self.repo):
            for target in dq.targets(name, dashboard):
                key = (name, target.panel_title, target.ref_id)
                expr = dq.substitute(target.expr, values, target.panel_interval)
                try:
                    if target.instant:
                        result = self.query(expr)
                    else:
                        result = self.query_range(expr)
                except AssertionError as e:
                    problems.append(f"{target.name}: query error: {e}\n    {expr}")
                    continue
                checked += 1
                results[key] = result
                if not result and key not in MAY_BE_EMPTY:
                    problems.append(f"{target.name}: empty result\n    {expr}")
        unknown = set(MAY_BE_EMPTY) - set(results)
        problems += [f"MAY_BE_EMPTY names a query that does not exist: {k}" for k in sorted(unknown)]

        for key, want in EXPECTED_VALUES.items():
            got = results.get(key)
            if got is None:
                problems.append(f"no such panel query: {key}")
                continue
            if len(got) != 1:
                problems.append(f"{key}: want one series, got {got}")
                continue
            value = float(got[0]["value"][1])
            if math.isnan(value) or abs(value - want) > 1e-9:
                problems.append(f"{key}: want {want:.4f}, got {value}")
        for key, (labels, want) in EXPECTED_SERIES.items():
            got = results.get(key)
            if got is None:
                problems.append(f"no such panel query: {key}")
                continue
            # Series at zero may or may not be exported: compare the others.
            got_map = {tuple(s["metric"].get(label, "") for label in labels): float(s["value"][1])
                       for s in got if float(s["value"][1]) != 0}
            want = {k: v for k, v in want.items() if v != 0}
            if got_map != want:
                problems.append(f"{key}: want {want}, got {got_map}")
        print(f"e2e: {checked} dashboard queries evaluated", flush=True)
        self.assertEqual(problems, [], "\n" + "\n".join(problems))

    def test_2_template_variables_list_the_history(self):
        import dashboard_queries as dq  # noqa: E402

        want = {"service": HISTORY_SERVICES, "severity": HISTORY_SEVERITIES}
        for name, dashboard in dq.load(self.repo):
            for variable in dq.variables(dashboard):
                parsed = dq.label_values_query(variable)
                if variable.get("type") != "query":
                    continue
                self.assertIsNotNone(parsed, f"{name}: ${variable['name']}: not label_values(...)")
                selector, label = parsed
                params = {"match[]": selector} if selector else {}
                values = set(self.prom_api(f"/api/v1/label/{label}/values", **params)["data"])
                self.assertTrue(want[variable["name"]] <= values,
                                f"{name}: ${variable['name']} lists {sorted(values)}")

    def test_3_overdue_debrief_links_open_the_incident(self):
        import dashboard_queries as dq  # noqa: E402

        target = next(t for n, d in dq.load(self.repo) for t in dq.targets(n, d)
                      if t.panel_title == "Overdue debriefs")
        expr = dq.substitute(target.expr, {"service": ".*", "severity": ".*",
                                           "debriefd_url": self.debriefd})
        rows = self.query(expr)
        self.assertEqual(len(rows), 2, rows)
        ids = {r["metric"]["incident_id"] for r in rows}
        self.assertIn("INC-search-1", ids)
        # Longest overdue first: INC-search-1 was due on 2026-10-12, the other on 10-17.
        self.assertEqual(rows[0]["metric"]["incident_id"], "INC-search-1")
        for row in rows:
            link = row["metric"]["link"]
            self.assertEqual(link, f"{self.debriefd}/api/v1/incidents/{row['metric']['incident_id']}")
            incident = get_json(link)
            self.assertEqual(incident["id"], row["metric"]["incident_id"])
            self.assertEqual(incident["debrief"]["status"], "overdue")
            self.assertGreater(float(row["value"][1]), 14 * 86400)

    # --- (e) the real chain: Prometheus -> Alertmanager -> debriefd ---------------------

    def test_4_alert_opens_and_resolves_an_incident(self):
        key = ("debriefd_incidents_total", frozenset({("service", "checkout"), ("severity", "critical")}))
        before = self.metrics()[key]
        known = {i["id"] for i in self.incidents(service="checkout")}

        self.toggle.value = 1

        def opened():
            new = [i for i in self.incidents(service="checkout") if i["id"] not in known]
            return new[0] if new and new[0]["state"] == "open" else None

        incident = wait_for("debriefd to open an incident for the firing alert", opened)
        self.assertEqual(incident["service"], "checkout")
        self.assertEqual(incident["severity"], "critical")
        detail = get_json(f"{self.debriefd}/api/v1/incidents/{incident['id']}")
        self.assertIn("E2ECheckoutDown", json.dumps(detail.get("alerts", detail)))
        # alerts.pending_from: debriefd read the rule's `for: 2s` from Prometheus,
        # so the onset, and the incident's start, is startsAt minus 2 s.
        alert = [a for a in detail["alerts"] if a["alertname"] == "E2ECheckoutDown"][0]
        starts = parse_rfc3339(alert["starts_at"])
        self.assertAlmostEqual(starts - parse_rfc3339(alert["onset"]), 2.0, places=3)
        self.assertAlmostEqual(starts - parse_rfc3339(detail["started_at"]), 2.0, places=3)
        self.assertGreater(self.metrics()[("debriefd_prometheus_rules_last_success_timestamp_seconds", frozenset())], 0)
        metrics = self.metrics()
        self.assertEqual(metrics[key], before + 1)
        self.assertEqual(metrics[("debriefd_incidents_open", key[1])], 1)

        self.toggle.value = 0

        def resolved():
            i = get_json(f"{self.debriefd}/api/v1/incidents/{incident['id']}")
            return i if i["state"] == "resolved" else None

        done = wait_for("debriefd to resolve the incident once the alert clears", resolved)
        self.assertIsNotNone(done["resolved_at"])
        metrics = self.metrics()
        self.assertEqual(metrics[key], before + 1)
        self.assertEqual(metrics[("debriefd_incidents_open", key[1])], 0)
        # And Prometheus sees it too.
        wait_for("Prometheus to scrape the new incident",
                 lambda: self.query(f'debriefd_incidents_total{{service="checkout",severity="critical"}} '
                                    f'== {before + 1:g}'))

    # --- (f) the shipped rules --------------------------------------------------------

    def test_5_prometheus_loaded_the_shipped_rules(self):
        shipped = str(self.repo / "config/prometheus/debriefd.rules.yml")

        def evaluated():
            groups = [g for g in self.prom_api("/api/v1/rules")["data"]["groups"] if g["file"] == shipped]
            rules = {r["name"]: r for g in groups for r in g["rules"]}
            if not all(r.get("lastEvaluation", "").startswith("2") for r in rules.values()):
                return None
            return rules

        rules = wait_for("Prometheus to evaluate the shipped rules", evaluated)
        self.assertEqual(set(rules), SHIPPED_ALERTS)
        for name, rule in rules.items():
            self.assertEqual(rule["health"], "ok", f"{name}: {rule.get('lastError')}")

        # With the real `for:`, the overdue alerts are pending and name what is late.
        def pending(name):
            return [a for a in rules[name]["alerts"] if a["state"] == "pending"]

        overdue = {a["labels"]["incident_id"]: a for a in pending("IncidentDebriefOverdue")}
        self.assertIn("INC-search-1", overdue)
        alert = overdue["INC-search-1"]
        self.assertEqual(alert["labels"]["service"], "search")
        self.assertEqual(alert["labels"]["severity"], "warning")
        self.assertIn("was due 2026-10-12 09:45:00 +0000 UTC", alert["annotations"]["description"])
        url = alert["annotations"]["incident_url"]
        self.assertEqual(url, f"{self.debriefd}/api/v1/incidents/INC-search-1")
        self.assertEqual(get_json(url)["id"], "INC-search-1")
        self.assertEqual({(a["labels"]["service"], a["labels"]["severity"])
                          for a in pending("IncidentCheckpointOverdue")}, {("payments", "critical")})
        self.assertEqual({a["labels"]["service"] for a in pending("DebriefActionItemsOverdue")},
                         {"payments", "search"})
        self.assertEqual(pending("DebriefdEventsRejected"), [])

    def test_6_debriefd_alerts_are_routed_away_from_debriefd(self):
        """The same rules with `for: 0s` fire at once; Alertmanager must hold them
        (receiver team-reminders) without debriefd opening incidents for them."""
        def received():
            alerts = get_json(f"{self.alertmanager}/api/v2/alerts?"
                              + urllib.parse.urlencode({"filter": 'alertname="IncidentDebriefOverdue"'}))
            return alerts if any(a["labels"].get("incident_id") == "INC-search-1" for a in alerts) else None

        alerts = wait_for("Alertmanager to receive IncidentDebriefOverdue", received)
        for a in alerts:
            self.assertEqual([r["name"] for r in a["receivers"]], ["team-reminders"], a)
        # A notification cycle (group_wait 1s) has passed: had the alert reached debriefd,
        # it would have opened a search incident by now.
        time.sleep(3)
        search = self.incidents(service="search")
        self.assertEqual([i["id"] for i in search], ["INC-search-1"], search)
        total = sum(v for (name, _), v in self.metrics().items() if name == "debriefd_incidents_total")
        self.assertEqual(total, 8, "the history's 7 incidents and the toggle's one")

    # --- (g) a firing alert after its own resolution ----------------------------------

    def test_7_a_firing_alert_after_its_own_resolution_reopens_the_incident(self):
        """As Prometheus does after a restart: it sends an alert whose endsAt passes
        (Alertmanager resolves it), then sends it again with the same startsAt.
        Alertmanager forwards a firing alert with the startsAt that already resolved
        (tests/fixtures/alertmanager/refire/); debriefd must take it as a re-fire."""
        starts_at = time.time() - 1

        def push():
            alert = {"labels": {"alertname": "E2ERefire", "service": "refire", "severity": "critical"},
                     "annotations": {"summary": "re-fire after resolution"},
                     "startsAt": rfc3339(starts_at), "endsAt": rfc3339(time.time() + 3),
                     "generatorURL": "http://prometheus.invalid/graph"}
            req = urllib.request.Request(f"{self.alertmanager}/api/v2/alerts", data=json.dumps([alert]).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
            with urllib.request.urlopen(req, timeout=10) as r:
                r.read()

        def incident_in(state):
            def check():
                found = self.incidents(service="refire")
                return found if len(found) == 1 and found[0]["state"] == state else None
            return check

        push()
        first = wait_for("debriefd to open the refire incident", incident_in("open"))[0]
        wait_for("Alertmanager to resolve it when its endsAt passes", incident_in("resolved"))
        push()
        again = wait_for("debriefd to reopen it on the re-fire", incident_in("open"))[0]
        self.assertEqual(again["id"], first["id"])
        self.assertEqual(again["reopen_count"], 1)
        self.assertEqual(again["started_at"], first["started_at"])
        wait_for("the re-fire to resolve in turn", incident_in("resolved"))


def parse_rfc3339(text):
    """Seconds since the epoch of an RFC 3339 UTC time with optional fraction."""
    import datetime
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def rfc3339(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % int((t % 1) * 1000)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    ARGS["debriefd"], ARGS["repo"] = sys.argv[1], sys.argv[2]
    ARGS["prometheus"] = shutil.which("prometheus")
    ARGS["alertmanager"] = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
    missing = [n for n in ("prometheus", "alertmanager") if not ARGS[n]]
    if missing:
        print(f"SKIP: {' and '.join(missing)} not installed; `make test` installs them "
              "(Debian packages prometheus, prometheus-alertmanager)")
        return SKIP
    if not os.access(ARGS["debriefd"], os.X_OK):
        print(f"FAIL: {ARGS['debriefd']} is not an executable debriefd", file=sys.stderr)
        return 1
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(EndToEnd)
    result = unittest.TextTestRunner(verbosity=2, failfast=False).run(suite)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
