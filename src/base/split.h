// Splitting text into pieces without copying it.
#ifndef OCI_IMMUTABLE_BASE_SPLIT_H_
#define OCI_IMMUTABLE_BASE_SPLIT_H_

#include <string_view>
#include <vector>

namespace oci_immutable {

// The pieces of `text` between `sep`s, views into it. Empty pieces are kept,
// except that text ending in `sep` has no empty last piece ("a\n" is {"a"})
// and empty text has none at all.
std::vector<std::string_view> Split(std::string_view text, char sep);

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_BASE_SPLIT_H_
