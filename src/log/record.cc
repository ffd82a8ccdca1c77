#include "log/record.h"

#include <cstdio>

#include "json/json.h"

namespace oci_immutable {
namespace {

Json Common(const RecordContext& ctx, const timespec& now) {
  Json r = Json::EmptyObject();
  r.Set("time", Json::String(FormatTime(now)));
  r.Set("source", Json::String(std::string(ctx.source)));
  r.Set("container_id", Json::String(ctx.container_id));
  r.Set("stage", Json::String(ctx.stage));
  return r;
}

void AddIdentity(const RecordContext& ctx, Json& r) {
  r.Set("mode", Json::String(std::string(ModeName(ctx.mode))));
  if (ctx.exempt) r.Set("exempt", Json::Bool(true));
  if (!ctx.identity.pod_namespace.empty()) {
    r.Set("namespace", Json::String(ctx.identity.pod_namespace));
  }
  if (!ctx.identity.pod.empty()) r.Set("pod", Json::String(ctx.identity.pod));
  if (!ctx.identity.container.empty()) r.Set("container", Json::String(ctx.identity.container));
  if (ctx.identity.conflict) r.Set("identity_conflict", Json::Bool(true));
}

std::string Line(const Json& r) { return WriteJson(r) + "\n"; }

}  // namespace

std::string FormatTime(const timespec& t) {
  struct tm tm_utc;
  gmtime_r(&t.tv_sec, &tm_utc);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm_utc.tm_year + 1900,
                tm_utc.tm_mon + 1, tm_utc.tm_mday, tm_utc.tm_hour, tm_utc.tm_min, tm_utc.tm_sec,
                t.tv_nsec / 1000000);
  return buf;
}

std::string ViolationRecord(const RecordContext& ctx, const timespec& now,
                            const Violation& violation, std::string_view action,
                            std::string_view error) {
  Json r = Common(ctx, now);
  r.Set("violation", Json::String(std::string(violation.name)));
  r.Set("action", Json::String(std::string(action)));
  r.Set("detail", Json::String(violation.detail));
  if (!error.empty()) r.Set("error", Json::String(std::string(error)));
  AddIdentity(ctx, r);
  return Line(r);
}

std::string NoticeRecord(const RecordContext& ctx, const timespec& now, std::string_view notice,
                         std::string_view path, std::string_view reason) {
  Json r = Common(ctx, now);
  r.Set("notice", Json::String(std::string(notice)));
  r.Set("path", Json::String(std::string(path)));
  r.Set("reason", Json::String(std::string(reason)));
  AddIdentity(ctx, r);
  return Line(r);
}

}  // namespace oci_immutable
