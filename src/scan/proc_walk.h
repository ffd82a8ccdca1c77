// Reading running processes from /proc: which mount namespaces other than
// ours hold processes (the containers), and one process's mount table,
// status and protected paths. The system layer of `scan`.
#ifndef OCI_IMMUTABLE_SCAN_PROC_WALK_H_
#define OCI_IMMUTABLE_SCAN_PROC_WALK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "scan/assess.h"

namespace oci_immutable {

// True for the errors of a process that exited while it was being read.
bool IsProcessGone(const Error& error);

// The inode of /proc/PID/ns/mnt ("self" for our own).
Result<uint64_t> MountNamespaceOf(const std::string& pid);

struct ProcessGroup {
  uint64_t mount_namespace = 0;
  std::vector<int> pids;  // ascending
};

struct ProcessDiscovery {
  std::vector<ProcessGroup> groups;  // ascending by lowest pid
  // Processes whose namespace could not be read (other than exited ones),
  // as "pid N: error"; kernel threads are left out silently.
  std::vector<std::string> skipped;
};

// Every user process whose mount namespace is not ours, grouped by namespace.
Result<ProcessDiscovery> DiscoverContainerProcesses();

// What Assess() needs about one process. protected_paths: the policy's
// readonly_paths, checked for presence inside the process's root.
Result<ScanInput> SnapshotProcess(int pid, const std::vector<std::string>& protected_paths);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_SCAN_PROC_WALK_H_
