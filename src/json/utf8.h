// UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates, nothing
// above U+10FFFF. yajl's own check is looser (it takes "\xC0\xAF", an overlong
// "/"), so ParseJson applies this one and WriteJson relies on it.
#ifndef OCI_IMMUTABLE_JSON_UTF8_H_
#define OCI_IMMUTABLE_JSON_UTF8_H_

#include <cstddef>
#include <string_view>

namespace oci_immutable {

// Length of the valid UTF-8 sequence at s[i] (i < s.size()), or 0.
inline size_t Utf8Length(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  }
  if (c == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
  if (c == 0xED && b(i + 1) > 0x9F) return 0;   // surrogate
  if (c == 0xF0 && b(i + 1) < 0x90) return 0;   // overlong
  if (c == 0xF4 && b(i + 1) > 0x8F) return 0;   // above U+10FFFF
  return n;
}

inline bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8Length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_JSON_UTF8_H_
