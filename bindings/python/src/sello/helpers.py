"""The local helpers of include/sello.h: no client, nothing is sent."""

from __future__ import annotations

from . import _lib
from ._client import call_helper
from .result import Result

__all__ = ["check_rut", "find_comuna", "check_rfc", "version", "abi_version", "library_path"]


def check_rut(rut: str) -> Result:
    """Validates and normalises a Chilean RUT (``sello_check_rut``): data {"valid", "normalized",
    "formatted", "body", "check_digit"}. An invalid RUT raises ValidationError RUT_INVALIDO (106)."""
    return call_helper("sello_check_rut", {"rut": rut})


def find_comuna(comuna: str) -> Result:
    """Looks up a Chilean comuna ignoring case and accents (``sello_find_comuna``): data {"name",
    "cut", "province_cut", "region": {"id", "name", "iso_code"}}. Not found: ValidationError
    COMUNA_NO_ENCONTRADA (112), suggestions in ``.details["suggestions"]``."""
    return call_helper("sello_find_comuna", {"comuna": comuna})


def check_rfc(rfc: str) -> Result:
    """Checks a Mexican RFC (``sello_check_rfc``): data {"valid", "rfc", "type", "date",
    "check_digit_ok", "generic"}. A wrong check digit is a warning (RFC_CHECK_DIGIT); a malformed
    RFC raises ValidationError RFC_INVALIDO."""
    return call_helper("sello_check_rfc", {"rfc": rfc})


def version() -> str:
    """The loaded library's version (``sello_version``), e.g. "0.1.0"."""
    return _lib.get().version()


def abi_version() -> int:
    """The loaded library's ABI version (``sello_abi_version``)."""
    return _lib.get().abi_version()


def library_path() -> str:
    """The path of the loaded libsello.so."""
    return _lib.get().path
