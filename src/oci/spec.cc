#include "oci/spec.h"

#include <algorithm>

#include "base/path.h"
#include "json/fields.h"
#include "oci/capabilities.h"

namespace oci_immutable {
namespace {

Result<std::vector<SpecMount>> ReadMounts(const Json& doc) {
  OI_ASSIGN_OR_RETURN(const Json* mounts, OptArray(doc, "mounts", ""));
  std::vector<SpecMount> out;
  if (mounts == nullptr) return out;
  for (size_t i = 0; i < mounts->array().size(); ++i) {
    const Json& m = mounts->array()[i];
    const std::string where = "mounts[" + std::to_string(i) + "]";
    if (!m.is_object()) return TypeError(where, "object", m);
    OI_ASSIGN_OR_RETURN(auto destination, OptString(m, "destination", where));
    OI_ASSIGN_OR_RETURN(auto type, OptString(m, "type", where));
    OI_ASSIGN_OR_RETURN(auto source, OptString(m, "source", where));
    OI_ASSIGN_OR_RETURN(auto options, OptStringArray(m, "options", where));
    if (!destination || destination->empty()) return Error(where + ": no destination");
    out.push_back(SpecMount{CleanPath(JoinPath("/", *destination)), type.value_or(""),
                            source.value_or(""), std::move(options)});
  }
  return out;
}

std::vector<std::string> Cleaned(std::vector<std::string> paths) {
  for (std::string& p : paths) p = CleanPath(JoinPath("/", p));
  return paths;
}

Status ReadProcess(const Json& doc, Spec& spec) {
  OI_ASSIGN_OR_RETURN(const Json* process, OptObject(doc, "process", ""));
  if (process == nullptr) return OkStatus();
  OI_ASSIGN_OR_RETURN(auto cwd, OptString(*process, "cwd", "process"));
  if (cwd) spec.cwd = CleanPath(JoinPath("/", *cwd));
  OI_ASSIGN_OR_RETURN(const Json* caps, OptObject(*process, "capabilities", "process"));
  if (caps == nullptr) return OkStatus();
  OI_ASSIGN_OR_RETURN(spec.bounding_capabilities,
                      OptStringArray(*caps, "bounding", "process.capabilities"));
  return OkStatus();
}

Status ReadLinux(const Json& doc, Spec& spec) {
  OI_ASSIGN_OR_RETURN(const Json* linux, OptObject(doc, "linux", ""));
  if (linux == nullptr) return OkStatus();
  OI_ASSIGN_OR_RETURN(auto ro, OptStringArray(*linux, "readonlyPaths", "linux"));
  OI_ASSIGN_OR_RETURN(auto masked, OptStringArray(*linux, "maskedPaths", "linux"));
  spec.readonly_paths = Cleaned(std::move(ro));
  spec.masked_paths = Cleaned(std::move(masked));
  OI_ASSIGN_OR_RETURN(auto label, OptString(*linux, "mountLabel", "linux"));
  spec.mount_label = label.value_or("");
  OI_ASSIGN_OR_RETURN(const Json* uid_mappings, OptArray(*linux, "uidMappings", "linux"));
  spec.has_uid_mappings = uid_mappings != nullptr && !uid_mappings->array().empty();
  OI_ASSIGN_OR_RETURN(const Json* seccomp, OptObject(*linux, "seccomp", "linux"));
  spec.has_seccomp = seccomp != nullptr;
  if (seccomp != nullptr) spec.seccomp = *seccomp;
  OI_ASSIGN_OR_RETURN(const Json* namespaces, OptArray(*linux, "namespaces", "linux"));
  if (namespaces != nullptr) {
    for (size_t i = 0; i < namespaces->array().size(); ++i) {
      const Json& ns = namespaces->array()[i];
      const std::string where = "linux.namespaces[" + std::to_string(i) + "]";
      if (!ns.is_object()) return TypeError(where, "object", ns);
      OI_ASSIGN_OR_RETURN(auto type, OptString(ns, "type", where));
      if (!type) return Error(where + ": no type");
      spec.namespaces.push_back(std::move(*type));
    }
  }
  return OkStatus();
}

}  // namespace

bool Spec::HasNamespace(std::string_view type) const {
  return std::find(namespaces.begin(), namespaces.end(), type) != namespaces.end();
}

bool Spec::IsPrivileged() const {
  if (!bounding_capabilities) return true;
  return std::any_of(bounding_capabilities->begin(), bounding_capabilities->end(),
                     [](const std::string& name) { return IsCapSysAdmin(name); });
}

std::vector<std::string> Spec::EscapeCapabilities() const {
  static const char* const kEscape[] = {"CAP_SYS_ADMIN", "CAP_DAC_READ_SEARCH", "CAP_SYS_MODULE",
                                        "CAP_SYS_BOOT"};
  std::vector<std::string> out;
  for (const char* name : kEscape) {
    const std::optional<int> wanted = CapabilityNumber(name);
    const bool held =
        !bounding_capabilities ||
        std::any_of(bounding_capabilities->begin(), bounding_capabilities->end(),
                    [&](const std::string& c) { return CapabilityNumber(c) == wanted; });
    if (held) out.emplace_back(name);
  }
  return out;
}

Result<Spec> ReadSpec(const Json& doc) {
  if (!doc.is_object()) return TypeError("config", "object", doc);
  Spec spec;
  OI_ASSIGN_OR_RETURN(const Json* root, OptObject(doc, "root", ""));
  if (root == nullptr) return Error("root: missing");
  OI_ASSIGN_OR_RETURN(auto path, OptString(*root, "path", "root"));
  OI_ASSIGN_OR_RETURN(auto readonly, OptBool(*root, "readonly", "root"));
  if (!path || path->empty()) return Error("root.path: missing");
  spec.root_path = std::move(*path);
  spec.root_readonly = readonly.value_or(false);
  OI_ASSIGN_OR_RETURN(spec.mounts, ReadMounts(doc));
  OI_RETURN_IF_ERROR(ReadProcess(doc, spec));
  OI_RETURN_IF_ERROR(ReadLinux(doc, spec));
  OI_ASSIGN_OR_RETURN(spec.annotations, OptStringMap(doc, "annotations", ""));
  return spec;
}

Result<Spec> ParseSpec(std::string_view text) {
  OI_ASSIGN_OR_RETURN(Json doc, ParseJson(text, kSpecLimits));
  return ReadSpec(doc);
}

}  // namespace oci_immutable
