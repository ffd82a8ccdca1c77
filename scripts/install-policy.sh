#!/bin/sh
# meson install script: install-policy.sh SRC DIR
# Copies SRC to $DESTDIR$DIR/policy.json (DIR relative to the prefix unless
# absolute) unless a policy is already there: an operator's policy is never
# overwritten.
set -eu
src=$1
dir=$2
case $dir in /*) ;; *) dir=$MESON_INSTALL_PREFIX/$dir ;; esac
dest=${DESTDIR:-}$dir/policy.json
if [ -e "$dest" ]; then
  echo "install-policy: keeping the existing $dest"
  exit 0
fi
mkdir -p "$(dirname "$dest")"
install -m 0644 "$src" "$dest"
echo "install-policy: installed $dest"
