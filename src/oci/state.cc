#include "oci/state.h"

#include <climits>

#include "json/fields.h"
#include "json/json.h"

namespace oci_immutable {
namespace {

// The runtimes copy the spec's annotations into the state: allow as much as a
// config.json may hold.
constexpr JsonLimits kStateLimits{.max_bytes = 16 << 20, .max_depth = 16};

}  // namespace

Result<ContainerState> ParseState(std::string_view text) {
  OI_ASSIGN_OR_RETURN_CTX(Json doc, ParseJson(text, kStateLimits), "state");
  if (!doc.is_object()) return TypeError("state", "object", doc);
  ContainerState s;
  OI_ASSIGN_OR_RETURN(auto version, OptString(doc, "ociVersion", "state"));
  OI_ASSIGN_OR_RETURN(auto id, OptString(doc, "id", "state"));
  OI_ASSIGN_OR_RETURN(auto status, OptString(doc, "status", "state"));
  OI_ASSIGN_OR_RETURN(auto pid, OptInt(doc, "pid", "state"));
  OI_ASSIGN_OR_RETURN(auto bundle, OptString(doc, "bundle", "state"));
  OI_ASSIGN_OR_RETURN(s.annotations, OptStringMap(doc, "annotations", "state"));
  if (!id || id->empty()) return Error("state: no container id");
  if (!bundle || bundle->empty() || bundle->front() != '/') {
    return Error("state: bundle must be an absolute path");
  }
  if (pid && (*pid < 0 || *pid > INT_MAX)) {
    return Error("state.pid: " + std::to_string(*pid) + " is not a process id");
  }
  s.oci_version = version.value_or("");
  s.id = std::move(*id);
  s.status = status.value_or("");
  s.pid = pid ? static_cast<int>(*pid) : -1;
  s.bundle = std::move(*bundle);
  return s;
}

}  // namespace oci_immutable
