"""Reads debriefd's Grafana dashboards and turns their queries into plain PromQL.

Used by dashboards/tools/lint.py and by the end-to-end test (tests/e2e/test_e2e.py),
so that both check exactly the queries Grafana would send. Python standard library only.
"""

import json
import pathlib
import re

DASHBOARD_FILES = ("reliability-trends.json", "debrief-follow-through.json")

# What Grafana substitutes for its built-in interval variables. Concrete values that
# are valid PromQL durations; the end-to-end test overrides them to fit its short run.
DEFAULT_BUILTINS = {
    "__rate_interval": "2m",
    "__interval": "1w",
    "__range": "90d",
}


class Target:
    """One query of one panel."""

    def __init__(self, dashboard, panel, target):
        self.dashboard = dashboard
        self.panel_title = panel.get("title", "")
        self.panel_id = panel.get("id")
        self.panel_interval = panel.get("interval")
        self.ref_id = target.get("refId", "")
        self.expr = target.get("expr", "")
        self.instant = bool(target.get("instant", False))
        self.format = target.get("format", "time_series")

    @property
    def name(self):
        return f'{self.dashboard}: "{self.panel_title}" {self.ref_id}'


def load(repo_root):
    """Returns [(file name, dashboard dict)] for every shipped dashboard."""
    root = pathlib.Path(repo_root) / "dashboards"
    return [(name, json.loads((root / name).read_text())) for name in DASHBOARD_FILES]


def panels(dashboard):
    """Every panel, including those inside rows (collapsed rows nest them)."""
    for panel in dashboard.get("panels", []):
        yield panel
        for inner in panel.get("panels", []) or []:
            yield inner


def targets(name, dashboard):
    for panel in panels(dashboard):
        for target in panel.get("targets", []) or []:
            yield Target(name, panel, target)


def variables(dashboard):
    return dashboard.get("templating", {}).get("list", [])


_VAR = re.compile(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)")


def substitute(expr, values, panel_interval=None):
    """Replaces Grafana variables in `expr` the way Grafana would.

    `values` maps variable names (without `$`) to their text; built-in interval
    variables fall back to DEFAULT_BUILTINS, and `$__interval` to the panel's
    minimum interval when it sets one. Raises KeyError for a variable that has
    no value, so a query can never reach Prometheus with a `$` left in it.
    """
    merged = dict(DEFAULT_BUILTINS)
    if panel_interval:
        merged["__interval"] = panel_interval
    merged.update(values)

    def replace(match):
        var = match.group(1) or match.group(2)
        if var.isdigit():  # $1 in a label_replace replacement is PromQL's, not Grafana's
            return match.group(0)
        if var not in merged:
            raise KeyError(f"no value for ${var} in: {expr}")
        return merged[var]

    return _VAR.sub(replace, expr)


_LABEL_VALUES = re.compile(r"^\s*label_values\((?:(.*),\s*)?(\w+)\)\s*$")


def label_values_query(variable):
    """For a `label_values(selector, label)` variable, returns (selector, label)."""
    query = variable.get("query")
    if isinstance(query, dict):
        query = query.get("query", "")
    match = _LABEL_VALUES.match(query or "")
    if not match:
        return None
    return (match.group(1) or "").strip(), match.group(2)
