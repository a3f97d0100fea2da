#!/usr/bin/env python3
"""End-to-end test of a highly available deployment: two debriefd replicas on one
PostgreSQL database, an Alertmanager HA pair and a real Prometheus.

    test_e2e_ha.py DEBRIEFD_BINARY REPO_ROOT

1. Starts a throwaway PostgreSQL (tests/support/postgres.py), replays
   tests/fixtures/history/example.jsonl into SQLite and copies it over with
   `debriefd migrate`, then starts two `debriefd serve` replicas on that database.
2. Starts two Alertmanagers clustered on 127.0.0.1. Behind a Service each member
   posts to "the" debriefd address and may reach either replica: here member 1
   posts to replica 1 and member 2 to replica 2. A peer timeout of 0 and slow gossip
   make both members send every notification, as they do whenever their gossip lags
   (Alertmanager delivers at least once), so each replica receives a copy of every
   notification at the same moment.
3. Starts Prometheus scraping both replicas (two targets of one job, different
   `instance`) and the toggle exporter of test_e2e.py, sending alerts to both members.
4. Evaluates every dashboard query: the numbers of the example history must come out
   as with one debriefd, and every query must equal the same query restricted to one
   replica: two scraped replicas are still one history.
5. Flips the toggle: one incident opens and resolves, the same on both replicas'
   APIs; each replica counts the notification accepted once and its copies as
   duplicates; the dashboards count one incident.

Python standard library only. Every wait is a bounded poll. Exit code 77 (skipped)
only when prometheus, alertmanager or the PostgreSQL server is not installed.
"""

import json
import math
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import test_e2e as base  # noqa: E402 (helpers and the numbers the example history implies)
from test_e2e import free_port, get_json, http_get, parse_metrics, wait_for  # noqa: E402

SKIP = 77
ARGS = {}
REPLICAS = (1, 2)
# Metrics that describe one process, not the shared history: a dashboard may count
# replicas with them ("debriefd version").
PER_PROCESS_METRICS = ("debriefd_build_info",)


def close(got, want, expr):
    """Whether two values of one query agree. Values that depend on when each replica
    was scraped (increase/rate extrapolation, seconds overdue) get some slack; a
    query that counts each replica is off by a factor of two."""
    if math.isnan(got) or math.isnan(want):
        return math.isnan(got) and math.isnan(want)
    if "increase(" in expr or "rate(" in expr:
        return abs(got - want) <= 0.1 * max(abs(want), 1e-9)
    if "_seconds{" in expr and "overdue" in expr:
        return abs(got - want) <= 5
    return abs(got - want) <= 1e-9 * max(abs(want), 1)


def on_instance(expr, instance):
    """`expr` with every debriefd series selector restricted to one instance."""
    def restrict(m):
        inner = m.group(2)[1:-1] if m.group(2) else ""
        return f'{m.group(1)}{{instance="{instance}",{inner}}}'
    return re.sub(r"\b(debriefd_[a-zA-Z0-9_:]*)(\{[^}]*\})?", restrict, expr)


def free_ports(count):
    """`count` distinct free ports of 127.0.0.1 (free_port: none handed out twice)."""
    return [free_port() for _ in range(count)]


def without_instance(metric):
    return tuple(sorted((k, v) for k, v in metric.items() if k != "instance"))


class HighlyAvailable(unittest.TestCase):
    """Test methods run in name order: the dashboards are checked against the
    history before the live alert adds an incident."""

    @classmethod
    def setUpClass(cls):
        cls.debriefd_bin = pathlib.Path(ARGS["debriefd"]).resolve()
        cls.repo = pathlib.Path(ARGS["repo"]).resolve()
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="debriefd-e2e-ha-"))
        cls.procs = []
        cls.toggle = None
        cls.pg = None
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
            if p.name.startswith("alertmanager"):
                # A member leaving waits for its gossip to spread, 10 s at this gossip
                # interval; nothing of theirs is needed afterwards.
                p.proc.kill()
            p.stop()
        if cls.toggle:
            cls.toggle.close()
        if cls.pg:
            cls.pg.close()
        if failed or os.environ.get("E2E_KEEP"):
            for p in cls.procs:
                print(f"\n--- {p.name} ({' '.join(p.cmd)}), last lines:\n{p.tail()}", file=sys.stderr)
            print(f"e2e-ha: files kept in {cls.tmp}", file=sys.stderr)
        else:
            shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def _spawn(cls, name, make_cmd, attempts=1):
        """Starts the process make_cmd() describes as (cmd, ready_url function); a
        retry calls make_cmd() again for new ports (base.spawn)."""
        cmd, ready_url = make_cmd()
        return base.spawn(cls.procs, cls.tmp, name, cmd, ready_url, attempts, make_cmd)

    @staticmethod
    def port_in(port_file):
        text = port_file.read_text()
        if not text.endswith("\n"):
            raise ValueError("port file not complete yet")
        return int(text)

    @classmethod
    def _run(cls, *args):
        result = subprocess.run([str(cls.debriefd_bin), *map(str, args)], capture_output=True,
                                text=True, timeout=120, check=False)
        if result.returncode != 0:
            raise AssertionError(f"debriefd {args[0]} failed ({result.returncode}):\n"
                                 f"{result.stdout}\n{result.stderr}")
        print(f"e2e-ha: debriefd {args[0]}: {result.stdout.strip().splitlines()[-1:]}", flush=True)

    @classmethod
    def _start(cls):
        tmp = cls.tmp
        # --- PostgreSQL with the example history -------------------------------------
        tmp.chmod(0o711)  # PostgreSQL runs as its own user when the test runs as root
        (tmp / "pg").mkdir()
        cls.pg = ARGS["TempPostgres"](str(tmp / "pg"))
        cls.pg.start()
        dsn = cls.pg.create_database("debriefd")
        cls.prom_port = free_port()  # debriefd reads the rules' `for:` from Prometheus
        settings = f"""\
goals: {{detect: 5m, fix: 1h}}
alerts:
  group_by: [service]
  service_label: service
  severity_label: severity
  reopen_within: 15m
  late_copy_within: 0s
  pending: {{}}
  pending_from: {{url: "http://127.0.0.1:{cls.prom_port}", refresh: 1s}}
changes: {{cause_window: 2h}}
debrief: {{required_for: [critical, warning], due_within: 72h, checkpoint_after: 14d, skip_auto_resolved: false}}
action_items: {{due_within: 30d}}
repeats: {{window: 90d}}
"""
        sqlite_config = tmp / "sqlite.yaml"
        sqlite_config.write_text(f"storage:\n  path: {tmp / 'history.db'}\n" + settings)
        cls._run("replay", "--config", sqlite_config, cls.repo / "tests/fixtures/history/example.jsonl")
        cls._run("migrate", "--from", f"sqlite:{tmp / 'history.db'}", "--to", f"postgres:{dsn}")

        # --- two debriefd replicas on that database ----------------------------------
        config = tmp / "debriefd.yaml"
        config.write_text("listen: 127.0.0.1:9466\n"
                          f"storage:\n  driver: postgres\n  dsn: {json.dumps(dsn)}\n" + settings)
        cls.debriefd = {}
        for n in REPLICAS:
            port_file = tmp / f"debriefd-{n}.port"
            cmd = [cls.debriefd_bin, "serve", "--config", config, "--listen", "127.0.0.1:0",
                   "--port-file", port_file]
            cls._spawn(f"debriefd-{n}", lambda cmd=cmd, port_file=port_file: (
                cmd, lambda: f"http://127.0.0.1:{cls.port_in(port_file)}/readyz"))
            cls.debriefd[n] = f"http://127.0.0.1:{cls.port_in(port_file)}"
        cls.instance = {n: url.removeprefix("http://") for n, url in cls.debriefd.items()}

        # --- the toggle exporter and its rule (as in test_e2e.py) --------------------
        cls.toggle = base.ToggleExporter()
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
""")

        # --- the Alertmanager HA pair ------------------------------------------------
        # Both cluster ports are known before either member starts, so that each names
        # the other as its peer; a retry after a lost port race picks new ones (the
        # second member still joins the first).
        ports = free_ports(4)
        cls.am_web, cls.am_cluster = dict(zip(REPLICAS, ports[:2])), dict(zip(REPLICAS, ports[2:]))
        for n in REPLICAS:
            def am_cmd(n=n, attempts=[0]):
                if attempts[0]:
                    cls.am_web[n], cls.am_cluster[n] = free_ports(2)
                attempts[0] += 1
                other = cls.am_cluster[3 - n]
                am_config = tmp / f"alertmanager-{n}.yml"
                am_config.write_text(f"""\
global:
  resolve_timeout: 10s
route:
  receiver: debriefd
  group_by: [alertname, service]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: debriefd
    webhook_configs:
      - url: {cls.debriefd[n]}/webhooks/alertmanager
        send_resolved: true
        max_alerts: 0
""")
                (tmp / f"alertmanager-{n}-data").mkdir(exist_ok=True)
                cluster = f"127.0.0.1:{cls.am_cluster[n]}"
                # Peer timeout 0: both members notify at once. Gossip, probes and full
                # syncs every 10 minutes: neither learns in time that the other has
                # notified, so both always do (the join still syncs their state).
                cmd = [ARGS["alertmanager"], f"--config.file={am_config}",
                       f"--storage.path={tmp / f'alertmanager-{n}-data'}",
                       f"--web.listen-address=127.0.0.1:{cls.am_web[n]}",
                       f"--cluster.listen-address={cluster}", f"--cluster.advertise-address={cluster}",
                       f"--cluster.peer=127.0.0.1:{other}",
                       "--cluster.peer-timeout=0s", "--cluster.gossip-interval=10m",
                       "--cluster.probe-interval=10m", "--cluster.pushpull-interval=10m",
                       "--cluster.settle-timeout=3s", "--cluster.reconnect-interval=1s",
                       "--log.level=info"]
                return cmd, lambda: f"http://127.0.0.1:{cls.am_web[n]}/-/ready"

            cls._spawn(f"alertmanager-{n}", am_cmd, attempts=3)
        cls.alertmanager = {n: f"http://127.0.0.1:{p}" for n, p in cls.am_web.items()}

        # --- Prometheus ----------------------------------------------------------------
        first_port = [cls.prom_port]

        def prometheus_cmd():
            cls.prom_port = first_port.pop() if first_port else free_port()
            prom_config = tmp / "prometheus.yml"
            prom_config.write_text(f"""\
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - {test_rules}
alerting:
  alertmanagers:
    - static_configs:
        - targets: {json.dumps([f"127.0.0.1:{p}" for p in cls.am_web.values()])}
scrape_configs:
  - job_name: debriefd
    static_configs:
      - targets: {json.dumps(list(cls.instance.values()))}
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

        cls._spawn("prometheus", prometheus_cmd, attempts=3)
        cls.prometheus = f"http://127.0.0.1:{cls.prom_port}"

        def scraped():
            for job, targets in (("debriefd", 2), ("e2e-toggle", 1)):
                r = cls.query(f'min_over_time(up{{job="{job}"}}[1m]) == 1 '
                              f'and count_over_time(up{{job="{job}"}}[1m]) >= 3')
                if len(r) != targets:
                    return False
            return True

        wait_for("Prometheus to scrape both replicas and the toggle three times", scraped)

    # --- Prometheus, Alertmanager and debriefd APIs ----------------------------------

    @classmethod
    def prom_api(cls, path, **params):
        return base.EndToEnd.prom_api.__func__(cls, path, **params)

    @classmethod
    def query(cls, expr, at=None):
        params = {"query": expr} if at is None else {"query": expr, "time": at}
        return cls.prom_api("/api/v1/query", **params)["data"]["result"]

    def incidents(self, n, **params):
        params = dict(params, limit=1000)
        found = []
        while True:
            page = get_json(f"{self.debriefd[n]}/api/v1/incidents?" + urllib.parse.urlencode(params))
            found += page["incidents"]
            if page.get("next_cursor") is None:
                return found
            params["cursor"] = page["next_cursor"]

    def metrics(self, n):
        status, text = http_get(f"{self.debriefd[n]}/metrics")
        self.assertEqual(status, 200, f"replica {n} /metrics")
        return parse_metrics(text)

    @staticmethod
    def value(metrics, name, **labels):
        """The sum of `name`'s samples whose labels include `labels` (0 when none)."""
        want = set(labels.items())
        return sum(v for (n, ls), v in metrics.items() if n == name and want <= ls)

    def am_delivered(self, n):
        """Webhook notifications member n delivered, and those that failed."""
        samples = parse_metrics(http_get(f"{self.alertmanager[n]}/metrics")[1])
        total = self.value(samples, "alertmanager_notifications_total", integration="webhook")
        failed = self.value(samples, "alertmanager_notifications_failed_total", integration="webhook")
        return total - failed, failed

    def alertmanager_events(self, metrics):
        """Alerts from Alertmanager a replica counts as accepted or duplicate."""
        return sum(self.value(metrics, "debriefd_events_total", source="alertmanager", result=r)
                   for r in ("accepted", "duplicate"))

    def copies(self, sent_before):
        """Notifications both members delivered since `sent_before` (one alert each)."""
        return sum(self.am_delivered(n)[0] - sent_before[n] for n in REPLICAS)

    def caught_up(self, alertmanager_events=None):
        """Waits until both replicas have applied the same log and count the same
        events (`alertmanager_events` of source alertmanager, accepted or duplicate,
        when given), and Prometheus has scraped both since; returns their metrics."""
        def same():
            m = {n: self.metrics(n) for n in REPLICAS}
            seqs = {self.value(m[n], "debriefd_store_applied_seq") for n in REPLICAS}
            events = [{k: v for k, v in m[n].items() if k[0] == "debriefd_events_total"}
                      for n in REPLICAS]
            if alertmanager_events is not None and any(
                    self.alertmanager_events(m[n]) != alertmanager_events for n in REPLICAS):
                return None
            return m if len(seqs) == 1 and events[0] == events[1] else None

        metrics = wait_for("both replicas to apply the same log and count the same events", same)
        since = time.time()
        seq = self.value(metrics[1], "debriefd_store_applied_seq")
        # timestamp() of a plain selector: the time of the last scrape.
        wait_for("Prometheus to scrape both replicas again", lambda: len(self.query(
            f"timestamp(debriefd_store_applied_seq) > {since} and debriefd_store_applied_seq == {seq:g}")) == 2)
        return metrics

    # --- the dashboards ---------------------------------------------------------------

    def evaluate_dashboards(self):
        """Every dashboard query at one instant, with both replicas scraped and
        restricted to replica 1. Returns ({key: result}, [problems])."""
        import dashboard_queries as dq  # noqa: E402 (dashboards/tools, added in setUpClass)

        values = {"service": ".*", "severity": ".*", "debriefd_url": self.debriefd[1],
                  "__range": "1h", "__rate_interval": "1m", "__interval": "1m"}
        at = time.time()
        results, problems = {}, []
        for name, dashboard in dq.load(self.repo):
            for target in dq.targets(name, dashboard):
                key = (name, target.panel_title, target.ref_id)
                expr = dq.substitute(target.expr, values, target.panel_interval)
                try:
                    both = self.query(expr, at)
                    one = self.query(on_instance(expr, self.instance[1]), at)
                except AssertionError as e:
                    problems.append(f"{target.name}: query error: {e}\n    {expr}")
                    continue
                results[key] = both
                if not both and key not in base.MAY_BE_EMPTY:
                    problems.append(f"{target.name}: empty result\n    {expr}")
                if any(m in expr for m in PER_PROCESS_METRICS):
                    continue
                if any("instance" in s["metric"] for s in both):
                    problems.append(f"{target.name}: one series per replica "
                                    f"({len(both)} series)\n    {expr}")
                    continue
                got = {without_instance(s["metric"]): float(s["value"][1]) for s in both}
                want = {without_instance(s["metric"]): float(s["value"][1]) for s in one}
                if got.keys() != want.keys() or not all(close(got[k], want[k], expr) for k in want):
                    problems.append(f"{target.name}: two replicas give {sorted(got.items())}, "
                                    f"one gives {sorted(want.items())}\n    {expr}")
        return results, problems

    def check_numbers(self, results, expected_values, expected_series):
        problems = []
        for key, want in expected_values.items():
            got = results.get(key)
            if got is None or len(got) != 1:
                problems.append(f"{key}: want one series, got {got}")
                continue
            value = float(got[0]["value"][1])
            if math.isnan(value) or abs(value - want) > 1e-9:
                problems.append(f"{key}: want {want:.4f}, got {value}")
        for key, (labels, want) in expected_series.items():
            got = results.get(key) or []
            got_map = {tuple(s["metric"].get(label, "") for label in labels): float(s["value"][1])
                       for s in got if float(s["value"][1]) != 0}
            want = {k: v for k, v in want.items() if v != 0}
            if got_map != want:
                problems.append(f"{key}: want {want}, got {got_map}")
        return problems

    # --- the tests --------------------------------------------------------------------

    def test_1_the_deployment_is_up(self):
        def clustered(n):
            status = get_json(f"{self.alertmanager[n]}/api/v2/status")["cluster"]
            return status["status"] == "ready" and len(status.get("peers") or []) == 2

        wait_for("both Alertmanagers to see each other in a settled cluster",
                 lambda: all(clustered(n) for n in REPLICAS))
        metrics = self.caught_up()
        for n in REPLICAS:
            self.assertEqual(self.value(metrics[n], "debriefd_store_available"), 1, f"replica {n}")
            self.assertGreater(self.value(metrics[n], "debriefd_store_applied_seq"), 0, f"replica {n}")
        one, two = self.incidents(1), self.incidents(2)
        self.assertEqual(len(one), 7, "the example history's incidents")
        self.assertEqual(one, two)

    def test_2_the_dashboards_count_the_history_once(self):
        self.caught_up()
        results, problems = self.evaluate_dashboards()
        problems += self.check_numbers(results, base.EXPECTED_VALUES, base.EXPECTED_SERIES)
        overdue = results.get(("debrief-follow-through.json", "Overdue debriefs", "A"), [])
        if len(overdue) != 2:
            problems.append(f"Overdue debriefs: want the 2 of the history, got {len(overdue)} rows")
        print(f"e2e-ha: {len(results)} dashboard queries evaluated", flush=True)
        self.assertEqual(problems, [], "\n" + "\n".join(problems))

    def test_3_one_alert_through_both_alertmanagers_is_one_incident(self):
        incidents_key = {"service": "checkout", "severity": "critical"}
        before = self.caught_up()
        sent_before = {n: self.am_delivered(n)[0] for n in REPLICAS}
        known = {i["id"] for i in self.incidents(1, service="checkout")}

        def new_incident(n, state):
            def check():
                new = [i for i in self.incidents(n, service="checkout") if i["id"] not in known]
                self.assertLessEqual(len(new), 1, f"replica {n} opened more than one incident: {new}")
                return new[0] if new and new[0]["state"] == state else None
            return check

        self.toggle.value = 1
        opened = {n: wait_for(f"replica {n} to show the new incident open", new_incident(n, "open"))
                  for n in REPLICAS}
        self.assertEqual(opened[1]["id"], opened[2]["id"])
        self.assertEqual(opened[1]["severity"], "critical")
        wait_for("both Alertmanagers to deliver the firing notification",
                 lambda: all(self.am_delivered(n)[0] - sent_before[n] >= 1 for n in REPLICAS))
        self.caught_up(self.alertmanager_events(before[1]) + self.copies(sent_before))
        results, problems = self.evaluate_dashboards()
        problems += self.check_numbers(
            results, {("reliability-trends.json", "Open incidents", "A"): 1}, {})
        self.assertEqual(problems, [], "\n" + "\n".join(problems))

        self.toggle.value = 0
        resolved = {n: wait_for(f"replica {n} to show the incident resolved", new_incident(n, "resolved"))
                    for n in REPLICAS}
        incident_id = resolved[1]["id"]
        self.assertEqual(resolved[1]["id"], opened[1]["id"])
        # Both members deliver the firing and the resolved notification.
        wait_for("both Alertmanagers to deliver the resolved notification",
                 lambda: all(self.am_delivered(n)[0] - sent_before[n] >= 2 for n in REPLICAS))
        copies = self.copies(sent_before)
        after = self.caught_up(self.alertmanager_events(before[1]) + copies)
        failed = {n: self.am_delivered(n)[1] for n in REPLICAS}
        details = {n: get_json(f"{self.debriefd[n]}/api/v1/incidents/{incident_id}") for n in REPLICAS}
        self.assertEqual(details[1], details[2], "the incident as each replica shows it")
        self.assertEqual(self.incidents(1), self.incidents(2))

        def delta(n, name, **labels):
            return self.value(after[n], name, **labels) - self.value(before[n], name, **labels)

        print(f"e2e-ha: {copies:g} notifications delivered by the two Alertmanagers", flush=True)
        for n in REPLICAS:
            self.assertEqual(failed[n], 0, f"alertmanager-{n}: failed webhook notifications")
            self.assertEqual(delta(n, "debriefd_incidents_total", **incidents_key), 1, f"replica {n}")
            self.assertEqual(self.value(after[n], "debriefd_incidents_open", **incidents_key), 0)
            # One alert per notification: firing then resolved, each accepted once;
            # every other copy is a duplicate, whichever replica it reached.
            self.assertEqual(delta(n, "debriefd_events_total", source="alertmanager", result="accepted"),
                             2, f"replica {n}")
            self.assertEqual(delta(n, "debriefd_events_total", source="alertmanager", result="duplicate"),
                             copies - 2, f"replica {n}: {copies} notifications delivered")
            self.assertEqual(delta(n, "debriefd_events_total", source="alertmanager", result="rejected"), 0)
        # Every new event was accepted by one replica and applied by the other.
        new_events = delta(1, "debriefd_store_applied_seq")
        self.assertGreaterEqual(new_events, 2)
        replicated = sum(delta(n, "debriefd_replication_delay_seconds_count") for n in REPLICAS)
        self.assertEqual(replicated, new_events, "events applied by the replica that did not accept them")

        # The dashboards: one incident opened, although two replicas are scraped.
        results, problems = self.evaluate_dashboards()
        problems += self.check_numbers(
            results,
            {("reliability-trends.json", "Open incidents", "A"): 0,
             ("reliability-trends.json", "Incidents opened", "A"): 1},
            {("reliability-trends.json", "Incidents by service and severity (all time)", "A"): (
                ("service", "severity"),
                {**base.EXPECTED_SERIES[("reliability-trends.json",
                                         "Incidents by service and severity (all time)", "A")][1],
                 ("checkout", "critical"): 3})})
        self.assertEqual(problems, [], "\n" + "\n".join(problems))


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    ARGS["debriefd"], ARGS["repo"] = sys.argv[1], sys.argv[2]
    ARGS["prometheus"] = shutil.which("prometheus")
    ARGS["alertmanager"] = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
    sys.path.insert(0, str(pathlib.Path(ARGS["repo"]) / "tests" / "support"))
    from postgres import TempPostgres  # noqa: E402 (tests/support)
    ARGS["TempPostgres"] = TempPostgres
    missing = [n for n in ("prometheus", "alertmanager") if not ARGS[n]]
    if not TempPostgres.available():
        missing.append("the PostgreSQL 15 server")
    if missing:
        print(f"SKIP: {' and '.join(missing)} not installed; `make test` installs them "
              "(Debian packages prometheus, prometheus-alertmanager, postgresql)")
        return SKIP
    if not os.access(ARGS["debriefd"], os.X_OK):
        print(f"FAIL: {ARGS['debriefd']} is not an executable debriefd", file=sys.stderr)
        return 1
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(HighlyAvailable)
    result = unittest.TextTestRunner(verbosity=2, failfast=False).run(suite)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
