#!/usr/bin/env python3
"""Writes a synthetic alert history in debriefd's replay format (JSON lines).

Two shapes, both at past times and in the order of their `received_at`, so that
`debriefd replay` imports them as they would have arrived and every incident is
resolved and counted:

  spread  N incidents over S services (default 1,000). Each incident has a
          deploy of its service ten minutes before it and A alerts (default 5),
          each firing and later resolved, one alert per webhook: 1 + 2A events
          per incident. Incidents start at even intervals over 2026-Q3, and the
          severity alternates critical / warning.
  storm   one incident of service "storm": A alerts (unique fingerprints and
          instances) fire within about an hour and all resolve two hours later:
          2A alert events in one incident.

Usage:
  gen_history.py spread --incidents 10000 [--services 1000] [--alerts 5] OUT
  gen_history.py storm --alerts 80000 OUT
"""
import argparse
import calendar
import heapq
import sys
import time

# Bumped when the output changes, so that cached stores built from it are rebuilt.
VERSION = 1

Q3_START = calendar.timegm((2026, 7, 1, 0, 0, 0))
Q3_SECONDS = 92 * 86400
ALERTNAMES = ("HighErrorRate", "SlowRequests", "PodCrashLooping", "DiskFillingUp", "QueueBacklog")
ZERO_TIME = "0001-01-01T00:00:00Z"


def rfc3339(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def alert_line(received, service, severity, alertname, instance, fingerprint, starts, ends):
    status = "resolved" if ends else "firing"
    return (
        '{"received_at":"%s","source":"alertmanager","body":{"version":"4","status":"%s",'
        '"receiver":"debriefd","groupKey":"{}:{service=\\"%s\\"}","alerts":[{"status":"%s",'
        '"labels":{"alertname":"%s","service":"%s","severity":"%s","instance":"%s"},'
        '"annotations":{"summary":"%s on %s"},"startsAt":"%s","endsAt":"%s","fingerprint":"%s"}]}}\n'
        % (rfc3339(received), status, service, status, alertname, service, severity, instance, alertname,
           service, rfc3339(starts), rfc3339(ends) if ends else ZERO_TIME, fingerprint))


def change_line(received, service, incident):
    return (
        '{"received_at":"%s","source":"events","body":{"type":"change","id":"deploy-%d",'
        '"time":"%s","service":"%s","kind":"deploy","environment":"production","version":"v%d",'
        '"description":"Deploy of %s"}}\n' % (rfc3339(received), incident, rfc3339(received), service, incident, service))


def spread(incidents, services, alerts, out):
    interval = Q3_SECONDS / max(incidents, 1)
    # Each event of incident i happens at start(i) + a fixed offset, so each
    # offset is a stream already in time order; merging the streams orders the
    # whole history without holding it in memory.
    offsets = [(-600, "change", 0)]
    for a in range(alerts):
        offsets.append((30 * a + 10, "firing", a))
        offsets.append((1200 + 30 * a + 10, "resolved", a))

    def stream(k):
        off, kind, a = offsets[k]
        for i in range(incidents):
            yield (int(Q3_START + i * interval) + off, k, i)

    written = 0
    for received, k, i in heapq.merge(*(stream(k) for k in range(len(offsets)))):
        _, kind, a = offsets[k]
        service = "svc-%d" % (i % services)
        if kind == "change":
            out.write(change_line(received, service, i))
        else:
            start = int(Q3_START + i * interval)
            severity = "critical" if i % 2 == 0 else "warning"
            starts = start + 30 * a
            ends = start + 1200 + 30 * a if kind == "resolved" else None
            out.write(alert_line(received, service, severity, ALERTNAMES[a % len(ALERTNAMES)],
                                 "i-%d-%d" % (i, a), "f%x-%x" % (i, a), starts, ends))
        written += 1
    return written


def storm(alerts, out):
    start = Q3_START + 30 * 86400
    span = 3600  # every alert starts within the first hour
    written = 0
    for resolved in (False, True):
        for j in range(alerts):
            starts = start + (j * span) // alerts
            ends = starts + 7200 if resolved else None
            received = (ends if resolved else starts) + 5
            out.write(alert_line(received, "storm", "critical", "StormAlert", "i-%d" % j, "s%x" % j, starts, ends))
            written += 1
    return written


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("shape", choices=("spread", "storm"))
    p.add_argument("out", help="output file (.jsonl), - for stdout")
    p.add_argument("--incidents", type=int, default=10000)
    p.add_argument("--services", type=int, default=1000)
    p.add_argument("--alerts", type=int, default=None, help="alerts per incident (spread, default 5) or in the storm")
    args = p.parse_args()
    out = sys.stdout if args.out == "-" else open(args.out, "w", buffering=1 << 20)
    if args.shape == "spread":
        n = spread(args.incidents, args.services, args.alerts or 5, out)
    else:
        n = storm(args.alerts or 80000, out)
    out.flush()
    print("%s: %d events" % (args.out, n), file=sys.stderr)


if __name__ == "__main__":
    main()
