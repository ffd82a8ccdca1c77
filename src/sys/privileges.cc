#include "sys/privileges.h"

#include <sys/capability.h>
#include <sys/prctl.h>

#include <memory>

namespace oci_immutable {

Status DropAllCapabilities() {
  // The bounding set first: dropping from it needs CAP_SETPCAP, which goes next.
  for (cap_value_t c = 0; c <= cap_max_bits() - 1; ++c) {
    if (CAP_IS_SUPPORTED(c) && cap_get_bound(c) == 1 && cap_drop_bound(c) != 0) {
      return ErrnoError("cap_drop_bound");
    }
  }
  if (cap_reset_ambient() != 0 && errno != EINVAL) return ErrnoError("cap_reset_ambient");
  std::unique_ptr<struct _cap_struct, int (*)(void*)> none(cap_init(), &cap_free);
  if (!none) return ErrnoError("cap_init");
  if (cap_set_proc(none.get()) != 0) return ErrnoError("cap_set_proc");
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return ErrnoError("PR_SET_NO_NEW_PRIVS");
  return OkStatus();
}

}  // namespace oci_immutable
