// A small JSON value that keeps object member order and the literal text of
// numbers, so a document read and written again keeps its meaning exactly.
// Parsing and writing go through yajl (json_parse.cc, json_write.cc).
#ifndef OCI_IMMUTABLE_JSON_JSON_H_
#define OCI_IMMUTABLE_JSON_JSON_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/result.h"

namespace oci_immutable {

class Json {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  struct Number {
    std::string text;  // as written in the source, e.g. "1e3"
  };
  using Array = std::vector<Json>;
  using Member = std::pair<std::string, Json>;
  using Object = std::vector<Member>;

  Json() = default;  // null
  static Json Bool(bool b) { return Json(b); }
  static Json NumberText(std::string text) { return Json(Number{std::move(text)}); }
  static Json Int(int64_t i) { return NumberText(std::to_string(i)); }
  static Json String(std::string s) { return Json(std::move(s)); }
  static Json EmptyArray() { return Json(Array{}); }
  static Json EmptyObject() { return Json(Object{}); }

  Type type() const { return static_cast<Type>(v_.index()); }
  bool is_null() const { return type() == Type::kNull; }
  bool is_bool() const { return type() == Type::kBool; }
  bool is_number() const { return type() == Type::kNumber; }
  bool is_string() const { return type() == Type::kString; }
  bool is_array() const { return type() == Type::kArray; }
  bool is_object() const { return type() == Type::kObject; }

  // Accessors; calling one on the wrong type is a programming error.
  bool bool_value() const { return std::get<bool>(v_); }
  const std::string& number_text() const { return std::get<Number>(v_).text; }
  const std::string& string_value() const { return std::get<std::string>(v_); }
  const Array& array() const { return std::get<Array>(v_); }
  Array& array() { return std::get<Array>(v_); }
  const Object& object() const { return std::get<Object>(v_); }
  Object& object() { return std::get<Object>(v_); }

  // The number as an integer, when it is one that fits.
  std::optional<int64_t> AsInt() const;

  // Object member lookup (exact key); nullptr when absent or not an object.
  const Json* Find(std::string_view key) const;
  Json* Find(std::string_view key);
  // Replaces the member's value, or appends the member. Requires an object.
  Json& Set(std::string_view key, Json value);
  // Removes the member if present. Requires an object.
  void Erase(std::string_view key);

  // Byte offset of the value in the text it was parsed from (0 if built).
  size_t offset() const { return offset_; }
  void set_offset(size_t offset) { offset_ = offset; }

  static std::string_view TypeName(Type type);

  friend bool operator==(const Json& a, const Json& b) { return a.v_ == b.v_; }
  friend bool operator==(const Number& a, const Number& b) { return a.text == b.text; }

 private:
  explicit Json(bool b) : v_(b) {}
  explicit Json(Number n) : v_(std::move(n)) {}
  explicit Json(std::string s) : v_(std::move(s)) {}
  explicit Json(Array a) : v_(std::move(a)) {}
  explicit Json(Object o) : v_(std::move(o)) {}

  std::variant<std::monostate, bool, Number, std::string, Array, Object> v_;
  size_t offset_ = 0;
};

struct JsonLimits {
  size_t max_bytes = 16 << 20;
  int max_depth = 64;
  bool allow_comments = false;
};

// Parses one JSON document. Rejects duplicate object keys (the runtimes would
// silently take one of them), input over max_bytes and nesting over max_depth.
// Errors name the line and column.
Result<Json> ParseJson(std::string_view text, const JsonLimits& limits = {});

// Writes compact JSON (pretty: two-space indent, for files people read).
std::string WriteJson(const Json& value, bool pretty = false);

// 1-based line and column of a byte offset in text.
struct TextPosition {
  int line;
  int column;
};
TextPosition PositionOf(std::string_view text, size_t offset);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_JSON_JSON_H_
