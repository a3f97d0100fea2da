#!/usr/bin/env python3
"""End-to-end test of `debriefd report` (docs/reports.md).

    report_test.py formats  DEBRIEFD SOURCE_DIR
        Replays tests/fixtures/report/history.jsonl into a fresh store, writes the
        2026-Q3 report in every format and reads each with a real parser: Python's
        csv and json modules, and the HTML in headless Chromium (its DOM, and a
        screenshot that must show more than a blank page).

    report_test.py monthly  DEBRIEFD SOURCE_DIR
        Replays tests/fixtures/report/monthly.jsonl (action items) into a fresh
        store, writes the monthly review of 2026-11 (`--month`) as JSON, CSV and
        Markdown and checks every figure, then opens the HTML in headless Chromium
        and checks the summary figures it shows; an empty month renders too.
        Judged at `--now 2026-12-03T00:00:00Z`, so the figures do not depend on
        the machine's clock.

    report_test.py backfill DEBRIEFD SOURCE_DIR
        Backfills a real Prometheus from `--format openmetrics` with
        `promtool tsdb create-blocks-from openmetrics`, starts it on the blocks and
        queries a backfilled series at a time in the past.

Exits 77 (skipped) only when chromium, or promtool and prometheus, are missing;
the other checks still run first. Every wait is bounded.
"""
import csv
import io
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import zlib

SKIP = 77
COLUMNS = [
    "incident_id", "service", "severity", "title", "started_at", "detected_at", "resolved_at",
    "time_to_detect_seconds", "time_to_fix_seconds", "detect_goal_met", "fix_goal_met", "suspected_cause",
    "confirmed_cause", "debrief_status", "debrief_completed_at", "debrief_on_time", "action_items_open",
    "action_items_closed", "repeat_of", "auto_resolved",
]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def run(args, cwd, timeout=120, expect=0):
    p = subprocess.run(args, cwd=cwd, capture_output=True, timeout=timeout)
    if expect is not None and p.returncode != expect:
        fail("%s exited %d (expected %d)\nstdout: %s\nstderr: %s" % (
            " ".join(args), p.returncode, expect, p.stdout.decode(errors="replace")[-2000:],
            p.stderr.decode(errors="replace")[-2000:]))
    return p


def replay(debriefd, source_dir, work):
    shutil.copy(os.path.join(source_dir, "tests/fixtures/report/debriefd.yaml"), os.path.join(work, "debriefd.yaml"))
    history = os.path.join(source_dir, "tests/fixtures/report/history.jsonl")
    out = run([debriefd, "replay", "--config", "debriefd.yaml", history], work).stdout.decode()
    check("27 events accepted" in out, "replay: " + out)


def report(debriefd, work, fmt, out_name, *extra):
    run([debriefd, "report", "--config", "debriefd.yaml", "--format", fmt, "--out", out_name] + list(extra), work)
    with open(os.path.join(work, out_name), "rb") as f:
        return f.read()


# --- PNG: enough of a reader to tell a rendered page from a blank one ------------------

def png_summary(path):
    with open(path, "rb") as f:
        data = f.read()
    check(data[:8] == b"\x89PNG\r\n\x1a\n", "screenshot is not a PNG")
    pos, width, height, bpp, idat = 8, 0, 0, 0, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", chunk[:10])
            check(depth == 8 and color in (2, 6), "unexpected PNG format depth=%d color=%d" % (depth, color))
            bpp = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = 1 + width * bpp
    check(len(raw) == height * stride, "PNG image data has the wrong size")
    # Filtered bytes of a uniform page are (almost) all zero; a rendered
    # report has text, tables and charts everywhere.
    nonzero_rows = sum(1 for y in range(height) if raw[y * stride + 1:(y + 1) * stride].strip(b"\0"))
    return width, height, len(data), nonzero_rows


def chromium(browser, work, url, *mode):
    profile = tempfile.mkdtemp(prefix="chromium-", dir=work)
    return run([browser] + CHROMIUM_FLAGS + ["--user-data-dir=" + profile] + list(mode) + [url], work, timeout=120)


# --- formats --------------------------------------------------------------------------------

def test_formats(debriefd, source_dir, work):
    replay(debriefd, source_dir, work)

    # CSV, by Python's RFC 4180 reader.
    data = report(debriefd, work, "csv", "report.csv", "--quarter", "2026-Q3")
    stdout = run([debriefd, "report", "--config", "debriefd.yaml", "--quarter", "2026-Q3", "--format", "csv"],
                 work).stdout
    check(stdout == data, "--out and stdout differ")
    check(data.count(b"\n") == data.count(b"\r\n") + 1, "records must end with CRLF (one LF is inside a title)")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    check(rows[0] == COLUMNS, "CSV header: %r" % rows[0])
    check([r[0] for r in rows[1:]] == ["INC-A", "INC-B", "inc-000001", "INC-D", "INC-E"], "CSV ids: %r" % rows)
    a = dict(zip(COLUMNS, rows[1]))
    check(a["title"] == 'Checkout "pay" fails, users see 500\nretry storms', "CSV title: %r" % a["title"])
    check(a["started_at"] == "2026-07-02T08:00:00Z" and a["time_to_fix_seconds"] == "6000", "CSV INC-A: %r" % a)
    d = dict(zip(COLUMNS, rows[4]))
    check(d["resolved_at"] == "" and d["fix_goal_met"] == "" and d["repeat_of"] == "INC-A", "CSV INC-D: %r" % d)

    # JSON.
    doc = json.loads(report(debriefd, work, "json", "report.json", "--quarter", "2026-Q3"))
    s = doc["summary"]
    expected = {"incidents": 5, "detect_goal_attainment": 0.6, "fix_goal_attainment": 0.75,
                "time_to_detect_p50_seconds": 900, "time_to_detect_p90_seconds": 4200,
                "time_to_fix_p50_seconds": 3900, "time_to_fix_p90_seconds": 9000, "debriefs_required": 5,
                "debriefs_on_time": 1, "debriefs_late": 1, "debriefs_missing": 1, "action_items_opened": 3,
                "action_items_closed": 2, "repeats": 3, "auto_resolved": 1, "changes": 3}
    for k, v in expected.items():
        check(s[k] == v, "summary.%s = %r, expected %r" % (k, s[k], v))
    check(abs(s["change_failure_rate"] - 1 / 3) < 1e-12, "change_failure_rate %r" % s["change_failure_rate"])
    check(doc["previous_summary"]["incidents"] == 2 and doc["difference"]["incidents"] == 3, "previous/difference")
    check([x["service"] for x in doc["services"]] == ["checkout", "payments", "search"], "services")
    check([list(x.keys()) for x in doc["incidents"]] == [COLUMNS] * 5, "JSON incident keys")

    # Markdown: every table row as wide as its header.
    md = report(debriefd, work, "md", "report.md", "--quarter", "2026-Q3").decode()
    check(md.startswith("# Reliability review 2026-Q3\n"), "Markdown title")
    width = None
    for line in md.splitlines():
        if not line.startswith("|"):
            width = None
            continue
        n = len(line.replace("\\|", "").split("|"))
        width = width or n
        check(n == width, "Markdown row of another width: " + line)

    # An empty quarter is an empty, valid report; bad options fail with a message.
    empty = json.loads(report(debriefd, work, "json", "empty.json", "--quarter", "2026-Q1"))
    check(empty["incidents"] == [] and empty["summary"]["incidents"] == 0, "empty quarter")
    check(empty["summary"]["detect_goal_attainment"] is None, "empty quarter: null attainment")
    rows = list(csv.reader(io.StringIO(report(debriefd, work, "csv", "empty.csv", "--quarter", "2026-Q1").decode(),
                                       newline="")))
    check(rows == [COLUMNS], "empty CSV: %r" % rows)
    sept = json.loads(report(debriefd, work, "json", "sept.json", "--from", "2026-09-01", "--to", "2026-09-30"))
    check(sept["range"]["label"] == "2026-09-01..2026-09-30" and sept["summary"]["incidents"] == 3, "from/to")
    for bad, needle in ((["--quarter", "2026-Q9"], "quarter"), (["--quarter", "2026-Q3", "--format", "xlsx"], "format"),
                        (["--from", "2026-07-01"], "to"), ([], "quarter")):
        p = run([debriefd, "report", "--config", "debriefd.yaml", "--now", NOW] + bad, work, expect=1)
        check(needle in p.stderr.decode(), "%r: %s" % (bad, p.stderr.decode()))

    elsewhere = os.path.join(work, "elsewhere")
    os.mkdir(elsewhere)
    shutil.copy(os.path.join(work, "debriefd.yaml"), elsewhere)
    p = run([debriefd, "report", "--config", "debriefd.yaml", "--quarter", "2026-Q3"], elsewhere, expect=1)
    check("no such store" in p.stderr.decode() and not os.path.exists(os.path.join(elsewhere, "debriefd.db")),
          "a missing store must be an error, not an empty report: " + p.stderr.decode())

    report(debriefd, work, "openmetrics", "report.om", "--quarter", "2026-Q3")
    html_path = os.path.join(work, "report.html")
    report(debriefd, work, "html", "report.html", "--quarter", "2026-Q3")

    # HTML, in a real browser.
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        print("SKIP: chromium not installed (scripts/install-deps.sh installs it)")
        return SKIP
    url = "file://" + html_path
    dom = chromium(browser, work, url, "--dump-dom").stdout.decode()
    check("Reliability review" in dom and "2026-Q3" in dom, "DOM lacks the title")
    check(dom.count("<svg") == 3, "DOM should hold 3 charts, has %d" % dom.count("<svg"))
    check("&lt;script&gt;alert(1)&lt;/script&gt;" in dom and "<script>alert" not in dom, "user text not escaped")
    shot = os.path.join(work, "r.png")
    chromium(browser, work, url, "--screenshot=" + shot, "--window-size=1280,2000")
    check(os.path.exists(shot), "no screenshot")
    width, height, size, busy_rows = png_summary(shot)
    check((width, height) == (1280, 2000), "screenshot is %dx%d" % (width, height))
    check(size > 50_000, "screenshot is only %d bytes" % size)
    check(busy_rows > height // 3, "screenshot looks blank: %d of %d rows have content" % (busy_rows, height))
    if os.environ.get("DEBRIEFD_KEEP_SCREENSHOT"):
        shutil.copy(shot, os.environ["DEBRIEFD_KEEP_SCREENSHOT"])
    print("ok: csv, json, md, openmetrics; html in chromium (%d bytes, %d/%d rows with content)" %
          (size, busy_rows, height))
    return 0


# --- monthly --------------------------------------------------------------------------------

MONTHLY_COLUMNS = ["id", "title", "url", "service", "incident_id", "opened_at", "due_at", "age_days", "overdue",
                   "repeated"]
MONTHLY_FIGURES = ["opened", "closed", "open", "overdue", "unlinked", "repeated"]


def tiles(dom):
    """The summary figures as the HTML page shows them, from Chromium's DOM."""
    found = re.findall(r'<div class="tile" id="figure-(\w+)"><div class="label">[^<]*</div>'
                       r'<div class="value">(\d+)</div>', dom)
    return {name: int(value) for name, value in found}


# The monthly review is judged at this time, not the machine's clock.
NOW = "2026-12-03T00:00:00Z"


def test_monthly(debriefd, source_dir, work):
    shutil.copy(os.path.join(source_dir, "tests/fixtures/report/debriefd.yaml"), os.path.join(work, "debriefd.yaml"))
    history = os.path.join(source_dir, "tests/fixtures/report/monthly.jsonl")
    out = run([debriefd, "replay", "--config", "debriefd.yaml", history], work).stdout.decode()
    check("16 events accepted" in out, "replay: " + out)

    # JSON: every figure of the hand-computed month (see monthly_report_api_test.cc).
    doc = json.loads(report(debriefd, work, "json", "monthly.json", "--month", "2026-11", "--now", NOW))
    check(doc["month"] == "2026-11" and doc["end"] == "2026-12-01T00:00:00Z", "month: %r" % doc["month"])
    expected = {"opened": 3, "closed": 2, "open": 2, "overdue": 1, "unlinked": 0, "repeated": 1,
                "closed_then_repeated": 1}
    check(doc["summary"] == expected, "summary %r, expected %r" % (doc["summary"], expected))
    items = doc["items"]
    check([i["id"] for i in items] == ["AI-M1", "AI-M2"], "items: %r" % items)
    check(all(set(MONTHLY_COLUMNS) <= set(i) for i in items), "item keys: %r" % items)
    m1, m2 = items
    check((m1["age_days"], m1["overdue"], m1["repeated"], m1["incident_id"], m1["due_at"]) ==
          (40, True, True, "INC-M1", "2026-11-20T09:00:00Z"), "AI-M1: %r" % m1)
    check((m2["age_days"], m2["overdue"], m2["repeated"], m2["service"]) == (27, False, False, "search"),
          "AI-M2: %r" % m2)
    check(doc["unlinked"] == [] and doc["repeated"] == ["AI-M1"], "lists: %r %r" % (doc["unlinked"], doc["repeated"]))
    check([(c["id"], c["repeated_by"]) for c in doc["closed_then_repeated"]] == [("AI-M4", "INC-M4")],
          "closed_then_repeated: %r" % doc["closed_then_repeated"])

    # CSV, by Python's RFC 4180 reader: the title with a comma and quotes reads back whole.
    rows = list(csv.reader(io.StringIO(report(debriefd, work, "csv", "monthly.csv", "--month", "2026-11", "--now", NOW).decode(),
                                       newline="")))
    check(rows[0] == MONTHLY_COLUMNS, "CSV header: %r" % rows[0])
    check([r[0] for r in rows[1:]] == ["AI-M1", "AI-M2"], "CSV rows: %r" % rows)
    check(rows[2][1] == 'Alert on <script>alert(1)</script> & "slow" queries, p99', "CSV title: %r" % rows[2][1])
    check(rows[1][7:] == ["40", "true", "true"], "CSV AI-M1: %r" % rows[1])

    md = report(debriefd, work, "md", "monthly.md", "--month", "2026-11", "--now", NOW).decode()
    check(md.startswith("# Action items: monthly review 2026-11\n"), "Markdown title")
    for heading in ("### checkout (1)", "### search (1)", "## Unlinked items", "## Items whose incident repeated",
                    "## Closed this month, then repeated"):
        check(heading in md, "Markdown lacks " + heading)
    check("[AI-M1](https://issues.example.internal/AI-M1)" in md, "Markdown ids link to their urls")

    # An empty month, a future one, and options that do not go together.
    empty = json.loads(report(debriefd, work, "json", "empty.json", "--month", "2026-01", "--now", NOW))
    check(empty["summary"] == dict.fromkeys(expected, 0) and empty["items"] == [], "empty month: %r" % empty)
    for bad, needle in ((["--month", "2026-13"], "month"), (["--month", "2099-01"], "has not begun"),
                        (["--month", "2026-11", "--quarter", "2026-Q4"], "month"),
                        (["--month", "2026-11", "--format", "openmetrics"], "csv, json, md, html")):
        p = run([debriefd, "report", "--config", "debriefd.yaml", "--now", NOW] + bad, work, expect=1)
        check(needle in p.stderr.decode(), "%r: %s" % (bad, p.stderr.decode()))

    html_path = os.path.join(work, "monthly.html")
    report(debriefd, work, "html", "monthly.html", "--month", "2026-11", "--now", NOW)
    empty_path = os.path.join(work, "empty.html")
    report(debriefd, work, "html", "empty.html", "--month", "2026-01", "--now", NOW)

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        print("SKIP: chromium not installed (scripts/install-deps.sh installs it)")
        return SKIP
    dom = chromium(browser, work, "file://" + html_path, "--dump-dom").stdout.decode()
    check("Action items: monthly review" in dom and "2026-11" in dom, "DOM lacks the title")
    shown = tiles(dom)
    check(shown == {k: expected[k] for k in MONTHLY_FIGURES}, "tiles show %r, expected %r" % (shown, expected))
    check("&lt;script&gt;alert(1)&lt;/script&gt;" in dom and "<script>alert" not in dom, "user text not escaped")
    check('<a href="https://issues.example.internal/AI-M1">AI-M1</a>' in dom, "ids link to their urls")
    for heading in ("Unlinked items (0)", "Items whose incident repeated (1)", "Closed this month, then repeated (1)"):
        check(heading in dom, "DOM lacks " + heading)
    shot = os.path.join(work, "m.png")
    chromium(browser, work, "file://" + html_path, "--screenshot=" + shot, "--window-size=1280,1200")
    check(os.path.exists(shot), "no screenshot")
    width, height, size, busy_rows = png_summary(shot)
    check((width, height) == (1280, 1200), "screenshot is %dx%d" % (width, height))
    check(busy_rows > height // 3, "screenshot looks blank: %d of %d rows have content" % (busy_rows, height))
    if os.environ.get("DEBRIEFD_KEEP_SCREENSHOT"):
        shutil.copy(shot, os.environ["DEBRIEFD_KEEP_SCREENSHOT"])

    dom = chromium(browser, work, "file://" + empty_path, "--dump-dom").stdout.decode()
    check(tiles(dom) == dict.fromkeys(MONTHLY_FIGURES, 0), "empty month tiles: %r" % tiles(dom))
    check("Nothing to review" in dom and "</footer>" in dom, "the empty month renders, saying there is nothing")
    print("ok: monthly json, csv, md; html in chromium (%d bytes, %d/%d rows with content); empty month" %
          (size, busy_rows, height))
    return 0


# --- backfill -------------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read()


def query(base, promql, at):
    qs = urllib.parse.urlencode({"query": promql, "time": str(at)})
    status, body = http_get(base + "/api/v1/query?" + qs)
    doc = json.loads(body)
    check(status == 200 and doc["status"] == "success", "query %s: %s" % (promql, body[:500]))
    return {json.dumps(r["metric"], sort_keys=True): r["value"][1] for r in doc["data"]["result"]}


def test_backfill(debriefd, source_dir, work):
    replay(debriefd, source_dir, work)
    om = report(debriefd, work, "openmetrics", "report.om", "--quarter", "2026-Q3").decode()
    check(om.endswith("# EOF\n"), "OpenMetrics must end with # EOF")
    promtool, prometheus = shutil.which("promtool"), shutil.which("prometheus")
    if not promtool or not prometheus:
        print("SKIP: promtool or prometheus not installed (scripts/install-deps.sh installs them)")
        return SKIP
    data = os.path.join(work, "data")
    run([promtool, "tsdb", "create-blocks-from", "openmetrics", "report.om", data], work, timeout=180)

    with open(os.path.join(work, "prometheus.yml"), "w") as f:
        f.write("global:\n  scrape_interval: 1h\nscrape_configs: []\n")
    port = free_port()
    base = "http://127.0.0.1:%d" % port
    log = open(os.path.join(work, "prometheus.log"), "wb")
    proc = subprocess.Popen([prometheus, "--config.file=prometheus.yml", "--storage.tsdb.path=" + data,
                             "--storage.tsdb.retention.time=100y", "--web.listen-address=127.0.0.1:%d" % port],
                            cwd=work, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            check(proc.poll() is None, "prometheus exited %s; see its log:\n%s" % (
                proc.returncode, open(os.path.join(work, "prometheus.log"), errors="replace").read()[-3000:]))
            try:
                if http_get(base + "/-/ready", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            check(time.monotonic() < deadline, "prometheus not ready within 60 s")
            time.sleep(0.25)

        series = 'debriefd_incidents_total{service="checkout",severity="critical"}'
        # INC-A was detected 2026-07-02T09:10Z (1782983400), INC-D 2026-09-20T10:20Z (1789899600).
        for at, value in ((1782983400, "1"), (1782983400 + 120, "1"), (1789899600, "2")):
            got = query(base, series, at)
            check(list(got.values()) == [value], "%s at %d: %r (expected %s)" % (series, at, got, value))
        # Goals and histograms came along: INC-A missed its fix goal.
        got = query(base, 'debriefd_incident_goal_total{service="checkout",goal="fix",result="missed"}', 1782986100)
        check(list(got.values()) == ["1"], "goal counter: %r" % got)
        got = query(base, 'sum(increase(debriefd_incidents_total[92d]))', 1790812800)  # 2026-10-01
        check(got and float(list(got.values())[0]) > 0, "increase over the quarter: %r" % got)
        print("ok: promtool backfilled %d samples; prometheus answers for 2026-07-02 and 2026-09-20" %
              sum(1 for line in om.splitlines() if not line.startswith("#")))
        return 0
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def main():
    tests = {"formats": test_formats, "monthly": test_monthly, "backfill": test_backfill}
    if len(sys.argv) != 4 or sys.argv[1] not in tests:
        print(__doc__, file=sys.stderr)
        return 2
    mode, debriefd, source_dir = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
    work = tempfile.mkdtemp(prefix="debriefd-report-")
    try:
        return tests[mode](debriefd, source_dir, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
