// Applies a Plan inside the container's mount namespace, before pivot_root:
// tmpfs on the writable paths, the rootfs mount read-only, each protected
// kernel path bound read-only onto itself; then reads the mount table back.
#ifndef OCI_IMMUTABLE_HOOK_ENFORCER_H_
#define OCI_IMMUTABLE_HOOK_ENFORCER_H_

#include <string>
#include <vector>

#include "base/result.h"
#include "policy/decision.h"

namespace oci_immutable {

struct EnforceTarget {
  std::string rootfs;  // absolute path of the rootfs as the namespace sees it
  std::string cwd;     // process.cwd, created first if missing
};

struct EnforceReport {
  std::vector<SkippedPath> skipped;  // paths absent in the image, and why
  int mounts_changed = 0;            // 0 on a second run: idempotent
};

// The caller is already in the container's mount namespace. Every path below
// the rootfs is resolved in it (RESOLVE_IN_ROOT). Idempotent.
Result<EnforceReport> Enforce(const Plan& plan, const EnforceTarget& target);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_HOOK_ENFORCER_H_
