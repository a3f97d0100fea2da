// GitLab: Deployment Hook events with status success become deploys.
// Verified by X-Gitlab-Token (the hook's secret token, compared in constant
// time); deduplicated by the deployment id and status.
#include <cstdio>

#include "collector/sources/json_reader.h"
#include "collector/sources/signature.h"

namespace debriefd {
namespace {

using json_reader::Invalid;
using json_reader::ObjectReader;

// GitLab writes "2021-04-28 21:50:00 +0200" and "2021-04-28 19:50:00 UTC";
// RFC 3339 is accepted too.
std::optional<Time> ParseGitLabTime(std::string_view s) {
  if (auto t = ParseRfc3339(s)) return t;
  if (s.size() < 19 || s[10] != ' ') return std::nullopt;
  std::string rfc(s.substr(0, 19));
  rfc[10] = 'T';
  std::string_view zone = s.substr(19);
  if (zone == " UTC" || zone == " Z") return ParseRfc3339(rfc + "Z");
  if (zone.size() == 6 && zone[0] == ' ' && (zone[1] == '+' || zone[1] == '-')) {
    return ParseRfc3339(rfc + std::string(zone.substr(1, 3)) + ":" + std::string(zone.substr(4, 2)));
  }
  return std::nullopt;
}

Result<std::vector<ParsedEvent>> ParseGitLab(const SourceRequest& request) {
  const std::string_view event = request.header("x-gitlab-event");
  if (event.empty()) return Invalid("X-Gitlab-Event", "missing header");
  boost::json::value v;
  Result<const boost::json::object*> body = json_reader::ParseBodyObject(request.body, v);
  if (!body.ok()) return body.status();
  if (event != "Deployment Hook") return std::vector<ParsedEvent>{};  // pushes, pipelines, ...: not changes

  ObjectReader r(**body, "");
  auto status = r.String("status", true, 32);
  auto changed_at_text = r.String("status_changed_at", true, 64);
  auto deployment_id = r.Number("deployment_id", true);
  auto environment = r.String("environment", true, 256);
  auto short_sha = r.String("short_sha", false, 64);
  auto deployable_url = r.String("deployable_url", false);
  auto commit_url = r.String("commit_url", false);
  auto commit_title = r.String("commit_title", false);
  const boost::json::object* project_obj = r.Object("project", true);
  if (!r.ok()) return r.status();
  ObjectReader project(*project_obj, "project");
  auto path = project.String("path_with_namespace", true, 512);
  if (!project.ok()) return project.status();
  std::optional<Time> changed_at = ParseGitLabTime(*changed_at_text);
  if (!changed_at) return Invalid("status_changed_at", "not a time like 2021-04-28 21:50:00 +0200");
  if (*status != "success") return std::vector<ParsedEvent>{};  // created, running, failed, canceled
  if (!request.settings.WantsEnvironment(*environment)) return std::vector<ParsedEvent>{};

  const std::string id = std::to_string(static_cast<uint64_t>(*deployment_id));
  ChangeEvent c;
  c.id = "gl-" + id;
  c.time = *changed_at;
  c.service = request.settings.ServiceFor(*path);
  c.kind = "deploy";
  c.environment = *environment;
  c.version = short_sha.value_or("");
  c.description = commit_title && !commit_title->empty() ? *commit_title : "deploy of " + *path;
  c.url = deployable_url && !deployable_url->empty() ? *deployable_url : commit_url.value_or("");

  return json_reader::OneEvent(request, "gitlab", "gitlab:" + id + ":" + *status, std::move(c));
}

Status VerifyGitLab(const SourceRequest& request) { return signature::CheckTokenHeader(request, "x-gitlab-token"); }

constexpr std::string_view kHeaders[] = {"x-gitlab-event"};

}  // namespace

extern const Source kSource_gitlab;
const Source kSource_gitlab{
    .name = "gitlab",
    .route = "/webhooks/gitlab",
    .needs_config = true,
    .parse = ParseGitLab,
    .headers = kHeaders,
    .verify = VerifyGitLab,
};

}  // namespace debriefd
