#include "mount/verify.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace oci_immutable {
namespace {

using Kind = MountExpectation::Kind;

std::vector<MountEntry> Table() {
  auto mounts = ParseMountinfo(
      "1021 950 0:112 / /run/k8s/abc/rootfs ro,relatime - overlay overlay rw,upperdir=/u\n"
      "1022 1021 0:115 / /run/k8s/abc/rootfs/proc rw,nosuid,nodev,noexec - proc proc rw\n"
      "1040 1022 0:115 /sys /run/k8s/abc/rootfs/proc/sys ro,nosuid,nodev - proc proc rw\n"
      "1050 1021 0:120 / /run/k8s/abc/rootfs/tmp rw,nosuid,nodev - tmpfs tmpfs rw,size=65536k\n"
      "1051 1021 0:121 / /run/k8s/abc/rootfs/run ro,nosuid - tmpfs tmpfs rw,size=8m\n"
      "1052 1021 8:1 /data /run/k8s/abc/rootfs/var/cache rw,relatime - ext4 /dev/sda1 rw\n"
      "1053 1021 0:122 / /run/k8s/abc/rootfs/mnt rom,nosuid - tmpfs tmpfs rw\n");
  EXPECT_TRUE(mounts.ok()) << mounts.error().ToString();
  return mounts.ok() ? *mounts : std::vector<MountEntry>{};
}

std::string ErrorOf(const std::vector<MountExpectation>& expectations) {
  Status status = VerifyMounts(Table(), expectations);
  return status.ok() ? "<ok>" : status.error().message();
}

TEST(VerifyMountsTest, NothingExpected) {
  EXPECT_TRUE(VerifyMounts(Table(), {}).ok());
  EXPECT_TRUE(VerifyMounts({}, {}).ok());
}

TEST(VerifyMountsTest, ReadOnlyHolds) {
  EXPECT_EQ(ErrorOf({{"rootfs /run/k8s/abc/rootfs", 1021, Kind::kReadOnly},
                     {"/proc/sys", 1040, Kind::kReadOnly},
                     {"/run", 1051, Kind::kReadOnly}}),
            "<ok>");
}

TEST(VerifyMountsTest, WritableMountFailsReadOnly) {
  EXPECT_EQ(ErrorOf({{"/proc/sys", 1040, Kind::kReadOnly}, {"/proc", 1022, Kind::kReadOnly}}),
            "/proc: mount 1022 at /run/k8s/abc/rootfs/proc is still writable "
            "(rw,nosuid,nodev,noexec)");
}

TEST(VerifyMountsTest, RomIsNotReadOnly) {
  const std::string message = ErrorOf({{"/mnt", 1053, Kind::kReadOnly}});
  EXPECT_EQ(message, "/mnt: mount 1053 at /run/k8s/abc/rootfs/mnt is still writable (rom,nosuid)");
}

TEST(VerifyMountsTest, WritableTmpfsHolds) {
  EXPECT_EQ(ErrorOf({{"/tmp", 1050, Kind::kWritableTmpfs}}), "<ok>");
}

TEST(VerifyMountsTest, WritableTmpfsExpectationWithOtherFileSystem) {
  EXPECT_EQ(ErrorOf({{"/var/cache", 1052, Kind::kWritableTmpfs}}),
            "/var/cache: mount 1052 at /run/k8s/abc/rootfs/var/cache is ext4 (rw,relatime), "
            "not a writable tmpfs");
}

TEST(VerifyMountsTest, WritableTmpfsExpectationWithReadOnlyTmpfs) {
  EXPECT_EQ(ErrorOf({{"/run", 1051, Kind::kWritableTmpfs}}),
            "/run: mount 1051 at /run/k8s/abc/rootfs/run is tmpfs (ro,nosuid), "
            "not a writable tmpfs");
}

TEST(VerifyMountsTest, MissingMountId) {
  EXPECT_EQ(ErrorOf({{"/etc", 4242, Kind::kReadOnly}}),
            "/etc: mount 4242 is not in the mount table");
  EXPECT_EQ(ErrorOf({{"/tmp", 0, Kind::kWritableTmpfs}}),
            "/tmp: mount 0 is not in the mount table");
  Status status = VerifyMounts({}, {{"rootfs /r", 1021, Kind::kReadOnly}});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message(), "rootfs /r: mount 1021 is not in the mount table");
}

TEST(VerifyMountsTest, FirstFailureIsNamed) {
  const std::string message = ErrorOf({{"/proc/sys", 1040, Kind::kReadOnly},
                                       {"/tmp", 1050, Kind::kWritableTmpfs},
                                       {"/var/cache", 1052, Kind::kReadOnly},
                                       {"/etc", 4242, Kind::kReadOnly}});
  EXPECT_EQ(message.rfind("/var/cache: mount 1052 ", 0), 0u) << message;
}

TEST(VerifyMountsTest, SameMountMayServeSeveralPaths) {
  // Two protected paths inside one read-only bind mount share its id.
  EXPECT_EQ(
      ErrorOf({{"/proc/sys", 1040, Kind::kReadOnly}, {"/proc/sys/kernel", 1040, Kind::kReadOnly}}),
      "<ok>");
}

}  // namespace
}  // namespace oci_immutable
