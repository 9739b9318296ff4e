"""Raw ctypes access to libsello.so for the ABI tests: every call goes through the C interface
exactly as a C program makes it (no binding in between)."""
from __future__ import annotations

import ctypes
import json
import os
import pathlib
from typing import Any, Callable, Iterator

ROOT = pathlib.Path(__file__).resolve().parents[2]
LIB_PATH = os.environ.get("SELLO_LIB", str(ROOT / ".build" / "release" / "libsello.so"))

lib = ctypes.CDLL(LIB_PATH)
lib.sello_free.argtypes = [ctypes.c_void_p]
lib.sello_free.restype = None
lib.sello_version.restype = ctypes.c_char_p
lib.sello_abi_version.restype = ctypes.c_int

PROGRESS_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64)
LOG_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p)


def take(pointer: int | None) -> dict[str, Any]:
    """Reads an owned result and frees it."""
    assert pointer, "the library returned NULL"
    try:
        return json.loads(ctypes.string_at(pointer).decode("utf-8"))
    finally:
        lib.sello_free(pointer)


def encode(request: Any) -> bytes | None:
    if request is None:
        return None
    if isinstance(request, bytes):
        return request
    if isinstance(request, str):
        return request.encode("utf-8")
    return json.dumps(request).encode("utf-8")


def call(name: str, request: Any) -> dict[str, Any]:
    """A function without a client: sello_check_rut, fes_check_request, cfdi_inspect_csd..."""
    function = getattr(lib, name)
    function.argtypes = [ctypes.c_char_p]
    function.restype = ctypes.c_void_p
    return take(function(encode(request)))


class Client:
    """A client handle of one service (prefix fes, fv or cfdi) with log and progress capture."""

    def __init__(self, prefix: str, config: Any) -> None:
        self.prefix = prefix
        new = getattr(lib, f"{prefix}_client_new")
        new.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
        new.restype = ctypes.c_void_p
        error = ctypes.c_void_p()
        self.handle = new(encode(config), ctypes.byref(error))
        self.error = take(error.value) if error.value else None
        self.logs: list[tuple[int, str]] = []
        self.progress: list[tuple[int, int]] = []
        self._log_fn = LOG_FN(lambda _ud, level, message: self.logs.append((level, message.decode("utf-8"))))
        self._progress_fn = PROGRESS_FN(lambda _ud, done, total: self.progress.append((done, total)))
        if self.handle:
            set_log = getattr(lib, f"{prefix}_client_set_log")
            set_log.argtypes = [ctypes.c_void_p, LOG_FN, ctypes.c_void_p, ctypes.c_int]
            set_log(self.handle, self._log_fn, None, 0)
            set_progress = getattr(lib, f"{prefix}_client_set_progress")
            set_progress.argtypes = [ctypes.c_void_p, PROGRESS_FN, ctypes.c_void_p]
            set_progress(self.handle, self._progress_fn, None)

    def call(self, operation: str, request: Any = None) -> dict[str, Any]:
        function = getattr(lib, f"{self.prefix}_{operation}")
        function.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        function.restype = ctypes.c_void_p
        return take(function(self.handle, encode({} if request is None else request)))

    def close(self) -> None:
        if self.handle:
            free = getattr(lib, f"{self.prefix}_client_free")
            free.argtypes = [ctypes.c_void_p]
            free(self.handle)
            self.handle = None

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def all_text(envelope: dict[str, Any]) -> Iterator[str]:
    """Every string in an envelope, for secret checks."""
    stack: list[Any] = [envelope]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str):
            yield value


def assert_no_secrets(secrets: list[str], envelopes: list[dict[str, Any]], logs: list[tuple[int, str]]) -> None:
    for secret in secrets:
        for envelope in envelopes:
            for text in all_text(envelope):
                assert secret not in text, f"secret leaked in an envelope: {text[:80]}"
        for _level, line in logs:
            assert secret not in line, f"secret leaked in a log line: {line}"
