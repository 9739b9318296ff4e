"""Cancelling a call in flight: ``PREFIX_client_cancel(client, call_id)`` (API.md §6,
"Cancelling a call in flight").

A request may carry the library-only field ``call_id``; ``char *fes_client_cancel(fes_client *,
const char *call_id)`` (and ``fv_``, ``cfdi_``) makes the calls in flight with that id return within
100 ms with an error of kind ``cancelled`` (every call in flight when ``call_id`` is NULL) and
answers an envelope whose ``data.cancelled`` says how many it reached.

This is the one place of the binding that talks to that C function. It finds it by name in the
loaded library: a library without it (today's, before issue 14's C part) makes :func:`supported`
False, and then sello.aio sends no ``call_id`` at all (such a library refuses unknown request
fields) and a cancelled task lets its call run to its end on the pool's thread, its Result handed to the
client's ``on_abandoned`` (or logged as dropped).
"""

from __future__ import annotations

import ctypes
import itertools
import os
from typing import Any, Dict, Optional

from . import _abi
from ._client import Client

__all__ = ["CANCEL_FUNCTIONS", "supported", "cancel", "new_call_id"]

#: service -> the C function that cancels calls of that service's clients (from include/sello.h).
CANCEL_FUNCTIONS: Dict[str, str] = {service: names["cancel"] for service, names in _abi.CLIENT_FUNCTIONS.items()}

_counter = itertools.count(1)
_PREFIX = f"aio-{os.getpid()}-{os.urandom(4).hex()}"


def new_call_id() -> str:
    """A call id unique in this process (and, in practice, between processes)."""
    return f"{_PREFIX}-{next(_counter)}"


def _function(client: Client) -> Optional[Any]:
    name = CANCEL_FUNCTIONS.get(client._service)
    if name is None:
        return None
    try:
        function = getattr(client._lib.cdll, name)
    except AttributeError:  # a library without cancellation
        return None
    function.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    function.restype = ctypes.c_void_p  # owned envelope: c_void_p, never c_char_p
    return function


def supported(client: Client) -> bool:
    """Whether the loaded library can cancel this client's calls (it exports PREFIX_client_cancel)."""
    return _function(client) is not None


def cancel(client: Client, call_id: Optional[str]) -> Optional[int]:
    """Cancels the calls in flight on ``client`` whose request carried ``call_id`` (every call in
    flight when None). Returns how many the library reached (``data.cancelled``; 0 when none was in
    flight, or the client is closed), or None when the library cannot cancel. Raises the
    SelloError of an error envelope."""
    if not supported(client):
        return None
    return client.cancel_calls(call_id)
