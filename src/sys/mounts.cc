#include "sys/mounts.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

#include <cstdio>

namespace oci_immutable {

Result<MountFacts> InspectMount(const UniqueFd& fd) {
  struct statx stx;
  if (::statx(fd.get(), "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW,
              STATX_MNT_ID | STATX_TYPE | STATX_MODE | STATX_UID | STATX_GID, &stx) != 0) {
    return ErrnoError("statx");
  }
  if (!(stx.stx_mask & STATX_MNT_ID) || !(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)) {
    return Error("statx: the kernel reports no mount id (Linux 5.8 or later is required)");
  }
  struct statfs sfs;
  if (::fstatfs(fd.get(), &sfs) != 0) return ErrnoError("fstatfs");
  MountFacts facts;
  facts.mount_id = static_cast<int>(stx.stx_mnt_id);
  facts.mount_root = (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
  facts.read_only = (sfs.f_flags & ST_RDONLY) != 0;
  facts.fs_type = static_cast<int64_t>(sfs.f_type);
  facts.directory = S_ISDIR(stx.stx_mode);
  facts.uid = stx.stx_uid;
  facts.gid = stx.stx_gid;
  facts.mode = stx.stx_mode & 07777;
  return facts;
}

Status SetMountReadOnly(const UniqueFd& fd, bool recursive) {
  struct mount_attr attr = {};
  attr.attr_set = MOUNT_ATTR_RDONLY;
  unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
  if (::mount_setattr(fd.get(), "", flags, &attr, sizeof attr) != 0) {
    return ErrnoError("mount_setattr(MOUNT_ATTR_RDONLY)");
  }
  return OkStatus();
}

Status BindReadOnlyOntoItself(const UniqueFd& fd) {
  UniqueFd clone(::open_tree(fd.get(), "",
                             OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE));
  if (!clone.valid()) return ErrnoError("open_tree(OPEN_TREE_CLONE)");
  OI_RETURN_IF_ERROR(SetMountReadOnly(clone, /*recursive=*/true));
  if (::move_mount(clone.get(), "", fd.get(), "",
                   MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0) {
    return ErrnoError("move_mount");
  }
  return OkStatus();
}

Status MountTmpfs(const UniqueFd& target, const TmpfsOptions& options) {
  UniqueFd fs(::fsopen("tmpfs", FSOPEN_CLOEXEC));
  if (!fs.valid()) return ErrnoError("fsopen(tmpfs)");
  char mode[16];
  std::snprintf(mode, sizeof mode, "%o", static_cast<unsigned>(options.mode));
  const std::string uid = std::to_string(options.uid);
  const std::string gid = std::to_string(options.gid);
  struct Param {
    const char* key;
    const char* value;
  };
  const Param params[] = {{"size", options.size.c_str()},
                          {"mode", mode},
                          {"uid", uid.c_str()},
                          {"gid", gid.c_str()},
                          {"context", options.selinux_context.c_str()}};
  for (const Param& p : params) {
    if (p.value[0] == '\0') continue;
    if (::fsconfig(fs.get(), FSCONFIG_SET_STRING, p.key, p.value, 0) != 0) {
      return ErrnoError(std::string("fsconfig(tmpfs ") + p.key + "=" + p.value + ")");
    }
  }
  if (::fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0) {
    return ErrnoError("fsconfig(tmpfs create)");
  }
  UniqueFd mnt(::fsmount(fs.get(), FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV));
  if (!mnt.valid()) return ErrnoError("fsmount(tmpfs)");
  if (::move_mount(mnt.get(), "", target.get(), "",
                   MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0) {
    return ErrnoError("move_mount(tmpfs)");
  }
  return OkStatus();
}

}  // namespace oci_immutable
