// The spec rewrite the wrapper does on create and run: pure, Json in, Json
// out. Every member it does not own survives unchanged.
#ifndef OCI_IMMUTABLE_RUNTIME_REWRITE_H_
#define OCI_IMMUTABLE_RUNTIME_REWRITE_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "json/json.h"
#include "policy/decision.h"
#include "policy/identity.h"
#include "policy/policy.h"
#include "seccomp/profile.h"

namespace oci_immutable {

struct HookInjection {
  std::string path;               // absolute path of oci-immutable-hook
  std::vector<std::string> args;  // argv, args[0] included
};

// What the wrapper found out about the policy's monitor before the rewrite
// (ignored when the policy has none).
struct MonitorProbe {
  bool reachable = false;
  std::string error;  // why not, when not reachable
};

// A notice record the wrapper writes (log/record.h NoticeRecord).
struct RewriteNotice {
  std::string_view notice;  // "monitor-unavailable"
  std::string path;
  std::string reason;
};

struct RewriteResult {
  Json spec;
  std::vector<Violation> violations;  // found in the spec as it came
  KubeIdentity identity;
  bool exempt = false;
  bool changed = false;  // false: write nothing (audit, exempt, or already done)
  SeccompMergeReport seccomp;
  bool monitored = false;  // the deny rules go to the policy's monitor
  std::vector<RewriteNotice> notices;
};

// root.readonly = true; the policy's readonly_paths added to
// linux.readonlyPaths; the hook made the last createContainer hook (once);
// for containers holding a capability that can undo mounts (see
// Spec::EscapeCapabilities) the deny rules merged into linux.seccomp: sent to
// the policy's monitor (SCMP_ACT_NOTIFY) when it is reachable; else, by
// monitor.fallback, refused ("refuse") or plain ERRNO rules with a
// "monitor-unavailable" notice ("errno"). Refuses
// a spec with a key that differs only in letter case from a spec field (Go's
// JSON decoder in runc would read it as that field).
Result<RewriteResult> RewriteSpec(const Json& doc, const Policy& policy, const HookInjection& hook,
                                  const MonitorProbe& monitor = {});

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_RUNTIME_REWRITE_H_
