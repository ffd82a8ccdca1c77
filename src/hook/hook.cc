#include "hook/hook.h"

#include <time.h>

#include <cstdio>

#include "base/path.h"
#include "hook/enforcer.h"
#include "log/record.h"
#include "log/sink.h"
#include "oci/spec.h"
#include "oci/state.h"
#include "policy/decision.h"
#include "policy/identity.h"
#include "policy/policy_file.h"
#include "sys/file.h"
#include "sys/namespaces.h"
#include "sys/privileges.h"
#include "sys/selinux.h"

namespace oci_immutable {
namespace {

constexpr size_t kMaxStateBytes = 16 << 20;  // as kSpecLimits: annotations come along

struct Container {
  ContainerState state;
  Spec spec;
};

Result<Container> ReadContainer(int state_fd) {
  OI_ASSIGN_OR_RETURN_CTX(std::string state_text, ReadAll(state_fd, kMaxStateBytes),
                          "reading the state on stdin");
  OI_ASSIGN_OR_RETURN(ContainerState state, ParseState(state_text));
  const std::string config_path = state.bundle + "/config.json";
  OI_ASSIGN_OR_RETURN(std::string config_text, ReadFile(config_path, kSpecLimits.max_bytes));
  OI_ASSIGN_OR_RETURN_CTX(Spec spec, ParseSpec(config_text), config_path);
  return Container{std::move(state), std::move(spec)};
}

// prestart/createRuntime: move into the container's mount namespace through
// state.pid. A container that shares the runtime's namespace is refused:
// its rootfs mount would be the runtime's.
Status EnterContainerMountNamespace(const ContainerState& state) {
  if (state.pid <= 0) return Error("state carries no container pid");
  OI_ASSIGN_OR_RETURN(ino_t own, NamespaceInode("/proc/self/ns/mnt"));
  OI_ASSIGN_OR_RETURN(UniqueFd ns, OpenMountNamespace(state.pid));
  OI_ASSIGN_OR_RETURN(ino_t theirs,
                      NamespaceInode("/proc/" + std::to_string(state.pid) + "/ns/mnt"));
  if (own == theirs) {
    return Error("the container shares the runtime's mount namespace (no \"mount\" namespace "
                 "in linux.namespaces); refusing to change its mounts");
  }
  return JoinMountNamespace(ns);
}

Status EnforceIn(const Container& c, const Plan& plan, Stage stage, EnforceReport& report) {
  if (RunsInRuntimeNamespace(stage)) {
    OI_RETURN_IF_ERROR_CTX(EnterContainerMountNamespace(c.state), "joining the container");
  }
  const std::string rootfs = c.spec.root_path.front() == '/'
                                 ? CleanPath(c.spec.root_path)
                                 : JoinPath(c.state.bundle, c.spec.root_path);
  OI_ASSIGN_OR_RETURN(report, Enforce(plan, EnforceTarget{rootfs, c.spec.cwd}));
  return OkStatus();
}

timespec Now() {
  timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return t;
}

void Fail(const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", kHookProgram, what.c_str());
}

}  // namespace

int RunHook(const HookArgs& args, int state_fd) {
  Result<Policy> policy = LoadPolicy(args.config);
  if (!policy.ok()) {
    Fail("policy: " + policy.error().ToString());
    return 1;
  }
  // Opened before any namespace is joined: the log lives on the host.
  LogSink sink = LogSink::Open(policy->log, kHookProgram);

  Result<Container> container = ReadContainer(state_fd);
  if (!container.ok()) {
    Fail(container.error().ToString());
    return policy->mode == Mode::kEnforce ? 1 : 0;
  }
  const Container& c = *container;
  const KubeIdentity identity = IdentityFromAnnotations(c.state.annotations.empty()
                                                            ? c.spec.annotations
                                                            : c.state.annotations);
  Plan plan = MakePlan(*policy, c.spec, identity);
  // Like runc and crun: a mount label means nothing while SELinux is off.
  if (!SelinuxEnabled()) plan.mount_label.clear();
  const std::vector<Violation> violations =
      FindViolations(c.spec, policy->monitor ? policy->monitor->socket : std::string());

  EnforceReport report;
  Status status = OkStatus();
  if (plan.enforce) status = EnforceIn(c, plan, args.stage, report);
  // Nothing from here on needs privilege: the log is an open descriptor.
  // Fatal only where the container is being enforced: audit mode and
  // exempt containers never stop on the hook's own account.
  Status dropped = DropAllCapabilities();
  if (!dropped.ok() && plan.enforce && status.ok()) {
    status = dropped.error().Wrap("dropping capabilities");
  } else if (!dropped.ok()) {
    Fail("warning: dropping capabilities: " + dropped.error().ToString());
  }

  RecordContext ctx{"hook", c.state.id, std::string(StageName(args.stage)), policy->mode,
                    plan.exempt, identity};
  const timespec now = Now();
  std::string_view action = !plan.enforce ? kActionLogged
                            : status.ok() ? kActionEnforced
                                          : kActionFailed;
  const std::string error = status.ok() ? "" : status.error().ToString();
  for (const Violation& v : violations) sink.Write(ViolationRecord(ctx, now, v, action, error));
  for (const SkippedPath& s : report.skipped) {
    sink.Write(NoticeRecord(ctx, now, "path-skipped", s.path, s.reason));
  }
  for (const SkippedPath& s : plan.skipped) {
    sink.Write(NoticeRecord(ctx, now, "path-skipped", s.path, s.reason));
  }
  if (!status.ok()) {
    Fail("container " + c.state.id + ": " + error);
    return 1;
  }
  return 0;
}

int CheckConfig(const std::string& path) {
  Result<Policy> policy = LoadPolicyFile(path);
  if (!policy.ok()) {
    std::fprintf(stderr, "%s\n", policy.error().ToString().c_str());
    return 1;
  }
  std::printf("%s: valid (mode %s)\n", path.c_str(), std::string(ModeName(policy->mode)).c_str());
  return 0;
}

}  // namespace oci_immutable
