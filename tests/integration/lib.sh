# shellcheck shell=bash disable=SC2016  # sh -c / jq programs are single-quoted on purpose
# Integration-test library for oci-immutable. Source it from a test script:
#
#   #!/usr/bin/env bash
#   set -euo pipefail
#   . "$(dirname "$0")/lib.sh"
#   oi_require_root; oi_require_tool runc
#   b=$(oi_tmpdir)
#   oi_make_bundle "$b" --privileged -- sh -c 'touch /x'
#   rc=0; oi_run runc "$b" "$(oi_id demo)" || rc=$?
#
# Sourcing installs an EXIT trap (oi_cleanup) that force-deletes every container
# created through this library, lazily unmounts whatever is still mounted under
# the library's temp dirs, and removes those dirs. Exit status 77 means "skip".
#
# crun on a hybrid cgroup host (cgroup2 mounted at /sys/fs/cgroup/unified) refuses
# to run; every crun call then goes through a private mount namespace with that
# mount removed (see oi_rt). Hooks crun runs live in that namespace too.
#
# Environment: OI_TMP (parent of temp dirs, default /tmp), OI_RUNC / OI_CRUN
# (runtime binaries), OI_TIMEOUT (seconds per runtime call, default 60),
# OI_OUT / OI_ERR (capture files, set here).

OI_TMP=${OI_TMP:-/tmp}
OI_RUNC=${OI_RUNC:-runc}
OI_CRUN=${OI_CRUN:-crun}
OI_TIMEOUT=${OI_TIMEOUT:-60}
OI_PASSED=()
OI_NAME=${OI_NAME:-$(basename "$0" .sh)}

# ---------------------------------------------------------------- requirements
oi_require_root() {
  if [ "$(id -u)" -ne 0 ]; then echo "SKIP: $OI_NAME needs root" >&2; exit 77; fi
}

oi_require_tool() {
  local t bin
  for t in "$@"; do
    bin=$t
    case $t in runc) bin=$OI_RUNC ;; crun) bin=$OI_CRUN ;; esac
    if ! command -v "$bin" >/dev/null 2>&1; then
      echo "SKIP: $OI_NAME needs $t" >&2; exit 77
    fi
  done
}

# ---------------------------------------------------------------- assertions
oi_fail() {
  echo "FAIL: $OI_NAME: $*" >&2
  local f
  for f in "${OI_OUT:-}" "${OI_ERR:-}"; do
    if [ -n "$f" ] && [ -s "$f" ]; then echo "--- $f:" >&2; sed 's/^/  | /' "$f" >&2; fi
  done
  exit 1
}

oi_pass() { OI_PASSED+=("$*"); echo "PASS: $*"; }

oi_assert_contains() {  # FILE TEXT  (fixed string)
  grep -qF -- "$2" "$1" 2>/dev/null || { oi_show "$1"; oi_fail "$1 lacks '$2'"; }
}

oi_assert_not_contains() {  # FILE TEXT
  if grep -qF -- "$2" "$1" 2>/dev/null; then oi_show "$1"; oi_fail "$1 contains '$2'"; fi
}

oi_assert_status() {  # EXPECTED ACTUAL MSG
  [ "$1" = "$2" ] || oi_fail "$3: exit status $2, expected $1"
}

oi_show() {  # FILE: print it to stderr (oi_fail already prints $OI_OUT and $OI_ERR)
  case $1 in "${OI_OUT:-}" | "${OI_ERR:-}") return 0 ;; esac
  echo "--- $1:" >&2; sed 's/^/  | /' "$1" >&2 2>/dev/null || true
}

oi_summary() {  # prints what this script checked; call at the end
  local p
  echo "== $OI_NAME: ${#OI_PASSED[@]} checks passed"
  for p in "${OI_PASSED[@]}"; do echo "   - $p"; done
}

# ---------------------------------------------------------------- temp dirs, cleanup
oi_tmpdir() {  # prints a new dir (mode 0755, so a userns root can traverse it)
  local d
  d=$(mktemp -d "$OI_TMP/oi-test.XXXXXX")
  chmod 755 "$d"
  # When called as $(oi_tmpdir) the array update is lost in the subshell;
  # the registry file keeps it visible to oi_cleanup.
  echo "$d" >>"$OI_REGISTRY"
  echo "$d"
}

oi_id() { echo "oi-$$-$1"; }  # a container id unique to this script run

# Mount points (deepest first) under DIR in this mount namespace.
oi_mounts_under() {
  awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print length($5), $5 }' /proc/self/mountinfo |
    sort -rn | cut -d' ' -f2-
}

oi_cleanup() {
  local rc=$? rt id d m
  set +e
  trap - EXIT INT TERM
  while read -r rt id; do
    [ -n "$id" ] && oi_rt "$rt" delete -f "$id" >/dev/null 2>&1
  done < <(cat "$OI_REGISTRY.ctr" 2>/dev/null)
  while read -r d; do
    [ -d "$d" ] || continue
    case $d in "$OI_TMP"/oi-*) ;; *) continue ;; esac
    for _ in 1 2 3; do
      for m in $(oi_mounts_under "$d"); do umount -l "$m" 2>/dev/null; done
    done
    if [ -n "$(oi_mounts_under "$d")" ]; then
      echo "oi_cleanup: mounts remain under $d, not removing it" >&2; rc=1; continue
    fi
    rm -rf --one-file-system "$d"
  done < <(sort -u "$OI_REGISTRY" 2>/dev/null)
  rm -f "$OI_REGISTRY" "$OI_REGISTRY.ctr"
  exit "$rc"
}

OI_REGISTRY=$(mktemp "$OI_TMP/oi-registry.XXXXXX")
trap oi_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
OI_WORK=$(oi_tmpdir)
OI_OUT=$OI_WORK/stdout
OI_ERR=$OI_WORK/stderr

# ---------------------------------------------------------------- rootfs and bundle
oi_make_rootfs() {  # DIR
  local r=$1 a
  mkdir -p "$r"/{bin,proc,sys,dev,tmp,etc,run,var/run,var/cache/nginx,var/tmp,data,root}
  chmod 1777 "$r/tmp" "$r/var/tmp"
  cp "$(readlink -f /bin/busybox)" "$r/bin/busybox"
  for a in $("$r/bin/busybox" --list); do
    [ "$a" = busybox ] || ln -sf busybox "$r/bin/$a"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$r/etc/passwd"
  printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' >"$r/etc/group"
}

# Capability names in CapBnd of this process, one per line.
oi_bounding_caps() {
  local names=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP
    LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER
    SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE
    SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP
    MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF
    CHECKPOINT_RESTORE)
  local hex i
  hex=$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)
  for i in "${!names[@]}"; do
    if (( (16#$hex >> i) & 1 )); then echo "CAP_${names[i]}"; fi
  done
}

oi_json_array() { jq -nc '$ARGS.positional' --args -- "$@"; }  # ARGS... -> JSON array

# oi_make_bundle DIR [OPTIONS] -- CMD [ARGS...]
#   --privileged          rw root, all CapBnd caps, no masked/readonly paths, rw /sys and cgroup
#   --readonly-root       root.readonly = true
#   --volume HOST:CTR     rbind,rw mount
#   --tmpfs CTR           tmpfs mount
#   --hook STAGE PATH [ARG...] ';'   append {path, args:[PATH,ARG...]} to hooks.STAGE
#                         (quote the ';' terminator; it may be omitted before '--')
#   --annotation K=V      add an annotation
#   --env K=V             add to process.env
#   --userns              user namespace, 0 -> 100000 (65536 ids); rootfs chowned
#   --jq FILTER           apply a jq filter to the final config (escape hatch)
oi_make_bundle() {
  local dir=$1; shift
  local priv=false ro=false userns=false filters=()
  local mounts='[]' hooks='{}' ann='{}' env='["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]'
  while [ $# -gt 0 ]; do
    case $1 in
      --privileged) priv=true; shift ;;
      --readonly-root) ro=true; shift ;;
      --userns) userns=true; shift ;;
      --volume)
        mounts=$(jq -c --arg s "${2%%:*}" --arg d "${2#*:}" \
          '. + [{destination:$d, type:"bind", source:$s, options:["rbind","rw"]}]' <<<"$mounts")
        shift 2 ;;
      --tmpfs)
        mounts=$(jq -c --arg d "$2" \
          '. + [{destination:$d, type:"tmpfs", source:"tmpfs", options:["nosuid","nodev","mode=1777"]}]' <<<"$mounts")
        shift 2 ;;
      --hook)
        local stage=$2 hargs=("$3"); shift 3
        while [ $# -gt 0 ] && [ "$1" != ";" ] && [ "$1" != "--" ]; do hargs+=("$1"); shift; done
        [ "${1:-}" = ";" ] && shift
        hooks=$(jq -c --arg st "$stage" --argjson a "$(oi_json_array "${hargs[@]}")" \
          '.[$st] += [{path: $a[0], args: $a}]' <<<"$hooks")
        ;;
      --annotation) ann=$(jq -c --arg k "${2%%=*}" --arg v "${2#*=}" '.[$k] = $v' <<<"$ann"); shift 2 ;;
      --env) env=$(jq -c --arg e "$2" '. + [$e]' <<<"$env"); shift 2 ;;
      --jq) filters+=("$2"); shift 2 ;;
      --) shift; break ;;
      *) echo "oi_make_bundle: unknown option $1" >&2; return 2 ;;
    esac
  done
  [ $# -gt 0 ] || { echo "oi_make_bundle: missing -- CMD" >&2; return 2; }
  mkdir -p "$dir"
  oi_make_rootfs "$dir/rootfs"
  local caps='["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"]'
  $priv && caps=$(oi_bounding_caps | jq -R . | jq -sc .)
  jq -n --argjson priv "$priv" --argjson ro "$ro" --argjson userns "$userns" \
    --argjson caps "$caps" --argjson extra "$mounts" --argjson hooks "$hooks" \
    --argjson ann "$ann" --argjson env "$env" '
    ($priv | if . then [] else ["ro"] end) as $sysro |
    {
      ociVersion: "1.0.2",
      process: {
        terminal: false, user: {uid: 0, gid: 0}, args: $ARGS.positional, env: $env, cwd: "/",
        capabilities: {bounding: $caps, effective: $caps, permitted: $caps,
                       inheritable: [], ambient: $caps},
        rlimits: [{type: "RLIMIT_NOFILE", hard: 1024, soft: 1024}],
        noNewPrivileges: ($priv | not)
      },
      root: {path: "rootfs", readonly: $ro},
      hostname: "oi-test",
      mounts: ([
        {destination: "/proc", type: "proc", source: "proc"},
        {destination: "/dev", type: "tmpfs", source: "tmpfs",
         options: ["nosuid","strictatime","mode=755","size=65536k"]},
        {destination: "/dev/pts", type: "devpts", source: "devpts",
         options: ["nosuid","noexec","newinstance","ptmxmode=0666","mode=0620","gid=5"]},
        {destination: "/dev/shm", type: "tmpfs", source: "shm",
         options: ["nosuid","noexec","nodev","mode=1777","size=65536k"]},
        {destination: "/dev/mqueue", type: "mqueue", source: "mqueue",
         options: ["nosuid","noexec","nodev"]},
        {destination: "/sys", type: "sysfs", source: "sysfs",
         options: (["nosuid","noexec","nodev"] + $sysro)},
        {destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup",
         options: (["nosuid","noexec","nodev","relatime"] + $sysro)}
      ] + $extra),
      linux: {
        resources: {devices: [{allow: $priv, access: "rwm"}]},
        namespaces: ([{type:"pid"},{type:"network"},{type:"ipc"},{type:"uts"},{type:"mount"}]
                     + (if $userns then [{type:"user"}] else [] end))
      }
    }
    | if $priv then . else .linux += {
        maskedPaths: ["/proc/acpi","/proc/asound","/proc/kcore","/proc/keys","/proc/latency_stats",
                      "/proc/timer_list","/proc/timer_stats","/proc/sched_debug","/sys/firmware","/proc/scsi"],
        readonlyPaths: ["/proc/bus","/proc/fs","/proc/irq","/proc/sys","/proc/sysrq-trigger"]}
      end
    | if $userns then .linux += {
        uidMappings: [{containerID: 0, hostID: 100000, size: 65536}],
        gidMappings: [{containerID: 0, hostID: 100000, size: 65536}]}
      else . end
    | if $hooks == {} then . else .hooks = $hooks end
    | if $ann == {} then . else .annotations = $ann end
  ' --args -- "$@" >"$dir/config.json"
  local f
  for f in "${filters[@]}"; do
    jq "$f" "$dir/config.json" >"$dir/config.json.new" && mv "$dir/config.json.new" "$dir/config.json"
  done
  if $userns; then chown -R 100000:100000 "$dir/rootfs"; fi
}

# ---------------------------------------------------------------- runtimes
# oi_rt RUNTIME ARGS...: run the runtime binary. crun on a hybrid-cgroup host runs
# in a private mount namespace without /sys/fs/cgroup/unified (every call, so that
# state/exec/kill/delete work on containers created by an earlier call).
# OI_WRAPPER (a shell variable, e.g. `OI_WRAPPER=$OI_RUNTIME oi_run runc ...`):
# when set, the call goes through that wrapper binary (oci-immutable-runtime)
# with OCI_IMMUTABLE_RUNTIME naming the real runtime.
oi_rt() {
  local rt=$1 bin; shift
  case $rt in
    runc) bin=$OI_RUNC ;;
    crun) bin=$OI_CRUN ;;
    *) echo "oi_rt: unknown runtime $rt" >&2; return 2 ;;
  esac
  local cmd=("$bin")
  if [ -n "${OI_WRAPPER:-}" ]; then
    cmd=(env "OCI_IMMUTABLE_RUNTIME=$(command -v "$bin")" "$OI_WRAPPER")
  fi
  if [ "$rt" = crun ] && mountpoint -q /sys/fs/cgroup/unified 2>/dev/null; then
    timeout "$OI_TIMEOUT" unshare --mount --propagation private \
      sh -c 'umount /sys/fs/cgroup/unified && exec "$0" "$@"' "${cmd[@]}" "$@"
  else
    timeout "$OI_TIMEOUT" "${cmd[@]}" "$@"
  fi
}

oi_register() { echo "$1 $2" >>"$OI_REGISTRY.ctr"; }  # RUNTIME ID

# oi_run RUNTIME BUNDLE ID: run to completion; stdout -> $OI_OUT, stderr -> $OI_ERR.
# Returns the container's exit status (or the runtime's on failure); always deletes.
oi_run() {
  local rt=$1 bundle=$2 id=$3 rc=0
  oi_register "$rt" "$id"
  oi_rt "$rt" run --bundle "$bundle" "$id" </dev/null >"$OI_OUT" 2>"$OI_ERR" || rc=$?
  oi_rt "$rt" delete -f "$id" >/dev/null 2>&1 || true
  return "$rc"
}

# oi_create RUNTIME BUNDLE ID: create (not start). The runtime's and the container
# process's stdout/stderr go to $OI_WORK/ID.out / ID.err; returns the runtime's status.
oi_create() {
  local rt=$1 bundle=$2 id=$3
  oi_register "$rt" "$id"
  oi_rt "$rt" create --bundle "$bundle" "$id" </dev/null >"$OI_WORK/$id.out" 2>"$OI_WORK/$id.err"
}

oi_start() { oi_rt "$1" start "$2" </dev/null >"$OI_OUT" 2>"$OI_ERR"; }  # RUNTIME ID

# oi_exec RUNTIME ID CMD...: stdout -> $OI_OUT, stderr -> $OI_ERR, returns CMD's status.
oi_exec() {
  local rt=$1 id=$2; shift 2
  oi_rt "$rt" exec "$id" "$@" </dev/null >"$OI_OUT" 2>"$OI_ERR"
}

oi_state() { oi_rt "$1" state "$2"; }  # RUNTIME ID: prints state JSON

oi_delete() { oi_rt "$1" delete -f "$2" >/dev/null 2>&1 || true; }  # RUNTIME ID
