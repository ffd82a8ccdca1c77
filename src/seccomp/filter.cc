#include "seccomp/filter.h"

#include <seccomp.h>

#include <cstring>
#include <string>
#include <vector>

#include "json/fields.h"
#include "seccomp/actions.h"

namespace oci_immutable {
namespace {

std::optional<scmp_compare> CompareOp(std::string_view op) {
  if (op == "SCMP_CMP_NE") return SCMP_CMP_NE;
  if (op == "SCMP_CMP_LT") return SCMP_CMP_LT;
  if (op == "SCMP_CMP_LE") return SCMP_CMP_LE;
  if (op == "SCMP_CMP_EQ") return SCMP_CMP_EQ;
  if (op == "SCMP_CMP_GE") return SCMP_CMP_GE;
  if (op == "SCMP_CMP_GT") return SCMP_CMP_GT;
  if (op == "SCMP_CMP_MASKED_EQ") return SCMP_CMP_MASKED_EQ;
  return std::nullopt;
}

Result<std::vector<scmp_arg_cmp>> Args(const Json& rule, const std::string& where) {
  std::vector<scmp_arg_cmp> out;
  OI_ASSIGN_OR_RETURN(const Json* args, OptArray(rule, "args", where));
  if (args == nullptr) return out;
  for (const Json& a : args->array()) {
    if (!a.is_object()) return TypeError(where + ".args[]", "object", a);
    OI_ASSIGN_OR_RETURN(auto index, OptInt(a, "index", where + ".args[]"));
    OI_ASSIGN_OR_RETURN(auto value, OptInt(a, "value", where + ".args[]"));
    OI_ASSIGN_OR_RETURN(auto value_two, OptInt(a, "valueTwo", where + ".args[]"));
    OI_ASSIGN_OR_RETURN(auto op, OptString(a, "op", where + ".args[]"));
    std::optional<scmp_compare> cmp = CompareOp(op.value_or(""));
    if (!index || *index < 0 || *index > 5 || !cmp) return Error(where + ".args: malformed");
    out.push_back(scmp_arg_cmp{static_cast<unsigned>(*index), *cmp,
                               static_cast<scmp_datum_t>(value.value_or(0)),
                               static_cast<scmp_datum_t>(value_two.value_or(0))});
  }
  return out;
}

}  // namespace

void FilterDeleter::operator()(void* ctx) const { seccomp_release(ctx); }

Result<SeccompFilter> CompileProfile(const Json& profile) {
  if (!profile.is_object()) return TypeError("seccomp", "object", profile);
  OI_ASSIGN_OR_RETURN(auto default_action, OptString(profile, "defaultAction", "seccomp"));
  OI_ASSIGN_OR_RETURN(auto default_errno, OptInt(profile, "defaultErrnoRet", "seccomp"));
  std::optional<uint32_t> def = ActionValue(default_action.value_or(""), default_errno);
  if (!def) return Error("seccomp.defaultAction: unknown");
  SeccompFilter ctx(seccomp_init(*def));
  if (!ctx) return Error("seccomp_init failed");
  OI_ASSIGN_OR_RETURN(auto arches, OptStringArray(profile, "architectures", "seccomp"));
  for (const std::string& a : arches) {
    uint32_t token = ArchToken(a);
    if (token == 0) return Error("seccomp.architectures: unknown " + a);
    int rc = seccomp_arch_add(ctx.get(), token);
    if (rc != 0 && rc != -EEXIST) return ErrnoError("seccomp_arch_add " + a, -rc);
  }
  OI_ASSIGN_OR_RETURN(const Json* syscalls, OptArray(profile, "syscalls", "seccomp"));
  if (syscalls == nullptr) return ctx;
  for (size_t i = 0; i < syscalls->array().size(); ++i) {
    const Json& rule = syscalls->array()[i];
    const std::string where = "seccomp.syscalls[" + std::to_string(i) + "]";
    if (!rule.is_object()) return TypeError(where, "object", rule);
    OI_ASSIGN_OR_RETURN(auto action, OptString(rule, "action", where));
    OI_ASSIGN_OR_RETURN(auto errno_ret, OptInt(rule, "errnoRet", where));
    OI_ASSIGN_OR_RETURN(auto names, OptStringArray(rule, "names", where));
    OI_ASSIGN_OR_RETURN(std::vector<scmp_arg_cmp> args, Args(rule, where));
    std::optional<uint32_t> act = ActionValue(action.value_or(""), errno_ret);
    if (!act) return Error(where + ".action: unknown");
    if (*act == *def) continue;  // libseccomp refuses rules equal to the default
    for (const std::string& name : names) {
      int nr = seccomp_syscall_resolve_name(name.c_str());
      if (nr == __NR_SCMP_ERROR) continue;  // like runc: unknown names are skipped
      int rc = seccomp_rule_add_array(ctx.get(), *act, nr, static_cast<unsigned>(args.size()),
                                      args.data());
      if (rc != 0) return ErrnoError(where + ": seccomp_rule_add " + name, -rc);
    }
  }
  return ctx;
}

Status LoadFilter(const SeccompFilter& filter) {
  int rc = seccomp_load(filter.get());
  if (rc != 0) return ErrnoError("seccomp_load", -rc);
  return OkStatus();
}

}  // namespace oci_immutable
