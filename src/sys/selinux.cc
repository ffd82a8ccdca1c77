#include "sys/selinux.h"

#include <sys/statfs.h>

namespace oci_immutable {

bool SelinuxEnabled() {
  constexpr long kSelinuxMagic = 0xf97cff8c;
  struct statfs sfs;
  return ::statfs("/sys/fs/selinux", &sfs) == 0 && sfs.f_type == kSelinuxMagic;
}

}  // namespace oci_immutable
