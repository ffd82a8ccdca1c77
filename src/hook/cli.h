// oci-immutable-hook's command line (fixed: engines and tests depend on it).
#ifndef OCI_IMMUTABLE_HOOK_CLI_H_
#define OCI_IMMUTABLE_HOOK_CLI_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "oci/stage.h"

namespace oci_immutable {

// `scan [--pid PID | --all] [--format table|json]`: audit running containers.
struct ScanOptions {
  enum class Format { kTable, kJson };
  std::optional<int> pid;  // --pid PID; without it every container (--all)
  Format format = Format::kTable;
};

struct HookArgs {
  enum class Action { kRun, kCheckConfig, kHelp, kVersion, kScan };
  Action action = Action::kRun;
  std::optional<std::string> config;  // --config FILE
  std::string check_file;             // --check-config FILE
  Stage stage = Stage::kPrestart;
  ScanOptions scan;                   // with kScan
};

// argv without the program name. Errors are usage errors (exit 2).
Result<HookArgs> ParseHookArgs(const std::vector<std::string_view>& args);

extern const char kHookUsage[];

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_HOOK_CLI_H_
