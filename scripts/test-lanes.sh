#!/usr/bin/env bash
# Runs every test project of the solution in two lanes (one per core), longest first, each lane taking the next project
# from one queue when its last one ends. `dotnet test` on the solution ran the projects in the order their builds
# finished, which left the Gateway tests (about 6 minutes) running alone at the end while the other core idled.
# Usage: test-lanes.sh LOG_DIR [dotnet test arguments…]; the projects' logs go to LOG_DIR/<project>.log, and one line per
# project is printed as it ends. Exit status: 0 when every project passed (or ran nothing, exit code 8, under a filter
# that asks to ignore it), else the first failing status.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
logs="$1"; shift
rm -rf "$logs"; mkdir -p "$logs"

# seconds each project took in a full fresh-clone run (stop 29); a project not listed counts 60 s
declare -A weight=(
  [Clipper.Cluster.Tests]=693 [Clipper.Grains.Tests]=410 [Clipper.Gateway.Tests]=367 [Clipper.Cli.Tests]=355
  [Clipper.Stages.Transcribe.Tests]=339 [Clipper.Stages.Fetch.Tests]=138 [Clipper.Stages.Track.Tests]=137
  [Clipper.Helm.Tests]=119 [Clipper.Stages.Score.Tests]=112 [Clipper.Stages.Encode.Tests]=59
  [Clipper.Blobs.Azure.Tests]=21 [Clipper.Persistence.Tests]=11 [Clipper.Core.Tests]=10
)
queue="$logs/.queue"
for p in "$ROOT"/tests/*/*.Tests.csproj; do
  name=$(basename "$p" .csproj)
  echo "${weight[$name]:-60} $p"
done | sort -rn | cut -d' ' -f2- > "$queue"

lane() {
  local status=0 project name started rc
  while true; do
    project=$(flock "$queue.lock" sh -c 'head -n 1 "$0"; sed -i 1d "$0"' "$queue")
    [ -n "$project" ] || break
    name=$(basename "$project" .csproj)
    started=$SECONDS
    dotnet test --project "$project" -c Release --no-build "$@" > "$logs/$name.log" 2>&1
    rc=$?
    echo "  $name: $(grep -E '^\s+(succeeded|failed|skipped): [0-9]+' "$logs/$name.log" | tail -n 3 | tr -s ' ' | tr '\n' ' ')exit $rc, $(( SECONDS - started )) s"
    [ $rc -eq 0 ] || [ $status -ne 0 ] || status=$rc
  done
  return $status
}

lane "$@" & a=$!
lane "$@" & b=$!
status=0
wait $a || status=$?
wait $b || { rc=$?; [ $status -ne 0 ] || status=$rc; }
exit $status
