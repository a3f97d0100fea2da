// GitHub: `deployment_status` webhooks with state success become deploys.
// Verified by X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the
// webhook's secret); deduplicated by X-GitHub-Delivery.
#include "collector/sources/json_reader.h"
#include "collector/sources/signature.h"

namespace debriefd {
namespace {

using json_reader::Invalid;
using json_reader::ObjectReader;

Result<std::vector<ParsedEvent>> ParseGitHub(const SourceRequest& request) {
  const std::string_view event = request.header("x-github-event");
  if (event.empty()) return Invalid("X-GitHub-Event", "missing header");
  boost::json::value v;
  Result<const boost::json::object*> body = json_reader::ParseBodyObject(request.body, v);
  if (!body.ok()) return body.status();
  if (event != "deployment_status") return std::vector<ParsedEvent>{};  // ping and the rest: nothing to record

  ObjectReader r(**body, "");
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

  const std::string_view delivery = request.header("x-github-delivery");
  std::string dedup_key = "github:" + (delivery.empty() ? c.id : std::string(delivery));
  return json_reader::OneEvent(request, "github", std::move(dedup_key), std::move(c));
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
