// Questions about one process's mount table (its /proc/PID/mountinfo, where
// mount points are paths as seen from that process's root).
#ifndef OCI_IMMUTABLE_SCAN_MOUNT_VIEW_H_
#define OCI_IMMUTABLE_SCAN_MOUNT_VIEW_H_

#include <string>
#include <string_view>
#include <vector>

#include "mount/mountinfo.h"

namespace oci_immutable {

// The visible mount at exactly `target`: when several are stacked there, the
// one nothing else at `target` is mounted on (the last listed on a tie).
// nullptr when nothing is mounted at target.
const MountEntry* TopMountAt(const std::vector<MountEntry>& mounts, std::string_view target);

// The mount that serves `path`: the visible mount at the longest mount point
// that is `path` or one of its ancestors. nullptr when none is (no "/").
const MountEntry* CoveringMount(const std::vector<MountEntry>& mounts, std::string_view path);

// What a writable mount is, for the report. Fixed names (documented in
// docs/scan.md): "volume", "tmpfs", "shm", "dev", "devpts", "mqueue", "kernel".
std::string_view WritableMountKind(const MountEntry& mount);

// Writable mounts that need no listing: the container's own procfs at /proc
// (its dangerous parts are the protected paths) and /dev/null binds that mask
// files below /proc and /sys (runc's and crun's maskedPaths).
bool IsIgnoredWritableMount(const MountEntry& mount);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_SCAN_MOUNT_VIEW_H_
