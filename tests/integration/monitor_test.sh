#!/usr/bin/env bash
# shellcheck disable=SC2016  # sh -c programs are single-quoted on purpose
# oci-immutable-monitor with real runc and crun containers started through
# oci-immutable-runtime. For each runtime: escape_probe in a privileged
# container (every class blocked, EPERM from the monitor) and one log record
# per attempted syscall, counted independently with strace; a workload that
# attempts nothing leaves no record; 16 containers at once, each attempt
# attributed to its container; kill -9 of the monitor with an attempt pending
# and after: ENOSYS, the container keeps running; the monitor absent at create
# (fallback refuse: refused; errno: ERRNO rules and a notice). Then hostile
# clients (garbage, 1 MiB, no fd, a pipe as fd, too many fds, slowloris, a
# flood of connections, a non-root user) neither stop it nor reach the log,
# and socket activation (LISTEN_FDS).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
oi_require_root
oi_require_tool runc crun jq python3 setpriv strace
HOOK=${OI_HOOK:?OI_HOOK names the built oci-immutable-hook}
WRAPPER=${OI_RUNTIME:?OI_RUNTIME names the built oci-immutable-runtime}
MONITOR=${OI_MONITOR:?OI_MONITOR names the built oci-immutable-monitor}
PROBE=${OI_PROBE:?OI_PROBE names the built escape_probe}
HOSTILE=$(dirname "$0")/monitor_hostile.py
NOBODY_PYTHON=/usr/bin/python3  # Debian's: a pyenv shim under /root is out of uid 65534's reach
[ -x "$NOBODY_PYTHON" ] || { echo "SKIP: monitor_test needs $NOBODY_PYTHON" >&2; exit 77; }

work=$(oi_tmpdir)
log=$work/violations.log
sock=$work/monitor/monitor.sock  # /tmp: crun's private mount namespace sees it too
write_policy() {  # FILE FALLBACK [SOCKET]
  printf '{"log": {"file": "%s"}, "monitor": {"socket": "%s", "fallback": "%s"}}\n' \
    "$log" "${3:-$sock}" "$2" >"$1"
}
write_policy "$work/refuse.json" refuse
write_policy "$work/errno.json" errno
export OCI_IMMUTABLE_CONFIG=$work/refuse.json OCI_IMMUTABLE_HOOK=$HOOK
unset OCI_IMMUTABLE_RUNTIME

MPID=
start_monitor() {  # [CMD PREFIX...]: the monitor in the background, $MPID
  "$@" "$MONITOR" --config "$work/refuse.json" 2>>"$work/monitor.err" &
  MPID=$!
  for _ in $(seq 100); do [ -S "$sock" ] && return 0; sleep 0.05; done
  oi_fail "the monitor did not create $sock"
}
stop_monitor() {
  if [ -n "$MPID" ]; then kill -9 "$MPID" 2>/dev/null || true; wait "$MPID" 2>/dev/null || true; fi
  MPID=
}
trap 'rc=$?; set +e; stop_monitor; (exit $rc); oi_cleanup' EXIT

mkdir -p "$work/bin"  # runtime state under $work (as runtime_test.sh does)
for rt in runc crun; do
  var=OI_${rt^^}
  real=$(command -v "${!var}")
  printf '#!/bin/sh\nexec %s --root %s "$@"\n' "$real" "$work/state-$rt" >"$work/bin/$rt"
  printf '#!/bin/sh\nexec strace -f -qq -o "$OI_STRACE" %s --root %s "$@"\n' "$real" \
    "$work/state-$rt" >"$work/bin/$rt-strace"
  chmod 755 "$work/bin/$rt" "$work/bin/$rt-strace"
  printf -v "$var" %s "$work/bin/$rt"
done

deny='mount|umount|umount2|pivot_root|move_mount|open_tree|fsopen|fsconfig|fsmount|fspick|mount_setattr|open_by_handle_at|init_module|finit_module|delete_module|kexec_load|kexec_file_load'
monitor_records() {  # ID: the monitor's records of one container
  jq -c --arg id "$1" 'select(.source == "monitor" and .container_id == $id)' "$log"
}
# The monitor writes a record just after its answer has woken the process:
# wait (up to 2 s) until ID has N records.
wait_records() {  # ID N
  for _ in $(seq 40); do [ "$(monitor_records "$1" | wc -l)" -ge "$2" ] && return 0; sleep 0.05; done
}
# Deny-list syscalls strace saw completed after execve of the probe, one name a line.
strace_calls() {  # FILE
  awk -v names="$deny" '
    /execve\("\/escape_probe"/ { on = 1; next }
    !on || / <unfinished \.\.\.>$/ { next }
    { sub(/^[0-9]+ +/, "") }
    $0 ~ "^<\\.\\.\\. (" names ") resumed>" { n = $2; print n; next }
    $0 ~ "^(" names ")\\(" { sub(/\(.*/, ""); print }' "$1"
}
wait_for() {  # FILE TEXT [SECONDS]
  for _ in $(seq $((${3:-10} * 20))); do grep -qF -- "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
  oi_show "$1"; oi_fail "no '$2' in $1"
}
mount_bundle() {  # DIR CMD: privileged, a volume at /data
  mkdir -p "$1-vol"
  oi_make_bundle "$1" --privileged --volume "$1-vol:/data" -- sh -c "$2"
}

start_monitor
if [ "$(stat -c %a "$sock")" != 600 ] || [ "$(stat -c %a "$(dirname "$sock")")" != 700 ]; then
  oi_fail "socket mode $(stat -c %a "$sock"), directory $(stat -c %a "$(dirname "$sock")")"
fi
oi_pass "monitor listening on $sock (mode 600, directory 700)"

for rt in runc crun; do
  # ---- escape_probe: all blocked, one record per attempted syscall
  b=$work/$rt-probe
  mount_bundle "$b" '/escape_probe /data; echo "probe-exit: $?"'
  cp "$PROBE" "$b/rootfs/escape_probe"
  id=$(oi_id "$rt-probe")
  oi_register "$rt" "$id"
  rc=0  # only `run` under strace
  OI_STRACE=$work/$rt.strace OI_WRAPPER=$WRAPPER OI_RUNC=$work/bin/runc-strace \
    OI_CRUN=$work/bin/crun-strace oi_rt "$rt" run --bundle "$b" "$id" </dev/null >"$OI_OUT" 2>"$OI_ERR" || rc=$?
  oi_delete "$rt" "$id"
  oi_assert_status 0 "$rc" "$rt probe: container run"
  oi_assert_contains "$OI_OUT" "probe-exit: 0"
  oi_assert_not_contains "$OI_OUT" "ESCAPED"
  [ "$(grep -v '^plain-write' "$OI_OUT" | grep -cE '^[a-z-]+: blocked \(EPERM from ')" = 12 ] ||
    oi_fail "$rt probe: not every class was stopped by EPERM"
  jq -e --arg s "$sock" '.linux.seccomp | .listenerPath == $s and .listenerMetadata == "oci-immutable"
      and (.syscalls[-1] | .action == "SCMP_ACT_NOTIFY" and (.names | index(["mount"])) != null)' \
    "$b/config.json" >/dev/null || oi_fail "$rt probe: config.json lacks the notify rules"
  strace_calls "$work/$rt.strace" | sort >"$work/$rt.traced"
  wait_records "$id" "$(wc -l <"$work/$rt.traced")"
  monitor_records "$id" | jq -r .syscall | sort >"$work/$rt.logged"
  [ -s "$work/$rt.traced" ] || oi_fail "$rt probe: strace saw no attempt"
  diff "$work/$rt.traced" "$work/$rt.logged" >&2 ||
    oi_fail "$rt probe: records differ from the syscalls strace saw (< strace, > log)"
  [ "$(monitor_records "$id" | jq -c 'select(.violation == "mount-attempt" and .action == "denied"
        and (.pid | type) == "number")' | wc -l)" = "$(wc -l <"$work/$rt.traced")" ] ||
    oi_fail "$rt probe: malformed records"
  for want in "mount /" "umount2 /proc/sys" "mount_setattr /proc/sys" "open_tree /proc" "mount /proc/sys"; do
    [ -n "$(monitor_records "$id" | jq -c --arg s "${want% *}" --arg t "${want#* }" \
            'select(.syscall == $s and .target == $t)')" ] || oi_fail "$rt probe: no record of $want"
  done
  [ "$(monitor_records "$id" | jq -r 'select(.syscall == "fsopen") | .fstype' | sort -u)" = proc ] ||
    oi_fail "$rt probe: fsopen record without fstype proc"
  oi_pass "$rt probe: 12 classes denied by the monitor; $(wc -l <"$work/$rt.logged") records =" \
    "$(wc -l <"$work/$rt.traced") syscalls strace saw ($(uniq -c "$work/$rt.logged" | awk '{printf "%s%s×%s", s, $2, $1; s=", "}'))"

  # ---- a workload that attempts nothing: no record
  b=$work/$rt-quiet
  oi_make_bundle "$b" --privileged -- sh -c 'echo quiet; grep Seccomp: /proc/self/status'
  id=$(oi_id "$rt-quiet")
  rc=0; OI_WRAPPER=$WRAPPER oi_run "$rt" "$b" "$id" || rc=$?
  oi_assert_status 0 "$rc" "$rt quiet: container run"
  oi_assert_contains "$OI_OUT" "quiet"
  oi_assert_contains "$OI_OUT" "Seccomp:	2"
  [ -z "$(monitor_records "$id")" ] || oi_fail "$rt quiet: records for a container that tried nothing"
  oi_pass "$rt quiet: runs under the notify filter, no records"

  # ---- 16 containers at once, each with its own target
  ids=()
  for n in $(seq 16); do
    b=$work/$rt-many-$n
    oi_make_bundle "$b" --privileged -- sh -c "mount -t tmpfs x /mnt-$n; echo rc=\$?"
    ids[n]=$(oi_id "$rt-many-$n")
    oi_register "$rt" "${ids[n]}"
  done
  pids=()
  for n in $(seq 16); do
    OI_WRAPPER=$WRAPPER oi_rt "$rt" run --bundle "$work/$rt-many-$n" "${ids[n]}" \
      </dev/null >"$work/$rt-many-$n.out" 2>&1 &
    pids+=($!)
  done
  wait "${pids[@]}"  # not the monitor
  for n in $(seq 16); do
    oi_assert_contains "$work/$rt-many-$n.out" "rc=1"
    wait_records "${ids[n]}" 1
    got=$(jq -r --arg t "/mnt-$n" --arg p "$(oi_id "$rt-many-")" 'select(.source == "monitor"
            and .target == $t and (.container_id | startswith($p))) | .container_id' "$log")
    [ "$got" = "${ids[n]}" ] || oi_fail "$rt many: /mnt-$n attributed to '$got', not ${ids[n]}"
    [ "$(monitor_records "${ids[n]}" | wc -l)" = 1 ] || oi_fail "$rt many: ${ids[n]} has not one record"
    oi_delete "$rt" "${ids[n]}"
  done
  oi_pass "$rt many: 16 concurrent containers, 16 records, each on its own container's target"

  # ---- kill -9: a pending attempt and later ones get ENOSYS, the container runs on
  b=$work/$rt-kill
  mount_bundle "$b" 'mount -t tmpfs x /mnt-a; echo first=$?
    while [ ! -e /data/go ]; do sleep 0.05; done
    mount -t tmpfs x /mnt-b; echo second=$?; mount -t tmpfs x /mnt-c; echo third=$?; echo alive
    while [ ! -e /data/stop ]; do sleep 0.05; done; echo done'
  id=$(oi_id "$rt-kill")
  OI_WRAPPER=$WRAPPER oi_create "$rt" "$b" "$id" || oi_fail "$rt kill: create"
  oi_start "$rt" "$id" || oi_fail "$rt kill: start"
  out=$OI_WORK/$id.out
  wait_for "$out" "first=1"
  # A process exec'd into the container gets its own filter, handed over too.
  ! oi_exec "$rt" "$id" mount -t tmpfs x /mnt-exec || oi_fail "$rt exec: the mount succeeded"
  wait_records "$id" 2
  [ "$(monitor_records "$id" | jq -r .target | sort | paste -sd,)" = /mnt-a,/mnt-exec ] ||
    oi_fail "$rt exec: expected records of /mnt-a and /mnt-exec"
  kill -STOP "$MPID"
  touch "$b-vol/go"
  sleep 1
  oi_assert_not_contains "$out" "second="  # mount /mnt-b waits for the stopped monitor
  kill -9 "$MPID"; wait "$MPID" 2>/dev/null || true; MPID=
  wait_for "$out" "alive"
  if ! grep -qE '^second=[1-9]' "$out" || ! grep -qE '^third=[1-9]' "$out"; then
    oi_show "$out"; oi_fail "$rt kill: a mount succeeded"
  fi
  [ "$(grep -c 'Function not implemented' "$OI_WORK/$id.err")" = 2 ] ||
    { oi_show "$OI_WORK/$id.err"; oi_fail "$rt kill: expected ENOSYS twice"; }
  [ "$(oi_state "$rt" "$id" | jq -r .status)" = running ] || oi_fail "$rt kill: container not running"
  touch "$b-vol/stop"
  wait_for "$out" "done"
  [ "$(monitor_records "$id" | jq -r .target | sort | paste -sd,)" = /mnt-a,/mnt-exec ] ||
    oi_fail "$rt kill: expected nothing logged after the kill"
  oi_delete "$rt" "$id"
  oi_pass "$rt exec + kill -9: an exec'd process's attempt logged; after kill -9 the pending and later" \
    "mounts fail with ENOSYS, the container keeps running"

  # ---- the monitor absent at create (a stale socket is left): refuse, or ERRNO and a notice
  b=$work/$rt-absent
  mount_bundle "$b" 'mount -t tmpfs x /mnt-z; echo rc=$?'
  id=$(oi_id "$rt-absent")
  oi_register "$rt" "$id"
  rc=0; OI_WRAPPER=$WRAPPER oi_rt "$rt" run --bundle "$b" "$id" </dev/null >"$OI_OUT" 2>"$OI_ERR" || rc=$?
  [ "$rc" != 0 ] || oi_fail "$rt absent: create succeeded with fallback refuse"
  oi_assert_contains "$OI_ERR" "oci-immutable-monitor at $sock: connect $sock: Connection refused"
  oi_assert_contains "$OI_ERR" '"refuse"'
  refused=$(sed 's/.*config.json: //' "$OI_ERR")
  ! oi_rt "$rt" state "$id" >/dev/null 2>&1 || oi_fail "$rt absent: the container exists"
  rc=0; OCI_IMMUTABLE_CONFIG=$work/errno.json OI_WRAPPER=$WRAPPER oi_run "$rt" "$b" "$id" || rc=$?
  oi_assert_status 0 "$rc" "$rt absent: errno fallback run"
  oi_assert_contains "$OI_OUT" "rc=1"
  oi_assert_contains "$OI_ERR" "permission denied"  # EPERM from the ERRNO rule
  jq -e '.linux.seccomp | .listenerPath == null and .syscalls[-1].action == "SCMP_ACT_ERRNO"' \
    "$b/config.json" >/dev/null || oi_fail "$rt absent: expected plain ERRNO rules"
  [ "$(jq -c --arg id "$id" 'select(.container_id == $id and .notice == "monitor-unavailable"
        and .path == "'"$sock"'")' "$log" | wc -l)" = 1 ] || oi_fail "$rt absent: no monitor-unavailable notice"
  [ -z "$(monitor_records "$id")" ] || oi_fail "$rt absent: monitor records without a monitor"
  oi_pass "$rt absent: refused ('$refused'); errno fallback: EPERM, notice"
  start_monitor  # replaces the stale socket
done

# ---- hostile clients
before=$(jq -c 'select(.source == "monitor")' "$log" | wc -l)
for mode in garbage huge nofd pipefd manyfds; do
  python3 "$HOSTILE" "$sock" "$mode" >>"$work/hostile.out" 2>&1
done
python3 "$HOSTILE" "$sock" slowloris 6 >>"$work/hostile.out" 2>&1 &
slow=$!
python3 "$HOSTILE" "$sock" flood 5 >>"$work/hostile.out" 2>&1 &
flood=$!
cp "$HOSTILE" "$work/hostile.py" && chmod 644 "$work/hostile.py"
nobody() { setpriv --reuid 65534 --regid 65534 --clear-groups "$NOBODY_PYTHON" "$work/hostile.py" "$@"; }
nobody "$sock" connect >>"$work/hostile.out" 2>&1
chmod 666 "$sock"; chmod 711 "$(dirname "$sock")"  # let uid 65534 reach the SO_PEERCRED check
nobody "$sock" connect >>"$work/hostile.out" 2>&1
chmod 600 "$sock"; chmod 700 "$(dirname "$sock")"
sleep 1
b=$work/during-attack
oi_make_bundle "$b" --privileged -- sh -c 'mount -t tmpfs x /mnt-attack; echo rc=$?'
id=$(oi_id during-attack)
rc=0; OI_WRAPPER=$WRAPPER oi_run runc "$b" "$id" || rc=$?
oi_assert_status 0 "$rc" "hostile: a container during the attack"
wait "$slow" "$flood"
cat "$work/hostile.out"
for mode in garbage huge nofd pipefd manyfds; do oi_assert_contains "$work/hostile.out" "$mode: closed"; done
oi_assert_contains "$work/hostile.out" "connect: refused (Permission denied)"
oi_assert_contains "$work/hostile.out" "connect: connected, closed"
oi_assert_contains "$work/hostile.out" "flood: held 300 connections"
kill -0 "$MPID" || oi_fail "hostile: the monitor died"
wait_records "$id" 1
[ "$(monitor_records "$id" | jq -r .target)" = /mnt-attack ] || oi_fail "hostile: the attempt during the attack was not logged"
[ "$(jq -c 'select(.source == "monitor")' "$log" | wc -l)" = $((before + 1)) ] ||
  oi_fail "hostile: records other than the container's appeared"
oi_assert_not_contains "$log" "INJECTED"
oi_assert_contains "$work/monitor.err" "refused a connection from uid 65534"
oi_pass "hostile: garbage, 1 MiB, no fd, pipe fd, 16 fds, slowloris, 300 connections, uid 65534:" \
  "monitor alive and serving, nothing injected"

# ---- socket activation: systemd passes the listening socket (LISTEN_FDS)
stop_monitor
rm -f "$sock"
start_monitor systemd-socket-activate -l "$sock"
b=$work/activated
oi_make_bundle "$b" --privileged -- sh -c 'umount /proc; echo rc=$?'
id=$(oi_id activated)
rc=0; OI_WRAPPER=$WRAPPER oi_run crun "$b" "$id" || rc=$?
oi_assert_status 0 "$rc" "activated: container run"
oi_assert_contains "$OI_OUT" "rc=1"
oi_assert_contains "$work/monitor.err" "listening on the socket systemd passed"
wait_records "$id" 1
[ "$(monitor_records "$id" | jq -r '.syscall + " " + .target')" = "umount2 /proc" ] ||
  oi_fail "activated: expected one umount2 /proc record"
oi_pass "socket activation: the monitor serves the socket systemd-socket-activate passed"
stop_monitor

oi_summary
