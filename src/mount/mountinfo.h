// /proc/PID/mountinfo, parsed from text by libmount's rules (without libmount).
#ifndef OCI_IMMUTABLE_MOUNT_MOUNTINFO_H_
#define OCI_IMMUTABLE_MOUNT_MOUNTINFO_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace oci_immutable {

struct MountEntry {
  int id = 0;
  int parent_id = 0;
  std::string root;    // the path within the file system that is mounted
  std::string target;  // the mount point
  std::string fstype;
  std::string source;
  std::string vfs_options;  // per-mount flags: "ro,nosuid,..."
  std::string fs_options;   // super block options
  std::string optional_fields;  // "shared:12 master:3"

  bool read_only() const;
};

// Parses mountinfo text; a malformed line is an error naming its number.
Result<std::vector<MountEntry>> ParseMountinfo(std::string_view text);

// The entry with this mount id, or nullptr.
const MountEntry* FindMountById(const std::vector<MountEntry>& mounts, int id);

// True when the comma-separated option list contains `option` exactly.
bool HasOption(std::string_view options, std::string_view option);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_MOUNT_MOUNTINFO_H_
