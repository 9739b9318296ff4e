"""A request, a configuration or an encoded payload held where a traceback cannot show it.

Error reporters read the local variables of every frame an exception leaves (Sentry's
include_local_variables, pytest --showlocals, rich, ``traceback.TracebackException(...,
capture_locals=True)``) through ``repr()``: a request dict or its JSON bytes would show clave,
claveCertificado, passwords and keys. The binding keeps them in a :class:`Sealed` (neither a
Mapping nor bytes, with a masked repr) and deletes the parameters they were built from.
"""

from __future__ import annotations

from typing import Any, Generic, Mapping, TypeVar, Union

__all__ = ["Sealed", "sealed", "unseal"]

T = TypeVar("T")


class Sealed(Generic[T]):
    __slots__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "<sello: hidden (may hold secrets)>"

    __str__ = __repr__


def sealed(value: Mapping[str, Any]) -> Sealed[Mapping[str, Any]]:
    """A request or configuration, sealed."""
    return Sealed(value)


def unseal(value: Union[Mapping[str, Any], Sealed[Mapping[str, Any]]]) -> Mapping[str, Any]:
    return value.value if isinstance(value, Sealed) else value
