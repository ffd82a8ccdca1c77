#include "json/json.h"

#include <gtest/gtest.h>

#include <string>

namespace oci_immutable {
namespace {

TEST(JsonTest, RoundTripKeepsOrderAndNumberText) {
  const std::string text = R"({"z":1,"a":[true,false,null,"s\"\u00e9"],"n":1.50e3,"o":{}})";
  auto doc = ParseJson(text);
  ASSERT_TRUE(doc.ok()) << doc.error().ToString();
  EXPECT_EQ(WriteJson(*doc), R"({"z":1,"a":[true,false,null,"s\"é"],"n":1.50e3,"o":{}})");
  EXPECT_EQ(doc->object()[0].first, "z");
  EXPECT_EQ(doc->Find("n")->number_text(), "1.50e3");
}

TEST(JsonTest, RejectsDuplicateKeys) {
  auto doc = ParseJson(R"({"a":1,
"a":2})");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().message(), "line 2, column 4: duplicate key \"a\"");
}

TEST(JsonTest, RejectsDuplicateKeysInLargeObjects) {
  std::string text = "{";
  for (int i = 0; i < 40; ++i) text += "\"k" + std::to_string(i) + "\":0,";
  text += "\"k7\":1}";
  auto doc = ParseJson(text);
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.error().message().find("duplicate key \"k7\""), std::string::npos);
}

TEST(JsonTest, DepthLimit) {
  std::string deep(100, '[');
  deep += std::string(100, ']');
  auto doc = ParseJson(deep, JsonLimits{.max_depth = 64});
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.error().message().find("nesting deeper than 64 levels"), std::string::npos);
  EXPECT_TRUE(ParseJson(deep, JsonLimits{.max_depth = 100}).ok());
}

TEST(JsonTest, SizeLimit) {
  auto doc = ParseJson("[1, 2, 3]", JsonLimits{.max_bytes = 4});
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.error().message().find("over the limit of 4"), std::string::npos);
}

TEST(JsonTest, SyntaxErrorsNamePosition) {
  for (const char* bad : {"", "{", "{\"a\":}", "[1,]", "{\"a\":1}}", "nul", "\"\xff\""}) {
    auto doc = ParseJson(bad);
    EXPECT_FALSE(doc.ok()) << bad;
    if (!doc.ok()) {
      EXPECT_EQ(doc.error().message().rfind("line ", 0), 0u) << doc.error().message();
    }
  }
}

// yajl's own check takes overlong forms, surrogates and code points above
// U+10FFFF; WriteJson would turn them into U+FFFD, so a document read and
// written again would change (found by fuzz/spec_fuzzer).
TEST(JsonTest, RejectsUtf8ThatYajlLetsThrough) {
  for (const char* bad : {"\"CAP_NET_\xc0\xb6ND\"", "\"/proc\xc0\xafsys\"", "[\"\xe0\x80\xaf\"]",
                          "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xf0\x80\x80\xaf\"",
                          "{\"\xc1\xbf\": 1}", "\"\\udc00\""}) {
    auto doc = ParseJson(bad);
    ASSERT_FALSE(doc.ok()) << bad;
    EXPECT_NE(doc.error().message().find("invalid UTF-8"), std::string::npos)
        << doc.error().message();
  }
  auto good = ParseJson("[\"\xc2\x80\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\", \"\\ud83d\\ude00\"]");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(ParseJson(WriteJson(*good)).value(), *good);
}

TEST(JsonTest, CommentsOnlyWhenAllowed) {
  const char* text = "// hello\n{\"a\": /* x */ 1}";
  EXPECT_FALSE(ParseJson(text).ok());
  EXPECT_TRUE(ParseJson(text, JsonLimits{.allow_comments = true}).ok());
}

TEST(JsonTest, SetFindErase) {
  Json o = Json::EmptyObject();
  o.Set("a", Json::Int(1));
  o.Set("b", Json::String("x"));
  o.Set("a", Json::Bool(true));
  EXPECT_EQ(WriteJson(o), R"({"a":true,"b":"x"})");
  o.Erase("a");
  EXPECT_EQ(o.Find("a"), nullptr);
  EXPECT_EQ(WriteJson(o), R"({"b":"x"})");
}

TEST(JsonTest, AsInt) {
  EXPECT_EQ(Json::NumberText("42").AsInt(), 42);
  EXPECT_EQ(Json::NumberText("-7").AsInt(), -7);
  EXPECT_FALSE(Json::NumberText("1.5").AsInt());
  EXPECT_FALSE(Json::NumberText("99999999999999999999").AsInt());
  EXPECT_FALSE(Json::String("1").AsInt());
}

TEST(JsonTest, PositionOf) {
  TextPosition p = PositionOf("ab\ncd\nef", 7);
  EXPECT_EQ(p.line, 3);
  EXPECT_EQ(p.column, 2);
}

}  // namespace
}  // namespace oci_immutable

namespace oci_immutable {
namespace {

TEST(JsonWriteTest, InvalidUtf8BecomesReplacementCharacter) {
  Json o = Json::EmptyObject();
  o.Set("path", Json::String(std::string("/a\xff/b\xc3(\xe2\x82\xac")));
  const std::string out = WriteJson(o);
  EXPECT_EQ(out, "{\"path\":\"/a\xEF\xBF\xBD/b\xEF\xBF\xBD(\xe2\x82\xac\"}");
  EXPECT_TRUE(ParseJson(out).ok());
}

}  // namespace
}  // namespace oci_immutable
