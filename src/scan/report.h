// The scan report and its two renderings: a table for people and JSON
// (version 1, documented in docs/scan.md) for tools. Pure.
#ifndef OCI_IMMUTABLE_SCAN_REPORT_H_
#define OCI_IMMUTABLE_SCAN_REPORT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "json/json.h"
#include "scan/assess.h"

namespace oci_immutable {

inline constexpr int kScanReportVersion = 1;

struct ContainerReport {
  int pid = 0;                         // the representative process
  uint64_t mount_namespace = 0;        // inode of its /proc/PID/ns/mnt
  std::optional<std::string> id;       // from the runtime's state, when found
  std::optional<std::string> runtime;  // "runc", "crun"
  Assessment assessment;
};

// True when every container is immutable (also when there are none).
bool AllImmutable(const std::vector<ContainerReport>& containers);

// {"version":1,"containers":[...]}
Json ScanReportJson(const std::vector<ContainerReport>& containers);
std::string RenderJson(const std::vector<ContainerReport>& containers);  // ends in '\n'

// One row per container under a header; "no containers found" for none.
std::string RenderTable(const std::vector<ContainerReport>& containers);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_SCAN_REPORT_H_
