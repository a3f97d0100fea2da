// A bounded, deterministic fuzz run of every parser in the normal test suite:
// seeds from the fixtures, byte- and token-level mutations from a fixed seed.
// Deeper runs use the libFuzzer target (make fuzz).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "collector/sources/registry.h"
#include "tests/support/test_util.h"

namespace debriefd {
int FuzzOneInput(const uint8_t* data, size_t size);
namespace {
using namespace debriefd::testing;

// Seeds: every registered source's fixtures folder (tests/fixtures/<name>/),
// Grafana's Alertmanager-compatible body, the corpus and a recorded history.
std::vector<std::string> Seeds() {
  std::vector<std::string> dirs = {"tests/fixtures/grafana", "tests/fixtures/prometheus", "tests/fuzz/corpus"};
  for (const Source* s : Sources()) dirs.push_back("tests/fixtures/" + std::string(s->name));
  std::vector<std::string> seeds;
  for (const std::string& dir : dirs) {
    if (!std::filesystem::exists(SourcePath(dir))) continue;
    for (const auto& e : std::filesystem::recursive_directory_iterator(SourcePath(dir))) {
      if (!e.is_regular_file() || e.path().extension() == ".md") continue;
      std::string path = e.path().string();
      if (path.size() > 13 && path.compare(path.size() - 13, 13, ".headers.json") == 0) {
        // "headers\nbody", as the fuzz target reads it.
        std::string body_path = path.substr(0, path.size() - 13) + ".json";
        std::string headers = ReadFile(path);
        headers.erase(std::remove(headers.begin(), headers.end(), '\n'), headers.end());
        seeds.push_back(headers + "\n" + ReadFile(body_path));
        continue;
      }
      seeds.push_back(ReadFile(e.path()));
    }
  }
  std::ifstream history(SourcePath("tests/fixtures/history/small.jsonl"));
  std::string line;
  while (std::getline(history, line)) seeds.push_back(line);
  return seeds;
}

std::string Mutate(std::string s, std::mt19937_64& rng) {
  static const std::vector<std::string> kTokens = {
      "{", "}", "[", "]", "\"", ":", ",", "null", "true", "-1", "1e999", "\"\\u0000\"", "\"firing\"",
      "\"resolved\"", "\"0001-01-01T00:00:00Z\"", "\"2026-02-30T00:00:00Z\"", "\"type\"", "\"change\"",
      "\"alerts\"", "\"labels\"", "\xff", "\"startsAt\"", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["};
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits && !s.empty(); ++i) {
    size_t pos = rng() % s.size();
    switch (rng() % 5) {
      case 0: s[pos] = static_cast<char>(rng()); break;
      case 1: s.erase(pos, 1 + rng() % 8); break;
      case 2: s.insert(pos, kTokens[rng() % kTokens.size()]); break;
      case 3: s = s.substr(0, pos); break;
      case 4: s.insert(pos, s.substr(rng() % s.size(), rng() % 32)); break;
    }
  }
  return s;
}

TEST(FuzzSmoke, ParsersSurviveAHundredThousandMutations) {
  std::vector<std::string> seeds = Seeds();
  ASSERT_GE(seeds.size(), 3u);
  std::mt19937_64 rng(20261121);
  for (int i = 0; i < 100000; ++i) {
    std::string input = Mutate(seeds[rng() % seeds.size()], rng);
    FuzzOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
  }
  for (const std::string& s : seeds) FuzzOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

}  // namespace
}  // namespace debriefd
