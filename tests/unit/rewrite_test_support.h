// Specs and helpers shared by the rewrite tests (rewrite_test.cc,
// rewrite_seccomp_test.cc).
#ifndef OCI_IMMUTABLE_TESTS_UNIT_REWRITE_TEST_SUPPORT_H_
#define OCI_IMMUTABLE_TESTS_UNIT_REWRITE_TEST_SUPPORT_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "json/json.h"
#include "policy/decision.h"
#include "policy/policy.h"
#include "runtime/rewrite.h"
#include "seccomp/filter.h"
#include "seccomp/profile.h"

namespace oci_immutable::rewrite_test {


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

inline HookInjection Hook() {
  return HookInjection{std::string(kHookPath),
                       {"oci-immutable-hook", "--config", "/etc/oci-immutable/policy.json",
                        "createContainer"}};
}

inline Json Parse(std::string_view text) {
  Result<Json> doc = ParseJson(text);
  EXPECT_TRUE(doc.ok()) << doc.error().ToString();
  return doc.ok() ? *doc : Json();
}

inline RewriteResult Rewrite(const Json& doc, const Policy& policy = DefaultPolicy()) {
  Result<RewriteResult> r = RewriteSpec(doc, policy, Hook());
  EXPECT_TRUE(r.ok()) << r.error().ToString();
  return r.ok() ? *r : RewriteResult{};
}

// The privileged spec with linux.seccomp set to `seccomp` (JSON text).
inline Json PrivilegedWith(std::string_view seccomp) {
  Json doc = Parse(kPrivilegedSpec);
  doc.Find("linux")->Set("seccomp", Parse(seccomp));
  return doc;
}

inline std::vector<std::string> Strings(const Json* array) {
  std::vector<std::string> out;
  if (array == nullptr || !array->is_array()) return out;
  for (const Json& v : array->array()) out.push_back(v.is_string() ? v.string_value() : "?");
  return out;
}

inline std::vector<std::string> DenyList() {
  std::vector<std::string> out;
  for (std::string_view n : ImmutabilityDenyList()) out.emplace_back(n);
  return out;
}

inline bool HasViolation(const std::vector<Violation>& violations, std::string_view name) {
  return std::any_of(violations.begin(), violations.end(),
                     [&](const Violation& v) { return v.name == name; });
}

inline const Json* Seccomp(const Json& spec) {
  const Json* linux = spec.Find("linux");
  return linux ? linux->Find("seccomp") : nullptr;
}

inline const Json::Array& Rules(const Json& spec) {
  static const Json::Array kNone;
  const Json* seccomp = Seccomp(spec);
  const Json* syscalls = seccomp ? seccomp->Find("syscalls") : nullptr;
  return syscalls && syscalls->is_array() ? syscalls->array() : kNone;
}

// Checks that `rule` is ours: ERRNO(EPERM), no args, exactly `names`.
inline void ExpectOurRule(const Json& rule, const std::vector<std::string>& names) {
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
inline void ExpectIdempotent(const RewriteResult& first, const Policy& policy = DefaultPolicy()) {
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

}  // namespace oci_immutable::rewrite_test

#endif  // OCI_IMMUTABLE_TESTS_UNIT_REWRITE_TEST_SUPPORT_H_
