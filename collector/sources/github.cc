// GitHub: `deployment_status` webhooks with state success become deploys;
// `issues` webhooks, whatever their action (opened, edited, labeled,
// unlabeled, closed, reopened, deleted, ...), become one TrackerIssue each,
// the issue as that delivery saw it. Whether an issue is an action item (its
// labels) is the tracker's question: the parser never filters by label.
// Pull requests (their own events, or an `issues` delivery about one) and
// every other event are answered 200 and ignored. Verified by
// X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the webhook's
// secret); deduplicated by X-GitHub-Delivery.
#include <cmath>

#include "collector/sources/json_reader.h"
#include "collector/sources/signature.h"

namespace debriefd {
namespace {

using json_reader::Invalid;
using json_reader::ObjectReader;

// Issue bodies are only searched for incident ids: any length the body limit
// lets through is read rather than rejecting the issue.
constexpr size_t kMaxDescription = size_t{1} << 30;
// 2^53: issue numbers above it cannot be told apart as JSON numbers.
constexpr double kMaxIssueNumber = 9007199254740992.0;

// X-GitHub-Delivery names one delivery and stays the same when GitHub
// redelivers it; `fallback` stands in for requests sent without it.
std::string DeliveryKey(const SourceRequest& request, const std::string& fallback) {
  const std::string_view delivery = request.header("x-github-delivery");
  return "github:" + (delivery.empty() ? fallback : std::string(delivery));
}

Result<std::vector<ParsedEvent>> ParseDeploymentStatus(const SourceRequest& request, const boost::json::object& body) {
  ObjectReader r(body, "");
  const boost::json::object* status_obj = r.Object("deployment_status", true);
  const boost::json::object* deployment_obj = r.Object("deployment", true);
  const boost::json::object* repository_obj = r.Object("repository", true);
  if (!r.ok()) return r.status();
  ObjectReader status(*status_obj, "deployment_status");
  ObjectReader deployment(*deployment_obj, "deployment");
  ObjectReader repository(*repository_obj, "repository");
  auto state = status.String("state", true, 32);
  auto created_at = status.Timestamp("created_at", true);
  auto status_env = status.String("environment", false, 256);
  auto log_url = status.String("log_url", false);
  auto target_url = status.String("target_url", false);
  auto sha = deployment.String("sha", true, 64);
  auto ref = deployment.String("ref", false, 256);
  auto deployment_env = deployment.String("environment", false, 256);
  auto description = deployment.String("description", false);
  auto id = deployment.Number("id", true);
  auto repo = repository.String("full_name", true, 256);
  for (const ObjectReader* part : {&status, &deployment, &repository}) {
    if (!part->ok()) return part->status();
  }
  if (*state != "success") return std::vector<ParsedEvent>{};  // queued, in progress, failed: not a change
  const std::string environment = status_env.value_or(deployment_env.value_or(""));
  if (!request.settings.WantsEnvironment(environment)) return std::vector<ParsedEvent>{};

  ChangeEvent c;
  c.id = "gh-" + std::to_string(static_cast<uint64_t>(*id));
  c.time = *created_at;
  c.service = request.settings.ServiceFor(*repo);
  c.kind = "deploy";
  c.environment = environment;
  c.version = sha->substr(0, 7) + (ref && !ref->empty() ? " (" + *ref + ")" : "");
  c.description = description && !description->empty() ? *description : "deploy of " + *repo;
  c.url = log_url && !log_url->empty() ? *log_url : target_url.value_or("");

  return json_reader::OneEvent(request, "github", DeliveryKey(request, c.id), std::move(c));
}

Result<std::vector<ParsedEvent>> ParseIssues(const SourceRequest& request, const boost::json::object& body) {
  ObjectReader r(body, "");
  auto action = r.String("action", true, 64);
  const boost::json::object* issue_obj = r.Object("issue", true);
  const boost::json::object* repository_obj = r.Object("repository", true);
  if (!r.ok()) return r.status();
  if (const boost::json::value* pr = issue_obj->if_contains("pull_request"); pr != nullptr && !pr->is_null()) {
    return std::vector<ParsedEvent>{};  // a pull request, which GitHub's API also calls an issue
  }
  ObjectReader issue(*issue_obj, "issue");
  ObjectReader repository(*repository_obj, "repository");
  auto number = issue.Number("number", true);
  auto title = issue.String("title", true);
  auto description = issue.String("body", false, kMaxDescription);
  auto html_url = issue.String("html_url", false);
  auto state = issue.String("state", true, 32);
  auto labels = issue.Names("labels", "name");
  auto created_at = issue.Timestamp("created_at", false);
  auto updated_at = issue.Timestamp("updated_at", true);
  auto closed_at = issue.Timestamp("closed_at", false);
  const boost::json::object* milestone_obj = issue.Object("milestone", false);
  auto repo = repository.String("full_name", true, 256);
  for (const ObjectReader* part : {&issue, &repository}) {
    if (!part->ok()) return part->status();
  }
  if (*number < 1 || *number > kMaxIssueNumber || *number != std::floor(*number)) {
    return Invalid("issue.number", "not a positive integer");
  }
  std::optional<Time> due;
  if (milestone_obj != nullptr) {
    ObjectReader milestone(*milestone_obj, "issue.milestone");
    due = milestone.Timestamp("due_on", false);
    if (!milestone.ok()) return milestone.status();
  }

  TrackerIssue t;
  t.id = *repo;
  t.id += '#';
  t.id += std::to_string(static_cast<uint64_t>(*number));
  t.time = *updated_at;
  t.title = *title;
  t.description = description.value_or("");
  t.url = html_url.value_or("");
  t.service = request.settings.ServiceFor(*repo);
  t.labels = labels.value_or(std::vector<std::string>{});
  t.done = *state == "closed";
  t.closed_at = closed_at;
  t.due = due;
  t.created_at = created_at;
  t.deleted = *action == "deleted";

  std::string fallback = t.id;
  fallback += ':';
  fallback += *action;
  fallback += ':';
  fallback += FormatRfc3339(*updated_at);
  return json_reader::OneEvent(request, "github", DeliveryKey(request, fallback), std::move(t));
}

Result<std::vector<ParsedEvent>> ParseGitHub(const SourceRequest& request) {
  const std::string_view event = request.header("x-github-event");
  if (event.empty()) return Invalid("X-GitHub-Event", "missing header");
  boost::json::value v;
  Result<const boost::json::object*> body = json_reader::ParseBodyObject(request.body, v);
  if (!body.ok()) return body.status();
  if (event == "deployment_status") return ParseDeploymentStatus(request, **body);
  if (event == "issues") return ParseIssues(request, **body);
  return std::vector<ParsedEvent>{};  // ping, pull requests and the rest: nothing to record
}

Status VerifyGitHub(const SourceRequest& request) {
  return signature::CheckHmacHeader(request, "x-hub-signature-256", "sha256=");
}

constexpr std::string_view kHeaders[] = {"x-github-event", "x-github-delivery"};

}  // namespace

extern const Source kSource_github;
const Source kSource_github{
    .name = "github",
    .route = "/webhooks/github",
    .needs_config = true,
    .parse = ParseGitHub,
    .headers = kHeaders,
    .verify = VerifyGitHub,
};

}  // namespace debriefd
