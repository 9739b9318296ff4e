"""Cancelling a call in flight (issue 14, API.md §6): the request field call_id and
PREFIX_client_cancel, through the .so, against the sandbox. Each test checks what the sandbox
received: a cancelled call never sends more than it had sent, and says whether that may have
reached the service."""

from __future__ import annotations

import ctypes
import resource
import threading
import time
from typing import Any, Callable

import pytest
from sello_ffi import LOG_FN, PROGRESS_FN, Client, call, lib
from sello_fixtures import (
    CFDI_STATUS as STATUS_PATH,
)
from sello_fixtures import (
    CFDI_USER,
    EMISOR,
    FES_REQUEST,
    FES_USER,
    GHOST_UUID,
    RECEPTOR,
)
from sello_fixtures import (
    FES_OBTAIN as FES_PATH,
)

GHOST = {"uuid": GHOST_UUID, "rfcEmisor": EMISOR, "rfcReceptor": RECEPTOR, "total": "1160.00"}
#: A cancelled call returns within milliseconds; the sandbox holds the answer for this long, so
#: a call that returns well before it was surely stopped, not answered (the precise latency is
#: measured in benchmarks/aio_concurrency.py, not here).
HELD_MS = 5000


def wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "the condition never held"
        time.sleep(0.01)


def in_background(function: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    box: dict[str, Any] = {}

    def run() -> None:
        started = time.monotonic()
        box["result"] = function()
        box["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run)
    thread.start()
    return thread, box


@pytest.fixture()
def fes(sandbox) -> Client:
    with Client("fes", {"base_url": sandbox.fes_url, **FES_USER, "timeout_ms": 30000}) as client:
        yield client


@pytest.fixture()
def cfdi(sandbox) -> Client:
    config = {
        "base_url": sandbox.cfdi_url,
        **CFDI_USER,
        "timeout_ms": 30000,
        "retries": {"max": 2, "base_delay_ms": 10, "max_delay_ms": 10000},
    }
    with Client("cfdi", config) as client:
        yield client


def test_a_certificate_in_flight_is_cancelled_by_its_call_id(sandbox, fes) -> None:
    sandbox.fault("delay", ms=HELD_MS, prefix=FES_PATH)
    thread, box = in_background(lambda: fes.call("obtain_certificate", {**FES_REQUEST, "call_id": "cert-1"}))
    wait_for(lambda: len(sandbox.requests(FES_PATH)) == 1)
    reply = fes.cancel("cert-1")
    thread.join()
    assert reply["ok"] is True and reply["data"] == {"cancelled": 1}
    envelope = box["result"]
    assert envelope["ok"] is False and box["seconds"] < HELD_MS / 1000 / 2, envelope
    error = envelope["error"]
    assert (error["kind"], error["code"], error["retryable"]) == ("cancelled", "CANCELLED", False)
    assert "may have reached the service" in error["message"] and "certificate" in error["message"]
    assert envelope["meta"]["attempts"] == 1 and len(sandbox.requests(FES_PATH)) == 1
    [received] = sandbox.requests(FES_PATH)
    assert "call_id" not in received["json"]["request"]["parametro"] and "call_id" not in received["json"]


def test_a_read_cancelled_in_flight_may_be_sent_again(sandbox, cfdi) -> None:
    sandbox.fault("delay", ms=HELD_MS, prefix=STATUS_PATH)
    thread, box = in_background(lambda: cfdi.call("get_status", {**GHOST, "call_id": "status"}))
    wait_for(lambda: len(sandbox.requests(STATUS_PATH)) == 1)
    assert cfdi.cancel("status")["data"]["cancelled"] == 1
    thread.join()
    error = box["result"]["error"]
    assert error["kind"] == "cancelled" and error["retryable"] is True and box["seconds"] < HELD_MS / 2000
    assert len(sandbox.requests(STATUS_PATH)) == 1


def test_null_cancels_every_call_in_flight(sandbox, cfdi) -> None:
    sandbox.fault("delay", ms=HELD_MS, prefix=STATUS_PATH, count=8)
    runs = [in_background(lambda n=n: cfdi.call("get_status", {**GHOST, "call_id": f"c{n}"})) for n in range(8)]
    wait_for(lambda: len(sandbox.requests(STATUS_PATH)) == 8)
    assert cfdi.cancel(None)["data"] == {"cancelled": 8}
    for thread, box in runs:
        thread.join()
        assert box["result"]["error"]["kind"] == "cancelled" and box["seconds"] < HELD_MS / 2000
    assert len(sandbox.requests(STATUS_PATH)) == 8


def test_a_cancel_reaches_only_its_call_id(sandbox, cfdi) -> None:
    sandbox.fault("delay", ms=1000, prefix=STATUS_PATH, count=2)
    kept, kept_box = in_background(lambda: cfdi.call("get_status", {**GHOST, "call_id": "keep"}))
    gone, gone_box = in_background(lambda: cfdi.call("get_status", {**GHOST, "call_id": "drop"}))
    wait_for(lambda: len(sandbox.requests(STATUS_PATH)) == 2)
    assert cfdi.cancel("drop")["data"]["cancelled"] == 1
    assert cfdi.cancel("nobody")["data"]["cancelled"] == 0
    kept.join()
    gone.join()
    assert kept_box["result"]["ok"] is True and gone_box["result"]["error"]["kind"] == "cancelled"


def test_a_call_waiting_to_retry_is_cancelled_and_nothing_more_is_sent(sandbox, cfdi) -> None:
    sandbox.fault("status", status=503, retry_after=5, prefix=STATUS_PATH)
    thread, box = in_background(lambda: cfdi.call("get_status", {**GHOST, "call_id": "wait"}))
    wait_for(lambda: any(line.startswith("retry 1") for _, line in cfdi.logs))
    assert cfdi.cancel("wait")["data"]["cancelled"] == 1
    thread.join()
    error = box["result"]["error"]
    assert error["kind"] == "cancelled" and error["retryable"] is True and "waited to send" in error["message"]
    assert box["seconds"] < 2.5 and len(sandbox.requests(STATUS_PATH)) == 1


def test_a_cancelled_batch_keeps_what_finished(sandbox, cfdi) -> None:
    sandbox.fault("delay", ms=1, prefix=STATUS_PATH, count=2)  # the first two answer at once
    sandbox.fault("delay", ms=HELD_MS, prefix=STATUS_PATH, count=10)  # the next one is held
    request = {"operation": "get_status", "concurrency": 1, "call_id": "batch", "items": [GHOST] * 4}
    thread, box = in_background(lambda: cfdi.call("process_files", request))
    wait_for(lambda: len(sandbox.requests(STATUS_PATH)) == 3)
    assert cfdi.cancel("batch")["data"]["cancelled"] == 1
    thread.join()
    results = box["result"]["data"]["results"]
    assert [r["ok"] for r in results[:2]] == [True, True]
    assert [r["error"]["kind"] for r in results[2:]] == ["cancelled", "cancelled"]
    assert results[2]["meta"]["attempts"] == 1 and results[3]["meta"]["attempts"] == 0
    assert "before its request was sent" in results[3]["error"]["message"]
    assert box["seconds"] < HELD_MS / 2000 and len(sandbox.requests(STATUS_PATH)) == 3
    assert (2, 4) in cfdi.progress and cfdi.progress[-1] == (4, 4)  # cancelled items are finished too


def set_callbacks(client: Client, on_log: Callable[[str], None] | None = None, on_progress=None) -> list[Any]:
    """Replaces the client's captured log or progress callback; keep the returned references."""
    kept: list[Any] = []
    if on_log is not None:
        log_fn = LOG_FN(lambda _ud, _level, message: on_log(message.decode()))
        set_log = getattr(lib, f"{client.prefix}_client_set_log")
        set_log.argtypes = [ctypes.c_void_p, LOG_FN, ctypes.c_void_p, ctypes.c_int]
        set_log(client.handle, log_fn, None, 0)
        kept.append(log_fn)
    if on_progress is not None:
        progress_fn = PROGRESS_FN(lambda _ud, done, total: on_progress(done, total))
        set_progress = getattr(lib, f"{client.prefix}_client_set_progress")
        set_progress.argtypes = [ctypes.c_void_p, PROGRESS_FN, ctypes.c_void_p]
        set_progress(client.handle, progress_fn, None)
        kept.append(progress_fn)
    return kept


def test_a_batch_cancelled_while_it_launches_sends_nothing_more(sandbox, cfdi) -> None:
    """Cancelled from the log line of the second item's request ("→"), the first item being done:
    that item and the rest are not sent."""
    arrows = []

    def on_log(line: str) -> None:
        if line.startswith("→"):
            arrows.append(line)
            if len(arrows) == 2:
                cfdi.cancel("launch")

    kept = set_callbacks(cfdi, on_log=on_log)
    request = {"operation": "get_status", "concurrency": 4, "call_id": "launch", "items": [GHOST] * 8}
    results = cfdi.call("process_files", request)["data"]["results"]
    assert kept and results[0]["ok"] is True, results[0]
    for result in results[1:]:
        assert result["error"]["code"] == "CANCELLED" and result["meta"]["attempts"] == 0, result
        assert "before its request was sent" in result["error"]["message"], result["error"]
    assert len(sandbox.requests(STATUS_PATH)) == 1


def test_a_batch_cancelled_keeps_an_answer_that_already_arrived(sandbox, cfdi) -> None:
    """Items 1 and 2 run together, one answered at once, the other after 100 ms; the progress
    callback of the first holds the thread 600 ms, then cancels: the other answer was there."""

    def on_progress(done: int, _total: int) -> None:
        if done == 1:
            sandbox.fault("delay", ms=100, count=1, prefix=STATUS_PATH)
        if done == 2:
            time.sleep(0.6)
            cfdi.cancel("arrived")

    kept = set_callbacks(cfdi, on_progress=on_progress)
    request = {"operation": "get_status", "concurrency": 2, "call_id": "arrived", "items": [GHOST] * 3}
    results = cfdi.call("process_files", request)["data"]["results"]
    assert kept and [r["ok"] for r in results] == [True, True, True], results
    assert len(sandbox.requests(STATUS_PATH)) == 3


def test_a_batch_waiting_to_retry_its_first_item_does_not_spin(sandbox, cfdi) -> None:
    """Item 0 answered 503 (retried after 10 ms) while item 1, sent meanwhile, is held 1.5 s: the
    batch waits for the network instead of asking libcurl again and again (CPU time, not speed)."""
    sandbox.fault("status", status=503, count=1, prefix=STATUS_PATH)
    sandbox.fault("delay", ms=1500, count=1, prefix=STATUS_PATH)
    before, started = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    results = cfdi.call("process_files", {"operation": "get_status", "items": [GHOST] * 3})["data"]["results"]
    after, wall = resource.getrusage(resource.RUSAGE_SELF), time.monotonic() - started
    assert [r["ok"] for r in results] == [True, True, True], results
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert wall > 1.4 and cpu < wall / 3, f"{cpu:.2f} s of CPU in {wall:.2f} s"


def test_an_item_sent_and_waiting_to_retry_keeps_its_own_error_when_a_batch_stops(sandbox, cfdi) -> None:
    """Item 1 answered 503 and waits to be retried when item 2's credentials are refused: it was
    sent, so it ends with its own error, not with "not sent"; the items not yet sent are not."""

    def on_progress(done: int, _total: int) -> None:
        if done == 1:
            sandbox.fault("status", status=503, count=1, prefix=STATUS_PATH)
            sandbox.fault("service_error", code=1, count=1, prefix=STATUS_PATH)

    cfdi_slow_retry = Client(
        "cfdi",
        {"base_url": sandbox.cfdi_url, **CFDI_USER, "retries": {"max": 2, "base_delay_ms": 800, "max_delay_ms": 2000}},
    )
    with cfdi_slow_retry as client:
        kept = set_callbacks(client, on_progress=on_progress)
        results = client.call("process_files", {"operation": "get_status", "items": [GHOST] * 6, "concurrency": 2})
    results = results["data"]["results"]
    assert kept and results[0]["ok"] is True
    failed = [r for r in results if not r["ok"]]
    refused = [r for r in failed if r["error"]["kind"] == "auth" and not r["error"]["message"].startswith("not sent:")]
    waiting = [r for r in failed if r["error"]["code"] == "SERVICE_UNAVAILABLE"]
    unsent = [r for r in failed if r["error"]["message"].startswith("not sent:")]
    assert len(refused) == 1 and refused[0]["meta"]["attempts"] == 1, failed
    assert len(waiting) == 1 and waiting[0]["meta"]["attempts"] == 1, failed
    assert "not sent again" in waiting[0]["error"]["message"], waiting[0]["error"]
    assert len(unsent) >= 2 and len(refused) + len(waiting) + len(unsent) == len(failed), failed
    for result in unsent:
        assert result["meta"]["attempts"] == 0 and "first item" not in result["error"]["message"], result
    assert len(sandbox.requests(STATUS_PATH)) == sum(r["meta"]["attempts"] for r in results)


def test_batch_progress_counts_items(sandbox, cfdi) -> None:
    bad = {**GHOST, "uuid": "not-a-uuid"}
    envelope = cfdi.call("process_files", {"operation": "get_status", "items": [bad, GHOST, GHOST, GHOST, GHOST]})
    assert envelope["data"]["succeeded"] == 4
    assert cfdi.progress[0] == (1, 5) and cfdi.progress[-1] == (5, 5)
    assert [done for done, _ in cfdi.progress] == sorted(done for done, _ in cfdi.progress)


def test_call_id_is_a_string(sandbox, cfdi) -> None:
    envelope = cfdi.call("get_status", {**GHOST, "call_id": 7})
    error = envelope["error"]
    assert (error["kind"], error["code"], error["field"]) == ("invalid_argument", "WRONG_TYPE", "call_id")
    assert sandbox.requests(STATUS_PATH) == []


def test_nothing_in_flight_nothing_cancelled(sandbox, cfdi) -> None:
    assert cfdi.call("get_status", {**GHOST, "call_id": "done"})["ok"] is True
    reply = cfdi.cancel("done")
    assert reply["ok"] is True and reply["data"] == {"cancelled": 0}
    assert reply["meta"]["operation"] == "client_cancel" and reply["meta"]["attempts"] == 0
    assert cfdi.call("get_status", GHOST)["ok"] is True  # the client is not left cancelled


def test_cancel_on_a_null_client_is_an_error_envelope(cfdi) -> None:
    reply = cfdi.cancel(None, handle=None)
    assert reply["ok"] is False and reply["error"]["kind"] == "invalid_argument"


def test_local_helpers_accept_call_id() -> None:
    envelope = call("sello_check_rut", {"rut": "76.369.187-K", "call_id": "x"})
    assert envelope["ok"] is True and envelope["data"]["normalized"] == "76369187-K"


def test_a_batch_keeps_its_slots_full(sandbox, cfdi_config) -> None:
    """--concurrency is how many requests are in flight at once: a slot freed by an answer takes
    the next item at once. It used to be refilled only when another transfer woke the wait, so
    after the second round a batch of concurrency 2 went one request at a time. Each request is
    held 1.5 s; requests that arrive within 0.75 s of each other were in flight together."""
    sandbox.fault("delay", ms=1500, prefix=STATUS_PATH, count=-1)
    with Client("cfdi", cfdi_config) as client:
        envelope = client.call("process_files", {"operation": "get_status", "items": [GHOST] * 5, "concurrency": 2})
    assert envelope["data"]["succeeded"] == 5, envelope["data"]
    arrivals = sorted(request["time"] for request in sandbox.requests(STATUS_PATH))
    rounds = [[arrivals[0]]]
    for arrival in arrivals[1:]:
        if arrival - rounds[-1][0] < 0.75:
            rounds[-1].append(arrival)
        else:
            rounds.append([arrival])
    assert [len(r) for r in rounds] == [1, 2, 2], arrivals  # the first alone (documented), then pairs
