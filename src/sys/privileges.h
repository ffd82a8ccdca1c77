// Giving up privilege once it is no longer needed.
#ifndef OCI_IMMUTABLE_SYS_PRIVILEGES_H_
#define OCI_IMMUTABLE_SYS_PRIVILEGES_H_

#include "base/result.h"

namespace oci_immutable {

// Empties the bounding, ambient, permitted, effective and inheritable sets
// (libcap) and sets no_new_privs: what is left can only use the descriptors
// it already holds.
Status DropAllCapabilities();

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_SYS_PRIVILEGES_H_
