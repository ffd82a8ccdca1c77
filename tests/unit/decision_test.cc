#include "policy/decision.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace oci_immutable {
namespace {

std::vector<std::string> Names(const std::vector<Violation>& violations) {
  std::vector<std::string> out;
  for (const Violation& v : violations) out.emplace_back(v.name);
  return out;
}

bool Has(const std::vector<Violation>& violations, std::string_view name) {
  for (const Violation& v : violations) {
    if (v.name == name) return true;
  }
  return false;
}

SpecMount Mount(std::string destination, std::string type) {
  return SpecMount{std::move(destination), std::move(type), "src", {}};
}

// What `runc spec` gives, with root.readonly: no violations.
Spec SafeSpec() {
  Spec s;
  s.root_path = "rootfs";
  s.root_readonly = true;
  s.mounts = {Mount("/proc", "proc"), Mount("/dev", "tmpfs"), Mount("/sys", "sysfs")};
  s.readonly_paths = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
  s.masked_paths = {"/proc/kcore", "/proc/keys"};
  s.bounding_capabilities = std::vector<std::string>{"CAP_CHOWN", "CAP_KILL"};
  return s;
}

KubeIdentity Identity(std::string ns, std::string pod, std::string container) {
  return KubeIdentity{std::move(ns), std::move(pod), std::move(container), false};
}

TEST(FindViolationsTest, SafeSpecHasNone) { EXPECT_TRUE(FindViolations(SafeSpec()).empty()); }

TEST(FindViolationsTest, WritableRoot) {
  Spec s = SafeSpec();
  s.root_readonly = false;
  auto v = FindViolations(s);
  ASSERT_EQ(Names(v), (std::vector<std::string>{"rootfs-writable"}));
  EXPECT_EQ(v[0].detail, "root.readonly is not true");
}

TEST(FindViolationsTest, ProcSysUnprotected) {
  Spec s = SafeSpec();
  s.readonly_paths = {"/proc/bus", "/proc/sys/kernel", "/proc/sysrq-trigger"};
  auto v = FindViolations(s);
  ASSERT_EQ(Names(v), (std::vector<std::string>{"proc-sys-writable"}));
  EXPECT_EQ(v[0].detail, "/proc/sys is in neither linux.readonlyPaths nor linux.maskedPaths");
}

TEST(FindViolationsTest, ProcSysCoveredByReadonlyOrMaskedPaths) {
  struct Case {
    std::vector<std::string> readonly;
    std::vector<std::string> masked;
  };
  const Case cases[] = {
      {{"/proc/sys"}, {}},
      {{"/proc"}, {}},
      {{}, {"/proc/sys"}},
      {{}, {"/proc"}},
      {{"/proc/fs"}, {"/proc/kcore", "/proc/sys"}},
  };
  for (const Case& c : cases) {
    Spec s = SafeSpec();
    s.readonly_paths = c.readonly;
    s.masked_paths = c.masked;
    EXPECT_FALSE(Has(FindViolations(s), kProcSysWritable));
  }
}

TEST(FindViolationsTest, NoProcMountNoProcSysViolation) {
  Spec s = SafeSpec();
  s.readonly_paths.clear();
  s.masked_paths.clear();
  s.mounts = {Mount("/dev", "tmpfs")};
  EXPECT_TRUE(FindViolations(s).empty());
  // A proc file system mounted elsewhere is not the container's /proc.
  s.mounts = {Mount("/host/proc", "proc")};
  EXPECT_TRUE(FindViolations(s).empty());
}

TEST(FindViolationsTest, PrivilegedWithSysAdmin) {
  Spec s = SafeSpec();
  s.bounding_capabilities->push_back("CAP_SYS_ADMIN");
  auto v = FindViolations(s);
  ASSERT_FALSE(v.empty());
  EXPECT_EQ(v[0].name, kPrivileged);
  EXPECT_EQ(v[0].detail, "CAP_SYS_ADMIN is in the bounding set");
  // No seccomp profile keeps it from undoing the mounts.
  EXPECT_TRUE(Has(v, kPrivilegedUnconfined));
}

TEST(FindViolationsTest, PrivilegedWithoutCapabilityList) {
  Spec s = SafeSpec();
  s.bounding_capabilities.reset();
  auto v = FindViolations(s);
  ASSERT_FALSE(v.empty());
  EXPECT_EQ(v[0].name, kPrivileged);
  EXPECT_EQ(v[0].detail, "the spec lists no capabilities, so the runtime keeps all");
}

TEST(FindViolationsTest, NotPrivilegedWithoutSysAdmin) {
  Spec s = SafeSpec();
  s.bounding_capabilities = std::vector<std::string>{};
  EXPECT_FALSE(Has(FindViolations(s), kPrivileged));
  EXPECT_FALSE(Has(FindViolations(s), kPrivilegedUnconfined));
}

TEST(FindViolationsTest, FixedOrder) {
  Spec s = SafeSpec();
  s.root_readonly = false;
  s.readonly_paths.clear();
  s.masked_paths.clear();
  s.bounding_capabilities.reset();
  auto names = Names(FindViolations(s));
  ASSERT_GE(names.size(), 3u);
  EXPECT_EQ(names[0], "rootfs-writable");
  EXPECT_EQ(names[1], "proc-sys-writable");
  EXPECT_EQ(names[2], "privileged");
}

TEST(MakePlanTest, DefaultPolicyEnforces) {
  Spec s = SafeSpec();
  s.mount_label = "system_u:object_r:container_file_t:s0:c1,c2";
  Plan plan = MakePlan(DefaultPolicy(), s, KubeIdentity{});
  EXPECT_TRUE(plan.enforce);
  EXPECT_FALSE(plan.exempt);
  EXPECT_EQ(plan.tmpfs.size(), 4u);  // /tmp, /var/tmp, /run, /var/run
  EXPECT_TRUE(plan.skipped.empty());
  EXPECT_EQ(plan.readonly_paths, DefaultPolicy().readonly_paths);
  EXPECT_EQ(plan.mount_label, "system_u:object_r:container_file_t:s0:c1,c2");
}

TEST(MakePlanTest, WritablePathsBecomeTmpfs) {
  Policy p = DefaultPolicy();
  p.writable_paths = {{"/tmp", "64m"}, {"/var/cache/app", "1g"}, {"/run", "10%"}};
  Plan plan = MakePlan(p, SafeSpec(), KubeIdentity{});
  ASSERT_EQ(plan.tmpfs.size(), 3u);
  EXPECT_EQ(plan.tmpfs[0].path, "/tmp");
  EXPECT_EQ(plan.tmpfs[0].size, "64m");
  EXPECT_EQ(plan.tmpfs[1].path, "/var/cache/app");
  EXPECT_EQ(plan.tmpfs[1].size, "1g");
  EXPECT_EQ(plan.tmpfs[2].path, "/run");
  EXPECT_EQ(plan.tmpfs[2].size, "10%");
  EXPECT_TRUE(plan.skipped.empty());
}

TEST(MakePlanTest, WritablePathWithSpecMountAtIt) {
  Policy p = DefaultPolicy();
  p.writable_paths = {{"/tmp", "64m"}};
  Spec s = SafeSpec();
  s.mounts.push_back(Mount("/tmp", "tmpfs"));
  Plan plan = MakePlan(p, s, KubeIdentity{});
  EXPECT_TRUE(plan.tmpfs.empty());
  ASSERT_EQ(plan.skipped.size(), 1u);
  EXPECT_EQ(plan.skipped[0].path, "/tmp");
  EXPECT_EQ(plan.skipped[0].reason, "a tmpfs mount of the spec is there");
}

TEST(MakePlanTest, WritablePathWithUntypedSpecMountAtIt) {
  // runtime-spec: "type" may be omitted (a bind mount).
  Policy p = DefaultPolicy();
  p.writable_paths = {{"/data", "64m"}};
  Spec s = SafeSpec();
  s.mounts.push_back(Mount("/data", ""));
  Plan plan = MakePlan(p, s, KubeIdentity{});
  ASSERT_EQ(plan.skipped.size(), 1u);
  EXPECT_EQ(plan.skipped[0].reason, "a mount of the spec is there");
}

TEST(MakePlanTest, WritablePathInsideSpecMount) {
  Policy p = DefaultPolicy();
  p.writable_paths = {{"/var/lib/app/cache", "64m"}};
  Spec s = SafeSpec();
  s.mounts.push_back(Mount("/var/lib/app", "bind"));
  Plan plan = MakePlan(p, s, KubeIdentity{});
  EXPECT_TRUE(plan.tmpfs.empty());
  ASSERT_EQ(plan.skipped.size(), 1u);
  EXPECT_EQ(plan.skipped[0].path, "/var/lib/app/cache");
  EXPECT_EQ(plan.skipped[0].reason, "it lies in the spec's mount at /var/lib/app");
}

TEST(MakePlanTest, WritablePathAboveSpecMount) {
  Policy p = DefaultPolicy();
  p.writable_paths = {{"/data", "64m"}};
  Spec s = SafeSpec();
  s.mounts.push_back(Mount("/data/db", "bind"));
  Plan plan = MakePlan(p, s, KubeIdentity{});
  EXPECT_TRUE(plan.tmpfs.empty());
  ASSERT_EQ(plan.skipped.size(), 1u);
  EXPECT_EQ(plan.skipped[0].reason, "the spec mounts /data/db below it");
}

TEST(MakePlanTest, SpecMountAtRootOrSiblingDoesNotCover) {
  Policy p = DefaultPolicy();
  p.writable_paths = {{"/tmp", "64m"}};
  Spec s = SafeSpec();
  s.mounts.push_back(Mount("/", "bind"));
  s.mounts.push_back(Mount("/tmpdata", "bind"));
  s.mounts.push_back(Mount("/tm", "bind"));
  Plan plan = MakePlan(p, s, KubeIdentity{});
  ASSERT_EQ(plan.tmpfs.size(), 1u);
  EXPECT_EQ(plan.tmpfs[0].path, "/tmp");
  EXPECT_TRUE(plan.skipped.empty());
}

TEST(MakePlanTest, MixedPathsKeepOrder) {
  Policy p = DefaultPolicy();
  p.writable_paths = {{"/tmp", "64m"}, {"/dev/shm", "64m"}, {"/run", "8m"}};
  Spec s = SafeSpec();  // mounts /dev: /dev/shm lies in it
  Plan plan = MakePlan(p, s, KubeIdentity{});
  ASSERT_EQ(plan.tmpfs.size(), 2u);
  EXPECT_EQ(plan.tmpfs[0].path, "/tmp");
  EXPECT_EQ(plan.tmpfs[1].path, "/run");
  ASSERT_EQ(plan.skipped.size(), 1u);
  EXPECT_EQ(plan.skipped[0].path, "/dev/shm");
  EXPECT_EQ(plan.skipped[0].reason, "it lies in the spec's mount at /dev");
}

TEST(MakePlanTest, AuditModeDoesNotEnforce) {
  Policy p = DefaultPolicy();
  p.mode = Mode::kAudit;
  p.writable_paths = {{"/tmp", "64m"}};
  Plan plan = MakePlan(p, SafeSpec(), KubeIdentity{});
  EXPECT_FALSE(plan.enforce);
  EXPECT_FALSE(plan.exempt);
  EXPECT_EQ(plan.tmpfs.size(), 1u);  // still planned, for the log
}

TEST(MakePlanTest, ExemptDoesNotEnforce) {
  Policy p = DefaultPolicy();
  p.exempt = {Exemption{"kube-system", std::nullopt, std::nullopt}};
  Plan plan = MakePlan(p, SafeSpec(), Identity("kube-system", "coredns", "dns"));
  EXPECT_TRUE(plan.exempt);
  EXPECT_FALSE(plan.enforce);

  p.mode = Mode::kAudit;
  plan = MakePlan(p, SafeSpec(), Identity("kube-system", "coredns", "dns"));
  EXPECT_TRUE(plan.exempt);
  EXPECT_FALSE(plan.enforce);
}

TEST(MakePlanTest, NonMatchingOrConflictingIdentityEnforces) {
  Policy p = DefaultPolicy();
  p.exempt = {Exemption{"kube-system", std::nullopt, std::nullopt}};
  Plan plan = MakePlan(p, SafeSpec(), Identity("default", "web", "nginx"));
  EXPECT_FALSE(plan.exempt);
  EXPECT_TRUE(plan.enforce);

  KubeIdentity conflicted = Identity("kube-system", "coredns", "dns");
  conflicted.conflict = true;
  plan = MakePlan(p, SafeSpec(), conflicted);
  EXPECT_FALSE(plan.exempt);
  EXPECT_TRUE(plan.enforce);
}

}  // namespace
}  // namespace oci_immutable
