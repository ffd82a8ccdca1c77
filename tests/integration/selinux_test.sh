#!/usr/bin/env bash
# The SELinux policy module (selinux/), proven offline: SELinux need not be
# enabled on this kernel. It
#  1. builds oci_immutable.pp with the refpolicy devel tree (make -C selinux),
#  2. converts it to CIL (/usr/libexec/selinux/hll/pp) and checks the rules
#     oci_immutable_spc_t gets there,
#  3. compiles Debian's whole default policy (base and its 330 modules) plus
#     the module into a kernel binary policy with secilc, which also checks
#     every neverallow, and asks that policy with sesearch and seinfo what
#     oci_immutable_spc_t can do (broad) and cannot (sysctls, procfs, mounts),
#  4. checks the file contexts with selabel_lookup,
#  5. adds a stand-in for the container policy (container_runtime_t,
#     container_engine_t, container_file_t) to show the optional blocks
#     take effect where that policy exists,
#  6. shows that a module granting oci_immutable_spc_t a sysctl write, a
#     remount or a mounton cannot be linked (neverallow).
# Needs no root. Skips (77) only without the devel tree (selinux-policy-dev).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

SRC=${OI_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
DEVEL=/usr/share/selinux/devel/Makefile
HLL_PP=/usr/libexec/selinux/hll/pp
DISTRO=/usr/share/selinux/default  # selinux-policy-default: base.pp.bz2, .modules

if [ ! -f "$DEVEL" ]; then
  echo "SKIP: $OI_NAME needs $DEVEL (selinux-policy-dev; scripts/install-deps.sh installs it)" >&2
  exit 77
fi
# The rest comes with the same scripts/install-deps.sh: missing is a failure.
for tool in make checkmodule secilc sesearch seinfo selabel_lookup bzcat "$HLL_PP"; do
  command -v "$tool" >/dev/null 2>&1 || oi_fail "$tool is missing (run scripts/install-deps.sh)"
done
if [ ! -f "$DISTRO/base.pp.bz2" ] || [ ! -f "$DISTRO/.modules" ]; then
  oi_fail "$DISTRO lacks base.pp.bz2 or .modules (selinux-policy-default)"
fi

t=$(oi_tmpdir)
S=oci_immutable_spc_t
H=oci_immutable_hook_t

# ------------------------------------------------------------ 1. build
make -s -C "$SRC/selinux" OUT="$t/build" >"$t/build.log" 2>&1 || { cat "$t/build.log" >&2; oi_fail "make -C selinux failed"; }
pp=$t/build/oci_immutable.pp
[ -s "$pp" ] || oi_fail "no $pp"
if grep -qiE 'warning|deprecated|error' "$t/build.log"; then
  cat "$t/build.log" >&2; oi_fail "the module build printed warnings"
fi
oi_pass "make -C selinux built oci_immutable.pp ($(stat -c %s "$pp") bytes) with no warning"

# ------------------------------------------------------------ 2. the module as CIL
cil=$t/oci_immutable.cil
"$HLL_PP" "$pp" "$cil" 2>"$t/pp.err" || { cat "$t/pp.err" >&2; oi_fail "hll/pp could not read the .pp"; }
for ty in oci_immutable_spc_t oci_immutable_hook_t oci_immutable_hook_exec_t \
          oci_immutable_runtime_exec_t oci_immutable_log_t oci_immutable_conf_t; do
  grep -qxF "(type $ty)" "$cil" || oi_fail "the module declares no type $ty"
done
oi_pass "the module declares the spc, hook, exec, log and config types"

# Every allow rule whose source is the spc domain, outside neverallow.
grep -E "^[[:space:]]*\(allow $S " "$cil" >"$t/spc.allow" || true
[ -s "$t/spc.allow" ] || oi_fail "no allow rule for $S in the CIL"
if grep -E '[( ](mount|remount|unmount|mounton|module_load|load_policy|setenforce)[) ]' "$t/spc.allow"; then
  oi_fail "$S has a mount, module or policy permission in the module's CIL"
fi
oi_pass "CIL: none of $(wc -l <"$t/spc.allow") allow rules for $S has mount/remount/unmount/mounton/module_load/load_policy/setenforce"
n=$(grep -c "^[[:space:]]*(neverallow $S " "$cil" || true)
[ "$n" -ge 8 ] || oi_fail "expected at least 8 neverallow rules for $S, found $n"
oi_pass "CIL: $n neverallow rules guard $S"
grep -qxF "(typepermissive $H)" "$cil" || oi_fail "the hook domain is not permissive"
if grep -q "(typepermissive $S)" "$cil"; then oi_fail "$S is permissive"; fi
oi_pass "CIL: $H is permissive (until tried on an enforcing host), $S is not"

# ------------------------------------------------------------ 3. the whole policy
mkdir "$t/distro"
# shellcheck disable=SC2016  # $1 belongs to the inner sh
{ echo base; cat "$DISTRO/.modules"; } | sort -u | xargs -P "$(nproc)" -I{} sh -c \
  'bzcat "$1/$2.pp.bz2" >"$3/$2.pp" && "$4" "$3/$2.pp" "$3/$2.cil" 2>/dev/null && rm "$3/$2.pp"' \
  _ "$DISTRO" {} "$t/distro" "$HLL_PP" || oi_fail "could not convert $DISTRO to CIL"
nmods=$(find "$t/distro" -name '*.cil' | wc -l)

# compile OUT-DIR CIL...: a kernel policy and file_contexts; secilc's output in OUT-DIR/log.
compile() {
  local out=$1; shift
  mkdir -p "$out"
  secilc --mls=true -c 33 -o "$out/policy.33" -f "$out/file_contexts" "$t"/distro/*.cil "$@" >"$out/log" 2>&1
}
compile "$t/pol" "$cil" || { cat "$t/pol/log" >&2; oi_fail "secilc failed on the distribution policy plus the module"; }
P=$t/pol/policy.33
oi_pass "secilc: Debian's policy ($nmods modules) plus oci_immutable compiled, every neverallow holds"

# none POLICY SESEARCH-ARGS...: no rule matches (sesearch also expands attributes).
none() {
  local p=$1; shift
  sesearch "$@" "$p" >"$t/q" 2>&1 || { cat "$t/q" >&2; oi_fail "sesearch $* failed"; }
  if [ -s "$t/q" ]; then cat "$t/q" >&2; oi_fail "expected no rule: sesearch $*"; fi
}
# some POLICY SESEARCH-ARGS...: at least one rule matches; prints the first.
some() {
  local p=$1; shift
  sesearch "$@" "$p" >"$t/q" 2>&1 || { cat "$t/q" >&2; oi_fail "sesearch $* failed"; }
  [ -s "$t/q" ] || oi_fail "expected a rule: sesearch $*"
  echo "   sesearch $*: $(head -n 1 "$t/q")"
}
members() { seinfo -a "$1" -x "$P" | awk '/^[[:space:]]+[a-z0-9_]+$/ { print $1 }'; }

sysctls=$(members sysctl_type)
procs=$(members proc_type)
[ "$(echo "$sysctls" | wc -w)" -ge 10 ] || oi_fail "sysctl_type has too few types: $sysctls"
# sesearch matches a rule whose target set meets the attribute's members, so
# one query covers every sysctl (procfs) type, also through wider attributes.
for attr in sysctl_type proc_type; do
  none "$P" -A -s "$S" -t "$attr" -c file,lnk_file -p write,append,setattr,create,unlink,rename,relabelto
  none "$P" -A -s "$S" -t "$attr" -c dir -p write,add_name,remove_name,create,setattr
done
none "$P" -A -s "$S" -t sysctl_vm_t -c file -p write,append  # swappiness
none "$P" -A -s "$S" -t proc_t -c file -p write,append       # /proc/sysrq-trigger
oi_pass "sesearch: $S writes none of the $(echo "$sysctls" | wc -w) sysctl types nor the $(echo "$procs" | wc -w) procfs types (no write, append, setattr, create, unlink, rename or relabelto; no directory changes)"
some "$P" -A -s "$S" -t sysctl_vm_t -c file -p read
some "$P" -A -s "$S" -t sysctl_net_t -c file -p read
some "$P" -A -s "$S" -t proc_t -c file -p read
oi_pass "sesearch: $S still reads sysctls (sysctl_vm_t, sysctl_net_t) and /proc (proc_t)"

none "$P" -A -s "$S" -c filesystem -p mount,remount,unmount,relabelfrom,relabelto
none "$P" -A -s "$S" -c dir,file,lnk_file,chr_file,blk_file,sock_file,fifo_file -p mounton
oi_pass "sesearch: $S has no filesystem mount/remount/unmount/relabel and no mounton on any file class"

none "$P" -A -s "$S" -c capability,cap_userns -p sys_module
none "$P" -A -s "$S" -c capability2,cap2_userns -p mac_admin
none "$P" -A -s "$S" -c system -p module_load
none "$P" -A -s "$S" -c security -p load_policy,setenforce,setbool
none "$P" -A -s "$S" -t security_t -c file -p write,append
none "$P" -A -s "$S" -t binfmt_misc_fs_t -c file -p write,append
none "$P" -A -s "$S" -t kernel_t -c process -p transition,dyntransition
none "$P" -A -s "$S" -t unconfined_t -c process -p transition,dyntransition
oi_pass "sesearch: no sys_module, mac_admin, module_load, policy load/setenforce/setbool, selinuxfs or binfmt_misc write, no transition out"
# Control: the same queries do find these rules for a domain that has them,
# so an empty answer above is an answer, not a query that cannot match.
some "$P" -A -s unconfined_t -t sysctl_type -c file,lnk_file -p write,append,setattr,create,unlink,rename,relabelto
some "$P" -A -s unconfined_t -t sysctl_vm_t -c file -p write,append
some "$P" -A -s unconfined_t -c filesystem -p mount,remount,unmount,relabelfrom,relabelto
some "$P" -A -s unconfined_t -c dir,file,lnk_file,chr_file,blk_file,sock_file,fifo_file -p mounton
some "$P" -A -s unconfined_t -c security -p load_policy,setenforce,setbool
oi_pass "control: the same sesearch queries find the sysctl write, mount, mounton and policy rules of unconfined_t"

some "$P" -A -s "$S" -c capability -p sys_admin
some "$P" -A -s "$S" -c capability -p net_admin
some "$P" -A -s "$S" -t etc_t -c file -p write
some "$P" -A -s "$S" -t var_lib_t -c file -p create
some "$P" -A -s "$S" -t tmpfs_t -c file -p write
some "$P" -A -s "$S" -t usr_t -c file -p execute
some "$P" -A -s "$S" -t cgroup_t -c file -p write
some "$P" -A -s "$S" -t fixed_disk_device_t -c blk_file -p write
some "$P" -A -s "$S" -t null_device_t -c chr_file -p write
some "$P" -A -s "$S" -t http_port_t -c tcp_socket -p name_bind
some "$P" -A -s "$S" -t "$S" -c rawip_socket -p create
some "$P" -A -s "$S" -t "$S" -c netlink_route_socket -p nlmsg_write
some "$P" -A -s "$S" -t bin_t -c file -p entrypoint
oi_pass "sesearch: $S keeps privileged power: sys_admin, net_admin, host files, cgroups, block and char devices, every port, raw and netlink sockets"

sesearch -A -s "$S" -t sysfs_t -c file -p write "$P" >"$t/q"
grep -q '\[ oci_immutable_spc_write_sysfs \]:True' "$t/q" || { cat "$t/q" >&2; oi_fail "sysfs write is not under the boolean"; }
seinfo -b oci_immutable_spc_write_sysfs -x "$P" | grep -q 'bool oci_immutable_spc_write_sysfs true;' ||
  oi_fail "the sysfs boolean is not on by default"
oi_pass "sesearch: sysfs writes only under the boolean oci_immutable_spc_write_sysfs (default on)"

seinfo "$P" --permissive >"$t/perm"  # --permissive takes an optional name: policy first
grep -qw "$H" "$t/perm" || oi_fail "$H is not permissive in the policy"
if grep -qw "$S" "$t/perm"; then oi_fail "$S is permissive in the policy"; fi
oi_pass "seinfo: permissive types: $(grep -cE '^[[:space:]]+[a-z]' "$t/perm") ($H), $S enforced"

some "$P" -A -s unconfined_t -t "$S" -c process -p transition
some "$P" -T -s unconfined_t -t oci_immutable_hook_exec_t -c process
some "$P" -A -s unconfined_t -t oci_immutable_runtime_exec_t -c file -p execute_no_trans
oi_pass "sesearch: an administrator's shell (unconfined_t) can start $S, runs the hook in $H and the wrapper in place"

some "$P" -A -s "$H" -t tmpfs_t -c filesystem -p mount
some "$P" -A -s "$H" -t tmpfs_t -c filesystem -p relabelfrom
some "$P" -A -s "$H" -t sysctl_t -c dir -p mounton
some "$P" -A -s "$H" -t oci_immutable_log_t -c file -p append
some "$P" -A -s "$H" -t oci_immutable_conf_t -c file -p read
oi_pass "sesearch: $H can mount tmpfs (relabelled), mount on /proc/sys, append the log, read the policy"

# ------------------------------------------------------------ 4. file contexts
fc=$t/pol/file_contexts
lookup() {  # PATH MODE EXPECTED-TYPE
  local got
  got=$(selabel_lookup -b file -k "$1" -t "$2" -f "$fc" | sed -n 's/^Default context: //p')
  [ "${got#*:*:}" != "$got" ] || oi_fail "selabel_lookup $1: no context"
  case $got in *":$3:"*) ;; *) oi_fail "$1 is $got, expected $3" ;; esac
}
for prefix in /usr /usr/local; do
  lookup "$prefix/bin/oci-immutable-runtime" 32768 oci_immutable_runtime_exec_t
  lookup "$prefix/libexec/oci/hooks.d/oci-immutable-hook" 32768 oci_immutable_hook_exec_t
done
lookup /etc/oci-immutable 16384 oci_immutable_conf_t
lookup /etc/oci-immutable/policy.json 32768 oci_immutable_conf_t
lookup /var/log/oci-immutable 16384 oci_immutable_log_t
lookup /var/log/oci-immutable/violations.log 32768 oci_immutable_log_t
lookup /usr/bin/runc 32768 bin_t
oi_pass "file_contexts: the wrapper, the hook (/usr and /usr/local), /etc/oci-immutable and /var/log/oci-immutable get their types; /usr/bin/runc stays bin_t"

# ------------------------------------------------------------ 5. with a container policy
mkdir "$t/stub"
cat >"$t/stub/oci_immutable_stub.te" <<'EOF'
policy_module(oci_immutable_stub, 1.0.0)
# Stand-in for container-selinux (container_runtime_t) and refpolicy's
# container module (container_engine_t), with their content type.
type container_runtime_t;
domain_type(container_runtime_t)
role system_r types container_runtime_t;
type container_engine_t;
domain_type(container_engine_t)
role system_r types container_engine_t;
type container_file_t;
files_type(container_file_t)
EOF
make -s -C "$t/stub" -f "$DEVEL" oci_immutable_stub.pp >"$t/stub/build.log" 2>&1 ||
  { cat "$t/stub/build.log" >&2; oi_fail "the stub module did not build"; }
"$HLL_PP" "$t/stub/oci_immutable_stub.pp" "$t/stub/oci_immutable_stub.cil" 2>/dev/null
compile "$t/pol2" "$cil" "$t/stub/oci_immutable_stub.cil" ||
  { cat "$t/pol2/log" >&2; oi_fail "secilc failed with the container stand-in"; }
P2=$t/pol2/policy.33
for rt in container_runtime_t container_engine_t; do
  # Without the container policy the type does not exist and the blocks are off.
  seinfo -t "$rt" "$P" | grep -q "Types: 0" || oi_fail "$rt exists in the distribution policy"
  some "$P2" -A -s "$rt" -t "$S" -c process -p transition
  some "$P2" -A -s "$rt" -t "$S" -c process2 -p nnp_transition
  some "$P2" -T -s "$rt" -t oci_immutable_hook_exec_t -c process
  some "$P2" -A -s "$rt" -t oci_immutable_runtime_exec_t -c file -p execute_no_trans
  some "$P2" -A -s "$S" -t "$rt" -c fifo_file -p write
done
some "$P2" -A -s "$S" -t container_file_t -c file -p entrypoint
some "$P2" -A -s "$S" -t container_file_t -c file -p write
some "$P2" -A -s "$H" -t container_file_t -c filesystem -p relabelto
some "$P2" -A -s "$H" -t container_file_t -c filesystem -p mount
none "$P2" -A -s "$S" -t container_file_t -c dir -p mounton
oi_pass "with a container policy: container_runtime_t/container_engine_t start $S (nnp too), run the hook in $H; the hook can mount tmpfs with context=container_file_t"

# ------------------------------------------------------------ 6. neverallow holds against other modules
mkdir "$t/bad"
cat >"$t/bad/oci_immutable_bad.te" <<'EOF'
policy_module(oci_immutable_bad, 1.0.0)
gen_require(`
	type oci_immutable_spc_t, sysctl_vm_t, proc_t, tmpfs_t;
')
allow oci_immutable_spc_t sysctl_vm_t:file write;
allow oci_immutable_spc_t proc_t:filesystem remount;
allow oci_immutable_spc_t tmpfs_t:dir mounton;
EOF
make -s -C "$t/bad" -f "$DEVEL" oci_immutable_bad.pp >"$t/bad/build.log" 2>&1 ||
  { cat "$t/bad/build.log" >&2; oi_fail "the bad module did not build"; }
"$HLL_PP" "$t/bad/oci_immutable_bad.pp" "$t/bad/oci_immutable_bad.cil" 2>/dev/null
if compile "$t/pol3" "$cil" "$t/bad/oci_immutable_bad.cil"; then
  oi_fail "secilc accepted a module that lets $S write sysctls, remount and mount"
fi
for rule in "sysctl_vm_t (file (write))" "proc_t (filesystem (remount))" "tmpfs_t (dir (mounton))"; do
  grep -qF "(allow oci_immutable_spc_t $rule)" "$t/pol3/log" || { cat "$t/pol3/log" >&2; oi_fail "no neverallow failure for: $rule"; }
done
grep -q "neverallow check failed at .*/oci_immutable.cil:" "$t/pol3/log" ||
  { cat "$t/pol3/log" >&2; oi_fail "the failures are not the module's neverallow rules"; }
echo "   secilc refused the bad module:"
grep -A1 "neverallow check failed" "$t/pol3/log" | grep -v '^--$' | head -n 6 | sed 's/^/     /'
oi_pass "neverallow: a module granting $S sysctl write, remount or mounton cannot be linked"

oi_summary
