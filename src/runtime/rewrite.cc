#include "runtime/rewrite.h"

#include <strings.h>

#include "oci/spec.h"
#include "seccomp/filter.h"

namespace oci_immutable {
namespace {

// Go's encoding/json (runc) matches struct keys case-insensitively, so
// {"readonly":true,"Readonly":false} reads as false there. Refuse such objects.
Status CheckUnambiguous(const Json* obj, const std::string& where) {
  if (obj == nullptr || !obj->is_object()) return OkStatus();
  const Json::Object& members = obj->object();
  for (size_t i = 0; i < members.size(); ++i) {
    for (size_t j = i + 1; j < members.size(); ++j) {
      if (strcasecmp(members[i].first.c_str(), members[j].first.c_str()) == 0) {
        return Error((where.empty() ? "" : where + ": ") + "members \"" + members[i].first +
                     "\" and \"" + members[j].first + "\" differ only in case");
      }
    }
  }
  return OkStatus();
}

Status CheckSpecUnambiguous(const Json& doc) {
  OI_RETURN_IF_ERROR(CheckUnambiguous(&doc, ""));
  OI_RETURN_IF_ERROR(CheckUnambiguous(doc.Find("root"), "root"));
  OI_RETURN_IF_ERROR(CheckUnambiguous(doc.Find("hooks"), "hooks"));
  const Json* process = doc.Find("process");
  OI_RETURN_IF_ERROR(CheckUnambiguous(process, "process"));
  if (process) OI_RETURN_IF_ERROR(CheckUnambiguous(process->Find("capabilities"), "process.capabilities"));
  const Json* linux = doc.Find("linux");
  OI_RETURN_IF_ERROR(CheckUnambiguous(linux, "linux"));
  if (linux) OI_RETURN_IF_ERROR(CheckUnambiguous(linux->Find("seccomp"), "linux.seccomp"));
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
bool InjectHook(Json& doc, const HookInjection& hook) {
  Json& hooks = Member(doc, "hooks", Json::EmptyObject());
  Json& stage = Member(hooks, "createContainer", Json::EmptyArray());
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

}  // namespace

Result<RewriteResult> RewriteSpec(const Json& doc, const Policy& policy, const HookInjection& hook) {
  OI_RETURN_IF_ERROR(CheckSpecUnambiguous(doc));
  OI_ASSIGN_OR_RETURN(Spec spec, ReadSpec(doc));
  RewriteResult result;
  result.violations = FindViolations(spec);
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
  result.changed |= InjectHook(out, hook);
  if (spec.IsPrivileged()) {
    Json& linux = Member(out, "linux", Json::EmptyObject());
    const Json* existing = linux.Find("seccomp");
    OI_ASSIGN_OR_RETURN_CTX(Json merged, MergeDenyRules(existing, &result.seccomp),
                            "merging seccomp rules");
    OI_RETURN_IF_ERROR_CTX(CompileProfile(merged), "checking the merged seccomp profile");
    if (existing == nullptr || !(*existing == merged)) {
      linux.Set("seccomp", std::move(merged));
      result.changed = true;
    }
  }
  return result;
}

}  // namespace oci_immutable
