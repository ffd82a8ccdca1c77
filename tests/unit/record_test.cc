#include "log/record.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "json/json.h"

namespace oci_immutable {
namespace {

constexpr timespec kNow{1700000000, 987654321};  // 2023-11-14T22:13:20.987654321Z

RecordContext Context() {
  RecordContext ctx;
  ctx.source = "hook";
  ctx.container_id = "3f4b1c9e2a7d";
  ctx.stage = "createRuntime";
  ctx.mode = Mode::kEnforce;
  return ctx;
}

std::vector<std::string> Keys(const Json& record) {
  std::vector<std::string> keys;
  for (const Json::Member& m : record.object()) keys.push_back(m.first);
  return keys;
}

std::string Str(const Json& record, std::string_view key) {
  const Json* v = record.Find(key);
  if (v == nullptr) return "<absent>";
  return v->is_string() ? v->string_value() : "<" + std::string(Json::TypeName(v->type())) + ">";
}

// Parses a record line, checking it is exactly one line.
Json ParseLine(const std::string& line) {
  EXPECT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1) << line;
  EXPECT_EQ(std::count(line.begin(), line.end(), '\r'), 0) << line;
  auto doc = ParseJson(line);
  EXPECT_TRUE(doc.ok()) << doc.error().ToString() << "\n" << line;
  EXPECT_TRUE(doc.ok() && doc->is_object());
  return doc.ok() ? *doc : Json::EmptyObject();
}

TEST(FormatTimeTest, Exact) {
  EXPECT_EQ(FormatTime(kNow), "2023-11-14T22:13:20.987Z");
  EXPECT_EQ(FormatTime(timespec{0, 0}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatTime(timespec{1795305901, 123456789}), "2026-11-22T00:05:01.123Z");
  EXPECT_EQ(FormatTime(timespec{951782400, 999999999}), "2000-02-29T00:00:00.999Z");
  EXPECT_EQ(FormatTime(timespec{1700000000, 999999}), "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(FormatTime(timespec{1700000000, 1000000}), "2023-11-14T22:13:20.001Z");
}

TEST(ViolationRecordTest, Fields) {
  const std::string line = ViolationRecord(
      Context(), kNow, Violation{kRootfsWritable, "root.readonly is not true"}, kActionEnforced);
  Json r = ParseLine(line);
  EXPECT_EQ(Keys(r), (std::vector<std::string>{"time", "source", "container_id", "stage",
                                               "violation", "action", "detail", "mode"}));
  EXPECT_EQ(Str(r, "time"), "2023-11-14T22:13:20.987Z");
  EXPECT_EQ(Str(r, "source"), "hook");
  EXPECT_EQ(Str(r, "container_id"), "3f4b1c9e2a7d");
  EXPECT_EQ(Str(r, "stage"), "createRuntime");
  EXPECT_EQ(Str(r, "violation"), "rootfs-writable");
  EXPECT_EQ(Str(r, "action"), "enforced");
  EXPECT_EQ(Str(r, "detail"), "root.readonly is not true");
  EXPECT_EQ(Str(r, "mode"), "enforce");
}

TEST(ViolationRecordTest, ExactLine) {
  EXPECT_EQ(ViolationRecord(Context(), kNow, Violation{kPrivileged, "d"}, kActionLogged),
            R"({"time":"2023-11-14T22:13:20.987Z","source":"hook","container_id":"3f4b1c9e2a7d",)"
            R"("stage":"createRuntime","violation":"privileged","action":"logged","detail":"d",)"
            R"("mode":"enforce"})"
            "\n");
}

TEST(ViolationRecordTest, ErrorOnlyWhenGiven) {
  Json failed = ParseLine(ViolationRecord(Context(), kNow, Violation{kProcSysWritable, "x"},
                                          kActionFailed, "mount_setattr /proc/sys: EPERM"));
  EXPECT_EQ(Str(failed, "action"), "failed");
  EXPECT_EQ(Str(failed, "error"), "mount_setattr /proc/sys: EPERM");
  Json ok = ParseLine(
      ViolationRecord(Context(), kNow, Violation{kProcSysWritable, "x"}, kActionEnforced, ""));
  EXPECT_EQ(ok.Find("error"), nullptr);
}

TEST(ViolationRecordTest, AuditExemptAndIdentity) {
  RecordContext ctx = Context();
  ctx.source = "runtime";
  ctx.mode = Mode::kAudit;
  ctx.exempt = true;
  ctx.identity = KubeIdentity{"kube-system", "coredns-5d78c9869d-abcde", "coredns", false};
  Json r = ParseLine(ViolationRecord(ctx, kNow, Violation{kPrivileged, "x"}, kActionLogged));
  EXPECT_EQ(Str(r, "source"), "runtime");
  EXPECT_EQ(Str(r, "mode"), "audit");
  ASSERT_NE(r.Find("exempt"), nullptr);
  EXPECT_EQ(*r.Find("exempt"), Json::Bool(true));
  EXPECT_EQ(Str(r, "namespace"), "kube-system");
  EXPECT_EQ(Str(r, "pod"), "coredns-5d78c9869d-abcde");
  EXPECT_EQ(Str(r, "container"), "coredns");
  EXPECT_EQ(r.Find("identity_conflict"), nullptr);
}

TEST(ViolationRecordTest, IdentityFieldsOnlyWhenPresent) {
  RecordContext ctx = Context();
  ctx.identity.pod = "web-1";
  Json r = ParseLine(ViolationRecord(ctx, kNow, Violation{kPrivileged, "x"}, kActionEnforced));
  EXPECT_EQ(r.Find("namespace"), nullptr);
  EXPECT_EQ(Str(r, "pod"), "web-1");
  EXPECT_EQ(r.Find("container"), nullptr);
  EXPECT_EQ(r.Find("exempt"), nullptr);
  EXPECT_EQ(r.Find("identity_conflict"), nullptr);
}

TEST(ViolationRecordTest, IdentityConflictFlagged) {
  RecordContext ctx = Context();
  ctx.identity = KubeIdentity{"kube-system", "p", "c", true};
  Json r = ParseLine(ViolationRecord(ctx, kNow, Violation{kPrivileged, "x"}, kActionEnforced));
  ASSERT_NE(r.Find("identity_conflict"), nullptr);
  EXPECT_EQ(*r.Find("identity_conflict"), Json::Bool(true));
  EXPECT_EQ(Str(r, "namespace"), "kube-system");
}

TEST(NoticeRecordTest, Fields) {
  RecordContext ctx = Context();
  ctx.identity = KubeIdentity{"shop", "", "nginx", false};
  const std::string line =
      NoticeRecord(ctx, kNow, "path-skipped", "/proc/irq", "absent in the container");
  Json r = ParseLine(line);
  EXPECT_EQ(Keys(r),
            (std::vector<std::string>{"time", "source", "container_id", "stage", "notice", "path",
                                      "reason", "mode", "namespace", "container"}));
  EXPECT_EQ(Str(r, "notice"), "path-skipped");
  EXPECT_EQ(Str(r, "path"), "/proc/irq");
  EXPECT_EQ(Str(r, "reason"), "absent in the container");
  EXPECT_EQ(r.Find("violation"), nullptr);
  EXPECT_EQ(r.Find("action"), nullptr);
}

TEST(RecordEscapingTest, AlwaysOneLine) {
  std::string nasty = "a\"b\\c\nd\re\tf\x01g\x1fh\x7fi/j\xe2\x80\xa8k";
  nasty += '\0';
  nasty += "end";
  RecordContext ctx = Context();
  ctx.container_id = nasty;
  ctx.stage = "pre\nstart";
  ctx.identity = KubeIdentity{nasty, "\n", "\"", false};
  const std::string v = ViolationRecord(ctx, kNow, Violation{kRootfsWritable, nasty}, kActionFailed,
                                        "line1\nline2\r\n");
  Json rv = ParseLine(v);
  EXPECT_EQ(Str(rv, "container_id"), nasty);
  EXPECT_EQ(Str(rv, "stage"), "pre\nstart");
  EXPECT_EQ(Str(rv, "detail"), nasty);
  EXPECT_EQ(Str(rv, "error"), "line1\nline2\r\n");
  EXPECT_EQ(Str(rv, "namespace"), nasty);
  EXPECT_EQ(Str(rv, "pod"), "\n");
  EXPECT_EQ(Str(rv, "container"), "\"");
  // No raw control character survives.
  EXPECT_TRUE(std::none_of(v.begin(), v.end() - 1, [](char c) {
    return static_cast<unsigned char>(c) < 0x20;
  })) << v;

  const std::string n = NoticeRecord(ctx, kNow, "path-skipped", "/mnt/a\nb", "why\n\"not\"");
  Json rn = ParseLine(n);
  EXPECT_EQ(Str(rn, "path"), "/mnt/a\nb");
  EXPECT_EQ(Str(rn, "reason"), "why\n\"not\"");
}

TEST(RecordEscapingTest, ActionNames) {
  EXPECT_EQ(kActionEnforced, "enforced");
  EXPECT_EQ(kActionLogged, "logged");
  EXPECT_EQ(kActionFailed, "failed");
}

}  // namespace
}  // namespace oci_immutable
