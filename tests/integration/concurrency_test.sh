#!/usr/bin/env bash
# Many containers at once: 64 privileged containers started together through
# the hook under runc (createRuntime), 64 through oci-immutable-runtime in front
# of runc (the hook it injects, createContainer), and OI_CONC_CRUN (default 64)
# through the hook under crun (createContainer). Each container writes / and
# /proc/sys (putting back the value it read) and exits: every one must see EROFS
# on both. All of them log to one shared file: every line must parse as one JSON
# object (no torn or interleaved records), and each container id must hold
# exactly the records a container run alone gets (per violation and notice).
#
# The hook runs behind a shim that times it: its wall-time distribution (min,
# median, p99, max) is printed per batch and must stay far inside the hook
# timeout the wrapper writes into config.json ("timeout": 10, rewrite.cc),
# which the hook entries here carry too. The hooks.d file
# (config/hooks.d/oci-immutable.json.in) sets none: the oci-hooks 1.0.0 "hook"
# object is the runtime-spec hook entry (rspec.Hook in podman's
# pkg/hooks/1.0.0), whose optional "timeout" the file leaves out, so under
# CRI-O and podman runc and crun wait for the hook without a limit.
# shellcheck disable=SC2016  # container commands and jq programs are single-quoted on purpose
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
oi_require_root
oi_require_tool runc crun jq
N_RUNC=${OI_CONC_RUNC:-64}
N_WRAP=${OI_CONC_WRAP:-64}
N_CRUN=${OI_CONC_CRUN:-64}
HOOK_TIMEOUT=10       # seconds: what rewrite.cc writes, and what the hook entries here carry
MAX_HOOK_SECONDS=5    # the slowest hook run must stay under half of it

work=$(oi_tmpdir)
HOOK=$work/oci-immutable-hook WRAPPER=$work/oci-immutable-runtime
cp "${OI_HOOK:?OI_HOOK names the built oci-immutable-hook}" "$HOOK"
cp "${OI_RUNTIME:?OI_RUNTIME names the built oci-immutable-runtime}" "$WRAPPER"
unset OCI_IMMUTABLE_RUNTIME
log=$work/violations.log
policy=$work/policy.json
jq -n --arg log "$log" '{mode: "enforce", log: {file: $log, syslog: false}}' >"$policy"
export OCI_IMMUTABLE_CONFIG=$policy

# timed_hook TAG: a shim that runs the hook and appends "TAG start end status"
# (EPOCHREALTIME, µs resolution) to $timings, one short line per run.
timings=$work/timings
timed_hook() {
  cat >"$work/timed-hook-$1" <<EOF
#!/bin/bash
s=\$EPOCHREALTIME
rc=0; "$HOOK" "\$@" || rc=\$?
e=\$EPOCHREALTIME
printf '%s %s %s %s\n' "$1" "\$s" "\$e" "\$rc" >>"$timings"
exit \$rc
EOF
  chmod 755 "$work/timed-hook-$1"
}

tmpl=$work/template
oi_make_bundle "$tmpl" --privileged -- sh -c '
  echo "root: $(touch /x 2>&1 && echo writable)"
  v=$(cat /proc/sys/net/ipv4/ip_forward)
  echo "sysctl: $( (echo "$v" >/proc/sys/net/ipv4/ip_forward) 2>&1 && echo writable)"'

# bundle DIR TAG [STAGE]: the template's rootfs (hard links) and config, with
# the hook timed under TAG at STAGE (no STAGE: no hook, the wrapper adds it).
bundle() {
  local dir=$1 tag=$2 stage=${3:-}
  mkdir -p "$dir"
  cp -al "$tmpl/rootfs" "$dir/rootfs"
  if [ -n "$stage" ]; then
    jq --arg p "$work/timed-hook-$tag" --arg pol "$policy" --arg st "$stage" --argjson t "$HOOK_TIMEOUT" \
      '.hooks[$st] = [{path: $p, args: ["oci-immutable-hook", "--config", $pol, $st], timeout: $t}]' \
      "$tmpl/config.json" >"$dir/config.json"
  else
    cp "$tmpl/config.json" "$dir/config.json"
  fi
}

# start_all BATCH RUNTIME COUNT [STAGE]: COUNT containers, started at once.
# OI_WRAPPER (a shell variable) puts the wrapper in front.
start_all() {
  local batch=$1 rt=$2 n=$3 stage=${4:-} i id t0
  mkdir -p "$work/$batch"
  for i in $(seq "$n"); do bundle "$work/$batch/b$i" "$batch" "$stage"; done
  t0=$EPOCHREALTIME
  for i in $(seq "$n"); do
    id=$(oi_id "$batch-$i")
    oi_register "$rt" "$id"
    ( rc=0; oi_rt "$rt" run --bundle "$work/$batch/b$i" "$id" </dev/null \
        >"$work/$batch/out$i" 2>"$work/$batch/err$i" || rc=$?; echo "$rc" >"$work/$batch/rc$i" ) &
  done
  wait
  WALL=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  for i in $(seq "$n"); do oi_delete "$rt" "$(oi_id "$batch-$i")"; done
}

# check_batch BATCH COUNT REFERENCE-ID: every container exited 0 and was
# enforced; the records of each id (as a sorted list of "source violation
# action" / "source notice path") are exactly those of REFERENCE-ID, a
# container of the same kind run alone.
check_batch() {
  local batch=$1 n=$2 ref=$3 i
  for i in $(seq "$n"); do
    if [ "$(cat "$work/$batch/rc$i")" != 0 ]; then
      oi_show "$work/$batch/err$i"; oi_fail "$batch: container $i exited $(cat "$work/$batch/rc$i")"
    fi
    if ! grep -qx 'root: touch: /x: Read-only file system' "$work/$batch/out$i" ||
       ! grep -q '^sysctl: .*Read-only file system$' "$work/$batch/out$i"; then
      oi_show "$work/$batch/out$i"; oi_fail "$batch: container $i not enforced"
    fi
  done
  jq -rs --arg ref "$ref" --arg p "$(oi_id "$batch-")" '
    map(select(.container_id == $ref or (.container_id | startswith($p))))
    | group_by(.container_id)
    | map({id: .[0].container_id, n: length,
           sig: (map([.source, (.violation // ("notice:" + .notice)), (.action // .path)] | join(" "))
                 | sort | join("; "))})
    | (map(select(.id == $ref))[0] // {sig: "", n: 0}) as $r
    | "\($r.n)", (.[] | select(.id != $ref) | "\(.id) \(.n) \(.sig == $r.sig)"), "sig \($r.sig)"' \
    "$log" >"$work/$batch.sig"
  REFLINES=$(head -1 "$work/$batch.sig")
  [ "$REFLINES" -gt 0 ] || oi_fail "$batch: the reference container logged nothing"
  [ "$(grep -c " true$" "$work/$batch.sig")" = "$n" ] || {
    grep -v " true$" "$work/$batch.sig" >&2
    oi_fail "$batch: $(grep -c " true$" "$work/$batch.sig") of $n ids have the records of a container run alone"
  }
}

# hook_times BATCH: "n min median p99 max" in ms of the batch's hook runs
# (nearest-rank percentiles).
hook_times() {
  awk -v b="$1" '$1 == b { printf "%.3f\n", ($3 - $2) * 1000 }' "$timings" | sort -n |
    awk '{ v[NR] = $1 } END {
      if (NR == 0) { print "0 - - - -"; exit }
      p50 = int((NR * 50 + 99) / 100); p99 = int((NR * 99 + 99) / 100)
      printf "%d %.1f %.1f %.1f %.1f\n", NR, v[1], v[p50], v[p99], v[NR] }'
}

RESULTS=()
run_batch() {  # BATCH RUNTIME COUNT STAGE(or "" with the wrapper) WRAPPED(yes/no)
  local batch=$1 rt=$2 n=$3 stage=$4 wrapped=$5 ref stats label=$2 p99 max rc=0
  timed_hook "$batch"
  timed_hook "$batch-ref"
  # A reference container, alone.
  ref=$(oi_id "$batch-ref")
  bundle "$work/$batch-ref" "$batch-ref" "$stage"
  if [ "$wrapped" = yes ]; then
    label="$rt via the wrapper" stage="createContainer (injected)"
    OCI_IMMUTABLE_HOOK=$work/timed-hook-$batch-ref OI_WRAPPER=$WRAPPER oi_run "$rt" "$work/$batch-ref" "$ref" || rc=$?
  else
    oi_run "$rt" "$work/$batch-ref" "$ref" || rc=$?
  fi
  oi_assert_status 0 "$rc" "$batch: the reference container"
  # The batch, all at once.
  if [ "$wrapped" = yes ]; then
    OCI_IMMUTABLE_HOOK=$work/timed-hook-$batch OI_WRAPPER=$WRAPPER start_all "$batch" "$rt" "$n" ""
  else
    start_all "$batch" "$rt" "$n" "$stage"
  fi
  check_batch "$batch" "$n" "$ref"
  [ "$(awk -v b="$batch" '$1 == b' "$timings" | wc -l)" = "$n" ] || oi_fail "$batch: not $n hook runs timed"
  [ -z "$(awk -v b="$batch" '$1 == b && $4 != 0' "$timings")" ] || oi_fail "$batch: a hook run failed"
  stats=$(hook_times "$batch")
  read -r _ _ _ p99 max <<<"$stats"
  awk -v m="$max" -v l="$MAX_HOOK_SECONDS" 'BEGIN { exit !(m < l * 1000) }' ||
    oi_fail "$batch: the slowest hook run took $max ms (limit $MAX_HOOK_SECONDS s, timeout $HOOK_TIMEOUT s)"
  RESULTS+=("$batch|$label|$stage|$n|${WALL}s|$REFLINES|${stats// /|}")
  oi_pass "$batch: $n privileged containers at once, all EROFS on / and /proc/sys, each id $REFLINES records as when alone; hook p99 $p99 ms, max $max ms"
}

run_batch runc-hook runc "$N_RUNC" createRuntime no
run_batch runc-wrapper runc "$N_WRAP" "" yes
run_batch crun-hook crun "$N_CRUN" createContainer no

# ---- the shared log as a whole
total=$(wc -l <"$log")
bad=$(jq -Rr 'try (fromjson | if type == "object" then empty else "not an object" end) catch "torn"' "$log" | wc -l)
[ "$bad" = 0 ] || oi_fail "$bad of $total log lines are torn, interleaved or not one object"
[ "$(jq -c . "$log" | wc -l)" = "$total" ] || oi_fail "a log line holds more than one record"
expected=0
for r in "${RESULTS[@]}"; do
  IFS='|' read -r _ _ _ n _ per _ <<<"$r"
  expected=$((expected + (n + 1) * per))  # the batch and its reference
done
[ "$total" = "$expected" ] || oi_fail "the log holds $total lines, expected $expected"
oi_pass "shared log: $total lines, every one a whole JSON object, exactly the expected count"

echo
echo "== $OI_NAME: per-id record counts (each batch: every id equal to a container run alone)"
for b in runc-hook runc-wrapper crun-hook; do
  jq -r --arg p "$(oi_id "$b-")" 'select(.container_id | startswith($p)) | .container_id' "$log" |
    sort | uniq -c | awk -v b="$b" '{ c[$1]++ } END { for (k in c) printf "   %s: %d ids with %d records\n", b, c[k], k }'
  jq -r --arg p "$(oi_id "$b-")" 'select(.container_id | startswith($p))
      | "\(.source) \(.violation // ("notice " + .path)) \(.action // "")"' "$log" |
    sort | uniq -c | sed 's/^/      /'
done
echo
echo "== $OI_NAME: hook wall time (ms, the hook process from exec to exit; hook timeout ${HOOK_TIMEOUT}s in the"
echo "   wrapper's rewrite and in these bundles, none in hooks.d)"
{
  echo "batch|runtime|stage|containers|batch wall|records/id|hook runs|min|median|p99|max"
  printf '%s\n' "${RESULTS[@]}"
  all=$(awk '{ printf "%.3f\n", ($3 - $2) * 1000 }' "$timings" | sort -n |
    awk '{ v[NR] = $1 } END { p50 = int((NR * 50 + 99) / 100); p99 = int((NR * 99 + 99) / 100)
      printf "%d|%.1f|%.1f|%.1f|%.1f", NR, v[1], v[p50], v[p99], v[NR] }')
  echo "all (with references)||||||$all"
} | column -t -s'|' | sed 's/^/   /'
oi_summary
