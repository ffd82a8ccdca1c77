#include "json/fields.h"

namespace oci_immutable {
namespace {

std::string Member(std::string_view where, std::string_view key) {
  std::string out(where);
  if (!out.empty()) out += '.';
  out += key;
  return out;
}

// The member, nullptr when absent or null, or an error when of another type.
Result<const Json*> Typed(const Json& obj, std::string_view key, std::string_view where,
                          Json::Type type) {
  const Json* v = obj.Find(key);
  if (v == nullptr || v->is_null()) return static_cast<const Json*>(nullptr);
  if (v->type() != type) return TypeError(Member(where, key), Json::TypeName(type), *v);
  return v;
}

}  // namespace

Error TypeError(std::string_view where, std::string_view expected, const Json& got) {
  return Error(std::string(where) + ": expected " + std::string(expected) + ", got " +
               std::string(Json::TypeName(got.type())));
}

Result<std::optional<std::string>> OptString(const Json& obj, std::string_view key,
                                             std::string_view where) {
  OI_ASSIGN_OR_RETURN(const Json* v, Typed(obj, key, where, Json::Type::kString));
  if (v == nullptr) return std::optional<std::string>();
  return std::optional<std::string>(v->string_value());
}

Result<std::optional<bool>> OptBool(const Json& obj, std::string_view key,
                                    std::string_view where) {
  OI_ASSIGN_OR_RETURN(const Json* v, Typed(obj, key, where, Json::Type::kBool));
  if (v == nullptr) return std::optional<bool>();
  return std::optional<bool>(v->bool_value());
}

Result<std::optional<int64_t>> OptInt(const Json& obj, std::string_view key,
                                      std::string_view where) {
  OI_ASSIGN_OR_RETURN(const Json* v, Typed(obj, key, where, Json::Type::kNumber));
  if (v == nullptr) return std::optional<int64_t>();
  std::optional<int64_t> i = v->AsInt();
  if (!i) return Error(Member(where, key) + ": expected an integer, got " + v->number_text());
  return i;
}

Result<const Json*> OptObject(const Json& obj, std::string_view key, std::string_view where) {
  return Typed(obj, key, where, Json::Type::kObject);
}

Result<const Json*> OptArray(const Json& obj, std::string_view key, std::string_view where) {
  return Typed(obj, key, where, Json::Type::kArray);
}

Result<std::vector<std::string>> OptStringArray(const Json& obj, std::string_view key,
                                                std::string_view where) {
  OI_ASSIGN_OR_RETURN(const Json* arr, OptArray(obj, key, where));
  std::vector<std::string> out;
  if (arr == nullptr) return out;
  for (size_t i = 0; i < arr->array().size(); ++i) {
    const Json& item = arr->array()[i];
    if (!item.is_string()) {
      return TypeError(Member(where, key) + "[" + std::to_string(i) + "]", "string", item);
    }
    out.push_back(item.string_value());
  }
  return out;
}

Result<std::map<std::string, std::string>> OptStringMap(const Json& obj, std::string_view key,
                                                        std::string_view where) {
  OI_ASSIGN_OR_RETURN(const Json* map, OptObject(obj, key, where));
  std::map<std::string, std::string> out;
  if (map == nullptr) return out;
  for (const Json::Member& m : map->object()) {
    if (!m.second.is_string()) {
      return TypeError(Member(Member(where, key), m.first), "string", m.second);
    }
    out.emplace(m.first, m.second.string_value());
  }
  return out;
}

}  // namespace oci_immutable
