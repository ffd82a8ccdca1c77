// Checks the mount table read back after enforcement against what was meant.
#ifndef OCI_IMMUTABLE_MOUNT_VERIFY_H_
#define OCI_IMMUTABLE_MOUNT_VERIFY_H_

#include <string>
#include <vector>

#include "base/result.h"
#include "mount/mountinfo.h"

namespace oci_immutable {

struct MountExpectation {
  enum class Kind { kReadOnly, kWritableTmpfs };
  std::string path;  // for messages
  int mount_id;      // statx(STATX_MNT_ID) of the path, taken afresh
  Kind kind;
};

// OK when every expectation holds in `mounts`; else names the first that fails.
Status VerifyMounts(const std::vector<MountEntry>& mounts,
                    const std::vector<MountExpectation>& expectations);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_MOUNT_VERIFY_H_
