"""A throwaway PostgreSQL server for tests that run debriefd against PostgreSQL.

The server lives entirely under one work directory: its data directory
(WORKDIR/pgdata), its Unix socket (WORKDIR/pgsock, listen_addresses='' so no TCP
port is opened) and its log (WORKDIR/postgres.log). Authentication is `trust`
for the superuser `postgres`; fsync stays on, so a SIGKILL behaves like a crash.

PostgreSQL refuses to run as root: when the test runs as root, initdb and
postgres run as the `postgres` user through `runuser -u postgres --`, the data
and socket directories are owned by that user and WORKDIR is made traversable
by it. Client programs (psql, pg_isready) connect over the socket as any user.

    from postgres import TempPostgres   # with tests/support on sys.path
    if not TempPostgres.available():
        sys.exit(77)
    pg = TempPostgres(workdir)
    pg.start()
    dsn = pg.create_database("debriefd")
    ...
    pg.stop()

Every wait is bounded; a server that does not come up raises RuntimeError
with the tail of its log.
"""
import os
import pwd
import signal
import subprocess
import time

BIN = "/usr/lib/postgresql/15/bin"
PORT = 5432
START_TIMEOUT = 60.0
STOP_TIMEOUT = 60.0


def _pids_with_parent(parent):
    """Pids of the live processes whose parent is `parent` (read from /proc)."""
    children = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: fields follow the last ')'.
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z" and int(fields[1]) == parent:
            children.append(int(entry))
    return children


def _alive(pid):
    """True while `pid` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


class TempPostgres:
    """One PostgreSQL 15 server in a private directory, started and stopped by the test."""

    def __init__(self, workdir: str, settings: dict = None):
        """Places the server under `workdir` (which must exist); nothing runs until start().

        `settings` are extra `-c name=value` server settings.
        """
        self.workdir = os.path.abspath(workdir)
        self.data_dir = os.path.join(self.workdir, "pgdata")
        self.socket_dir = os.path.join(self.workdir, "pgsock")
        self.log_path = os.path.join(self.workdir, "postgres.log")
        self.settings = dict(settings or {})
        self._proc = None  # the postgres process, or runuser around it
        self._as_root = os.geteuid() == 0

    @staticmethod
    def available() -> bool:
        """True when the PostgreSQL 15 server binaries are installed (and, for root, the
        postgres user the package creates exists)."""
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                return False
        return all(os.access(os.path.join(BIN, name), os.X_OK)
                   for name in ("postgres", "initdb", "psql", "pg_isready"))

    # --- server lifecycle ---------------------------------------------------------------

    def _server_command(self, argv):
        """argv run as the postgres user when this process is root."""
        if self._as_root:
            return ["runuser", "-u", "postgres", "--"] + argv
        return argv

    def _prepare_dirs(self):
        """Creates the data and socket directories, owned by the user the server runs as."""
        for path in (self.data_dir, self.socket_dir):
            os.makedirs(path, mode=0o700, exist_ok=True)
        if self._as_root:
            user = pwd.getpwnam("postgres")
            for path in (self.data_dir, self.socket_dir):
                os.chown(path, user.pw_uid, user.pw_gid)
            # The server must reach its directories through the work directory.
            mode = os.stat(self.workdir).st_mode & 0o7777
            os.chmod(self.workdir, mode | 0o011)
            parent = os.path.dirname(self.workdir)
            while parent != os.path.dirname(parent):
                if not os.stat(parent).st_mode & 0o001:
                    raise RuntimeError(f"{parent} is not traversable by the postgres user")
                parent = os.path.dirname(parent)

    def _initdb(self):
        """Creates the cluster: trust authentication, superuser postgres, UTF8, locale C."""
        with open(self.log_path, "ab") as log:
            result = subprocess.run(
                self._server_command([os.path.join(BIN, "initdb"), "-D", self.data_dir,
                                      "--auth=trust", "-U", "postgres",
                                      "--encoding=UTF8", "--locale=C"]),
                stdout=log, stderr=log, timeout=120)
        if result.returncode != 0:
            raise RuntimeError("initdb failed:\n" + self._log_tail())

    def start(self):
        """Starts the server (running initdb first if the data directory is empty) and
        returns once it accepts connections on its socket (bounded wait)."""
        if self.running():
            raise RuntimeError("PostgreSQL is already running")
        self._prepare_dirs()
        if not os.path.exists(os.path.join(self.data_dir, "PG_VERSION")):
            self._initdb()
        argv = [os.path.join(BIN, "postgres"), "-D", self.data_dir, "-k", self.socket_dir,
                "-c", "listen_addresses=", "-p", str(PORT)]
        for name, value in self.settings.items():
            argv += ["-c", f"{name}={value}"]
        log = open(self.log_path, "ab")
        try:
            self._proc = subprocess.Popen(self._server_command(argv), stdout=log, stderr=log,
                                          stdin=subprocess.DEVNULL)
        finally:
            log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                self._proc = None
                raise RuntimeError("postgres exited at start:\n" + self._log_tail())
            if self.ready():
                return
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"postgres did not accept connections within {START_TIMEOUT:.0f} s:\n"
                           + self._log_tail())

    def ready(self) -> bool:
        """True when the server accepts connections now (pg_isready)."""
        result = subprocess.run([os.path.join(BIN, "pg_isready"), "-q", "-h", self.socket_dir,
                                 "-p", str(PORT), "-U", "postgres", "-t", "2"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10)
        return result.returncode == 0

    def running(self) -> bool:
        """True while the server process started by start() is alive."""
        return self._proc is not None and self._proc.poll() is None

    def postmaster_pid(self):
        """Pid of the postmaster (from postmaster.pid), or None when it is not running."""
        try:
            with open(os.path.join(self.data_dir, "postmaster.pid")) as f:
                pid = int(f.readline().strip())
        except (OSError, ValueError):
            return None
        return pid if _alive(pid) else None

    def stop(self):
        """Fast shutdown (SIGINT to the postmaster: sessions are ended, a checkpoint is
        written) and waits until the server has exited; SIGKILL after STOP_TIMEOUT."""
        if not self.running():
            self._proc = None
            return
        pid = self.postmaster_pid()
        # runuser does not pass every signal on: signal the postmaster itself.
        os.kill(pid if pid else self._proc.pid, signal.SIGINT)
        try:
            self._proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            raise RuntimeError("postgres did not stop within the fast-shutdown timeout")
        self._proc = None

    def kill(self):
        """SIGKILL the postmaster and then its server processes, as a crash of the host
        would, and waits until they are all gone (the next start runs crash recovery)."""
        if not self.running():
            self._proc = None
            return
        pid = self.postmaster_pid()
        if pid is None:
            self._proc.kill()
            self._proc.wait(timeout=STOP_TIMEOUT)
            self._proc = None
            return
        # Each server process leads its own process group, so they are signalled one by
        # one. The postmaster is not signalled through runuser but directly, and runuser
        # stays to reap it: a zombie postmaster would make the next start see its pid alive.
        children = _pids_with_parent(pid)
        os.kill(pid, signal.SIGKILL)
        for child in children:
            try:
                os.kill(child, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._proc.wait(timeout=STOP_TIMEOUT)
        deadline = time.monotonic() + STOP_TIMEOUT
        while any(_alive(child) for child in children):
            if time.monotonic() > deadline:
                raise RuntimeError("postgres processes survived SIGKILL")
            time.sleep(0.02)
        self._proc = None

    def restart(self):
        """stop() then start(): a clean restart on the same data directory."""
        self.stop()
        self.start()

    def close(self):
        """Ends the server if it is still running (fast shutdown, else SIGKILL)."""
        if self.running():
            try:
                self.stop()
            except RuntimeError:
                self.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- clients ------------------------------------------------------------------------

    def dsn(self, dbname: str = "postgres") -> str:
        """libpq connection string for `dbname` over the server's Unix socket."""
        return f"host={self.socket_dir} port={PORT} user=postgres dbname={dbname}"

    def psql(self, sql: str, dbname: str = "postgres") -> str:
        """Runs `sql` with psql -At (unaligned, tuples only; stops at the first error) and
        returns its standard output; raises RuntimeError when psql fails."""
        result = subprocess.run(
            [os.path.join(BIN, "psql"), "-X", "-At", "-v", "ON_ERROR_STOP=1",
             "-h", self.socket_dir, "-p", str(PORT), "-U", "postgres", "-d", dbname, "-c", sql],
            capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise RuntimeError(f"psql failed ({sql!r}): {result.stderr.strip()}")
        return result.stdout

    def create_database(self, name: str) -> str:
        """Creates database `name` (UTF8) and returns its libpq DSN."""
        quoted = '"' + name.replace('"', '""') + '"'
        self.psql(f"CREATE DATABASE {quoted}")
        return self.dsn(name)

    def _log_tail(self, lines: int = 30) -> str:
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return "(no log)"
