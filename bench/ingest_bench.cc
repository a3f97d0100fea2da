// Ingestion throughput: how many events per second debriefd makes durable
// (parsed, checked, appended to SQLite in WAL mode and synced) on this machine.
//
//   make bench            # all benchmarks
//   build/bench/debriefd_ingest_bench [events] [alerts-per-request] [clients]
//
// Two figures: the in-process pipeline (parse + IngestService with group
// commit), and the same through the HTTP server over loopback with keep-alive
// clients. Each request is one Alertmanager webhook; every alert is new.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "server/api.h"
#include "server/server.h"
#include "collector/sources/registry.h"
#include "collector/ingest/ingest_service.h"
#include "collector/store/sqlite_store.h"

namespace debriefd {
namespace {

std::string Webhook(int request, int alerts_per_request) {
  std::string body = R"({"version":"4","status":"firing","receiver":"debriefd","alerts":[)";
  for (int a = 0; a < alerts_per_request; ++a) {
    int id = request * alerts_per_request + a;
    if (a) body += ",";
    body += R"({"status":"firing","labels":{"alertname":"Bench","service":"svc-)" + std::to_string(id % 50) +
            R"(","severity":"critical","instance":"i-)" + std::to_string(id) +
            R"("},"annotations":{"summary":"bench"},"startsAt":"2026-10-01T10:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"fp)" +
            std::to_string(id) + R"("})";
  }
  return body + "]}";
}

struct Fixture {
  std::filesystem::path dir;
  std::unique_ptr<SqliteStore> store;
  SystemClock clock;
  std::unique_ptr<IngestService> ingest;
  explicit Fixture(const std::string& name) {
    dir = std::filesystem::temp_directory_path() / ("debriefd-bench-" + name + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    store = std::move(SqliteStore::Open((dir / "d.db").string()).value());
    ingest = std::make_unique<IngestService>(*store, Policy{}, clock);
    (void)ingest->Load();
    ingest->Start();
  }
  ~Fixture() {
    ingest->Stop();
    ingest.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
};

double InProcess(int requests, int per_request, int clients) {
  Fixture f("inproc");
  std::vector<std::string> bodies;
  for (int i = 0; i < requests; ++i) bodies.push_back(Webhook(i, per_request));
  std::atomic<int> next{0};
  std::atomic<long> accepted{0};
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      for (int i; (i = next++) < requests;) {
        auto parsed = ParseRequestBody("alertmanager", bodies[i], f.clock.Now());
        IngestOutcome o = f.ingest->SubmitAndWait("alertmanager", std::move(parsed.value()));
        accepted += static_cast<long>(o.accepted);
      }
    });
  }
  for (auto& t : threads) t.join();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (accepted != static_cast<long>(requests) * per_request) std::fprintf(stderr, "accepted %ld?\n", accepted.load());
  std::printf("  in-process: %d requests x %d alerts, %d clients: %.3f s, %.0f events/s, %llu commits\n", requests,
              per_request, clients, secs, accepted / secs, static_cast<unsigned long long>(f.ingest->commits()));
  return accepted / secs;
}

// One keep-alive connection; returns false on any error.
bool PostAll(unsigned short port, const std::vector<std::string>& bodies, std::atomic<int>& next, int requests) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return false;
  std::string buf;
  char chunk[8192];
  for (int i; (i = next++) < requests;) {
    std::string req = "POST /webhooks/alertmanager HTTP/1.1\r\nHost: b\r\nContent-Type: application/json\r\nContent-Length: " +
                      std::to_string(bodies[i].size()) + "\r\n\r\n" + bodies[i];
    if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) return false;
    buf.clear();
    size_t header_end = std::string::npos, need = 0;
    for (;;) {
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buf.append(chunk, static_cast<size_t>(n));
      if (header_end == std::string::npos && (header_end = buf.find("\r\n\r\n")) != std::string::npos) {
        size_t cl = buf.find("Content-Length: ");
        need = header_end + 4 + std::stoul(buf.substr(cl + 16));
        if (buf.compare(0, 12, "HTTP/1.1 200") != 0) return false;
      }
      if (header_end != std::string::npos && buf.size() >= need) break;
    }
  }
  ::close(fd);
  return true;
}

double OverHttp(int requests, int per_request, int clients) {
  Fixture f("http");
  ApiOptions api_options;
  api_options.version = "bench";
  Api api(*f.ingest, api_options);
  ServerOptions server_options;
  server_options.max_body = 1 << 20;
  server_options.read_timeout = std::chrono::seconds(30);
  Server server(api, server_options);
  unsigned short port = server.Listen("127.0.0.1:0").value();
  std::thread runner([&] { server.Run(2); });
  std::vector<std::string> bodies;
  for (int i = 0; i < requests; ++i) bodies.push_back(Webhook(i, per_request));
  std::atomic<int> next{0};
  std::atomic<bool> ok{true};
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      if (!PostAll(port, bodies, next, requests)) ok = false;
    });
  }
  for (auto& t : threads) t.join();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  server.Stop();
  runner.join();
  double events = static_cast<double>(requests) * per_request;
  std::printf("  http:       %d requests x %d alerts, %d clients: %.3f s, %.0f events/s, %llu commits%s\n", requests,
              per_request, clients, secs, events / secs, static_cast<unsigned long long>(f.ingest->commits()),
              ok ? "" : " (ERRORS)");
  return events / secs;
}

}  // namespace
}  // namespace debriefd

int main(int argc, char** argv) {
  int events = argc > 1 ? std::atoi(argv[1]) : 200000;
  std::printf("debriefd ingestion benchmark (%u hardware threads)\n", std::thread::hardware_concurrency());
  for (int per_request : {1, 10}) {
    int clients = per_request == 1 ? 64 : 16;
    if (argc > 3) clients = std::atoi(argv[3]);
    if (argc > 2 && std::atoi(argv[2]) != per_request) continue;
    debriefd::InProcess(events / per_request, per_request, clients);
    debriefd::OverHttp(events / per_request, per_request, clients);
  }
  return 0;
}
