// Finding and reading the policy file (shared by the hook and the wrapper).
#ifndef OCI_IMMUTABLE_POLICY_POLICY_FILE_H_
#define OCI_IMMUTABLE_POLICY_POLICY_FILE_H_

#include <optional>
#include <string>

#include "base/result.h"
#include "policy/policy.h"

namespace oci_immutable {

// SYSCONFDIR/oci-immutable/policy.json of the build: /etc/... for prefix /usr.
extern const char kDefaultPolicyPath[];

// An explicit file must exist and parse. Without one, kDefaultPolicyPath is
// read if it exists, else DefaultPolicy() is used.
Result<Policy> LoadPolicy(const std::optional<std::string>& explicit_path);

// Reads and parses one policy file; errors start with the file name.
Result<Policy> LoadPolicyFile(const std::string& path);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_POLICY_POLICY_FILE_H_
