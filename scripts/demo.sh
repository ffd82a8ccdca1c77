#!/usr/bin/env bash
# The oci-immutable demo (`make demo`): one privileged busybox container, run
# twice on runc - without and with oci-immutable-hook - then briefly on crun.
# Without the hook the container rewrites its image (/etc/motd) and a host
# sysctl; with it both fail with "Read-only file system" while the volume and
# the policy's writable path still work. Prints the hook's violation log.
# Exits non-zero when any of that does not hold, so it doubles as a smoke test.
#
#   usage: bash scripts/demo.sh build/oci-immutable-hook
#
# Needs root, runc and jq (crun is optional). The sysctl write puts back the
# value just read, so the host is left as it was. Everything - containers, the
# bundle, the policy, the log - lives in a temp dir that tests/integration/
# lib.sh removes on exit.
# shellcheck disable=SC2016  # container commands are single-quoted on purpose
set -euo pipefail

HOOK=${1:?usage: demo.sh PATH/TO/oci-immutable-hook}
[ -x "$HOOK" ] || { echo "demo: $HOOK is not an executable (run make build)" >&2; exit 1; }
HOOK=$(readlink -f "$HOOK")  # a hook path in config.json must be absolute

# shellcheck disable=SC2034  # read by lib.sh
OI_NAME=demo
# shellcheck source-path=SCRIPTDIR source=../tests/integration/lib.sh
. "$(dirname "$0")/../tests/integration/lib.sh"
oi_require_root
oi_require_tool runc jq
start=$(date +%s%N)

# ---------------------------------------------------------------- presentation
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
  B=$'\e[1m' DIM=$'\e[2m' RED=$'\e[31m' GREEN=$'\e[32m' YELLOW=$'\e[33m' CYAN=$'\e[36m' N=$'\e[0m'
  JQ_COLOR=-C
else
  B='' DIM='' RED='' GREEN='' YELLOW='' CYAN='' N=''
  JQ_COLOR=-M
fi
heading() { printf '\n%s== %s%s\n' "$B$CYAN" "$*" "$N"; }
note() { printf '%s%s%s\n' "$DIM" "$*" "$N"; }

# ---------------------------------------------------------------- the probes
# What the container tries, one shell command each. The first two should be
# refused by the hook, the last two (a volume and a writable_paths tmpfs) not.
LABELS=("/etc/motd (image)" "/proc/sys (host sysctl)" "/data (volume)" "/var/cache/nginx (writable_paths)")
CMDS=(
  'echo hacked > /etc/motd'
  'v=$(cat /proc/sys/vm/swappiness) && echo "$v" > /proc/sys/vm/swappiness'
  'echo ok > /data/ok'
  'echo ok > /var/cache/nginx/ok'
)
WANT_WITH=(ro ro rw rw)  # expected with the hook; without it, all are writable

# The container's command: runs each probe, prints "N|WRITABLE" or "N|<error>".
probe=''
for i in "${!CMDS[@]}"; do
  probe+="if out=\$( ( ${CMDS[i]} ) 2>&1 ); then echo '$i|WRITABLE'; else echo \"$i|\$out\"; fi"$'\n'
done

# run_probes RUNTIME ID RESULT-ARRAY-NAME: run the bundle, fill the array with
# one result per probe ("WRITABLE" or the error message).
# shellcheck disable=SC2034  # res is the caller's array
run_probes() {
  local rt=$1 id=$2 rc=0 line i
  local -n res=$3
  res=()
  oi_run "$rt" "$bundle" "$id" || rc=$?
  [ "$rc" = 0 ] || oi_fail "$rt: container $id exited with status $rc"
  for i in "${!CMDS[@]}"; do
    line=$(grep "^$i|" "$OI_OUT" | head -n 1) || oi_fail "$rt: no result for: ${CMDS[i]}"
    res[i]=${line#*|}
  done
}

# ok WANT RESULT: whether a result is what we expect (rw: writable, ro: EROFS).
ok() {
  case $1 in
    rw) [ "$2" = WRITABLE ] ;;
    ro) [[ $2 == *"Read-only file system"* ]] ;;
  esac
}

# show WANT RESULT [WIDTH]: the result, colored: green when it is what a
# protected container should see, red when not (writable where it must not be).
# With a WIDTH (the table), an EROFS message is shortened to its errno text.
show() {
  local want=$1 r=$2 w=${3:-} c
  if [ -n "$w" ] && [[ $r == *"Read-only file system"* ]]; then r="Read-only file system"; fi
  if [ "$want" = ro ] && [ "$r" = WRITABLE ]; then c=$RED
  elif ok "$want" "$r"; then c=$GREEN
  else c=$YELLOW; fi
  printf "%s%-${w:-0}s%s" "$c" "$r" "$N"
}

side_by_side() {  # WITHOUT-ARRAY-NAME WITH-ARRAY-NAME
  local -n a=$1 b=$2
  local i
  printf '  %s%-36s %-24s%s%s\n' "$B" "" "without hook" "with hook" "$N"
  for i in "${!CMDS[@]}"; do
    printf '  %-36s ' "${LABELS[i]}"
    show "${WANT_WITH[i]}" "${a[i]}" 24
    show "${WANT_WITH[i]}" "${b[i]}" 0
    printf '\n'
  done
}

swappiness() { cat /proc/sys/vm/swappiness; }

# ---------------------------------------------------------------- setup
work=$(oi_tmpdir)
log=$work/violations.log
policy=$work/policy.json
vol=$work/volume
bundle=$work/bundle
mkdir -p "$vol"
cat >"$policy" <<JSON
{
  "mode": "enforce",
  "log": {"file": "$log", "syslog": false},
  "writable_paths": ["/var/cache/nginx"]
}
JSON
"$HOOK" --check-config "$policy" >/dev/null 2>"$OI_ERR" || oi_fail "the demo policy does not check"

# The same privileged container for every run: rw root, every capability in
# CapBnd, no masked or read-only paths, a volume at /data.
oi_make_bundle "$bundle" --privileged --volume "$vol:/data" -- sh -c "$probe"
cp "$bundle/config.json" "$work/config.nohook.json"
oi_make_bundle "$work/with" --privileged --volume "$vol:/data" \
  --hook createRuntime "$HOOK" --config "$policy" createRuntime -- sh -c "$probe"
jq .hooks "$work/with/config.json" >"$work/hooks.json"
jq --slurpfile h "$work/hooks.json" '.hooks = $h[0]' "$work/config.nohook.json" >"$work/config.hook.json"
rm -rf "$work/with"

reset_state() {  # forget what an earlier run wrote
  rm -f "$bundle/rootfs/etc/motd" "$bundle/rootfs/var/cache/nginx/ok" "$vol/ok"
}

printf '%soci-immutable demo%s: a privileged busybox container (rw root, all capabilities,\n' "$B" "$N"
printf 'no masked paths, a volume at /data), run twice - without and with oci-immutable-hook.\n'
note "hook: $HOOK"
note "temp dir: $work (removed at exit)"
[ -z "$GREEN" ] || note "green: as an immutable container should be; red: writable where it must not be"
without=() with=() cwithout=() cwith=()
sysctl_before=$(swappiness)

# ---------------------------------------------------------------- runc, without the hook
heading "1. runc, WITHOUT the hook"
reset_state
cp "$work/config.nohook.json" "$bundle/config.json"
run_probes runc "$(oi_id runc-nohook)" without
for i in "${!CMDS[@]}"; do
  printf '  %s$ %s%s\n      -> ' "$B" "${CMDS[i]}" "$N"; show "${WANT_WITH[i]}" "${without[i]}"; printf '\n'
  ok rw "${without[i]}" || oi_fail "runc without hook: expected WRITABLE for: ${CMDS[i]}"
done
[ "$(cat "$bundle/rootfs/etc/motd" 2>/dev/null)" = hacked ] ||
  oi_fail "runc without hook: /etc/motd in the bundle's rootfs does not say hacked"
printf '  %sthe container changed its image on the host: bundle/rootfs/etc/motd now says "%s"%s\n' \
  "$RED" "$(cat "$bundle/rootfs/etc/motd")" "$N"
printf '  %sand it could write a host sysctl (vm.swappiness is not namespaced; it wrote back %s)%s\n' \
  "$RED" "$sysctl_before" "$N"

# ---------------------------------------------------------------- runc, with the hook
heading "2. runc, WITH oci-immutable-hook at createRuntime"
printf '  the same bundle; config.json gains only:\n'
jq -r '.createRuntime[0] | "    \"hooks\": {\"createRuntime\": [{\"path\": \(.path | tojson),\n" +
  "      \"args\": \(.args | tojson)}]}"' "$work/hooks.json"
printf '  policy (%s):\n' "${policy#"$work"/}"
sed 's/^/    /' "$policy"
reset_state
cp "$work/config.hook.json" "$bundle/config.json"
run_probes runc "$(oi_id runc-hook)" with
for i in "${!CMDS[@]}"; do
  printf '  %s$ %s%s\n      -> ' "$B" "${CMDS[i]}" "$N"; show "${WANT_WITH[i]}" "${with[i]}"; printf '\n'
  ok "${WANT_WITH[i]}" "${with[i]}" ||
    oi_fail "runc with hook: unexpected result for: ${CMDS[i]}: ${with[i]}"
done
[ ! -e "$bundle/rootfs/etc/motd" ] || oi_fail "runc with hook: /etc/motd reached the image"
[ -f "$vol/ok" ] || oi_fail "runc with hook: the volume write did not reach the host"
[ ! -e "$bundle/rootfs/var/cache/nginx/ok" ] ||
  oi_fail "runc with hook: /var/cache/nginx was not a tmpfs (the write reached the image)"
printf '  %sthe image is untouched; the volume write reached the host; /var/cache/nginx was a tmpfs%s\n' \
  "$GREEN" "$N"

heading "runc side by side"
side_by_side without with

# ---------------------------------------------------------------- crun, briefly
if command -v "$OI_CRUN" >/dev/null 2>&1; then
  heading "3. the same on crun"
  reset_state
  cp "$work/config.nohook.json" "$bundle/config.json"
  run_probes crun "$(oi_id crun-nohook)" cwithout
  reset_state
  cp "$work/config.hook.json" "$bundle/config.json"
  run_probes crun "$(oi_id crun-hook)" cwith
  side_by_side cwithout cwith
  for i in "${!CMDS[@]}"; do
    ok rw "${cwithout[i]}" || oi_fail "crun without hook: expected WRITABLE for: ${CMDS[i]}"
    ok "${WANT_WITH[i]}" "${cwith[i]}" ||
      oi_fail "crun with hook: unexpected result for: ${CMDS[i]}: ${cwith[i]}"
  done
  [ ! -e "$bundle/rootfs/etc/motd" ] || oi_fail "crun with hook: /etc/motd reached the image"
  [ -f "$vol/ok" ] || oi_fail "crun with hook: the volume write did not reach the host"
else
  heading "3. crun: not installed, skipped"
fi

sysctl_after=$(swappiness)
[ "$sysctl_before" = "$sysctl_after" ] ||
  oi_fail "host vm.swappiness changed: $sysctl_before -> $sysctl_after"

# ---------------------------------------------------------------- the log
heading "the hook's log (${log#"$work"/}: one JSON record per line)"
[ -s "$log" ] || oi_fail "the hook wrote no log"
id=$(oi_id runc-hook)
jq "$JQ_COLOR" -c --arg id "$id" 'select(.container_id == $id)' "$log" | sed 's/^/  /'
others=$(jq -c --arg id "$id" 'select(.container_id != $id)' "$log" | wc -l)
[ "$others" = 0 ] || note "  (and $others like them for the crun container)"
for v in rootfs-writable proc-sys-writable privileged; do
  n=$(jq -c --arg id "$id" --arg v "$v" \
    'select(.container_id == $id and .violation == $v and .action == "enforced")' "$log" | wc -l)
  [ "$n" = 1 ] || oi_fail "the log has $n enforced '$v' records for $id, expected 1"
done

# ---------------------------------------------------------------- what happened
# Newer hooks say so themselves in a privileged-unconfined record.
unconfined=''
if [ -n "$(jq -c --arg id "$id" 'select(.container_id == $id and .violation == "privileged-unconfined")' "$log")" ]; then
  unconfined=' (the privileged-unconfined record above says just that)'
fi
heading "what the hook did, and what it cannot do alone"
fold -s -w 88 <<EOF | sed 's/^/  /; s/ *$//'
Registered at createRuntime, oci-immutable-hook ran in the container's mount namespace after the runtime had built it but before pivot_root: it made the root filesystem and the kernel interfaces (/proc/sys and the like) read-only, mounted a fresh tmpfs at each writable_paths entry (/var/cache/nginx), left the volume at /data writable, and logged one record per violation it enforced. The container itself is unchanged - still privileged, with every capability - so nothing else in it breaks; it just can no longer change its image or the host's sysctls. What the hook cannot do alone: it acts once, before the workload starts, so a process that keeps CAP_SYS_ADMIN can remount / read-write again${unconfined}. Closing that is the job of the upcoming oci-immutable-runtime wrapper, which adds seccomp rules (no mount, umount or mount_setattr for the workload) on top of the hook.
EOF

ms=$(( ($(date +%s%N) - start) / 1000000 ))
printf '\n%sdemo passed%s: every expectation held, host vm.swappiness still %s (%d.%d s)\n' \
  "$B$GREEN" "$N" "$sysctl_after" $((ms / 1000)) $((ms % 1000 / 100))
