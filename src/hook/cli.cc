#include "hook/cli.h"

namespace oci_immutable {

const char kHookUsage[] =
    "usage: oci-immutable-hook [--config FILE] [prestart|createRuntime|createContainer]\n"
    "       oci-immutable-hook --check-config FILE\n"
    "       oci-immutable-hook --help | --version\n"
    "\n"
    "An OCI hook: reads the container state on stdin and, before pivot_root, makes\n"
    "the container's rootfs and kernel interfaces (/proc/sys, ...) read-only, keeps\n"
    "volumes and the policy's writable paths writable, and logs violations.\n"
    "Without --config, /etc/oci-immutable/policy.json is used if present, else the\n"
    "built-in policy (enforce). The stage defaults to prestart.\n";

Result<HookArgs> ParseHookArgs(const std::vector<std::string_view>& args) {
  HookArgs out;
  bool have_stage = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    auto value = [&](std::string_view flag) -> Result<std::string> {
      if (a.size() > flag.size() && a.substr(0, flag.size()) == flag && a[flag.size()] == '=') {
        return std::string(a.substr(flag.size() + 1));
      }
      if (i + 1 >= args.size()) return Error(std::string(flag) + " needs a FILE");
      return std::string(args[++i]);
    };
    auto is_flag = [&](std::string_view flag) {
      return a == flag || (a.substr(0, flag.size()) == flag && a.size() > flag.size() &&
                           a[flag.size()] == '=');
    };
    if (a == "--help" || a == "-h") {
      out.action = HookArgs::Action::kHelp;
      return out;
    } else if (a == "--version") {
      out.action = HookArgs::Action::kVersion;
      return out;
    } else if (is_flag("--config")) {
      OI_ASSIGN_OR_RETURN(std::string file, value("--config"));
      if (file.empty()) return Error("--config needs a FILE");
      out.config = std::move(file);
    } else if (is_flag("--check-config")) {
      OI_ASSIGN_OR_RETURN(out.check_file, value("--check-config"));
      if (out.check_file.empty()) return Error("--check-config needs a FILE");
      out.action = HookArgs::Action::kCheckConfig;
    } else if (!a.empty() && a.front() == '-') {
      return Error("unknown option " + std::string(a));
    } else {
      std::optional<Stage> stage = ParseStage(a);
      if (!stage) return Error("unknown stage \"" + std::string(a) + "\"");
      if (have_stage) return Error("more than one stage given");
      out.stage = *stage;
      have_stage = true;
    }
  }
  if (out.action == HookArgs::Action::kCheckConfig && (have_stage || out.config)) {
    return Error("--check-config takes no stage and no --config");
  }
  return out;
}

}  // namespace oci_immutable
