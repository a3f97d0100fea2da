// Flux: notification-controller events (provider generic-hmac). A
// Kustomization or HelmRelease reconciled successfully at a revision becomes
// a deploy of `<kind>/<namespace>/<name>` (through `services`); a repeat of a
// revision already seen is a duplicate (deduplicated by object and
// revision), failures and every other event are ignored. Verified by
// X-Signature: sha256=<hex HMAC-SHA256 of the raw body>.
#include "collector/sources/json_reader.h"
#include "collector/sources/signature.h"

namespace debriefd {
namespace {

using json_reader::Invalid;
using json_reader::ObjectReader;

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

Result<std::vector<ParsedEvent>> ParseFlux(const SourceRequest& request) {
  boost::json::value v;
  Result<const boost::json::object*> body = json_reader::ParseBodyObject(request.body, v);
  if (!body.ok()) return body.status();
  ObjectReader r(**body, "");
  const boost::json::object* object_obj = r.Object("involvedObject", true);
  auto severity = r.String("severity", true, 32);
  auto timestamp = r.Timestamp("timestamp", true);
  auto reason = r.String("reason", true, 128);
  auto message = r.String("message", false);
  const boost::json::object* metadata_obj = r.Object("metadata", false);
  if (!r.ok()) return r.status();
  ObjectReader object(*object_obj, "involvedObject");
  auto kind = object.String("kind", true, 64);
  auto ns = object.String("namespace", true, 256);
  auto name = object.String("name", true, 256);
  if (!object.ok()) return object.status();
  std::optional<std::string> revision;
  if (metadata_obj != nullptr) {
    ObjectReader metadata(*metadata_obj, "metadata");
    revision = metadata.String("revision", false, 512);
    if (!metadata.ok()) return metadata.status();
  }
  const bool applied = (*kind == "Kustomization" || *kind == "HelmRelease") && *severity == "info" &&
                       EndsWith(*reason, "Succeeded") && revision && !revision->empty();
  if (!applied) return std::vector<ParsedEvent>{};  // failures, progress, sources' artifacts

  const std::string object_name = *kind + "/" + *ns + "/" + *name;
  ChangeEvent c;
  c.id = "flux-" + StableHash(object_name + "@" + *revision);
  c.time = *timestamp;
  c.service = request.settings.ServiceFor(object_name);
  c.kind = "deploy";
  c.version = *revision;
  c.description = "Flux applied " + object_name + (message && !message->empty() ? ": " + *message : "");
  return json_reader::OneEvent(request, "flux", "flux:" + object_name + "@" + *revision, std::move(c));
}

Status VerifyFlux(const SourceRequest& request) {
  return signature::CheckHmacHeader(request, "x-signature", "sha256=");
}

}  // namespace

extern const Source kSource_flux;
const Source kSource_flux{
    .name = "flux",
    .route = "/webhooks/flux",
    .needs_config = true,
    .parse = ParseFlux,
    .headers = {},
    .verify = VerifyFlux,
};

}  // namespace debriefd
