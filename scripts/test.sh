#!/usr/bin/env bash
# The README's test command: installs what is missing, builds and tests the host preset (sanitizers),
# checks format and cppcheck, builds both static musl targets, runs the whole aarch64 suite under
# qemu-user, checks the release binaries are truly static, and ends with ctest's summary lines.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT

step() { printf '\n=== %s\n' "$*"; }

step "setup (Debian packages)"
if [ "$(id -u)" = 0 ]; then
  scripts/setup.sh
else
  echo "not root: skipping scripts/setup.sh (run it as root once)"
fi

run_ctest() { # run_ctest PRESET [ctest args...]: runs ctest, keeps its summary lines for the end
  local preset=$1; shift
  local log
  log=$(mktemp)
  local rc=0
  ctest --preset "$preset" -j "$jobs" "$@" 2>&1 | tee "$log" || rc=$?
  { echo "[$preset]"; grep -E 'tests passed|tests failed|Total Test time' "$log"; } >> "$summary"
  rm -f "$log"
  return $rc
}

step "host: configure, build (ASan + UBSan)"
cmake --preset host >/dev/null
cmake --build --preset host -j "$jobs"

step "host: format-check and cppcheck"
cmake --build --preset host --target format-check
cmake --build --preset host --target cppcheck

step "host: ctest"
run_ctest host

if compgen -G 'tests/fuzz/fuzz_*.c' >/dev/null; then
  step "fuzz: libFuzzer + ASan + UBSan, ${PICMON_FUZZ_SECONDS:-10} s per target"
  cmake --preset fuzz -DPICMON_FUZZ_SECONDS="${PICMON_FUZZ_SECONDS:-10}" >/dev/null
  cmake --build --preset fuzz -j "$jobs"
  run_ctest fuzz -L fuzz
fi

for preset in x86_64-musl aarch64-musl; do
  step "$preset: configure (third-party sysroot built once per build tree), build"
  start=$(date +%s)
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "$preset built in $(( $(date +%s) - start )) s"
done

step "static checks of the release binaries"
for preset in x86_64-musl aarch64-musl; do
  for exe in build/$preset/app/picmon build/$preset/app/simload/picmon-simload; do
    [ -f "$exe" ] || continue
    if readelf -lW "$exe" | grep -q 'INTERP'; then
      echo "FAIL: $exe has a program interpreter"; exit 1
    fi
    if readelf -dW "$exe" 2>/dev/null | grep -q 'NEEDED'; then
      echo "FAIL: $exe has DT_NEEDED entries"; exit 1
    fi
    stripped=$(mktemp)
    strip_tool=strip
    [ "$preset" = aarch64-musl ] && strip_tool=aarch64-linux-gnu-strip
    "$strip_tool" -o "$stripped" "$exe"
    printf '%-44s static, no interpreter, no DT_NEEDED; stripped size %d bytes\n' "$exe" "$(stat -c %s "$stripped")"
    rm -f "$stripped"
  done
done
file build/aarch64-musl/app/picmon
qemu-aarch64-static build/aarch64-musl/app/picmon --version

step "aarch64-musl: ctest under qemu-aarch64-static"
run_ctest aarch64-musl

step "demo: a short run of the README's first command, its summary checked"
scripts/demo.sh --duration 10 --check

step "zero allocation after freeze: 60 s of the demo in the allocation-counting build (glibc malloc interposed)"
cmake --preset alloccount >/dev/null
cmake --build --preset alloccount -j "$jobs"
PICMON_DEMO_BUILD=build/alloccount scripts/demo.sh --duration 60 --check

step "aarch64-musl: the test binaries on a real ARM64 kernel (qemu-system-aarch64 VM, -smp 4 -nic none)"
qemu/vm-run.sh build/aarch64-musl qemu/payload-tests.sh 600

step "summary"
cat "$summary"
