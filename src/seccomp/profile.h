// The seccomp rules that make a privileged container's mounts stick: the
// syscalls that change the mount table, reach a file system by handle, or
// change the running kernel are denied (EPERM). Merged into the spec's own
// profile without weakening it.
#ifndef OCI_IMMUTABLE_SECCOMP_PROFILE_H_
#define OCI_IMMUTABLE_SECCOMP_PROFILE_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "json/json.h"

namespace oci_immutable {

// mount, umount2, the new mount API, pivot_root, open_by_handle_at, module
// loading and kexec. Every name is checked against libseccomp.
const std::vector<std::string_view>& ImmutabilityDenyList();

struct SeccompMergeReport {
  std::vector<std::string> added;         // names our new rule denies
  std::vector<std::string> taken_from;    // names removed from rules that allowed them
};

// The listenerMetadata the wrapper writes next to listenerPath;
// oci-immutable-monitor takes only seccomp fds whose state carries it.
inline constexpr std::string_view kListenerMetadata = "oci-immutable";

struct DenyRuleOptions {
  // The policy's monitor socket ("": no monitor). A listenerPath equal to it
  // is ours: set with `notify`, removed without.
  std::string monitor_socket;
  // The deny list goes to SCMP_ACT_NOTIFY at monitor_socket (the monitor
  // answers EPERM and logs) instead of SCMP_ACT_ERRNO (EPERM). Names an
  // existing rule denies with ERRNO move to the notify rule, and a profile
  // whose default action denies gets the rule too, so that every attempt is
  // seen; names a rule kills or traps for stay with that rule. A spec that
  // names another listener is an error (a filter has one listener).
  bool notify = false;
};

// The spec's linux.seccomp (nullptr: none) with the deny list merged in.
// Existing rules that already deny a name unconditionally stay as they are;
// rules that allow one, or filter it by argument, lose that name; a profile
// whose default action denies needs no rule of ours. Errors: a malformed
// profile (unknown action, architecture libseccomp does not know), or a
// result libseccomp cannot compile (CompileProfile): what succeeds loads.
Result<Json> MergeDenyRules(const Json* existing, SeccompMergeReport* report = nullptr,
                            const DenyRuleOptions& options = {});

// True when the profile denies every name of the deny list (unconditionally,
// or by a default action that denies), or, with monitor_socket, sends them
// all to that listener as MergeDenyRules with `notify` would. The hook's
// privileged-unconfined check.
bool DeniesAll(const Json& seccomp, std::string_view monitor_socket = {});

// The OCI names of the native architecture and its compat ones
// (SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32 on x86-64).
std::vector<std::string> NativeArchitectures();

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_SECCOMP_PROFILE_H_
