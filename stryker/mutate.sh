#!/usr/bin/env bash
# Mutation testing (Stryker.NET) of the code that computes what LoadLab's users read: `./run.sh mutate`.
#
#   ./run.sh mutate [--full] [TARGET…]     TARGET: measurement, traffic, regression, cost (default: all four, in that order)
#
# Incremental by default: each target starts from its newest baseline made at an ancestor of HEAD and tests again only
# the mutants in files changed since that commit (and those covered by changed tests); every other mutant keeps its
# baseline result, so the score and the report stay complete. With no baseline, or with --full, every mutant is tested
# (see stryker/README.md for how long that takes). A run on a clean work tree leaves the baseline for the next one.
# Fails (exit 1) when a target's score is below its break threshold (stryker/<target>.json); reports in
# StrykerOutput/<target>/reports/mutation-report.html.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

usage() { sed -n '4p' "$0" | sed 's/^#  *//'; }

full=0
targets=()
for arg in "$@"; do
  case "$arg" in
    --full) full=1 ;;
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
# Stryker's disk baselines live beside the project it mutates: <project>/StrykerOutput/<version>/stryker-report.json.
baselines="$root/src/LoadLab.Core/StrykerOutput"

# The newest clean baseline of a target made at HEAD or an ancestor of it (fewest commits behind), or nothing.
latest_baseline() {
  local best="" best_behind="" dir commit behind
  for dir in "$baselines/$1"/*/; do
    commit="$(basename "$dir")"
    [[ "$commit" =~ ^[0-9a-f]{40}$ && -f "$dir/stryker-report.json" ]] || continue
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
  version="$target/$head$dirty"
  output="$root/StrykerOutput/$target"
  log="$(mktemp)"
  args=(-f "../../stryker/$target.json" -O "$output" --skip-version-check)
  base=""
  ((full)) || base="$(latest_baseline "$target")"
  if [[ -n "$base" ]]; then
    # Stryker loads the baseline of the version it runs as; start that version from the base's results.
    mkdir -p "$baselines/$version"
    [[ "$base" == "$head" && -z "$dirty" ]] || cp "$baselines/$target/$base/stryker-report.json" "$baselines/$version/stryker-report.json"
    args+=("--with-baseline:$base" --version "$version")
    mode="incremental since ${base:0:10}"
  else
    mode="full"
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

  if [[ "$mode" == full && -z "$dirty" && -f "$output/reports/mutation-report.json" ]]; then
    mkdir -p "$baselines/$target/$head"
    cp "$output/reports/mutation-report.json" "$baselines/$target/$head/stryker-report.json"
  fi
  ((result == 0)) || status=1
  summary+=("$(printf '%-12s %-10s %-32s %5d s  %s' "$target" "$score" "$mode" "$took" "$([[ $result == 0 ]] && echo ok || echo "FAILED (below the break threshold or did not run)")")")
done

echo
echo "mutation scores (reports in StrykerOutput/<target>/reports/mutation-report.html):"
printf '  %s\n' "${summary[@]}"
exit "$status"
