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

// The spec's linux.seccomp (nullptr: none) with the deny list merged in.
// Existing rules that already deny a name unconditionally stay as they are;
// rules that allow one, or filter it by argument, lose that name; a profile
// whose default action denies needs no rule of ours. Errors: a malformed
// profile (unknown action, architecture libseccomp does not know).
Result<Json> MergeDenyRules(const Json* existing, SeccompMergeReport* report = nullptr);

// True when the profile denies every name of the deny list (unconditionally,
// or by a default action that denies). The hook's privileged-unconfined check.
bool DeniesAll(const Json& seccomp);

// The OCI names of the native architecture and its compat ones
// (SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32 on x86-64).
std::vector<std::string> NativeArchitectures();

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_SECCOMP_PROFILE_H_
