#include "base/result.h"

#include <cstring>

namespace oci_immutable {
namespace {

std::string Prefixed(std::string_view context, const std::string& message) {
  std::string out(context);
  out += ": ";
  out += message;
  return out;
}

}  // namespace

Error Error::Wrap(std::string_view context) const& {
  return Error(Prefixed(context, message_), errno_value_);
}

Error Error::Wrap(std::string_view context) && {
  message_ = Prefixed(context, message_);
  return std::move(*this);
}

std::string Error::ToString() const {
  if (errno_value_ == 0) return message_;
  return message_ + ": " + std::strerror(errno_value_);
}

Error ErrnoError(std::string_view what) { return ErrnoError(what, errno); }

Error ErrnoError(std::string_view what, int errno_value) {
  return Error(std::string(what), errno_value);
}

}  // namespace oci_immutable
