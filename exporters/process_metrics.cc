#include "exporters/process_metrics.h"

#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <vector>

namespace debriefd {
namespace {

std::vector<std::string_view> Fields(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')) ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t' && s[j] != '\n') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

bool ToDouble(std::string_view s, double& out) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return false;
  out = static_cast<double>(v);
  return true;
}

Result<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::Unavailable("cannot read " + path);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

}  // namespace

Status ParseProcSelfStat(std::string_view stat, double ticks_per_second, double page_size, double boot_time,
                         ProcessStats& out) {
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so the
  // fields are counted from the last ')'. Field n (proc(5), from 1) is at n - 3.
  const size_t close = stat.rfind(')');
  if (close == std::string_view::npos) return Status::InvalidArgument("stat", "no \"(comm)\" field");
  std::vector<std::string_view> f = Fields(stat.substr(close + 1));
  constexpr size_t kUtime = 14 - 3, kStime = 15 - 3, kStart = 22 - 3, kVsize = 23 - 3, kRss = 24 - 3;
  if (f.size() <= kRss) return Status::InvalidArgument("stat", "fewer than 24 fields");
  double utime = 0, stime = 0, start = 0, vsize = 0, rss = 0;
  if (!ToDouble(f[kUtime], utime) || !ToDouble(f[kStime], stime) || !ToDouble(f[kStart], start) ||
      !ToDouble(f[kVsize], vsize) || !ToDouble(f[kRss], rss)) {
    return Status::InvalidArgument("stat", "a field is not a number");
  }
  out.cpu_seconds = (utime + stime) / ticks_per_second;
  out.start_time_seconds = boot_time + start / ticks_per_second;
  out.virtual_bytes = vsize;
  out.resident_bytes = rss * page_size;
  return Status::Ok();
}

Result<double> ParseBootTime(std::string_view proc_stat) {
  std::vector<std::string_view> f = Fields(proc_stat);
  for (size_t i = 0; i + 1 < f.size(); ++i) {
    double v = 0;
    if (f[i] == "btime" && ToDouble(f[i + 1], v)) return v;
  }
  return Status::InvalidArgument("btime", "missing");
}

Result<double> ParseMaxFds(std::string_view limits) {
  constexpr std::string_view kName = "Max open files";
  const size_t at = limits.find(kName);
  if (at == std::string_view::npos) return Status::InvalidArgument("Max open files", "missing");
  std::string_view line = limits.substr(at + kName.size());
  line = line.substr(0, line.find('\n'));
  std::vector<std::string_view> f = Fields(line);  // soft, hard, units
  if (f.empty()) return Status::InvalidArgument("Max open files", "no soft limit");
  if (f[0] == "unlimited") return std::numeric_limits<double>::infinity();
  double v = 0;
  if (!ToDouble(f[0], v)) return Status::InvalidArgument("Max open files", "not a number");
  return v;
}

Result<ProcessStats> ReadProcessStats(const std::string& proc_self) {
  ProcessStats s;
  Result<std::string> stat = ReadWhole(proc_self + "/stat");
  if (!stat.ok()) return stat.status();
  Result<std::string> system = ReadWhole("/proc/stat");
  if (!system.ok()) return system.status();
  Result<double> boot = ParseBootTime(*system);
  if (!boot.ok()) return Status::Unavailable("/proc/stat: " + boot.status().message());
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  if (Status parsed = ParseProcSelfStat(*stat, ticks, page, *boot, s); !parsed.ok()) {
    return Status::Unavailable(proc_self + "/stat: " + parsed.message());
  }
  Result<std::string> limits = ReadWhole(proc_self + "/limits");
  if (!limits.ok()) return limits.status();
  Result<double> max_fds = ParseMaxFds(*limits);
  if (!max_fds.ok()) return Status::Unavailable(proc_self + "/limits: " + max_fds.status().message());
  s.max_fds = *max_fds;
  std::error_code ec;
  std::filesystem::directory_iterator fds(proc_self + "/fd", ec);
  if (ec) return Status::Unavailable("cannot list " + proc_self + "/fd: " + ec.message());
  // The iterator's own descriptor is among the entries: not one of ours.
  double open = -1;
  for (auto it = fds; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) return Status::Unavailable("cannot list " + proc_self + "/fd: " + ec.message());
    ++open;
  }
  s.open_fds = open < 0 ? 0 : open;
  return s;
}

}  // namespace debriefd
