#!/usr/bin/env bash
# CPU per message of LoadLab builds side by side, and kcat's, against one cluster in another process
# (`loadlab cluster serve`, 3 brokers), in the same minutes: the table of issue 19.
#
#   tests/LoadLab.Benchmarks/CpuPerMessage/before-after.sh BEFORE_DLL AFTER_DLL [SECONDS] [ROUNDS]
#
# BEFORE_DLL / AFTER_DLL: loadlab.dll of two Release builds, e.g. a worktree of the old commit
#   (git worktree add /tmp/before 2aa9f5a && dotnet build /tmp/before/src/LoadLab.Cli -c Release)
#   and this checkout (src/LoadLab.Cli/bin/Release/net10.0/loadlab.dll). The cluster is served by AFTER_DLL.
# Each turn: `loadlab run` of a generated scenario (3 s warm-up + SECONDS, default 20) with --env external:…,
# its CPU per message over the measured window taken by window-cpu.sh beside this script.
# kcat produces values of the same size (no key, no header: the C client's best case) from a pipe; its CPU is
# what /usr/bin/time reports for it alone.
# Rounds alternate before / after / kcat so machine load hits all alike. Prints a Markdown table with the load average.
set -euo pipefail
before=${1:?loadlab.dll of the build before}
after=${2:?loadlab.dll of the build after}
seconds=${3:-20}
rounds=${4:-2}
work=$(mktemp -d /tmp/loadlab-cpu-table.XXXXXX)
trap 'kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
warmup=3

dotnet "$after" cluster serve --brokers 3 --topic max100:6:3 --topic max1k:6:3 --topic paced:6:3 --topic kcat:6:3 >"$work/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 100); do grep -q '^Serving' "$work/serve.log" 2>/dev/null && break; sleep 0.2; done
bootstrap=$(grep -o 'bootstrap.servers=[^ ]*' "$work/serve.log" | cut -d= -f2)
[ -n "$bootstrap" ] || { cat "$work/serve.log" >&2; exit 3; }
cat >"$work/served.yaml" <<YAML
name: served
bootstrap-servers: $bootstrap
client: {fetch.wait.max.ms: 10, fetch.error.backoff.ms: 10}
topics: {policy: existing, allow-existing-data: true}
YAML

scenario() { # name topic rate size
  cat >"$work/$1.yaml" <<YAML
version: 1
name: $1
warmup: ${warmup}s
duration: ${seconds}s
seed: 7
drain-timeout: 10s
topics:
  - {name: $2, partitions: 6, replication-factor: 3}
traffic:
  - name: load
    topic: $2
    rate: $3
    payload: {kind: fixed, size: $4}
    keys: {distribution: uniform, space: 10000, kind: account}
    producer: {acks: all, linger.ms: 5}
YAML
}
scenario max100 max100 3000000 100B
scenario max1k max1k 1500000 1KiB
scenario paced60k paced 60000 1KiB

# run DLL SCENARIO -> "msg/s µs/msg"
run() { "$(dirname "$0")/window-cpu.sh" "$1" "$work/$2.yaml" "external:$work/served.yaml" "$work/out-$RANDOM"; }

# kcat SIZE MESSAGES -> "msg/s µs/msg" (one value repeated, from a pipe; /usr/bin/time measures kcat alone)
kcat_run() {
  local line
  line=$(head -c "$1" /dev/zero | tr '\0' 'x')
  yes "$line" | head -n "$2" | /usr/bin/time -f "%e %U %S" -o "$work/time" kcat -P -b "$bootstrap" -t kcat -q -X acks=all -X linger.ms=5
  awk -v n="$2" '{ printf "%.0f %.2f\n", n / $1, ($2 + $3) * 1e6 / n }' "$work/time"
}

echo "| work | round | load average | LoadLab before msg/s | µs CPU/msg | LoadLab after msg/s | µs CPU/msg | kcat -P msg/s | µs CPU/msg |"
echo "|---|---:|---|---:|---:|---:|---:|---:|---:|"
for round in $(seq "$rounds"); do
  for work_item in "max100 100" "max1k 1024" "paced60k 1024"; do
    set -- $work_item
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    b=$(run "$before" "$1"); a=$(run "$after" "$1")
    if [ "$1" = paced60k ]; then k="– –"; elif [ "$2" = 100 ]; then k=$(kcat_run 100 $((seconds * 500000))); else k=$(kcat_run 1024 $((seconds * 150000))); fi
    echo "| $1 | $round | $load | ${b% *} | ${b#* } | ${a% *} | ${a#* } | ${k% *} | ${k#* } |"
  done
done
