#!/usr/bin/env bash
# Edge cases of oci-immutable-hook under real runc and crun: user-namespaced
# containers, image symlinks that point out of the rootfs, the nginx /var/run ->
# /run layout, writable paths a spec volume serves, protected paths absent from
# the image, /sys made read-only, exemptions, a process.cwd missing from the
# image, and bad inputs that must make the hook fail closed.
# shellcheck disable=SC2016  # container commands are single-quoted on purpose
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
oi_require_root
oi_require_tool runc crun jq
RUNTIMES=${OI_RUNTIMES:-runc crun}

work=$(oi_tmpdir)
# A private copy: a rebuild while the test runs must not swap the binary.
HOOK=$work/oci-immutable-hook
cp "${OI_HOOK:?OI_HOOK names the built oci-immutable-hook}" "$HOOK"
log=$work/violations.log
DEFAULT_RO='["/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus", "/proc/fs"]'

# ---------------------------------------------------------------- helpers
# policy NAME JQ-FILTER: writes $work/NAME.json, the enforce policy logging to
# $log, changed by the filter (with $log and $ro = the default readonly_paths).
policy() {
  jq -n --arg log "$log" --argjson ro "$DEFAULT_RO" \
    '{mode: "enforce", log: {file: $log, syslog: false}} | '"$2" >"$work/$1.json"
  echo "$work/$1.json"
}

records() { jq -c --arg id "$1" 'select(.container_id == $id)' "$log"; }  # ID

# notice ID PATH: the reason of the path-skipped notice for PATH ("" if none).
notice() {
  records "$1" | jq -r --arg p "$2" 'select(.notice == "path-skipped" and .path == $p) | .reason'
}

# run_ok RUNTIME BUNDLE ID WHAT: the container must exit 0.
run_ok() {
  local rc=0
  oi_run "$1" "$2" "$3" || rc=$?
  oi_assert_status 0 "$rc" "$4: container run"
}

# run_fails RUNTIME BUNDLE ID WHAT: the container must not start.
run_fails() {
  local rc=0
  oi_run "$1" "$2" "$3" || rc=$?
  [ "$rc" != 0 ] || oi_fail "$4: the container ran"
  oi_assert_not_contains "$OI_OUT" "started"
}

# Mount points (and fs types) of a mountinfo file, one "MOUNTPOINT FSTYPE" a line.
mount_points() { sed 's/ - / /' "$1" | awk '{ print $5, $(NF-2) }' | sort; }

# A hook (dump-mounts.sh STAGE FILE) that copies the container's mount table,
# as its mount namespace sees it before pivot_root, to FILE; it runs after ours
# at the same stage. createContainer hooks run in that namespace already.
cat >"$work/dump-mounts.sh" <<'EOF'
#!/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
if [ "$1" = createContainer ]; then pid=self; else pid=$(jq -r .pid); fi
cat "/proc/$pid/mountinfo" >"$2"
EOF
chmod 755 "$work/dump-mounts.sh"

# ---------------------------------------------------------------- 1. user namespace
# Kubernetes hostUsers:false: container root is host uid 100000, with all
# capabilities inside its user namespace.
case_userns() {
  local rt=$1 stage=$2 b vol id p
  p=$(policy userns '.writable_paths = ["/var/cache/nginx"]')
  b=$work/userns-$rt-$stage vol=$work/userns-$rt-$stage-vol
  mkdir -p "$vol" && chown 100000:100000 "$vol"
  oi_make_bundle "$b" --privileged --userns --volume "$vol:/data" \
    --hook "$stage" "$HOOK" --config "$p" "$stage" -- sh -c '
      v=$(cat /proc/sys/net/ipv4/ip_forward)
      echo "caps: $(awk "/^CapEff:/ { print \$2 }" /proc/self/status)"
      echo "uidmap: $(awk "{ print \$1, \$2 }" /proc/self/uid_map)"
      echo "root: $(touch /x 2>&1 && echo writable)"
      echo "sysctl: $( (echo "$v" >/proc/sys/net/ipv4/ip_forward) 2>&1 && echo writable)"
      echo "volume: $(touch /data/ok 2>&1 && echo writable)"
      echo "tmpfs: $(touch /var/cache/nginx/ok 2>&1 && echo writable)"
      echo "owner: $(stat -c %u:%g:%a /var/cache/nginx)"
      echo "fstype: $(stat -f -c %T /var/cache/nginx)"'
  id=$(oi_id "userns-$rt-$stage")
  run_ok "$rt" "$b" "$id" "$rt userns $stage"
  oi_assert_contains "$OI_OUT" "uidmap: 0 100000"
  # CAP_SYS_ADMIN is bit 21 of CapEff.
  (( (16#$(sed -n 's/^caps: //p' "$OI_OUT") >> 21) & 1 )) || oi_fail "$rt userns $stage: no CAP_SYS_ADMIN"
  oi_assert_contains "$OI_OUT" "root: touch: /x: Read-only file system"
  grep -q '^sysctl: .*Read-only file system' "$OI_OUT" || oi_fail "$rt userns $stage: /proc/sys not EROFS"
  oi_assert_contains "$OI_OUT" "volume: writable"
  oi_assert_contains "$OI_OUT" "tmpfs: writable"
  oi_assert_contains "$OI_OUT" "owner: 0:0:755"
  oi_assert_contains "$OI_OUT" "fstype: tmpfs"
  [ "$(stat -c %u "$vol/ok")" = 100000 ] || oi_fail "$rt userns $stage: volume file not owned by 100000"
  oi_pass "$rt userns $stage: EROFS on / and /proc/sys, volume and tmpfs (uid 0 inside) writable"
}

# ---------------------------------------------------------------- 2. malicious symlinks
# The image links a writable path and a read-only path of the policy to
# directories of the host. Resolved in the rootfs, the links must land inside it.
case_symlinks() {
  local rt=$1 form=$2 stage=$3 b id p host evil after ns
  b=$work/sym-$rt-$form
  host=$work/sym-$rt-$form-host evil=$work/sym-$rt-$form-evil  # host dirs the links name
  mkdir -p "$host" "$evil"
  echo host >"$host/mark"
  p=$(policy "sym-$form" '.writable_paths = ["/var/cache/nginx"] | .readonly_paths = $ro + ["/etc/evil"]')
  oi_make_bundle "$b" --privileged \
    --hook "$stage" "$HOOK" --config "$p" "$stage" ';' \
    --hook "$stage" "$work/dump-mounts.sh" "$stage" "$work/$rt-$form.ns-mountinfo" \
    -- sh -c 'echo started
      echo "cache: $(touch /var/cache/nginx/ok 2>&1 && echo writable)"
      echo "evil: $(touch /etc/evil/ok 2>&1 && echo writable)"
      cat /proc/self/mountinfo'
  rmdir "$b/rootfs/var/cache/nginx"
  if [ "$form" = absolute ]; then
    ln -s "$host" "$b/rootfs/var/cache/nginx"
    ln -s "$evil" "$b/rootfs/etc/evil"
    # The same paths inside the rootfs: where RESOLVE_IN_ROOT takes the links.
    mkdir -p "$b/rootfs$host" "$b/rootfs$evil"
  else
    ln -s "../../../../../../../../../..$host" "$b/rootfs/var/cache/nginx"
    ln -s "../../../../../../../../..$evil" "$b/rootfs/etc/evil"
  fi
  id=$(oi_id "sym-$rt-$form")
  mount_points /proc/self/mountinfo >"$work/before"
  run_ok "$rt" "$b" "$id" "$rt symlinks $form"
  mount_points /proc/self/mountinfo >"$work/after"
  # On the host: no new mount under the test dir and no new tmpfs anywhere.
  after=$(comm -13 "$work/before" "$work/after" | awk -v w="$work" 'index($1, w) == 1 || $2 == "tmpfs"')
  [ -z "$after" ] || oi_fail "$rt symlinks $form: new host mounts: $after"
  [ -z "$(oi_mounts_under "$host")$(oi_mounts_under "$evil")" ] || oi_fail "$rt symlinks $form: host dir mounted"
  [ "$(stat -f -c %T "$host")" != tmpfs ] || oi_fail "$rt symlinks $form: $host is a tmpfs"
  touch "$host/written" "$evil/written" || oi_fail "$rt symlinks $form: a host dir is no longer writable"
  [ "$(cat "$host/mark")" = host ] || oi_fail "$rt symlinks $form: host dir content hidden"
  # In the container's mount namespace (before pivot_root): nothing at the host
  # paths themselves.
  ns=$work/$rt-$form.ns-mountinfo
  [ -s "$ns" ] || oi_fail "$rt symlinks $form: the mount dump hook did not run"
  if mount_points "$ns" | awk -v h="$host" -v e="$evil" '$1 == h || $1 == e' | grep -q .; then
    oi_show "$ns"; oi_fail "$rt symlinks $form: a mount landed on a host dir in the container namespace"
  fi
  if [ "$form" = absolute ]; then
    mount_points "$ns" | grep -qxF "$b/rootfs$host tmpfs" ||
      { oi_show "$ns"; oi_fail "$rt symlinks $form: no tmpfs at the link's target in the rootfs"; }
    oi_assert_contains "$OI_OUT" "cache: writable"
    # /etc/evil resolves to a directory of the (now read-only) rootfs itself.
    grep -q "^evil: .*Read-only file system" "$OI_OUT" || oi_fail "$rt symlinks $form: /etc/evil writable"
    oi_pass "$rt symlinks absolute ($stage): the links resolve inside the rootfs, host dirs untouched"
  else
    # The targets are absent from the rootfs: both paths skipped, nothing mounted.
    [ "$(notice "$id" /var/cache/nginx)" = "absent in the container" ] ||
      { records "$id" >&2; oi_fail "$rt symlinks $form: no skip notice for /var/cache/nginx"; }
    [ "$(notice "$id" /etc/evil)" = "absent in the container" ] ||
      { records "$id" >&2; oi_fail "$rt symlinks $form: no skip notice for /etc/evil"; }
    oi_assert_contains "$OI_OUT" "started"
    oi_pass "$rt symlinks ../ ($stage): links stay in the rootfs, absent targets skipped, host dirs untouched"
  fi
}

# ---------------------------------------------------------------- 3. nginx layout
# /var/run -> /run in the image, both in writable_paths: one tmpfs serves both.
case_var_run() {
  local rt=$1 stage=createContainer b id p
  p=$(policy varrun '.writable_paths = ["/var/run", "/run"]')
  b=$work/varrun-$rt
  oi_make_bundle "$b" --privileged --hook "$stage" "$HOOK" --config "$p" "$stage" -- sh -c '
    echo a >/var/run/a.pid && echo b >/run/b.pid && cat /run/a.pid /var/run/b.pid
    echo "run mounts: $(grep -c " /run " /proc/self/mountinfo)"
    echo "var/run mounts: $(grep -c " /var/run " /proc/self/mountinfo)"
    echo "fstype: $(stat -f -c %T /run)"'
  rmdir "$b/rootfs/var/run" && ln -s /run "$b/rootfs/var/run"
  id=$(oi_id "varrun-$rt")
  run_ok "$rt" "$b" "$id" "$rt /var/run"
  [ "$(sed -n 1,2p "$OI_OUT" | tr '\n' ' ')" = "a b " ] || oi_fail "$rt /var/run: writes not shared"
  oi_assert_contains "$OI_OUT" "run mounts: 1"
  oi_assert_contains "$OI_OUT" "var/run mounts: 0"
  oi_assert_contains "$OI_OUT" "fstype: tmpfs"
  oi_pass "$rt /var/run -> /run ($stage): one tmpfs, writable through both paths"
}

# The same layout under Kubernetes: the kubelet mounts the service-account
# token at /var/run/secrets/...; the runtime follows the image's link, so it
# lands on /run/secrets/.... A tmpfs on /run must not hide it.
case_var_run_secrets() {
  local rt=$1 stage=createRuntime b id p sa
  p=$(policy varrun '.writable_paths = ["/var/run", "/run"]')
  b=$work/varrun-sa-$rt sa=$work/varrun-sa-$rt-token
  mkdir -p "$sa" && echo t0ken >"$sa/token"
  oi_make_bundle "$b" --privileged --volume "$sa:/var/run/secrets/kubernetes.io/serviceaccount" \
    --hook "$stage" "$HOOK" --config "$p" "$stage" -- sh -c '
      echo "token: $(cat /var/run/secrets/kubernetes.io/serviceaccount/token 2>&1)"
      grep " /run" /proc/self/mountinfo'
  rmdir "$b/rootfs/var/run" && ln -s /run "$b/rootfs/var/run"
  id=$(oi_id "varrun-sa-$rt")
  run_ok "$rt" "$b" "$id" "$rt /var/run secrets"
  oi_assert_contains "$OI_OUT" "token: t0ken"
  if [ -z "$(notice "$id" /var/run)" ] || [ -z "$(notice "$id" /run)" ]; then
    records "$id" >&2; oi_fail "$rt /var/run secrets: no skip notices for /var/run and /run"
  fi
  oi_pass "$rt /var/run -> /run with a volume at /var/run/secrets/... ($stage): no tmpfs hides it, 2 notices"
}

# ---------------------------------------------------------------- 4. spec volumes
# A volume at a writable path, and one below a writable path: no tmpfs over them.
case_volumes() {
  local rt=$1 stage=prestart b id p cache secrets
  p=$(policy volumes '.writable_paths = ["/var/cache/nginx", "/run"]')
  b=$work/vol-$rt cache=$work/vol-$rt-cache secrets=$work/vol-$rt-secrets
  mkdir -p "$cache" "$secrets"
  echo s3cret >"$secrets/token"
  oi_make_bundle "$b" --privileged --volume "$cache:/var/cache/nginx" --volume "$secrets:/run/secrets" \
    --hook "$stage" "$HOOK" --config "$p" "$stage" -- sh -c '
      echo "cache: $(touch /var/cache/nginx/ok 2>&1 && echo writable)"
      echo "cache fstype: $(grep " /var/cache/nginx " /proc/self/mountinfo | sed "s/.* - //" | cut -d" " -f1)"
      echo "secret: $(cat /run/secrets/token)"
      echo "run: $(touch /run/x 2>&1 && echo writable)"'
  id=$(oi_id "vol-$rt")
  run_ok "$rt" "$b" "$id" "$rt volumes"
  oi_assert_contains "$OI_OUT" "cache: writable"
  oi_assert_not_contains "$OI_OUT" "cache fstype: tmpfs"
  [ -f "$cache/ok" ] || oi_fail "$rt volumes: the write did not reach the host dir"
  oi_assert_contains "$OI_OUT" "secret: s3cret"
  grep -q "^run: .*Read-only file system" "$OI_OUT" || oi_fail "$rt volumes: /run got a tmpfs"
  [ "$(notice "$id" /var/cache/nginx)" = "a bind mount of the spec is there" ] ||
    { records "$id" >&2; oi_fail "$rt volumes: no notice for /var/cache/nginx"; }
  [ "$(notice "$id" /run)" = "the spec mounts /run/secrets below it" ] ||
    { records "$id" >&2; oi_fail "$rt volumes: no notice for /run"; }
  oi_pass "$rt volumes ($stage): volume at and below writable paths kept, no tmpfs, 2 notices"
}

# ---------------------------------------------------------------- 5. absent protected path
case_absent_path() {
  local rt=$1 stage=createRuntime b id p
  p=$(policy absent '.readonly_paths = $ro + ["/sys/kernel/does-not-exist"]')
  b=$work/absent-$rt
  oi_make_bundle "$b" --privileged --hook "$stage" "$HOOK" --config "$p" "$stage" -- sh -c 'echo started'
  id=$(oi_id "absent-$rt")
  run_ok "$rt" "$b" "$id" "$rt absent path"
  oi_assert_contains "$OI_OUT" "started"
  [ "$(notice "$id" /sys/kernel/does-not-exist)" = "absent in the container" ] ||
    { records "$id" >&2; oi_fail "$rt absent path: no notice"; }
  oi_pass "$rt absent protected path ($stage): skipped with a notice, container runs"
}

# ---------------------------------------------------------------- 6. /sys read-only
# A privileged container mounts sysfs (and cgroup) read-write; the operator adds
# /sys. Only harmless writes are tried: mkdir in sysfs (EPERM when writable) and
# a file in the cgroup tmpfs.
case_sys() {
  local rt=$1 stage=createContainer b id p
  p=$(policy sys '.readonly_paths = $ro + ["/sys"]')
  b=$work/sys-$rt
  oi_make_bundle "$b" --privileged --hook "$stage" "$HOOK" --config "$p" "$stage" -- sh -c '
    echo "sysfs: $(mkdir /sys/kernel/oi-probe 2>&1 && echo writable)"
    echo "cgroup: $(touch /sys/fs/cgroup/oi-probe 2>&1 && echo writable)"
    echo "sys opts: $(awk "\$5 == \"/sys\" { print \$6 }" /proc/self/mountinfo)"
    echo "rw below /sys: $(awk "index(\$5, \"/sys/\") == 1 && \$6 ~ /^rw/" /proc/self/mountinfo | wc -l)"'
  id=$(oi_id "sys-$rt")
  run_ok "$rt" "$b" "$id" "$rt /sys"
  grep -q "^sysfs: .*Read-only file system" "$OI_OUT" || oi_fail "$rt /sys: sysfs not EROFS"
  grep -q "^cgroup: .*Read-only file system" "$OI_OUT" || oi_fail "$rt /sys: /sys/fs/cgroup not EROFS"
  grep -q "^sys opts: ro," "$OI_OUT" || oi_fail "$rt /sys: /sys not mounted ro"
  oi_assert_contains "$OI_OUT" "rw below /sys: 0"
  oi_pass "$rt /sys in readonly_paths ($stage): sysfs and cgroup EROFS, all of /sys ro"
}

# ---------------------------------------------------------------- 7. exemptions
case_exempt() {
  local rt=$1 stage=prestart b id p sandbox_ns
  p=$(policy exempt '.exempt = [{namespace: "kube-system"}]')
  for sandbox_ns in kube-system shop; do
    b=$work/exempt-$rt-$sandbox_ns
    oi_make_bundle "$b" --privileged \
      --annotation io.kubernetes.pod.namespace=kube-system \
      --annotation io.kubernetes.cri.sandbox-namespace="$sandbox_ns" \
      --hook "$stage" "$HOOK" --config "$p" "$stage" -- sh -c 'echo "root: $(touch /x 2>&1 && echo writable)"'
    id=$(oi_id "exempt-$rt-$sandbox_ns")
    run_ok "$rt" "$b" "$id" "$rt exempt $sandbox_ns"
    records "$id" >"$work/$id.records"
    if [ "$sandbox_ns" = kube-system ]; then
      oi_assert_contains "$OI_OUT" "root: writable"
      [ "$(jq -r 'select(.violation) | "\(.action) \(.exempt)"' "$work/$id.records" | sort -u)" = "logged true" ] ||
        { oi_show "$work/$id.records"; oi_fail "$rt exempt: records are not all logged+exempt"; }
      oi_pass "$rt exempt ($stage): kube-system not enforced, records logged with exempt:true"
    else
      oi_assert_contains "$OI_OUT" "root: touch: /x: Read-only file system"
      [ "$(jq -r 'select(.violation) | "\(.action) \(.exempt) \(.identity_conflict)"' "$work/$id.records" |
        sort -u)" = "enforced null true" ] ||
        { oi_show "$work/$id.records"; oi_fail "$rt exempt conflict: records not enforced+identity_conflict"; }
      oi_pass "$rt exempt ($stage): disagreeing namespace annotations enforced, identity_conflict:true"
    fi
  done
}

# ---------------------------------------------------------------- 8. cwd missing in the image
# case_cwd RUNTIME STAGE CWD [--userns]: the hook makes CWD before the root goes
# read-only; below a writable path it must be in the tmpfs (crun makes it
# before createContainer, so a tmpfs mounted later hid it), and in a user
# namespace owned by the container's root, not the hook's.
case_cwd() {
  local rt=$1 stage=$2 cwd=$3 userns=${4:-} b id p what
  p=$(policy cwd '.writable_paths = ["/var/cache/nginx"]')
  b=$work/cwd-$rt-$stage${userns:+-userns}
  what="$rt cwd $cwd ($stage${userns:+, userns})"
  oi_make_bundle "$b" --privileged ${userns:+"$userns"} --jq ".process.cwd = \"$cwd\"" \
    --hook "$stage" "$HOOK" --config "$p" "$stage" -- sh -c '
      echo "cwd: $(pwd) $(stat -c %u:%g .)"
      echo "root: $(touch /x 2>&1 && echo writable)"
      echo "here: $(touch ok 2>&1 && echo writable)"'
  id=$(oi_id "cwd-$rt-$stage${userns:+-userns}")
  run_ok "$rt" "$b" "$id" "$what"
  oi_assert_contains "$OI_OUT" "cwd: $cwd 0:0"
  oi_assert_contains "$OI_OUT" "root: touch: /x: Read-only file system"
  case $cwd in
    /var/cache/nginx/*)
      oi_assert_contains "$OI_OUT" "here: writable"
      oi_pass "$what: made in the tmpfs, owned by the container's root, writable" ;;
    *)
      [ -d "$b/rootfs$cwd" ] || oi_fail "$what: not made in the image dir"
      oi_pass "$what: made, the container runs there with a read-only root" ;;
  esac
}

# ---------------------------------------------------------------- 9. fail closed
# Bad configuration through the runtime: the container must not start and runc
# must show the hook's line.
case_bad_config() {
  local rt=$1 stage=$2 b id p
  p=$(policy unknown '.writable_paths = ["/var/cache/nginx"] | .writeable_paths = ["/tmp"]')
  for which in missing unknown-key; do
    local cfg=$work/does-not-exist.json expect="oci-immutable-hook: policy: open $work/does-not-exist.json"
    if [ "$which" = unknown-key ]; then cfg=$p expect="oci-immutable-hook: policy: $p: line "; fi
    b=$work/bad-$rt-$stage-$which
    oi_make_bundle "$b" --privileged --hook "$stage" "$HOOK" --config "$cfg" "$stage" -- sh -c 'echo started'
    id=$(oi_id "bad-$rt-$stage-$which")
    run_fails "$rt" "$b" "$id" "$rt bad config $which"
    if [ "$rt" = runc ]; then
      oi_assert_contains "$OI_ERR" "$expect"
      [ "$which" = missing ] || oi_assert_contains "$OI_ERR" "writeable_paths: unknown key"
    else  # crun does not pass the hook's stderr on
      oi_assert_contains "$OI_ERR" "error executing hook \`$HOOK\` (exit code: 1)"
    fi
  done
  oi_pass "$rt bad --config ($stage): missing file and unknown key keep the container from starting"
}

# The hook binary fed hand-made state on stdin.
case_direct() {
  local p b gone rc
  p=$(policy direct '.')
  b=$work/direct
  oi_make_bundle "$b" --privileged -- true

  hook_direct() {  # EXPECTED-STATUS WHAT STDIN ARGS...
    local want=$1 what=$2 input=$3; shift 3
    rc=0
    printf '%s' "$input" | "$HOOK" "$@" >"$OI_OUT" 2>"$OI_ERR" || rc=$?
    oi_assert_status "$want" "$rc" "hook $what"
  }
  one_line() {  # WHAT TEXT: stderr is one line naming the hook and holding TEXT
    [ "$(wc -l <"$OI_ERR")" = 1 ] || oi_fail "hook $1: stderr is not one line"
    oi_assert_contains "$OI_ERR" "oci-immutable-hook: "
    oi_assert_contains "$OI_ERR" "$2"
  }

  hook_direct 1 "malformed state" '{"id": "x", "bundle": ' --config "$p" prestart
  one_line "malformed state" "state"
  oi_pass "hook: malformed state JSON: exit 1, one line"

  hook_direct 1 "missing bundle" '{"id":"x","pid":1,"bundle":"'"$work"'/no-bundle"}' --config "$p" prestart
  one_line "missing bundle" "$work/no-bundle/config.json: No such file or directory"
  mkdir "$work/empty-bundle"
  hook_direct 1 "bundle without config.json" '{"id":"x","pid":1,"bundle":"'"$work"'/empty-bundle"}' \
    --config "$p" createRuntime
  one_line "bundle without config.json" "$work/empty-bundle/config.json: No such file or directory"
  oi_pass "hook: missing bundle dir, bundle without config.json: exit 1, one line"

  sh -c 'exit 0' & gone=$!; wait "$gone" || true
  hook_direct 1 "gone pid" '{"id":"x","pid":'"$gone"',"bundle":"'"$b"'"}' --config "$p" createRuntime
  one_line "gone pid" "/proc/$gone/ns/mnt"
  oi_pass "hook: pid of a process that is gone (createRuntime): exit 1, one line"

  hook_direct 1 "own mount ns" '{"id":"x","pid":'"$$"',"bundle":"'"$b"'"}' --config "$p" prestart
  one_line "own mount ns" "shares the runtime's mount namespace"
  oi_pass "hook: pid in the hook's own mount namespace: exit 1, refuses"

  hook_direct 0 "--check-config good" "" --check-config "$p"
  oi_assert_contains "$OI_OUT" "$p: valid (mode enforce)"
  printf '{\n  "mode": "enforce",\n  "writable_paths": ["/run"],\n  "bogus": 1\n}\n' >"$work/bad-check.json"
  hook_direct 1 "--check-config bad" "" --check-config "$work/bad-check.json"
  oi_assert_contains "$OI_ERR" "$work/bad-check.json: line 4, column 12: bogus: unknown key"
  printf '{"mode": "strict"}\n' >"$work/bad-mode.json"
  hook_direct 1 "--check-config bad mode" "" --check-config "$work/bad-mode.json"
  oi_assert_contains "$OI_ERR" "line 1, column 10: mode: must be \"enforce\" or \"audit\""
  oi_pass "hook --check-config: good file exit 0, bad ones exit 1 with line and column"

  hook_direct 2 "unknown stage" "" --config "$p" poststart
  oi_assert_contains "$OI_ERR" "oci-immutable-hook: unknown stage \"poststart\""
  oi_pass "hook: unknown stage: exit 2"
}

# ---------------------------------------------------------------- main
# Each case runs in a subshell: a failure (oi_fail exits) is reported and the
# other cases still run. Passes are collected through a file.
oi_pass() { echo "$*" >>"$work/passed"; echo "PASS: $*"; }
FAILED=()
run_case() {  # FUNCTION ARGS...
  local rc
  set +e
  (set -e; "$@")
  rc=$?
  set -e
  [ "$rc" = 0 ] || FAILED+=("$*")
}

for rt in $RUNTIMES; do
  run_case case_userns "$rt" prestart
  run_case case_userns "$rt" createContainer
  run_case case_symlinks "$rt" absolute createRuntime
  run_case case_symlinks "$rt" relative createContainer
  run_case case_var_run "$rt"
  run_case case_var_run_secrets "$rt"
  run_case case_volumes "$rt"
  run_case case_absent_path "$rt"
  run_case case_sys "$rt"
  run_case case_exempt "$rt"
  run_case case_cwd "$rt" createRuntime /app/work
  run_case case_cwd "$rt" createContainer /var/cache/nginx/work
  run_case case_cwd "$rt" prestart /app/work --userns
  run_case case_cwd "$rt" createRuntime /var/cache/nginx/work --userns
  run_case case_bad_config "$rt" prestart
  run_case case_bad_config "$rt" createContainer
done
run_case case_direct

[ -f "$work/passed" ] && mapfile -t OI_PASSED <"$work/passed"
oi_summary
if [ "${#FAILED[@]}" -gt 0 ]; then
  echo "== $OI_NAME: ${#FAILED[@]} cases FAILED" >&2
  printf '   - %s\n' "${FAILED[@]}" >&2
  exit 1
fi
