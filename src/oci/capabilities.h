// Capability names, resolved by libcap.
#ifndef OCI_IMMUTABLE_OCI_CAPABILITIES_H_
#define OCI_IMMUTABLE_OCI_CAPABILITIES_H_

#include <optional>
#include <string_view>

namespace oci_immutable {

// The capability number libcap knows for "CAP_SYS_ADMIN"-style names.
std::optional<int> CapabilityNumber(std::string_view name);
bool IsCapSysAdmin(std::string_view name);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_OCI_CAPABILITIES_H_
