#!/usr/bin/env bash
# shellcheck disable=SC2015,SC2016  # `[ a ] && [ b ] || fail` on purpose; sh -c / jq programs single-quoted
# The engine configuration files in config/ have the shapes their engines
# read, without the engines (CRI-O cannot be installed here; containerd_test
# and podman_test load the containerd and podman ones for real):
#  - the hooks.d files meson generated (installed and test copies) follow
#    oci-hooks(5) 1.0.0, name an absolute hook, sort after other hook files;
#  - the CRI-O drop-in, the containerd v2/v3 snippets and the podman snippet
#    are TOML with the runtime tables and keys each engine expects;
#  - the docker snippet is JSON with runtimes.immutable.path.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
oi_require_tool jq python3
python3 -c 'import tomllib' 2>/dev/null || { echo "SKIP: $OI_NAME needs python3 >= 3.11 (tomllib)" >&2; exit 77; }
HOOK=${OI_HOOK:?OI_HOOK names the built oci-immutable-hook}
SRC=${OI_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${OI_BUILD_ROOT:?OI_BUILD_ROOT names the meson build dir}
TEST_HOOKS_DIR=${OI_TEST_HOOKS_DIR:?OI_TEST_HOOKS_DIR names the generated test hooks.d}
CONF=$SRC/config
RUNTIME_PATH=/usr/bin/oci-immutable-runtime  # what the snippets name (a package's path)

# ---------------------------------------------------------------- hooks.d (oci-hooks(5) 1.0.0)
# check_hook FILE: the schema podman and CRI-O (containers/common pkg/hooks) read.
check_hook() {
  local f=$1
  jq -e . "$f" >/dev/null 2>"$OI_ERR" || oi_fail "$f is not JSON"
  jq -e '
    (keys - ["version", "hook", "when", "stages"] == [])
    and .version == "1.0.0"
    and (.hook | type == "object" and (keys - ["path", "args", "env", "timeout"] == []))
    and (.hook.path | type == "string" and startswith("/"))
    and (.hook.args | type == "array" and length >= 2 and all(type == "string"))
    and .hook.args[0] == "oci-immutable-hook"
    and (.when | type == "object" and (keys - ["always", "annotations", "commands", "hasBindMounts"] == []))
    and .when.always == true
    and (.stages | type == "array" and length >= 1)
    and (.stages - ["prestart", "createRuntime", "createContainer", "startContainer",
                    "poststart", "poststop"] == [])
    and .stages == [.hook.args[-1]]
  ' "$f" >/dev/null || { oi_show "$f"; oi_fail "$f does not have the oci-hooks 1.0.0 shape we ship"; }
  grep -q '@' "$f" && { oi_show "$f"; oi_fail "$f keeps an unsubstituted @VAR@"; }
  return 0
}

installed_json=$(jq -r 'to_entries[] | select(.value | test("/containers/oci/hooks\\.d/[^/]*\\.json$")) | .key' \
  "$BUILD/meson-info/intro-installed.json")
[ -n "$installed_json" ] && [ -f "$installed_json" ] ||
  oi_fail "meson installs no hooks.d JSON into .../containers/oci/hooks.d"
installed_hook=$(jq -r --arg h "$HOOK" '.[$h]' "$BUILD/meson-info/intro-installed.json")
check_hook "$installed_json"
[ "$(jq -r .hook.path "$installed_json")" = "$installed_hook" ] ||
  oi_fail "$installed_json names $(jq -r .hook.path "$installed_json"), meson installs the hook as $installed_hook"
oi_pass "installed hooks.d file $(basename "$installed_json"): oci-hooks 1.0.0, createContainer, when.always, hook $installed_hook"

tests=("$TEST_HOOKS_DIR"/*.json)
[ "${#tests[@]}" = 1 ] && [ -f "${tests[0]}" ] || oi_fail "not one hooks.d JSON in $TEST_HOOKS_DIR"
check_hook "${tests[0]}"
[ "$(jq -r .hook.path "${tests[0]}")" = "$HOOK" ] && [ -x "$HOOK" ] ||
  oi_fail "${tests[0]} does not name the built, executable hook $HOOK"
[ "$(jq -c 'del(.hook.path)' "${tests[0]}")" = "$(jq -c 'del(.hook.path)' "$installed_json")" ] ||
  oi_fail "the test copy differs from the installed file beyond hook.path"
[ "$(basename "${tests[0]}")" = "$(basename "$installed_json")" ] || oi_fail "the two copies have different names"
oi_pass "test hooks.d file: same content, hook.path is the built $HOOK"

# Engines inject hooks.d hooks sorted by lower-cased file name, byte by byte.
name=$(basename "$installed_json")
last=$(printf '%s\n' "$name" 00-first.json 99-late.json oci-nvidia-hook.json \
    nvidia-container-toolkit.json oci-systemd-hook.json oci-umount.json Zeta-Upper.json |
  awk '{ print tolower($0) "\t" $0 }' | LC_ALL=C sort | tail -1 | cut -f2)
[ "$last" = "$name" ] || oi_fail "$name does not sort after other hook files ($last does)"
oi_pass "$name sorts after 99-*, oci-nvidia-hook.json, nvidia-container-toolkit.json and the like"

# ---------------------------------------------------------------- TOML snippets
toml_check() {  # FILE PYTHON-ASSERTIONS (cfg is the parsed file)
  python3 - "$1" "$2" <<'PY' 2>"$OI_ERR" || { oi_show "$1"; oi_fail "$1: $(tail -1 "$OI_ERR")"; }
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    cfg = tomllib.load(f)
exec(sys.argv[2], {"cfg": cfg, "RUNTIME": "/usr/bin/oci-immutable-runtime"})
PY
}

crio=$CONF/crio/crio.conf.d/99-oci-immutable.conf
toml_check "$crio" '
rt = cfg["crio"]["runtime"]["runtimes"]["immutable"]
assert rt["runtime_path"] == RUNTIME, rt
assert rt["runtime_type"] == "oci", rt
assert "default_runtime" not in cfg["crio"]["runtime"], "the drop-in must not change the default silently"
assert list(cfg) == ["crio"], list(cfg)
'
grep -q '^# default_runtime = "immutable"' "$crio" || oi_fail "$crio does not show how to make it the default"
oi_pass "CRI-O drop-in: TOML, [crio.runtime.runtimes.immutable] runtime_path $RUNTIME_PATH, runtime_type oci"

v2=$CONF/containerd/config-v2.toml.snippet
toml_check "$v2" '
rt = cfg["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"]["immutable"]
assert rt["runtime_type"] == "io.containerd.runc.v2", rt
assert rt["options"] == {"BinaryName": RUNTIME}, rt
assert "version" not in cfg, "a snippet to merge must not set version"
assert list(cfg["plugins"]) == ["io.containerd.grpc.v1.cri"], list(cfg["plugins"])
'
oi_pass "containerd v2 snippet: TOML, io.containerd.grpc.v1.cri runtimes.immutable runc.v2 BinaryName $RUNTIME_PATH"

v3=$CONF/containerd/config-v3.toml.snippet
toml_check "$v3" '
rt = cfg["plugins"]["io.containerd.cri.v1.runtime"]["containerd"]["runtimes"]["immutable"]
assert rt["runtime_type"] == "io.containerd.runc.v2", rt
assert rt["options"] == {"BinaryName": RUNTIME}, rt
assert "version" not in cfg, "a snippet to merge must not set version"
assert list(cfg["plugins"]) == ["io.containerd.cri.v1.runtime"], list(cfg["plugins"])
'
oi_pass "containerd v3 snippet: TOML, io.containerd.cri.v1.runtime runtimes.immutable runc.v2 BinaryName $RUNTIME_PATH"

pod=$CONF/podman/containers.conf.snippet
toml_check "$pod" '
assert cfg["engine"]["runtimes"]["immutable"] == [RUNTIME], cfg
assert "runtime" not in cfg["engine"], "the snippet must not change the default silently"
'
grep -q '^# runtime = "immutable"' "$pod" || oi_fail "$pod does not show how to make it the default"
oi_pass "podman snippet: TOML, [engine.runtimes] immutable = [$RUNTIME_PATH]"

# ---------------------------------------------------------------- docker
docker=$CONF/docker/daemon.json.snippet
jq -e --arg p "$RUNTIME_PATH" 'keys == ["runtimes"] and .runtimes == {immutable: {path: $p}}' \
  "$docker" >/dev/null 2>"$OI_ERR" || { oi_show "$docker"; oi_fail "$docker is not {runtimes: {immutable: {path}}}"; }
oi_pass "docker snippet: JSON, runtimes.immutable.path $RUNTIME_PATH"

# ---------------------------------------------------------------- README
for f in crio/crio.conf.d/99-oci-immutable.conf containerd/config-v2.toml.snippet \
  containerd/config-v3.toml.snippet podman/containers.conf.snippet docker/daemon.json.snippet \
  hooks.d/oci-immutable.json.in; do
  oi_assert_contains "$CONF/README.md" "$f"
done
oi_assert_contains "$CONF/README.md" "$name"
oi_pass "config/README.md covers every file"

oi_summary
