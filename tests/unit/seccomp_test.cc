#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "json/json.h"
#include "seccomp/actions.h"
#include "seccomp/filter.h"
#include "seccomp/profile.h"

namespace oci_immutable {
namespace {

Json Parse(std::string_view text) {
  Result<Json> doc = ParseJson(text);
  EXPECT_TRUE(doc.ok()) << doc.error().ToString();
  return doc.ok() ? *doc : Json();
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

Json Merged(const Json* existing, SeccompMergeReport* report = nullptr) {
  Result<Json> merged = MergeDenyRules(existing, report);
  EXPECT_TRUE(merged.ok()) << merged.error().ToString();
  return merged.ok() ? *merged : Json();
}

TEST(SeccompTest, DenyListNamesResolveInLibseccomp) {
  const auto& list = ImmutabilityDenyList();
  for (std::string_view name : list) {
    EXPECT_NE(seccomp_syscall_resolve_name(std::string(name).c_str()), __NR_SCMP_ERROR) << name;
  }
  // The native numbers are the kernel's.
  EXPECT_EQ(seccomp_syscall_resolve_name("mount"), SYS_mount);
  EXPECT_EQ(seccomp_syscall_resolve_name("umount2"), SYS_umount2);
  EXPECT_EQ(seccomp_syscall_resolve_name("pivot_root"), SYS_pivot_root);
  EXPECT_EQ(seccomp_syscall_resolve_name("open_by_handle_at"), SYS_open_by_handle_at);
  EXPECT_EQ(seccomp_syscall_resolve_name("mount_setattr"), SYS_mount_setattr);
  EXPECT_EQ(seccomp_syscall_resolve_name("open_tree"), SYS_open_tree);
  EXPECT_EQ(seccomp_syscall_resolve_name("move_mount"), SYS_move_mount);
  EXPECT_EQ(seccomp_syscall_resolve_name("fsopen"), SYS_fsopen);
  EXPECT_EQ(seccomp_syscall_resolve_name("fsconfig"), SYS_fsconfig);
  EXPECT_EQ(seccomp_syscall_resolve_name("fsmount"), SYS_fsmount);
  EXPECT_EQ(seccomp_syscall_resolve_name("fspick"), SYS_fspick);
  EXPECT_EQ(seccomp_syscall_resolve_name("init_module"), SYS_init_module);
  EXPECT_EQ(seccomp_syscall_resolve_name("finit_module"), SYS_finit_module);
  EXPECT_EQ(seccomp_syscall_resolve_name("kexec_load"), SYS_kexec_load);

  // Every call that changes the mount table or reaches around it is listed, once.
  for (std::string_view must :
       {"mount", "umount2", "pivot_root", "move_mount", "open_tree", "fsopen", "fsconfig",
        "fsmount", "fspick", "mount_setattr", "open_by_handle_at", "init_module", "finit_module",
        "kexec_load", "kexec_file_load"}) {
    EXPECT_NE(std::find(list.begin(), list.end(), must), list.end()) << must;
  }
  EXPECT_EQ(std::set<std::string_view>(list.begin(), list.end()).size(), list.size());
}

TEST(SeccompTest, ActionDenies) {
  for (std::string_view deny : {"SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
                                "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP"}) {
    EXPECT_EQ(ActionDenies(deny), true) << deny;
  }
  for (std::string_view allow :
       {"SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_TRACE", "SCMP_ACT_NOTIFY"}) {
    EXPECT_EQ(ActionDenies(allow), false) << allow;
  }
  for (std::string_view unknown : {"", "ALLOW", "scmp_act_allow", "SCMP_ACT_ERRNO ", "SCMP_ACT_"}) {
    EXPECT_EQ(ActionDenies(unknown), std::nullopt) << unknown;
  }
}

TEST(SeccompTest, ActionValue) {
  EXPECT_EQ(ActionValue("SCMP_ACT_ALLOW", std::nullopt), SCMP_ACT_ALLOW);
  EXPECT_EQ(ActionValue("SCMP_ACT_ERRNO", std::nullopt), SCMP_ACT_ERRNO(EPERM));
  EXPECT_EQ(ActionValue("SCMP_ACT_ERRNO", 38), SCMP_ACT_ERRNO(38));
  EXPECT_EQ(ActionValue("SCMP_ACT_ERRNO", 0), SCMP_ACT_ERRNO(0));
  EXPECT_EQ(ActionValue("SCMP_ACT_KILL", std::nullopt), SCMP_ACT_KILL_THREAD);
  EXPECT_EQ(ActionValue("SCMP_ACT_KILL_THREAD", std::nullopt), SCMP_ACT_KILL_THREAD);
  EXPECT_EQ(ActionValue("SCMP_ACT_KILL_PROCESS", std::nullopt), SCMP_ACT_KILL_PROCESS);
  EXPECT_EQ(ActionValue("SCMP_ACT_TRAP", std::nullopt), SCMP_ACT_TRAP);
  EXPECT_EQ(ActionValue("SCMP_ACT_LOG", std::nullopt), SCMP_ACT_LOG);
  EXPECT_EQ(ActionValue("SCMP_ACT_TRACE", 5), SCMP_ACT_TRACE(5));
  EXPECT_EQ(ActionValue("SCMP_ACT_NOTIFY", std::nullopt), SCMP_ACT_NOTIFY);
  EXPECT_EQ(ActionValue("SCMP_ACT_BOGUS", std::nullopt), std::nullopt);
  EXPECT_EQ(ActionValue("", 1), std::nullopt);
  // Every action ActionDenies knows has a value.
  for (std::string_view a : {"SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
                             "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ALLOW",
                             "SCMP_ACT_LOG", "SCMP_ACT_TRACE", "SCMP_ACT_NOTIFY"}) {
    EXPECT_TRUE(ActionValue(a, std::nullopt).has_value()) << a;
  }
}

TEST(SeccompTest, ArchToken) {
  EXPECT_EQ(ArchToken("SCMP_ARCH_X86_64"), SCMP_ARCH_X86_64);
  EXPECT_EQ(ArchToken("SCMP_ARCH_X86"), SCMP_ARCH_X86);
  EXPECT_EQ(ArchToken("SCMP_ARCH_X32"), SCMP_ARCH_X32);
  EXPECT_EQ(ArchToken("SCMP_ARCH_AARCH64"), SCMP_ARCH_AARCH64);
  EXPECT_EQ(ArchToken("SCMP_ARCH_ARM"), SCMP_ARCH_ARM);
  EXPECT_EQ(ArchToken("SCMP_ARCH_PPC64LE"), SCMP_ARCH_PPC64LE);
  EXPECT_EQ(ArchToken("SCMP_ARCH_S390X"), SCMP_ARCH_S390X);
  EXPECT_EQ(ArchToken("SCMP_ARCH_S390"), SCMP_ARCH_S390);
  EXPECT_EQ(ArchToken("SCMP_ARCH_MIPSEL64"), SCMP_ARCH_MIPSEL64);
  EXPECT_EQ(ArchToken("SCMP_ARCH_MIPS64N32"), SCMP_ARCH_MIPS64N32);
  EXPECT_EQ(ArchToken("SCMP_ARCH_RISCV64"), SCMP_ARCH_RISCV64);
  EXPECT_EQ(ArchToken("SCMP_ARCH_VAX"), 0u);
  EXPECT_EQ(ArchToken("x86_64"), 0u);
  EXPECT_EQ(ArchToken("SCMP_ARCH_"), 0u);
  EXPECT_EQ(ArchToken(""), 0u);

  const std::vector<std::string> native = NativeArchitectures();
  ASSERT_FALSE(native.empty());
  EXPECT_EQ(ArchToken(native[0]), seccomp_arch_native());
  for (const std::string& a : native) EXPECT_NE(ArchToken(a), 0u) << a;
}

TEST(SeccompTest, MergeIntoNothing) {
  SeccompMergeReport report;
  Json profile = Merged(nullptr, &report);
  EXPECT_EQ(profile.Find("defaultAction")->string_value(), "SCMP_ACT_ALLOW");
  EXPECT_EQ(Strings(profile.Find("architectures")), NativeArchitectures());
  const Json* syscalls = profile.Find("syscalls");
  ASSERT_NE(syscalls, nullptr);
  ASSERT_EQ(syscalls->array().size(), 1u);
  const Json& rule = syscalls->array()[0];
  EXPECT_EQ(Strings(rule.Find("names")), DenyList());
  EXPECT_EQ(rule.Find("action")->string_value(), "SCMP_ACT_ERRNO");
  EXPECT_EQ(rule.Find("errnoRet")->AsInt(), EPERM);
  EXPECT_EQ(report.added, DenyList());
  EXPECT_TRUE(report.taken_from.empty());
  EXPECT_TRUE(DeniesAll(profile));

  // A null member is no profile.
  Json null_profile;
  EXPECT_EQ(Merged(&null_profile), profile);

  // Merging again changes nothing.
  SeccompMergeReport again;
  EXPECT_EQ(Merged(&profile, &again), profile);
  EXPECT_TRUE(again.added.empty());
  EXPECT_TRUE(again.taken_from.empty());
}

TEST(SeccompTest, MergeKeepsNamesOutsideTheList) {
  const Json in = Parse(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
      {"names":["chmod","mount","fchmod"],"action":"SCMP_ACT_LOG"},
      {"names":["fsopen"],"action":"SCMP_ACT_TRACE"},
      {"names":["fspick","unshare"],"action":"SCMP_ACT_NOTIFY"}]})");
  SeccompMergeReport report;
  Json out = Merged(&in, &report);
  const Json::Array& rules = out.Find("syscalls")->array();
  ASSERT_EQ(rules.size(), 3u);  // the fsopen rule had nothing else and is gone
  EXPECT_EQ(Strings(rules[0].Find("names")), (std::vector<std::string>{"chmod", "fchmod"}));
  EXPECT_EQ(Strings(rules[1].Find("names")), std::vector<std::string>{"unshare"});
  EXPECT_EQ(Strings(rules[2].Find("names")), DenyList());
  EXPECT_EQ(report.taken_from, (std::vector<std::string>{"mount", "fsopen", "fspick"}));
  EXPECT_FALSE(DeniesAll(in));
  EXPECT_TRUE(DeniesAll(out));
}

TEST(SeccompTest, MalformedProfilesAreErrors) {
  struct Case {
    std::string_view profile;
    std::string_view message;  // a part of the error
  };
  const std::vector<Case> cases = {
      {R"({"defaultAction":"SCMP_ACT_BOGUS"})", "unknown action SCMP_ACT_BOGUS"},
      {R"({"syscalls":[]})", "defaultAction: missing"},
      {R"({"defaultAction":null})", "defaultAction: missing"},
      {R"({"defaultAction":1})", "defaultAction"},
      {R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_VAX"]})",
       "unknown SCMP_ARCH_VAX"},
      {R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":"SCMP_ARCH_X86_64"})",
       "architectures"},
      {R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":{"names":["mount"]}})", "syscalls"},
      {R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":"mount"})", "syscalls"},
      {R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[7]})", "syscalls[0]"},
      {R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mount"],"action":"ALLOW"}]})",
       "syscalls[0].action: unknown action ALLOW"},
      {R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mount"]}]})",
       "syscalls[0].action"},
      {R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":"mount","action":"SCMP_ACT_ALLOW"}]})",
       "syscalls[0]"},
      {R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":[1],"action":"SCMP_ACT_ALLOW"}]})",
       "syscalls[0]"},
      {R"([])", "linux.seccomp"},
      {R"("SCMP_ACT_ALLOW")", "linux.seccomp"},
  };
  for (const Case& c : cases) {
    const Json profile = Parse(c.profile);
    Result<Json> merged = MergeDenyRules(&profile);
    ASSERT_FALSE(merged.ok()) << c.profile;
    EXPECT_NE(merged.error().message().find(c.message), std::string::npos)
        << c.profile << " -> " << merged.error().message();
    EXPECT_FALSE(DeniesAll(profile)) << c.profile;
  }
}

TEST(SeccompTest, CompileProfileErrors) {
  for (std::string_view profile :
       {R"({"defaultAction":"SCMP_ACT_BOGUS"})", R"({})",
        R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_VAX"]})",
        R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"NOPE"}]})",
        R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],
            "action":"SCMP_ACT_ERRNO","args":[{"index":9,"value":0,"op":"SCMP_CMP_EQ"}]}]})",
        R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],
            "action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":0,"op":"SCMP_CMP_LIKE"}]}]})",
        R"([])"}) {
    EXPECT_FALSE(CompileProfile(Parse(profile)).ok()) << profile;
  }
}

// A docker-like profile for a container with CAP_SYS_ADMIN: everything not
// listed is denied, and the list allows the mount calls too.
std::string DockerLikeProfile() {
  std::vector<std::string> allowed = {
      "accept", "accept4", "access", "arch_prctl", "bind", "brk", "capget", "capset", "chdir",
      "chmod", "chown", "clock_getres", "clock_gettime", "clock_nanosleep", "clone", "clone3",
      "close", "close_range", "connect", "dup", "dup2", "dup3", "epoll_create1", "epoll_ctl",
      "epoll_pwait", "epoll_wait", "eventfd2", "execve", "execveat", "exit", "exit_group",
      "faccessat", "faccessat2", "fadvise64", "fchdir", "fchmod", "fchmodat", "fchown",
      "fchownat", "fcntl", "fdatasync", "flock", "fork", "fstat", "fstatfs", "fsync",
      "ftruncate", "futex", "getcwd", "getdents64", "getegid", "geteuid", "getgid", "getpgid",
      "getpid", "getppid", "getrandom", "getrlimit", "getsockname", "getsockopt", "gettid",
      "gettimeofday", "getuid", "ioctl", "kill", "lchown", "link", "linkat", "listen", "lseek",
      "lstat", "madvise", "membarrier", "memfd_create", "mkdir", "mkdirat", "mknod", "mknodat",
      "mlock", "mmap", "mprotect", "mremap", "munmap", "nanosleep", "newfstatat", "open",
      "openat", "openat2", "pipe", "pipe2", "poll", "ppoll", "prctl", "pread64", "prlimit64",
      "pselect6", "pwrite64", "read", "readlink", "readlinkat", "readv", "recvfrom", "recvmsg",
      "rename", "renameat", "renameat2", "restart_syscall", "rmdir", "rseq", "rt_sigaction",
      "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend",
      "rt_sigtimedwait", "sched_getaffinity", "sched_yield", "select", "sendmsg", "sendto",
      "set_robust_list", "set_tid_address", "setgid", "setgroups", "setns", "setsid",
      "setsockopt", "setuid", "sigaltstack", "socket", "socketpair", "stat", "statfs", "statx",
      "symlink", "symlinkat", "sysinfo", "tgkill", "umask", "uname", "unlink", "unlinkat",
      "unshare", "utimensat", "vfork", "wait4", "waitid", "write", "writev",
  };
  // What docker adds for CAP_SYS_ADMIN, CAP_SYS_MODULE, CAP_SYS_BOOT and
  // CAP_DAC_READ_SEARCH: the very calls on the deny list.
  for (std::string_view n : ImmutabilityDenyList()) allowed.emplace_back(n);
  std::string names;
  for (const std::string& n : allowed) names += (names.empty() ? "\"" : ",\"") + n + "\"";
  std::string arches;
  for (const std::string& a : NativeArchitectures()) {
    arches += (arches.empty() ? "\"" : ",\"") + a + "\"";
  }
  return R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"architectures":[)" + arches +
         R"(],"syscalls":[{"names":[)" + names +
         R"(],"action":"SCMP_ACT_ALLOW"},{"names":["personality"],"action":"SCMP_ACT_ALLOW",
         "args":[{"index":0,"value":0,"op":"SCMP_CMP_EQ"}]}]})";
}

TEST(SeccompTest, MergeDockerLikeProfile) {
  const Json in = Parse(DockerLikeProfile());
  SeccompMergeReport report;
  Json out = Merged(&in, &report);
  EXPECT_TRUE(report.added.empty());  // the default denies
  EXPECT_EQ(report.taken_from, DenyList());
  const Json::Array& rules = out.Find("syscalls")->array();
  ASSERT_EQ(rules.size(), 2u);
  std::vector<std::string> names = Strings(rules[0].Find("names"));
  EXPECT_NE(std::find(names.begin(), names.end(), "read"), names.end());
  for (const std::string& n : DenyList()) {
    EXPECT_EQ(std::find(names.begin(), names.end(), n), names.end()) << n;
  }
  EXPECT_EQ(rules[1], in.Find("syscalls")->array()[1]);
  EXPECT_TRUE(CompileProfile(out).ok());
  EXPECT_FALSE(DeniesAll(in));
  EXPECT_TRUE(DeniesAll(out));
}

TEST(SeccompTest, CompileMergedProfiles) {
  Json nothing = Merged(nullptr);
  Result<SeccompFilter> filter = CompileProfile(nothing);
  ASSERT_TRUE(filter.ok()) << filter.error().ToString();
  EXPECT_NE(filter->get(), nullptr);
  for (std::string_view profile :
       {R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86",
            "SCMP_ARCH_X32","SCMP_ARCH_AARCH64","SCMP_ARCH_ARM"],
            "syscalls":[{"names":["mount","chmod","no_such_call_at_all"],"action":"SCMP_ACT_ALLOW"}]})",
        R"({"defaultAction":"SCMP_ACT_LOG","syscalls":[{"names":["mount"],"action":"SCMP_ACT_ERRNO",
            "args":[{"index":3,"value":1,"valueTwo":1,"op":"SCMP_CMP_MASKED_EQ"}]}]})",
        R"({"defaultAction":"SCMP_ACT_KILL_PROCESS","syscalls":[
            {"names":["read","write","exit_group","mount"],"action":"SCMP_ACT_ALLOW"}]})"}) {
    const Json in = Parse(profile);
    Json out = Merged(&in);
    Result<SeccompFilter> f = CompileProfile(out);
    EXPECT_TRUE(f.ok()) << profile << (f.ok() ? "" : " -> " + f.error().ToString());
  }
}

// --- The filter at work, in a child process so the test runner stays free.

struct Outcome {
  long rc = 0;
  int err = 0;
};

void Record(std::string& out, const char* name, long rc) {
  const int err = rc < 0 ? errno : 0;
  out += std::string(name) + " " + std::to_string(rc) + " " + std::to_string(err) + "\n";
}

// Paths that exist nowhere, so that a call the filter failed to stop errs
// harmlessly (these tests may run as root with every capability).
constexpr const char* kMissing = "/nonexistent-oci-immutable-test/dir";

// The calls the deny list must stop. Each argument list fails harmlessly
// (ENOENT, EBADF, EINVAL, EFAULT) should the call get through.
void DeniedProbes(std::string& out) {
  Record(out, "mount", ::mount("none", kMissing, "tmpfs", 0, nullptr));
  Record(out, "umount2", ::umount2(kMissing, 0));
  Record(out, "mount_setattr", ::syscall(SYS_mount_setattr, -1, "", 0, nullptr, 0));
  Record(out, "open_tree", ::syscall(SYS_open_tree, AT_FDCWD, kMissing, 0));
  {
    errno = 0;
    long fd = ::syscall(SYS_fsopen, "tmpfs", 0);
    Record(out, "fsopen", fd);
    if (fd >= 0) ::close(static_cast<int>(fd));
  }
  Record(out, "fsconfig", ::syscall(SYS_fsconfig, -1, 0, nullptr, nullptr, 0));
  Record(out, "fsmount", ::syscall(SYS_fsmount, -1, 0, 0));
  Record(out, "fspick", ::syscall(SYS_fspick, -1, kMissing, 0));
  Record(out, "move_mount", ::syscall(SYS_move_mount, -1, kMissing, -1, kMissing, 0));
  Record(out, "open_by_handle_at", ::syscall(SYS_open_by_handle_at, -1, nullptr, O_RDONLY));
  Record(out, "pivot_root", ::syscall(SYS_pivot_root, kMissing, kMissing));
  Record(out, "init_module", ::syscall(SYS_init_module, nullptr, 0UL, ""));
  Record(out, "finit_module", ::syscall(SYS_finit_module, -1, "", 0));
  Record(out, "delete_module",
         ::syscall(SYS_delete_module, "oci_immutable_no_such_module", O_NONBLOCK));
  // Flag 0x8000 is undefined: EINVAL, never a load or an unload.
  Record(out, "kexec_load", ::syscall(SYS_kexec_load, 0UL, 0UL, nullptr, 0x8000UL));
  Record(out, "kexec_file_load", ::syscall(SYS_kexec_file_load, -1, -1, 0UL, "", 0x8000UL));
}

const std::vector<std::string>& DeniedProbeNames() {
  static const std::vector<std::string> kNames = {
      "mount",          "umount2",      "mount_setattr", "open_tree",     "fsopen",
      "fsconfig",       "fsmount",      "fspick",        "move_mount",    "open_by_handle_at",
      "pivot_root",     "init_module",  "finit_module",  "delete_module", "kexec_load",
      "kexec_file_load"};
  return kNames;
}

// Calls an ordinary program makes; they must keep working.
void AllowedProbes(std::string& out, const std::string& scratch) {
  Record(out, "getpid", ::getpid());
  int fd = ::open("/proc/self/status", O_RDONLY | O_CLOEXEC);
  Record(out, "open", fd);
  if (fd >= 0) {
    char buf[8192];
    ssize_t n = ::read(fd, buf, sizeof buf - 1);
    Record(out, "read", n);
    if (n > 0) {
      buf[n] = '\0';
      // 2: SECCOMP_MODE_FILTER, so the filter is really in place.
      const char* line = std::strstr(buf, "\nSeccomp:");
      Record(out, "seccomp_mode", line ? std::strtol(line + 9, nullptr, 10) : -1);
    }
    ::close(fd);
  }
  int p[2];
  Record(out, "pipe2", ::pipe2(p, O_CLOEXEC));
  Record(out, "write_pipe", ::write(p[1], "x", 1));
  char c = 0;
  Record(out, "read_pipe", ::read(p[0], &c, 1));
  ::close(p[0]);
  ::close(p[1]);
  Record(out, "mkdir", ::mkdir((scratch + "/made-under-seccomp").c_str(), 0700));
}

struct ChildReport {
  bool ok = false;
  std::string error;
  std::map<std::string, Outcome> outcomes;
};

// Forks; the child compiles `profile`, sets no_new_privs, loads the filter and
// runs the probes; the parent reads what happened.
ChildReport RunUnderFilter(const Json& profile, const std::string& scratch) {
  ChildReport report;
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) {
    report.error = "pipe2 failed";
    return report;
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    report.error = "fork failed";
    return report;
  }
  if (pid == 0) {
    ::close(p[0]);
    std::string out;
    int code = 0;
    Result<SeccompFilter> filter = CompileProfile(profile);
    if (!filter.ok()) {
      out = "error compile: " + filter.error().ToString() + "\n";
      code = 3;
    } else if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
      out = "error prctl\n";
      code = 4;
    } else if (Status s = LoadFilter(*filter); !s.ok()) {
      out = "error load: " + s.error().ToString() + "\n";
      code = 5;
    } else {
      DeniedProbes(out);
      AllowedProbes(out, scratch);
    }
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n = ::write(p[1], out.data() + done, out.size() - done);
      if (n <= 0) ::_exit(6);
      done += static_cast<size_t>(n);
    }
    ::_exit(code);
  }
  ::close(p[1]);
  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(p[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(p[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    report.error = "child failed (status " + std::to_string(status) + "): " + text;
    return report;
  }
  std::istringstream lines(text);
  std::string name;
  Outcome o;
  while (lines >> name >> o.rc >> o.err) report.outcomes[name] = o;
  report.ok = true;
  return report;
}

class SeccompFilterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/oci-immutable-seccomp-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    scratch_ = tmpl;
  }
  void TearDown() override {
    ::rmdir((scratch_ + "/made-under-seccomp").c_str());
    ::rmdir(scratch_.c_str());
  }

  void ExpectAllowedWork(const ChildReport& r) {
    for (const char* name : {"getpid", "open", "read", "pipe2", "mkdir"}) {
      auto it = r.outcomes.find(name);
      ASSERT_NE(it, r.outcomes.end()) << name;
      EXPECT_GE(it->second.rc, 0) << name << " errno " << it->second.err;
    }
    EXPECT_EQ(r.outcomes.at("write_pipe").rc, 1);
    EXPECT_EQ(r.outcomes.at("read_pipe").rc, 1);
    EXPECT_EQ(r.outcomes.at("seccomp_mode").rc, 2);
    struct stat st;
    EXPECT_EQ(::stat((scratch_ + "/made-under-seccomp").c_str(), &st), 0);
  }

  void ExpectDenied(const ChildReport& r, int err) {
    for (const std::string& name : DeniedProbeNames()) {
      auto it = r.outcomes.find(name);
      ASSERT_NE(it, r.outcomes.end()) << name;
      EXPECT_EQ(it->second.rc, -1) << name;
      EXPECT_EQ(it->second.err, err) << name << ": " << std::strerror(it->second.err);
    }
  }

  std::string scratch_;
};

// The profile the wrapper writes for a privileged container without one.
TEST_F(SeccompFilterTest, MergedProfileDeniesMountCallsAndNothingElse) {
  const Json profile = Merged(nullptr);
  ChildReport r = RunUnderFilter(profile, scratch_);
  ASSERT_TRUE(r.ok) << r.error;
  ExpectDenied(r, EPERM);
  ExpectAllowedWork(r);
}

// The same profile with a tell-tale errno: each call is stopped by the filter
// itself, not by a permission check of the kernel (which says EPERM too when
// the tests run without capabilities).
TEST_F(SeccompFilterTest, EachDeniedCallIsStoppedByTheFilter) {
  Json profile = Merged(nullptr);
  Json& rule = profile.Find("syscalls")->array().back();
  rule.Set("errnoRet", Json::Int(EHWPOISON));
  ChildReport r = RunUnderFilter(profile, scratch_);
  ASSERT_TRUE(r.ok) << r.error;
  ExpectDenied(r, EHWPOISON);
  ExpectAllowedWork(r);
}

TEST_F(SeccompFilterTest, MergedDockerLikeProfile) {
  const Json in = Parse(DockerLikeProfile());
  const Json profile = Merged(&in);
  ChildReport r = RunUnderFilter(profile, scratch_);
  ASSERT_TRUE(r.ok) << r.error;
  ExpectDenied(r, EPERM);  // defaultErrnoRet
  ExpectAllowedWork(r);

  // With a tell-tale default errno: unmerged, the profile lets the calls
  // through (they fail in the kernel, if at all); merged, the filter stops them.
  Json telltale = in;
  telltale.Set("defaultErrnoRet", Json::Int(EHWPOISON));
  ChildReport before = RunUnderFilter(telltale, scratch_);
  ASSERT_TRUE(before.ok) << before.error;
  for (const std::string& name : DeniedProbeNames()) {
    EXPECT_NE(before.outcomes.at(name).err, EHWPOISON) << name;
  }
  ChildReport after = RunUnderFilter(Merged(&telltale), scratch_);
  ASSERT_TRUE(after.ok) << after.error;
  ExpectDenied(after, EHWPOISON);
  EXPECT_GE(after.outcomes.at("read").rc, 0);
}

TEST_F(SeccompFilterTest, MergedProfileWithAllowRuleForMount) {
  // Default allow and an explicit allow of mount: the merge takes mount out
  // of that rule and adds ours.
  const Json in = Parse(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
      {"names":["mount","umount2","fsopen","getpid"],"action":"SCMP_ACT_ALLOW"},
      {"names":["mount"],"action":"SCMP_ACT_ALLOW",
       "args":[{"index":3,"value":4096,"valueTwo":4096,"op":"SCMP_CMP_MASKED_EQ"}]}]})");
  const Json profile = Merged(&in);
  ChildReport r = RunUnderFilter(profile, scratch_);
  ASSERT_TRUE(r.ok) << r.error;
  ExpectDenied(r, EPERM);
  ExpectAllowedWork(r);
}

}  // namespace
}  // namespace oci_immutable
