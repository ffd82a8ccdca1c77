// ParseProcStatus and ParseStatStartTime on arbitrary bytes: /proc/PID/status
// and /proc/PID/stat of container processes, whose command name (Name:, the
// "(comm)" of stat) the container itself sets.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scan/status.h"

namespace oi = oci_immutable;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto status = oi::ParseProcStatus(text);
  if (status.ok()) {
    (void)status->privileged();
    (void)status->seccomp_filter_present();
    (void)oi::IsKernelThread(*status, 1);
  }
  (void)oi::ParseStatStartTime(text);
  return 0;
}
