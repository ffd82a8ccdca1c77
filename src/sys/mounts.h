// The mount operations the hook performs, all on file descriptors (the new
// mount API), so that a path is resolved once and never again.
#ifndef OCI_IMMUTABLE_SYS_MOUNTS_H_
#define OCI_IMMUTABLE_SYS_MOUNTS_H_

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace oci_immutable {

struct MountFacts {
  int mount_id = 0;
  bool mount_root = false;  // fd is the root of a mount
  bool read_only = false;   // the mount is read-only (per-mount flag)
  int64_t fs_type = 0;      // statfs f_type
  bool directory = false;
  uid_t uid = 0;
  gid_t gid = 0;
  mode_t mode = 0;  // permission bits
};

Result<MountFacts> InspectMount(const UniqueFd& fd);

// Adds MOUNT_ATTR_RDONLY to the mount whose root fd is, leaving every other
// flag (and locked ones) as it is. recursive: to all mounts below too.
Status SetMountReadOnly(const UniqueFd& fd, bool recursive);

// Binds the tree at fd (recursively) onto itself read-only (recursively).
Status BindReadOnlyOntoItself(const UniqueFd& fd);

struct TmpfsOptions {
  std::string size;
  mode_t mode = 0755;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string selinux_context;  // the spec's mountLabel; empty for none
};

// A fresh nosuid,nodev tmpfs mounted on the directory fd.
Status MountTmpfs(const UniqueFd& target, const TmpfsOptions& options);

inline constexpr int64_t kTmpfsMagic = 0x01021994;

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_SYS_MOUNTS_H_
