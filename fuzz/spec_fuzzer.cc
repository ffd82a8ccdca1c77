// config.json: ParseSpec, then the wrapper's rewrite round trip. A spec the
// wrapper rewrites must be written and read back as the same document, still
// be a valid spec, and need no second rewrite.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "json/json.h"
#include "oci/spec.h"
#include "policy/policy.h"
#include "runtime/rewrite.h"

namespace oi = oci_immutable;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)oi::ParseSpec(text);
  auto doc = oi::ParseJson(text, oi::kSpecLimits);
  if (!doc.ok()) return 0;

  static const oi::Policy policy = oi::DefaultPolicy();
  static const oi::HookInjection hook{"/usr/libexec/oci/hooks.d/oci-immutable-hook",
                                      {"oci-immutable-hook", "createContainer"}};
  auto first = oi::RewriteSpec(*doc, policy, hook);
  if (!first.ok()) return 0;

  const std::string written = oi::WriteJson(first->spec);
  auto reread = oi::ParseJson(written, oi::kSpecLimits);
  if (!reread.ok() || !(*reread == first->spec)) __builtin_trap();
  if (!oi::ReadSpec(*reread).ok()) __builtin_trap();
  auto second = oi::RewriteSpec(*reread, policy, hook);
  if (!second.ok() || second->changed) __builtin_trap();
  return 0;
}
