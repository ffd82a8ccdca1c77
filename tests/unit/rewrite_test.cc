#include "runtime/rewrite.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "json/json.h"
#include "policy/decision.h"
#include "policy/policy.h"
#include "seccomp/filter.h"
#include "seccomp/profile.h"

namespace oci_immutable {
namespace {

// What `runc spec` writes, with root.readonly turned off and members no
// version of the runtime spec knows.
constexpr std::string_view kRuncSpec = R"({
  "ociVersion": "1.0.2-dev",
  "process": {
    "terminal": true,
    "user": {"uid": 0, "gid": 0},
    "args": ["sh"],
    "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
    "cwd": "/",
    "capabilities": {
      "bounding": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "effective": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "permitted": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "ambient": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
    },
    "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
    "noNewPrivileges": true
  },
  "root": {"path": "rootfs", "readonly": false},
  "hostname": "runc",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
     "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
     "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
    {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
     "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
    {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
     "options": ["nosuid", "noexec", "nodev"]},
    {"destination": "/sys", "type": "sysfs", "source": "sysfs",
     "options": ["nosuid", "noexec", "nodev", "ro"]},
    {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
     "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}
  ],
  "x-future": {"n": 1.50e3, "a": [null, true], "z": -0, "big": 123456789012345678901234567890},
  "linux": {
    "resources": {"devices": [{"allow": false, "access": "rwm"}]},
    "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"},
                   {"type": "mount"}, {"type": "cgroup"}],
    "maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                    "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
    "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
    "x-unknown": {"deep": [-0, 1E+2, 0.10, "s\u00e9", {"k": {}}]}
  }
})";

// A privileged Kubernetes container as containerd's CRI plugin writes it:
// every capability, no readonly or masked paths, no seccomp, and a CDI hook
// (NVIDIA's) that writes into the rootfs.
constexpr std::string_view kPrivilegedSpec = R"({
  "ociVersion": "1.1.0",
  "process": {
    "user": {"uid": 0, "gid": 0, "additionalGids": [0, 10]},
    "args": ["/bin/sh", "-c", "sleep inf"],
    "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOSTNAME=priv-pod"],
    "cwd": "/",
    "capabilities": {
      "bounding": ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_NET_ADMIN", "CAP_SYS_ADMIN",
                   "CAP_SYS_MODULE", "CAP_SYS_BOOT", "CAP_MKNOD"],
      "effective": ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_NET_ADMIN", "CAP_SYS_ADMIN",
                    "CAP_SYS_MODULE", "CAP_SYS_BOOT", "CAP_MKNOD"],
      "permitted": ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_NET_ADMIN", "CAP_SYS_ADMIN",
                    "CAP_SYS_MODULE", "CAP_SYS_BOOT", "CAP_MKNOD"]
    },
    "apparmorProfile": "unconfined",
    "oomScoreAdj": 1000
  },
  "root": {"path": "rootfs"},
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc",
     "options": ["nosuid", "noexec", "nodev"]},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
     "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    {"destination": "/sys", "type": "sysfs", "source": "sysfs",
     "options": ["nosuid", "noexec", "nodev", "rw"]},
    {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
     "options": ["nosuid", "noexec", "nodev", "relatime", "rw"]},
    {"destination": "/etc/hosts", "type": "bind",
     "source": "/var/lib/kubelet/pods/1234/etc-hosts", "options": ["rbind", "rprivate", "rw"]},
    {"destination": "/dev/termination-log", "type": "bind",
     "source": "/var/lib/kubelet/pods/1234/containers/app/5678",
     "options": ["rbind", "rprivate", "rw"]}
  ],
  "hooks": {
    "createContainer": [
      {"path": "/usr/bin/nvidia-ctk",
       "args": ["nvidia-ctk", "hook", "update-ldcache", "--folder", "/usr/lib/x86_64-linux-gnu"]}
    ]
  },
  "annotations": {
    "io.kubernetes.cri.container-type": "container",
    "io.kubernetes.cri.container-name": "app",
    "io.kubernetes.cri.sandbox-name": "priv-pod",
    "io.kubernetes.cri.sandbox-namespace": "default",
    "io.kubernetes.cri.sandbox-id": "0123456789abcdef",
    "io.kubernetes.cri.image-name": "docker.io/library/busybox:latest"
  },
  "linux": {
    "resources": {"devices": [{"allow": true, "access": "rwm"}],
                  "cpu": {"shares": 2, "period": 100000}},
    "cgroupsPath": "kubepods-besteffort-pod1234.slice:cri-containerd:0123456789abcdef",
    "namespaces": [{"type": "pid"}, {"type": "ipc", "path": "/proc/42/ns/ipc"},
                   {"type": "uts", "path": "/proc/42/ns/uts"}, {"type": "mount"},
                   {"type": "network", "path": "/var/run/netns/cni-0000"}]
  }
})";

constexpr std::string_view kHookPath = "/usr/libexec/oci/hooks.d/oci-immutable-hook";

HookInjection Hook() {
  return HookInjection{std::string(kHookPath),
                       {"oci-immutable-hook", "--config", "/etc/oci-immutable/policy.json",
                        "createContainer"}};
}

Json Parse(std::string_view text) {
  Result<Json> doc = ParseJson(text);
  EXPECT_TRUE(doc.ok()) << doc.error().ToString();
  return doc.ok() ? *doc : Json();
}

RewriteResult Rewrite(const Json& doc, const Policy& policy = DefaultPolicy()) {
  Result<RewriteResult> r = RewriteSpec(doc, policy, Hook());
  EXPECT_TRUE(r.ok()) << r.error().ToString();
  return r.ok() ? *r : RewriteResult{};
}

// The privileged spec with linux.seccomp set to `seccomp` (JSON text).
Json PrivilegedWith(std::string_view seccomp) {
  Json doc = Parse(kPrivilegedSpec);
  doc.Find("linux")->Set("seccomp", Parse(seccomp));
  return doc;
}

std::vector<std::string> Strings(const Json* array) {
  std::vector<std::string> out;
  if (array == nullptr || !array->is_array()) return out;
  for (const Json& v : array->array()) out.push_back(v.is_string() ? v.string_value() : "?");
  return out;
}

std::vector<std::string> DenyList() {
  std::vector<std::string> out;
  for (std::string_view n : ImmutabilityDenyList()) out.emplace_back(n);
  return out;
}

bool HasViolation(const std::vector<Violation>& violations, std::string_view name) {
  return std::any_of(violations.begin(), violations.end(),
                     [&](const Violation& v) { return v.name == name; });
}

const Json* Seccomp(const Json& spec) {
  const Json* linux = spec.Find("linux");
  return linux ? linux->Find("seccomp") : nullptr;
}

const Json::Array& Rules(const Json& spec) {
  static const Json::Array kNone;
  const Json* seccomp = Seccomp(spec);
  const Json* syscalls = seccomp ? seccomp->Find("syscalls") : nullptr;
  return syscalls && syscalls->is_array() ? syscalls->array() : kNone;
}

// Checks that `rule` is ours: ERRNO(EPERM), no args, exactly `names`.
void ExpectOurRule(const Json& rule, const std::vector<std::string>& names) {
  ASSERT_TRUE(rule.is_object());
  EXPECT_EQ(Strings(rule.Find("names")), names);
  ASSERT_NE(rule.Find("action"), nullptr);
  EXPECT_EQ(rule.Find("action")->string_value(), "SCMP_ACT_ERRNO");
  ASSERT_NE(rule.Find("errnoRet"), nullptr);
  EXPECT_EQ(rule.Find("errnoRet")->AsInt(), 1);
  EXPECT_EQ(rule.Find("args"), nullptr);
}

// A second pass over the output, in memory and after a write and a read,
// must find nothing to do and leave the text as it was.
void ExpectIdempotent(const RewriteResult& first, const Policy& policy = DefaultPolicy()) {
  const std::string text = WriteJson(first.spec);
  Result<RewriteResult> again = RewriteSpec(first.spec, policy, Hook());
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_FALSE(again->changed);
  EXPECT_EQ(WriteJson(again->spec), text);
  EXPECT_TRUE(again->seccomp.added.empty());
  EXPECT_TRUE(again->seccomp.taken_from.empty());

  Result<Json> reread = ParseJson(text);
  ASSERT_TRUE(reread.ok()) << reread.error().ToString();
  Result<RewriteResult> from_file = RewriteSpec(*reread, policy, Hook());
  ASSERT_TRUE(from_file.ok()) << from_file.error().ToString();
  EXPECT_FALSE(from_file->changed);
  EXPECT_EQ(WriteJson(from_file->spec), text);
}

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

namespace oci_immutable {
namespace {

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
