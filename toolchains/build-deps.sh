#!/usr/bin/env bash
# Builds the third-party libraries of a musl target (libyaml, protobuf-c runtime, cmocka, jsmn) from
# Debian bookworm's source packages with the target's own compiler into a sysroot, once per build tree.
# Usage: build-deps.sh SYSROOT TOOLCHAIN_FILE CC [CFLAGS...]
set -euo pipefail

sysroot=$1; toolchain=$2; cc=$3; shift 3
extra_cflags=("$@")

# Pinned source versions: a different version in the archive is an error, not a silent upgrade.
declare -A PIN=([libyaml]=0.2.5-1 [protobuf-c]=1.4.1-1 [cmocka]=1.1.5-2.1 [jsmn]=1.1.0-2)
stamp_text="libyaml=${PIN[libyaml]} protobuf-c=${PIN[protobuf-c]} cmocka=${PIN[cmocka]} jsmn=${PIN[jsmn]} cc=$cc ${extra_cflags[*]}"
stamp="$sysroot/.picmon-deps-stamp"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$stamp_text" ]; then
  exit 0
fi

here=$(cd "$(dirname "$0")" && pwd)
src_cache=${PICMON_DEPS_SRC:-$sysroot/../deps-src}
mkdir -p "$src_cache" "$sysroot/include" "$sysroot/lib"
src_cache=$(cd "$src_cache" && pwd)
sysroot=$(cd "$sysroot" && pwd)
build="$sysroot/../deps-build"
rm -rf "$build" && mkdir -p "$build"

fetch() { # fetch SOURCE_PACKAGE -> prints the unpacked directory
  local pkg=$1 ver=${PIN[$1]} upstream dir
  upstream=${ver%-*}
  dir="$src_cache/$pkg-$upstream"
  if [ ! -d "$dir" ]; then
    (cd "$src_cache" && apt-get source -qq "$pkg=$ver" >/dev/null 2>"$src_cache/$pkg.log") || {
      echo "build-deps: apt-get source $pkg=$ver failed (see $src_cache/$pkg.log; run scripts/setup.sh)" >&2
      exit 1
    }
  fi
  [ -d "$dir" ] || { echo "build-deps: $dir missing after apt-get source" >&2; exit 1; }
  local got
  got=$(dpkg-parsechangelog -l "$dir/debian/changelog" -S Version)
  [ "$got" = "$ver" ] || { echo "build-deps: $pkg is $got, pinned $ver" >&2; exit 1; }
  echo "$dir"
}

cflags=(-O2 -fno-strict-aliasing -w "${extra_cflags[@]}")
ar=${cc%gcc}ar
case "$cc" in musl-gcc) ar=ar ;; esac
command -v "$ar" >/dev/null || ar=ar

# libyaml: plain C sources; the version macros normally come from its configure script.
d=$(fetch libyaml)
mkdir -p "$build/yaml"
for f in "$d"/src/*.c; do
  "$cc" "${cflags[@]}" -I"$d/include" -I"$d/src" -DYAML_VERSION_MAJOR=0 -DYAML_VERSION_MINOR=2 \
    -DYAML_VERSION_PATCH=5 '-DYAML_VERSION_STRING="0.2.5"' -c "$f" -o "$build/yaml/$(basename "$f" .c).o"
done
"$ar" rcs "$sysroot/lib/libyaml.a" "$build"/yaml/*.o
cp "$d/include/yaml.h" "$sysroot/include/"

# protobuf-c: the runtime library only (protoc-c comes from Debian's protobuf-c-compiler on the host).
d=$(fetch protobuf-c)
mkdir -p "$sysroot/include/protobuf-c"
"$cc" "${cflags[@]}" -I"$d" -c "$d/protobuf-c/protobuf-c.c" -o "$build/protobuf-c.o"
"$ar" rcs "$sysroot/lib/libprotobuf-c.a" "$build/protobuf-c.o"
cp "$d/protobuf-c/protobuf-c.h" "$sysroot/include/protobuf-c/"

# cmocka: its own CMake build with our toolchain; musl lacks the glibc guard macro for uintptr_t.
d=$(fetch cmocka)
cmake -S "$d" -B "$build/cmocka" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_FLAGS="-D_UINTPTR_T_DEFINED ${extra_cflags[*]}" -DWITH_STATIC_LIB=ON -DWITH_EXAMPLES=OFF \
  -DUNIT_TESTING=OFF -DPICMON_DEPS_BUILD=ON -DCMAKE_INSTALL_PREFIX="$sysroot" >"$build/cmocka.log" 2>&1 ||
  { cat "$build/cmocka.log" >&2; exit 1; }
cmake --build "$build/cmocka" >>"$build/cmocka.log" 2>&1 || { cat "$build/cmocka.log" >&2; exit 1; }
cp "$d/include/cmocka.h" "$sysroot/include/"
find "$build/cmocka" -name 'libcmocka-static.a' -exec cp {} "$sysroot/lib/" \;
[ -f "$sysroot/lib/libcmocka-static.a" ] || { echo "build-deps: libcmocka-static.a not built" >&2; exit 1; }

# jsmn: header only and architecture-independent, so Debian's libjsmn-dev header is the source package's
# file as is (the archive's jsmn debian tarball is not always fetchable); its version is checked all the same.
jsmn_ver=$(dpkg-query -W -f='${Version}' libjsmn-dev 2>/dev/null || true)
[ "$jsmn_ver" = "${PIN[jsmn]}" ] || { echo "build-deps: libjsmn-dev is '$jsmn_ver', pinned ${PIN[jsmn]}" >&2; exit 1; }
cp /usr/include/jsmn.h "$sysroot/include/"

# Linux UAPI headers (perf_event, sched) are not part of musl; take them from Debian's linux-libc-dev.
case "$cc" in
  aarch64*) uapi=/usr/aarch64-linux-gnu/include ;;
  *) uapi=/usr/include; asmdir=/usr/include/x86_64-linux-gnu/asm ;;
esac
cp -r "$uapi/linux" "$uapi/asm-generic" "$sysroot/include/"
if [ -n "${asmdir:-}" ]; then cp -r "$asmdir" "$sysroot/include/asm"; else cp -r "$uapi/asm" "$sysroot/include/"; fi

rm -rf "$build"
echo "$stamp_text" > "$stamp"
echo "build-deps: sysroot ready in $sysroot" >&2
