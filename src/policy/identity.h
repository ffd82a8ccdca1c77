// Who a container is, in Kubernetes terms, from the annotations the CRI
// implementations set (CRI-O: io.kubernetes.pod.*, containerd:
// io.kubernetes.cri.*). Pod authors can add annotations of their own, and
// CRI-O passes them through, so a name is trusted only when every annotation
// that carries it agrees.
#ifndef OCI_IMMUTABLE_POLICY_IDENTITY_H_
#define OCI_IMMUTABLE_POLICY_IDENTITY_H_

#include <map>
#include <string>

#include "policy/policy.h"

namespace oci_immutable {

struct KubeIdentity {
  std::string pod_namespace;  // empty when not carried
  std::string pod;
  std::string container;
  bool conflict = false;  // two annotations disagree: trust none of it
};

KubeIdentity IdentityFromAnnotations(const std::map<std::string, std::string>& annotations);

// True when an exemption matches; never for an identity with a conflict.
bool IsExempt(const std::vector<Exemption>& exemptions, const KubeIdentity& identity);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_POLICY_IDENTITY_H_
