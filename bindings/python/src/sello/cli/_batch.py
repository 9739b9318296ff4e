"""One CFDI operation over many items, in input order, with progress.

Two ways, chosen per operation (``Operation.batch`` in _cfdi.py):

* the library's batch, ``cfdi_process_files``: the items go out concurrently over one curl multi
  handle, in one call (up to LIBRARY_BATCH_LIMIT items each). Its ``"operation"`` field names the
  operation of the items (API.md §7). The library reports the items finished through the progress
  callback, which moves the bar. The call runs on a worker thread tagged with a call id, so that
  Ctrl-C in the main thread cancels it (``cfdi.cancel_calls``): the items that finished keep their
  results, the others end as cancelled, and the command exits 130.
* concurrent calls of the operation on one client, ``concurrency`` threads (ctypes releases the
  GIL): for the operations the batch does not carry (get_cancellation_receipt). The bar moves by
  an item.

Either way the result is one envelope per item, in input order; a failed item is its error
envelope and does not stop the others. Ctrl-C raises ``Interrupted`` (a KeyboardInterrupt) holding
every item's envelope as far as it is known: the finished ones as they came, the library's
cancelled ones (its message says whether the request may have reached the service), the items
never sent, and, should an answer be lost to the interrupt itself, a cancelled error saying that
the request may have reached the service.
"""

from __future__ import annotations

import concurrent.futures
import uuid
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence

from .. import CFDI
from .. import call_id as call_id_block
from ..errors import SelloError

#: cfdi_process_files takes at most this many items per call.
LIBRARY_BATCH_LIMIT = 10_000

Advance = Callable[[int], None]


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a batch: ``envelopes`` holds one envelope per item, in input order."""

    def __init__(self, envelopes: List[Dict[str, Any]]) -> None:
        super().__init__("interrupted")
        self.envelopes = envelopes


class _PartInterrupted(KeyboardInterrupt):
    """Ctrl-C during one cfdi_process_files call, which returned these results once cancelled."""

    def __init__(self, results: List[Dict[str, Any]]) -> None:
        super().__init__("interrupted")
        self.results = results


NOT_SENT = "interrupted (Ctrl-C) before its request was sent; nothing was sent"
UNKNOWN = (
    "interrupted (Ctrl-C) while its request may have been in flight, and its answer was not received: it "
    "may have reached the service; check with the provider before sending it again"
)
#: how a cancelled item ended, in the tables (cancelled_outcome)
NOT_SENT_LABEL = "cancelled: not sent"
REACHED_LABEL = "cancelled after it was sent: may have reached the service"


def cancelled(operation: str, message: str, sent: bool) -> Dict[str, Any]:
    """A cancelled item's envelope made by the command, shaped as the library's."""
    return {
        "ok": False,
        "error": {
            "kind": "cancelled",
            "code": "CANCELLED",
            "service_code": None,
            "message": message,
            "field": None,
            "retryable": not sent,
        },
        "warnings": [],
        "meta": {"service": "cfdi", "operation": operation, "http_status": None, "attempts": None if sent else 0},
    }


def cancelled_outcome(envelope: Mapping[str, Any]) -> Optional[str]:
    """How a cancelled item ended, in words (None for an item that is not cancelled): not sent,
    or cancelled after its request was sent, when it may have reached the service (the library's
    rule: not retryable, a request sent) or when it is safe to send again (a read)."""
    error = envelope.get("error") or {}
    if envelope.get("ok") is True or error.get("kind") != "cancelled":
        return None
    if (envelope.get("meta") or {}).get("attempts") == 0:
        return NOT_SENT_LABEL
    if error.get("retryable") is False:
        return REACHED_LABEL
    return "cancelled after it was sent (safe to send again)"


def run(
    cfdi: CFDI, operation: str, batch: bool, requests: Sequence[Mapping[str, Any]], concurrency: int, advance: Advance
) -> List[Dict[str, Any]]:
    """The envelope of each request, in input order."""
    if batch:
        return library_batch(cfdi, operation, requests, concurrency, advance)
    return concurrent_calls(cfdi, operation, requests, concurrency, advance)


def library_batch(
    cfdi: CFDI, operation: str, requests: Sequence[Mapping[str, Any]], concurrency: int, advance: Advance
) -> List[Dict[str, Any]]:
    """Through cfdi_process_files. A refused batch (its own invalid_argument) raises; Ctrl-C raises
    Interrupted."""
    envelopes: List[Dict[str, Any]] = []
    in_flight = 0  # items of the call running when Ctrl-C came
    try:
        for start in range(0, len(requests), LIBRARY_BATCH_LIMIT):
            part = [dict(request) for request in requests[start : start + LIBRARY_BATCH_LIMIT]]
            body: Dict[str, Any] = {"items": part, "concurrency": concurrency}
            if operation != "process_file":  # the default
                body["operation"] = operation
            in_flight = len(part)
            results = _cancellable_batch(cfdi, body, advance)
            if len(results) != len(part):
                raise RuntimeError(f"cfdi_process_files answered {len(results)} results for {len(part)} items")
            envelopes, in_flight = envelopes + results, 0
    except KeyboardInterrupt as interrupt:
        results = interrupt.results if isinstance(interrupt, _PartInterrupted) else []
        if in_flight and len(results) == in_flight:
            envelopes.extend(results)
        else:  # the answer of the call running was lost to the interrupt
            envelopes.extend(cancelled(operation, UNKNOWN, True) for _ in range(in_flight))
        envelopes.extend(cancelled(operation, NOT_SENT, False) for _ in range(len(requests) - len(envelopes)))
        raise Interrupted(envelopes) from None
    return envelopes


def _cancellable_batch(cfdi: CFDI, body: Dict[str, Any], advance: Advance) -> List[Dict[str, Any]]:
    """One cfdi_process_files call on a worker thread; the progress callback (items finished)
    moves the bar; Ctrl-C cancels the call and re-raises once it has returned."""
    call_id = f"sello-cli-{uuid.uuid4()}"
    seen = [0]

    def on_progress(done: int, _total: int) -> None:
        if done > seen[0]:
            advance(done - seen[0])
            seen[0] = done

    def run() -> Any:
        with call_id_block(call_id):
            return cfdi.call("process_files", body)

    cfdi.set_progress(on_progress)
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="sello-cli") as pool:
            future = pool.submit(run)
            try:
                while True:
                    try:
                        result = future.result(timeout=0.2)
                        break
                    except concurrent.futures.TimeoutError:
                        continue
            except KeyboardInterrupt:
                cfdi.cancel_calls(call_id)
                try:
                    cancelled_result = future.result()
                except Exception:  # no results to keep: the items are reported as unknown
                    raise _PartInterrupted([]) from None
                raise _PartInterrupted(_results(cancelled_result)) from None
    finally:
        cfdi.set_progress(None)
    return _results(result)


def _results(result: Any) -> List[Dict[str, Any]]:
    results = result.data.get("results") if isinstance(result.data, dict) else None
    return list(results) if isinstance(results, list) else []


def concurrent_calls(
    cfdi: CFDI, operation: str, requests: Sequence[Mapping[str, Any]], concurrency: int, advance: Advance
) -> List[Dict[str, Any]]:
    """``concurrency`` calls at a time on one client. Ctrl-C drops the calls not started yet, waits
    for those in flight and raises Interrupted."""
    method = getattr(cfdi, operation)
    interrupted = False
    with concurrent.futures.ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="sello-cli") as pool:
        futures = [pool.submit(_one, method, request) for request in requests]
        try:
            for _ in concurrent.futures.as_completed(futures):
                advance(1)
        except KeyboardInterrupt:
            interrupted = True
            for future in futures:
                future.cancel()
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    if interrupted:  # the pool has waited for the calls in flight
        raise Interrupted(
            [cancelled(operation, NOT_SENT, False) if f.cancelled() else f.result() for f in futures]
        ) from None
    return [future.result() for future in futures]


def _one(method: Callable[..., Any], request: Mapping[str, Any]) -> Dict[str, Any]:
    try:
        return dict(method(**request).envelope)
    except SelloError as error:
        return dict(error.envelope)
