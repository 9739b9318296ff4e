"""sello.aio without on_abandoned: a call the library never sends twice whose request names a file
for its outcome (``save_to``, ``save_dir``) is left to run when its task is cancelled — by
``asyncio.wait_for``, a TaskGroup, a shutdown — so that the library writes the certificate or the
stamp there; before, it was cancelled in the library and lost (audit of 2026-12-08: FES quota spent,
the CFDI stamped, nothing written). A WARNING on ``sello.aio`` says where it was kept, or that it
was lost. Without such a file, with ``cancel_sent_once``, and for a batch: cancelled as before."""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import logging
import os
import subprocess
from typing import Any, List

import sello
import sello.aio
from sello_fixtures import CFDI_API, FES_OBTAIN, FES_REQUEST, KNOWN_SECRETS, csv_text

from .test_aio_cancel import cancel_in_flight, capture_futures, library_cancels  # noqa: F401 (a fixture)


def opens_as_pkcs12(path: Any, password: str) -> str:
    """The certificate and key in the PKCS#12 at ``path``, opened with ``password`` (openssl, as
    Tests/python does): the output, which names the certificate's subject."""
    env = {**os.environ, "SELLO_TEST_P12": password}
    opened = subprocess.run(
        ["openssl", "pkcs12", "-in", str(path), "-nodes", "-passin", "env:SELLO_TEST_P12"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert opened.returncode == 0, opened.stderr
    assert "BEGIN CERTIFICATE" in opened.stdout and "PRIVATE KEY" in opened.stdout
    return opened.stdout


def aio_warnings(caplog: Any) -> List[str]:
    return [r.getMessage() for r in caplog.records if r.name == "sello.aio" and r.levelno >= logging.WARNING]


def test_without_on_abandoned_a_certificate_with_save_to_is_left_to_run_and_saved(
    sandbox, fes_config, library_cancels, caplog, tmp_path
) -> None:
    """A task cancelled mid-call (asyncio.wait_for, a TaskGroup, a shutdown) on a client without
    on_abandoned: the certificate FES issues (once, never again) is written to save_to, as the
    request asked, instead of being cancelled in the library and lost (audit of 2026-12-08: quota
    spent, no file)."""
    sandbox.fault("delay", ms=1500, count=1, prefix=FES_OBTAIN)
    caplog.set_level(logging.DEBUG)  # every logger and level: none may show a secret
    target = tmp_path / "cert.p12"
    quota = sandbox.state()["fes_accounts"]["PruebaWS"]["quota"]

    async def main() -> None:
        async with sello.aio.FES(**fes_config) as fes:
            with sello.call_id("certificate-9"):
                task = asyncio.ensure_future(fes.obtain_certificate(**FES_REQUEST, save_to=target))
            await cancel_in_flight(sandbox, task, FES_OBTAIN)  # CancelledError at once
            assert not target.exists()  # the sandbox still holds the answer
        # close() waited for the call left to run

    asyncio.run(main())
    assert library_cancels == []  # left to run to its end
    assert sandbox.state()["fes_accounts"]["PruebaWS"]["quota"] == quota - 1
    assert len(sandbox.requests(FES_OBTAIN)) == 1
    assert "19371037-9" in opens_as_pkcs12(target, FES_REQUEST["claveCertificado"])
    [warning] = aio_warnings(caplog)
    assert "fes.obtain_certificate" in warning and "certificate-9" in warning
    assert str(target) in warning and "kept" in warning and "dropped" not in warning
    certificate = base64.b64encode(target.read_bytes()).decode()
    secrets = [FES_REQUEST["claveCertificado"], fes_config["clave"], certificate[:32], *KNOWN_SECRETS]
    assert not [s for s in secrets if s in caplog.text]


def test_without_on_abandoned_a_certificate_asked_by_name_with_save_to_is_saved(
    sandbox, fes_config, library_cancels, tmp_path
) -> None:
    """The same through call(): the request dict's save_to."""
    sandbox.fault("delay", ms=1500, count=1, prefix=FES_OBTAIN)
    target = tmp_path / "by-name.p12"

    async def main() -> None:
        async with sello.aio.FES(**fes_config) as fes:
            task = asyncio.ensure_future(fes.call("obtain_certificate", {**FES_REQUEST, "save_to": str(target)}))
            await cancel_in_flight(sandbox, task, FES_OBTAIN)

    asyncio.run(main())
    assert library_cancels == []
    assert "19371037-9" in opens_as_pkcs12(target, FES_REQUEST["claveCertificado"])


def test_without_on_abandoned_a_stamp_with_save_dir_is_left_to_run_and_saved(
    sandbox, cfdi_config, library_cancels, caplog, tmp_path
) -> None:
    path = CFDI_API + "/procesarArchivo"
    sandbox.fault("delay", ms=1500, count=1, prefix=path)
    caplog.set_level(logging.WARNING, logger="sello.aio")

    async def main() -> None:
        async with sello.aio.CFDI(**cfdi_config) as cfdi:
            task = asyncio.ensure_future(cfdi.process_file(datos=csv_text(folio="77"), prueba=True, save_dir=tmp_path))
            await cancel_in_flight(sandbox, task, path)

    asyncio.run(main())
    assert library_cancels == []
    assert len(sandbox.requests(path)) == 1
    [saved] = list(tmp_path.iterdir())
    uuid = saved.name[: -len(".xml")]
    assert saved.name.endswith(".xml") and uuid.upper() in saved.read_text().upper()  # its TimbreFiscalDigital
    with sello.CFDI(**cfdi_config) as cfdi:
        assert cfdi.get_by_uuid(uuid=uuid)["consultaOk"] is True  # the stamp the sandbox made, once
    [warning] = aio_warnings(caplog)
    assert "cfdi.process_file" in warning and str(saved) in warning and "kept" in warning


def test_without_on_abandoned_a_certificate_that_cannot_be_written_is_said_lost(
    sandbox, fes_config, library_cancels, caplog, tmp_path
) -> None:
    """A file appears at save_to while the call waits: the library never writes over it (warning
    WRITE_FAILED), and the WARNING says the certificate was lost, not kept."""
    sandbox.fault("delay", ms=1500, count=1, prefix=FES_OBTAIN)
    caplog.set_level(logging.WARNING, logger="sello.aio")
    target = tmp_path / "cert.p12"

    async def main() -> None:
        async with sello.aio.FES(**fes_config) as fes:
            task = asyncio.ensure_future(fes.obtain_certificate(**FES_REQUEST, save_to=target))
            await cancel_in_flight(sandbox, task, FES_OBTAIN)
            target.write_bytes(b"an earlier certificate")

    asyncio.run(main())
    assert library_cancels == [] and target.read_bytes() == b"an earlier certificate"
    [warning] = aio_warnings(caplog)
    assert "fes.obtain_certificate" in warning and str(target) in warning
    assert "WRITE_FAILED" in warning and "lost" in warning and "kept in" not in warning


def test_without_on_abandoned_nor_save_dir_a_stamp_is_still_cancelled_in_the_library(
    sandbox, cfdi_config, library_cancels, monkeypatch
) -> None:
    """Nothing names a place for the outcome: as before, the call is cancelled in the library."""
    path = CFDI_API + "/procesarArchivo"
    sandbox.fault("delay", ms=5000, count=1, prefix=path)
    futures: List["concurrent.futures.Future[Any]"] = []

    async def main() -> None:
        async with sello.aio.CFDI(**cfdi_config) as cfdi:
            captured = capture_futures(cfdi, monkeypatch)
            task = asyncio.ensure_future(cfdi.process_file(datos=csv_text(), prueba=True, save_dir=None))
            await cancel_in_flight(sandbox, task, path)
            futures.extend(captured)

    asyncio.run(main())
    [future] = futures
    assert type(future.exception()) is sello.CallCancelledError and library_cancels


def test_cancel_sent_once_cancels_a_certificate_call_with_save_to(
    sandbox, fes_config, library_cancels, tmp_path
) -> None:
    sandbox.fault("delay", ms=5000, count=1, prefix=FES_OBTAIN)

    async def main() -> None:
        async with sello.aio.FES(**fes_config, cancel_sent_once=True) as fes:
            task = asyncio.ensure_future(fes.obtain_certificate(**FES_REQUEST, save_to=tmp_path / "c.p12"))
            await cancel_in_flight(sandbox, task, FES_OBTAIN)

    asyncio.run(main())
    assert library_cancels and list(tmp_path.iterdir()) == []


def test_a_batch_with_save_dir_is_still_cancelled_in_the_library(
    sandbox, cfdi_config, library_cancels, tmp_path
) -> None:
    """Left to run, a batch would go on stamping every item not yet sent after its task was
    cancelled: it is cancelled as before, its items' save_dir notwithstanding."""
    path = CFDI_API + "/procesarArchivo"
    sandbox.fault("delay", ms=1000, count=6, prefix=path)
    items = [{"datos": csv_text(folio=str(i)), "prueba": True, "save_dir": str(tmp_path)} for i in range(6)]

    async def main() -> None:
        async with sello.aio.CFDI(**cfdi_config) as cfdi:
            task = asyncio.ensure_future(cfdi.process_files(items=items, concurrency=1))
            await cancel_in_flight(sandbox, task, path)

    asyncio.run(main())
    assert library_cancels and len(sandbox.requests(path)) < len(items)
