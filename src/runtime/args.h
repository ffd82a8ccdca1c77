// The runtime command line as runc and crun take it: global options, a
// command, its options. Only what the wrapper needs is picked out.
#ifndef OCI_IMMUTABLE_RUNTIME_ARGS_H_
#define OCI_IMMUTABLE_RUNTIME_ARGS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace oci_immutable {

struct RuntimeCall {
  std::string command;                // "" when only global options were given
  std::optional<std::string> bundle;  // --bundle/-b in any form runc accepts
  std::string container_id;           // create/run: the first positional argument
  std::string log_file;               // global --log: where engines read runtime errors
  std::string log_format;             // global --log-format: "json" or "text"
  // create and run set a container up from a bundle: the calls to rewrite.
  bool SetsUpContainer() const { return command == "create" || command == "run"; }
};

// argv without the program name. For create and run, forms that would make
// the runtime read a config other than the bundle's config.json that the
// wrapper rewrites are errors: crun's -f/--config, and crun's abbreviated or
// attached bundle options are taken as the bundle (-b/x, --bund=/x).
Result<RuntimeCall> ParseRuntimeArgs(const std::vector<std::string_view>& args);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_RUNTIME_ARGS_H_
