#pragma once
// Expected failures as values. A Status names the field that was wrong and why;
// the HTTP layer maps codes to status codes in exactly one place.

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace debriefd {

enum class StatusCode {
  kOk,
  kInvalidArgument,  // malformed or incomplete input (HTTP 400)
  kNotFound,         // a referenced incident, change or item is unknown (404)
  kConflict,         // valid input that the current state forbids (409)
  kUnavailable,      // the store cannot take writes right now (503)
};

class Status {
 public:
  Status() = default;

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string field, std::string message) {
    return Status(StatusCode::kInvalidArgument, std::move(field), std::move(message));
  }
  static Status NotFound(std::string field, std::string message) {
    return Status(StatusCode::kNotFound, std::move(field), std::move(message));
  }
  static Status Conflict(std::string field, std::string message) {
    return Status(StatusCode::kConflict, std::move(field), std::move(message));
  }
  static Status Unavailable(std::string message) {
    return Status(StatusCode::kUnavailable, "", std::move(message));
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  // The path of the offending field, e.g. "alerts[2].startsAt"; empty when the
  // error is not about one field.
  const std::string& field() const { return field_; }
  // A human-readable reason that already names the source and field.
  const std::string& message() const { return message_; }

  // Returns a copy whose field path is prefixed, e.g. "[3]" + "." + field.
  Status WithFieldPrefix(const std::string& prefix, const std::string& source) const {
    if (ok()) return *this;
    std::string field = field_.empty() ? prefix
                        : (field_[0] == '[' ? prefix + field_ : prefix + "." + field_);
    std::string reason = message_;
    return Status(code_, field, source + ": " + field + ": " + reason);
  }

 private:
  Status(StatusCode code, std::string field, std::string message)
      : code_(code), field_(std::move(field)), message_(std::move(message)) {}

  StatusCode code_ = StatusCode::kOk;
  std::string field_;
  std::string message_;
};

// Either a value or a non-OK Status.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}            // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}     // NOLINT: implicit by design

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
