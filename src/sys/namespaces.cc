#include "sys/namespaces.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>

namespace oci_immutable {

Result<ino_t> NamespaceInode(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return ErrnoError("stat " + path);
  return st.st_ino;
}

Result<UniqueFd> OpenMountNamespace(int pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/ns/mnt";
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoError("open " + path);
  return fd;
}

Status JoinMountNamespace(const UniqueFd& ns) {
  if (::setns(ns.get(), CLONE_NEWNS) != 0) return ErrnoError("setns(mnt)");
  return OkStatus();
}

}  // namespace oci_immutable
