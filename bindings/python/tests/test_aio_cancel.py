"""Cancelling sello.aio tasks through the library (issue 14): the request field ``call_id``,
``fes_client_cancel`` / ``fv_client_cancel`` / ``cfdi_client_cancel`` (API.md §6) and the error
kind ``cancelled``. sello/_cancel.py reaches PREFIX_client_cancel, sello.aio puts a call_id in every
request it sends and cancels a call in flight when its task is cancelled, and error kind
"cancelled" raises sello.CallCancelledError. These tests check, against the sandbox, that
cancelling frees the thread long before the sandbox's 5 s delay, with exactly one request
recorded. Then: a call that succeeds although its task was cancelled (a certificate issued, an
invoice stamped) reaches the client's on_abandoned, or a WARNING that names it without its data.
Last: an operation the library never sends twice (sello._abi.SENT_ONCE, `sent: once` in
docs/reference.md) is not cancelled once a thread has taken it — it runs to its end and its Result
reaches on_abandoned, an error it ends with a WARNING — unless the client has cancel_sent_once=True;
reads are still cancelled."""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import logging
import threading
import time
from typing import Any, Callable, Dict, List

import pytest
import sello
import sello.aio
from sello import _cancel
from sello._client import current_call_id
from sello_fixtures import (
    CFDI_API,
    CFDI_STATUS,
    EMISOR,
    FES_OBTAIN,
    FES_REQUEST,
    KNOWN_SECRETS,
    RECEPTOR,
    csv_text,
    stamped_uuid,
)
from sello_fixtures import CFDI_BY_UUID as BY_UUID


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


# -- a call that succeeds although its task was cancelled: on_abandoned ---------------------------------


@pytest.fixture()
def cancel_cannot_reach(monkeypatch: pytest.MonkeyPatch) -> None:
    """The library's cancel never reaches the call, which runs to its end and succeeds: as when the
    cancel comes too late, or the library cannot cancel."""
    monkeypatch.setattr("sello.aio._base._cancel_in_library", lambda *args, **kwargs: None)


async def cancel_in_flight(sandbox: Any, task: "asyncio.Future[Any]", path: str) -> None:
    """Cancels ``task`` once its request is at the sandbox (held there by a delay fault)."""
    await asyncio.to_thread(wait_until, lambda: len(sandbox.requests(path)) == 1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def test_a_certificate_issued_after_its_task_was_cancelled_goes_to_on_abandoned(
    sandbox, fes_config, cancel_cannot_reach
) -> None:
    sandbox.fault("delay", ms=1500, count=1, prefix=FES_OBTAIN)
    kept: List[Any] = []

    def on_abandoned(operation: str, result: sello.Result) -> None:
        kept.append((operation, result, threading.current_thread().name))

    async def main() -> None:
        async with sello.aio.FES(**fes_config, on_abandoned=on_abandoned) as fes:
            task = asyncio.ensure_future(fes.obtain_certificate(**FES_REQUEST))
            await cancel_in_flight(sandbox, task, FES_OBTAIN)
        # close() waited for the call in flight, and so for the hook.

    asyncio.run(main())
    [(operation, result, thread)] = kept
    assert operation == "obtain_certificate" and isinstance(result, sello.Result)
    assert result["estado"] == "OK" and len(base64.b64decode(result["certificado"], validate=True)) > 100
    assert thread.startswith("sello-aio-fes")  # the pool thread that ran the call
    assert len(sandbox.requests(FES_OBTAIN)) == 1


def test_a_stamp_answered_before_its_task_resumed_goes_to_on_abandoned(sandbox, cfdi_config, monkeypatch) -> None:
    """The answer has arrived (the call ended on its thread) but the task is cancelled before it
    could take it: the library has nothing left to cancel, the invoice is stamped."""
    kept: List[Any] = []

    async def main() -> None:
        async with sello.aio.CFDI(**cfdi_config, on_abandoned=lambda *args: kept.append(args)) as cfdi:
            submitted: List["concurrent.futures.Future[Any]"] = []
            submit = cfdi._pool.submit

            def capture(*args: Any, **kwargs: Any) -> "concurrent.futures.Future[Any]":
                submitted.append(submit(*args, **kwargs))
                return submitted[-1]

            monkeypatch.setattr(cfdi._pool, "submit", capture)
            task = asyncio.ensure_future(cfdi.process_file(datos=csv_text(), prueba=True))
            while not submitted:
                await asyncio.sleep(0)
            concurrent.futures.wait(submitted)  # blocks the loop: the task cannot take the answer
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    asyncio.run(main())
    [(operation, result)] = kept
    assert operation == "process_file" and result["uuid"]
    with sello.CFDI(**cfdi_config) as cfdi:
        assert cfdi.get_by_uuid(uuid=result["uuid"])["consultaOk"] is True  # stamped indeed


def test_without_on_abandoned_a_dropped_result_is_logged_without_its_data(
    sandbox, fes_config, cancel_cannot_reach, caplog, monkeypatch
) -> None:
    sandbox.fault("delay", ms=1500, count=1, prefix=FES_OBTAIN)
    caplog.set_level(logging.DEBUG)  # every logger and level: none may show a secret
    seen: Dict[str, Any] = {}

    async def main() -> None:
        async with sello.aio.FES(**fes_config) as fes:
            obtain = fes.sync.obtain_certificate

            def spy(**request: Any) -> sello.Result:
                seen["call_id"] = current_call_id.get()
                seen["result"] = obtain(**request)
                return seen["result"]

            monkeypatch.setattr(fes.sync, "obtain_certificate", spy)
            task = asyncio.ensure_future(fes.obtain_certificate(**FES_REQUEST))
            await cancel_in_flight(sandbox, task, FES_OBTAIN)

    asyncio.run(main())
    [warning] = [r for r in caplog.records if r.name == "sello.aio" and r.levelno == logging.WARNING]
    message = warning.getMessage()
    assert "fes.obtain_certificate" in message and seen["call_id"] and seen["call_id"] in message
    assert "cancelled" in message and "dropped" in message and "on_abandoned" in message
    certificate = seen["result"]["certificado"]
    secrets = [FES_REQUEST["claveCertificado"], fes_config["clave"], certificate, certificate[:32], certificate[-32:]]
    for record in caplog.records:
        text = f"{record.getMessage()} {record.args!r} {record.exc_text or ''}"
        assert not [s for s in secrets if s in text], record.getMessage()
    assert not [s for s in secrets if s in caplog.text]


def test_an_on_abandoned_that_raises_is_logged_and_the_client_goes_on(
    sandbox, fes_config, cancel_cannot_reach, caplog
) -> None:
    sandbox.fault("delay", ms=1500, count=1, prefix=FES_OBTAIN)
    caplog.set_level(logging.WARNING, logger="sello.aio")
    called: List[str] = []

    def on_abandoned(operation: str, result: sello.Result) -> None:
        called.append(operation)
        raise RuntimeError("the hook broke")

    async def main() -> sello.Result:
        async with sello.aio.FES(**fes_config, max_concurrency=1, on_abandoned=on_abandoned) as fes:
            task = asyncio.ensure_future(fes.obtain_certificate(**FES_REQUEST))
            await cancel_in_flight(sandbox, task, FES_OBTAIN)
            # The pool's only thread runs the hook before it takes this call.
            later = await fes.obtain_certificate(**FES_REQUEST)
            await asyncio.sleep(0)  # the loop goes on too
            return later

    later = asyncio.run(main())
    assert later["estado"] == "OK" and called == ["obtain_certificate"]
    [record] = [r for r in caplog.records if r.name == "sello.aio"]
    message = record.getMessage()
    assert record.levelno == logging.ERROR and "obtain_certificate" in message
    assert "RuntimeError" in message and "the hook broke" in message
    # No traceback: its frames hold the Result (a certificate), which capture_locals or an error
    # tracker would show.
    assert record.exc_info is None


def test_an_on_abandoned_that_raises_system_exit_leaves_the_pool_working(
    sandbox, fes_config, cancel_cannot_reach, caplog
) -> None:
    """A BaseException from the hook on a pool thread would end that worker for good (the pool never
    replaces it) and leave later calls waiting forever."""
    sandbox.fault("delay", ms=1500, count=1, prefix=FES_OBTAIN)
    caplog.set_level(logging.WARNING, logger="sello.aio")

    def on_abandoned(operation: str, result: sello.Result) -> None:
        raise SystemExit(3)

    async def main() -> sello.Result:
        async with sello.aio.FES(**fes_config, max_concurrency=1, on_abandoned=on_abandoned) as fes:
            task = asyncio.ensure_future(fes.obtain_certificate(**FES_REQUEST))
            await cancel_in_flight(sandbox, task, FES_OBTAIN)
            return await asyncio.wait_for(fes.obtain_certificate(**FES_REQUEST), 20)

    assert asyncio.run(main())["estado"] == "OK"
    [record] = [r for r in caplog.records if r.name == "sello.aio"]
    assert record.levelno == logging.ERROR and "SystemExit" in record.getMessage()


def test_calls_awaited_to_their_end_or_never_sent_are_not_abandoned(sandbox, cfdi_config, caplog) -> None:
    uuid = stamped_uuid(cfdi_config)
    sandbox.fault("delay", ms=1500, count=1, prefix=BY_UUID)
    caplog.set_level(logging.DEBUG, logger="sello.aio")
    kept: List[Any] = []

    async def main() -> None:
        async with sello.aio.CFDI(**cfdi_config, max_concurrency=1, on_abandoned=lambda *a: kept.append(a)) as cfdi:
            held = asyncio.ensure_future(cfdi.get_by_uuid(uuid=uuid))  # takes the only thread
            queued = asyncio.ensure_future(cfdi.get_by_uuid(uuid=uuid))  # waits for it
            await asyncio.to_thread(wait_until, lambda: len(sandbox.requests(BY_UUID)) == 1)
            queued.cancel()
            with pytest.raises(asyncio.CancelledError):
                await queued
            assert (await held)["consultaOk"] is True
            assert (await cfdi.get_by_uuid(uuid=uuid))["consultaOk"] is True

    asyncio.run(main())
    assert kept == []
    assert len(sandbox.requests(BY_UUID)) == 2  # the queued call was never sent
    assert [r.getMessage() for r in caplog.records if r.name == "sello.aio"] == []


def test_a_call_that_fails_after_its_task_was_cancelled_is_not_abandoned(sandbox, cfdi_config, caplog) -> None:
    """The usual case: the library cancels the call, which ends with CallCancelledError."""
    uuid = stamped_uuid(cfdi_config)
    sandbox.fault("delay", ms=5000, count=1, prefix=BY_UUID)
    caplog.set_level(logging.DEBUG, logger="sello.aio")
    kept: List[Any] = []

    async def main() -> None:
        async with sello.aio.CFDI(**cfdi_config, on_abandoned=lambda *a: kept.append(a)) as cfdi:
            task = asyncio.ensure_future(cfdi.get_by_uuid(uuid=uuid))
            await cancel_in_flight(sandbox, task, BY_UUID)

    asyncio.run(main())
    assert kept == []
    assert [r.getMessage() for r in caplog.records if r.name == "sello.aio" and r.levelno > logging.DEBUG] == []


def test_on_abandoned_must_be_callable(cfdi_config) -> None:
    with pytest.raises(TypeError, match="on_abandoned must be callable"):
        sello.aio.CFDI(**cfdi_config, on_abandoned="keep")


# -- a call that must not be sent twice is not cancelled once sent (_abi.SENT_ONCE) ------------------


@pytest.fixture()
def library_cancels(monkeypatch: pytest.MonkeyPatch) -> List[str]:
    """Every call_id sello.aio asks the library to cancel (the cancel still happens)."""
    asked: List[str] = []
    cancel = _cancel.cancel

    def spy(client: Any, call_id: Any) -> Any:
        asked.append(call_id)
        return cancel(client, call_id)

    monkeypatch.setattr(_cancel, "cancel", spy)
    return asked


def capture_futures(client: Any, monkeypatch: pytest.MonkeyPatch) -> List["concurrent.futures.Future[Any]"]:
    """The pool futures of the client's calls, in order."""
    futures: List["concurrent.futures.Future[Any]"] = []
    submit = client._pool.submit

    def capture(*args: Any, **kwargs: Any) -> "concurrent.futures.Future[Any]":
        futures.append(submit(*args, **kwargs))
        return futures[-1]

    monkeypatch.setattr(client._pool, "submit", capture)
    return futures


class Kept:
    """An on_abandoned hook that keeps what it gets and says so through a threading.Event."""

    def __init__(self) -> None:
        self.calls: List[Any] = []
        self.event = threading.Event()

    def __call__(self, operation: str, result: sello.Result) -> None:
        self.calls.append((operation, result))
        self.event.set()

    async def wait(self) -> None:
        assert await asyncio.to_thread(self.event.wait, 30), "on_abandoned was never called"


def test_the_generated_table_names_the_operations_sent_once() -> None:
    assert "obtain_certificate" in sello._abi.SENT_ONCE["fes"]
    assert {"process_file", "stamp_xml", "cancel"} <= sello._abi.SENT_ONCE["cfdi"]
    assert "get_status" not in sello._abi.SENT_ONCE["cfdi"] and "get_user" not in sello._abi.SENT_ONCE["fv"]


def test_a_certificate_request_already_sent_is_not_cancelled_and_reaches_on_abandoned(
    sandbox, fes_config, library_cancels
) -> None:
    sandbox.fault("delay", ms=1000, count=1, prefix=FES_OBTAIN)
    kept = Kept()

    async def main() -> None:
        async with sello.aio.FES(**fes_config, on_abandoned=kept) as fes:
            task = asyncio.ensure_future(fes.obtain_certificate(**FES_REQUEST))
            await cancel_in_flight(sandbox, task, FES_OBTAIN)
            await kept.wait()

    asyncio.run(main())
    assert library_cancels == []  # the certificate call was left to run to its end
    [(operation, result)] = kept.calls
    assert operation == "obtain_certificate" and result["estado"] == "OK"
    assert len(base64.b64decode(result["certificado"], validate=True)) > 100
    assert len(sandbox.requests(FES_OBTAIN)) == 1


def test_a_stamp_already_sent_is_not_cancelled_and_reaches_on_abandoned(sandbox, cfdi_config, library_cancels) -> None:
    path = CFDI_API + "/procesarArchivo"
    sandbox.fault("delay", ms=1000, count=1, prefix=path)
    kept = Kept()

    async def main() -> None:
        async with sello.aio.CFDI(**cfdi_config, on_abandoned=kept) as cfdi:
            with sello.call_id("stamp-1"):  # the caller's own id: not cancelled either
                task = asyncio.ensure_future(cfdi.process_file(datos=csv_text(), prueba=True))
            await cancel_in_flight(sandbox, task, path)
            await kept.wait()

    asyncio.run(main())
    assert library_cancels == []
    [(operation, result)] = kept.calls
    assert operation == "process_file" and result["uuid"]
    with sello.CFDI(**cfdi_config) as cfdi:
        assert cfdi.get_by_uuid(uuid=result["uuid"])["consultaOk"] is True  # stamped, once
    assert len(sandbox.requests(path)) == 1


def test_a_read_is_still_cancelled_in_the_library(sandbox, cfdi_config, library_cancels, monkeypatch) -> None:
    uuid = stamped_uuid(cfdi_config)
    sandbox.fault("delay", ms=5000, count=1, prefix=CFDI_STATUS)
    kept = Kept()
    futures: List["concurrent.futures.Future[Any]"] = []

    async def main() -> None:
        async with sello.aio.CFDI(**cfdi_config, on_abandoned=kept) as cfdi:
            captured = capture_futures(cfdi, monkeypatch)
            task = asyncio.ensure_future(
                cfdi.get_status(uuid=uuid, rfcEmisor=EMISOR, rfcReceptor=RECEPTOR, total="1160.00")
            )
            await cancel_in_flight(sandbox, task, CFDI_STATUS)
            futures.extend(captured)

    asyncio.run(main())
    [future] = futures
    assert type(future.exception()) is sello.CallCancelledError  # the library cancelled it
    assert library_cancels and kept.calls == []


def test_cancel_sent_once_cancels_a_certificate_call_as_before(
    sandbox, fes_config, library_cancels, monkeypatch
) -> None:
    sandbox.fault("delay", ms=5000, count=1, prefix=FES_OBTAIN)
    kept = Kept()
    futures: List["concurrent.futures.Future[Any]"] = []

    async def main() -> None:
        async with sello.aio.FES(**fes_config, on_abandoned=kept, cancel_sent_once=True) as fes:
            captured = capture_futures(fes, monkeypatch)
            task = asyncio.ensure_future(fes.obtain_certificate(**FES_REQUEST))
            await cancel_in_flight(sandbox, task, FES_OBTAIN)
            futures.extend(captured)

    asyncio.run(main())
    [future] = futures
    assert type(future.exception()) is sello.CallCancelledError
    assert library_cancels and kept.calls == []


def test_a_call_sent_once_that_fails_after_its_task_was_cancelled_is_logged(
    sandbox, fes_config, library_cancels, caplog, monkeypatch
) -> None:
    """Left to run, the certificate call times out after sending (the sandbox issues it, then keeps
    the answer): a WARNING names the call and the error's code, and no secret."""
    sandbox.fault("delay", ms=5000, count=1, prefix=FES_OBTAIN)
    caplog.set_level(logging.DEBUG)  # every logger and level: none may show a secret
    kept = Kept()
    futures: List["concurrent.futures.Future[Any]"] = []

    async def main() -> None:
        async with sello.aio.FES(**{**fes_config, "timeout_ms": 1500}, on_abandoned=kept) as fes:
            captured = capture_futures(fes, monkeypatch)
            with sello.call_id("certificate-7"):
                task = asyncio.ensure_future(fes.obtain_certificate(**FES_REQUEST))
            await cancel_in_flight(sandbox, task, FES_OBTAIN)
            futures.extend(captured)
        # close() waited for the call, and so for its done-callback

    asyncio.run(main())
    [future] = futures
    assert type(future.exception()) is sello.TimeoutError and future.exception().code == "TIMEOUT"
    assert library_cancels == [] and kept.calls == []
    [warning] = [r for r in caplog.records if r.name == "sello.aio" and r.levelno >= logging.WARNING]
    message = warning.getMessage()
    assert warning.levelno == logging.WARNING
    assert "fes.obtain_certificate" in message and "certificate-7" in message
    assert "TimeoutError" in message and "TIMEOUT" in message
    secrets = [FES_REQUEST["claveCertificado"], fes_config["clave"], *KNOWN_SECRETS]
    for record in caplog.records:
        text = f"{record.getMessage()} {record.args!r} {record.exc_text or ''}"
        assert not [s for s in secrets if s in text], record.getMessage()
    assert not [s for s in secrets if s in caplog.text]


def test_cancel_calls_still_cancels_a_call_sent_once(sandbox, fes_config) -> None:
    """The caller's own explicit request: the library cancels it, whatever the operation."""
    sandbox.fault("delay", ms=5000, count=1, prefix=FES_OBTAIN)

    async def main() -> None:
        async with sello.aio.FES(**fes_config) as fes:
            with sello.call_id("mine"):
                task = asyncio.ensure_future(fes.obtain_certificate(**FES_REQUEST))
            await asyncio.to_thread(wait_until, lambda: len(sandbox.requests(FES_OBTAIN)) == 1)
            assert await asyncio.to_thread(fes.sync.cancel_calls, "mine") == 1
            with pytest.raises(sello.CallCancelledError):
                await task

    asyncio.run(main())


def test_cancel_sent_once_must_be_a_bool(fes_config) -> None:
    for wrong in ("yes", 1, None):
        with pytest.raises(TypeError, match="cancel_sent_once must be a bool"):
            sello.aio.FES(**fes_config, cancel_sent_once=wrong)


# -- without on_abandoned, and for a batch: cancelled in the library (review of the sent-once rule) --


def test_without_on_abandoned_a_call_sent_once_is_cancelled_in_the_library(
    sandbox, fes_config, library_cancels, caplog, monkeypatch
) -> None:
    """Without a hook nothing could receive the outcome of a call left to run, and a call left to
    run would send what was not sent yet: it is cancelled like a read. Its error (it may have
    reached the service) is a WARNING that says it was cancelled, with no secret."""
    sandbox.fault("delay", ms=5000, count=1, prefix=FES_OBTAIN)
    caplog.set_level(logging.DEBUG)
    futures: List["concurrent.futures.Future[Any]"] = []

    async def main() -> None:
        async with sello.aio.FES(**fes_config) as fes:
            captured = capture_futures(fes, monkeypatch)
            task = asyncio.ensure_future(fes.obtain_certificate(**FES_REQUEST))
            await cancel_in_flight(sandbox, task, FES_OBTAIN)
            futures.extend(captured)

    asyncio.run(main())
    [future] = futures
    error = future.exception()
    assert type(error) is sello.CallCancelledError and error.retryable is False and library_cancels
    [warning] = [r for r in caplog.records if r.name == "sello.aio" and r.levelno >= logging.WARNING]
    message = warning.getMessage()
    assert "fes.obtain_certificate" in message and "CANCELLED" in message and "may have reached" in message
    assert "not cancelled" not in message
    secrets = [FES_REQUEST["claveCertificado"], fes_config["clave"], *KNOWN_SECRETS]
    assert not [s for s in secrets if s in caplog.text]


def test_without_on_abandoned_a_call_sent_once_waiting_to_retry_sends_nothing_more(sandbox, fes_config) -> None:
    """Answered 503 with Retry-After (not processed), the call waits to send the request again when
    its task is cancelled: nothing more is sent, nothing is issued."""
    sandbox.fault("status", status=503, retry_after=1, count=1, prefix=FES_OBTAIN)

    async def main() -> None:
        async with sello.aio.FES(**fes_config) as fes:
            task = asyncio.ensure_future(fes.obtain_certificate(**FES_REQUEST))
            await cancel_in_flight(sandbox, task, FES_OBTAIN)

    asyncio.run(main())
    assert len(sandbox.requests(FES_OBTAIN)) == 1  # no second request: no certificate issued


def test_a_batch_is_cancelled_in_the_library_and_its_result_reaches_on_abandoned(
    sandbox, cfdi_config, library_cancels
) -> None:
    """A batch stops what it has not sent and keeps the answers that arrived (the library's cancel):
    left to run it would go on stamping every item after the cancel."""
    path = CFDI_API + "/procesarArchivo"
    sandbox.fault("delay", ms=1000, count=6, prefix=path)
    kept = Kept()
    items = [{"datos": csv_text(), "prueba": True} for _ in range(6)]

    async def main() -> None:
        async with sello.aio.CFDI(**cfdi_config, on_abandoned=kept) as cfdi:
            task = asyncio.ensure_future(cfdi.process_files(items=items, concurrency=1))
            await cancel_in_flight(sandbox, task, path)
            await kept.wait()

    asyncio.run(main())
    assert library_cancels
    [(operation, result)] = kept.calls
    assert operation == "process_files" and len(result["results"]) == len(items)
    assert len(sandbox.requests(path)) < len(items)
