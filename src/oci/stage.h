// The hook stages oci-immutable-hook runs at.
#ifndef OCI_IMMUTABLE_OCI_STAGE_H_
#define OCI_IMMUTABLE_OCI_STAGE_H_

#include <optional>
#include <string_view>

namespace oci_immutable {

enum class Stage { kPrestart, kCreateRuntime, kCreateContainer };

std::optional<Stage> ParseStage(std::string_view name);
std::string_view StageName(Stage stage);
// prestart and createRuntime run in the runtime's namespaces; the hook must
// join the container's mount namespace (through state.pid) itself.
inline bool RunsInRuntimeNamespace(Stage stage) { return stage != Stage::kCreateContainer; }

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_OCI_STAGE_H_
