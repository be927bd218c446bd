#!/usr/bin/env bash
# One `loadlab run` with its CPU per message over the measured window:
#   window-cpu.sh LOADLAB_DLL SCENARIO ENV OUT_DIR   ->   prints "msg/s µs-CPU-per-message"
# The process's CPU time (utime + stime from /proc/PID/stat) is read when the progress line of the first measured
# second appears and again at the last one; it is divided by the messages acknowledged in those seconds
# (series.csv), so start-up, JIT warm-up, the drain and the report are left out.
set -euo pipefail
dll=${1:?loadlab.dll}; scenario=${2:?scenario.yaml}; env=${3:?--env value}; out=${4:?results folder}
warmup=$(awk '/^warmup:/ { print $2 + 0 }' "$scenario")
duration=$(awk '/^duration:/ { print $2 + 0 }' "$scenario")
last=$((warmup + duration))
hz=$(getconf CLK_TCK)
mkdir -p "$out"
log="$out/run.log"
: >"$log"
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
dotnet "$dll" run "$scenario" --env "$env" --out "$out" >"$log" 2>&1 &
pid=$!
start_ticks="" end_ticks="" start_ns="" end_ns=""
while kill -0 "$pid" 2>/dev/null; do
  second=$({ grep -o '^\[ *[0-9]*s/' "$log" || true; } | tail -1 | tr -dc '0-9')
  if [ -z "$start_ticks" ] && [ "${second:-0}" -ge "$warmup" ]; then start_ticks=$(cpu_ticks "$pid"); start_ns=$(date +%s%N); fi
  if [ -n "$start_ticks" ] && [ "${second:-0}" -ge "$last" ]; then end_ticks=$(cpu_ticks "$pid"); end_ns=$(date +%s%N); break; fi
  sleep 0.05
done
wait "$pid" || true
series=$(ls "$out"/*/series.csv)
acked=$(awk -F, -v from="$warmup" -v to="$last" 'NR > 1 && $1 >= from && $1 < to { sum += $4 } END { print sum + 0 }' "$series")
awk -v a="$acked" -v t0="$start_ticks" -v t1="$end_ticks" -v n0="$start_ns" -v n1="$end_ns" -v hz="$hz" \
  'BEGIN { if (a == 0 || t1 == "") { print "0 –"; exit } printf "%.0f %.2f\n", a / ((n1 - n0) / 1e9), (t1 - t0) / hz * 1e6 / a }'
