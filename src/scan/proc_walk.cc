#include "scan/proc_walk.h"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <map>
#include <memory>

#include "base/unique_fd.h"
#include "scan/status.h"
#include "sys/file.h"
#include "sys/mounts.h"
#include "sys/namespaces.h"
#include "sys/resolve.h"

namespace oci_immutable {
namespace {

constexpr size_t kMaxStatusBytes = 64 << 10;
constexpr size_t kMaxMountinfoBytes = 16 << 20;

struct DirCloser {
  void operator()(DIR* d) const { closedir(d); }
};

bool ParsePid(const char* name, int& pid) {
  std::string_view s(name);
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), pid);
  return !s.empty() && ec == std::errc() && ptr == s.data() + s.size() && pid > 0;
}

std::string ProcPath(int pid, const char* what) {
  return "/proc/" + std::to_string(pid) + "/" + what;
}

Result<ProcStatus> ReadStatus(int pid) {
  OI_ASSIGN_OR_RETURN(std::string text, ReadFile(ProcPath(pid, "status"), kMaxStatusBytes));
  OI_ASSIGN_OR_RETURN_CTX(ProcStatus status, ParseProcStatus(text), ProcPath(pid, "status"));
  return status;
}

// Present unless the lookup inside the root says the path is not there.
Result<bool> PresentInRoot(const UniqueFd& root, const std::string& path) {
  Result<UniqueFd> fd = OpenInRoot(root, path, /*directory=*/false);
  if (fd.ok()) return true;
  const int e = fd.error().errno_value();
  if (e == ENOENT || e == ENOTDIR) return false;
  return std::move(fd).error();
}

}  // namespace

bool IsProcessGone(const Error& error) {
  return error.errno_value() == ENOENT || error.errno_value() == ESRCH;
}

Result<uint64_t> MountNamespaceOf(const std::string& pid) {
  OI_ASSIGN_OR_RETURN(ino_t ino, NamespaceInode("/proc/" + pid + "/ns/mnt"));
  return static_cast<uint64_t>(ino);
}

Result<ProcessDiscovery> DiscoverContainerProcesses() {
  OI_ASSIGN_OR_RETURN_CTX(uint64_t own, MountNamespaceOf("self"), "our own mount namespace");
  std::unique_ptr<DIR, DirCloser> dir(opendir("/proc"));
  if (!dir) return ErrnoError("opendir /proc");
  ProcessDiscovery out;
  std::map<uint64_t, std::vector<int>> by_namespace;
  for (;;) {
    errno = 0;
    const dirent* entry = readdir(dir.get());
    if (entry == nullptr) {
      if (errno != 0) return ErrnoError("readdir /proc");
      break;
    }
    int pid = 0;
    if (!ParsePid(entry->d_name, pid)) continue;
    Result<uint64_t> ns = MountNamespaceOf(entry->d_name);
    if (ns.ok() && *ns == own) continue;
    Result<ProcStatus> status = ns.ok() ? ReadStatus(pid) : Result<ProcStatus>(ns.error());
    if (!status.ok()) {
      if (!IsProcessGone(status.error())) {
        out.skipped.push_back("pid " + std::to_string(pid) + ": " + status.error().ToString());
      }
      continue;
    }
    if (IsKernelThread(*status, pid)) continue;
    by_namespace[*ns].push_back(pid);
  }
  for (auto& [ns, pids] : by_namespace) {
    std::sort(pids.begin(), pids.end());
    out.groups.push_back(ProcessGroup{ns, std::move(pids)});
  }
  std::sort(out.groups.begin(), out.groups.end(),
            [](const ProcessGroup& a, const ProcessGroup& b) { return a.pids[0] < b.pids[0]; });
  return out;
}

Result<ScanInput> SnapshotProcess(int pid, const std::vector<std::string>& protected_paths) {
  ScanInput in;
  OI_ASSIGN_OR_RETURN(in.status, ReadStatus(pid));
  const std::string mountinfo_path = ProcPath(pid, "mountinfo");
  OI_ASSIGN_OR_RETURN(std::string mountinfo, ReadFile(mountinfo_path, kMaxMountinfoBytes));
  OI_ASSIGN_OR_RETURN_CTX(in.mounts, ParseMountinfo(mountinfo), mountinfo_path);
  const std::string root_path = ProcPath(pid, "root");
  OI_ASSIGN_OR_RETURN(UniqueFd root, OpenHostDirectory(root_path));
  OI_ASSIGN_OR_RETURN_CTX(MountFacts root_facts, InspectMount(root), root_path);
  in.root_mount_id = root_facts.mount_id;
  for (const std::string& path : protected_paths) {
    OI_ASSIGN_OR_RETURN_CTX(bool present, PresentInRoot(root, path), root_path);
    in.protected_paths.push_back(ProtectedPathInput{path, present});
  }
  return in;
}

}  // namespace oci_immutable
