#!/usr/bin/env bash
# The simulator and the HAL's classifier agree: for each process state of process-state-profiles.md,
# a picmon-simload worker of that state must be named that state by `picmon top` after a window of
# one-second samples (the classifier's rules: rt/include/rt/proc_class.h).
# Usage: classify_it.sh PICMON SIMLOAD STATE
set -euo pipefail
picmon=$1; simload=$2; state=$3
work=$(mktemp -d)
sim_pid=""
cleanup() { [ -n "$sim_pid" ] && kill -TERM "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
# A higher weight (nice -10) lets the worker get the CPU share its profile asks for even when the
# machine is busy with other work: what is tested is the naming, not the machine's spare capacity.
nice -n -10 "$simload" --model "classify-$state" --state "$state" --procs 1 --duration 40 --log-dir "$work" \
  >/dev/null 2>"$work/sim.err" &
sim_pid=$!
sleep 1
# 16 frames one second apart: the last one classifies a full window of the worker's samples
"$picmon" top -b -n 16 -d 1 --sort pid >"$work/top.txt"
awk -v parent="$sim_pid" '
  /^ *PID +PPID/ { frame++; next }
  $2 == parent { cls[frame] = $13 }
  END { print cls[frame] }' "$work/top.txt" >"$work/class.txt"
got=$(cat "$work/class.txt")
echo "simulated $state, classified as '${got}' (load: $(cut -d' ' -f1-3 /proc/loadavg))"
grep -E "PID|classify" "$work/top.txt" | tail -3 || true
awk -v parent="$sim_pid" '$2 == parent' "$work/top.txt" | awk '{print "  cpu% " $4 "  iops " $12 "  " $13}' | tail -16 | tr '\n' ' '
echo
if [ "$got" != "$state" ]; then
  # CPU shares are what the classifier reads: on a machine busier than its CPUs the simulated shares
  # are not what the profile asked for, and the verdict says nothing about the classifier.
  load=$(cut -d' ' -f1 /proc/loadavg)
  if awk -v l="$load" -v n="$(nproc)" 'BEGIN { exit !(l > n - 0.5) }'; then
    echo "SKIP: $state classified as '$got' with load $load on $(nproc) CPUs: too busy to judge"
    exit 77
  fi
  echo "FAIL: $state classified as '$got'"
  exit 1
fi
echo "PASS: $state"
