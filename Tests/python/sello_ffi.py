"""Raw ctypes access to libsello.so for the ABI tests: every call goes through the C interface
exactly as a C program makes it (no binding in between)."""

from __future__ import annotations

import base64
import ctypes
import json
import os
import pathlib
import threading
import urllib.parse
from typing import Any, Iterator

ROOT = pathlib.Path(__file__).resolve().parents[2]
LIB_PATH = os.environ.get("SELLO_LIB", str(ROOT / ".build" / "release" / "libsello.so"))

lib = ctypes.CDLL(LIB_PATH)
lib.sello_free.argtypes = [ctypes.c_void_p]
lib.sello_free.restype = None
lib.sello_version.restype = ctypes.c_char_p
lib.sello_abi_version.restype = ctypes.c_int

PROGRESS_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64)
LOG_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p)


# -- capture: every envelope and log line, and every secret given to the library ------------------

# Members whose values are secrets (API.md §3): in configurations and requests, at any depth.
SECRET_NAMES = {
    "clave",
    "claveCertificado",
    "password",
    "new_password",
    "sPassword",
    "keyPass",
    "keyBase64",
    "token",
    "Authorization",
    "authorization",
}
# Shorter values are not checked: they would match innocent text ("c" as a test clave).
MIN_SECRET_LENGTH = 6


class Capture:
    """What the library returned and logged, and the secrets it was given, process-wide and
    thread-safe. conftest.py resets it before each test and scans it after (no secret may appear
    in an envelope or a log line)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.envelopes: list[dict[str, Any]] = []
        self.logs: list[tuple[int, str]] = []
        self.secrets: set[str] = set()

    def reset(self) -> None:
        with self._lock:
            self.envelopes, self.logs, self.secrets = [], [], set()

    def envelope(self, envelope: dict[str, Any]) -> None:
        with self._lock:
            self.envelopes.append(envelope)

    def log(self, level: int, line: str) -> None:
        with self._lock:
            self.logs.append((level, line))

    def secret(self, value: Any) -> None:
        """Registers a secret (and the forms it may travel in: JSON-escaped, percent-encoded)."""
        if not isinstance(value, str) or len(value) < MIN_SECRET_LENGTH:
            return
        forms = {
            value,
            json.dumps(value)[1:-1],
            urllib.parse.quote(value, safe=""),
            urllib.parse.quote_plus(value, safe=""),
        }
        with self._lock:
            self.secrets.update(f for f in forms if len(f) >= MIN_SECRET_LENGTH)

    def snapshot(self) -> tuple[list[dict[str, Any]], list[tuple[int, str]], set[str]]:
        with self._lock:
            return list(self.envelopes), list(self.logs), set(self.secrets)


CAPTURE = Capture()


def register_secrets(value: Any) -> None:
    """Finds the secrets in a configuration or a request (a dict, or JSON text): values of
    secret-named members; the HTTP Basic credentials a CFDI client will send; a proxy's password;
    the contents of a private key file named by key_path."""
    if isinstance(value, (bytes, str)):
        try:
            value = json.loads(value)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        if not isinstance(item, dict):
            continue
        for key, member in item.items():
            if key in SECRET_NAMES:
                CAPTURE.secret(member)
            stack.append(member)
        if isinstance(item.get("usuario"), str) and isinstance(item.get("password"), str):
            CAPTURE.secret(base64.b64encode(f"{item['usuario']}:{item['password']}".encode()).decode())
        if isinstance(item.get("proxy"), str):
            CAPTURE.secret(urllib.parse.urlsplit(item["proxy"]).password)
        if isinstance(item.get("key_path"), str):
            register_key_file(item["key_path"])


def register_key_file(path: str) -> None:
    """A private key file: its base64 and, for PEM, every line of its body."""
    try:
        data = pathlib.Path(path).read_bytes()[: 1 << 20]
    except OSError:
        return
    # Past the ASN.1 headers, which every key of a kind shares (a 4-aligned slice, as base64
    # of the whole file would show it).
    CAPTURE.secret(base64.b64encode(data).decode()[96:160])
    if b"-----BEGIN" in data:
        body = [line for line in data.decode("ascii", "replace").splitlines() if not line.startswith("-----")]
        for line in body[1:]:
            if len(line) >= 32:
                CAPTURE.secret(line)


def take(pointer: int | None) -> dict[str, Any]:
    """Reads an owned result and frees it (and records it in CAPTURE)."""
    assert pointer, "the library returned NULL"
    try:
        envelope = json.loads(ctypes.string_at(pointer).decode("utf-8"))
    finally:
        lib.sello_free(pointer)
    CAPTURE.envelope(envelope)
    return envelope


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
    register_secrets(request)
    return take(function(encode(request)))


class Client:
    """A client handle of one service (prefix fes, fv or cfdi) with log and progress capture."""

    def __init__(self, prefix: str, config: Any) -> None:
        self.prefix = prefix
        new = getattr(lib, f"{prefix}_client_new")
        new.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
        new.restype = ctypes.c_void_p
        register_secrets(config)
        error = ctypes.c_void_p()
        self.handle = new(encode(config), ctypes.byref(error))
        self.error = take(error.value) if error.value else None
        self.logs: list[tuple[int, str]] = []
        self.progress: list[tuple[int, int]] = []
        self._log_fn = LOG_FN(self._on_log)
        self._progress_fn = PROGRESS_FN(lambda _ud, done, total: self.progress.append((done, total)))
        if self.handle:
            set_log = getattr(lib, f"{prefix}_client_set_log")
            set_log.argtypes = [ctypes.c_void_p, LOG_FN, ctypes.c_void_p, ctypes.c_int]
            set_log(self.handle, self._log_fn, None, 0)
            set_progress = getattr(lib, f"{prefix}_client_set_progress")
            set_progress.argtypes = [ctypes.c_void_p, PROGRESS_FN, ctypes.c_void_p]
            set_progress(self.handle, self._progress_fn, None)

    def _on_log(self, _user_data: Any, level: int, message: bytes) -> None:
        line = message.decode("utf-8")
        self.logs.append((level, line))
        CAPTURE.log(level, line)

    def call(self, operation: str, request: Any = None) -> dict[str, Any]:
        function = getattr(lib, f"{self.prefix}_{operation}")
        function.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        function.restype = ctypes.c_void_p
        register_secrets(request)
        return take(function(self.handle, encode({} if request is None else request)))

    def cancel(self, call_id: str | None = None, handle: Any = "own") -> dict[str, Any]:
        """PREFIX_client_cancel(client, call_id): call_id None is C's NULL (every call)."""
        function = getattr(lib, f"{self.prefix}_client_cancel")
        function.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        function.restype = ctypes.c_void_p
        return take(
            function(self.handle if handle == "own" else handle, None if call_id is None else call_id.encode("utf-8"))
        )

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


def listed_problems(envelope: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, code) of each of an error's `details.problems`, after checking what every such list
    holds: nothing was sent, the first problem is the error itself, each has a message."""
    assert envelope["ok"] is False, envelope
    error = envelope["error"]
    assert envelope["meta"]["attempts"] == 0
    listed = error["details"]["problems"]
    first = listed[0]
    assert (first["field"], first["code"], first["service_code"]) == (
        error["field"],
        error["code"],
        error["service_code"],
    )
    assert all(p["message"] for p in listed)
    return [(p["field"], p["code"]) for p in listed]


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


def find_leaks(secrets: set[str], envelopes: list[dict[str, Any]], logs: list[tuple[int, str]]) -> list[str]:
    """Every (secret, where) pair found: a secret inside any string of an envelope or a log line."""
    leaks = []
    ordered = sorted(secrets, key=len, reverse=True)
    for envelope in envelopes:
        for text in all_text(envelope):
            for secret in ordered:
                if secret in text:
                    leaks.append(
                        f"{secret[:4]}… in an envelope ({envelope.get('meta', {}).get('operation')}): {text[:160]!r}"
                    )
    for _level, line in logs:
        for secret in ordered:
            if secret in line:
                leaks.append(f"{secret[:4]}… in a log line: {line[:160]!r}")
    return leaks
