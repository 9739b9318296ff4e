"""Interrupts during a call: Ctrl-C (KeyboardInterrupt), SystemExit and the like.

ctypes cannot carry an exception out of a callback: it prints what escapes and drops it, and the
call goes on. So an exception that is not an :class:`Exception`, raised in a progress or log
callback (or in the logging handlers the library's lines reach), is remembered for the call in
flight on its thread, that call is cancelled through the library (``PREFIX_client_cancel`` with
the call's own ``call_id``: only that call), and ``_invoke`` raises it once the C call returns —
the interrupt wins over the call's CANCELLED envelope. A real SIGINT raises its KeyboardInterrupt
at the first bytecode the main thread runs next, which during a call is a trampoline's first
line, outside any ``try``; and during a call that runs no Python code (no callback: the default),
at the first bytecode after the C call returns, before its envelope is kept. So while the main
thread is inside a call, the Python-level handlers of SIGINT, SIGTERM and the other signals of
``_SIGNALS`` (those that are Python callables, as SIGINT's default is) are wrapped by a relay that
runs them and treats what they raise the same way, an ordinary exception too: a job queue's time
limit (RQ's JobTimeoutException on SIGALRM, Celery's SoftTimeLimitExceeded on SIGUSR1, gunicorn's
SystemExit on SIGABRT) is as much an interrupt as Ctrl-C, and the call's outcome goes with it
(``sello_outcome``). They are put back when the call ends.
"""

from __future__ import annotations

import importlib
import logging
import signal
import threading
from types import FrameType
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

from . import _abi
from .errors import SelloError, error_from_envelope
from .result import Result

__all__ = ["Call", "begin", "relay_signals", "end", "interrupted", "keep_outcome"]

_logger = logging.getLogger("sello")
_local = threading.local()
#: The signals whose handlers end or stop work: Ctrl-C, a shutdown, and the time limits of job
#: queues (RQ's SIGALRM, Celery's SIGUSR1, gunicorn's SIGABRT, SIGXCPU from RLIMIT_CPU, the
#: profiling timers). Each costs a read of its handler per call (some 0.05 µs), and one that has
#: a Python handler two more system calls (wrapping and putting back, ~0.5 µs each); the signals
#: that report events (SIGCHLD, SIGWINCH, SIGPIPE, SIGCONT, SIGTTIN, ...), whose handlers do not
#: raise, are left out.
_SIGNALS = tuple(
    int(getattr(signal, name))
    for name in (
        "SIGINT",
        "SIGTERM",
        "SIGALRM",
        "SIGUSR1",
        "SIGUSR2",
        "SIGHUP",
        "SIGQUIT",
        "SIGABRT",
        "SIGVTALRM",
        "SIGPROF",
        "SIGXCPU",
    )
    if hasattr(signal, name)
)


def _signal_functions() -> Any:
    """CPython's _signal: the functions signal wraps to turn numbers into enums, which made them
    some 2 µs each (of a call's cost) instead of 0.05 to 0.3 µs."""
    try:
        return importlib.import_module("_signal")
    except ImportError:  # another Python
        return signal


_raw = _signal_functions()

#: signal number -> (the handler it had, the relay put in its place)
Relayed = Dict[int, Tuple[Any, "_Relay"]]


class Call:
    """One call of the binding in flight on this thread. Its fields start as these class
    attributes: no __init__ to run (issue 13: with begin() and end() reading the stack at once,
    some 2,300 instructions a call)."""

    #: Cancels this call in the library; None while it is not inside the C call.
    cancel: Optional[Callable[[], None]] = None
    #: The interrupt to raise once the C call returns.
    interrupt: Optional[BaseException] = None
    #: The signal handlers relayed meanwhile (relay_signals).
    relayed: Optional[Relayed] = None

    def record(self, exc: BaseException) -> None:
        if self.interrupt is None:
            self.interrupt = exc
        # Once only: cancelling may log a line, whose callback may raise again.
        cancel, self.cancel = self.cancel, None
        if cancel is not None:
            try:
                cancel()
            except Exception:  # noqa: BLE001 - the interrupt is raised anyway when the call ends
                _logger.exception("sello: cancelling the interrupted call failed; it runs to its end")


def _stack() -> List[Call]:
    stack: Optional[List[Call]] = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


def begin() -> Call:
    """Counts a call on this thread (end() in a ``finally`` ends it)."""
    call = Call()
    try:
        _local.stack.append(call)
    except AttributeError:  # this thread's first call
        _local.stack = [call]
    return call


def relay_signals(call: Call) -> None:
    """While ``call`` is in flight, on the main thread and outside any other call of the binding,
    relays the handlers of _SIGNALS: for every call, also one that runs no Python code meanwhile,
    whose signal would otherwise be raised between the C call's return and the keeping of its
    envelope (the outcome lost, the envelope never freed)."""
    stack = _stack()
    if len(stack) == 1 and stack[0] is call:
        call.relayed = _relay_signals()


def end(call: Call) -> None:
    """Ends what begin() began: puts the signal handlers back, forgets the call."""
    relayed = call.relayed
    if relayed:
        call.relayed = None
        _restore(relayed)
    stack: List[Call] = _local.stack  # begin() made it on this thread
    if stack and stack[-1] is call:
        stack.pop()
    elif call in stack:
        stack.remove(call)


def interrupted(exc: BaseException) -> bool:
    """From a callback trampoline: ``exc`` (not an Exception) escaped the callback. Remembers it
    for the innermost call in flight on this thread and cancels that call; False when this thread
    is in no call of the binding (nothing to cancel, nowhere to raise it)."""
    stack: Optional[List[Call]] = getattr(_local, "stack", None)
    if not stack:
        return False
    stack[-1].record(exc)
    return True


def keep_outcome(interrupt: BaseException, service: str, operation: str, envelope: Dict[str, Any]) -> None:
    """The call ended before its interrupt is raised: its outcome — a certificate issued, a
    stamp, or the error that says the request may have reached the service — goes with the
    interrupt (``sello_outcome``) instead of being thrown away, and for an operation the library
    never sends twice a WARNING says so (names only, never the data)."""
    outcome: Union[Result, SelloError] = (
        Result(envelope) if envelope.get("ok") is True else error_from_envelope(envelope)
    )
    del envelope  # only in the outcome (sello._sealed: no secret in a plain local)
    setattr(interrupt, "sello_outcome", outcome)  # noqa: B010 - an attribute of any exception
    name = f"{service}.{operation}"
    if hasattr(interrupt, "add_note"):  # Python 3.11+
        interrupt.add_note(f"sello: {name} had ended; its outcome is this exception's sello_outcome")
    acted = isinstance(outcome, Result) or outcome.may_have_acted
    if acted and operation in _abi.SENT_ONCE.get(service, frozenset()):
        _logger.warning(
            "sello: %s ended (%s) before the %s was raised: the service may have acted on it; the "
            "outcome is kept in the exception's sello_outcome",
            name,
            "ok" if isinstance(outcome, Result) else f"{type(outcome).__name__} {outcome.code}",
            type(interrupt).__name__,
        )


class _Relay:
    """A signal handler that runs the one it replaced; what that raises during a call is
    remembered for the calls in flight on the main thread, which are cancelled, instead of being
    raised where ctypes would drop it."""

    __slots__ = ("previous",)

    def __init__(self, previous: Callable[[int, Optional[FrameType]], Any]) -> None:
        self.previous = previous

    def __call__(self, signum: int, frame: Optional[FrameType]) -> None:
        try:
            self.previous(signum, frame)
        except BaseException as exc:
            stack: List[Call] = list(getattr(_local, "stack", None) or ())
            if not stack:
                raise  # no call in flight any more: raised here as it would be without the relay
            for call in reversed(stack):
                call.record(exc)


def _relay_signals() -> Optional[Relayed]:
    if threading.current_thread() is not threading.main_thread():
        return None  # Python runs signal handlers on the main thread only
    relayed: Relayed = {}
    getsignal = _raw.getsignal
    for signum in _SIGNALS:
        previous = getsignal(signum)  # SIG_DFL, SIG_IGN (ints) or None (set from C): left alone
        if callable(previous) and not isinstance(previous, _Relay):
            relay = _Relay(previous)
            try:
                _raw.signal(signum, relay)
            except (ValueError, OSError):  # not the main interpreter
                continue
            relayed[signum] = (previous, relay)
    return relayed or None


def _restore(relayed: Relayed) -> None:
    for signum, (previous, relay) in relayed.items():
        if _raw.getsignal(signum) is relay:  # a callback may have set its own meanwhile: kept
            _raw.signal(signum, previous)
