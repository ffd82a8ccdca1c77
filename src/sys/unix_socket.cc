#include "sys/unix_socket.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace oci_immutable {
namespace {

Result<sockaddr_un> Address(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path) {
    return Error("socket path too long (or empty): " + path);
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return addr;
}

Result<UniqueFd> Connect(const std::string& path) {
  OI_ASSIGN_OR_RETURN(sockaddr_un addr, Address(path));
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) return ErrnoError("socket");
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    return ErrnoError("connect " + path);
  }
  return fd;
}

Status MakeParent(const std::string& path) {
  const std::string dir = path.substr(0, path.rfind('/'));
  if (dir.empty()) return OkStatus();
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) return Error(dir + " is not a directory");
    return OkStatus();
  }
  if (errno != ENOENT) return ErrnoError("stat " + dir);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return ErrnoError("mkdir " + dir);
  return OkStatus();
}

Status RemoveStale(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    return errno == ENOENT ? OkStatus() : ErrnoError("lstat " + path);
  }
  if (!S_ISSOCK(st.st_mode)) return Error(path + " exists and is not a socket");
  Result<UniqueFd> live = Connect(path);
  if (live.ok() || live.error().errno_value() == EAGAIN) {
    return Error("another process listens on " + path);
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoError("unlink stale " + path);
  return OkStatus();
}

}  // namespace

Result<UniqueFd> ListenUnix(const std::string& path) {
  OI_ASSIGN_OR_RETURN(sockaddr_un addr, Address(path));
  OI_RETURN_IF_ERROR(MakeParent(path));
  OI_RETURN_IF_ERROR(RemoveStale(path));
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) return ErrnoError("socket");
  // Born 0600: no window in which anyone else could connect.
  const mode_t old = ::umask(0177);
  const int rc = ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  const int saved = errno;
  ::umask(old);
  if (rc != 0) return ErrnoError("bind " + path, saved);
  if (::chmod(path.c_str(), 0600) != 0) return ErrnoError("chmod " + path);
  if (::listen(fd.get(), 128) != 0) return ErrnoError("listen " + path);
  return fd;
}

Result<std::optional<UniqueFd>> ListenFdFromSystemd() {
  const char* pid = std::getenv("LISTEN_PID");
  const char* fds = std::getenv("LISTEN_FDS");
  if (pid == nullptr || fds == nullptr) return std::optional<UniqueFd>();
  const bool ours = std::strtol(pid, nullptr, 10) == ::getpid();
  const long count = std::strtol(fds, nullptr, 10);
  ::unsetenv("LISTEN_PID");
  ::unsetenv("LISTEN_FDS");
  ::unsetenv("LISTEN_FDNAMES");
  if (!ours) return std::optional<UniqueFd>();
  if (count != 1) return Error("LISTEN_FDS=" + std::string(fds) + ": expected one socket");
  constexpr int kFirst = 3;  // SD_LISTEN_FDS_START
  int type = 0, domain = 0, listening = 0;
  socklen_t len = sizeof type;
  if (::getsockopt(kFirst, SOL_SOCKET, SO_TYPE, &type, &len) != 0) {
    return ErrnoError("the socket systemd passed (fd 3)");
  }
  len = sizeof domain;
  ::getsockopt(kFirst, SOL_SOCKET, SO_DOMAIN, &domain, &len);
  len = sizeof listening;
  ::getsockopt(kFirst, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len);
  if (type != SOCK_STREAM || domain != AF_UNIX || !listening) {
    return Error("the socket systemd passed is not a listening unix stream socket");
  }
  const int flags = ::fcntl(kFirst, F_GETFL);
  if (flags < 0 || ::fcntl(kFirst, F_SETFL, flags | O_NONBLOCK) != 0 ||
      ::fcntl(kFirst, F_SETFD, FD_CLOEXEC) != 0) {
    return ErrnoError("fcntl on the socket systemd passed");
  }
  return std::optional<UniqueFd>(UniqueFd(kFirst));
}

Result<uid_t> PeerUid(int fd) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    return ErrnoError("SO_PEERCRED");
  }
  return cred.uid;
}

Status CheckListener(const std::string& path) {
  OI_ASSIGN_OR_RETURN(UniqueFd fd, Connect(path));
  OI_ASSIGN_OR_RETURN(uid_t uid, PeerUid(fd.get()));
  if (uid != 0) return Error(path + " is served by uid " + std::to_string(uid) + ", not root");
  return OkStatus();
}

Result<Received> ReceiveWithFds(int fd, std::string& buffer, size_t max, size_t max_fds) {
  Received out;
  const size_t old_size = buffer.size();
  buffer.resize(old_size + max);
  iovec iov{buffer.data() + old_size, max};
  std::vector<char> control(CMSG_SPACE(sizeof(int) * max_fds));
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  ssize_t n;
  do {
    n = ::recvmsg(fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  const int saved = errno;
  buffer.resize(old_size + (n > 0 ? static_cast<size_t>(n) : 0));
  if (n < 0) {
    if (saved == EAGAIN || saved == EWOULDBLOCK) {
      out.would_block = true;
      return out;
    }
    return ErrnoError("recvmsg", saved);
  }
  // Take ownership of every fd first, so that each is closed whatever follows.
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int received;
      std::memcpy(&received, CMSG_DATA(c) + i * sizeof(int), sizeof received);
      out.fds.emplace_back(received);
    }
  }
  out.fds_truncated = (msg.msg_flags & MSG_CTRUNC) != 0 || out.fds.size() > max_fds;
  out.bytes = static_cast<size_t>(n);
  out.eof = n == 0 && out.fds.empty();
  return out;
}

Status SendWithFds(int fd, std::string_view text, const std::vector<int>& pass) {
  iovec iov{const_cast<char*>(text.data()), text.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  std::vector<char> control(CMSG_SPACE(sizeof(int) * pass.size()));
  if (!pass.empty()) {
    msg.msg_control = control.data();
    msg.msg_controllen = control.size();
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * pass.size());
    std::memcpy(CMSG_DATA(c), pass.data(), sizeof(int) * pass.size());
  }
  const ssize_t n = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
  if (n < 0) return ErrnoError("sendmsg");
  if (static_cast<size_t>(n) != text.size()) return Error("sendmsg: short write");
  return OkStatus();
}

}  // namespace oci_immutable
