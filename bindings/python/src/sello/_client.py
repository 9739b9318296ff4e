"""What the three clients share: the handle, the callbacks, the calls."""
from __future__ import annotations

import ctypes
import importlib
import json
import logging
import os
import threading
from typing import Any, Callable, ClassVar, Dict, List, Mapping, Optional

from . import _lib
from .errors import error_from_envelope, local_error
from .result import Result

__all__ = ["ProgressCallback", "LogCallback", "LOG_DEBUG", "LOG_INFO", "LOG_WARNING", "LOG_ERROR"]

#: Log levels (SELLO_LOG_* in include/sello.h).
LOG_DEBUG = 0
LOG_INFO = 1
LOG_WARNING = 2
LOG_ERROR = 3

#: on_progress(done_bytes, total_bytes); total_bytes is -1 when unknown.
ProgressCallback = Callable[[int, int], None]
#: on_log(level, message); message has its secrets redacted.
LogCallback = Callable[[int, str], None]

_logger = logging.getLogger("sello")


def encode(request: Mapping[str, Any]) -> bytes:
    """A request as UTF-8 JSON; top-level None values are left out (the library's default)."""
    body = {key: _plain(value) for key, value in request.items() if value is not None}
    return json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


_SCALARS = frozenset((str, int, float, bool))


def _plain(value: Any) -> Any:
    # Most fields are plain scalars: skip the ABC checks below (os.PathLike and Mapping cost
    # about 1 µs each), which made encode() some 15 µs of every call.
    if type(value) in _SCALARS:
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def finish(envelope: Dict[str, Any]) -> Result:
    if envelope.get("ok") is True:
        return Result(envelope)
    raise error_from_envelope(envelope)


def call_helper(function_name: str, request: Mapping[str, Any]) -> Result:
    """A function without a client (sello_check_rut, fes_check_request, cfdi_inspect_csd...)."""
    lib = _lib.get()
    payload = encode(request)
    return finish(lib.call_helper(function_name, payload))


class Client:
    """Base of FES, FirmaVirtual and CFDI: owns one client handle.

    Use it as a context manager, or call close(); the handle is also freed when the object is
    garbage-collected. Calls may be made from many threads at once; close() waits for calls in
    flight (the C library forbids freeing a client during a call).
    """

    _service: ClassVar[str] = ""
    _new_name: ClassVar[str] = ""
    _free_name: ClassVar[str] = ""
    _set_progress_name: ClassVar[str] = ""
    _set_log_name: ClassVar[str] = ""
    #: Operation name (as in call()) -> C function.
    _operations: ClassVar[Dict[str, str]] = {}

    def __init__(self, config: Mapping[str, Any], on_progress: Optional[ProgressCallback] = None,
                 on_log: Optional[LogCallback] = None, log_level: int = LOG_INFO) -> None:
        self._handle: Optional[int] = None
        self._lock = threading.Condition()
        self._in_flight = 0
        self._progress_ref: Any = None
        self._log_ref: Any = None
        self._retired: List[Any] = []  # replaced callbacks stay alive until close()
        self._lib = _lib.get()
        error = ctypes.c_void_p()
        handle = self._lib.function(self._new_name)(encode(config), ctypes.byref(error))
        if not handle:
            if error.value:
                raise error_from_envelope(self._lib.take(error.value))
            raise MemoryError(f"{self._new_name} returned NULL without an error envelope")
        if error.value:  # not expected on success, but never leak it
            self._lib.function("sello_free")(error.value)
        self._handle = int(handle)
        if on_progress is not None:
            self.set_progress(on_progress)
        if on_log is not None:
            self.set_log(on_log, log_level)

    # -- lifecycle -------------------------------------------------------------------------------
    @property
    def closed(self) -> bool:
        return self._handle is None

    def close(self) -> None:
        """Frees the handle (waiting for calls in flight). Calling it twice is harmless."""
        with self._lock:
            while self._in_flight:
                self._lock.wait()
            handle, self._handle = self._handle, None
        if handle is not None:
            self._lib.function(self._free_name)(handle)
        self._progress_ref = self._log_ref = None
        self._retired.clear()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            handle = getattr(self, "_handle", None)
            if handle is not None:
                self._handle = None
                self._lib.function(self._free_name)(handle)
        except Exception:  # interpreter shutdown: nothing sensible left to do
            pass

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<sello.{type(self).__name__} {state}>"

    # -- callbacks -------------------------------------------------------------------------------
    def set_progress(self, on_progress: Optional[ProgressCallback]) -> None:
        """Sets (a callable) or removes (None) the progress callback: on_progress(done, total)."""
        handle = self._require_handle("set_progress")
        if on_progress is None:
            self._lib.function(self._set_progress_name)(handle, _lib.PROGRESS_FN(), None)
            self._retire(self._progress_ref)
            self._progress_ref = None
            return
        callback = on_progress

        def trampoline(_user_data: Any, done: int, total: int) -> None:
            try:
                callback(int(done), int(total))
            except BaseException:  # never let an exception unwind through C
                _logger.exception("sello: the on_progress callback raised; the call goes on")

        reference = _lib.PROGRESS_FN(trampoline)
        self._lib.function(self._set_progress_name)(handle, reference, None)
        self._retire(self._progress_ref)
        self._progress_ref = reference

    def set_log(self, on_log: Optional[LogCallback], level: int = LOG_INFO) -> None:
        """Sets (a callable) or removes (None) the log callback: on_log(level, message).
        Lines below ``level`` (LOG_DEBUG..LOG_ERROR) are not produced."""
        handle = self._require_handle("set_log")
        if on_log is None:
            self._lib.function(self._set_log_name)(handle, _lib.LOG_FN(), None, int(level))
            self._retire(self._log_ref)
            self._log_ref = None
            return
        callback = on_log

        def trampoline(_user_data: Any, line_level: int, message: Optional[bytes]) -> None:
            try:
                callback(int(line_level), (message or b"").decode("utf-8", errors="replace"))
            except BaseException:
                _logger.exception("sello: the on_log callback raised; the call goes on")

        reference = _lib.LOG_FN(trampoline)
        self._lib.function(self._set_log_name)(handle, reference, None, int(level))
        self._retire(self._log_ref)
        self._log_ref = reference

    def _retire(self, reference: Any) -> None:
        # A call in flight on another thread may still be about to use the old callback.
        if reference is not None:
            self._retired.append(reference)

    # -- calls -----------------------------------------------------------------------------------
    def call(self, operation: str, request: Optional[Mapping[str, Any]] = None) -> Result:
        """Runs an operation by name with a request dict, e.g. ``fes.call("obtain_certificate",
        {...})``: the escape hatch for fields this binding does not name yet."""
        try:
            function_name = self._operations[operation]
        except KeyError:
            raise ValueError(f"{type(self).__name__} has no operation {operation!r}; "
                             f"known: {', '.join(sorted(self._operations))}") from None
        return self._invoke(function_name, operation, request or {})

    def _invoke(self, function_name: str, operation: str, request: Mapping[str, Any]) -> Result:
        payload = encode(request)
        function = self._lib.function(function_name)
        with self._lock:
            handle = self._handle
            if handle is None:
                raise local_error("invalid_argument", "CLIENT_CLOSED",
                                  f"the {type(self).__name__} client is closed", service=self._service,
                                  operation=operation)
            self._in_flight += 1
        try:
            pointer = function(handle, payload)     # the GIL is released during the call
        finally:
            with self._lock:
                self._in_flight -= 1
                if not self._in_flight:
                    self._lock.notify_all()
        return finish(self._lib.take(pointer))

    def _require_handle(self, operation: str) -> int:
        handle = self._handle
        if handle is None:
            raise local_error("invalid_argument", "CLIENT_CLOSED", f"the {type(self).__name__} client is closed",
                              service=self._service, operation=operation)
        return handle


def client_config(**fields: Any) -> Dict[str, Any]:
    """The configuration JSON object: None values are left out (the library's defaults).

    Without ``ca_file``, certifi's bundle (when certifi is installed) goes along as
    ``fallback_ca_file``: the library uses it only where this machine has no system CA bundle.
    """
    config = {key: value for key, value in fields.items() if value is not None}
    if "ca_file" not in config and "fallback_ca_file" not in config:
        bundle = certifi_bundle()
        if bundle is not None:
            config["fallback_ca_file"] = bundle
    return config


def certifi_bundle() -> Optional[str]:
    """certifi's CA bundle (certifi.where()) when certifi is installed and the file exists."""
    try:
        certifi = importlib.import_module("certifi")
        path = str(certifi.where())
    except (ImportError, AttributeError):
        return None
    return path if os.path.isfile(path) else None
