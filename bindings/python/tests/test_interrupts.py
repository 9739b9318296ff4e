"""Ctrl-C (KeyboardInterrupt) and SystemExit during a call: raised inside a progress or log
callback, or delivered as a real SIGINT while the call runs callbacks, they cancel the call in
flight on this thread (only that one) and propagate from the binding's method at once."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
import time
from typing import Any, Dict, List, Type

import pytest
import sello
import sello.aio
from sello_fixtures import CFDI_REST, EMISOR, GHOST_UUID, RECEPTOR
from sello_fixtures import CFDI_STATUS as STATUS

GHOST = {"uuid": GHOST_UUID, "rfcEmisor": EMISOR, "rfcReceptor": RECEPTOR, "total": "1160.00"}
INTERRUPTS = [KeyboardInterrupt, SystemExit]


def wait_for_requests(sandbox: Any, count: int) -> None:
    deadline = time.monotonic() + 10
    while len(sandbox.requests(STATUS)) < count:
        assert time.monotonic() < deadline, "the sandbox never received the request"
        time.sleep(0.01)


@pytest.mark.parametrize("kind", INTERRUPTS)
def test_an_interrupt_raised_in_a_log_callback_cancels_the_held_call(
    sandbox, cfdi_config, kind: Type[BaseException]
) -> None:
    sandbox.fault("delay", ms=5000, prefix=STATUS)

    def on_log(level: int, line: str) -> None:
        raise kind()

    with sello.CFDI(**cfdi_config, on_log=on_log, log_level=sello.LOG_DEBUG) as cfdi:
        started = time.monotonic()
        with pytest.raises(kind):
            cfdi.get_status(**GHOST)
        assert time.monotonic() - started < 4, "the call ran on to the end of the 5 s delay"
        cfdi.set_log(None)
        assert cfdi.get_status(**GHOST)["consultaOk"] is True  # the client goes on working


@pytest.mark.parametrize("kind", INTERRUPTS)
def test_an_interrupt_raised_in_a_progress_callback_stops_the_batch(
    sandbox, cfdi_config, kind: Type[BaseException]
) -> None:
    sandbox.fault("delay", ms=300, prefix=STATUS, count=-1)

    def on_progress(done: int, total: int) -> None:
        if done >= 1:
            raise kind()

    with sello.CFDI(**cfdi_config, on_progress=on_progress) as cfdi:
        with pytest.raises(kind):
            cfdi.process_files(operation="get_status", items=[GHOST] * 20, concurrency=1)
        time.sleep(0.5)  # a batch still running would send its next items meanwhile
        assert len(sandbox.requests(STATUS)) <= 2


def test_an_ordinary_exception_in_a_callback_is_logged_and_the_call_goes_on(sandbox, cfdi_config, caplog) -> None:
    def on_progress(done: int, total: int) -> None:
        raise ValueError("a bug in the callback")

    with sello.CFDI(**cfdi_config, on_progress=on_progress) as cfdi:
        result = cfdi.process_files(operation="get_status", items=[GHOST] * 3, concurrency=1)
    assert result["succeeded"] == 3
    assert "the on_progress callback raised" in caplog.text


def test_the_interrupt_cancels_only_the_call_of_its_thread(sandbox, cfdi_config) -> None:
    sandbox.fault("delay", ms=1500, prefix=STATUS, count=2)
    main = threading.main_thread()
    outcome: Dict[str, Any] = {}

    def on_log(level: int, line: str) -> None:
        if threading.current_thread() is main and len(sandbox.requests(STATUS)) >= 2:
            raise KeyboardInterrupt

    with sello.CFDI(**cfdi_config, on_log=on_log, log_level=sello.LOG_DEBUG) as cfdi:

        def other() -> None:
            try:
                outcome["result"] = cfdi.get_status(**GHOST)
            except BaseException as error:  # noqa: BLE001 - reported below
                outcome["error"] = error

        worker = threading.Thread(target=other)
        worker.start()
        wait_for_requests(sandbox, 1)
        with pytest.raises(KeyboardInterrupt):
            cfdi.get_status(**GHOST)
        worker.join(timeout=10)
    assert "error" not in outcome and outcome["result"]["consultaOk"] is True


def test_a_caller_call_id_is_kept_and_cancelled_by(sandbox, cfdi_config) -> None:
    sandbox.fault("delay", ms=5000, prefix=STATUS)

    def on_log(level: int, line: str) -> None:
        raise KeyboardInterrupt

    with sello.CFDI(**cfdi_config, on_log=on_log, log_level=sello.LOG_DEBUG) as cfdi:
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            cfdi.call("get_status", {**GHOST, "call_id": "mine"})
        assert time.monotonic() - started < 4


def test_a_real_sigint_during_a_batch_interrupts_it(sandbox, cfdi_config) -> None:
    """SIGINT's KeyboardInterrupt is raised at the first bytecode of whatever Python code runs
    next on the main thread: the trampoline's own first line, outside any try (ctypes then only
    prints it and drops it)."""
    assert threading.current_thread() is threading.main_thread()
    sandbox.fault("delay", ms=100, prefix=STATUS, count=-1)
    seen: List[int] = []

    def interrupt() -> None:
        wait_for_requests(sandbox, 3)
        os.kill(os.getpid(), signal.SIGINT)

    with sello.CFDI(**cfdi_config, on_progress=lambda done, total: seen.append(done)) as cfdi:
        timer = threading.Thread(target=interrupt)
        timer.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                cfdi.process_files(operation="get_status", items=[GHOST] * 40, concurrency=1)
        finally:
            timer.join(timeout=10)
        time.sleep(0.3)
        assert len(sandbox.requests(STATUS)) <= 6, "the batch went on after the SIGINT"
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_an_interrupt_in_an_aio_callback_cancels_the_call_and_propagates(sandbox, cfdi_config) -> None:
    sandbox.fault("delay", ms=5000, prefix=STATUS)

    def on_log(level: int, line: str) -> None:
        raise KeyboardInterrupt

    client = sello.aio.CFDI(**cfdi_config, on_log=on_log, log_level=sello.LOG_DEBUG)

    async def main() -> None:
        await client.get_status(**GHOST)

    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            asyncio.run(main())
        assert time.monotonic() - started < 4
    finally:
        asyncio.run(client.close())


# -- the outcome of a call that ended before its interrupt is raised is kept (stamp-twice review) --


@pytest.mark.parametrize("kind", INTERRUPTS)
def test_an_interrupt_after_the_answer_keeps_the_certificate_on_the_exception(
    sandbox, fes_config, caplog, kind: Type[BaseException]
) -> None:
    """Raised in the log callback's "←" line, the answer is in: the certificate was issued. The
    interrupt still propagates, carrying the Result (sello_outcome), and a WARNING says so without
    the data."""
    from sello_fixtures import FES_OBTAIN, FES_REQUEST

    def on_log(level: int, line: str) -> None:
        if line.startswith("←") or "← 200" in line:
            raise kind()

    caplog.set_level(logging.DEBUG)
    with sello.FES(**fes_config, on_log=on_log, log_level=sello.LOG_DEBUG) as fes:
        with pytest.raises(kind) as caught:
            fes.obtain_certificate(**FES_REQUEST)
    outcome = getattr(caught.value, "sello_outcome", None)
    assert isinstance(outcome, sello.Result) and outcome["estado"] == "OK" and outcome["certificado"]
    assert len(sandbox.requests(FES_OBTAIN)) == 1
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING and "sello_outcome" in r.getMessage()]
    assert "fes.obtain_certificate" in warning.getMessage()
    assert outcome["certificado"][:24] not in caplog.text and FES_REQUEST["claveCertificado"] not in caplog.text


def test_a_sigint_while_a_certificate_call_awaits_its_answer_keeps_its_outcome(sandbox, fes_config) -> None:
    """A real SIGINT while the answer is awaited, no callback running meanwhile: Python handles it
    once the call returns (or the library cancels the call, whose error then says the request may
    have reached the service); either way the KeyboardInterrupt carries the outcome."""
    from sello_fixtures import FES_OBTAIN, FES_REQUEST

    sandbox.fault("delay", ms=3000, count=1, prefix=FES_OBTAIN)

    def on_log(level: int, line: str) -> None:
        if line.startswith("→ POST") or "→ POST" in line:
            threading.Thread(target=lambda: (time.sleep(0.3), os.kill(os.getpid(), signal.SIGINT))).start()

    with sello.FES(**fes_config, on_log=on_log, log_level=sello.LOG_DEBUG) as fes:
        with pytest.raises(KeyboardInterrupt) as caught:
            fes.obtain_certificate(**FES_REQUEST)
    outcome = getattr(caught.value, "sello_outcome", None)
    if isinstance(outcome, sello.Result):
        assert outcome["estado"] == "OK" and outcome["certificado"]
    else:
        assert isinstance(outcome, sello.CallCancelledError) and outcome.retryable is False, outcome
    assert len(sandbox.requests(FES_OBTAIN)) == 1


# -- a SIGINT during a call that runs no Python meanwhile (no callback, no logging handler) -------


@pytest.fixture
def quiet_sello_logger() -> Any:
    """The library's lines wanted by no handler: a call runs no Python code until it returns (the
    default of an application without logging configured, and of one that silences sello)."""
    logger = logging.getLogger("sello")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield logger
    finally:
        logger.setLevel(level)


def sigint_once(sandbox: Any, prefix: str, count: int) -> threading.Thread:
    """Sends SIGINT to this process once the sandbox has received ``count`` requests under
    ``prefix`` (each held there by a delay fault)."""

    def interrupt() -> None:
        deadline = time.monotonic() + 10
        while len(sandbox.requests(prefix)) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(os.getpid(), signal.SIGINT)

    thread = threading.Thread(target=interrupt)
    thread.start()
    return thread


def test_a_sigint_during_a_call_without_callbacks_keeps_its_outcome(sandbox, fes_config, quiet_sello_logger) -> None:
    """No Python runs during the call, so Python raises the KeyboardInterrupt as soon as the C
    call returns: it must carry the certificate that was issued (and its envelope be freed)."""
    from sello_fixtures import FES_OBTAIN, FES_REQUEST

    assert threading.current_thread() is threading.main_thread()
    sandbox.fault("delay", ms=1500, count=1, prefix=FES_OBTAIN)
    with sello.FES(**fes_config) as fes:
        assert not fes._calls_back()  # the case under test: nothing to call back meanwhile
        timer = sigint_once(sandbox, FES_OBTAIN, 1)
        try:
            with pytest.raises(KeyboardInterrupt) as caught:
                fes.obtain_certificate(**FES_REQUEST)
        finally:
            timer.join(timeout=10)
    outcome = getattr(caught.value, "sello_outcome", None)
    assert isinstance(outcome, sello.Result), outcome
    assert outcome["estado"] == "OK" and outcome["certificado"]
    assert len(sandbox.requests(FES_OBTAIN)) == 1
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_sigint_during_a_batch_without_callbacks_keeps_its_results(sandbox, cfdi_config, quiet_sello_logger) -> None:
    """The same for a batch of stamps: the batch cannot be stopped (no Python runs meanwhile),
    so it ends, and its results go with the KeyboardInterrupt."""
    from sello_fixtures import csv_text

    sandbox.fault("delay", ms=1000, count=3, prefix=CFDI_REST)
    items = [{"datos": csv_text(str(folio)), "prueba": True} for folio in range(3)]
    with sello.CFDI(**cfdi_config) as cfdi:
        assert not cfdi._calls_back()
        timer = sigint_once(sandbox, CFDI_REST, 1)
        try:
            with pytest.raises(KeyboardInterrupt) as caught:
                cfdi.process_files(items=items)
        finally:
            timer.join(timeout=10)
    outcome = getattr(caught.value, "sello_outcome", None)
    assert isinstance(outcome, sello.Result), outcome
    assert outcome["succeeded"] == 3
    assert len(sandbox.state()["cfdis"]) == 3
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


# -- a job queue's time limit: a signal whose Python handler raises an ordinary exception ---------
# RQ's worker raises JobTimeoutException from its SIGALRM handler, Celery SoftTimeLimitExceeded from
# SIGUSR1's, gunicorn's worker sys.exit(1) from SIGABRT's. Raised as the C call returns, before its
# envelope is kept, each lost the call's outcome (a certificate issued) and leaked the envelope.


class JobTimeout(Exception):
    """What a job queue's handler raises: an Exception, not a KeyboardInterrupt."""


def spy_on_envelopes(monkeypatch: pytest.MonkeyPatch, client: sello.FES, operation: str) -> Dict[str, List[int]]:
    """The envelopes ``operation``'s C function returns ("made") and those the binding reads and
    frees ("freed", through Lib.take)."""
    library = client._lib
    seen: Dict[str, List[int]] = {"made": [], "freed": []}
    name, real_function, real_take = client._operations[operation], library.function, library.take

    def function(wanted: str) -> Any:
        target = real_function(wanted)
        if wanted != name:
            return target

        def call(*args: Any) -> Any:
            pointer = target(*args)
            seen["made"].append(pointer)
            return pointer

        return call

    def take(pointer: Any) -> Any:
        seen["freed"].append(pointer)
        return real_take(pointer)

    monkeypatch.setattr(library, "function", function)
    monkeypatch.setattr(library, "take", take)
    return seen


@pytest.fixture
def job_handler(request: pytest.FixtureRequest) -> Any:
    """Installs, for the signal named by the test's parameter, a Python handler that raises (as a
    job queue's does), and puts the one it had back afterwards."""
    signum, kind = request.param
    raised: List[BaseException] = []

    def handler(number: int, frame: Any) -> None:
        exc = kind("job exceeded its time limit") if kind is JobTimeout else kind(1)
        raised.append(exc)
        raise exc

    previous = signal.signal(signum, handler)
    try:
        yield signum, kind, handler, raised
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signum, previous)


JOB_SIGNALS = [
    pytest.param((signal.SIGUSR1, JobTimeout), id="SIGUSR1-celery-soft-time-limit"),
    pytest.param((signal.SIGABRT, SystemExit), id="SIGABRT-gunicorn-worker-abort"),
    *(
        pytest.param((getattr(signal, name), JobTimeout), id=name)
        for name in ("SIGUSR2", "SIGHUP", "SIGQUIT", "SIGVTALRM", "SIGPROF", "SIGXCPU", "SIGTERM")
    ),
]


@pytest.mark.parametrize("job_handler", [pytest.param((signal.SIGALRM, JobTimeout), id="SIGALRM-rq")], indirect=True)
def test_a_sigalrm_job_timeout_during_a_call_keeps_its_outcome(
    sandbox, fes_config, quiet_sello_logger, monkeypatch, job_handler
) -> None:
    """RQ's job timeout: signal.setitimer's SIGALRM arrives while the certificate is being issued;
    its JobTimeout carries the certificate, and the call's envelope is freed."""
    from sello_fixtures import FES_OBTAIN, FES_REQUEST

    signum, kind, handler, raised = job_handler
    sandbox.fault("delay", ms=1500, count=1, prefix=FES_OBTAIN)
    with sello.FES(**fes_config) as fes:
        envelopes = spy_on_envelopes(monkeypatch, fes, "obtain_certificate")
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        with pytest.raises(kind) as caught:
            fes.obtain_certificate(**FES_REQUEST)
    assert raised == [caught.value], "the handler's own exception is the one raised"
    outcome = getattr(caught.value, "sello_outcome", None)
    assert isinstance(outcome, sello.Result), outcome
    assert outcome["estado"] == "OK" and outcome["certificado"]
    assert len(envelopes["made"]) == 1 and envelopes["freed"] == envelopes["made"]
    assert len(sandbox.requests(FES_OBTAIN)) == 1
    assert signal.getsignal(signum) is handler, "the job queue's handler is put back"


@pytest.mark.parametrize("job_handler", JOB_SIGNALS, indirect=True)
def test_a_signal_whose_handler_raises_during_a_call_keeps_its_outcome(
    sandbox, fes_config, quiet_sello_logger, monkeypatch, job_handler
) -> None:
    from sello_fixtures import FES_OBTAIN, FES_REQUEST

    signum, kind, handler, raised = job_handler
    sandbox.fault("delay", ms=700, count=1, prefix=FES_OBTAIN)
    with sello.FES(**fes_config) as fes:
        envelopes = spy_on_envelopes(monkeypatch, fes, "obtain_certificate")

        def send() -> None:
            deadline = time.monotonic() + 10
            while not sandbox.requests(FES_OBTAIN) and time.monotonic() < deadline:
                time.sleep(0.01)
            os.kill(os.getpid(), signum)

        sender = threading.Thread(target=send)
        sender.start()
        try:
            with pytest.raises(kind) as caught:
                fes.obtain_certificate(**FES_REQUEST)
        finally:
            sender.join(timeout=10)
    assert raised == [caught.value]
    outcome = getattr(caught.value, "sello_outcome", None)
    assert isinstance(outcome, sello.Result), outcome
    assert outcome["estado"] == "OK" and outcome["certificado"]
    assert len(envelopes["made"]) == 1 and envelopes["freed"] == envelopes["made"]
    assert signal.getsignal(signum) is handler


@pytest.mark.parametrize("job_handler", [pytest.param((signal.SIGALRM, JobTimeout), id="SIGALRM")], indirect=True)
def test_a_job_timeout_in_a_call_with_a_callback_cancels_it(sandbox, cfdi_config, job_handler) -> None:
    """A call that runs Python meanwhile (a progress callback) is cancelled by the handler's
    exception as by Ctrl-C: the batch stops, and the exception carries the batch's outcome."""
    signum, kind, handler, raised = job_handler
    sandbox.fault("delay", ms=100, prefix=STATUS, count=-1)
    with sello.CFDI(**cfdi_config, on_progress=lambda done, total: None) as cfdi:
        signal.setitimer(signal.ITIMER_REAL, 0.35)
        with pytest.raises(kind) as caught:
            cfdi.process_files(operation="get_status", items=[GHOST] * 40, concurrency=1)
        time.sleep(0.3)
        assert len(sandbox.requests(STATUS)) <= 8, "the batch went on after the job's time limit"
    assert raised == [caught.value]
    assert hasattr(caught.value, "sello_outcome")
    assert signal.getsignal(signum) is handler
