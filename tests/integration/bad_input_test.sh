#!/usr/bin/env bash
# Bad input, table-driven: every row of CASES below is one hostile or broken
# input, fed to oci-immutable-hook directly (state piped on stdin), through real
# runc and crun (the hook in the bundle), or to oci-immutable-runtime in front
# of runc or crun. Each run asserts the exact outcome: the exit status, one
# clear line on stderr (or none), whether the container started (and, if it
# did, that it was enforced: EROFS on /), that config.json is untouched
# (sha256 before and after) and that no mount is left behind, neither on the
# host (/proc/self/mountinfo under this test's dirs, before and after) nor in
# the container's mount namespace outside its rootfs (dumped next to the hook,
# before pivot_root). The table of outcomes is printed at the end.
#
# Decisions the rows assert:
# * root.path relative: resolved against the bundle; works.
# * root.path a symlink to the rootfs: the hook follows the engine-owned link
#   (crun runs such a bundle, enforced); runc itself refuses a symlinked rootfs
#   before any hook runs. A dangling link: refused (hook: ENOENT; runtimes: their
#   own error), nothing mounted.
# * config.json a symlink (wrapper): followed for reading; the rewrite is an
#   atomic rename, so the link in the bundle is replaced by a regular file with
#   the rewritten spec and the link's target is left byte for byte as it was.
#   The wrapper never writes through the link.
# * /proc, /var/run symlinks out of the rootfs: resolved inside the rootfs
#   (RESOLVE_IN_ROOT); the runtimes themselves refuse to mount proc on a link.
# * A 100 MiB config.json: the hook and the wrapper stop reading at 16 MiB
#   (bounded RSS); runc and crun parse it themselves and hand the annotations
#   on in the state, which the hook then refuses at 1 MiB.
# * A log that cannot be opened or written: one warning line, enforcement
#   unaffected. On a nearly full file system the record that crosses the last
#   free byte is cut short and stays without its newline (a known limit of
#   the append-only sink; the row asserts it as it is).
# shellcheck disable=SC2016  # container commands and jq programs are single-quoted on purpose
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
oi_require_root
oi_require_tool runc crun jq sha256sum setpriv /usr/bin/time

work=$(oi_tmpdir)
# Private copies: a rebuild while the test runs must not swap the binaries.
HOOK=$work/oci-immutable-hook WRAPPER=$work/oci-immutable-runtime
cp "${OI_HOOK:?OI_HOOK names the built oci-immutable-hook}" "$HOOK"
cp "${OI_RUNTIME:?OI_RUNTIME names the built oci-immutable-runtime}" "$WRAPPER"
unset OCI_IMMUTABLE_RUNTIME OCI_IMMUTABLE_CONFIG OCI_IMMUTABLE_HOOK
log=$work/violations.log
MAX_RSS_KB=$((64 * 1024))  # for 100 MiB of input: the limits (1 and 16 MiB) must hold
BIG=$((100 * 1024 * 1024))
DEEP=100000

# What every container runs. The sysctl write puts back the value it read.
CMD='echo started
echo "root: $(touch /x 2>&1 && echo writable)"
v=$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null)
if [ -n "$v" ]; then echo "sysctl: $( (echo "$v" >/proc/sys/net/ipv4/ip_forward) 2>&1 && echo writable)"
else echo "sysctl: none"; fi
echo "run: $(touch /var/run/ok 2>&1 && echo writable) $(stat -f -c %T /var/run/ 2>&1)"'

# One bundle made the slow way; every row copies it.
tmpl=$work/template
oi_make_bundle "$tmpl" --privileged -- sh -c "$CMD"

base_policy=$work/policy.json
jq -n --arg log "$log" '{mode: "enforce", log: {file: $log, syslog: false}}' >"$base_policy"

# ---------------------------------------------------------------- the table
# name | via (hook: direct, state piped; runc/crun: the hook in the bundle;
#   wrap-runc/wrap-crun: the wrapper) | build function | exit status (N, or
#   VIA:N,... with a default N first) | stderr: "-" none, else one line matching
#   the ERE; "hook:" = the hook's own stderr (captured even under runc/crun),
#   otherwise the stderr of the command run. {B} bundle, {D} row dir, {P}
#   policy, {L} log, {PID} pid | started: yes (and enforced) / no / - | config.json:
#   same / rewritten / link-replaced / - | extra check function
# Mounts left behind: asserted "none" for every row.
read -r -d '' CASES <<'TABLE' || true
state-malformed     | hook                 | b_state_malformed | 1 | ^oci-immutable-hook: state: line 1, column 9: lexical error: invalid char in json text\.$ | - | - | -
state-truncated     | hook                 | b_state_truncated | 1 | ^oci-immutable-hook: state: line 1, column 45: parse error: premature EOF$ | - | - | -
state-not-object    | hook                 | b_state_array     | 1 | ^oci-immutable-hook: state: expected object, got array$ | - | - | -
state-gone-pid      | hook                 | b_state_gone_pid  | 1 | ^oci-immutable-hook: container x: joining the container: open /proc/{PID}/ns/mnt: No such file or directory$ | - | same | -
state-host-pid      | hook                 | b_state_host_pid  | 1 | ^oci-immutable-hook: container x: joining the container: the container shares the runtime's mount namespace | - | same | -
state-private-ns-pid| hook                 | b_state_ns_pid    | 1 | ^oci-immutable-hook: container x: {B}/rootfs is not a mount point in the container's mount namespace$ | - | same | ck_ns_pid_mounts
state-100MiB        | hook                 | b_state_big       | 1 | ^oci-immutable-hook: reading the state on stdin: input is larger than 16777216 bytes$ | - | - | ck_rss
state-deep          | hook                 | b_state_deep      | 1 | ^oci-immutable-hook: state: line 1, column 34: nesting deeper than 16 levels$ | - | - | -
bundle-missing      | hook                 | b_bundle_missing  | 1 | ^oci-immutable-hook: open {B}/config.json: No such file or directory$ | - | - | -
bundle-no-config    | hook                 | b_no_config       | 1 | ^oci-immutable-hook: open {B}/config.json: No such file or directory$ | - | - | -
config-truncated    | hook wrap-runc       | b_cfg_truncated   | 1 | ^oci-immutable-[a-z]+:( run:)? {B}/config.json: line 1, column 201: parse error: premature EOF$ | no | same | -
config-not-object   | hook wrap-runc       | b_cfg_array       | 1 | ^oci-immutable-[a-z]+:( run:)? {B}/config.json: config: expected object, got array$ | no | same | -
config-100MiB       | hook wrap-runc       | b_cfg_big         | 1 | ^oci-immutable-[a-z]+:( run:)? {B}/config.json: input is larger than 16777216 bytes$ | no | same | ck_rss
config-100MiB       | runc crun            | b_cfg_big         | 1,crun:255 | hook:^oci-immutable-hook: reading the state on stdin: input is larger than 16777216 bytes$ | no | same | -
config-deep         | hook wrap-runc       | b_cfg_deep        | 1 | ^oci-immutable-[a-z]+:( run:)? {B}/config.json: line 1, column 116: nesting deeper than 64 levels$ | no | same | -
root-path-missing   | hook wrap-runc       | b_root_missing    | 1 | ^oci-immutable-[a-z]+:( run:)? {B}/config.json: root.path: missing$ | no | same | -
root-path-relative  | runc crun            | b_root_relative   | 0 | hook:- | yes | same | -
root-path-relative  | wrap-runc wrap-crun  | b_root_relative   | 0 | - | yes | rewritten | -
root-path-symlink   | crun                 | b_root_symlink    | 0 | hook:- | yes | same | -
root-path-symlink   | wrap-crun            | b_root_symlink    | 0 | - | yes | rewritten | -
root-path-symlink   | runc                 | b_root_symlink    | 1 | invalid rootfs: not an absolute path, or a symlink | no | same | ck_hook_not_run
root-path-symlink   | wrap-runc            | b_root_symlink    | 1 | invalid rootfs: not an absolute path, or a symlink | no | rewritten | ck_hook_not_run
root-path-dangling  | hook                 | b_root_dangling   | 1 | ^oci-immutable-hook: container x: open {B}/rootfs-link: No such file or directory$ | - | same | -
root-path-dangling  | runc                 | b_root_dangling   | 1 | invalid rootfs: stat {B}/rootfs-link: no such file or directory | no | same | ck_hook_not_run
root-path-dangling  | crun                 | b_root_dangling   | 1 | ^make `rootfs-link` private: No such file or directory$ | no | same | ck_hook_not_run
proc-link-abs       | runc crun            | b_proc_abs        | 0 | hook:- | yes | same | ck_proc_ro
proc-link-dotdot    | runc crun            | b_proc_dotdot     | 0 | hook:- | yes | same | ck_proc_ro
proc-link-absent    | crun                 | b_proc_absent     | 0 | hook:- | yes | same | ck_proc_absent
proc-link-absent    | runc                 | b_proc_absent     | 1 | error closing exec fds: open /proc/self/fd: no such file or directory | no | same | ck_proc_absent
proc-link-mounted   | runc                 | b_proc_mounted    | 1 | filesystem .{1,2}proc.{1,2} must be mounted on ordinary directory | no | same | ck_hook_not_run
proc-link-mounted   | crun                 | b_proc_mounted    | 1 | ^the target `/proc` is invalid: Not a directory$ | no | same | ck_hook_not_run
var-run-link-abs    | runc crun            | b_varrun_abs      | 0 | hook:- | yes | same | ck_varrun
var-run-link-abs    | wrap-runc            | b_varrun_abs      | 0 | - | yes | rewritten | ck_varrun
policy-deep         | hook runc crun       | b_pol_deep        | 1,crun:255 | hook:^oci-immutable-hook: policy: {P}: line 1, column 18: nesting deeper than 16 levels$ | no | same | -
policy-deep         | wrap-runc            | b_pol_deep        | 1 | ^oci-immutable-runtime: policy: {P}: line 1, column 18: nesting deeper than 16 levels$ | no | same | -
policy-unknown-key  | hook runc crun       | b_pol_unknown     | 1,crun:255 | hook:^oci-immutable-hook: policy: {P}: line 4, column 12: bogus: unknown key$ | no | same | -
policy-unknown-key  | wrap-runc            | b_pol_unknown     | 1 | ^oci-immutable-runtime: policy: {P}: line 4, column 12: bogus: unknown key$ | no | same | -
policy-wrong-type   | hook runc crun       | b_pol_type        | 1,crun:255 | hook:^oci-immutable-hook: policy: {P}: line 3, column 21: writable_paths: expected array, got string$ | no | same | -
policy-wrong-type   | wrap-crun            | b_pol_type        | 1 | ^oci-immutable-runtime: policy: {P}: line 3, column 21: writable_paths: expected array, got string$ | no | same | -
policy-wrong-type2  | hook runc            | b_pol_type2       | 1 | hook:^oci-immutable-hook: policy: {P}: line 1, column 10: mode: expected string, got number$ | no | same | -
policy-broken-pass  | wrap-runc wrap-crun  | b_pol_type2       | 1 | ^oci-immutable-runtime: policy: {P}: line 1, column 10: mode: expected string, got number$ | no | same | ck_passthrough
log-parent-missing  | runc crun            | b_log_missing     | 0 | hook:^oci-immutable-hook: warning: cannot open log {L}: No such file or directory \(enforcement is unaffected\)$ | yes | same | -
log-parent-missing  | wrap-runc wrap-crun  | b_log_missing     | 0 | ^oci-immutable-runtime: warning: cannot open log {L}: No such file or directory \(enforcement is unaffected\)$ | yes | rewritten | ck_hook_warned
log-dir-readonly    | runc crun            | b_log_readonly    | 0 | hook:^oci-immutable-hook: warning: cannot open log {L}: Read-only file system \(enforcement is unaffected\)$ | yes | same | -
log-dir-readonly    | wrap-runc            | b_log_readonly    | 0 | ^oci-immutable-runtime: warning: cannot open log {L}: Read-only file system \(enforcement is unaffected\)$ | yes | rewritten | ck_hook_warned
log-disk-full       | runc crun            | b_log_full        | 0 | hook:^oci-immutable-hook: warning: cannot write log {L}: No space left on device \(enforcement is unaffected\)$ | yes | same | ck_log_empty
log-disk-full       | wrap-crun            | b_log_full        | 0 | ^oci-immutable-runtime: warning: cannot write log {L}: No space left on device \(enforcement is unaffected\)$ | yes | rewritten | ck_log_empty
log-disk-nearly-full| runc                 | b_log_nearly_full | 0 | hook:^oci-immutable-hook: warning: short write to log {L} \(enforcement is unaffected\)$ | yes | same | ck_log_torn
wrap-bundle-missing | wrap-runc            | b_bundle_missing  | 1 | ^oci-immutable-runtime: run: open {B}/config.json: No such file or directory$ | no | - | -
wrap-cfg-unreadable | wrap-runc            | b_cfg_unreadable  | 1 | ^oci-immutable-runtime: run: open {B}/config.json: Permission denied$ | no | same | -
wrap-cfg-directory  | wrap-runc            | b_cfg_directory   | 1 | ^oci-immutable-runtime: run: {B}/config.json: read: Is a directory$ | no | - | -
wrap-cfg-symlink    | wrap-runc wrap-crun  | b_cfg_symlink     | 0 | - | yes | link-replaced | -
wrap-cfg-dangling   | wrap-runc            | b_cfg_dangling    | 1 | ^oci-immutable-runtime: run: open {B}/config.json: No such file or directory$ | no | same | -
wrap-hook-missing   | wrap-runc wrap-crun  | b_hook_missing    | 1 | ^oci-immutable-runtime: run: hook {D}/no-such-hook: No such file or directory$ | no | same | -
TABLE

# ---------------------------------------------------------------- helpers
# A row's build function sets these (the runner resets them first).
reset_row() {
  BUNDLE=$D/bundle STATE_FILE=$D/state.json POLICY=$base_policy STAGE=createRuntime
  LOG=$log PREFIX=() WRAP_HOOK=$D/hook-shim PID=
  TEARDOWN=()
}

# mkb [--arg NAME VALUE]... [JQ-FILTER...]: $BUNDLE from the template; for runc/crun the hook shim
# at $STAGE. Filters change the config.
mkb() {
  local cfg
  mkdir -p "$BUNDLE"
  cp -a "$tmpl/rootfs" "$BUNDLE/rootfs"
  cfg=$(cat "$tmpl/config.json")
  case $VIA in
    runc | crun)
      cfg=$(jq --arg p "$D/hook-shim" --arg pol "$POLICY" --arg st "$STAGE" \
        '.hooks[$st] = [{path: $p, args: [$p, "--config", $pol, $st]}]' <<<"$cfg") ;;
  esac
  local args=()
  while [ $# -gt 0 ]; do
    case $1 in
      --arg) args+=(--arg "$2" "$3"); shift 3 ;;
      *) cfg=$(jq "${args[@]}" "$1" <<<"$cfg"); shift ;;
    esac
  done
  printf '%s\n' "$cfg" >"$BUNDLE/config.json"
}

state_for() {  # PID: a state naming $BUNDLE, to $STATE_FILE
  jq -nc --arg b "$BUNDLE" --argjson pid "$1" \
    '{ociVersion: "1.0.2", id: "x", status: "creating", pid: $pid, bundle: $b}' >"$STATE_FILE"
}

policy_file() {  # TEXT: $POLICY holds TEXT
  POLICY=$D/policy.json
  printf '%s' "$1" >"$POLICY"
}

log_policy() {  # LOG: $POLICY logs to LOG
  LOG=$1 POLICY=$D/policy.json
  jq -n --arg log "$LOG" '{mode: "enforce", log: {file: $log, syslog: false}}' >"$POLICY"
}

repeat() { head -c "$2" /dev/zero | tr '\0' "$1"; }  # CHAR COUNT

wait_other_ns() {  # PID: until PID's mount namespace is not ours
  local _
  for _ in $(seq 100); do
    [ "$(readlink "/proc/$1/ns/mnt" 2>/dev/null)" != "$(readlink /proc/self/ns/mnt)" ] && return 0
    sleep 0.05
  done
  return 1
}

# ---------------------------------------------------------------- build functions
b_state_malformed() { printf '{"id": x, "bundle": "/nowhere"}' >"$STATE_FILE"; }
b_state_truncated() { printf '{"ociVersion": "1.0.2", "id": "x", "pid": 12' >"$STATE_FILE"; }
b_state_array() { printf '[{"id": "x"}]' >"$STATE_FILE"; }
b_state_gone_pid() {
  mkb; sh -c 'exit 0' & PID=$!; wait "$PID" || true
  state_for "$PID"
}
b_state_host_pid() {  # the test's own sleep, in the host mount namespace
  STAGE=prestart; mkb
  sleep 60 & PID=$!; TEARDOWN+=("kill $PID")
  state_for "$PID"
}
b_state_ns_pid() {  # a sleep in a private mount namespace of its own: no container
  mkb
  unshare --mount --propagation private sleep 60 & PID=$!; TEARDOWN+=("kill $PID")
  wait_other_ns "$PID" || oi_fail "unshare: no new mount namespace"
  awk '{ print $5 }' "/proc/$PID/mountinfo" | sort >"$D/ns-before"
  state_for "$PID"
}
b_state_big() {
  { printf '{"ociVersion": "1.0.2", "id": "x", "pid": 1, "annotations": {"big": "'
    repeat a "$BIG"; printf '"}}'; } >"$STATE_FILE"
}
b_state_deep() {
  { printf '{"id": "x", "a": '; repeat '[' "$DEEP"; repeat ']' "$DEEP"; printf '}'; } >"$STATE_FILE"
}
b_bundle_missing() { BUNDLE=$D/no-such-bundle; state_for 1; }
b_no_config() { mkb; rm "$BUNDLE/config.json"; state_for 1; }
b_cfg_truncated() {
  mkb; jq -c . "$BUNDLE/config.json" >"$D/c"; head -c 200 "$D/c" >"$BUNDLE/config.json"; state_for 1
}
b_cfg_array() { mkb; echo '[{"ociVersion": "1.0.2"}]' >"$BUNDLE/config.json"; state_for 1; }
b_cfg_big() {  # a valid spec with a 100 MiB annotation
  mkb
  { jq -c 'del(.annotations)' "$BUNDLE/config.json" | sed 's/}$//'
    printf ',"annotations": {"big": "'; repeat a "$BIG"; printf '"}}\n'; } >"$D/c"
  mv "$D/c" "$BUNDLE/config.json"
  state_for 1
}
b_cfg_deep() {
  mkb
  { printf '{"ociVersion":"1.0.2","root":{"path":"rootfs"},"x":'
    repeat '[' "$DEEP"; repeat ']' "$DEEP"; printf '}\n'; } >"$BUNDLE/config.json"
  state_for 1
}
b_root_missing() { mkb '.root = {readonly: false}'; state_for 1; }
b_root_relative() { mkb '.root.path = "./rootfs"'; }
b_root_symlink() {  # an absolute link, as an engine would make it
  mkb '.root.path = "rootfs-link"'
  ln -s "$BUNDLE/rootfs" "$BUNDLE/rootfs-link"
}
b_root_dangling() {
  STAGE=createContainer  # direct: the hook opens the rootfs where it runs
  mkb '.root.path = "rootfs-link"'
  ln -s "$BUNDLE/no-such-rootfs" "$BUNDLE/rootfs-link"
  state_for 1
}
# /proc in the image links to a host dir ($D/hostproc, with a sys/ of its
# own). The runtimes refuse to mount proc on a link, so the spec mounts proc at
# the link's target as the rootfs sees it: /proc/sys then resolves to the proc
# mounted inside the rootfs, never to the host dir. _absent: no proc at all and
# the target absent from the rootfs (the hook must skip /proc/sys and the rest).
b_proc_link() {  # LINK-TEXT MOUNT-PROC(yes/no)
  mkdir -p "$D/hostproc/sys" && echo host >"$D/hostproc/sys/mark"
  if [ "$2" = yes ]; then
    mkb --arg t "$D/hostproc" '.mounts |= map(if .destination == "/proc" then .destination = $t else . end)'
    mkdir -p "$BUNDLE/rootfs$D/hostproc"
  else
    mkb 'del(.mounts[] | select(.destination == "/proc"))'
  fi
  rmdir "$BUNDLE/rootfs/proc"
  ln -s "$1" "$BUNDLE/rootfs/proc"
}
b_proc_abs() { STAGE=createRuntime; b_proc_link "$D/hostproc" yes; }
b_proc_dotdot() { STAGE=createContainer; b_proc_link "../../../../../../../../../..$D/hostproc" yes; }
b_proc_absent() { STAGE=prestart; b_proc_link "../../../../../../../../../..$D/hostproc" no; }
b_proc_mounted() {  # proc at /proc itself, a link: the runtimes refuse
  mkdir -p "$D/hostproc"
  mkb; rmdir "$BUNDLE/rootfs/proc"; ln -s "$D/hostproc" "$BUNDLE/rootfs/proc"
}
# /var/run -> a host dir, /var/run writable: the tmpfs must land in the rootfs.
b_varrun_abs() {
  policy_file "{\"mode\": \"enforce\", \"log\": {\"file\": \"$log\", \"syslog\": false}, \"writable_paths\": [\"/var/run\"]}"
  STAGE=prestart
  mkdir -p "$D/hostrun" && echo host >"$D/hostrun/mark"
  mkb; rmdir "$BUNDLE/rootfs/var/run"; ln -s "$D/hostrun" "$BUNDLE/rootfs/var/run"
  mkdir -p "$BUNDLE/rootfs$D/hostrun"
}
b_pol_deep() {
  policy_file "$(repeat '[' "$DEEP"; repeat ']' "$DEEP")"
  mkb; state_for 1
}
b_pol_unknown() {
  policy_file $'{\n  "mode": "enforce",\n  "writable_paths": ["/run"],\n  "bogus": 1\n}\n'
  mkb; state_for 1
}
b_pol_type() {
  policy_file $'{\n  "mode": "enforce",\n  "writable_paths": "/tmp"\n}\n'
  mkb; state_for 1
}
b_pol_type2() { policy_file '{"mode": 1}'; mkb; state_for 1; }
b_log_missing() { log_policy "$D/no-such-dir/sub/violations.log"; mkb; }
b_log_readonly() {
  mkdir -p "$D/rolog"
  mount --bind "$D/rolog" "$D/rolog"
  TEARDOWN+=("umount $D/rolog")
  mount -o remount,bind,ro "$D/rolog"
  log_policy "$D/rolog/violations.log"; mkb
}
b_log_full() {
  mkdir -p "$D/fulllog"
  mount -t tmpfs -o size=16k,mode=0755 oi-test-full "$D/fulllog"
  TEARDOWN+=("umount $D/fulllog")
  : >"$D/fulllog/violations.log"
  dd if=/dev/zero of="$D/fulllog/fill" bs=4k 2>/dev/null || true
  log_policy "$D/fulllog/violations.log"; mkb
}
b_log_nearly_full() {  # the log's last page has room for part of one record only
  mkdir -p "$D/fulllog"
  mount -t tmpfs -o size=16k,mode=0755 oi-test-full "$D/fulllog"
  TEARDOWN+=("umount $D/fulllog")
  { repeat x 3900; echo; } >"$D/fulllog/violations.log"
  dd if=/dev/zero of="$D/fulllog/fill" bs=4k 2>/dev/null || true
  log_policy "$D/fulllog/violations.log"; mkb
}
b_cfg_unreadable() {  # root without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH meets mode 000
  mkb; chmod 000 "$BUNDLE/config.json"
  PREFIX=(setpriv "--bounding-set=-dac_override,-dac_read_search")
}
b_cfg_directory() { mkb; rm "$BUNDLE/config.json"; mkdir "$BUNDLE/config.json"; }
b_cfg_symlink() {
  mkb; mv "$BUNDLE/config.json" "$D/real-config.json"; ln -s "$D/real-config.json" "$BUNDLE/config.json"
}
b_cfg_dangling() { mkb; rm "$BUNDLE/config.json"; ln -s "$D/no-such-config.json" "$BUNDLE/config.json"; }
b_hook_missing() { mkb; WRAP_HOOK=$D/no-such-hook; }

# ---------------------------------------------------------------- extra checks
ck_rss() {
  local kb; kb=$(tail -1 "$D/rusage" | cut -d' ' -f1)
  [ "$kb" -lt "$MAX_RSS_KB" ] || oi_fail "$ROW: max RSS $kb kB for 100 MiB of input"
}
ck_ns_pid_mounts() {  # the namespace the hook joined is unchanged
  cmp -s "$D/ns-before" "$D/ns-after" || oi_fail "$ROW: the sleep's mount table changed"
}
ck_hook_not_run() { [ ! -e "$D/shim-state.json" ] || oi_fail "$ROW: the hook ran"; }
ck_hook_warned() {  # the hook (behind the wrapper) warned once too
  if [ "$(wc -l <"$D/hook.err")" != 1 ] ||
     ! grep -q "^oci-immutable-hook: warning: .*(enforcement is unaffected)$" "$D/hook.err"; then
    oi_show "$D/hook.err"; oi_fail "$ROW: the hook did not warn exactly once"
  fi
}
ck_log_empty() {  # nothing, torn or whole, reached the full log
  [ -f "$D/log.snapshot" ] || oi_fail "$ROW: the log file is gone"
  [ ! -s "$D/log.snapshot" ] || { oi_show "$D/log.snapshot"; oi_fail "$ROW: bytes reached the full log"; }
}
ck_log_torn() {  # a known limit: the record cut at the full page stays, without its newline
  [ "$(stat -c %s "$D/log.snapshot")" = 4096 ] || oi_fail "$ROW: the log is not one full page"
  if tail -n 1 "$D/log.snapshot" | jq -e . >/dev/null 2>&1; then oi_fail "$ROW: expected a torn last record"; fi
}
ns_has() {  # MOUNTPOINT FSTYPE: in the container's namespace dump
  sed 's/ - / /' "$D/ns-mountinfo" | awk -v m="$1" -v t="$2" '$5 == m && $(NF-2) == t' | grep -q .
}
host_dir_intact() {  # DIR: not a mount, the mark still there
  mountpoint -q "$1" && oi_fail "$ROW: $1 is a mount point on the host"
  [ "$(cat "$1/mark")" = host ] || oi_fail "$ROW: $1 lost its content"
  return 0
}
ck_proc_ro() {  # proc's sys bound read-only inside the rootfs, the host dir untouched
  host_dir_intact "$D/hostproc/sys"
  ns_has "$BUNDLE/rootfs$D/hostproc/sys" proc || { oi_show "$D/ns-mountinfo"; oi_fail "$ROW: no read-only /proc/sys in the rootfs"; }
  grep -q '^sysctl: .*Read-only file system$' "$D/out" || oi_fail "$ROW: /proc/sys not EROFS"
}
ck_proc_absent() {
  host_dir_intact "$D/hostproc/sys"
  [ -s "$D/shim-state.json" ] || oi_fail "$ROW: the hook did not run"
  [ "$(records '.notice == "path-skipped" and .path == "/proc/sys"' | jq -r .reason)" = "absent in the container" ] ||
    { records true >&2; oi_fail "$ROW: no 'absent' notice for /proc/sys"; }
}
ck_varrun() {
  host_dir_intact "$D/hostrun"
  [ ! -e "$D/hostrun/ok" ] || oi_fail "$ROW: the container wrote into the host dir"
  grep -q '^run: writable tmpfs$' "$D/out" || oi_fail "$ROW: /var/run not a writable tmpfs"
  ns_has "$BUNDLE/rootfs$D/hostrun" tmpfs || { oi_show "$D/ns-mountinfo"; oi_fail "$ROW: no tmpfs at the link's target in the rootfs"; }
}
ck_passthrough() {  # a broken policy: create refused (the row), state and delete pass through
  local rt=${VIA#wrap-} id rc=0 wrapped direct
  id=$(oi_id "keep-$VIA")
  BUNDLE=$D/keeper; mkb
  oi_create "$rt" "$BUNDLE" "$id" || oi_fail "$ROW: create of the keeper"
  direct=$(oi_rt "$rt" state "$id")
  wrapped=$(OI_WRAPPER=$D/wrapper oi_rt "$rt" state "$id" 2>"$D/state.err") || rc=$?
  oi_assert_status 0 "$rc" "$ROW: state through the wrapper"
  [ "$wrapped" = "$direct" ] || oi_fail "$ROW: state through the wrapper differs"
  if [ "$(wc -l <"$D/state.err")" != 1 ] ||
     ! grep -q "^oci-immutable-runtime: warning: policy: $(rx "$POLICY"): .*(passing state through)$" "$D/state.err"; then
    oi_show "$D/state.err"; oi_fail "$ROW: state: no single warning line"
  fi
  OI_WRAPPER=$D/wrapper oi_rt "$rt" delete -f "$id" 2>"$D/delete.err" || oi_fail "$ROW: delete through the wrapper"
  ! oi_rt "$rt" state "$id" >/dev/null 2>&1 || oi_fail "$ROW: the keeper survived delete"
}

records() {  # JQ-CONDITION: this row's records in $log
  [ -f "$log" ] || return 0
  jq -c --arg id "$ID" "select(.container_id == \$id and ($1))" "$log"
}

# ---------------------------------------------------------------- the runner
# shellcheck disable=SC2001  # a bracket expression, not one substitution
rx() { sed 's/[][\.*^$+?(){}|]/\\&/g' <<<"$1"; }  # TEXT as a literal ERE

fill() {  # REGEX: placeholders replaced by literal-ERE values
  local r=$1 b d p l
  b=$(rx "$BUNDLE") d=$(rx "$D") p=$(rx "$POLICY") l=$(rx "$LOG")
  r=${r//"{B}"/"$b"}; r=${r//"{D}"/"$d"}; r=${r//"{P}"/"$p"}; r=${r//"{L}"/"$l"}; r=${r//"{PID}"/"$PID"}
  printf '%s' "$r"
}

expected_rc() {  # SPEC VIA: "1,crun:255" -> 255 for crun, else 1
  local t want=
  IFS=, read -ra t <<<"$1"
  want=${t[0]}
  for x in "${t[@]:1}"; do [ "${x%%:*}" = "$2" ] && want=${x#*:}; done
  echo "$want"
}

cfg_state() {  # FILE: "link TARGET SHA" or "file SHA" or "dir" or "none"
  if [ -L "$1" ]; then echo "link $(readlink "$1") $({ sha256sum <"$1"; } 2>/dev/null | cut -c1-16)"
  elif [ -d "$1" ]; then echo dir
  elif [ -e "$1" ]; then echo "file $(sha256sum <"$1" | cut -c1-16)"
  else echo none; fi
}

write_shim() {  # the hook behind a shim: its stderr and state kept, the mount table dumped
  cat >"$D/hook-shim" <<EOF
#!/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
cat >"$D/shim-state.json"
rc=0; "$HOOK" "\$@" <"$D/shim-state.json" 2>>"$D/hook.err" || rc=\$?
for stage; do :; done
if [ "\$stage" = createContainer ]; then cat /proc/self/mountinfo
else cat "/proc/\$(jq -r .pid "$D/shim-state.json")/mountinfo"; fi >"$D/ns-mountinfo" 2>/dev/null
exit \$rc
EOF
  chmod 755 "$D/hook-shim"
  : >"$D/hook.err"
}

write_wrapper() {  # the wrapper with this row's environment, under /usr/bin/time
  local p=
  [ "${#PREFIX[@]}" = 0 ] || p=$(printf '%q ' "${PREFIX[@]}")
  cat >"$D/wrapper" <<EOF
#!/bin/sh
export OCI_IMMUTABLE_CONFIG="$POLICY" OCI_IMMUTABLE_HOOK="$WRAP_HOOK"
exec /usr/bin/time -o "$D/rusage" -f '%M %e' $p"$WRAPPER" "\$@"
EOF
  chmod 755 "$D/wrapper"
}

# run_row NAME VIA BUILD RC REGEX STARTED CONFIG CHECK
run_row() {
  local name=$1 build=$3 rc_spec=$4 regex=$5 started=$6 config=$7 check=$8
  VIA=$2 ROW="$1 [$2]" D=$work/rows/$1-$2 ID=$(oi_id "$1-$2")
  mkdir -p "$D"
  reset_row
  write_shim
  "$build"
  write_wrapper
  local cfg_before cfg_after link="" target_before="" rc=0 stream=$D/err
  local got_started=- enforced=- mounts=none cfg_shown=-
  cfg_before=$(cfg_state "$BUNDLE/config.json")
  if [ -L "$BUNDLE/config.json" ]; then
    link=$(readlink "$BUNDLE/config.json") target_before=$(cfg_state "$link")
  fi
  oi_mounts_under "$work" | sort >"$D/host-before"
  case $VIA in
    hook)
      /usr/bin/time -o "$D/rusage" -f '%M %e' "$HOOK" --config "$POLICY" "$STAGE" \
        <"$STATE_FILE" >"$D/out" 2>"$D/err" || rc=$?
      cp "$D/err" "$D/hook.err" ;;
    runc | crun)
      oi_run "$VIA" "$BUNDLE" "$ID" || rc=$?
      cp "$OI_OUT" "$D/out"; cp "$OI_ERR" "$D/err" ;;
    wrap-runc | wrap-crun)
      OI_WRAPPER=$D/wrapper oi_run "${VIA#wrap-}" "$BUNDLE" "$ID" || rc=$?
      cp "$OI_OUT" "$D/out"; cp "$OI_ERR" "$D/err" ;;
  esac
  oi_mounts_under "$work" | sort >"$D/host-after"
  if [ -n "$PID" ] && [ -e "/proc/$PID/mountinfo" ]; then
    awk '{ print $5 }' "/proc/$PID/mountinfo" | sort >"$D/ns-after"
  fi
  # The row's own log, before its file system goes away.
  if [ "$LOG" != "$log" ] && [ -f "$LOG" ]; then cp "$LOG" "$D/log.snapshot"; fi
  local t
  for t in "${TEARDOWN[@]}"; do $t 2>/dev/null || true; done

  # exit status
  local want; want=$(expected_rc "$rc_spec" "$VIA")
  [ "$rc" = "$want" ] || { oi_show "$D/err"; oi_show "$D/hook.err"; oi_fail "$ROW: exit status $rc, expected $want"; }
  # stderr: one line or none
  if [ "${regex#hook:}" != "$regex" ]; then stream=$D/hook.err regex=${regex#hook:}; fi
  if [ "$regex" = - ]; then
    [ ! -s "$stream" ] || { oi_show "$stream"; oi_fail "$ROW: stderr not empty"; }
  else
    regex=$(fill "$regex")
    [ "$(wc -l <"$stream")" = 1 ] || { oi_show "$stream"; oi_fail "$ROW: stderr is not one line"; }
    grep -Eq -- "$regex" "$stream" || { oi_show "$stream"; oi_fail "$ROW: stderr does not match /$regex/"; }
  fi
  # started, and then enforced
  if [ "$VIA" != hook ]; then
    got_started=no; grep -qx started "$D/out" && got_started=yes
    [ "$got_started" = "$started" ] || { oi_show "$D/out"; oi_fail "$ROW: started=$got_started, expected $started"; }
    if [ "$got_started" = yes ]; then
      grep -qx 'root: touch: /x: Read-only file system' "$D/out" || { oi_show "$D/out"; oi_fail "$ROW: / not EROFS"; }
      grep -Eq '^sysctl: (none|.*Read-only file system)$' "$D/out" || { oi_show "$D/out"; oi_fail "$ROW: /proc/sys writable"; }
      enforced=EROFS
    fi
  fi
  # config.json
  cfg_after=$(cfg_state "$BUNDLE/config.json")
  case $config in
    same)
      [ "$cfg_after" = "$cfg_before" ] || oi_fail "$ROW: config.json changed ($cfg_before -> $cfg_after)"
      cfg_shown=untouched ;;
    rewritten)
      if [ "$cfg_after" = "$cfg_before" ] || ! jq -e '.root.readonly == true' "$BUNDLE/config.json" >/dev/null; then
        oi_fail "$ROW: config.json not rewritten"
      fi
      cfg_shown=rewritten ;;
    link-replaced)
      if [ "${cfg_after%% *}" != file ] || ! jq -e '.root.readonly == true' "$BUNDLE/config.json" >/dev/null; then
        oi_fail "$ROW: the link was not replaced by the rewritten spec ($cfg_after)"
      fi
      [ "$(cfg_state "$link")" = "$target_before" ] || oi_fail "$ROW: the link's target changed"
      cfg_shown="link->file, target untouched" ;;
  esac
  # mounts: none left on the host under the test dir; in the container's
  # namespace none new under the test dir outside the rootfs
  if ! cmp -s "$D/host-before" "$D/host-after"; then
    mounts=$(comm -13 "$D/host-before" "$D/host-after" | paste -sd, -)
    oi_fail "$ROW: mounts left behind on the host: $mounts"
  fi
  if [ -s "$D/ns-mountinfo" ]; then
    local outside
    outside=$(awk -v w="$work" -v r="$(readlink -f "$BUNDLE/rootfs")" \
      '(index($5, w "/") == 1) && !($5 == r || index($5, r "/") == 1) { print $5 }' "$D/ns-mountinfo" |
      sort -u | comm -23 - "$D/host-before")
    [ -z "$outside" ] || { oi_show "$D/ns-mountinfo"; oi_fail "$ROW: mounts outside the rootfs in the container namespace: $outside"; }
  fi
  [ "$check" = - ] || "$check"

  local line rss=-
  line=$(head -1 "$stream" 2>/dev/null)
  line=${line//"$work"/\$W}
  if [ "$VIA" = hook ] || [ "$check" = ck_rss ]; then
    rss="$(( $(tail -1 "$D/rusage" | cut -d' ' -f1) / 1024 ))M"
  fi
  printf '%s|%s|%s|%s|%s|%s|%s|%s|%s%s\n' "$name" "$VIA" "$rc" "$got_started" "$enforced" "$cfg_shown" \
    "$mounts" "$rss" "${stream##*/}: " "${line:--}" >>"$work/outcomes"
}

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; echo "${s%"${s##*[![:space:]]}"}"; }

# ---------------------------------------------------------------- main
FAILED=()
oi_pass() { echo "$*" >>"$work/passed"; echo "PASS: $*"; }
while IFS='|' read -r name vias build rc regex started config check; do
  name=$(trim "$name"); vias=$(trim "$vias"); build=$(trim "$build"); rc=$(trim "$rc")
  regex=$(trim "$regex"); started=$(trim "$started"); config=$(trim "$config"); check=$(trim "$check")
  [ -n "$name" ] || continue
  [[ $name =~ ${OI_ROWS:-.} ]] || continue  # OI_ROWS=REGEX: only the matching rows
  for via in $vias; do
    set +e
    (set -e; run_row "$name" "$via" "$build" "$rc" "$regex" "$started" "$config" "$check" &&
       oi_pass "$name [$via]")
    r=$?
    set -e
    if [ "$r" != 0 ]; then
      FAILED+=("$name [$via]")
      printf '%s|%s|FAIL||||||\n' "$name" "$via" >>"$work/outcomes"
    fi
  done
done <<<"$CASES"

echo
echo "== $OI_NAME: outcomes (\$W = $work; mounts left: 'none' = none on the host under \$W"
echo "   and none in the container's namespace outside its rootfs; max RSS: direct hook runs and the 100 MiB wrapper run)"
{
  echo "case|via|exit|started|enforced|config.json|mounts left|max RSS|stderr (first line)"
  cat "$work/outcomes"
} | column -t -s'|' | sed 's/^/  /'
[ -f "$work/passed" ] && mapfile -t OI_PASSED <"$work/passed"
oi_summary >/dev/null
echo "== $OI_NAME: ${#OI_PASSED[@]} rows passed"
if [ "${#FAILED[@]}" -gt 0 ]; then
  echo "== $OI_NAME: ${#FAILED[@]} rows FAILED" >&2
  printf '   - %s\n' "${FAILED[@]}" >&2
  exit 1
fi
