"""One CFDI operation over many items, in input order, with progress.

Two ways, chosen per operation (``Operation.batch`` in _cfdi.py):

* the library's batch, ``cfdi_process_files``: the items go out concurrently over one curl multi
  handle. Its ``"operation"`` field names the operation of the items (API.md §7: process_file — the
  default, not sent —, process_file_with_csd, stamp_xml, stamp_xml_with_csd, get_status,
  get_by_uuid). The library reports no progress inside one batch call yet (issue 14 adds items
  finished / total): the items are sent in chunks, the bar moving by a chunk. Once the library
  reports batch progress, send one call and move the bar from the progress callback instead
  (:func:`library_batch`).
* concurrent calls of the operation on one client, ``concurrency`` threads (ctypes releases the
  GIL): for the operations the batch does not carry (get_cancellation_receipt; get_by_uuid until
  the batch carries it). The bar moves by an item.

Either way the result is one envelope per item, in input order; a failed item is its error
envelope and does not stop the others.
"""
from __future__ import annotations

import concurrent.futures
import math
from typing import Any, Callable, Dict, List, Mapping, Sequence

from .. import CFDI
from ..errors import SelloError

#: cfdi_process_files takes at most this many items per call.
LIBRARY_BATCH_LIMIT = 10_000
#: The bar moves at least this many times over a batch (chunks of at least 2 × concurrency).
PROGRESS_STEPS = 20

Advance = Callable[[int], None]


def run(cfdi: CFDI, operation: str, batch: bool, requests: Sequence[Mapping[str, Any]], concurrency: int,
        advance: Advance) -> List[Dict[str, Any]]:
    """The envelope of each request, in input order."""
    if batch:
        return library_batch(cfdi, operation, requests, concurrency, advance)
    return concurrent_calls(cfdi, operation, requests, concurrency, advance)


def chunk_size(items: int, concurrency: int) -> int:
    return max(1, min(LIBRARY_BATCH_LIMIT, max(2 * concurrency, math.ceil(items / PROGRESS_STEPS))))


def library_batch(cfdi: CFDI, operation: str, requests: Sequence[Mapping[str, Any]], concurrency: int,
                  advance: Advance) -> List[Dict[str, Any]]:
    """Through cfdi_process_files, chunk by chunk. A refused batch (its own invalid_argument) raises."""
    envelopes: List[Dict[str, Any]] = []
    size = chunk_size(len(requests), concurrency)
    for start in range(0, len(requests), size):
        part = [dict(request) for request in requests[start:start + size]]
        body: Dict[str, Any] = {"items": part, "concurrency": concurrency}
        if operation != "process_file":          # the default: a library without "operation" knows it
            body["operation"] = operation
        result = cfdi.call("process_files", body)
        results = result.data.get("results") if isinstance(result.data, dict) else None
        if not isinstance(results, list) or len(results) != len(part):
            raise RuntimeError(f"cfdi_process_files answered {len(results or [])} results for {len(part)} items")
        envelopes.extend(results)
        advance(len(part))
    return envelopes


def concurrent_calls(cfdi: CFDI, operation: str, requests: Sequence[Mapping[str, Any]], concurrency: int,
                     advance: Advance) -> List[Dict[str, Any]]:
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
