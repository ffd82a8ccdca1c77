#include "oci/spec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace oci_immutable {
namespace {

// Abridged output of `runc spec` (1.1): rootfs relative, read-only root.
constexpr char kRuncSpec[] = R"({
  "ociVersion": "1.0.2-dev",
  "process": {
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
    "noNewPrivileges": true},
  "root": {"path": "rootfs", "readonly": true},
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
  "linux": {
    "resources": {"devices": [{"allow": false, "access": "rwm"}]},
    "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"},
                   {"type": "mount"}, {"type": "cgroup"}],
    "maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                    "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
    "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
  }
})";

// What containerd's CRI plugin writes for a Kubernetes pod container
// (abridged): absolute rootfs, volumes, seccomp, a user namespace.
constexpr char kKubernetesSpec[] = R"({
  "ociVersion": "1.1.0",
  "process": {
    "user": {"uid": 65532, "gid": 65532, "additionalGids": [65532]},
    "args": ["/server", "--port=8080"],
    "cwd": "/srv/app/../data/",
    "capabilities": {
      "bounding": ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_SYS_ADMIN", "CAP_SETUID"],
      "effective": ["CAP_CHOWN"],
      "permitted": ["CAP_CHOWN"]
    },
    "oomScoreAdj": 1000
  },
  "root": {"path": "/run/containerd/io.containerd.runtime.v2.task/k8s.io/abc/rootfs"},
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc",
     "options": ["nosuid", "noexec", "nodev"]},
    {"destination": "/etc/hosts", "type": "bind",
     "source": "/var/lib/kubelet/pods/uid/etc-hosts", "options": ["rbind", "rprivate", "rw"]},
    {"destination": "/var/run/secrets/kubernetes.io/serviceaccount/", "type": "bind",
     "source": "/var/lib/kubelet/pods/uid/volumes/kubernetes.io~projected/kube-api-access",
     "options": ["rbind", "rprivate", "ro"]},
    {"destination": "data//cache/./", "type": "bind", "source": "/mnt/cache",
     "options": ["rbind"]},
    {"destination": "/dev/shm", "type": "bind",
     "source": "/run/containerd/io.containerd.grpc.v1.cri/sandboxes/s/shm",
     "options": ["rbind", "ro", "nosuid", "nodev", "noexec"]}
  ],
  "annotations": {
    "io.kubernetes.cri.container-type": "container",
    "io.kubernetes.cri.container-name": "server",
    "io.kubernetes.cri.sandbox-name": "web-7d4b9c-xk2lp",
    "io.kubernetes.cri.sandbox-namespace": "shop"
  },
  "linux": {
    "uidMappings": [{"containerID": 0, "hostID": 65536, "size": 65536}],
    "gidMappings": [{"containerID": 0, "hostID": 65536, "size": 65536}],
    "cgroupsPath": "kubepods-burstable-poduid.slice:cri-containerd:abc",
    "namespaces": [{"type": "pid"}, {"type": "ipc", "path": "/proc/42/ns/ipc"},
                   {"type": "uts"}, {"type": "mount"}, {"type": "user"}],
    "maskedPaths": ["/proc/asound/", "/proc/acpi", "/proc/kcore"],
    "readonlyPaths": ["/proc/bus", "/proc/fs//", "/proc/sys"],
    "mountLabel": "system_u:object_r:container_file_t:s0:c4,c5",
    "seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
                "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}
  }
})";

Spec MustParse(std::string_view text) {
  auto spec = ParseSpec(text);
  EXPECT_TRUE(spec.ok()) << spec.error().ToString();
  return spec.ok() ? *spec : Spec{};
}

std::string ErrorOf(std::string_view text) {
  auto spec = ParseSpec(text);
  return spec.ok() ? "<ok>" : spec.error().message();
}

TEST(SpecTest, RuncSpec) {
  Spec s = MustParse(kRuncSpec);
  EXPECT_EQ(s.root_path, "rootfs");
  EXPECT_TRUE(s.root_readonly);
  EXPECT_EQ(s.cwd, "/");
  ASSERT_EQ(s.mounts.size(), 7u);
  EXPECT_EQ(s.mounts[0].destination, "/proc");
  EXPECT_EQ(s.mounts[0].type, "proc");
  EXPECT_EQ(s.mounts[0].source, "proc");
  EXPECT_TRUE(s.mounts[0].options.empty());
  EXPECT_EQ(s.mounts[1].options,
            (std::vector<std::string>{"nosuid", "strictatime", "mode=755", "size=65536k"}));
  EXPECT_EQ(s.mounts[6].destination, "/sys/fs/cgroup");
  EXPECT_EQ(s.readonly_paths.size(), 5u);
  EXPECT_EQ(s.masked_paths.size(), 10u);
  EXPECT_EQ(s.masked_paths[8], "/sys/firmware");
  EXPECT_EQ(s.namespaces,
            (std::vector<std::string>{"pid", "network", "ipc", "uts", "mount", "cgroup"}));
  EXPECT_TRUE(s.HasNamespace("mount"));
  EXPECT_FALSE(s.HasNamespace("user"));
  EXPECT_FALSE(s.has_uid_mappings);
  EXPECT_FALSE(s.has_seccomp);
  EXPECT_EQ(s.mount_label, "");
  ASSERT_TRUE(s.bounding_capabilities.has_value());
  EXPECT_EQ(s.bounding_capabilities->size(), 3u);
  EXPECT_FALSE(s.IsPrivileged());
  EXPECT_TRUE(s.annotations.empty());
}

TEST(SpecTest, KubernetesSpec) {
  Spec s = MustParse(kKubernetesSpec);
  EXPECT_EQ(s.root_path, "/run/containerd/io.containerd.runtime.v2.task/k8s.io/abc/rootfs");
  EXPECT_FALSE(s.root_readonly);
  EXPECT_EQ(s.cwd, "/srv/data");
  ASSERT_EQ(s.mounts.size(), 5u);
  EXPECT_EQ(s.mounts[1].destination, "/etc/hosts");
  EXPECT_EQ(s.mounts[2].destination, "/var/run/secrets/kubernetes.io/serviceaccount");
  EXPECT_EQ(s.mounts[3].destination, "/data/cache");
  EXPECT_EQ(s.mounts[3].source, "/mnt/cache");
  EXPECT_EQ(s.masked_paths,
            (std::vector<std::string>{"/proc/asound", "/proc/acpi", "/proc/kcore"}));
  EXPECT_EQ(s.readonly_paths, (std::vector<std::string>{"/proc/bus", "/proc/fs", "/proc/sys"}));
  EXPECT_TRUE(s.HasNamespace("user"));
  EXPECT_FALSE(s.HasNamespace("network"));
  EXPECT_TRUE(s.has_uid_mappings);
  EXPECT_TRUE(s.has_seccomp);
  EXPECT_EQ(s.mount_label, "system_u:object_r:container_file_t:s0:c4,c5");
  EXPECT_TRUE(s.IsPrivileged());  // CAP_SYS_ADMIN in bounding
  ASSERT_EQ(s.annotations.size(), 4u);
  EXPECT_EQ(s.annotations.at("io.kubernetes.cri.sandbox-namespace"), "shop");
}

TEST(SpecTest, RootPathKeptAsWritten) {
  EXPECT_EQ(MustParse(R"({"root":{"path":"rootfs"}})").root_path, "rootfs");
  EXPECT_EQ(MustParse(R"({"root":{"path":"./x/../rootfs/"}})").root_path, "./x/../rootfs/");
  EXPECT_EQ(MustParse(R"({"root":{"path":"/abs/rootfs"}})").root_path, "/abs/rootfs");
  EXPECT_FALSE(MustParse(R"({"root":{"path":"r","readonly":false}})").root_readonly);
  EXPECT_FALSE(MustParse(R"({"root":{"path":"r","readonly":null}})").root_readonly);
}

TEST(SpecTest, MinimalSpecDefaults) {
  Spec s = MustParse(R"({"root":{"path":"rootfs"}})");
  EXPECT_FALSE(s.root_readonly);
  EXPECT_EQ(s.cwd, "/");
  EXPECT_TRUE(s.mounts.empty());
  EXPECT_TRUE(s.namespaces.empty());
  EXPECT_FALSE(s.bounding_capabilities.has_value());
}

TEST(SpecTest, MissingRoot) {
  EXPECT_EQ(ErrorOf(R"({"ociVersion":"1.0.0"})"), "root: missing");
  EXPECT_EQ(ErrorOf(R"({"root":null})"), "root: missing");
  EXPECT_EQ(ErrorOf(R"({"root":{}})"), "root.path: missing");
  EXPECT_EQ(ErrorOf(R"({"root":{"path":""}})"), "root.path: missing");
}

TEST(SpecTest, WrongTypesNameTheMember) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"[]", "config: expected object, got array"},
      {R"({"root":"rootfs"})", "root: expected object, got string"},
      {R"({"root":{"path":1}})", "root.path: expected string, got number"},
      {R"({"root":{"path":"r","readonly":"true"}})", "root.readonly: expected boolean, got string"},
      {R"({"root":{"path":"r"},"mounts":{}})", "mounts: expected array, got object"},
      {R"({"root":{"path":"r"},"mounts":[{"destination":"/a"},"/b"]})",
       "mounts[1]: expected object, got string"},
      {R"({"root":{"path":"r"},"mounts":[{"destination":7}]})",
       "mounts[0].destination: expected string, got number"},
      {R"({"root":{"path":"r"},"mounts":[{"destination":"/a","options":["ro",1]}]})",
       "mounts[0].options[1]: expected string, got number"},
      {R"({"root":{"path":"r"},"process":[]})", "process: expected object, got array"},
      {R"({"root":{"path":"r"},"process":{"cwd":false}})",
       "process.cwd: expected string, got boolean"},
      {R"({"root":{"path":"r"},"process":{"capabilities":{"bounding":"CAP_KILL"}}})",
       "process.capabilities.bounding: expected array, got string"},
      {R"({"root":{"path":"r"},"linux":{"readonlyPaths":"/proc"}})",
       "linux.readonlyPaths: expected array, got string"},
      {R"({"root":{"path":"r"},"linux":{"maskedPaths":[null]}})",
       "linux.maskedPaths[0]: expected string, got null"},
      {R"({"root":{"path":"r"},"linux":{"namespaces":[{"type":"pid"},{}]}})",
       "linux.namespaces[1]: no type"},
      {R"({"root":{"path":"r"},"linux":{"namespaces":["pid"]}})",
       "linux.namespaces[0]: expected object, got string"},
      {R"({"root":{"path":"r"},"linux":{"seccomp":true}})",
       "linux.seccomp: expected object, got boolean"},
      {R"({"root":{"path":"r"},"linux":{"uidMappings":{}}})",
       "linux.uidMappings: expected array, got object"},
      {R"({"root":{"path":"r"},"annotations":{"a":1}})",
       "annotations.a: expected string, got number"},
  };
  for (const Case& c : cases) EXPECT_EQ(ErrorOf(c.text), c.message) << c.text;
}

TEST(SpecTest, SyntaxErrorsAndDuplicates) {
  EXPECT_EQ(ErrorOf("{").rfind("line 1, column ", 0), 0u);
  EXPECT_NE(ErrorOf(R"({"root":{"path":"a","path":"b"}})").find("duplicate key \"path\""),
            std::string::npos);
}

TEST(SpecTest, MountWithoutDestination) {
  EXPECT_EQ(ErrorOf(R"({"root":{"path":"r"},"mounts":[{"type":"tmpfs"}]})"),
            "mounts[0]: no destination");
  EXPECT_EQ(ErrorOf(R"({"root":{"path":"r"},"mounts":[{"destination":""}]})"),
            "mounts[0]: no destination");
}

TEST(SpecTest, MountDestinationsAreCleanedAndAbsolute) {
  Spec s = MustParse(R"({"root":{"path":"r"},"mounts":[
    {"destination":"/tmp/"}, {"destination":"tmp//x"}, {"destination":"/a/./b/../c"},
    {"destination":"/../../etc"}, {"destination":".."}, {"destination":"/"}]})");
  std::vector<std::string> got;
  for (const SpecMount& m : s.mounts) got.push_back(m.destination);
  EXPECT_EQ(got, (std::vector<std::string>{"/tmp", "/tmp/x", "/a/c", "/etc", "/", "/"}));
}

TEST(SpecTest, CwdIsCleaned) {
  auto cwd = [](const char* value) {
    return MustParse(std::string(R"({"root":{"path":"r"},"process":{"cwd":")") + value + "\"}}")
        .cwd;
  };
  EXPECT_EQ(cwd("/"), "/");
  EXPECT_EQ(cwd("/app/"), "/app");
  EXPECT_EQ(cwd("/app/./bin/.."), "/app");
  EXPECT_EQ(cwd("app"), "/app");
  EXPECT_EQ(cwd("/../.."), "/");
  EXPECT_EQ(cwd(""), "/");
}

TEST(SpecTest, PrivilegedWithoutCapabilities) {
  EXPECT_TRUE(MustParse(R"({"root":{"path":"r"}})").IsPrivileged());
  EXPECT_TRUE(MustParse(R"({"root":{"path":"r"},"process":{"cwd":"/"}})").IsPrivileged());
  EXPECT_TRUE(MustParse(R"({"root":{"path":"r"},"process":{"capabilities":null}})").IsPrivileged());
}

TEST(SpecTest, PrivilegedFromBoundingSet) {
  auto privileged = [](const char* bounding) {
    Spec s = MustParse(std::string(R"({"root":{"path":"r"},"process":{"capabilities":{)") +
                       bounding + "}}}");
    return s.IsPrivileged();
  };
  EXPECT_TRUE(privileged(R"("bounding":["CAP_SYS_ADMIN"])"));
  EXPECT_TRUE(privileged(R"("bounding":["CAP_CHOWN","CAP_SYS_ADMIN","CAP_KILL"])"));
  EXPECT_FALSE(privileged(R"("bounding":["CAP_CHOWN","CAP_KILL"])"));
  EXPECT_FALSE(privileged(R"("bounding":[])"));
  // A capabilities object without "bounding": the runtimes empty the set.
  EXPECT_FALSE(privileged(R"("effective":["CAP_SYS_ADMIN"])"));
  // Only the exact runtime spelling names the capability.
  EXPECT_FALSE(privileged(R"("bounding":["SYS_ADMIN"])"));
  EXPECT_FALSE(privileged(R"("bounding":["CAP_SYS_ADMINX","CAP_SYS"])"));
}

TEST(SpecTest, IgnoresUnknownMembers) {
  Spec s = MustParse(R"({"root":{"path":"r","x":1},"vm":{"hypervisor":{}},"hooks":{},
    "process":{"selinuxLabel":"l","capabilities":{"bounding":[],"x":[1]}},
    "linux":{"sysctl":{"net.ipv4.ip_forward":"1"},"intelRdt":{}}})");
  EXPECT_FALSE(s.IsPrivileged());
}

TEST(SpecTest, ReadSpecOnBuiltDocument) {
  Json doc = Json::EmptyObject();
  Json root = Json::EmptyObject();
  root.Set("path", Json::String("rootfs"));
  root.Set("readonly", Json::Bool(true));
  doc.Set("root", std::move(root));
  auto s = ReadSpec(doc);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_TRUE(s->root_readonly);
  EXPECT_FALSE(ReadSpec(Json::String("x")).ok());
}

}  // namespace
}  // namespace oci_immutable
