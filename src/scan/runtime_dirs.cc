#include "scan/runtime_dirs.h"

#include <dirent.h>

#include <memory>
#include <string>
#include <vector>

#include "scan/proc_walk.h"
#include "scan/status.h"
#include "sys/file.h"

namespace oci_immutable {
namespace {

constexpr size_t kMaxStateBytes = 8 << 20;
constexpr size_t kMaxStatBytes = 4 << 10;

enum class Layout { kRunc, kCrun };

struct Root {
  const char* path;
  Layout layout;
  bool namespaced;  // ROOT/NAMESPACE/ID rather than ROOT/ID
};

// runc's default root is also Podman's and CRI-O's; containerd keeps one root
// per containerd namespace ("k8s.io", "moby", ...), as does Docker's runc.
constexpr Root kRoots[] = {
    {"/run/runc", Layout::kRunc, false},
    {"/run/crun", Layout::kCrun, false},
    {"/run/containerd/runc", Layout::kRunc, true},
    {"/run/docker/runtime-runc", Layout::kRunc, true},
};

struct DirCloser {
  void operator()(DIR* d) const { closedir(d); }
};

std::vector<std::string> Subdirectories(const std::string& path) {
  std::vector<std::string> out;
  std::unique_ptr<DIR, DirCloser> dir(opendir(path.c_str()));
  if (!dir) return out;
  while (const dirent* e = readdir(dir.get())) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    if (e->d_type == DT_DIR || e->d_type == DT_UNKNOWN) out.push_back(name);
  }
  return out;
}

Result<RuntimeRecord> ReadRecord(const std::string& dir, const std::string& id, Layout layout) {
  if (layout == Layout::kRunc) {
    OI_ASSIGN_OR_RETURN(std::string text, ReadFile(dir + "/state.json", kMaxStateBytes));
    return ParseRuncState(text);
  }
  OI_ASSIGN_OR_RETURN(std::string text, ReadFile(dir + "/status", kMaxStateBytes));
  return ParseCrunStatus(text, id);
}

// The record's init process still runs when its start time matches.
bool StillRuns(const RuntimeRecord& r) {
  if (!r.start_time) return true;
  Result<std::string> stat = ReadFile("/proc/" + std::to_string(r.pid) + "/stat", kMaxStatBytes);
  if (!stat.ok()) return false;
  Result<uint64_t> start = ParseStatStartTime(*stat);
  return start.ok() && *start == *r.start_time;
}

void Collect(const std::string& dir, Layout layout, std::map<uint64_t, RuntimeRecord>& out) {
  for (const std::string& id : Subdirectories(dir)) {
    Result<RuntimeRecord> r = ReadRecord(dir + "/" + id, id, layout);
    if (!r.ok() || !StillRuns(*r)) continue;
    Result<uint64_t> ns = MountNamespaceOf(std::to_string(r->pid));
    if (!ns.ok()) continue;
    out.emplace(*ns, std::move(r).value());  // the first record of a namespace names it
  }
}

}  // namespace

std::map<uint64_t, RuntimeRecord> LiveRuntimeRecords() {
  std::map<uint64_t, RuntimeRecord> out;
  for (const Root& root : kRoots) {
    if (!root.namespaced) {
      Collect(root.path, root.layout, out);
      continue;
    }
    for (const std::string& ns : Subdirectories(root.path)) {
      Collect(std::string(root.path) + "/" + ns, root.layout, out);
    }
  }
  return out;
}

}  // namespace oci_immutable
