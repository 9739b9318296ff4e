"""sello — one Python interface to three Latin-American e-signature and e-invoicing services.

* :class:`FES` — Certificadora del Sur (Chile): digital certificates for SII tax documents.
* :class:`FirmaVirtual` — Firma Virtual (Chile): users, contracts, PDF documents, signers.
* :class:`CFDI` — Prodigia / PADE (Mexico): CFDI stamping, cancellation, receipts, XML.
* :func:`check_rut`, :func:`find_comuna`, :func:`check_rfc`, :func:`fes_check_request`,
  :func:`cfdi_inspect_csd`, :func:`fv_parse_callback` — local helpers, nothing is sent.

Every operation returns a :class:`Result` (``.data``, ``.warnings``, ``.meta``) or raises a
:class:`SelloError` subclass. The binding wraps ``libsello.so`` through ctypes; the library is
found through ``SELLO_LIB``, then the package folder, then the system (see :func:`load_library`).
"""

from __future__ import annotations

from ._abi import VERSION as _VERSION
from ._client import LOG_DEBUG, LOG_ERROR, LOG_INFO, LOG_WARNING, LogCallback, ProgressCallback, call_id
from ._lib import ABI_VERSION, AbiVersionError, LibraryError
from ._lib import load as _load
from .cfdi import CFDI, cfdi_inspect_csd
from .errors import (
    AuthError,
    CallCancelledError,
    FileError,
    HTTPError,
    InternalError,
    InvalidArgumentError,
    ProtocolError,
    SelloError,
    ServiceError,
    TimeoutError,
    TransportError,
    ValidationError,
)
from .fes import FES, fes_check_request
from .firma_virtual import FirmaVirtual, fv_parse_callback
from .helpers import abi_version, check_rfc, check_rut, find_comuna, library_path, version
from .result import Result, unwrap

#: include/sello.h's SELLO_VERSION_MAJOR.MINOR.PATCH (through the generated _abi module).
__version__ = _VERSION

__all__ = [
    "FES",
    "FirmaVirtual",
    "CFDI",
    "check_rut",
    "find_comuna",
    "check_rfc",
    "fes_check_request",
    "cfdi_inspect_csd",
    "fv_parse_callback",
    "version",
    "abi_version",
    "library_path",
    "load_library",
    "call_id",
    "Result",
    "unwrap",
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
    "LibraryError",
    "AbiVersionError",
    "ABI_VERSION",
    "LOG_DEBUG",
    "LOG_INFO",
    "LOG_WARNING",
    "LOG_ERROR",
    "ProgressCallback",
    "LogCallback",
]


def load_library(path: "str | None" = None) -> str:
    """Loads libsello.so now instead of on first use, optionally from an explicit path, and
    returns the path loaded. Without a path: SELLO_LIB, then the package folder, then the system.
    Raises LibraryError (not found) or AbiVersionError (sello_abi_version() is not ABI_VERSION)."""
    return _load(path).path
