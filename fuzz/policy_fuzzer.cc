// ParsePolicy on arbitrary bytes: the operator's policy file.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/path.h"
#include "policy/policy.h"

namespace {

// Absolute, already clean, never "/": what the hook mounts on.
bool ContainerPathOk(const std::string& p) {
  return !p.empty() && p.front() == '/' && p != "/" && oci_immutable::CleanPath(p) == p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto policy = oci_immutable::ParsePolicy(text);
  if (!policy.ok()) return 0;
  for (const std::string& p : policy->readonly_paths) {
    if (!ContainerPathOk(p)) __builtin_trap();
  }
  for (const oci_immutable::WritablePath& w : policy->writable_paths) {
    if (!ContainerPathOk(w.path) || w.size.empty()) __builtin_trap();
  }
  for (const oci_immutable::Exemption& e : policy->exempt) {
    if (!e.namespace_pattern && !e.pod_pattern && !e.container_pattern) __builtin_trap();
  }
  return 0;
}
