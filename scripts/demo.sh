#!/usr/bin/env bash
# The README's first command. Until the simulated-ECU demo lands it installs what is missing, builds
# both static targets and prints their identity (the aarch64 one under qemu-user).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then scripts/setup.sh; fi
for preset in x86_64-musl aarch64-musl; do
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$(nproc)" >/dev/null
done
build/x86_64-musl/app/picmon --version
qemu-aarch64-static build/aarch64-musl/app/picmon --version
