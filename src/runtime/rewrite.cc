#include "runtime/rewrite.h"

#include <strings.h>

#include <initializer_list>

#include "json/fields.h"
#include "oci/spec.h"

namespace oci_immutable {
namespace {

// Go's encoding/json (runc) matches struct keys case-insensitively: it reads
// {"Readonly": false} as readonly, and of {"readonly": true, "Readonly":
// false} the last. crun and this wrapper read keys exactly. Any key that
// differs only in case from a field the runtime spec defines is refused, in
// every object whose fields the wrapper reads or writes.
Status CheckCanonical(const Json* obj, const std::string& where,
                      std::initializer_list<std::string_view> fields) {
  if (obj == nullptr || !obj->is_object()) return OkStatus();
  for (const Json::Member& m : obj->object()) {
    for (std::string_view field : fields) {
      if (m.first != field && m.first.size() == field.size() &&
          strncasecmp(m.first.data(), field.data(), field.size()) == 0) {
        return Error((where.empty() ? "" : where + ": ") + "member \"" + m.first +
                     "\" differs only in case from \"" + std::string(field) +
                     "\", which runc would read in its place");
      }
    }
  }
  return OkStatus();
}

Status CheckEach(const Json* arr, const std::string& where,
                 std::initializer_list<std::string_view> fields) {
  if (arr == nullptr || !arr->is_array()) return OkStatus();
  for (size_t i = 0; i < arr->array().size(); ++i) {
    OI_RETURN_IF_ERROR(
        CheckCanonical(&arr->array()[i], where + "[" + std::to_string(i) + "]", fields));
  }
  return OkStatus();
}

Status CheckSpecCanonical(const Json& doc) {
  OI_RETURN_IF_ERROR(CheckCanonical(&doc, "", {"ociVersion", "process", "root", "hostname",
                                               "domainname", "mounts", "hooks", "annotations",
                                               "linux"}));
  OI_RETURN_IF_ERROR(CheckCanonical(doc.Find("root"), "root", {"path", "readonly"}));
  OI_RETURN_IF_ERROR(CheckEach(doc.Find("mounts"), "mounts",
                               {"destination", "type", "source", "options"}));
  OI_RETURN_IF_ERROR(CheckCanonical(doc.Find("hooks"), "hooks",
                                    {"prestart", "createRuntime", "createContainer",
                                     "startContainer", "poststart", "poststop"}));
  const Json* process = doc.Find("process");
  OI_RETURN_IF_ERROR(CheckCanonical(process, "process", {"cwd", "capabilities"}));
  if (process != nullptr) {
    OI_RETURN_IF_ERROR(CheckCanonical(process->Find("capabilities"), "process.capabilities",
                                      {"bounding", "effective", "inheritable", "permitted",
                                       "ambient"}));
  }
  const Json* linux = doc.Find("linux");
  OI_RETURN_IF_ERROR(CheckCanonical(linux, "linux",
                                    {"namespaces", "uidMappings", "gidMappings", "seccomp",
                                     "maskedPaths", "readonlyPaths", "mountLabel"}));
  if (linux == nullptr) return OkStatus();
  const Json* seccomp = linux->Find("seccomp");
  OI_RETURN_IF_ERROR(CheckCanonical(seccomp, "linux.seccomp",
                                    {"defaultAction", "defaultErrnoRet", "architectures",
                                     "flags", "listenerPath", "listenerMetadata", "syscalls"}));
  if (seccomp != nullptr) {
    OI_RETURN_IF_ERROR(CheckEach(seccomp->Find("syscalls"), "linux.seccomp.syscalls",
                                 {"names", "action", "errnoRet", "args"}));
  }
  return OkStatus();
}

// The object member `key` of obj, created as an empty object/array if absent.
Json& Member(Json& obj, std::string_view key, Json empty) {
  Json* v = obj.Find(key);
  if (v == nullptr || v->is_null()) return obj.Set(key, std::move(empty));
  return *v;
}

bool AddReadonlyPaths(Json& linux, const std::vector<std::string>& paths) {
  Json& list = Member(linux, "readonlyPaths", Json::EmptyArray());
  bool changed = false;
  for (const std::string& p : paths) {
    bool present = false;
    for (const Json& existing : list.array()) present = present || existing.string_value() == p;
    if (!present) {
      list.array().push_back(Json::String(p));
      changed = true;
    }
  }
  return changed;
}

Json HookEntry(const HookInjection& hook) {
  Json entry = Json::EmptyObject();
  entry.Set("path", Json::String(hook.path));
  Json args = Json::EmptyArray();
  for (const std::string& a : hook.args) args.array().push_back(Json::String(a));
  entry.Set("args", std::move(args));
  entry.Set("timeout", Json::Int(10));
  return entry;
}

// Ours, once, last of createContainer: after CDI/GPU hooks that write into the rootfs.
// ReadSpec does not look at hooks, so their types are checked here.
Result<bool> InjectHook(Json& doc, const HookInjection& hook) {
  Json& hooks = Member(doc, "hooks", Json::EmptyObject());
  if (!hooks.is_object()) return TypeError("hooks", "object", hooks);
  Json& stage = Member(hooks, "createContainer", Json::EmptyArray());
  if (!stage.is_array()) return TypeError("hooks.createContainer", "array", stage);
  const Json wanted = HookEntry(hook);
  Json::Array& list = stage.array();
  if (!list.empty() && list.back() == wanted) {
    size_t ours = 0;
    for (const Json& h : list) {
      const Json* path = h.Find("path");
      if (path && path->is_string() && path->string_value() == hook.path) ++ours;
    }
    if (ours == 1) return false;  // already there, once, last
  }
  Json::Array kept;
  for (Json& h : list) {
    const Json* path = h.Find("path");
    if (path && path->is_string() && path->string_value() == hook.path) continue;
    kept.push_back(std::move(h));
  }
  kept.push_back(wanted);
  list = std::move(kept);
  return true;
}

// The merge options for the policy's monitor: notify when it answers, else
// the fallback (an error for "refuse", a notice for "errno").
Result<DenyRuleOptions> MonitorOptions(const Policy& policy, const MonitorProbe& probe,
                                       const Json* existing, RewriteResult& result) {
  DenyRuleOptions options;
  if (!policy.monitor) return options;
  options.monitor_socket = policy.monitor->socket;
  std::string why = probe.reachable ? "" : probe.error.empty() ? "not reachable" : probe.error;
  const Json* listener = existing != nullptr ? existing->Find("listenerPath") : nullptr;
  if (why.empty() && listener != nullptr && !(listener->is_string() &&
                                              listener->string_value() == options.monitor_socket)) {
    why = "the spec names another seccomp listener (linux.seccomp.listenerPath)";
  }
  if (why.empty()) {
    options.notify = true;
    result.monitored = true;
  } else if (policy.monitor->fallback == MonitorFallback::kRefuse) {
    return Error("oci-immutable-monitor at " + options.monitor_socket + ": " + why +
                 " (the policy's monitor.fallback is \"refuse\")");
  } else {
    result.notices.push_back({"monitor-unavailable", options.monitor_socket,
                              why + "; the deny rules return EPERM unlogged"});
  }
  return options;
}

}  // namespace

Result<RewriteResult> RewriteSpec(const Json& doc, const Policy& policy, const HookInjection& hook,
                                  const MonitorProbe& monitor) {
  OI_RETURN_IF_ERROR(CheckSpecCanonical(doc));
  OI_ASSIGN_OR_RETURN(Spec spec, ReadSpec(doc));
  RewriteResult result;
  result.violations =
      FindViolations(spec, policy.monitor ? policy.monitor->socket : std::string());
  result.identity = IdentityFromAnnotations(spec.annotations);
  result.exempt = IsExempt(policy.exempt, result.identity);
  result.spec = doc;
  if (policy.mode != Mode::kEnforce || result.exempt) return result;

  // Each step looks its members up afresh: adding a member to an object may
  // move the others.
  Json& out = result.spec;
  {
    Json& root = Member(out, "root", Json::EmptyObject());
    const Json* readonly = root.Find("readonly");
    if (readonly == nullptr || !readonly->is_bool() || !readonly->bool_value()) {
      root.Set("readonly", Json::Bool(true));
      result.changed = true;
    }
  }
  result.changed |= AddReadonlyPaths(Member(out, "linux", Json::EmptyObject()), policy.readonly_paths);
  OI_ASSIGN_OR_RETURN(bool hook_changed, InjectHook(out, hook));
  result.changed |= hook_changed;
  if (!spec.EscapeCapabilities().empty()) {
    Json& linux = Member(out, "linux", Json::EmptyObject());
    const Json* existing = linux.Find("seccomp");
    OI_ASSIGN_OR_RETURN(DenyRuleOptions options, MonitorOptions(policy, monitor, existing, result));
    // MergeDenyRules compiles its result with libseccomp: what it returns loads.
    OI_ASSIGN_OR_RETURN_CTX(Json merged, MergeDenyRules(existing, &result.seccomp, options),
                            "merging seccomp rules");
    if (existing == nullptr || !(*existing == merged)) {
      linux.Set("seccomp", std::move(merged));
      result.changed = true;
    }
  }
  return result;
}

}  // namespace oci_immutable
