// /proc/PID/status and /proc/PID/stat, parsed from text (proc(5)).
#ifndef OCI_IMMUTABLE_SCAN_STATUS_H_
#define OCI_IMMUTABLE_SCAN_STATUS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace oci_immutable {

enum class SeccompMode { kDisabled = 0, kStrict = 1, kFilter = 2 };
std::string_view SeccompModeName(SeccompMode mode);

struct ProcStatus {
  std::string name;                    // Name:
  int ppid = 0;                        // PPid:
  std::optional<bool> kernel_thread;   // Kthread: (Linux 6.?; absent before)
  uint64_t cap_effective = 0;          // CapEff: (hex mask)
  std::optional<SeccompMode> seccomp;  // Seccomp: (absent without CONFIG_SECCOMP)
  std::optional<int> seccomp_filters;  // Seccomp_filters: (Linux 5.9+)

  bool HasEffectiveCapability(int cap) const;
  bool privileged() const;  // CAP_SYS_ADMIN in CapEff
  // Seccomp: 2 with at least one filter (or an older kernel without the count).
  bool seccomp_filter_present() const;
};

// Parses status text. CapEff is required (a status without it is not one);
// malformed values of the fields above are errors naming the field.
Result<ProcStatus> ParseProcStatus(std::string_view text);

// A kernel thread: Kthread: 1, or (older kernels) kthreadd or one of its children.
bool IsKernelThread(const ProcStatus& status, int pid);

// Field 22 of /proc/PID/stat: the start time in clock ticks after boot.
Result<uint64_t> ParseStatStartTime(std::string_view stat_text);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_SCAN_STATUS_H_
