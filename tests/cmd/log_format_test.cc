// The log formats, as a log collector reads them: logfmt quoted and escaped
// as go-kit writes it, JSON parsed back with Boost.JSON.
#include "cmd/log_format.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <regex>
#include <sstream>

namespace debriefd {
namespace {

std::string Render(std::string_view format, spdlog::level::level_enum level, const std::string& text) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  spdlog::logger logger("test", sink);
  logger.set_formatter(MakeLogFormatter(format));
  logger.set_level(spdlog::level::trace);
  logger.log(level, "{}", text);
  logger.flush();
  return out.str();
}

TEST(LogFormat, LogfmtQuotesOnlyWhatNeedsIt) {
  const std::string line = Render("logfmt", spdlog::level::info, "listening on 127.0.0.1:9466");
  EXPECT_TRUE(std::regex_match(
      line, std::regex(R"(ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z level=info msg="listening on 127\.0\.0\.1:9466"\n)")))
      << line;
  EXPECT_NE(Render("logfmt", spdlog::level::warn, "ready").find(" level=warn msg=ready\n"), std::string::npos);
  EXPECT_NE(Render("logfmt", spdlog::level::err, "x").find(" level=error "), std::string::npos);
}

TEST(LogFormat, LogfmtKeepsOneRecordOnOneLine) {
  const std::string line = Render("logfmt", spdlog::level::info, "a \"quoted\"\nsecond\\line=\x01");
  EXPECT_NE(line.find(R"(msg="a \"quoted\"\nsecond\\line=\u0001")"), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line per record";
}

TEST(LogFormat, JsonIsOneObjectPerLine) {
  const std::string text = "bad \"token\" from 10.0.0.1\n\ttab";
  const std::string line = Render("json", spdlog::level::warn, text);
  ASSERT_EQ(line.find('\n'), line.size() - 1);
  boost::json::object o = boost::json::parse(line).as_object();
  EXPECT_EQ(o.at("level").as_string(), "warn");
  EXPECT_EQ(o.at("msg").as_string(), text);
  EXPECT_TRUE(std::regex_match(std::string(o.at("ts").as_string()),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
}

TEST(LogFormat, UnknownNamesChangeNothing) {
  EXPECT_EQ(MakeLogFormatter("text"), nullptr);
  spdlog::set_level(spdlog::level::info);
  EXPECT_FALSE(ConfigureLogging("text", "debug"));
  EXPECT_FALSE(ConfigureLogging("json", "verbose"));
  EXPECT_EQ(spdlog::get_level(), spdlog::level::info);
  EXPECT_TRUE(ConfigureLogging("logfmt", "warn"));
  EXPECT_EQ(spdlog::get_level(), spdlog::level::warn);
  spdlog::set_level(spdlog::level::info);
}

}  // namespace
}  // namespace debriefd
