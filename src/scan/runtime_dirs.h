// The runtimes' state directories (runc, crun, and runc under containerd,
// Docker and Podman), read best effort to name running containers.
#ifndef OCI_IMMUTABLE_SCAN_RUNTIME_DIRS_H_
#define OCI_IMMUTABLE_SCAN_RUNTIME_DIRS_H_

#include <cstdint>
#include <map>

#include "scan/runtime_state.h"

namespace oci_immutable {

// Runtime records whose init process still runs (same pid and start time),
// keyed by that process's mount namespace inode. Unreadable or stale state
// files are passed over.
std::map<uint64_t, RuntimeRecord> LiveRuntimeRecords();

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_SCAN_RUNTIME_DIRS_H_
