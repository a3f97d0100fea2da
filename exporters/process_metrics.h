#pragma once
// The standard process_* figures of a Prometheus client library, read from
// Linux's /proc. Parsing is pure (ParseProcSelfStat, ParseBootTime,
// ParseMaxFds) and tested on fixed text; ReadProcessStats is the thin part that
// reads the files and counts the open descriptors.

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/status.h"

namespace debriefd {

struct ProcessStats {
  double cpu_seconds = 0;         // user + system time (process_cpu_seconds_total)
  double resident_bytes = 0;      // process_resident_memory_bytes
  double virtual_bytes = 0;       // process_virtual_memory_bytes
  double open_fds = 0;            // process_open_fds
  double max_fds = 0;             // process_max_fds (the soft limit)
  double start_time_seconds = 0;  // process_start_time_seconds, unix seconds
};

// Fills cpu_seconds, resident_bytes, virtual_bytes and start_time_seconds from
// the text of /proc/<pid>/stat, with the clock ticks per second, the page size
// and the boot time (unix seconds, from /proc/stat's btime). InvalidArgument
// when the text is not a stat line.
Status ParseProcSelfStat(std::string_view stat, double ticks_per_second, double page_size, double boot_time,
                         ProcessStats& out);
// The btime line of /proc/stat, or nullopt-like failure as InvalidArgument.
Result<double> ParseBootTime(std::string_view proc_stat);
// The soft "Max open files" of /proc/<pid>/limits ("unlimited" is +Inf).
Result<double> ParseMaxFds(std::string_view limits);

// The figures of this process, from `proc_self` (/proc/self by default) and
// /proc/stat. Unavailable naming the file when one cannot be read.
Result<ProcessStats> ReadProcessStats(const std::string& proc_self = "/proc/self");

}  // namespace debriefd
