// The contract every registered source keeps: a unique name and route, a
// fixtures folder whose bodies parse, and stored events that read back and
// replay as the same events.
#include "collector/sources/registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <filesystem>
#include <set>

#include "collector/replay.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;

const Time kNow = T("2026-11-21T20:36:00Z");

// Every fixture body of a source (tests/fixtures/<name>/**/*.json).
std::vector<std::filesystem::path> Fixtures(const Source& s) {
  std::vector<std::filesystem::path> out;
  std::filesystem::path dir = SourcePath("tests/fixtures/" + std::string(s.name));
  if (!std::filesystem::exists(dir)) return out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.size() > 13 && name.compare(name.size() - 13, 13, ".headers.json") == 0) continue;
    if (e.is_regular_file() && e.path().extension() == ".json") out.push_back(e.path());
  }
  return out;
}

// X.headers.json beside X.json: the headers sent with that body.
HeaderMap HeadersOf(const std::filesystem::path& body) {
  std::filesystem::path p = body;
  p.replace_extension(".headers.json");
  HeaderMap out;
  if (!std::filesystem::exists(p)) return out;
  boost::json::value v = boost::json::parse(ReadFile(p));
  for (const auto& kv : v.as_object()) {
    out[HeaderName(kv.key())] = std::string(kv.value().as_string());
  }
  return out;
}

TEST(SourceRegistry, NamesAndRoutesAreUniqueAndFound) {
  ASSERT_GE(Sources().size(), 2u);
  std::set<std::string_view> names, routes;
  for (const Source* s : Sources()) {
    EXPECT_TRUE(names.insert(s->name).second) << s->name;
    EXPECT_TRUE(routes.insert(s->route).second) << s->route;
    EXPECT_NE(s->parse, nullptr) << s->name;
    EXPECT_NE(s->parse, nullptr) << s->name;
    EXPECT_EQ(FindSource(s->name), s);
    EXPECT_EQ(FindSourceByRoute(s->route), s);
  }
  EXPECT_EQ(FindSource("pagerduty-but-not-yet"), nullptr);
  EXPECT_EQ(FindSourceByRoute("/webhooks/nothing"), nullptr);
  EXPECT_EQ(FindSourceByRoute("/webhooks/alertmanager")->name, "alertmanager");
  EXPECT_EQ(FindSourceByRoute("/api/v1/events")->name, "events");
}

TEST(SourceRegistry, SettingsOfUnknownSourcesAndOptionsAreProblemsWithTheirLine) {
  SourceSettingsMap settings;
  settings["github"].configured = true;
  settings["github"].options["frobnicate"] = SourceOption{"yes", {}, 7};
  settings["nagios"].configured = true;
  settings["alertmanager"].configured = true;
  std::vector<std::string> problems;
  for (const SettingsProblem& p : CheckSourceSettings(settings)) problems.push_back(std::to_string(p.line) + " " + p.message);
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0].rfind("0 sources.alertmanager: unknown source (known: ", 0), 0u) << problems[0];
  EXPECT_NE(problems[0].find("github"), std::string::npos) << problems[0];
  EXPECT_EQ(problems[1].rfind("7 sources.github.frobnicate: unknown key (known: secret_file, secret_env, services, environments", 0), 0u)
      << problems[1];
  EXPECT_EQ(problems[2].rfind("0 sources.nagios: unknown source", 0), 0u) << problems[2];
  // Option values are the source's to check.
  SourceSettingsMap values;
  values["grafana"].configured = true;
  values["grafana"].options["max_skew"] = SourceOption{"soon", {}, 4};
  values["pagerduty"].configured = true;
  values["pagerduty"].options["severity_from"] = SourceOption{"impact", {}, 9};
  std::vector<std::string> bad;
  for (const SettingsProblem& p : CheckSourceSettings(values)) bad.push_back(std::to_string(p.line) + " " + p.message);
  EXPECT_EQ(bad, (std::vector<std::string>{"4 sources.grafana.max_skew: not a duration (use 30s, 5m)",
                                           "9 sources.pagerduty.severity_from: must be urgency or priority"}));
  // Only configured webhook sources count from the start.
  std::vector<std::string> active = ActiveSourceNames(settings);
  EXPECT_NE(std::find(active.begin(), active.end(), "github"), active.end());
  EXPECT_EQ(ActiveSourceNames({}), (std::vector<std::string>{"alertmanager", "events"}));
}

TEST(SourceRegistry, UnknownSourcesAreRejectedByName) {
  auto r = ParseRequestBody("nagios", "{}", kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "source");
  EXPECT_EQ(r.status().message(), "replay: source: unknown source \"nagios\"");
  auto stored = ParseStoredEvent("nagios", "{}", kNow);
  ASSERT_FALSE(stored.ok());
  EXPECT_EQ(stored.status().message().rfind("store: ", 0), 0u) << stored.status().message();
}

TEST(SourceRegistry, ErrorsNameTheSourceOnce) {
  for (const Source* s : Sources()) {
    auto r = ParseRequestBody(s->name, "{", kNow);
    ASSERT_FALSE(r.ok()) << s->name;
    std::string prefix = std::string(s->name) + ": ";
    EXPECT_EQ(r.status().message().rfind(prefix, 0), 0u) << r.status().message();
    EXPECT_EQ(r.status().message().find(prefix, 1), std::string::npos) << r.status().message();
  }
}

TEST(SourceRegistry, EveryFixtureParsesReadsBackAndReplaysAsTheSameEvents) {
  for (const Source* s : Sources()) {
    std::vector<std::filesystem::path> fixtures = Fixtures(*s);
    EXPECT_FALSE(fixtures.empty()) << "tests/fixtures/" << s->name << "/ holds no .json body";
    for (const auto& path : fixtures) {
      SCOPED_TRACE(path.string());
      HeaderMap headers = HeadersOf(path);
      SourceSettings settings;
      settings.configured = true;
      auto parsed = ParseRequest(s->name, ReadFile(path), headers, kNow, settings);
      ASSERT_TRUE(parsed.ok()) << parsed.status().message();
      for (const ParsedEvent& e : *parsed) {
        EXPECT_EQ(e.event.source, s->name);
        EXPECT_EQ(e.event.received_at, kNow);
        EXPECT_FALSE(e.event.dedup_key.empty());
        if (s->read_stored == nullptr) {
          EXPECT_EQ(RequestOfStored(s->name, e.raw).body, ReadFile(path)) << "the request's bytes as received";
        }
        auto back = ParseStoredEvent(s->name, e.raw, kNow, settings);
        ASSERT_TRUE(back.ok()) << back.status().message();
        EXPECT_EQ(back->dedup_key, e.event.dedup_key);
        EXPECT_EQ(back->body.index(), e.event.body.index());

        auto line = ParseReplayLine(FormatReplayLine(s->name, kNow, e.raw));
        ASSERT_TRUE(line.ok()) << line.status().message();
        auto replayed = ParseRequest(line->source, line->body, line->headers, line->received_at, settings);
        ASSERT_TRUE(replayed.ok()) << replayed.status().message();
        ASSERT_EQ(replayed->size(), 1u);
        EXPECT_EQ((*replayed)[0].event.dedup_key, e.event.dedup_key);
      }
    }
  }
}

}  // namespace
}  // namespace debriefd
