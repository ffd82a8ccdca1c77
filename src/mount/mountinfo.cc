#include "mount/mountinfo.h"

#include <libmount/libmount.h>
#include <stdio.h>

#include <memory>

namespace oci_immutable {
namespace {

struct TableDeleter {
  void operator()(libmnt_table* t) const { mnt_unref_table(t); }
};
struct IterDeleter {
  void operator()(libmnt_iter* i) const { mnt_free_iter(i); }
};
struct FileDeleter {
  void operator()(FILE* f) const { fclose(f); }
};

int OnParseError(libmnt_table* table, const char* /*filename*/, int line) {
  int* bad_line = static_cast<int*>(mnt_table_get_userdata(table));
  if (*bad_line == 0) *bad_line = line;
  return -1;  // stop: a mount table we cannot read fully is not trusted
}

std::string Str(const char* s) { return s ? s : ""; }

}  // namespace

bool MountEntry::read_only() const { return HasOption(vfs_options, "ro"); }

bool HasOption(std::string_view options, std::string_view option) {
  size_t i = 0;
  while (i <= options.size()) {
    size_t j = options.find(',', i);
    if (j == std::string_view::npos) j = options.size();
    if (options.substr(i, j - i) == option) return true;
    i = j + 1;
  }
  return false;
}

Result<std::vector<MountEntry>> ParseMountinfo(std::string_view text) {
  std::vector<MountEntry> out;
  if (text.empty()) return out;
  // fmemopen needs a mutable buffer that outlives the stream.
  std::string buffer(text);
  std::unique_ptr<FILE, FileDeleter> stream(fmemopen(buffer.data(), buffer.size(), "r"));
  if (!stream) return ErrnoError("mountinfo: fmemopen");
  std::unique_ptr<libmnt_table, TableDeleter> table(mnt_new_table());
  if (!table) return Error("mountinfo: out of memory");
  int bad_line = 0;
  mnt_table_set_userdata(table.get(), &bad_line);
  mnt_table_set_parser_errcb(table.get(), OnParseError);
  int rc = mnt_table_parse_stream(table.get(), stream.get(), "mountinfo");
  if (rc != 0 || bad_line != 0) {
    return Error("mountinfo: malformed line " + std::to_string(bad_line));
  }
  std::unique_ptr<libmnt_iter, IterDeleter> iter(mnt_new_iter(MNT_ITER_FORWARD));
  if (!iter) return Error("mountinfo: out of memory");
  libmnt_fs* fs = nullptr;
  while (mnt_table_next_fs(table.get(), iter.get(), &fs) == 0) {
    if (!mnt_fs_is_kernel(fs) || mnt_fs_get_id(fs) <= 0) {
      return Error("mountinfo: not in mountinfo format");
    }
    MountEntry e;
    e.id = mnt_fs_get_id(fs);
    e.parent_id = mnt_fs_get_parent_id(fs);
    e.root = Str(mnt_fs_get_root(fs));
    e.target = Str(mnt_fs_get_target(fs));
    e.fstype = Str(mnt_fs_get_fstype(fs));
    e.source = Str(mnt_fs_get_source(fs));
    e.vfs_options = Str(mnt_fs_get_vfs_options(fs));
    e.fs_options = Str(mnt_fs_get_fs_options(fs));
    e.optional_fields = Str(mnt_fs_get_optional_fields(fs));
    out.push_back(std::move(e));
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
