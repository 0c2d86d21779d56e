# VM payload: on a real ARM64 kernel (SCHED_FIFO and affinity really granted there, unlike under
# qemu-user), the aarch64 unit test binaries, then `picmon run` on cfg/demo with simulated Models
# (no etcd in the VM: journal only). Prints one PICMON-VM-RESULT line.
failed=0; ran=0
for t in /picmon/tests/test_*; do
  ran=$((ran + 1))
  if ! "$t" >/tmp/out 2>&1; then failed=$((failed + 1)); echo "PICMON-VM: FAILED $t"; tail -20 /tmp/out; fi
done
echo "PICMON-VM: $ran unit test binaries, $failed failed"
/picmon/picmon --version | sed 's/^/PICMON-VM: /'

demo_ok=1
if [ -x /picmon/picmon-simload ]; then
  export PICMON_SHM=/picmon-vm
  /picmon/picmon run -c /picmon/cfg/demo --journal /tmp/journal --summary-json /tmp/summary.json \
    --duration 8 >/tmp/run.out 2>/tmp/run.err &
  mon=$!
  sleep 1
  /picmon/picmon-simload --rt vision-system --period 10ms --deadline 8ms --exec 2ms --priority 80 --cpu 1 \
    --miss-every 100 --duration 5 --report-json /tmp/vision.json 2>/dev/null &
  sim=$!
  /picmon/picmon-simload --model web-server --state running --procs 1 --duration 6 >/dev/null 2>&1 &
  web=$!
  wait $sim; wait $web; wait $mon || demo_ok=0
  sed 's/^/PICMON-VM: /' /tmp/run.out | grep -E 'supervisor:|vision-system|web-server'
  grep -q '"granted":true' /tmp/summary.json || { echo "PICMON-VM: SCHED_FIFO/affinity not granted"; demo_ok=0; }
  # the monitor's counts of vision-system against the client's own
  mon_part=$(sed 's/.*"name":"vision-system"//' /tmp/summary.json)
  mon_jobs=$(echo "$mon_part" | grep -o '"jobs":[0-9]*' | head -1 | cut -d: -f2)
  mon_miss=$(echo "$mon_part" | grep -o '"deadlineMissCount":[0-9]*' | head -1 | cut -d: -f2)
  sim_jobs=$(grep -o '"jobs": *[0-9]*' /tmp/vision.json | head -1 | grep -o '[0-9]*$')
  sim_miss=$(grep -o '"observed": *{"misses": *[0-9]*' /tmp/vision.json | grep -o '[0-9]*$')
  echo "PICMON-VM: vision-system jobs monitor $mon_jobs / client $sim_jobs, misses monitor $mon_miss / client $sim_miss"
  [ -n "$mon_jobs" ] && [ "$mon_jobs" = "$sim_jobs" ] && [ "$mon_miss" = "$sim_miss" ] || demo_ok=0
fi

if [ "$failed" -eq 0 ] && [ "$ran" -gt 0 ] && [ "$demo_ok" = 1 ]; then
  echo "PICMON-VM-RESULT: PASS $ran test binaries and picmon run with SCHED_FIFO on $(uname -m)"
else
  echo "PICMON-VM-RESULT: FAIL ($failed of $ran test binaries failed, picmon run ok=$demo_ok)"
fi
