#!/usr/bin/env python3
"""kill -9 under load loses nothing acknowledged.

Clients send native change events, each with its own id, over keep-alive
connections and note every id answered 200. Once enough are acknowledged the
server is killed with SIGKILL in the middle of the load; the store is then read
back with `debriefd dump-events` and every acknowledged id must be in it. Two
rounds on the same store, so the second also starts from a store that was
killed. The trigger is a count of acknowledgements, not a time.

Usage: kill9_test.py BINARY
"""
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

BINARY = sys.argv[1]
CLIENTS = 8
ACKS_BEFORE_KILL = 1500


def start(workdir, config):
    port_file = os.path.join(workdir, "port")
    if os.path.exists(port_file):
        os.unlink(port_file)
    log = open(os.path.join(workdir, "serve.log"), "ab")
    proc = subprocess.Popen([BINARY, "serve", "--config", config, "--listen", "127.0.0.1:0",
                             "--port-file", port_file], stdout=log, stderr=log)
    for _ in range(300):
        if os.path.exists(port_file) and open(port_file).read().strip():
            return proc, int(open(port_file).read())
        if proc.poll() is not None:
            sys.exit("FAIL: serve exited: " + open(os.path.join(workdir, "serve.log")).read())
        time.sleep(0.05)
    proc.kill()
    sys.exit("FAIL: serve did not listen")


def load(port, round_no, acked, lock, enough):
    def client(n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        seq = 0
        while True:
            seq += 1
            event_id = f"k{round_no}-{n}-{seq}"
            body = json.dumps({"type": "change", "id": event_id, "time": "2026-10-01T09:00:00Z",
                               "service": f"svc-{n}", "kind": "deploy", "version": event_id},
                              separators=(",", ":"))
            try:
                conn.request("POST", "/api/v1/events", body, {"Content-Type": "application/json"})
                resp = conn.getresponse()
                resp.read()
            except (OSError, http.client.HTTPException):
                return  # the server is gone
            if resp.status == 200:
                with lock:
                    acked.append(event_id)
                    if len(acked) >= ACKS_BEFORE_KILL * round_no:
                        enough.set()
            elif resp.status != 503:
                sys.exit(f"FAIL: unexpected status {resp.status}")

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    return threads


def main():
    with tempfile.TemporaryDirectory() as workdir:
        config = os.path.join(workdir, "debriefd.yaml")
        with open(config, "w") as f:
            f.write("listen: 127.0.0.1:0\nstorage:\n  path: store/debriefd.db\n")
        acked, lock = [], threading.Lock()
        for round_no in (1, 2):
            proc, port = start(workdir, config)
            enough = threading.Event()
            threads = load(port, round_no, acked, lock, enough)
            if not enough.wait(timeout=600):
                proc.kill()
                sys.exit("FAIL: too few acknowledgements")
            proc.send_signal(signal.SIGKILL)  # mid-load: the clients are still sending
            proc.wait()
            for t in threads:
                t.join(timeout=60)
            with lock:
                expected = list(acked)
            dump = subprocess.run([BINARY, "dump-events", "--config", config], capture_output=True, text=True)
            if dump.returncode != 0:
                sys.exit("FAIL: dump-events: " + dump.stderr)
            stored = set()
            for line in dump.stdout.splitlines():
                body = json.loads(line)["body"]
                for event in body if isinstance(body, list) else [body]:
                    stored.add(event.get("id"))
            lost = [i for i in expected if i not in stored]
            print(f"round {round_no}: {len(expected)} acknowledged in all, {len(stored)} stored, {len(lost)} lost")
            if lost:
                sys.exit(f"FAIL: acknowledged but lost after kill -9: {lost[:10]}")
        # The killed store starts again and serves.
        proc, port = start(workdir, config)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(100):
            conn.request("GET", "/readyz")
            resp = conn.getresponse()
            resp.read()
            if resp.status == 200:
                break
            time.sleep(0.05)
        proc.terminate()
        proc.wait()
        if resp.status != 200:
            sys.exit(f"FAIL: /readyz {resp.status} after restart")
    print("kill -9 under load: nothing acknowledged was lost")


main()
