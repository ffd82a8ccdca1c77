// oci-immutable-runtime: wiring only.
#include <string_view>
#include <vector>

#include "runtime/wrapper.h"

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  return oci_immutable::RunWrapper(args);
}
