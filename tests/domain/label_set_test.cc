#include <gtest/gtest.h>

#include "domain/incident.h"

namespace debriefd {
namespace {

TEST(LabelSet, GivesBackEveryLabelSortedByName) {
  const std::map<std::string, std::string> labels = {
      {"service", "checkout"}, {"alertname", "Errors"}, {"empty", ""}, {"long", std::string(300, 'x')},
      {"utf8", "naïve ✓"}, {"nul", std::string("a\0b", 3)}};
  LabelSet set(labels);
  EXPECT_EQ(set.ToMap(), labels);
  std::vector<std::string> names;
  set.ForEach([&names](std::string_view name, std::string_view) { names.emplace_back(name); });
  EXPECT_EQ(names, (std::vector<std::string>{"alertname", "empty", "long", "nul", "service", "utf8"}));
  EXPECT_TRUE(LabelSet().empty());
  EXPECT_TRUE(LabelSet().ToMap().empty());
}

TEST(LabelSet, MalformedBytesEndTheLabelsWithoutReadingPastThem) {
  LabelSet set({{"alertname", "Errors"}, {"service", "checkout"}});
  const std::string whole = set.packed();
  for (size_t cut = 0; cut < whole.size(); ++cut) {
    LabelSet truncated;
    truncated.packed() = whole.substr(0, cut);
    EXPECT_LE(truncated.ToMap().size(), 1u) << "cut at " << cut;
  }
  LabelSet huge;
  huge.packed() = std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01" "abc", 13);
  EXPECT_TRUE(huge.ToMap().empty());
}

}  // namespace
}  // namespace debriefd
