#!/usr/bin/env python3
"""Checks debriefd's dashboards without a Prometheus: every query parses as PromQL
(through `promtool check rules`), and every panel follows the conventions the
dashboards promise their readers.

    lint.py REPO_ROOT [PROMTOOL]
"""

import pathlib
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import dashboard_queries as dq  # noqa: E402

# Every variable a query may use, with a value that keeps the PromQL valid.
VARIABLE_VALUES = {
    "service": ".*",
    "severity": ".*",
    "debriefd_url": "http://debriefd.example:9466",
}
DURATION_UNITS = {"s", "dtdurations"}


def lint_panels(name, dashboard):
    problems = []
    ids = set()
    variables = {v["name"] for v in dq.variables(dashboard)}
    for required in ("datasource", "service", "severity"):
        if required not in variables:
            problems.append(f"{name}: no ${required} variable")
    for panel in dq.panels(dashboard):
        title = panel.get("title", "?")
        where = f'{name}: "{title}"'
        if panel.get("id") in ids:
            problems.append(f"{where}: duplicate panel id {panel.get('id')}")
        ids.add(panel.get("id"))
        grid = panel.get("gridPos", {})
        if grid.get("x", 0) + grid.get("w", 0) > 24:
            problems.append(f"{where}: wider than the 24-column grid")
        if panel.get("type") == "row":
            continue
        if not panel.get("description", "").strip():
            problems.append(f"{where}: no description")
        if panel.get("datasource", {}).get("uid") != "${datasource}":
            problems.append(f"{where}: does not use the $datasource variable")
        targets = panel.get("targets", [])
        if not targets:
            problems.append(f"{where}: no queries")
        ref_ids = [t.get("refId") for t in targets]
        if len(set(ref_ids)) != len(ref_ids):
            problems.append(f"{where}: duplicate refIds {ref_ids}")
        for t in targets:
            expr = t.get("expr", "")
            uses_filter = "$service" in expr
            if "debriefd_" in expr and not uses_filter and "debriefd_events_total" not in expr \
                    and "debriefd_build_info" not in expr:
                problems.append(f"{where} {t.get('refId')}: ignores the $service variable")
        unit = panel.get("fieldConfig", {}).get("defaults", {}).get("unit", "")
        exprs = " ".join(t.get("expr", "") for t in targets)
        if "_seconds_bucket" in exprs and unit not in DURATION_UNITS:
            problems.append(f"{where}: a duration shown with unit {unit!r}")
        if unit in DURATION_UNITS:
            steps = panel["fieldConfig"]["defaults"].get("thresholds", {}).get("steps", [])
            goals = {s.get("value") for s in steps}
            if not goals & {300, 3600}:
                problems.append(f"{where}: duration panel without a threshold at a goal")
    return problems


def lint_promql(dashboards, promtool):
    """Writes every query as a recording rule and lets promtool parse them."""
    rules = ["groups:", "  - name: dashboard-queries", "    rules:"]
    names = []
    for name, dashboard in dashboards:
        for target in dq.targets(name, dashboard):
            expr = dq.substitute(target.expr, VARIABLE_VALUES, target.panel_interval)
            names.append(target.name)
            rules.append(f"      - record: dashboard_query_{len(names)}")
            rules.append(f"        expr: '{expr.replace(chr(39), chr(39) * 2)}'")
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "queries.rules.yml"
        path.write_text("\n".join(rules) + "\n")
        result = subprocess.run([promtool, "check", "rules", str(path)],
                                capture_output=True, text=True, check=False)
    if result.returncode != 0:
        out = result.stdout + result.stderr
        for i, target in enumerate(names, start=1):
            out = out.replace(f"dashboard_query_{i}\"", f"{target}\"")
        return len(names), [f"promtool rejected a query:\n{out}"]
    return len(names), []


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    repo_root = sys.argv[1]
    promtool = sys.argv[2] if len(sys.argv) > 2 else "promtool"
    dashboards = dq.load(repo_root)
    problems = []
    for name, dashboard in dashboards:
        problems += lint_panels(name, dashboard)
    count, promql_problems = lint_promql(dashboards, promtool)
    problems += promql_problems
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        return 1
    print(f"{count} queries in {len(dashboards)} dashboards parse; every panel has a description")
    return 0


if __name__ == "__main__":
    sys.exit(main())
