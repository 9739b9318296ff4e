"""Cancelling calls from the synchronous clients: sello.call_id() tags the calls of a block,
client.cancel_calls() cancels them from another thread (or a callback)."""

from __future__ import annotations

import threading
import time
from typing import Any, Dict

import sello
from sello_fixtures import CFDI_STATUS as STATUS
from sello_fixtures import EMISOR, GHOST_UUID, RECEPTOR

GHOST = {"uuid": GHOST_UUID, "rfcEmisor": EMISOR, "rfcReceptor": RECEPTOR, "total": "1160.00"}


def test_a_tagged_call_is_cancelled_from_another_thread(sandbox, cfdi_config) -> None:
    sandbox.fault("delay", ms=5000, prefix=STATUS)
    outcome: Dict[str, Any] = {}
    with sello.CFDI(**cfdi_config) as cfdi:

        def held() -> None:
            with sello.call_id("the-report"):
                try:
                    cfdi.get_status(**GHOST)
                except sello.SelloError as error:
                    outcome["error"] = error

        worker = threading.Thread(target=held)
        worker.start()
        deadline = time.monotonic() + 10
        while not sandbox.requests(STATUS):
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert cfdi.cancel_calls("someone-else") == 0
        assert cfdi.cancel_calls("the-report") == 1
        worker.join(timeout=10)
        assert cfdi.cancel_calls() == 0  # nothing in flight any more
        assert cfdi.get_status(**GHOST)["consultaOk"] is True  # untagged, not cancelled
    error = outcome["error"]
    assert type(error) is sello.CallCancelledError and error.retryable is True
    assert [dict(r["query"]).get("call_id") for r in sandbox.requests(STATUS)] == [None, None]


def test_cancel_calls_on_a_closed_client_reaches_nothing(cfdi_config) -> None:
    cfdi = sello.CFDI(**cfdi_config)
    cfdi.close()
    assert cfdi.cancel_calls() == 0
