#include "runtime/args.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace oci_immutable {
namespace {

Result<RuntimeCall> Parse(std::initializer_list<std::string_view> args) {
  return ParseRuntimeArgs(std::vector<std::string_view>(args));
}

// Parses args that must succeed.
RuntimeCall MustParse(std::initializer_list<std::string_view> args) {
  Result<RuntimeCall> call = Parse(args);
  EXPECT_TRUE(call.ok()) << call.error().ToString();
  return call.ok() ? *call : RuntimeCall{};
}

TEST(RuntimeArgsTest, ContainerdShimCreate) {
  // What containerd-shim-runc-v2 (go-runc) passes.
  RuntimeCall call = MustParse({"--root", "/run/containerd/runc/k8s.io", "--log",
                                "/run/containerd/io.containerd.runtime.v2.task/k8s.io/abc/log.json",
                                "--log-format", "json", "create", "--bundle",
                                "/run/containerd/io.containerd.runtime.v2.task/k8s.io/abc",
                                "--pid-file",
                                "/run/containerd/io.containerd.runtime.v2.task/k8s.io/abc/init.pid",
                                "abc"});
  EXPECT_EQ(call.command, "create");
  EXPECT_TRUE(call.SetsUpContainer());
  ASSERT_TRUE(call.bundle.has_value());
  EXPECT_EQ(*call.bundle, "/run/containerd/io.containerd.runtime.v2.task/k8s.io/abc");
  EXPECT_EQ(call.container_id, "abc");
}

TEST(RuntimeArgsTest, ShimFormShort) {
  RuntimeCall call = MustParse({"--root", "/run/x", "--log", "/b/log.json", "--log-format", "json",
                                "create", "--bundle", "/b", "--pid-file", "/b/pid", "ID"});
  EXPECT_EQ(call.command, "create");
  EXPECT_EQ(call.bundle, "/b");
  EXPECT_EQ(call.container_id, "ID");
}

TEST(RuntimeArgsTest, EveryBundleSpelling) {
  const std::vector<std::vector<std::string_view>> forms = {
      {"create", "-b", "/b", "ID"},        {"create", "-b=/b", "ID"},
      {"create", "--bundle=/b", "ID"},     {"create", "-bundle", "/b", "ID"},
      {"create", "--b", "/b", "ID"},       {"create", "--bundle", "/b", "ID"},
      {"create", "-bundle=/b", "ID"},      {"create", "--b=/b", "ID"},
      {"create", "ID", "--bundle", "/b"},  {"create", "ID", "-b", "/b"},
      {"run", "--detach", "--bundle", "/b", "ID"},
      {"run", "-d", "-b", "/b", "ID"},
  };
  for (const auto& args : forms) {
    std::string joined;
    for (std::string_view a : args) joined += std::string(a) + " ";
    Result<RuntimeCall> call = ParseRuntimeArgs(args);
    ASSERT_TRUE(call.ok()) << joined << call.error().ToString();
    EXPECT_TRUE(call->SetsUpContainer()) << joined;
    EXPECT_EQ(call->bundle, "/b") << joined;
    EXPECT_EQ(call->container_id, "ID") << joined;
  }
}

TEST(RuntimeArgsTest, RunDetach) {
  RuntimeCall call = MustParse({"run", "--detach", "--bundle", "/b", "ID"});
  EXPECT_EQ(call.command, "run");
  EXPECT_TRUE(call.SetsUpContainer());
  EXPECT_EQ(call.bundle, "/b");
  EXPECT_EQ(call.container_id, "ID");
}

TEST(RuntimeArgsTest, CrunStyleWithoutBundle) {
  RuntimeCall call = MustParse({"--root=/x", "--log-level", "debug", "run", "ID"});
  EXPECT_EQ(call.command, "run");
  EXPECT_TRUE(call.SetsUpContainer());
  EXPECT_EQ(call.bundle, std::nullopt);  // the runtime's default: the current directory
  EXPECT_EQ(call.container_id, "ID");
}

TEST(RuntimeArgsTest, CrunGlobalOptions) {
  RuntimeCall call = MustParse({"--cgroup-manager", "systemd", "--rootless", "false",
                                "--log=journald:crun", "create", "-b", "/b", "ID"});
  EXPECT_EQ(call.command, "create");
  EXPECT_EQ(call.bundle, "/b");
  EXPECT_EQ(call.container_id, "ID");
}

TEST(RuntimeArgsTest, BooleanGlobalOptions) {
  // --debug and --systemd-cgroup take no value: the next word is the command.
  RuntimeCall call = MustParse({"--debug", "--systemd-cgroup", "create", "-b", "/b", "ID"});
  EXPECT_EQ(call.command, "create");
  EXPECT_EQ(call.bundle, "/b");
  EXPECT_EQ(call.container_id, "ID");

  call = MustParse({"--systemd-cgroup", "--root", "/run/runc", "--debug", "run", "ID"});
  EXPECT_EQ(call.command, "run");
  EXPECT_EQ(call.bundle, std::nullopt);
  EXPECT_EQ(call.container_id, "ID");

  call = MustParse({"-debug", "-root", "/r", "-log-format=text", "create", "ID"});
  EXPECT_EQ(call.command, "create");
  EXPECT_EQ(call.container_id, "ID");
}

TEST(RuntimeArgsTest, ContainerIdAfterValueFlags) {
  const std::vector<std::vector<std::string_view>> forms = {
      {"create", "--pid-file", "F", "ID"},
      {"create", "--console-socket", "S", "ID"},
      {"create", "--preserve-fds", "3", "ID"},
      {"create", "--pidfd-socket", "P", "ID"},  // runc 1.2 and later
      {"create", "--pid-file", "F", "--console-socket", "S", "--preserve-fds", "3", "ID"},
      {"create", "--pid-file=F", "--console-socket=S", "--preserve-fds=3", "ID"},
      {"create", "-pid-file", "F", "-console-socket", "S", "ID"},
      {"run", "--no-pivot", "--no-new-keyring", "--keep", "--pid-file", "F", "ID"},
      {"create", "--no-pivot", "ID", "--pid-file", "F"},
  };
  for (const auto& args : forms) {
    std::string joined;
    for (std::string_view a : args) joined += std::string(a) + " ";
    Result<RuntimeCall> call = ParseRuntimeArgs(args);
    ASSERT_TRUE(call.ok()) << joined << call.error().ToString();
    EXPECT_EQ(call->container_id, "ID") << joined;
    EXPECT_EQ(call->bundle, std::nullopt) << joined;
  }
}

TEST(RuntimeArgsTest, ValueFlagsAndBundleTogether) {
  RuntimeCall call = MustParse({"create", "--console-socket", "/tmp/pty.sock", "--bundle", "/b",
                                "--preserve-fds", "3", "--pid-file", "/b/pid", "ID"});
  EXPECT_EQ(call.bundle, "/b");
  EXPECT_EQ(call.container_id, "ID");
}

TEST(RuntimeArgsTest, OtherCommandsAreNotRewritten) {
  const std::vector<std::vector<std::string_view>> forms = {
      {"state", "ID"},
      {"delete", "-f", "ID"},
      {"delete", "--force", "ID"},
      {"start", "ID"},
      {"kill", "ID", "9"},
      {"kill", "--all", "ID", "KILL"},
      {"exec", "--process", "/tmp/p.json", "-d", "ID"},
      {"exec", "-b", "/b", "ID", "sh"},  // not create or run: the bundle is not read
      {"--root", "/run/x", "start", "ID"},
      {"features"},
      {"spec", "--bundle", "/b"},
      {"--version"},
      {"-v"},
      {"--help"},
      {"--root", "/run/x"},  // only global options
  };
  for (const auto& args : forms) {
    std::string joined;
    for (std::string_view a : args) joined += std::string(a) + " ";
    Result<RuntimeCall> call = ParseRuntimeArgs(args);
    ASSERT_TRUE(call.ok()) << joined << call.error().ToString();
    EXPECT_FALSE(call->SetsUpContainer()) << joined;
    EXPECT_EQ(call->bundle, std::nullopt) << joined;
  }
  RuntimeCall call = MustParse({"delete", "-f", "ID"});
  EXPECT_EQ(call.command, "delete");
  call = MustParse({"--version"});
  EXPECT_EQ(call.command, "");
}

TEST(RuntimeArgsTest, NoArguments) {
  RuntimeCall call = MustParse({});
  EXPECT_EQ(call.command, "");
  EXPECT_FALSE(call.SetsUpContainer());
  EXPECT_EQ(call.bundle, std::nullopt);
  EXPECT_EQ(call.container_id, "");
}

TEST(RuntimeArgsTest, BundleWithoutValueIsAnError) {
  for (const auto& args : std::vector<std::vector<std::string_view>>{
           {"create", "ID", "-b"},
           {"create", "ID", "--bundle"},
           {"run", "ID", "-bundle"},
           {"create", "--bundle=", "ID"},
           {"create", "-b=", "ID"},
       }) {
    std::string joined;
    for (std::string_view a : args) joined += std::string(a) + " ";
    Result<RuntimeCall> call = ParseRuntimeArgs(args);
    ASSERT_FALSE(call.ok()) << joined;
    EXPECT_NE(call.error().message().find("needs a directory"), std::string::npos)
        << call.error().message();
  }
  // Only create and run read the bundle, so other commands pass through.
  EXPECT_TRUE(Parse({"exec", "ID", "-b"}).ok());
}

TEST(RuntimeArgsTest, DoubleDash) {
  // "--" ends the options: the next word is the container id, even if it
  // looks like an option, and nothing after it is read as one.
  RuntimeCall call = MustParse({"create", "--bundle", "/b", "--", "ID"});
  EXPECT_EQ(call.bundle, "/b");
  EXPECT_EQ(call.container_id, "ID");

  call = MustParse({"create", "--", "-b"});
  EXPECT_EQ(call.bundle, std::nullopt);
  EXPECT_EQ(call.container_id, "-b");

  call = MustParse({"run", "-b", "/b", "--", "ID", "--bundle", "/other"});
  EXPECT_EQ(call.bundle, "/b");
  EXPECT_EQ(call.container_id, "ID");

  call = MustParse({"create", "ID", "--", "other"});
  EXPECT_EQ(call.container_id, "ID");

  // Before the command, "--" ends the global options and the command
  // follows: runc (Go's flag package, then urfave/cli) and crun (argp) both
  // run create here, so the bundle must be rewritten.
  call = MustParse({"--root", "/r", "--", "create", "-b", "/b", "ID"});
  EXPECT_EQ(call.command, "create");
  EXPECT_TRUE(call.SetsUpContainer());
  EXPECT_EQ(call.bundle, "/b");
  EXPECT_EQ(call.container_id, "ID");

  call = MustParse({"--", "run", "ID"});
  EXPECT_EQ(call.command, "run");
  EXPECT_EQ(call.container_id, "ID");

  call = MustParse({"--debug", "--"});
  EXPECT_EQ(call.command, "");
  EXPECT_FALSE(call.SetsUpContainer());
}

TEST(RuntimeArgsTest, BundleValueMayLookLikeAnOption) {
  // A value-taking flag consumes the next word whatever it looks like.
  RuntimeCall call = MustParse({"create", "--bundle", "-weird", "ID"});
  EXPECT_EQ(call.bundle, "-weird");
  EXPECT_EQ(call.container_id, "ID");
  call = MustParse({"create", "--pid-file", "-b", "ID"});
  EXPECT_EQ(call.bundle, std::nullopt);
  EXPECT_EQ(call.container_id, "ID");
}

TEST(RuntimeArgsTest, LastBundleWins) {
  // Go's flag package and argp keep the last value given.
  RuntimeCall call = MustParse({"create", "-b", "/first", "--bundle=/second", "ID"});
  EXPECT_EQ(call.bundle, "/second");
}

TEST(RuntimeArgsTest, RelativeBundleKeptAsWritten) {
  RuntimeCall call = MustParse({"create", "-b", "rel/dir", "ID"});
  EXPECT_EQ(call.bundle, "rel/dir");
}

}  // namespace
}  // namespace oci_immutable

namespace oci_immutable {
namespace {

std::optional<std::string> BundleOf(std::initializer_list<std::string_view> args) {
  Result<RuntimeCall> call = ParseRuntimeArgs(std::vector<std::string_view>(args));
  EXPECT_TRUE(call.ok()) << call.error().ToString();
  return call.ok() ? call->bundle : std::nullopt;
}

TEST(RuntimeArgsCrunFormsTest, AttachedAndAbbreviatedBundle) {
  EXPECT_EQ(BundleOf({"run", "-b/b", "id"}), "/b");
  EXPECT_EQ(BundleOf({"run", "-db/b", "id"}), "/b");
  EXPECT_EQ(BundleOf({"run", "-db", "/b", "id"}), "/b");
  EXPECT_EQ(BundleOf({"run", "--bund=/b", "id"}), "/b");
  EXPECT_EQ(BundleOf({"run", "--bu", "/b", "id"}), "/b");
  EXPECT_EQ(BundleOf({"create", "--detach", "--bundle", "/b", "id"}), "/b");
}

TEST(RuntimeArgsCrunFormsTest, OtherConfigFileRefused) {
  for (auto args : {std::vector<std::string_view>{"run", "-f", "/b/alt.json", "id"},
                    std::vector<std::string_view>{"run", "--config", "/b/alt.json", "id"},
                    std::vector<std::string_view>{"run", "--config=/b/alt.json", "id"},
                    std::vector<std::string_view>{"create", "--conf", "/x", "id"},
                    std::vector<std::string_view>{"create", "-df/x", "id"}}) {
    Result<RuntimeCall> call = ParseRuntimeArgs(args);
    ASSERT_FALSE(call.ok()) << args[1];
    EXPECT_NE(call.error().message().find("not supported"), std::string::npos);
  }
}

TEST(RuntimeArgsCrunFormsTest, GoStyleLongOptionsStillWork) {
  Result<RuntimeCall> call = ParseRuntimeArgs(
      {"create", "-pid-file", "/p", "-console-socket", "/s", "-bundle", "/b", "id"});
  ASSERT_TRUE(call.ok()) << call.error().ToString();
  EXPECT_EQ(call->bundle, "/b");
  EXPECT_EQ(call->container_id, "id");
}

TEST(RuntimeArgsCrunFormsTest, GlobalLogOptions) {
  Result<RuntimeCall> call = ParseRuntimeArgs(
      {"--root", "/r", "--log", "/b/log.json", "--log-format=json", "delete", "id"});
  ASSERT_TRUE(call.ok());
  EXPECT_EQ(call->log_file, "/b/log.json");
  EXPECT_EQ(call->log_format, "json");
  EXPECT_EQ(call->command, "delete");
}

}  // namespace
}  // namespace oci_immutable
