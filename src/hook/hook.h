// One run of oci-immutable-hook: state in, container enforced, records out.
#ifndef OCI_IMMUTABLE_HOOK_HOOK_H_
#define OCI_IMMUTABLE_HOOK_HOOK_H_

#include "hook/cli.h"

namespace oci_immutable {

inline constexpr char kHookProgram[] = "oci-immutable-hook";

// Returns the exit status: 0 done (or audit), 1 refused (the runtime then
// does not start the container). One line on stderr says why.
int RunHook(const HookArgs& args, int state_fd);

// --check-config: 0 valid, 1 not (the first error with its location).
int CheckConfig(const std::string& path);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_HOOK_HOOK_H_
