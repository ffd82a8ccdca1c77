#!/usr/bin/env bash
# oci-immutable-hook under real runc and crun, at prestart, createRuntime and
# createContainer: a privileged busybox container gets EROFS on / and on
# /proc/sys, keeps its volume and the policy's tmpfs path writable, exits 0,
# and the violation log holds the records. Audit mode changes nothing; a hook
# that fails keeps the container from starting.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
oi_require_root
oi_require_tool runc crun jq
HOOK=${OI_HOOK:?OI_HOOK names the built oci-immutable-hook}

work=$(oi_tmpdir)
log=$work/violations.log
policy=$work/policy.json
cat >"$policy" <<JSON
{
  // the nginx case: a cache directory the workload must write
  "mode": "enforce",
  "log": {"file": "$log", "syslog": false},
  "writable_paths": ["/var/cache/nginx", {"path": "/var/run", "size": "1m"}]
}
JSON
audit_policy=$work/audit.json
sed 's/"enforce"/"audit"/' "$policy" >"$audit_policy"

# What the workload sees, one line per probe: "<probe>: writable" or the error.
probe='v=$(cat /proc/sys/vm/swappiness)
echo "root: $(touch /x 2>&1 && echo writable)"
echo "etc: $(mkdir /etc/new 2>&1 && echo writable)"
echo "sysctl: $( (echo "$v" > /proc/sys/vm/swappiness) 2>&1 && echo writable)"
echo "volume: $(touch /data/ok 2>&1 && echo writable)"
echo "tmpfs: $(touch /var/cache/nginx/ok 2>&1 && echo writable)"
echo "run: $(touch /var/run/pid 2>&1 && echo writable)"
echo "mounts: $(grep -c " /var/cache/nginx " /proc/self/mountinfo)"'

records() {  # ID: the log records of one container, compact
  jq -c --arg id "$1" 'select(.container_id == $id)' "$log"
}

for rt in runc crun; do
  for stage in prestart createRuntime createContainer; do
    b=$work/$rt-$stage
    vol=$work/$rt-$stage-vol
    mkdir -p "$vol"
    oi_make_bundle "$b" --privileged --volume "$vol:/data" \
      --annotation io.kubernetes.pod.name=web-0 --annotation io.kubernetes.pod.namespace=shop \
      --annotation io.kubernetes.container.name=nginx \
      --hook "$stage" "$HOOK" --config "$policy" "$stage" -- sh -c "$probe"
    id=$(oi_id "$rt-$stage")
    rc=0; oi_run "$rt" "$b" "$id" || rc=$?
    oi_assert_status 0 "$rc" "$rt $stage: container run"
    oi_assert_contains "$OI_OUT" "root: touch: /x: Read-only file system"
    oi_assert_contains "$OI_OUT" "etc: mkdir: can't create directory '/etc/new': Read-only file system"
    oi_assert_contains "$OI_OUT" "Read-only file system"
    grep -q '^sysctl: .*Read-only file system' "$OI_OUT" || oi_fail "$rt $stage: /proc/sys writable"
    oi_assert_contains "$OI_OUT" "volume: writable"
    oi_assert_contains "$OI_OUT" "tmpfs: writable"
    oi_assert_contains "$OI_OUT" "run: writable"
    oi_assert_contains "$OI_OUT" "mounts: 1"
    [ -f "$vol/ok" ] || oi_fail "$rt $stage: the volume write did not reach the host"
    records "$id" >"$work/$id.records"
    for v in rootfs-writable proc-sys-writable privileged; do
      n=$(jq -r --arg v "$v" 'select(.violation == $v and .action == "enforced"
            and .stage == "'"$stage"'" and .pod == "web-0" and .namespace == "shop"
            and .container == "nginx" and .source == "hook") | .violation' "$work/$id.records" | wc -l)
      [ "$n" = 1 ] || { oi_show "$work/$id.records"; oi_fail "$rt $stage: $n '$v' records, expected 1"; }
    done
    oi_pass "$rt $stage: EROFS on / and /proc/sys, volume and tmpfs writable, 3 records"
  done

  # Audit mode: nothing changes, the records say "logged".
  b=$work/$rt-audit
  oi_make_bundle "$b" --privileged --hook prestart "$HOOK" --config "$audit_policy" prestart \
    -- sh -c 'touch /x && echo root-writable'
  id=$(oi_id "$rt-audit")
  rc=0; oi_run "$rt" "$b" "$id" || rc=$?
  oi_assert_status 0 "$rc" "$rt audit: container run"
  oi_assert_contains "$OI_OUT" "root-writable"
  [ "$(records "$id" | jq -r 'select(.violation) | .action' | sort -u)" = logged ] ||
    oi_fail "$rt audit: records are not all 'logged'"
  oi_pass "$rt audit: rootfs stays writable, records logged"

  # A non-privileged container with a read-only root: no violations, still enforced.
  b=$work/$rt-clean
  oi_make_bundle "$b" --readonly-root --hook createRuntime "$HOOK" --config "$policy" createRuntime \
    -- sh -c 'touch /x 2>&1; echo done'
  id=$(oi_id "$rt-clean")
  rc=0; oi_run "$rt" "$b" "$id" || rc=$?
  oi_assert_status 0 "$rc" "$rt clean: container run"
  oi_assert_contains "$OI_OUT" "Read-only file system"
  [ -z "$(records "$id" | jq -r 'select(.violation)')" ] || oi_fail "$rt clean: unexpected violations"
  oi_pass "$rt clean: a compliant container runs and logs no violation"

  # A hook that fails to enforce keeps the container from starting: a
  # protected path that is a symlink loop cannot be resolved.
  bad_policy=$work/bad.json
  jq -n --arg log "$log" '{log: {file: $log}, readonly_paths: ["/proc/sys", "/etc/loop"]}' >"$bad_policy"
  b=$work/$rt-fail
  oi_make_bundle "$b" --privileged --hook prestart "$HOOK" --config "$bad_policy" prestart \
    -- sh -c 'echo started'
  ln -s loop "$b/rootfs/etc/loop"
  id=$(oi_id "$rt-fail")
  rc=0; oi_run "$rt" "$b" "$id" || rc=$?
  [ "$rc" != 0 ] || oi_fail "$rt fail: the container ran"
  oi_assert_not_contains "$OI_OUT" "started"
  # runc shows the hook's stderr line in its error; crun only says the hook failed.
  [ "$rt" = crun ] || oi_assert_contains "$OI_ERR" "oci-immutable-hook: container $id: read-only path /etc/loop"
  records "$id" | jq -r .error | grep -q "read-only path /etc/loop: open /etc/loop in the rootfs: .*symbolic links" ||
    oi_fail "$rt fail: the records do not carry the error"
  [ "$(records "$id" | jq -r 'select(.violation) | .action' | sort -u)" = failed ] ||
    oi_fail "$rt fail: records are not all 'failed'"
  oi_pass "$rt fail: enforcement failure stops the container, records say failed"
done

# Idempotent: the hook at all three stages of one container stacks nothing.
for rt in runc crun; do
  b=$work/$rt-all
  oi_make_bundle "$b" --privileged \
    --hook prestart "$HOOK" --config "$policy" prestart ';' \
    --hook createRuntime "$HOOK" --config "$policy" createRuntime ';' \
    --hook createContainer "$HOOK" --config "$policy" createContainer \
    -- sh -c 'grep -c " /proc/sys " /proc/self/mountinfo; grep -c " /var/cache/nginx " /proc/self/mountinfo; touch /x 2>&1; exit 0'
  id=$(oi_id "$rt-all")
  rc=0; oi_run "$rt" "$b" "$id" || rc=$?
  oi_assert_status 0 "$rc" "$rt all stages: container run"
  [ "$(sed -n 1p "$OI_OUT")" = 1 ] || oi_fail "$rt all stages: /proc/sys mounted more than once"
  [ "$(sed -n 2p "$OI_OUT")" = 1 ] || oi_fail "$rt all stages: tmpfs mounted more than once"
  oi_assert_contains "$OI_OUT" "Read-only file system"
  oi_pass "$rt all stages: idempotent, one mount each"
done

oi_summary
