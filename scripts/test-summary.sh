#!/usr/bin/env bash
# Prints the one closing line CI reads, "N passed, N failed, N skipped", from dotnet test's output.
# Run on the solution, Microsoft.Testing.Platform prints one "Test run summary" block at the end with the totals
# over every test project (lines of each project first, then "total:", "failed:", …); the last such block counts.
# A test program that crashed is listed as "error: N" there and counts as N failures; a build that never ran
# tests counts as one failure.
log="$1"
# only what follows the last summary heading, so no test's own output is read as a count
summary=$(awk '/Test run summary/ { block = "" } { block = block $0 "\n" } END { printf "%s", block }' "$log")
get() { grep -E "^\s+$1: [0-9]+" <<<"$summary" | tail -n 1 | grep -oE '[0-9]+' | head -n 1; }
total=$(get total); failed=$(get failed); passed=$(get succeeded); skipped=$(get skipped); errors=$(get error)
if [ -z "$total" ]; then
  echo "no test summary found (the build or the test host failed; see above)" >&2
  echo "0 passed, 1 failed, 0 skipped"
  exit 0
fi
echo
echo "${passed:-0} passed, $(( ${failed:-0} + ${errors:-0} )) failed, ${skipped:-0} skipped"
