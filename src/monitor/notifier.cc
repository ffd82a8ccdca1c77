#include "monitor/notifier.h"

#include <fcntl.h>
#include <poll.h>
#include <seccomp.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "base/unique_fd.h"

namespace oci_immutable {
namespace {

constexpr uint64_t kPage = 4096;

std::string SyscallName(const seccomp_data& data) {
  char* name = seccomp_syscall_resolve_num_arch(data.arch, data.nr);
  if (name == nullptr) return "syscall-" + std::to_string(data.nr);
  std::string out(name);
  std::free(name);
  return out;
}

}  // namespace

std::optional<std::string> ReadRemoteString(int mem_fd, uint64_t address) {
  std::string out;
  char buf[kPage];
  while (out.size() < kMaxArgString) {
    // Up to the end of the page, never past kMaxArgString.
    const uint64_t room = kPage - (address % kPage);
    const size_t want = static_cast<size_t>(
        std::min<uint64_t>(room, kMaxArgString - out.size()));
    ssize_t n;
    do {
      n = ::pread(mem_fd, buf, want, static_cast<off_t>(address));
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return std::nullopt;
    const auto got = static_cast<size_t>(n);
    const void* nul = std::memchr(buf, '\0', got);
    if (nul != nullptr) {
      out.append(buf, static_cast<size_t>(static_cast<const char*>(nul) - buf));
      return out;
    }
    out.append(buf, got);
    address += got;
  }
  return std::nullopt;  // no NUL within kMaxArgString
}

Result<Notifier> Notifier::Create() {
  seccomp_notif* req = nullptr;
  seccomp_notif_resp* resp = nullptr;
  int rc = seccomp_notify_alloc(&req, &resp);
  if (rc != 0) return ErrnoError("seccomp_notify_alloc", -rc);
  return Notifier(req, resp);
}

Notifier::Notifier(Notifier&& other) noexcept
    : req_(std::exchange(other.req_, nullptr)), resp_(std::exchange(other.resp_, nullptr)) {}

Notifier::~Notifier() {
  if (req_ != nullptr || resp_ != nullptr) seccomp_notify_free(req_, resp_);
}

Result<std::optional<DeniedAttempt>> Notifier::DenyOne(int listener_fd) {
  // The receive blocks when nothing is pending (a stale readiness event, a
  // reused fd number): look first, never wait.
  pollfd pending{listener_fd, POLLIN, 0};
  if (::poll(&pending, 1, 0) != 1 || !(pending.revents & POLLIN)) {
    return std::optional<DeniedAttempt>();
  }
  // The kernel refuses a buffer that is not zeroed; libseccomp leaves it as is.
  std::memset(req_, 0, sizeof *req_);
  errno = 0;
  if (seccomp_notify_receive(listener_fd, req_) != 0) {
    // ENOENT: the process went away (or was interrupted) between poll and here.
    if (errno == ENOENT || errno == EINTR) return std::optional<DeniedAttempt>();
    return ErrnoError("seccomp_notify_receive", errno != 0 ? errno : EIO);
  }
  DeniedAttempt out;
  out.pid = static_cast<int>(req_->pid);
  const std::string name = SyscallName(req_->data);
  // Open the memory, then check the notification is still pending: the pid
  // cannot have been reused for another process between the two.
  const std::string mem_path = "/proc/" + std::to_string(req_->pid) + "/mem";
  UniqueFd mem(::open(mem_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (seccomp_notify_id_valid(listener_fd, req_->id) != 0) return std::optional<DeniedAttempt>();
  uint64_t args[6];
  for (int i = 0; i < 6; ++i) args[i] = req_->data.args[i];
  out.attempt = DecodeAttempt(name, args, [&mem](uint64_t address) -> std::optional<std::string> {
    if (!mem.valid()) return std::nullopt;
    return ReadRemoteString(mem.get(), address);
  });
  std::memset(resp_, 0, sizeof *resp_);
  resp_->id = req_->id;
  resp_->val = 0;
  resp_->error = -EPERM;
  resp_->flags = 0;  // never SECCOMP_USER_NOTIF_FLAG_CONTINUE
  if (seccomp_notify_respond(listener_fd, resp_) != 0) {
    if (errno == ENOENT || errno == EINTR) return std::optional<DeniedAttempt>();
    return ErrnoError("seccomp_notify_respond", errno != 0 ? errno : EIO);
  }
  return std::optional<DeniedAttempt>(std::move(out));
}

}  // namespace oci_immutable
