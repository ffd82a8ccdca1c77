// oci-immutable-monitor's pure parts: the runtimes' ContainerProcessState
// message (and hostile variants of it), the syscall-argument table and its
// decoding, the attempt record, the command line.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <seccomp.h>

#include <map>
#include <string>
#include <string_view>

#include "json/json.h"
#include "monitor/attempt_record.h"
#include "monitor/cli.h"
#include "monitor/process_state.h"
#include "monitor/syscall_args.h"
#include "seccomp/profile.h"

namespace oci_immutable {
namespace {

// What runc 1.1 sends (json.Marshal of specs.ContainerProcessState).
constexpr std::string_view kRunc =
    R"({"ociVersion":"1.0.2-dev","fds":["seccompFd"],"pid":4242,"metadata":"oci-immutable",)"
    R"("state":{"ociVersion":"1.0.2-dev","id":"web-0-nginx","status":"creating","pid":4242,)"
    R"("bundle":"/run/bundle","annotations":{"io.kubernetes.pod.name":"web-0",)"
    R"("io.kubernetes.pod.namespace":"shop","io.kubernetes.container.name":"nginx"}}})";

// What crun 1.8 sends (yajl, beautified; its own "0.2.0" version).
constexpr std::string_view kCrun = R"({
    "ociVersion": "0.2.0",
    "fds": [
        "seccompFd"
    ],
    "pid": 777,
    "metadata": "oci-immutable",
    "state": {
        "ociVersion": "0.2.0",
        "id": "c1",
        "status": "creating",
        "pid": 777,
        "bundle": "/b"
    }
})";

TEST(ProcessStateTest, ParsesRunc) {
  Result<ProcessState> s = ParseProcessState(kRunc);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->pid, 4242);
  EXPECT_EQ(s->metadata, "oci-immutable");
  EXPECT_EQ(s->container_id, "web-0-nginx");
  EXPECT_EQ(s->status, "creating");
  EXPECT_EQ(s->seccomp_fd_index, 0u);
  EXPECT_EQ(s->annotations.at("io.kubernetes.pod.namespace"), "shop");
}

TEST(ProcessStateTest, ParsesCrun) {
  Result<ProcessState> s = ParseProcessState(kCrun);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->pid, 777);
  EXPECT_EQ(s->container_id, "c1");
  EXPECT_EQ(s->oci_version, "0.2.0");
  EXPECT_TRUE(s->annotations.empty());
}

// crun 1.8 sends pid 0 for the processes of `crun exec`.
TEST(ProcessStateTest, PidZeroIsUnknown) {
  Result<ProcessState> s = ParseProcessState(
      R"({"ociVersion":"0.2.0","fds":["seccompFd"],"pid":0,"metadata":"oci-immutable",)"
      R"("state":{"ociVersion":"0.2.0","id":"c1","status":"running","pid":0,"bundle":"/b"}})");
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->pid, 0);
  EXPECT_EQ(s->status, "running");
}

TEST(ProcessStateTest, FdIndexAndUnknownMembers) {
  Result<ProcessState> s = ParseProcessState(
      R"({"fds":["other","seccompFd"],"pid":1,"x-new":{"a":[1]},"state":{"id":"a","y":true}})");
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->seccomp_fd_index, 1u);
  EXPECT_EQ(s->metadata, "");
}

TEST(ProcessStateTest, RefusesHostileInput) {
  const std::string deep = std::string(100, '[') + std::string(100, ']');
  const std::string huge = R"({"fds":["seccompFd"],"pid":1,"state":{"id":")" +
                           std::string(kMaxProcessStateBytes, 'a') + "\"}}";
  const std::string long_id = R"({"fds":["seccompFd"],"pid":1,"state":{"id":")" +
                              std::string(kMaxContainerIdBytes + 1, 'a') + "\"}}";
  for (const std::string& text : {
           std::string(""), std::string("garbage"), std::string("\xff\xfe"), std::string("[]"),
           std::string("null"), std::string("{}"), deep, huge, long_id,
           std::string(R"({"fds":"seccompFd","pid":1,"state":{"id":"a"}})"),
           std::string(R"({"fds":[],"pid":1,"state":{"id":"a"}})"),
           std::string(R"({"fds":["x"],"pid":1,"state":{"id":"a"}})"),
           std::string(R"({"fds":["seccompFd","seccompFd"],"pid":1,"state":{"id":"a"}})"),
           std::string(R"({"fds":["a","b","c","d","seccompFd"],"pid":1,"state":{"id":"a"}})"),
           std::string(R"({"fds":[1],"pid":1,"state":{"id":"a"}})"),
           std::string(R"({"fds":["seccompFd"],"state":{"id":"a"}})"),
           std::string(R"({"fds":["seccompFd"],"pid":-5,"state":{"id":"a"}})"),
           std::string(R"({"fds":["seccompFd"],"pid":1.5,"state":{"id":"a"}})"),
           std::string(R"({"fds":["seccompFd"],"pid":"1","state":{"id":"a"}})"),
           std::string(R"({"fds":["seccompFd"],"pid":99999999999,"state":{"id":"a"}})"),
           std::string(R"({"fds":["seccompFd"],"pid":1})"),
           std::string(R"({"fds":["seccompFd"],"pid":1,"state":[]})"),
           std::string(R"({"fds":["seccompFd"],"pid":1,"state":{}})"),
           std::string(R"({"fds":["seccompFd"],"pid":1,"state":{"id":""}})"),
           std::string(R"({"fds":["seccompFd"],"pid":1,"state":{"id":7}})"),
           std::string(R"({"fds":["seccompFd"],"pid":1,"state":{"id":"a\u0000b"}})"),
           std::string(R"({"fds":["seccompFd"],"pid":1,"state":{"id":"a","annotations":{"k":1}}})"),
           std::string(R"({"fds":["seccompFd"],"pid":1,"metadata":5,"state":{"id":"a"}})"),
           std::string(R"({"fds":["seccompFd"],"pid":1,"state":{"id":"a"}} trailing)"),
           std::string(R"({"fds":["seccompFd"],"pid":1,"pid":2,"state":{"id":"a"}})"),
       }) {
    EXPECT_FALSE(ParseProcessState(text).ok()) << text.substr(0, 120);
  }
}

TEST(ProcessStateTest, WholeDocumentOrNot) {
  EXPECT_TRUE(IsJsonDocument(kRunc));
  EXPECT_TRUE(IsJsonDocument(R"({"pid":-1})"));
  EXPECT_FALSE(IsJsonDocument(kRunc.substr(0, kRunc.size() - 1)));
  EXPECT_FALSE(IsJsonDocument("{\"a\": \"}"));
}

TEST(SyscallArgsTest, TableCoversTheDenyListInOrder) {
  const auto& table = SyscallArgsTable();
  const auto& deny = ImmutabilityDenyList();
  ASSERT_EQ(table.size(), deny.size());
  for (size_t i = 0; i < deny.size(); ++i) {
    EXPECT_EQ(table[i].name, deny[i]);
    EXPECT_NE(seccomp_syscall_resolve_name(std::string(table[i].name).c_str()), __NR_SCMP_ERROR);
    for (int arg : {table[i].target, table[i].source, table[i].fstype, table[i].flags, table[i].fd}) {
      EXPECT_GE(arg, kNoArg);
      EXPECT_LE(arg, 5);
    }
  }
  EXPECT_EQ(FindSyscallArgs("getpid"), nullptr);
}

// A fake address space: address -> string.
StringReader Memory(std::map<uint64_t, std::string> strings) {
  return [strings](uint64_t address) -> std::optional<std::string> {
    auto it = strings.find(address);
    if (it == strings.end()) return std::nullopt;
    return it->second;
  };
}

TEST(SyscallArgsTest, DecodesMount) {
  const uint64_t args[6] = {0x1000, 0x2000, 0x3000, 0x8000000000000021ull, 0, 0};
  Attempt a = DecodeAttempt("mount", args, Memory({{0x1000, "x"}, {0x2000, "/mnt-3"},
                                                   {0x3000, "tmpfs"}}));
  EXPECT_EQ(a.syscall, "mount");
  EXPECT_EQ(a.violation, kMountAttempt);
  EXPECT_EQ(a.target, "/mnt-3");
  EXPECT_EQ(a.source, "x");
  EXPECT_EQ(a.fstype, "tmpfs");
  EXPECT_EQ(a.flags, "0x8000000000000021");  // unsigned long: all 64 bits
  EXPECT_FALSE(a.fd.has_value());
}

TEST(SyscallArgsTest, NullAndUnreadablePointers) {
  // mount(NULL, "/", NULL, MS_REMOUNT|MS_BIND, NULL): the remount escape.
  const uint64_t remount[6] = {0, 0x2000, 0, 0x1020, 0, 0};
  Attempt a = DecodeAttempt("mount", remount, Memory({{0x2000, "/"}}));
  EXPECT_EQ(a.target, "/");
  EXPECT_FALSE(a.source.has_value());
  EXPECT_FALSE(a.fstype.has_value());
  EXPECT_EQ(a.flags, "0x1020");
  const uint64_t bad[6] = {0xdead, 0, 0, 0, 0, 0};
  EXPECT_EQ(DecodeAttempt("umount2", bad, Memory({})).target, std::string(kUnreadable));
}

TEST(SyscallArgsTest, IntFlagsAndDirfds) {
  // umount2(target, MNT_DETACH) with garbage in the upper half of the register.
  const uint64_t umount[6] = {0x10, 0xffffffff00000002ull, 0, 0, 0, 0};
  Attempt u = DecodeAttempt("umount2", umount, Memory({{0x10, "/proc/sys"}}));
  EXPECT_EQ(u.target, "/proc/sys");
  EXPECT_EQ(u.flags, "0x2");
  // open_tree(AT_FDCWD, "/proc", OPEN_TREE_CLONE|O_CLOEXEC): no fd in the record.
  const uint64_t tree[6] = {static_cast<uint32_t>(AT_FDCWD), 0x20, 0x80001, 0, 0, 0};
  Attempt t = DecodeAttempt("open_tree", tree, Memory({{0x20, "/proc"}}));
  EXPECT_EQ(t.target, "/proc");
  EXPECT_EQ(t.flags, "0x80001");
  EXPECT_FALSE(t.fd.has_value());
  // move_mount(3, "", AT_FDCWD, "/dev/shm/x", MOVE_MOUNT_F_EMPTY_PATH)
  const uint64_t move[6] = {3, 0x30, static_cast<uint32_t>(AT_FDCWD), 0x40, 4, 0};
  Attempt m = DecodeAttempt("move_mount", move, Memory({{0x30, ""}, {0x40, "/dev/shm/x"}}));
  EXPECT_EQ(m.target, "/dev/shm/x");
  EXPECT_EQ(m.source, "");
  EXPECT_EQ(m.flags, "0x4");
  // mount_setattr(5, "", AT_EMPTY_PATH, ...): relative to fd 5.
  const uint64_t setattr[6] = {5, 0x50, 0x1000, 0x60, 32, 0};
  Attempt s = DecodeAttempt("mount_setattr", setattr, Memory({{0x50, ""}}));
  EXPECT_EQ(s.fd, 5);
  EXPECT_EQ(s.target, "");
  // fsopen("proc", 0): the file system type, no target.
  const uint64_t fsopen[6] = {0x70, 0, 0, 0, 0, 0};
  Attempt f = DecodeAttempt("fsopen", fsopen, Memory({{0x70, "proc"}}));
  EXPECT_EQ(f.fstype, "proc");
  EXPECT_FALSE(f.target.has_value());
  // open_by_handle_at(mount_fd, handle, flags): the fd, never a path.
  const uint64_t handle[6] = {7, 0x80, 0x10000, 0, 0, 0};
  Attempt h = DecodeAttempt("open_by_handle_at", handle, Memory({}));
  EXPECT_EQ(h.fd, 7);
  EXPECT_FALSE(h.target.has_value());
  EXPECT_EQ(h.violation, kMountAttempt);
  const uint64_t none[6] = {0, 0, 0, 0, 0, 0};
  EXPECT_EQ(DecodeAttempt("finit_module", none, Memory({})).violation, kKernelAttempt);
  EXPECT_EQ(DecodeAttempt("kexec_load", none, Memory({})).violation, kKernelAttempt);
}

TEST(SyscallArgsTest, UnknownSyscallAndEscaping) {
  const uint64_t args[6] = {};
  Attempt a = DecodeAttempt("syscall-999", args, Memory({}));
  EXPECT_EQ(a.violation, kSyscallAttempt);
  EXPECT_FALSE(a.target.has_value());
  const uint64_t umount[6] = {0x10, 0, 0, 0, 0, 0};
  Attempt e = DecodeAttempt("umount2", umount,
                            Memory({{0x10, std::string("/a\n\x1b[31m\\\xc3\xa9\"", 12)}}));
  EXPECT_EQ(e.target, "/a\\x0a\\x1b[31m\\x5c\\xc3\\xa9\"");
  EXPECT_EQ(EscapeBytes(std::string("\0", 1)), "\\x00");
}

TEST(AttemptRecordTest, Fields) {
  AttemptOrigin origin;
  origin.container_id = "web\"0\n";
  origin.identity = {"shop", "web-0", "nginx", false};
  origin.pid = 31337;
  const uint64_t args[6] = {0, 0x10, 0, 0x1020, 0, 0};
  Attempt a = DecodeAttempt("mount", args, Memory({{0x10, "/"}}));
  const std::string line = AttemptRecord(origin, timespec{1795305166, 935000000}, a);
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);  // one line whatever the id holds
  Result<Json> r = ParseJson(line);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(WriteJson(*r), R"({"time":"2026-11-21T23:52:46.935Z","source":"monitor",)"
                           R"("container_id":"web\"0\n","violation":"mount-attempt",)"
                           R"("action":"denied","syscall":"mount","target":"/","flags":"0x1020",)"
                           R"("pid":31337,"namespace":"shop","pod":"web-0","container":"nginx"})");
  origin.identity = {"", "", "", true};
  Result<Json> c = ParseJson(AttemptRecord(origin, timespec{}, a));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->Find("namespace"), nullptr);
  ASSERT_NE(c->Find("identity_conflict"), nullptr);
  EXPECT_TRUE(c->Find("identity_conflict")->bool_value());
}

TEST(MonitorCliTest, Arguments) {
  auto parse = [](std::vector<std::string_view> a) { return ParseMonitorArgs(a); };
  EXPECT_FALSE(parse({})->config.has_value());
  EXPECT_EQ(*parse({"--config", "/p.json"})->config, "/p.json");
  EXPECT_EQ(*parse({"--config=/q.json"})->config, "/q.json");
  EXPECT_TRUE(parse({"--help"})->help);
  EXPECT_TRUE(parse({"--version"})->version);
  EXPECT_FALSE(parse({"--config"}).ok());
  EXPECT_FALSE(parse({"--config="}).ok());
  EXPECT_FALSE(parse({"--config", "a", "--config", "b"}).ok());
  EXPECT_FALSE(parse({"run"}).ok());
}

}  // namespace
}  // namespace oci_immutable
