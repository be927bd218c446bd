#!/usr/bin/env bash
# One `loadlab run` with its CPU per message over the measured window:
#   window-cpu.sh LOADLAB_DLL SCENARIO ENV OUT_DIR   ->   prints "msg/s µs-CPU-per-message"
# The process's CPU time (utime + stime from /proc/PID/stat) is sampled every 50 ms with the wall-clock time of each
# sample. After the run, the measured window is taken from the run's own clock — summary.json's startedAt (second 0)
# plus the warm-up, to that plus the duration — and the CPU time at both ends is interpolated between the samples
# around them; it is divided by the messages acknowledged in those seconds (series.csv). Start-up, JIT warm-up, the
# drain and the report are left out. (Reading the window off the console's progress lines instead gave a window ~13 %
# shorter than the seconds it counted: a line appears when its second is printed, not when it ends.)
set -euo pipefail
dll=${1:?loadlab.dll}; scenario=${2:?scenario.yaml}; env=${3:?--env value}; out=${4:?results folder}
warmup=$(awk '/^warmup:/ { print $2 + 0 }' "$scenario")
duration=$(awk '/^duration:/ { print $2 + 0 }' "$scenario")
last=$((warmup + duration))
hz=$(getconf CLK_TCK)
mkdir -p "$out"
samples="$out/cpu-samples.txt"
: >"$samples"
dotnet "$dll" run "$scenario" --env "$env" --out "$out" >"$out/run.log" 2>&1 &
pid=$!
# "wall-ns cpu-ticks" per line; bounded by the run itself (the loop ends when the process does).
while stat=$(cat "/proc/$pid/stat" 2>/dev/null); do
  echo "$(date +%s%N) $(echo "$stat" | awk '{ print $14 + $15 }')" >>"$samples"
  sleep 0.05
done
wait "$pid" || true
summary=$(ls "$out"/*/summary.json)
series=$(ls "$out"/*/series.csv)
started=$(grep -o '"startedAt": *"[^"]*"' "$summary" | sed 's/.*: *"//; s/"$//')
zero_ns=$(date -d "$started" +%s%N)
acked=$(awk -F, -v from="$warmup" -v to="$last" 'NR > 1 && $1 >= from && $1 < to { sum += $4 } END { print sum + 0 }' "$series")
awk -v a="$acked" -v t0="$((zero_ns + warmup * 1000000000))" -v t1="$((zero_ns + last * 1000000000))" -v hz="$hz" '
  # CPU ticks at wall time t, interpolated between the samples around it.
  function at(t,    i) {
    for (i = 2; i <= n; i++) if (w[i] >= t) return c[i - 1] + (c[i] - c[i - 1]) * (t - w[i - 1]) / (w[i] - w[i - 1]);
    return ""
  }
  { n++; w[n] = $1; c[n] = $2 }
  END {
    if (a == 0 || n < 2 || w[1] > t0) { print "0 –"; exit }
    c0 = at(t0); c1 = at(t1)
    if (c1 == "") { print "0 –"; exit }
    printf "%.0f %.2f\n", a / ((t1 - t0) / 1e9), (c1 - c0) / hz * 1e6 / a
  }' "$samples"
