#!/usr/bin/env bash
# shellcheck disable=SC2016  # sh -c programs are single-quoted on purpose
# oci-immutable-hook scan against real, running runc and crun containers:
# plain (masked kernel paths, writable rootfs), read-only rootfs, privileged,
# privileged under the hook with a seccomp filter on mount(2), and privileged
# under the hook without one. The verdicts of --pid and --all match what
# probes inside each container observe; exit codes 0/1/2.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
oi_require_root
oi_require_tool runc crun jq
HOOK=${OI_HOOK:?OI_HOOK names the built oci-immutable-hook}

work=$(oi_tmpdir)
policy=$work/policy.json
jq -n --arg log "$work/violations.log" '{mode: "enforce", log: {file: $log}}' >"$policy"
# The mount syscalls a privileged process would use to undo the hook.
seccomp='.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{action: "SCMP_ACT_ERRNO",
  names: ["mount", "umount2", "mount_setattr", "move_mount", "open_tree", "fsopen", "fsmount",
          "fsconfig", "fspick", "pivot_root"]}]}'
kinds=(plain ro priv hook hookns)
declare -A PID EXPECT

scan() {  # ARGS...: runs scan; stdout -> $OI_OUT, stderr -> $OI_ERR, returns its status
  "$HOOK" scan --config "$policy" "$@" >"$OI_OUT" 2>"$OI_ERR"
}

# ---------------------------------------------------------------- containers
for rt in runc crun; do
  vol=$work/$rt-vol
  mkdir -p "$vol"
  for k in "${kinds[@]}"; do
    b=$work/$rt-$k
    case $k in
      plain) oi_make_bundle "$b" --volume "$vol:/data" -- sleep 300 ;;
      ro) oi_make_bundle "$b" --readonly-root -- sleep 300 ;;
      priv) oi_make_bundle "$b" --privileged -- sleep 300 ;;
      hook) oi_make_bundle "$b" --privileged --hook prestart "$HOOK" --config "$policy" prestart \
              ';' --jq "$seccomp" -- sleep 300 ;;
      hookns) oi_make_bundle "$b" --privileged --hook prestart "$HOOK" --config "$policy" prestart \
                -- sleep 300 ;;
    esac
    id=$(oi_id "$rt-$k")
    oi_create "$rt" "$b" "$id" || { oi_show "$OI_WORK/$id.err"; oi_fail "$rt $k: create"; }
    oi_start "$rt" "$id" || oi_fail "$rt $k: start"
    PID[$rt-$k]=$(oi_state "$rt" "$id" | jq -r .pid)
  done
done
EXPECT[plain]='false ["rootfs writable"]'
EXPECT[ro]='true []'
EXPECT[priv]='false ["rootfs writable","/proc/sys writable","/proc/irq writable","/proc/bus writable","/proc/fs writable","privileged (CAP_SYS_ADMIN) without a seccomp filter"]'
EXPECT[hook]='true []'
EXPECT[hookns]='false ["privileged (CAP_SYS_ADMIN) without a seccomp filter"]'

# What the workload sees: "ro" when a write fails with EROFS, else "rw".
probe_root() {  # RT ID
  oi_exec "$1" "$2" sh -c 'touch /x 2>&1 && rm /x; true'
  if grep -q "Read-only file system" "$OI_OUT"; then echo ro; else echo rw; fi
}
probe_sysctl() {  # RT ID (writes back the current value)
  oi_exec "$1" "$2" sh -c 'v=$(cat /proc/sys/vm/swappiness); (echo "$v" >/proc/sys/vm/swappiness) 2>&1; true'
  if grep -q "Read-only file system" "$OI_OUT"; then echo ro; else echo rw; fi
}

# ---------------------------------------------------------------- --pid
for rt in runc crun; do
  for k in "${kinds[@]}"; do
    id=$(oi_id "$rt-$k") pid=${PID[$rt-$k]}
    read -r want_immutable want_reasons <<<"${EXPECT[$k]}"
    want_status=1; [ "$want_immutable" = true ] && want_status=0
    rc=0; scan --pid "$pid" --format json || rc=$?
    oi_assert_status "$want_status" "$rc" "$rt $k: scan --pid $pid"
    c=$(jq -c '.containers[0]' "$OI_OUT")
    [ "$(jq -r '.id + " " + .runtime + " " + (.pid | tostring)' <<<"$c")" = "$id $rt $pid" ] ||
      oi_fail "$rt $k: scan names $(jq -c '[.id, .runtime, .pid]' <<<"$c"), expected $id $rt $pid"
    [ "$(jq -c .immutable <<<"$c")" = "$want_immutable" ] || oi_fail "$rt $k: immutable is not $want_immutable"
    [ "$(jq -c .reasons <<<"$c")" = "$want_reasons" ] ||
      oi_fail "$rt $k: reasons $(jq -c .reasons <<<"$c"), expected $want_reasons"
    # The verdict's facts against the probes.
    root=$(jq -r 'if .rootfs.read_only then "ro" else "rw" end' <<<"$c")
    sys=$(jq -r '.protected_paths[] | select(.path == "/proc/sys") | if .read_only then "ro" else "rw" end' <<<"$c")
    [ "$(probe_root "$rt" "$id")" = "$root" ] || oi_fail "$rt $k: scan says rootfs $root, the probe disagrees"
    [ "$(probe_sysctl "$rt" "$id")" = "$sys" ] || oi_fail "$rt $k: scan says /proc/sys $sys, the probe disagrees"
    [ "$(jq -r '.protected_paths[] | select(.path == "/proc/sysrq-trigger") | .present' <<<"$c")" = \
      "$(oi_exec "$rt" "$id" test -e /proc/sysrq-trigger && echo true || echo false)" ] ||
      oi_fail "$rt $k: /proc/sysrq-trigger presence differs from the probe"
    case $k in
      plain) jq -e '.writable_mounts | any(.target == "/data" and .kind == "volume")' <<<"$c" >/dev/null ||
               oi_fail "$rt plain: the volume is not listed as writable" ;;
      priv) jq -e '.privileged and .only_volumes_and_tmpfs == false and .seccomp.filter_present == false' \
              <<<"$c" >/dev/null || oi_fail "$rt priv: privileged facts" ;;
      hook) jq -e '.privileged and .seccomp.mode == "filter" and .seccomp.filters >= 1' <<<"$c" >/dev/null ||
              oi_fail "$rt hook: seccomp facts" ;;
    esac
    oi_pass "$rt $k: scan --pid exit $rc, rootfs $root, /proc/sys $sys, as the probes see it"
  done
done

# A privileged container without a seccomp filter can undo the hook: that is
# why scan calls it mutable. Under the filter it cannot.
for rt in runc crun; do
  oi_exec "$rt" "$(oi_id "$rt-hook")" mount -o remount,bind,rw / && oi_fail "$rt hook: remount succeeded"
  oi_assert_contains "$OI_ERR" "permission denied"  # busybox's words for EPERM
  oi_exec "$rt" "$(oi_id "$rt-hookns")" mount -o remount,bind,rw / || oi_fail "$rt hookns: remount failed"
  [ "$(probe_root "$rt" "$(oi_id "$rt-hookns")")" = rw ] || oi_fail "$rt hookns: rootfs still read-only"
  rc=0; scan --pid "${PID[$rt-hookns]}" --format json || rc=$?
  oi_assert_status 1 "$rc" "$rt hookns: scan after the remount"
  jq -e '.containers[0].reasons | index("rootfs writable")' "$OI_OUT" >/dev/null ||
    oi_fail "$rt hookns: the rescan does not see the writable rootfs"
  oi_pass "$rt: privileged without seccomp remounts / rw, the rescan sees it; with seccomp EPERM"
done
EXPECT[hookns]='false ["rootfs writable","privileged (CAP_SYS_ADMIN) without a seccomp filter"]'

# ---------------------------------------------------------------- --all
# Other containers may run on this node: check ours, and the exit status 1
# that our mutable ones imply.
for args in "" "--all"; do
  rc=0; scan ${args:+"$args"} --format json || rc=$?
  oi_assert_status 1 "$rc" "scan $args --format json"
  cp "$OI_OUT" "$work/all.json"
  for rt in runc crun; do
    for k in "${kinds[@]}"; do
      id=$(oi_id "$rt-$k") pid=${PID[$rt-$k]}
      ns=$(stat -L -c %i "/proc/$pid/ns/mnt")
      read -r want_immutable want_reasons <<<"${EXPECT[$k]}"
      got=$(jq -c --argjson ns "$ns" '[.containers[] | select(.mount_namespace == $ns)
              | {id, runtime, pid, immutable, reasons}]' "$work/all.json")
      want=$(jq -nc --arg id "$id" --arg rt "$rt" --argjson pid "$pid" --argjson i "$want_immutable" \
               --argjson r "$want_reasons" '[{id: $id, runtime: $rt, pid: $pid, immutable: $i, reasons: $r}]')
      [ "$got" = "$want" ] || { oi_show "$work/all.json"; oi_fail "scan $args: $rt $k is $got, expected $want"; }
    done
  done
  oi_pass "scan ${args:-(default --all)}: one entry per container namespace, named, verdicts as with --pid"
done

rc=0; scan --all || rc=$?
oi_assert_status 1 "$rc" "scan --all (table)"
head -1 "$OI_OUT" | grep -q '^PID  *ID  *RUNTIME  *VERDICT' || oi_fail "table header"
for rt in runc crun; do
  for k in "${kinds[@]}"; do
    verdict=mutable; [ "$k" = ro ] || [ "$k" = hook ] && verdict=immutable
    grep -Eq "^${PID[$rt-$k]} +$(oi_id "$rt-$k") +$rt +$verdict " "$OI_OUT" ||
      oi_fail "table: no '$verdict' row for $rt $k"
  done
done
oi_pass "scan --all table: one row per container with its verdict"

# ---------------------------------------------------------------- errors
rc=0; scan --pid "${PID[runc-ro]}" || rc=$?
oi_assert_status 0 "$rc" "scan --pid of an immutable container (table)"
gone=$(( $(cat /proc/sys/kernel/pid_max) + 1 ))
rc=0; scan --pid "$gone" || rc=$?
oi_assert_status 2 "$rc" "scan --pid of a process that does not exist"
oi_assert_contains "$OI_ERR" "pid $gone: no such process"
rc=0; scan --pid abc || rc=$?
oi_assert_status 2 "$rc" "scan --pid abc"
oi_assert_contains "$OI_ERR" '--pid: "abc" is not a process id'
rc=0; "$HOOK" scan --config "$work/missing.json" >"$OI_OUT" 2>"$OI_ERR" || rc=$?
oi_assert_status 2 "$rc" "scan with a missing policy"
oi_assert_contains "$OI_ERR" "policy: "
oi_pass "exit 0 for an immutable container, 2 for a missing pid, bad arguments and a bad policy"

oi_summary
