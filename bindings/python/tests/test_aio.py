"""sello.aio against the sandbox: the coroutine methods made from the synchronous operation
tables, the client's own thread pool (its size honoured, 16 delayed calls at once), closing,
the exception classes, and uvloop.

The tests of cancelling a call *in the library* (call_id, PREFIX_client_cancel) wait for issue 14's
C part: they are in test_aio_cancel.py."""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
import time
from typing import Any, Dict, List, Tuple

import pytest
import sello
import sello.aio
from sello.aio import _stubgen
from sello_fixtures import CFDI_BY_UUID as BY_UUID
from sello_fixtures import FES_REQUEST, csv_text, stamped_uuid


def most_at_once(requests: List[Dict[str, Any]]) -> int:
    """The largest number of recorded requests the sandbox was answering at one moment."""
    events: List[Tuple[float, int]] = []
    for request in requests:
        start = float(request["time"])
        events += [(start, 1), (start + float(request["elapsed_ms"]) / 1000, -1)]
    current = best = 0
    for _, step in sorted(events, key=lambda event: (event[0], event[1])):
        current += step
        best = max(best, current)
    return best


# -- the methods ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "async_class, sync_class",
    [(sello.aio.FES, sello.FES), (sello.aio.FirmaVirtual, sello.FirmaVirtual), (sello.aio.CFDI, sello.CFDI)],
)
def test_every_operation_is_a_coroutine_with_the_sync_signature(async_class, sync_class) -> None:
    assert sync_class._operations, "the operation table is empty"
    for operation in sync_class._operations:
        method = getattr(async_class, operation)
        assert inspect.iscoroutinefunction(method), operation
        assert inspect.signature(method) == inspect.signature(getattr(sync_class, operation)), operation
        assert method.__doc__ == getattr(sync_class, operation).__doc__
    assert inspect.iscoroutinefunction(async_class.call) and inspect.iscoroutinefunction(async_class.close)


def test_the_typed_stub_is_generated_from_the_sync_classes() -> None:
    assert _stubgen.STUB.read_text(encoding="utf-8") == _stubgen.render(), (
        "src/sello/aio/_clients.pyi is out of date: run python3 -m sello.aio._stubgen"
    )
    for name, sync_class, _ in _stubgen.CLIENTS:
        for operation in sync_class._operations:
            assert f"    async def {operation}(self" in _stubgen.render(), (name, operation)


def test_calls_return_the_same_results(sandbox, fes_config, fv_config, cfdi_config) -> None:
    async def main() -> Tuple[Any, ...]:
        async with (
            sello.aio.FES(**fes_config) as fes,
            sello.aio.FirmaVirtual(**fv_config) as fv,
            sello.aio.CFDI(**cfdi_config) as cfdi,
        ):
            cert = await fes.obtain_certificate(**FES_REQUEST)
            user = await fv.get_user(IDUser=1)
            by_name = await fv.call("list_contract_types", {"QTYPE": "FEE", "QVALUE": "28"})
            stamp = await cfdi.process_file(datos=csv_text(), prueba=True)
            fetched = await cfdi.get_by_uuid(uuid=stamp["uuid"], include_xml=True)
            return cert, user, by_name, stamp, fetched

    cert, user, by_name, stamp, fetched = asyncio.run(main())
    assert isinstance(cert, sello.Result) and cert["estado"] == "OK" and cert.meta["operation"] == "obtain_certificate"
    assert user["sLogin"] == "userapp" and [fee["iContractTypeFeeID"] for fee in by_name.data] == [28]
    assert stamp["uuid"] in fetched["xml"]
    assert sandbox.requests("/generateFES")[0]["json"]["request"]["parametro"]["rut"] == "19371037-9"
    assert [r["query"] for r in sandbox.requests(BY_UUID)][0] == [
        ["contrato", "PADE-CONTRATO-01"],
        ["uuid", stamp["uuid"]],
    ]


def test_exceptions_are_the_sync_classes(sandbox, cfdi_config, fv_config) -> None:
    async def main() -> List[BaseException]:
        caught: List[BaseException] = []
        async with sello.aio.CFDI(**cfdi_config) as cfdi:
            for coroutine in (
                cfdi.get_by_uuid(uuid="not-a-uuid"),
                cfdi.get_by_uuid(uuid="11111111-2222-3333-4444-555555555555"),
            ):
                try:
                    await coroutine
                except sello.SelloError as exc:
                    caught.append(exc)
        async with sello.aio.FirmaVirtual(**{**fv_config, "password": "WrongPass"}) as fv:
            try:
                await fv.login()
            except sello.SelloError as exc:
                caught.append(exc)
            try:
                await fv.call("no_such_operation")
            except ValueError as exc:
                caught.append(exc)
        try:
            await cfdi.get_by_uuid(uuid="11111111-2222-3333-4444-555555555555")
        except sello.SelloError as exc:
            caught.append(exc)
        return caught

    validation, service, auth, unknown, closed = asyncio.run(main())
    assert type(validation) is sello.ValidationError and validation.field == "uuid"
    assert type(service) is sello.ServiceError and service.service_code == 602
    assert type(auth) is sello.AuthError and auth.code == "LOGIN_FAILED"
    assert "no operation 'no_such_operation'" in str(unknown)
    assert type(closed) is sello.InvalidArgumentError and closed.code == "CLIENT_CLOSED"
    assert len(sandbox.requests(BY_UUID)) == 1  # the invalid UUID and the closed client sent nothing


def test_max_concurrency_must_be_a_positive_integer(cfdi_config) -> None:
    for bad in (0, -1, True, 2.5, "4"):
        with pytest.raises(ValueError):
            sello.aio.CFDI(**cfdi_config, max_concurrency=bad)
    client = sello.aio.CFDI(**cfdi_config)
    assert client.max_concurrency == sello.aio.DEFAULT_MAX_CONCURRENCY == 16
    assert isinstance(client.sync, sello.CFDI) and "open" in repr(client)
    asyncio.run(client.close())
    assert client.closed and client.sync.closed
    with pytest.raises(sello.InvalidArgumentError):
        sello.aio.CFDI(**{**cfdi_config, "base_url": "ftp://x"})


# -- the pool --------------------------------------------------------------------------------------


def test_sixteen_awaits_of_a_500_ms_call_run_at_once(sandbox, cfdi_config) -> None:
    uuid = stamped_uuid(cfdi_config)
    sandbox.fault("delay", ms=500, count=16, prefix=BY_UUID)

    async def main() -> Tuple[List[sello.Result], float]:
        async with sello.aio.CFDI(**cfdi_config) as cfdi:
            started = time.perf_counter()
            results = await asyncio.gather(*(cfdi.get_by_uuid(uuid=uuid) for _ in range(16)))
            return results, time.perf_counter() - started

    results, elapsed = asyncio.run(main())
    assert [r["consultaOk"] for r in results] == [True] * 16
    received = sandbox.requests(BY_UUID)
    assert len(received) == 16 and all(r["fault"] == "delay" for r in received)
    assert most_at_once(received) == 16  # all sixteen were answered side by side
    assert elapsed < 4.0, f"16 × 500 ms took {elapsed:.2f} s (one at a time would be 8 s)"


def test_the_pool_size_is_honoured(sandbox, cfdi_config, caplog) -> None:
    uuid = stamped_uuid(cfdi_config)
    sandbox.fault("delay", ms=300, count=7, prefix=BY_UUID)
    caplog.set_level(logging.INFO, logger="sello.cfdi")

    async def main() -> float:
        async with sello.aio.CFDI(**cfdi_config, max_concurrency=3) as cfdi:
            started = time.perf_counter()
            await asyncio.gather(*(cfdi.get_by_uuid(uuid=uuid) for _ in range(7)))
            return time.perf_counter() - started

    elapsed = asyncio.run(main())
    received = sandbox.requests(BY_UUID)
    assert len(received) == 7 and most_at_once(received) == 3
    assert elapsed >= 0.9  # three waves of 300 ms at least
    threads = {r.threadName for r in caplog.records if r.getMessage().startswith("→ POST")}
    assert len(threads) == 3 and all(name.startswith("sello-aio-cfdi") for name in threads)


def test_the_event_loop_is_not_blocked(sandbox, cfdi_config) -> None:
    uuid = stamped_uuid(cfdi_config)
    sandbox.fault("delay", ms=600, count=1, prefix=BY_UUID)

    async def main() -> int:
        ticks = 0
        async with sello.aio.CFDI(**cfdi_config) as cfdi:
            call = asyncio.ensure_future(cfdi.get_by_uuid(uuid=uuid))
            while not call.done():
                ticks += 1
                await asyncio.sleep(0.01)
            await call
        return ticks

    assert asyncio.run(main()) >= 20  # the loop kept running during the 600 ms call


# -- closing ---------------------------------------------------------------------------------------


def test_async_with_waits_for_the_calls_in_flight_then_closes(sandbox, cfdi_config) -> None:
    uuid = stamped_uuid(cfdi_config)
    sandbox.fault("delay", ms=500, count=2, prefix=BY_UUID)

    async def main() -> Tuple[sello.aio.CFDI, List[Any]]:
        async with sello.aio.CFDI(**cfdi_config) as cfdi:
            calls = [asyncio.ensure_future(cfdi.get_by_uuid(uuid=uuid)) for _ in range(2)]
            await asyncio.sleep(0.1)  # both are in flight when the block ends
        assert cfdi.closed and cfdi.sync.closed
        assert all(call.done() for call in calls)  # close() waited for them
        await cfdi.close()  # twice is harmless
        return cfdi, [call.result()["consultaOk"] for call in calls]

    cfdi, outcomes = asyncio.run(main())
    assert outcomes == [True, True] and len(sandbox.requests(BY_UUID)) == 2
    assert not [t for t in threading.enumerate() if t.name.startswith("sello-aio-cfdi")]
    with pytest.raises(sello.InvalidArgumentError) as caught:
        asyncio.run(cfdi.get_by_uuid(uuid=uuid))
    assert caught.value.code == "CLIENT_CLOSED"


def test_concurrent_closes_wait_for_the_same_close(sandbox, cfdi_config) -> None:
    async def main() -> None:
        cfdi = sello.aio.CFDI(**cfdi_config)
        await asyncio.gather(cfdi.close(), cfdi.aclose(), cfdi.close())
        assert cfdi.sync.closed

    asyncio.run(main())


# -- cancelling the awaiting task (what works with any library) ------------------------------------


def test_a_cancelled_call_still_waiting_for_a_thread_is_never_sent(sandbox, cfdi_config) -> None:
    uuid = stamped_uuid(cfdi_config)
    sandbox.fault("delay", ms=400, count=1, prefix=BY_UUID)

    async def main() -> bool:
        async with sello.aio.CFDI(**cfdi_config, max_concurrency=1) as cfdi:
            first = asyncio.ensure_future(cfdi.get_by_uuid(uuid=uuid))
            await asyncio.sleep(0.05)
            queued = asyncio.ensure_future(cfdi.get_by_uuid(uuid=uuid))
            await asyncio.sleep(0.05)
            queued.cancel()
            with pytest.raises(asyncio.CancelledError):
                await queued
            return bool((await first)["consultaOk"])

    assert asyncio.run(main()) is True
    assert len(sandbox.requests(BY_UUID)) == 1


def test_cancelling_the_task_of_a_call_in_flight_returns_at_once(sandbox, cfdi_config) -> None:
    uuid = stamped_uuid(cfdi_config)
    sandbox.fault("delay", ms=1500, count=1, prefix=BY_UUID)

    async def main() -> float:
        async with sello.aio.CFDI(**cfdi_config) as cfdi:
            call = asyncio.ensure_future(cfdi.get_by_uuid(uuid=uuid))
            await asyncio.sleep(0.2)
            started = time.perf_counter()
            call.cancel()
            with pytest.raises(asyncio.CancelledError):
                await call
            return time.perf_counter() - started

    assert asyncio.run(main()) < 1.0  # the task did not wait for the 1.5 s answer
    assert len(sandbox.requests(BY_UUID)) == 1  # and the request was sent exactly once


# -- uvloop ----------------------------------------------------------------------------------------


def test_under_uvloop(sandbox, cfdi_config) -> None:
    uvloop = pytest.importorskip("uvloop")  # installed by scripts/install-deps.sh
    uuid = stamped_uuid(cfdi_config)
    sandbox.fault("delay", ms=300, count=8, prefix=BY_UUID)

    async def main() -> Tuple[str, List[Any], float]:
        loop_type = type(asyncio.get_running_loop()).__module__
        async with sello.aio.CFDI(**cfdi_config) as cfdi:
            started = time.perf_counter()
            results = await asyncio.gather(
                *(cfdi.get_by_uuid(uuid=uuid) for _ in range(8)), cfdi.get_by_uuid(uuid="bad"), return_exceptions=True
            )
            return loop_type, results, time.perf_counter() - started

    loop = uvloop.new_event_loop()
    try:
        loop_type, results, elapsed = loop.run_until_complete(main())
    finally:
        loop.close()
    assert loop_type.startswith("uvloop")
    assert [r["consultaOk"] for r in results[:8]] == [True] * 8
    assert type(results[8]) is sello.ValidationError
    assert most_at_once(sandbox.requests(BY_UUID)) == 8 and elapsed < 2.4
