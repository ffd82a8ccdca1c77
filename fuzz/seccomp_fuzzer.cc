// MergeDenyRules on an arbitrary linux.seccomp profile. A profile libseccomp
// compiles always merges; a merged profile compiles, denies every name of the
// deny list, and comes out of a second merge unchanged.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "json/json.h"
#include "oci/spec.h"
#include "seccomp/filter.h"
#include "seccomp/profile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = oci_immutable::ParseJson(text, oci_immutable::kSpecLimits);
  if (!doc.ok()) return 0;
  const oci_immutable::Json* existing = doc->is_null() ? nullptr : &*doc;
  auto merged = oci_immutable::MergeDenyRules(existing);
  if (!merged.ok()) {
    if (existing != nullptr && oci_immutable::CompileProfile(*existing).ok()) __builtin_trap();
    return 0;
  }
  if (!oci_immutable::CompileProfile(*merged).ok()) __builtin_trap();
  if (!oci_immutable::DeniesAll(*merged)) __builtin_trap();
  auto again = oci_immutable::MergeDenyRules(&*merged);
  if (!again.ok() || !(*again == *merged)) __builtin_trap();
  return 0;
}
