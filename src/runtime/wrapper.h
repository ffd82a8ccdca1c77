// oci-immutable-runtime: rewrite the bundle on create/run, then exec the real
// runtime with the arguments unchanged.
#ifndef OCI_IMMUTABLE_RUNTIME_WRAPPER_H_
#define OCI_IMMUTABLE_RUNTIME_WRAPPER_H_

#include <string_view>
#include <vector>

namespace oci_immutable {

inline constexpr char kWrapperProgram[] = "oci-immutable-runtime";

// Never returns on success (exec). Returns the exit status on failure, after
// one line on stderr; stdout is never written.
int RunWrapper(const std::vector<std::string_view>& args);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_RUNTIME_WRAPPER_H_
