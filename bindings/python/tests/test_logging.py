"""Python logging: a client made without on_log sends the library's lines to the logger
sello.<service>, at the mapped level, producing only the lines that logger is enabled for, and
never a secret (the sandbox's credentials, a certificate password, a CSD key password)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from typing import Any, Iterator, List

import pytest
import sello
import sello._client as client_module
from sello_fixtures import BINDING, EMISOR, FES_REQUEST, FES_USER, FV_USER, RECEPTOR, csv_text
from sello_fixtures import KNOWN_SECRETS as SECRETS


@pytest.fixture()
def sello_logger() -> Iterator[logging.Logger]:
    """The "sello" logger, its level restored after the test."""
    logger = logging.getLogger("sello")
    level = logger.level
    yield logger
    logger.setLevel(level)


@pytest.fixture()
def produced(monkeypatch: pytest.MonkeyPatch) -> List[int]:
    """Every line the library hands to the logging callback (its SELLO_LOG_* level), counted at the
    C boundary: what the library produced, whether or not logging then keeps it."""
    lines: List[int] = []
    original = client_module.python_level

    def counting(level: int) -> int:
        lines.append(level)
        return original(level)

    monkeypatch.setattr(client_module, "python_level", counting)
    return lines


def no_secret_in(records: List[logging.LogRecord], *extra: str) -> None:
    for record in records:
        text = record.getMessage()
        for secret in [*SECRETS, *extra]:
            assert secret not in text, f"a secret in the log line {text!r}"


def test_the_fes_request_lines_reach_the_sello_logger(sandbox, fes_config, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="sello")
    with sello.FES(**fes_config) as fes:
        fes.obtain_certificate(**FES_REQUEST)
    records = [r for r in caplog.records if r.name.startswith("sello")]
    assert {r.name for r in records} == {"sello.fes"}
    sent = [r for r in records if r.getMessage().startswith("→ POST") and "/obtenerCertificado" in r.getMessage()]
    answered = [r for r in records if r.getMessage().startswith("← 200 POST /obtenerCertificado")]
    assert len(sent) == 1 and len(answered) == 1
    assert sent[0].levelno == logging.INFO and answered[0].levelno == logging.INFO
    assert sandbox.requests("/generateFES")[0]["json"]["request"]["encabezado"]["clave"] == FES_USER["clave"]
    no_secret_in(records)


def test_levels_are_mapped(sandbox, cfdi_config, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="sello")
    with sello.CFDI(**cfdi_config) as cfdi:
        uuid = cfdi.process_file(datos=csv_text(), prueba=True)["uuid"]
        sandbox.fault("status", status=503, prefix="/servicio/rest/integracion/consultaCfdiPorUUID")
        cfdi.get_by_uuid(uuid=uuid)  # one retry (a warning), then the answer
        with pytest.raises(sello.ValidationError):
            cfdi.get_by_uuid(uuid="not-a-uuid")  # a failure (an error)
    levels = {r.getMessage().split(" ")[0]: r.levelno for r in caplog.records if r.name == "sello.cfdi"}
    assert levels["retry"] == logging.WARNING and levels["→"] == logging.INFO and levels["←"] == logging.INFO
    failed = [r for r in caplog.records if "failed: validation" in r.getMessage()]
    assert len(failed) == 1 and failed[0].levelno == logging.ERROR
    assert [client_module.python_level(n) for n in (-1, 0, 1, 2, 3, 7)] == [
        logging.DEBUG,
        logging.DEBUG,
        logging.INFO,
        logging.WARNING,
        logging.ERROR,
        logging.ERROR,
    ]


def test_every_service_logs_without_secrets(sandbox, fes_config, fv_config, cfdi_config, certs, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="sello")
    other = certs["other"]
    with sello.FES(**fes_config) as fes:
        fes.obtain_certificate(**FES_REQUEST)
    with sello.FirmaVirtual(**fv_config) as fv:
        fv.get_user(IDUser=1)
        fv.create_user(
            iProfileID=0,
            sRUT="11111111-1",
            sFirstName="Ana",
            sLastName="Rojas",
            sEmail="ana.rojas@ejemplo.cl",
            sPhone="+56911111111",
            sLogin="anarojas1",
            sPassword="UnaClave99",
        )
    with sello.CFDI(**cfdi_config) as cfdi:
        uuid = cfdi.process_file(datos=csv_text(), prueba=True)["uuid"]
        cfdi.cancel(
            rfcEmisor=EMISOR,
            uuids=[f"{uuid}|{RECEPTOR}|{EMISOR}|1160.00"],
            cert_path=other["cer"],
            key_path=other["key"],
            keyPass=certs["password"],
        )
    names = {r.name for r in caplog.records if r.name.startswith("sello")}
    assert names == {"sello.fes", "sello.fv", "sello.cfdi"}
    messages = [r.getMessage() for r in caplog.records]
    assert any("fv: logging in as 'userapp'" in m for m in messages)
    assert any("/integracion/cancelarCfdiConOpciones" in m for m in messages)
    # What was sent carried the secrets; the log lines do not.
    [cancel] = sandbox.requests("/servicio/rest/integracion/cancelarCfdiConOpciones")
    assert ["keyPass", certs["password"]] in cancel["query"]
    assert sandbox.requests("/logindata")[0]["json"]["password"] == FV_USER["password"]
    no_secret_in(caplog.records, certs["password"], "UnaClave99")


def test_only_the_lines_the_logger_wants_are_produced(sandbox, fes_config, sello_logger, produced, caplog) -> None:
    sello_logger.setLevel(logging.WARNING)
    with sello.FES(**fes_config) as fes:
        fes.obtain_certificate(**FES_REQUEST)
        assert produced == []  # the INFO lines were never made
        with pytest.raises(sello.ValidationError):
            fes.obtain_certificate(**{**FES_REQUEST, "rut": "19.371.037-1"})
        assert produced == [sello.LOG_ERROR]
        sello_logger.setLevel(logging.CRITICAL)  # above ERROR: no callback at all
        with pytest.raises(sello.ValidationError):
            fes.obtain_certificate(**{**FES_REQUEST, "rut": "19.371.037-1"})
        assert produced == [sello.LOG_ERROR]


def test_a_later_level_change_applies_from_the_next_call(sandbox, fes_config, sello_logger, produced, caplog) -> None:
    sello_logger.setLevel(logging.WARNING)
    caplog.set_level(logging.DEBUG)  # the root: records that reach it are captured
    sello_logger.setLevel(logging.WARNING)
    with sello.FES(**fes_config) as fes:
        fes.obtain_certificate(**FES_REQUEST)
        assert produced == [] and not [r for r in caplog.records if r.name == "sello.fes"]
        sello_logger.setLevel(logging.INFO)
        fes.obtain_certificate(**FES_REQUEST)
        infos = [r for r in caplog.records if r.name == "sello.fes"]
        assert infos and all(r.levelno == logging.INFO for r in infos)
        assert set(produced) == {sello.LOG_INFO}
        count = len(produced)
        logging.disable(logging.CRITICAL)
        try:
            fes.obtain_certificate(**FES_REQUEST)
        finally:
            logging.disable(logging.NOTSET)
        assert len(produced) == count


def test_nothing_is_printed_without_logging_configuration(tmp_path, fes_config) -> None:
    script = (
        "import sello\n"
        f"fes = sello.FES(**{fes_config!r})\n"
        "try:\n"
        "    fes.obtain_certificate(rut='1-1', correo='a@b.cl', numeroDocumento='100123456',\n"
        "        claveCertificado='Secreta123', duracion=1, nombreEmpresa='x', comuna='Los Angeles',\n"
        "        direccion='x', giroEmpresa='x')\n"
        "except sello.ValidationError as e:\n"
        "    print(e.code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(BINDING / "src")},
    )
    assert done.returncode == 0 and done.stdout.strip() == "RUT_INVALIDO"
    assert done.stderr == ""  # the NullHandler: no last-resort "failed:" line on stderr


def test_a_callback_replaces_the_logger_and_log_to_logging_brings_it_back(sandbox, fes_config, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="sello")
    lines: List[Any] = []
    with sello.FES(**fes_config, on_log=lambda level, line: lines.append(line)) as fes:
        fes.obtain_certificate(**FES_REQUEST)
        assert lines and not [r for r in caplog.records if r.name == "sello.fes"]
        fes.set_log(None)
        fes.obtain_certificate(**FES_REQUEST)
        assert not [r for r in caplog.records if r.name == "sello.fes"]
        fes.log_to_logging()
        count = len(lines)
        fes.obtain_certificate(**FES_REQUEST)
        assert len(lines) == count and [r for r in caplog.records if r.name == "sello.fes"]


def test_the_record_is_the_librarys_line(sandbox, cfdi_config, caplog) -> None:
    caplog.set_level(logging.INFO, logger="sello.cfdi")
    with sello.CFDI(**cfdi_config) as cfdi:
        cfdi.process_file(datos=csv_text(), prueba=True)
    [sent] = [r for r in caplog.records if r.getMessage().startswith("→ POST")]
    assert sent.msg == sent.getMessage() and not sent.args  # the line itself, never %-formatted
    assert "pade_pass" not in json.dumps([r.getMessage() for r in caplog.records])


class _Kept(logging.Handler):
    def __init__(self, level: int = logging.NOTSET) -> None:
        super().__init__(level)
        self.records: List[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_no_line_is_made_that_no_handler_would_take(sandbox, fes_config, sello_logger, produced, monkeypatch) -> None:
    """Without logging configured the only handler is the package's NullHandler: a line would be
    made into a LogRecord (some 20 µs a call) and dropped. The library makes none until a handler
    that would take it, or a filter on sello.<service>, is there; the next call then makes it."""
    monkeypatch.setattr(sello_logger, "propagate", False)  # pytest's own handlers sit on the root
    sello_logger.setLevel(logging.DEBUG)
    bad = {**FES_REQUEST, "rut": "19.371.037-1"}
    kept = _Kept(logging.ERROR)
    fes_logger = logging.getLogger("sello.fes")
    with sello.FES(**fes_config) as fes:
        fes.obtain_certificate(**FES_REQUEST)
        with pytest.raises(sello.ValidationError):
            fes.obtain_certificate(**bad)
        assert produced == []
        sello_logger.addHandler(kept)  # takes ERROR and above: only the failure line is made
        try:
            fes.obtain_certificate(**FES_REQUEST)
            with pytest.raises(sello.ValidationError):
                fes.obtain_certificate(**bad)
        finally:
            sello_logger.removeHandler(kept)
        assert produced == [sello.LOG_ERROR] and [r.levelno for r in kept.records] == [logging.ERROR]
        seen: List[int] = []

        def counting(record: logging.LogRecord) -> bool:
            seen.append(record.levelno)
            return True

        fes_logger.addFilter(counting)  # a filter sees every record the logger is enabled for
        try:
            fes.obtain_certificate(**FES_REQUEST)
        finally:
            fes_logger.removeFilter(counting)
        assert seen and set(seen) == {logging.INFO} and len(produced) == 1 + len(seen)
        fes.obtain_certificate(**FES_REQUEST)
        assert len(produced) == 1 + len(seen)  # back to nothing
        counted: List[int] = []

        class Counting(logging.NullHandler):  # only the package's own kind is known to drop
            def handle(self, record: logging.LogRecord) -> bool:
                counted.append(record.levelno)
                return True

        counting_handler = Counting()
        sello_logger.addHandler(counting_handler)
        try:
            fes.obtain_certificate(**FES_REQUEST)
        finally:
            sello_logger.removeHandler(counting_handler)
        assert counted and set(counted) == {logging.INFO}
