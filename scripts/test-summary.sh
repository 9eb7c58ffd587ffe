#!/usr/bin/env bash
# Prints the one closing line CI reads, "N passed, N failed, N skipped", from dotnet test's output: one log per test
# project (scripts/test-lanes.sh runs them one by one). Microsoft.Testing.Platform ends each run with a "Test run
# summary" block ("total:", "failed:", "succeeded:", "skipped:", and "error: N" for a test program that crashed, which
# counts as N failures); only the last such block of a log is read, so no test's own output is taken for a count. A log
# with no summary (the project's build or its test host failed) counts as one failure, as does no log at all.
passed=0; failed=0; skipped=0; logs=0
for log in "$@"; do
  [ -f "$log" ] || continue
  logs=$((logs + 1))
  summary=$(awk '/Test run summary/ { block = "" } { block = block $0 "\n" } END { printf "%s", block }' "$log")
  get() { grep -E "^\s+$1: [0-9]+" <<<"$summary" | tail -n 1 | grep -oE '[0-9]+' | head -n 1; }
  if [ -z "$(get total)" ]; then
    echo "no test summary in $log (the build or the test host failed; see above)" >&2
    failed=$((failed + 1))
    continue
  fi
  ok=$(get succeeded); f=$(get failed); e=$(get error); s=$(get skipped)
  passed=$((passed + ${ok:-0})); failed=$((failed + ${f:-0} + ${e:-0})); skipped=$((skipped + ${s:-0}))
done
if [ $logs -eq 0 ]; then
  echo "no test output found (the build failed; see above)" >&2
  failed=1
fi
echo
echo "$passed passed, $failed failed, $skipped skipped"
