// What each syscall of the deny list means, argument by argument, so that a
// notification (syscall number and six raw arguments) becomes a readable
// attempt: target path, mount source, file system type, flags. Pure: strings
// in the target's memory come through a reader the caller supplies.
#ifndef OCI_IMMUTABLE_MONITOR_SYSCALL_ARGS_H_
#define OCI_IMMUTABLE_MONITOR_SYSCALL_ARGS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace oci_immutable {

inline constexpr std::string_view kMountAttempt = "mount-attempt";    // the mount table, handles
inline constexpr std::string_view kKernelAttempt = "kernel-attempt";  // modules, kexec
inline constexpr std::string_view kSyscallAttempt = "syscall-attempt";  // not in the table

// Argument positions (0-5); kNoArg where the syscall has none.
inline constexpr int kNoArg = -1;

struct SyscallArgs {
  std::string_view name;
  std::string_view violation;
  int target = kNoArg;  // const char*: the path (or name) acted on
  int source = kNoArg;  // const char*: what is mounted or moved there
  int fstype = kNoArg;  // const char*: a file system type
  int flags = kNoArg;
  bool flags_64 = false;  // unsigned long flags (mount); otherwise an int
  int fd = kNoArg;        // the dirfd `target` is relative to, or the fd acted on
  bool fd_is_dirfd = false;  // AT_FDCWD then means "none"
};

// Every syscall of ImmutabilityDenyList(), in that order.
const std::vector<SyscallArgs>& SyscallArgsTable();
// nullptr when the name is not in the table.
const SyscallArgs* FindSyscallArgs(std::string_view name);

// Reads a NUL-terminated string at an address of the target's memory;
// nullopt when it cannot be read.
using StringReader = std::function<std::optional<std::string>(uint64_t address)>;

struct Attempt {
  std::string syscall;
  std::string_view violation;
  std::optional<std::string> target;  // absent: no such argument, or a NULL pointer
  std::optional<std::string> source;
  std::optional<std::string> fstype;
  std::optional<std::string> flags;  // "0x..." hex
  std::optional<int64_t> fd;
};

inline constexpr size_t kMaxArgString = 4096;  // PATH_MAX
inline constexpr std::string_view kUnreadable = "(unreadable)";

// The attempt for syscall `name` with raw `args`. Strings the reader cannot
// read become kUnreadable; bytes outside printable ASCII become \xNN, so a
// path cannot forge log text or terminal escapes.
Attempt DecodeAttempt(std::string_view name, const uint64_t (&args)[6], const StringReader& read);

// Printable ASCII kept, backslash and everything else as \xNN.
std::string EscapeBytes(std::string_view bytes);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_MONITOR_SYSCALL_ARGS_H_
