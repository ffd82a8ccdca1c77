#!/usr/bin/env bash
# Installs every build, test and demo dependency of oci-immutable on Debian 12.
# Idempotent: does nothing (and needs no network) when everything is already present.
set -euo pipefail

packages=(
  build-essential g++ meson ninja-build pkg-config
  clang libclang-rt-14-dev
  libyajl-dev libseccomp-dev libcap-dev libmount-dev
  libgtest-dev libgmock-dev googletest
  runc crun busybox-static util-linux jq time strace
  valgrind
  scdoc devscripts lintian debhelper dpkg-dev
  podman containerd uidmap python3
  selinux-policy-dev selinux-policy-default checkpolicy policycoreutils semodule-utils secilc setools
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: need root to install: ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
