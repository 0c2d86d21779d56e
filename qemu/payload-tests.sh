# VM payload: the aarch64 unit tests on a real ARM64 kernel (SCHED_FIFO and affinity really granted
# there), then the image's identity. Prints one PICMON-VM-RESULT line.
failed=0; ran=0
for t in /picmon/tests/test_*; do
  ran=$((ran + 1))
  if ! "$t" >/tmp/out 2>&1; then failed=$((failed + 1)); echo "PICMON-VM: FAILED $t"; tail -20 /tmp/out; fi
done
/picmon/picmon --version | sed 's/^/PICMON-VM: /'
if [ "$failed" -eq 0 ] && [ "$ran" -gt 0 ]; then
  echo "PICMON-VM-RESULT: PASS $ran test binaries on $(uname -m)"
else
  echo "PICMON-VM-RESULT: FAIL $failed of $ran test binaries"
fi
