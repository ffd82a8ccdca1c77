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

// Options of create and run that take a separate value (pidfd-socket: runc 1.2).
constexpr std::array<std::string_view, 5> kCreateValueOptions = {
    "console-socket", "pid-file", "pidfd-socket", "preserve-fds", "bundle"};
// Boolean options of create and run (runc and crun).
constexpr std::array<std::string_view, 6> kCreateFlags = {
    "detach", "keep", "no-subreaper", "no-pivot", "no-new-keyring", "systemd-cgroup"};

bool IsOption(std::string_view arg) { return arg.size() > 1 && arg.front() == '-' && arg != "--"; }

bool Listed(std::string_view name, const auto& list) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

// crun (argp) accepts any unambiguous prefix of a long option.
bool IsPrefixOf(std::string_view name, std::string_view full) {
  return !name.empty() && full.substr(0, name.size()) == name;
}

class CreateArgs {
 public:
  CreateArgs(const std::vector<std::string_view>& args, RuntimeCall& call)
      : args_(args), call_(call) {}

  // args_[i] is an option; consumes it (and its value). Returns the next index.
  Result<size_t> Option(size_t i) {
    const std::string_view arg = args_[i];
    const bool long_form = arg.substr(0, 2) == "--";
    bool has_value = false;
    const std::string_view name = OptionName(arg, &has_value);
    if (name == "b" || name == "bundle" || (long_form && name.size() > 1 && IsPrefixOf(name, "bundle"))) {
      return Bundle(i, has_value ? arg.substr(arg.find('=') + 1) : std::string_view(), has_value);
    }
    if (name == "f" || (long_form && name.size() > 2 && IsPrefixOf(name, "config"))) {
      return Error(std::string(arg) +
                   ": a config file other than the bundle's config.json is not supported");
    }
    if (Listed(name, kCreateValueOptions) || Listed(name, kCreateFlags)) {
      return (Listed(name, kCreateValueOptions) && !has_value) ? i + 2 : i + 1;
    }
    if (!long_form && arg.size() > 2) return ShortCluster(i);
    return i + 1;  // unknown: the runtime will judge it
  }

 private:
  // "-bVALUE", "-dbVALUE", "-db VALUE", "-fX": getopt-style short clusters (crun).
  Result<size_t> ShortCluster(size_t i) {
    const std::string_view arg = args_[i];
    for (size_t k = 1; k < arg.size(); ++k) {
      if (arg[k] == 'd') continue;  // --detach
      if (arg[k] == 'b') {
        std::string_view rest = arg.substr(k + 1);
        if (!rest.empty() && rest.front() == '=') rest.remove_prefix(1);
        return Bundle(i, rest, !rest.empty());
      }
      if (arg[k] == 'f') {
        return Error(std::string(arg) +
                     ": a config file other than the bundle's config.json is not supported");
      }
      break;  // not a cluster we know: a Go-style long option, left to the runtime
    }
    return i + 1;
  }

  Result<size_t> Bundle(size_t i, std::string_view attached, bool has_value) {
    size_t next = i + 1;
    if (has_value) {
      call_.bundle = std::string(attached);
    } else if (i + 1 < args_.size()) {
      call_.bundle = std::string(args_[i + 1]);
      next = i + 2;
    } else {
      return Error(std::string(args_[i]) + " needs a directory");
    }
    if (call_.bundle->empty()) return Error(std::string(args_[i]) + " needs a directory");
    return next;
  }

  const std::vector<std::string_view>& args_;
  RuntimeCall& call_;
};

}  // namespace

Result<RuntimeCall> ParseRuntimeArgs(const std::vector<std::string_view>& args) {
  RuntimeCall call;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    if (!IsOption(args[i])) break;
    bool has_value = false;
    std::string_view name = OptionName(args[i], &has_value);
    const bool takes_value = !has_value && Listed(name, kGlobalValueOptions);
    std::string_view value;
    if (has_value) value = args[i].substr(args[i].find('=') + 1);
    if (takes_value && i + 1 < args.size()) value = args[i + 1];
    if (name == "log") call.log_file = std::string(value);
    if (name == "log-format") call.log_format = std::string(value);
    if (takes_value) ++i;  // its value
  }
  // "--" ends the global options; runc and crun both take the next word as the command.
  if (i < args.size() && args[i] == "--") ++i;
  if (i >= args.size()) return call;
  call.command = std::string(args[i]);
  if (!call.SetsUpContainer()) return call;
  CreateArgs create(args, call);
  for (++i; i < args.size();) {
    if (args[i] == "--") {
      if (call.container_id.empty() && i + 1 < args.size()) call.container_id = args[i + 1];
      break;
    }
    if (!IsOption(args[i])) {
      if (call.container_id.empty()) call.container_id = std::string(args[i]);
      ++i;
      continue;
    }
    OI_ASSIGN_OR_RETURN(i, create.Option(i));
  }
  return call;
}

}  // namespace oci_immutable
