#!/usr/bin/env bash
# Self-test of tests/integration/lib.sh with runc and crun, using no hook of ours:
# shows the problem oi-immutable fixes (a privileged container can write its root
# and /proc/sys), that the library's options work, and records what each hook stage
# sees (state.pid, cwd, mount namespace, whether the rootfs is its own mount there).
# shellcheck disable=SC2016  # container commands are single-quoted on purpose
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

oi_require_root
oi_require_tool jq unshare nsenter busybox timeout
RUNTIMES=${OI_RUNTIMES:-runc crun}
for rt in $RUNTIMES; do oi_require_tool "$rt"; done

t=$(oi_tmpdir)

# A tiny hook: appends the stage, cwd, its mount ns and the state it got on stdin, and
# whether root.path is a separate mount in the container's mount namespace.
cat >"$t/hook.sh" <<'EOF'
#!/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
state=$(cat)
pid=$(echo "$state" | jq -r .pid)
bundle=$(echo "$state" | jq -r .bundle)
rootfs=$(readlink -f "$bundle/rootfs")
if [ "$1" = createContainer ]; then enter=""; else enter="nsenter --mount=/proc/$pid/ns/mnt"; fi
line=$($enter awk -v r="$rootfs" '$5 == r' /proc/self/mountinfo | tail -n 1)
echo "stage=$1 cwd=$(pwd) mntns=$(readlink /proc/self/ns/mnt) rootfs_mount=${line:+yes} state=$state" >>"$2"
[ -z "$line" ] || echo "stage=$1 mountinfo: $line" >>"$2"
EOF
chmod 755 "$t/hook.sh"

for rt in $RUNTIMES; do
  # (1) privileged: root writable, /proc/sys writable (written back with the value read).
  oi_make_bundle "$t/priv-$rt" --privileged -- sh -c \
    'touch /x && echo touched; v=$(cat /proc/sys/vm/swappiness) && echo "$v" >/proc/sys/vm/swappiness && echo "sysctl-written $v"'
  oi_run "$rt" "$t/priv-$rt" "$(oi_id priv-"$rt")" || oi_fail "$rt: privileged container failed"
  oi_assert_contains "$OI_OUT" touched
  oi_assert_contains "$OI_OUT" sysctl-written
  oi_pass "$rt: privileged container can write / and /proc/sys/vm/swappiness"

  # Contrast: the default (non-privileged) config has /proc/sys read-only.
  oi_make_bundle "$t/def-$rt" -- sh -c 'v=$(cat /proc/sys/vm/swappiness); echo "$v" >/proc/sys/vm/swappiness'
  rc=0; oi_run "$rt" "$t/def-$rt" "$(oi_id def-"$rt")" || rc=$?
  [ "$rc" -ne 0 ] || oi_fail "$rt: default config could write /proc/sys"
  oi_assert_contains "$OI_ERR" "Read-only file system"
  oi_pass "$rt: default config keeps /proc/sys read-only"

  # (2) --readonly-root
  oi_make_bundle "$t/ro-$rt" --readonly-root -- touch /x
  rc=0; oi_run "$rt" "$t/ro-$rt" "$(oi_id ro-"$rt")" || rc=$?
  [ "$rc" -ne 0 ] || oi_fail "$rt: touch /x succeeded on a read-only root"
  oi_assert_contains "$OI_ERR" "Read-only file system"
  oi_pass "$rt: --readonly-root gives EROFS on touch /x"

  # (3) --volume is writable (and --tmpfs works) even with a read-only root
  mkdir -p "$t/vol-$rt"
  oi_make_bundle "$t/v-$rt" --readonly-root --volume "$t/vol-$rt:/data" --tmpfs /run -- \
    sh -c 'echo hello >/data/f && touch /run/f && echo ok'
  oi_run "$rt" "$t/v-$rt" "$(oi_id v-"$rt")" || oi_fail "$rt: volume container failed"
  oi_assert_contains "$t/vol-$rt/f" hello
  oi_pass "$rt: --volume is writable, --tmpfs mounted"

  # (4) hooks at prestart, createRuntime, createContainer
  log=$t/hooks-$rt.log
  oi_make_bundle "$t/h-$rt" --privileged \
    --hook prestart "$t/hook.sh" prestart "$log" ';' \
    --hook createRuntime "$t/hook.sh" createRuntime "$log" ';' \
    --hook createContainer "$t/hook.sh" createContainer "$log" -- true
  oi_run "$rt" "$t/h-$rt" "$(oi_id h-"$rt")" || oi_fail "$rt: hook container failed"
  for st in prestart createRuntime createContainer; do
    oi_assert_contains "$log" "stage=$st cwd="
    oi_assert_contains "$log" "stage=$st mountinfo:"   # rootfs is its own mount at every stage
  done
  oi_pass "$rt: prestart, createRuntime, createContainer hooks ran; rootfs is a mount in the container's ns"
  echo "   $rt hook view (stage pid cwd mntns rootfs_mount):"
  while read -r stage cwd ns mnt state; do
    case $state in state=*) ;; *) continue ;; esac
    echo "     ${stage#stage=} pid=$(jq -r .pid <<<"${state#state=}") $cwd $ns $mnt"
  done <"$log"
  sed -n 's/^stage=\([a-zA-Z]*\) mountinfo: /     \1 mountinfo: /p' "$log"

  # (5) user namespace
  oi_make_bundle "$t/u-$rt" --userns -- sh -c 'id; cat /proc/self/uid_map'
  oi_run "$rt" "$t/u-$rt" "$(oi_id u-"$rt")" || oi_fail "$rt: userns container failed"
  oi_assert_contains "$OI_OUT" "uid=0(root)"
  grep -Eq '^ *0 +100000 +65536$' "$OI_OUT" || oi_fail "$rt: unexpected uid_map"
  oi_pass "$rt: --userns container runs id as root mapped to 100000"

  # create / exec / state / delete (crun: each call in its own private mount ns)
  id=$(oi_id det-"$rt")
  oi_make_bundle "$t/d-$rt" -- sleep 300
  oi_create "$rt" "$t/d-$rt" "$id" || { cat "$OI_WORK/$id.err"; oi_fail "$rt: create failed"; }
  oi_start "$rt" "$id" || oi_fail "$rt: start failed"
  [ "$(oi_state "$rt" "$id" | jq -r .status)" = running ] || oi_fail "$rt: not running"
  rc=0; oi_exec "$rt" "$id" sh -c 'echo from-exec; exit 3' || rc=$?
  oi_assert_status 3 "$rc" "$rt exec"
  oi_assert_contains "$OI_OUT" from-exec
  oi_delete "$rt" "$id"
  if oi_state "$rt" "$id" >/dev/null 2>&1; then oi_fail "$rt: container still exists after delete"; fi
  oi_pass "$rt: create/start/state/exec/delete"
done

# Cleanup: a nested script that leaves a created container and a mount behind.
for rt in $RUNTIMES; do
  out=$(OI_NAME=nested bash -c '
    set -euo pipefail; . "$1/lib.sh"
    d=$(oi_tmpdir); mkdir "$d/m"; mount -t tmpfs tmpfs "$d/m"
    oi_make_bundle "$d/b" -- sleep 300
    oi_create "$2" "$d/b" "$(oi_id leak)"
    echo "$d $(oi_id leak)"' nested "$(dirname "$0")" "$rt")
  read -r dir id <<<"$out"
  [ ! -e "$dir" ] || oi_fail "$rt: cleanup left $dir"
  if oi_state "$rt" "$id" >/dev/null 2>&1; then oi_fail "$rt: cleanup left container $id"; fi
  if grep -qF " $dir" /proc/self/mountinfo; then oi_fail "$rt: cleanup left a mount under $dir"; fi
  oi_pass "$rt: oi_cleanup removes containers, mounts and temp dirs"
done

oi_summary
