#include "hook/cli.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace oci_immutable {
namespace {

using Args = std::vector<std::string_view>;
using Action = HookArgs::Action;

HookArgs MustParse(const Args& args) {
  auto parsed = ParseHookArgs(args);
  EXPECT_TRUE(parsed.ok()) << parsed.error().ToString();
  return parsed.ok() ? *parsed : HookArgs{};
}

std::string ErrorOf(const Args& args) {
  auto parsed = ParseHookArgs(args);
  return parsed.ok() ? "<ok>" : parsed.error().message();
}

TEST(ParseHookArgsTest, DefaultIsPrestart) {
  HookArgs a = MustParse({});
  EXPECT_EQ(a.action, Action::kRun);
  EXPECT_EQ(a.stage, Stage::kPrestart);
  EXPECT_FALSE(a.config.has_value());
  EXPECT_EQ(a.check_file, "");
}

TEST(ParseHookArgsTest, EachStage) {
  EXPECT_EQ(MustParse({"prestart"}).stage, Stage::kPrestart);
  EXPECT_EQ(MustParse({"createRuntime"}).stage, Stage::kCreateRuntime);
  EXPECT_EQ(MustParse({"createContainer"}).stage, Stage::kCreateContainer);
  EXPECT_EQ(MustParse({"createContainer"}).action, Action::kRun);
}

TEST(ParseHookArgsTest, StageNamesRoundTrip) {
  for (Stage s : {Stage::kPrestart, Stage::kCreateRuntime, Stage::kCreateContainer}) {
    EXPECT_EQ(ParseStage(StageName(s)), s);
  }
  EXPECT_TRUE(RunsInRuntimeNamespace(Stage::kPrestart));
  EXPECT_TRUE(RunsInRuntimeNamespace(Stage::kCreateRuntime));
  EXPECT_FALSE(RunsInRuntimeNamespace(Stage::kCreateContainer));
}

TEST(ParseHookArgsTest, ConfigAsSeparateArgument) {
  HookArgs a = MustParse({"--config", "/etc/oci-immutable/strict.json", "createRuntime"});
  EXPECT_EQ(a.action, Action::kRun);
  EXPECT_EQ(a.config, "/etc/oci-immutable/strict.json");
  EXPECT_EQ(a.stage, Stage::kCreateRuntime);
}

TEST(ParseHookArgsTest, ConfigWithEquals) {
  HookArgs a = MustParse({"createContainer", "--config=/etc/p.json"});
  EXPECT_EQ(a.config, "/etc/p.json");
  EXPECT_EQ(a.stage, Stage::kCreateContainer);
  EXPECT_EQ(MustParse({"--config=rel/p=1.json"}).config, "rel/p=1.json");
}

TEST(ParseHookArgsTest, LastConfigWins) {
  EXPECT_EQ(MustParse({"--config", "/a.json", "--config=/b.json"}).config, "/b.json");
}

TEST(ParseHookArgsTest, ConfigWithoutFile) {
  EXPECT_EQ(ErrorOf({"--config"}), "--config needs a FILE");
  EXPECT_EQ(ErrorOf({"prestart", "--config"}), "--config needs a FILE");
  EXPECT_EQ(ErrorOf({"--config="}), "--config needs a FILE");
  EXPECT_EQ(ErrorOf({"--config", ""}), "--config needs a FILE");
}

TEST(ParseHookArgsTest, CheckConfig) {
  HookArgs a = MustParse({"--check-config", "/etc/oci-immutable/policy.json"});
  EXPECT_EQ(a.action, Action::kCheckConfig);
  EXPECT_EQ(a.check_file, "/etc/oci-immutable/policy.json");
  EXPECT_FALSE(a.config.has_value());
  HookArgs b = MustParse({"--check-config=policy.json"});
  EXPECT_EQ(b.action, Action::kCheckConfig);
  EXPECT_EQ(b.check_file, "policy.json");
}

TEST(ParseHookArgsTest, CheckConfigWithoutFile) {
  EXPECT_EQ(ErrorOf({"--check-config"}), "--check-config needs a FILE");
  EXPECT_EQ(ErrorOf({"--check-config="}), "--check-config needs a FILE");
}

TEST(ParseHookArgsTest, CheckConfigTakesNoStageOrConfig) {
  const std::string message = "--check-config takes no stage and no --config";
  EXPECT_EQ(ErrorOf({"--check-config", "/p.json", "prestart"}), message);
  EXPECT_EQ(ErrorOf({"createRuntime", "--check-config", "/p.json"}), message);
  EXPECT_EQ(ErrorOf({"--check-config", "/p.json", "--config", "/q.json"}), message);
  EXPECT_EQ(ErrorOf({"--config=/q.json", "--check-config=/p.json"}), message);
}

TEST(ParseHookArgsTest, HelpAndVersion) {
  EXPECT_EQ(MustParse({"--help"}).action, Action::kHelp);
  EXPECT_EQ(MustParse({"-h"}).action, Action::kHelp);
  EXPECT_EQ(MustParse({"--version"}).action, Action::kVersion);
  // They win over whatever follows.
  EXPECT_EQ(MustParse({"prestart", "--help", "bogus"}).action, Action::kHelp);
  EXPECT_EQ(MustParse({"--version", "--bogus"}).action, Action::kVersion);
}

TEST(ParseHookArgsTest, UnknownStage) {
  EXPECT_EQ(ErrorOf({"poststart"}), "unknown stage \"poststart\"");
  EXPECT_EQ(ErrorOf({"Prestart"}), "unknown stage \"Prestart\"");
  EXPECT_EQ(ErrorOf({"createruntime"}), "unknown stage \"createruntime\"");
  EXPECT_EQ(ErrorOf({""}), "unknown stage \"\"");
}

TEST(ParseHookArgsTest, UnknownOption) {
  EXPECT_EQ(ErrorOf({"--stage=prestart"}), "unknown option --stage=prestart");
  EXPECT_EQ(ErrorOf({"-c", "/p.json"}), "unknown option -c");
  EXPECT_EQ(ErrorOf({"--configfile", "/p.json"}), "unknown option --configfile");
  EXPECT_EQ(ErrorOf({"--check"}), "unknown option --check");
  EXPECT_EQ(ErrorOf({"-"}), "unknown option -");
  EXPECT_EQ(ErrorOf({"--"}), "unknown option --");
}

TEST(ParseHookArgsTest, TwoStages) {
  EXPECT_EQ(ErrorOf({"prestart", "createRuntime"}), "more than one stage given");
  EXPECT_EQ(ErrorOf({"prestart", "prestart"}), "more than one stage given");
  EXPECT_EQ(ErrorOf({"createContainer", "--config", "/p.json", "createRuntime"}),
            "more than one stage given");
}

TEST(ParseHookArgsTest, UsageMentionsEveryForm) {
  const std::string usage = kHookUsage;
  for (const char* word : {"--config FILE", "--check-config FILE", "--help", "--version",
                           "prestart", "createRuntime", "createContainer"}) {
    EXPECT_NE(usage.find(word), std::string::npos) << word;
  }
}

}  // namespace
}  // namespace oci_immutable
