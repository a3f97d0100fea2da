// Argo CD: the body of the `debriefd-deployed` notification template
// (docs/deploy/argocd-notifications-cm.yaml), sent on the `on-deployed`
// trigger, becomes a deploy. Verified by the bearer token the notifications
// service sends (Authorization: Bearer <secret>); deduplicated by app and
// revision (the trigger fires once per revision).
#include "collector/sources/json_reader.h"
#include "collector/sources/signature.h"

namespace debriefd {
namespace {

using json_reader::Invalid;
using json_reader::ObjectReader;

Result<std::vector<ParsedEvent>> ParseArgoCd(const SourceRequest& request) {
  boost::json::value v;
  Result<const boost::json::object*> body = json_reader::ParseBodyObject(request.body, v);
  if (!body.ok()) return body.status();
  ObjectReader r(**body, "");
  auto app = r.String("app", true, 256);
  auto revision = r.String("revision", true, 256);
  auto finished_at = r.Timestamp("finishedAt", true);
  auto environment = r.String("environment", false, 256);
  auto project = r.String("project", false, 256);
  auto repo = r.String("repoURL", false);
  auto url = r.String("url", false);
  if (!r.ok()) return r.status();
  // An application without an environment label deploys to "no environment":
  // a candidate cause everywhere, and not filtered.
  const std::string env = environment.value_or("");
  if (!env.empty() && !request.settings.WantsEnvironment(env)) return std::vector<ParsedEvent>{};

  ChangeEvent c;
  c.id = "argocd-" + StableHash(*app + "@" + *revision);
  c.time = *finished_at;
  c.service = request.settings.ServiceFor(*app);
  c.kind = "deploy";
  c.environment = env;
  c.version = revision->substr(0, 12);
  c.description = "Argo CD synced " + *app + (project && !project->empty() ? " (" + *project + ")" : "") +
                  (repo && !repo->empty() ? " from " + *repo : "");
  c.url = url.value_or("");
  return json_reader::OneEvent(request, "argocd", "argocd:" + *app + "@" + *revision, std::move(c));
}

Status VerifyArgoCd(const SourceRequest& request) {
  std::string_view given = request.header("authorization");
  if (given.empty()) return Status::Unauthenticated("authorization", "missing");
  constexpr std::string_view kBearer = "Bearer ";
  if (given.substr(0, kBearer.size()) != kBearer ||
      !signature::ConstantTimeEquals(given.substr(kBearer.size()), request.settings.secret)) {
    return Status::Unauthenticated("authorization", "not Bearer with the configured token");
  }
  return Status::Ok();
}

}  // namespace

extern const Source kSource_argocd;
const Source kSource_argocd{
    .name = "argocd",
    .route = "/webhooks/argocd",
    .needs_config = true,
    .parse = ParseArgoCd,
    .headers = {},
    .verify = VerifyArgoCd,
};

}  // namespace debriefd
