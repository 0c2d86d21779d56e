#!/usr/bin/env bash
# Installs every Debian package picmon needs (build, cross build, tests, benchmarks, demo).
# Idempotent: enables arm64 multiarch and deb-src only when missing, runs apt-get update at most once,
# and does nothing at all when everything is present.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config file dpkg-dev
  musl-tools musl-dev musl-dev:arm64
  gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross
  qemu-user-static qemu-system-arm cpio
  libyaml-dev libprotobuf-c-dev protobuf-c-compiler libcmocka-dev libjsmn-dev
  clang clang-format clang-tidy cppcheck libclang-rt-14-dev
  etcd-server etcd-client
  procps python3-psutil htop rt-tests hyperfine valgrind strace tmux
)

if [ "$(id -u)" != 0 ]; then
  echo "setup.sh: must run as root (it installs Debian packages)" >&2
  exit 1
fi

need_update=0
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  dpkg --add-architecture arm64
  need_update=1
fi

# deb-src: apt-get source builds the musl sysroots from Debian's own sources.
if ! grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    sed -i 's/^Types: deb$/Types: deb deb-src/' /etc/apt/sources.list.d/debian.sources
  else
    echo 'deb-src http://deb.debian.org/debian bookworm main' > /etc/apt/sources.list.d/picmon-src.list
  fi
  need_update=1
fi

missing=()
for p in "${PACKAGES[@]}"; do
  st=$(dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | sort -u || true)
  [ "$st" = "install ok installed" ] || missing+=("$p")
done

# apt-get source needs the source index even when every binary package is present.
if ! ls /var/lib/apt/lists/*_source_Sources* >/dev/null 2>&1; then
  need_update=1
fi

if [ "${#missing[@]}" -eq 0 ] && [ "$need_update" -eq 0 ]; then
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
if [ "$need_update" -eq 1 ] || [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup.sh: installing ${missing[*]}" >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
