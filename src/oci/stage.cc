#include "oci/stage.h"

namespace oci_immutable {

std::optional<Stage> ParseStage(std::string_view name) {
  if (name == "prestart") return Stage::kPrestart;
  if (name == "createRuntime") return Stage::kCreateRuntime;
  if (name == "createContainer") return Stage::kCreateContainer;
  return std::nullopt;
}

std::string_view StageName(Stage stage) {
  switch (stage) {
    case Stage::kPrestart: return "prestart";
    case Stage::kCreateRuntime: return "createRuntime";
    case Stage::kCreateContainer: return "createContainer";
  }
  return "unknown";
}

}  // namespace oci_immutable
