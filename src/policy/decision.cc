#include "policy/decision.h"

#include <algorithm>

#include "base/path.h"
#include "seccomp/profile.h"

namespace oci_immutable {
namespace {

bool Listed(const std::vector<std::string>& paths, std::string_view path) {
  return std::find(paths.begin(), paths.end(), path) != paths.end();
}

bool MountsProc(const Spec& spec) {
  return std::any_of(spec.mounts.begin(), spec.mounts.end(), [](const SpecMount& m) {
    return m.destination == "/proc";  // a proc mount, or a bind of the host's
  });
}

// Why a writable path must not get a tmpfs: a spec mount is at it, above it
// (the path is in a volume already), or below it (a tmpfs would hide it).
std::string CoveredBy(const Spec& spec, const std::string& path) {
  for (const SpecMount& m : spec.mounts) {
    if (m.destination == path) {
      return "a " + (m.type.empty() ? "" : m.type + " ") + "mount of the spec is there";
    }
    if (IsWithin(path, m.destination) && m.destination != "/") {
      return "it lies in the spec's mount at " + m.destination;
    }
    if (IsWithin(m.destination, path)) {
      return "the spec mounts " + m.destination + " below it";
    }
  }
  return "";
}

}  // namespace

std::vector<Violation> FindViolations(const Spec& spec, std::string_view monitor_socket) {
  std::vector<Violation> out;
  if (!spec.root_readonly) {
    out.push_back({kRootfsWritable, "root.readonly is not true"});
  }
  const bool proc_sys_protected =
      Listed(spec.readonly_paths, "/proc/sys") || Listed(spec.readonly_paths, "/proc") ||
      Listed(spec.masked_paths, "/proc/sys") || Listed(spec.masked_paths, "/proc");
  if (MountsProc(spec) && !proc_sys_protected) {
    out.push_back({kProcSysWritable, "/proc/sys is in neither linux.readonlyPaths nor linux.maskedPaths"});
  }
  if (spec.IsPrivileged()) {
    out.push_back({kPrivileged, spec.bounding_capabilities
                                    ? "CAP_SYS_ADMIN is in the bounding set"
                                    : "the spec lists no capabilities, so the runtime keeps all"});
  }
  const std::vector<std::string> escape = spec.EscapeCapabilities();
  if (!escape.empty() && !DeniesAll(spec.seccomp, monitor_socket)) {
    std::string caps;
    for (const std::string& c : escape) caps += (caps.empty() ? "" : ", ") + c;
    out.push_back({kPrivilegedUnconfined,
                   "the container holds " + caps + " and no seccomp rule denies the mount, handle "
                   "and module syscalls, so it can undo read-only mounts"});
  }
  return out;
}

Plan MakePlan(const Policy& policy, const Spec& spec, const KubeIdentity& identity) {
  Plan plan;
  plan.exempt = IsExempt(policy.exempt, identity);
  plan.enforce = policy.mode == Mode::kEnforce && !plan.exempt;
  plan.mount_label = spec.mount_label;
  plan.readonly_paths = policy.readonly_paths;
  for (const WritablePath& wp : policy.writable_paths) {
    std::string reason = CoveredBy(spec, wp.path);
    if (reason.empty()) {
      plan.tmpfs.push_back({wp.path, wp.size});
    } else {
      plan.skipped.push_back({wp.path, std::move(reason)});
    }
  }
  return plan;
}

}  // namespace oci_immutable
