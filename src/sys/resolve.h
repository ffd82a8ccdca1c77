// Opening paths inside a container's rootfs without letting symlinks in the
// image lead out of it (openat2 RESOLVE_IN_ROOT).
#ifndef OCI_IMMUTABLE_SYS_RESOLVE_H_
#define OCI_IMMUTABLE_SYS_RESOLVE_H_

#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace oci_immutable {

// O_PATH|O_DIRECTORY open of a host directory (symlinks followed: the bundle
// belongs to the engine, not the image).
Result<UniqueFd> OpenHostDirectory(const std::string& path);

// O_PATH open of `path` as if root_fd were "/": absolute symlinks and ".."
// stay inside, magic links are refused. directory: also O_DIRECTORY.
Result<UniqueFd> OpenInRoot(const UniqueFd& root, const std::string& path, bool directory);

// The path the kernel reports for fd (/proc/self/fd/N).
Result<std::string> FdPath(const UniqueFd& fd);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_SYS_RESOLVE_H_
