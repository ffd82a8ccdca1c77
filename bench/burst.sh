#!/usr/bin/env bash
# burst.sh N ID_PREFIX CMD...: starts N copies of CMD at once, the i-th with
# "ID_PREFIX-i" appended (a container id), and waits for all of them. Exits 1
# if any copy failed. spawn-bench times the whole burst.
n=$1 prefix=$2
shift 2
pids=()
for ((i = 0; i < n; i++)); do
  "$@" "$prefix-$i" </dev/null >/dev/null 2>&1 &
  pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
exit "$rc"
