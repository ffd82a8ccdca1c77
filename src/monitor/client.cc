#include "monitor/client.h"

#include <unistd.h>

#include <climits>
#include <string_view>

#include "monitor/process_state.h"
#include "policy/identity.h"
#include "seccomp/profile.h"
#include "sys/unix_socket.h"

namespace oci_immutable {
namespace {

// Parsing is tried when the text may be complete, at most this often per
// client, and once more at EOF: a client trickling bytes cannot make the
// monitor parse its buffer over and over.
constexpr int kMaxParseAttempts = 8;
constexpr size_t kReadChunk = 16 * 1024;

ClientStep Reject(std::string why) { return {ClientStep::kReject, std::move(why), std::nullopt}; }

bool IsSeccompListener(int fd) {
  char link[64];
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  ssize_t n = ::readlink(path.c_str(), link, sizeof link - 1);
  if (n < 0) return false;
  return std::string_view(link, static_cast<size_t>(n)) == "anon_inode:seccomp notify";
}

bool MayBeComplete(const std::string& text) {
  size_t end = text.find_last_not_of(" \t\r\n");
  return end != std::string::npos && text[end] == '}';
}

ClientStep Accept(PendingClient& client, ProcessState state) {
  if (state.metadata != kListenerMetadata) {
    return Reject("listenerMetadata is not \"" + std::string(kListenerMetadata) + "\"");
  }
  if (client.fds.size() != state.fds.size()) {
    return Reject("the state names " + std::to_string(state.fds.size()) + " fds, " +
                  std::to_string(client.fds.size()) + " came");
  }
  UniqueFd fd = std::move(client.fds[state.seccomp_fd_index]);
  if (!IsSeccompListener(fd.get())) return Reject("the fd is not a seccomp listener");
  WatchedListener listener;
  listener.fd = std::move(fd);
  listener.origin.container_id = std::move(state.container_id);
  listener.origin.identity = IdentityFromAnnotations(state.annotations);
  listener.origin.pid = state.pid;
  return {ClientStep::kDone, "", std::move(listener)};
}

ClientStep TryParse(PendingClient& client, bool final) {
  // Connected and closed: the wrapper checking that the monitor answers.
  if (final && client.buffer.empty() && client.fds.empty()) return Reject("");
  if (client.fds.empty()) return final ? Reject("no fd came with the message") : ClientStep{};
  if (!final && (!MayBeComplete(client.buffer) || client.parse_attempts >= kMaxParseAttempts)) {
    return {};
  }
  ++client.parse_attempts;
  Result<ProcessState> state = ParseProcessState(client.buffer);
  if (state.ok()) return Accept(client, std::move(state).value());
  // A whole document that is no valid state is refused at once: a runtime
  // may keep the connection open while its process waits on the listener
  // (crun exec), so waiting for EOF would hold that process up.
  if (final || IsJsonDocument(client.buffer)) return Reject(state.error().ToString());
  return {};
}

}  // namespace

ClientStep ReadClient(PendingClient& client) {
  for (;;) {
    if (client.buffer.size() >= kMaxProcessStateBytes) {
      ClientStep step = TryParse(client, true);
      return step.kind == ClientStep::kDone ? std::move(step)
                                            : Reject("more than 64 KiB without a valid state");
    }
    const size_t room = std::min(kReadChunk, kMaxProcessStateBytes - client.buffer.size());
    Result<Received> got = ReceiveWithFds(client.fd.get(), client.buffer, room,
                                          kMaxProcessStateFds);
    if (!got.ok()) return Reject(got.error().ToString());
    if (got->would_block) return TryParse(client, false);
    if (got->fds_truncated) return Reject("too many fds, or an unexpected control message");
    for (UniqueFd& fd : got->fds) client.fds.push_back(std::move(fd));
    if (client.fds.size() > kMaxProcessStateFds) return Reject("too many fds");
    if (got->eof) return TryParse(client, true);
    ClientStep step = TryParse(client, false);
    if (step.kind != ClientStep::kWait) return step;
  }
}

}  // namespace oci_immutable
