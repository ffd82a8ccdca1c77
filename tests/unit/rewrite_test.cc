#include "runtime/rewrite.h"

#include <gtest/gtest.h>

#include "rewrite_test_support.h"

namespace oci_immutable {
namespace {

using namespace rewrite_test;  // NOLINT: the shared fixtures of these tests

TEST(RewriteTest, RuncSpec) {
  const Json in = Parse(kRuncSpec);
  RewriteResult r = Rewrite(in);
  EXPECT_TRUE(r.changed);
  const Json& out = r.spec;

  const Json* root = out.Find("root");
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(WriteJson(*root), R"({"path":"rootfs","readonly":true})");

  // Every policy path was there already: nothing added, nothing doubled.
  EXPECT_EQ(Strings(out.Find("linux")->Find("readonlyPaths")),
            (std::vector<std::string>{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                      "/proc/sysrq-trigger"}));

  const Json* hooks = out.Find("hooks");
  ASSERT_NE(hooks, nullptr);
  const Json* create = hooks->Find("createContainer");
  ASSERT_NE(create, nullptr);
  ASSERT_EQ(create->array().size(), 1u);
  EXPECT_EQ(create->array()[0].Find("path")->string_value(), kHookPath);
  EXPECT_EQ(Strings(create->array()[0].Find("args")), Hook().args);

  // Not privileged: no seccomp profile is made up.
  EXPECT_EQ(Seccomp(out), nullptr);
  EXPECT_TRUE(r.seccomp.added.empty());

  EXPECT_TRUE(HasViolation(r.violations, kRootfsWritable));
  EXPECT_FALSE(HasViolation(r.violations, kProcSysWritable));
  EXPECT_FALSE(HasViolation(r.violations, kPrivileged));
  EXPECT_FALSE(HasViolation(r.violations, kPrivilegedUnconfined));
  EXPECT_FALSE(r.exempt);

  // Everything else is as it was, member for member.
  ASSERT_EQ(out.object().size(), in.object().size() + 1);  // + hooks
  for (const Json::Member& m : in.object()) {
    if (m.first == "root" || m.first == "linux") continue;
    const Json* kept = out.Find(m.first);
    ASSERT_NE(kept, nullptr) << m.first;
    EXPECT_EQ(WriteJson(*kept), WriteJson(m.second)) << m.first;
  }
  EXPECT_EQ(WriteJson(*out.Find("linux")), WriteJson(*in.Find("linux")));
  ExpectIdempotent(r);
}

TEST(RewriteTest, ContainerdPrivilegedSpec) {
  const Json in = Parse(kPrivilegedSpec);
  RewriteResult r = Rewrite(in);
  EXPECT_TRUE(r.changed);
  const Json& out = r.spec;

  EXPECT_EQ(WriteJson(*out.Find("root")), R"({"path":"rootfs","readonly":true})");
  EXPECT_EQ(Strings(out.Find("linux")->Find("readonlyPaths")), DefaultPolicy().readonly_paths);

  // Ours last, after the CDI hook, which is kept as it was.
  const Json::Array& create = out.Find("hooks")->Find("createContainer")->array();
  ASSERT_EQ(create.size(), 2u);
  EXPECT_EQ(create[0], in.Find("hooks")->Find("createContainer")->array()[0]);
  EXPECT_EQ(create[1].Find("path")->string_value(), kHookPath);
  EXPECT_EQ(Strings(create[1].Find("args")), Hook().args);
  EXPECT_EQ(WriteJson(*create[1].Find("args")),
            R"(["oci-immutable-hook","--config","/etc/oci-immutable/policy.json","createContainer"])");

  // No profile came with it: one that allows everything but the deny list.
  const Json* seccomp = Seccomp(out);
  ASSERT_NE(seccomp, nullptr);
  EXPECT_EQ(seccomp->Find("defaultAction")->string_value(), "SCMP_ACT_ALLOW");
  EXPECT_EQ(Strings(seccomp->Find("architectures")), NativeArchitectures());
  EXPECT_FALSE(NativeArchitectures().empty());
  ASSERT_EQ(Rules(out).size(), 1u);
  ExpectOurRule(Rules(out)[0], DenyList());
  EXPECT_EQ(r.seccomp.added, DenyList());
  EXPECT_TRUE(r.seccomp.taken_from.empty());
  EXPECT_TRUE(CompileProfile(*seccomp).ok());

  EXPECT_TRUE(HasViolation(r.violations, kRootfsWritable));
  EXPECT_TRUE(HasViolation(r.violations, kProcSysWritable));
  EXPECT_TRUE(HasViolation(r.violations, kPrivileged));
  EXPECT_TRUE(HasViolation(r.violations, kPrivilegedUnconfined));
  EXPECT_EQ(r.identity.pod_namespace, "default");
  EXPECT_EQ(r.identity.pod, "priv-pod");
  EXPECT_EQ(r.identity.container, "app");

  // Members we do not own are untouched.
  for (std::string_view key : {"ociVersion", "process", "mounts", "annotations"}) {
    EXPECT_EQ(WriteJson(*out.Find(key)), WriteJson(*in.Find(key))) << key;
  }
  for (std::string_view key : {"resources", "cgroupsPath", "namespaces"}) {
    EXPECT_EQ(WriteJson(*out.Find("linux")->Find(key)), WriteJson(*in.Find("linux")->Find(key)))
        << key;
  }
  ExpectIdempotent(r);

  // After the rewrite the spec no longer carries what we fix.
  Result<RewriteResult> again = RewriteSpec(out, DefaultPolicy(), Hook());
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(HasViolation(again->violations, kRootfsWritable));
  EXPECT_FALSE(HasViolation(again->violations, kProcSysWritable));
  EXPECT_TRUE(HasViolation(again->violations, kPrivileged));
  EXPECT_FALSE(HasViolation(again->violations, kPrivilegedUnconfined));
}

TEST(RewriteTest, ReadonlyPathsAddedOnce) {
  Policy policy = DefaultPolicy();
  policy.readonly_paths = {"/proc/sys", "/proc/kcore", "/sys/firmware", "/proc/sys"};
  Json doc = Parse(kRuncSpec);
  RewriteResult r = Rewrite(doc, policy);
  EXPECT_EQ(Strings(r.spec.Find("linux")->Find("readonlyPaths")),
            (std::vector<std::string>{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                      "/proc/sysrq-trigger", "/proc/kcore", "/sys/firmware"}));
  ExpectIdempotent(r, policy);

  // A spec without linux at all gets one.
  doc.Erase("linux");
  r = Rewrite(doc, policy);
  EXPECT_EQ(Strings(r.spec.Find("linux")->Find("readonlyPaths")),
            (std::vector<std::string>{"/proc/sys", "/proc/kcore", "/sys/firmware"}));
  ExpectIdempotent(r, policy);
}

TEST(RewriteTest, RootReadonlyAlreadyTrueIsKept) {
  Json doc = Parse(kRuncSpec);
  doc.Find("root")->Set("readonly", Json::Bool(true));
  doc.Set("hooks", Parse(R"({"createContainer":[{"path":"/usr/libexec/oci/hooks.d/oci-immutable-hook",
      "args":["oci-immutable-hook","--config","/etc/oci-immutable/policy.json","createContainer"],
      "timeout":10}]})"));
  // Everything is in place already: nothing to write.
  RewriteResult r = Rewrite(doc);
  EXPECT_FALSE(r.changed);
  EXPECT_EQ(WriteJson(r.spec), WriteJson(doc));
  EXPECT_TRUE(r.violations.empty());
}

TEST(RewriteTest, HookMadeOnceAndLast) {
  const Json ours = Parse(R"({"path":"/usr/libexec/oci/hooks.d/oci-immutable-hook",
      "args":["oci-immutable-hook","--config","/etc/oci-immutable/policy.json","createContainer"],
      "timeout":10})");
  const Json stale = Parse(R"({"path":"/usr/libexec/oci/hooks.d/oci-immutable-hook",
      "args":["oci-immutable-hook","createContainer"]})");
  const Json cdi = Parse(R"({"path":"/usr/bin/nvidia-ctk","args":["nvidia-ctk","hook","chmod"]})");
  const Json other = Parse(R"({"path":"/usr/libexec/other","env":["A=1"],"timeout":5})");

  const std::vector<Json::Array> cases = {
      {ours, cdi},                // ours not last
      {ours, cdi, ours},          // twice, last included
      {cdi, ours, other, ours},   // twice
      {stale, cdi},               // an older injection with other arguments
      {cdi, stale},               // last, but not what we would write now
      {cdi, other, stale, ours},  // both
  };
  for (const Json::Array& stage : cases) {
    Json doc = Parse(kPrivilegedSpec);
    Json list = Json::EmptyArray();
    list.array() = stage;
    doc.Find("hooks")->Set("createContainer", list);
    RewriteResult r = Rewrite(doc);
    EXPECT_TRUE(r.changed);
    const Json::Array& got = r.spec.Find("hooks")->Find("createContainer")->array();
    Json::Array want;
    for (const Json& h : stage) {
      if (h.Find("path")->string_value() != kHookPath) want.push_back(h);
    }
    want.push_back(ours);
    Json want_list = Json::EmptyArray();
    want_list.array() = want;
    EXPECT_EQ(WriteJson(*r.spec.Find("hooks")->Find("createContainer")), WriteJson(want_list))
        << WriteJson(list);
    EXPECT_EQ(got.back(), ours);
    ExpectIdempotent(r);
  }
}

TEST(RewriteTest, OtherHookStagesUntouched) {
  Json doc = Parse(kPrivilegedSpec);
  doc.Find("hooks")->Set(
      "prestart", Parse(R"([{"path":"/usr/libexec/oci/hooks.d/oci-immutable-hook"}])"));
  doc.Find("hooks")->Set("poststop", Parse(R"([{"path":"/bin/true","args":["true"]}])"));
  RewriteResult r = Rewrite(doc);
  EXPECT_EQ(WriteJson(*r.spec.Find("hooks")->Find("prestart")),
            WriteJson(*doc.Find("hooks")->Find("prestart")));
  EXPECT_EQ(WriteJson(*r.spec.Find("hooks")->Find("poststop")),
            WriteJson(*doc.Find("hooks")->Find("poststop")));
}

TEST(RewriteTest, MalformedHooksAreErrorsNotCrashes) {
  for (std::string_view hooks : {R"([])", R"("x")", R"({"createContainer":{}})",
                                 R"({"createContainer":"/bin/true"})",
                                 R"({"createContainer":7})"}) {
    Json doc = Parse(kRuncSpec);
    doc.Set("hooks", Parse(hooks));
    Result<RewriteResult> r = RewriteSpec(doc, DefaultPolicy(), Hook());
    EXPECT_FALSE(r.ok()) << hooks;
  }
  // null is absent, as the runtimes read it.
  Json doc = Parse(kRuncSpec);
  doc.Set("hooks", Parse(R"({"createContainer":null,"poststop":[]})"));
  RewriteResult r = Rewrite(doc);
  EXPECT_EQ(r.spec.Find("hooks")->Find("createContainer")->array().size(), 1u);
}

TEST(RewriteTest, UnknownMembersSurviveByteForByte) {
  const Json in = Parse(kRuncSpec);
  {
    RewriteResult r = Rewrite(in);
    ASSERT_TRUE(r.changed);
    const Json* future = r.spec.Find("x-future");
    ASSERT_NE(future, nullptr);
    EXPECT_EQ(WriteJson(*future),
              R"({"n":1.50e3,"a":[null,true],"z":-0,"big":123456789012345678901234567890})");
    EXPECT_EQ(WriteJson(*future), WriteJson(*in.Find("x-future")));
    const Json* unknown = r.spec.Find("linux")->Find("x-unknown");
    ASSERT_NE(unknown, nullptr);
    EXPECT_EQ(WriteJson(*unknown), R"({"deep":[-0,1E+2,0.10,"sé",{"k":{}}]})");
    EXPECT_EQ(WriteJson(*unknown), WriteJson(*in.Find("linux")->Find("x-unknown")));
    EXPECT_EQ(future->Find("n")->number_text(), "1.50e3");
    EXPECT_EQ(future->Find("z")->number_text(), "-0");

    // And through the text the wrapper writes.
    Result<Json> reread = ParseJson(WriteJson(r.spec));
    ASSERT_TRUE(reread.ok());
    EXPECT_EQ(WriteJson(*reread->Find("x-future")), WriteJson(*in.Find("x-future")));
    EXPECT_EQ(WriteJson(*reread->Find("linux")->Find("x-unknown")),
              WriteJson(*in.Find("linux")->Find("x-unknown")));
  }
  // Member order is kept too: ours are added at the end, nothing moves.
  RewriteResult r = Rewrite(in);
  std::vector<std::string> keys_in, keys_out;
  for (const Json::Member& m : in.object()) keys_in.push_back(m.first);
  for (const Json::Member& m : r.spec.object()) keys_out.push_back(m.first);
  keys_in.push_back("hooks");
  EXPECT_EQ(keys_out, keys_in);
}

TEST(RewriteTest, UnknownMembersInsideSeccompSurvive) {
  Json doc = PrivilegedWith(R"({"defaultAction":"SCMP_ACT_ALLOW","x-s":{"v":2.50},
      "flags":["SECCOMP_FILTER_FLAG_LOG"],
      "syscalls":[{"names":["mount","chmod"],"action":"SCMP_ACT_ALLOW","comment":"x","x-r":-0}]})");
  RewriteResult r = Rewrite(doc);
  const Json* seccomp = Seccomp(r.spec);
  ASSERT_NE(seccomp, nullptr);
  EXPECT_EQ(WriteJson(*seccomp->Find("x-s")), R"({"v":2.50})");
  EXPECT_EQ(Strings(seccomp->Find("flags")), std::vector<std::string>{"SECCOMP_FILTER_FLAG_LOG"});
  ASSERT_EQ(Rules(r.spec).size(), 2u);
  EXPECT_EQ(WriteJson(Rules(r.spec)[0]),
            R"({"names":["chmod"],"action":"SCMP_ACT_ALLOW","comment":"x","x-r":-0})");
  ExpectIdempotent(r);
}


TEST(RewriteTest, NonPrivilegedSeccompUntouched) {
  Json doc = Parse(kRuncSpec);
  doc.Find("linux")->Set("seccomp", Parse(R"({"defaultAction":"SCMP_ACT_ALLOW",
      "syscalls":[{"names":["mount"],"action":"SCMP_ACT_ALLOW"}]})"));
  RewriteResult r = Rewrite(doc);
  EXPECT_TRUE(r.changed);
  EXPECT_EQ(WriteJson(*Seccomp(r.spec)), WriteJson(*Seccomp(doc)));
  EXPECT_TRUE(r.seccomp.added.empty());
  EXPECT_TRUE(r.seccomp.taken_from.empty());
  ExpectIdempotent(r);
}

TEST(RewriteTest, AuditModeChangesNothing) {
  Policy policy = DefaultPolicy();
  policy.mode = Mode::kAudit;
  for (std::string_view text : {kRuncSpec, kPrivilegedSpec}) {
    const Json doc = Parse(text);
    RewriteResult r = Rewrite(doc, policy);
    EXPECT_FALSE(r.changed);
    EXPECT_FALSE(r.exempt);
    EXPECT_EQ(r.spec, doc);
    EXPECT_EQ(WriteJson(r.spec), WriteJson(doc));
    EXPECT_TRUE(HasViolation(r.violations, kRootfsWritable));
    EXPECT_TRUE(r.seccomp.added.empty());
  }
  RewriteResult r = Rewrite(Parse(kPrivilegedSpec), policy);
  EXPECT_TRUE(HasViolation(r.violations, kPrivileged));
  EXPECT_TRUE(HasViolation(r.violations, kPrivilegedUnconfined));
  EXPECT_TRUE(HasViolation(r.violations, kProcSysWritable));
}

TEST(RewriteTest, ExemptContainerChangesNothing) {
  Policy policy = DefaultPolicy();
  policy.exempt = {Exemption{
      .namespace_pattern = "default", .pod_pattern = "priv-*", .container_pattern = std::nullopt}};
  const Json doc = Parse(kPrivilegedSpec);
  RewriteResult r = Rewrite(doc, policy);
  EXPECT_TRUE(r.exempt);
  EXPECT_FALSE(r.changed);
  EXPECT_EQ(WriteJson(r.spec), WriteJson(doc));
  EXPECT_TRUE(HasViolation(r.violations, kPrivileged));
  EXPECT_TRUE(HasViolation(r.violations, kPrivilegedUnconfined));
  EXPECT_TRUE(HasViolation(r.violations, kRootfsWritable));

  // Annotations that disagree exempt nobody.
  Json conflicting = doc;
  conflicting.Find("annotations")->Set("io.kubernetes.pod.namespace", Json::String("other"));
  r = Rewrite(conflicting, policy);
  EXPECT_FALSE(r.exempt);
  EXPECT_TRUE(r.changed);
}

TEST(RewriteTest, CaseInsensitiveDuplicatesAreRefused) {
  struct Case {
    std::string_view where;
    std::string_view a;
    std::string_view b;
    std::string_view text;
  };
  const std::vector<Case> cases = {
      {"root", "readonly", "Readonly",
       R"({"root":{"path":"rootfs","readonly":true,"Readonly":false}})"},
      {"", "root", "Root", R"({"root":{"path":"rootfs"},"Root":{"path":"/","readonly":false}})"},
      {"", "hooks", "HOOKS", R"({"root":{"path":"rootfs"},"hooks":{},"HOOKS":{}})"},
      {"hooks", "createContainer", "CreateContainer",
       R"({"root":{"path":"rootfs"},"hooks":{"createContainer":[],"CreateContainer":[]}})"},
      {"linux", "readonlyPaths", "ReadOnlyPaths",
       R"({"root":{"path":"rootfs"},"linux":{"readonlyPaths":[],"ReadOnlyPaths":["/x"]}})"},
      {"linux", "seccomp", "Seccomp",
       R"({"root":{"path":"rootfs"},"linux":{"seccomp":null,"Seccomp":{}}})"},
      {"linux.seccomp", "defaultAction", "DEFAULTACTION",
       R"({"root":{"path":"rootfs"},"linux":{"seccomp":{"defaultAction":"SCMP_ACT_ERRNO",
           "DEFAULTACTION":"SCMP_ACT_ALLOW"}}})"},
      {"process.capabilities", "bounding", "Bounding",
       R"({"root":{"path":"rootfs"},"process":{"capabilities":{"bounding":[],"Bounding":["CAP_SYS_ADMIN"]}}})"},
  };
  for (const Case& c : cases) {
    Result<RewriteResult> r = RewriteSpec(Parse(c.text), DefaultPolicy(), Hook());
    ASSERT_FALSE(r.ok()) << c.text;
    const std::string& msg = r.error().message();
    EXPECT_NE(msg.find("\"" + std::string(c.a) + "\""), std::string::npos) << msg;
    EXPECT_NE(msg.find("\"" + std::string(c.b) + "\""), std::string::npos) << msg;
    EXPECT_NE(msg.find("differs only in case"), std::string::npos) << msg;
    if (!c.where.empty()) {
      EXPECT_EQ(msg.rfind(std::string(c.where) + ": ", 0), 0u) << msg;
    }
  }
  // In audit mode too: the violations would be read from the wrong member.
  Policy audit = DefaultPolicy();
  audit.mode = Mode::kAudit;
  EXPECT_FALSE(RewriteSpec(Parse(cases[0].text), audit, Hook()).ok());
}

TEST(RewriteTest, NoCapabilitiesObjectIsPrivileged) {
  Json doc = Parse(kRuncSpec);
  doc.Find("process")->Erase("capabilities");
  RewriteResult r = Rewrite(doc);
  EXPECT_TRUE(HasViolation(r.violations, kPrivileged));
  ASSERT_NE(Seccomp(r.spec), nullptr);
  ExpectOurRule(Rules(r.spec).back(), DenyList());
  ExpectIdempotent(r);
}

TEST(RewriteTest, MalformedSeccompIsAnError) {
  for (std::string_view profile :
       {R"({"defaultAction":"SCMP_ACT_BOGUS"})", R"({"syscalls":[]})",
        R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_VAX"]})",
        R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":{}})",
        R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mount"],"action":"X"}]})"}) {
    Result<RewriteResult> r = RewriteSpec(PrivilegedWith(profile), DefaultPolicy(), Hook());
    EXPECT_FALSE(r.ok()) << profile;
  }
}

TEST(RewriteTest, SpecErrors) {
  EXPECT_FALSE(RewriteSpec(Parse("[]"), DefaultPolicy(), Hook()).ok());
  EXPECT_FALSE(RewriteSpec(Parse("{}"), DefaultPolicy(), Hook()).ok());  // no root
  EXPECT_FALSE(RewriteSpec(Parse(R"({"root":{"path":"r","readonly":"yes"}})"), DefaultPolicy(),
                           Hook())
                   .ok());
}

}  // namespace
}  // namespace oci_immutable
