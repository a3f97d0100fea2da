"""The PostgreSQL part of `make bench` (bench/run.py, `--skip postgres` leaves it out).

Durable ingest on PostgreSQL beside SQLite, and how fast a replica follows
another one on the same database. A private PostgreSQL 15 server
(tests/support/postgres.py: fsync on, default synchronous_commit, a Unix socket
in a temporary folder, no TCP port) is started and stopped here, with three
`debriefd serve` processes on it: one alone on its database, and a pair, A and
B, on another. One debriefd on SQLite runs beside them. In each round, in this
order, the spread case of bench/wrk/alerts.lua (a new alert per request) loads:

  sqlite    the SQLite debriefd, `wrk -t1 -c64`
  postgres  the lone PostgreSQL replica, `wrk -t1 -c64`
  pair      A and B at once, one `wrk -t1 -c32` each (req/s summed)
  follow    A alone, `wrk -t1 -c64`, while B applies A's events: B's
            debriefd_replication_delay_seconds histogram is read before and
            after, and the time B's debriefd_store_applied_seq takes to reach
            A's once the load has ended is timed (a bounded wait).

Only the binary, its HTTP API and its /metrics are used.
"""
import http.client
import importlib.util
import json
import os
import re
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
KINDS = ("sqlite", "postgres", "pair")
KIND_TITLES = {"sqlite": "SQLite", "postgres": "PostgreSQL, one replica",
               "pair": "PostgreSQL, two replicas (load split, -c32 each)"}
CATCH_UP_WAIT = 30.0  # seconds B may take to reach A's seq after a run
DELAY = "debriefd_replication_delay_seconds"
_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)')
_LE = re.compile(r'le="([^"]*)"')


def temp_postgres_class():
    """TempPostgres of tests/support/postgres.py, or None when it cannot be loaded."""
    path = os.path.join(ROOT, "tests", "support", "postgres.py")
    spec = importlib.util.spec_from_file_location("debriefd_temp_postgres", path)
    if spec is None or not os.path.exists(path):
        return None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.TempPostgres


def available():
    """(TempPostgres class, None), or (None, why the part is skipped)."""
    cls = temp_postgres_class()
    if cls is None:
        return None, "tests/support/postgres.py not found"
    if not cls.available():
        return None, "PostgreSQL 15 is not installed (/usr/lib/postgresql/15/bin)"
    return cls, None


def scrape(port):
    """{'seq': applied seq, 'buckets': [(le, cumulative)], 'count': n} from /metrics."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/metrics")
        resp = conn.getresponse()
        body = resp.read().decode(errors="replace")
        if resp.status != 200:
            raise OSError("GET /metrics answered %d" % resp.status)
    finally:
        conn.close()
    out = {"seq": None, "buckets": [], "count": 0}
    for line in body.splitlines():
        if line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        if not m:
            continue
        name, labels, value = m.groups()
        if name == "debriefd_store_applied_seq":
            out["seq"] = int(float(value))
        elif name == DELAY + "_bucket":
            le = _LE.search(labels or "")
            if le:
                out["buckets"].append((float(le.group(1)), float(value)))  # "+Inf" parses as inf
        elif name == DELAY + "_count":
            out["count"] = float(value)
    out["buckets"].sort()
    return out


def delay_delta(before, after):
    """The histogram of the events applied between two scrapes: [(le, cumulative)], count."""
    prev = dict(before["buckets"])
    return [(le, v - prev.get(le, 0.0)) for le, v in after["buckets"]], after["count"] - before["count"]


def bucket_bound(buckets, count, q):
    """Upper bound of the bucket holding quantile q (inf past the last finite bucket)."""
    for le, cum in buckets:
        if count and cum >= q * count:
            return le
    return float("nan")


def within(buckets, count, bound):
    return next((cum / count for le, cum in buckets if le == bound), float("nan")) if count else float("nan")


def fmt_s(v):
    if v != v:
        return "-"
    if v == float("inf"):
        return "> last bucket"
    return ("%g s" % v) if v >= 1 else ("%g ms" % (v * 1000))


def replica_class(b):
    """run.py's Debriefd, on a PostgreSQL database (storage.driver: postgres) instead of a file."""
    class Replica(b.Debriefd):
        def __init__(self, binary, tmp, dsn, name):
            port = b.free_port()
            conf = os.path.join(tmp, name + ".yaml")
            with open(conf, "w") as f:
                f.write("listen: 127.0.0.1:%d\nstorage:\n  driver: postgres\n  dsn: %s\nlog:\n  level: warn\n"
                        % (port, json.dumps(dsn)))
            b.Server.__init__(self, name, [binary, "serve", "--config", conf], port, tmp)
            self.port_s = self.ready_s = self.healthz_loading = None
            self.before_ready = set()
    return Replica


def pg_cpu(b, pg):
    """CPU seconds of the PostgreSQL server: the postmaster and its live children."""
    pid = pg.postmaster_pid()
    return b.cpu_seconds(pid, with_children=True) if pid else 0.0


def caught_up(b, a, other, t0=None, timeout=CATCH_UP_WAIT):
    """Waits until other's applied seq reaches a's (read once, now). Returns (seconds from
    t0 until the first /metrics answer of other showing it, or None past timeout; a's seq;
    seconds that last scrape of other took)."""
    t0 = time.monotonic() if t0 is None else t0
    target = scrape(a.port)["seq"]
    while time.monotonic() - t0 < timeout:
        s0 = time.monotonic()
        seq = scrape(other.port)["seq"]
        s1 = time.monotonic()
        if seq >= target:
            return s1 - t0, target, s1 - s0
        time.sleep(0.002)
    return None, target, None


def run(b, args, results):
    """Runs the rounds; fills results and returns None, or returns why it was skipped."""
    cls, why = available()
    if cls is None:
        return why
    with tempfile.TemporaryDirectory(prefix="debriefd-bench-pg-") as tmp:
        pg = cls(tmp)  # its own folder under /tmp, which the postgres user can reach
        servers = []
        try:
            pg.start()
            single_dsn, pair_dsn = pg.create_database("single"), pg.create_database("pair")
            replica = replica_class(b)
            lite = b.Debriefd(args.debriefd, tmp, os.path.join(tmp, "sqlite.db"), name="debriefd-sqlite")
            servers.append(lite)
            lone = replica(args.debriefd, tmp, single_dsn, "debriefd-pg")  # not postgres.log: the server's
            servers.append(lone)
            a = replica(args.debriefd, tmp, pair_dsn, "debriefd-a")
            servers.append(a)
            rb = replica(args.debriefd, tmp, pair_dsn, "debriefd-b")
            servers.append(rb)
            for s in servers:
                s.wait_ready(60)
            results["pg_version"] = pg.psql("SHOW server_version").strip()
            results["settings"] = "fsync %s and synchronous_commit %s" % (
                pg.psql("SHOW fsync").strip(), pg.psql("SHOW synchronous_commit").strip())
            for rnd in range(args.rounds):
                one_round(b, args, pg, rnd, lite, lone, a, rb, results)
        except (RuntimeError, OSError, http.client.HTTPException) as e:
            b.fail("postgres: %s" % e)
        finally:
            for s in servers:
                s.stop()
            pg.close()
    return None


def single(b, args, pg, server, kind, rid, rnd, results, with_pg):
    path = "/webhooks/alertmanager"
    pcpu0 = pg_cpu(b, pg) if with_pg else 0.0
    r = b.measured_run(server, path, "spread", "webhook", rid, args.seconds)
    r["pg_cpu_us"] = (pg_cpu(b, pg) - pcpu0) * 1e6 / max(r["requests"], 1) if with_pg else None
    b.check_errors(args, server, path, "spread", "webhook", rid, r, "%s spread" % kind)
    results.setdefault(kind, []).append(r)
    log_run(b, rnd, kind, r)
    return r


def log_run(b, rnd, kind, r):
    if r["errors"]:
        b.log("round %d %-9s failed: %s" % (rnd + 1, kind, ", ".join(
            "%s %d" % (k, r[k]) for k in ("non2xx", "connect", "read", "write", "timeout") if r.get(k))))
    b.log("round %d %-9s %8.0f req/s  p99 %6.2f ms  cpu %6.1f us/req%s  load %s" % (
        rnd + 1, kind, r["rps"], r["p99_us"] / 1000, r["cpu_us"],
        "  postgres %6.1f us/req" % r["pg_cpu_us"] if r.get("pg_cpu_us") is not None else "", r["load"]))


def pair(b, args, pg, rnd, a, rb, results):
    """Both replicas loaded at once, -c32 each; one figure of summed req/s."""
    load = b.loadavg()
    cpu0, pcpu0 = a.cpu() + rb.cpu(), pg_cpu(b, pg)
    runs = {}

    def one(server, rid):
        runs[rid] = b.wrk(server.port, "/webhooks/alertmanager", "spread", "webhook", rid, args.seconds,
                          connections=32)
    ids = ("2a%d" % rnd, "2b%d" % rnd)
    threads = [threading.Thread(target=one, args=(s, rid)) for s, rid in zip((a, rb), ids)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if len(runs) != 2:
        b.fail("pair: a wrk run did not finish")
    cpu1, pcpu1 = a.cpu() + rb.cpu(), pg_cpu(b, pg)
    each = [runs[i] for i in ids]
    requests = sum(x["requests"] for x in each)
    r = {k: sum(x[k] for x in each) for k in ("requests", "non2xx", "connect", "read", "write", "timeout", "errors")}
    r.update({"rps": sum(x["rps"] for x in each), "p99_us": max(x["p99_us"] for x in each),
              "cpu_us": (cpu1 - cpu0) * 1e6 / max(requests, 1), "pg_cpu_us": (pcpu1 - pcpu0) * 1e6 / max(requests, 1),
              "load": load, "each": [x["rps"] for x in each]})
    for s, rid in zip((a, rb), ids):
        b.check_errors(args, s, "/webhooks/alertmanager", "spread", "webhook", rid, runs[rid], "pair " + s.name)
    results.setdefault("pair", []).append(r)
    log_run(b, rnd, "pair", r)
    b.log("          pair: %s req/s" % " + ".join("%.0f" % x for x in r["each"]))
    # Each replica follows the other: both must be on the whole log before the next run.
    for x, y in ((a, rb), (rb, a)):
        s = caught_up(b, x, y)[0]
        if s is None:
            b.fail("pair: %s did not reach %s's applied seq within %.0f s" % (y.name, x.name, CATCH_UP_WAIT))


def follow(b, args, pg, rnd, a, rb, results):
    """A loaded, B following: B's replication delay over A's events, and B's catch-up."""
    before = scrape(rb.port)
    seq0 = before["seq"]
    r = b.measured_run(a, "/webhooks/alertmanager", "spread", "webhook", "fa%d" % rnd, args.seconds)
    secs, head, scrape_s = caught_up(b, a, rb, time.monotonic())
    after = scrape(rb.port)
    b.check_errors(args, a, "/webhooks/alertmanager", "spread", "webhook", "fa%d" % rnd, r, "follow A")
    buckets, count = delay_delta(before, after)
    f = {"rps": r["rps"], "p99_us": r["p99_us"], "load": r["load"], "requests": r["requests"],
         "errors": r["errors"], "catch_up_s": secs, "scrape_s": scrape_s, "events": head - seq0,
         "buckets": buckets, "count": count,
         "within_1s": within(buckets, count, 1.0), "p50": bucket_bound(buckets, count, 0.5),
         "p99": bucket_bound(buckets, count, 0.99)}
    results.setdefault("follow", []).append(f)
    b.log("round %d follow    A %8.0f req/s  p99 %6.2f ms; B applied %d events (%d timed): within 1 s %.1f%%, "
          "p50 ≤ %s, p99 ≤ %s (bucket bounds); B's /metrics showed A's seq %s after the load  load %s" % (
              rnd + 1, r["rps"], r["p99_us"] / 1000, f["events"], count, 100 * f["within_1s"], fmt_s(f["p50"]),
              fmt_s(f["p99"]), "%.0f ms (that scrape %.0f ms)" % (secs * 1000, scrape_s * 1000)
              if secs is not None else "NOT within %.0f s" % CATCH_UP_WAIT, r["load"]))
    if secs is None:
        b.fail("follow: replica B's debriefd_store_applied_seq did not reach A's (%d) within %.0f s: %s"
               % (head, CATCH_UP_WAIT, rb.tail()[-600:]))
    if count < 1:
        b.fail("follow: B's %s counted no event of A's %d (seq %d to %d)" % (DELAY, r["requests"], seq0, head))


def one_round(b, args, pg, rnd, lite, lone, a, rb, results):
    single(b, args, pg, lite, "sqlite", "ls%d" % rnd, rnd, results, False)
    single(b, args, pg, lone, "postgres", "lp%d" % rnd, rnd, results, True)
    pair(b, args, pg, rnd, a, rb, results)
    follow(b, args, pg, rnd, a, rb, results)


# ---------------------------------------------------------------- summary


def pooled(follows):
    """The delay histogram of every round's follow run together."""
    total, count = {}, 0.0
    for f in follows:
        for le, v in f["buckets"]:
            total[le] = total.get(le, 0.0) + v
        count += f["count"]
    return sorted(total.items()), count


def rps_of(results, kind):
    return [r["rps"] for r in results.get(kind, [])]


def targets(b, results):
    """Rows (name, measured, target text, ratio, ok) as in run.py's targets()."""
    follows = results.get("follow")
    if not follows:
        return []
    buckets, count = pooled(follows)
    p = bucket_bound(buckets, count, 0.99)
    share = within(buckets, count, 1.0)
    return [("replication delay p99 (follower, bucket bound)",
             "≤ %s (%.1f%% within 1 s, %d events)" % (fmt_s(p), 100 * share, count),
             "≤ 1 s on every other replica", p / 1.0, p <= 1.0)]


def table(b, results):
    """The ingest table (markdown) and the follow table (markdown)."""
    rng, med = b.rng, b.median
    lite = med(rps_of(results, "sqlite"))
    lines = ["| store | req/s | p99 (ms) | debriefd CPU µs/request | PostgreSQL CPU µs/request | ÷ SQLite | "
             "failed | load average |", "|---|---|---|---|---|---|---|---|"]
    for kind in KINDS:
        rs = results.get(kind, [])
        if not rs:
            continue
        pgc = [r["pg_cpu_us"] for r in rs if r.get("pg_cpu_us") is not None]
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            KIND_TITLES[kind], rng([r["rps"] for r in rs]), b.fmt_ms([r["p99_us"] for r in rs]),
            rng([r["cpu_us"] for r in rs], "{:.1f}"), rng(pgc, "{:.1f}") if pgc else "-",
            "%.2f" % (med(rps_of(results, kind)) / lite) if lite else "-",
            ", ".join(str(r["errors"]) for r in rs) if any(r["errors"] for r in rs) else "0",
            ", ".join(r["load"].split()[0] for r in rs)))
    fl = ["| A req/s | A p99 (ms) | events B applied | within 1 s | p50 ≤ | p99 ≤ | B on A's seq after the load "
          "(that scrape of B) | load average |", "|---|---|---|---|---|---|---|---|"]
    fs = results.get("follow", [])
    if fs:
        bounds = lambda key: ", ".join(fmt_s(f[key]) for f in fs)  # noqa: E731
        fl.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            rng([f["rps"] for f in fs]), b.fmt_ms([f["p99_us"] for f in fs]), rng([f["count"] for f in fs]),
            rng([100 * f["within_1s"] for f in fs], "{:.1f} %"), bounds("p50"), bounds("p99"),
            "%s (%s)" % (rng([f["catch_up_s"] * 1000 for f in fs], "{:.0f} ms"),
                         rng([f["scrape_s"] * 1000 for f in fs], "{:.0f} ms")),
            ", ".join(f["load"].split()[0] for f in fs)))
    return "\n".join(lines), "\n".join(fl)


def print_summary(b, args, results, skipped):
    if skipped:
        b.log("\n== replicas on PostgreSQL: not measured: " + skipped)
        return
    ingest, fol = table(b, results)
    b.log("\n== durable ingest, SQLite and PostgreSQL (median (range) of %d rounds; %s)\n%s" % (
        args.rounds, results.get("settings", ""), ingest))
    b.log("\n== replica B following A (bucket bounds of debriefd_replication_delay_seconds)\n" + fol)


def section(b, args, results, skipped):
    """The section of docs/benchmarks.md."""
    head = "## Replicas on PostgreSQL\n\n"
    if skipped:
        return head + "Not measured in this run: %s.\n" % skipped
    ingest, fol = table(b, results)
    follows = results.get("follow", [])
    buckets, count = pooled(follows)
    return head + """Durable ingest on PostgreSQL beside SQLite, and how fast one replica follows
another (docs/operations.md, "Replicas on PostgreSQL"). `bench/postgres_bench.py`
starts a private PostgreSQL %(version)s with %(settings)s
(the defaults: each acknowledged request is on disk) on a Unix socket in a
temporary folder, with one `debriefd serve` alone on one database and two
replicas, A and B, on another; one debriefd on SQLite runs beside them. Every run
is the spread case above (a new alert per request, `wrk -t1 -c64
-d%(seconds)ds`), in interleaved rounds. Two replicas: A and B loaded at once by
two `wrk -t1 -c32`, req/s summed, p99 the worse of the two. CPU per request is
debriefd's (both replicas for the pair) and, apart, PostgreSQL's (the postmaster
and its processes), over the requests answered. PostgreSQL, the replicas and
`wrk` share the same cores.

%(ingest)s

**Following.** A alone is loaded (`wrk -t1 -c64`) while B applies A's events.
B's `debriefd_replication_delay_seconds` (from A's acceptance of an event to its
application on B) is read from its `/metrics` before and after each run; the
share within 1 s and the p50 and p99 are from the difference of the cumulative
buckets, so p50 and p99 are bucket upper bounds, not exact values. "B on A's
seq": A's `debriefd_store_applied_seq` is read from its `/metrics` when the run
ends, then B's is polled; the time is from the end of the run to the first answer
of B showing A's seq (at most %(wait).0f s), so it includes reading A's and B's
`/metrics`; the duration of that last scrape of B is in parentheses. Median
(range) of the rounds; the bounds round by round.

%(follow)s

All rounds together: %(share).1f %% of %(count)d events applied on B within 1 s,
p50 ≤ %(p50)s, p99 ≤ %(p99)s (target: p99 within 1 s on every other replica).
""" % {"version": results.get("pg_version", "?"), "settings": results.get("settings", "?"),
       "seconds": args.seconds, "ingest": ingest, "follow": fol, "wait": CATCH_UP_WAIT,
       "share": 100 * within(buckets, count, 1.0), "count": count, "p50": fmt_s(bucket_bound(buckets, count, 0.5)),
       "p99": fmt_s(bucket_bound(buckets, count, 0.99))}
