// WriteJson: a Json tree out through yajl_gen (which does the escaping).
#include <yajl/yajl_gen.h>

#include <memory>

#include "json/json.h"

namespace oci_immutable {
namespace {

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
      yajl_gen_string(g, reinterpret_cast<const unsigned char*>(v.string_value().data()),
                      v.string_value().size());
      break;
    case Json::Type::kArray:
      yajl_gen_array_open(g);
      for (const Json& item : v.array()) Emit(g, item);
      yajl_gen_array_close(g);
      break;
    case Json::Type::kObject:
      yajl_gen_map_open(g);
      for (const Json::Member& m : v.object()) {
        yajl_gen_string(g, reinterpret_cast<const unsigned char*>(m.first.data()),
                        m.first.size());
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
