#!/usr/bin/env bash
# shellcheck disable=SC2015,SC2016  # `[ a ] && [ b ] || fail` on purpose; jq/awk programs single-quoted
# `meson install` and `make install` into a DESTDIR, as a packager runs them:
#  - prefix /usr (the build under test if it was set up that way, else a fresh
#    one): exactly the expected files, no more, no fewer (listed below); the
#    bin/oci-immutable-hook link is relative and reaches the hook; the hooks.d
#    file names the installed hook, which exists; the programs carry the
#    installed policy and hook paths; the installed policy passes
#    --check-config; the man pages render with man -l, without warnings;
#  - a second install keeps an edited /etc/oci-immutable/policy.json;
#  - `make install PREFIX=/usr DESTDIR=...` installs the same files;
#  - prefix /usr/local (a fresh build of the installed targets only): the same
#    layout under /usr/local, policy in /usr/local/etc, link still relative;
#  - hardening-check: PIE, stack protector, fortify, relro, bindnow on every
#    installed program (control flow integrity only where the C library's
#    crt1.o is CET-marked: Debian 12's is not, so no binary linked here can be).
# Needs no root. A debug or sanitizer build under test is not hardening-checked
# (hardening-check runs on the fresh /usr/local build then).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

SRC=${OI_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${OI_BUILD_ROOT:?OI_BUILD_ROOT names the meson build dir}
for tool in meson ninja jq make man scdoc hardening-check readelf; do
  command -v "$tool" >/dev/null 2>&1 || oi_fail "$tool is missing (run scripts/install-deps.sh)"
done
t=$(oi_tmpdir)

# ---------------------------------------------------------------- helpers
opt() {  # BUILD_DIR NAME: a meson option's value
  meson introspect "$1" --buildoptions | jq -r --arg n "$2" '.[] | select(.name == $n) | .value | tostring'
}

# The files an install must put in place, relative to DESTDIR, one per line,
# sorted. PREFIX without the leading slash; ETC likewise (etc for /usr).
expected_files() {
  local p=$1 e=$2
  printf '%s\n' \
    "$e/oci-immutable/policy.json" \
    "$p/bin/oci-immutable-hook" \
    "$p/bin/oci-immutable-monitor" \
    "$p/bin/oci-immutable-runtime" \
    "$p/libexec/oci/hooks.d/oci-immutable-hook" \
    "$p/share/containers/oci/hooks.d/zz-oci-immutable.json" \
    "$p/share/doc/oci-immutable/LICENSE" \
    "$p/share/doc/oci-immutable/README.md" \
    "$p/share/doc/oci-immutable/operator-guide.md" \
    "$p/share/doc/oci-immutable/scan.md" \
    "$p/share/doc/oci-immutable/selinux.md" \
    "$p/share/man/man5/oci-immutable-policy.5" \
    "$p/share/man/man8/oci-immutable-hook.8" \
    "$p/share/man/man8/oci-immutable-monitor.8" \
    "$p/share/man/man8/oci-immutable-runtime.8" \
    "$p/share/oci-immutable/containerd/config-v2.toml.snippet" \
    "$p/share/oci-immutable/containerd/config-v3.toml.snippet" \
    "$p/share/oci-immutable/crio/99-oci-immutable.conf" \
    "$p/share/oci-immutable/docker/daemon.json.snippet" \
    "$p/share/oci-immutable/podman/containers.conf.snippet" \
    "$p/share/oci-immutable/policy.example.json" \
    "$p/share/oci-immutable/systemd/oci-immutable-monitor.service" \
    "$p/share/oci-immutable/systemd/oci-immutable-monitor.socket" |
    LC_ALL=C sort
}

# check_tree DESTDIR PREFIX ETC WHAT: the installed tree is exactly the
# expected one, with the right contents, modes and paths.
check_tree() {
  local d=$1 prefix=$2 etc=$3 what=$4 p=${2#/}
  local hook=$prefix/libexec/oci/hooks.d/oci-immutable-hook
  local policy=/$etc/oci-immutable/policy.json

  expected_files "$p" "$etc" >"$t/expected"
  (cd "$d" && find . \( -type f -o -type l \) -printf '%P\n' | LC_ALL=C sort) >"$t/installed"
  if ! diff -u "$t/expected" "$t/installed" >"$t/tree.diff"; then
    cat "$t/tree.diff" >&2
    oi_fail "$what: the installed files differ from the expected list (- missing, + unexpected)"
  fi
  oi_pass "$what: exactly the $(wc -l <"$t/expected") expected files"

  # Programs: executable; the link is relative and reaches the hook.
  local f
  for f in "$hook" "$prefix/bin/oci-immutable-runtime" "$prefix/bin/oci-immutable-monitor"; do
    [ -f "$d$f" ] && [ ! -L "$d$f" ] && [ "$(stat -c %a "$d$f")" = 755 ] ||
      oi_fail "$what: $f is not a 0755 regular file"
  done
  local link=$d$prefix/bin/oci-immutable-hook
  [ -L "$link" ] || oi_fail "$what: $prefix/bin/oci-immutable-hook is not a symlink"
  [ "$(readlink "$link")" = ../libexec/oci/hooks.d/oci-immutable-hook ] ||
    oi_fail "$what: $prefix/bin/oci-immutable-hook -> $(readlink "$link"), expected ../libexec/oci/hooks.d/oci-immutable-hook"
  [ "$(readlink -f "$link")" = "$(readlink -f "$d$hook")" ] ||
    oi_fail "$what: $prefix/bin/oci-immutable-hook does not resolve to the hook inside DESTDIR"
  "$link" --version >"$OI_OUT" 2>"$OI_ERR" || oi_fail "$what: the linked hook does not run"
  oi_assert_contains "$OI_OUT" "oci-immutable-hook "
  oi_pass "$what: programs 0755; bin/oci-immutable-hook -> ../libexec/oci/hooks.d/oci-immutable-hook runs"

  # hooks.d: names the installed hook, which is in DESTDIR.
  local hj=$d$prefix/share/containers/oci/hooks.d/zz-oci-immutable.json
  local hp
  hp=$(jq -r '.hook.path' "$hj") || oi_fail "$what: $hj is not JSON"
  [ "$hp" = "$hook" ] || oi_fail "$what: hooks.d hook.path is $hp, expected $hook"
  [ -x "$d$hp" ] || oi_fail "$what: hooks.d hook.path $hp is not an executable in DESTDIR"
  jq -e '.version == "1.0.0" and .stages == ["createContainer"] and .when.always == true
         and .hook.args == ["oci-immutable-hook", "createContainer"]' "$hj" >/dev/null ||
    { oi_show "$hj"; oi_fail "$what: hooks.d file has not the expected shape"; }
  oi_pass "$what: hooks.d hook.path is exactly $hook, present in DESTDIR"

  # Compiled-in paths (what the programs use without --config / env).
  for f in "$hook" "$prefix/bin/oci-immutable-runtime"; do
    grep -qaF "$policy" "$d$f" || oi_fail "$what: $f does not carry the policy path $policy"
  done
  grep -qaF "$hook" "$d$prefix/bin/oci-immutable-runtime" ||
    oi_fail "$what: oci-immutable-runtime does not carry the hook path $hook"
  oi_pass "$what: the programs carry $policy and the wrapper $hook"

  # Policy and data: the shipped files, policy 0644, and it checks.
  cmp -s "$SRC/config/policy.json" "$d$policy" || oi_fail "$what: $policy differs from config/policy.json"
  [ "$(stat -c %a "$d$policy")" = 644 ] || oi_fail "$what: $policy is not 0644"
  "$d$hook" --check-config "$d$policy" >"$OI_OUT" 2>"$OI_ERR" ||
    oi_fail "$what: --check-config rejects the installed policy"
  local s=$d$prefix/share/oci-immutable
  cmp -s "$SRC/config/policy.json" "$s/policy.example.json" || oi_fail "$what: policy.example.json differs"
  for f in containerd/config-v2.toml.snippet containerd/config-v3.toml.snippet \
           podman/containers.conf.snippet docker/daemon.json.snippet \
           systemd/oci-immutable-monitor.service systemd/oci-immutable-monitor.socket; do
    cmp -s "$SRC/config/$f" "$s/$f" || oi_fail "$what: share/oci-immutable/$f differs from config/$f"
  done
  cmp -s "$SRC/config/crio/crio.conf.d/99-oci-immutable.conf" "$s/crio/99-oci-immutable.conf" ||
    oi_fail "$what: the CRI-O drop-in differs"
  for f in README.md LICENSE; do
    cmp -s "$SRC/$f" "$d$prefix/share/doc/oci-immutable/$f" || oi_fail "$what: doc $f differs"
  done
  for f in scan.md selinux.md operator-guide.md; do
    cmp -s "$SRC/docs/$f" "$d$prefix/share/doc/oci-immutable/$f" || oi_fail "$what: doc $f differs"
  done
  oi_pass "$what: policy (0644, passes --check-config), snippets and docs are the shipped files"

  # Man pages: the .TH header, and man -l renders them without warnings.
  local page name sec
  for page in oci-immutable-hook.8 oci-immutable-runtime.8 oci-immutable-monitor.8 oci-immutable-policy.5; do
    name=${page%.*} sec=${page##*.}
    f=$d$prefix/share/man/man$sec/$page
    grep -qE "^\.TH \"?$name\"? \"?$sec\"?" "$f" || oi_fail "$what: $page has no .TH $name $sec header"
    LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$f" >"$t/man.out" 2>"$t/man.err" ||
      { cat "$t/man.err" >&2; oi_fail "$what: man -l $page failed"; }
    if [ -s "$t/man.err" ]; then cat "$t/man.err" >&2; oi_fail "$what: man -l $page warned"; fi
    grep -q '^NAME' "$t/man.out" && grep -q '^SYNOPSIS\|^DESCRIPTION' "$t/man.out" ||
      { oi_show "$t/man.out"; oi_fail "$what: $page renders without NAME/DESCRIPTION"; }
    grep -qF "$name" "$t/man.out" || oi_fail "$what: $page does not name $name"
  done
  oi_pass "$what: the 4 man pages have their .TH header and render with man -l, no warnings"
}

# hardening_check DESTDIR PREFIX WHAT
hardening_check() {
  local d=$1 prefix=$2 what=$3 opts=() f k
  # ld marks a binary CET (IBT, SHSTK) only when every input object is; the
  # crt objects come from the C library.
  local crt
  crt=$(gcc -print-file-name=crt1.o 2>/dev/null || echo /usr/lib/x86_64-linux-gnu/crt1.o)
  if ! readelf -n "$crt" 2>/dev/null | grep -q 'x86 feature:.*IBT'; then opts+=(--nocfprotection); fi
  for f in "$prefix/libexec/oci/hooks.d/oci-immutable-hook" "$prefix/bin/oci-immutable-runtime" \
           "$prefix/bin/oci-immutable-monitor"; do
    if ! hardening-check "${opts[@]}" "$d$f" >"$t/hc.out" 2>&1; then
      cat "$t/hc.out" >&2; oi_fail "$what: hardening-check ${opts[*]} $f failed"
    fi
    for k in 'Position Independent Executable: yes' 'Stack protected: yes' \
             'Read-only relocations: yes' 'Immediate binding: yes'; do
      grep -qF "$k" "$t/hc.out" || { cat "$t/hc.out" >&2; oi_fail "$what: $f: not '$k'"; }
    done
    # "yes", or "unknown, no protectable libc functions used" (nothing to fortify).
    grep -qE 'Fortify Source functions: (yes|unknown, no protectable)' "$t/hc.out" ||
      { cat "$t/hc.out" >&2; oi_fail "$what: $f: fortify missing"; }
    sed "s|^$d||" "$t/hc.out"
  done
  oi_pass "$what: hardening-check ${opts[*]} passes on the hook, the wrapper and the monitor (PIE, stack protector, fortify, relro, bindnow)"
}

# ---------------------------------------------------------------- prefix /usr
# The build under test if it installs the standard layout for /usr, else a
# fresh one.
b=$BUILD
layout=$(for o in prefix bindir libexecdir sysconfdir datadir mandir; do printf '%s=%s ' "$o" "$(opt "$b" "$o")"; done)
if [ "$layout" != "prefix=/usr bindir=bin libexecdir=libexec sysconfdir=/etc datadir=share mandir=share/man " ] ||
   [ ! -f "$b/docs/oci-immutable-hook.8" ]; then
  echo "install_test: $b ($layout) is not a /usr build with man pages; setting up $t/build-usr"
  b=$t/build-usr
  meson setup "$b" "$SRC" --prefix=/usr -Dintegration_tests=false -Dman=enabled >"$t/setup.log" 2>&1 ||
    { cat "$t/setup.log" >&2; oi_fail "meson setup --prefix=/usr failed"; }
  ninja -C "$b" >"$t/ninja.log" 2>&1 || { tail -40 "$t/ninja.log" >&2; oi_fail "the /usr build failed"; }
fi

d1=$t/destdir-meson
# Without --no-rebuild: `meson test NAME` builds only what the test depends
# on, and meson install then builds the rest (man pages) as a packager's would.
DESTDIR=$d1 meson install -C "$b" >"$t/install1.log" 2>&1 ||
  { cat "$t/install1.log" >&2; oi_fail "meson install into DESTDIR failed"; }
check_tree "$d1" /usr etc "meson install (prefix /usr)"

# A second install over an edited policy keeps the edit (and only the policy).
pol=$d1/etc/oci-immutable/policy.json
sed -i 's/"mode": "enforce"/"mode": "audit"/' "$pol"
echo '// edited by the operator' >>"$pol"
cp "$pol" "$t/edited.json"
rm "$d1/usr/share/oci-immutable/policy.example.json"
DESTDIR=$d1 meson install -C "$b" --no-rebuild >"$t/install2.log" 2>&1 ||
  { cat "$t/install2.log" >&2; oi_fail "the second meson install failed"; }
cmp -s "$t/edited.json" "$pol" || oi_fail "the second install overwrote the edited policy.json"
grep -q '"mode": "audit"' "$pol" || oi_fail "the edited mode is gone"
[ -f "$d1/usr/share/oci-immutable/policy.example.json" ] || oi_fail "the second install did not restore the example"
oi_pass "a second meson install keeps the edited policy.json (and reinstalls the rest)"

# make install with PREFIX and DESTDIR, on the same build dir (the prefix it
# was set up for: no reconfiguration).
d2=$t/destdir-make
make -s -C "$SRC" install BUILD="$b" PREFIX=/usr DESTDIR="$d2" >"$t/make.log" 2>&1 ||
  { cat "$t/make.log" >&2; oi_fail "make install PREFIX=/usr DESTDIR=... failed"; }
check_tree "$d2" /usr etc "make install PREFIX=/usr DESTDIR=..."

if [ "$(opt "$b" b_sanitize)" = none ] && [ "$(opt "$b" buildtype)" != debug ]; then
  hardening_check "$d1" /usr "prefix /usr build"
  hardened=1
else
  echo "install_test: $b is a $(opt "$b" buildtype)/$(opt "$b" b_sanitize) build; hardening checked on the /usr/local build"
  hardened=0
fi

# ---------------------------------------------------------------- prefix /usr/local
# Only the installed targets are built (no unit tests): meson install needs them.
bl=$t/build-local
meson setup "$bl" "$SRC" --prefix=/usr/local -Dintegration_tests=false -Dman=enabled >"$t/setup-local.log" 2>&1 ||
  { cat "$t/setup-local.log" >&2; oi_fail "meson setup --prefix=/usr/local failed"; }
mapfile -t outs < <(meson introspect "$bl" --targets |
  jq -r --arg b "$bl/" '.[] | select(.installed) | .filename[] | ltrimstr($b)')
[ "${#outs[@]}" -ge 6 ] || oi_fail "meson introspect lists only ${#outs[@]} installed outputs"
ninja -C "$bl" "${outs[@]}" >"$t/ninja-local.log" 2>&1 ||
  { tail -40 "$t/ninja-local.log" >&2; oi_fail "the /usr/local build failed"; }
d3=$t/destdir-local
DESTDIR=$d3 meson install -C "$bl" --no-rebuild >"$t/install3.log" 2>&1 ||
  { cat "$t/install3.log" >&2; oi_fail "meson install (prefix /usr/local) failed"; }
check_tree "$d3" /usr/local usr/local/etc "meson install (prefix /usr/local)"
if [ "$hardened" = 0 ]; then hardening_check "$d3" /usr/local "prefix /usr/local build"; fi

oi_summary
