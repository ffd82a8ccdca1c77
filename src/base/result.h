// Result<T> and Status: error values that carry context on the way up
// (the crun style: each layer prefixes what it was doing).
#ifndef OCI_IMMUTABLE_BASE_RESULT_H_
#define OCI_IMMUTABLE_BASE_RESULT_H_

#include <cerrno>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace oci_immutable {

class Error {
 public:
  explicit Error(std::string message, int errno_value = 0)
      : message_(std::move(message)), errno_value_(errno_value) {}

  // The error with `context` in front: "context: message".
  Error Wrap(std::string_view context) const&;
  Error Wrap(std::string_view context) &&;

  const std::string& message() const { return message_; }
  int errno_value() const { return errno_value_; }
  // message plus ": strerror(errno)" when an errno is attached.
  std::string ToString() const;

 private:
  std::string message_;
  int errno_value_;
};

// An Error built from the current errno: "what: strerror(errno)".
Error ErrnoError(std::string_view what);
Error ErrnoError(std::string_view what, int errno_value);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}       // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}   // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return !error_.has_value(); }
  const Error& error() const& { return *error_; }
  Error&& error() && { return std::move(*error_); }

 private:
  std::optional<Error> error_;
};

inline Status OkStatus() { return Status(); }

}  // namespace oci_immutable

#define OI_CONCAT_INNER_(a, b) a##b
#define OI_CONCAT_(a, b) OI_CONCAT_INNER_(a, b)

// Returns the error of `expr` (a Status or Result) from the enclosing function.
#define OI_RETURN_IF_ERROR(expr)                              \
  do {                                                        \
    auto oi_status_ = (expr);                                 \
    if (!oi_status_.ok()) return std::move(oi_status_).error(); \
  } while (0)

// Like OI_RETURN_IF_ERROR, with `context` put in front of the message.
#define OI_RETURN_IF_ERROR_CTX(expr, context)                               \
  do {                                                                      \
    auto oi_status_ = (expr);                                               \
    if (!oi_status_.ok()) return std::move(oi_status_).error().Wrap(context); \
  } while (0)

#define OI_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr, wrap) \
  auto tmp = (expr);                                    \
  if (!tmp.ok()) return std::move(tmp).error() wrap;    \
  lhs = std::move(tmp).value()

// `lhs = value of expr`, or return its error.
#define OI_ASSIGN_OR_RETURN(lhs, expr) \
  OI_ASSIGN_OR_RETURN_IMPL_(OI_CONCAT_(oi_result_, __LINE__), lhs, expr, )

// Same, with `context` put in front of the error message.
#define OI_ASSIGN_OR_RETURN_CTX(lhs, expr, context)                          \
  OI_ASSIGN_OR_RETURN_IMPL_(OI_CONCAT_(oi_result_, __LINE__), lhs, expr, \
                            .Wrap(context))

#endif  // OCI_IMMUTABLE_BASE_RESULT_H_
