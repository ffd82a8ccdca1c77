// One seccomp user notification, answered: received from the listener fd,
// decoded (syscall name for the notification's architecture, path arguments
// read from /proc/PID/mem), checked still valid, answered EPERM. The
// syscall is never continued.
#ifndef OCI_IMMUTABLE_MONITOR_NOTIFIER_H_
#define OCI_IMMUTABLE_MONITOR_NOTIFIER_H_

#include <optional>

#include "base/result.h"
#include "monitor/syscall_args.h"

struct seccomp_notif;
struct seccomp_notif_resp;

namespace oci_immutable {

struct DeniedAttempt {
  Attempt attempt;
  int pid = 0;  // in the monitor's pid namespace
};

class Notifier {
 public:
  static Result<Notifier> Create();
  Notifier(Notifier&& other) noexcept;
  Notifier& operator=(Notifier&&) = delete;
  ~Notifier();

  // Answers the notification pending on `listener_fd` with EPERM. The
  // attempt when the answer reached the process; nullopt when there was
  // none to answer (the process was killed or interrupted, and a restarted
  // syscall comes as a new notification), so each attempt is reported once.
  // Never blocks: nothing pending is nullopt. An error means the fd is unusable.
  Result<std::optional<DeniedAttempt>> DenyOne(int listener_fd);

 private:
  Notifier(seccomp_notif* req, seccomp_notif_resp* resp) : req_(req), resp_(resp) {}
  seccomp_notif* req_;
  seccomp_notif_resp* resp_;
};

// Reads a NUL-terminated string of at most kMaxArgString bytes at `address`
// through an open /proc/PID/mem, one page at a time (a string may end just
// before an unmapped page); nullopt when unreadable or unterminated.
std::optional<std::string> ReadRemoteString(int mem_fd, uint64_t address);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_MONITOR_NOTIFIER_H_
