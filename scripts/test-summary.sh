#!/usr/bin/env bash
# Prints the one closing line CI reads, "N passed, N failed, N skipped", from dotnet test's output
# (Microsoft.Testing.Platform's "Test run summary" block). A build that never ran tests counts as one failure.
log="$1"
get() { grep -E "^\s+$1: [0-9]+" "$log" | tail -n 1 | grep -oE '[0-9]+' | head -n 1; }
total=$(get total); failed=$(get failed); passed=$(get succeeded); skipped=$(get skipped)
if [ -z "$total" ]; then
  echo "no test summary found (the build or the test host failed; see above)" >&2
  echo "0 passed, 1 failed"
  exit 0
fi
echo
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
