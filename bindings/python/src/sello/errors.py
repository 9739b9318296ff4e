"""Exceptions: one class per ``error.kind`` of the envelope (see docs/errors.md).

Every exception carries the whole error: ``kind``, ``code`` (stable UPPER_SNAKE name),
``service_code`` (the service's own number or None), ``message``, ``field``, ``retryable`` (the
very same request may be sent again safely), ``details`` (e.g. ``retry_after_ms``, ``problems``),
``meta`` (``attempts``, ``http_status``...) and the full ``envelope``.
"""

from __future__ import annotations

import builtins
from typing import Any, Dict, List, Optional, Type

__all__ = [
    "SelloError",
    "InvalidArgumentError",
    "ValidationError",
    "AuthError",
    "ServiceError",
    "HTTPError",
    "TimeoutError",
    "TransportError",
    "ProtocolError",
    "FileError",
    "InternalError",
    "CallCancelledError",
    "error_from_envelope",
]


class SelloError(Exception):
    """Base class of every error the library reports (an envelope with ``ok: false``)."""

    #: The envelope's error.kind this class stands for.
    KIND = ""

    def __init__(self, envelope: Dict[str, Any]) -> None:
        error = envelope.get("error") or {}
        self.envelope: Dict[str, Any] = envelope
        self.kind: str = str(error.get("kind") or self.KIND or "internal")
        self.code: str = str(error.get("code") or "UNKNOWN")
        self.service_code: Optional[int] = error.get("service_code")
        self.message: str = str(error.get("message") or "")
        self.field: Optional[str] = error.get("field")
        self.retryable: bool = bool(error.get("retryable", False))
        self.details: Dict[str, Any] = dict(error.get("details") or {})
        self.meta: Dict[str, Any] = dict(envelope.get("meta") or {})
        super().__init__(self._text())

    def _text(self) -> str:
        where = f" (field {self.field})" if self.field else ""
        number = f" [{self.service_code}]" if self.service_code is not None else ""
        return f"{self.kind} {self.code}{number}: {self.message}{where}"

    def __str__(self) -> str:
        return self._text()

    def __reduce__(self) -> Any:
        return (type(self), (self.envelope,))

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, service_code={self.service_code!r}, "
            f"field={self.field!r}, retryable={self.retryable!r})"
        )

    @property
    def attempts(self) -> int:
        """HTTP requests sent for the call (0: nothing was sent)."""
        return int(self.meta.get("attempts") or 0)

    @property
    def may_have_acted(self) -> bool:
        """Whether the service may have acted on the request although the call failed: a request
        was sent and the library says it may not simply be sent again (not ``retryable``), e.g. a
        certificate call that timed out after sending."""
        return not self.retryable and self.attempts > 0

    @property
    def http_status(self) -> Optional[int]:
        return self.meta.get("http_status")

    @property
    def retry_after_ms(self) -> Optional[int]:
        """The service's Retry-After, in milliseconds, when it sent one that was not waited for."""
        value = self.details.get("retry_after_ms")
        return int(value) if value is not None else None

    @property
    def problems(self) -> List[Dict[str, Any]]:
        """Every problem found by a local validation (the first one is this error)."""
        return list(self.details.get("problems") or [])


class InvalidArgumentError(SelloError):
    """The input is unusable (not JSON, wrong type, unknown field, bad configuration). Nothing was sent."""

    KIND = "invalid_argument"


class ValidationError(SelloError):
    """Well-formed input that breaks a rule of the service, checked locally. Nothing was sent."""

    KIND = "validation"


class AuthError(SelloError):
    """The service rejected the credentials or the token."""

    KIND = "auth"


class ServiceError(SelloError):
    """A business error of the service (FES estado FAIL, Prodigia codigo != 0, FV status error)."""

    KIND = "service"


class HTTPError(SelloError):
    """An HTTP status the service does not document, with no business error in the body."""

    KIND = "http"


class TimeoutError(SelloError, builtins.TimeoutError):  # noqa: A001 - deliberately also the builtin
    """No complete answer in time. Also a builtin ``TimeoutError``. ``retryable`` is False when the
    request may have reached the service (a certificate, stamp or contract may exist)."""

    KIND = "timeout"


class TransportError(SelloError):
    """DNS, connect, TLS, connection reset or a truncated answer."""

    KIND = "transport"


class ProtocolError(SelloError):
    """The service answered something that is not its documented format (or too large)."""

    KIND = "protocol"


class FileError(SelloError):
    """A local file could not be read or written (error.kind "io")."""

    KIND = "io"


class InternalError(SelloError):
    """A bug or an unimplemented operation in the library."""

    KIND = "internal"


class CallCancelledError(SelloError):
    """The call was cancelled before it finished (error.kind "cancelled", API.md §6:
    PREFIX_client_cancel, or the cancelled task of a sello.aio call). The message says whether the
    request may have reached the service; ``retryable`` follows the operation's replay policy.
    Not asyncio.CancelledError: sello.aio re-raises that one in the task that was cancelled."""

    KIND = "cancelled"


_BY_KIND: Dict[str, Type[SelloError]] = {
    cls.KIND: cls
    for cls in (
        InvalidArgumentError,
        ValidationError,
        AuthError,
        ServiceError,
        HTTPError,
        TimeoutError,
        TransportError,
        ProtocolError,
        FileError,
        InternalError,
        CallCancelledError,
    )
}


def error_from_envelope(envelope: Dict[str, Any]) -> SelloError:
    """The exception for an ``ok: false`` envelope (SelloError itself for an unknown kind)."""
    kind = str((envelope.get("error") or {}).get("kind") or "")
    return _BY_KIND.get(kind, SelloError)(envelope)


def local_error(
    kind: str, code: str, message: str, *, service: str = "", operation: str = "", field: Optional[str] = None
) -> SelloError:
    """An error raised by the binding itself (e.g. a closed client), shaped like the library's."""
    envelope = {
        "ok": False,
        "error": {
            "kind": kind,
            "code": code,
            "service_code": None,
            "message": message,
            "field": field,
            "retryable": False,
        },
        "meta": {"service": service, "operation": operation, "http_status": None, "attempts": 0, "elapsed_ms": 0},
    }
    return error_from_envelope(envelope)
