#include "domain/alert_index.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace debriefd {
namespace {

Time At(int64_t ms) { return Time{Duration{ms}}; }

bool Same(std::optional<AlertIndex::Ref> got, uint32_t incident, uint32_t pos) {
  return got && got->incident == incident && got->pos == pos;
}

TEST(AlertIndex, FindsInstancesByFingerprintAndStartAndTheActiveOne) {
  AlertIndex index;
  index.Add("fp-a", At(1000), {0, 0}, /*active=*/true);
  index.Add("fp-a", At(2000), {0, 1}, /*active=*/false);  // an older period delivered late: not active
  index.Add("fp-b", At(1000), {1, 0}, /*active=*/true);
  EXPECT_TRUE(Same(index.Find("fp-a", At(1000)), 0, 0));
  EXPECT_TRUE(Same(index.Find("fp-a", At(2000)), 0, 1));
  EXPECT_TRUE(Same(index.Find("fp-b", At(1000)), 1, 0));
  EXPECT_FALSE(index.Find("fp-b", At(2000)));
  EXPECT_FALSE(index.Find("fp-", At(1000)));
  EXPECT_FALSE(index.Find("fp-ab", At(1000)));
  EXPECT_FALSE(index.Find("", At(1000)));
  EXPECT_TRUE(Same(index.Active("fp-a"), 0, 0));
  EXPECT_TRUE(Same(index.Active("fp-b"), 1, 0));
  EXPECT_FALSE(index.Active("fp-c"));

  // The same fingerprint and start again: the newer place wins, and counts once.
  index.Add("fp-a", At(1000), {2, 3}, /*active=*/true);
  EXPECT_TRUE(Same(index.Find("fp-a", At(1000)), 2, 3));
  EXPECT_TRUE(Same(index.Active("fp-a"), 2, 3));
  EXPECT_EQ(index.instances(), 3u);
}

TEST(AlertIndex, AFingerprintWithoutAnActiveInstanceHasNone) {
  AlertIndex index;
  index.Add("late", At(5), {0, 0}, /*active=*/false);
  EXPECT_TRUE(Same(index.Find("late", At(5)), 0, 0));
  EXPECT_FALSE(index.Active("late"));
}

TEST(AlertIndex, ManyFingerprintsStayExact) {
  AlertIndex index;
  // Past several blocks of entries (4,096 each) and past the first 1 MiB
  // chunk of fingerprint bytes, which are stored apart and never moved.
  constexpr uint32_t kCount = 30000;
  for (uint32_t i = 0; i < kCount; ++i) {
    // Fingerprints that share long prefixes, and negative times (before 1970).
    index.Add(std::string(40, 'f') + std::to_string(i), At(int64_t{i} * 7 - 50000), {i, i % 5}, i % 3 != 0);
  }
  for (uint32_t i = 0; i < kCount; ++i) {
    const std::string fp = std::string(40, 'f') + std::to_string(i);
    ASSERT_TRUE(Same(index.Find(fp, At(int64_t{i} * 7 - 50000)), i, i % 5)) << i;
    ASSERT_FALSE(index.Find(fp, At(int64_t{i} * 7 - 49999))) << i;
    ASSERT_EQ(index.Active(fp).has_value(), i % 3 != 0) << i;
  }
}

TEST(AlertIndex, SavedBytesLoadTheSameIndex) {
  AlertIndex index;
  index.Add("x", At(-3), {7, 1}, true);
  index.Add("x", At(9), {7, 2}, false);
  index.Add(std::string("nul\0byte", 8), At(1), {8, 0}, true);
  const std::string huge(3 << 20, 'h');  // longer than a chunk: one of its own
  index.Add(huge, At(2), {10, 0}, true);
  index.Add("after-huge", At(2), {11, 0}, true);
  AlertIndex loaded;
  ASSERT_TRUE(loaded.Load(index.Save()));
  EXPECT_EQ(loaded.instances(), 5u);
  EXPECT_TRUE(Same(loaded.Active(huge), 10, 0));
  EXPECT_TRUE(Same(loaded.Active("after-huge"), 11, 0));
  EXPECT_FALSE(loaded.Active(huge.substr(1)));
  EXPECT_TRUE(Same(loaded.Find("x", At(-3)), 7, 1));
  EXPECT_TRUE(Same(loaded.Find("x", At(9)), 7, 2));
  EXPECT_TRUE(Same(loaded.Active("x"), 7, 1));
  EXPECT_TRUE(Same(loaded.Active(std::string("nul\0byte", 8)), 8, 0));
  EXPECT_FALSE(loaded.Active("nul"));
  EXPECT_EQ(loaded.Save(), index.Save());
  // It keeps working after a load: new fingerprints and instances.
  loaded.Add("y", At(4), {9, 0}, true);
  EXPECT_TRUE(Same(loaded.Active("y"), 9, 0));
  EXPECT_TRUE(Same(loaded.Find("x", At(9)), 7, 2));
}

TEST(AlertIndex, DamagedBytesAreRefusedAndLeaveItAsItWas) {
  AlertIndex index;
  for (uint32_t i = 0; i < 50; ++i) index.Add("fp" + std::to_string(i), At(i), {i, 0}, true);
  const std::string bytes = index.Save();
  AlertIndex target;
  target.Add("kept", At(1), {1, 1}, true);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    ASSERT_FALSE(target.Load(bytes.substr(0, cut))) << "cut at " << cut;
  }
  EXPECT_FALSE(target.Load(bytes + "x")) << "trailing bytes";
  EXPECT_FALSE(target.Load(std::string("\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 9))) << "a huge count";
  std::string twice;  // the same fingerprint listed twice
  twice += '\2';
  twice += "\1a\1a";
  twice += std::string(6, '\0');  // no active instances
  twice += '\0';                  // no other instances
  EXPECT_FALSE(target.Load(twice));
  twice[4] = 'b';
  EXPECT_TRUE(target.Load(twice)) << "the same bytes with two fingerprints";
  EXPECT_FALSE(target.Active("kept"));
  ASSERT_TRUE(target.Load(AlertIndex().Save()));
  target.Add("kept", At(1), {1, 1}, true);
  EXPECT_TRUE(Same(target.Active("kept"), 1, 1));
  EXPECT_EQ(target.instances(), 1u);
}

}  // namespace
}  // namespace debriefd

namespace debriefd {
namespace {

// The index answers as the two maps it replaces would: every instance by
// fingerprint and startsAt (the last one added under that key), and every
// fingerprint's active instance (the last one added as active). Random adds
// over few fingerprints and times, so that keys repeat and shadow each other.
TEST(AlertIndex, AnswersAsAMapOfEveryInstanceAndAMapOfActiveOnesWould) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    AlertIndex index;
    std::map<std::pair<std::string, int64_t>, std::pair<uint32_t, uint32_t>> every;
    std::map<std::string, std::pair<uint32_t, uint32_t>> active;
    uint64_t state = seed;
    auto next = [&state](uint32_t n) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      return static_cast<uint32_t>((state >> 33) % n);
    };
    for (uint32_t step = 0; step < 400; ++step) {
      const std::string fp = "fp" + std::to_string(next(6));
      const int64_t ms = next(5) * 1000;
      const bool is_active = next(3) != 0;
      const AlertIndex::Ref ref{step, next(4)};
      index.Add(fp, Time{Duration{ms}}, ref, is_active);
      every[{fp, ms}] = {ref.incident, ref.pos};
      if (is_active) active[fp] = {ref.incident, ref.pos};
      if (step % 50 == 49) {  // through its bytes now and then
        AlertIndex loaded;
        ASSERT_TRUE(loaded.Load(index.Save()));
        index = std::move(loaded);
      }
      for (int f = 0; f < 6; ++f) {
        const std::string probe = "fp" + std::to_string(f);
        for (int64_t t = 0; t < 5000; t += 1000) {
          auto want = every.find({probe, t});
          auto got = index.Find(probe, Time{Duration{t}});
          ASSERT_EQ(got.has_value(), want != every.end()) << "seed " << seed << " step " << step << " " << probe;
          if (got) {
            ASSERT_EQ(std::make_pair(got->incident, got->pos), want->second) << "seed " << seed << " step " << step;
          }
        }
        auto want = active.find(probe);
        auto got = index.Active(probe);
        ASSERT_EQ(got.has_value(), want != active.end());
        if (got) {
          ASSERT_EQ(std::make_pair(got->incident, got->pos), want->second);
        }
      }
      ASSERT_EQ(index.instances(), every.size());
    }
  }
}

}  // namespace
}  // namespace debriefd
