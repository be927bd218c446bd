#!/usr/bin/env bash
# LoadLab's two commands:
#   ./run.sh          build, then run scenarios/quickstart.yaml on the embedded cluster (about a minute)
#   ./run.sh test     build and run the whole test suite
#   ./run.sh mutate   mutation testing of what computes users' numbers (stryker/mutate.sh; incremental by default)
#   ./run.sh ARGS…    build, then pass ARGS to the loadlab CLI (e.g. ./run.sh validate scenarios/*.yaml)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

if ! command -v dotnet >/dev/null 2>&1; then
  cat >&2 <<'MSG'
run.sh: the .NET SDK was not found (no 'dotnet' on PATH).
LoadLab needs the .NET 10 SDK: https://dotnet.microsoft.com/download/dotnet/10.0
(on Debian/Ubuntu: install the 'dotnet-sdk-10.0' package from Microsoft's package feed), then run ./run.sh again.
MSG
  exit 127
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

build_cli() {
  dotnet build src/LoadLab.Cli/LoadLab.Cli.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >&2
}

cli() {
  dotnet "$root/src/LoadLab.Cli/bin/Release/net10.0/loadlab.dll" "$@"
}

run_tests() {
  local log
  log="$(mktemp)"
  dotnet build LoadLab.sln -c Release -nologo -v quiet -clp:ErrorsOnly
  # Test assemblies run one after another: the integration, Docker and CLI suites all start clusters,
  # and on a small machine running them side by side distorts the latencies they check.
  set +e
  dotnet test LoadLab.sln -c Release --no-build -nologo -m:1 --logger "console;verbosity=normal" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  set -e
  # One closing line over all test assemblies, in the form CI systems read.
  awk '
    /^Test Run (Successful|Failed)\./ { runs++ }
    /^ +Passed: +[0-9]+$/ { passed += $2 }
    /^ +Failed: +[0-9]+$/ { failed += $2 }
    /^ +Skipped: +[0-9]+$/ { skipped += $2 }
    END {
      if (runs == 0) { print "no test assembly reported results"; exit 1 }
      printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped
    }' "$log" || status=1
  rm -f "$log"
  return "$status"
}

case "${1:-}" in
  "")
    build_cli
    cli run scenarios/quickstart.yaml
    ;;
  test)
    shift
    run_tests "$@"
    ;;
  mutate)
    shift
    exec bash "$root/stryker/mutate.sh" "$@"
    ;;
  *)
    build_cli
    cli "$@"
    ;;
esac
