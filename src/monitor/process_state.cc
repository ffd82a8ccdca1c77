#include "monitor/process_state.h"

#include <algorithm>
#include <limits>

#include "json/fields.h"
#include "json/json.h"

namespace oci_immutable {
namespace {

constexpr JsonLimits kLimits{.max_bytes = kMaxProcessStateBytes, .max_depth = 8};

// 0 is "unknown": crun 1.8 sends it for exec'd processes.
Result<int> Pid(const Json& obj) {
  OI_ASSIGN_OR_RETURN(auto pid, OptInt(obj, "pid", ""));
  if (!pid) return Error("pid: missing");
  if (*pid < 0 || *pid > std::numeric_limits<int>::max()) return Error("pid: not a process id");
  return static_cast<int>(*pid);
}

Status ReadState(const Json& state, ProcessState& out) {
  if (!state.is_object()) return TypeError("state", "object", state);
  OI_ASSIGN_OR_RETURN(auto id, OptString(state, "id", "state"));
  if (!id || id->empty()) return Error("state.id: missing");
  if (id->size() > kMaxContainerIdBytes) return Error("state.id: too long");
  if (id->find('\0') != std::string::npos) return Error("state.id: contains a NUL byte");
  out.container_id = std::move(*id);
  OI_ASSIGN_OR_RETURN(auto status, OptString(state, "status", "state"));
  out.status = status.value_or("");
  OI_ASSIGN_OR_RETURN(auto bundle, OptString(state, "bundle", "state"));
  out.bundle = bundle.value_or("");
  OI_ASSIGN_OR_RETURN(out.annotations, OptStringMap(state, "annotations", "state"));
  return OkStatus();
}

}  // namespace

bool IsJsonDocument(std::string_view text) { return ParseJson(text, kLimits).ok(); }

Result<ProcessState> ParseProcessState(std::string_view text) {
  OI_ASSIGN_OR_RETURN_CTX(Json doc, ParseJson(text, kLimits), "container process state");
  if (!doc.is_object()) return TypeError("container process state", "object", doc);
  ProcessState out;
  OI_ASSIGN_OR_RETURN(auto version, OptString(doc, "ociVersion", ""));
  out.oci_version = version.value_or("");
  OI_ASSIGN_OR_RETURN(out.fds, OptStringArray(doc, "fds", ""));
  if (out.fds.empty() || out.fds.size() > kMaxProcessStateFds) {
    return Error("fds: expected 1 to " + std::to_string(kMaxProcessStateFds) + " names");
  }
  if (std::count(out.fds.begin(), out.fds.end(), kSeccompFdName) != 1) {
    return Error("fds: must name \"seccompFd\" exactly once");
  }
  out.seccomp_fd_index = static_cast<size_t>(
      std::find(out.fds.begin(), out.fds.end(), kSeccompFdName) - out.fds.begin());
  OI_ASSIGN_OR_RETURN(out.pid, Pid(doc));
  OI_ASSIGN_OR_RETURN(auto metadata, OptString(doc, "metadata", ""));
  out.metadata = metadata.value_or("");
  if (out.metadata.size() > kMaxMetadataBytes) return Error("metadata: too long");
  const Json* state = doc.Find("state");
  if (state == nullptr || state->is_null()) return Error("state: missing");
  OI_RETURN_IF_ERROR(ReadState(*state, out));
  return out;
}

}  // namespace oci_immutable
