"""Loading libsello.so and declaring its C functions (ctypes).

The library is found, in this order:

1. the ``SELLO_LIB`` environment variable (a path to the ``.so``); when it is set and cannot be
   loaded, that is an error: an explicit choice never silently falls back to another library;
2. the package folder: ``libsello.so`` next to this file (a wheel that bundles the library);
3. the system: ``ctypes.util.find_library("sello")`` (ldconfig's cache, e.g. after installing the
   libsello0 .deb, or the C tarball in /usr/local and ``ldconfig``), then ``dlopen("libsello.so")``
   (which honours ``LD_LIBRARY_PATH``).

A library whose ``sello_abi_version()`` is not :data:`ABI_VERSION` is refused.

Every owned result (``char *``) is declared ``c_void_p`` — never ``c_char_p``, which would copy it
into ``bytes`` and lose the pointer — read with ``ctypes.string_at`` and released with
``sello_free`` in ``finally``. ``ctypes.CDLL`` releases the GIL during each call.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import json.scanner
import os
import threading
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from . import _abi

#: The ABI version this binding was written for (SELLO_ABI_VERSION of include/sello.h, through the
#: generated _abi module).
ABI_VERSION = _abi.ABI_VERSION

#: void (*sello_progress_fn)(void *user_data, int64_t done_bytes, int64_t total_bytes)
PROGRESS_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64)
#: void (*sello_log_fn)(void *user_data, int level, const char *message)
LOG_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p)

# Every function of include/sello.h by the shape of its prototype (the header is the one list:
# _abi is generated from it). sello_version, sello_abi_version and sello_free are declared below.
# char *NAME(const char *request_json): no client.
HELPER_FUNCTIONS = _abi.HELPER_FUNCTIONS
# char *NAME(PREFIX_client *client, const char *request_json).
OPERATION_FUNCTIONS = tuple(name for table in _abi.OPERATIONS.values() for name in table.values())


def _lifecycle(kind: str) -> Tuple[str, ...]:
    return tuple(_abi.CLIENT_FUNCTIONS[service][kind] for service in _abi.SERVICES)


# PREFIX_client *PREFIX_client_new(const char *config_json, char **error_json)
CLIENT_NEW_FUNCTIONS = _lifecycle("client_new")
# void PREFIX_client_free(PREFIX_client *client)
CLIENT_FREE_FUNCTIONS = _lifecycle("client_free")
# void PREFIX_client_set_progress(PREFIX_client *, sello_progress_fn, void *user_data)
SET_PROGRESS_FUNCTIONS = _lifecycle("set_progress")
# void PREFIX_client_set_log(PREFIX_client *, sello_log_fn, void *user_data, int min_level)
SET_LOG_FUNCTIONS = _lifecycle("set_log")
# char *PREFIX_client_cancel(PREFIX_client *, const char *call_id)
CANCEL_FUNCTIONS = _lifecycle("cancel")


class LibraryError(RuntimeError):
    """libsello.so could not be found or loaded, or it is not a library this binding can use."""


class AbiVersionError(LibraryError):
    """The library's sello_abi_version() is not the one this binding was written for."""

    def __init__(self, message: str, found: int, path: str) -> None:
        super().__init__(message)
        self.found = found
        self.path = path


class Library:
    """One loaded libsello.so with every function of include/sello.h declared."""

    def __init__(self, cdll: ctypes.CDLL, path: str) -> None:
        self.cdll = cdll
        self.path = path
        try:
            self._declare()
        except AttributeError as exc:
            raise LibraryError(f"{path} is not a complete libsello (missing symbol: {exc})") from None

    def _declare(self) -> None:
        lib = self.cdll
        lib.sello_version.argtypes = []
        lib.sello_version.restype = ctypes.c_char_p  # static storage: not freed
        lib.sello_abi_version.argtypes = []
        lib.sello_abi_version.restype = ctypes.c_int
        lib.sello_free.argtypes = [ctypes.c_void_p]
        lib.sello_free.restype = None
        for name in HELPER_FUNCTIONS:
            function = getattr(lib, name)
            function.argtypes = [ctypes.c_char_p]
            function.restype = ctypes.c_void_p  # owned: c_void_p, never c_char_p
        for name in OPERATION_FUNCTIONS + CANCEL_FUNCTIONS:
            function = getattr(lib, name)
            function.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
            function.restype = ctypes.c_void_p
        for name in CLIENT_NEW_FUNCTIONS:
            function = getattr(lib, name)
            function.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
            function.restype = ctypes.c_void_p
        for name in CLIENT_FREE_FUNCTIONS:
            function = getattr(lib, name)
            function.argtypes = [ctypes.c_void_p]
            function.restype = None
        for name in SET_PROGRESS_FUNCTIONS:
            function = getattr(lib, name)
            function.argtypes = [ctypes.c_void_p, PROGRESS_FN, ctypes.c_void_p]
            function.restype = None
        for name in SET_LOG_FUNCTIONS:
            function = getattr(lib, name)
            function.argtypes = [ctypes.c_void_p, LOG_FN, ctypes.c_void_p, ctypes.c_int]
            function.restype = None

    def function(self, name: str) -> Any:
        return getattr(self.cdll, name)

    def version(self) -> str:
        return (self.cdll.sello_version() or b"").decode("utf-8")

    def abi_version(self) -> int:
        return int(self.cdll.sello_abi_version())

    def take(self, pointer: Optional[int]) -> Dict[str, Any]:
        """Reads an owned envelope and frees it (also when it is not valid JSON)."""
        if not pointer:
            raise MemoryError("libsello returned NULL: it could not allocate the result")
        try:
            raw = ctypes.string_at(pointer)
        finally:
            self.cdll.sello_free(pointer)
        envelope = _decode(raw.decode("utf-8"))
        if not isinstance(envelope, dict):
            raise LibraryError("libsello returned something that is not an envelope")
        return envelope

    def call_helper(self, name: str, request: bytes) -> Dict[str, Any]:
        function = self.function(name)
        return self.take(function(request))


#: What json.loads scans with, made once: it reads an envelope (compact JSON, one object from its
#: first byte to its last) without json.loads's three Python frames and two regular-expression
#: matches (issue 13: some 8,000 instructions a call). typeshed types the C scanner's argument oddly.
_scan = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]


def _decode(text: str) -> Any:
    """json.loads(text): the same value, or the same error from json.loads itself when the text is
    not one JSON value without surrounding whitespace."""
    try:
        value, end = _scan(text, 0)
    except StopIteration:  # not a value at 0 (whitespace, empty): json.loads says why
        end = -1
    if end != len(text):
        return json.loads(text)
    return value


def package_library_path() -> Path:
    """Where a bundled libsello.so would be: the package folder."""
    return Path(__file__).resolve().parent / "libsello.so"


def _open(path: str) -> ctypes.CDLL:
    return ctypes.CDLL(path)


def open_library(path: Optional[str] = None) -> Library:
    """Finds, loads and checks libsello.so (see the module documentation for the order)."""
    tried: List[str] = []
    if path is not None:
        return _checked(_load_or_fail(path, "explicit path"), path)
    env_path = os.environ.get("SELLO_LIB")
    if env_path:
        # An explicit choice: a failure here is reported, not papered over by another library.
        return _checked(_load_or_fail(env_path, "SELLO_LIB"), env_path)
    tried.append("SELLO_LIB: not set")
    bundled = package_library_path()
    if bundled.exists():
        return _checked(_load_or_fail(str(bundled), "package folder"), str(bundled))
    tried.append(f"package folder: {bundled} does not exist")
    found = ctypes.util.find_library("sello")
    if not found:
        tried.append('system: ctypes.util.find_library("sello") found nothing')
    for name in ([found] if found else []) + ["libsello.so"]:
        try:
            cdll = _open(name)
        except OSError as exc:
            tried.append(f"system: {name}: {exc}")
            continue
        return _checked(cdll, _loaded_path(cdll, name))
    raise LibraryError(
        "libsello.so was not found. Looked in, in order: (1) the SELLO_LIB environment variable, "
        "(2) the package folder, (3) the system library path. Details: "
        + "; ".join(tried)
        + ". Set SELLO_LIB=/path/to/libsello.so; or install the wheel from `make dist`"
        " (libsello-V-py3-none-manylinux_*.whl), which carries the library; or install it on the system:"
        " the libsello0 .deb or the C tarball from `make dist` (or `make install` in a sello checkout)."
    )


def _load_or_fail(path: str, where: str) -> ctypes.CDLL:
    if "/" in path:  # a path, not a name for the loader's search: say plainly what is wrong with it
        problem = ""
        if os.path.isdir(path):
            problem = "it is a directory, not the libsello.so file in it"
        elif not os.path.exists(path):
            problem = "the file does not exist"
        elif not os.access(path, os.R_OK):
            problem = "this user cannot read it: check its mode"
        if problem:
            raise LibraryError(f"cannot load libsello from {where} ({path}): {problem}")
    try:
        return _open(path)
    except OSError as exc:
        hint = ""
        if "/" in path and "cannot open shared object file" in str(exc):
            hint = (
                f". A library it depends on is missing: run `ldd {path}` to see which (the wheel's and the"
                " sello-php zip's copies need their libsello.libs/ folder; a system copy needs libcurl, OpenSSL 3"
                " and libxml2)"
            )
        raise LibraryError(f"cannot load libsello from {where} ({path}): {exc}{hint}") from None


def _loaded_path(cdll: ctypes.CDLL, fallback: str) -> str:
    """The file the dynamic loader actually opened (from /proc/self/maps), for diagnostics."""
    try:
        address = ctypes.cast(cdll.sello_abi_version, ctypes.c_void_p).value or 0
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                parts = line.split()
                if len(parts) >= 6:
                    low, high = (int(x, 16) for x in parts[0].split("-"))
                    if low <= address < high:
                        return parts[5]
    except (OSError, ValueError, AttributeError):
        pass
    return fallback


def _checked(cdll: ctypes.CDLL, path: str) -> Library:
    try:
        abi = cdll.sello_abi_version
    except AttributeError:
        raise LibraryError(f"{path} is not libsello: it has no sello_abi_version()") from None
    abi.argtypes = []
    abi.restype = ctypes.c_int
    found = int(abi())
    if found != ABI_VERSION:
        raise AbiVersionError(
            f"{path} has ABI version {found}, but this binding (sello {_abi.VERSION}) knows only ABI version "
            f"{ABI_VERSION}: install the matching libsello or the matching binding",
            found,
            path,
        )
    return Library(cdll, path)


_loaded: Optional[Library] = None
_lock = threading.Lock()


def get() -> Library:
    """The process-wide library, loaded on first use."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = open_library()
    return _loaded


def load(path: Optional[str] = None) -> Library:
    """Loads the library now (optionally from an explicit path) and makes it the process-wide one.

    Raises LibraryError if another library was already loaded from a different path.
    """
    global _loaded
    with _lock:
        if _loaded is not None:
            if path is not None and os.path.realpath(path) != os.path.realpath(_loaded.path):
                raise LibraryError(f"libsello is already loaded from {_loaded.path}")
            return _loaded
        _loaded = open_library(path)
        return _loaded
