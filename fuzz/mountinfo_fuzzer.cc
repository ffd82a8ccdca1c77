// ParseMountinfo on arbitrary bytes: /proc/PID/mountinfo through libmount.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mount/mountinfo.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto mounts = oci_immutable::ParseMountinfo(text);
  if (!mounts.ok()) return 0;
  for (const oci_immutable::MountEntry& m : *mounts) {
    if (m.id <= 0) __builtin_trap();  // ParseMountinfo refuses anything else
    if (oci_immutable::FindMountById(*mounts, m.id) == nullptr) __builtin_trap();
    (void)m.read_only();
  }
  return 0;
}
