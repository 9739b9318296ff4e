"""sello.aio.FES, FirmaVirtual and CFDI: each made from its synchronous class's operation table by
AsyncClient.__init_subclass__. Their typed signatures are in _clients.pyi, generated from the
synchronous classes by _stubgen.py (a test checks that it is up to date)."""

from __future__ import annotations

from .. import cfdi as _cfdi
from .. import fes as _fes
from .. import firma_virtual as _firma_virtual
from ._base import AsyncClient

__all__ = ["FES", "FirmaVirtual", "CFDI"]


class FES(AsyncClient[_fes.FES]):
    """The asynchronous :class:`sello.FES`: the same keyword arguments plus ``max_concurrency``
    (default 16), ``on_abandoned`` and ``cancel_sent_once``, the same methods as coroutines. See
    :class:`sello.aio.AsyncClient` (``obtain_certificate`` is sent once: with ``on_abandoned`` or
    ``save_to``, not cancelled with its task)."""

    _sync_class = _fes.FES


class FirmaVirtual(AsyncClient[_firma_virtual.FirmaVirtual]):
    """The asynchronous :class:`sello.FirmaVirtual`: the same keyword arguments plus
    ``max_concurrency`` (default 16), ``on_abandoned`` and ``cancel_sent_once``, the same methods
    as coroutines."""

    _sync_class = _firma_virtual.FirmaVirtual


class CFDI(AsyncClient[_cfdi.CFDI]):
    """The asynchronous :class:`sello.CFDI`: the same keyword arguments plus ``max_concurrency``
    (default 16), ``on_abandoned`` and ``cancel_sent_once``, the same methods as coroutines."""

    _sync_class = _cfdi.CFDI
