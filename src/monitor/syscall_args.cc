#include "monitor/syscall_args.h"

#include <fcntl.h>

#include <cstdio>

namespace oci_immutable {

const std::vector<SyscallArgs>& SyscallArgsTable() {
  // name, violation, target, source, fstype, flags, flags_64, fd, fd_is_dirfd
  static const std::vector<SyscallArgs> kTable = {
      // mount(source, target, filesystemtype, mountflags, data)
      {"mount", kMountAttempt, 1, 0, 2, 3, true, kNoArg, false},
      // umount(target)
      {"umount", kMountAttempt, 0, kNoArg, kNoArg, kNoArg, false, kNoArg, false},
      // umount2(target, flags)
      {"umount2", kMountAttempt, 0, kNoArg, kNoArg, 1, false, kNoArg, false},
      // pivot_root(new_root, put_old)
      {"pivot_root", kMountAttempt, 0, 1, kNoArg, kNoArg, false, kNoArg, false},
      // move_mount(from_dfd, from_path, to_dfd, to_path, flags)
      {"move_mount", kMountAttempt, 3, 1, kNoArg, 4, false, 2, true},
      // open_tree(dfd, filename, flags)
      {"open_tree", kMountAttempt, 1, kNoArg, kNoArg, 2, false, 0, true},
      // fsopen(fsname, flags)
      {"fsopen", kMountAttempt, kNoArg, kNoArg, 0, 1, false, kNoArg, false},
      // fsconfig(fd, cmd, key, value, aux): flags = cmd, target = key
      {"fsconfig", kMountAttempt, 2, kNoArg, kNoArg, 1, false, 0, false},
      // fsmount(fs_fd, flags, attr_flags)
      {"fsmount", kMountAttempt, kNoArg, kNoArg, kNoArg, 1, false, 0, false},
      // fspick(dfd, path, flags)
      {"fspick", kMountAttempt, 1, kNoArg, kNoArg, 2, false, 0, true},
      // mount_setattr(dfd, path, flags, uattr, usize)
      {"mount_setattr", kMountAttempt, 1, kNoArg, kNoArg, 2, false, 0, true},
      // open_by_handle_at(mount_fd, handle, flags)
      {"open_by_handle_at", kMountAttempt, kNoArg, kNoArg, kNoArg, 2, false, 0, false},
      // init_module(module_image, len, param_values)
      {"init_module", kKernelAttempt, 2, kNoArg, kNoArg, kNoArg, false, kNoArg, false},
      // finit_module(fd, param_values, flags)
      {"finit_module", kKernelAttempt, 1, kNoArg, kNoArg, 2, false, 0, false},
      // delete_module(name, flags)
      {"delete_module", kKernelAttempt, 0, kNoArg, kNoArg, 1, false, kNoArg, false},
      // kexec_load(entry, nr_segments, segments, flags)
      {"kexec_load", kKernelAttempt, kNoArg, kNoArg, kNoArg, 3, true, kNoArg, false},
      // kexec_file_load(kernel_fd, initrd_fd, cmdline_len, cmdline, flags)
      {"kexec_file_load", kKernelAttempt, 3, kNoArg, kNoArg, 4, true, 0, false},
  };
  return kTable;
}

const SyscallArgs* FindSyscallArgs(std::string_view name) {
  for (const SyscallArgs& s : SyscallArgsTable()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::string EscapeBytes(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && c != '\\') {
      out += c;
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    }
  }
  return out;
}

namespace {

std::optional<std::string> StringArg(const uint64_t (&args)[6], int index,
                                     const StringReader& read) {
  if (index == kNoArg || args[index] == 0) return std::nullopt;
  std::optional<std::string> s = read(args[index]);
  if (!s) return std::string(kUnreadable);
  return EscapeBytes(*s);
}

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

Attempt DecodeAttempt(std::string_view name, const uint64_t (&args)[6], const StringReader& read) {
  Attempt a;
  a.syscall = EscapeBytes(name);
  const SyscallArgs* s = FindSyscallArgs(name);
  if (s == nullptr) {
    a.violation = kSyscallAttempt;
    return a;
  }
  a.violation = s->violation;
  a.target = StringArg(args, s->target, read);
  a.source = StringArg(args, s->source, read);
  a.fstype = StringArg(args, s->fstype, read);
  if (s->flags != kNoArg) {
    a.flags = Hex(s->flags_64 ? args[s->flags] : static_cast<uint32_t>(args[s->flags]));
  }
  if (s->fd != kNoArg) {
    const auto fd = static_cast<int32_t>(args[s->fd]);  // an int in every signature
    if (!(s->fd_is_dirfd && fd == AT_FDCWD)) a.fd = fd;
  }
  return a;
}

}  // namespace oci_immutable
