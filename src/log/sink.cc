#include "log/sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace oci_immutable {
namespace {

UniqueFd OpenAppend(const std::string& path) {
  constexpr int kFlags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;
  int fd = ::open(path.c_str(), kFlags, 0640);
  if (fd < 0 && errno == ENOENT) {
    std::string dir = path.substr(0, path.rfind('/'));
    if (!dir.empty() && ::mkdir(dir.c_str(), 0750) == 0) fd = ::open(path.c_str(), kFlags, 0640);
  }
  return UniqueFd(fd);
}

}  // namespace

LogSink LogSink::Open(const LogConfig& config, const char* program) {
  UniqueFd fd;
  std::string open_error;
  if (!config.file.empty()) {
    fd = OpenAppend(config.file);
    if (!fd.valid()) open_error = std::strerror(errno);
  }
  if (config.syslog) openlog(program, LOG_PID | LOG_NDELAY, LOG_AUTH);
  LogSink sink(config.file, std::move(fd), config.syslog, program);
  if (!open_error.empty()) sink.Complain("cannot open log " + config.file + ": " + open_error);
  return sink;
}

LogSink::~LogSink() {
  if (syslog_) closelog();
}

void LogSink::Write(std::string_view record) {
  if (syslog_) {
    std::string_view body = record;
    if (!body.empty() && body.back() == '\n') body.remove_suffix(1);
    syslog(LOG_WARNING, "%.*s", static_cast<int>(body.size()), body.data());
  }
  if (!fd_.valid()) return;
  ssize_t n = ::write(fd_.get(), record.data(), record.size());
  if (n < 0) {
    Complain("cannot write log " + path_ + ": " + std::strerror(errno));
  } else if (static_cast<size_t>(n) != record.size()) {
    // The file system filled up mid-record. End the torn line so that the
    // records appended once there is room again start on a line of their own.
    Complain("short write to log " + path_);
    if (::write(fd_.get(), "\n", 1) != 1) return;
  }
}

void LogSink::Complain(const std::string& what) {
  if (complained_) return;
  complained_ = true;
  std::fprintf(stderr, "%s: warning: %s (enforcement is unaffected)\n", program_, what.c_str());
}

}  // namespace oci_immutable
