"""Cancelling sello.aio tasks through the library (issue 14): the request field ``call_id``,
``fes_client_cancel`` / ``fv_client_cancel`` / ``cfdi_client_cancel`` (API.md §6) and the error
kind ``cancelled``. sello/_cancel.py reaches PREFIX_client_cancel, sello.aio puts a call_id in every
request it sends and cancels a call in flight when its task is cancelled, and error kind
"cancelled" raises sello.CallCancelledError. These tests check, against the sandbox, that
cancelling frees the thread long before the sandbox's 5 s delay, with exactly one request
recorded."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any, Callable, Dict, List

import pytest
import sello
import sello.aio
from sello import _cancel
from sello._client import current_call_id
from sello_fixtures import CFDI_BY_UUID as BY_UUID
from sello_fixtures import stamped_uuid


def wait_until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    """Until the sandbox has the requests in flight (rather than sleeping a guess)."""
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "the calls never reached the sandbox"
        time.sleep(0.01)


def test_the_library_can_cancel(cfdi_config, fes_config, fv_config) -> None:
    for client in (sello.CFDI(**cfdi_config), sello.FES(**fes_config), sello.FirmaVirtual(**fv_config)):
        with client:
            assert _cancel.supported(client), f"{_cancel.CANCEL_FUNCTIONS[client._service]} is not exported"
            assert _cancel.cancel(client, "nothing-in-flight") == 0
            assert _cancel.cancel(client, None) == 0


def test_cancelling_the_task_cancels_the_call_and_frees_its_thread(sandbox, cfdi_config, caplog) -> None:
    uuid = stamped_uuid(cfdi_config)
    sandbox.fault("delay", ms=5000, count=1, prefix=BY_UUID)
    caplog.set_level(logging.INFO, logger="sello.cfdi")

    async def main() -> float:
        async with sello.aio.CFDI(**cfdi_config, max_concurrency=1) as cfdi:
            held = asyncio.ensure_future(cfdi.get_by_uuid(uuid=uuid))
            await asyncio.sleep(0.3)  # in flight, held by the sandbox
            started = time.perf_counter()
            held.cancel()
            with pytest.raises(asyncio.CancelledError):
                await held
            # The only thread of the pool must be free again: the next call runs at once.
            probe = await cfdi.get_by_uuid(uuid=uuid)
            assert probe["consultaOk"] is True
            return time.perf_counter() - started

    assert asyncio.run(main()) < 1.0, "the cancelled call kept its thread (the sandbox holds it 5 s)"
    # The sandbox writes an entry's fault when it is done with the request: the held one only once
    # it notices the client gone (at most the 5 s delay). Wait for that rather than race it.
    deadline = time.monotonic() + 10
    received = sandbox.requests(BY_UUID)
    while any(r["elapsed_ms"] is None for r in received) and time.monotonic() < deadline:
        time.sleep(0.05)
        received = sandbox.requests(BY_UUID)
    assert len(received) == 2 and received[0]["fault"] == "delay"  # the cancelled one, sent once
    assert all(key != "call_id" for r in received for key, _ in r["query"])  # library-only field
    assert any("get_by_uuid failed: cancelled" in r.getMessage() for r in caplog.records)


def test_a_call_id_cancels_that_call_from_another_thread(sandbox, cfdi_config) -> None:
    uuid = stamped_uuid(cfdi_config)
    sandbox.fault("delay", ms=5000, count=1, prefix=BY_UUID)
    outcome: Dict[str, Any] = {}

    with sello.CFDI(**cfdi_config) as cfdi:

        def held() -> None:
            current_call_id.set("the-held-call")
            try:
                cfdi.get_by_uuid(uuid=uuid)
            except sello.SelloError as exc:
                outcome["error"] = exc
            outcome["at"] = time.perf_counter()

        worker = threading.Thread(target=held)
        worker.start()
        wait_until(lambda: len(sandbox.requests(BY_UUID)) == 1)
        started = time.perf_counter()
        assert _cancel.cancel(cfdi, "the-held-call") == 1
        worker.join(timeout=10)
    assert type(outcome["error"]) is sello.CallCancelledError and outcome["error"].kind == "cancelled"
    assert outcome["at"] - started < 1.0
    assert len(sandbox.requests(BY_UUID)) == 1


def test_none_cancels_every_call_in_flight(sandbox, cfdi_config) -> None:
    uuid = stamped_uuid(cfdi_config)
    sandbox.fault("delay", ms=5000, count=8, prefix=BY_UUID)
    errors: List[BaseException] = []

    with sello.CFDI(**cfdi_config) as cfdi:

        def held(index: int) -> None:
            current_call_id.set(f"call-{index}")
            try:
                cfdi.get_by_uuid(uuid=uuid)
            except sello.SelloError as exc:
                errors.append(exc)

        workers = [threading.Thread(target=held, args=(i,)) for i in range(8)]
        for worker in workers:
            worker.start()
        wait_until(lambda: len(sandbox.requests(BY_UUID)) == 8)
        started = time.perf_counter()
        assert _cancel.cancel(cfdi, None) == 8
        for worker in workers:
            worker.join(timeout=10)
        elapsed = time.perf_counter() - started
    assert [type(e) for e in errors] == [sello.CallCancelledError] * 8
    assert elapsed < 1.0 and len(sandbox.requests(BY_UUID)) == 8


def test_gathered_tasks_cancelled_together(sandbox, cfdi_config) -> None:
    uuid = stamped_uuid(cfdi_config)
    sandbox.fault("delay", ms=5000, count=8, prefix=BY_UUID)

    async def main() -> float:
        async with sello.aio.CFDI(**cfdi_config, max_concurrency=8) as cfdi:
            gathered = asyncio.gather(*(cfdi.get_by_uuid(uuid=uuid) for _ in range(8)))
            await asyncio.sleep(0.5)
            started = time.perf_counter()
            gathered.cancel()
            with pytest.raises(asyncio.CancelledError):
                await gathered
        return time.perf_counter() - started  # includes close(): every thread was freed

    assert asyncio.run(main()) < 1.5
    assert len(sandbox.requests(BY_UUID)) == 8


# -- the caller's own call_id ------------------------------------------------------------------------


def _cancel_by_id(sandbox, cfdi_config, start: Callable[[Any, str], Any], call_id: str) -> None:
    """Starts a held aio call with ``start(cfdi, uuid)``, cancels ``call_id`` from another thread:
    the library must reach it, and the task must end at once with CallCancelledError."""
    uuid = stamped_uuid(cfdi_config)
    sandbox.fault("delay", ms=5000, count=1, prefix=BY_UUID)

    async def main() -> float:
        async with sello.aio.CFDI(**cfdi_config) as cfdi:
            task = asyncio.ensure_future(start(cfdi, uuid))
            await asyncio.to_thread(wait_until, lambda: len(sandbox.requests(BY_UUID)) == 1)
            started = time.perf_counter()
            reached = await asyncio.to_thread(cfdi.sync.cancel_calls, call_id)
            assert reached == 1, f"cancel_calls({call_id!r}) reached {reached} calls"
            with pytest.raises(sello.CallCancelledError):
                await task
            return time.perf_counter() - started

    assert asyncio.run(main()) < 1.0  # not the sandbox's 5 s
    assert len(sandbox.requests(BY_UUID)) == 1


def test_aio_keeps_the_call_id_of_a_sello_call_id_block(sandbox, cfdi_config) -> None:
    async def start(cfdi: Any, uuid: str) -> Any:
        with sello.call_id("report-42"):
            return await cfdi.get_by_uuid(uuid=uuid)

    _cancel_by_id(sandbox, cfdi_config, start, "report-42")


def test_aio_keeps_the_call_id_of_the_request(sandbox, cfdi_config) -> None:
    async def start(cfdi: Any, uuid: str) -> Any:
        with sello.call_id("outer"):  # the request's own field is the more specific
            return await cfdi.call("get_by_uuid", {"uuid": uuid, "call_id": "mine"})

    _cancel_by_id(sandbox, cfdi_config, start, "mine")


def test_a_sync_request_call_id_wins_over_the_block(sandbox, cfdi_config) -> None:
    uuid = stamped_uuid(cfdi_config)
    sandbox.fault("delay", ms=5000, count=1, prefix=BY_UUID)
    outcome: Dict[str, Any] = {}
    with sello.CFDI(**cfdi_config) as cfdi:

        def held() -> None:
            with sello.call_id("outer"):
                try:
                    cfdi.call("get_by_uuid", {"uuid": uuid, "call_id": "inner"})
                except sello.SelloError as exc:
                    outcome["error"] = exc

        worker = threading.Thread(target=held)
        worker.start()
        wait_until(lambda: len(sandbox.requests(BY_UUID)) == 1)
        assert cfdi.cancel_calls("outer") == 0
        assert cfdi.cancel_calls("inner") == 1
        worker.join(timeout=10)
    assert type(outcome["error"]) is sello.CallCancelledError


def test_cancelling_a_task_cancels_the_calls_sharing_its_call_id(sandbox, cfdi_config) -> None:
    """The documented rule: a task with the caller's call_id is cancelled by that id, so every call
    in flight on the client with the same id is cancelled with it."""
    uuid = stamped_uuid(cfdi_config)
    sandbox.fault("delay", ms=5000, count=2, prefix=BY_UUID)

    async def main() -> float:
        async with sello.aio.CFDI(**cfdi_config) as cfdi:

            async def tagged() -> Any:
                with sello.call_id("batch-7"):
                    return await cfdi.get_by_uuid(uuid=uuid)

            first, second = asyncio.ensure_future(tagged()), asyncio.ensure_future(tagged())
            await asyncio.to_thread(wait_until, lambda: len(sandbox.requests(BY_UUID)) == 2)
            started = time.perf_counter()
            first.cancel()
            with pytest.raises(asyncio.CancelledError):
                await first
            with pytest.raises(sello.CallCancelledError):
                await second
            return time.perf_counter() - started

    assert asyncio.run(main()) < 1.0
