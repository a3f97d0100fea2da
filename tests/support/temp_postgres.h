#pragma once
// A private PostgreSQL 15 server for tests: initdb into a fresh temporary
// directory, listening on a Unix socket in that directory only (no TCP port,
// so servers of concurrent tests never clash), removed at scope exit.
//
//   if (!TempPostgres::Available()) GTEST_SKIP() << TempPostgres::kMissing;
//   TempPostgres pg;                        // initdb + start; throws on failure
//   std::string dsn = pg.CreateDatabase("t1");
//   pg.Stop();  pg.Start();  pg.Kill();     // outage, recovery, crash
//
// PostgreSQL refuses to run as root: when the tests run as root, the server
// (and initdb) run as user postgres, which owns the directory. The server
// and its backends all die at once on Kill(), as in a crash of the machine.

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/test_util.h"

namespace debriefd::testing {

class TempPostgres {
 public:
  static constexpr const char* kBinDir = "/usr/lib/postgresql/15/bin";
  static constexpr const char* kMissing =
      "PostgreSQL 15 is not installed (/usr/lib/postgresql/15/bin/postgres): scripts/install-deps.sh "
      "installs it";
  static constexpr int kPort = 5432;

  // True when the server binaries are installed (and, as root, a postgres
  // user exists to run them).
  static bool Available() {
    const std::string bin = kBinDir;
    for (const char* tool : {"/postgres", "/initdb", "/pg_isready", "/psql"}) {
      if (access((bin + tool).c_str(), X_OK) != 0) return false;
    }
    return geteuid() != 0 || getpwnam("postgres") != nullptr;
  }

  // initdb (trust auth, user postgres, UTF8, locale C) and Start().
  TempPostgres() {
    char tmpl[] = "/tmp/debriefd-pg-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("temp_postgres: mkdtemp failed");
    dir_ = tmpl;
    try {
      if (geteuid() == 0) {
        const passwd* pw = getpwnam("postgres");
        if (!pw) throw std::runtime_error("temp_postgres: no user postgres to run the server as");
        uid_ = pw->pw_uid;
        gid_ = pw->pw_gid;
        if (chown(dir_.c_str(), uid_, gid_) != 0)
          throw std::runtime_error("temp_postgres: chown " + dir_ + " failed");
      }
      // --no-sync: a throwaway cluster need not survive a power loss. The
      // server runs with fsync on (its default): commits cost what they do
      // in production.
      int rc = Run({std::string(kBinDir) + "/initdb", "-D", data(), "--auth=trust", "-U", "postgres",
                    "--encoding=UTF8", "--locale=C", "--no-sync"},
                   /*as_server_user=*/true, dir_ + "/initdb.log");
      if (rc != 0)
        throw std::runtime_error("temp_postgres: initdb failed:\n" + ReadFile(dir_ + "/initdb.log"));
      Start();
    } catch (...) {
      Remove();
      throw;
    }
  }
  ~TempPostgres() {
    try {
      Stop();
    } catch (...) {
      KillAll();
    }
    Remove();
  }
  TempPostgres(const TempPostgres&) = delete;
  TempPostgres& operator=(const TempPostgres&) = delete;

  // The socket directory (also the parent of the data directory).
  const std::string& dir() const { return dir_; }
  std::string data() const { return dir_ + "/data"; }
  std::string dsn(const std::string& dbname = "postgres") const {
    return "host=" + dir_ + " port=" + std::to_string(kPort) + " user=postgres dbname=" + dbname;
  }
  bool running() const { return pid_ > 0; }
  // The server's log (stderr), for failure messages.
  std::string log() const { return ReadFile(dir_ + "/server.log"); }

  // Starts the server on the data directory and waits (at most 30 s) until
  // it accepts connections. No-op when it runs. The server ends with the
  // thread that started it: call from the test's main thread.
  void Start() {
    if (pid_ > 0) return;
    std::vector<std::string> argv = {std::string(kBinDir) + "/postgres",
                                     "-D",
                                     data(),
                                     "-k",
                                     dir_,
                                     "-p",
                                     std::to_string(kPort),
                                     "-c",
                                     "listen_addresses=",
                                     "-c",
                                     "max_connections=200",
                                     "-c",
                                     "shared_buffers=16MB",
                                     "-c",
                                     "max_wal_size=256MB",
                                     "-c",
                                     "log_min_messages=warning"};
    pid_ = Spawn(argv, /*as_server_user=*/true, dir_ + "/server.log", /*own_group=*/true);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (true) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("temp_postgres: the server exited at start:\n" + log());
      }
      if (Run({std::string(kBinDir) + "/pg_isready", "-q", "-h", dir_, "-p", std::to_string(kPort), "-U",
               "postgres", "-d", "postgres"},
              false, "/dev/null") == 0) {
        return;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        KillAll();
        throw std::runtime_error("temp_postgres: the server did not accept connections within 30 s:\n" +
                                 log());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  // Fast shutdown (SIGINT: ends the sessions, checkpoints) and waits for it
  // (at most 30 s, then SIGKILL). No-op when it is not running.
  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGINT);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (true) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) break;
      if (std::chrono::steady_clock::now() > deadline) {
        KillAll();
        throw std::runtime_error("temp_postgres: the server did not stop within 30 s");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
  }

  // SIGKILL to the server and all its backends: a crash. Start() recovers.
  void Kill() { KillAll(); }

  // Creates database `name` and returns its DSN.
  std::string CreateDatabase(const std::string& name) {
    Sql("CREATE DATABASE \"" + name + "\"");
    return dsn(name);
  }

  // Drops database `name`, ending the sessions still connected to it.
  void DropDatabase(const std::string& name) { Sql("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)"); }

  // Runs SQL through psql on database `db` and returns what it printed
  // (unaligned, tuples only: "1|a" per row); throws when it fails. One
  // caller at a time.
  std::string Sql(const std::string& sql, const std::string& db = "postgres") {
    const std::string out = dir_ + "/psql.out";
    std::filesystem::remove(out);
    int rc = Run({std::string(kBinDir) + "/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", dir_,
                  "-p", std::to_string(kPort), "-U", "postgres", "-d", db, "-c", sql},
                 false, out);
    std::string printed = ReadFile(out);
    if (rc != 0) throw std::runtime_error("temp_postgres: psql failed: " + sql + "\n" + printed);
    while (!printed.empty() && printed.back() == '\n') printed.pop_back();
    return printed;
  }

 private:
  // Forks and execs argv with stdout and stderr to `out`; as the server user
  // when asked (and root); in a process group of its own when asked. Only
  // async-signal-safe calls between fork and exec.
  pid_t Spawn(const std::vector<std::string>& argv, bool as_server_user, const std::string& out,
              bool own_group) {
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const bool drop = as_server_user && uid_ != 0;
    const uid_t uid = uid_;
    const gid_t gid = gid_;
    const pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("temp_postgres: fork failed");
    if (pid == 0) {
      if (own_group) setpgid(0, 0);  // a Ctrl-C of the tests is not a shutdown request
      int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
      }
      int null = open("/dev/null", O_RDONLY);
      if (null >= 0) dup2(null, 0);
      if (drop && (setgroups(0, nullptr) != 0 || setgid(gid) != 0 || setuid(uid) != 0)) _exit(126);
      // A test binary that dies (a crash, a timeout's SIGKILL) takes its
      // server with it: immediate shutdown (set after setuid, which clears it).
      if (prctl(PR_SET_PDEATHSIG, SIGQUIT) != 0 || getppid() != parent) _exit(126);
      execv(args[0], args.data());
      _exit(127);
    }
    return pid;
  }
  int Run(const std::vector<std::string>& argv, bool as_server_user, const std::string& out) {
    pid_t pid = Spawn(argv, as_server_user, out, false);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
      if (errno != EINTR) return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  // SIGKILL to the server and every process of it. Its backends make
  // themselves process-group leaders, so they are found by their working
  // directory, which is the data directory for each.
  void KillAll() {
    if (pid_ <= 0) return;
    for (pid_t pid : ServerProcesses()) kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    // Wait until none is left holding the data directory's shared memory,
    // or a restart would refuse to start.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (true) {
      std::vector<pid_t> left = ServerProcesses();
      if (left.empty() || std::chrono::steady_clock::now() > deadline) break;
      for (pid_t pid : left) kill(pid, SIGKILL);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  // The live processes (not zombies) whose working directory is the data directory.
  std::vector<pid_t> ServerProcesses() const {
    std::vector<pid_t> out;
    std::error_code ec;
    const std::filesystem::path dir = std::filesystem::weakly_canonical(data(), ec);
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
      const std::string name = entry.path().filename().string();
      if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::error_code link_ec;
      if (std::filesystem::read_symlink(entry.path() / "cwd", link_ec) != dir || link_ec) continue;
      out.push_back(static_cast<pid_t>(std::stol(name)));
    }
    return out;
  }
  void Remove() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string dir_;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  pid_t pid_ = -1;
};

// A fixture for the tests of a suite: one server for the suite (started
// once: initdb takes a second or two), a fresh database for each test,
// dropped after it so that a server stop never writes the earlier tests' data.
// Skips every test when PostgreSQL is not installed.
class PostgresDatabaseTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!TempPostgres::Available()) return;
    try {
      pg_ = new TempPostgres();
    } catch (const std::exception& e) {
      start_error_ = e.what();
    }
  }
  static void TearDownTestSuite() {
    delete pg_;
    pg_ = nullptr;
  }
  void SetUp() override {
    if (!TempPostgres::Available()) GTEST_SKIP() << TempPostgres::kMissing;
    ASSERT_NE(pg_, nullptr) << start_error_;
    pg_->Start();  // a test that stopped it and failed leaves it down
    db_ = "test" + std::to_string(++databases_);
    dsn_ = pg_->CreateDatabase(db_);
  }
  void TearDown() override {
    if (pg_ != nullptr && !db_.empty() && pg_->running()) pg_->DropDatabase(db_);
  }

  static inline TempPostgres* pg_ = nullptr;
  static inline std::string start_error_;
  static inline int databases_ = 0;
  std::string db_;   // this test's database
  std::string dsn_;  // and its DSN
};

}  // namespace debriefd::testing
