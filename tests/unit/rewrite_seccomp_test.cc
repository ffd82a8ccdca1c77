#include "runtime/rewrite.h"

#include <gtest/gtest.h>

#include "rewrite_test_support.h"

namespace oci_immutable {
namespace {

using namespace rewrite_test;  // NOLINT: the shared fixtures of these tests

TEST(RewriteTest, PrivilegedProfileAllowingMountLosesIt) {
  Json doc = PrivilegedWith(R"({
    "defaultAction": "SCMP_ACT_ALLOW",
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_AARCH64"],
    "syscalls": [
      {"names": ["mount", "chmod", "umount2", "fchown"], "action": "SCMP_ACT_ALLOW"},
      {"names": ["reboot"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}
    ]})");
  RewriteResult r = Rewrite(doc);
  EXPECT_TRUE(r.changed);
  const Json::Array& rules = Rules(r.spec);
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(Strings(rules[0].Find("names")), (std::vector<std::string>{"chmod", "fchown"}));
  EXPECT_EQ(rules[0].Find("action")->string_value(), "SCMP_ACT_ALLOW");
  EXPECT_EQ(WriteJson(rules[1]), WriteJson(Rules(doc)[1]));
  ExpectOurRule(rules[2], DenyList());
  EXPECT_EQ(r.seccomp.taken_from, (std::vector<std::string>{"mount", "umount2"}));
  EXPECT_EQ(r.seccomp.added, DenyList());
  // The rest of the profile is as it came.
  EXPECT_EQ(WriteJson(*Seccomp(r.spec)->Find("architectures")),
            R"(["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_AARCH64"])");
  EXPECT_TRUE(HasViolation(r.violations, kPrivilegedUnconfined));
  EXPECT_TRUE(CompileProfile(*Seccomp(r.spec)).ok());
  ExpectIdempotent(r);
}

TEST(RewriteTest, DefaultDenyProfileLosesAllowedMountWithoutRuleOfOurs) {
  Json doc = PrivilegedWith(R"({
    "defaultAction": "SCMP_ACT_ERRNO",
    "defaultErrnoRet": 1,
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
    "syscalls": [
      {"names": ["mount", "read", "umount2", "write"], "action": "SCMP_ACT_ALLOW"},
      {"names": ["open_tree"], "action": "SCMP_ACT_ALLOW"},
      {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
       "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]}
    ]})");
  RewriteResult r = Rewrite(doc);
  EXPECT_TRUE(r.changed);
  const Json::Array& rules = Rules(r.spec);
  // The emptied open_tree rule goes; no rule of ours: the default denies.
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(Strings(rules[0].Find("names")), (std::vector<std::string>{"read", "write"}));
  EXPECT_EQ(WriteJson(rules[1]), WriteJson(Rules(doc)[2]));
  EXPECT_TRUE(r.seccomp.added.empty());
  EXPECT_EQ(r.seccomp.taken_from, (std::vector<std::string>{"mount", "umount2", "open_tree"}));
  EXPECT_EQ(Seccomp(r.spec)->Find("defaultAction")->string_value(), "SCMP_ACT_ERRNO");
  EXPECT_TRUE(HasViolation(r.violations, kPrivilegedUnconfined));
  EXPECT_TRUE(CompileProfile(*Seccomp(r.spec)).ok());
  ExpectIdempotent(r);
}

TEST(RewriteTest, ProfileDenyingEverythingAlreadyIsUnchanged) {
  std::string names;
  for (std::string_view n : ImmutabilityDenyList()) {
    names += (names.empty() ? "\"" : ",\"") + std::string(n) + "\"";
  }
  const std::vector<std::string> profiles = {
      // One rule, default allow.
      R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],
          "syscalls":[{"names":["chmod"],"action":"SCMP_ACT_ALLOW"},
                      {"names":[)" + names + R"(],"action":"SCMP_ACT_ERRNO","errnoRet":1}]})",
      // Split over rules with different deny actions.
      R"({"defaultAction":"SCMP_ACT_LOG","syscalls":[
          {"names":["mount","umount","umount2","pivot_root"],"action":"SCMP_ACT_KILL_PROCESS"},
          {"names":["move_mount","open_tree","fsopen","fsconfig","fsmount","fspick",
                    "mount_setattr"],"action":"SCMP_ACT_ERRNO","errnoRet":38},
          {"names":["open_by_handle_at","init_module","finit_module","delete_module"],
           "action":"SCMP_ACT_TRAP"},
          {"names":["kexec_load","kexec_file_load"],"action":"SCMP_ACT_KILL"}]})",
      // Default deny, nothing of the list allowed.
      R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,
          "architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_X32"],
          "syscalls":[{"names":["read","write","exit_group"],"action":"SCMP_ACT_ALLOW"}]})",
      R"({"defaultAction":"SCMP_ACT_KILL_PROCESS",
          "syscalls":[{"names":["read","write","exit_group"],"action":"SCMP_ACT_ALLOW"}]})",
  };
  for (const std::string& profile : profiles) {
    Json doc = PrivilegedWith(profile);
    const std::string before = WriteJson(*Seccomp(doc));
    RewriteResult r = Rewrite(doc);
    EXPECT_EQ(WriteJson(*Seccomp(r.spec)), before) << profile;
    EXPECT_TRUE(r.seccomp.added.empty()) << profile;
    EXPECT_TRUE(r.seccomp.taken_from.empty()) << profile;
    EXPECT_TRUE(DeniesAll(*Seccomp(doc))) << profile;
    EXPECT_TRUE(HasViolation(r.violations, kPrivileged));
    EXPECT_FALSE(HasViolation(r.violations, kPrivilegedUnconfined)) << profile;
    ExpectIdempotent(r);

    // With the rest already in place, nothing at all to write.
    Result<RewriteResult> done = RewriteSpec(r.spec, DefaultPolicy(), Hook());
    ASSERT_TRUE(done.ok());
    EXPECT_FALSE(done->changed);
  }
}

TEST(RewriteTest, ConditionalRulesLoseDenyListNames) {
  // A rule with args only denies some calls: it does not count, and loses the name.
  Json doc = PrivilegedWith(R"({
    "defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [
      {"names": ["mount", "chown"], "action": "SCMP_ACT_ERRNO",
       "args": [{"index": 3, "value": 1, "valueTwo": 1, "op": "SCMP_CMP_MASKED_EQ"}]},
      {"names": ["umount2"], "action": "SCMP_ACT_ALLOW",
       "args": [{"index": 1, "value": 2, "op": "SCMP_CMP_EQ"}]},
      {"names": ["kexec_load"], "action": "SCMP_ACT_ERRNO"}
    ]})");
  RewriteResult r = Rewrite(doc);
  const Json::Array& rules = Rules(r.spec);
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(Strings(rules[0].Find("names")), std::vector<std::string>{"chown"});
  EXPECT_EQ(WriteJson(*rules[0].Find("args")), WriteJson(*Rules(doc)[0].Find("args")));
  EXPECT_EQ(WriteJson(rules[1]), WriteJson(Rules(doc)[2]));  // kexec_load: kept, counted
  std::vector<std::string> rest;
  for (const std::string& n : DenyList()) {
    if (n != "kexec_load") rest.push_back(n);
  }
  ExpectOurRule(rules[2], rest);
  EXPECT_EQ(r.seccomp.taken_from, (std::vector<std::string>{"mount", "umount2"}));
  EXPECT_TRUE(CompileProfile(*Seccomp(r.spec)).ok());
  ExpectIdempotent(r);

  // Under a default that denies, the conditional names go and nothing is added.
  doc = PrivilegedWith(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
      {"names": ["mount"], "action": "SCMP_ACT_ALLOW",
       "args": [{"index": 3, "value": 0, "op": "SCMP_CMP_EQ"}]},
      {"names": ["read"], "action": "SCMP_ACT_ALLOW"}]})");
  r = Rewrite(doc);
  ASSERT_EQ(Rules(r.spec).size(), 1u);
  EXPECT_EQ(Strings(Rules(r.spec)[0].Find("names")), std::vector<std::string>{"read"});
  EXPECT_TRUE(r.seccomp.added.empty());
  ExpectIdempotent(r);
}

TEST(RewriteTest, PrivilegedUnconfinedViolation) {
  // No profile: reported.
  RewriteResult r = Rewrite(Parse(kPrivilegedSpec));
  EXPECT_TRUE(HasViolation(r.violations, kPrivilegedUnconfined));
  // seccomp null is no profile.
  r = Rewrite(PrivilegedWith("null"));
  EXPECT_TRUE(HasViolation(r.violations, kPrivilegedUnconfined));
  EXPECT_EQ(Rules(r.spec).size(), 1u);
  // A profile that lets mount through: reported.
  r = Rewrite(PrivilegedWith(R"({"defaultAction":"SCMP_ACT_ALLOW"})"));
  EXPECT_TRUE(HasViolation(r.violations, kPrivilegedUnconfined));
  r = Rewrite(PrivilegedWith(R"({"defaultAction":"SCMP_ACT_ERRNO",
      "syscalls":[{"names":["fsopen"],"action":"SCMP_ACT_NOTIFY"}]})"));
  EXPECT_TRUE(HasViolation(r.violations, kPrivilegedUnconfined));
  // A profile that denies the whole list: not reported.
  r = Rewrite(PrivilegedWith(R"({"defaultAction":"SCMP_ACT_ERRNO",
      "syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]})"));
  EXPECT_FALSE(HasViolation(r.violations, kPrivilegedUnconfined));
  EXPECT_TRUE(HasViolation(r.violations, kPrivileged));
  // Our own output: not reported.
  RewriteResult first = Rewrite(Parse(kPrivilegedSpec));
  ASSERT_NE(Seccomp(first.spec), nullptr);
  EXPECT_TRUE(DeniesAll(*Seccomp(first.spec)));
  r = Rewrite(first.spec);
  EXPECT_FALSE(HasViolation(r.violations, kPrivilegedUnconfined));
  // Not privileged: never reported, profile or not.
  r = Rewrite(Parse(kRuncSpec));
  EXPECT_FALSE(HasViolation(r.violations, kPrivilegedUnconfined));
}

TEST(RewriteCanonicalTest, LoneCaseVariantIsRefused) {
  // runc reads "Names" as names: an allow rule we would not see.
  Result<Json> doc = ParseJson(R"({"root":{"path":"rootfs"},"linux":{"seccomp":{
      "defaultAction":"SCMP_ACT_ALLOW",
      "syscalls":[{"Names":["mount"],"action":"SCMP_ACT_ALLOW"}]}}})");
  ASSERT_TRUE(doc.ok());
  HookInjection hook{"/usr/libexec/oci/hooks.d/oci-immutable-hook",
                     {"oci-immutable-hook", "createContainer"}};
  Result<RewriteResult> r = RewriteSpec(*doc, DefaultPolicy(), hook);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(),
            "linux.seccomp.syscalls[0]: member \"Names\" differs only in case from \"names\", "
            "which runc would read in its place");
}

TEST(RewriteCanonicalTest, DacReadSearchAloneGetsTheRules) {
  Result<Json> doc = ParseJson(R"({"root":{"path":"rootfs"},
      "process":{"capabilities":{"bounding":["CAP_CHOWN","CAP_DAC_READ_SEARCH"]}}})");
  ASSERT_TRUE(doc.ok());
  HookInjection hook{"/h", {"oci-immutable-hook", "createContainer"}};
  Result<RewriteResult> r = RewriteSpec(*doc, DefaultPolicy(), hook);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  const Json* seccomp = r->spec.Find("linux")->Find("seccomp");
  ASSERT_NE(seccomp, nullptr);
  EXPECT_TRUE(DeniesAll(*seccomp));
  bool unconfined = false;
  for (const Violation& v : r->violations) unconfined |= v.name == kPrivilegedUnconfined;
  EXPECT_TRUE(unconfined);
}

}  // namespace
}  // namespace oci_immutable
