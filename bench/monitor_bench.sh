#!/usr/bin/env bash
# What oci-immutable-monitor costs a syscall (root): starts the monitor on a
# private socket and log, runs bench/monitor-bench, prints its figures and
# how many records the monitor wrote. No assertions.
#
#   bash bench/monitor_bench.sh BUILD_DIR [N]
set -euo pipefail
BUILD=$(cd "${1:?usage: monitor_bench.sh BUILD_DIR [N]}" && pwd)
N=${2:-20000}
[ "$(id -u)" = 0 ] || { echo "monitor_bench: needs root" >&2; exit 77; }
ninja -C "$BUILD" oci-immutable-monitor bench/monitor-bench >/dev/null
dir=$(mktemp -d /tmp/oi-monitor-bench.XXXXXX)
mpid=
cleanup() { [ -z "$mpid" ] || kill "$mpid" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
printf '{"log": {"file": "%s/log"}, "monitor": {"socket": "%s/sock/monitor.sock"}}\n' \
  "$dir" "$dir" >"$dir/policy.json"
"$BUILD/oci-immutable-monitor" --config "$dir/policy.json" 2>"$dir/monitor.err" &
mpid=$!
for _ in $(seq 100); do [ -S "$dir/sock/monitor.sock" ] && break; sleep 0.05; done
echo "monitor-bench: $N calls per round, median of 5 rounds, one child per variant"
"$BUILD/bench/monitor-bench" "$dir/sock/monitor.sock" "$N"
kill "$mpid"; wait "$mpid" 2>/dev/null || true; mpid=
echo "records written by the monitor: $(grep -c '"source":"monitor"' "$dir/log" || true)" \
  "(expected $((5 * N)): one per denied umount2)"
