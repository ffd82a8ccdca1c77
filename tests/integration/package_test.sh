#!/usr/bin/env bash
# shellcheck disable=SC2015,SC2016  # `[ a ] && [ b ] || fail` on purpose; jq/awk programs single-quoted
# The Debian package (debian/), built as `make deb` builds it
# (scripts/build-deb.sh: dpkg-buildpackage -us -uc -b in a copy of the tree,
# unit tests in dh_auto_test), then:
#  - dpkg-deb -c: exactly the expected files (listed below), the bin link;
#  - dpkg-deb -I: conffiles holds /etc/oci-immutable/policy.json; Depends,
#    Recommends;
#  - lintian --fail-on error is clean (its other tags are printed);
#  - hardening-check on the packaged programs;
#  - dpkg into a private root (dpkg --root, its own admindir, scripts run
#    chrootless with DPKG_ROOT; the host's /usr and dpkg database are never
#    touched): installs, the postinst makes /var/log/oci-immutable 0750;
#  - conffile handling: an upgrade replaces an unedited policy; with an edited
#    one and --force-confold, the edit survives an upgrade whose policy
#    changed (the new one lands in policy.json.dpkg-dist); a policy put in
#    place before the first install survives it too; `dpkg -r` keeps the
#    policy, `dpkg --purge` removes it and the log directory.
# Slow (a full package build). Skips (77) only without dpkg-buildpackage.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

SRC=${OI_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
if ! command -v dpkg-buildpackage >/dev/null 2>&1; then
  echo "SKIP: $OI_NAME needs dpkg-buildpackage (dpkg-dev)" >&2
  exit 77
fi
for tool in dpkg dpkg-deb dh lintian hardening-check readelf md5sum; do
  command -v "$tool" >/dev/null 2>&1 || oi_fail "$tool is missing (run scripts/install-deps.sh)"
done
t=$(oi_tmpdir)

# ---------------------------------------------------------------- build
version=$(dpkg-parsechangelog -l "$SRC/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
start=$SECONDS
if ! TMPDIR=$t bash "$SRC/scripts/build-deb.sh" "$t/out" >"$t/build.log" 2>&1; then
  tail -60 "$t/build.log" >&2
  oi_fail "scripts/build-deb.sh (dpkg-buildpackage) failed; log above"
fi
deb=$t/out/oci-immutable_${version}_${arch}.deb
[ -f "$deb" ] || { ls -l "$t/out" >&2; oi_fail "no $deb"; }
grep -qE '^Ok: +[1-9]' "$t/build.log" && grep -qE '^Fail: +0' "$t/build.log" ||
  { grep -A8 'Summary of Failures\|^Ok:' "$t/build.log" >&2; oi_fail "dh_auto_test did not pass the unit tests"; }
# build-deb.sh builds in a copy: the source tree gets nothing.
[ ! -e "$SRC/debian/.debhelper" ] && [ -z "$(find "$SRC" -maxdepth 1 -name 'obj-*' -print -quit)" ] || oi_fail "the build left debian/.debhelper or obj-* in the source tree"
oi_pass "dpkg-buildpackage built $(basename "$deb") in $((SECONDS - start))s, unit tests passed in dh_auto_test"

# ---------------------------------------------------------------- contents
expected=(
  ./etc/oci-immutable/policy.json
  "./usr/bin/oci-immutable-hook -> ../libexec/oci/hooks.d/oci-immutable-hook"
  ./usr/bin/oci-immutable-monitor
  ./usr/bin/oci-immutable-runtime
  ./usr/libexec/oci/hooks.d/oci-immutable-hook
  ./usr/share/containers/oci/hooks.d/zz-oci-immutable.json
  ./usr/share/doc/oci-immutable/README.md.gz
  ./usr/share/doc/oci-immutable/changelog.gz
  ./usr/share/doc/oci-immutable/copyright
  ./usr/share/doc/oci-immutable/operator-guide.md.gz
  ./usr/share/doc/oci-immutable/scan.md.gz
  ./usr/share/doc/oci-immutable/selinux.md.gz
  ./usr/share/man/man5/oci-immutable-policy.5.gz
  ./usr/share/man/man8/oci-immutable-hook.8.gz
  ./usr/share/man/man8/oci-immutable-monitor.8.gz
  ./usr/share/man/man8/oci-immutable-runtime.8.gz
  ./usr/share/oci-immutable/containerd/config-v2.toml.snippet
  ./usr/share/oci-immutable/containerd/config-v3.toml.snippet
  ./usr/share/oci-immutable/crio/99-oci-immutable.conf
  ./usr/share/oci-immutable/docker/daemon.json.snippet
  ./usr/share/oci-immutable/podman/containers.conf.snippet
  ./usr/share/oci-immutable/policy.example.json
  ./usr/share/oci-immutable/systemd/oci-immutable-monitor.service
  ./usr/share/oci-immutable/systemd/oci-immutable-monitor.socket
)
printf '%s\n' "${expected[@]}" | LC_ALL=C sort >"$t/expected"
dpkg-deb -c "$deb" >"$t/contents" || oi_fail "dpkg-deb -c failed"
# Files and links only; "path" or "path -> target".
awk '$1 !~ /^d/ { $1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, ""); print }' "$t/contents" |
  LC_ALL=C sort >"$t/listed"
if ! diff -u "$t/expected" "$t/listed" >"$t/contents.diff"; then
  cat "$t/contents.diff" >&2; oi_fail "dpkg-deb -c differs from the expected list (- missing, + unexpected)"
fi
for f in ./usr/bin/oci-immutable-runtime ./usr/bin/oci-immutable-monitor ./usr/libexec/oci/hooks.d/oci-immutable-hook; do
  grep -qE "^-rwxr-xr-x root/root .* $f\$" "$t/contents" || oi_fail "$f is not -rwxr-xr-x root/root"
done
grep -qE '^-rw-r--r-- root/root .* ./etc/oci-immutable/policy.json$' "$t/contents" ||
  oi_fail "policy.json is not -rw-r--r-- root/root"
oi_pass "dpkg-deb -c lists exactly the ${#expected[@]} expected files, programs 0755 root, policy 0644"

dpkg-deb -I "$deb" conffiles >"$t/conffiles" || oi_fail "the package has no conffiles"
[ "$(cat "$t/conffiles")" = /etc/oci-immutable/policy.json ] ||
  { oi_show "$t/conffiles"; oi_fail "conffiles is not exactly /etc/oci-immutable/policy.json"; }
dpkg-deb -f "$deb" Depends Recommends Architecture >"$t/fields"
oi_assert_contains "$t/fields" "Depends: libc6"
oi_assert_contains "$t/fields" "Recommends: runc | crun"
oi_assert_contains "$t/fields" "Architecture: $arch"
oi_pass "dpkg-deb -I: conffiles is /etc/oci-immutable/policy.json; Depends libc6, Recommends runc | crun"

# ---------------------------------------------------------------- lintian
lrc=0
lintian --fail-on error --display-info "$deb" >"$t/lintian.out" 2>&1 || lrc=$?
sed 's/^/  lintian | /' "$t/lintian.out"
[ "$lrc" = 0 ] || oi_fail "lintian --fail-on error failed (exit $lrc)"
if grep -q '^E: ' "$t/lintian.out"; then oi_fail "lintian reported errors"; fi
oi_pass "lintian --fail-on error: no error ($(grep -c '^[WIP]: ' "$t/lintian.out" || true) other tags, printed above)"

# ---------------------------------------------------------------- hardening
x=$t/extract
dpkg-deb -x "$deb" "$x"
hc_opts=()
crt=$(gcc -print-file-name=crt1.o 2>/dev/null || echo /usr/lib/x86_64-linux-gnu/crt1.o)
readelf -n "$crt" 2>/dev/null | grep -q 'x86 feature:.*IBT' || hc_opts+=(--nocfprotection)
for f in usr/libexec/oci/hooks.d/oci-immutable-hook usr/bin/oci-immutable-runtime usr/bin/oci-immutable-monitor; do
  hardening-check "${hc_opts[@]}" "$x/$f" >"$t/hc.out" 2>&1 || { cat "$t/hc.out" >&2; oi_fail "hardening-check $f"; }
  sed "s|^$x/||; s/^/  /" "$t/hc.out"
done
oi_pass "hardening-check ${hc_opts[*]} passes on the packaged hook, wrapper and monitor"

# ---------------------------------------------------------------- dpkg into a private root
# new_root DIR: an empty dpkg database.
new_root() {
  mkdir -p "$1/var/lib/dpkg/updates" "$1/var/lib/dpkg/info"
  : >"$1/var/lib/dpkg/status"
  : >"$1/var/lib/dpkg/available"
}
# dpkg_in DIR ARGS...: dpkg acting on DIR only. --force-depends: libc6 is not
# in DIR's database. --force-script-chrootless: the maintainer scripts run
# on the host with DPKG_ROOT=DIR instead of in a chroot (DIR has no shell).
dpkg_in() {
  local r=$1; shift
  dpkg --root="$r" --admindir="$r/var/lib/dpkg" --log="$r/dpkg.log" \
    --force-not-root --force-depends --force-script-chrootless "$@" </dev/null
}
status_of() { dpkg-query --admindir="$1/var/lib/dpkg" -W -f='${Status} ${Version}' oci-immutable 2>/dev/null || true; }

# repack VERSION OUT [POLICY-EDIT]: the package with another version, and
# with a line appended to its policy when POLICY-EDIT is given.
repack() {
  local v=$1 out=$2 edit=${3:-} d=$t/repack-$1
  rm -rf "$d"
  dpkg-deb -R "$deb" "$d"
  sed -i "s/^Version: .*/Version: $v/" "$d/DEBIAN/control"
  if [ -n "$edit" ]; then
    echo "$edit" >>"$d/etc/oci-immutable/policy.json"
    (cd "$d" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z |
       xargs -0 md5sum >DEBIAN/md5sums)
  fi
  dpkg-deb --root-owner-group -b "$d" "$out" >/dev/null
}

r=$t/root
new_root "$r"
dpkg_in "$r" -i "$deb" >"$t/dpkg1.log" 2>&1 || { cat "$t/dpkg1.log" >&2; oi_fail "dpkg --root -i failed"; }
[ "$(status_of "$r")" = "install ok installed $version" ] || oi_fail "status after install: $(status_of "$r")"
for e in "${expected[@]}"; do
  f=${e%% -> *}; f=${f#./}
  case $f in usr/share/doc/*) ;; *) [ -e "$r/$f" ] || [ -L "$r/$f" ] || oi_fail "$f is not installed in the root" ;; esac
done
[ "$(stat -c %a "$r/var/log/oci-immutable")" = 750 ] || oi_fail "postinst did not make var/log/oci-immutable 0750"
hp=$(jq -r .hook.path "$r/usr/share/containers/oci/hooks.d/zz-oci-immutable.json")
[ "$hp" = /usr/libexec/oci/hooks.d/oci-immutable-hook ] && [ -x "$r$hp" ] ||
  oi_fail "the installed hooks.d file names $hp, not the installed hook"
"$r/usr/bin/oci-immutable-hook" --check-config "$r/etc/oci-immutable/policy.json" >"$OI_OUT" 2>"$OI_ERR" ||
  oi_fail "the installed hook rejects the installed policy"
oi_pass "dpkg --root -i: installed in a private root (status 'install ok installed'), log dir 0750, hooks.d names the installed hook"

pol=$r/etc/oci-immutable/policy.json

# An unedited conffile follows the package.
repack "$version.1" "$t/v1.deb" '// changed by the maintainer in .1'
dpkg_in "$r" -i "$t/v1.deb" >"$t/dpkg2.log" 2>&1 || { cat "$t/dpkg2.log" >&2; oi_fail "upgrade to $version.1 failed"; }
grep -qF '// changed by the maintainer in .1' "$pol" || oi_fail "an unedited policy.json was not upgraded"
[ ! -e "$pol.dpkg-dist" ] || oi_fail "an unedited policy.json left a .dpkg-dist"
oi_pass "upgrade ($version -> $version.1): the unedited policy.json follows the package"

# An edited conffile stays, with --force-confold, across an upgrade that changes it.
sed -i 's/"mode": "enforce"/"mode": "audit"/' "$pol"
echo '// edited by the operator' >>"$pol"
cp "$pol" "$t/edited.json"
repack "$version.2" "$t/v2.deb" '// changed by the maintainer in .2'
dpkg_in "$r" --force-confold -i "$t/v2.deb" >"$t/dpkg3.log" 2>&1 ||
  { cat "$t/dpkg3.log" >&2; oi_fail "upgrade to $version.2 with --force-confold failed"; }
cmp -s "$t/edited.json" "$pol" || oi_fail "the edited policy.json did not survive the upgrade"
grep -qF '// changed by the maintainer in .2' "$pol.dpkg-dist" || oi_fail "no policy.json.dpkg-dist with the new version"
oi_assert_contains "$t/dpkg3.log" "Using current old file as you requested"
[ "$(status_of "$r")" = "install ok installed $version.2" ] || oi_fail "status after upgrade: $(status_of "$r")"
# And a reinstall of the same version.
dpkg_in "$r" --force-confold -i "$t/v2.deb" >"$t/dpkg4.log" 2>&1 || { cat "$t/dpkg4.log" >&2; oi_fail "reinstall failed"; }
cmp -s "$t/edited.json" "$pol" || oi_fail "the edited policy.json did not survive a reinstall"
oi_pass "upgrade and reinstall with --force-confold keep the edited policy.json (new one in policy.json.dpkg-dist)"

# dpkg -r keeps the conffile, --purge removes it and the log directory.
echo '{"time":"x"}' >"$r/var/log/oci-immutable/violations.log"
dpkg_in "$r" -r oci-immutable >"$t/dpkg5.log" 2>&1 || { cat "$t/dpkg5.log" >&2; oi_fail "dpkg -r failed"; }
[ ! -e "$r/usr/libexec/oci/hooks.d/oci-immutable-hook" ] && [ ! -L "$r/usr/bin/oci-immutable-hook" ] ||
  oi_fail "dpkg -r left the programs"
cmp -s "$t/edited.json" "$pol" || oi_fail "dpkg -r removed or changed the policy"
[ "$(status_of "$r")" = "deinstall ok config-files $version.2" ] || oi_fail "status after -r: $(status_of "$r")"
dpkg_in "$r" --purge oci-immutable >"$t/dpkg6.log" 2>&1 || { cat "$t/dpkg6.log" >&2; oi_fail "dpkg --purge failed"; }
[ ! -e "$pol" ] && [ ! -e "$pol.dpkg-dist" ] && [ ! -e "$r/etc/oci-immutable" ] || oi_fail "--purge left /etc/oci-immutable"
[ ! -e "$r/var/log/oci-immutable" ] || oi_fail "--purge left /var/log/oci-immutable"
left=$(cd "$r" && find . -mindepth 1 \( -type f -o -type l \) ! -path './var/lib/dpkg/*' ! -name dpkg.log -print)
[ -z "$left" ] || oi_fail "--purge left files: $left"
[ -z "$(status_of "$r")" ] || [ "$(status_of "$r" | cut -d' ' -f1-3)" = "unknown ok not-installed" ] ||
  oi_fail "status after --purge: $(status_of "$r")"
oi_pass "dpkg -r keeps the policy; dpkg --purge removes it, the log directory and every file"

# A policy put in place before the first install (audit first) survives it.
r2=$t/root-preseeded
new_root "$r2"
install -d "$r2/etc/oci-immutable"
printf '{"mode": "audit"}\n' >"$r2/etc/oci-immutable/policy.json"
dpkg_in "$r2" --force-confold -i "$deb" >"$t/dpkg7.log" 2>&1 || { cat "$t/dpkg7.log" >&2; oi_fail "install over a preseeded policy failed"; }
[ "$(cat "$r2/etc/oci-immutable/policy.json")" = '{"mode": "audit"}' ] || oi_fail "the preseeded policy was replaced"
[ -f "$r2/etc/oci-immutable/policy.json.dpkg-dist" ] || oi_fail "no policy.json.dpkg-dist beside the preseeded policy"
oi_pass "a policy preseeded before the first install survives it with --force-confold"

oi_summary
