#include "runtime/wrapper.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/path.h"
#include "log/record.h"
#include "log/sink.h"
#include "oci/spec.h"
#include "policy/policy_file.h"
#include "runtime/args.h"
#include "runtime/rewrite.h"
#include "sys/file.h"
#include "sys/unix_socket.h"

#ifndef OCI_IMMUTABLE_INSTALLED_HOOK
#define OCI_IMMUTABLE_INSTALLED_HOOK "/usr/libexec/oci/hooks.d/oci-immutable-hook"
#endif

namespace oci_immutable {
namespace {

std::optional<std::string> Env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

bool Executable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

Result<std::string> SelfPath() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n < 0) return ErrnoError("readlink /proc/self/exe");
  return std::string(buf, static_cast<size_t>(n));
}

bool SameFile(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

// OCI_IMMUTABLE_RUNTIME, else the policy's "runtime", else runc then crun on PATH.
Result<std::string> FindRuntime(const Policy& policy) {
  OI_ASSIGN_OR_RETURN(std::string self, SelfPath());
  std::optional<std::string> chosen = Env("OCI_IMMUTABLE_RUNTIME");
  if (!chosen && !policy.runtime.empty()) chosen = policy.runtime;
  if (chosen) {
    if (chosen->find('/') == std::string::npos) {
      return Error("OCI_IMMUTABLE_RUNTIME must be a path, not \"" + *chosen + "\"");
    }
    if (!Executable(*chosen)) return ErrnoError("runtime " + *chosen);
    if (SameFile(*chosen, self)) return Error("the runtime " + *chosen + " is this wrapper");
    return *chosen;
  }
  const std::string path = Env("PATH").value_or("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  for (const char* name : {"runc", "crun"}) {
    size_t i = 0;
    while (i <= path.size()) {
      size_t j = path.find(':', i);
      if (j == std::string::npos) j = path.size();
      const std::string candidate = path.substr(i, j - i) + "/" + name;
      i = j + 1;
      if (candidate.front() == '/' && Executable(candidate) && !SameFile(candidate, self)) {
        return candidate;
      }
    }
  }
  return Error("no runtime: set OCI_IMMUTABLE_RUNTIME, or install runc or crun on PATH");
}

// OCI_IMMUTABLE_HOOK, else the policy's "hook", else beside this executable,
// else the installed path.
Result<std::string> FindHook(const Policy& policy) {
  if (auto env = Env("OCI_IMMUTABLE_HOOK")) return *env;
  if (!policy.hook.empty()) return policy.hook;
  OI_ASSIGN_OR_RETURN(std::string self, SelfPath());
  const std::string beside = self.substr(0, self.rfind('/') + 1) + "oci-immutable-hook";
  if (Executable(beside)) return beside;
  return std::string(OCI_IMMUTABLE_INSTALLED_HOOK);
}

// Writes `text` over `path` atomically: a temporary file beside it with the
// same mode and owner, then rename, so the runtime reads the old spec or the
// new one, never part of one. No fsync: a bundle lives as long as its
// container (engines write it afresh for every create, most under /run), so
// surviving a power cut is worth nothing, and on a disk file system fsync
// was most of the wrapper's time (bench/results/RESULTS.md).
Status ReplaceFile(const std::string& path, const std::string& text) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return ErrnoError("stat " + path);
  std::string tmp = path + ".oci-immutable.XXXXXX";
  UniqueFd fd(::mkostemp(tmp.data(), O_CLOEXEC));
  if (!fd.valid()) return ErrnoError("create a temporary file beside " + path);
  auto fail = [&](std::string_view what) {
    Error e = ErrnoError(what);
    ::unlink(tmp.c_str());
    return e;
  };
  if (::fchmod(fd.get(), st.st_mode & 07777) != 0) return fail("fchmod " + tmp);
  if (::fchown(fd.get(), st.st_uid, st.st_gid) != 0) return fail("fchown " + tmp);
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("write " + tmp);
    done += static_cast<size_t>(n);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail("rename " + tmp);
  return OkStatus();
}

Status RewriteBundle(const RuntimeCall& call, const Policy& policy,
                     const std::optional<std::string>& policy_path) {
  std::string bundle = call.bundle.value_or(".");
  const std::string config = bundle + "/config.json";
  OI_ASSIGN_OR_RETURN(std::string text, ReadFile(config, kSpecLimits.max_bytes));
  OI_ASSIGN_OR_RETURN_CTX(Json doc, ParseJson(text, kSpecLimits), config);
  OI_ASSIGN_OR_RETURN(std::string hook_path, FindHook(policy));
  HookInjection hook{hook_path, {"oci-immutable-hook"}};
  if (policy_path) hook.args.insert(hook.args.end(), {"--config", *policy_path});
  hook.args.push_back("createContainer");
  MonitorProbe monitor;
  if (policy.monitor && policy.mode == Mode::kEnforce) {
    Status reached = CheckListener(policy.monitor->socket);
    monitor.reachable = reached.ok();
    if (!reached.ok()) monitor.error = reached.error().ToString();
  }
  OI_ASSIGN_OR_RETURN_CTX(RewriteResult result, RewriteSpec(doc, policy, hook, monitor), config);
  if (result.changed) {
    if (!Executable(hook_path)) return ErrnoError("hook " + hook_path);
    OI_RETURN_IF_ERROR(ReplaceFile(config, WriteJson(result.spec)));
  }
  LogSink sink = LogSink::Open(policy.log, kWrapperProgram);
  RecordContext ctx{"runtime", call.container_id, call.command, policy.mode, result.exempt, result.identity};
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  const std::string_view action = policy.mode == Mode::kEnforce && !result.exempt
                                      ? kActionEnforced
                                      : kActionLogged;
  for (const Violation& v : result.violations) sink.Write(ViolationRecord(ctx, now, v, action));
  for (const RewriteNotice& n : result.notices) {
    sink.Write(NoticeRecord(ctx, now, n.notice, n.path, n.reason));
  }
  return OkStatus();
}

// containerd's shim and podman read a failed runtime's error from the file
// named by --log (runc's format), not from stderr: the error goes there too.
void AppendRuntimeLog(const RuntimeCall& call, const std::string& message) {
  if (call.log_file.empty()) return;
  UniqueFd fd(::open(call.log_file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
                     0644));
  if (!fd.valid()) return;
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  const std::string msg = std::string(kWrapperProgram) + ": " + message;
  std::string line;
  if (call.log_format == "json") {
    Json record = Json::EmptyObject();
    record.Set("level", Json::String("error"));
    record.Set("msg", Json::String(msg));
    record.Set("time", Json::String(FormatTime(now)));
    line = WriteJson(record);
  } else {
    line = "time=\"" + FormatTime(now) + "\" level=error msg=" + WriteJson(Json::String(msg));
  }
  line += '\n';
  if (::write(fd.get(), line.data(), line.size()) < 0) return;  // stderr has it anyway
}

}  // namespace

int RunWrapper(const std::vector<std::string_view>& args) {
  Result<RuntimeCall> call = ParseRuntimeArgs(args);
  auto fail = [&call](const Error& e) {
    std::fprintf(stderr, "%s: %s\n", kWrapperProgram, e.ToString().c_str());
    if (call.ok()) AppendRuntimeLog(*call, e.ToString());
    return 1;
  };
  if (!call.ok()) return fail(call.error());
  const std::optional<std::string> policy_path = Env("OCI_IMMUTABLE_CONFIG");
  Result<Policy> policy = LoadPolicy(policy_path);
  if (!policy.ok()) {
    // create and run fail closed. Every other command (delete, kill, state)
    // must still reach the runtime, or a bad policy would leave containers
    // the engine cannot clean up: the built-in policy then picks the runtime.
    if (call->SetsUpContainer()) return fail(policy.error().Wrap("policy"));
    std::fprintf(stderr, "%s: warning: policy: %s (passing %s through)\n", kWrapperProgram,
                 policy.error().ToString().c_str(), call->command.c_str());
    policy = DefaultPolicy();
  }
  Result<std::string> runtime = FindRuntime(*policy);
  if (!runtime.ok()) return fail(runtime.error());
  if (call->SetsUpContainer()) {
    Status s = RewriteBundle(*call, *policy, policy_path);
    if (!s.ok()) return fail(s.error().Wrap(call->command));
  }
  std::vector<char*> argv;
  argv.push_back(runtime->data());
  for (std::string_view a : args) argv.push_back(const_cast<char*>(a.data()));
  argv.push_back(nullptr);
  ::execv(runtime->c_str(), argv.data());
  fail(ErrnoError("exec " + *runtime));
  return 127;
}

}  // namespace oci_immutable
