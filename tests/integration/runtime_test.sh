#!/usr/bin/env bash
# shellcheck disable=SC2016  # sh -c programs are single-quoted on purpose
# oci-immutable-runtime under real runc and crun. A privileged container
# started through the wrapper runs escape_probe: every escape class is blocked
# (EROFS for plain writes, EPERM from the merged seccomp rules for the rest),
# the volume and the policy's tmpfs path stay writable, and the log holds the
# wrapper's and the hook's records. The same probe with the hook alone escapes
# (why the wrapper exists). The rewrite keeps unknown members, number text,
# file mode and owner, is idempotent, merges into existing seccomp profiles;
# pass-through commands print what the runtime prints; a broken config.json
# and a runtime that is the wrapper itself are refused.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
oi_require_root
oi_require_tool runc crun jq cpp
HOOK=${OI_HOOK:?OI_HOOK names the built oci-immutable-hook}
WRAPPER=${OI_RUNTIME:?OI_RUNTIME names the built oci-immutable-runtime}
PROBE=${OI_PROBE:?OI_PROBE names the built escape_probe}

work=$(oi_tmpdir)
log=$work/violations.log
policy=$work/policy.json
cat >"$policy" <<JSON
{"mode": "enforce", "log": {"file": "$log", "syslog": false}, "writable_paths": ["/var/cache/nginx"]}
JSON
export OCI_IMMUTABLE_CONFIG=$policy OCI_IMMUTABLE_HOOK=$HOOK
unset OCI_IMMUTABLE_RUNTIME
swappiness=$(cat /proc/sys/vm/swappiness)

# Each runtime keeps its state under $work (a shim adds --root), so `list`
# shows this script's containers only, whatever else runs on the host.
mkdir -p "$work/bin"
for rt in runc crun; do
  var=OI_${rt^^}
  real=$(command -v "${!var}")
  printf '#!/bin/sh\nexec %s --root %s "$@"\n' "$real" "$work/state-$rt" >"$work/bin/$rt"
  chmod 755 "$work/bin/$rt"
  printf -v "$var" %s "$work/bin/$rt"
done

CLASSES=14  # lines escape_probe prints
probe_cmd='/escape_probe /data; echo "probe-exit: $?"'

records() {  # ID [JQ-CONDITION]: the log records of one container, compact
  jq -c --arg id "$1" "select(.container_id == \$id and (${2:-true}))" "$log"
}
count_records() { records "$@" | wc -l; }  # ID JQ-CONDITION

# A privileged bundle with a volume at /data on the rootfs's filesystem and the probe.
probe_bundle() {  # DIR [oi_make_bundle OPTIONS] -- CMD...
  local b=$1; shift
  mkdir -p "$b-vol"
  oi_make_bundle "$b" --privileged --volume "$b-vol:/data" "$@"
  cp "$PROBE" "$b/rootfs/escape_probe"
}

assert_all_blocked() {  # WHAT: $OI_OUT holds the probe's lines; seccomp must block all but plain writes
  [ "$(grep -cE '^[a-z-]+: blocked \(' "$OI_OUT")" = "$CLASSES" ] || oi_fail "$1: not all $CLASSES classes blocked"
  oi_assert_not_contains "$OI_OUT" "ESCAPED"
  oi_assert_contains "$OI_OUT" "plain-write-rootfs: blocked (EROFS"
  oi_assert_contains "$OI_OUT" "plain-write-proc-sys: blocked (EROFS"
  [ "$(grep -v '^plain-write' "$OI_OUT" | grep -cE '^[a-z-]+: blocked \(EPERM from ')" = $((CLASSES - 2)) ] ||
    oi_fail "$1: a class was not stopped by EPERM at its first mount/handle syscall"
  oi_assert_contains "$OI_OUT" "probe-exit: 0"
}

# src/seccomp/profile.cc's ImmutabilityDenyList.
deny_names='["mount","umount","umount2","pivot_root","move_mount","open_tree","fsopen","fsconfig",
  "fsmount","fspick","mount_setattr","open_by_handle_at","init_module","finit_module",
  "delete_module","kexec_load","kexec_file_load"]'

for rt in runc crun; do
  # ---- the wrapper: every class blocked, writable paths kept, records
  b=$work/$rt-wrapped
  probe_bundle "$b" --annotation io.kubernetes.pod.name=web-0 \
    --annotation io.kubernetes.pod.namespace=shop --annotation io.kubernetes.container.name=nginx \
    -- sh -c "$probe_cmd"'
      echo "volume: $(touch /data/ok 2>&1 && echo writable)"
      echo "tmpfs: $(touch /var/cache/nginx/ok 2>&1 && echo writable)"'
  id=$(oi_id "$rt-wrapped")
  rc=0; OI_WRAPPER=$WRAPPER oi_run "$rt" "$b" "$id" || rc=$?
  oi_assert_status 0 "$rc" "$rt wrapped: container run"
  assert_all_blocked "$rt wrapped"
  oi_assert_contains "$OI_OUT" "volume: writable"
  oi_assert_contains "$OI_OUT" "tmpfs: writable"
  [ -f "$b-vol/ok" ] || oi_fail "$rt wrapped: the volume write did not reach the host"
  jq -e --arg hook "$HOOK" --arg pol "$policy" --argjson deny "$deny_names" '
      .root.readonly == true and (.linux.readonlyPaths | index(["/proc/sys"]) != null)
      and .hooks.createContainer[-1] == {path: $hook, args: ["oci-immutable-hook", "--config", $pol,
                                          "createContainer"], timeout: 10}
      and ([.linux.seccomp.syscalls[] | select(.action == "SCMP_ACT_ERRNO" and .errnoRet == 1)
            | .names[]] | sort) == ($deny | sort)' "$b/config.json" >/dev/null ||
    oi_fail "$rt wrapped: config.json lacks the rewrite"
  for v in rootfs-writable proc-sys-writable privileged privileged-unconfined; do
    n=$(count_records "$id" ".source == \"runtime\" and .stage == \"run\" and .violation == \"$v\"
          and .action == \"enforced\" and .pod == \"web-0\" and .namespace == \"shop\"")
    [ "$n" = 1 ] || { records "$id" >&2; oi_fail "$rt wrapped: $n runtime '$v' records, expected 1"; }
  done
  [ "$(records "$id" '.source == "hook" and .stage == "createContainer" and .violation != null' |
       jq -r .violation)" = privileged ] ||
    { records "$id" >&2; oi_fail "$rt wrapped: the hook should see only 'privileged' in the rewritten spec"; }
  oi_pass "$rt wrapped: $CLASSES escape classes blocked (EROFS/EPERM), volume+tmpfs writable, runtime+hook records"

  # ---- an ordinary container through the wrapper: runs, gets no seccomp
  b=$work/$rt-normal
  oi_make_bundle "$b" -- sh -c 'echo hi; ls /'
  id=$(oi_id "$rt-normal")
  rc=0; OI_WRAPPER=$WRAPPER oi_run "$rt" "$b" "$id" || rc=$?
  oi_assert_status 0 "$rc" "$rt normal: container run"
  [ "$(head -1 "$OI_OUT")" = hi ] || oi_fail "$rt normal: no 'hi'"
  oi_assert_contains "$OI_OUT" "proc"
  jq -e '.root.readonly == true and .linux.seccomp == null' "$b/config.json" >/dev/null ||
    oi_fail "$rt normal: expected root.readonly and no seccomp for a non-privileged spec"
  [ "$(records "$id" '.source == "runtime" and .violation != null' | jq -r .violation)" = rootfs-writable ] ||
    oi_fail "$rt normal: expected one runtime record, rootfs-writable"
  oi_pass "$rt normal: 'echo hi; ls /' exits 0 through the wrapper, no seccomp added"

  # ---- the contrast: the hook alone cannot stop a privileged container
  b=$work/$rt-hookonly
  probe_bundle "$b" --hook createContainer "$HOOK" --config "$policy" createContainer -- sh -c "$probe_cmd"
  id=$(oi_id "$rt-hookonly")
  rc=0; oi_run "$rt" "$b" "$id" || rc=$?
  oi_assert_status 0 "$rc" "$rt hook only: container run"
  oi_assert_contains "$OI_OUT" "probe-exit: 1"
  oi_assert_contains "$OI_OUT" "plain-write-rootfs: blocked (EROFS"
  oi_assert_contains "$OI_OUT" "plain-write-proc-sys: blocked (EROFS"
  oi_assert_contains "$OI_OUT" "remount-bind-rw-root: ESCAPED"
  [ "$(count_records "$id" '.source == "hook" and .violation == "privileged-unconfined"')" = 1 ] ||
    oi_fail "$rt hook only: no privileged-unconfined record"
  oi_pass "$rt hook only: $(grep -c ': ESCAPED' "$OI_OUT") of $CLASSES classes escape ($(
    sed -n 's/: ESCAPED.*//p' "$OI_OUT" | paste -sd, -)); privileged-unconfined logged"

  # ---- the rewrite: unknown members, number text, mode, idempotence
  b=$work/$rt-spec
  oi_make_bundle "$b" --privileged --jq '.linux["x-unknown"] = {"k": [true, null, "v"]}' -- true
  [ "$(head -1 "$b/config.json")" = "{" ] || oi_fail "$rt spec: unexpected jq layout"
  # Text jq would normalise: 2.50, and an integer beyond 2^64-1 fits no double exactly.
  sed -i '1s/^{$/{"x-future": {"a": [1, 2.50, "s"], "big": 18446744073709551615},/' "$b/config.json"
  chmod 640 "$b/config.json"
  cp -p "$b/config.json" "$work/$rt-spec.before"
  id=$(oi_id "$rt-spec")
  oi_register "$rt" "$id"
  # containerd's form: global options first, a pid file after the bundle.
  rc=0; OI_WRAPPER=$WRAPPER oi_rt "$rt" --log "$work/$id.rtlog" --log-format json create \
    --bundle "$b" --pid-file "$work/$id.pid" "$id" </dev/null >"$OI_OUT" 2>"$OI_ERR" || rc=$?
  oi_assert_status 0 "$rc" "$rt spec: create through the wrapper"
  [ ! -s "$OI_OUT" ] || oi_fail "$rt spec: the wrapper wrote on stdout"
  after=$b/config.json
  [ "$(stat -c '%a %u:%g' "$after")" = 640\ 0:0 ] || oi_fail "$rt spec: mode/owner changed: $(stat -c '%a %u:%g' "$after")"
  for f in '.["x-future"]' '.linux["x-unknown"]' \
           'del(.root.readonly, .hooks, .linux.readonlyPaths, .linux.seccomp)'; do
    [ "$(jq -S "$f" "$work/$rt-spec.before")" = "$(jq -S "$f" "$after")" ] ||
      oi_fail "$rt spec: $f differs after the rewrite"
  done
  oi_assert_contains "$after" "2.50"
  oi_assert_contains "$after" "18446744073709551615"
  jq -e '.root.readonly == true' "$after" >/dev/null || oi_fail "$rt spec: root.readonly not set"
  [ "$(count_records "$id" '.source == "runtime" and .stage == "create" and .violation != null')" = 4 ] ||
    oi_fail "$rt spec: expected 4 runtime records at stage create"
  oi_pass "$rt spec: unknown members and number text survive, mode 640 kept, create records"

  # Pass-through: the wrapper's output is the runtime's, byte for byte.
  oi_rt "$rt" list | grep -qF "$id" || oi_fail "$rt pass-through: list does not show $id"
  for cmd in "state $id" "list" "list --format json" "state no-such-$id"; do
    rc1=0; rc2=0
    # shellcheck disable=SC2086  # $cmd is words
    OI_WRAPPER=$WRAPPER oi_rt "$rt" $cmd >"$work/pass.wrapped" 2>/dev/null </dev/null || rc1=$?
    # shellcheck disable=SC2086
    oi_rt "$rt" $cmd >"$work/pass.direct" 2>/dev/null </dev/null || rc2=$?
    [ "$rc1" = "$rc2" ] || oi_fail "$rt pass-through '$cmd': exit $rc1 through the wrapper, $rc2 direct"
    cmp -s "$work/pass.wrapped" "$work/pass.direct" || {
      diff "$work/pass.wrapped" "$work/pass.direct" >&2; oi_fail "$rt pass-through '$cmd': stdout differs"; }
  done
  oi_pass "$rt pass-through: state, list, list --format json, state of a missing id: same bytes and status"

  # A second create of the same bundle leaves config.json alone (same bytes, same inode).
  oi_delete "$rt" "$id"
  cp "$after" "$work/$rt-spec.first"
  ino=$(stat -c %i "$after")
  id2=$(oi_id "$rt-spec2")
  oi_register "$rt" "$id2"
  rc=0; OI_WRAPPER=$WRAPPER oi_rt "$rt" create "--bundle=$b" "$id2" </dev/null >"$OI_OUT" 2>"$OI_ERR" || rc=$?
  oi_assert_status 0 "$rc" "$rt spec: second create"
  cmp -s "$after" "$work/$rt-spec.first" || oi_fail "$rt spec: the second create changed config.json"
  [ "$(stat -c %i "$after")" = "$ino" ] || oi_fail "$rt spec: the second create replaced config.json"
  [ "$(records "$id2" '.source == "runtime" and .violation != null' | jq -r .violation)" = privileged ] ||
    oi_fail "$rt spec: the rewritten spec should only be 'privileged'"
  oi_delete "$rt" "$id2"
  oi_pass "$rt spec: a second create is a no-op (bytes and inode kept), only 'privileged' left"

  # ---- seccomp merge A: default allow, a rule allowing mount, a rule to keep
  b=$work/$rt-seccomp-allow
  probe_bundle "$b" --jq '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [
      {names: ["mount", "getpid"], action: "SCMP_ACT_ALLOW"},
      {names: ["sethostname"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}' \
    -- sh -c "$probe_cmd"'; hostname changed 2>/dev/null; echo "hostname: $(hostname)"'
  id=$(oi_id "$rt-seccomp-allow")
  rc=0; OI_WRAPPER=$WRAPPER oi_run "$rt" "$b" "$id" || rc=$?
  oi_assert_status 0 "$rc" "$rt seccomp allow: container run"
  assert_all_blocked "$rt seccomp allow"
  oi_assert_contains "$OI_OUT" "hostname: oi-test"
  jq -e --argjson deny "$deny_names" '.linux.seccomp | .defaultAction == "SCMP_ACT_ALLOW"
      and .syscalls[0] == {names: ["getpid"], action: "SCMP_ACT_ALLOW"}
      and .syscalls[1] == {names: ["sethostname"], action: "SCMP_ACT_ERRNO", errnoRet: 1}
      and (.syscalls | length) == 3 and (.syscalls[2] | .action == "SCMP_ACT_ERRNO" and .errnoRet == 1
                                              and (.names | sort) == ($deny | sort))' "$b/config.json" >/dev/null ||
    { jq .linux.seccomp "$b/config.json" >&2; oi_fail "$rt seccomp allow: unexpected merge"; }
  oi_pass "$rt seccomp allow: mount taken from the allow rule, deny rule added, other rules kept and effective"

  # ---- seccomp merge B: default deny, an allow list of every syscall (mount included)
  b=$work/$rt-seccomp-deny
  all=$(echo '#include <sys/syscall.h>' | cpp -dM | sed -n 's/^#define __NR_\([a-z0-9_]*\) .*/\1/p' |
        sort -u | jq -Rsc 'split("\n") | map(select(. != ""))')
  probe_bundle "$b" --jq '.linux.seccomp = {defaultAction: "SCMP_ACT_ERRNO",
      syscalls: [{names: '"$all"', action: "SCMP_ACT_ALLOW"}]}' -- sh -c "$probe_cmd"
  id=$(oi_id "$rt-seccomp-deny")
  rc=0; OI_WRAPPER=$WRAPPER oi_run "$rt" "$b" "$id" || rc=$?
  oi_assert_status 0 "$rc" "$rt seccomp deny: container run"
  assert_all_blocked "$rt seccomp deny"
  jq -e --argjson all "$all" --argjson deny "$deny_names" '.linux.seccomp
      | .defaultAction == "SCMP_ACT_ERRNO" and (.syscalls | length) == 1
      and .syscalls[0] == {names: ($all - $deny), action: "SCMP_ACT_ALLOW"}' \
      "$b/config.json" >/dev/null || oi_fail "$rt seccomp deny: unexpected merge"
  oi_pass "$rt seccomp deny: mount and friends taken from the allow list, no rule added, all blocked"

  # ---- a truncated config.json: refused, one line naming the file, file unchanged
  b=$work/$rt-broken
  oi_make_bundle "$b" --privileged -- true
  head -c 200 "$b/config.json" >"$work/broken.json" && cp "$work/broken.json" "$b/config.json"
  id=$(oi_id "$rt-broken")
  oi_register "$rt" "$id"
  rc=0; OI_WRAPPER=$WRAPPER oi_rt "$rt" create --bundle "$b" "$id" </dev/null >"$OI_OUT" 2>"$OI_ERR" || rc=$?
  [ "$rc" != 0 ] || oi_fail "$rt broken: the wrapper accepted a truncated config.json"
  [ ! -s "$OI_OUT" ] || oi_fail "$rt broken: output on stdout"
  [ "$(wc -l <"$OI_ERR")" = 1 ] || oi_fail "$rt broken: expected one line on stderr"
  oi_assert_contains "$OI_ERR" "$b/config.json"
  cmp -s "$b/config.json" "$work/broken.json" || oi_fail "$rt broken: config.json changed"
  ! oi_rt "$rt" state "$id" >/dev/null 2>&1 || oi_fail "$rt broken: the container exists"
  oi_pass "$rt broken: exit $rc, '$(cat "$OI_ERR")'"
done

# ---- the wrapper as its own runtime is refused; on PATH it skips itself
for r in "$WRAPPER" "$work/bin/alias"; do
  ln -sf "$WRAPPER" "$work/bin/alias"
  rc=0; OCI_IMMUTABLE_RUNTIME=$r "$WRAPPER" state x >"$OI_OUT" 2>"$OI_ERR" || rc=$?
  [ "$rc" != 0 ] || oi_fail "runtime=$r: accepted"
  oi_assert_contains "$OI_ERR" "is this wrapper"
done
mkdir -p "$work/path"
ln -s "$WRAPPER" "$work/path/runc"
[ "$(PATH=$work/path:$PATH "$work/path/runc" --version 2>&1)" = "$(runc --version 2>&1)" ] ||
  oi_fail "the wrapper named runc first on PATH did not find the real runc"
oi_pass "OCI_IMMUTABLE_RUNTIME naming the wrapper (or a link to it) refused; on PATH it skips itself"

# ---- nothing escaped onto the host
[ "$(cat /proc/sys/vm/swappiness)" = "$swappiness" ] || oi_fail "vm.swappiness changed"
! compgen -G '/.oi-escape-probe-shocker-*' >/dev/null || oi_fail "a shocker probe file is left in /"
! compgen -G "$work/*/rootfs/probe-escaped" >/dev/null || oi_fail "a probe file is left in a rootfs"
oi_pass "host: vm.swappiness unchanged, no probe files left"

oi_summary
