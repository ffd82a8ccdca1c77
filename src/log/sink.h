// Where records go: appended to a file, one write(2) per record so that many
// hooks at once never interleave, and optionally to syslog. A log that cannot
// be written is reported on stderr and never stops enforcement.
#ifndef OCI_IMMUTABLE_LOG_SINK_H_
#define OCI_IMMUTABLE_LOG_SINK_H_

#include <string>
#include <string_view>
#include <utility>

#include "base/unique_fd.h"
#include "policy/policy.h"

namespace oci_immutable {

class LogSink {
 public:
  // Opens the file (creating it, and its directory one level deep) and
  // connects to syslog now, so that records can be written after the caller
  // has moved into a container's mount namespace.
  static LogSink Open(const LogConfig& config, const char* program);
  LogSink(LogSink&& other) noexcept
      : path_(std::move(other.path_)),
        fd_(std::move(other.fd_)),
        syslog_(std::exchange(other.syslog_, false)),
        program_(other.program_),
        complained_(other.complained_) {}
  LogSink& operator=(LogSink&&) = delete;
  ~LogSink();

  void Write(std::string_view record);

 private:
  LogSink(std::string path, UniqueFd fd, bool syslog, const char* program)
      : path_(std::move(path)), fd_(std::move(fd)), syslog_(syslog), program_(program) {}
  void Complain(const std::string& what);

  std::string path_;
  UniqueFd fd_;
  bool syslog_;
  const char* program_;
  bool complained_ = false;
};

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_LOG_SINK_H_
