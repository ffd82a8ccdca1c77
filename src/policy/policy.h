// The operator's policy (/etc/oci-immutable/policy.json), documented in
// config/policy.json and oci-immutable-policy(5).
#ifndef OCI_IMMUTABLE_POLICY_POLICY_H_
#define OCI_IMMUTABLE_POLICY_POLICY_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace oci_immutable {

enum class Mode { kEnforce, kAudit };
std::string_view ModeName(Mode mode);

struct WritablePath {
  std::string path;  // cleaned, absolute, never "/"
  std::string size;  // tmpfs size= value, e.g. "64m"
  friend bool operator==(const WritablePath&, const WritablePath&) = default;
};

// Matches Kubernetes identity taken only from the CRI-set annotations
// (see policy/identity.h); each present field is an fnmatch(3) pattern and all
// present fields must match.
struct Exemption {
  std::optional<std::string> namespace_pattern;
  std::optional<std::string> pod_pattern;
  std::optional<std::string> container_pattern;
};

// oci-immutable-monitor (oci-immutable-monitor(8)): with it, the wrapper sends
// the deny-list syscalls to the monitor (SCMP_ACT_NOTIFY), which denies and
// logs each attempt.
enum class MonitorFallback {
  kRefuse,  // the monitor does not answer at create: the create fails
  kErrno,   // plain SCMP_ACT_ERRNO rules and a "monitor-unavailable" notice
};
std::string_view MonitorFallbackName(MonitorFallback fallback);

struct MonitorConfig {
  std::string socket;  // absolute, cleaned, fits in sockaddr_un
  MonitorFallback fallback = MonitorFallback::kRefuse;
};

struct LogConfig {
  std::string file;  // empty: no file
  bool syslog = false;
};

struct Policy {
  Mode mode = Mode::kEnforce;
  LogConfig log;
  std::vector<std::string> readonly_paths;
  std::vector<WritablePath> writable_paths;
  std::vector<Exemption> exempt;
  // For oci-immutable-runtime: the real runtime and the hook it injects
  // (absolute paths; empty: found as documented in oci-immutable-runtime(8)).
  std::string runtime;
  std::string hook;
  // Present ("monitor" in the policy): the wrapper routes the deny rules to
  // oci-immutable-monitor at monitor->socket.
  std::optional<MonitorConfig> monitor;
};

inline constexpr std::string_view kDefaultLogFile = "/var/log/oci-immutable/violations.log";
inline constexpr std::string_view kDefaultTmpfsSize = "64m";
inline constexpr std::string_view kDefaultMonitorSocket = "/run/oci-immutable/monitor.sock";

// The built-in policy: enforce, log to kDefaultLogFile, the default kernel
// paths read-only, a tmpfs on /tmp, /var/tmp, /run and /var/run, no exemptions.
Policy DefaultPolicy();

// Parses policy text (JSON; // and /* */ comments allowed). Members absent
// from the text keep their DefaultPolicy() value. Unknown keys and wrong
// types are errors naming line, column and member.
Result<Policy> ParsePolicy(std::string_view text);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_POLICY_POLICY_H_
