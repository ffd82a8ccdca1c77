#include "runtime/args.h"

#include <algorithm>
#include <array>

namespace oci_immutable {
namespace {

// Global options of runc and crun that take a separate value.
constexpr std::array<std::string_view, 8> kGlobalValueOptions = {
    "log", "log-format", "log-level", "root", "criu", "rootless", "cgroup-manager", "debug-log"};

// "--name=value" / "-name=value" / "--name" / "-name": the name, with dashes
// (one or two, as Go's flag parsing accepts) and any "=value" removed.
std::string_view OptionName(std::string_view arg, bool* has_value) {
  size_t dashes = arg.substr(0, 2) == "--" ? 2 : 1;
  std::string_view name = arg.substr(dashes);
  size_t eq = name.find('=');
  *has_value = eq != std::string_view::npos;
  return *has_value ? name.substr(0, eq) : name;
}

// Options of create and run that take a separate value.
constexpr std::array<std::string_view, 5> kCreateValueOptions = {
    "b", "bundle", "console-socket", "pid-file", "preserve-fds"};

bool IsOption(std::string_view arg) { return arg.size() > 1 && arg.front() == '-' && arg != "--"; }

}  // namespace

Result<RuntimeCall> ParseRuntimeArgs(const std::vector<std::string_view>& args) {
  RuntimeCall call;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    if (!IsOption(args[i])) break;
    bool has_value = false;
    std::string_view name = OptionName(args[i], &has_value);
    if (!has_value && std::find(kGlobalValueOptions.begin(), kGlobalValueOptions.end(), name) !=
                          kGlobalValueOptions.end()) {
      ++i;  // its value
    }
  }
  if (i >= args.size() || args[i] == "--") return call;
  call.command = std::string(args[i]);
  if (!call.SetsUpContainer()) return call;
  for (++i; i < args.size(); ++i) {
    if (args[i] == "--") {
      if (call.container_id.empty() && i + 1 < args.size()) call.container_id = args[i + 1];
      break;
    }
    if (!IsOption(args[i])) {
      if (call.container_id.empty()) call.container_id = std::string(args[i]);
      continue;
    }
    bool has_value = false;
    std::string_view name = OptionName(args[i], &has_value);
    if (name != "b" && name != "bundle") {
      const bool takes_value = std::find(kCreateValueOptions.begin(), kCreateValueOptions.end(),
                                         name) != kCreateValueOptions.end();
      if (takes_value && !has_value) ++i;
      continue;
    }
    if (has_value) {
      call.bundle = std::string(args[i].substr(args[i].find('=') + 1));
    } else if (i + 1 < args.size()) {
      call.bundle = std::string(args[++i]);
    } else {
      return Error(std::string(args[i]) + " needs a directory");
    }
    if (call.bundle->empty()) return Error(std::string(args[i]) + " needs a directory");
  }
  return call;
}

}  // namespace oci_immutable
