#include "oci/capabilities.h"

#include <sys/capability.h>

#include <string>

namespace oci_immutable {

std::optional<int> CapabilityNumber(std::string_view name) {
  // The runtimes take the names exactly as written (upper case, CAP_ prefix);
  // libcap is laxer, so insist on the prefix here.
  if (name.substr(0, 4) != "CAP_") return std::nullopt;
  cap_value_t value;
  if (cap_from_name(std::string(name).c_str(), &value) != 0) return std::nullopt;
  return static_cast<int>(value);
}

bool IsCapSysAdmin(std::string_view name) {
  std::optional<int> n = CapabilityNumber(name);
  return n && *n == CAP_SYS_ADMIN;
}

}  // namespace oci_immutable
