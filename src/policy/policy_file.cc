#include "policy/policy_file.h"

#include <unistd.h>

#include "sys/file.h"

#ifndef OCI_IMMUTABLE_POLICY_PATH
#define OCI_IMMUTABLE_POLICY_PATH "/etc/oci-immutable/policy.json"
#endif

namespace oci_immutable {

const char kDefaultPolicyPath[] = OCI_IMMUTABLE_POLICY_PATH;

Result<Policy> LoadPolicyFile(const std::string& path) {
  OI_ASSIGN_OR_RETURN(std::string text, ReadFile(path, 1 << 20));
  OI_ASSIGN_OR_RETURN_CTX(Policy policy, ParsePolicy(text), path);
  return policy;
}

Result<Policy> LoadPolicy(const std::optional<std::string>& explicit_path) {
  if (explicit_path) return LoadPolicyFile(*explicit_path);
  const std::string system_path(kDefaultPolicyPath);
  if (::access(system_path.c_str(), F_OK) == 0) return LoadPolicyFile(system_path);
  return DefaultPolicy();
}

}  // namespace oci_immutable
