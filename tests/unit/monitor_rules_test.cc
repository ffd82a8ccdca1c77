// The monitor's side of the policy and the wrapper: the "monitor" key, the
// deny rules merged as SCMP_ACT_NOTIFY with our listener, the fallback when
// the monitor is not there, and the hook's view of such a profile.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "json/json.h"
#include "oci/spec.h"
#include "policy/decision.h"
#include "policy/policy.h"
#include "runtime/rewrite.h"
#include "seccomp/filter.h"
#include "seccomp/profile.h"

namespace oci_immutable {
namespace {

constexpr char kSocket[] = "/run/oci-immutable/monitor.sock";

Json Parse(std::string_view text) {
  Result<Json> doc = ParseJson(text);
  EXPECT_TRUE(doc.ok()) << doc.error().ToString();
  return doc.ok() ? *doc : Json();
}

std::vector<std::string> Names(const Json& rule) {
  std::vector<std::string> out;
  for (const Json& n : rule.Find("names")->array()) out.push_back(n.string_value());
  return out;
}

std::vector<std::string> DenyList() {
  return {ImmutabilityDenyList().begin(), ImmutabilityDenyList().end()};
}

DenyRuleOptions Notify() { return {kSocket, true}; }

TEST(MonitorPolicyTest, Key) {
  EXPECT_FALSE(DefaultPolicy().monitor.has_value());
  Result<Policy> p = ParsePolicy(R"({"monitor": {}})");
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  ASSERT_TRUE(p->monitor.has_value());
  EXPECT_EQ(p->monitor->socket, kDefaultMonitorSocket);
  EXPECT_EQ(p->monitor->fallback, MonitorFallback::kRefuse);
  p = ParsePolicy(R"({"monitor": {"socket": "/tmp//m/./s.sock", "fallback": "errno"}})");
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_EQ(p->monitor->socket, "/tmp/m/s.sock");
  EXPECT_EQ(p->monitor->fallback, MonitorFallback::kErrno);
  EXPECT_EQ(MonitorFallbackName(MonitorFallback::kRefuse), "refuse");
  for (const char* bad : {
           R"({"monitor": true})", R"({"monitor": {"socket": "rel.sock"}})",
           R"({"monitor": {"socket": "/"}})", R"({"monitor": {"socket": 1}})",
           R"({"monitor": {"fallback": "allow"}})", R"({"monitor": {"fallback": null}})",
           R"({"monitor": {"sockets": "/a"}})"}) {
    EXPECT_FALSE(ParsePolicy(bad).ok()) << bad;
  }
  const std::string too_long = R"({"monitor": {"socket": "/)" + std::string(107, 'a') + "\"}}";
  Result<Policy> l = ParsePolicy(too_long);
  ASSERT_FALSE(l.ok());
  EXPECT_NE(l.error().message().find("monitor.socket: must be a socket path"), std::string::npos);
}

TEST(MonitorMergeTest, NoProfile) {
  Result<Json> merged = MergeDenyRules(nullptr, nullptr, Notify());
  ASSERT_TRUE(merged.ok()) << merged.error().ToString();
  EXPECT_EQ(merged->Find("listenerPath")->string_value(), kSocket);
  EXPECT_EQ(merged->Find("listenerMetadata")->string_value(), kListenerMetadata);
  const Json& rule = merged->Find("syscalls")->array().back();
  EXPECT_EQ(rule.Find("action")->string_value(), "SCMP_ACT_NOTIFY");
  EXPECT_EQ(rule.Find("errnoRet"), nullptr);
  EXPECT_EQ(Names(rule), DenyList());
  EXPECT_TRUE(CompileProfile(*merged).ok());
}

TEST(MonitorMergeTest, NeedsSocket) {
  EXPECT_FALSE(MergeDenyRules(nullptr, nullptr, {"", true}).ok());
}

TEST(MonitorMergeTest, DefaultDenyProfileStillNotifies) {
  const Json profile = Parse(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
      {"names": ["read", "mount"], "action": "SCMP_ACT_ALLOW"}]})");
  SeccompMergeReport report;
  Result<Json> merged = MergeDenyRules(&profile, &report, Notify());
  ASSERT_TRUE(merged.ok()) << merged.error().ToString();
  const Json::Array& rules = merged->Find("syscalls")->array();
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(Names(rules[0]), std::vector<std::string>{"read"});
  EXPECT_EQ(rules[1].Find("action")->string_value(), "SCMP_ACT_NOTIFY");
  EXPECT_EQ(Names(rules[1]), DenyList());
  EXPECT_EQ(report.taken_from, std::vector<std::string>{"mount"});
  // Without the monitor: no rule, the default denies.
  Result<Json> plain = MergeDenyRules(&profile);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->Find("syscalls")->array().size(), 1u);
  EXPECT_EQ(plain->Find("listenerPath"), nullptr);
}

TEST(MonitorMergeTest, ErrnoRulesMoveKillRulesStay) {
  const Json profile = Parse(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["mount", "sethostname"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
      {"names": ["kexec_load"], "action": "SCMP_ACT_KILL"}]})");
  Result<Json> merged = MergeDenyRules(&profile, nullptr, Notify());
  ASSERT_TRUE(merged.ok()) << merged.error().ToString();
  const Json::Array& rules = merged->Find("syscalls")->array();
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(Names(rules[0]), std::vector<std::string>{"sethostname"});
  EXPECT_EQ(Names(rules[1]), std::vector<std::string>{"kexec_load"});
  std::vector<std::string> want = DenyList();
  want.erase(std::find(want.begin(), want.end(), "kexec_load"));
  EXPECT_EQ(Names(rules[2]), want);
  EXPECT_TRUE(CompileProfile(*merged).ok());
}

TEST(MonitorMergeTest, IdempotentAndReversible) {
  Result<Json> once = MergeDenyRules(nullptr, nullptr, Notify());
  ASSERT_TRUE(once.ok());
  SeccompMergeReport report;
  Result<Json> twice = MergeDenyRules(&*once, &report, Notify());
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(*twice, *once);
  EXPECT_TRUE(report.added.empty() && report.taken_from.empty());
  // The monitor gone (fallback errno): our listener out, ERRNO rules back.
  Result<Json> plain = MergeDenyRules(&*once, nullptr, {kSocket, false});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->Find("listenerPath"), nullptr);
  EXPECT_EQ(plain->Find("listenerMetadata"), nullptr);
  const Json& rule = plain->Find("syscalls")->array().back();
  EXPECT_EQ(rule.Find("action")->string_value(), "SCMP_ACT_ERRNO");
  EXPECT_EQ(Names(rule), DenyList());
}

TEST(MonitorMergeTest, ForeignListener) {
  const Json profile = Parse(R"({"defaultAction": "SCMP_ACT_ALLOW",
      "listenerPath": "/run/other.sock", "syscalls": []})");
  EXPECT_FALSE(MergeDenyRules(&profile, nullptr, Notify()).ok());
  // Without notify another listener is left alone.
  Result<Json> plain = MergeDenyRules(&profile, nullptr, {kSocket, false});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->Find("listenerPath")->string_value(), "/run/other.sock");
}

TEST(MonitorMergeTest, DeniesAllCountsOurListenerOnly) {
  Result<Json> notify = MergeDenyRules(nullptr, nullptr, Notify());
  ASSERT_TRUE(notify.ok());
  EXPECT_TRUE(DeniesAll(*notify, kSocket));
  EXPECT_FALSE(DeniesAll(*notify));
  EXPECT_FALSE(DeniesAll(*notify, "/run/elsewhere.sock"));
  Result<Json> plain = MergeDenyRules(nullptr);
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(DeniesAll(*plain));
  EXPECT_TRUE(DeniesAll(*plain, kSocket));
}

constexpr std::string_view kPrivileged = R"({"ociVersion": "1.0.2",
  "process": {"args": ["sh"], "cwd": "/", "capabilities": {"bounding": ["CAP_SYS_ADMIN"]}},
  "root": {"path": "rootfs"}, "linux": {"namespaces": [{"type": "mount"}]}})";
constexpr std::string_view kPlain = R"({"ociVersion": "1.0.2",
  "process": {"args": ["sh"], "cwd": "/", "capabilities": {"bounding": ["CAP_KILL"]}},
  "root": {"path": "rootfs"}})";

Policy MonitorPolicy(MonitorFallback fallback) {
  Policy p = DefaultPolicy();
  p.monitor = MonitorConfig{kSocket, fallback};
  return p;
}

const HookInjection kHook{"/usr/libexec/oci/hooks.d/oci-immutable-hook", {"oci-immutable-hook"}};

TEST(MonitorRewriteTest, ReachableMonitorGetsTheRules) {
  Result<RewriteResult> r = RewriteSpec(Parse(kPrivileged), MonitorPolicy(MonitorFallback::kRefuse),
                                        kHook, {true, ""});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_TRUE(r->monitored);
  EXPECT_TRUE(r->notices.empty());
  const Json* seccomp = r->spec.Find("linux")->Find("seccomp");
  EXPECT_EQ(seccomp->Find("listenerPath")->string_value(), kSocket);
  EXPECT_EQ(seccomp->Find("syscalls")->array().back().Find("action")->string_value(),
            "SCMP_ACT_NOTIFY");
  // The rewritten spec is confined in the hook's eyes, and a second create changes nothing.
  Result<Spec> spec = ReadSpec(r->spec);
  ASSERT_TRUE(spec.ok());
  for (const Violation& v : FindViolations(*spec, kSocket)) EXPECT_NE(v.name, kPrivilegedUnconfined);
  Result<RewriteResult> again = RewriteSpec(r->spec, MonitorPolicy(MonitorFallback::kRefuse),
                                            kHook, {true, ""});
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->changed);
}

TEST(MonitorRewriteTest, UnreachableRefuses) {
  Result<RewriteResult> r = RewriteSpec(Parse(kPrivileged), MonitorPolicy(MonitorFallback::kRefuse),
                                        kHook, {false, "connect: No such file or directory"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find(std::string("oci-immutable-monitor at ") + kSocket +
                                     ": connect: No such file or directory"),
            std::string::npos);
  EXPECT_NE(r.error().message().find("\"refuse\""), std::string::npos);
}

TEST(MonitorRewriteTest, UnreachableErrnoFallsBack) {
  Result<RewriteResult> r = RewriteSpec(Parse(kPrivileged), MonitorPolicy(MonitorFallback::kErrno),
                                        kHook, {false, "connect: Connection refused"});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_FALSE(r->monitored);
  ASSERT_EQ(r->notices.size(), 1u);
  EXPECT_EQ(r->notices[0].notice, "monitor-unavailable");
  EXPECT_EQ(r->notices[0].path, kSocket);
  const Json* seccomp = r->spec.Find("linux")->Find("seccomp");
  EXPECT_EQ(seccomp->Find("listenerPath"), nullptr);
  EXPECT_EQ(seccomp->Find("syscalls")->array().back().Find("action")->string_value(),
            "SCMP_ACT_ERRNO");
}

TEST(MonitorRewriteTest, ForeignListenerIsUnavailable) {
  Json doc = Parse(kPrivileged);
  doc.Find("linux")->Set("seccomp", Parse(R"({"defaultAction": "SCMP_ACT_ALLOW",
      "listenerPath": "/run/agent.sock", "syscalls": [{"names": ["chmod"], "action": "SCMP_ACT_NOTIFY"}]})"));
  EXPECT_FALSE(RewriteSpec(doc, MonitorPolicy(MonitorFallback::kRefuse), kHook, {true, ""}).ok());
  Result<RewriteResult> r = RewriteSpec(doc, MonitorPolicy(MonitorFallback::kErrno), kHook, {true, ""});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_EQ(r->notices.size(), 1u);
  EXPECT_NE(r->notices[0].reason.find("another seccomp listener"), std::string::npos);
}

TEST(MonitorRewriteTest, UnprivilegedIgnoresTheMonitor) {
  // No rules, so nothing to refuse even when the monitor is down.
  Result<RewriteResult> r = RewriteSpec(Parse(kPlain), MonitorPolicy(MonitorFallback::kRefuse),
                                        kHook, {false, "down"});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_FALSE(r->monitored);
  EXPECT_TRUE(r->notices.empty());
  const Json* linux = r->spec.Find("linux");
  EXPECT_TRUE(linux == nullptr || linux->Find("seccomp") == nullptr);
}

}  // namespace
}  // namespace oci_immutable
