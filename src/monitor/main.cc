// oci-immutable-monitor: wiring only.
#include <cstdio>
#include <string_view>
#include <vector>

#include "monitor/cli.h"
#include "monitor/daemon.h"
#include "policy/policy_file.h"

int main(int argc, char** argv) {
  using namespace oci_immutable;
  std::vector<std::string_view> args(argv + 1, argv + argc);
  Result<MonitorArgs> parsed = ParseMonitorArgs(args);
  if (!parsed.ok()) {
    std::fprintf(stderr, "%s: %s\n%s", kMonitorProgram, parsed.error().ToString().c_str(), kMonitorUsage);
    return 2;
  }
  if (parsed->help) {
    std::fputs(kMonitorUsage, stdout);
    return 0;
  }
  if (parsed->version) {
    std::printf("%s %s\n", kMonitorProgram, OCI_IMMUTABLE_VERSION);
    return 0;
  }
  Result<Policy> policy = LoadPolicy(parsed->config);
  if (!policy.ok()) {
    std::fprintf(stderr, "%s: policy: %s\n", kMonitorProgram, policy.error().ToString().c_str());
    return 2;
  }
  return RunMonitor(*policy);
}
