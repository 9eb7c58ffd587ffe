#!/usr/bin/env bash
# Adds up every module's Surefire reports into one closing line: "N passed, N failed, N skipped".
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tests=0; failures=0; errors=0; skipped=0
for f in $(find "$ROOT" -path '*/target/surefire-reports/TEST-*.xml' -not -path '*/node_modules/*'); do
  line=$(grep -m1 -o '<testsuite [^>]*>' "$f")
  get() { echo "$line" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  tests=$((tests + $(get tests))); failures=$((failures + $(get failures)))
  errors=$((errors + $(get errors))); skipped=$((skipped + $(get skipped)))
done
failed=$((failures + errors))
echo
echo "Summary: $((tests - failed - skipped)) passed, $failed failed, $skipped skipped"
