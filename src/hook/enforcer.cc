#include "hook/enforcer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/path.h"
#include "mount/mountinfo.h"
#include "mount/verify.h"
#include "sys/file.h"
#include "sys/mounts.h"
#include "sys/resolve.h"

namespace oci_immutable {
namespace {

constexpr size_t kMaxMountinfoBytes = 64 << 20;

// Opens the rootfs and makes sure it is a mount of its own in this namespace,
// never the mount this namespace has at "/": only then may its flags change.
Result<UniqueFd> OpenRootfsMount(const std::string& rootfs) {
  OI_ASSIGN_OR_RETURN(UniqueFd root, OpenHostDirectory(rootfs));
  OI_ASSIGN_OR_RETURN(MountFacts facts, InspectMount(root));
  if (!facts.mount_root) {
    return Error(rootfs + " is not a mount point in the container's mount namespace");
  }
  OI_ASSIGN_OR_RETURN(UniqueFd slash, OpenHostDirectory("/"));
  OI_ASSIGN_OR_RETURN(MountFacts slash_facts, InspectMount(slash));
  if (slash_facts.mount_id == facts.mount_id) {
    return Error(rootfs + " is the namespace's own / mount; refusing to change it");
  }
  return root;
}

// mkdir -p of `path` inside the rootfs, resolving each step in it. A new
// directory gets its parent's owner: in a user namespace, the hook's uid 0
// (prestart, createRuntime) would show as nobody.
Status EnsureDirectory(const UniqueFd& root, const std::string& path) {
  std::string prefix;
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i < path.size() && path[i] != '/') continue;
    const std::string parent = prefix.empty() ? "/" : prefix;
    prefix = path.substr(0, i);
    auto dir = OpenInRoot(root, prefix, /*directory=*/true);
    if (dir.ok()) continue;
    if (dir.error().errno_value() != ENOENT) return std::move(dir).error();
    OI_ASSIGN_OR_RETURN(UniqueFd parent_fd, OpenInRoot(root, parent, /*directory=*/true));
    const std::string name = prefix.substr(prefix.rfind('/') + 1);
    if (::mkdirat(parent_fd.get(), name.c_str(), 0755) != 0) {
      if (errno == EEXIST) continue;
      return ErrnoError("mkdir " + prefix + " in the rootfs");
    }
    OI_ASSIGN_OR_RETURN(MountFacts parent_facts, InspectMount(parent_fd));
    if (::fchownat(parent_fd.get(), name.c_str(), parent_facts.uid, parent_facts.gid,
                   AT_SYMLINK_NOFOLLOW) != 0) {
      return ErrnoError("chown " + prefix + " in the rootfs");
    }
  }
  return OkStatus();
}

class Enforcement {
 public:
  Enforcement(const Plan& plan, const EnforceTarget& target) : plan_(plan), target_(target) {}

  Result<EnforceReport> Run() {
    OI_ASSIGN_OR_RETURN(UniqueFd root, OpenRootfsMount(target_.rootfs));
    OI_ASSIGN_OR_RETURN(MountFacts root_facts, InspectMount(root));
    for (const TmpfsMount& t : plan_.tmpfs) {
      OI_RETURN_IF_ERROR_CTX(MountWritable(root, t), "writable path " + t.path);
    }
    // After the tmpfs mounts: a cwd below a writable path that the runtime
    // made already (crun, createContainer) is hidden by the new tmpfs.
    if (!root_facts.read_only && target_.cwd != "/") {
      OI_RETURN_IF_ERROR_CTX(EnsureDirectory(root, target_.cwd), "process.cwd");
    }
    if (!root_facts.read_only) {
      OI_RETURN_IF_ERROR_CTX(SetMountReadOnly(root, /*recursive=*/false), "rootfs " + target_.rootfs);
      ++report_.mounts_changed;
    }
    for (const std::string& path : plan_.readonly_paths) {
      OI_RETURN_IF_ERROR_CTX(MakeReadOnly(root, path), "read-only path " + path);
    }
    OI_RETURN_IF_ERROR_CTX(Verify(), "verifying the mount table");
    return std::move(report_);
  }

 private:
  // Opens path in the rootfs; nullopt (and a skip note) when it is absent.
  Result<std::optional<UniqueFd>> OpenOptional(const UniqueFd& root, const std::string& path,
                                               bool directory) {
    auto fd = OpenInRoot(root, path, directory);
    if (fd.ok()) return std::optional<UniqueFd>(std::move(fd).value());
    const int err = fd.error().errno_value();
    if (err == ENOENT || (directory && err == ENOTDIR)) {
      report_.skipped.push_back(
          {path, err == ENOENT ? "absent in the container" : "not a directory in the container"});
      return std::optional<UniqueFd>();
    }
    return std::move(fd).error();
  }

  Status MountWritable(const UniqueFd& root, const TmpfsMount& t) {
    OI_ASSIGN_OR_RETURN(std::optional<UniqueFd> dir, OpenOptional(root, t.path, true));
    if (!dir) return OkStatus();
    OI_ASSIGN_OR_RETURN(MountFacts facts, InspectMount(*dir));
    // A mount below the directory (a volume the runtime placed through an
    // image symlink, say /var/run/secrets via /var/run -> /run) would be
    // hidden by a tmpfs: leave the path alone.
    OI_ASSIGN_OR_RETURN(std::string where, FdPath(*dir));
    OI_ASSIGN_OR_RETURN(const std::vector<MountEntry>* mounts, MountTable());
    for (const MountEntry& m : *mounts) {
      if (m.target != where && IsWithin(m.target, where)) {
        report_.skipped.push_back({t.path, "a mount at " + m.target + " lies below it"});
        return OkStatus();
      }
    }
    if (facts.mount_root) {
      if (facts.fs_type != kTmpfsMagic) {
        report_.skipped.push_back({t.path, "already a mount point in the container"});
      }
      return OkStatus();  // a tmpfs there already: an earlier run's
    }
    TmpfsOptions options{t.size, facts.mode, facts.uid, facts.gid, plan_.mount_label};
    OI_RETURN_IF_ERROR(MountTmpfs(*dir, options));
    ++report_.mounts_changed;
    expectations_.push_back({t.path, 0, MountExpectation::Kind::kWritableTmpfs});
    return OkStatus();
  }

  Status MakeReadOnly(const UniqueFd& root, const std::string& path) {
    OI_ASSIGN_OR_RETURN(std::optional<UniqueFd> fd, OpenOptional(root, path, false));
    if (!fd) return OkStatus();
    OI_ASSIGN_OR_RETURN(MountFacts facts, InspectMount(*fd));
    if (!facts.read_only) {
      if (facts.mount_root) {
        OI_RETURN_IF_ERROR(SetMountReadOnly(*fd, /*recursive=*/true));
      } else {
        OI_RETURN_IF_ERROR(BindReadOnlyOntoItself(*fd));
      }
      ++report_.mounts_changed;
    }
    expectations_.push_back({path, 0, MountExpectation::Kind::kReadOnly});
    return OkStatus();
  }

  // The mount table as it was before this run's first mount.
  Result<const std::vector<MountEntry>*> MountTable() {
    if (!mounts_) {
      OI_ASSIGN_OR_RETURN(std::string text, ReadFile("/proc/self/mountinfo", kMaxMountinfoBytes));
      OI_ASSIGN_OR_RETURN(mounts_, ParseMountinfo(text));
    }
    return &*mounts_;
  }

  // Resolves every path afresh (so the newest mount on it is seen) and checks
  // it against /proc/self/mountinfo.
  Status Verify() {
    OI_ASSIGN_OR_RETURN(UniqueFd root, OpenHostDirectory(target_.rootfs));
    OI_ASSIGN_OR_RETURN(MountFacts root_facts, InspectMount(root));
    std::vector<MountExpectation> all = {
        {"rootfs " + target_.rootfs, root_facts.mount_id, MountExpectation::Kind::kReadOnly}};
    for (MountExpectation e : expectations_) {
      OI_ASSIGN_OR_RETURN(UniqueFd fd, OpenInRoot(root, e.path, false));
      OI_ASSIGN_OR_RETURN(MountFacts facts, InspectMount(fd));
      e.mount_id = facts.mount_id;
      all.push_back(std::move(e));
    }
    OI_ASSIGN_OR_RETURN(std::string text, ReadFile("/proc/self/mountinfo", kMaxMountinfoBytes));
    OI_ASSIGN_OR_RETURN(std::vector<MountEntry> mounts, ParseMountinfo(text));
    return VerifyMounts(mounts, all);
  }

  const Plan& plan_;
  const EnforceTarget& target_;
  EnforceReport report_;
  std::vector<MountExpectation> expectations_;
  std::optional<std::vector<MountEntry>> mounts_;
};

}  // namespace

Result<EnforceReport> Enforce(const Plan& plan, const EnforceTarget& target) {
  return Enforcement(plan, target).Run();
}

}  // namespace oci_immutable
