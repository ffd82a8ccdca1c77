#!/usr/bin/env bash
# shellcheck disable=SC2015,SC2016  # `[ a ] && [ b ] || fail` on purpose; sh -c / jq programs single-quoted
# oci-immutable under podman 4 (root, private storage, cgroupfs, no network),
# both ways podman can run it:
#  (a) hooks.d: `podman run --privileged --hooks-dir DIR` with the oci-hooks(5)
#      file meson generated for the build tree; podman's runc runs the hook at
#      createContainer: EROFS on / and /proc/sys, the volume and the policy's
#      tmpfs path writable, records from the hook.
#  (b) the wrapper: `podman --runtime oci-immutable-runtime run --privileged`:
#      the same, plus EPERM for `mount -o remount,bind,rw /` (the wrapper's
#      seccomp rules), records from the runtime (stage create) and the hook.
#
# podman does not pass its own environment to the runtime's `create`: conmon
# runs it with containers.conf `conmon_env_vars` (plus a few of podman's), so
# OCI_IMMUTABLE_* go there. start/kill/delete are run by podman itself with
# almost no environment (the wrapper then finds runc on the default PATH).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
oi_require_root
oi_require_tool podman conmon runc jq
HOOK=${OI_HOOK:?OI_HOOK names the built oci-immutable-hook}
RUNTIME=${OI_RUNTIME:?OI_RUNTIME names the built oci-immutable-runtime}
HOOKS_DIR=${OI_TEST_HOOKS_DIR:?OI_TEST_HOOKS_DIR names the generated test hooks.d}
SRC=${OI_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
REAL_RUNC=$(command -v "$OI_RUNC")

work=$(oi_tmpdir)
log=$work/violations.log
policy=$work/policy.json
jq -n --arg log "$log" \
  '{mode: "enforce", log: {file: $log, syslog: false}, writable_paths: ["/var/cache/nginx"]}' >"$policy"

# ---------------------------------------------------------------- private podman
# containers/image keeps its blob-info cache in /var/lib/containers/cache
# whatever --root says; remove it afterwards if this run created it.
blob_cache=/var/lib/containers/cache/blob-info-cache-v1.boltdb
had_blob_cache=false
[ -e "$blob_cache" ] && had_blob_cache=true
mkdir -p "$work/nohooks" "$work/cni"
# containers.conf: the shipped config/podman/containers.conf.snippet (the
# runtime "immutable", with the built wrapper's path) plus this test's
# settings inserted under its [engine] and [engine.runtimes] tables.
export CONTAINERS_CONF=$work/containers.conf
engine_keys=$(cat <<TOML
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$work/events.log"
tmp_dir = "$work/libpod-tmp"
volume_path = "$work/volumes"
hooks_dir = ["$work/nohooks"]
runtime = "runc"
conmon_env_vars = [
  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  "OCI_IMMUTABLE_RUNTIME=$REAL_RUNC",
  "OCI_IMMUTABLE_HOOK=$HOOK",
  "OCI_IMMUTABLE_CONFIG=$policy",
]
TOML
)
{
  cat <<TOML
[containers]
# podman's default nofile (1048576) is above this host's hard limit.
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

[network]
network_config_dir = "$work/cni"

TOML
  awk -v engine="$engine_keys" -v runc="runc = [\"$REAL_RUNC\"]" -v rt="$RUNTIME" '
    { gsub("/usr/bin/oci-immutable-runtime", rt) }
    { print }
    /^\[engine\]$/ { print engine }
    /^\[engine\.runtimes\]$/ { print runc }
  ' "$SRC/config/podman/containers.conf.snippet"
} >"$CONTAINERS_CONF"
grep -qF "\"$RUNTIME\"" "$CONTAINERS_CONF" && grep -qF 'cgroup_manager' "$CONTAINERS_CONF" ||
  { oi_show "$CONTAINERS_CONF"; oi_fail "could not build containers.conf from the snippet"; }

pm() {
  timeout "$OI_TIMEOUT" podman --root "$work/storage" --runroot "$work/runroot" \
    --storage-driver overlay "$@"
}
# Containers and conmon go into cgroups under /$cgroup_parent (not the shared
# libpod_parent), removed at the end.
cgroup_parent=oi-test-$$

cleanup() {
  local rc=$?
  set +e
  pm ps -aq 2>/dev/null | while read -r c; do pm rm -f "$c" >/dev/null 2>&1; done
  pm system reset -f >/dev/null 2>&1
  local d
  for d in /sys/fs/cgroup/*/"$cgroup_parent"; do
    [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  if ! $had_blob_cache; then
    rm -f "$blob_cache"
    rmdir /var/lib/containers/cache /var/lib/containers 2>/dev/null
  fi
  (exit "$rc")
  oi_cleanup
}
trap cleanup EXIT

rootfs=$work/rootfs
oi_make_rootfs "$rootfs"
tar -C "$rootfs" -cf "$work/rootfs.tar" .
image=localhost/oi-busybox:test
pm import "$work/rootfs.tar" "$image" >"$OI_OUT" 2>"$OI_ERR" || oi_fail "podman import"
oi_pass "busybox rootfs imported as $image into $work/storage"

probe='v=$(cat /proc/sys/vm/swappiness)
echo "root: $(touch /x 2>&1 && echo writable)"
echo "sysctl: $( (echo "$v" > /proc/sys/vm/swappiness) 2>&1 && echo writable)"
echo "remount: $(mount -o remount,bind,rw / 2>&1 && echo writable)"
echo "tmpfs: $(touch /var/cache/nginx/ok 2>&1 && echo writable)"
echo "volume: $(touch /data/ok 2>&1 && echo writable)"
echo "other-hook: $(cat /etc/other-hook-ran 2>&1)"'

check_common() {  # WHAT VOL
  oi_assert_contains "$OI_OUT" "root: touch: /x: Read-only file system"
  grep -q '^sysctl: .*Read-only file system' "$OI_OUT" || oi_fail "$1: /proc/sys writable"
  oi_assert_contains "$OI_OUT" "tmpfs: writable"
  oi_assert_contains "$OI_OUT" "volume: writable"
  [ -f "$2/ok" ] || oi_fail "$1: the volume write did not reach the host"
}

# ---------------------------------------------------------------- (a) hooks.d
gens=("$HOOKS_DIR"/*.json)
[ "${#gens[@]}" = 1 ] && [ -f "${gens[0]}" ] || oi_fail "not one generated hooks.d file in $HOOKS_DIR"
gen=${gens[0]}
[ "$(jq -r .hook.path "$gen")" = "$HOOK" ] || oi_fail "$gen does not point at $HOOK"
# The generated file, with only --config added (the hook reads no environment;
# without it, it would log to the host's /var/log/oci-immutable).
hooks=$work/hooks.d
mkdir -p "$hooks"
jq --arg p "$policy" '.hook.args = .hook.args[:-1] + ["--config", $p] + .hook.args[-1:]' "$gen" \
  >"$hooks/${gen##*/}"
[ "$(jq -c 'del(.hook.args)' "$gen")" = "$(jq -c 'del(.hook.args)' "$hooks/${gen##*/}")" ] ||
  oi_fail "the test hooks.d copy differs beyond the arguments"
# Another createContainer hook that writes into the rootfs, as NVIDIA's
# update-ldcache does, under the name NVIDIA's package uses. Ours must come
# after it, or its write hits a read-only root and the container fails.
# (runc runs createContainer hooks with the rootfs as the working directory.)
jq -n '{version: "1.0.0", when: {always: true}, stages: ["createContainer"],
        hook: {path: "/bin/sh", args: ["sh", "-c",
          "[ -x bin/busybox ] && echo ran > etc/other-hook-ran"]}}' >"$hooks/oci-nvidia-hook.json"

vol=$work/vol-a
mkdir -p "$vol"
name=oi-$$-podman-hooksd
rc=0
pm run --rm --name "$name" --cgroup-parent "/$cgroup_parent" --privileged --network=none \
  --hooks-dir "$hooks" -v "$vol:/data" "$image" /bin/sh -c "$probe" </dev/null >"$OI_OUT" 2>"$OI_ERR" || rc=$?
oi_assert_status 0 "$rc" "(a) podman run --hooks-dir"
check_common "(a) hooks.d" "$vol"
oi_assert_contains "$OI_OUT" "other-hook: ran"
oi_pass "(a) hooks.d: EROFS on / and /proc/sys, tmpfs and volume writable; ours ran after oci-nvidia-hook.json"
# Without the wrapper's seccomp rules a privileged container may undo the
# read-only root itself; shown, not asserted (that is what (b) adds).
echo "info: (a) hooks.d only, $(grep '^remount:' "$OI_OUT")"
# podman's container id is the 64-hex id; the records carry it.
recs=$work/a.records
jq -c 'select(.source == "hook")' "$log" >"$recs" 2>/dev/null || true
for v in rootfs-writable proc-sys-writable privileged; do
  n=$(jq -r --arg v "$v" 'select(.violation == $v and .stage == "createContainer"
        and .action == "enforced") | .violation' "$recs" | wc -l)
  [ "$n" = 1 ] || { oi_show "$recs"; oi_fail "(a) hooks.d: $n hook '$v' records, expected 1"; }
done
[ "$(jq -r .container_id "$recs" | sort -u | wc -l)" = 1 ] || oi_fail "(a) records for several ids"
grep -qE '^[0-9a-f]{64}$' <(jq -r .container_id "$recs" | sort -u) || oi_fail "(a) odd container id"
[ -z "$(jq -r 'select(.source == "runtime")' "$log")" ] || oi_fail "(a) a runtime record without the wrapper"
oi_pass "(a) hooks.d: hook records rootfs-writable, proc-sys-writable, privileged (createContainer)"

# ---------------------------------------------------------------- (b) the wrapper
: >"$log"
vol=$work/vol-b
mkdir -p "$vol"
name=oi-$$-podman-wrapper
rc=0
pm --runtime "$RUNTIME" run --rm --name "$name" --cgroup-parent "/$cgroup_parent" --privileged \
  --network=none -v "$vol:/data" "$image" /bin/sh -c "$probe" </dev/null >"$OI_OUT" 2>"$OI_ERR" || rc=$?
oi_assert_status 0 "$rc" "(b) podman --runtime oci-immutable-runtime run"
check_common "(b) wrapper" "$vol"
grep -qi '^remount: .*permission denied' "$OI_OUT" ||
  oi_fail "(b) wrapper: remount,bind,rw of / did not fail with EPERM"
oi_pass "(b) wrapper: EROFS on / and /proc/sys, remount,bind,rw EPERM, tmpfs and volume writable"
[ "$(jq -r .container_id "$log" | sort -u | wc -l)" = 1 ] || { oi_show "$log"; oi_fail "(b) records for several ids"; }
for v in rootfs-writable privileged; do
  n=$(jq -r --arg v "$v" 'select(.violation == $v and .source == "runtime" and .stage == "create"
        and .action == "enforced") | .violation' "$log" | wc -l)
  [ "$n" -ge 1 ] || { oi_show "$log"; oi_fail "(b) wrapper: no runtime '$v' record"; }
done
[ -n "$(jq -r 'select(.source == "hook" and .stage == "createContainer")' "$log")" ] ||
  { oi_show "$log"; oi_fail "(b) wrapper: no record from the injected hook"; }
oi_pass "(b) wrapper: records from the runtime (create) and the injected hook (createContainer)"

# The same through the containers.conf name, non-privileged.
: >"$log"
rc=0
pm --runtime immutable run --rm --cgroup-parent "/$cgroup_parent" --network=none \
  "$image" /bin/sh -c 'touch /x 2>&1; echo done' </dev/null >"$OI_OUT" 2>"$OI_ERR" || rc=$?
oi_assert_status 0 "$rc" "(b) podman --runtime immutable run"
oi_assert_contains "$OI_OUT" "touch: /x: Read-only file system"
oi_assert_contains "$OI_OUT" "done"
[ -n "$(jq -r 'select(.source == "runtime")' "$log")" ] || oi_fail "(b) --runtime immutable: no runtime record"
oi_pass "(b) --runtime immutable (the shipped containers.conf snippet): non-privileged, read-only root"

[ -z "$(pm ps -aq)" ] || oi_fail "containers left in $work/storage"
oi_summary
