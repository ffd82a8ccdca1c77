// An OCI seccomp profile compiled by libseccomp the way runc and crun do it,
// so the rules we write can be loaded and checked (tests, the wrapper's
// validation of its own output).
#ifndef OCI_IMMUTABLE_SECCOMP_FILTER_H_
#define OCI_IMMUTABLE_SECCOMP_FILTER_H_

#include <memory>

#include "base/result.h"
#include "json/json.h"

namespace oci_immutable {

struct FilterDeleter {
  void operator()(void* ctx) const;
};
using SeccompFilter = std::unique_ptr<void, FilterDeleter>;  // a scmp_filter_ctx

Result<SeccompFilter> CompileProfile(const Json& profile);

// Loads the filter into the calling thread (irreversible: tests do it in a child).
Status LoadFilter(const SeccompFilter& filter);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_SECCOMP_FILTER_H_
