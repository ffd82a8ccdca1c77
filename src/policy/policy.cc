#include "policy/policy.h"

#include <cctype>

#include "base/path.h"
#include "json/json.h"

namespace oci_immutable {
namespace {

constexpr JsonLimits kPolicyLimits{.max_bytes = 1 << 20, .max_depth = 16, .allow_comments = true};

// Parses one policy document, turning every error into "line L, column C: member: what".
class PolicyReader {
 public:
  explicit PolicyReader(std::string_view text) : text_(text) {}

  Result<Policy> Read(const Json& doc) {
    Policy policy = DefaultPolicy();
    if (!doc.is_object()) return At(doc, "policy", "expected an object");
    for (const Json::Member& m : doc.object()) {
      const Json& v = m.second;
      if (m.first == "mode") {
        OI_RETURN_IF_ERROR(ReadMode(v, policy.mode));
      } else if (m.first == "log") {
        OI_RETURN_IF_ERROR(ReadLog(v, policy.log));
      } else if (m.first == "readonly_paths") {
        OI_RETURN_IF_ERROR(ReadReadonlyPaths(v, policy.readonly_paths));
      } else if (m.first == "writable_paths") {
        OI_RETURN_IF_ERROR(ReadWritablePaths(v, policy.writable_paths));
      } else if (m.first == "exempt") {
        OI_RETURN_IF_ERROR(ReadExempt(v, policy.exempt));
      } else if (m.first == "monitor") {
        OI_RETURN_IF_ERROR(ReadMonitor(v, policy.monitor));
      } else if (m.first == "runtime" || m.first == "hook") {
        OI_ASSIGN_OR_RETURN(std::string path, AbsolutePath(v, m.first));
        (m.first == "runtime" ? policy.runtime : policy.hook) = std::move(path);
      } else {
        return At(v, m.first, "unknown key");
      }
    }
    return policy;
  }

 private:
  Error At(const Json& v, std::string_view member, std::string_view what) const {
    TextPosition pos = PositionOf(text_, v.offset());
    return Error("line " + std::to_string(pos.line) + ", column " + std::to_string(pos.column) +
                 ": " + std::string(member) + ": " + std::string(what));
  }

  Error WrongType(const Json& v, std::string_view member, std::string_view expected) const {
    return At(v, member,
              "expected " + std::string(expected) + ", got " + std::string(Json::TypeName(v.type())));
  }

  Status ReadMode(const Json& v, Mode& mode) const {
    if (!v.is_string()) return WrongType(v, "mode", "string");
    if (v.string_value() == "enforce") {
      mode = Mode::kEnforce;
    } else if (v.string_value() == "audit") {
      mode = Mode::kAudit;
    } else {
      return At(v, "mode", "must be \"enforce\" or \"audit\", not \"" + v.string_value() + "\"");
    }
    return OkStatus();
  }

  Status ReadLog(const Json& v, LogConfig& log) const {
    if (!v.is_object()) return WrongType(v, "log", "object");
    for (const Json::Member& m : v.object()) {
      const std::string member = "log." + m.first;
      if (m.first == "file") {
        if (!m.second.is_string()) return WrongType(m.second, member, "string");
        const std::string& file = m.second.string_value();
        if (!file.empty() && file.front() != '/') {
          return At(m.second, member, "must be an absolute path or \"\"");
        }
        log.file = file;
      } else if (m.first == "syslog") {
        if (!m.second.is_bool()) return WrongType(m.second, member, "boolean");
        log.syslog = m.second.bool_value();
      } else {
        return At(m.second, member, "unknown key");
      }
    }
    return OkStatus();
  }

  Status ReadMonitor(const Json& v, std::optional<MonitorConfig>& out) const {
    if (!v.is_object()) return WrongType(v, "monitor", "object");
    MonitorConfig monitor{std::string(kDefaultMonitorSocket), MonitorFallback::kRefuse};
    for (const Json::Member& m : v.object()) {
      const std::string member = "monitor." + m.first;
      if (m.first == "socket") {
        OI_ASSIGN_OR_RETURN(monitor.socket, AbsolutePath(m.second, member));
        // sockaddr_un.sun_path holds 108 bytes with the terminating NUL.
        if (monitor.socket == "/" || monitor.socket.size() > 107 ||
            monitor.socket.find('\0') != std::string::npos) {
          return At(m.second, member, "must be a socket path of at most 107 bytes");
        }
      } else if (m.first == "fallback") {
        if (!m.second.is_string()) return WrongType(m.second, member, "string");
        if (m.second.string_value() == "refuse") {
          monitor.fallback = MonitorFallback::kRefuse;
        } else if (m.second.string_value() == "errno") {
          monitor.fallback = MonitorFallback::kErrno;
        } else {
          return At(m.second, member,
                    "must be \"refuse\" or \"errno\", not \"" + m.second.string_value() + "\"");
        }
      } else {
        return At(m.second, member, "unknown key");
      }
    }
    out = std::move(monitor);
    return OkStatus();
  }

  // A host executable: an absolute path.
  Result<std::string> AbsolutePath(const Json& v, std::string_view member) const {
    if (!v.is_string()) return WrongType(v, member, "string");
    const std::string& raw = v.string_value();
    if (raw.empty() || raw.front() != '/') return At(v, member, "must be an absolute path");
    return CleanPath(raw);
  }

  // A container path: absolute, clean once cleaned, not "/".
  Result<std::string> ContainerPath(const Json& v, std::string_view member) const {
    if (!v.is_string()) return WrongType(v, member, "string");
    const std::string& raw = v.string_value();
    if (raw.empty() || raw.front() != '/') return At(v, member, "must be an absolute path");
    if (raw.find('\0') != std::string::npos) return At(v, member, "contains a NUL byte");
    std::string clean = CleanPath(raw);
    if (clean == "/") return At(v, member, "must not be \"/\"");
    return clean;
  }

  Status ReadReadonlyPaths(const Json& v, std::vector<std::string>& out) const {
    if (!v.is_array()) return WrongType(v, "readonly_paths", "array");
    out.clear();
    for (size_t i = 0; i < v.array().size(); ++i) {
      const std::string member = "readonly_paths[" + std::to_string(i) + "]";
      OI_ASSIGN_OR_RETURN(std::string path, ContainerPath(v.array()[i], member));
      out.push_back(std::move(path));
    }
    return OkStatus();
  }

  Status ValidSize(const Json& v, std::string_view member) const {
    const std::string& s = v.string_value();
    size_t digits = 0;
    while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits]))) ++digits;
    const bool suffix_ok = digits == s.size() ||
                           (digits + 1 == s.size() && std::string_view("kmgKMG%").find(s.back()) !=
                                                          std::string_view::npos);
    const bool zero = s.find_first_not_of('0', 0) >= digits;  // tmpfs takes 0 as "no limit"
    if (digits == 0 || digits > 15 || !suffix_ok || zero) {
      return At(v, member, "must be a tmpfs size like \"64m\", \"1g\", \"4096k\" or \"10%\"");
    }
    return OkStatus();
  }

  Status ReadWritablePaths(const Json& v, std::vector<WritablePath>& out) const {
    if (!v.is_array()) return WrongType(v, "writable_paths", "array");
    out.clear();
    for (size_t i = 0; i < v.array().size(); ++i) {
      const Json& item = v.array()[i];
      const std::string member = "writable_paths[" + std::to_string(i) + "]";
      WritablePath wp{"", std::string(kDefaultTmpfsSize)};
      if (item.is_string()) {
        OI_ASSIGN_OR_RETURN(wp.path, ContainerPath(item, member));
      } else if (item.is_object()) {
        bool has_path = false;
        for (const Json::Member& m : item.object()) {
          if (m.first == "path") {
            OI_ASSIGN_OR_RETURN(wp.path, ContainerPath(m.second, member + ".path"));
            has_path = true;
          } else if (m.first == "size") {
            if (!m.second.is_string()) return WrongType(m.second, member + ".size", "string");
            OI_RETURN_IF_ERROR(ValidSize(m.second, member + ".size"));
            wp.size = m.second.string_value();
          } else {
            return At(m.second, member + "." + m.first, "unknown key");
          }
        }
        if (!has_path) return At(item, member, "needs a \"path\"");
      } else {
        return WrongType(item, member, "string or object");
      }
      out.push_back(std::move(wp));
    }
    return OkStatus();
  }

  Status ReadExempt(const Json& v, std::vector<Exemption>& out) const {
    if (!v.is_array()) return WrongType(v, "exempt", "array");
    out.clear();
    for (size_t i = 0; i < v.array().size(); ++i) {
      const Json& item = v.array()[i];
      const std::string member = "exempt[" + std::to_string(i) + "]";
      if (!item.is_object()) return WrongType(item, member, "object");
      Exemption e;
      for (const Json::Member& m : item.object()) {
        std::optional<std::string>* field = nullptr;
        if (m.first == "namespace") field = &e.namespace_pattern;
        if (m.first == "pod") field = &e.pod_pattern;
        if (m.first == "container") field = &e.container_pattern;
        if (field == nullptr) {
          return At(m.second, member + "." + m.first,
                    "unknown key (an exemption matches \"namespace\", \"pod\" and \"container\")");
        }
        if (!m.second.is_string()) return WrongType(m.second, member + "." + m.first, "string");
        if (m.second.string_value().empty()) {
          return At(m.second, member + "." + m.first, "must not be empty");
        }
        *field = m.second.string_value();
      }
      if (!e.namespace_pattern && !e.pod_pattern && !e.container_pattern) {
        return At(item, member, "an exemption needs \"namespace\", \"pod\" or \"container\"");
      }
      out.push_back(std::move(e));
    }
    return OkStatus();
  }

  std::string_view text_;
};

}  // namespace

std::string_view ModeName(Mode mode) { return mode == Mode::kEnforce ? "enforce" : "audit"; }

std::string_view MonitorFallbackName(MonitorFallback fallback) {
  return fallback == MonitorFallback::kRefuse ? "refuse" : "errno";
}

Policy DefaultPolicy() {
  Policy p;
  p.mode = Mode::kEnforce;
  p.log.file = std::string(kDefaultLogFile);
  p.log.syslog = false;
  p.readonly_paths = {"/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus", "/proc/fs"};
  // What podman's --read-only-tmpfs gives: the places programs expect to write.
  for (const char* path : {"/tmp", "/var/tmp", "/run", "/var/run"}) {
    p.writable_paths.push_back({path, std::string(kDefaultTmpfsSize)});
  }
  return p;
}

Result<Policy> ParsePolicy(std::string_view text) {
  OI_ASSIGN_OR_RETURN(Json doc, ParseJson(text, kPolicyLimits));
  return PolicyReader(text).Read(doc);
}

}  // namespace oci_immutable
