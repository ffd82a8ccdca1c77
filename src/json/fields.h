// Typed reads of optional members of a parsed JSON object, with errors that
// name the member ("root.readonly: expected boolean, got string").
#ifndef OCI_IMMUTABLE_JSON_FIELDS_H_
#define OCI_IMMUTABLE_JSON_FIELDS_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "json/json.h"

namespace oci_immutable {

// Each returns nullopt when the member is absent (or null), an error when it
// has another type. `where` names the member in errors.
Result<std::optional<std::string>> OptString(const Json& obj, std::string_view key,
                                             std::string_view where);
Result<std::optional<bool>> OptBool(const Json& obj, std::string_view key,
                                    std::string_view where);
Result<std::optional<int64_t>> OptInt(const Json& obj, std::string_view key,
                                      std::string_view where);
Result<const Json*> OptObject(const Json& obj, std::string_view key, std::string_view where);
Result<const Json*> OptArray(const Json& obj, std::string_view key, std::string_view where);
Result<std::vector<std::string>> OptStringArray(const Json& obj, std::string_view key,
                                                std::string_view where);
Result<std::map<std::string, std::string>> OptStringMap(const Json& obj, std::string_view key,
                                                        std::string_view where);

// "where: expected T, got U".
Error TypeError(std::string_view where, std::string_view expected, const Json& got);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_JSON_FIELDS_H_
