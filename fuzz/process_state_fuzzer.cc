// ParseProcessState on arbitrary bytes: the message a runtime sends
// oci-immutable-monitor over its socket with the seccomp listener fd.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "monitor/process_state.h"

namespace oi = oci_immutable;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto state = oi::ParseProcessState(text);
  if (!state.ok()) return 0;
  // What the monitor relies on when it picks the fd and names the container.
  if (state->fds.empty() || state->fds.size() > oi::kMaxProcessStateFds) __builtin_trap();
  if (state->seccomp_fd_index >= state->fds.size()) __builtin_trap();
  if (state->fds[state->seccomp_fd_index] != oi::kSeccompFdName) __builtin_trap();
  if (state->container_id.empty() || state->container_id.size() > oi::kMaxContainerIdBytes) {
    __builtin_trap();
  }
  if (state->pid < 0 || state->metadata.size() > oi::kMaxMetadataBytes) __builtin_trap();
  if (!oi::IsJsonDocument(text)) __builtin_trap();
  return 0;
}
