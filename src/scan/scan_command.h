// `oci-immutable-hook scan`: reads the running containers, prints the report
// and returns the exit status.
#ifndef OCI_IMMUTABLE_SCAN_SCAN_COMMAND_H_
#define OCI_IMMUTABLE_SCAN_SCAN_COMMAND_H_

#include <optional>
#include <string>

#include "hook/cli.h"

namespace oci_immutable {

inline constexpr int kScanAllImmutable = 0;
inline constexpr int kScanSomeMutable = 1;
inline constexpr int kScanError = 2;

// The report goes to stdout, errors and warnings to stderr. The policy (for
// its readonly_paths) is loaded as the hook loads it.
int RunScan(const ScanOptions& options, const std::optional<std::string>& config);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_SCAN_SCAN_COMMAND_H_
