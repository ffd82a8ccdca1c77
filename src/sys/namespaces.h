// Mount namespaces: identify, open, join.
#ifndef OCI_IMMUTABLE_SYS_NAMESPACES_H_
#define OCI_IMMUTABLE_SYS_NAMESPACES_H_

#include <sys/types.h>

#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace oci_immutable {

// The inode that names the namespace at a /proc/PID/ns/mnt-style path.
Result<ino_t> NamespaceInode(const std::string& path);

// Opens /proc/PID/ns/mnt.
Result<UniqueFd> OpenMountNamespace(int pid);

// setns(CLONE_NEWNS). The caller must be single-threaded; its root and cwd
// become the namespace's root.
Status JoinMountNamespace(const UniqueFd& ns);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_SYS_NAMESPACES_H_
