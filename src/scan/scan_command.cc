#include "scan/scan_command.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>

#include "policy/policy_file.h"
#include "scan/assess.h"
#include "scan/proc_walk.h"
#include "scan/report.h"
#include "scan/runtime_dirs.h"

namespace oci_immutable {
namespace {

void Warn(const std::string& what) {
  std::fprintf(stderr, "oci-immutable-hook: scan: %s\n", what.c_str());
}

class Scanner {
 public:
  explicit Scanner(const Policy& policy)
      : paths_(policy.readonly_paths), records_(LiveRuntimeRecords()) {}

  // One container, from one of its processes.
  Result<ContainerReport> Scan(int pid, uint64_t mount_namespace) const {
    OI_ASSIGN_OR_RETURN(ScanInput input, SnapshotProcess(pid, paths_));
    OI_ASSIGN_OR_RETURN(Assessment assessment, Assess(input));
    ContainerReport report;
    report.pid = pid;
    report.mount_namespace = mount_namespace;
    if (auto it = records_.find(mount_namespace); it != records_.end()) {
      report.id = it->second.id;
      report.runtime = it->second.runtime;
    }
    report.assessment = std::move(assessment);
    return report;
  }

  // The runtime's init pid first, when it is among the namespace's processes.
  std::vector<int> CandidatePids(const ProcessGroup& group) const {
    std::vector<int> pids = group.pids;
    if (auto it = records_.find(group.mount_namespace); it != records_.end()) {
      auto init = std::find(pids.begin(), pids.end(), it->second.pid);
      if (init != pids.end()) std::rotate(pids.begin(), init, init + 1);
    }
    return pids;
  }

 private:
  std::vector<std::string> paths_;
  std::map<uint64_t, RuntimeRecord> records_;
};

Result<ContainerReport> ScanPid(const Scanner& scanner, int pid) {
  const std::string where = "pid " + std::to_string(pid);
  Result<uint64_t> ns = MountNamespaceOf(std::to_string(pid));
  if (!ns.ok() && IsProcessGone(ns.error())) return Error(where + ": no such process");
  if (!ns.ok()) return std::move(ns).error().Wrap(where);
  OI_ASSIGN_OR_RETURN_CTX(ContainerReport report, scanner.Scan(pid, *ns), where);
  return report;
}

// Every container; false when one could not be read (the rest are reported).
bool ScanAll(const Scanner& scanner, std::vector<ContainerReport>& out) {
  Result<ProcessDiscovery> found = DiscoverContainerProcesses();
  if (!found.ok()) {
    Warn(found.error().ToString());
    return false;
  }
  for (const std::string& s : found->skipped) Warn("skipped " + s);
  bool ok = true;
  for (const ProcessGroup& group : found->groups) {
    for (int pid : scanner.CandidatePids(group)) {
      Result<ContainerReport> r = scanner.Scan(pid, group.mount_namespace);
      if (r.ok()) {
        out.push_back(std::move(r).value());
        break;
      }
      if (IsProcessGone(r.error())) continue;  // try the namespace's next process
      Warn("mount namespace " + std::to_string(group.mount_namespace) + ": pid " +
           std::to_string(pid) + ": " + r.error().ToString());
      ok = false;
      break;
    }
  }
  return ok;
}

}  // namespace

int RunScan(const ScanOptions& options, const std::optional<std::string>& config) {
  Result<Policy> policy = LoadPolicy(config);
  if (!policy.ok()) {
    Warn("policy: " + policy.error().ToString());
    return kScanError;
  }
  const Scanner scanner(*policy);
  std::vector<ContainerReport> containers;
  bool ok = true;
  if (options.pid) {
    Result<ContainerReport> r = ScanPid(scanner, *options.pid);
    if (!r.ok()) {
      Warn(r.error().ToString());
      return kScanError;
    }
    containers.push_back(std::move(r).value());
  } else {
    ok = ScanAll(scanner, containers);
  }
  const std::string text = options.format == ScanOptions::Format::kJson ? RenderJson(containers)
                                                                        : RenderTable(containers);
  std::fputs(text.c_str(), stdout);
  if (std::fflush(stdout) != 0) return kScanError;
  if (!ok) return kScanError;
  return AllImmutable(containers) ? kScanAllImmutable : kScanSomeMutable;
}

}  // namespace oci_immutable
