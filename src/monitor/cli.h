// oci-immutable-monitor's command line: [--config FILE], --help, --version.
#ifndef OCI_IMMUTABLE_MONITOR_CLI_H_
#define OCI_IMMUTABLE_MONITOR_CLI_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace oci_immutable {

struct MonitorArgs {
  std::optional<std::string> config;  // --config FILE (or --config=FILE)
  bool help = false;
  bool version = false;
};

inline constexpr char kMonitorUsage[] =
    "usage: oci-immutable-monitor [--config FILE]\n"
    "Denies and logs, through seccomp user notifications, every mount, handle and module\n"
    "syscall of the containers oci-immutable-runtime sends to it. Runs in the foreground;\n"
    "the policy's \"monitor\" key names the socket (see oci-immutable-monitor(8)).\n";

Result<MonitorArgs> ParseMonitorArgs(const std::vector<std::string_view>& args);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_MONITOR_CLI_H_
