// What the hook decides for one container: which violations the spec carries
// and what to mount. Pure: spec and policy in, a plan out.
#ifndef OCI_IMMUTABLE_POLICY_DECISION_H_
#define OCI_IMMUTABLE_POLICY_DECISION_H_

#include <string>
#include <string_view>
#include <vector>

#include "oci/spec.h"
#include "policy/identity.h"
#include "policy/policy.h"

namespace oci_immutable {

// Fixed violation names (log consumers match on them).
inline constexpr std::string_view kRootfsWritable = "rootfs-writable";
inline constexpr std::string_view kProcSysWritable = "proc-sys-writable";
inline constexpr std::string_view kPrivileged = "privileged";
// Privileged, and no seccomp rules keep it from undoing the mounts (the
// hook alone cannot; oci-immutable-runtime adds them).
inline constexpr std::string_view kPrivilegedUnconfined = "privileged-unconfined";

struct Violation {
  std::string_view name;
  std::string detail;
};

// The violations a spec carries, in a fixed order. monitor_socket: the
// policy's oci-immutable-monitor, whose notify rules count as denying.
std::vector<Violation> FindViolations(const Spec& spec, std::string_view monitor_socket = {});

struct TmpfsMount {
  std::string path;  // container path
  std::string size;
};

struct SkippedPath {
  std::string path;
  std::string reason;
};

struct Plan {
  bool exempt = false;
  bool enforce = false;  // mode is enforce and the container is not exempt
  std::vector<TmpfsMount> tmpfs;
  std::vector<SkippedPath> skipped;  // writable paths a spec mount already serves
  std::vector<std::string> readonly_paths;
  std::string mount_label;
};

Plan MakePlan(const Policy& policy, const Spec& spec, const KubeIdentity& identity);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_POLICY_DECISION_H_
