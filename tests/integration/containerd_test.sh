#!/usr/bin/env bash
# shellcheck disable=SC2015,SC2016  # `[ a ] && [ b ] || fail` on purpose; sh -c / jq programs single-quoted
# oci-immutable-runtime under a private containerd 1.6 (runc v2 shim), the way
# a node runs it: the shim calls the wrapper as its runc binary, the wrapper
# rewrites the bundle and execs runc. A privileged `ctr run` gets EROFS on /
# and /proc/sys, EPERM for `mount -o remount,bind,rw /`, keeps the policy's
# tmpfs path and its bind volume writable; the log holds records from the
# runtime (stage "create") and from the hook it injected. A non-privileged
# container runs read-only too. Finally the shipped config-v2 snippet loads
# into containerd's CRI plugin config.
#
# The wrapper's environment is containerd's: the shim inherits it, and runc
# inherits the shim's. So OCI_IMMUTABLE_* are set on the containerd process.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
oi_require_root
oi_require_tool runc jq containerd ctr containerd-shim-runc-v2
HOOK=${OI_HOOK:?OI_HOOK names the built oci-immutable-hook}
RUNTIME=${OI_RUNTIME:?OI_RUNTIME names the built oci-immutable-runtime}
SRC=${OI_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
REAL_RUNC=$(command -v "$OI_RUNC")

work=$(oi_tmpdir)
log=$work/violations.log
policy=$work/policy.json
jq -n --arg log "$log" \
  '{mode: "enforce", log: {file: $log, syslog: false}, writable_paths: ["/var/cache/nginx"]}' >"$policy"

# ---------------------------------------------------------------- private containerd
ns=oi-test-$$
sock=$work/c.sock
ctd_pid=
had_run_containerd=false
[ -d /run/containerd ] && had_run_containerd=true
mkdir -p "$work/root" "$work/state" "$work/opt" "$work/runc"
cat >"$work/config.toml" <<TOML
version = 2
root = "$work/root"
state = "$work/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$work/opt"
TOML

ctd() { timeout "$OI_TIMEOUT" ctr -a "$sock" -n "$ns" "$@"; }

ctd_stop() {
  local id p
  if [ -n "$ctd_pid" ] && kill -0 "$ctd_pid" 2>/dev/null; then
    for id in $(ctd containers ls -q 2>/dev/null); do
      ctd tasks kill -s SIGKILL "$id" >/dev/null 2>&1
      ctd tasks rm -f "$id" >/dev/null 2>&1
      ctd containers rm "$id" >/dev/null 2>&1
    done
    kill "$ctd_pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$ctd_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$ctd_pid" 2>/dev/null
  fi
  # Shims outlive containerd; ours are the ones that name our socket.
  for p in $(pgrep -f -- "-address $sock( |$)" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
  # Host paths containerd and ctr use whatever the config says: the shim
  # sockets (/run/containerd/s, removed by each shim), ctr's fifos, and the
  # cgroups runc made under the default path /NS/ID.
  rmdir /sys/fs/cgroup/*/"$ns" 2>/dev/null
  if ! $had_run_containerd; then
    rmdir /run/containerd/fifo/* /run/containerd/fifo /run/containerd/s /run/containerd 2>/dev/null
  fi
  return 0
}

cleanup() {
  local rc=$?
  set +e
  ctd_stop
  (exit "$rc")
  oi_cleanup
}
trap cleanup EXIT

OCI_IMMUTABLE_RUNTIME=$REAL_RUNC OCI_IMMUTABLE_HOOK=$HOOK OCI_IMMUTABLE_CONFIG=$policy \
  containerd --config "$work/config.toml" --log-level warn >"$work/containerd.log" 2>&1 &
ctd_pid=$!
for _ in $(seq 100); do
  if [ -S "$sock" ] && ctd version >/dev/null 2>&1; then break; fi
  kill -0 "$ctd_pid" 2>/dev/null || { oi_show "$work/containerd.log"; oi_fail "containerd exited"; }
  sleep 0.1
done
ctd version >/dev/null 2>&1 || { oi_show "$work/containerd.log"; oi_fail "containerd did not answer on $sock"; }
oi_pass "private containerd up on $sock (namespace $ns)"

records() {  # ID: the log records of one container, compact
  jq -c --arg id "$1" 'select(.container_id == $id)' "$log" 2>/dev/null || true
}

# ctr_run ID ROOTFS [CTR OPTIONS...] -- CMD...: stdout -> $OI_OUT, stderr -> $OI_ERR
ctr_run() {
  local id=$1 rootfs=$2; shift 2
  local opts=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
  shift
  ctd run --rm --runc-binary "$RUNTIME" --runc-root "$work/runc" "${opts[@]}" \
    --rootfs "$rootfs" "$id" "$@" </dev/null >"$OI_OUT" 2>"$OI_ERR"
}

probe='v=$(cat /proc/sys/vm/swappiness)
echo "root: $(touch /x 2>&1 && echo writable)"
echo "sysctl: $( (echo "$v" > /proc/sys/vm/swappiness) 2>&1 && echo writable)"
echo "remount: $(mount -o remount,bind,rw / 2>&1 && echo writable)"
echo "root-after: $(touch /y 2>&1 && echo writable)"
echo "tmpfs: $(touch /var/cache/nginx/ok 2>&1 && echo writable)"
echo "volume: $(touch /data/ok 2>&1 && echo writable)"
echo "caps: $(grep CapEff /proc/self/status)"'

# ---------------------------------------------------------------- privileged
rootfs=$work/priv-rootfs
oi_make_rootfs "$rootfs"
vol=$work/vol
mkdir -p "$vol"
id=oi-$$-ctd-priv
rc=0
ctr_run "$id" "$rootfs" --privileged --mount "type=bind,src=$vol,dst=/data,options=rbind:rw" \
  -- /bin/sh -c "$probe" || rc=$?
oi_assert_status 0 "$rc" "privileged ctr run"
oi_assert_contains "$OI_OUT" "root: touch: /x: Read-only file system"
grep -q '^sysctl: .*Read-only file system' "$OI_OUT" || oi_fail "privileged: /proc/sys writable"
! grep -q '^remount: .*writable' "$OI_OUT" || oi_fail "privileged: remount,bind,rw of / succeeded"
grep -qi '^remount: .*permission denied' "$OI_OUT" ||
  oi_fail "privileged: remount,bind,rw of / did not fail with EPERM"
oi_assert_contains "$OI_OUT" "root-after: touch: /y: Read-only file system"
oi_assert_contains "$OI_OUT" "tmpfs: writable"
oi_assert_contains "$OI_OUT" "volume: writable"
grep -q "^caps: CapEff:[[:space:]]*$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)\$" "$OI_OUT" ||
  oi_fail "privileged: CapEff is not this host's bounding set"
[ -f "$vol/ok" ] || oi_fail "privileged: the volume write did not reach the host"
[ ! -e "$rootfs/x" ] && [ ! -e "$rootfs/y" ] || oi_fail "privileged: a file reached the rootfs"
oi_pass "privileged ctr run: EROFS on / and /proc/sys, remount,bind,rw EPERM, tmpfs and volume writable"

records "$id" >"$work/$id.records"
for v in rootfs-writable privileged; do
  n=$(jq -r --arg v "$v" 'select(.violation == $v and .source == "runtime" and .stage == "create"
        and .action == "enforced") | .violation' "$work/$id.records" | wc -l)
  [ "$n" -ge 1 ] || { oi_show "$work/$id.records"; oi_fail "privileged: no runtime '$v' record"; }
done
n=$(jq -r 'select(.source == "hook" and .stage == "createContainer") | .source' "$work/$id.records" | wc -l)
[ "$n" -ge 1 ] || { oi_show "$work/$id.records"; oi_fail "privileged: no hook record"; }
oi_pass "privileged ctr run: records from the runtime (create) and the hook (createContainer)"

# ---------------------------------------------------------------- non-privileged
rootfs=$work/plain-rootfs
oi_make_rootfs "$rootfs"
id=oi-$$-ctd-plain
rc=0
ctr_run "$id" "$rootfs" -- /bin/sh -c 'touch /x 2>&1; touch /var/cache/nginx/ok && echo tmpfs-ok; echo done' || rc=$?
oi_assert_status 0 "$rc" "non-privileged ctr run"
oi_assert_contains "$OI_OUT" "touch: /x: Read-only file system"
oi_assert_contains "$OI_OUT" "tmpfs-ok"
oi_assert_contains "$OI_OUT" "done"
[ -n "$(records "$id")" ] || oi_fail "non-privileged: no record for $id"
[ -z "$(records "$id" | jq -r 'select(.violation == "privileged")')" ] ||
  oi_fail "non-privileged: a 'privileged' record"
oi_pass "non-privileged ctr run through the wrapper: read-only root, tmpfs writable"

[ -z "$(ctd containers ls -q)" ] || oi_fail "containers left in namespace $ns"

# ---------------------------------------------------------------- the shipped snippet loads
if python3 -c 'import tomllib' 2>/dev/null; then
  merged=$work/merged.toml
  { sed -n '1,/^\[grpc\]/p' "$work/config.toml" | sed '$d' | sed '/^disabled_plugins/d'
    cat "$SRC/config/containerd/config-v2.toml.snippet"
  } >"$merged"
  containerd --config "$merged" config dump >"$work/dump.toml" 2>"$OI_ERR" ||
    oi_fail "containerd config dump of the merged v2 snippet failed"
  python3 - "$work/dump.toml" <<'PY' || { oi_show "$work/dump.toml"; oi_fail "the dumped config lacks the runtime"; }
import sys, tomllib
cfg = tomllib.load(open(sys.argv[1], "rb"))
rt = cfg["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"]["immutable"]
assert rt["runtime_type"] == "io.containerd.runc.v2", rt
assert rt["options"]["BinaryName"] == "/usr/bin/oci-immutable-runtime", rt
PY
  oi_pass "config-v2 snippet: containerd loads it, CRI runtime 'immutable' -> /usr/bin/oci-immutable-runtime"
else
  echo "info: no python3 >= 3.11 (tomllib): the config-v2 snippet check is skipped"
fi

oi_summary
