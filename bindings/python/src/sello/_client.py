"""What the three clients share: the handle, the callbacks, the calls."""

from __future__ import annotations

import contextlib
import contextvars
import ctypes
import functools
import importlib
import inspect
import itertools
import json
import logging
import math
import os
import threading
from typing import (
    Any,
    Callable,
    ClassVar,
    Dict,
    FrozenSet,
    Iterator,
    List,
    Mapping,
    Optional,
    Set,
    Tuple,
    TypeVar,
    Union,
)

from . import _abi, _interrupt, _lib
from ._sealed import Sealed
from .errors import SelloError, error_from_envelope, local_error
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
# A library adds no handler but this one (the logging HOWTO's advice): without any logging
# configuration the library's lines go nowhere instead of to logging's last-resort stderr handler.
_logger.addHandler(logging.NullHandler())

#: (SELLO_LOG_* level, logging level), from the most to the least verbose.
_LEVELS: Tuple[Tuple[int, int], ...] = (
    (LOG_DEBUG, logging.DEBUG),
    (LOG_INFO, logging.INFO),
    (LOG_WARNING, logging.WARNING),
    (LOG_ERROR, logging.ERROR),
)


def python_level(level: int) -> int:
    """The logging level for a SELLO_LOG_* level (below DEBUG is DEBUG, above ERROR is ERROR)."""
    return _LEVELS[min(max(int(level), LOG_DEBUG), LOG_ERROR)][1]


def wanted_level(logger: logging.Logger) -> Optional[int]:
    """The lowest SELLO_LOG_* level a line of ``logger`` would be kept at (None: none would), so
    that the library makes no line that logging would drop. ``isEnabledFor`` is cached by logging
    (cleared by every setLevel) and honours ``logging.disable()``; then a line must reach a
    handler that takes its level (``_lowest_taken``). A few hundred nanoseconds a call, where a
    dropped line costs a LogRecord, some 20 µs."""
    lowest = _lowest_taken(logger)
    if lowest is None:
        return None
    for sello_level, level in _LEVELS:
        if level >= lowest and logger.isEnabledFor(level):
            return sello_level
    return None


def _lowest_taken(logger: logging.Logger) -> Optional[int]:
    """The lowest logging level any record of ``logger`` would be seen at, walking the handlers
    as ``Logger.callHandlers`` does (up the parents while ``propagate``). A filter on the logger
    itself sees every record, and a chain without any handler falls to ``logging.lastResort``;
    a plain NullHandler (the package's) takes records only to drop them, so it does not count."""
    if logger.filters:
        return logging.NOTSET
    lowest: Optional[int] = None
    found = False
    current: Optional[logging.Logger] = logger
    while current is not None:
        for handler in current.handlers:
            found = True
            if type(handler) is not logging.NullHandler:  # a subclass may do something with it
                lowest = handler.level if lowest is None else min(lowest, handler.level)
        current = current.parent if current.propagate else None
    if not found and logging.lastResort is not None:
        return logging.lastResort.level
    return lowest


#: The call id of the call being made on this thread or task (set by sello.aio and by
#: :func:`call_id`, API.md §6): when set, it is added to the request as the library-only field
#: ``call_id``.
current_call_id: "contextvars.ContextVar[Optional[str]]" = contextvars.ContextVar("sello_call_id", default=None)


@contextlib.contextmanager
def call_id(value: str) -> Iterator[None]:
    """Tags the calls made in this block (on this thread or task) with ``value``, so that
    ``client.cancel_calls(value)`` from another thread, or from a callback, cancels them (a
    request's own ``call_id`` field wins over the block's)::

        with sello.call_id("report-42"):
            cfdi.process_files(operation="get_status", items=items)   # elsewhere: cfdi.cancel_calls("report-42")
    """
    token = current_call_id.set(value)
    try:
        yield
    finally:
        current_call_id.reset(token)


#: A client's own class (FES, CFDI, FirmaVirtual), for methods that return the client itself.
ClientT = TypeVar("ClientT", bound="Client")
#: A request or configuration, plain or sealed (sello._sealed: not shown in tracebacks).
Request = Union[Mapping[str, Any], Sealed[Mapping[str, Any]]]


def encode(request: Request, *, service: str = "", operation: str = "") -> bytes:
    """A request as UTF-8 JSON; top-level None values are left out (the library's default).

    What JSON cannot carry — ``bytes``, text that is not UTF-8 (lone surrogates, as
    ``os.fsdecode`` makes of a Latin-1 file name), NaN or infinity, a set or any other object — is
    an :class:`~sello.InvalidArgumentError` (``WRONG_TYPE`` or ``INVALID_JSON``) naming the field as
    the library names it (``signers[1].email``); nothing is sent. ``service`` and ``operation`` go
    into its meta. The request and its body stay out of this frame's locals (sello._sealed), and
    the error is not chained to json's (whose frames hold the body)."""
    sealed = request if isinstance(request, Sealed) else Sealed(request)
    del request
    try:  # the body goes straight to the encoder; on an error it is made again to find the culprit
        return "".join(_encode_chunks(_body(sealed.value), 0)).encode("utf-8")
    except (TypeError, ValueError):  # UnicodeEncodeError is a ValueError
        found = _unencodable(_body(sealed.value), "")
        if found is None:
            raise
    code, field, message = found
    raise local_error("invalid_argument", code, message, service=service, operation=operation, field=field)


def _body(request: Mapping[str, Any]) -> Dict[str, Any]:
    """The members of ``request`` that are not None, made plain; a scalar (most fields) is taken as
    it is without calling _plain (issue 13: some 2,600 instructions a call)."""
    return {k: v if type(v) in _SCALARS else _plain(v) for k, v in request.items() if v is not None}


def _unencodable(value: Any, path: str) -> Optional[Tuple[str, str, str]]:
    """The first member of ``value`` (at ``path``) that json.dumps refuses: (code, field, message)."""
    if isinstance(value, dict):
        for key, item in value.items():
            found = _bad_key(key, path) or _unencodable(item, _member(key, path))
            if found is not None:
                return found
        return None
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _unencodable(item, f"{path}[{index}]")
            if found is not None:
                return found
        return None
    problem = _bad_scalar(value, _is_path_field(path))
    return None if problem is None else (problem[0], path, f"'{path}' {problem[1]}; nothing was sent")


def _is_path_field(path: str) -> bool:
    """Whether the member at ``path`` (``files[0].file_path``) is a file name: a parameter of a
    client's constructor or method typed as a path (the binding blocks' ``path``)."""
    return path.rpartition(".")[2].partition("[")[0] in _path_fields()


@functools.lru_cache(maxsize=1)
def _path_fields() -> FrozenSet[str]:
    """The names of every path parameter of the clients (read once, on the first refused value)."""
    names: Set[str] = set()
    for client_class in Client.__subclasses__():
        for attribute in vars(client_class).values():
            if callable(attribute):
                parameters = inspect.signature(attribute).parameters.values()
                names.update(p.name for p in parameters if "PathLike" in str(p.annotation))
    return frozenset(names)


def _member(key: Any, path: str) -> str:
    """The path of a member as the library names it (``signers[1].email``); a key that is not UTF-8
    is shown with its lone surrogates escaped (\\udcf1)."""
    shown = key.encode("utf-8", "backslashreplace").decode("utf-8") if isinstance(key, str) else str(key)
    return f"{path}.{shown}" if path else shown


def _bad_key(key: Any, path: str) -> Optional[Tuple[str, str, str]]:
    where = _member(key, path)
    if isinstance(key, str):
        try:
            key.encode("utf-8")
            return None
        except UnicodeEncodeError:
            return "INVALID_JSON", where, f"the key '{where}' is not valid UTF-8 (lone surrogates); nothing was sent"
    if key is None or isinstance(key, (int, float, bool)):
        return None
    owner = f"'{path}'" if path else "the request"
    return "WRONG_TYPE", where, f"a key of {owner} is a {type(key).__name__}, not text; nothing was sent"


#: For a file name that is not UTF-8: decoding it another way (latin-1) would name another file.
_NOT_UTF8_PATH = (
    "and the library takes UTF-8 paths: rename the file, or link it under a UTF-8 name (os.symlink), or "
    "send its content instead where the operation takes it (content_base64, datos_base64, certBase64, keyBase64)"
)


def _bad_scalar(value: Any, is_path: bool = False) -> Optional[Tuple[str, str]]:
    """(code, what is wrong) for a value json.dumps refuses, or None; ``is_path``: the member is
    a file name (other advice: a file name cannot be decoded another way)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            if is_path:
                made = "os.fsdecode made lone surrogates of its bytes"
                return "INVALID_JSON", f"is a file name that is not valid UTF-8 ({made}), {_NOT_UTF8_PATH}"
            return "INVALID_JSON", (
                "is not valid UTF-8 (it has lone surrogates, as os.fsdecode makes of bytes that are not UTF-8): "
                "decode the original bytes with their real encoding, e.g. .decode('latin-1')"
            )
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else ("INVALID_JSON", f"is {value!r}, which JSON cannot carry")
    if value is None or isinstance(value, (int, bool)):
        return None
    if isinstance(value, (bytes, bytearray, memoryview)):
        if is_path:
            try:
                bytes(value).decode("utf-8")
            except UnicodeDecodeError:
                return "WRONG_TYPE", f"is a file name as bytes that are not valid UTF-8, {_NOT_UTF8_PATH}"
            return "WRONG_TYPE", f"is {type(value).__name__}: give the file name as text, os.fsdecode(value)"
        return "WRONG_TYPE", (
            f"is {type(value).__name__}, but the library takes text: decode it first (value.decode('utf-8'), "
            "or value.decode('latin-1') for Latin-1 data)"
        )
    kind = type(value).__name__
    return "WRONG_TYPE", f"is a {kind}, which JSON cannot carry (give a str, int, float, bool, list or dict)"


_SCALARS = frozenset((str, int, float, bool))


_JSON = json.JSONEncoder(ensure_ascii=False, allow_nan=False, check_circular=False, separators=(",", ":"))
_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)  # None without json's C accelerator
#: What json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")) runs, made once
#: where json.dumps makes an encoder on every call (issue 13: some 16,000 instructions a call):
#: (value, 0) -> the text's chunks. Without json's check for circular references: a body from
#: _body is a new tree (_plain copies every dict and list; a cycle never reaches the encoder).
_encode_chunks: Callable[[Any, int], Any] = (
    _make_encoder(None, _JSON.default, json.encoder.encode_basestring, None, ":", ",", False, False, False)
    if _make_encoder is not None
    else lambda value, _level: _JSON.iterencode(value, _one_shot=True)
)


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


def call_helper(function_name: str, request: Request) -> Result:
    """A function without a client (sello_check_rut, fes_check_request, cfdi_inspect_csd...)."""
    lib = _lib.get()
    service, _, operation = function_name.partition("_")  # sello_check_rut: "sello", "check_rut"
    payload = Sealed(encode(request, service=service, operation=operation))
    del request
    return finish(lib.call_helper(function_name, payload.value))


class Client:
    """Base of FES, FirmaVirtual and CFDI: owns one client handle.

    Use it as a context manager, or call close(); the handle is also freed when the object is
    garbage-collected. Calls may be made from many threads at once. The C library forbids freeing
    a client during a call: close() refuses new calls at once, then waits for the calls in flight;
    called from inside one of this client's own callbacks it returns at once instead (waiting
    there would wait for itself), and the last call in flight frees the handle as it ends.

    Logging: a client made without ``on_log`` sends the library's lines (one per request, answer,
    retry and failure, secrets already redacted) to the logger ``sello.<service>`` — ``sello.fes``,
    ``sello.fv``, ``sello.cfdi``, children of ``sello`` — at DEBUG, INFO, WARNING or ERROR
    (SELLO_LOG_DEBUG..SELLO_LOG_ERROR). The library produces only the lines that logger is
    enabled for (``isEnabledFor``) and that a handler would take (its level; a filter on the logger
    takes everything), read when the client is made and again before every call: a later
    ``setLevel()``, ``addHandler()`` or ``logging.disable()`` applies from the next call on, a call
    already in flight keeps the level it started with. The package gives ``sello`` a NullHandler,
    so nothing is printed, and no line is made, until the application configures logging.
    ``on_log``/:meth:`set_log` replace the logger; :meth:`log_to_logging` brings it back.
    """

    #: The service's function prefix (fes, fv, cfdi): a subclass sets only this; its C function
    #: names and its operation table come from include/sello.h through _abi (generated).
    _service: ClassVar[str] = ""
    _new_name: ClassVar[str] = ""
    _free_name: ClassVar[str] = ""
    _set_progress_name: ClassVar[str] = ""
    _set_log_name: ClassVar[str] = ""
    _cancel_name: ClassVar[str] = ""
    #: Operation name (as in call()) -> C function: every operation include/sello.h declares for
    #: this service. Each has a typed method of the same name (tests/test_operation_table.py).
    _operations: ClassVar[Dict[str, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        service = cls.__dict__.get("_service")
        if service:
            functions = _abi.CLIENT_FUNCTIONS[service]
            cls._new_name = functions["client_new"]
            cls._free_name = functions["client_free"]
            cls._set_progress_name = functions["set_progress"]
            cls._set_log_name = functions["set_log"]
            cls._cancel_name = functions["cancel"]
            cls._operations = _abi.OPERATIONS[service]

    def __init__(
        self,
        config: Request,
        on_progress: Optional[ProgressCallback] = None,
        on_log: Optional[LogCallback] = None,
        log_level: int = LOG_INFO,
    ) -> None:
        self._handle: Optional[int] = None
        # Held through the RLock itself (`with self._mutex`; acquire and release in _enter and _leave):
        # the Condition's own __enter__ and __exit__ are Python methods (issue 13: some 3,000
        # instructions a call).
        self._mutex = threading.RLock()
        self._lock = threading.Condition(self._mutex)
        self._in_flight = 0
        #: thread id -> how many calls on this client that thread is inside (a callback may call
        #: its client again): close() from such a thread must not wait for them.
        self._callers: Dict[int, int] = {}
        #: The calls in flight by number (in the order they began) and the next number.
        self._active: Dict[int, None] = {}
        self._next_call = 0
        self._closing = False
        #: The C references (CFUNCTYPE objects) of the progress and log callbacks the library may
        #: hold: freeing one it can still call would crash the process (see _set_callback).
        self._slots = {"progress": _Slot(), "log": _Slot()}
        #: (call number, reference): callbacks replaced from inside a call, kept until every call
        #: that began before that number has ended (_leave).
        self._retired: List[Tuple[int, Any]] = []
        # Without on_log the library's lines go to the logger sello.<service> (see _follow_logger).
        self._logger = logging.getLogger(f"sello.{self._service}")
        self._logging_ref: Any = None
        self._follows_logger = False
        self._applied_level: Optional[int] = None
        self._lib = _lib.get()
        #: Whether the library can cancel a call (PREFIX_client_cancel): then every call gets a call_id.
        self._can_cancel = hasattr(self._lib.cdll, self._cancel_name)
        error = ctypes.c_void_p()
        payload = Sealed(encode(config, service=self._service))
        del config  # out of this frame's locals: a bad configuration raises here (sello._sealed)
        handle = self._lib.function(self._new_name)(payload.value, ctypes.byref(error))
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
        else:
            self._follows_logger = True
            self._follow_logger()

    # -- lifecycle -------------------------------------------------------------------------------
    @property
    def closed(self) -> bool:
        """True once close() was called (the handle may still serve the calls in flight)."""
        return self._handle is None or self._closing

    def close(self) -> None:
        """Refuses new calls (CLIENT_CLOSED) and frees the handle once no call is in flight: it
        waits for the calls in flight on other threads, but called from inside a call on this
        client (from one of its callbacks) it returns at once, and the last call in flight frees
        the handle as it ends. Calling it twice is harmless."""
        with self._mutex:
            self._closing = True
            if self._callers.get(threading.get_ident()):
                return  # waiting would wait for this thread's own call: _leave frees it
            while self._in_flight:
                self._lock.wait()
            self._free_locked()

    def _free_locked(self) -> None:
        """Frees the handle (no call is in flight; the lock is held, so that a close() waiting on
        another thread returns only once it is freed) and drops the callbacks it used."""
        handle, self._handle = self._handle, None
        if handle is not None:
            self._lib.function(self._free_name)(handle)
        self._slots = {"progress": _Slot(), "log": _Slot()}
        self._logging_ref = None
        self._follows_logger = False
        self._retired.clear()

    def _enter(self, operation: str, *, closing_too: bool = False) -> Tuple[int, int]:
        """Counts a call in flight on this thread: (its number, the handle), which stays valid
        until the matching _leave(number); CLIENT_CLOSED once closed (``closing_too``: while the
        handle is still there, as cancel_calls wants)."""
        self._mutex.acquire()  # not `with`, here and in _leave (issue 13: some 3,300 instructions a call)
        try:
            handle = self._handle
            if handle is None or (self._closing and not closing_too):
                raise self._closed_error(operation)
            self._in_flight += 1
            me = threading.get_ident()
            self._callers[me] = self._callers.get(me, 0) + 1
            number = self._next_call
            self._next_call += 1
            self._active[number] = None
        finally:
            self._mutex.release()
        return number, handle

    def _leave(self, number: int) -> None:
        """Ends what _enter began: lets go of the callbacks no call in flight can still be inside,
        and the last call in flight of a closed client frees the handle."""
        released: List[Tuple[int, Any]] = []
        self._mutex.acquire()
        try:
            self._in_flight -= 1
            me = threading.get_ident()
            depth = self._callers.pop(me) - 1
            if depth:
                self._callers[me] = depth
            del self._active[number]
            if self._retired:
                oldest = next(iter(self._active), self._next_call)
                count = next((i for i, (ticket, _) in enumerate(self._retired) if ticket > oldest), len(self._retired))
                released, self._retired[:count] = self._retired[:count], []
            if not self._in_flight and self._closing:  # close() waits only once it is closing
                self._free_locked()
                self._lock.notify_all()
        finally:
            self._mutex.release()
        del released  # outside the lock: what a callback held may run code as it goes

    def __enter__(self: "ClientT") -> "ClientT":  # `with sello.FES(...) as fes:` is a FES
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:  # no call can be in flight: each holds a reference
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

    # A client owns its C handle alone: a copy would share it and free it a second time (a crash).
    def _refuse_copy(self) -> TypeError:
        name = type(self).__name__
        return TypeError(
            f"a sello.{name} client cannot be copied, deep-copied or pickled: it owns a connection handle "
            f"that only one object may free; share the same object (it is thread-safe), or make a new "
            f"sello.{name}(...) with the same configuration"
        )

    def __copy__(self) -> "Client":
        raise self._refuse_copy()

    def __deepcopy__(self, memo: Dict[int, Any]) -> "Client":
        raise self._refuse_copy()

    def __reduce__(self) -> Any:
        raise self._refuse_copy()

    # -- callbacks -------------------------------------------------------------------------------
    def set_progress(self, on_progress: Optional[ProgressCallback]) -> None:
        """Sets (a callable) or removes (None) the progress callback: on_progress(done, total).
        The callback it replaces is let go (the library never calls it again)."""
        if on_progress is None:
            self._set_callback("progress", "set_progress", None, self._progress_setter(_lib.PROGRESS_FN()))
            return
        callback = on_progress

        def trampoline(_user_data: Any, done: int, total: int) -> None:
            try:
                callback(int(done), int(total))
            except Exception:  # never let an exception unwind through C (ctypes would drop it)
                _logger.exception("sello: the on_progress callback raised; the call goes on")
            except BaseException as exc:  # Ctrl-C, SystemExit: cancels the call, raised by _invoke
                _callback_interrupted(exc, "on_progress")

        reference = _lib.PROGRESS_FN(trampoline)
        self._set_callback("progress", "set_progress", reference, self._progress_setter(reference))

    def _progress_setter(self, reference: Any) -> Callable[[int], None]:
        return lambda handle: self._lib.function(self._set_progress_name)(handle, reference, None)

    def _log_setter(self, reference: Any, level: int) -> Callable[[int], None]:
        return lambda handle: self._lib.function(self._set_log_name)(handle, reference, None, level)

    def set_log(self, on_log: Optional[LogCallback], level: int = LOG_INFO) -> None:
        """Sets (a callable) or removes (None) the log callback: on_log(level, message).
        Lines below ``level`` (LOG_DEBUG..LOG_ERROR) are not produced. Either way the client stops
        sending lines to the ``sello.<service>`` logger; :meth:`log_to_logging` goes back to it."""
        self._require_handle("set_log")
        self._follows_logger = False
        self._applied_level = None
        if on_log is None:
            self._set_callback("log", "set_log", None, self._log_setter(_lib.LOG_FN(), int(level)))
            return
        callback = on_log

        def trampoline(_user_data: Any, line_level: int, message: Optional[bytes]) -> None:
            try:
                callback(int(line_level), (message or b"").decode("utf-8", errors="replace"))
            except Exception:
                _logger.exception("sello: the on_log callback raised; the call goes on")
            except BaseException as exc:  # Ctrl-C, SystemExit: cancels the call, raised by _invoke
                _callback_interrupted(exc, "on_log")

        reference = _lib.LOG_FN(trampoline)
        self._set_callback("log", "set_log", reference, self._log_setter(reference, int(level)))

    def log_to_logging(self) -> None:
        """Sends the library's lines to the logger ``sello.<service>`` (what a client created
        without ``on_log`` does): the logger's level decides, before each call, which lines are
        produced. Replaces a callback set with ``on_log``/:meth:`set_log`."""
        self._require_handle("log_to_logging")
        self._follows_logger = True
        self._applied_level = None
        # The logger's trampoline (self._logging_ref) lives as long as the client: not a slot's.
        self._set_callback("log", "log_to_logging", None, lambda _handle: self._follow_logger(force=True))

    def _follow_logger(self, force: bool = False) -> None:
        """Gives the library the minimum level the logger wants now (no callback at all when it
        wants nothing). Called at creation and before each call: a level changed with setLevel()
        or logging.disable() applies from the next call on; a call in flight keeps its level."""
        level = wanted_level(self._logger)
        if level == self._applied_level and not force:
            return
        handle = self._handle
        if handle is None:
            return
        if level is None:
            self._lib.function(self._set_log_name)(handle, _lib.LOG_FN(), None, LOG_ERROR)
        else:
            if self._logging_ref is None:
                self._logging_ref = _lib.LOG_FN(_logging_trampoline(self._logger))
            self._lib.function(self._set_log_name)(handle, self._logging_ref, None, level)
        self._applied_level = level

    def _set_callback(self, slot: str, operation: str, reference: Any, apply: Callable[[int], None]) -> None:
        """Gives the library a new callback for ``slot`` (``apply(handle)``, ``reference`` its C
        object or None), then lets go of those it replaced as soon as the library can no longer
        call them (include/sello.h, "Changing callbacks"): from outside this client's calls,
        when set_* returns (it waited for other threads inside them); from inside one — from one
        of its callbacks, where set_* returns at once and the replaced callback may still be
        running here or on another thread — once every call then in flight has ended (_leave).
        Two set_* of one slot at once on two threads may reach the library in either order:
        both are kept until a later one that ran alone tells which the library holds."""
        inside = bool(self._callers.get(threading.get_ident()))  # before _enter counts this one
        number, handle = self._enter(operation)  # close() cannot free the handle meanwhile
        state = self._slots[slot]
        try:
            with self._mutex:
                alone = state.setting == 0
                state.setting += 1
                state.started += 1
                started = state.started
                state.held.append(reference)
            try:
                apply(handle)
            finally:
                with self._mutex:
                    state.setting -= 1
                    if alone and state.started == started:  # nothing else set this slot meanwhile
                        replaced = [held for held in state.held[:-1] if held is not None]
                        state.held = [reference]
                        if inside:
                            self._retired += [(self._next_call, held) for held in replaced]
        finally:
            self._leave(number)

    # -- calls -----------------------------------------------------------------------------------
    def call(self, operation: str, request: Optional[Mapping[str, Any]] = None) -> Result:
        """Runs an operation by name with a request dict, e.g. ``fes.call("obtain_certificate",
        {...})``: the escape hatch for fields this binding does not name yet."""
        sealed = Sealed(request or {})
        del request  # out of this frame's locals (sello._sealed), also when the name is refused
        if operation not in self._operations:
            raise ValueError(
                f"{type(self).__name__} has no operation {operation!r}; known: {', '.join(sorted(self._operations))}"
            )
        return self._invoke(operation, sealed)

    def _invoke(self, operation: str, request: Request) -> Result:
        """Calls the C function of ``operation`` (a key of the operation table) on this client.
        Ctrl-C or SystemExit in a callback (or a signal handler) meanwhile cancels this call and
        is raised here once the C call returns (sello._interrupt)."""
        function_name = self._operations[operation]
        sealed = request if isinstance(request, Sealed) else Sealed(request)
        del request  # neither the request nor its JSON is a plain local here (sello._sealed)
        call_id = sealed.value.get("call_id")
        if call_id is None:  # the request's own is more specific than a sello.call_id block's
            call_id = current_call_id.get()
            # Its own, so that an interrupt in a callback cancels only it; a call that runs no
            # Python meanwhile sees a signal once it returns, and needs none.
            if call_id is None and self._can_cancel and self._calls_back():
                call_id = _new_call_id()
            if call_id is not None:  # a new request: the caller's is left as it was
                sealed = Sealed({**sealed.value, "call_id": call_id})
        payload = Sealed(encode(sealed, service=self._service, operation=operation))
        function = self._lib.function(function_name)
        call = _interrupt.begin()
        pointer = None
        kept: "Sealed[Optional[Dict[str, Any]]]" = Sealed(None)  # the envelope (may hold a certificate)
        try:
            number, handle = self._enter(operation)
            try:
                if self._can_cancel and isinstance(call_id, str):
                    call.cancel = functools.partial(self._cancel_in_flight, handle, call_id)
                if self._follows_logger:  # in flight: close() cannot free the handle meanwhile
                    self._follow_logger()
                # Also with no callback: else a SIGINT or a job's SIGALRM meanwhile is raised once the C
                # call returns, before `pointer` is kept (a stamp lost, its envelope never freed). ~3 µs.
                _interrupt.relay_signals(call)
                if call.interrupt is None:  # a signal may have come before the call began
                    pointer = function(handle, payload.value)  # the GIL is released during the call
            finally:
                call.cancel = None
                self._leave(number)
            if pointer:  # read and freed while the signals are still relayed
                kept = Sealed(self._lib.take(pointer))
        finally:
            _interrupt.end(call)
        interrupt, call.interrupt = call.interrupt, None
        if interrupt is not None:
            if kept.value is not None:
                _interrupt.keep_outcome(interrupt, self._service, operation, kept.value)
            raise interrupt
        return finish(self._lib.take(pointer) if kept.value is None else kept.value)

    def _calls_back(self) -> bool:
        """Whether a call may run Python code: a progress or log callback, or the logger's."""
        if self._follows_logger and self._applied_level is not None:
            return True
        for state in self._slots.values():  # a loop, not any() over a generator: twice a call
            held = state.held
            if held and held[-1] is not None:
                return True
        return False

    def _cancel_in_flight(self, handle: int, call_id: str) -> None:
        """Cancels this thread's call in flight (its handle is valid meanwhile) from a callback."""
        self._lib.take(self._lib.function(self._cancel_name)(handle, call_id.encode("utf-8")))

    def cancel_calls(self, call_id: Optional[str] = None) -> int:
        """Cancels the calls in flight on this client whose request carried ``call_id`` (every
        call in flight when None), from any thread: each returns at once with
        :class:`sello.CallCancelledError`. Returns how many it reached (0 when none was in flight
        or the client is closed). A request carries a call id as ``call_id=...`` among its fields."""
        try:  # the handle stays valid while this counts as in flight, also once close() began
            number, handle = self._enter("cancel_calls", closing_too=True)
        except SelloError:
            return 0
        try:
            pointer = self._lib.function(self._cancel_name)(
                handle, None if call_id is None else call_id.encode("utf-8")
            )
        finally:
            self._leave(number)
        data = finish(self._lib.take(pointer)).envelope.get("data") or {}
        return int(data.get("cancelled") or 0)

    def _require_handle(self, operation: str) -> int:
        handle = self._handle
        if handle is None or self._closing:
            raise self._closed_error(operation)
        return handle

    def _closed_error(self, operation: str) -> SelloError:
        return local_error(
            "invalid_argument",
            "CLIENT_CLOSED",
            f"the {type(self).__name__} client is closed",
            service=self._service,
            operation=operation,
        )


class _Slot:
    """One callback slot (progress or log) of a client, as _set_callback tracks it."""

    __slots__ = ("held", "setting", "started")

    def __init__(self) -> None:
        #: Every reference the library may hold or still call for this slot, the newest last.
        self.held: List[Any] = []
        #: set_* of this slot in progress, and how many ever began.
        self.setting = 0
        self.started = 0


_call_ids = itertools.count(1)
_CALL_ID_PREFIX = f"sello-{os.getpid()}-{os.urandom(4).hex()}"


def _new_call_id() -> str:
    """A call id unique in this process (and, in practice, between processes)."""
    return f"{_CALL_ID_PREFIX}-{next(_call_ids)}"


def _callback_interrupted(exc: BaseException, what: str) -> None:
    """An exception that is not an Exception escaped a callback: it cancels the call in flight on
    this thread and _invoke raises it; outside any call (a set_* from a callback?) it is logged."""
    if not _interrupt.interrupted(exc):
        _logger.error("sello: the %s callback raised %s outside a call; it is dropped", what, type(exc).__name__)


def _logging_trampoline(logger: logging.Logger) -> Callable[[Any, int, Optional[bytes]], None]:
    """The C log callback that hands each line to ``logger`` at the mapped level."""

    def trampoline(_user_data: Any, line_level: int, message: Optional[bytes]) -> None:
        try:
            # The line is the record's msg (no arguments: a '%' in a URL is not a format).
            logger.log(python_level(line_level), (message or b"").decode("utf-8", errors="replace"))
        except Exception:  # noqa: BLE001 - never unwind through C; logging reports its own handler errors
            pass
        except BaseException as exc:  # Ctrl-C, SystemExit in a handler: cancels the call, raised by _invoke
            _callback_interrupted(exc, "logging handler")

    return trampoline


def client_config(**fields: Any) -> Dict[str, Any]:
    """The configuration JSON object: None values are left out (the library's defaults).

    Without ``ca_file``, certifi's bundle (when certifi is installed) goes along as
    ``fallback_ca_file``: the library uses it only where this machine has no system CA bundle.
    Paths and mappings are made plain (``_plain``), as in a request.
    """
    config = {key: _plain(value) for key, value in fields.items() if value is not None}
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
