// ParseMountinfo on arbitrary bytes: /proc/PID/mountinfo, which a container
// shapes through the names of its mount points.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mount/mountinfo.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto mounts = oci_immutable::ParseMountinfo(text);
  if (!mounts.ok()) return 0;
  for (const oci_immutable::MountEntry& m : *mounts) {
    // ParseMountinfo refuses entries without these (only the source may be empty).
    if (m.id <= 0 || m.root.empty() || m.target.empty() || m.fstype.empty()) __builtin_trap();
    if (m.vfs_options.empty() || m.fs_options.empty()) __builtin_trap();
    if (oci_immutable::FindMountById(*mounts, m.id) == nullptr) __builtin_trap();
    (void)m.read_only();
  }
  return 0;
}
