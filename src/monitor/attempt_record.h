// The record oci-immutable-monitor writes for each denied attempt, a line of
// the same log as the hook's and the wrapper's (log/record.h).
#ifndef OCI_IMMUTABLE_MONITOR_ATTEMPT_RECORD_H_
#define OCI_IMMUTABLE_MONITOR_ATTEMPT_RECORD_H_

#include <time.h>

#include <string>
#include <string_view>

#include "monitor/syscall_args.h"
#include "policy/identity.h"

namespace oci_immutable {

inline constexpr std::string_view kActionDenied = "denied";

// Who made the attempt: the container the seccomp fd came with, and the
// process (host pid) the kernel named.
struct AttemptOrigin {
  std::string container_id;
  KubeIdentity identity;
  int pid = 0;
};

// {"time", "source": "monitor", "container_id", "violation", "action":
// "denied", "syscall", "target", "mount_source", "fstype", "flags", "fd",
// "pid", "namespace", "pod", "container"}; members the attempt lacks are
// left out. A line, ending in '\n'.
std::string AttemptRecord(const AttemptOrigin& origin, const timespec& now, const Attempt& attempt);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_MONITOR_ATTEMPT_RECORD_H_
