#include "scan/report.h"

#include <algorithm>
#include <array>

namespace oci_immutable {
namespace {

Json OptStringJson(const std::optional<std::string>& s) { return s ? Json::String(*s) : Json(); }

Json ContainerJson(const ContainerReport& c) {
  const Assessment& a = c.assessment;
  Json out = Json::EmptyObject();
  out.Set("pid", Json::Int(c.pid));
  out.Set("mount_namespace", Json::Int(static_cast<int64_t>(c.mount_namespace)));
  out.Set("id", OptStringJson(c.id));
  out.Set("runtime", OptStringJson(c.runtime));
  out.Set("immutable", Json::Bool(a.immutable));

  Json rootfs = Json::EmptyObject();
  rootfs.Set("read_only", Json::Bool(a.rootfs.read_only));
  rootfs.Set("mount_id", Json::Int(a.rootfs.mount_id));
  rootfs.Set("fstype", Json::String(a.rootfs.fstype));
  out.Set("rootfs", std::move(rootfs));

  Json paths = Json::EmptyArray();
  for (const ProtectedPathFacts& p : a.protected_paths) {
    Json j = Json::EmptyObject();
    j.Set("path", Json::String(p.path));
    j.Set("present", Json::Bool(p.present));
    j.Set("read_only", Json::Bool(p.read_only));
    j.Set("mount_id", Json::Int(p.mount_id));
    paths.array().push_back(std::move(j));
  }
  out.Set("protected_paths", std::move(paths));

  Json writable = Json::EmptyArray();
  for (const WritableMount& w : a.writable_mounts) {
    Json j = Json::EmptyObject();
    j.Set("target", Json::String(w.target));
    j.Set("fstype", Json::String(w.fstype));
    j.Set("kind", Json::String(w.kind));
    j.Set("mount_id", Json::Int(w.mount_id));
    writable.array().push_back(std::move(j));
  }
  out.Set("writable_mounts", std::move(writable));
  out.Set("only_volumes_and_tmpfs", Json::Bool(a.only_volumes_and_tmpfs));

  out.Set("privileged", Json::Bool(a.privileged));
  Json seccomp = Json::EmptyObject();
  seccomp.Set("mode", a.seccomp_mode ? Json::String(std::string(SeccompModeName(*a.seccomp_mode)))
                                     : Json());
  seccomp.Set("filters", a.seccomp_filters ? Json::Int(*a.seccomp_filters) : Json());
  seccomp.Set("filter_present", Json::Bool(a.seccomp_filter_present));
  out.Set("seccomp", std::move(seccomp));

  Json reasons = Json::EmptyArray();
  for (const std::string& r : a.reasons) reasons.array().push_back(Json::String(r));
  out.Set("reasons", std::move(reasons));
  return out;
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out.empty() ? "-" : out;
}

std::string ProtectedCell(const Assessment& a) {
  int present = 0;
  int read_only = 0;
  for (const ProtectedPathFacts& p : a.protected_paths) {
    if (!p.present) continue;
    ++present;
    if (p.read_only) ++read_only;
  }
  return std::to_string(read_only) + "/" + std::to_string(present) + " ro";
}

std::string SeccompCell(const Assessment& a) {
  if (a.seccomp_filter_present) return "filter present";
  if (!a.seccomp_mode) return "unknown";
  if (*a.seccomp_mode == SeccompMode::kStrict) return "strict";
  return "none";
}

// "volume:/data tmpfs:/tmp,/run kernel:3"; the usual /dev mounts are left out.
std::string WritableCell(const Assessment& a) {
  std::vector<std::string> volumes;
  std::vector<std::string> tmpfs;
  int kernel = 0;
  for (const WritableMount& w : a.writable_mounts) {
    if (w.kind == "volume") volumes.push_back(w.target);
    if (w.kind == "tmpfs") tmpfs.push_back(w.target);
    if (w.kind == "kernel") ++kernel;
  }
  std::vector<std::string> parts;
  if (!volumes.empty()) parts.push_back("volume:" + Join(volumes, ","));
  if (!tmpfs.empty()) parts.push_back("tmpfs:" + Join(tmpfs, ","));
  if (kernel > 0) parts.push_back("kernel:" + std::to_string(kernel));
  return Join(parts, " ");
}

constexpr std::array<const char*, 10> kHeader = {"PID",      "ID",        "RUNTIME",    "VERDICT",
                                                 "ROOTFS",   "PROTECTED", "PRIVILEGED", "SECCOMP",
                                                 "WRITABLE", "REASONS"};

}  // namespace

bool AllImmutable(const std::vector<ContainerReport>& containers) {
  return std::all_of(containers.begin(), containers.end(),
                     [](const ContainerReport& c) { return c.assessment.immutable; });
}

Json ScanReportJson(const std::vector<ContainerReport>& containers) {
  Json list = Json::EmptyArray();
  for (const ContainerReport& c : containers) list.array().push_back(ContainerJson(c));
  Json doc = Json::EmptyObject();
  doc.Set("version", Json::Int(kScanReportVersion));
  doc.Set("containers", std::move(list));
  return doc;
}

std::string RenderJson(const std::vector<ContainerReport>& containers) {
  return WriteJson(ScanReportJson(containers), /*pretty=*/true) + "\n";
}

std::string RenderTable(const std::vector<ContainerReport>& containers) {
  if (containers.empty()) return "no containers found\n";
  using Row = std::array<std::string, kHeader.size()>;
  std::vector<Row> rows;
  Row header;
  for (size_t i = 0; i < kHeader.size(); ++i) header[i] = kHeader[i];
  rows.push_back(header);
  for (const ContainerReport& c : containers) {
    const Assessment& a = c.assessment;
    rows.push_back(Row{std::to_string(c.pid), c.id.value_or("-"), c.runtime.value_or("-"),
                       a.immutable ? "immutable" : "mutable", a.rootfs.read_only ? "ro" : "rw",
                       ProtectedCell(a), a.privileged ? "yes" : "no", SeccompCell(a),
                       WritableCell(a), Join(a.reasons, "; ")});
  }
  std::array<size_t, kHeader.size()> width{};
  for (const Row& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  std::string out;
  for (const Row& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line += std::string(width[i] - r[i].size() + 2, ' ');
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace oci_immutable
