#!/usr/bin/env python3
"""Writes the demo's sample history, in debriefd's replay format, relative to "now".

    make_history.py [--now 2026-11-21T12:00:00Z] [--out history.jsonl] [--summary summary.json]

Replay lines carry fixed times, so a history written once would age: its due
debriefs would all be overdue, its quarters would be last year's. This script
writes it for the moment the demo starts instead:

- five incidents early in the previous quarter (the featured one, with its
  debrief, confirmed cause, impact, action items and checkpoint; a repeat of it;
  a declared incident; one nobody acted on; an `info` one);
- four spread over the current quarter (over the previous one's end when the
  current quarter is younger than five weeks);
- three in the last days: a debrief overdue, a debrief due within a day, and a
  small one from yesterday.

Goals: detect within 5 minutes, fix within an hour (demo/run.sh writes the
config). The previous quarter meets them less often than the current one.
Incidents opened by alerts get generated ids (inc-000001, ...) in the order
they open; events that refer to them are written with the ids they will get.

--summary writes what demo/run.sh checks and prints: the number of incidents
and the featured incident's id. Python standard library only.
"""

import argparse
import datetime as dt
import hashlib
import json
import sys

UTC = dt.timezone.utc
D = dt.timedelta(days=1)
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)
S = dt.timedelta(seconds=1)

WIKI = "https://wiki.example.com/debriefs"
TRACKER = "https://tracker.example.com/browse"
CI = "https://ci.example.com"
PROMETHEUS = "http://prometheus.example.com:9090"
ALERTMANAGER = "http://alertmanager.example.com:9093"


def rfc3339(t):
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text):
    t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.astimezone(UTC).replace(microsecond=0)


def quarter_start(t):
    return t.replace(month=3 * ((t.month - 1) // 3) + 1, day=1, hour=0, minute=0, second=0, microsecond=0)


def previous_quarter_start(q):
    month, year = q.month - 3, q.year
    if month < 1:
        month, year = month + 12, year - 1
    return q.replace(year=year, month=month)


def at_hour(t, hour, minute=0):
    """The same day as t, at hour:minute."""
    return t.replace(hour=hour, minute=minute, second=0, microsecond=0)


class Ref(str):
    """The generated id of an alert-driven incident, known once the history is sorted."""


class History:
    def __init__(self, now):
        self.now = now
        self.lines = []  # [received_at, seq, source, body, headers, opens]
        self.alerts = {}
        self.incidents = 0

    def add(self, received, source, body, headers=None, opens=None):
        if received >= self.now:
            raise ValueError(f"event after now: {received} {body}")
        self.lines.append([received, len(self.lines), source, body, headers, opens])

    # --- native events (source "events") ---------------------------------------------

    def event(self, t, type_, id_, **fields):
        body = {"type": type_, "id": id_, "time": rfc3339(t)}
        body.update(fields)
        self.add(t, "events", body)

    def change(self, t, id_, service, kind, version, description, url):
        # A CI job posts the change a few seconds after it finished.
        self.add(t + 8 * S, "events", {
            "type": "change", "id": id_, "time": rfc3339(t), "service": service, "kind": kind,
            "environment": "production", "version": version, "description": description, "url": url})

    def declared(self, incident_id, service, severity, title, started, detected):
        self.incidents += 1
        self.event(detected, "incident.declared", f"ev-{incident_id}-declared", incident_id=incident_id,
                   service=service, severity=severity, title=title, started_at=rfc3339(started))

    def transition(self, incident_id, kind, t):
        self.event(t, f"incident.{kind}", f"ev-{incident_id}-{kind}", incident_id=incident_id)

    def debrief(self, incident_id, t, **fields):
        self.event(t, "debrief.completed", f"ev-{incident_id}-debrief", incident_id=incident_id,
                   url=f"{WIKI}/{incident_id}", **fields)

    def checkpoint_if_due(self, incident_id, debrief_at, notes):
        """Completes the checkpoint (due 14 days after the debrief) shortly before its due
        time when that lies in the past; else it is still pending, not overdue."""
        t = debrief_at + 13 * D + 20 * H
        if t < self.now - 5 * M:
            self.event(t, "checkpoint.completed", f"ev-{incident_id}-checkpoint", incident_id=incident_id,
                       notes=notes)

    def close_item(self, item_id, t):
        if t < self.now - 5 * M:
            self.event(t, "action_item.closed", item_id)

    # --- Alertmanager webhooks (source "alertmanager") ---------------------------------

    def alert(self, ref, alertname, service, severity, summary, starts, received, ends, resolved_received):
        """One alert: its firing notification (opens incident `ref`) and its resolution."""
        self.incidents += 1
        labels = {"alertname": alertname, "service": service, "severity": severity,
                  "job": f"{service}-api", "environment": "production"}
        fingerprint = hashlib.sha256(f"{alertname}/{service}".encode()).hexdigest()[:16]
        for status, when in (("firing", received), ("resolved", resolved_received)):
            alert = {"status": status, "labels": labels, "annotations": {"summary": summary},
                     "startsAt": rfc3339(starts),
                     "endsAt": rfc3339(ends) if status == "resolved" else "0001-01-01T00:00:00Z",
                     "generatorURL": f"{PROMETHEUS}/graph?g0.expr=ALERTS%7Balertname%3D%22{alertname}%22%7D",
                     "fingerprint": fingerprint}
            group = {"alertname": alertname, "service": service}
            self.add(when, "alertmanager", {
                "receiver": "debriefd", "status": status, "alerts": [alert],
                "groupLabels": group, "commonLabels": labels, "commonAnnotations": {"summary": summary},
                "externalURL": ALERTMANAGER, "version": "4",
                "groupKey": "{}:{alertname=\"%s\", service=\"%s\"}" % (alertname, service),
                "truncatedAlerts": 0}, opens=ref if status == "firing" else None)

    # --- GitHub webhooks (source "github": config sources.github) ----------------------

    def github(self, t, event, delivery, body):
        self.add(t, "github", body, headers={"x-github-event": event, "x-github-delivery": delivery})

    # --- output -------------------------------------------------------------------------

    def render(self):
        """Sorts by received_at, gives alert-driven incidents the ids debriefd will
        generate, and returns the JSON lines and those ids."""
        self.lines.sort(key=lambda line: (line[0], line[1]))
        ids, n = {}, 0
        for line in self.lines:
            if line[5] is not None:
                n += 1
                ids[line[5]] = f"inc-{n:06d}"

        def resolve(value):
            if isinstance(value, Ref):
                return ids[value]
            if isinstance(value, dict):
                return {k: resolve(v) for k, v in value.items()}
            if isinstance(value, list):
                return [resolve(v) for v in value]
            return value

        out = []
        for received, _, source, body, headers, _ in self.lines:
            line = {"received_at": rfc3339(received), "source": source}
            if headers:
                line["headers"] = headers
            line["body"] = resolve(body)
            out.append(json.dumps(line, separators=(",", ":"), ensure_ascii=False))
        return out, ids


def github_deployment(h, t, number, repo, sha, ref, description):
    h.github(t + 4 * S, "deployment_status", f"6f1c{number:04d}-8e2a-11ef-9b1c-0242ac120002", {
        "action": "created",
        "deployment_status": {
            "id": 90000 + number, "state": "success", "environment": "production",
            "created_at": rfc3339(t), "updated_at": rfc3339(t),
            "log_url": f"https://github.com/{repo}/actions/runs/{710000 + number}",
            "target_url": f"https://github.com/{repo}/actions/runs/{710000 + number}"},
        "deployment": {
            "id": number, "sha": sha, "ref": ref, "task": "deploy", "environment": "production",
            "description": description, "created_at": rfc3339(t - 6 * M)},
        "repository": {"full_name": repo, "name": repo.split("/")[1], "html_url": f"https://github.com/{repo}"},
        "sender": {"login": "deploy-bot", "type": "Bot"}})


def build(now):
    h = History(now)
    q_now = quarter_start(now)
    q_prev = previous_quarter_start(q_now)

    # --- the previous quarter: its first four weeks -------------------------------------

    # 1. The featured incident. A deploy, then checkout errors 12 minutes later: the
    # alert fired within 2 minutes of the errors, so debriefd first clocked 2 minutes
    # to detect. The debrief confirmed the deploy as the cause, which moves the start
    # to the deploy: 14 minutes to detect (missed), 50 to fix (met).
    s = at_hour(q_prev + 5 * D, 14, 0)
    h.change(s - 12 * M, "chg-checkout-2210", "checkout", "deploy", "v4.12.0",
             "Checkout API: new cart serializer", f"{CI}/checkout/pipelines/2210")
    featured = Ref("checkout-errors-1")
    h.alert(featured, "CheckoutErrorRate", "checkout", "critical", "Checkout: 5xx above 2% of requests",
            starts=s, received=s + 2 * M, ends=s + 38 * M, resolved_received=s + 39 * M)
    h.transition(featured, "acknowledged", s + 4 * M)
    h.transition(featured, "mitigated", s + 21 * M)
    d1 = s + 1 * D + 3 * H
    h.debrief(featured, d1, confirmed_cause_id="chg-checkout-2210",
              impact={"customers_affected": 1840, "cost": 12500,
                      "summary": "One cart in five failed to check out for 50 minutes; gift-card carts all failed"},
              action_items=[
                  {"id": "CHK-311", "title": "Contract test for the cart serializer",
                   "url": f"{TRACKER}/CHK-311", "due": rfc3339(d1 + 14 * D), "labels": ["debrief"]},
                  {"id": "CHK-312", "title": "Canary checkout deploys for 10 minutes before the full rollout",
                   "url": f"{TRACKER}/CHK-312", "due": rfc3339(d1 + 21 * D), "labels": ["debrief"]},
                  {"id": "CHK-313", "title": "Alert on cart serialization errors, not only on 5xx",
                   "url": f"{TRACKER}/CHK-313", "due": rfc3339(d1 + 21 * D), "labels": ["debrief"]}])
    h.close_item("CHK-311", d1 + 9 * D)
    h.close_item("CHK-312", d1 + 12 * D + 4 * H)
    # CHK-313 stays open: overdue since three weeks after the debrief.
    h.checkpoint_if_due(featured, d1, "CHK-311 and CHK-312 done; CHK-313 not started, owner to re-plan")

    # 2. Declared by a person: card payments declined. Noticed after 22 minutes, fixed
    # after 1 h 40 (both goals missed). The flag change of the morning is more than two
    # hours earlier: no suspected cause. Debrief held late; its checkpoint was never held.
    s = at_hour(q_prev + 10 * D, 9, 0)
    h.change(s - 3 * H - 20 * M, "chg-payments-ff-31", "payments", "feature_flag", "acquirer-failover=on",
             "Payments: enable acquirer failover for 5% of traffic", "https://flags.example.com/payments/31")
    h.declared("INC-2041", "payments", "critical", "Card payments declined at the acquirer",
               started=s, detected=s + 22 * M)
    h.transition("INC-2041", "acknowledged", s + 25 * M)
    h.transition("INC-2041", "mitigated", s + 70 * M)
    h.transition("INC-2041", "resolved", s + 100 * M)
    d2 = s + 100 * M + 4 * D + 2 * H
    h.debrief("INC-2041", d2, impact={"customers_affected": 960, "summary": "Card payments failed for 1 h 40 min"},
              action_items=[{"id": "PAY-88", "title": "Alert on the acquirer decline ratio",
                             "url": f"{TRACKER}/PAY-88", "due": rfc3339(d2 + 14 * D), "labels": ["debrief"]}])
    h.close_item("PAY-88", d2 + 6 * D)

    # 3. Search latency: the rule's `for: 10m` (alerts.pending) delays the alert, so 11
    # minutes to detect. It resolved by itself (nobody acted); the debrief was waived.
    s = at_hour(q_prev + 18 * D, 16, 0)
    search_latency = Ref("search-latency-1")
    h.alert(search_latency, "SearchLatencyHigh", "search", "warning", "Search: p99 latency above 800 ms",
            starts=s + 10 * M, received=s + 11 * M, ends=s + 35 * M, resolved_received=s + 36 * M)
    h.event(s + 1 * D, "debrief.waived", "ev-search-latency-1-waived", incident_id=search_latency,
            reason="Latency rose during the planned index rebuild; no customer impact")

    # 4. Checkout errors again, 19 days after the featured incident, while its CHK-313
    # is still open: a repeat, with open items. A GitHub deployment is the suspected
    # cause. Detected in 3 minutes, fixed after 1 h 25 (missed).
    s = at_hour(q_prev + 24 * D, 11, 0)
    github_deployment(h, s - 40 * M, 2231, "acme/checkout-api", "9c4e2b7d1f0a3e5c6b8d7a9f0e1d2c3b4a5f6e7d",
                      "main", "Checkout API: payment client 3.2")
    repeat = Ref("checkout-errors-2")
    h.alert(repeat, "CheckoutErrorRate", "checkout", "critical", "Checkout: 5xx above 2% of requests",
            starts=s, received=s + 3 * M, ends=s + 85 * M, resolved_received=s + 86 * M)
    h.transition(repeat, "acknowledged", s + 6 * M)
    d4 = s + 85 * M + 2 * D
    h.debrief(repeat, d4, impact={"customers_affected": 2300, "summary": "Checkout failed for one order in eight"},
              action_items=[{"id": "CHK-340", "title": "Roll back automatically when the checkout error ratio doubles",
                             "url": f"{TRACKER}/CHK-340", "due": rfc3339(d4 + 14 * D), "labels": ["debrief"]}])
    h.close_item("CHK-340", d4 + 10 * D)
    h.checkpoint_if_due(repeat, d4, "CHK-340 done")

    # 5. Auth login errors, severity info: no debrief needed; resolved by itself.
    s = at_hour(q_prev + 28 * D, 3, 10)
    h.alert(Ref("auth-login-1"), "AuthLoginErrors", "auth", "info", "Auth: login failures above 1%",
            starts=s, received=s + 1 * M, ends=s + 6 * M, resolved_received=s + 7 * M)

    # --- the current quarter (or the previous one's end, early in a quarter) ------------
    hi = now - 10 * D
    lo = q_now + 12 * H if now - q_now >= 34 * D else now - 44 * D
    span = hi - lo

    # 6. Auth token refresh errors after a key rotation (suspected cause). Met both goals.
    s = at_hour(lo, 8, 30)
    h.change(s - 35 * M, "chg-auth-keys-14", "auth", "infra", "signing-keys-14",
             "Auth: rotate the token signing keys", f"{CI}/auth/changes/14")
    auth_tokens = Ref("auth-tokens-1")
    h.alert(auth_tokens, "AuthTokenRefreshErrors", "auth", "warning", "Auth: token refreshes failing",
            starts=s, received=s + 1 * M, ends=s + 18 * M, resolved_received=s + 19 * M)
    h.transition(auth_tokens, "acknowledged", s + 4 * M)
    d6 = s + 18 * M + 1 * D
    h.debrief(auth_tokens, d6, action_items=[{"id": "AUTH-57", "title": "Stage key rotations region by region",
                             "url": f"{TRACKER}/AUTH-57", "labels": ["debrief"]}])
    h.close_item("AUTH-57", d6 + 7 * D)
    h.checkpoint_if_due(auth_tokens, d6, "AUTH-57 done")

    # 7. Payments webhook backlog: the alert came after 6 minutes (detect missed); it
    # resolved by itself within 14 minutes; the debrief decided the threshold is too
    # tight (action item open, not yet due).
    s = at_hour(lo + span * 0.35, 13, 5)
    backlog = Ref("payments-backlog-1")
    h.alert(backlog, "PaymentsWebhookBacklog", "payments", "warning", "Payments: webhook backlog above 5000",
            starts=s, received=s + 6 * M, ends=s + 14 * M, resolved_received=s + 15 * M)
    d7 = s + 2 * D
    h.debrief(backlog, d7, action_items=[
        {"id": "PAY-102", "title": "Raise the webhook backlog threshold to match peak traffic",
         "url": f"{TRACKER}/PAY-102", "due": rfc3339(now + 10 * D), "labels": ["debrief"]}])
    h.checkpoint_if_due(backlog, d7, "PAY-102 in progress")

    # 8. Declared: carts load slowly. Acknowledged, mitigated, resolved within the
    # goals. Its action item is a GitHub issue labelled `debrief` and `incident:INC-2057`.
    s = at_hour(lo + span * 0.65, 10, 40)
    h.declared("INC-2057", "checkout", "critical", "Carts load slowly after the catalog cache change",
               started=s, detected=s + 3 * M)
    h.transition("INC-2057", "acknowledged", s + 5 * M)
    h.transition("INC-2057", "mitigated", s + 30 * M)
    h.transition("INC-2057", "resolved", s + 44 * M)
    d8 = s + 44 * M + 1 * D
    h.debrief("INC-2057", d8, impact={"customers_affected": 420, "summary": "Carts took 8 s to load for 40 minutes"})
    h.github(d8 + 2 * H, "issues", "1b7e5a40-8e2b-11ef-9b1c-0242ac120002", {
        "action": "opened",
        "issue": {"number": 412, "title": "Warm the catalog cache before switching traffic",
                  "body": "Follow-up of the INC-2057 debrief.", "state": "open",
                  "html_url": "https://github.com/acme/checkout-api/issues/412",
                  "labels": [{"name": "debrief"}, {"name": "incident:INC-2057"}],
                  "created_at": rfc3339(d8 + 2 * H), "updated_at": rfc3339(d8 + 2 * H), "closed_at": None,
                  "milestone": {"title": "Checkout reliability", "due_on": rfc3339(now + 14 * D)}},
        "repository": {"full_name": "acme/checkout-api", "name": "checkout-api"},
        "sender": {"login": "mara", "type": "User"}})
    h.checkpoint_if_due("INC-2057", d8, "#412 in review")

    # 9. Search errors 25 minutes after a config change (suspected cause). Met both goals.
    s = at_hour(hi, 15, 20)
    h.change(s - 25 * M, "chg-search-cfg-77", "search", "config", "ranking.yaml@4f1c2e",
             "Search: lower the ranking timeout to 80 ms", "https://git.example.com/search/config/commit/4f1c2e")
    search_errors = Ref("search-errors-1")
    h.alert(search_errors, "SearchErrors", "search", "critical", "Search: 5xx above 1% of queries",
            starts=s, received=s + 1 * M, ends=s + 20 * M, resolved_received=s + 21 * M)
    h.transition(search_errors, "acknowledged", s + 3 * M)
    d9 = s + 20 * M + 1 * D
    h.debrief(search_errors, d9, action_items=[{"id": "SRCH-19", "title": "Load-test ranking timeouts before changing them",
                             "url": f"{TRACKER}/SRCH-19", "labels": ["debrief"]}])
    h.close_item("SRCH-19", d9 + 3 * D)

    # --- the last days --------------------------------------------------------------------

    # 10. Declared, acknowledged, mitigated, resolved after 1 h 12 (missed). Its debrief
    # was due three days after: overdue now (IncidentDebriefOverdue fires for it).
    s = now - 5 * D - 2 * H
    h.declared("INC-2063", "search", "critical", "Search returns no results for multi-word queries",
               started=s, detected=s + 4 * M)
    h.transition("INC-2063", "acknowledged", s + 6 * M)
    h.transition("INC-2063", "mitigated", s + 50 * M)
    h.transition("INC-2063", "resolved", s + 72 * M)

    # 11. Payments latency 50 minutes after a deploy (suspected cause); resolved in 35
    # minutes; the debrief is due within a day.
    s = now - 2 * D - 3 * H
    h.change(s - 50 * M, "chg-payments-3ds-7", "payments", "deploy", "v3.18.0",
             "Payments API: new 3-D Secure client", f"{CI}/payments/pipelines/7")
    latency = Ref("payments-latency-1")
    h.alert(latency, "PaymentsLatencyHigh", "payments", "critical", "Payments: p99 latency above 2 s",
            starts=s, received=s + 2 * M, ends=s + 35 * M, resolved_received=s + 36 * M)
    h.transition(latency, "acknowledged", s + 5 * M)

    # 12. Yesterday: auth login errors again (info), gone in 4 minutes by themselves.
    s = now - 20 * H
    h.alert(Ref("auth-login-2"), "AuthLoginErrors", "auth", "info", "Auth: login failures above 1%",
            starts=s, received=s + 1 * M, ends=s + 4 * M, resolved_received=s + 5 * M)

    lines, ids = h.render()
    summary = {"now": rfc3339(now), "incidents": h.incidents, "featured": ids[featured],
               "declared": ["INC-2041", "INC-2057", "INC-2063"],
               "debrief_overdue": "INC-2063", "debrief_due_soon": ids[latency], "repeat": ids[repeat]}
    return lines, summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--now", help="RFC 3339 time the history ends before (default: the current time)")
    parser.add_argument("--out", help="the JSON-lines file to write (default: standard output)")
    parser.add_argument("--summary", help="also write a JSON summary: incident count, notable ids")
    args = parser.parse_args()
    now = parse_time(args.now) if args.now else dt.datetime.now(UTC).replace(microsecond=0)

    lines, summary = build(now)
    text = "\n".join(lines) + "\n"
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    if args.summary:
        with open(args.summary, "w", encoding="utf-8") as f:
            json.dump(summary, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
