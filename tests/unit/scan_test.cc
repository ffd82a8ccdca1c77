// `scan`: /proc status parsing, the verdict on hand-written mount tables,
// runtime state files, report rendering and the command line.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "hook/cli.h"
#include "json/json.h"
#include "mount/mountinfo.h"
#include "scan/assess.h"
#include "scan/mount_view.h"
#include "scan/report.h"
#include "scan/runtime_state.h"
#include "scan/status.h"

namespace oci_immutable {
namespace {

// ---------------------------------------------------------------- status

// A privileged container's init (CapEff with CAP_SYS_ADMIN, bit 21) under a
// seccomp filter.
constexpr char kPrivilegedStatus[] =
    "Name:\tsleep\n"
    "Umask:\t0022\n"
    "State:\tS (sleeping)\n"
    "Tgid:\t4242\n"
    "PPid:\t4230\n"
    "Kthread:\t0\n"
    "CapInh:\t0000000000000000\n"
    "CapPrm:\t000001ffffffffff\n"
    "CapEff:\t000001ffffffffff\n"
    "CapBnd:\t000001ffffffffff\n"
    "CapAmb:\t0000000000000000\n"
    "NoNewPrivs:\t0\n"
    "Seccomp:\t2\n"
    "Seccomp_filters:\t1\n"
    "Speculation_Store_Bypass:\tthread vulnerable\n";

// runc's default capabilities (AUDIT_WRITE, KILL, NET_BIND_SERVICE), no seccomp.
constexpr char kPlainStatus[] =
    "Name:\tsh\nPPid:\t1\nKthread:\t0\nCapEff:\t0000000020000420\n"
    "Seccomp:\t0\nSeccomp_filters:\t0\n";

ProcStatus MustParseStatus(std::string_view text) {
  auto s = ParseProcStatus(text);
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  return s.ok() ? *s : ProcStatus{};
}

TEST(ProcStatusTest, PrivilegedWithFilter) {
  ProcStatus s = MustParseStatus(kPrivilegedStatus);
  EXPECT_EQ(s.name, "sleep");
  EXPECT_EQ(s.ppid, 4230);
  EXPECT_EQ(s.kernel_thread, false);
  EXPECT_EQ(s.cap_effective, 0x1ffffffffffu);
  EXPECT_TRUE(s.privileged());
  EXPECT_EQ(s.seccomp, SeccompMode::kFilter);
  EXPECT_EQ(s.seccomp_filters, 1);
  EXPECT_TRUE(s.seccomp_filter_present());
}

TEST(ProcStatusTest, DefaultCapabilitiesAreNotPrivileged) {
  ProcStatus s = MustParseStatus(kPlainStatus);
  EXPECT_FALSE(s.privileged());
  EXPECT_TRUE(s.HasEffectiveCapability(5));   // CAP_KILL
  EXPECT_TRUE(s.HasEffectiveCapability(29));  // CAP_AUDIT_WRITE
  EXPECT_FALSE(s.HasEffectiveCapability(64));
  EXPECT_EQ(s.seccomp, SeccompMode::kDisabled);
  EXPECT_FALSE(s.seccomp_filter_present());
}

TEST(ProcStatusTest, OnlySysAdminMakesPrivileged) {
  EXPECT_TRUE(MustParseStatus("CapEff:\t0000000000200000\n").privileged());
  EXPECT_FALSE(MustParseStatus("CapEff:\tffffffffffdfffff\n").privileged());
}

TEST(ProcStatusTest, OlderKernelsWithoutFilterCount) {
  ProcStatus s = MustParseStatus("CapEff:\t0\nSeccomp:\t2\n");
  EXPECT_FALSE(s.seccomp_filters.has_value());
  EXPECT_FALSE(s.kernel_thread.has_value());
  EXPECT_TRUE(s.seccomp_filter_present());
  EXPECT_FALSE(MustParseStatus("CapEff:\t0\n").seccomp.has_value());
  EXPECT_FALSE(MustParseStatus("CapEff:\t0\nSeccomp:\t1\n").seccomp_filter_present());
  EXPECT_FALSE(
      MustParseStatus("CapEff:\t0\nSeccomp:\t2\nSeccomp_filters:\t0\n").seccomp_filter_present());
}

TEST(ProcStatusTest, Errors) {
  EXPECT_EQ(ParseProcStatus("Name:\tx\n").error().message(),
            "no CapEff line (not a /proc/PID/status)");
  EXPECT_EQ(ParseProcStatus("CapEff:\tzz\n").error().message(), "CapEff: malformed value \"zz\"");
  EXPECT_EQ(ParseProcStatus("CapEff:\t0\nSeccomp:\t3\n").error().message(),
            "Seccomp: unknown mode 3");
  EXPECT_EQ(ParseProcStatus("CapEff:\t0\nPPid:\t-\n").error().message(),
            "PPid: malformed value \"-\"");
}

TEST(ProcStatusTest, KernelThreads) {
  EXPECT_TRUE(IsKernelThread(MustParseStatus("Kthread:\t1\nPPid:\t2\nCapEff:\t0\n"), 25));
  EXPECT_FALSE(IsKernelThread(MustParseStatus("Kthread:\t0\nPPid:\t2\nCapEff:\t0\n"), 25));
  // Without the Kthread line: kthreadd and its children.
  EXPECT_TRUE(IsKernelThread(MustParseStatus("PPid:\t2\nCapEff:\t0\n"), 25));
  EXPECT_TRUE(IsKernelThread(MustParseStatus("PPid:\t0\nCapEff:\t0\n"), 2));
  EXPECT_FALSE(IsKernelThread(MustParseStatus("PPid:\t1\nCapEff:\t0\n"), 25));
}

TEST(ProcStatTest, StartTimeAfterOddCommandNames) {
  std::string fields;
  for (int i = 3; i <= 21; ++i) fields += " " + std::to_string(i);
  auto t = ParseStatStartTime("4242 (a) b (c)" + fields + " 97314 23 24\n");
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  EXPECT_EQ(*t, 97314u);
  EXPECT_FALSE(ParseStatStartTime("4242 (sh) S 1 2").ok());
  EXPECT_FALSE(ParseStatStartTime("garbage").ok());
}

// ---------------------------------------------------------------- assessment

const std::vector<std::string> kProtected = {"/proc/sys", "/proc/sysrq-trigger", "/proc/irq",
                                             "/proc/bus", "/proc/fs"};

ScanInput Input(std::string_view mountinfo, std::string_view status,
                const std::vector<std::string>& absent = {"/proc/sysrq-trigger"}) {
  ScanInput in;
  auto mounts = ParseMountinfo(mountinfo);
  EXPECT_TRUE(mounts.ok()) << mounts.error().ToString();
  if (mounts.ok()) in.mounts = *mounts;
  in.status = MustParseStatus(status);
  for (const std::string& p : kProtected) {
    bool present = std::find(absent.begin(), absent.end(), p) == absent.end();
    in.protected_paths.push_back(ProtectedPathInput{p, present});
  }
  return in;
}

Assessment MustAssess(const ScanInput& in) {
  auto a = Assess(in);
  EXPECT_TRUE(a.ok()) << a.error().ToString();
  return a.ok() ? *a : Assessment{};
}

std::vector<std::string> WritableTargets(const Assessment& a) {
  std::vector<std::string> out;
  for (const WritableMount& w : a.writable_mounts) out.push_back(w.kind + ":" + w.target);
  return out;
}

const ProtectedPathFacts* Path(const Assessment& a, std::string_view path) {
  for (const ProtectedPathFacts& p : a.protected_paths) {
    if (p.path == path) return &p;
  }
  return nullptr;
}

// runc, non-privileged, default spec: rw rootfs, the kernel paths bound
// read-only, files masked with /dev/null, a volume.
constexpr char kMaskedMountinfo[] =
    "65 43 254:0 /b/rootfs / rw,relatime - ext4 /dev/vda rw\n"
    "66 65 0:40 / /proc rw,relatime - proc proc rw\n"
    "67 65 0:41 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755\n"
    "68 67 0:42 / /dev/pts rw,nosuid,noexec,relatime - devpts devpts rw,gid=5,mode=620\n"
    "69 67 0:43 / /dev/shm rw,nosuid,nodev,noexec,relatime - tmpfs shm rw,size=65536k\n"
    "70 67 0:39 / /dev/mqueue rw,nosuid,nodev,noexec,relatime - mqueue mqueue rw\n"
    "71 65 0:44 / /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs ro\n"
    "72 71 0:45 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw,mode=755\n"
    "73 72 0:29 /c /sys/fs/cgroup/cpu ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,cpu\n"
    "82 65 254:0 /vol /data rw,relatime - ext4 /dev/vda rw\n"
    "44 66 0:40 /bus /proc/bus ro,relatime - proc proc rw\n"
    "45 66 0:40 /fs /proc/fs ro,relatime - proc proc rw\n"
    "46 66 0:40 /irq /proc/irq ro,relatime - proc proc rw\n"
    "47 66 0:40 /sys /proc/sys ro,relatime - proc proc rw\n"
    "48 66 0:46 / /proc/acpi ro,relatime - tmpfs tmpfs ro\n"
    "49 66 0:41 /null /proc/keys rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755\n"
    "50 66 0:6 /null /proc/timer_list rw,nosuid - devtmpfs devtmpfs rw\n";

TEST(AssessTest, NonPrivilegedWithMasksHasOnlyAWritableRootfs) {
  Assessment a = MustAssess(Input(kMaskedMountinfo, kPlainStatus));
  EXPECT_FALSE(a.immutable);
  EXPECT_EQ(a.reasons, std::vector<std::string>{"rootfs writable"});
  EXPECT_FALSE(a.rootfs.read_only);
  EXPECT_EQ(a.rootfs.mount_id, 65);
  EXPECT_EQ(a.rootfs.fstype, "ext4");
  ASSERT_EQ(a.protected_paths.size(), 5u);
  EXPECT_EQ(Path(a, "/proc/sys")->mount_id, 47);
  EXPECT_TRUE(Path(a, "/proc/sys")->read_only);
  EXPECT_TRUE(Path(a, "/proc/fs")->read_only);
  EXPECT_FALSE(a.privileged);
  // /proc itself and the /dev/null masks are not listed.
  EXPECT_EQ(WritableTargets(a), (std::vector<std::string>{"dev:/dev", "devpts:/dev/pts",
                                                          "shm:/dev/shm", "mqueue:/dev/mqueue",
                                                          "tmpfs:/sys/fs/cgroup", "volume:/data"}));
  EXPECT_TRUE(a.only_volumes_and_tmpfs);
}

TEST(AssessTest, MissingProtectedPathIsNotAReason) {
  // /proc/sysrq-trigger is absent; it would be served by the rw /proc.
  Assessment a = MustAssess(Input(kMaskedMountinfo, kPlainStatus));
  const ProtectedPathFacts* sysrq = Path(a, "/proc/sysrq-trigger");
  ASSERT_NE(sysrq, nullptr);
  EXPECT_FALSE(sysrq->present);
  EXPECT_FALSE(sysrq->read_only);
  EXPECT_EQ(sysrq->mount_id, 66);
  // When present, the same table makes it a reason.
  Assessment b = MustAssess(Input(kMaskedMountinfo, kPlainStatus, {}));
  EXPECT_EQ(b.reasons,
            (std::vector<std::string>{"rootfs writable", "/proc/sysrq-trigger writable"}));
}

// A privileged container: everything writable, nothing masked.
constexpr char kPrivilegedMountinfo[] =
    "100 90 254:0 /b/rootfs / rw,relatime - ext4 /dev/vda rw\n"
    "101 100 0:50 / /proc rw,relatime - proc proc rw\n"
    "102 100 0:51 / /dev rw,nosuid - tmpfs tmpfs rw,mode=755\n"
    "103 100 0:53 / /sys rw,nosuid,nodev,noexec,relatime - sysfs sysfs rw\n"
    "104 103 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n";

TEST(AssessTest, PlainPrivilegedContainer) {
  Assessment a = MustAssess(Input(kPrivilegedMountinfo, kPlainStatus));
  EXPECT_FALSE(a.immutable);
  EXPECT_EQ(a.reasons,
            (std::vector<std::string>{"rootfs writable", "/proc/sys writable", "/proc/irq writable",
                                      "/proc/bus writable", "/proc/fs writable"}));
  Assessment p = MustAssess(
      Input(kPrivilegedMountinfo, "CapEff:\t000001ffffffffff\nSeccomp:\t0\nSeccomp_filters:\t0\n"));
  EXPECT_TRUE(p.privileged);
  EXPECT_FALSE(p.seccomp_filter_present);
  EXPECT_EQ(p.reasons.back(), "privileged (CAP_SYS_ADMIN) without a seccomp filter");
  EXPECT_EQ(p.reasons.size(), 6u);
  EXPECT_EQ(WritableTargets(p),
            (std::vector<std::string>{"dev:/dev", "kernel:/sys", "kernel:/sys/fs/cgroup/cpu"}));
  EXPECT_FALSE(p.only_volumes_and_tmpfs);
}

// The hook at work on a privileged container: the rootfs mount made
// read-only, each kernel path bound read-only onto itself (the rw mount stays
// underneath), tmpfs for the policy's writable paths.
constexpr char kHookMountinfo[] =
    "100 90 254:0 /b/rootfs / ro,relatime - ext4 /dev/vda rw\n"
    "101 100 0:50 / /proc rw,relatime - proc proc rw\n"
    "102 100 0:51 / /dev rw,nosuid - tmpfs tmpfs rw,mode=755\n"
    "103 100 0:53 / /sys rw,nosuid,nodev,noexec,relatime - sysfs sysfs rw\n"
    "110 100 0:60 / /var/cache/nginx rw,nosuid,nodev - tmpfs tmpfs rw,size=65536k\n"
    "111 101 0:50 /sys /proc/sys ro,relatime - proc proc rw\n"
    "112 101 0:50 /irq /proc/irq ro,relatime - proc proc rw\n"
    "113 101 0:50 /bus /proc/bus ro,relatime - proc proc rw\n"
    "114 101 0:50 /fs /proc/fs ro,relatime - proc proc rw\n";

TEST(AssessTest, HookEnforcedPrivilegedContainerNeedsSeccomp) {
  Assessment confined = MustAssess(Input(kHookMountinfo, kPrivilegedStatus));
  EXPECT_TRUE(confined.immutable);
  EXPECT_TRUE(confined.reasons.empty());
  EXPECT_TRUE(confined.rootfs.read_only);
  EXPECT_TRUE(confined.seccomp_filter_present);
  EXPECT_EQ(WritableTargets(confined),
            (std::vector<std::string>{"dev:/dev", "kernel:/sys", "tmpfs:/var/cache/nginx"}));

  Assessment no_filter = MustAssess(
      Input(kHookMountinfo, "CapEff:\t000001ffffffffff\nSeccomp:\t0\nSeccomp_filters:\t0\n"));
  EXPECT_FALSE(no_filter.immutable);
  EXPECT_EQ(no_filter.reasons,
            std::vector<std::string>{"privileged (CAP_SYS_ADMIN) without a seccomp filter"});
}

TEST(AssessTest, ShadowedMountsCountOnlyTheVisibleOne) {
  // A rw bind over the read-only /proc/sys (the top is listed first, so
  // order alone would pick the wrong one); a ro bind over a rw /data.
  constexpr char kShadowed[] =
      "100 90 254:0 /b/rootfs / ro,relatime - ext4 /dev/vda rw\n"
      "101 100 0:50 / /proc rw,relatime - proc proc rw\n"
      "120 111 0:50 /sys /proc/sys rw,relatime - proc proc rw\n"
      "111 101 0:50 /sys /proc/sys ro,relatime - proc proc rw\n"
      "112 101 0:50 /irq /proc/irq ro,relatime - proc proc rw\n"
      "113 101 0:50 /bus /proc/bus ro,relatime - proc proc rw\n"
      "114 101 0:50 /fs /proc/fs ro,relatime - proc proc rw\n"
      "130 100 254:0 /vol /data rw,relatime - ext4 /dev/vda rw\n"
      "131 130 254:0 /vol /data ro,relatime - ext4 /dev/vda rw\n";
  Assessment a = MustAssess(Input(kShadowed, kPlainStatus));
  EXPECT_FALSE(a.immutable);
  EXPECT_EQ(a.reasons, std::vector<std::string>{"/proc/sys writable"});
  EXPECT_EQ(Path(a, "/proc/sys")->mount_id, 120);
  // /data's rw mount is hidden; the rw /proc/sys is a kernel file system.
  EXPECT_EQ(WritableTargets(a), std::vector<std::string>{"kernel:/proc/sys"});

  auto mounts = ParseMountinfo(kShadowed);
  ASSERT_TRUE(mounts.ok());
  EXPECT_EQ(TopMountAt(*mounts, "/proc/sys")->id, 120);
  EXPECT_EQ(TopMountAt(*mounts, "/data")->id, 131);
  EXPECT_EQ(TopMountAt(*mounts, "/nothing"), nullptr);
  EXPECT_EQ(CoveringMount(*mounts, "/proc/sys/kernel/core_pattern")->id, 120);
  EXPECT_EQ(CoveringMount(*mounts, "/proc/system")->id, 101);  // not /proc/sys
  EXPECT_EQ(CoveringMount(*mounts, "/etc")->id, 100);
}

TEST(AssessTest, StackedRootTakesTheProcessRoot) {
  // Two mounts at "/": the process's root (statx mount id) decides.
  constexpr char kStacked[] =
      "100 90 254:0 /b/rootfs / ro,relatime - ext4 /dev/vda rw\n"
      "101 100 254:0 /b/rootfs / rw,relatime - ext4 /dev/vda rw\n";
  ScanInput in = Input(kStacked, kPlainStatus);
  in.protected_paths.clear();
  EXPECT_FALSE(MustAssess(in).rootfs.read_only);  // unknown: the visible top
  in.root_mount_id = 100;
  Assessment a = MustAssess(in);
  EXPECT_TRUE(a.rootfs.read_only);
  EXPECT_TRUE(a.immutable);
  in.root_mount_id = 999;  // not in the table: the top again
  EXPECT_EQ(MustAssess(in).rootfs.mount_id, 101);
}

TEST(AssessTest, NoRootMountIsAnError) {
  ScanInput in = Input("101 100 0:50 / /proc rw,relatime - proc proc rw\n", kPlainStatus);
  auto a = Assess(in);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().message(), "no mount at / in the mount table");
}

// ---------------------------------------------------------------- runtime state

TEST(RuntimeStateTest, Runc) {
  auto r = ParseRuncState(R"({"id":"web","init_process_pid":25556,"init_process_start":97314,
                              "created":"2024-01-01T00:00:00Z","config":{"rootfs":"/r"}})");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->runtime, "runc");
  EXPECT_EQ(r->id, "web");
  EXPECT_EQ(r->pid, 25556);
  EXPECT_EQ(r->start_time, 97314u);
  EXPECT_EQ(ParseRuncState(R"({"init_process_pid":1})").error().message(), "state.json: no id");
  EXPECT_EQ(ParseRuncState(R"({"id":"x","init_process_pid":0})").error().message(),
            "state.json: init_process_pid: no valid pid");
  EXPECT_EQ(ParseRuncState(R"({"id":7,"init_process_pid":3})").error().message(),
            "state.json: id: expected string, got number");
}

TEST(RuntimeStateTest, Crun) {
  auto r = ParseCrunStatus(R"({"pid":26317,"process-start-time":97363,"bundle":"/b"})", "db");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->runtime, "crun");
  EXPECT_EQ(r->id, "db");
  EXPECT_EQ(r->pid, 26317);
  EXPECT_EQ(r->start_time, 97363u);
  auto old = ParseCrunStatus(R"({"pid":5})", "x");
  ASSERT_TRUE(old.ok());
  EXPECT_FALSE(old->start_time.has_value());
  EXPECT_FALSE(ParseCrunStatus("[]", "x").ok());
  EXPECT_FALSE(ParseCrunStatus("{", "x").ok());
}

// ---------------------------------------------------------------- report

std::vector<ContainerReport> SampleReports() {
  ContainerReport mutable_one;
  mutable_one.pid = 4242;
  mutable_one.mount_namespace = 4026532001;
  mutable_one.id = "web";
  mutable_one.runtime = "runc";
  mutable_one.assessment = MustAssess(Input(kMaskedMountinfo, kPlainStatus));
  ContainerReport immutable_one;
  immutable_one.pid = 5000;
  immutable_one.mount_namespace = 4026532002;
  immutable_one.assessment = MustAssess(Input(kHookMountinfo, kPrivilegedStatus));
  return {mutable_one, immutable_one};
}

TEST(ReportTest, JsonParsesBackWithEveryField) {
  const std::vector<ContainerReport> reports = SampleReports();
  auto doc = ParseJson(RenderJson(reports));
  ASSERT_TRUE(doc.ok()) << doc.error().ToString();
  EXPECT_EQ(doc->Find("version")->AsInt(), 1);
  const Json::Array& list = doc->Find("containers")->array();
  ASSERT_EQ(list.size(), 2u);

  const Json& c = list[0];
  std::vector<std::string> keys;
  for (const Json::Member& m : c.object()) keys.push_back(m.first);
  EXPECT_EQ(keys,
            (std::vector<std::string>{
                "pid", "mount_namespace", "id", "runtime", "immutable", "rootfs", "protected_paths",
                "writable_mounts", "only_volumes_and_tmpfs", "privileged", "seccomp", "reasons"}));
  EXPECT_EQ(c.Find("pid")->AsInt(), 4242);
  EXPECT_EQ(c.Find("mount_namespace")->AsInt(), 4026532001);
  EXPECT_EQ(c.Find("id")->string_value(), "web");
  EXPECT_EQ(c.Find("runtime")->string_value(), "runc");
  EXPECT_FALSE(c.Find("immutable")->bool_value());
  EXPECT_FALSE(c.Find("rootfs")->Find("read_only")->bool_value());
  EXPECT_EQ(c.Find("rootfs")->Find("mount_id")->AsInt(), 65);
  EXPECT_EQ(c.Find("rootfs")->Find("fstype")->string_value(), "ext4");
  const Json& sys = c.Find("protected_paths")->array()[0];
  EXPECT_EQ(sys.Find("path")->string_value(), "/proc/sys");
  EXPECT_TRUE(sys.Find("present")->bool_value());
  EXPECT_TRUE(sys.Find("read_only")->bool_value());
  EXPECT_EQ(sys.Find("mount_id")->AsInt(), 47);
  const Json& data = c.Find("writable_mounts")->array().back();
  EXPECT_EQ(data.Find("target")->string_value(), "/data");
  EXPECT_EQ(data.Find("fstype")->string_value(), "ext4");
  EXPECT_EQ(data.Find("kind")->string_value(), "volume");
  EXPECT_EQ(data.Find("mount_id")->AsInt(), 82);
  EXPECT_TRUE(c.Find("only_volumes_and_tmpfs")->bool_value());
  EXPECT_FALSE(c.Find("privileged")->bool_value());
  EXPECT_EQ(c.Find("seccomp")->Find("mode")->string_value(), "disabled");
  EXPECT_EQ(c.Find("seccomp")->Find("filters")->AsInt(), 0);
  EXPECT_FALSE(c.Find("seccomp")->Find("filter_present")->bool_value());
  ASSERT_EQ(c.Find("reasons")->array().size(), 1u);
  EXPECT_EQ(c.Find("reasons")->array()[0].string_value(), "rootfs writable");

  const Json& d = list[1];
  EXPECT_TRUE(d.Find("id")->is_null());
  EXPECT_TRUE(d.Find("runtime")->is_null());
  EXPECT_TRUE(d.Find("immutable")->bool_value());
  EXPECT_TRUE(d.Find("privileged")->bool_value());
  EXPECT_EQ(d.Find("seccomp")->Find("mode")->string_value(), "filter");
  EXPECT_TRUE(d.Find("reasons")->array().empty());
}

TEST(ReportTest, EmptyReport) {
  auto doc = ParseJson(RenderJson({}));
  ASSERT_TRUE(doc.ok()) << doc.error().ToString();
  EXPECT_TRUE(doc->Find("containers")->array().empty());
  EXPECT_EQ(RenderTable({}), "no containers found\n");
  EXPECT_TRUE(AllImmutable({}));
}

TEST(ReportTest, TableHasOneRowPerContainer) {
  const std::vector<ContainerReport> reports = SampleReports();
  EXPECT_FALSE(AllImmutable(reports));
  const std::string table = RenderTable(reports);
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t nl; (nl = table.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines.push_back(table.substr(start, nl - start));
  }
  ASSERT_EQ(lines.size(), 3u) << table;
  EXPECT_EQ(lines[0].substr(0, 4), "PID ");
  EXPECT_NE(lines[0].find("VERDICT"), std::string::npos);
  // Columns line up: VERDICT starts at the same offset in every row.
  const size_t verdict = lines[0].find("VERDICT");
  EXPECT_EQ(lines[1].substr(verdict, 8), "mutable ");
  EXPECT_EQ(lines[2].substr(verdict, 9), "immutable");
  for (const char* cell : {"4242", "web", "runc", "4/4 ro", "volume:/data", "rootfs writable"}) {
    EXPECT_NE(lines[1].find(cell), std::string::npos) << cell;
  }
  for (const char* cell : {"5000", "filter present", "tmpfs:/var/cache/nginx", "kernel:1"}) {
    EXPECT_NE(lines[2].find(cell), std::string::npos) << cell;
  }
}

// ---------------------------------------------------------------- command line

HookArgs MustParseArgs(const std::vector<std::string_view>& args) {
  auto parsed = ParseHookArgs(args);
  EXPECT_TRUE(parsed.ok()) << parsed.error().ToString();
  return parsed.ok() ? *parsed : HookArgs{};
}

std::string ArgsError(const std::vector<std::string_view>& args) {
  auto parsed = ParseHookArgs(args);
  return parsed.ok() ? "<ok>" : parsed.error().message();
}

TEST(ScanArgsTest, Forms) {
  HookArgs all = MustParseArgs({"scan"});
  EXPECT_EQ(all.action, HookArgs::Action::kScan);
  EXPECT_FALSE(all.scan.pid.has_value());
  EXPECT_EQ(all.scan.format, ScanOptions::Format::kTable);
  EXPECT_EQ(MustParseArgs({"scan", "--all"}).action, HookArgs::Action::kScan);

  HookArgs one = MustParseArgs({"scan", "--pid", "4242", "--format", "json"});
  EXPECT_EQ(one.scan.pid, 4242);
  EXPECT_EQ(one.scan.format, ScanOptions::Format::kJson);
  HookArgs eq = MustParseArgs({"--config=/p.json", "scan", "--pid=7", "--format=table"});
  EXPECT_EQ(eq.scan.pid, 7);
  EXPECT_EQ(eq.config, "/p.json");
  EXPECT_EQ(MustParseArgs({"scan", "--config", "/q.json"}).config, "/q.json");
  // The hook's own forms are unchanged.
  EXPECT_EQ(MustParseArgs({"createRuntime"}).action, HookArgs::Action::kRun);
  EXPECT_EQ(MustParseArgs({"scan", "--help"}).action, HookArgs::Action::kHelp);
}

TEST(ScanArgsTest, Errors) {
  EXPECT_EQ(ArgsError({"scan", "--pid"}), "--pid needs a PID");
  EXPECT_EQ(ArgsError({"scan", "--pid", "abc"}), "--pid: \"abc\" is not a process id");
  EXPECT_EQ(ArgsError({"scan", "--pid=0"}), "--pid: \"0\" is not a process id");
  EXPECT_EQ(ArgsError({"scan", "--pid", "-3"}), "--pid: \"-3\" is not a process id");
  EXPECT_EQ(ArgsError({"scan", "--pid", "1", "--all"}), "--pid and --all exclude each other");
  EXPECT_EQ(ArgsError({"scan", "--format", "yaml"}),
            "--format: unknown format \"yaml\" (table or json)");
  EXPECT_EQ(ArgsError({"scan", "--format"}), "--format needs table or json");
  EXPECT_EQ(ArgsError({"--pid", "3"}), "--pid, --all and --format go with scan");
  EXPECT_EQ(ArgsError({"prestart", "--all"}), "--pid, --all and --format go with scan");
  EXPECT_EQ(ArgsError({"scan", "prestart"}), "scan takes no stage");
  EXPECT_EQ(ArgsError({"scan", "scan"}), "scan given twice");
  EXPECT_EQ(ArgsError({"scan", "--check-config", "/p.json"}),
            "--check-config and scan exclude each other");
}

}  // namespace
}  // namespace oci_immutable
