#include "base/path.h"

#include <vector>

#include "base/split.h"

namespace oci_immutable {

std::string CleanPath(std::string_view path) {
  if (path.empty()) return ".";
  const bool absolute = path.front() == '/';
  std::vector<std::string_view> parts;
  for (std::string_view part : Split(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!absolute) {
        parts.push_back(part);
      }
      continue;
    }
    parts.push_back(part);
  }
  std::string out = absolute ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k > 0) out += '/';
    out += parts[k];
  }
  return out.empty() ? "." : out;
}

bool IsWithin(std::string_view path, std::string_view ancestor) {
  if (ancestor == "/") return !path.empty() && path.front() == '/';
  if (path.size() < ancestor.size() || path.substr(0, ancestor.size()) != ancestor) {
    return false;
  }
  return path.size() == ancestor.size() || path[ancestor.size()] == '/';
}

std::string JoinPath(std::string_view a, std::string_view b) {
  std::string joined(a);
  joined += '/';
  joined += b;
  return CleanPath(joined);
}

}  // namespace oci_immutable
