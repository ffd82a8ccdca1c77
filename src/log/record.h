// Violation and notice records: one JSON object per line (JSON Lines).
#ifndef OCI_IMMUTABLE_LOG_RECORD_H_
#define OCI_IMMUTABLE_LOG_RECORD_H_

#include <time.h>

#include <string>
#include <string_view>

#include "policy/decision.h"
#include "policy/identity.h"
#include "policy/policy.h"

namespace oci_immutable {

// Fixed action names.
inline constexpr std::string_view kActionEnforced = "enforced";  // enforce mode, applied
inline constexpr std::string_view kActionLogged = "logged";      // audit mode or exempt
inline constexpr std::string_view kActionFailed = "failed";      // enforce mode, not applied

// What every record of one container carries.
struct RecordContext {
  std::string_view source;  // "hook" or "runtime"
  std::string container_id;
  std::string stage;
  Mode mode = Mode::kEnforce;
  bool exempt = false;
  KubeIdentity identity;
};

// "2026-11-21T23:45:01.123Z"
std::string FormatTime(const timespec& t);

// A record line, ending in '\n'.
std::string ViolationRecord(const RecordContext& ctx, const timespec& now,
                            const Violation& violation, std::string_view action,
                            std::string_view error = "");
// Things worth an operator's eye that are not violations, e.g. a protected
// path absent in the image ("notice": "path-skipped").
std::string NoticeRecord(const RecordContext& ctx, const timespec& now, std::string_view notice,
                         std::string_view path, std::string_view reason);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_LOG_RECORD_H_
