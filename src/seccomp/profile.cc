#include "seccomp/profile.h"

#include <seccomp.h>

#include <algorithm>
#include <set>

#include "json/fields.h"
#include "seccomp/actions.h"
#include "seccomp/filter.h"

namespace oci_immutable {
namespace {

constexpr std::string_view kAllow = "SCMP_ACT_ALLOW";
constexpr std::string_view kErrno = "SCMP_ACT_ERRNO";
constexpr std::string_view kNotify = "SCMP_ACT_NOTIFY";

bool InDenyList(std::string_view name) {
  const auto& list = ImmutabilityDenyList();
  return std::find(list.begin(), list.end(), name) != list.end();
}

bool HasArgs(const Json& rule) {
  const Json* args = rule.Find("args");
  return args != nullptr && args->is_array() && !args->array().empty();
}

Result<bool> DefaultDenies(const Json& profile) {
  OI_ASSIGN_OR_RETURN(auto action, OptString(profile, "defaultAction", "linux.seccomp"));
  if (!action) return Error("linux.seccomp.defaultAction: missing");
  std::optional<bool> denies = ActionDenies(*action);
  if (!denies) return Error("linux.seccomp.defaultAction: unknown action " + *action);
  return *denies;
}

Status CheckArchitectures(const Json& profile) {
  OI_ASSIGN_OR_RETURN(auto arches, OptStringArray(profile, "architectures", "linux.seccomp"));
  for (const std::string& a : arches) {
    if (ArchToken(a) == 0) return Error("linux.seccomp.architectures: unknown " + a);
  }
  return OkStatus();
}

// listenerPath and listenerMetadata: ours set for notify, ours dropped
// without (a listener with nothing to notify would still be connected to).
Status SetListener(Json& profile, const DenyRuleOptions& options) {
  OI_ASSIGN_OR_RETURN(auto path, OptString(profile, "listenerPath", "linux.seccomp"));
  const bool ours = path && !options.monitor_socket.empty() && *path == options.monitor_socket;
  if (options.notify) {
    if (path && !ours) {
      return Error("linux.seccomp.listenerPath: the spec already names the listener " + *path);
    }
    profile.Set("listenerPath", Json::String(options.monitor_socket));
    profile.Set("listenerMetadata", Json::String(std::string(kListenerMetadata)));
  } else if (ours) {
    profile.Erase("listenerPath");
    profile.Erase("listenerMetadata");
  }
  return OkStatus();
}

// Removes deny-list names from `rule`; returns what it removed.
std::vector<std::string> TakeDenyListNames(Json& rule) {
  std::vector<std::string> taken;
  Json* names = rule.Find("names");
  if (names == nullptr || !names->is_array()) return taken;
  Json::Array kept;
  for (Json& n : names->array()) {
    if (n.is_string() && InDenyList(n.string_value())) {
      taken.push_back(n.string_value());
    } else {
      kept.push_back(std::move(n));
    }
  }
  names->array() = std::move(kept);
  return taken;
}

}  // namespace

const std::vector<std::string_view>& ImmutabilityDenyList() {
  static const std::vector<std::string_view> kList = {
      // The mount table, old API and new.
      "mount", "umount", "umount2", "pivot_root", "move_mount", "open_tree", "fsopen",
      "fsconfig", "fsmount", "fspick", "mount_setattr",
      // Files reached by handle, around every mount ("shocker").
      "open_by_handle_at",
      // The running kernel itself.
      "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
  };
  return kList;
}

std::vector<std::string> NativeArchitectures() {
  switch (seccomp_arch_native()) {
    case SCMP_ARCH_X86_64: return {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
    case SCMP_ARCH_AARCH64: return {"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"};
    case SCMP_ARCH_PPC64LE: return {"SCMP_ARCH_PPC64LE"};
    case SCMP_ARCH_S390X: return {"SCMP_ARCH_S390X", "SCMP_ARCH_S390"};
    case SCMP_ARCH_RISCV64: return {"SCMP_ARCH_RISCV64"};
    default: return {};
  }
}

namespace {

// MergeDenyRules without the libseccomp check.
Result<Json> Merge(const Json* existing, SeccompMergeReport& out, const DenyRuleOptions& options) {
  if (options.notify && options.monitor_socket.empty()) {
    return Error("seccomp notify rules need the monitor's socket");
  }
  Json profile;
  if (existing == nullptr || existing->is_null()) {
    profile = Json::EmptyObject();
    profile.Set("defaultAction", Json::String(std::string(kAllow)));
    Json arches = Json::EmptyArray();
    for (std::string& a : NativeArchitectures()) arches.array().push_back(Json::String(a));
    profile.Set("architectures", std::move(arches));
    profile.Set("syscalls", Json::EmptyArray());
  } else {
    if (!existing->is_object()) return TypeError("linux.seccomp", "object", *existing);
    profile = *existing;
  }
  OI_ASSIGN_OR_RETURN(bool default_denies, DefaultDenies(profile));
  OI_RETURN_IF_ERROR(CheckArchitectures(profile));
  OI_RETURN_IF_ERROR(SetListener(profile, options));
  Json* syscalls = profile.Find("syscalls");
  if (syscalls == nullptr || syscalls->is_null()) {
    syscalls = &profile.Set("syscalls", Json::EmptyArray());
  }
  if (!syscalls->is_array()) return TypeError("linux.seccomp.syscalls", "array", *syscalls);

  std::set<std::string> already_denied;
  Json::Array rules;
  for (size_t i = 0; i < syscalls->array().size(); ++i) {
    Json& rule = syscalls->array()[i];
    const std::string where = "linux.seccomp.syscalls[" + std::to_string(i) + "]";
    if (!rule.is_object()) return TypeError(where, "object", rule);
    OI_ASSIGN_OR_RETURN(auto action, OptString(rule, "action", where));
    OI_ASSIGN_OR_RETURN(auto names, OptStringArray(rule, "names", where));
    std::optional<bool> denies = ActionDenies(action.value_or(""));
    if (!denies) return Error(where + ".action: unknown action " + action.value_or("(none)"));
    // With notify, ERRNO rules give their names to the notify rule, and
    // notify rules (the listener being ours) keep theirs.
    const bool keeps = options.notify ? (*denies && *action != kErrno) || *action == kNotify
                                      : *denies;
    if (keeps && !HasArgs(rule)) {
      for (const std::string& n : names) {
        if (InDenyList(n)) already_denied.insert(n);
      }
    } else {
      for (std::string& n : TakeDenyListNames(rule)) out.taken_from.push_back(std::move(n));
      const Json* left = rule.Find("names");
      if (left != nullptr && left->is_array() && left->array().empty()) continue;  // emptied
    }
    rules.push_back(std::move(rule));
  }
  if (!default_denies || options.notify) {
    Json names = Json::EmptyArray();
    for (std::string_view n : ImmutabilityDenyList()) {
      if (seccomp_syscall_resolve_name(std::string(n).c_str()) == __NR_SCMP_ERROR) {
        return Error("libseccomp does not know the syscall " + std::string(n));
      }
      if (already_denied.count(std::string(n)) != 0) continue;
      names.array().push_back(Json::String(std::string(n)));
      out.added.emplace_back(n);
    }
    if (!names.array().empty()) {
      Json rule = Json::EmptyObject();
      rule.Set("names", std::move(names));
      if (options.notify) {
        rule.Set("action", Json::String(std::string(kNotify)));
      } else {
        rule.Set("action", Json::String(std::string(kErrno)));
        rule.Set("errnoRet", Json::Int(EPERM));
      }
      rules.push_back(std::move(rule));
    }
  }
  syscalls->array() = std::move(rules);
  return profile;
}

}  // namespace

Result<Json> MergeDenyRules(const Json* existing, SeccompMergeReport* report,
                            const DenyRuleOptions& options) {
  SeccompMergeReport local;
  OI_ASSIGN_OR_RETURN(Json profile, Merge(existing, report ? *report : local, options));
  // What libseccomp refuses, runc and crun refuse to load: a malformed profile
  // too (e.g. the same argument rule twice for a syscall that x86 multiplexes
  // through socketcall, which only fails for SCMP_ARCH_X86).
  Result<SeccompFilter> compiled = CompileProfile(profile);
  if (!compiled.ok()) return std::move(compiled).error();
  return profile;
}

bool DeniesAll(const Json& seccomp, std::string_view monitor_socket) {
  if (!seccomp.is_object()) return false;
  // The merge without the libseccomp check: a profile libseccomp refuses
  // never loads (runc and crun refuse the container), and compiling a
  // RuntimeDefault-sized profile is most of the hook's own time (bench/).
  // Nothing to add and nothing to take away: the profile denies it all.
  auto unchanged = [&seccomp](const DenyRuleOptions& options) {
    SeccompMergeReport report;
    Result<Json> merged = Merge(&seccomp, report, options);
    return merged.ok() && report.added.empty() && report.taken_from.empty();
  };
  if (unchanged({})) return true;
  // Or every name goes to the policy's monitor, which denies it.
  const Json* listener = seccomp.Find("listenerPath");
  return !monitor_socket.empty() && listener != nullptr && listener->is_string() &&
         listener->string_value() == monitor_socket &&
         unchanged({std::string(monitor_socket), true});
}

}  // namespace oci_immutable
