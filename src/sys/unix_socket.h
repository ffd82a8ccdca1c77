// Unix stream sockets for oci-immutable-monitor and the wrapper's check of
// it: a listening socket (made here, or passed by systemd), peer
// credentials, a bounded receive with SCM_RIGHTS, a connect test.
#ifndef OCI_IMMUTABLE_SYS_UNIX_SOCKET_H_
#define OCI_IMMUTABLE_SYS_UNIX_SOCKET_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"

namespace oci_immutable {

// Listens on `path` (non-blocking, close-on-exec): the parent directory is
// made with mode 0700 when missing, the socket gets mode 0600, a stale socket
// (nobody accepts on it) is replaced; a live one or a non-socket is an error.
Result<UniqueFd> ListenUnix(const std::string& path);

// The socket systemd passed (LISTEN_PID is us, LISTEN_FDS = 1, fd 3, a unix
// stream socket in listening state), made non-blocking; nullopt when none
// was passed. Clears the LISTEN_* variables.
Result<std::optional<UniqueFd>> ListenFdFromSystemd();

// The uid of the process at the other end (SO_PEERCRED).
Result<uid_t> PeerUid(int fd);

// Connects without blocking (a full backlog is an error) and checks that the
// listener runs as root: the wrapper's test that the monitor answers.
Status CheckListener(const std::string& path);

struct Received {
  size_t bytes = 0;       // appended to the buffer; 0 with eof
  bool eof = false;
  bool would_block = false;
  bool fds_truncated = false;  // more fds, or a control message, than room for
  std::vector<UniqueFd> fds;   // SCM_RIGHTS, close-on-exec
};

// One recvmsg(2) of at most `max` bytes appended to `buffer`, with room for
// `max_fds` descriptors. Any other control message is dropped (and its fds
// closed).
Result<Received> ReceiveWithFds(int fd, std::string& buffer, size_t max, size_t max_fds);

// The sending side, as runc and crun hand the monitor a seccomp listener: one
// sendmsg(2) of `text` with `pass` (none or more) as SCM_RIGHTS. Used by
// tests and benches.
Status SendWithFds(int fd, std::string_view text, const std::vector<int>& pass);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_SYS_UNIX_SOCKET_H_
