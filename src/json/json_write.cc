// WriteJson: a Json tree out through yajl_gen (which does the escaping).
#include <yajl/yajl_gen.h>

#include <memory>
#include <string_view>

#include "json/json.h"
#include "json/utf8.h"

namespace oci_immutable {
namespace {

// Text parsed by ParseJson is valid UTF-8 already; strings built from other
// sources (paths in error messages) may not be. Invalid bytes become U+FFFD.
void EmitString(yajl_gen g, std::string_view s) {
  std::string fixed;
  size_t i = 0;
  while (i < s.size()) {
    size_t n = Utf8Length(s, i);
    if (n == 0) break;
    i += n;
  }
  if (i == s.size()) {
    yajl_gen_string(g, reinterpret_cast<const unsigned char*>(s.data()), s.size());
    return;
  }
  fixed.assign(s.substr(0, i));
  while (i < s.size()) {
    size_t n = Utf8Length(s, i);
    if (n == 0) {
      fixed += "\xEF\xBF\xBD";
      ++i;
    } else {
      fixed.append(s.substr(i, n));
      i += n;
    }
  }
  yajl_gen_string(g, reinterpret_cast<const unsigned char*>(fixed.data()), fixed.size());
}

void Emit(yajl_gen g, const Json& v) {
  switch (v.type()) {
    case Json::Type::kNull:
      yajl_gen_null(g);
      break;
    case Json::Type::kBool:
      yajl_gen_bool(g, v.bool_value() ? 1 : 0);
      break;
    case Json::Type::kNumber:
      yajl_gen_number(g, v.number_text().data(), v.number_text().size());
      break;
    case Json::Type::kString:
      EmitString(g, v.string_value());
      break;
    case Json::Type::kArray:
      yajl_gen_array_open(g);
      for (const Json& item : v.array()) Emit(g, item);
      yajl_gen_array_close(g);
      break;
    case Json::Type::kObject:
      yajl_gen_map_open(g);
      for (const Json::Member& m : v.object()) {
        EmitString(g, m.first);
        Emit(g, m.second);
      }
      yajl_gen_map_close(g);
      break;
  }
}

}  // namespace

std::string WriteJson(const Json& value, bool pretty) {
  std::unique_ptr<struct yajl_gen_t, decltype(&yajl_gen_free)> g(yajl_gen_alloc(nullptr),
                                                                 &yajl_gen_free);
  if (pretty) {
    yajl_gen_config(g.get(), yajl_gen_beautify, 1);
    yajl_gen_config(g.get(), yajl_gen_indent_string, "  ");
  }
  Emit(g.get(), value);
  const unsigned char* buf = nullptr;
  size_t len = 0;
  yajl_gen_get_buf(g.get(), &buf, &len);
  std::string out(reinterpret_cast<const char*>(buf), len);
  if (pretty && (out.empty() || out.back() != '\n')) out += '\n';
  return out;
}

}  // namespace oci_immutable
