// The message an OCI runtime sends a seccomp agent with the listener fd
// (runtime-spec's ContainerProcessState): runc and crun send it as one JSON
// document with the fd attached (SCM_RIGHTS). Pure, and safe on hostile
// input: bounded size and depth, every type checked.
#ifndef OCI_IMMUTABLE_MONITOR_PROCESS_STATE_H_
#define OCI_IMMUTABLE_MONITOR_PROCESS_STATE_H_

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace oci_immutable {

// The name runtime-spec gives the seccomp listener fd in "fds".
inline constexpr std::string_view kSeccompFdName = "seccompFd";
inline constexpr size_t kMaxProcessStateBytes = 64 * 1024;
inline constexpr size_t kMaxProcessStateFds = 4;
inline constexpr size_t kMaxContainerIdBytes = 1024;
inline constexpr size_t kMaxMetadataBytes = 1024;

struct ProcessState {
  std::string oci_version;
  std::vector<std::string> fds;  // names of the attached fds, in order
  size_t seccomp_fd_index = 0;   // where kSeccompFdName is in fds
  int pid = 0;                   // the process (host pid namespace); 0: not given (crun exec)
  std::string metadata;          // linux.seccomp.listenerMetadata
  // From "state" (runtime-spec state.md).
  std::string container_id;
  std::string status;
  std::string bundle;
  std::map<std::string, std::string> annotations;
};

// Parses the document. Requires: an object, "fds" (1 to kMaxProcessStateFds
// strings, kSeccompFdName exactly once), "pid" >= 0, "state" with a non-empty
// "id" of at most kMaxContainerIdBytes. "metadata" and the other state
// members are optional; unknown members are ignored (later spec versions).
Result<ProcessState> ParseProcessState(std::string_view text);

// True when `text` is one whole JSON document within the same limits: a
// state that does not parse is then wrong, not unfinished.
bool IsJsonDocument(std::string_view text);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_MONITOR_PROCESS_STATE_H_
