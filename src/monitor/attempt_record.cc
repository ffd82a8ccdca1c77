#include "monitor/attempt_record.h"

#include "json/json.h"
#include "log/record.h"

namespace oci_immutable {
namespace {

void SetIf(Json& r, std::string_view key, const std::optional<std::string>& value) {
  if (value) r.Set(key, Json::String(*value));
}

void SetIfNotEmpty(Json& r, std::string_view key, const std::string& value) {
  if (!value.empty()) r.Set(key, Json::String(value));
}

}  // namespace

std::string AttemptRecord(const AttemptOrigin& origin, const timespec& now, const Attempt& attempt) {
  Json r = Json::EmptyObject();
  r.Set("time", Json::String(FormatTime(now)));
  r.Set("source", Json::String("monitor"));
  r.Set("container_id", Json::String(origin.container_id));
  r.Set("violation", Json::String(std::string(attempt.violation)));
  r.Set("action", Json::String(std::string(kActionDenied)));
  r.Set("syscall", Json::String(attempt.syscall));
  SetIf(r, "target", attempt.target);
  SetIf(r, "mount_source", attempt.source);
  SetIf(r, "fstype", attempt.fstype);
  SetIf(r, "flags", attempt.flags);
  if (attempt.fd) r.Set("fd", Json::Int(*attempt.fd));
  r.Set("pid", Json::Int(origin.pid));
  SetIfNotEmpty(r, "namespace", origin.identity.pod_namespace);
  SetIfNotEmpty(r, "pod", origin.identity.pod);
  SetIfNotEmpty(r, "container", origin.identity.container);
  if (origin.identity.conflict) r.Set("identity_conflict", Json::Bool(true));
  return WriteJson(r) + "\n";
}

}  // namespace oci_immutable
