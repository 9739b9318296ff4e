"""sello.aio — asynchronous clients for asyncio (and uvloop).

>>> async with sello.aio.CFDI(usuario="...", password="...", contrato="...") as cfdi:
...     results = await asyncio.gather(*(cfdi.get_by_uuid(uuid=u) for u in uuids))

:class:`FES`, :class:`FirmaVirtual` and :class:`CFDI` take the synchronous clients' keyword
arguments plus ``max_concurrency`` (default 16), ``on_abandoned`` and ``cancel_sent_once`` (see
below), and have the
same methods as coroutines, made from the synchronous classes' operation tables: same arguments,
same :class:`sello.Result`, same exceptions (:class:`sello.ValidationError`,
:class:`sello.AuthError`, ...). Each client runs its calls on a thread pool of its own,
``max_concurrency`` threads: 16 concurrent awaits of a 500 ms call take about 0.5 s.
``async with`` closes the client (waiting for the calls in flight). Cancelling an awaiting task:
see :class:`AsyncClient` — a call in flight is cancelled in the library, except, on a client given
``on_abandoned``, an operation the library never sends twice (a certificate, a stamp, a contract:
``sello._abi.SENT_ONCE``; not a batch), which runs to its end unless the client has
``cancel_sent_once=True``. A call that still succeeds after its task was cancelled goes to
``on_abandoned(operation, result)`` when given (:data:`AbandonedCallback`), else a WARNING on the
``sello.aio`` logger names it.
"""

from __future__ import annotations

from ._base import DEFAULT_MAX_CONCURRENCY, AbandonedCallback, AsyncClient
from ._clients import CFDI, FES, FirmaVirtual

__all__ = ["FES", "FirmaVirtual", "CFDI", "AsyncClient", "AbandonedCallback", "DEFAULT_MAX_CONCURRENCY"]
