#!/usr/bin/env bash
# Mutation testing (Stryker.NET) of the code that computes what LoadLab's users read: `./run.sh mutate`.
#
#   ./run.sh mutate [--full] [--concurrency N] [TARGET…]     TARGET: measurement, traffic, regression, cost (default: all four)
#
# Incremental by default: each target starts from its newest baseline made at an ancestor of HEAD and tests again only
# the mutants in files changed since that commit (and those covered by changed tests); every other mutant keeps its
# baseline result, so the score and the report stay complete. With no baseline, with --full, or in a linked work tree
# (git worktree), every mutant is tested (see stryker/README.md for how long that takes). A run on a clean work tree
# leaves the baseline for the next one.
# Fails (exit 1) when a target's score is below its break threshold (stryker/<target>.json); reports in
# StrykerOutput/<target>/reports/mutation-report.html.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

usage() { sed -n '4p' "$0" | sed 's/^#  *//'; }

full=0
# Test processes at once; the configs say 1 (a shared 2-core machine), a quiet one finishes in about half the time with 2.
concurrency=""
targets=()
while (($# > 0)); do
  arg="$1"
  shift
  case "$arg" in
    --full) full=1 ;;
    --concurrency)
      [[ "${1:-}" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh mutate: --concurrency needs a whole number of test processes, e.g. --concurrency 2" >&2; exit 2; }
      concurrency="$1"
      shift
      ;;
    measurement | traffic | regression | cost) targets+=("$arg") ;;
    -h | --help) usage; exit 0 ;;
    *) echo "run.sh mutate: unknown argument '$arg'; usage: $(usage)" >&2; exit 2 ;;
  esac
done
((${#targets[@]} > 0)) || targets=(measurement traffic regression cost)

dotnet tool restore >/dev/null

head="$(git rev-parse HEAD)"
# A baseline stands for a commit only when the mutated and testing code are exactly that commit's.
dirty=""
[[ -z "$(git status --porcelain -- src tests stryker)" ]] || dirty="-dirty"
# Stryker's git diff (LibGit2Sharp) resolves paths against the git directory in a linked work tree (git worktree add),
# so nothing it reports as changed matches a source file: there, every run is a full one.
linked=0
[[ "$(git rev-parse --path-format=absolute --git-dir)" == "$(git rev-parse --path-format=absolute --git-common-dir)" ]] || linked=1
# Each target's baselines, one per commit (a report of a complete run, or of an incremental one completed from one).
store="$root/StrykerOutput/baselines"
# Where Stryker's disk provider looks: <project>/StrykerOutput/baseline/<branch>, then .../baseline/<fallback version>.
stryker_slot="$root/src/LoadLab.Core/StrykerOutput/baseline"

# The newest baseline of a target made at HEAD or an ancestor of it (fewest commits behind), or nothing.
latest_baseline() {
  local best="" best_behind="" file commit behind
  for file in "$store/$1"/*.json; do
    [[ -f "$file" ]] || continue
    commit="$(basename "$file" .json)"
    [[ "$commit" =~ ^[0-9a-f]{40}$ ]] || continue
    git merge-base --is-ancestor "$commit" HEAD 2>/dev/null || continue
    behind="$(git rev-list --count "$commit..HEAD")"
    if [[ -z "$best" || "$behind" -lt "$best_behind" ]]; then
      best="$commit" best_behind="$behind"
    fi
  done
  echo "$best"
}

status=0
summary=()
for target in "${targets[@]}"; do
  output="$root/StrykerOutput/$target"
  log="$(mktemp)"
  args=(-f "../../stryker/$target.json" -O "$output" --skip-version-check)
  [[ -z "$concurrency" ]] || args+=(-c "$concurrency")
  base=""
  ((full || linked)) || base="$(latest_baseline "$target")"
  # The slots are shared by the targets (one project): leave only this target's base in them.
  rm -rf "$stryker_slot"
  if [[ -n "$base" ]]; then
    mkdir -p "$stryker_slot/$base"
    cp "$store/$target/$base.json" "$stryker_slot/$base/stryker-report.json"
    args+=("--with-baseline:$base" --version "$target-$head")
    mode="incremental since ${base:0:10}"
  else
    mode="full"
    ((linked == 0 || full)) || mode="full (linked work tree)"
  fi

  echo "mutate: $target ($mode)"
  started=$(date +%s)
  set +e
  (cd src/LoadLab.Core && dotnet stryker "${args[@]}") 2>&1 | tee "$log"
  result=${PIPESTATUS[0]}
  set -e
  took=$(($(date +%s) - started))
  score="$(grep -o 'The final mutation score is [0-9.]* %' "$log" | grep -o '[0-9.]* %' || echo "no score")"
  rm -f "$log"
  rm -rf "$stryker_slot"

  # The report of a complete result (a full run, or an incremental one that Stryker filled in from the base) is the
  # next run's baseline, when the work tree is exactly the commit.
  if [[ -z "$dirty" && "$score" != "no score" && -f "$output/reports/mutation-report.json" ]]; then
    mkdir -p "$store/$target"
    cp "$output/reports/mutation-report.json" "$store/$target/$head.json"
  fi
  ((result == 0)) || status=1
  summary+=("$(printf '%-12s %-10s %-32s %5d s  %s' "$target" "$score" "$mode" "$took" "$([[ $result == 0 ]] && echo ok || echo "FAILED (below the break threshold or did not run)")")")
done

echo
echo "mutation scores (reports in StrykerOutput/<target>/reports/mutation-report.html):"
printf '  %s\n' "${summary[@]}"
exit "$status"
