"""libsello stays loaded once a process has loaded it: dlclose() leaves it mapped (it is linked
with -z nodelete, Package.swift). PHP's FFI::cdef() fallback (ffi.enable=true without preloading)
opens and closes the library on every request under PHP-FPM; the Swift runtime linked into it
cannot be unloaded cleanly, and every reload leaked some 7 kB (a worker grew 32 -> 54 MB over
3,000 requests), while a library kept loaded stayed flat."""

from __future__ import annotations

import os
import subprocess
import sys

PROGRAM = r"""
import ctypes, os, sys
libc = ctypes.CDLL(None)
libc.dlopen.restype = ctypes.c_void_p
libc.dlopen.argtypes = [ctypes.c_char_p, ctypes.c_int]
libc.dlclose.argtypes = [ctypes.c_void_p]
libc.dlsym.restype = ctypes.c_void_p
libc.dlsym.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
real = os.path.realpath(sys.argv[1])
def mapped():
    with open("/proc/self/maps") as maps:
        return any(real in line for line in maps)
assert not mapped(), "loaded before the test began"
handle = libc.dlopen(real.encode(), 2)  # RTLD_NOW
assert handle and libc.dlsym(handle, b"sello_abi_version"), "not libsello"
assert libc.dlclose(handle) == 0
print("mapped" if mapped() else "unmapped")
"""


def test_dlclose_leaves_the_library_loaded() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, os.environ["SELLO_LIB"]], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "mapped"
