// OCI seccomp action names and the libseccomp values behind them.
#ifndef OCI_IMMUTABLE_SECCOMP_ACTIONS_H_
#define OCI_IMMUTABLE_SECCOMP_ACTIONS_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace oci_immutable {

// Deny-type actions stop the syscall (ERRNO, KILL*, TRAP); allow-type ones may
// let it run (ALLOW, LOG, TRACE, NOTIFY: a tracer or listener can continue it).
std::optional<bool> ActionDenies(std::string_view action);

// The libseccomp action value; errno_ret for SCMP_ACT_ERRNO (EPERM if unset).
std::optional<uint32_t> ActionValue(std::string_view action, std::optional<int64_t> errno_ret);

// "SCMP_ARCH_X86_64" -> libseccomp token; 0 when unknown.
uint32_t ArchToken(std::string_view oci_name);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_SECCOMP_ACTIONS_H_
