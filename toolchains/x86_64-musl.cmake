# Toolchain: x86_64 Linux, musl libc through Debian's musl-gcc wrapper, fully static.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER musl-gcc)
set(PICMON_TARGET_TRIPLE x86_64-linux-musl)
set(PICMON_MUSL ON)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
