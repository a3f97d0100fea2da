#!/usr/bin/env python3
"""HTTP waits and checks for demo/run.sh. Python standard library only.

    checks.py wait URL [--pid PID] [--timeout S]     until URL answers 200 (fails early if PID exits)
    checks.py status URL                              prints the HTTP status (000: no answer)
    checks.py history DEBRIEFD SUMMARY                the replayed sample incidents are all there
    checks.py prometheus PROMETHEUS [--timeout S]     debriefd's target is up, the rules are loaded
    checks.py new-incident DEBRIEFD SERVICE VERSION SINCE [--timeout S]
                                                      an incident of SERVICE detected at or after
                                                      SINCE names the change VERSION as its cause

Exit 0 when the check holds, 1 with a message on standard error when it does not.
"""

import argparse
import datetime as dt
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


class CheckFailed(Exception):
    pass


def get(url, timeout=5):
    """Returns (status, body); 0 when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")
    except (OSError, ValueError):
        return 0, ""


def get_json(url):
    status, body = get(url)
    if status != 200:
        raise CheckFailed(f"GET {url}: HTTP {status}: {body[:300]}")
    try:
        return json.loads(body)
    except ValueError as e:
        raise CheckFailed(f"GET {url}: not JSON: {body[:300]}") from e


def poll(what, check, timeout, interval=0.5):
    """Calls check() until it returns a truthy value or raises something else than
    CheckFailed; after `timeout` seconds, fails with the last reason."""
    end = time.monotonic() + timeout
    last = None
    while True:
        try:
            value = check()
            if value:
                return value
        except CheckFailed as e:
            last = e
        if time.monotonic() >= end:
            raise CheckFailed(f"timed out after {timeout:g}s waiting for {what}" + (f": {last}" if last else ""))
        time.sleep(interval)


def parse_time(text):
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped by run.sh) is not running.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


# ---------------------------------------------------------------------------

def cmd_wait(args):
    def ready():
        if args.pid and not pid_alive(args.pid):
            raise SystemExit(f"the process ({args.pid}) exited before {args.url} answered")
        status, body = get(args.url, timeout=2)
        if status != 200:
            raise CheckFailed(f"HTTP {status}" if status else "no answer")
        return True

    poll(args.url, ready, args.timeout, interval=0.25)


def cmd_status(args):
    print(f"{get(args.url, timeout=3)[0]:03d}")


def incidents(base, **params):
    """Every incident that matches, following the pages' next_cursor."""
    params = dict(params, limit=1000)
    found = []
    while True:
        page = get_json(f"{base}/api/v1/incidents?" + urllib.parse.urlencode(params))
        found += page["incidents"]
        if page.get("next_cursor") is None:
            return found
        params["cursor"] = page["next_cursor"]


def cmd_history(args):
    with open(args.summary) as f:
        summary = json.load(f)
    history_end = parse_time(summary["now"])
    sample = [i for i in incidents(args.debriefd) if parse_time(i["started_at"]) < history_end]
    problems = []
    if len(sample) != summary["incidents"]:
        problems.append(f"{len(sample)} sample incidents listed, the history has {summary['incidents']}")
    by_id = {i["id"]: i for i in sample}

    def need(what, ok):
        if not ok:
            problems.append(what)

    need("no incident with a suspected cause", any(i["suspected_cause"] for i in sample))
    need("no incident whose debrief is overdue", any(i["debrief"]["status"] == "overdue" for i in sample))
    need("no repeat (repeat_of)", any(i["repeat_of"] for i in sample))
    need("no incident resolved with nobody acting", any(i["auto_resolved"] for i in sample))
    need("no goal missed", any(i["detect_goal_met"] is False or i["fix_goal_met"] is False for i in sample))
    need("no incident that met both goals", any(i["detect_goal_met"] and i["fix_goal_met"] for i in sample))
    need("no completed checkpoint", any(i["checkpoint"]["status"] == "done" for i in sample))
    now = dt.datetime.now(dt.timezone.utc)
    need("no debrief due within two days", any(
        i["debrief"]["status"] == "pending" and i["debrief"]["due_at"]
        and now < parse_time(i["debrief"]["due_at"]) < now + dt.timedelta(days=2) for i in sample))
    for name in ("debrief_overdue", "repeat", "featured"):
        need(f"{name} incident {summary[name]} missing", summary[name] in by_id)
    if summary["debrief_overdue"] in by_id:
        need(f"{summary['debrief_overdue']}: debrief not overdue",
             by_id[summary["debrief_overdue"]]["debrief"]["status"] == "overdue")
    if summary["repeat"] in by_id:
        need(f"{summary['repeat']}: not a repeat", by_id[summary["repeat"]]["repeat_of"])
    featured = by_id.get(summary["featured"])
    if featured:
        need("featured: no confirmed cause", featured.get("confirmed_cause"))
        need("featured: no impact", (featured.get("impact") or {}).get("summary"))
        need("featured: debrief not done", featured["debrief"]["status"] == "done")
        need("featured: checkpoint not done", featured["checkpoint"]["status"] == "done")
        items = featured["action_items"]
        need("featured: no closed action item", any(a["state"] == "closed" for a in items))
        need("featured: no overdue action item", any(a["overdue"] for a in items))
    if problems:
        raise CheckFailed("the sample history is not as expected:\n  " + "\n  ".join(problems))
    print(f"demo: {len(sample)} sample incidents: "
          f"{sum(1 for i in sample if i['suspected_cause'])} with a suspected cause, "
          f"{sum(1 for i in sample if i['debrief']['status'] == 'overdue')} debrief overdue, "
          f"{sum(1 for i in sample if i['repeat_of'])} repeats")


def cmd_prometheus(args):
    base = args.prometheus

    def target_up():
        data = get_json(f"{base}/api/v1/targets?state=active")["data"]["activeTargets"]
        targets = [t for t in data if t["labels"].get("job") == "debriefd"]
        if not targets:
            raise CheckFailed("no debriefd target")
        if any(t["health"] != "up" for t in targets):
            raise CheckFailed("debriefd target: " + ", ".join(f"{t['health']} {t.get('lastError', '')}" for t in targets))
        return True

    poll("Prometheus to scrape debriefd", target_up, args.timeout)

    def rules_loaded():
        groups = get_json(f"{base}/api/v1/rules?type=alert")["data"]["groups"]
        names = {r["name"] for g in groups for r in g["rules"]}
        missing = {"DemoCheckoutErrors", "IncidentDebriefOverdue"} - names
        if missing:
            raise CheckFailed("rules not loaded: " + ", ".join(sorted(missing)))
        return True

    poll("Prometheus to load the rules", rules_loaded, args.timeout)
    print("demo: Prometheus scrapes debriefd and has DemoCheckoutErrors and the shipped rules")


def cmd_new_incident(args):
    since = parse_time(args.since)

    def found():
        for inc in incidents(args.debriefd, service=args.service):
            if parse_time(inc["detected_at"]) < since:
                continue
            cause = inc.get("suspected_cause")
            if not cause:
                raise CheckFailed(f"{inc['id']} has no suspected cause")
            if cause.get("version") != args.version:
                raise CheckFailed(f"{inc['id']}: suspected cause {cause.get('id')} is version "
                                  f"{cause.get('version')}, not {args.version}")
            return inc
        raise CheckFailed(f"no {args.service} incident detected since {args.since}")

    inc = poll(f"a new {args.service} incident", found, args.timeout)
    print(f"demo: new incident {inc['id']} ({inc['service']}, {inc['severity']}): "
          f"suspected cause {inc['suspected_cause']['id']} ({inc['suspected_cause']['kind']} "
          f"{inc['suspected_cause']['version']})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("wait")
    p.add_argument("url")
    p.add_argument("--pid", type=int)
    p.add_argument("--timeout", type=float, default=30)
    p = sub.add_parser("status")
    p.add_argument("url")
    p = sub.add_parser("history")
    p.add_argument("debriefd")
    p.add_argument("summary")
    p = sub.add_parser("prometheus")
    p.add_argument("prometheus")
    p.add_argument("--timeout", type=float, default=30)
    p = sub.add_parser("new-incident")
    p.add_argument("debriefd")
    p.add_argument("service")
    p.add_argument("version")
    p.add_argument("since")
    p.add_argument("--timeout", type=float, default=30)
    args = parser.parse_args()
    try:
        {"wait": cmd_wait, "status": cmd_status, "history": cmd_history, "prometheus": cmd_prometheus,
         "new-incident": cmd_new_incident}[args.cmd](args)
    except CheckFailed as e:
        print(f"demo: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
