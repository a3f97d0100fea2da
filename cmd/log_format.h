#pragma once
// debriefd's log lines, in the two formats of the Prometheus ecosystem:
//
//   logfmt  ts=2026-12-03T12:00:00.123Z level=info msg="listening on 127.0.0.1:9466"
//   json    {"ts":"2026-12-03T12:00:00.123Z","level":"info","msg":"listening on 127.0.0.1:9466"}
//
// One line per record, times in UTC with milliseconds, levels spelled as
// Prometheus spells them (debug, info, warn, error). A message with several
// lines stays one record: logfmt quotes and escapes it, JSON escapes it.

#include <memory>
#include <string_view>

#include <spdlog/formatter.h>

namespace debriefd {

// The formatter for "logfmt" or "json" (config/config.h ValidLogFormat);
// nullptr for any other name.
std::unique_ptr<spdlog::formatter> MakeLogFormatter(std::string_view format);

// Sets the default logger's formatter and level ("info", "debug", ...);
// false when either name is unknown (nothing is changed then).
bool ConfigureLogging(std::string_view format, std::string_view level);

}  // namespace debriefd
