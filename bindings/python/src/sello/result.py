"""The successful answer of an operation."""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional

__all__ = ["Result", "unwrap"]


class Result:
    """An ``ok: true`` envelope.

    ``data`` is the operation's payload (a dict for most operations; a list or a string for some
    Firma Virtual ones). For convenience a Result reads like its data: ``result["uuid"]``,
    ``result.get("saved_to")``, ``"xml" in result``, ``len(result)``, ``for x in result``.
    ``warnings`` lists the non-fatal remarks (each a dict with kind, code, message, field),
    ``meta`` the call's facts (service, operation, http_status, attempts, elapsed_ms), and
    ``envelope`` the whole JSON answer.
    """

    __slots__ = ("data", "warnings", "meta", "envelope")

    def __init__(self, envelope: Dict[str, Any]) -> None:
        self.envelope: Dict[str, Any] = envelope
        self.data: Any = envelope.get("data")
        self.warnings: List[Dict[str, Any]] = list(envelope.get("warnings") or [])
        self.meta: Dict[str, Any] = dict(envelope.get("meta") or {})

    @property
    def ok(self) -> bool:
        return True

    @property
    def attempts(self) -> int:
        return int(self.meta.get("attempts") or 0)

    @property
    def http_status(self) -> Optional[int]:
        return self.meta.get("http_status")

    def warning_codes(self) -> List[str]:
        return [str(w.get("code")) for w in self.warnings]

    def __getitem__(self, key: Any) -> Any:
        return self.data[key]

    def get(self, key: Any, default: Any = None) -> Any:
        if isinstance(self.data, dict):
            return self.data.get(key, default)
        return default

    def __contains__(self, key: Any) -> bool:
        return isinstance(self.data, (dict, list, str)) and key in self.data

    def __iter__(self) -> Iterator[Any]:
        if isinstance(self.data, (dict, list)):
            return iter(self.data)
        return iter(())

    def __len__(self) -> int:
        return len(self.data) if isinstance(self.data, (dict, list, str)) else 0

    def __bool__(self) -> bool:
        return True

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Result):
            return self.envelope == other.envelope
        return bool(self.data == other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        meta = self.meta
        return (
            f"Result({meta.get('service')}.{meta.get('operation')}, data={_short(self.data)}, "
            f"warnings={self.warning_codes()})"
        )


def _short(value: Any) -> str:
    text = repr(_without_documents(value))
    return text if len(text) <= 200 else text[:197] + "..."


def _without_documents(value: Any) -> Any:
    """``value`` with every text over 64 characters — an issued certificate, an XML, a PDF, a key:
    secrets or documents — shown as its length only."""
    if isinstance(value, str) and len(value) > 64:
        return _Length(len(value))
    if isinstance(value, dict):
        return {key: _without_documents(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_documents(item) for item in value]
    return value


class _Length(int):
    def __repr__(self) -> str:
        return f"<{int(self)} chars>"


def unwrap(envelope: Dict[str, Any]) -> Result:
    """A Result for an ``ok: true`` envelope; raises the matching SelloError subclass otherwise.

    Useful for the per-item envelopes of ``CFDI.process_files`` (``data["results"]``).
    """
    from .errors import error_from_envelope

    if envelope.get("ok") is True:
        return Result(envelope)
    raise error_from_envelope(envelope)
