// Action items from Jira, GitHub and GitLab over HTTP (docs/debrief-loop.md,
// "Action items from trackers"): each rule through the webhook routes, the
// list, the incident, the metrics and a restart.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "collector/sources/signature.h"
#include "tests/support/api_harness.h"

namespace debriefd {
namespace {
using namespace debriefd::testing;
namespace json = boost::json;

const std::string kSecret = "jira-secret";

Config Trackers() {
  Config c;
  for (const char* name : {"jira", "github", "gitlab"}) c.sources[name].configured = true;
  c.sources["jira"].secret = kSecret;
  c.sources["jira"].services = {{"OPS", "platform"}};
  c.sources["github"].services = {{"acme/*", "web"}};
  return c;
}

int64_t Millis(Time t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// A Jira webhook body (Jira Cloud's issue events), as the tracker sends it.
struct JiraIssue {
  std::string key = "OPS-12";
  std::string summary = "Add a canary stage";
  std::vector<std::string> labels = {"debrief"};
  std::string category = "new";  // new | indeterminate | done
  std::optional<std::string> resolutiondate;
  std::optional<std::string> duedate;
  std::string event = "jira:issue_updated";

  std::string Body(Time at) const {
    json::array l;
    for (const auto& s : labels) l.emplace_back(s);
    auto opt = [](const std::optional<std::string>& v) { return v ? json::value(*v) : json::value(nullptr); };
    json::object fields{{"summary", summary},
                        {"description", nullptr},
                        {"labels", std::move(l)},
                        {"status", {{"name", "To Do"}, {"statusCategory", {{"key", category}}}}},
                        {"resolutiondate", opt(resolutiondate)},
                        {"duedate", opt(duedate)},
                        {"created", "2026-11-02T09:00:00.000+0000"},
                        {"project", {{"key", "OPS"}}}};
    json::object issue{{"id", "10002"},
                       {"self", "https://acme.atlassian.net/rest/api/2/issue/10002"},
                       {"key", key},
                       {"fields", std::move(fields)}};
    return json::serialize(
        json::object{{"timestamp", Millis(at)}, {"webhookEvent", event}, {"issue", std::move(issue)}});
  }
};

class ActionItemsApi : public ::testing::Test {
 protected:
  ActionItemsApi() : h(Trackers(), T("2026-11-02T10:00:00Z")) {}

  HttpResponse Jira(const JiraIssue& issue, Time at, std::string signature = "") {
    h.clock().Set(at);
    const std::string body = issue.Body(at);
    if (signature.empty()) signature = "sha256=" + signature::HmacSha256Hex(kSecret, body);
    return h.Call("POST", "/webhooks/jira", body, "",
                  {{"x-atlassian-webhook-identifier", std::to_string(++delivery)}, {"x-hub-signature", signature}});
  }
  void Declare(const std::string& id, Time at, const std::string& service = "checkout") {
    h.clock().Set(at);
    std::string body = R"({"type":"incident.declared","incident_id":")" + id + R"(","time":")" + FormatRfc3339(at) +
                       R"(","service":")" + service + R"(","severity":"critical","title":"t"})";
    ASSERT_EQ(h.Post("/api/v1/events", body).status, 200);
  }
  json::array Items(const std::string& query = "") {
    HttpResponse r = h.Get("/api/v1/action-items" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body).at("action_items").as_array();
  }
  json::object Item(const std::string& id, const std::string& query = "?state=open") {
    for (const auto& v : Items(query)) {
      if (v.at("id").as_string() == id) return v.as_object();
    }
    ADD_FAILURE() << id << " not listed with " << query;
    return {};
  }

  ApiHarness h;
  Time s = T("2026-11-02T10:00:00Z");
  int delivery = 0;
};

TEST_F(ActionItemsApi, JiraSignatureGoodBadAndMissing) {
  JiraIssue issue;
  EXPECT_EQ(Jira(issue, s, "sha256=" + signature::HmacSha256Hex("wrong", issue.Body(s))).status, 401);
  h.clock().Set(s);
  HttpResponse missing = h.Call("POST", "/webhooks/jira", issue.Body(s), "", {{"x-atlassian-webhook-identifier", "x"}});
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(json::parse(missing.body).at("field").as_string(), "x-hub-signature");
  EXPECT_TRUE(Items().empty()) << "nothing stored";
  EXPECT_EQ(h.Metric(R"(debriefd_events_total{source="jira",result="unauthorized"})"), 2);
  HttpResponse good = Jira(issue, s);
  ASSERT_EQ(good.status, 200) << good.body;
  EXPECT_EQ(Items().size(), 1u);
}

TEST_F(ActionItemsApi, ARedeliveryIsADuplicate) {
  JiraIssue issue;
  const std::string body = issue.Body(s);
  std::map<std::string, std::string> headers = {{"x-atlassian-webhook-identifier", "d-1"},
                                                {"x-hub-signature", "sha256=" + signature::HmacSha256Hex(kSecret, body)}};
  ASSERT_EQ(h.Call("POST", "/webhooks/jira", body, "", headers).status, 200);
  HttpResponse again = h.Call("POST", "/webhooks/jira", body, "", headers);
  EXPECT_EQ(json::parse(again.body).at("duplicates").as_int64(), 1) << again.body;
  EXPECT_EQ(h.Metric(R"(debriefd_events_total{source="jira",result="duplicate"})"), 1);
}

TEST_F(ActionItemsApi, LabelledLaterUnlinkedThenLinkedByPattern) {
  JiraIssue issue;
  issue.labels = {"backend"};
  ASSERT_EQ(Jira(issue, s).status, 200);
  EXPECT_TRUE(Items().empty()) << "not labelled: not an action item";

  issue.labels = {"backend", "debrief"};
  issue.summary = "Canary stage after INC-42";
  ASSERT_EQ(Jira(issue, s + Hours(2)).status, 200);
  json::object item = Item("OPS-12");
  EXPECT_EQ(item.at("opened_at").as_string(), "2026-11-02T12:00:00Z") << "labelled later: opened then";
  EXPECT_EQ(item.at("due_at").as_string(), "2026-12-02T12:00:00Z");
  EXPECT_TRUE(item.at("incident_id").is_null());
  EXPECT_FALSE(item.at("linked").as_bool());
  EXPECT_EQ(item.at("service").as_string(), "platform") << "sources.jira.services maps the project key";
  EXPECT_EQ(item.at("url").as_string(), "https://acme.atlassian.net/browse/OPS-12");
  EXPECT_EQ(item.at("source").as_string(), "jira");
  EXPECT_EQ(Items("?linked=false").size(), 1u);
  EXPECT_EQ(h.Metric(R"(debriefd_action_items_open{service="platform",linked="false"})"), 1);

  Declare("INC-42", s + Hours(3));
  ASSERT_EQ(Jira(issue, s + Hours(4)).status, 200);
  item = Item("OPS-12");
  EXPECT_EQ(item.at("incident_id").as_string(), "INC-42");
  EXPECT_EQ(item.at("service").as_string(), "checkout");
  EXPECT_EQ(h.Metric(R"(debriefd_action_items_open{service="platform",linked="false"})"), 0);
  EXPECT_EQ(h.Metric(R"(debriefd_action_items_open{service="checkout",linked="true"})"), 1);
  json::value inc = json::parse(h.Get("/api/v1/incidents/INC-42").body);
  ASSERT_EQ(inc.at("action_items").as_array().size(), 1u);
  EXPECT_EQ(inc.at("action_items").as_array()[0].at("id").as_string(), "OPS-12");
}

TEST_F(ActionItemsApi, TheLabelWinsOverThePatternAndTheDueDateIsTheTrackers) {
  Declare("INC-1", s);
  Declare("INC-2", s, "search");
  JiraIssue issue;
  issue.labels = {"debrief", "incident:INC-2"};
  issue.summary = "Follow-up of INC-1";
  issue.duedate = "2026-11-20";
  ASSERT_EQ(Jira(issue, s + Hours(1)).status, 200);
  json::object item = Item("OPS-12");
  EXPECT_EQ(item.at("incident_id").as_string(), "INC-2");
  EXPECT_EQ(item.at("due_at").as_string(), "2026-11-21T00:00:00Z") << "a due date is due by the end of that day";
  h.clock().Set(T("2026-11-21T00:00:01Z"));
  EXPECT_TRUE(Item("OPS-12").at("overdue").as_bool());
  EXPECT_EQ(h.Metric(R"(debriefd_action_items_overdue{service="search"})"), 1);
}

TEST_F(ActionItemsApi, ClosedReopenedAndClosedAgainCountersNeverGoDownAcrossARestart) {
  Declare("INC-1", s);
  JiraIssue issue;
  issue.summary = "After INC-1";
  ASSERT_EQ(Jira(issue, s).status, 200);
  issue.category = "done";
  issue.resolutiondate = "2026-11-05T08:30:00.000+0000";
  ASSERT_EQ(Jira(issue, s + Days(3)).status, 200);
  json::object item = Item("OPS-12", "?state=closed");
  EXPECT_EQ(item.at("closed_at").as_string(), "2026-11-05T08:30:00Z") << "the tracker's resolution date";
  EXPECT_EQ(h.Metric(R"(debriefd_action_items_closed_total{service="checkout"})"), 1);

  issue.category = "indeterminate";
  issue.resolutiondate.reset();
  ASSERT_EQ(Jira(issue, s + Days(4)).status, 200);
  EXPECT_EQ(Item("OPS-12").at("state").as_string(), "open");
  EXPECT_EQ(h.Metric(R"(debriefd_action_items_closed_total{service="checkout"})"), 1) << "the earlier close stays";
  EXPECT_EQ(h.Metric(R"(debriefd_action_items_reopened_total{service="checkout"})"), 1);

  issue.category = "done";
  issue.resolutiondate = "2026-11-08T08:30:00.000+0000";
  ASSERT_EQ(Jira(issue, s + Days(6)).status, 200);
  EXPECT_EQ(h.Metric(R"(debriefd_action_items_closed_total{service="checkout"})"), 2);

  h.Restart();
  EXPECT_EQ(h.Metric(R"(debriefd_action_items_closed_total{service="checkout"})"), 2);
  EXPECT_EQ(h.Metric(R"(debriefd_action_items_reopened_total{service="checkout"})"), 1);
  EXPECT_EQ(Item("OPS-12", "?state=closed").at("closed_at").as_string(), "2026-11-08T08:30:00Z");
}

TEST_F(ActionItemsApi, UnlabelledAndDeletedAreWithdrawn) {
  Declare("INC-1", s);
  JiraIssue issue;
  issue.labels = {"debrief", "incident:INC-1"};
  ASSERT_EQ(Jira(issue, s).status, 200);
  issue.labels = {"incident:INC-1"};
  ASSERT_EQ(Jira(issue, s + Days(40)).status, 200);
  EXPECT_TRUE(Items().empty()) << "withdrawn items are not listed by default";
  json::object item = Item("OPS-12", "?state=withdrawn");
  EXPECT_FALSE(item.at("overdue").as_bool());
  EXPECT_TRUE(item.at("closed_at").is_null());
  EXPECT_EQ(h.Metric(R"(debriefd_action_items_open{service="checkout",linked="true"})"), 0);
  EXPECT_EQ(h.Metric(R"(debriefd_action_items_overdue{service="checkout"})"), 0);
  EXPECT_EQ(h.Metric(R"(debriefd_action_items_closed_total{service="checkout"})"), 0);

  issue.labels = {"debrief", "incident:INC-1"};
  ASSERT_EQ(Jira(issue, s + Days(41)).status, 200);
  EXPECT_EQ(Item("OPS-12").at("opened_at").as_string(), "2026-12-13T10:00:00Z") << "labelled again: opened anew";
  issue.event = "jira:issue_deleted";
  ASSERT_EQ(Jira(issue, s + Days(42)).status, 200);
  EXPECT_EQ(Items("?state=withdrawn").size(), 1u);
  EXPECT_EQ(h.Get("/api/v1/action-items?state=gone").status, 400);
  HttpResponse unknown = h.Get("/api/v1/action-items?owner=me");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(json::parse(unknown.body).at("field").as_string(), "owner");
}

TEST_F(ActionItemsApi, GitHubAndGitLabIssuesAndNativeItemsShareTheList) {
  Declare("INC-7", s);
  const std::string gh = json::serialize(json::object{
      {"action", "labeled"},
      {"issue",
       {{"number", 123},
        {"title", "Rate-limit the cart API"},
        {"body", nullptr},
        {"html_url", "https://github.com/acme/cart/issues/123"},
        {"state", "open"},
        {"labels", json::array{json::object{{"name", "debrief"}}, json::object{{"name", "incident:INC-7"}}}},
        {"created_at", "2026-11-02T10:00:00Z"},
        {"updated_at", "2026-11-02T11:00:00Z"},
        {"closed_at", nullptr},
        {"milestone", nullptr}}},
      {"repository", {{"full_name", "acme/cart"}}}});
  ASSERT_EQ(h.Call("POST", "/webhooks/github", gh, "", {{"x-github-event", "issues"}, {"x-github-delivery", "g1"}}).status,
            200);
  const std::string gl = json::serialize(json::object{
      {"object_kind", "issue"},
      {"event_type", "issue"},
      {"project", {{"path_with_namespace", "platform/db"}}},
      {"object_attributes",
       {{"iid", 45},
        {"title", "Backups for INC-7"},
        {"description", "see INC-7"},
        {"url", "https://gitlab.example.com/platform/db/-/issues/45"},
        {"state", "closed"},
        {"action", "close"},
        {"created_at", "2026-11-02 10:00:00 UTC"},
        {"updated_at", "2026-11-03 10:00:00 UTC"},
        {"closed_at", "2026-11-03 09:59:00 UTC"},
        {"due_date", nullptr}}},
      {"labels", json::array{json::object{{"title", "debrief"}}}}});
  HttpResponse r = h.Call("POST", "/webhooks/gitlab", gl, "", {{"x-gitlab-event", "Issue Hook"}});
  ASSERT_EQ(r.status, 200) << r.body;
  h.clock().Set(s + Days(2));
  ASSERT_EQ(h.Post("/api/v1/events", R"({"type":"action_item.opened","id":"AI-1","incident_id":"INC-7","title":"Runbook","url":"https://wiki/ai-1","time":"2026-11-04T10:00:00Z"})")
                .status,
            200);

  json::array all = Items();
  ASSERT_EQ(all.size(), 3u);
  // Oldest first: the GitLab issue, first seen already closed, opened when it was created.
  EXPECT_EQ(all[0].at("id").as_string(), "platform/db#45");
  EXPECT_EQ(all[0].at("opened_at").as_string(), "2026-11-02T10:00:00Z");
  EXPECT_EQ(all[0].at("state").as_string(), "closed");
  EXPECT_EQ(all[0].at("closed_at").as_string(), "2026-11-03T09:59:00Z");
  EXPECT_EQ(all[0].at("incident_id").as_string(), "INC-7") << "linked by the pattern in its title";
  EXPECT_EQ(all[1].at("id").as_string(), "acme/cart#123");
  EXPECT_EQ(all[1].at("source").as_string(), "github");
  EXPECT_EQ(all[1].at("opened_at").as_string(), "2026-11-02T11:00:00Z");
  EXPECT_EQ(all[2].at("source").as_string(), "events");
  EXPECT_EQ(h.Metric(R"(debriefd_action_items_open{service="checkout",linked="true"})"), 2);
  json::value inc = json::parse(h.Get("/api/v1/incidents/INC-7").body);
  EXPECT_EQ(inc.at("action_items").as_array().size(), 3u);
}

TEST_F(ActionItemsApi, ARepeatWhileItemsAreOpenIsCounted) {
  Declare("INC-1", s);
  h.clock().Set(s + Min(30));
  ASSERT_EQ(h.Post("/api/v1/events", R"({"type":"incident.resolved","incident_id":"INC-1","time":"2026-11-02T10:30:00Z"})")
                .status,
            200);
  JiraIssue issue;
  issue.labels = {"debrief", "incident:INC-1"};
  ASSERT_EQ(Jira(issue, s + Days(1)).status, 200);
  Declare("INC-2", s + Days(3));
  json::value inc = json::parse(h.Get("/api/v1/incidents/INC-2").body);
  EXPECT_EQ(inc.at("repeat_of").as_string(), "INC-1");
  EXPECT_TRUE(inc.at("repeat_with_open_items").as_bool());
  EXPECT_EQ(h.Metric(R"(debriefd_incident_repeats_with_open_items_total{service="checkout"})"), 1);
}

}  // namespace
}  // namespace debriefd
