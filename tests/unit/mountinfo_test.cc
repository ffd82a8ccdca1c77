#include "mount/mountinfo.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace oci_immutable {
namespace {

// A container's /proc/self/mountinfo as the kernel writes it: optional
// fields (none, one or several), escaped white space, per-mount and super
// block options.
constexpr char kMountinfo[] =
    "1021 950 0:112 / / ro,relatime master:310 - overlay overlay "
    "rw,lowerdir=/var/lib/containerd/l/1:/var/lib/containerd/l/2,upperdir=/u,workdir=/w\n"
    "1022 1021 0:115 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
    "1023 1021 0:116 / /dev rw,nosuid shared:5 master:3 - tmpfs tmpfs rw,size=65536k,mode=755\n"
    "1024 1023 0:117 / /dev/pts rw,nosuid,noexec,relatime - devpts devpts "
    "rw,gid=5,mode=620,ptmxmode=666\n"
    "1030 1021 8:1 /var/lib/kubelet/pods/uid/volumes/my\\040data /mnt/my\\040data "
    "rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro\n"
    "1031 1021 0:118 / /mnt/odd\\011name\\012here\\134x rom,nosuid - tmpfs my\\040tmp rw\n"
    "1040 1022 0:115 /sys /proc/sys ro,nosuid,nodev,noexec,relatime - proc proc rw\n";

TEST(ParseMountinfoTest, RealisticTable) {
  auto mounts = ParseMountinfo(kMountinfo);
  ASSERT_TRUE(mounts.ok()) << mounts.error().ToString();
  ASSERT_EQ(mounts->size(), 7u);

  const MountEntry& root = (*mounts)[0];
  EXPECT_EQ(root.id, 1021);
  EXPECT_EQ(root.parent_id, 950);
  EXPECT_EQ(root.root, "/");
  EXPECT_EQ(root.target, "/");
  EXPECT_EQ(root.fstype, "overlay");
  EXPECT_EQ(root.source, "overlay");
  EXPECT_EQ(root.vfs_options, "ro,relatime");
  EXPECT_EQ(root.fs_options,
            "rw,lowerdir=/var/lib/containerd/l/1:/var/lib/containerd/l/2,upperdir=/u,workdir=/w");
  EXPECT_EQ(root.optional_fields, "master:310");
  EXPECT_TRUE(root.read_only());

  const MountEntry& proc = (*mounts)[1];
  EXPECT_EQ(proc.target, "/proc");
  EXPECT_EQ(proc.fstype, "proc");
  EXPECT_EQ(proc.optional_fields, "");
  EXPECT_FALSE(proc.read_only());

  const MountEntry& dev = (*mounts)[2];
  EXPECT_EQ(dev.optional_fields, "shared:5 master:3");
  EXPECT_EQ(dev.fs_options, "rw,size=65536k,mode=755");

  const MountEntry& proc_sys = (*mounts)[6];
  EXPECT_EQ(proc_sys.id, 1040);
  EXPECT_EQ(proc_sys.parent_id, 1022);
  EXPECT_EQ(proc_sys.root, "/sys");
  EXPECT_EQ(proc_sys.target, "/proc/sys");
  EXPECT_TRUE(proc_sys.read_only());
}

TEST(ParseMountinfoTest, EscapedWhiteSpaceIsDecoded) {
  auto mounts = ParseMountinfo(kMountinfo);
  ASSERT_TRUE(mounts.ok()) << mounts.error().ToString();
  const MountEntry& volume = (*mounts)[4];
  EXPECT_EQ(volume.root, "/var/lib/kubelet/pods/uid/volumes/my data");
  EXPECT_EQ(volume.target, "/mnt/my data");
  EXPECT_EQ(volume.source, "/dev/sda1");
  const MountEntry& odd = (*mounts)[5];
  EXPECT_EQ(odd.target, "/mnt/odd\tname\nhere\\x");
  EXPECT_EQ(odd.source, "my tmp");
}

TEST(ParseMountinfoTest, ReadOnlyIsThePerMountFlag) {
  // "rom" is not "ro"; super block "ro" is not the mount's flag.
  auto mounts = ParseMountinfo(
      "30 1 0:40 / /a rom,nosuid - tmpfs t rw\n"
      "31 1 0:41 / /b rw,nosuid - ext4 /dev/sdb ro\n"
      "32 1 0:42 / /c nosuid,ro - tmpfs t rw\n");
  ASSERT_TRUE(mounts.ok()) << mounts.error().ToString();
  ASSERT_EQ(mounts->size(), 3u);
  EXPECT_FALSE((*mounts)[0].read_only());
  EXPECT_FALSE((*mounts)[1].read_only());
  EXPECT_TRUE((*mounts)[2].read_only());
}

TEST(ParseMountinfoTest, LastLineWithoutNewline) {
  auto mounts = ParseMountinfo("22 1 8:1 / / rw - ext4 /dev/sda1 rw");
  ASSERT_TRUE(mounts.ok()) << mounts.error().ToString();
  ASSERT_EQ(mounts->size(), 1u);
  EXPECT_EQ((*mounts)[0].fs_options, "rw");
}

TEST(ParseMountinfoTest, EmptyText) {
  auto mounts = ParseMountinfo("");
  ASSERT_TRUE(mounts.ok()) << mounts.error().ToString();
  EXPECT_TRUE(mounts->empty());
  auto blank = ParseMountinfo("\n\n");
  ASSERT_TRUE(blank.ok()) << blank.error().ToString();
  EXPECT_TRUE(blank->empty());
}

TEST(ParseMountinfoTest, MalformedLineNamesItsNumber) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"22 1 8:1 / / rw - ext4\n", "mountinfo: malformed line 1"},
      {"22 1 8:1 / / rw shared:1 ext4 /dev/sda1 rw\n", "mountinfo: malformed line 1"},
      {"x 1 8:1 / / rw - ext4 /dev/sda1 rw\n", "mountinfo: malformed line 1"},
      {"22 1 8:1 / / rw - ext4 /dev/sda1 rw\n23 22 0:21 / /proc\n", "mountinfo: malformed line 2"},
      {"22 1 8:1 / / rw - ext4 /dev/sda1 rw\n23 22 0:21 / /proc rw - proc proc rw\nxx yy\n",
       "mountinfo: malformed line 3"},
      // A mount table in another format after a mountinfo line.
      {"22 1 8:1 / / rw - ext4 /dev/sda1 rw\n/dev/sdb1 /mnt ext4 rw 0 0\n",
       "mountinfo: malformed line 2"},
  };
  for (const Case& c : cases) {
    auto mounts = ParseMountinfo(c.text);
    ASSERT_FALSE(mounts.ok()) << c.text;
    EXPECT_EQ(mounts.error().message(), c.message) << c.text;
  }
}

TEST(ParseMountinfoTest, OtherTableFormatsRejected) {
  for (const char* text : {
           "# /etc/fstab\nUUID=1234 / ext4 defaults 0 1\n/dev/sdb1 /home ext4 rw,nosuid 0 2\n",
           "UUID=1234 / ext4 defaults 0 1\n",
           "/dev/sda1 / ext4 rw,relatime 0 0\nproc /proc proc rw,nosuid 0 0\n",  // /proc/mounts
       }) {
    auto mounts = ParseMountinfo(text);
    ASSERT_FALSE(mounts.ok()) << text;
    EXPECT_EQ(mounts.error().message(), "mountinfo: not in mountinfo format");
  }
}

TEST(ParseMountinfoTest, ZeroMountIdRejected) {
  EXPECT_FALSE(ParseMountinfo("0 1 8:1 / / rw - ext4 /dev/sda1 rw\n").ok());
}

TEST(FindMountByIdTest, FindsEntries) {
  auto mounts = ParseMountinfo(kMountinfo);
  ASSERT_TRUE(mounts.ok()) << mounts.error().ToString();
  const MountEntry* m = FindMountById(*mounts, 1023);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->target, "/dev");
  m = FindMountById(*mounts, 1040);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->target, "/proc/sys");
  EXPECT_EQ(FindMountById(*mounts, 950), nullptr);  // a parent outside the table
  EXPECT_EQ(FindMountById(*mounts, 0), nullptr);
  EXPECT_EQ(FindMountById(*mounts, -1), nullptr);
  EXPECT_EQ(FindMountById({}, 1021), nullptr);
}

TEST(HasOptionTest, Exact) {
  EXPECT_TRUE(HasOption("ro", "ro"));
  EXPECT_TRUE(HasOption("ro,nosuid", "ro"));
  EXPECT_TRUE(HasOption("nosuid,ro", "ro"));
  EXPECT_TRUE(HasOption("nosuid,ro,nodev", "ro"));
  EXPECT_FALSE(HasOption("rom", "ro"));
  EXPECT_FALSE(HasOption("rom,nosuid", "ro"));
  EXPECT_FALSE(HasOption("nosuid,aro", "ro"));
  EXPECT_FALSE(HasOption("r", "ro"));
  EXPECT_FALSE(HasOption("rw,relatime", "ro"));
  EXPECT_FALSE(HasOption("", "ro"));
  EXPECT_FALSE(HasOption("RO", "ro"));
  EXPECT_TRUE(HasOption("rw,size=65536k,mode=755", "size=65536k"));
  EXPECT_FALSE(HasOption("rw,size=65536k", "size"));
}

}  // namespace
}  // namespace oci_immutable
