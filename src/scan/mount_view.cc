#include "scan/mount_view.h"

#include <array>

#include "base/path.h"

namespace oci_immutable {
namespace {

constexpr std::array<std::string_view, 18> kKernelFsTypes = {
    "proc",        "sysfs", "cgroup",    "cgroup2", "securityfs", "debugfs",
    "tracefs",     "bpf",   "configfs",  "fusectl", "pstore",     "efivarfs",
    "binfmt_misc", "nsfs",  "selinuxfs", "autofs",  "rpc_pipefs", "hugetlbfs"};

bool IsKernelFsType(std::string_view fstype) {
  for (std::string_view k : kKernelFsTypes) {
    if (fstype == k) return true;
  }
  return false;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

const MountEntry* TopMountAt(const std::vector<MountEntry>& mounts, std::string_view target) {
  const MountEntry* top = nullptr;
  for (const MountEntry& m : mounts) {
    if (m.target != target) continue;
    bool covered = false;
    for (const MountEntry& other : mounts) {
      if (&other != &m && other.target == target && other.parent_id == m.id) {
        covered = true;
        break;
      }
    }
    if (!covered) top = &m;  // the last uncovered one wins a tie
  }
  return top;
}

const MountEntry* CoveringMount(const std::vector<MountEntry>& mounts, std::string_view path) {
  const std::string clean = CleanPath(path);
  const MountEntry* best = nullptr;
  size_t best_len = 0;
  for (const MountEntry& m : mounts) {
    if (!IsWithin(clean, m.target)) continue;
    if (best == nullptr || m.target.size() > best_len) {
      best = &m;
      best_len = m.target.size();
    }
  }
  return best ? TopMountAt(mounts, best->target) : nullptr;
}

std::string_view WritableMountKind(const MountEntry& mount) {
  const std::string_view fs = mount.fstype;
  if (fs == "devpts") return "devpts";
  if (fs == "mqueue") return "mqueue";
  if (fs == "devtmpfs") return "dev";
  if (IsKernelFsType(fs)) return "kernel";
  if (fs == "tmpfs") {
    if (mount.target == "/dev") return "dev";
    if (mount.target == "/dev/shm") return "shm";
    return "tmpfs";
  }
  return "volume";
}

bool IsIgnoredWritableMount(const MountEntry& mount) {
  if (mount.fstype == "proc" && mount.target == "/proc") return true;
  const bool under_kernel_fs = IsWithin(mount.target, "/proc") || IsWithin(mount.target, "/sys");
  return under_kernel_fs && (mount.fstype == "tmpfs" || mount.fstype == "devtmpfs") &&
         EndsWith(mount.root, "/null");
}

}  // namespace oci_immutable
