// The pages for people (exporters/pages/pages.h): routes, authentication a
// browser can do, and the headers that keep a page inert.
#include <openssl/evp.h>

#include <cctype>

#include "collector/sources/signature.h"
#include "server/api.h"

namespace debriefd {
namespace {

// Pages run no script and load nothing from elsewhere; even an escaping
// mistake could then run nothing.
void Harden(HttpResponse& r) {
  r.headers["Content-Security-Policy"] = "default-src 'self'";
  r.headers["X-Content-Type-Options"] = "nosniff";
  r.headers["Referrer-Policy"] = "same-origin";
}

HttpResponse Html(std::string body) {
  HttpResponse r;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  Harden(r);
  return r;
}

HttpResponse Text(std::string body, std::string content_type) {
  HttpResponse r;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  Harden(r);
  return r;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

// The password of an HTTP Basic header ("Basic base64(user:password)"), or nullopt.
std::optional<std::string> BasicPassword(std::string_view header) {
  if (!StartsWithNoCase(header, "Basic ")) return std::nullopt;
  std::string_view b64 = header.substr(6);
  while (!b64.empty() && b64.front() == ' ') b64.remove_prefix(1);
  if (b64.empty() || b64.size() % 4 != 0 || b64.size() > 4096) return std::nullopt;
  std::string decoded(b64.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                                reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock keeps the padding's zero bytes: drop one per '='.
  size_t size = static_cast<size_t>(n);
  for (size_t i = b64.size(); i > 0 && b64[i - 1] == '='; --i) --size;
  decoded.resize(size);
  const size_t colon = decoded.find(':');
  if (colon == std::string::npos) return std::nullopt;
  return decoded.substr(colon + 1);
}

HttpResponse Unauthorized() {
  HttpResponse r = ErrorResponse(
      Status::Unauthenticated("Authorization", "log in with the read token as the password (any user name)"));
  r.headers["WWW-Authenticate"] = "Basic realm=\"debriefd\", charset=\"UTF-8\"";
  Harden(r);
  return r;
}

}  // namespace

HttpResponse Api::PageUnauthorized() { return Unauthorized(); }

bool Api::IsPage(const std::string& path) {
  constexpr std::string_view kIncidents = "/incidents/";
  return path == "/" || path == "/incidents" || path == "/feed.atom" || path == "/static/style.css" ||
         (path.size() > kIncidents.size() && path.starts_with(kIncidents));
}

bool Api::PageAuthorized(const ApiOptions& o, const HttpRequest& req) {
  const std::string& token = o.read_token;
  if (token.empty()) return true;
  if (StartsWithNoCase(req.authorization, "Bearer ")) {
    return signature::ConstantTimeEquals(std::string_view(req.authorization).substr(7), token);
  }
  std::optional<std::string> password = BasicPassword(req.authorization);
  return password && signature::ConstantTimeEquals(*password, token);
}

bool Api::HandlePage(const ApiOptions& o, const std::string& path, const Query& query, const HttpRequest& req,
                     const Respond& respond) {
  constexpr std::string_view kIncidents = "/incidents/";
  constexpr std::string_view kDebriefDoc = "/debrief.md";
  if (!IsPage(path)) return false;
  if (req.method != "GET" && req.method != "HEAD") {
    HttpResponse r = ErrorResponse(Status::Unimplemented("method not allowed; use GET"));
    r.headers["Allow"] = "GET, HEAD";
    respond(std::move(r));
    return true;
  }
  // The stylesheet holds nothing private: a login page could not be styled otherwise.
  if (path == "/static/style.css") {
    HttpResponse r = Text(std::string(PageStylesheet()), "text/css; charset=utf-8");
    r.headers["Cache-Control"] = "public, max-age=3600";
    respond(std::move(r));
    return true;
  }
  if (!PageAuthorized(o, req)) {
    respond(Unauthorized());
    return true;
  }
  const PageOptions& options = o.pages;
  auto only = [&](std::initializer_list<std::string_view> known) -> Status {
    for (const auto& [key, value] : query) {
      if (key.empty() || std::find(known.begin(), known.end(), key) != known.end()) continue;
      std::string names;
      for (std::string_view k : known) {
        if (!names.empty()) names += ", ";
        names += k;
      }
      return Status::InvalidArgument(key.substr(0, 64), "unknown parameter" + (names.empty() ? "" : " (known: " + names + ")"));
    }
    return Status::Ok();
  };

  if (path == "/") {
    if (Status s = only({}); !s.ok()) return respond(ErrorResponse(s)), true;
    respond(ingest_.Read([&](const IncidentTracker& t, Time now) { return Html(RenderHomePage(t, now, options)); }));
    return true;
  }
  if (path == "/incidents") {
    Result<IncidentFilter> filter = ParseIncidentFilter(query);
    if (!filter.ok()) return respond(ErrorResponse(filter.status())), true;
    respond(ingest_.Read(
        [&](const IncidentTracker& t, Time now) { return Html(RenderIncidentListPage(t, now, *filter, options)); }));
    return true;
  }
  if (path == "/feed.atom") {
    if (Status s = only({"include"}); !s.ok()) return respond(ErrorResponse(s)), true;
    bool incidents = false;
    if (auto it = query.find("include"); it != query.end()) {
      if (it->second != "incidents") {
        return respond(ErrorResponse(Status::InvalidArgument("include", "must be incidents"))), true;
      }
      incidents = true;
    }
    respond(ingest_.Read([&](const IncidentTracker& t, Time now) {
      return Text(RenderAtomFeed(t, now, incidents, options), "application/atom+xml; charset=utf-8");
    }));
    return true;
  }

  // /incidents/{id} and /incidents/{id}/debrief.md
  std::string id = path.substr(kIncidents.size());
  const bool doc = id.size() > kDebriefDoc.size() && id.ends_with(kDebriefDoc);
  if (doc) id.resize(id.size() - kDebriefDoc.size());
  if (Status s = doc ? only({"format"}) : only({}); !s.ok()) return respond(ErrorResponse(s)), true;
  std::string format = doc && query.count("format") ? query.at("format") : "md";
  if (format != "md" && format != "html") {
    return respond(ErrorResponse(Status::InvalidArgument("format", "must be md or html"))), true;
  }
  respond(ingest_.Read([&](const IncidentTracker& t, Time now) {
    const Incident* inc = t.Find(id);
    if (inc == nullptr) return ErrorResponse(Status::NotFound("id", "unknown incident \"" + id.substr(0, 128) + "\""));
    if (!doc) return Html(RenderIncidentPage(t, *inc, now, options));
    if (format == "html") return Html(RenderDebriefHtml(t, *inc, now, options));
    HttpResponse r = Text(RenderDebriefMarkdown(t, *inc, now, options), "text/markdown; charset=utf-8");
    r.headers["Content-Disposition"] = "inline; filename=\"debrief-" + inc->id + ".md\"";
    return r;
  }));
  return true;
}

}  // namespace debriefd
