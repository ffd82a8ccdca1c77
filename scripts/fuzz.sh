#!/usr/bin/env bash
# make fuzz: builds the libFuzzer targets (clang, ASan + UBSan) in build-fuzz
# and runs each for FUZZ_SECONDS over a scratch copy of fuzz/corpus/<target>
# (new inputs never land in the repository). Any crash, leak, timeout or
# sanitizer report fails the run; the input is kept in build-fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${FUZZ_BUILD:-build-fuzz}
seconds=${FUZZ_SECONDS:-30}
targets=${FUZZ_TARGETS:-state spec policy mountinfo args seccomp process_state proc_status}

if [ ! -f "$build/build.ninja" ]; then
  CC=clang CXX=clang++ meson setup "$build" -Dfuzzing=true -Dintegration_tests=false -Dwerror=true
fi
ninja -C "$build" fuzzers

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$build/artifacts"
failed=()
printf '%-14s %12s %10s  %s\n' target execs execs/s result
for t in $targets; do
  cp -r "fuzz/corpus/$t" "$work/$t"
  dict=()
  case $t in state|spec|policy|seccomp|process_state) dict=(-dict=fuzz/json.dict) ;; esac
  result=ok
  "$build/fuzz/${t}_fuzzer" "${dict[@]}" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -error_exitcode=77 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$t-" "$work/$t" >"$work/$t.log" 2>&1 || result=FAILED
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$t.log")
  printf '%-14s %12s %10s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "$result"
  if [ "$result" != ok ]; then
    failed+=("$t")
    grep -E -A 30 '^==[0-9]+==ERROR|runtime error|deadly signal|Test unit written' "$work/$t.log" | head -60 >&2
  fi
done
if [ "${#failed[@]}" -ne 0 ]; then
  echo "fuzz: failed: ${failed[*]} (inputs in $build/artifacts/)" >&2
  exit 1
fi
