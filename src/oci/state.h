// The OCI state a runtime hands a hook on stdin (runtime-spec state.md).
#ifndef OCI_IMMUTABLE_OCI_STATE_H_
#define OCI_IMMUTABLE_OCI_STATE_H_

#include <map>
#include <string>
#include <string_view>

#include "base/result.h"

namespace oci_immutable {

struct ContainerState {
  std::string oci_version;
  std::string id;
  std::string status;
  int pid = -1;  // -1 when the state carries none
  std::string bundle;
  std::map<std::string, std::string> annotations;
};

// Parses the state; unknown keys (crun's "root") are ignored. id and an
// absolute bundle are required.
Result<ContainerState> ParseState(std::string_view text);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_OCI_STATE_H_
