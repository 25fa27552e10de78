// Result<T>: a value or an Error, the return type of every fallible call in logbridge.
// Error codes are few and carry retry meaning, so callers decide on retries by code alone.
// Header-only; no dependency beyond the standard library. Not thread-safe per object.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace logbridge {

enum class ErrorCode {
  kInvalidArgument,     // bad input or config: fix the input, do not retry
  kNotFound,            // the named thing does not exist
  kAlreadyExists,       // a unique key is taken
  kPermissionDenied,    // authenticated, but not allowed: fix the grant, do not retry
  kUnauthenticated,     // credentials missing, wrong or expired
  kResourceExhausted,   // rate limit or quota: retry later, or never for a monthly quota
  kDeadlineExceeded,    // timed out: retry with backoff
  kUnavailable,         // transient failure: retry with backoff
  kFailedPrecondition,  // the system is not in the state the call requires
  kDataLoss,            // stored or received data is corrupt
  kInternal,            // a bug: report it
};

// Returns the lower-case name used in logs and JSON, for example "invalid_argument".
constexpr std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kAlreadyExists: return "already_exists";
    case ErrorCode::kPermissionDenied: return "permission_denied";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kResourceExhausted: return "resource_exhausted";
    case ErrorCode::kDeadlineExceeded: return "deadline_exceeded";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kFailedPrecondition: return "failed_precondition";
    case ErrorCode::kDataLoss: return "data_loss";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

// Maps an error code to the HTTP status that logbridge's own HTTP APIs return for it.
constexpr int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kAlreadyExists: return 409;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kResourceExhausted: return 429;
    case ErrorCode::kDeadlineExceeded: return 504;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kFailedPrecondition: return 412;
    case ErrorCode::kDataLoss: return 500;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

// A failure: a code and a message that names the value, the limit and the fix.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;

  std::string ToString() const {
    return std::string(ErrorCodeName(code)) + ": " + message;
  }
};

inline Error MakeError(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

// A value of type T, or an Error. Accessing the wrong alternative is a bug and asserts.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}    // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(state_);
  }

 private:
  std::variant<T, Error> state_;
};

// Result<void>: success, or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Status OkStatus() { return Status(); }

}  // namespace logbridge
