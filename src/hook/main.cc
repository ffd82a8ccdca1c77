// oci-immutable-hook: wiring only.
#include <unistd.h>

#include <cstdio>
#include <string_view>
#include <vector>

#include "hook/cli.h"
#include "hook/hook.h"
#include "scan/scan_command.h"

#ifndef OCI_IMMUTABLE_VERSION
#define OCI_IMMUTABLE_VERSION "unknown"
#endif

int main(int argc, char** argv) {
  using namespace oci_immutable;
  std::vector<std::string_view> args(argv + 1, argv + argc);
  Result<HookArgs> parsed = ParseHookArgs(args);
  if (!parsed.ok()) {
    std::fprintf(stderr, "%s: %s\n%s", kHookProgram, parsed.error().message().c_str(), kHookUsage);
    return 2;
  }
  switch (parsed->action) {
    case HookArgs::Action::kHelp:
      std::fputs(kHookUsage, stdout);
      return 0;
    case HookArgs::Action::kVersion:
      std::printf("%s %s\n", kHookProgram, OCI_IMMUTABLE_VERSION);
      return 0;
    case HookArgs::Action::kCheckConfig:
      return CheckConfig(parsed->check_file);
    case HookArgs::Action::kRun:
      return RunHook(*parsed, STDIN_FILENO);
    case HookArgs::Action::kScan:
      return RunScan(parsed->scan, parsed->config);
  }
  return 2;
}
