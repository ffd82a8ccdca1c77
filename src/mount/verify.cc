#include "mount/verify.h"

namespace oci_immutable {

Status VerifyMounts(const std::vector<MountEntry>& mounts,
                    const std::vector<MountExpectation>& expectations) {
  for (const MountExpectation& e : expectations) {
    const MountEntry* m = FindMountById(mounts, e.mount_id);
    if (m == nullptr) {
      return Error(e.path + ": mount " + std::to_string(e.mount_id) + " is not in the mount table");
    }
    switch (e.kind) {
      case MountExpectation::Kind::kReadOnly:
        if (!m->read_only()) {
          return Error(e.path + ": mount " + std::to_string(m->id) + " at " + m->target +
                       " is still writable (" + m->vfs_options + ")");
        }
        break;
      case MountExpectation::Kind::kWritableTmpfs:
        if (m->fstype != "tmpfs" || m->read_only()) {
          return Error(e.path + ": mount " + std::to_string(m->id) + " at " + m->target +
                       " is " + m->fstype + " (" + m->vfs_options + "), not a writable tmpfs");
        }
        break;
    }
  }
  return OkStatus();
}

}  // namespace oci_immutable
