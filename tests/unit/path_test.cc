#include "base/path.h"
#include "base/split.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace oci_immutable {
namespace {

using Case = std::pair<std::string, std::string>;

// Cases from Go's path/filepath TestClean (Unix), plus a few of our own.
TEST(CleanPathTest, MatchesGoFilepathClean) {
  const std::vector<Case> cases = {
      // Already clean.
      {"abc", "abc"},
      {"abc/def", "abc/def"},
      {"a/b/c", "a/b/c"},
      {".", "."},
      {"..", ".."},
      {"../..", "../.."},
      {"../../abc", "../../abc"},
      {"/abc", "/abc"},
      {"/", "/"},
      // Empty is current dir.
      {"", "."},
      // Trailing slashes.
      {"abc/", "abc"},
      {"abc/def/", "abc/def"},
      {"a/b/c/", "a/b/c"},
      {"./", "."},
      {"../", ".."},
      {"../../", "../.."},
      {"/abc/", "/abc"},
      // Doubled slashes.
      {"abc//def//ghi", "abc/def/ghi"},
      {"//abc", "/abc"},
      {"///abc", "/abc"},
      {"//abc//", "/abc"},
      {"abc//", "abc"},
      // "." elements.
      {"abc/./def", "abc/def"},
      {"/./abc/def", "/abc/def"},
      {"abc/.", "abc"},
      // ".." elements.
      {"abc/def/ghi/../jkl", "abc/def/jkl"},
      {"abc/def/../ghi/../jkl", "abc/jkl"},
      {"abc/def/..", "abc"},
      {"abc/def/../..", "."},
      {"/abc/def/../..", "/"},
      {"abc/def/../../..", ".."},
      {"/abc/def/../../..", "/"},
      {"abc/def/../../../ghi/jkl/../../../mno", "../../mno"},
      {"/../abc", "/abc"},
      {"a/../b/../c/..", "."},
      // Combinations.
      {"abc/./../def", "def"},
      {"abc//./../def", "def"},
      {"abc/../../././../def", "../../def"},
      // The header's example.
      {"//a/./b/../c/", "/a/c"},
  };
  for (const auto& [in, want] : cases) {
    EXPECT_EQ(CleanPath(in), want) << "CleanPath(\"" << in << "\")";
  }
}

TEST(CleanPathTest, DotDotNeverClimbsAboveRoot) {
  EXPECT_EQ(CleanPath("/.."), "/");
  EXPECT_EQ(CleanPath("/../../.."), "/");
  EXPECT_EQ(CleanPath("/../etc/passwd"), "/etc/passwd");
  EXPECT_EQ(CleanPath("/a/../../b"), "/b");
}

TEST(CleanPathTest, IsIdempotent) {
  for (const char* p : {"/a//b/../c/.", "../x/./y/..", "a/b/../../..", "////", "./."}) {
    const std::string once = CleanPath(p);
    EXPECT_EQ(CleanPath(once), once) << p;
  }
}

TEST(CleanPathTest, KeepsDotsInsideNames) {
  EXPECT_EQ(CleanPath("/a/.hidden/..b/c."), "/a/.hidden/..b/c.");
  EXPECT_EQ(CleanPath("/.../x"), "/.../x");
}

TEST(IsWithinTest, SamePathIsWithin) {
  EXPECT_TRUE(IsWithin("/a", "/a"));
  EXPECT_TRUE(IsWithin("/", "/"));
  EXPECT_TRUE(IsWithin("/proc/sys", "/proc/sys"));
}

TEST(IsWithinTest, BelowIsWithin) {
  EXPECT_TRUE(IsWithin("/a/b", "/a"));
  EXPECT_TRUE(IsWithin("/a/b/c/d", "/a/b"));
  EXPECT_TRUE(IsWithin("/proc/sys/kernel", "/proc/sys"));
}

TEST(IsWithinTest, SharedPrefixIsNotWithin) {
  EXPECT_FALSE(IsWithin("/ab", "/a"));
  EXPECT_FALSE(IsWithin("/a", "/ab"));
  EXPECT_FALSE(IsWithin("/proc/sysrq-trigger", "/proc/sys"));
  EXPECT_FALSE(IsWithin("/tmpfoo/x", "/tmp"));
}

TEST(IsWithinTest, AboveOrBesideIsNotWithin) {
  EXPECT_FALSE(IsWithin("/a", "/a/b"));
  EXPECT_FALSE(IsWithin("/", "/a"));
  EXPECT_FALSE(IsWithin("/b", "/a"));
  EXPECT_FALSE(IsWithin("/b/a", "/a"));
}

TEST(IsWithinTest, RootContainsEveryAbsolutePath) {
  EXPECT_TRUE(IsWithin("/a", "/"));
  EXPECT_TRUE(IsWithin("/a/b/c", "/"));
  EXPECT_FALSE(IsWithin("a", "/"));
  EXPECT_FALSE(IsWithin("", "/"));
}

TEST(JoinPathTest, JoinsAndCleans) {
  EXPECT_EQ(JoinPath("/a", "b"), "/a/b");
  EXPECT_EQ(JoinPath("/a/", "b/"), "/a/b");
  EXPECT_EQ(JoinPath("/a", "./b/./c"), "/a/b/c");
  EXPECT_EQ(JoinPath("/a", "b/../c"), "/a/c");
  EXPECT_EQ(JoinPath("/a", ""), "/a");
  EXPECT_EQ(JoinPath("/a", "."), "/a");
  EXPECT_EQ(JoinPath("a", "b"), "a/b");
}

TEST(JoinPathTest, AbsoluteSecondPartIsTakenBelowFirst) {
  EXPECT_EQ(JoinPath("/a", "/b"), "/a/b");
  EXPECT_EQ(JoinPath("/run/bundle", "/rootfs"), "/run/bundle/rootfs");
  EXPECT_EQ(JoinPath("/a", "//b//c/"), "/a/b/c");
  EXPECT_EQ(JoinPath("/", "/etc"), "/etc");
  EXPECT_EQ(JoinPath("/", "/"), "/");
}

TEST(JoinPathTest, DotDotInSecondPartIsLexical) {
  // Lexical only: ".." may leave `a` (callers that need confinement resolve
  // in the root instead).
  EXPECT_EQ(JoinPath("/a/b", ".."), "/a");
  EXPECT_EQ(JoinPath("/a/b", "../c"), "/a/c");
  EXPECT_EQ(JoinPath("/", "../../etc"), "/etc");
}

}  // namespace
}  // namespace oci_immutable

namespace oci_immutable {
namespace {

TEST(SplitTest, Pieces) {
  using V = std::vector<std::string_view>;
  EXPECT_EQ(Split("", '\n'), V{});
  EXPECT_EQ(Split("a", '\n'), V{"a"});
  EXPECT_EQ(Split("a\n", '\n'), V{"a"});
  EXPECT_EQ(Split("a\n\nb", '\n'), (V{"a", "", "b"}));
  EXPECT_EQ(Split("/a//b/", '/'), (V{"", "a", "", "b"}));
  EXPECT_EQ(Split(",", ','), V{""});
}

}  // namespace
}  // namespace oci_immutable
