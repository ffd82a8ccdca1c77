// The verdict on one running container: its mount table, its status and the
// policy's protected paths in, facts and reasons out. Pure.
#ifndef OCI_IMMUTABLE_SCAN_ASSESS_H_
#define OCI_IMMUTABLE_SCAN_ASSESS_H_

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "mount/mountinfo.h"
#include "scan/status.h"

namespace oci_immutable {

struct ProtectedPathInput {
  std::string path;     // a policy readonly_paths entry
  bool present = true;  // the path exists in the container
};

struct ScanInput {
  std::vector<MountEntry> mounts;  // the container process's mountinfo
  ProcStatus status;               // its /proc/PID/status
  // The mount id of the process's root (statx of /proc/PID/root); 0 when
  // unknown: then the visible mount at "/" is taken.
  int root_mount_id = 0;
  std::vector<ProtectedPathInput> protected_paths;
};

struct RootfsFacts {
  bool read_only = false;
  int mount_id = 0;
  std::string fstype;
};

struct ProtectedPathFacts {
  std::string path;
  bool present = false;
  bool read_only = false;  // of the covering mount (present or not)
  int mount_id = 0;        // the covering mount
};

struct WritableMount {
  std::string target;
  std::string fstype;
  std::string kind;  // WritableMountKind()
  int mount_id = 0;
};

struct Assessment {
  RootfsFacts rootfs;
  std::vector<ProtectedPathFacts> protected_paths;
  std::vector<WritableMount> writable_mounts;
  bool only_volumes_and_tmpfs = true;  // no writable mount of kind "kernel"
  bool privileged = false;             // CAP_SYS_ADMIN in CapEff
  std::optional<SeccompMode> seccomp_mode;
  std::optional<int> seccomp_filters;
  bool seccomp_filter_present = false;
  // rootfs read-only, every present protected path read-only, and not
  // privileged or confined by a seccomp filter.
  bool immutable = false;
  std::vector<std::string> reasons;  // why not immutable, in a fixed order
};

// Fixed reason texts (docs/scan.md); a protected path's reason is
// "<path> writable".
inline constexpr char kReasonRootfsWritable[] = "rootfs writable";
inline constexpr char kReasonPrivilegedUnconfined[] =
    "privileged (CAP_SYS_ADMIN) without a seccomp filter";

// An error only when the table has no root mount (a chroot, not a container).
Result<Assessment> Assess(const ScanInput& input);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_SCAN_ASSESS_H_
