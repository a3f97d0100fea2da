#pragma once
// Expected failures as values. A Status names the field that was wrong and
// why; the server maps codes to HTTP in exactly one place
// (server/http_status.h).
//
// Who writes what: the code that finds a problem writes the field path and
// the reason ("alerts[2].startsAt", "not RFC 3339"); a batch prefixes the
// element ("[1]"); the edge that knows where the bytes came from adds the
// source once ("alertmanager"). message() joins them:
// "alertmanager: alerts[2].startsAt: not RFC 3339".

#include <string>
#include <utility>
#include <variant>

namespace debriefd {

enum class StatusCode {
  kOk,
  kInvalidArgument,     // malformed or incomplete input
  kNotFound,            // a referenced incident, change, item or endpoint is unknown
  kConflict,            // the thing to create exists already
  kFailedPrecondition,  // valid input that the current state forbids
  kUnauthenticated,     // missing or wrong credentials
  kResourceExhausted,   // over a size limit
  kUnimplemented,       // the resource does not support the operation (method)
  kUnavailable,         // the store or queue cannot take writes right now; retry
  kDataLoss,            // stored data cannot be read back
};

// The code's name in lower case, for logs and metrics ("invalid_argument").
const char* ToString(StatusCode code);

class Status {
 public:
  Status() = default;

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string field, std::string reason) {
    return Status(StatusCode::kInvalidArgument, std::move(field), std::move(reason));
  }
  static Status NotFound(std::string field, std::string reason) {
    return Status(StatusCode::kNotFound, std::move(field), std::move(reason));
  }
  static Status Conflict(std::string field, std::string reason) {
    return Status(StatusCode::kConflict, std::move(field), std::move(reason));
  }
  static Status FailedPrecondition(std::string field, std::string reason) {
    return Status(StatusCode::kFailedPrecondition, std::move(field), std::move(reason));
  }
  static Status Unauthenticated(std::string field, std::string reason) {
    return Status(StatusCode::kUnauthenticated, std::move(field), std::move(reason));
  }
  static Status ResourceExhausted(std::string field, std::string reason) {
    return Status(StatusCode::kResourceExhausted, std::move(field), std::move(reason));
  }
  static Status Unimplemented(std::string reason) {
    return Status(StatusCode::kUnimplemented, "", std::move(reason));
  }
  static Status Unavailable(std::string reason) {
    return Status(StatusCode::kUnavailable, "", std::move(reason));
  }
  static Status DataLoss(std::string reason) { return Status(StatusCode::kDataLoss, "", std::move(reason)); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  // Where the bytes came from ("alertmanager", "events", "store"); may be empty.
  const std::string& source() const { return source_; }
  // The path of the offending field, e.g. "alerts[2].startsAt"; empty when the
  // error is not about one field.
  const std::string& field() const { return field_; }
  // Why, without source or field: "not RFC 3339".
  const std::string& reason() const { return reason_; }
  // "source: field: reason", leaving out what is empty.
  std::string message() const {
    std::string m;
    for (const std::string* part : {&source_, &field_}) {
      if (!part->empty()) m += *part + ": ";
    }
    return m + reason_;
  }

  // A copy whose field path is prefixed: "[3]" + "incident_id" -> "[3].incident_id",
  // "alerts" + "[2]" -> "alerts[2]".
  Status WithFieldPrefix(const std::string& prefix) const {
    if (ok() || prefix.empty()) return *this;
    Status s = *this;
    s.field_ = field_.empty() ? prefix : (field_[0] == '[' ? prefix + field_ : prefix + "." + field_);
    return s;
  }
  // A copy that names its source, unless it names one already.
  Status WithSource(const std::string& source) const {
    if (ok() || !source_.empty()) return *this;
    Status s = *this;
    s.source_ = source;
    return s;
  }

 private:
  Status(StatusCode code, std::string field, std::string reason)
      : code_(code), field_(std::move(field)), reason_(std::move(reason)) {}

  StatusCode code_ = StatusCode::kOk;
  std::string source_;
  std::string field_;
  std::string reason_;
};

// Either a value or a non-OK Status.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace debriefd
