#include "sys/resolve.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>

namespace oci_immutable {

Result<UniqueFd> OpenHostDirectory(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoError("open " + path);
  return fd;
}

Result<UniqueFd> OpenInRoot(const UniqueFd& root, const std::string& path, bool directory) {
  struct open_how how = {};
  how.flags = O_PATH | O_CLOEXEC | (directory ? O_DIRECTORY : 0);
  // Symlinks are followed (images link /var/run to /run) but, resolved as if
  // root were "/", never lead out of the rootfs.
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  const std::string relative = path.empty() || path == "/" ? "." : path;
  for (;;) {
    long fd = ::syscall(SYS_openat2, root.get(), relative.c_str(), &how, sizeof how);
    if (fd >= 0) return UniqueFd(static_cast<int>(fd));
    if (errno == EAGAIN || errno == EINTR) continue;  // a rename raced the lookup
    return ErrnoError("open " + path + " in the rootfs");
  }
}

Result<std::string> FdPath(const UniqueFd& fd) {
  const std::string link = "/proc/self/fd/" + std::to_string(fd.get());
  char buf[PATH_MAX];
  ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
  if (n < 0) return ErrnoError("readlink " + link);
  return std::string(buf, static_cast<size_t>(n));
}

}  // namespace oci_immutable
