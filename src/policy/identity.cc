#include "policy/identity.h"

#include <fnmatch.h>

#include <initializer_list>

namespace oci_immutable {
namespace {

// The value every present key agrees on; sets conflict when they differ.
std::string Agreed(const std::map<std::string, std::string>& annotations,
                   std::initializer_list<const char*> keys, bool& conflict) {
  std::optional<std::string> value;  // an empty annotation counts: it disagrees too
  for (const char* key : keys) {
    auto it = annotations.find(key);
    if (it == annotations.end()) continue;
    if (value && it->second != *value) conflict = true;
    if (!value) value = it->second;
  }
  return value.value_or("");
}

bool Matches(const std::optional<std::string>& pattern, const std::string& value) {
  if (!pattern) return true;
  if (value.empty()) return false;
  return fnmatch(pattern->c_str(), value.c_str(), 0) == 0;
}

}  // namespace

KubeIdentity IdentityFromAnnotations(const std::map<std::string, std::string>& annotations) {
  KubeIdentity id;
  id.pod_namespace = Agreed(
      annotations, {"io.kubernetes.cri.sandbox-namespace", "io.kubernetes.pod.namespace"},
      id.conflict);
  id.pod = Agreed(annotations, {"io.kubernetes.cri.sandbox-name", "io.kubernetes.pod.name"},
                  id.conflict);
  id.container = Agreed(
      annotations, {"io.kubernetes.cri.container-name", "io.kubernetes.container.name"},
      id.conflict);
  return id;
}

bool IsExempt(const std::vector<Exemption>& exemptions, const KubeIdentity& identity) {
  if (identity.conflict) return false;
  for (const Exemption& e : exemptions) {
    if (Matches(e.namespace_pattern, identity.pod_namespace) && Matches(e.pod_pattern, identity.pod) &&
        Matches(e.container_pattern, identity.container)) {
      return true;
    }
  }
  return false;
}

}  // namespace oci_immutable
