#pragma once
// Typed, path-aware reads from a Boost.JSON object, shared by the parsers.
// Internal to collector/parsers.

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/sources/source.h"
#include "domain/status.h"
#include "domain/time.h"

namespace debriefd::json_reader {

// Reads fields of one object; the first error is kept and later reads are no-ops.
// Every key asked for is remembered (present or not), so that a strict reader
// can then name the first key of the object that nobody asked for.
class ObjectReader {
 public:
  ObjectReader(const boost::json::object& obj, std::string path) : obj_(obj), path_(std::move(path)) {}

  std::optional<std::string> String(const char* key, bool required, size_t max_len = 4096);
  std::optional<Time> Timestamp(const char* key, bool required);
  std::optional<double> Number(const char* key, bool required);
  // An identifier usable in URLs and metric labels: [A-Za-z0-9._:/-]{1,128}.
  std::optional<std::string> Id(const char* key, bool required);
  const boost::json::object* Object(const char* key, bool required);
  const boost::json::array* Array(const char* key, bool required);
  // A calendar date "YYYY-MM-DD" (a due date in Jira and GitLab), read as the
  // end of that day: the next midnight UTC, so that an item due on a day is
  // on time all of that day.
  std::optional<Time> EndOfDate(const char* key, bool required);
  // An array of strings (`member` nullptr: Jira's labels) or of objects whose
  // `member` is a string (GitHub's labels[].name, GitLab's labels[].title),
  // in order. Absent or null: nullopt. Errors name the element
  // (`labels[2].name: not a string`).
  std::optional<std::vector<std::string>> Names(const char* key, const char* member = nullptr,
                                                size_t max_len = 4096);

  // After the reads: fails naming the first key of the object (in the sender's
  // order) that no read asked for, with the reason "unknown field". A no-op
  // when an earlier read failed, so that error stays the one reported.
  void RejectUnknownFields();

  void Fail(const std::string& key, const std::string& reason);
  std::string FieldPath(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  const Status& status() const { return status_; }
  bool ok() const { return status_.ok(); }

 private:
  const boost::json::value* Get(const char* key, bool required, boost::json::kind kind, const char* what);

  const boost::json::object& obj_;
  std::string path_;
  Status status_;
  std::vector<std::string_view> asked_;  // keys are string literals or outlive the reader
};

// Memory for one request's parse: the first 8 KB from the stack, then the
// heap, all released at once. Declare before the value that uses it:
//   RequestArena arena;  boost::json::value v(arena.storage());
class RequestArena {
 public:
  RequestArena() : resource_(buffer_, sizeof buffer_) {}
  RequestArena(const RequestArena&) = delete;
  RequestArena& operator=(const RequestArena&) = delete;
  boost::json::storage_ptr storage() { return boost::json::storage_ptr(&resource_); }

 private:
  unsigned char buffer_[8192];
  boost::json::monotonic_resource resource_;
};

// InvalidArgument naming the field path and the reason; the registry adds the source.
Status Invalid(const std::string& field, const std::string& reason);

// Parses a request body. Numbers too large for a double (1e999) are
// rejected, naming their path: Boost.JSON reads them as infinity and would
// write them back as `Infinity`, which no JSON reader (debriefd's store
// included) accepts. The parsed value uses `value`'s storage: a parser that
// reads every request can give it a per-request arena (RequestArena).
Status ParseBody(std::string_view body, boost::json::value& value);

// A webhook body that must be one JSON object: the object (kept alive by
// `value`), or Invalid naming why not.
Result<const boost::json::object*> ParseBodyObject(std::string_view body, boost::json::value& value);

// The one event a webhook delivery makes (most send one per request).
std::vector<ParsedEvent> OneEvent(const SourceRequest& request, std::string source, std::string dedup_key,
                                  EventBody body);

}  // namespace debriefd::json_reader
