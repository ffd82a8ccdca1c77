// oci-immutable-monitor's event loop: one thread, epoll over the listening
// socket, the runtimes' connections, the seccomp listener fds and a signalfd.
#ifndef OCI_IMMUTABLE_MONITOR_DAEMON_H_
#define OCI_IMMUTABLE_MONITOR_DAEMON_H_

#include "policy/policy.h"

namespace oci_immutable {

inline constexpr char kMonitorProgram[] = "oci-immutable-monitor";

// Serves policy.monitor->socket (or the socket systemd passed) until SIGTERM
// or SIGINT; SIGHUP reopens the log. Returns the exit status.
int RunMonitor(const Policy& policy);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_MONITOR_DAEMON_H_
