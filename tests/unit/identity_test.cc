#include "policy/identity.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace oci_immutable {
namespace {

using Annotations = std::map<std::string, std::string>;

// What CRI-O sets on a container's spec (io.kubernetes.pod.* and friends).
Annotations CrioAnnotations(const std::string& ns, const std::string& pod,
                            const std::string& container) {
  return {{"io.kubernetes.pod.namespace", ns},
          {"io.kubernetes.pod.name", pod},
          {"io.kubernetes.container.name", container},
          {"io.kubernetes.pod.uid", "5d3f0c5e-8f0a-4a57-9e0b-2b9f1f7a0c11"},
          {"io.kubernetes.cri-o.ContainerType", "container"}};
}

// What containerd's CRI plugin sets (io.kubernetes.cri.*).
Annotations ContainerdAnnotations(const std::string& ns, const std::string& pod,
                                  const std::string& container) {
  return {{"io.kubernetes.cri.sandbox-namespace", ns},
          {"io.kubernetes.cri.sandbox-name", pod},
          {"io.kubernetes.cri.container-name", container},
          {"io.kubernetes.cri.container-type", "container"},
          {"io.kubernetes.cri.sandbox-id", "9c1e0a"}};
}

Annotations Merge(Annotations a, const Annotations& b) {
  for (const auto& [k, v] : b) a[k] = v;
  return a;
}

Exemption Exempt(std::optional<std::string> ns, std::optional<std::string> pod,
                 std::optional<std::string> container) {
  return Exemption{std::move(ns), std::move(pod), std::move(container)};
}

TEST(IdentityTest, NoAnnotations) {
  KubeIdentity id = IdentityFromAnnotations({});
  EXPECT_EQ(id.pod_namespace, "");
  EXPECT_EQ(id.pod, "");
  EXPECT_EQ(id.container, "");
  EXPECT_FALSE(id.conflict);
}

TEST(IdentityTest, CrioKeys) {
  KubeIdentity id = IdentityFromAnnotations(CrioAnnotations("kube-system", "coredns-abc", "dns"));
  EXPECT_EQ(id.pod_namespace, "kube-system");
  EXPECT_EQ(id.pod, "coredns-abc");
  EXPECT_EQ(id.container, "dns");
  EXPECT_FALSE(id.conflict);
}

TEST(IdentityTest, ContainerdKeys) {
  KubeIdentity id = IdentityFromAnnotations(ContainerdAnnotations("shop", "web-1", "nginx"));
  EXPECT_EQ(id.pod_namespace, "shop");
  EXPECT_EQ(id.pod, "web-1");
  EXPECT_EQ(id.container, "nginx");
  EXPECT_FALSE(id.conflict);
}

TEST(IdentityTest, BothAgreeing) {
  KubeIdentity id = IdentityFromAnnotations(Merge(CrioAnnotations("shop", "web-1", "nginx"),
                                                  ContainerdAnnotations("shop", "web-1", "nginx")));
  EXPECT_EQ(id.pod_namespace, "shop");
  EXPECT_EQ(id.pod, "web-1");
  EXPECT_EQ(id.container, "nginx");
  EXPECT_FALSE(id.conflict);
}

TEST(IdentityTest, PartialAnnotations) {
  KubeIdentity id = IdentityFromAnnotations(
      {{"io.kubernetes.cri.sandbox-namespace", "ci"}, {"io.kubernetes.pod.name", "runner"}});
  EXPECT_EQ(id.pod_namespace, "ci");
  EXPECT_EQ(id.pod, "runner");
  EXPECT_EQ(id.container, "");
  EXPECT_FALSE(id.conflict);
}

TEST(IdentityTest, UnrelatedAnnotationsIgnored) {
  KubeIdentity id = IdentityFromAnnotations({{"io.kubernetes.namespace", "kube-system"},
                                             {"namespace", "kube-system"},
                                             {"io.kubernetes.pod.namespace ", "kube-system"}});
  EXPECT_EQ(id.pod_namespace, "");
  EXPECT_FALSE(id.conflict);
}

TEST(IdentityTest, DisagreementIsConflict) {
  // A pod author adds the other runtime's annotation to claim kube-system.
  for (const char* key : {"io.kubernetes.cri.sandbox-namespace", "io.kubernetes.pod.namespace"}) {
    Annotations a = Merge(CrioAnnotations("dev", "p", "c"), ContainerdAnnotations("dev", "p", "c"));
    a[key] = "kube-system";
    KubeIdentity id = IdentityFromAnnotations(a);
    EXPECT_TRUE(id.conflict) << key;
  }
  EXPECT_TRUE(IdentityFromAnnotations(
                  {{"io.kubernetes.cri.sandbox-name", "a"}, {"io.kubernetes.pod.name", "b"}})
                  .conflict);
  EXPECT_TRUE(IdentityFromAnnotations({{"io.kubernetes.cri.container-name", "a"},
                                       {"io.kubernetes.container.name", "A"}})
                  .conflict);
}

TEST(IdentityTest, EmptyAnnotationDisagreesEitherWay) {
  // Order of the keys must not matter: a present empty value disagrees too.
  EXPECT_TRUE(IdentityFromAnnotations({{"io.kubernetes.cri.sandbox-namespace", "kube-system"},
                                       {"io.kubernetes.pod.namespace", ""}})
                  .conflict);
  EXPECT_TRUE(IdentityFromAnnotations({{"io.kubernetes.cri.sandbox-namespace", ""},
                                       {"io.kubernetes.pod.namespace", "kube-system"}})
                  .conflict);
  KubeIdentity both_empty = IdentityFromAnnotations(
      {{"io.kubernetes.cri.sandbox-name", ""}, {"io.kubernetes.pod.name", ""}});
  EXPECT_FALSE(both_empty.conflict);
  EXPECT_EQ(both_empty.pod, "");
}

TEST(IsExemptTest, NoExemptions) {
  EXPECT_FALSE(IsExempt({}, IdentityFromAnnotations(CrioAnnotations("kube-system", "p", "c"))));
}

TEST(IsExemptTest, ExactNamespace) {
  const std::vector<Exemption> ex = {Exempt("kube-system", std::nullopt, std::nullopt)};
  EXPECT_TRUE(IsExempt(ex, IdentityFromAnnotations(CrioAnnotations("kube-system", "p", "c"))));
  EXPECT_TRUE(
      IsExempt(ex, IdentityFromAnnotations(ContainerdAnnotations("kube-system", "p", "c"))));
  EXPECT_FALSE(IsExempt(ex, IdentityFromAnnotations(CrioAnnotations("kube-system2", "p", "c"))));
  EXPECT_FALSE(IsExempt(ex, IdentityFromAnnotations(CrioAnnotations("kube", "p", "c"))));
}

TEST(IsExemptTest, AllPresentFieldsMustMatch) {
  const std::vector<Exemption> ex = {Exempt("ci", "builder-*", "buildkit")};
  EXPECT_TRUE(
      IsExempt(ex, IdentityFromAnnotations(CrioAnnotations("ci", "builder-7", "buildkit"))));
  EXPECT_FALSE(IsExempt(ex, IdentityFromAnnotations(CrioAnnotations("ci", "builder-7", "helper"))));
  EXPECT_FALSE(
      IsExempt(ex, IdentityFromAnnotations(CrioAnnotations("ci", "runner-7", "buildkit"))));
  EXPECT_FALSE(
      IsExempt(ex, IdentityFromAnnotations(CrioAnnotations("dev", "builder-7", "buildkit"))));
}

TEST(IsExemptTest, AnyExemptionMayMatch) {
  const std::vector<Exemption> ex = {Exempt("kube-system", std::nullopt, std::nullopt),
                                     Exempt(std::nullopt, std::nullopt, "istio-proxy")};
  EXPECT_TRUE(IsExempt(ex, IdentityFromAnnotations(CrioAnnotations("shop", "web", "istio-proxy"))));
  EXPECT_FALSE(IsExempt(ex, IdentityFromAnnotations(CrioAnnotations("shop", "web", "nginx"))));
}

TEST(IsExemptTest, FnmatchPatterns) {
  auto ns_exempt = [](const char* pattern, const char* ns) {
    return IsExempt({Exempt(pattern, std::nullopt, std::nullopt)},
                    IdentityFromAnnotations(ContainerdAnnotations(ns, "p", "c")));
  };
  EXPECT_TRUE(ns_exempt("kube-*", "kube-system"));
  EXPECT_TRUE(ns_exempt("kube-*", "kube-public"));
  EXPECT_TRUE(ns_exempt("kube-*", "kube-"));
  EXPECT_FALSE(ns_exempt("kube-*", "kubeflow"));
  EXPECT_TRUE(ns_exempt("*", "anything"));
  EXPECT_TRUE(ns_exempt("team-?", "team-a"));
  EXPECT_FALSE(ns_exempt("team-?", "team-ab"));
  EXPECT_TRUE(ns_exempt("team-[ab]", "team-b"));
  EXPECT_FALSE(ns_exempt("team-[ab]", "team-c"));
  EXPECT_TRUE(ns_exempt("team-[!ab]", "team-c"));
  EXPECT_FALSE(ns_exempt("Kube-System", "kube-system"));  // case-sensitive
  EXPECT_FALSE(ns_exempt("kube", "kube-system"));         // anchored
}

TEST(IsExemptTest, MissingFieldsNeverMatchAPattern) {
  // Not even "*": a container without Kubernetes identity is not exempt.
  const std::vector<Exemption> any_ns = {Exempt("*", std::nullopt, std::nullopt)};
  EXPECT_FALSE(IsExempt(any_ns, IdentityFromAnnotations({})));
  EXPECT_FALSE(IsExempt(any_ns, IdentityFromAnnotations({{"io.kubernetes.pod.name", "p"}})));
  const std::vector<Exemption> any_container = {Exempt(std::nullopt, std::nullopt, "*")};
  EXPECT_FALSE(
      IsExempt(any_container, IdentityFromAnnotations({{"io.kubernetes.pod.namespace", "ns"}})));
  // An empty annotation is no value either.
  EXPECT_FALSE(IsExempt(any_ns, IdentityFromAnnotations({{"io.kubernetes.pod.namespace", ""}})));
}

TEST(IsExemptTest, ConflictIsNeverExempt) {
  const std::vector<Exemption> ex = {Exempt("*", std::nullopt, std::nullopt),
                                     Exempt(std::nullopt, "*", std::nullopt),
                                     Exempt("kube-system", std::nullopt, std::nullopt)};
  Annotations a = Merge(CrioAnnotations("kube-system", "p", "c"),
                        ContainerdAnnotations("kube-system", "p", "c"));
  EXPECT_TRUE(IsExempt(ex, IdentityFromAnnotations(a)));
  a["io.kubernetes.container.name"] = "other";  // conflict on a field no pattern names
  KubeIdentity id = IdentityFromAnnotations(a);
  ASSERT_TRUE(id.conflict);
  EXPECT_FALSE(IsExempt(ex, id));

  KubeIdentity built{"kube-system", "p", "c", /*conflict=*/true};
  EXPECT_FALSE(IsExempt(ex, built));
  built.conflict = false;
  EXPECT_TRUE(IsExempt(ex, built));
}

}  // namespace
}  // namespace oci_immutable
