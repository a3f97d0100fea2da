// GET /api/v1/incidents pages: order, limits, cursors, filters (exporters/incident_json.h).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "exporters/incident_json.h"
#include "tests/support/test_util.h"

namespace debriefd {
namespace {
namespace json = boost::json;
using testing::Min;
using testing::Native;
using testing::T;

class IncidentListPage : public ::testing::Test {
 protected:
  IncidentListPage() : tracker_(Policy{}) {}

  // Declares INC-<n>, of service svc-<n % 3>, detected n minutes after 10:00;
  // every odd one is resolved a minute later.
  void Declare(int n) {
    const Time at = T("2026-10-01T10:00:00Z") + Min(n);
    IncidentDeclared d{"INC-" + std::to_string(n), at, "svc-" + std::to_string(n % 3), "critical", "t", at};
    ASSERT_TRUE(tracker_.Apply(Native(d, at)).ok());
    if (n % 2 == 1) {
      IncidentTransition r{IncidentTransition::Kind::kResolved, d.incident_id, at + Min(1)};
      ASSERT_TRUE(tracker_.Apply(Native(r, at + Min(1))).ok());
    }
  }

  IncidentListQuery Query(std::map<std::string, std::string> params) {
    Result<IncidentListQuery> q = ParseIncidentListQuery(params);
    EXPECT_TRUE(q.ok()) << q.status().message();
    return q.ok() ? *q : IncidentListQuery{};
  }

  json::object Page(const IncidentListQuery& q) {
    Result<std::string> page = IncidentListPageJson(tracker_, q, tracker_.now());
    EXPECT_TRUE(page.ok()) << page.status().message();
    return page.ok() ? json::parse(*page).as_object() : json::object{};
  }

  static std::vector<std::string> Ids(const json::object& page) {
    std::vector<std::string> ids;
    for (const json::value& inc : page.at("incidents").as_array()) ids.emplace_back(inc.at("id").as_string());
    return ids;
  }

  // Every id, following next_cursor from the first page.
  std::vector<std::string> Walk(std::map<std::string, std::string> params) {
    std::vector<std::string> all;
    for (int pages = 0; pages < 100; ++pages) {
      json::object page = Page(Query(params));
      for (std::string& id : Ids(page)) all.push_back(std::move(id));
      if (page.at("next_cursor").is_null()) return all;
      params["cursor"] = std::string(page.at("next_cursor").as_string());
    }
    ADD_FAILURE() << "next_cursor never ends";
    return all;
  }

  IncidentTracker tracker_;
};

TEST_F(IncidentListPage, ListsNewestFirstAndEndsWithANullCursor) {
  for (int n = 1; n <= 3; ++n) Declare(n);
  json::object page = Page(Query({}));
  EXPECT_EQ(Ids(page), (std::vector<std::string>{"INC-3", "INC-2", "INC-1"}));
  EXPECT_TRUE(page.at("next_cursor").is_null());
}

TEST_F(IncidentListPage, DefaultsToOneHundred) {
  for (int n = 1; n <= 105; ++n) Declare(n);
  json::object page = Page(Query({}));
  ASSERT_EQ(Ids(page).size(), kIncidentPageDefault);
  EXPECT_EQ(Ids(page).front(), "INC-105");
  EXPECT_EQ(Ids(page).back(), "INC-6");
  EXPECT_TRUE(page.at("next_cursor").is_string());
}

TEST_F(IncidentListPage, CursorsWalkEveryIncidentOnce) {
  for (int n = 1; n <= 10; ++n) Declare(n);
  std::vector<std::string> expected;
  for (int n = 10; n >= 1; --n) expected.push_back("INC-" + std::to_string(n));
  EXPECT_EQ(Walk({{"limit", "3"}}), expected);
  EXPECT_EQ(Walk({{"limit", "5"}}), expected);  // the last full page has no cursor: no empty page follows
  EXPECT_EQ(Walk({{"limit", "1000"}}), expected);
}

TEST_F(IncidentListPage, IncidentsOpenedBetweenPagesNeitherShiftNorRepeat) {
  for (int n = 1; n <= 6; ++n) Declare(n);
  json::object first = Page(Query({{"limit", "2"}}));
  EXPECT_EQ(Ids(first), (std::vector<std::string>{"INC-6", "INC-5"}));
  for (int n = 7; n <= 9; ++n) Declare(n);
  json::object second =
      Page(Query({{"limit", "2"}, {"cursor", std::string(first.at("next_cursor").as_string())}}));
  EXPECT_EQ(Ids(second), (std::vector<std::string>{"INC-4", "INC-3"}));
  EXPECT_EQ(Ids(Page(Query({{"limit", "2"}}))), (std::vector<std::string>{"INC-9", "INC-8"}));
}

TEST_F(IncidentListPage, FiltersApplyAcrossPages) {
  for (int n = 1; n <= 12; ++n) Declare(n);
  EXPECT_EQ(Walk({{"service", "svc-1"}, {"limit", "2"}}),
            (std::vector<std::string>{"INC-10", "INC-7", "INC-4", "INC-1"}));
  EXPECT_EQ(Walk({{"state", "open"}, {"service", "svc-1"}, {"limit", "1"}}),
            (std::vector<std::string>{"INC-10", "INC-4"}));
  EXPECT_EQ(Walk({{"state", "resolved"}, {"since", "2026-10-01T10:09:00Z"}}),
            (std::vector<std::string>{"INC-11", "INC-9"}));
  EXPECT_EQ(Walk({{"severity", "warning"}}), std::vector<std::string>{});
}

TEST_F(IncidentListPage, ACursorOfAnotherTrackerIsACursorError) {
  for (int n = 1; n <= 4; ++n) Declare(n);
  const std::string cursor(Page(Query({{"limit", "2"}})).at("next_cursor").as_string());
  IncidentTracker other{Policy{}};
  Result<std::string> page = IncidentListPageJson(other, Query({{"cursor", cursor}}), tracker_.now());
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(page.status().field(), "cursor");
}

TEST(IncidentListQuery, RejectsBadValuesNamingTheParameter) {
  const std::vector<std::pair<std::map<std::string, std::string>, std::string>> bad = {
      {{{"limit", "0"}}, "limit"},
      {{{"limit", "1001"}}, "limit"},
      {{{"limit", "-5"}}, "limit"},
      {{{"limit", "ten"}}, "limit"},
      {{{"limit", ""}}, "limit"},
      {{{"limit", "99999999999999999999"}}, "limit"},
      {{{"cursor", ""}}, "cursor"},
      {{{"cursor", "abc"}}, "cursor"},     // odd length
      {{{"cursor", "zz"}}, "cursor"},      // not hex
      {{{"cursor", "3a31"}}, "cursor"},    // ":1": no position
      {{{"cursor", "313a"}}, "cursor"},    // "1:": no id
      {{{"cursor", "783a31"}}, "cursor"},  // "x:1"
      {{{"cursor", std::string(2000, 'a')}}, "cursor"},
      {{{"state", "sideways"}}, "state"},
      {{{"since", "yesterday"}}, "since"},
      {{{"debrief", "maybe"}}, "debrief"},
      {{{"colour", "red"}}, "colour"},
  };
  for (const auto& [params, field] : bad) {
    Result<IncidentListQuery> q = ParseIncidentListQuery(params);
    ASSERT_FALSE(q.ok()) << params.begin()->first << "=" << params.begin()->second;
    EXPECT_EQ(q.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(q.status().field(), field) << params.begin()->second;
  }
  Result<IncidentListQuery> ok = ParseIncidentListQuery({{"limit", "1000"}, {"state", ""}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->limit, 1000u);
  EXPECT_FALSE(ok->open.has_value());
}

}  // namespace
}  // namespace debriefd
