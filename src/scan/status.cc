#include "scan/status.h"

#include <linux/capability.h>

#include <charconv>

#include "base/split.h"

namespace oci_immutable {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

template <typename T>
Result<T> ParseNumber(std::string_view field, std::string_view value, int base = 10) {
  T out{};
  const char* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), end, out, base);
  if (value.empty() || ec != std::errc() || ptr != end) {
    return Error(std::string(field) + ": malformed value \"" + std::string(value) + "\"");
  }
  return out;
}

}  // namespace

std::string_view SeccompModeName(SeccompMode mode) {
  switch (mode) {
    case SeccompMode::kDisabled:
      return "disabled";
    case SeccompMode::kStrict:
      return "strict";
    case SeccompMode::kFilter:
      return "filter";
  }
  return "unknown";
}

bool ProcStatus::HasEffectiveCapability(int cap) const {
  return cap >= 0 && cap < 64 && ((cap_effective >> cap) & 1) != 0;
}

bool ProcStatus::privileged() const { return HasEffectiveCapability(CAP_SYS_ADMIN); }

bool ProcStatus::seccomp_filter_present() const {
  return seccomp == SeccompMode::kFilter && (!seccomp_filters || *seccomp_filters >= 1);
}

Result<ProcStatus> ParseProcStatus(std::string_view text) {
  ProcStatus out;
  bool have_cap_eff = false;
  for (std::string_view line : Split(text, '\n')) {
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = line.substr(0, colon);
    std::string_view value = Trim(line.substr(colon + 1));
    if (key == "Name") {
      out.name = std::string(value);
    } else if (key == "PPid") {
      OI_ASSIGN_OR_RETURN(out.ppid, ParseNumber<int>(key, value));
    } else if (key == "Kthread") {
      OI_ASSIGN_OR_RETURN(int k, ParseNumber<int>(key, value));
      out.kernel_thread = k != 0;
    } else if (key == "CapEff") {
      OI_ASSIGN_OR_RETURN(out.cap_effective, ParseNumber<uint64_t>(key, value, 16));
      have_cap_eff = true;
    } else if (key == "Seccomp") {
      OI_ASSIGN_OR_RETURN(int mode, ParseNumber<int>(key, value));
      if (mode < 0 || mode > 2) return Error("Seccomp: unknown mode " + std::to_string(mode));
      out.seccomp = static_cast<SeccompMode>(mode);
    } else if (key == "Seccomp_filters") {
      OI_ASSIGN_OR_RETURN(out.seccomp_filters, ParseNumber<int>(key, value));
    }
  }
  if (!have_cap_eff) return Error("no CapEff line (not a /proc/PID/status)");
  return out;
}

bool IsKernelThread(const ProcStatus& status, int pid) {
  if (status.kernel_thread) return *status.kernel_thread;
  return pid == 2 || status.ppid == 2;
}

Result<uint64_t> ParseStatStartTime(std::string_view stat_text) {
  // "PID (comm) S ..."; comm may hold spaces and parentheses, so the fields
  // start after the last ')'. Field 3 (state) is the first after it.
  size_t paren = stat_text.rfind(')');
  if (paren == std::string_view::npos) return Error("stat: no command name");
  std::string_view rest = stat_text.substr(paren + 1);
  int field = 2;
  size_t i = 0;
  while (i < rest.size()) {
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\n')) ++i;
    size_t j = i;
    while (j < rest.size() && rest[j] != ' ' && rest[j] != '\n') ++j;
    if (j == i) break;
    if (++field == 22) return ParseNumber<uint64_t>("stat starttime", rest.substr(i, j - i));
    i = j;
  }
  return Error("stat: fewer than 22 fields");
}

}  // namespace oci_immutable
