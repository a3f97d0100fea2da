#include <gtest/gtest.h>

#include "domain/incident.h"

namespace debriefd {
namespace {

Time At(int64_t ms) { return Time{Duration{ms}}; }

void AddSome(IncidentDetail& d, int from, int to) {
  for (int i = from; i < to; ++i) {
    d.AddAlert("fp" + std::to_string(i), "HighErrors", LabelSet({{"service", "checkout"}, {"i", std::to_string(i)}}),
               "errors above 5% on checkout", "http://prometheus:9090/graph?g0.expr=rate" + std::to_string(i));
    d.AddTimeline(At(int64_t{i} * 1000 - 5000), "alert.firing", "HighErrors");
  }
}

TEST(IncidentDetail, GivesBackAlertsAndTimelineInOrder) {
  IncidentDetail d;
  AddSome(d, 0, 3);
  d.AddTimeline(At(-1), "incident.acknowledged", "");
  d.AddTimeline(At(0), "debrief.completed", std::string("with\0nul", 8));
  const auto alerts = d.Alerts();
  ASSERT_EQ(alerts.size(), 3u);
  EXPECT_EQ(alerts[2].fingerprint, "fp2");
  EXPECT_EQ(alerts[2].alertname, "HighErrors");
  EXPECT_EQ(alerts[2].labels.ToMap(), (std::map<std::string, std::string>{{"i", "2"}, {"service", "checkout"}}));
  EXPECT_EQ(alerts[2].summary, "errors above 5% on checkout");
  EXPECT_EQ(alerts[2].generator_url, "http://prometheus:9090/graph?g0.expr=rate2");
  const auto timeline = d.Timeline();
  ASSERT_EQ(timeline.size(), 5u);
  EXPECT_EQ(timeline[0].time, At(-5000));
  EXPECT_EQ(timeline[3].kind, "incident.acknowledged");
  EXPECT_EQ(timeline[3].time, At(-1));
  EXPECT_EQ(timeline[4].detail, std::string("with\0nul", 8));
}

TEST(IncidentDetail, SealingCompressesAndChangesNothingRead) {
  IncidentDetail plain, sealed;
  AddSome(plain, 0, 40);
  AddSome(sealed, 0, 40);
  const size_t before = sealed.size();
  sealed.Seal();
  EXPECT_LT(sealed.size() * 3, before) << "40 alerts of one service compress at least threefold";
  EXPECT_FALSE(sealed.sealed().empty());
  EXPECT_TRUE(sealed.OpenRecords().empty());
  // Records added after sealing follow the sealed ones; sealing again takes them in.
  AddSome(plain, 40, 45);
  AddSome(sealed, 40, 45);
  EXPECT_FALSE(sealed.OpenRecords().empty());
  for (int round = 0; round < 2; ++round) {
    const auto a = plain.Alerts(), b = sealed.Alerts();
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].fingerprint, b[i].fingerprint);
      EXPECT_EQ(a[i].labels.packed(), b[i].labels.packed());
      EXPECT_EQ(a[i].generator_url, b[i].generator_url);
    }
    const auto ta = plain.Timeline(), tb = sealed.Timeline();
    ASSERT_EQ(ta.size(), tb.size());
    for (size_t i = 0; i < ta.size(); ++i) {
      EXPECT_EQ(ta[i].time, tb[i].time);
      EXPECT_EQ(ta[i].kind, tb[i].kind);
    }
    sealed.Seal();
    EXPECT_TRUE(sealed.OpenRecords().empty());
  }
  IncidentDetail empty;
  empty.Seal();
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_TRUE(empty.Timeline().empty());
}

// An alert storm's records go on past IncidentDetail::kChunk: read back in
// order across the chunks, given to a snapshot as one string (which a
// restore takes back whole), and sealed with the rest.
TEST(IncidentDetail, RecordsPastAChunkReadBackInOrderAndRoundTrip) {
  IncidentDetail d;
  int n = 0;
  while (d.size() < 3 * IncidentDetail::kChunk + 1000) AddSome(d, n, n + 100), n += 100;
  auto expect_all = [&n](const IncidentDetail& detail, const char* what) {
    const auto alerts = detail.Alerts();
    ASSERT_EQ(alerts.size(), static_cast<size_t>(n)) << what;
    for (int i = 0; i < n; i += 997) EXPECT_EQ(alerts[i].fingerprint, "fp" + std::to_string(i)) << what;
    EXPECT_EQ(alerts.back().fingerprint, "fp" + std::to_string(n - 1)) << what;
    const auto timeline = detail.Timeline();
    ASSERT_EQ(timeline.size(), static_cast<size_t>(n)) << what;
    EXPECT_EQ(timeline.back().time, At(int64_t{n - 1} * 1000 - 5000)) << what;
  };
  expect_all(d, "in chunks");
  const std::string whole = d.OpenRecords();
  EXPECT_EQ(whole.size(), d.size());
  IncidentDetail restored;
  restored.SetOpenRecords(whole);
  expect_all(restored, "restored");
  AddSome(restored, n, n + 1);  // past a chunk already: into a chunk of its own
  AddSome(d, n, n + 1);
  EXPECT_EQ(restored.OpenRecords(), d.OpenRecords());
  ++n;
  d.Seal();
  EXPECT_TRUE(d.OpenRecords().empty());
  expect_all(d, "sealed");
}

// Sealing in steps (the sealer's way, collector/ingest/ingest_seal.cc):
// slices taken across chunks while records are appended between the steps;
// the stream covers what was taken, and what came after stays open.
TEST(IncidentDetail, SealingInStepsKeepsWhatIsAppendedMeanwhile) {
  IncidentDetail d, plain;
  int n = 0;
  while (d.size() < 2 * IncidentDetail::kChunk) AddSome(d, n, n + 100), AddSome(plain, n, n + 100), n += 100;
  d.Seal();  // a sealed part, as a reopened incident that settles again has
  AddSome(d, n, n + 3000), AddSome(plain, n, n + 3000), n += 3000;
  const std::string prior = d.sealed();
  IncidentDetail::Sealing sealing(d);
  int slices = 0;
  while (sealing.Take(d, 100000)) {
    ++slices;
    sealing.Compress();
    if (slices == 2) AddSome(d, n, n + 10), AddSome(plain, n, n + 10), n += 10;
  }
  EXPECT_GE(slices, 3);
  ASSERT_TRUE(sealing.Finish());
  AddSome(d, n, n + 5), AddSome(plain, n, n + 5), n += 5;  // after the last slice: stays open
  const size_t open_before = d.open_size();
  EXPECT_EQ(d.sealed(), prior) << "nothing changes before Install";
  ASSERT_TRUE(sealing.Install(d));
  EXPECT_NE(d.sealed(), prior);
  EXPECT_EQ(d.open_size(), open_before - sealing.taken());
  EXPECT_EQ(d.OpenRecords(), plain.OpenRecords().substr(plain.OpenRecords().size() - d.open_size()));
  const auto a = d.Alerts(), b = plain.Alerts();
  ASSERT_EQ(a.size(), static_cast<size_t>(n));
  ASSERT_EQ(b.size(), a.size());
  for (size_t i = 0; i < a.size(); i += 101) EXPECT_EQ(a[i].fingerprint, b[i].fingerprint) << i;
  EXPECT_EQ(a.back().fingerprint, "fp" + std::to_string(n - 1));
  EXPECT_EQ(d.Timeline().size(), plain.Timeline().size());
  EXPECT_FALSE(sealing.Install(d)) << "a stream installs once";
}

// Install gives up when the detail changed other than by appends since the
// sealing began (sealed by someone else): the detail stays as it is.
TEST(IncidentDetail, SealingInStepsGivesUpWhenSealedMeanwhile) {
  IncidentDetail d;
  AddSome(d, 0, 50);
  IncidentDetail::Sealing sealing(d);
  while (sealing.Take(d, 1000)) sealing.Compress();
  ASSERT_TRUE(sealing.Finish());
  d.Seal();
  AddSome(d, 50, 51);
  const std::string sealed = d.sealed(), open = d.OpenRecords();
  EXPECT_FALSE(sealing.Install(d));
  EXPECT_EQ(d.sealed(), sealed);
  EXPECT_EQ(d.OpenRecords(), open);
  EXPECT_EQ(d.Alerts().size(), 51u);
}

TEST(IncidentDetail, DamagedBytesEndTheRecordsWithoutReadingPastThem) {
  IncidentDetail d;
  AddSome(d, 0, 4);
  const std::string whole = d.OpenRecords();
  for (size_t cut = 0; cut < whole.size(); ++cut) {
    IncidentDetail truncated;
    truncated.SetOpenRecords(whole.substr(0, cut));
    EXPECT_LE(truncated.Alerts().size(), 4u);
    EXPECT_LE(truncated.Timeline().size(), 4u);
  }
  d.Seal();
  const std::string sealed = d.sealed();
  for (size_t cut = 0; cut < sealed.size(); cut += 3) {
    IncidentDetail truncated;
    truncated.sealed() = sealed.substr(0, cut);
    EXPECT_TRUE(truncated.Alerts().empty()) << "a cut zlib stream inflates to nothing, cut at " << cut;
  }
  IncidentDetail huge;  // claims far more than its bytes could inflate to
  huge.sealed() = std::string("\xff\xff\xff\xff\xff\x01xyz", 9);
  EXPECT_TRUE(huge.Timeline().empty());
  IncidentDetail unknown;
  unknown.SetOpenRecords("Zgarbage");
  EXPECT_TRUE(unknown.Timeline().empty());
}

}  // namespace
}  // namespace debriefd
