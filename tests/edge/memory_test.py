#!/usr/bin/env python3
"""Memory stays bounded when many clients send large bodies at once.

The issue's figures: 1,000 connections each sending a 1 MiB body took the
server to 1,015 MB RSS; 300 unauthenticated ones to 311 MB. Here `debriefd
serve` runs with limits.max_inflight_bytes 64MiB and an ingest token; 1,000
authorised clients each announce 1 MiB and send all of it but the last byte
(so none finishes and everything the server keeps, it keeps at once), then 300
clients without the token announce 1 MiB and send only their header. The
server's peak RSS (VmHWM) must stay under 200 MB, every unauthenticated client
must get its 401 without sending a byte of body, and the server must still
answer /healthz.

Usage: memory_test.py BINARY SOURCE_DIR
"""
import os
import re
import selectors
import socket
import subprocess
import sys
import tempfile
import time

BINARY, SOURCE = sys.argv[1], sys.argv[2]
MIB = 1 << 20
AUTHORISED, STRANGERS = 1000, 300
BOUND_MB = 200


def status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) // 1024  # MB (kB / 1024)
    return -1


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    return s


def read_response(s):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def main():
    tmp = tempfile.mkdtemp()
    example = open(os.path.join(SOURCE, "config/debriefd.example.yaml")).read()
    config = re.sub(r"(?m)^  path: .*$", f"  path: {tmp}/debriefd.db", example)
    config = re.sub(r"(?m)^  max_inflight_bytes: .*$", "  max_inflight_bytes: 64MiB", config)
    config = re.sub(r"(?m)^  max_connections: .*$", "  max_connections: 2000", config)
    config = re.sub(r'(?m)^  ingest_token: .*$', '  ingest_token: "t"', config)
    config_path = os.path.join(tmp, "debriefd.yaml")
    open(config_path, "w").write(config)
    port_file = os.path.join(tmp, "port")
    log_path = os.path.join(tmp, "serve.log")
    log = open(log_path, "wb")
    proc = subprocess.Popen([BINARY, "serve", "--config", config_path, "--listen", "127.0.0.1:0",
                             "--port-file", port_file], stdout=log, stderr=log)
    try:
        for _ in range(300):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            if proc.poll() is not None:
                sys.exit("FAIL: serve exited: " + open(log_path).read())
            time.sleep(0.05)
        port = int(open(port_file).read())
        before = status(proc.pid, "VmRSS")

        header = (f"POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer t\r\n"
                  f"Content-Type: application/json\r\nContent-Length: {MIB}\r\n\r\n").encode()
        body = memoryview(b"x" * (MIB - 1))
        clients = []
        for _ in range(AUTHORISED):
            s = connect(port)
            s.sendall(header)
            s.setblocking(False)
            clients.append(s)
        sel = selectors.DefaultSelector()
        sent = {}
        for s in clients:
            sel.register(s, selectors.EVENT_WRITE)
            sent[s] = 0
        deadline = time.monotonic() + 120
        while sent and time.monotonic() < deadline:
            for key, _ in sel.select(timeout=5):
                s = key.fileobj
                try:
                    sent[s] += s.send(body[sent[s]:])
                    finished = sent[s] == len(body)
                except BlockingIOError:
                    continue
                except OSError:
                    finished = True  # refused (503) and closed after the lingering close
                if finished:
                    sel.unregister(s)
                    del sent[s]
        if sent:
            sys.exit(f"FAIL: {len(sent)} clients could not send their bodies within 120s")

        strangers = []
        for _ in range(STRANGERS):
            s = connect(port)
            s.sendall(f"POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                      f"Content-Length: {MIB}\r\n\r\n".encode())
            strangers.append(s)
        codes = {}
        for s in strangers:
            line = read_response(s).split(b"\r\n", 1)[0].decode(errors="replace")
            codes[line] = codes.get(line, 0) + 1

        rss = status(proc.pid, "VmRSS")
        peak = status(proc.pid, "VmHWM")
        health = connect(port)
        health.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        healthy = read_response(health).startswith(b"HTTP/1.1 200")
        print(f"RSS {before} MB before, {rss} MB with {AUTHORISED} + {STRANGERS} connections, "
              f"peak {peak} MB (bound {BOUND_MB} MB); unauthenticated answers: {codes}")
        failures = []
        if peak >= BOUND_MB:
            failures.append(f"peak RSS {peak} MB, bound {BOUND_MB} MB")
        if codes != {"HTTP/1.1 401 Unauthorized": STRANGERS}:
            failures.append(f"unauthenticated clients were not all answered 401 from the header: {codes}")
        if not healthy:
            failures.append("/healthz did not answer 200 under load")
        for s in clients + strangers + [health]:
            s.close()
        if failures:
            sys.exit("FAIL: " + "; ".join(failures))
        print("ok")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
