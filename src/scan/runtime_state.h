// The state files runtimes keep per container, parsed from text: enough to
// name a running container after its init process. Pure.
#ifndef OCI_IMMUTABLE_SCAN_RUNTIME_STATE_H_
#define OCI_IMMUTABLE_SCAN_RUNTIME_STATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace oci_immutable {

struct RuntimeRecord {
  std::string runtime;  // "runc", "crun"
  std::string id;
  int pid = 0;  // the container's init process
  // Its start time in clock ticks (/proc/PID/stat field 22), to tell a reused
  // pid from the container's.
  std::optional<uint64_t> start_time;
};

// runc's ROOT/ID/state.json ("id", "init_process_pid", "init_process_start").
Result<RuntimeRecord> ParseRuncState(std::string_view text);

// crun's ROOT/ID/status ("pid", "process-start-time"); the id is the
// directory name.
Result<RuntimeRecord> ParseCrunStatus(std::string_view text, std::string_view id);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_SCAN_RUNTIME_STATE_H_
