#include "scan/assess.h"

#include "scan/mount_view.h"

namespace oci_immutable {
namespace {

const MountEntry* RootMount(const ScanInput& input) {
  if (input.root_mount_id != 0) {
    if (const MountEntry* m = FindMountById(input.mounts, input.root_mount_id)) return m;
  }
  return TopMountAt(input.mounts, "/");
}

}  // namespace

Result<Assessment> Assess(const ScanInput& input) {
  const MountEntry* root = RootMount(input);
  if (root == nullptr) return Error("no mount at / in the mount table");
  Assessment a;
  a.rootfs = RootfsFacts{root->read_only(), root->id, root->fstype};
  if (!a.rootfs.read_only) a.reasons.push_back(kReasonRootfsWritable);

  bool protected_ok = true;
  for (const ProtectedPathInput& p : input.protected_paths) {
    const MountEntry* cover = CoveringMount(input.mounts, p.path);
    ProtectedPathFacts f;
    f.path = p.path;
    f.present = p.present;
    // No covering mount cannot happen once "/" is mounted; stay safe anyway.
    f.read_only = cover ? cover->read_only() : a.rootfs.read_only;
    f.mount_id = cover ? cover->id : root->id;
    if (f.present && !f.read_only) {
      protected_ok = false;
      a.reasons.push_back(p.path + " writable");
    }
    a.protected_paths.push_back(std::move(f));
  }

  for (const MountEntry& m : input.mounts) {
    if (&m == root || m.read_only() || IsIgnoredWritableMount(m)) continue;
    // A mount hidden under another at the same point serves no path.
    if (TopMountAt(input.mounts, m.target) != &m) continue;
    WritableMount w{m.target, m.fstype, std::string(WritableMountKind(m)), m.id};
    if (w.kind == "kernel") a.only_volumes_and_tmpfs = false;
    a.writable_mounts.push_back(std::move(w));
  }

  a.privileged = input.status.privileged();
  a.seccomp_mode = input.status.seccomp;
  a.seccomp_filters = input.status.seccomp_filters;
  a.seccomp_filter_present = input.status.seccomp_filter_present();
  const bool confined = !a.privileged || a.seccomp_filter_present;
  if (!confined) a.reasons.push_back(kReasonPrivilegedUnconfined);

  a.immutable = a.rootfs.read_only && protected_ok && confined;
  return a;
}

}  // namespace oci_immutable
