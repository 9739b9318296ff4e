"""What the three asynchronous clients share: the synchronous client they wrap, the thread pool
their calls run on, closing, cancelling, and the coroutine methods made from the synchronous
class's operation table."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import functools
import inspect
import logging
import os
import threading
import weakref
from typing import Any, Callable, ClassVar, Dict, FrozenSet, Generic, List, Mapping, Optional, Tuple, Type, TypeVar

from .. import _abi, _cancel
from .._client import LOG_INFO, Client, LogCallback, ProgressCallback, current_call_id
from .._sealed import Sealed
from ..errors import SelloError, local_error
from ..result import Result

__all__ = ["AsyncClient", "AbandonedCallback", "DEFAULT_MAX_CONCURRENCY"]

#: The default size of a client's thread pool: how many of its calls run at once.
DEFAULT_MAX_CONCURRENCY = 16
#: After a task is cancelled, the library is asked to cancel its call again every 5 ms for up to
#: 100 ms while it answers "none in flight": the thread may have taken the call from the queue
#: without having entered the library yet.
_CANCEL_RETRY_SECONDS = 0.005
_CANCEL_RETRIES = 20

_logger = logging.getLogger("sello.aio")

SyncClient = TypeVar("SyncClient", bound=Client)
#: A call's positional and keyword arguments.
Arguments = Tuple[Tuple[Any, ...], Dict[str, Any]]
#: ``on_abandoned(operation, result)``: a call whose awaiting task was cancelled ended with a Result.
AbandonedCallback = Callable[[str, Result], None]


class AsyncClient(Generic[SyncClient]):
    """Base of sello.aio.FES, FirmaVirtual and CFDI: a synchronous client and the thread pool its
    calls run on.

    Each operation of the synchronous class is a coroutine method here, with the same keyword
    arguments, the same :class:`sello.Result` and the same exceptions. A call runs on the client's
    own pool of ``max_concurrency`` threads (default 16): that many calls are in flight at once,
    the others wait for a thread (ctypes releases the GIL during the C call). The event loop is
    never blocked.

    ``async with`` (or ``await client.close()``) waits for the calls in flight, then frees the C
    handle; later calls raise InvalidArgumentError CLIENT_CLOSED. Callbacks (``on_progress``,
    ``on_log``, the ``sello`` logger) run on the pool's threads, not on the event loop: use
    ``loop.call_soon_threadsafe`` to reach asyncio objects from them.

    Cancelling the task that awaits a call: a call still waiting for a thread is never sent. A call
    a thread has taken is cancelled in the library by its ``call_id`` (``PREFIX_client_cancel``),
    which makes it return within 100 ms and frees its thread — with a library that can cancel (see
    ``sello._cancel``) — except in one case: an operation whose requests the library never sends
    twice (``sello._abi.SENT_ONCE``, from ``sent: once`` in docs/reference.md: ``obtain_certificate``,
    the CFDI stamps and cancellations, the Firma Virtual writes such as ``create_contract``) on a
    client given ``on_abandoned`` (below), or whose request names a file for its outcome
    (``save_to``, ``save_dir``). Cancelling such a call once its request may have reached the
    service would throw away a certificate issued or an invoice stamped, and the caller, seeing only
    a cancellation, might do it again; so it runs to its end on its thread (``timeout_ms`` at most;
    ``close()`` waits for it), its Result goes to ``on_abandoned`` and the library writes its files;
    the task still raises CancelledError at once. It then also sends what it had not sent yet (a
    request waiting to be sent again after a 503, say): the library cannot yet cancel a call only
    if it has sent nothing. ``cancel_sent_once=True`` cancels these too. Without ``on_abandoned``
    a call left to run for its ``save_to`` / ``save_dir`` is logged at WARNING on the ``sello.aio``
    logger with the files the library kept, or saying that nothing could be written (a
    ``WRITE_FAILED``) and the outcome was lost. Without ``on_abandoned`` nor a file there is nowhere
    to hand an outcome, so they are cancelled like the rest. A batch (``process_files``) is always
    cancelled, whatever its items' ``save_dir`` (left to run, it would stamp every item not yet
    sent): the library stops what it has not sent and keeps the answers that arrived, and the
    batch's Result goes to ``on_abandoned``.

    A call of an operation sent once that ends with an error after its task was cancelled — its
    cancellation, a ``TIMEOUT`` — is logged at WARNING on the ``sello.aio`` logger when its request
    may have reached the service (the error is not retryable and a request was sent): service,
    operation, call_id, the error's class and ``code``, never the request's or the answer's data.

    With a library that cannot cancel, every call runs to its end on its thread. The call's
    ``call_id`` is the caller's when there is one — the request's own ``call_id`` field
    (``call()``), else the one of an enclosing :func:`sello.call_id` block — so that
    ``cancel_calls(that_id)`` reaches it (an explicit cancel: it cancels any operation, sent once
    or not); otherwise a unique one is made. Calls sharing an id are cancelled together:
    cancelling the task of one cancels every call in flight on this client with the same id, also
    one left to run — give those an id of their own.

    A call can still succeed after its task was cancelled: it was left to run (above), its answer
    had already arrived, or the cancel came too late (or the library cannot cancel). The service
    then did the work — issued a certificate, stamped an invoice — and the task will never see the
    :class:`sello.Result`. Pass ``on_abandoned=callback`` to keep it: ``callback(operation,
    result)`` (``operation`` is the method's name, e.g. ``"obtain_certificate"``) is called for
    each such call, and only for those: not for a call that ends with an exception (the usual
    :class:`sello.CallCancelledError`), not for one whose task was not cancelled, not for one that
    was never sent. It runs on the pool thread that ran the call, as soon as the call ends, before
    that thread takes another call (and ``close()`` waits for it); when the call had already ended
    as its task was cancelled, it runs at once on the event loop's thread. Keep it quick and
    thread-safe (to reach asyncio objects, ``loop.call_soon_threadsafe``), and never wait in it on
    this client (``close()``, another of its calls) or on the event loop: either may be waiting
    for the hook. An exception it raises is logged on the ``sello.aio`` logger as its class and
    message, without the traceback (its frames hold the Result), and goes no further — on a pool
    thread not even a ``SystemExit``. Without ``on_abandoned``, each such result is logged at
    WARNING on the ``sello.aio`` logger — service, operation and call_id, never the result's data
    — and dropped.
    """

    #: The synchronous class this one wraps; its ``_operations`` table gives the methods.
    _sync_class: ClassVar[Type[Client]]

    def __init__(
        self,
        *,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        on_abandoned: Optional[AbandonedCallback] = None,
        cancel_sent_once: bool = False,
        **config: Any,
    ) -> None:
        if isinstance(max_concurrency, bool) or not isinstance(max_concurrency, int) or max_concurrency < 1:
            raise ValueError(f"max_concurrency must be a positive integer, got {max_concurrency!r}")
        if on_abandoned is not None and not callable(on_abandoned):
            raise TypeError(f"on_abandoned must be callable or None, got {type(on_abandoned).__name__}")
        if not isinstance(cancel_sent_once, bool):
            raise TypeError(f"cancel_sent_once must be a bool, got {type(cancel_sent_once).__name__}")
        self._on_abandoned = on_abandoned
        sealed = Sealed(config)
        del config  # no secret in a plain local of this frame (sello._sealed)
        self._client: SyncClient = self._sync_class(**sealed.value)  # type: ignore[assignment]
        self._max_concurrency = max_concurrency
        self._pool = self._new_pool()
        self._state = threading.Lock()
        self._closing = False
        self._closed: Optional["concurrent.futures.Future[None]"] = None
        self._can_cancel = _cancel.supported(self._client)
        #: The operations the library never sends twice: an error they end with after their task
        #: was cancelled is a WARNING when it may have reached the service.
        self._sent_once: FrozenSet[str] = _abi.SENT_ONCE.get(self._client._service, frozenset())
        #: Those left to run to their end when their task is cancelled: only with a hook to hand
        #: their outcome to (without one, the outcome would be dropped, and a call left to run
        #: still sends what it had not sent yet), and never a batch (the library's cancel stops
        #: what it has not sent and keeps the answers that arrived).
        self._left_to_run: FrozenSet[str] = (
            frozenset() if cancel_sent_once or on_abandoned is None else self._sent_once - frozenset(_BATCHES)
        )
        #: Those left to run, even without a hook, when their request names a file for the outcome
        #: (``save_to``, ``save_dir``): the library writes it there, which nothing else would do.
        self._left_to_save: FrozenSet[str] = frozenset() if cancel_sent_once else self._sent_once - frozenset(_BATCHES)
        _clients.add(self)  # a fork()'s child gives it a pool of its own (_after_fork_in_child)

    def _new_pool(self) -> concurrent.futures.ThreadPoolExecutor:
        return concurrent.futures.ThreadPoolExecutor(
            max_workers=self._max_concurrency, thread_name_prefix=f"sello-aio-{self._client._service}"
        )

    def _forked(self) -> None:
        """In the child of a fork(): the child has none of the pool's threads, but the pool's
        bookkeeping counts them (idle workers), so a call would wait for ever for one. A new pool,
        and a new lock (another thread may have held it at the fork). The parent's pool is left
        as it is: its queue holds the parent's calls, which are not the child's to run."""
        self._state = threading.Lock()
        self._pool = self._new_pool()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        sync_class = cls.__dict__.get("_sync_class")
        if sync_class is None:
            return
        for operation in sync_class._operations:
            sync_method = getattr(sync_class, operation, None)
            if callable(sync_method) and operation not in cls.__dict__:
                setattr(cls, operation, _coroutine_method(cls, operation, sync_method))

    # -- properties ------------------------------------------------------------------------------
    @property
    def sync(self) -> SyncClient:
        """The synchronous client underneath (same handle), e.g. for a call from a plain thread."""
        return self._client

    @property
    def max_concurrency(self) -> int:
        """The size of this client's thread pool."""
        return self._max_concurrency

    @property
    def closed(self) -> bool:
        """True once close() has begun: no new call is accepted."""
        return self._closing

    def __repr__(self) -> str:
        # getattr: a traceback may show a client whose __init__ failed (capture_locals).
        state = "closed" if getattr(self, "_closing", True) else "open"
        return f"<sello.aio.{type(self).__name__} {state} max_concurrency={getattr(self, '_max_concurrency', '?')}>"

    # -- callbacks (quick, local: plain methods) -------------------------------------------------
    def set_progress(self, on_progress: Optional[ProgressCallback]) -> None:
        """As the synchronous client's; the callback runs on the pool's threads."""
        self._client.set_progress(on_progress)

    def set_log(self, on_log: Optional[LogCallback], level: int = LOG_INFO) -> None:
        """As the synchronous client's; the callback runs on the pool's threads."""
        self._client.set_log(on_log, level)

    def log_to_logging(self) -> None:
        """As the synchronous client's: the library's lines go to the ``sello.<service>`` logger."""
        self._client.log_to_logging()

    # -- calls -----------------------------------------------------------------------------------
    async def call(self, operation: str, request: Optional[Dict[str, Any]] = None) -> Result:
        """Runs an operation by name with a request dict, as the synchronous ``call()``; a
        ``call_id`` field is kept (and cancelled by, when the task is cancelled)."""
        sealed: Sealed[Arguments] = Sealed(((operation, request), {}))
        explicit = (request or {}).get("call_id")
        saves = _save_path(request) if isinstance(request, Mapping) else None
        del request  # held sealed only (sello._sealed)
        own = explicit if isinstance(explicit, str) else None
        return await self._run(operation, self._client.call, sealed, _call_id=own, _saves=saves)

    async def _run(
        self,
        operation: str,
        function: Callable[..., Result],
        arguments: "Sealed[Arguments]",
        _call_id: Optional[str] = None,
        _saves: Optional[str] = None,
    ) -> Result:
        """Runs ``function(*args, **kwargs)`` (``arguments``, sealed: they may hold secrets) on the
        pool. ``_saves``: the request's ``save_to`` or ``save_dir``, where the library writes the
        outcome."""
        # The caller's id (the request's, else a sello.call_id block's) or, to cancel by, a new one.
        shared = _call_id if _call_id is not None else current_call_id.get()
        call_id = shared if shared is not None else (_cancel.new_call_id() if self._can_cancel else None)
        work = functools.partial(_in_thread, call_id, function, arguments)
        with self._state:
            if self._closing:
                raise local_error(
                    "invalid_argument",
                    "CLIENT_CLOSED",
                    f"the sello.aio.{type(self).__name__} client is closed",
                    service=self._client._service,
                    operation=operation,
                )
            submitted = self._pool.submit(work)
        try:
            return await asyncio.wrap_future(submitted)
        except asyncio.CancelledError:
            # wrap_future has already cancelled `submitted` if no thread had taken it: never sent.
            if submitted.cancel():
                raise
            # Taken by a thread. A call the library never sends twice runs to its end: cancelling
            # it once it may have been sent would lose a certificate issued, an invoice stamped.
            if call_id is not None and self._can_cancel and not submitted.done():
                if not self._leaves_to_run(operation, _saves):
                    loop = asyncio.get_running_loop()
                    _cancel_in_library(loop, self._client, call_id, submitted, _CANCEL_RETRIES, shared is not None)
            # The call may still end with a Result nobody awaits. Runs on that thread when the call
            # ends, or here at once if it has ended already.
            submitted.add_done_callback(functools.partial(self._abandoned, operation, call_id, _saves))
            raise

    def _leaves_to_run(self, operation: str, saves: Optional[str]) -> bool:
        """Whether a call whose task was cancelled runs to its end: sent once, and its outcome has
        somewhere to go (on_abandoned, or the file its request names)."""
        return operation in self._left_to_run or (saves is not None and operation in self._left_to_save)

    def _abandoned(
        self,
        operation: str,
        call_id: Optional[str],
        saves: Optional[str],
        submitted: "concurrent.futures.Future[Result]",
    ) -> None:
        """A call whose task was cancelled has ended: its Result goes to on_abandoned, or a
        WARNING says where the library kept it (its request's save_to or save_dir) or that it was
        dropped; an error that may have reached the service, for an operation sent once, is a
        WARNING too. Names, ids, paths and codes only in the log: the Result may hold secrets (a
        certificate), and no local of this frame holds it."""
        name = f"{self._client._service}.{operation}"
        error = submitted.exception()
        if error is not None:
            _log_ended_with(name, call_id, error, operation in self._sent_once, saves)
            return
        if self._on_abandoned is None and saves is not None:
            _log_saved(name, call_id, saves, *_saved_and_codes(submitted.result()))
            return
        if self._on_abandoned is None:
            _logger.warning(
                "sello.aio: %s (call_id %s) succeeded after its task was cancelled; its result was "
                "dropped (pass on_abandoned= to the client to keep it)",
                name,
                call_id,
            )
            return
        try:
            self._on_abandoned(operation, submitted.result())
        except BaseException as exc:  # noqa: BLE001 - see _hook_failed
            _hook_failed(name, call_id, exc)

    # -- closing ---------------------------------------------------------------------------------
    async def close(self) -> None:
        """Stops accepting calls, waits for the calls in flight, then frees the C handle. Calling
        it again (or concurrently) waits for the same close; cancelling the wait does not stop it."""
        with self._state:
            if self._closed is None:
                self._closing = True
                self._closed = concurrent.futures.Future()
                threading.Thread(
                    target=self._close_in_thread,
                    args=(self._closed,),
                    name=f"sello-aio-close-{self._client._service}",
                    daemon=True,
                ).start()
            closed = self._closed
        await asyncio.shield(asyncio.wrap_future(closed))

    #: contextlib.aclosing() and other asynchronous code look for aclose().
    aclose = close

    def _close_in_thread(self, done: "concurrent.futures.Future[None]") -> None:
        try:
            self._pool.shutdown(wait=True)
            self._client.close()
        except BaseException as exc:  # noqa: BLE001 - handed to whoever awaits close()
            done.set_exception(exc)
        else:
            done.set_result(None)

    async def __aenter__(self: "AsyncClientT") -> "AsyncClientT":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


#: Operations that run a batch: cancelled in the library whatever their items (see _left_to_run).
_BATCHES = ("process_files",)

#: The clients alive in this process (weakly: a client dropped is not kept for this).
_clients: "weakref.WeakSet[AsyncClient[Any]]" = weakref.WeakSet()


def _after_fork_in_child() -> None:
    """include/sello.h: a client made before fork() may be used in the child (os.fork(),
    multiprocessing's fork start method: both run this). Only the thread that forked runs here."""
    for client in list(_clients):
        client._forked()


if hasattr(os, "register_at_fork"):  # not on Windows
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _log_ended_with(
    name: str, call_id: Optional[str], error: BaseException, sent_once: bool, saves: Optional[str] = None
) -> None:
    """How a call whose task was cancelled ended with ``error``: a WARNING when it is sent once and
    its request may have reached the service (not retryable, after a request was sent), else DEBUG.
    Worded from the error itself (a cancel by a shared call_id is a cancel too)."""
    code = getattr(error, "code", None)
    reached = sent_once and isinstance(error, SelloError) and error.may_have_acted
    if not reached:
        _logger.debug(
            "sello.aio: %s (call_id %s) ended with %s %s after its task was cancelled",
            name,
            call_id,
            type(error).__name__,
            code,
        )
        return
    _logger.warning(
        "sello.aio: %s (call_id %s) ended with %s %s after its task was cancelled: its request may have "
        "reached the service (a certificate issued, an invoice stamped, a contract created before the "
        "answer was lost); check with the provider before sending it again%s",
        name,
        call_id,
        type(error).__name__,
        code,
        "" if saves is None else f" (nothing was written to {saves})",
    )


def _log_saved(name: str, call_id: Optional[str], saves: str, saved: List[str], codes: List[str]) -> None:
    """A call left to run for its request's save_to / save_dir (no on_abandoned) succeeded: where
    the library kept its outcome, or that it could not (a WRITE_FAILED, say) and the outcome, which
    nobody awaits, is lost. Paths and warning codes only, never the Result's data."""
    warnings = f" (warnings: {', '.join(codes)})" if codes else ""
    if saved:
        _logger.warning(
            "sello.aio: %s (call_id %s) succeeded after its task was cancelled; its outcome was kept in %s%s",
            name,
            call_id,
            ", ".join(saved),
            warnings,
        )
        return
    _logger.warning(
        "sello.aio: %s (call_id %s) succeeded after its task was cancelled, but nothing was written to %s%s: "
        "its outcome was lost (pass on_abandoned= to the client to keep it)",
        name,
        call_id,
        saves,
        warnings,
    )


def _saved_and_codes(result: Result) -> Tuple[List[str], List[str]]:
    """The files the library wrote (``saved_to``, ``saved_files``) and the Result's warning codes."""
    saved: List[str] = []
    to = result.get("saved_to")
    if isinstance(to, str):
        saved.append(to)
    files = result.get("saved_files")
    if isinstance(files, list):
        saved.extend(f for f in files if isinstance(f, str))
    return saved, result.warning_codes()


def _save_path(request: Mapping[str, Any]) -> Optional[str]:
    """The request's ``save_to`` or ``save_dir`` (a path, not a secret), if it names one."""
    for field in ("save_to", "save_dir"):
        value = request.get(field)
        if value is not None:
            try:
                return os.fsdecode(value)
            except TypeError:  # refused by the library's checks before anything is sent
                return None
    return None


def _bound_save_path(signature: inspect.Signature, arguments: "Sealed[Arguments]") -> Optional[str]:
    """``_save_path`` of a method call's arguments, as the synchronous method would take them."""
    try:
        bound = signature.bind_partial(None, *arguments.value[0], **arguments.value[1])
    except TypeError:  # the synchronous method raises it, before anything is sent
        return None
    return _save_path(bound.arguments)


def _hook_failed(name: str, call_id: Optional[str], exc: BaseException) -> None:
    """on_abandoned raised. Logged as its class and message, without the traceback: its frames hold
    the Result (a certificate) that capture_locals or an error tracker would show. On a pool thread
    even a SystemExit or KeyboardInterrupt stops here: it would end that worker for good (the pool
    never replaces it) and leave later calls waiting; on the event loop's thread (the call had ended
    as its task was cancelled) a KeyboardInterrupt or SystemExit goes on, as Ctrl-C must."""
    _logger.error("sello.aio: on_abandoned raised %s for %s (call_id %s): %s", type(exc).__name__, name, call_id, exc)
    if not isinstance(exc, Exception) and threading.current_thread() is threading.main_thread():
        raise exc


AsyncClientT = TypeVar("AsyncClientT", bound=AsyncClient[Any])


def _in_thread(call_id: Optional[str], function: Callable[..., Result], arguments: "Sealed[Arguments]") -> Result:
    """Runs on a pool thread: the synchronous call, with its call_id in the request when set."""
    if call_id is None:
        return function(*arguments.value[0], **arguments.value[1])
    return contextvars.copy_context().run(_with_call_id, call_id, function, arguments)


def _with_call_id(call_id: str, function: Callable[..., Result], arguments: "Sealed[Arguments]") -> Result:
    current_call_id.set(call_id)
    return function(*arguments.value[0], **arguments.value[1])


def _cancel_in_library(
    loop: asyncio.AbstractEventLoop,
    client: Client,
    call_id: str,
    submitted: "concurrent.futures.Future[Result]",
    retries: int,
    shared: bool = False,
) -> None:
    """Asks the library to cancel the call with ``call_id`` until it reached it, the call ended,
    or the retries are spent. Runs on the event loop (PREFIX_client_cancel only sets a flag).
    With the caller's id (``shared``) reaching a call does not say this one was reached (others
    may carry the id): it goes on until this call ended or the retries are spent."""
    if submitted.done():
        return
    try:
        reached = _cancel.cancel(client, call_id)
    except Exception:  # noqa: BLE001 - the task is cancelled already; this is only housekeeping
        _logger.exception("sello.aio: cancelling call %s in the library failed", call_id)
        return
    if (shared or not reached) and retries > 0 and not submitted.done():
        loop.call_later(
            _CANCEL_RETRY_SECONDS, _cancel_in_library, loop, client, call_id, submitted, retries - 1, shared
        )


def _coroutine_method(owner: type, operation: str, sync_method: Callable[..., Result]) -> Callable[..., Any]:
    """The coroutine version of a synchronous operation method: same name, arguments and
    documentation; the call runs on the client's pool."""

    signature = inspect.signature(sync_method)

    async def method(self: AsyncClient[Any], *args: Any, **kwargs: Any) -> Result:
        arguments: Sealed[Arguments] = Sealed((args, kwargs))
        del args, kwargs  # held sealed only (sello._sealed)
        saves = _bound_save_path(signature, arguments)
        return await self._run(operation, getattr(self._client, operation), arguments, _saves=saves)

    method.__name__ = operation
    method.__qualname__ = f"{owner.__name__}.{operation}"
    method.__module__ = owner.__module__
    method.__doc__ = sync_method.__doc__
    # setattr: mypy does not know functions have a __signature__ attribute.
    setattr(method, "__signature__", signature)  # noqa: B010
    return method
