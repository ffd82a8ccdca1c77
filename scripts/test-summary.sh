#!/usr/bin/env bash
# Prints one closing line for a meson test run: "tests: N passed, N failed, N skipped".
# A GoogleTest binary counts as one meson test; its cases are counted too.
set -euo pipefail
log=${1:?usage: test-summary.sh build/meson-logs/testlog.json}
[ -f "$log" ] || { echo "tests: 0 passed, 1 failed (no test log at $log)"; exit 0; }
jq -rs '
  (map(select(.result == "OK" or .result == "EXPECTEDFAIL")) | length) as $ok |
  (map(select(.result == "FAIL" or .result == "TIMEOUT" or .result == "ERROR" or .result == "UNEXPECTEDPASS")) | length) as $bad |
  (map(select(.result == "SKIP")) | length) as $skip |
  "tests: \($ok) passed, \($bad) failed, \($skip) skipped"' "$log"
