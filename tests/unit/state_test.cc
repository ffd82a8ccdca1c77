#include "oci/state.h"

#include <gtest/gtest.h>

#include <string>

namespace oci_immutable {
namespace {

// What runc writes on a hook's stdin (libcontainer's specs.State).
constexpr char kRuncState[] = R"({
  "ociVersion": "1.2.0",
  "id": "3f4b1c9e2a7d",
  "status": "created",
  "pid": 41235,
  "bundle": "/run/containerd/io.containerd.runtime.v2.task/k8s.io/3f4b1c9e2a7d",
  "annotations": {
    "io.kubernetes.cri.container-type": "container",
    "io.kubernetes.cri.sandbox-namespace": "default"
  }
})";

// crun: "ociVersion" "1.0" and a "root" member the spec does not define.
constexpr char kCrunState[] =
    R"({"ociVersion":"1.0","id":"web","pid":7,"root":"/run/crun","bundle":"/var/lib/ctr/web",)"
    R"("status":"creating"})";

// Podman (through conmon and crun): annotations from podman run --annotation.
constexpr char kPodmanState[] = R"({
  "ociVersion": "1.0.2-dev",
  "id": "9d2c0a8f5e61b7c4d3a2f1e0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0",
  "status": "created",
  "pid": 998877,
  "bundle": "/var/lib/containers/storage/overlay-containers/9d2c/userdata",
  "annotations": {
    "io.container.manager": "libpod",
    "io.podman.annotations.autoremove": "FALSE",
    "org.opencontainers.image.stopSignal": "15",
    "com.example.note": "a \"quoted\" value"
  }
})";

TEST(StateTest, RuncShaped) {
  auto s = ParseState(kRuncState);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->oci_version, "1.2.0");
  EXPECT_EQ(s->id, "3f4b1c9e2a7d");
  EXPECT_EQ(s->status, "created");
  EXPECT_EQ(s->pid, 41235);
  EXPECT_EQ(s->bundle, "/run/containerd/io.containerd.runtime.v2.task/k8s.io/3f4b1c9e2a7d");
  ASSERT_EQ(s->annotations.size(), 2u);
  EXPECT_EQ(s->annotations.at("io.kubernetes.cri.sandbox-namespace"), "default");
}

TEST(StateTest, CrunShapedIgnoresRootKey) {
  auto s = ParseState(kCrunState);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->oci_version, "1.0");
  EXPECT_EQ(s->id, "web");
  EXPECT_EQ(s->status, "creating");
  EXPECT_EQ(s->pid, 7);
  EXPECT_EQ(s->bundle, "/var/lib/ctr/web");
  EXPECT_TRUE(s->annotations.empty());
}

TEST(StateTest, PodmanShapedWithAnnotations) {
  auto s = ParseState(kPodmanState);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->id.size(), 64u);
  EXPECT_EQ(s->pid, 998877);
  ASSERT_EQ(s->annotations.size(), 4u);
  EXPECT_EQ(s->annotations.at("io.container.manager"), "libpod");
  EXPECT_EQ(s->annotations.at("com.example.note"), "a \"quoted\" value");
}

TEST(StateTest, MinimalStateDefaults) {
  auto s = ParseState(R"({"id":"c","bundle":"/b"})");
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->oci_version, "");
  EXPECT_EQ(s->status, "");
  EXPECT_EQ(s->pid, -1);
  EXPECT_TRUE(s->annotations.empty());
}

TEST(StateTest, NullMembersCountAsAbsent) {
  auto s = ParseState(R"({"id":"c","bundle":"/b","pid":null,"annotations":null})");
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->pid, -1);
}

TEST(StateTest, PidZeroAndMaxAccepted) {
  auto zero = ParseState(R"({"id":"c","bundle":"/b","pid":0})");
  ASSERT_TRUE(zero.ok()) << zero.error().ToString();
  EXPECT_EQ(zero->pid, 0);
  auto max = ParseState(R"({"id":"c","bundle":"/b","pid":2147483647})");
  ASSERT_TRUE(max.ok()) << max.error().ToString();
  EXPECT_EQ(max->pid, 2147483647);
}

TEST(StateTest, MalformedJson) {
  for (const char* bad : {"", "{", R"({"id":"c","bundle":"/b")", R"({"id":"c",})",
                          R"({"id":"c" "bundle":"/b"})", "{'id':'c'}", "nul"}) {
    auto s = ParseState(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().message().rfind("state: line ", 0), 0u) << s.error().message();
  }
}

TEST(StateTest, TruncatedRuncState) {
  const std::string full = kRuncState;
  for (size_t len : {full.size() / 4, full.size() / 2, full.size() - 2}) {
    EXPECT_FALSE(ParseState(full.substr(0, len)).ok()) << len;
  }
}

TEST(StateTest, NotAnObject) {
  for (const char* text : {"[]", "\"state\"", "42", "null", "true"}) {
    auto s = ParseState(text);
    ASSERT_FALSE(s.ok()) << text;
    EXPECT_EQ(s.error().message().rfind("state: expected object, got ", 0), 0u)
        << s.error().message();
  }
  EXPECT_EQ(ParseState("[]").error().message(), "state: expected object, got array");
}

TEST(StateTest, WrongTypesNameTheMember) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {R"({"id":7,"bundle":"/b"})", "state.id: expected string, got number"},
      {R"({"id":"c","bundle":["/b"]})", "state.bundle: expected string, got array"},
      {R"({"id":"c","bundle":"/b","pid":"42"})", "state.pid: expected number, got string"},
      {R"({"id":"c","bundle":"/b","pid":4.5})", "state.pid: expected an integer, got 4.5"},
      {R"({"id":"c","bundle":"/b","status":false})", "state.status: expected string, got boolean"},
      {R"({"id":"c","bundle":"/b","ociVersion":1})",
       "state.ociVersion: expected string, got number"},
      {R"({"id":"c","bundle":"/b","annotations":[]})",
       "state.annotations: expected object, got array"},
      {R"({"id":"c","bundle":"/b","annotations":{"k":1}})",
       "state.annotations.k: expected string, got number"},
  };
  for (const Case& c : cases) {
    auto s = ParseState(c.text);
    ASSERT_FALSE(s.ok()) << c.text;
    EXPECT_EQ(s.error().message(), c.message);
  }
}

TEST(StateTest, MissingOrEmptyId) {
  for (const char* text :
       {R"({"bundle":"/b"})", R"({"id":"","bundle":"/b"})", R"({"id":null,"bundle":"/b"})"}) {
    auto s = ParseState(text);
    ASSERT_FALSE(s.ok()) << text;
    EXPECT_EQ(s.error().message(), "state: no container id");
  }
}

TEST(StateTest, BundleMustBeAbsolute) {
  for (const char* text :
       {R"({"id":"c"})", R"({"id":"c","bundle":""})", R"({"id":"c","bundle":"bundle"})",
        R"({"id":"c","bundle":"./b"})", R"({"id":"c","bundle":"../b"})"}) {
    auto s = ParseState(text);
    ASSERT_FALSE(s.ok()) << text;
    EXPECT_EQ(s.error().message(), "state: bundle must be an absolute path");
  }
}

TEST(StateTest, PidOutOfRange) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {R"({"id":"c","bundle":"/b","pid":-1})", "state.pid: -1 is not a process id"},
      {R"({"id":"c","bundle":"/b","pid":-2147483648})",
       "state.pid: -2147483648 is not a process id"},
      {R"({"id":"c","bundle":"/b","pid":2147483648})", "state.pid: 2147483648 is not a process id"},
      {R"({"id":"c","bundle":"/b","pid":9223372036854775807})",
       "state.pid: 9223372036854775807 is not a process id"},
  };
  for (const Case& c : cases) {
    auto s = ParseState(c.text);
    ASSERT_FALSE(s.ok()) << c.text;
    EXPECT_EQ(s.error().message(), c.message);
  }
  // Beyond int64: not even an integer.
  auto huge = ParseState(R"({"id":"c","bundle":"/b","pid":99999999999999999999})");
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().message(), "state.pid: expected an integer, got 99999999999999999999");
}

TEST(StateTest, DuplicateKeysRefused) {
  auto s = ParseState(R"({"id":"c","bundle":"/b","id":"d"})");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("duplicate key \"id\""), std::string::npos);
}

TEST(StateTest, LargeAnnotationsAcceptedUpToTheSpecLimit) {
  std::string text = R"({"id":"c","bundle":"/b","annotations":{"big":")";
  text += std::string(2 << 20, 'x');
  text += "\"}}";
  EXPECT_TRUE(ParseState(text).ok());
}

TEST(StateTest, SeventeenMebibytesRefused) {
  std::string text = R"({"id":"c","bundle":"/b","annotations":{"big":")";
  text += std::string(17 << 20, 'x');
  text += "\"}}";
  auto s = ParseState(text);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message().rfind("state: document of ", 0), 0u) << s.error().message();
  EXPECT_NE(s.error().message().find("over the limit"), std::string::npos);
}

TEST(StateTest, DeepNestingRefused) {
  std::string text = R"({"id":"c","bundle":"/b","x":)";
  text += std::string(100, '[') + std::string(100, ']') + "}";
  auto s = ParseState(text);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("nesting deeper than"), std::string::npos);
}

}  // namespace
}  // namespace oci_immutable
