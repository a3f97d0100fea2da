#!/usr/bin/env python3
"""debriefd's benchmark, run by `make bench`: HTTP ingest beside nginx and
Alertmanager, and the cost of a large history (docs/benchmarks.md).

Everything runs on 127.0.0.1 free ports in a temporary folder: nginx
(`return 204;`, the HTTP ceiling of this machine), Alertmanager
(`POST /api/v2/alerts`) and `debriefd serve`, each loaded in turn by
`wrk -t1 -c64` with bench/wrk/alerts.lua, in interleaved rounds. Then
debriefd is started on generated stores (bench/gen_history.py, cached under
--data-dir) to time its start, its memory, its reads, ingest while /metrics is
scraped and the quarterly report from the CLI. Only the binary, its HTTP API
and its CLI are used. bench/postgres_bench.py adds durable ingest on a private
PostgreSQL beside SQLite, and how fast one replica follows another (skipped,
with a note, when PostgreSQL 15 is not installed).

It prints every figure, then each target of the issue as
`measured / target / ratio`, and with --docs writes docs/benchmarks.md.

Environment: BENCH_ROUNDS (default 3), BENCH_SECONDS (wrk duration, default
10), BENCH_QUICK=1 (same as --quick: tiny stores, 1 s runs, one round; the
smoke test). Exits 77 when wrk, nginx or Alertmanager is missing.
"""
import argparse
import datetime
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, HERE)
import gen_history  # noqa: E402
import postgres_bench  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
CASES = ("spread", "storm", "duplicate")
CASE_TITLES = {"spread": "alerts spread over 1,000 services", "storm": "every alert in one incident (storm)",
               "duplicate": "the same body re-sent (duplicates)"}
SERVERS = ("nginx", "alertmanager", "debriefd")


def log(*a):
    print(*a, flush=True)


def fail(msg):
    log("FAIL: " + msg)
    sys.exit(1)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid):
    out = []
    try:
        for task in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, task)) as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


def cpu_seconds(pid, with_children=False):
    """utime + stime of a process (all its threads), and of its children."""
    total = 0
    for p in [pid] + (children(pid) if with_children else []):
        try:
            with open("/proc/%d/stat" % p) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total / CLK_TCK


def proc_status(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(("VmRSS", "VmHWM")):
                k, v = line.split(":")
                out[k] = int(v.split()[0]) / 1024  # MiB
    return out


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def p99(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.99 * (len(xs) - 1))))] if xs else float("nan")


def rng(xs, fmt="{:.0f}"):
    """median (min–max) of a list of figures."""
    if not xs:
        return "-"
    if len(xs) == 1:
        return fmt.format(xs[0])
    return (fmt + " ({}–{})").format(median(xs), fmt.format(min(xs)), fmt.format(max(xs)))


def wait_for(pred, timeout, what, proc=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        if proc is not None and proc.poll() is not None:
            fail("%s: the process exited (%s)" % (what, proc.returncode))
        time.sleep(0.005)
    fail("%s: not within %ss" % (what, timeout))


def accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def get(port, path, timeout=120):
    """(status, body bytes, seconds) of one GET on a new connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    t0 = time.perf_counter()
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, body, time.perf_counter() - t0
    except (OSError, http.client.HTTPException):
        return 0, b"", time.perf_counter() - t0
    finally:
        conn.close()


class Server:
    def __init__(self, name, argv, port, workdir, with_children=False):
        self.name, self.port, self.with_children = name, port, with_children
        self.log_path = os.path.join(workdir, name + ".log")
        self.log = open(self.log_path, "ab")
        self.t_exec = time.monotonic()
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=self.log, cwd=workdir)

    def cpu(self):
        return cpu_seconds(self.proc.pid, self.with_children)

    def pause(self, paused):
        """SIGSTOP (paused) or SIGCONT the server and its children. A server
        that is not being measured keeps working on what it was sent
        (Alertmanager on its alerts, at a core and more) and would take the
        CPU from the one that is."""
        for pid in [self.proc.pid] + children(self.proc.pid):
            try:
                os.kill(pid, signal.SIGSTOP if paused else signal.SIGCONT)
            except ProcessLookupError:
                pass

    def stop(self):
        if self.proc.poll() is None:
            self.pause(False)
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def tail(self):
        with open(self.log_path, "rb") as f:
            return f.read()[-2000:].decode(errors="replace")


def start_nginx(tmp):
    d = os.path.join(tmp, "nginx")
    os.makedirs(os.path.join(d, "logs"), exist_ok=True)
    port = free_port()
    conf = os.path.join(d, "nginx.conf")
    with open(conf, "w") as f:
        f.write("""worker_processes 1;
pid %(d)s/nginx.pid;
error_log %(d)s/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path %(d)s/body;
  proxy_temp_path %(d)s/proxy;
  fastcgi_temp_path %(d)s/fastcgi;
  server { listen 127.0.0.1:%(port)d; location / { return 204; } }
}
""" % {"d": d, "port": port})
    s = Server("nginx", ["nginx", "-p", d, "-c", conf, "-g", "daemon off;"], port, tmp, with_children=True)
    wait_for(lambda: accepts(port), 30, "nginx", s.proc)
    return s


def start_alertmanager(tmp, binary):
    d = os.path.join(tmp, "alertmanager")
    os.makedirs(d, exist_ok=True)
    port = free_port()
    conf = os.path.join(d, "alertmanager.yml")
    with open(conf, "w") as f:
        f.write("route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n")
    s = Server("alertmanager", [binary, "--config.file=" + conf, "--storage.path=" + os.path.join(d, "data"),
                                "--web.listen-address=127.0.0.1:%d" % port, "--cluster.listen-address="], port, tmp)
    wait_for(lambda: get(port, "/-/ready", 2)[0] == 200, 60, "alertmanager", s.proc)
    return s


def debriefd_config(path, db, port):
    with open(path, "w") as f:
        f.write("listen: 127.0.0.1:%d\nstorage:\n  path: %s\nlog:\n  level: warn\n" % (port, db))
    return path


class Debriefd(Server):
    """`debriefd serve` on a store; records when its port accepted and when
    /readyz first answered 200, and what /readyz answered before."""

    def __init__(self, binary, tmp, db, name="debriefd"):
        port = free_port()
        conf = debriefd_config(os.path.join(tmp, name + ".yaml"), db, port)
        super().__init__(name, [binary, "serve", "--config", conf], port, tmp)
        self.port_s = self.ready_s = self.healthz_loading = None
        self.before_ready = set()

    def wait_ready(self, timeout):
        wait_for(lambda: accepts(self.port), timeout, self.name + " port", self.proc)
        self.port_s = time.monotonic() - self.t_exec

        def ready():
            status = get(self.port, "/readyz", 5)[0]
            if status != 200:
                self.before_ready.add(status)
                if self.healthz_loading is None:
                    self.healthz_loading = get(self.port, "/healthz", 5)[0]
            return status == 200
        wait_for(ready, timeout, self.name + " /readyz", self.proc)
        self.ready_s = time.monotonic() - self.t_exec
        self.ready_cpu_s = self.cpu()  # what the start cost, whatever else the machine ran
        return self


def wrk(port, path, case, fmt, run_id, seconds, connections=64, codes=False):
    env = dict(os.environ, BENCH_WRK_CODES="1" if codes else "0")
    argv = ["wrk", "-t1", "-c%d" % connections, "-d%ds" % seconds, "--latency", "-s",
            os.path.join(HERE, "wrk", "alerts.lua"), "http://127.0.0.1:%d%s" % (port, path), "--", case, fmt, run_id]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60, env=env)
    m = re.search(r"^BENCH (\{.*\})$", out.stdout, re.M)
    if out.returncode != 0 or not m:
        fail("wrk %s: %s %s" % (" ".join(argv), out.stdout, out.stderr))
    r = json.loads(m.group(1))
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    r["errors"] = r["non2xx"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
    r["answers"] = re.findall(r"^ANSWER (.*)$", out.stdout, re.M)
    return r


def check_errors(args, server, path, case, fmt, run_id, r, what):
    """A run with failed requests: in quick mode (the smoke test) a failure,
    with the answers of a short diagnostic run; else noted in the figures."""
    if not r["errors"]:
        return
    diag = wrk(server.port, path, case, fmt, run_id + "x", 1, codes=True)
    msg = "%s: %d of %d requests failed (non-2xx %d, socket errors %d); answers: %s; log: %s" % (
        what, r["errors"], r["requests"], r["non2xx"], r["errors"] - r["non2xx"],
        diag["answers"] or "(none in a 1 s rerun)", server.tail()[-600:])
    if args.quick:
        fail(msg)
    log("WARNING: " + msg)


def measured_run(server, path, case, fmt, run_id, seconds, scrape_port=None):
    """One wrk run against a server: req/s, p99, CPU per request, load average;
    with scrape_port, /metrics is fetched every second meanwhile."""
    scrapes, stop = [], threading.Event()

    def scraper():
        while not stop.wait(1.0):
            status, body, s = get(scrape_port, "/metrics", 30)
            scrapes.append(s)
    th = threading.Thread(target=scraper) if scrape_port else None
    load = loadavg()
    cpu0 = server.cpu()
    if th:
        th.start()
    r = wrk(server.port, path, case, fmt, run_id, seconds)
    cpu1 = server.cpu()
    if th:
        stop.set()
        th.join()
    r["cpu_us"] = (cpu1 - cpu0) * 1e6 / max(r["requests"], 1)
    r["run_id"] = run_id
    r["load"] = load
    r["scrapes"] = scrapes
    return r


# ---------------------------------------------------------------- HTTP ingest


def ingest_vs_peers(args, tmp, results):
    nginx = start_nginx(tmp)
    am = start_alertmanager(tmp, args.alertmanager)
    d = Debriefd(args.debriefd, tmp, os.path.join(tmp, "ingest.db")).wait_ready(60)
    targets = {"nginx": (nginx, "/webhooks/alertmanager", "webhook"),
               "alertmanager": (am, "/api/v2/alerts", "am"),
               "debriefd": (d, "/webhooks/alertmanager", "webhook")}
    try:
        for rnd in range(args.rounds):
            for case in CASES:
                for name in SERVERS:
                    server, path, fmt = targets[name]
                    # Only the measured server runs; the others wait, paused.
                    for other in SERVERS:
                        targets[other][0].pause(other != name)
                    r = measured_run(server, path, case, fmt, "%s%d%s" % (name[0], rnd, case[:2]), args.seconds)
                    check_errors(args, server, path, case, fmt, r.get("run_id", ""), r, "%s %s" % (name, case))
                    results.setdefault((case, name), []).append(r)
                    log("round %d %-9s %-12s %8.0f req/s  p99 %6.2f ms  cpu %6.1f us/req  load %s" % (
                        rnd + 1, case, name, r["rps"], r["p99_us"] / 1000, r["cpu_us"], r["load"]))
    finally:
        for s in (nginx, am, d):
            s.stop()
    storm = sum(r["requests"] - r["non2xx"] for r in results.get(("storm", "debriefd"), []))
    log("the storm incident of debriefd ended with %d alerts" % storm)
    return storm


# ---------------------------------------------------------------- history


def store_key(shape, n, alerts):
    return "%s-%d-a%d-v%d" % (shape, n, alerts, gen_history.VERSION)


def cached_store(args, shape, n, alerts):
    """The store of a generated history, generated and imported once per key."""
    d = os.path.join(args.data_dir, store_key(shape, n, alerts))
    done = os.path.join(d, "complete.json")
    if os.path.exists(done):
        with open(done) as f:
            info = json.load(f)
        info["cached"] = True
        return d, info
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    events = os.path.join(d, "history.jsonl")
    t0 = time.monotonic()
    with open(events, "w", buffering=1 << 20) as out:
        count = gen_history.spread(n, 1000, alerts, out) if shape == "spread" else gen_history.storm(alerts, out)
    t1 = time.monotonic()
    conf = debriefd_config(os.path.join(d, "debriefd.yaml"), os.path.join(d, "debriefd.db"), 0)
    r = subprocess.run([args.debriefd, "replay", "--config", conf, events, "--log.level", "warn"],
                       capture_output=True, text=True)
    t2 = time.monotonic()
    if r.returncode != 0:
        fail("replay of %s: %s %s" % (events, r.stdout, r.stderr[-2000:]))
    os.unlink(events)
    info = {"events": count, "generate_s": t1 - t0, "import_s": t2 - t1, "replay": r.stdout.strip().splitlines()[-1:]}
    with open(done, "w") as f:
        json.dump(info, f)
    info["cached"] = False
    log("generated %s: %d events in %.1f s, imported in %.1f s (%.0f events/s)" % (
        store_key(shape, n, alerts), count, t1 - t0, t2 - t1, count / max(t2 - t1, 1e-9)))
    return d, info


def copy_store(src_dir, dst_dir):
    """A copy of a cached store, on disk before it is used: a copy still in
    the page cache would be written back in the middle of a measured run (at
    debriefd's first checkpoint, whose sync then takes the copy's hundreds of
    MB with it, or when the kernel's flusher wakes), a stall that a store
    written by debriefd itself never has."""
    os.makedirs(dst_dir, exist_ok=True)
    for f in os.listdir(src_dir):
        if f.startswith("debriefd.db") and not f.endswith(".lock"):
            dst = os.path.join(dst_dir, f)
            shutil.copyfile(os.path.join(src_dir, f), dst)
            with open(dst, "rb+") as out:
                os.fsync(out.fileno())
    return os.path.join(dst_dir, "debriefd.db")


def timed_gets(port, path, count, budget_s):
    times, size, body = [], 0, b""
    t_end = time.monotonic() + budget_s
    for i in range(count):
        status, body, s = get(port, path)
        if status != 200:
            fail("GET %s: %d %s" % (path, status, body[:300]))
        times.append(s)
        size = len(body)
        if time.monotonic() > t_end and i >= 2:
            break
    return times, size, body


def history_store(args, tmp, label, shape, n, alerts, ingest_under_scrape=False):
    src, info = cached_store(args, shape, n, alerts)
    work = os.path.join(tmp, label)
    db = copy_store(src, work)
    h = {"label": label, "events": info["events"], "import_s": info["import_s"], "cached": info["cached"],
         "load": loadavg()}
    # The first start of the imported store, then a restart of the same store
    # (which finds whatever the first one persisted).
    for start in ("first", "restart"):
        d = Debriefd(args.debriefd, work, db).wait_ready(600)
        h[start] = {"port_s": d.port_s, "ready_s": d.ready_s, "ready_cpu_s": d.ready_cpu_s,
                    "before_ready": sorted(d.before_ready), "healthz_loading": d.healthz_loading}
        if start == "first":
            d.stop()
            continue
        h["mem"] = proc_status(d.proc.pid)
        times, size, _ = timed_gets(d.port, "/metrics", args.scrapes, 30)
        h["metrics"] = {"times": times, "bytes": size}
        times, size, body = timed_gets(d.port, "/api/v1/incidents", args.scrapes, 30)
        try:
            page = json.loads(body)
            shown = len(page.get("incidents", []))
            more = sorted(k for k in page if k != "incidents")
        except ValueError:
            shown, more = -1, []
        h["incidents"] = {"times": times, "bytes": size, "shown": shown, "other_keys": more}
        if shown < 1:
            fail("%s: GET /api/v1/incidents shows no incident: the store was not loaded: %s" % (label, body[:300]))
        if ingest_under_scrape:
            h["ingest"] = {"plain": [], "scraped": []}
            for rnd in range(args.rounds):
                for mode in ("plain", "scraped"):
                    r = measured_run(d, "/webhooks/alertmanager", "spread", "webhook", "h%d%s" % (rnd, mode[0]),
                                     args.seconds, d.port if mode == "scraped" else None)
                    check_errors(args, d, "/webhooks/alertmanager", "spread", "webhook", "h%d" % rnd, r,
                                 "ingest at " + label)
                    h["ingest"][mode].append(r)
                    log("%s ingest %-7s round %d: %8.0f req/s  p99 %6.2f ms  scrapes %s  load %s" % (
                        label, mode, rnd + 1, r["rps"], r["p99_us"] / 1000,
                        " ".join("%.0f" % (s * 1000) for s in r["scrapes"]) + " ms" if r["scrapes"] else "-",
                        r["load"]))
        d.stop()
        if d.proc.returncode not in (0, -signal.SIGTERM):
            fail("%s: debriefd exited %s: %s" % (label, d.proc.returncode, d.tail()))
    log("%s: %d events; start port %.2f s ready %.2f s (readyz before: %s); restart port %.2f s ready %.2f s; "
        "RSS %.0f MiB peak %.0f MiB; /metrics %.1f ms p99 %.1f ms %d B; /api/v1/incidents %.1f ms p99 %.1f ms %d B "
        "(%d incidents) load %s" % (
            label, h["events"], h["first"]["port_s"], h["first"]["ready_s"], h["first"]["before_ready"],
            h["restart"]["port_s"], h["restart"]["ready_s"], h["mem"]["VmRSS"], h["mem"]["VmHWM"],
            median(h["metrics"]["times"]) * 1000, p99(h["metrics"]["times"]) * 1000, h["metrics"]["bytes"],
            median(h["incidents"]["times"]) * 1000, p99(h["incidents"]["times"]) * 1000, h["incidents"]["bytes"],
            h["incidents"]["shown"], h["load"]))
    return h


def quarterly_report(args, tmp, shape_n, runs):
    src, info = cached_store(args, "spread", shape_n, 5)
    work = os.path.join(tmp, "report")
    db = copy_store(src, work)
    conf = debriefd_config(os.path.join(work, "debriefd.yaml"), db, 0)
    out = {}
    for fmt in ("html", "json"):
        rows = []
        for _ in range(runs):
            path = os.path.join(work, "report." + fmt)
            load = loadavg()
            t0 = time.monotonic()
            p = subprocess.Popen([args.debriefd, "report", "--config", conf, "--quarter", "2026-Q3", "--format", fmt,
                                  "--now", "2026-11-01T00:00:00Z", "--out", path], stderr=subprocess.PIPE)
            _, status, ru = os.wait4(p.pid, 0)
            wall = time.monotonic() - t0
            p.returncode = os.waitstatus_to_exitcode(status)
            if p.returncode != 0:
                fail("debriefd report: exit %d: %s" % (p.returncode, p.stderr.read().decode(errors="replace")))
            rows.append({"wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime, "maxrss_mib": ru.ru_maxrss / 1024,
                         "bytes": os.path.getsize(path), "load": load})
        out[fmt] = rows
        log("report %s of %d incidents: %s s wall, %s MiB peak, %d bytes" % (
            fmt, shape_n, rng([r["wall_s"] for r in rows], "{:.2f}"), rng([r["maxrss_mib"] for r in rows]),
            rows[0]["bytes"]))
    return out


# ---------------------------------------------------------------- summary


def fmt_ms(us_list):
    return rng([u / 1000 for u in us_list], "{:.1f}")


def targets(results, hist, report):
    """(name, measured, target text, ratio, ok) per target of the issue."""
    rows = []

    def rps(case, name):
        return median([r["rps"] for r in results.get((case, name), [])])

    def add(name, measured, text, value, target, higher_better, unit=""):
        ratio = value / target if target else float("nan")
        ok = value >= target if higher_better else value <= target
        rows.append((name, measured, text, ratio, ok))

    if results:
        spread, storm = rps("spread", "debriefd"), rps("storm", "debriefd")
        add("spread ingest ÷ nginx", "%.2f" % (spread / rps("spread", "nginx")), "≥ 0.35",
            spread / rps("spread", "nginx"), 0.35, True)
        add("spread ingest ÷ Alertmanager", "%.2f" % (spread / rps("spread", "alertmanager")), "≥ 2.5",
            spread / rps("spread", "alertmanager"), 2.5, True)
        p = median([r["p99_us"] for r in results[("spread", "debriefd")]]) / 1000
        add("spread ingest p99 (64 connections)", "%.1f ms" % p, "≤ 10 ms", p, 10, False)
        add("storm ÷ spread req/s", "%.2f" % (storm / spread), "≥ 0.80", storm / spread, 0.8, True)
    big = hist.get("100k")
    if big and "ingest" in big:
        plain = median([r["rps"] for r in big["ingest"]["plain"]])
        scraped = median([r["rps"] for r in big["ingest"]["scraped"]])
        add("ingest at 100k, scraped every 1 s ÷ not", "%.2f" % (scraped / plain), "≥ 0.95", scraped / plain, 0.95,
            True)
        p_plain = median([r["p99_us"] for r in big["ingest"]["plain"]])
        p_scraped = median([r["p99_us"] for r in big["ingest"]["scraped"]])
        add("ingest p99 at 100k, scraped ÷ not", "%.2f (%.1f / %.1f ms)" % (
            p_scraped / p_plain, p_scraped / 1000, p_plain / 1000), "≤ 1.05", p_scraped / p_plain, 1.05, False)
    if big:
        m = p99(big["metrics"]["times"]) * 1000
        add("/metrics at 100k incidents (p99)", "%.1f ms" % m, "≤ 20 ms", m, 20, False)
        i = p99(big["incidents"]["times"]) * 1000
        add("GET /api/v1/incidents first page at 100k (p99)", "%.1f ms, %d B" % (i, big["incidents"]["bytes"]),
            "≤ 10 ms", i, 10, False)
        rss = big["mem"]["VmRSS"]
        add("RSS at 1M events after start", "%.0f MiB (peak %.0f)" % (rss, big["mem"]["VmHWM"]), "≤ 200 MB",
            rss * 1.048576, 200, False)
        r = big["restart"]["ready_s"]
        add("ready (restart) at 1M events", "%.2f s (CPU %.2f s)" % (r, big["restart"]["ready_cpu_s"]), "≤ 1 s",
            r, 1, False)
        po = big["restart"]["port_s"]
        add("port open (restart) at 1M events", "%.3f s" % po, "at once (≤ 0.1 s)", po, 0.1, False)
        rows.append(("while loading (first start at 1M events)", "/healthz %s, /readyz %s" % (
            big["first"]["healthz_loading"] or "-", ", ".join(map(str, big["first"]["before_ready"])) or "-"),
            "/healthz 200, /readyz 503", float("nan"),
            big["first"]["healthz_loading"] == 200 and big["first"]["before_ready"] == [503]))
    if report:
        w = median([r["wall_s"] for r in report["html"]])
        c = median([r["cpu_s"] for r in report["html"]])
        add("quarterly report of 10k incidents (html, CLI)", "%.2f s (CPU %.2f s)" % (w, c), "≤ 1 s", w, 1, False)
    return rows


def print_targets(rows, load):
    log("\n== targets: measured / target / ratio (load average %s)" % load)
    for name, measured, text, ratio, ok in rows:
        log("%-48s %s / %s / %s  %s" % (name, measured, text, fmt_ratio(ratio), "ok" if ok else "MISSED"))


def fmt_ratio(r):
    return "-" if r != r else "%.2f" % r


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) / 1024 / 1024
    return "%d cores (%s), %.0f GiB, Linux %s" % (os.cpu_count(), cpu, mem, platform.release())


def versions(args):
    def first_line(argv):
        try:
            r = subprocess.run(argv, capture_output=True, text=True, timeout=10)
            return (r.stdout + r.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "?"
    return {"debriefd": first_line([args.debriefd, "--version"]), "nginx": first_line(["nginx", "-v"]),
            "alertmanager": first_line([args.alertmanager, "--version"]), "wrk": first_line(["wrk", "-v"]).split(" Copyright")[0]}


def ingest_table(results, md=True):
    lines = ["| case | server | req/s | p99 (ms) | CPU µs/request | ÷ nginx | ÷ Alertmanager | failed | load average |",
             "|---|---|---|---|---|---|---|---|---|"]
    for case in CASES:
        base = {n: median([r["rps"] for r in results[(case, n)]]) for n in SERVERS}
        for name in SERVERS:
            rs = results[(case, name)]
            v = base[name]
            lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                CASE_TITLES[case] if name == "nginx" else "", name, rng([r["rps"] for r in rs]),
                fmt_ms([r["p99_us"] for r in rs]), rng([r["cpu_us"] for r in rs], "{:.1f}"),
                "%.2f" % (v / base["nginx"]), "%.2f" % (v / base["alertmanager"]),
                ", ".join(str(r["errors"]) for r in rs) if any(r["errors"] for r in rs) else "0",
                ", ".join(r["load"].split()[0] for r in rs)))
    return "\n".join(lines)


def history_table(hist):
    lines = ["| store | events | first start: port / ready (CPU) | restart: port / ready (CPU) | RSS / peak | "
             "`/metrics` median / p99, size | `/api/v1/incidents` median / p99, size |",
             "|---|---|---|---|---|---|---|"]
    for h in hist.values():
        lines.append("| %s | %d | %.2f s / %.2f s (%.2f s) | %.2f s / %.2f s (%.2f s) | %.0f / %.0f MiB | "
                     "%.1f / %.1f ms, %d KB | %.1f / %.1f ms, %d KB (%d incidents) |" % (
                         h["title"], h["events"], h["first"]["port_s"], h["first"]["ready_s"],
                         h["first"]["ready_cpu_s"], h["restart"]["port_s"], h["restart"]["ready_s"],
                         h["restart"]["ready_cpu_s"], h["mem"]["VmRSS"], h["mem"]["VmHWM"],
                         median(h["metrics"]["times"]) * 1000, p99(h["metrics"]["times"]) * 1000,
                         h["metrics"]["bytes"] / 1000, median(h["incidents"]["times"]) * 1000,
                         p99(h["incidents"]["times"]) * 1000, h["incidents"]["bytes"] / 1000,
                         h["incidents"]["shown"]))
    return "\n".join(lines)


def write_docs(path, args, results, hist, report, rows, extra, started, load, took):
    v = versions(args)
    big = hist.get("100k", {})
    ing = big.get("ingest")
    scraped = ""
    if ing:
        scraped = ("| run | req/s | p99 (ms) | scrapes of `/metrics` during the run (ms) |\n|---|---|---|---|\n"
                   "| no scrape | %s | %s | |\n| a scrape every second | %s | %s | %s |\n" % (
                       rng([r["rps"] for r in ing["plain"]]), fmt_ms([r["p99_us"] for r in ing["plain"]]),
                       rng([r["rps"] for r in ing["scraped"]]), fmt_ms([r["p99_us"] for r in ing["scraped"]]),
                       rng([s * 1000 for r in ing["scraped"] for s in r["scrapes"]], "{:.1f}")))
    rep = ""
    if report:
        rep = "| format | wall time (s) | CPU (s) | peak RSS (MiB) | output |\n|---|---|---|---|---|\n"
        for fmt, rs in report.items():
            rep += "| %s | %s | %s | %s | %.1f MB |\n" % (
                fmt, rng([r["wall_s"] for r in rs], "{:.2f}"), rng([r["cpu_s"] for r in rs], "{:.2f}"),
                rng([r["maxrss_mib"] for r in rs]), rs[0]["bytes"] / 1e6)
    tgt = "| target | measured | goal | ratio | |\n|---|---|---|---|---|\n" + "".join(
        "| %s | %s | %s | %s | %s |\n" % (n, m, t, fmt_ratio(r), "ok" if ok else "missed") for n, m, t, r, ok in rows)
    text = """# Benchmarks

Speed is measured by benchmarks run on demand, never by timed tests:

```sh
make bench                 # %(took)s; BENCH_ROUNDS=3, BENCH_SECONDS=10
BENCH_QUICK=1 make bench   # tiny stores, 1 s runs: checks that the harness works
```

`make bench` runs `bench/run.py`, which starts nginx, Alertmanager and
`debriefd serve` on free ports of 127.0.0.1, loads them with `wrk`, times
debriefd on generated histories, and rewrites this page from what it printed.
Figures are medians with the range (lowest–highest) of the rounds in
parentheses, not a best run. Load averages are the machine's 1-minute load
when each run began: with 2 cores, anything above about 2 means the figures
were shared with something else.

Machine: %(machine)s. %(date)s, %(rounds)d rounds of %(seconds)d s.
%(debriefd)s; %(nginx)s; %(alertmanager)s; %(wrk)s.
%(shared)s
## Targets

%(tgt)s
## Ingest over HTTP, beside nginx and Alertmanager

`wrk -t1 -c64 -d%(seconds)ds --latency -s bench/wrk/alerts.lua`, 64 keep-alive
connections, one request in flight each. Every request carries a ~1 KB
Alertmanager notification with one alert: to debriefd `POST
/webhooks/alertmanager`; to nginx the same body (`return 204;`: what HTTP
alone costs on this machine, the ceiling); to Alertmanager the same alert in
its own `POST /api/v2/alerts` form. Spread: each request a new alert (unique
fingerprint), over 1,000 services. Storm: each request a new alert, all of the
same service and severity, so all in one incident, which holds
%(storm_alerts)d alerts at the end of the last round. Duplicates: one body re-sent
(whether a duplicate is synced to disk is not seen from outside; its cost shows
in its req/s and CPU per request). The cases and servers run interleaved, each
round in the same order; while one server is measured the other two are paused
(SIGSTOP), so that none works on in the background on what it was sent. CPU
per request is the server's user + system time (all threads; nginx with its
worker) over the run divided by the requests answered. Failed: requests answered other than
2xx plus socket errors and timeouts, per round (a run with failures gets a
warning with the answers, and fails the quick mode).

%(ingest)s

## History size

Stores generated by `bench/gen_history.py` (1,000 services, each incident a
deploy and 5 alerts that fire and resolve, at past times of 2026-Q3; the storm
is one incident whose alerts all fire and then resolve) and imported with
`debriefd replay`; they are kept in `build/bench-data/` and copied for each
run. A start is timed from exec to the first accepted connection (port) and
to the first `/readyz` 200 (ready), with the CPU time debriefd had used by then
(the figure that does not depend on what else the machine runs); the restart
is a second start of the same store, finding whatever the first start
persisted. RSS is `VmRSS` after ready, peak `VmHWM`. "-" under "while loading"
in the targets: the port was not open before the store was loaded. Reads are
sequential, each on a new connection; the incidents list is its default first
page.

%(history)s

%(import)s

### Ingest while `/metrics` is scraped (100k incidents)

The spread case against debriefd serving the 100k store, with and without a
scrape of `/metrics` every second during each run, interleaved.

%(scraped)s
### Quarterly report from the CLI

`debriefd report --quarter 2026-Q3 --format html|json` of the 10k store
(10,000 incidents in the quarter), exec to exit, in a fresh process each time;
CPU is its user + system time.

%(report)s
%(extra)s"""
    shared = ""
    if float(load.split()[0]) > os.cpu_count():
        shared = ("The load average was %s at the end of this run, on %d cores: other\n"
                  "processes shared the CPU with it, so read the ratios (measured in the same\n"
                  "run) and the CPU times rather than absolute rates.\n" % (load, os.cpu_count()))
    imports = ", ".join("%s %.0f s" % (h["title"], h["import_s"]) for h in hist.values())
    generated = [h["title"] for h in hist.values() if not h.get("cached")]
    took_text = "this run: %s on %d cores, %s" % (
        "%.0f s" % took if took < 120 else "%.0f min" % (took / 60), os.cpu_count(),
        "generating the stores of " + ", ".join(generated) if generated else "its stores cached by an earlier run")
    text = text % {
        "took": took_text,
        "machine": machine(), "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "rounds": args.rounds, "seconds": args.seconds, "tgt": tgt,
        "ingest": ingest_table(results) if results else "", "history": history_table(hist) if hist else "",
        "import": ("Import with `debriefd replay`, when the cache was built: " + imports + "."
                   if imports else ""),
        "scraped": scraped, "report": rep, "shared": shared, "storm_alerts": getattr(args, "storm_alerts", 0), "extra": extra, **v}
    with open(path, "w") as f:
        f.write(text.rstrip() + "\n")
    log("wrote " + path)


# ---------------------------------------------------------------- in-process benches


def run_inprocess(args):
    """The in-process ingest bench and the report/pages bench, their output as printed."""
    parts = []
    ingest = os.path.join(args.bench_dir, "debriefd_ingest_bench")
    report = os.path.join(args.bench_dir, "debriefd_report_bench")
    if os.path.exists(ingest):
        log("\n== %s" % ingest)
        load = loadavg()
        r = subprocess.run([ingest], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        r.stdout = "\n".join(l for l in r.stdout.splitlines() if not re.match(r"\[\d{4}-", l))  # its log lines
        log(r.stdout)
        if r.returncode != 0:
            fail("%s: exit %d" % (ingest, r.returncode))
        parts.append("""## In-process ingest (`bench/ingest_bench.cc`)

`build/bench/debriefd_ingest_bench [events] [alerts-per-request] [clients]`
sends 200,000 new alerts as Alertmanager webhooks, parsed, deduplicated,
applied, appended to the SQLite file and synced before each answer: in-process
(parser + ingest service, clients are threads) and over HTTP (the server on
127.0.0.1 with its own client). As printed by this run (load average %s):

```
%s
```
""" % (load, r.stdout.strip()))
    reads = os.path.join(args.bench_dir, "debriefd_reads_bench")
    if os.path.exists(reads):
        log("\n== %s" % reads)
        load = loadavg()
        r = subprocess.run([reads], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        log(r.stdout)
        if r.returncode != 0:
            fail("%s: exit %d" % (reads, r.returncode))
        parts.append("""## Reads at 100k incidents, in process (`bench/reads_bench.cc`)

What a scrape of `/metrics` and a page of `GET /api/v1/incidents` cost over a
tracker of 100,000 incidents, and how long each holds the state lock (the
header of `bench/reads_bench.cc` says what each line times). As printed by
this run (load average %s):

```
%s
```
""" % (load, r.stdout.strip()))
    if os.path.exists(report):
        log("\n== %s" % report)
        load = loadavg()
        r = subprocess.run([report, "--benchmark_repetitions=3", "--benchmark_format=json"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        if r.returncode != 0:
            fail("%s: exit %d" % (report, r.returncode))
        runs = {}
        for b in json.loads(r.stdout)["benchmarks"]:
            if b.get("run_type") == "iteration":
                runs.setdefault(b["name"], []).append(b)
        table = ["| benchmark | CPU time (ms) | wall time (ms) | output |", "|---|---|---|---|"]
        for name, bs in runs.items():
            unit = next((k for k in ("MB", "KB") if k in bs[0]), None)
            table.append("| `%s` | %s | %s | %s |" % (
                name, rng([b["cpu_time"] for b in bs], "{:.3g}"), rng([b["real_time"] for b in bs], "{:.3g}"),
                "%.3g %s" % (bs[0][unit], unit) if unit else ""))
        log("\n".join(table))
        parts.append("""## Quarterly report and pages, in process (`bench/report_bench.cc`)

Google Benchmark over two synthetic quarters of 10,000 incidents each:
`BuildReport` is the model alone, the others render the second quarter in each
format, or a page (docs/pages.md) as a page view does. As printed by this run
(median and range of 3 repetitions; load average %s):

%s
""" % (load, "\n".join(table)))
    return "\n".join(parts)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--debriefd", default=os.path.join(ROOT, "build", "debriefd"))
    p.add_argument("--alertmanager", default=shutil.which("prometheus-alertmanager") or "alertmanager")
    p.add_argument("--data-dir", default=os.path.join(ROOT, "build", "bench-data"),
                   help="cache of generated stores")
    p.add_argument("--bench-dir", default=None, help="folder of debriefd_ingest_bench and debriefd_report_bench")
    p.add_argument("--docs", default=None, help="write this markdown file (docs/benchmarks.md)")
    p.add_argument("--quick", action="store_true", default=os.environ.get("BENCH_QUICK") == "1")
    p.add_argument("--skip", default="", help="comma list of parts to skip: peers,postgres,history,report,inprocess")
    args = p.parse_args()
    args.rounds = int(os.environ.get("BENCH_ROUNDS", "1" if args.quick else "3"))
    args.seconds = int(os.environ.get("BENCH_SECONDS", "1" if args.quick else "10"))
    args.scrapes = 5 if args.quick else 20
    skip = set(filter(None, args.skip.split(",")))

    missing = [t for t in ("wrk", "nginx") if not shutil.which(t)]
    if not shutil.which(args.alertmanager):
        missing.append("prometheus-alertmanager")
    if missing:
        log("SKIP: %s not installed (scripts/install-deps.sh installs them; make test or make bench runs it)"
            % ", ".join(missing))
        return 77
    if not os.access(args.debriefd, os.X_OK):
        fail("%s: no such binary (build it: cmake --build build --target debriefd)" % args.debriefd)
    args.debriefd = os.path.abspath(args.debriefd)
    args.data_dir = os.path.abspath(args.data_dir)
    os.makedirs(args.data_dir, exist_ok=True)

    started = datetime.datetime.now(datetime.timezone.utc)
    t_start = time.monotonic()
    log("bench: %s; %s; %d rounds of %d s%s; load average %s" % (
        machine(), args.debriefd, args.rounds, args.seconds, " (quick)" if args.quick else "", loadavg()))
    results, hist, report = {}, {}, None
    with tempfile.TemporaryDirectory(prefix="debriefd-bench-") as tmp:
        if "peers" not in skip:
            log("\n== ingest over HTTP: nginx, Alertmanager, debriefd")
            args.storm_alerts = ingest_vs_peers(args, tmp, results)
        pg, pg_skipped = {}, "skipped (`--skip postgres`)"
        if "postgres" not in skip:
            log("\n== durable ingest on SQLite and PostgreSQL, and a replica following another")
            pg_skipped = postgres_bench.run(sys.modules[__name__], args, pg)
            if pg_skipped:
                log("SKIP postgres: " + pg_skipped)
        if "history" not in skip:
            log("\n== history size")
            small, large, storm = (200, 1000, 2000) if args.quick else (10000, 100000, 80000)
            for label, title, shape, n, alerts, scrape in (
                    ("10k", "%d incidents" % small, "spread", small, 5, False),
                    ("100k", "%d incidents" % large, "spread", large, 5, True),
                    ("storm", "one incident of %d alerts" % storm, "storm", 1, storm, False)):
                hist[label] = history_store(args, tmp, label, shape, n, alerts, scrape)
                hist[label]["title"] = title
        if "report" not in skip:
            log("\n== quarterly report from the CLI")
            report = quarterly_report(args, tmp, 200 if args.quick else 10000, 3)
    extra = run_inprocess(args) if args.bench_dir and not args.quick and "inprocess" not in skip else ""

    load = loadavg()
    if results:
        log("\n== ingest over HTTP (median (range) of %d rounds)\n%s" % (args.rounds, ingest_table(results)))
    if hist:
        log("\n== history\n" + history_table(hist))
    postgres_bench.print_summary(sys.modules[__name__], args, pg, pg_skipped)
    rows = targets(results, hist, report) + postgres_bench.targets(sys.modules[__name__], pg)
    print_targets(rows, load)
    if float(load.split()[0]) > os.cpu_count():
        log("WARNING: load average %s on %d cores: other processes shared the CPU with this run"
            % (load, os.cpu_count()))
    took = time.monotonic() - t_start
    log("\nbench: %.0f s" % took)
    if args.docs:
        extra = postgres_bench.section(sys.modules[__name__], args, pg, pg_skipped) + "\n" + extra
        write_docs(args.docs, args, results, hist, report, rows, extra, started, load, took)
    return 0


if __name__ == "__main__":
    sys.exit(main())
