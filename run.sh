#!/usr/bin/env bash
# LoadLab's two commands:
#   ./run.sh                build if needed, then run scenarios/quickstart.yaml on the embedded cluster (about a minute)
#   ./run.sh test [ARGS…]   build if needed, then run the test suite; ARGS go to `dotnet test` (e.g. --filter Quickstart)
#   ./run.sh mutate [ARGS…] mutation testing of what computes users' numbers (stryker/mutate.sh; incremental by default)
#   ./run.sh ARGS…          build if needed, then pass ARGS to the loadlab CLI (e.g. ./run.sh validate scenarios/*.yaml)
#
# Builds are quiet (MSBuild's output appears only when the build fails) and happen only when a source file changed
# since the last successful build. To add a command of run.sh itself, write a function cmd_<name>: the dispatch at
# the end finds it; anything that is not such a command goes to the CLI.
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

cli_dll="$root/src/LoadLab.Cli/bin/Release/net10.0/loadlab.dll"
# Stamps of the last successful builds; obj/ is git-ignored and `git clean -X` removes them with the outputs.
stamps="$root/obj/run"

# Prints the first input of a build newer than its stamp (nothing when the build is up to date).
changed_since() {
  local stamp="$1"
  shift
  [[ -f "$stamp" ]] || { echo "(no previous build)"; return; }
  find "$@" LoadLab.sln Directory.Build.props Directory.Packages.props global.json .editorconfig \
    \( -name bin -o -name obj \) -prune -o -type f -newer "$stamp" -print -quit 2>/dev/null || true
}

# build <what> <project or solution> <output that must exist> <source folders…>
# Builds quietly when a source changed since the last successful build; MSBuild's log is shown only on failure.
build() {
  local what="$1" target="$2" output="$3"
  shift 3
  local stamp="$stamps/$what.stamp" reason
  reason="$(changed_since "$stamp" "$@")"
  [[ -f "$output" ]] || reason="(no build output)"
  [[ -n "$reason" ]] || return 0
  mkdir -p "$stamps"
  echo "run.sh: building $what (changed: ${reason#./})…" >&2
  local log started
  log="$(mktemp)"
  # The stamp takes the time the build started, so a file saved during the build triggers the next one.
  started="$(mktemp "$stamps/.started.XXXXXX")"
  if dotnet build "$target" -c Release -nologo -v quiet -clp:ErrorsOnly -tl:off >"$log" 2>&1; then
    mv -f "$started" "$stamp"
    rm -f "$log"
  else
    cat "$log" >&2
    rm -f "$log" "$started"
    echo "run.sh: the build of $what failed (see above)." >&2
    exit 1
  fi
}

build_cli() { build cli src/LoadLab.Cli/LoadLab.Cli.csproj "$cli_dll" src; }

build_all() {
  build all LoadLab.sln "$cli_dll" src tests
  # The solution contains the CLI: it is now as new as its sources.
  cp -p "$stamps/all.stamp" "$stamps/cli.stamp" 2>/dev/null || true
}

cli() { exec dotnet "$cli_dll" "$@"; }

# ./run.sh test [ARGS…]: every test assembly, one after another; ARGS go to `dotnet test` unchanged.
cmd_test() {
  build_all
  local log status
  log="$(mktemp)"
  # Two test assemblies at a time: the CLI, integration and Docker suites spend most of their time waiting for
  # runs of fixed length (run one after another they kept 2 cores at a load average below 1 for 15 minutes,
  # over CI's budget). Tests within an assembly still run one at a time.
  set +e
  dotnet test LoadLab.sln -c Release --no-build -nologo -m:2 --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  set -e
  # Every failed test again at the end and one closing line over all test assemblies (tests/summarize-test-log.awk).
  awk -f "$root/tests/summarize-test-log.awk" "$log" || status=1
  rm -f "$log"
  return "$status"
}

# ./run.sh mutate [ARGS…]: mutation testing (stryker/mutate.sh builds what it needs itself).
cmd_mutate() { exec bash "$root/stryker/mutate.sh" "$@"; }

if [[ $# -eq 0 ]]; then
  build_cli
  cli run scenarios/quickstart.yaml
elif [[ "$1" =~ ^[a-z][a-z-]*$ ]] && declare -F "cmd_$1" >/dev/null; then
  command="cmd_$1"
  shift
  "$command" "$@"
else
  build_cli
  cli "$@"
fi
