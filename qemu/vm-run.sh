#!/usr/bin/env bash
# Boots an ARM64 VM under qemu-system-aarch64 (Debian's arm64 kernel, -smp 4 -nic none) with an
# initramfs holding the static aarch64 picmon image, its test binaries and configs, runs a payload
# script as root on a real ARM64 kernel (SCHED_FIFO, affinity, shm, /proc), and judges the run by the
# result line the payload prints, not by qemu's exit code.
# Usage: qemu/vm-run.sh BUILD_DIR PAYLOAD_SCRIPT [TIMEOUT_S]
set -euo pipefail
build=$(cd "$1" && pwd); payload=$2; timeout_s=${3:-600}
here=$(cd "$(dirname "$0")" && pwd); src=$(cd "$here/.." && pwd)
KERNEL_PKG=linux-image-6.1.0-56-arm64
cache="$build/vm-cache"
mkdir -p "$cache"

if [ ! -f "$cache/vmlinuz" ] || [ ! -x "$cache/busybox/bin/busybox" ]; then
  work=$(mktemp -d)
  (cd "$work" && apt-get download -qq "$KERNEL_PKG:arm64" busybox-static:arm64 2>/dev/null) || {
    echo "vm-run: apt-get download of $KERNEL_PKG/busybox-static (arm64) failed (scripts/setup.sh enables arm64)" >&2
    exit 1
  }
  dpkg-deb -x "$work"/linux-image-*.deb "$work/kernel"
  cp "$work"/kernel/boot/vmlinuz-* "$cache/vmlinuz"
  rm -rf "$cache/busybox" && dpkg-deb -x "$work"/busybox-static_*.deb "$cache/busybox"
  rm -rf "$work"
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
chmod 0755 "$root" # the VM's "/": mktemp's 0700 would shut every user but root out of it
# /tmp lives in the initramfs (RAM already): a tmpfs mounted over it would hide a source tree, and
# with it the test fixtures, checked out under /tmp.
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,run,picmon/tests,picmon/cfg}
chmod 1777 "$root/tmp"
cp "$cache/busybox/bin/busybox" "$root/bin/busybox"
cp "$build/app/picmon" "$root/picmon/"
[ -f "$build/app/simload/picmon-simload" ] && cp "$build/app/simload/picmon-simload" "$root/picmon/"
find "$build/tests" -maxdepth 1 -type f -name 'test_*' -perm -u+x -exec cp {} "$root/picmon/tests/" \;
cp -r "$src/cfg/." "$root/picmon/cfg/" 2>/dev/null || true
# Tests find their fixtures through the source path compiled into them: replicate it.
mkdir -p "$root$src/tests"
cp -r "$src/tests/fixtures" "$root$src/tests/"
cp -r "$src/cfg" "$root$src/"
cp "$payload" "$root/picmon/payload.sh"
cat > "$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/shm && mount -t tmpfs shm /dev/shm
mkdir -p /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null
export PATH=/picmon:/bin HOME=/tmp TMPDIR=/tmp
cd /picmon
echo "PICMON-VM: kernel $(uname -r) $(uname -m), $(nproc) CPUs"
sh /picmon/payload.sh
echo "PICMON-VM: payload exit $?"
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$build/vm-initrd.gz"

log="$build/vm-console.log"
set +e
timeout "$timeout_s" qemu-system-aarch64 -M virt -cpu max -smp 4 -m 1024 -nic none -nographic -no-reboot \
  -kernel "$cache/vmlinuz" -initrd "$build/vm-initrd.gz" \
  -append "console=ttyAMA0 rdinit=/init panic=-1 quiet loglevel=3" </dev/null >"$log" 2>&1
qemu_rc=$?
set -e
grep -a '^PICMON-VM' "$log" || true
if grep -aq '^PICMON-VM-RESULT: PASS' "$log"; then
  exit 0
fi
echo "vm-run: no PASS result line (qemu exit $qemu_rc); console log: $log" >&2
tail -n 40 "$log" >&2
exit 1
