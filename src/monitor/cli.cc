#include "monitor/cli.h"

namespace oci_immutable {

Result<MonitorArgs> ParseMonitorArgs(const std::vector<std::string_view>& args) {
  MonitorArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    if (a == "--help" || a == "-h") {
      out.help = true;
    } else if (a == "--version") {
      out.version = true;
    } else if (a == "--config" || a.substr(0, 9) == "--config=") {
      if (out.config) return Error("--config given twice");
      if (a == "--config") {
        if (i + 1 >= args.size()) return Error("--config needs a file");
        out.config = std::string(args[++i]);
      } else {
        out.config = std::string(a.substr(9));
      }
      if (out.config->empty()) return Error("--config needs a file");
    } else {
      return Error("unknown argument \"" + std::string(a) + "\"");
    }
  }
  return out;
}

}  // namespace oci_immutable
