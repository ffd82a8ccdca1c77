#include "hook/cli.h"

#include <charconv>

namespace oci_immutable {

const char kHookUsage[] =
    "usage: oci-immutable-hook [--config FILE] [prestart|createRuntime|createContainer]\n"
    "       oci-immutable-hook --check-config FILE\n"
    "       oci-immutable-hook scan [--pid PID | --all] [--format table|json] [--config FILE]\n"
    "       oci-immutable-hook --help | --version\n"
    "\n"
    "An OCI hook: reads the container state on stdin and, before pivot_root, makes\n"
    "the container's rootfs and kernel interfaces (/proc/sys, ...) read-only, keeps\n"
    "volumes and the policy's writable paths writable, and logs violations.\n"
    "Without --config, /etc/oci-immutable/policy.json is used if present, else the\n"
    "built-in policy (enforce). The stage defaults to prestart.\n"
    "\n"
    "scan audits running containers (one process's with --pid, else every mount\n"
    "namespace but ours, --all): read-only rootfs and protected paths, writable\n"
    "mounts, CAP_SYS_ADMIN, seccomp. Exit 0 all immutable, 1 some mutable, 2 error.\n";

namespace {

Result<int> ParsePidValue(std::string_view text) {
  int pid = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || pid <= 0) {
    return Error("--pid: \"" + std::string(text) + "\" is not a process id");
  }
  return pid;
}

Result<ScanOptions::Format> ParseFormat(std::string_view text) {
  if (text == "table") return ScanOptions::Format::kTable;
  if (text == "json") return ScanOptions::Format::kJson;
  return Error("--format: unknown format \"" + std::string(text) + "\" (table or json)");
}

}  // namespace

Result<HookArgs> ParseHookArgs(const std::vector<std::string_view>& args) {
  HookArgs out;
  bool have_stage = false;
  bool scan = false;
  bool scan_option = false;  // --pid, --all or --format seen
  bool all = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    auto value = [&](std::string_view flag, std::string_view what) -> Result<std::string> {
      if (a.size() > flag.size() && a.substr(0, flag.size()) == flag && a[flag.size()] == '=') {
        return std::string(a.substr(flag.size() + 1));
      }
      if (i + 1 >= args.size()) return Error(std::string(flag) + " needs " + std::string(what));
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
      OI_ASSIGN_OR_RETURN(std::string file, value("--config", "a FILE"));
      if (file.empty()) return Error("--config needs a FILE");
      out.config = std::move(file);
    } else if (is_flag("--check-config")) {
      OI_ASSIGN_OR_RETURN(out.check_file, value("--check-config", "a FILE"));
      if (out.check_file.empty()) return Error("--check-config needs a FILE");
      out.action = HookArgs::Action::kCheckConfig;
    } else if (is_flag("--pid")) {
      OI_ASSIGN_OR_RETURN(std::string pid, value("--pid", "a PID"));
      OI_ASSIGN_OR_RETURN(out.scan.pid, ParsePidValue(pid));
      scan_option = true;
    } else if (a == "--all") {
      all = true;
      scan_option = true;
    } else if (is_flag("--format")) {
      OI_ASSIGN_OR_RETURN(std::string format, value("--format", "table or json"));
      OI_ASSIGN_OR_RETURN(out.scan.format, ParseFormat(format));
      scan_option = true;
    } else if (!a.empty() && a.front() == '-') {
      return Error("unknown option " + std::string(a));
    } else if (a == "scan") {
      if (scan) return Error("scan given twice");
      scan = true;
    } else {
      std::optional<Stage> stage = ParseStage(a);
      if (!stage) return Error("unknown stage \"" + std::string(a) + "\"");
      if (have_stage) return Error("more than one stage given");
      out.stage = *stage;
      have_stage = true;
    }
  }
  if (out.action == HookArgs::Action::kCheckConfig && scan) {
    return Error("--check-config and scan exclude each other");
  }
  if (out.action == HookArgs::Action::kCheckConfig && (have_stage || out.config)) {
    return Error("--check-config takes no stage and no --config");
  }
  if (scan_option && !scan) return Error("--pid, --all and --format go with scan");
  if (scan) {
    if (have_stage) return Error("scan takes no stage");
    if (all && out.scan.pid) return Error("--pid and --all exclude each other");
    out.action = HookArgs::Action::kScan;
  }
  return out;
}

}  // namespace oci_immutable
