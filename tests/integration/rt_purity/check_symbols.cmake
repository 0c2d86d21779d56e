# Fails when the rt library has an undefined reference to a forbidden libc function.
# Usage: cmake -DNM=<nm> -DLIB=<libpm_rt.a> -P check_symbols.cmake
execute_process(COMMAND ${NM} -u ${LIB} OUTPUT_VARIABLE undefined RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} -u ${LIB} failed (${rc})")
endif()
set(forbidden malloc calloc realloc free strdup strndup aligned_alloc posix_memalign memalign valloc
    open openat open64 read write close fopen fopen64 fclose fread fwrite fputs puts printf fprintf
    socket connect send recv clock_gettime gettimeofday time nanosleep clock_nanosleep usleep sleep
    ioctl syscall mmap munmap pthread_mutex_lock)
set(found "")
string(REPLACE "\n" ";" lines "${undefined}")
foreach(line ${lines})
  string(REGEX REPLACE "^.* U " "" sym "${line}")
  string(STRIP "${sym}" sym)
  string(REGEX REPLACE "@.*$" "" sym "${sym}")
  list(FIND forbidden "${sym}" idx)
  if(NOT idx EQUAL -1)
    list(APPEND found ${sym})
  endif()
endforeach()
if(found)
  list(REMOVE_DUPLICATES found)
  message(FATAL_ERROR "rt/ references forbidden functions: ${found}")
endif()
message(STATUS "rt/ references none of: ${forbidden}")
