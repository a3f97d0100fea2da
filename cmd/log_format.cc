#include "cmd/log_format.h"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <string>

namespace debriefd {
namespace {

std::string_view LevelName(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace: return "trace";
    case spdlog::level::debug: return "debug";
    case spdlog::level::info: return "info";
    case spdlog::level::warn: return "warn";
    case spdlog::level::err: return "error";
    case spdlog::level::critical: return "critical";
    default: return "off";
  }
}

// RFC 3339 in UTC with milliseconds, as Prometheus writes `ts`.
std::string Timestamp(spdlog::log_clock::time_point tp) {
  const auto ms = std::chrono::time_point_cast<std::chrono::milliseconds>(tp);
  const auto secs = std::chrono::time_point_cast<std::chrono::seconds>(ms);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", secs, (ms - secs).count());
}

class LogfmtFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    fmt::format_to(std::back_inserter(dest), "ts={} level={} msg=", Timestamp(msg.time), LevelName(msg.level));
    AppendValue(std::string_view(msg.payload.data(), msg.payload.size()), dest);
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<LogfmtFormatter>(); }

 private:
  // logfmt (as go-kit writes it): a value is quoted when it is empty or holds
  // a space, '=', '"' or a control character; inside quotes '"' and '\' are
  // escaped and control characters written as \n, \t or \u00XX.
  static void AppendValue(std::string_view v, spdlog::memory_buf_t& dest) {
    bool quote = v.empty();
    for (unsigned char c : v) quote = quote || c <= ' ' || c == '=' || c == '"' || c == 0x7f;
    if (!quote) {
      dest.append(v.data(), v.data() + v.size());
      return;
    }
    dest.push_back('"');
    for (unsigned char c : v) {
      switch (c) {
        case '"': dest.append(std::string_view("\\\"")); break;
        case '\\': dest.append(std::string_view("\\\\")); break;
        case '\n': dest.append(std::string_view("\\n")); break;
        case '\r': dest.append(std::string_view("\\r")); break;
        case '\t': dest.append(std::string_view("\\t")); break;
        default:
          if (c < 0x20 || c == 0x7f) {
            fmt::format_to(std::back_inserter(dest), "\\u{:04x}", c);
          } else {
            dest.push_back(static_cast<char>(c));
          }
      }
    }
    dest.push_back('"');
  }
};

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    // Boost.JSON writes the strings, so every escape is the standard's.
    const std::string msg_json =
        boost::json::serialize(boost::json::string(std::string_view(msg.payload.data(), msg.payload.size())));
    fmt::format_to(std::back_inserter(dest), R"({{"ts":"{}","level":"{}","msg":{}}})", Timestamp(msg.time),
                   LevelName(msg.level), msg_json);
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

}  // namespace

std::unique_ptr<spdlog::formatter> MakeLogFormatter(std::string_view format) {
  if (format == "logfmt") return std::make_unique<LogfmtFormatter>();
  if (format == "json") return std::make_unique<JsonFormatter>();
  return nullptr;
}

bool ConfigureLogging(std::string_view format, std::string_view level) {
  std::unique_ptr<spdlog::formatter> formatter = MakeLogFormatter(format);
  const spdlog::level::level_enum parsed = spdlog::level::from_str(std::string(level));
  // from_str answers "off" for any name it does not know.
  if (!formatter || (parsed == spdlog::level::off && level != "off")) return false;
  spdlog::set_formatter(std::move(formatter));
  spdlog::set_level(parsed);
  return true;
}

}  // namespace debriefd
