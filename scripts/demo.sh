#!/usr/bin/env bash
# The README's first command: a whole simulated ECU. Installs what is missing (as root), builds the
# static image for this machine, starts a local etcd, runs `picmon run` on cfg/demo with the Models
# played by picmon-simload (vision-system misses a deadline now and then, web-server crashes once and
# is restarted by its recovery policy), shows a live status, then a summary. Leaves no process behind.
# Usage: scripts/demo.sh [--duration S] [--check]   (PICMON_DEMO_BUILD=DIR: use that build tree's binaries)   (--check: exit 1 unless every injected fault was
# counted and every journaled event reached etcd; CI runs it so)
set -euo pipefail
cd "$(dirname "$0")/.."
root_dir=$(pwd)
duration=30
check=0
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --check) check=1; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "demo.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
case "$duration" in ''|*[!0-9]*) echo "demo.sh: --duration takes whole seconds" >&2; exit 2 ;; esac
[ "$duration" -ge 8 ] || { echo "demo.sh: --duration must be at least 8 s" >&2; exit 2; }

if [ "$(id -u)" = 0 ]; then scripts/setup.sh; fi
case "$(uname -m)" in
  aarch64|arm64) preset=aarch64-musl ;;
  *) preset=x86_64-musl ;;
esac
if [ -n "${PICMON_DEMO_BUILD:-}" ]; then
  # another build tree (tests: the allocation-counting build); it must be built already
  bin="$(cd "$PICMON_DEMO_BUILD" && pwd)/app"
else
  echo "demo: building the static $preset image ..."
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$(nproc)" >/dev/null
  bin="$root_dir/build/$preset/app"
fi
picmon="$bin/picmon"
export PATH="$bin/simload:$bin:$PATH"
export PICMON_SHM="/picmon-demo-$$"

work=$(mktemp -d /tmp/picmon-demo.XXXXXX)
etcd_dir="$work/etcd"
harness="$root_dir/tests/integration/etcd/etcd_harness.sh"
sim_pids=()
mon_pid=""
cleaned=0
demo_processes() {
  local p
  for p in $(pgrep -f picmon-simload 2>/dev/null); do
    tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "PICMON_SHM=$PICMON_SHM" && echo "$p"
  done
  return 0
}
cleanup() {
  [ "$cleaned" = 1 ] && return
  cleaned=1
  [ -n "$mon_pid" ] && kill -TERM "$mon_pid" 2>/dev/null && wait "$mon_pid" 2>/dev/null || true
  # The recovery policy's restarts were started by the monitor: they are found by the segment name
  # this demo put in their environment, so that another demo on the machine is never touched.
  for signal in TERM KILL; do
    for p in $(demo_processes); do kill "-$signal" "$p" 2>/dev/null || true; done
    for p in "${sim_pids[@]}"; do wait "$p" 2>/dev/null || true; done
    for _ in $(seq 1 50); do [ -z "$(demo_processes)" ] && break; sleep 0.1; done
  done
  "$harness" stop "$etcd_dir" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'echo; echo "demo: interrupted, stopping"; cleanup; exit 130' INT TERM

echo "demo: starting etcd (data in $etcd_dir) ..."
urls=$("$harness" start "$etcd_dir")
echo "demo: etcd at $urls"

"$picmon" run -c cfg/demo --etcd "$urls" --journal "$work/journal" --summary-json "$work/summary.json" \
  --duration "$duration" --live 2>"$work/picmon.log" &
mon_pid=$!
for _ in $(seq 1 100); do [ -e "/dev/shm$PICMON_SHM" ] && break; sleep 0.05; done
[ -e "/dev/shm$PICMON_SHM" ] || { cat "$work/picmon.log"; echo "demo: the monitor did not start" >&2; exit 1; }

# The Models. vision-system ends 3 s before the monitor so that both count the same jobs.
crash_at=$((duration / 3))
picmon-simload --rt vision-system --period 10ms --deadline 8ms --exec 2ms --priority 80 --cpu 1 --miss-every 150 \
  --duration $((duration - 3)) --report-json "$work/vision-system.json" 2>"$work/vision-system.log" &
sim_pids+=($!)
picmon-simload --model web-server --state foreground_active --procs 1 --crash-after "$crash_at" \
  --log-dir "$work" 2>"$work/web-server.log" >/dev/null &
sim_pids+=($!)
picmon-simload --model data-pipeline --state running --procs 2 --log-dir "$work" \
  2>"$work/data-pipeline.log" >/dev/null &
sim_pids+=($!)
picmon-simload --model microservice-mix --mix diverse --procs 3 --log-dir "$work" \
  2>"$work/microservice-mix.log" >/dev/null &
sim_pids+=($!)
echo "demo: 4 Models running for ${duration} s (web-server crashes at ${crash_at} s); Ctrl-C stops early"

set +e
wait "$mon_pid"
mon_rc=$?
set -e
mon_pid=""
grep -E 'warning|error' "$work/picmon.log" | grep -v 'etcd: ' | sed 's/^/  /' || true
[ "$mon_rc" = 0 ] || { echo "demo: picmon run exited $mon_rc (log: $work/picmon.log)" >&2; exit 1; }

# Events in etcd, counted by etcd's own client: one key under .../events/ per journaled event.
in_etcd=$(ETCDCTL_API=3 etcdctl --endpoints="$urls" get --prefix /piccolo/monitoring/ --keys-only 2>/dev/null |
  grep -c '/events/' || true)
cleanup
left=$(demo_processes | wc -l)
for f in "$etcd_dir"/m*.pid; do kill -0 "$(cat "$f")" 2>/dev/null && left=$((left + 1)); done
set +e
python3 - "$work/summary.json" "$work/vision-system.json" "$in_etcd" "$check" "$left" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1])); vision = json.load(open(sys.argv[2]))
in_etcd = int(sys.argv[3]); check = sys.argv[4] == "1"; left = int(sys.argv[5])
models = {m["name"]: m for m in summary["models"]}
print("\n== demo summary")
print(f"{'MODEL':18} {'STATE':10} {'JOBS':>6} {'MISSES':>6} {'WORST RESP(ms)':>14} {'OVERRUNS':>8} {'RESTARTS':>8} {'CRASHES':>7}")
for name, m in models.items():
    sm = m["safetyMetrics"] or {}
    print(f"{name:18} {m['state']:10} {m['jobs']:6} {sm.get('deadlineMissCount', 0):6} "
          f"{sm.get('worstCaseResponseTime', 0.0):14.3f} {sm.get('budgetOverrunCount', 0):8} {m['restarts']:8} {m['crashes']:7}")
journal = summary["monitor"]["journal"]; etcd = summary["monitor"]["etcd"]
print(f"events journaled: {journal['eventsJournaled']}, events in etcd: {in_etcd}, "
      f"records still only in the journal: {etcd.get('remainingInJournal', 'n/a')}")
v = models["vision-system"]; w = models["web-server"]
checks = [
    (v["jobs"] == vision["jobs"], f"vision-system jobs: monitor {v['jobs']} = client {vision['jobs']}"),
    (v["safetyMetrics"]["deadlineMissCount"] == vision["observed"]["misses"],
     f"vision-system deadline misses: monitor {v['safetyMetrics']['deadlineMissCount']} = client {vision['observed']['misses']}"),
    (v["safetyMetrics"]["budgetOverrunCount"] == vision["observed"]["overruns"],
     f"vision-system budget overruns: monitor {v['safetyMetrics']['budgetOverrunCount']} = client {vision['observed']['overruns']}"),
    (vision["injected"]["misses"] >= 1, f"deadline misses injected: {vision['injected']['misses']}"),
    (w["crashes"] >= 1 and w["restarts"] >= 1, f"web-server crash counted ({w['crashes']}) and restarted ({w['restarts']})"),
    (journal["eventsJournaled"] == in_etcd, f"events journaled {journal['eventsJournaled']} = events in etcd {in_etcd}"),
]
checks.append((left == 0, f"processes left behind: {left}"))
allocs = summary["monitor"]["allocationsAfterFreeze"]
if allocs is not None:  # an allocation-counting build
    checks.append((allocs == 0, f"allocations after freeze: {allocs}"))
for ok, text in checks:
    print(("  ok    " if ok else "  FAIL  ") + text)
failed = [t for ok, t in checks if not ok]
sys.exit(1 if (check and failed) else 0)
PY
rc=$?
set -e
cat <<MSG

The journal is in $work/journal and etcd's data in $etcd_dir (etcd has been stopped).
  look at the journal:   $picmon journal dump $work/journal
  verify it:             $picmon journal verify $work/journal
  look at etcd's data:   etcd --data-dir $etcd_dir/m0.data --listen-client-urls http://127.0.0.1:23790 \\
                              --advertise-client-urls http://127.0.0.1:23790 &
                         $picmon get --prefix /piccolo/monitoring/model --endpoints http://127.0.0.1:23790
MSG
exit $rc
