#!/usr/bin/env bash
# Integration tests of `picmon run` with real processes: picmon-simload --rt plays a time-critical
# Model through the client library and injects faults; the monitor's summary must equal what the
# client observed itself (deadline misses, budget overruns, jobs) and detect within one tick.
# Usage: run_it.sh PICMON SIMLOAD CASE   (CASE: faults | crash | hang | degraded | estimated | etcd-stall)
set -euo pipefail
picmon=$1; simload=$2; case=$3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
export PICMON_SHM="/picmon-it-$$"
export PATH="$(dirname "$simload"):$PATH"
mon_pid=""
cleanup() {
  [ -n "$mon_pid" ] && kill -9 "$mon_pid" 2>/dev/null || true
  # simulators end by themselves (--duration; the crash case's restart runs 3 s): nothing is killed
  # by name, so a second copy of this test on the machine is never touched
  [ -d "$work/etcd" ] && "$here/../etcd/etcd_harness.sh" stop "$work/etcd" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

wrap=()
# degraded: the kernel refuses SCHED_FIFO (no CAP_SYS_NICE); the monitor must say so once and go on.
[ "$case" = degraded ] && wrap=(setpriv --inh-caps=-sys_nice --bounding-set=-sys_nice)
etcd_args=()
harness="$here/../etcd/etcd_harness.sh"
if [ "$case" = etcd-stall ]; then
  urls=$("$harness" start "$work/etcd")
  etcd_args=(--etcd "$urls")
fi
"${wrap[@]}" "$picmon" run -c "$here/cfg/probe.yaml" "${etcd_args[@]}" --flush-grace 1 --journal "$work/journal" --summary-json "$work/summary.json" \
  --duration 60 >"$work/run.out" 2>"$work/run.err" &
mon_pid=$!
# the monitor creates the segment at init; wait for it (bounded)
for _ in $(seq 1 100); do [ -e "/dev/shm${PICMON_SHM}" ] && break; sleep 0.05; done
[ -e "/dev/shm${PICMON_SHM}" ] || { cat "$work/run.err"; echo "FAIL: no segment"; exit 1; }

case "$case" in
  faults)
    "$simload" --rt rt-probe --period 10ms --deadline 8ms --exec 2ms --priority 70 --cpu 1 \
      --miss-every 20 --overrun-every 30 --duration 6 --report-json "$work/report.json" 2>"$work/sim.err"
    sleep 0.3 ;;
  crash)
    # crashes after 2 s; the recovery policy restarts it (3 s run, no fault)
    "$simload" --rt rt-probe --period 10ms --deadline 8ms --exec 2ms --crash-after 2 \
      --report-json "$work/report.json" 2>"$work/sim.err" || true
    sleep 5 ;;
  estimated)
    "$simload" --rt est-probe --model est-probe --period 20ms --deadline 20ms --exec 2ms --priority 0 \
      --duration 4 --report-json "$work/report.json" 2>"$work/sim.err"
    sleep 0.3 ;;
  etcd-stall)
    # etcd stops answering for 5 s while a 10 ms Model runs: the journal keeps everything, the
    # supervisor's timing is not disturbed, and etcd gets every event once it is back.
    "$simload" --rt rt-probe --period 10ms --deadline 8ms --exec 2ms --priority 70 --cpu 1 --duration 9 \
      --report-json "$work/report.json" 2>"$work/sim.err" &
    sim=$!
    sleep 2
    kill -STOP "$(cat "$work/etcd/m0.pid")"
    sleep 5
    kill -CONT "$(cat "$work/etcd/m0.pid")"
    wait "$sim"
    sleep 1 ;;
  degraded)
    "$simload" --rt rt-probe --period 10ms --deadline 8ms --exec 2ms --duration 3 \
      --report-json "$work/report.json" 2>"$work/sim.err"
    sleep 0.3 ;;
  hang)
    "$simload" --rt rt-probe --period 10ms --deadline 8ms --exec 2ms --hang-after 2 --duration 4 \
      --report-json "$work/report.json" 2>"$work/sim.err" || true
    sleep 0.5 ;;
esac
kill -TERM "$mon_pid"
wait "$mon_pid" || { echo "FAIL: picmon run exited $?"; cat "$work/run.err"; exit 1; }
mon_pid=""
cat "$work/run.out"
if [ "$case" = degraded ]; then
  n=$(grep -c 'running degraded' "$work/run.err" || true)
  echo "degraded warnings on stderr: $n"
  [ "$n" = 1 ] || { echo "FAIL: expected exactly one degraded warning"; cat "$work/run.err"; exit 1; }
fi
if [ "$case" = etcd-stall ]; then
  in_etcd=$(ETCDCTL_API=3 etcdctl --endpoints="$urls" get --prefix /piccolo/monitoring/ --keys-only 2>/dev/null |
    grep -c '/events/' || true)
  echo "$in_etcd" >"$work/in_etcd"
fi
python3 "$here/check_summary.py" "$case" "$work/summary.json" "$work/report.json" "$work/in_etcd"
