#!/usr/bin/env bash
# build-deb.sh [OUTDIR]: builds the Debian package (debian/) with
# `dpkg-buildpackage -us -uc -b` in a copy of the tree, so the source tree gets
# no debian/.debhelper, obj-* or ../*.deb. The copy holds the files git knows
# or would add (tracked and untracked, not ignored: uncommitted edits count),
# or, outside git, the tree without build dirs. Copies the .deb, .buildinfo
# and .changes files to OUTDIR (default build-deb/) and prints the .deb paths.
#
# Environment: DEB_BUILD_OPTIONS (passed on; for instance "nocheck" or
# "parallel=4"; parallel defaults to the CPU count).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$src/build-deb}
case $out in /*) ;; *) out=$PWD/$out ;; esac

for t in dpkg-buildpackage dh; do
  command -v "$t" >/dev/null || { echo "build-deb: $t is missing (apt-get install dpkg-dev debhelper)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/oci-immutable-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
tree=$work/oci-immutable
mkdir -p "$tree"
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (cd "$src" && git ls-files -z -c -o --exclude-standard | while IFS= read -r -d '' f; do
     if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi   # skip deleted files
   done) | tar -C "$src" --null --no-recursion -T - -cf - | tar -C "$tree" -xf -
else
  tar -C "$src" --exclude='./build*' --exclude='./obj-*' --exclude=./debian/.debhelper -cf - . |
    tar -C "$tree" -xf -
fi

case " ${DEB_BUILD_OPTIONS:-} " in
  *" parallel="*) ;;
  *) DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:+$DEB_BUILD_OPTIONS }parallel=$(nproc)"; export DEB_BUILD_OPTIONS ;;
esac
(cd "$tree" && dpkg-buildpackage -us -uc -b)

mkdir -p "$out"
shopt -s nullglob
files=("$work"/*.deb "$work"/*.ddeb "$work"/*.buildinfo "$work"/*.changes)
[ "${#files[@]}" -gt 0 ] || { echo "build-deb: dpkg-buildpackage made no package" >&2; exit 1; }
cp "${files[@]}" "$out/"
for f in "$work"/*.deb "$work"/*.ddeb; do echo "$out/$(basename "$f")"; done
