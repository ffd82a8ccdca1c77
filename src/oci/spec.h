// The parts of an OCI runtime spec (config.json) that immutability depends on.
// The document itself stays a Json (the wrapper edits it); this is a view.
#ifndef OCI_IMMUTABLE_OCI_SPEC_H_
#define OCI_IMMUTABLE_OCI_SPEC_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "json/json.h"

namespace oci_immutable {

struct SpecMount {
  std::string destination;  // cleaned, absolute
  std::string type;
  std::string source;
  std::vector<std::string> options;
};

struct Spec {
  std::string root_path;  // as written; relative means relative to the bundle
  bool root_readonly = false;
  std::string cwd = "/";  // process.cwd, cleaned; the runtimes create it after the hooks
  std::vector<SpecMount> mounts;
  std::vector<std::string> readonly_paths;  // cleaned
  std::vector<std::string> masked_paths;    // cleaned
  // process.capabilities.bounding; nullopt when the spec has no capabilities
  // object at all, which runc and crun take as "keep every capability".
  std::optional<std::vector<std::string>> bounding_capabilities;
  std::vector<std::string> namespaces;  // linux.namespaces[].type
  bool has_uid_mappings = false;
  std::string mount_label;
  bool has_seccomp = false;
  Json seccomp;  // linux.seccomp as written; null when absent
  std::map<std::string, std::string> annotations;

  bool HasNamespace(std::string_view type) const;
  // CAP_SYS_ADMIN in the bounding set (or no capability list at all): what
  // NVIDIA's hook and the engines mean by a privileged container.
  bool IsPrivileged() const;
  // The bounding capabilities that can undo read-only mounts or change the
  // kernel (CAP_SYS_ADMIN, CAP_DAC_READ_SEARCH for open_by_handle_at,
  // CAP_SYS_MODULE, CAP_SYS_BOOT for kexec); all four when the spec lists none.
  std::vector<std::string> EscapeCapabilities() const;
};

constexpr JsonLimits kSpecLimits{.max_bytes = 16 << 20, .max_depth = 64};

// Reads the view from a parsed config.json; wrong types are errors, unknown
// members are ignored (they belong to the runtime).
Result<Spec> ReadSpec(const Json& doc);
// ParseJson with kSpecLimits, then ReadSpec.
Result<Spec> ParseSpec(std::string_view text);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_OCI_SPEC_H_
