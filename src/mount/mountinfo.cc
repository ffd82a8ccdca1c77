#include "mount/mountinfo.h"

#include <climits>
#include <optional>

#include "base/split.h"

namespace oci_immutable {
namespace {

// The format is proc(5)'s: "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3
// /dev/root rw,errors=continue". Parsed here rather than by libmount: the
// hook runs at every container start, and libmount with libblkid, libselinux
// and libpcre2 was most of its dynamic-loading time (bench/results). The rules
// are util-linux's (libmount/src/tab_parse.c), so the results are the same:
// fields end at a space or tab, "\ooo" is an octal-escaped byte, every field
// but the source must be non-empty, an empty source shows as two spaces. Not
// done: libmount's rewrite of a "/dev/root" source to a device name (which
// reads /sys); nothing here looks at sources. A number too large for an int
// is an error (libmount wraps it).

bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsOctal(char c) { return c >= '0' && c <= '7'; }

class LineReader {
 public:
  explicit LineReader(std::string_view line) : s_(line) {}

  void SkipBlanks() {
    while (pos_ < s_.size() && IsBlank(s_[pos_])) ++pos_;
  }
  bool AtEnd() const { return pos_ >= s_.size(); }
  size_t pos() const { return pos_; }
  void set_pos(size_t pos) { pos_ = pos; }
  std::string_view rest() const { return s_.substr(pos_); }

  // The field at the cursor, unescaped; nullopt when it is empty.
  std::optional<std::string> Field() {
    const size_t start = pos_;
    while (pos_ < s_.size() && !IsBlank(s_[pos_])) ++pos_;
    if (pos_ == start) return std::nullopt;
    std::string out;
    out.reserve(pos_ - start);
    for (size_t i = start; i < pos_;) {
      if (s_[i] == '\\' && i + 3 < pos_ && IsOctal(s_[i + 1]) && IsOctal(s_[i + 2]) &&
          IsOctal(s_[i + 3])) {
        out += static_cast<char>(64 * (s_[i + 1] - '0') + 8 * (s_[i + 2] - '0') + (s_[i + 3] - '0'));
        i += 4;
      } else {
        out += s_[i++];
      }
    }
    return out;
  }

  // A decimal number ending at a blank or the end of the line.
  std::optional<int> Number() {
    const size_t start = pos_;
    long long v = 0;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
      v = v * 10 + (s_[pos_++] - '0');
      if (v > INT_MAX) return std::nullopt;
    }
    if (pos_ == start || (pos_ < s_.size() && !IsBlank(s_[pos_]))) return std::nullopt;
    return static_cast<int>(v);
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

std::optional<MountEntry> ParseMountinfoLine(std::string_view line) {
  LineReader r(line);
  MountEntry e;
  std::optional<int> id = r.Number();
  if (!id || r.AtEnd()) return std::nullopt;
  r.SkipBlanks();
  std::optional<int> parent = r.Number();
  if (!parent || r.AtEnd()) return std::nullopt;
  r.SkipBlanks();
  // major:minor, then the rest of that field is ignored (as sscanf("%u:%u") does).
  std::optional<std::string> devno = r.Field();
  const size_t colon = devno ? devno->find(':') : std::string::npos;
  if (colon == std::string::npos || colon == 0 || colon + 1 >= devno->size() ||
      devno->find_first_not_of("0123456789") != colon ||
      !(devno->at(colon + 1) >= '0' && devno->at(colon + 1) <= '9')) {
    return std::nullopt;
  }
  r.SkipBlanks();
  std::optional<std::string> root = r.Field();
  if (!root) return std::nullopt;
  r.SkipBlanks();
  std::optional<std::string> target = r.Field();
  if (!target) return std::nullopt;
  r.SkipBlanks();
  std::optional<std::string> vfs_options = r.Field();
  if (!vfs_options) return std::nullopt;
  // Optional fields up to " - ".
  const size_t sep = r.rest().find(" - ");
  if (sep == std::string_view::npos) return std::nullopt;
  if (sep > 1) e.optional_fields = std::string(r.rest().substr(1, sep - 1));
  r.set_pos(r.pos() + sep + 3);
  r.SkipBlanks();
  std::optional<std::string> fstype = r.Field();
  if (!fstype || r.AtEnd()) return std::nullopt;
  std::optional<std::string> source;
  if (r.rest().size() >= 2 && r.rest()[0] == ' ' && r.rest()[1] == ' ') {
    source = "";
  } else {
    r.SkipBlanks();
    source = r.Field();
    if (!source) return std::nullopt;
  }
  r.SkipBlanks();
  std::optional<std::string> fs_options = r.Field();
  if (!fs_options) return std::nullopt;

  e.id = *id;
  e.parent_id = *parent;
  e.root = std::move(*root);
  e.target = std::move(*target);
  e.fstype = std::move(*fstype);
  e.source = std::move(*source);
  e.vfs_options = std::move(*vfs_options);
  e.fs_options = std::move(*fs_options);
  return e;
}

// An fstab or /proc/mounts line, checked only for shape (libmount's rules):
// source, target and type, then optional options, freq and passno numbers.
bool IsTableLine(std::string_view line) {
  LineReader r(line);
  for (int i = 0; i < 3; ++i) {
    if (!r.Field()) return false;
    r.SkipBlanks();
  }
  if (!r.Field()) return true;
  for (int i = 0; i < 2; ++i) {
    r.SkipBlanks();
    if (r.AtEnd()) return true;
    if (!r.Number()) return false;
  }
  return true;
}

// libmount's guess: a table whose first entry starts with two numbers is mountinfo.
bool LooksLikeMountinfo(std::string_view line) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
    return i > start;
  };
  if (!digits()) return false;
  while (i < line.size() && IsBlank(line[i])) ++i;
  return digits();
}

}  // namespace

bool MountEntry::read_only() const { return HasOption(vfs_options, "ro"); }

bool HasOption(std::string_view options, std::string_view option) {
  for (std::string_view o : Split(options, ',')) {
    if (o == option) return true;
  }
  return false;
}

Result<std::vector<MountEntry>> ParseMountinfo(std::string_view text) {
  std::vector<MountEntry> out;
  std::optional<bool> mountinfo;  // decided by the first entry
  int line_number = 0;
  for (std::string_view line : Split(text, '\n')) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    while (!line.empty() && IsBlank(line.front())) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    if (!mountinfo) mountinfo = LooksLikeMountinfo(line);
    const std::string malformed = "mountinfo: malformed line " + std::to_string(line_number);
    if (!*mountinfo) {
      if (!IsTableLine(line)) return Error(malformed);
      continue;
    }
    std::optional<MountEntry> e = ParseMountinfoLine(line);
    if (!e) return Error(malformed);
    out.push_back(std::move(*e));
  }
  if (mountinfo && !*mountinfo) return Error("mountinfo: not in mountinfo format");
  for (const MountEntry& e : out) {
    if (e.id <= 0) return Error("mountinfo: not in mountinfo format");
  }
  return out;
}

const MountEntry* FindMountById(const std::vector<MountEntry>& mounts, int id) {
  for (const MountEntry& m : mounts) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

}  // namespace oci_immutable
