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
envelope and does not stop the others.
"""

from __future__ import annotations

import concurrent.futures
import uuid
from typing import Any, Callable, Dict, List, Mapping, Sequence

from .. import CFDI
from .. import call_id as call_id_block
from ..errors import SelloError

#: cfdi_process_files takes at most this many items per call.
LIBRARY_BATCH_LIMIT = 10_000

Advance = Callable[[int], None]


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
    """Through cfdi_process_files. A refused batch (its own invalid_argument) raises."""
    envelopes: List[Dict[str, Any]] = []
    for start in range(0, len(requests), LIBRARY_BATCH_LIMIT):
        part = [dict(request) for request in requests[start : start + LIBRARY_BATCH_LIMIT]]
        body: Dict[str, Any] = {"items": part, "concurrency": concurrency}
        if operation != "process_file":  # the default
            body["operation"] = operation
        results = _cancellable_batch(cfdi, body, advance)
        if len(results) != len(part):
            raise RuntimeError(f"cfdi_process_files answered {len(results)} results for {len(part)} items")
        envelopes.extend(results)
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
                future.result()
                raise
    finally:
        cfdi.set_progress(None)
    results = result.data.get("results") if isinstance(result.data, dict) else None
    return list(results) if isinstance(results, list) else []


def concurrent_calls(
    cfdi: CFDI, operation: str, requests: Sequence[Mapping[str, Any]], concurrency: int, advance: Advance
) -> List[Dict[str, Any]]:
    """``concurrency`` calls at a time on one client. Ctrl-C drops the calls not started yet and
    waits for those in flight."""
    method = getattr(cfdi, operation)
    with concurrent.futures.ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="sello-cli") as pool:
        futures = [pool.submit(_one, method, request) for request in requests]
        try:
            for _ in concurrent.futures.as_completed(futures):
                advance(1)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return [future.result() for future in futures]


def _one(method: Callable[..., Any], request: Mapping[str, Any]) -> Dict[str, Any]:
    try:
        return dict(method(**request).envelope)
    except SelloError as error:
        return dict(error.envelope)
