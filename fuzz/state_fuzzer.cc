// ParseState on arbitrary bytes: what a runtime writes on the hook's stdin.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "oci/state.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto state = oci_immutable::ParseState(text);
  if (!state.ok()) return 0;
  // What ParseState promises the hook.
  if (state->id.empty() || state->bundle.empty() || state->bundle.front() != '/') __builtin_trap();
  if (state->pid < -1) __builtin_trap();
  return 0;
}
