// Whether SELinux is on (selinuxfs mounted), as the runtimes decide whether to
// apply linux.mountLabel at all.
#ifndef OCI_IMMUTABLE_SYS_SELINUX_H_
#define OCI_IMMUTABLE_SYS_SELINUX_H_

namespace oci_immutable {

bool SelinuxEnabled();

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_SYS_SELINUX_H_
