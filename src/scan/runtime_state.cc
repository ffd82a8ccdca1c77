#include "scan/runtime_state.h"

#include <cstdint>

#include "json/fields.h"
#include "json/json.h"

namespace oci_immutable {
namespace {

// runc's state.json carries the whole config; allow for big ones.
constexpr JsonLimits kStateLimits{.max_bytes = 8 << 20, .max_depth = 64};

Result<int> Pid(const Json& doc, std::string_view key) {
  OI_ASSIGN_OR_RETURN(std::optional<int64_t> pid, OptInt(doc, key, ""));
  if (!pid || *pid <= 0 || *pid > INT32_MAX) return Error(std::string(key) + ": no valid pid");
  return static_cast<int>(*pid);
}

Result<std::optional<uint64_t>> StartTime(const Json& doc, std::string_view key) {
  OI_ASSIGN_OR_RETURN(std::optional<int64_t> t, OptInt(doc, key, ""));
  if (!t || *t < 0) return std::optional<uint64_t>();
  return std::optional<uint64_t>(static_cast<uint64_t>(*t));
}

}  // namespace

Result<RuntimeRecord> ParseRuncState(std::string_view text) {
  OI_ASSIGN_OR_RETURN(Json doc, ParseJson(text, kStateLimits));
  if (!doc.is_object()) return Error("state.json: expected an object");
  RuntimeRecord r;
  r.runtime = "runc";
  OI_ASSIGN_OR_RETURN_CTX(std::optional<std::string> id, OptString(doc, "id", ""), "state.json");
  if (!id || id->empty()) return Error("state.json: no id");
  r.id = std::move(*id);
  OI_ASSIGN_OR_RETURN_CTX(r.pid, Pid(doc, "init_process_pid"), "state.json");
  OI_ASSIGN_OR_RETURN_CTX(r.start_time, StartTime(doc, "init_process_start"), "state.json");
  return r;
}

Result<RuntimeRecord> ParseCrunStatus(std::string_view text, std::string_view id) {
  OI_ASSIGN_OR_RETURN(Json doc, ParseJson(text, kStateLimits));
  if (!doc.is_object()) return Error("status: expected an object");
  RuntimeRecord r;
  r.runtime = "crun";
  r.id = std::string(id);
  OI_ASSIGN_OR_RETURN_CTX(r.pid, Pid(doc, "pid"), "status");
  OI_ASSIGN_OR_RETURN_CTX(r.start_time, StartTime(doc, "process-start-time"), "status");
  return r;
}

}  // namespace oci_immutable
