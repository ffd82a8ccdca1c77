// ParseJson: yajl's event parser feeding a Json tree, with limits checked as
// events arrive so hostile input is refused before it costs memory.
#include <yajl/yajl_parse.h>

#include <memory>
#include <string>
#include <unordered_set>

#include "json/json.h"
#include "json/utf8.h"

namespace oci_immutable {
namespace {

constexpr size_t kLinearKeyScan = 16;

struct Frame {
  Json* container;
  std::string pending_key;
  std::unordered_set<std::string> keys;  // filled once the object grows large
};

class Builder {
 public:
  Builder(std::string_view text, const JsonLimits& limits)
      : text_(text), limits_(limits) {}

  void set_handle(yajl_handle h) { handle_ = h; }
  const std::optional<std::string>& error() const { return error_; }
  size_t error_offset() const { return error_offset_; }
  Json TakeRoot() { return std::move(root_); }

  int Add(Json value) {
    value.set_offset(StartOf(value, Offset()));
    if (frames_.empty()) {
      root_ = std::move(value);
      return 1;
    }
    Frame& top = frames_.back();
    if (top.container->is_array()) {
      top.container->array().push_back(std::move(value));
    } else {
      top.container->object().emplace_back(std::move(top.pending_key), std::move(value));
    }
    return 1;
  }

  int Open(Json container) {
    if (static_cast<int>(frames_.size()) >= limits_.max_depth) {
      return Fail("nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
    }
    Add(std::move(container));
    Json* added = frames_.empty() ? &root_ : LastChild(*frames_.back().container);
    frames_.push_back(Frame{added, {}, {}});
    return 1;
  }

  int Close() {
    frames_.pop_back();
    return 1;
  }

  int Key(std::string key) {
    Frame& top = frames_.back();
    const Json::Object& members = top.container->object();
    bool duplicate = false;
    if (members.size() < kLinearKeyScan) {
      for (const Json::Member& m : members) duplicate = duplicate || m.first == key;
    } else {
      if (top.keys.empty()) {
        for (const Json::Member& m : members) top.keys.insert(m.first);
      }
      duplicate = !top.keys.insert(key).second;
    }
    if (duplicate) return Fail("duplicate key \"" + key + "\"");
    top.pending_key = std::move(key);
    return 1;
  }

  int Fail(std::string message) {
    if (!error_) {
      error_ = std::move(message);
      error_offset_ = Offset();
    }
    return 0;
  }

 private:
  static Json* LastChild(Json& container) {
    if (container.is_array()) return &container.array().back();
    return &container.object().back().second;
  }

  size_t Offset() const { return handle_ ? yajl_get_bytes_consumed(handle_) : 0; }

  // yajl reports the offset just past the token it has read; a value's offset
  // is that of its first byte.
  size_t StartOf(const Json& value, size_t end) const {
    if (end == 0 || end > text_.size()) return 0;  // a top-level scalar, read at the end
    size_t length = 1;  // "{" or "["
    if (value.is_null()) length = 4;
    if (value.is_bool()) length = value.bool_value() ? 4 : 5;
    if (value.is_number()) length = value.number_text().size();
    if (value.is_string()) {
      // Back to the opening quote: the first one not escaped by a backslash.
      for (size_t q = end - 1; q-- > 0;) {
        if (text_[q] != '"') continue;
        size_t slashes = 0;
        while (slashes < q && text_[q - 1 - slashes] == '\\') ++slashes;
        if (slashes % 2 == 0) return q;
      }
      return 0;
    }
    return length <= end ? end - length : 0;
  }

  std::string_view text_;
  const JsonLimits& limits_;
  yajl_handle handle_ = nullptr;
  Json root_;
  std::vector<Frame> frames_;
  std::optional<std::string> error_;
  size_t error_offset_ = 0;
};

Builder& B(void* ctx) { return *static_cast<Builder*>(ctx); }

int OnNull(void* ctx) { return B(ctx).Add(Json()); }
int OnBool(void* ctx, int b) { return B(ctx).Add(Json::Bool(b != 0)); }
int OnNumber(void* ctx, const char* s, size_t len) {
  return B(ctx).Add(Json::NumberText(std::string(s, len)));
}
int OnString(void* ctx, const unsigned char* s, size_t len) {
  std::string text(reinterpret_cast<const char*>(s), len);
  if (!IsValidUtf8(text)) return B(ctx).Fail("invalid UTF-8 in a string");
  return B(ctx).Add(Json::String(std::move(text)));
}
int OnStartMap(void* ctx) { return B(ctx).Open(Json::EmptyObject()); }
int OnMapKey(void* ctx, const unsigned char* s, size_t len) {
  std::string key(reinterpret_cast<const char*>(s), len);
  if (!IsValidUtf8(key)) return B(ctx).Fail("invalid UTF-8 in a key");
  return B(ctx).Key(std::move(key));
}
int OnEnd(void* ctx) { return B(ctx).Close(); }
int OnStartArray(void* ctx) { return B(ctx).Open(Json::EmptyArray()); }

const yajl_callbacks kCallbacks = {
    OnNull, OnBool, nullptr, nullptr, OnNumber, OnString,
    OnStartMap, OnMapKey, OnEnd, OnStartArray, OnEnd,
};

Error AtPosition(std::string_view text, size_t offset, const std::string& message) {
  TextPosition pos = PositionOf(text, offset);
  return Error("line " + std::to_string(pos.line) + ", column " +
               std::to_string(pos.column) + ": " + message);
}

std::string YajlMessage(yajl_handle h, std::string_view text) {
  unsigned char* raw = yajl_get_error(
      h, 0, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  std::string message = raw ? reinterpret_cast<char*>(raw) : "parse error";
  if (raw) yajl_free_error(h, raw);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  return message;
}

}  // namespace

Result<Json> ParseJson(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return Error("document of " + std::to_string(text.size()) +
                 " bytes is over the limit of " + std::to_string(limits.max_bytes));
  }
  Builder builder(text, limits);
  std::unique_ptr<struct yajl_handle_t, decltype(&yajl_free)> handle(
      yajl_alloc(&kCallbacks, nullptr, &builder), &yajl_free);
  if (!handle) return Error("out of memory");
  builder.set_handle(handle.get());
  if (limits.allow_comments) yajl_config(handle.get(), yajl_allow_comments, 1);

  yajl_status status = yajl_parse(
      handle.get(), reinterpret_cast<const unsigned char*>(text.data()), text.size());
  // An error found only at the end (truncated input) is at the end: yajl's
  // byte count then covers just its internal finishing call.
  const bool at_end = status == yajl_status_ok;
  if (status == yajl_status_ok) status = yajl_complete_parse(handle.get());
  if (status == yajl_status_client_canceled && builder.error()) {
    return AtPosition(text, builder.error_offset(), *builder.error());
  }
  if (status != yajl_status_ok) {
    size_t offset = at_end ? text.size() : yajl_get_bytes_consumed(handle.get());
    return AtPosition(text, offset, YajlMessage(handle.get(), text));
  }
  return builder.TakeRoot();
}

}  // namespace oci_immutable
