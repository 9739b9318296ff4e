"""sello.FES against the sandbox: obtain_certificate and fes_check_request through the binding (a
path for save_to, the exception's problems), the call by name, the client's lifecycle, callbacks
and threads. FES's rules (every code, retries, the certificate kept) are tested through the .so in
Tests/python/test_fes.py and test_foundation.py."""

from __future__ import annotations

import base64
import gc
import os
import stat
import threading
import time
from typing import Any, Dict, List, Tuple

import pytest
import sello
from sello_fixtures import FES_OBTAIN as OBTAIN_PATH
from sello_fixtures import FES_REQUEST


def test_obtain_certificate_returns_the_data(sandbox, fes_config) -> None:
    with sello.FES(**fes_config) as fes:
        result = fes.obtain_certificate(**FES_REQUEST)
    assert isinstance(result, sello.Result)
    assert result["estado"] == "OK" and result["errorCode"] == 0
    assert result.data["comentario"]
    p12 = base64.b64decode(result["certificado"], validate=True)
    assert len(p12) > 100
    info = result["certificate_info"]
    assert info["rut"] == "19371037-9" and info["not_after"] > info["not_before"]
    assert result.warnings == []
    assert (result.meta["service"], result.meta["operation"], result.meta["http_status"]) == (
        "fes",
        "obtain_certificate",
        200,
    )
    assert result.attempts == 1 and result.http_status == 200
    [received] = sandbox.requests()
    assert received["path"] == OBTAIN_PATH
    assert received["json"]["request"]["parametro"]["rut"] == "19371037-9"


def test_obtain_certificate_saves_the_file(sandbox, fes_config, tmp_path) -> None:
    target = tmp_path / "certificado.p12"
    with sello.FES(**fes_config) as fes:
        result = fes.obtain_certificate(**FES_REQUEST, save_to=target)
    assert result["saved_to"] == str(target)
    assert target.read_bytes() == base64.b64decode(result["certificado"])
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_fes_check_request_masks_the_secrets() -> None:
    result = sello.fes_check_request(**FES_REQUEST)
    body = result.data["request"]
    assert body["encabezado"] == {"usuario": "***", "clave": "***"}
    assert body["parametro"]["claveCertificado"] == "***"
    assert body["parametro"]["rut"] == "19371037-9"
    assert result.attempts == 0


def test_fes_check_request_lists_every_problem() -> None:
    with pytest.raises(sello.ValidationError) as caught:
        sello.fes_check_request(rut="19.371.037-9")
    error = caught.value
    assert (error.code, error.service_code) == ("REQUEST_INCOMPLETO", 109)
    assert {p["field"] for p in error.problems} >= {"correo", "duracion", "giroEmpresa"}


def test_the_escape_hatch_call_by_name(sandbox, fes_config) -> None:
    with sello.FES(**fes_config) as fes:
        result = fes.call("obtain_certificate", FES_REQUEST)
        assert result["estado"] == "OK"
        with pytest.raises(ValueError):
            fes.call("obtain_everything", {})


# -- lifecycle -------------------------------------------------------------------------------------


def _spy_on_free(monkeypatch: pytest.MonkeyPatch, client: sello.FES) -> List[int]:
    freed: List[int] = []
    library = client._lib
    real = library.function

    def function(name: str) -> Any:
        target = real(name)
        if name == "fes_client_free":

            def free(handle: int) -> None:
                freed.append(handle)
                target(handle)

            return free
        return target

    monkeypatch.setattr(library, "function", function)
    return freed


def test_the_context_manager_frees_the_handle(monkeypatch, fes_config) -> None:
    fes = sello.FES(**fes_config)
    handle = fes._handle
    freed = _spy_on_free(monkeypatch, fes)
    with fes:
        assert not fes.closed
    assert fes.closed and freed == [handle]
    fes.close()  # twice is harmless
    assert freed == [handle]
    with pytest.raises(sello.InvalidArgumentError) as caught:
        fes.obtain_certificate(**FES_REQUEST)
    assert caught.value.code == "CLIENT_CLOSED"


def test_garbage_collection_frees_the_handle(monkeypatch, fes_config) -> None:
    fes = sello.FES(**fes_config)
    handle = fes._handle
    freed = _spy_on_free(monkeypatch, fes)
    del fes
    gc.collect()
    assert freed == [handle]


def test_close_waits_for_a_call_in_flight(sandbox, fes_config) -> None:
    sandbox.fault("delay", ms=600)
    fes = sello.FES(**fes_config)
    outcome: Dict[str, Any] = {}
    worker = threading.Thread(target=lambda: outcome.update(result=fes.obtain_certificate(**FES_REQUEST)))
    worker.start()
    time.sleep(0.2)
    fes.close()
    worker.join()
    assert outcome["result"]["estado"] == "OK"
    assert fes.closed


# -- callbacks -------------------------------------------------------------------------------------


def test_the_log_callback_receives_redacted_lines(sandbox, fes_config) -> None:
    lines: List[Tuple[int, str]] = []
    with sello.FES(
        **fes_config, on_log=lambda level, message: lines.append((level, message)), log_level=sello.LOG_DEBUG
    ) as fes:
        fes.obtain_certificate(**FES_REQUEST)
    assert any("→ POST" in message for _, message in lines)
    assert all(sello.LOG_DEBUG <= level <= sello.LOG_ERROR for level, _ in lines)
    for _, message in lines:
        assert fes_config["clave"] not in message and FES_REQUEST["claveCertificado"] not in message


def test_the_log_level_filters_and_none_removes(sandbox, fes_config) -> None:
    lines: List[Tuple[int, str]] = []
    with sello.FES(
        **fes_config, on_log=lambda level, message: lines.append((level, message)), log_level=sello.LOG_ERROR
    ) as fes:
        fes.obtain_certificate(**FES_REQUEST)
        assert lines == []
        fes.set_log(lambda level, message: lines.append((level, message)), sello.LOG_INFO)
        fes.obtain_certificate(**FES_REQUEST)
        assert lines
        count = len(lines)
        fes.set_log(None)
        fes.obtain_certificate(**FES_REQUEST)
        assert len(lines) == count


def test_a_failing_callback_does_not_break_the_call(sandbox, fes_config) -> None:
    def broken(level: int, message: str) -> None:
        raise RuntimeError("boom")

    with sello.FES(**fes_config, on_log=broken) as fes:
        assert fes.obtain_certificate(**FES_REQUEST)["estado"] == "OK"


def test_the_progress_callback_can_be_set_and_removed(sandbox, fes_config) -> None:
    calls: List[Tuple[int, int]] = []
    with sello.FES(**fes_config, on_progress=lambda done, total: calls.append((done, total))) as fes:
        assert fes.obtain_certificate(**FES_REQUEST)["estado"] == "OK"
        fes.set_progress(None)
        assert fes.obtain_certificate(**FES_REQUEST)["estado"] == "OK"
    # FES transfers no file: progress is reported by uploads (see test_firma_virtual.py).
    assert all(total == -1 or 0 <= done <= total for done, total in calls)


# -- threads ---------------------------------------------------------------------------------------


def test_eight_threads_share_one_client(sandbox, fes_config) -> None:
    results: List[sello.Result] = []
    errors: List[BaseException] = []
    lock = threading.Lock()
    with sello.FES(**fes_config) as fes:

        def work() -> None:
            try:
                for _ in range(10):
                    result = fes.obtain_certificate(**FES_REQUEST)
                    with lock:
                        results.append(result)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert len(results) == 80 and all(r["estado"] == "OK" for r in results)
    assert sandbox.stats()["requests"] == 80


def test_calls_run_in_parallel_without_the_gil(sandbox, fes_config) -> None:
    sandbox.fault("delay", ms=500, count=8)
    with sello.FES(**fes_config) as fes:
        threads = [threading.Thread(target=fes.obtain_certificate, kwargs=FES_REQUEST) for _ in range(8)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    assert elapsed < 2.5, f"8 calls of 0.5 s took {elapsed:.2f} s: they did not run in parallel"
    assert sandbox.stats()["requests"] == 8
