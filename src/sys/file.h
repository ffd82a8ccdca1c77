// Bounded reads: input sizes are capped so hostile input cannot exhaust memory.
#ifndef OCI_IMMUTABLE_SYS_FILE_H_
#define OCI_IMMUTABLE_SYS_FILE_H_

#include <string>

#include "base/result.h"

namespace oci_immutable {

// Reads fd to EOF; an error when more than max_bytes arrive.
Result<std::string> ReadAll(int fd, size_t max_bytes);
// Opens path (following symlinks) and reads it with ReadAll.
Result<std::string> ReadFile(const std::string& path, size_t max_bytes);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_SYS_FILE_H_
