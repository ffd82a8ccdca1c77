// A runtime's connection to oci-immutable-monitor, from accept to the
// seccomp fd it hands over: bounded reads, at most kMaxProcessStateFds
// descriptors, the state document parsed, the fd checked to be a seccomp
// listener and the metadata to be the wrapper's. Nothing a client sends
// reaches the log: records come from kernel notifications only.
#ifndef OCI_IMMUTABLE_MONITOR_CLIENT_H_
#define OCI_IMMUTABLE_MONITOR_CLIENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/unique_fd.h"
#include "monitor/attempt_record.h"

namespace oci_immutable {

struct PendingClient {
  UniqueFd fd;
  int64_t deadline_ms = 0;  // CLOCK_MONOTONIC
  std::string buffer;
  std::vector<UniqueFd> fds;
  int parse_attempts = 0;
};

// A seccomp listener fd and the container it came with.
struct WatchedListener {
  UniqueFd fd;
  AttemptOrigin origin;  // origin.pid: the container process named in the state
};

struct ClientStep {
  enum Kind { kWait, kDone, kReject } kind = kWait;
  std::string why;  // kReject: for the operator's eyes (stderr), never the log; "" quiet
  std::optional<WatchedListener> listener;  // kDone
};

// Reads what the client has sent so far (call when it is readable).
ClientStep ReadClient(PendingClient& client);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_MONITOR_CLIENT_H_
