#include "seccomp/actions.h"

#include <seccomp.h>

#include <cctype>
#include <cerrno>
#include <string>

namespace oci_immutable {

std::optional<bool> ActionDenies(std::string_view action) {
  if (action == "SCMP_ACT_ERRNO" || action == "SCMP_ACT_KILL" ||
      action == "SCMP_ACT_KILL_PROCESS" || action == "SCMP_ACT_KILL_THREAD" ||
      action == "SCMP_ACT_TRAP") {
    return true;
  }
  if (action == "SCMP_ACT_ALLOW" || action == "SCMP_ACT_LOG" || action == "SCMP_ACT_TRACE" ||
      action == "SCMP_ACT_NOTIFY") {
    return false;
  }
  return std::nullopt;
}

std::optional<uint32_t> ActionValue(std::string_view action, std::optional<int64_t> errno_ret) {
  const auto ret = static_cast<uint16_t>(errno_ret.value_or(EPERM));
  if (action == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
  if (action == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(ret);
  if (action == "SCMP_ACT_KILL" || action == "SCMP_ACT_KILL_THREAD") return SCMP_ACT_KILL_THREAD;
  if (action == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
  if (action == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
  if (action == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
  if (action == "SCMP_ACT_TRACE") return SCMP_ACT_TRACE(ret);
  if (action == "SCMP_ACT_NOTIFY") return SCMP_ACT_NOTIFY;
  return std::nullopt;
}

uint32_t ArchToken(std::string_view oci_name) {
  constexpr std::string_view kPrefix = "SCMP_ARCH_";
  if (oci_name.substr(0, kPrefix.size()) != kPrefix) return 0;
  std::string name(oci_name.substr(kPrefix.size()));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return seccomp_arch_resolve_name(name.c_str());
}

}  // namespace oci_immutable
