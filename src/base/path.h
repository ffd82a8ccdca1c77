// Lexical path helpers (no file system access).
#ifndef OCI_IMMUTABLE_BASE_PATH_H_
#define OCI_IMMUTABLE_BASE_PATH_H_

#include <string>
#include <string_view>

namespace oci_immutable {

// Lexically cleaned path, as Go's filepath.Clean: "//a/./b/../c/" -> "/a/c".
// An empty path becomes ".". ".." never climbs above "/".
std::string CleanPath(std::string_view path);

// True when `path` is `ancestor` or lies below it (both cleaned, absolute).
bool IsWithin(std::string_view path, std::string_view ancestor);

// "a" joined with "b" and cleaned; an absolute "b" is taken below "a".
std::string JoinPath(std::string_view a, std::string_view b);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_BASE_PATH_H_
