// ParseRuntimeArgs on arbitrary argv: the input is split on NUL into arguments,
// as the kernel hands them to the wrapper.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "runtime/args.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> args;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\0', start);
    if (end == std::string_view::npos) end = text.size();
    args.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  auto call = oci_immutable::ParseRuntimeArgs(args);
  if (!call.ok()) return 0;
  // Only create and run are looked into; a bundle found is never empty.
  if (!call->SetsUpContainer() && (call->bundle || !call->container_id.empty())) __builtin_trap();
  if (call->bundle && call->bundle->empty()) __builtin_trap();
  return 0;
}
