#!/usr/bin/env python3
"""`debriefd migrate --from sqlite:PATH --to postgres:DSN` moves a history whole.

1. Replays tests/fixtures/history/example.jsonl into a SQLite store.
2. Migrates it into an empty PostgreSQL database: the quarterly report (json) and
   the stored events (dump-events) read from PostgreSQL equal those read from SQLite,
   so a replay of the migrated log gives the same incidents and metrics.
3. A second migrate finds every event there and writes nothing (the counts are not
   added twice); one into a database holding other events is refused, naming it.
4. Bad --from / --to are refused with a message saying what to give.

Usage: migrate_test.py BINARY REPO_ROOT. Exit 77 only without PostgreSQL 15.
"""
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
BINARY, ROOT = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
from postgres import TempPostgres  # noqa: E402

SKIP = 77


def run(*args, ok=True):
    p = subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=120)
    if ok and p.returncode != 0:
        sys.exit(f"FAIL: debriefd {' '.join(args)}: exit {p.returncode}: {p.stderr}")
    return p


def config(path, storage):
    with open(path, "w") as f:
        f.write("listen: 127.0.0.1:0\nstorage:\n" + storage)
    return path


def main():
    if not TempPostgres.available():
        print("PostgreSQL 15 is not installed: skipped")
        return SKIP
    with tempfile.TemporaryDirectory(prefix="debriefd-migrate-") as work:
        pg = TempPostgres(work)
        try:
            pg.start()
            db = os.path.join(work, "store.db")
            lite = config(os.path.join(work, "sqlite.yaml"), f"  path: {db}\n")
            run("replay", "--config", lite, os.path.join(ROOT, "tests/fixtures/history/example.jsonl"))
            dsn = pg.create_database("moved")
            pgconf = config(os.path.join(work, "pg.yaml"), f"  driver: postgres\n  dsn: \"{dsn}\"\n")

            moved = run("migrate", "--from", "sqlite:" + db, "--to", "postgres:" + dsn)
            if "migrated" not in moved.stdout:
                sys.exit("FAIL: migrate printed: " + moved.stdout)
            events = int(pg.psql("SELECT count(*) FROM events", "moved"))
            counts = pg.psql("SELECT source, result, value FROM event_counts ORDER BY 1, 2", "moved")
            if events == 0 or not counts:
                sys.exit(f"FAIL: {events} events and counts {counts!r} in PostgreSQL")

            for what in (["dump-events"], ["report", "--quarter", "2026-Q3", "--format", "json",
                                            "--now", "2026-10-15T00:00:00Z"]):
                a = run(*what, "--config", lite).stdout
                b = run(*what, "--config", pgconf).stdout
                if a != b or not a:
                    sys.exit(f"FAIL: {what[0]} differs between SQLite and the migrated PostgreSQL")

            again = run("migrate", "--from", "sqlite:" + db, "--to", "postgres:" + dsn)
            if "already holds all" not in again.stdout:
                sys.exit("FAIL: a second migrate printed: " + again.stdout + again.stderr)
            if pg.psql("SELECT source, result, value FROM event_counts ORDER BY 1, 2", "moved") != counts:
                sys.exit("FAIL: a second migrate changed the counts")

            other = pg.create_database("other")
            run("replay", "--config", config(os.path.join(work, "other.yaml"),
                                             f"  driver: postgres\n  dsn: \"{other}\"\n"),
                os.path.join(ROOT, "tests/fixtures/history/small.jsonl"))
            refused = run("migrate", "--from", "sqlite:" + db, "--to", "postgres:" + other, ok=False)
            if refused.returncode == 0 or "not the start of" not in refused.stderr:
                sys.exit("FAIL: migrate into a database with other events: " + refused.stderr)

            for args, says in ((["--from", db, "--to", "postgres:" + dsn], "give sqlite:PATH"),
                               (["--from", "sqlite:" + db, "--to", dsn], "give postgres:DSN")):
                bad = run("migrate", *args, ok=False)
                if bad.returncode == 0 or says not in bad.stderr:
                    sys.exit(f"FAIL: migrate {args}: {bad.stderr}")
        finally:
            pg.close()
    print("migrate: all cases passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
