#include "policy/policy.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace oci_immutable {
namespace {

std::string ErrorOf(std::string_view text) {
  auto p = ParsePolicy(text);
  return p.ok() ? "<ok>" : p.error().message();
}

// "line L, column C: member: ..." with any L and C.
::testing::AssertionResult ReportsMember(std::string_view text, std::string_view member) {
  const std::string message = ErrorOf(text);
  const size_t colon = message.find(": ");
  const bool positioned = message.rfind("line ", 0) == 0 &&
                          message.find(", column ") != std::string::npos &&
                          colon != std::string::npos;
  if (positioned &&
      message.compare(colon + 2, member.size() + 2, std::string(member) + ": ") == 0) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "for " << text << " got \"" << message << "\"";
}

TEST(PolicyTest, Defaults) {
  Policy p = DefaultPolicy();
  EXPECT_EQ(p.mode, Mode::kEnforce);
  EXPECT_EQ(p.log.file, kDefaultLogFile);
  EXPECT_FALSE(p.log.syslog);
  EXPECT_EQ(p.readonly_paths, (std::vector<std::string>{"/proc/sys", "/proc/sysrq-trigger",
                                                        "/proc/irq", "/proc/bus", "/proc/fs"}));
  EXPECT_EQ(p.writable_paths, (std::vector<WritablePath>{{"/tmp", "64m"},
                                                         {"/var/tmp", "64m"},
                                                         {"/run", "64m"},
                                                         {"/var/run", "64m"}}));
  EXPECT_TRUE(p.exempt.empty());
  EXPECT_EQ(ModeName(Mode::kEnforce), "enforce");
  EXPECT_EQ(ModeName(Mode::kAudit), "audit");
}

TEST(PolicyTest, EmptyObjectIsDefaultPolicy) {
  auto p = ParsePolicy("{}");
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  Policy d = DefaultPolicy();
  EXPECT_EQ(p->mode, d.mode);
  EXPECT_EQ(p->log.file, d.log.file);
  EXPECT_EQ(p->readonly_paths, d.readonly_paths);
  EXPECT_EQ(p->writable_paths, d.writable_paths);
}

TEST(PolicyTest, FullExampleWithComments) {
  auto p = ParsePolicy(R"(// /etc/oci-immutable/policy.json
{
  /* audit first, enforce once the log is quiet */
  "mode": "audit",
  "log": {"file": "/var/log/immutable.log", "syslog": true},
  "readonly_paths": ["/proc/sys", "/proc/sysrq-trigger/", "//sys/firmware"],
  "writable_paths": [
    "/tmp",                                   // 64m by default
    {"path": "/var/cache/app/", "size": "1g"},
    {"size": "10%", "path": "/run"}
  ],
  "exempt": [
    {"namespace": "kube-system"},
    {"namespace": "ci-*", "pod": "builder-*", "container": "buildkit"}
  ]
}
)");
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_EQ(p->mode, Mode::kAudit);
  EXPECT_EQ(p->log.file, "/var/log/immutable.log");
  EXPECT_TRUE(p->log.syslog);
  EXPECT_EQ(p->readonly_paths,
            (std::vector<std::string>{"/proc/sys", "/proc/sysrq-trigger", "/sys/firmware"}));
  EXPECT_EQ(p->writable_paths, (std::vector<WritablePath>{
                                   {"/tmp", "64m"}, {"/var/cache/app", "1g"}, {"/run", "10%"}}));
  ASSERT_EQ(p->exempt.size(), 2u);
  EXPECT_EQ(p->exempt[0].namespace_pattern, "kube-system");
  EXPECT_FALSE(p->exempt[0].pod_pattern);
  EXPECT_FALSE(p->exempt[0].container_pattern);
  EXPECT_EQ(p->exempt[1].namespace_pattern, "ci-*");
  EXPECT_EQ(p->exempt[1].pod_pattern, "builder-*");
  EXPECT_EQ(p->exempt[1].container_pattern, "buildkit");
}

TEST(PolicyTest, ListsReplaceDefaults) {
  auto p = ParsePolicy(R"({"readonly_paths": [], "log": {"file": ""}})");
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_TRUE(p->readonly_paths.empty());
  EXPECT_EQ(p->log.file, "");
  EXPECT_EQ(p->mode, Mode::kEnforce);
}

TEST(PolicyTest, ExactMessages) {
  EXPECT_EQ(ErrorOf("{\n  \"mode\": \"strict\"\n}"),
            "line 2, column 11: mode: must be \"enforce\" or \"audit\", not \"strict\"");
  EXPECT_EQ(ErrorOf("{\n  \"mode\": \"audit\",\n  \"colour\": \"red\"\n}"),
            "line 3, column 13: colour: unknown key");
  EXPECT_EQ(ErrorOf(R"({"log": {"file": 3}})"),
            "line 1, column 18: log.file: expected string, got number");
  EXPECT_EQ(ErrorOf(R"({"writable_paths": ["/tmp", {"size": "1g"}]})"),
            "line 1, column 29: writable_paths[1]: needs a \"path\"");
  EXPECT_EQ(ErrorOf("[]"), "line 1, column 1: policy: expected an object");
  EXPECT_EQ(ErrorOf("// only a comment\n\n  \"enforce\""),
            "line 3, column 3: policy: expected an object");
  EXPECT_EQ(ErrorOf("{\"readonly_paths\": [\n    \"/proc/sys\",\n    \"/\"\n]}"),
            "line 3, column 5: readonly_paths[1]: must not be \"/\"");
  EXPECT_EQ(ErrorOf(R"({"exempt": [{"namespace": "a"}, {}]})"),
            "line 1, column 33: exempt[1]: an exemption needs \"namespace\", \"pod\" or "
            "\"container\"");
}

TEST(PolicyTest, PositionsSurviveEscapesAndComments) {
  // The column is the value's first byte, even after escaped quotes.
  EXPECT_EQ(ErrorOf(R"({"log": {"file": "/a\"b", "x": "y\\"}})"),
            "line 1, column 32: log.x: unknown key");
  EXPECT_EQ(ErrorOf("{ /* \"mode\": 1 */ \"mode\": -12.5e1 }"),
            "line 1, column 27: mode: expected string, got number");
  EXPECT_EQ(ErrorOf("{\"log\": {\"syslog\": false, \"file\": null}}"),
            "line 1, column 35: log.file: expected string, got null");
}

TEST(PolicyTest, UnknownKeys) {
  EXPECT_TRUE(ReportsMember(R"({"Mode": "audit"})", "Mode"));
  EXPECT_TRUE(ReportsMember(R"({"writeable_paths": []})", "writeable_paths"));
  EXPECT_TRUE(ReportsMember(R"({"log": {"path": "/x"}})", "log.path"));
  EXPECT_TRUE(ReportsMember(R"({"writable_paths": [{"path": "/tmp", "mode": "1777"}]})",
                            "writable_paths[0].mode"));
  EXPECT_EQ(ErrorOf(R"({"exempt": [{"pod": "p", "label": "x"}]})"),
            "line 1, column 35: exempt[0].label: unknown key (an exemption matches "
            "\"namespace\", \"pod\" and \"container\")");
}

TEST(PolicyTest, WrongTypes) {
  struct Case {
    const char* text;
    const char* member;
    const char* what;
  };
  const Case cases[] = {
      {R"({"mode": 1})", "mode", "expected string, got number"},
      {R"({"mode": null})", "mode", "expected string, got null"},
      {R"({"log": "syslog"})", "log", "expected object, got string"},
      {R"({"log": {"syslog": "yes"}})", "log.syslog", "expected boolean, got string"},
      {R"({"readonly_paths": "/proc/sys"})", "readonly_paths", "expected array, got string"},
      {R"({"readonly_paths": ["/a", 7]})", "readonly_paths[1]", "expected string, got number"},
      {R"({"writable_paths": {"/tmp": "1g"}})", "writable_paths", "expected array, got object"},
      {R"({"writable_paths": [true]})", "writable_paths[0]",
       "expected string or object, got boolean"},
      {R"({"writable_paths": [{"path": 5}]})", "writable_paths[0].path",
       "expected string, got number"},
      {R"({"writable_paths": [{"path": "/t", "size": 64}]})", "writable_paths[0].size",
       "expected string, got number"},
      {R"({"exempt": {"namespace": "a"}})", "exempt", "expected array, got object"},
      {R"({"exempt": ["kube-system"]})", "exempt[0]", "expected object, got string"},
      {R"({"exempt": [{"namespace": ["a"]}]})", "exempt[0].namespace",
       "expected string, got array"},
  };
  for (const Case& c : cases) {
    EXPECT_TRUE(ReportsMember(c.text, c.member));
    EXPECT_NE(ErrorOf(c.text).find(std::string(c.member) + ": " + c.what), std::string::npos)
        << ErrorOf(c.text);
  }
}

TEST(PolicyTest, BadMode) {
  for (const char* mode : {"", "Enforce", "AUDIT", "permissive", "enforce "}) {
    const std::string text = std::string(R"({"mode": ")") + mode + "\"}";
    EXPECT_TRUE(ReportsMember(text, "mode"));
    EXPECT_NE(ErrorOf(text).find("must be \"enforce\" or \"audit\""), std::string::npos);
  }
}

TEST(PolicyTest, LogFileMustBeAbsolute) {
  EXPECT_EQ(ErrorOf(R"({"log": {"file": "violations.log"}})"),
            "line 1, column 18: log.file: must be an absolute path or \"\"");
}

TEST(PolicyTest, ContainerPathsMustBeAbsoluteAndNotRoot) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"readonly_paths": ["proc/sys"]})", "readonly_paths[0]: must be an absolute path"},
      {R"({"readonly_paths": [""]})", "readonly_paths[0]: must be an absolute path"},
      {R"({"readonly_paths": ["./proc"]})", "readonly_paths[0]: must be an absolute path"},
      {R"({"readonly_paths": ["//"]})", "readonly_paths[0]: must not be \"/\""},
      {R"({"readonly_paths": ["/proc/.."]})", "readonly_paths[0]: must not be \"/\""},
      {R"({"readonly_paths": ["/a\u0000b"]})", "readonly_paths[0]: contains a NUL byte"},
      {R"({"writable_paths": ["tmp"]})", "writable_paths[0]: must be an absolute path"},
      {R"({"writable_paths": ["/"]})", "writable_paths[0]: must not be \"/\""},
      {R"({"writable_paths": [{"path": "/./"}]})", "writable_paths[0].path: must not be \"/\""},
      {R"({"writable_paths": [{"path": "var/tmp"}]})",
       "writable_paths[0].path: must be an absolute path"},
  };
  for (const auto& [text, tail] : cases) {
    const std::string message = ErrorOf(text);
    EXPECT_EQ(message.rfind("line 1, column ", 0), 0u) << message;
    EXPECT_TRUE(message.ends_with(tail)) << message;
  }
}

TEST(PolicyTest, TmpfsSizes) {
  for (const char* good :
       {"1", "64m", "64M", "1g", "1G", "4096k", "4096K", "10%", "100%", "123456789012345"}) {
    auto p = ParsePolicy(std::string(R"({"writable_paths": [{"path": "/t", "size": ")") + good +
                         "\"}]}");
    ASSERT_TRUE(p.ok()) << good << ": " << p.error().ToString();
    EXPECT_EQ(p->writable_paths[0].size, good);
  }
  for (const char* bad : {"", "m", "%", "64mb", "64 m", " 64m", "-1", "+1", "1.5g", "0x10", "1t",
                          "64m,nr_inodes=1", "1234567890123456", "1e3", "0", "0m", "000%"}) {
    const std::string text =
        std::string(R"({"writable_paths": [{"path": "/t", "size": ")") + bad + "\"}]}";
    EXPECT_TRUE(ReportsMember(text, "writable_paths[0].size"));
    EXPECT_NE(ErrorOf(text).find("must be a tmpfs size like \"64m\""), std::string::npos) << bad;
  }
}

TEST(PolicyTest, WritablePathObjectWithoutPath) {
  EXPECT_TRUE(ReportsMember(R"({"writable_paths": [{}]})", "writable_paths[0]"));
  EXPECT_EQ(ErrorOf(R"({"writable_paths": [{"size": "1g"}]})"),
            "line 1, column 21: writable_paths[0]: needs a \"path\"");
}

TEST(PolicyTest, ExemptEntries) {
  EXPECT_EQ(ErrorOf(R"({"exempt": [{}]})"),
            "line 1, column 13: exempt[0]: an exemption needs \"namespace\", \"pod\" or "
            "\"container\"");
  EXPECT_EQ(ErrorOf(R"({"exempt": [{"namespace": ""}]})"),
            "line 1, column 27: exempt[0].namespace: must not be empty");
  EXPECT_TRUE(
      ReportsMember(R"({"exempt": [{"pod": "p"}, {"container": ""}]})", "exempt[1].container"));
  EXPECT_TRUE(ReportsMember(R"({"exempt": [{"namespace": "a", "uid": "0"}]})", "exempt[0].uid"));
}

TEST(PolicyTest, SyntaxErrors) {
  for (const char* bad : {"", "{", "{\"mode\": \"audit\",}", "{\"mode\" \"audit\"}",
                          "{\"mode\": 'audit'}", "{} {}", "/* unterminated {}"}) {
    const std::string message = ErrorOf(bad);
    EXPECT_EQ(message.rfind("line ", 0), 0u) << bad << " -> " << message;
  }
  EXPECT_NE(ErrorOf(R"({"mode": "audit", "mode": "enforce"})").find("duplicate key \"mode\""),
            std::string::npos);
}

TEST(PolicyTest, SizeLimit) {
  std::string text = "{\"readonly_paths\": [\"/" + std::string(2 << 20, 'a') + "\"]}";
  EXPECT_NE(ErrorOf(text).find("over the limit"), std::string::npos);
}

}  // namespace
}  // namespace oci_immutable
