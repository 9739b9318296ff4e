"""CFDI / Prodigia (seed 002) through the .so against the sandbox: the five operations as the seed
documents them (query parameters, Basic credentials, XML answers into typed JSON), the three code
tables, every local check with nothing sent, the CSD checks, never re-sending a stamp, the batch
over one curl multi handle, and no secret anywhere."""

from __future__ import annotations

import base64
import pathlib
import subprocess
import threading
import time
from typing import Any

import pytest
from cfdi_support import (  # noqa: F401  (fixtures, requested by name)
    canned,
    canned_client,
    cfdi,
    expect_error,
    expect_nothing_sent,
    read,  # noqa: F401
    service_requests,
    warning_codes,
)
from sello_ffi import Client, assert_no_secrets, call
from sello_fixtures import CFDI_API, CFDI_USER, CSD_PASSWORD, EMISOR, RECEPTOR, b64, csd_fields, csv_text

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAT_DIR = next(
    (
        p
        for p in (ROOT.parent / "shared" / "testdata" / "sat", pathlib.Path("/work/shared/testdata/sat"))
        if (p / "CSD01_AAA010101AAA.cer").exists()
    ),
    None,
)


# --- fixtures and helpers ------------------------------------------------------------------------


def stamp(cfdi: Client, **fields: Any) -> dict:
    envelope = cfdi.call("process_file", {"datos": csv_text(), "prueba": True, **fields})
    assert envelope["ok"] is True, envelope
    return envelope


# --- procesarArchivo ------------------------------------------------------------------------------


def test_client_needs_usuario_password_and_contrato(sandbox) -> None:
    for missing in CFDI_USER:
        for config in (
            {"base_url": sandbox.cfdi_url, **{k: v for k, v in CFDI_USER.items() if k != missing}},
            {"base_url": sandbox.cfdi_url, **CFDI_USER, missing: ""},
        ):
            with Client("cfdi", config) as client:
                assert client.handle is None
                assert client.error["error"]["code"] == "MISSING_CREDENTIAL"
                assert client.error["error"]["field"] == missing


def test_process_file_sends_the_documented_query(sandbox, cfdi) -> None:
    text = csv_text(folio="77")
    envelope = cfdi.call(
        "process_file", {"datos": text, "prueba": True, "opciones": ["CONSULTAR_SALDO", "GENERAR_PDF"]}
    )
    assert envelope["ok"] is True, envelope
    [request] = service_requests(sandbox)
    assert request["method"] == "POST" and request["path"] == CFDI_API + "/procesarArchivo"
    assert [name for name, _ in request["query"]] == ["contrato", "prueba", "datos", "opciones", "opciones"]
    query = dict(request["query"])
    assert query["contrato"] == "PADE-CONTRATO-01" and query["prueba"] == "true"
    assert base64.b64decode(query["datos"]).decode() == text
    assert [v for k, v in request["query"] if k == "opciones"] == ["CONSULTAR_SALDO", "GENERAR_PDF"]
    assert request["basic_auth"] == {"user": "pade_user", "password": "pade_pass"}
    assert request["headers"]["content-type"] == "application/xml"

    data = envelope["data"]
    assert data["timbradoOk"] is True and data["codigo"] == 0
    assert isinstance(data["saldo"], int) and data["saldo"] == 999
    assert data["version"] == "1.1" and data["noCertificadoSAT"] == "00001000000505211329"
    assert data["contrato"] == "PADE-CONTRATO-01" and len(data["uuid"]) == 36
    assert base64.b64decode(data["pdfBase64"]).startswith(b"%PDF-")
    assert b'Folio="77"' in base64.b64decode(data["xmlBase64"])
    assert "mensaje" not in data and "xml" not in data and "saved_files" not in data
    assert envelope["meta"]["attempts"] == 1 and envelope["meta"]["http_status"] == 200
    assert [w["code"] for w in envelope["warnings"]] == ["PLUGIN_MISSING"]  # the 2020 file, no plugin


def test_datos_from_a_file_and_from_base64(sandbox, cfdi, tmp_path) -> None:
    text = csv_text(folio="9")
    path = tmp_path / "factura.csv"
    path.write_text(text)
    stamp(cfdi, datos=None, datos_path=str(path), prueba=False)
    stamp(cfdi, datos=None, datos_base64=b64(text))
    first, second = service_requests(sandbox)
    assert dict(first["query"])["datos"] == dict(second["query"])["datos"] == b64(text)
    assert dict(first["query"])["prueba"] == "false"


def test_opciones_base64_sends_one_element(sandbox, cfdi) -> None:
    envelope = stamp(cfdi, opciones=["CALCULAR_SELLO", "CONSULTAR_SALDO", "GENERAR_PDF"], opciones_base64=True)
    [request] = service_requests(sandbox)
    options = [v for k, v in request["query"] if k == "opciones"]
    assert options == [b64("CALCULAR_SELLO|CONSULTAR_SALDO|GENERAR_PDF")]
    assert "pdfBase64" in envelope["data"] and "saldo" in envelope["data"]


def test_contrato_is_overridable_per_call(sandbox, cfdi) -> None:
    envelope = cfdi.call("process_file", {"datos": csv_text(), "contrato": "OTRO-CONTRATO"})
    expect_error(envelope, "service", "CONTRATO_INVALIDO", 2)
    assert dict(service_requests(sandbox)[0]["query"])["contrato"] == "OTRO-CONTRATO"


def test_include_xml_and_save_dir(sandbox, cfdi, tmp_path) -> None:
    envelope = stamp(cfdi, opciones=["GENERAR_PDF"], include_xml=True, save_dir=str(tmp_path))
    data = envelope["data"]
    uuid = data["uuid"]
    assert data["xml"].startswith("<?xml") and f'UUID="{uuid}"' in data["xml"]
    assert data["saved_files"] == [str(tmp_path / f"{uuid}.xml"), str(tmp_path / f"{uuid}.pdf")]
    assert (tmp_path / f"{uuid}.xml").read_text() == data["xml"]
    assert (tmp_path / f"{uuid}.pdf").read_bytes() == base64.b64decode(data["pdfBase64"])
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary left


def test_a_failed_save_is_a_warning_and_the_stamp_is_kept(sandbox, cfdi, tmp_path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    sandbox.fault("delay", ms=600, prefix=CFDI_API + "/procesarArchivo")
    result: dict[str, Any] = {}
    worker = threading.Thread(
        target=lambda: result.update(envelope=cfdi.call("process_file", {"datos": csv_text(), "save_dir": str(folder)}))
    )
    worker.start()
    deadline = time.monotonic() + 5
    while not service_requests(sandbox) and time.monotonic() < deadline:
        time.sleep(0.02)
    folder.rmdir()  # the folder disappears while the stamp is on its way back
    worker.join(10)
    envelope = result["envelope"]
    assert envelope["ok"] is True, envelope
    assert envelope["data"]["uuid"] and envelope["data"]["xmlBase64"]
    assert envelope["data"]["saved_files"] == []
    [warning] = [w for w in envelope["warnings"] if w["code"] != "PLUGIN_MISSING"]
    assert (warning["kind"], warning["field"]) == ("io", "save_dir")


# --- local checks: nothing is sent --------------------------------------------------------------

STAMP_CHECKS = [
    ("no datos", {"datos": None}, "validation", "PARAMETRO_INVALIDO", "datos"),
    ("blank datos", {"datos": " \n\t"}, "validation", "PARAMETRO_INVALIDO", "datos"),
    ("empty datos_base64", {"datos": None, "datos_base64": ""}, "validation", "PARAMETRO_INVALIDO", "datos_base64"),
    ("two sources", {"datos_base64": b64("x")}, "invalid_argument", "INVALID_ARGUMENT", "datos_base64"),
    ("not base64", {"datos": None, "datos_base64": "@@@"}, "invalid_argument", "INVALID_BASE64", "datos_base64"),
    ("missing file", {"datos": None, "datos_path": "/nonexistent/f.csv"}, "io", "FILE_UNREADABLE", "datos_path"),
    ("near miss", {"opciones": ["GENERAR_PDF", "GENERAR_PFD"]}, "validation", "PARAMETRO_INVALIDO", "opciones"),
    ("json answer", {"opciones": ["RESPUESTA_JSON"]}, "invalid_argument", "OPTION_NOT_SUPPORTED", "opciones"),
    (
        "pipe in base64 form",
        {"opciones": ["OBSERVACIONES:a|b"], "opciones_base64": True},
        "validation",
        "PARAMETRO_INVALIDO",
        "opciones",
    ),
    ("empty contrato", {"contrato": " "}, "validation", "PARAMETRO_INVALIDO", "contrato"),
    ("missing save_dir", {"save_dir": "/nonexistent/folder"}, "io", "SAVE_DIR_UNWRITABLE", "save_dir"),
    ("prueba as text", {"prueba": "true"}, "invalid_argument", "WRONG_TYPE", "prueba"),
    ("unknown field", {"rfcEmisor": EMISOR}, "invalid_argument", "UNKNOWN_FIELD", "rfcEmisor"),
    ("csd field", {"keyPass": "x"}, "invalid_argument", "UNKNOWN_FIELD", "keyPass"),
]


@pytest.mark.parametrize("name,change,kind,code,field", STAMP_CHECKS, ids=[c[0] for c in STAMP_CHECKS])
def test_stamp_checks_send_nothing(sandbox, cfdi, name, change, kind, code, field) -> None:
    request = {k: v for k, v in {"datos": csv_text(), "prueba": True, **change}.items() if v is not None}
    envelope = cfdi.call("process_file", request)
    error = expect_error(envelope, kind, code, field=field)
    if code == "PARAMETRO_INVALIDO":
        assert error["service_code"] == 3
    assert error["retryable"] is False
    expect_nothing_sent(sandbox, envelope)


def test_unknown_option_suggests_the_documented_one(sandbox, cfdi) -> None:
    envelope = cfdi.call("process_file", {"datos": csv_text(), "opciones": ["GENERA_PDF"]})
    assert "did you mean GENERAR_PDF" in expect_error(envelope, "validation", "PARAMETRO_INVALIDO")["message"]


# --- procesarArchivoConCSD and the CSD checks ---------------------------------------------------


@pytest.mark.parametrize("pem", [False, True], ids=["der", "pem"])
def test_process_file_with_csd_sends_the_documented_json(sandbox, cfdi, certs, pem) -> None:
    item = certs["csd"]
    text = csv_text()
    envelope = cfdi.call(
        "process_file_with_csd",
        {"datos": text, "prueba": True, "opciones": ["CALCULAR_SELLO"], **csd_fields(item, pem)},
    )
    assert envelope["ok"] is True, envelope
    [request] = service_requests(sandbox)
    assert request["path"] == CFDI_API + "/procesarArchivoConCSD" and request["query"] == []
    assert request["headers"]["content-type"] == "application/json"
    assert request["basic_auth"] == {"user": "pade_user", "password": "pade_pass"}
    body = request["json"]
    assert list(body) == ["contrato", "certBase64", "keyBase64", "keyPass", "datos", "prueba", "opciones"]
    assert body["certBase64"] == b64(read(item["cer"]))  # PEM given: the DER certificate is sent
    assert body["keyBase64"] == b64(read(item["key"]))  # the encrypted PKCS#8 .key as DER
    assert (body["keyPass"], body["prueba"], body["opciones"]) == (CSD_PASSWORD, "true", ["CALCULAR_SELLO"])
    assert base64.b64decode(body["datos"]).decode() == text
    assert body["contrato"] == "PADE-CONTRATO-01"


def test_csd_given_as_base64_and_pem_text(sandbox, cfdi, certs) -> None:
    item = certs["csd"]
    envelope = cfdi.call(
        "process_file_with_csd",
        {
            "datos": csv_text(),
            "certBase64": read(item["cerPem"]).decode(),
            "keyBase64": b64(read(item["key"])),
            "keyPass": CSD_PASSWORD,
        },
    )
    assert envelope["ok"] is True, envelope
    assert service_requests(sandbox)[0]["json"]["certBase64"] == b64(read(item["cer"]))


@pytest.mark.parametrize("form", ["plainPkcs8Pem", "pkcs1Pem"])
def test_other_key_forms_are_sent_as_pkcs8_der(sandbox, cfdi, certs, form) -> None:
    envelope = cfdi.call(
        "process_file_with_csd",
        {
            "datos": csv_text(),
            "cert_path": certs["csd"]["cer"],
            "key_path": certs["keyForms"][form],
            "keyPass": CSD_PASSWORD,
        },
    )
    assert envelope["ok"] is True, envelope
    der = base64.b64decode(service_requests(sandbox)[0]["json"]["keyBase64"])
    assert der[0] == 0x30 and b"-----" not in der
    fields = {"cert_path": certs["csd"]["cer"], "keyBase64": b64(der), "keyPass": "anything"}
    assert call("cfdi_inspect_csd", fields)["data"]["key_matches"] is True  # an unencrypted PKCS#8 key


def test_a_legacy_encrypted_pem_key_is_refused_with_advice(sandbox, cfdi, certs) -> None:
    envelope = cfdi.call(
        "process_file_with_csd",
        {
            "datos": csv_text(),
            "cert_path": certs["csd"]["cer"],
            "key_path": certs["keyForms"]["pkcs1EncryptedPem"],
            "keyPass": CSD_PASSWORD,
        },
    )
    error = expect_error(envelope, "validation", "LLAVE_ILEGIBLE", field="key_path")
    assert "openssl pkcs8 -topk8" in error["message"]
    expect_nothing_sent(sandbox, envelope)


def sat_csd() -> dict[str, Any]:
    assert SAT_DIR is not None, "the SAT test CSD (../shared/testdata/sat) must be beside the checkout"
    return {
        "cer": str(SAT_DIR / "CSD01_AAA010101AAA.cer"),
        "key": str(SAT_DIR / "CSD01_AAA010101AAA.key"),
        "password": (SAT_DIR / "CSD01_AAA010101AAA.password.txt").read_text().strip(),
    }


CSD_CHECKS = [
    # (name, how to build the CSD fields from the certs, kind, code, service_code, field)
    (
        "wrong password",
        lambda c: {**csd_fields(c["csd"]), "keyPass": "not-the-password"},
        "CONTRASENA_DE_LLAVE_INCORRECTA",
        None,
        "keyPass",
    ),
    (
        "key of another certificate",
        lambda c: {**csd_fields(c["csd"]), "key_path": c["other"]["key"]},
        "LLAVE_NO_CORRESPONDE",
        None,
        "key_path",
    ),
    ("fiel", lambda c: csd_fields(c["fiel"]), "CERTIFICADO_NO_ES_CSD", 306, "cert_path"),
    ("expired", lambda c: csd_fields(c["expired"]), "CERTIFICADO_REVOCADO_O_CADUCO", 304, "cert_path"),
    (
        "unreadable certificate",
        lambda c: {**csd_fields(c["csd"]), "cert_path": None, "certBase64": b64(b"not a certificate")},
        "CERTIFICADO_ILEGIBLE",
        None,
        "certBase64",
    ),
    (
        "unreadable key",
        lambda c: {**csd_fields(c["csd"]), "key_path": None, "keyBase64": b64(b"not a key")},
        "LLAVE_ILEGIBLE",
        None,
        "keyBase64",
    ),
    ("no keyPass", lambda c: {**csd_fields(c["csd"]), "keyPass": None}, "PARAMETRO_INVALIDO", 3, "keyPass"),
    ("no key", lambda c: {**csd_fields(c["csd"]), "key_path": None}, "PARAMETRO_INVALIDO", 3, "keyBase64"),
    ("no certificate", lambda c: {**csd_fields(c["csd"]), "cert_path": None}, "PARAMETRO_INVALIDO", 3, "certBase64"),
]


@pytest.mark.parametrize("name,build,code,number,field", CSD_CHECKS, ids=[c[0] for c in CSD_CHECKS])
def test_csd_checks_send_nothing(sandbox, cfdi, certs, name, build, code, number, field) -> None:
    fields = {k: v for k, v in build(certs).items() if v is not None}
    envelope = cfdi.call("process_file_with_csd", {"datos": csv_text(), **fields})
    error = expect_error(envelope, "validation", code, number, field)
    assert error["retryable"] is False
    assert CSD_PASSWORD not in error["message"] and "not-the-password" not in error["message"]
    if name == "expired":
        assert certs["expired"]["notAfter"][:10] in error["message"]
    expect_nothing_sent(sandbox, envelope)


def test_a_csd_that_opened_before_is_still_checked_for_every_change(sandbox, cfdi, certs) -> None:
    """The library remembers which CSDs opened with their password (decrypting a .key is most of a
    stamp's CPU: issue 13), so the same CSD again goes out unchecked; a changed password, key or
    certificate is checked again, and refused, nothing sent."""
    good = csd_fields(certs["csd"])
    for folio in ("91", "92"):
        envelope = cfdi.call("process_file_with_csd", {"datos": csv_text(folio=folio), **good})
        assert envelope["ok"] is True, envelope
    sent = len(service_requests(sandbox))
    changes = [
        ({"keyPass": "not-the-password"}, "CONTRASENA_DE_LLAVE_INCORRECTA", "keyPass"),
        ({"keyPass": CSD_PASSWORD + "x"}, "CONTRASENA_DE_LLAVE_INCORRECTA", "keyPass"),
        ({"key_path": certs["other"]["key"]}, "LLAVE_NO_CORRESPONDE", "key_path"),
        ({"cert_path": certs["other"]["cer"]}, "LLAVE_NO_CORRESPONDE", "key_path"),
    ]
    for change, code, field in changes:
        envelope = cfdi.call("process_file_with_csd", {"datos": csv_text(folio="93"), **good, **change})
        expect_error(envelope, "validation", code, None, field)
        assert envelope["meta"]["attempts"] == 0
    assert len(service_requests(sandbox)) == sent
    envelope = cfdi.call("process_file_with_csd", {"datos": csv_text(folio="94"), **good})
    assert envelope["ok"] is True, envelope


def test_the_expired_sat_test_csd_is_refused_naming_its_date(sandbox, cfdi) -> None:
    sat = sat_csd()
    envelope = cfdi.call(
        "process_file_with_csd",
        {"datos": csv_text(), "cert_path": sat["cer"], "key_path": sat["key"], "keyPass": sat["password"]},
    )
    error = expect_error(envelope, "validation", "CERTIFICADO_REVOCADO_O_CADUCO", 304, "cert_path")
    inspected = call("cfdi_inspect_csd", {"cert_path": sat["cer"]})["data"]
    assert inspected["not_after"][:10] in error["message"] and "30001000000300023708" in error["message"]
    expect_nothing_sent(sandbox, envelope)


# --- cfdi_inspect_csd ----------------------------------------------------------------------------


def test_inspect_the_sat_test_csd() -> None:
    sat = sat_csd()
    envelope = call("cfdi_inspect_csd", {"cert_path": sat["cer"], "key_path": sat["key"], "keyPass": sat["password"]})
    assert envelope["ok"] is True, envelope
    data = envelope["data"]
    assert data["rfc"] == "AAA010101AAA"
    assert data["no_certificado"] == "30001000000300023708"
    assert data["expired"] is True and data["is_csd"] is True and data["key_matches"] is True
    assert data["not_after"].startswith("2021-") and data["not_before"] < data["not_after"]
    assert data["name"]
    assert envelope["meta"]["attempts"] == 0 and envelope["meta"]["operation"] == "inspect_csd"


def test_inspect_rejects_a_wrong_password_locally() -> None:
    sat = sat_csd()
    envelope = call("cfdi_inspect_csd", {"cert_path": sat["cer"], "key_path": sat["key"], "keyPass": "wrong"})
    expect_error(envelope, "validation", "CONTRASENA_DE_LLAVE_INCORRECTA", field="keyPass")


@pytest.mark.parametrize("key_pass", ["absent", None])
def test_inspect_a_key_without_its_password_is_a_missing_field(key_pass) -> None:
    # errors.md, "A missing field": the local helpers say invalid_argument MISSING_FIELD; this one
    # sends nothing, so it has no business giving Prodigia's codigo 3 (PARAMETRO_INVALIDO).
    sat = sat_csd()
    request = {"cert_path": sat["cer"], "key_path": sat["key"]}
    if key_pass != "absent":
        request["keyPass"] = key_pass
    error = expect_error(call("cfdi_inspect_csd", request), "invalid_argument", "MISSING_FIELD", field="keyPass")
    assert "service_code" not in error or error["service_code"] is None


@pytest.mark.parametrize("key_pass", ["", "0", "abc"])
def test_inspect_a_key_password_under_4_characters_is_refused_as_everywhere(key_pass: str) -> None:
    sat = sat_csd()
    request = {"cert_path": sat["cer"], "key_path": sat["key"], "keyPass": key_pass}
    expect_error(call("cfdi_inspect_csd", request), "invalid_argument", "SECRET_TOO_SHORT", field="keyPass")


def test_inspect_a_missing_file_is_io() -> None:
    envelope = call("cfdi_inspect_csd", {"cert_path": "/nonexistent/csd.cer"})
    error = expect_error(envelope, "io", "FILE_UNREADABLE", field="cert_path")
    assert "/nonexistent/csd.cer" in error["message"] and envelope["meta"]["attempts"] == 0


def test_inspect_generated_credentials(certs) -> None:
    csd, fiel, other = certs["csd"], certs["fiel"], certs["other"]
    data = call(
        "cfdi_inspect_csd",
        {"certBase64": read(csd["cerPem"]).decode(), "keyBase64": b64(read(csd["key"])), "keyPass": CSD_PASSWORD},
    )["data"]
    assert (data["rfc"], data["no_certificado"], data["expired"], data["is_csd"], data["key_matches"]) == (
        csd["rfc"],
        csd["noCertificado"],
        False,
        True,
        True,
    )
    assert (data["not_before"], data["not_after"]) == (csd["notBefore"], csd["notAfter"])
    assert call("cfdi_inspect_csd", {"cert_path": fiel["cer"]})["data"]["is_csd"] is False
    assert call("cfdi_inspect_csd", {"cert_path": fiel["cer"]})["data"]["key_matches"] is None
    assert call("cfdi_inspect_csd", {"cert_path": certs["expired"]["cer"]})["data"]["expired"] is True
    mismatch = call("cfdi_inspect_csd", {"cert_path": csd["cer"], "key_path": other["key"], "keyPass": CSD_PASSWORD})
    assert mismatch["ok"] is True and mismatch["data"]["key_matches"] is False
    expect_error(call("cfdi_inspect_csd", {"certBase64": b64(b"junk")}), "validation", "CERTIFICADO_ILEGIBLE")
    expect_error(call("cfdi_inspect_csd", {}), "invalid_argument", "MISSING_FIELD")
    expect_error(call("cfdi_inspect_csd", None), "invalid_argument", "NULL_ARGUMENT")


# --- cancelarCfdiConOpciones ---------------------------------------------------------------------


def test_cancel_sends_the_documented_query(sandbox, cfdi, certs, tmp_path) -> None:
    first = stamp(cfdi, datos=csv_text(total="100.00"))["data"]["uuid"]
    second = stamp(cfdi, datos=csv_text(total="250.50"))["data"]["uuid"]
    other = certs["other"]
    envelope = cfdi.call(
        "cancel",
        {
            "rfcEmisor": EMISOR,
            "uuids": [
                f"{first}|{RECEPTOR}|{EMISOR}|100.00",
                {"uuid": second, "rfcReceptor": RECEPTOR, "rfcEmisor": EMISOR, "total": 250.5},
            ],
            **csd_fields(other),
            "opciones": ["PLUGIN_PROCESO:GENERICO_CFDI33:1.0"],
            "save_dir": str(tmp_path),
        },
    )
    assert envelope["ok"] is True, envelope
    request = service_requests(sandbox)[-1]
    assert request["path"] == CFDI_API + "/cancelarCfdiConOpciones"
    assert [name for name, _ in request["query"]] == [
        "contrato",
        "rfcEmisor",
        "uuids",
        "uuids",
        "certBase64",
        "keyBase64",
        "keyPass",
        "opciones",
    ]
    query = request["query"]
    assert [v for k, v in query if k == "uuids"] == [
        f"{first}|{RECEPTOR}|{EMISOR}|100.00",
        f"{second}|{RECEPTOR}|{EMISOR}|250.5",
    ]
    assert dict(query)["certBase64"] == b64(read(other["cer"]))
    assert dict(query)["keyBase64"] == b64(read(other["key"]))
    assert dict(query)["keyPass"] == CSD_PASSWORD and dict(query)["rfcEmisor"] == EMISOR
    assert request["basic_auth"] == {"user": "pade_user", "password": "pade_pass"}
    assert request["headers"]["content-type"] == "application/xml"

    data = envelope["data"]
    assert data["statusOk"] is True and data["codigo"] == 0 and data["rfc"] == EMISOR
    assert [c["uuid"] for c in data["cancelaciones"]] == [first, second]
    for entry in data["cancelaciones"]:
        assert entry["codigo"] == 201 and entry["code_name"] == "CANCELADO_SIN_ACEPTACION"
        assert entry["descripcion"].startswith("Cancelado sin aceptación.")
    assert data["saved_files"] == [str(tmp_path / f"{first}_acuse.xml"), str(tmp_path / f"{second}_acuse.xml")]
    assert b"<Acuse" in (tmp_path / f"{first}_acuse.xml").read_bytes()


def test_one_cancelacion_is_still_a_list_and_per_uuid_results_are_data(sandbox, cfdi, certs) -> None:
    # Over $1,000 to a named receiver: the receiver must accept (the sandbox's rule, its README).
    big = stamp(cfdi, datos=csv_text(total="9000.00", receptor="XIQB891116QE4"))["data"]["uuid"]
    request = {
        "rfcEmisor": EMISOR,
        "uuids": [f"{big}|XIQB891116QE4|{EMISOR}|9000.00|02|"],
        **csd_fields(certs["other"]),
    }
    first = cfdi.call("cancel", request)
    assert first["ok"] is True, first
    [entry] = first["data"]["cancelaciones"]
    # SAT received the request (201; the entry is `cancelled` by API.md §7, with a warning: it
    # waits for its receiver); asked again, it is 96, in process.
    assert (entry["codigo"], entry["status"]) == (201, "cancelled")
    assert [w["code"] for w in first["warnings"]] == ["CANCELLATION_REQUESTED"] and big in first["warnings"][0][
        "message"
    ]
    [entry] = cfdi.call("cancel", request)["data"]["cancelaciones"]
    assert (entry["codigo"], entry["code_name"]) == (96, "EN_PROCESO") and entry["descripcion"].startswith(
        "En proceso."
    )
    assert entry["status"] == "pending"
    sandbox.cfdi_receiver(big, "accept")
    second = cfdi.call("cancel", request)["data"]["cancelaciones"][0]
    assert (second["codigo"], second["code_name"], second["status"]) == (
        202,
        "PREVIAMENTE_CANCELADO",
        "already_cancelled",
    )
    unknown = cfdi.call(
        "cancel", {**request, "uuids": [f"5FB2822E-396D-4725-8521-CDC4BDD20CCF|{RECEPTOR}|{EMISOR}|1.00"]}
    )
    assert unknown["ok"] is True
    [entry] = unknown["data"]["cancelaciones"]
    assert (entry["codigo"], entry["descripcion"]) == (205, "El UUID no existe.")


def test_cancel_with_the_stored_certificate(sandbox, cfdi) -> None:
    uuid = stamp(cfdi)["data"]["uuid"]
    request = {"rfcEmisor": EMISOR, "uuids": [f"{uuid}|{RECEPTOR}|{EMISOR}|1160.00"], "opciones": ["CERT_DEFAULT"]}
    expect_error(cfdi.call("cancel", request), "service", "SIN_CERTIFICADO_DEFAULT", 20)
    sandbox.cfdi_account("pade_user", has_default_cert=True)
    envelope = cfdi.call("cancel", request)
    assert envelope["data"]["cancelaciones"][0]["codigo"] == 201
    names = [name for name, _ in service_requests(sandbox)[-1]["query"]]
    assert names == ["contrato", "rfcEmisor", "uuids", "opciones"]


def test_cancel_with_a_pkcs12(sandbox, cfdi, certs, tmp_path) -> None:
    other = certs["other"]
    p12 = tmp_path / "other.p12"
    subprocess.run(
        [
            "openssl",
            "pkcs12",
            "-export",
            "-in",
            other["cerPem"],
            "-inkey",
            other["keyPem"],
            "-passin",
            f"pass:{CSD_PASSWORD}",
            "-passout",
            f"pass:{CSD_PASSWORD}",
            "-out",
            str(p12),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    uuid = stamp(cfdi)["data"]["uuid"]
    request = {
        "rfcEmisor": EMISOR,
        "uuids": [f"{uuid}|{RECEPTOR}|{EMISOR}|1160.00"],
        "opciones": ["PKCS12"],
        "cert_path": str(p12),
        "keyPass": CSD_PASSWORD,
    }
    envelope = cfdi.call("cancel", request)
    assert envelope["ok"] is True and envelope["data"]["cancelaciones"][0]["codigo"] == 201, envelope
    query = service_requests(sandbox)[-1]["query"]
    assert [name for name, _ in query] == ["contrato", "rfcEmisor", "uuids", "certBase64", "keyPass", "opciones"]
    assert dict(query)["certBase64"] == b64(p12.read_bytes())
    before = len(service_requests(sandbox))
    expect_error(
        cfdi.call("cancel", {**request, "keyPass": "wrong"}),
        "validation",
        "CONTRASENA_DE_LLAVE_INCORRECTA",
        field="keyPass",
    )
    expect_error(
        cfdi.call("cancel", {**request, "key_path": other["key"]}),
        "invalid_argument",
        "INVALID_ARGUMENT",
        field="opciones",
    )
    expect_error(cfdi.call("cancel", {**request, "cert_path": other["cer"]}), "validation", "CERTIFICADO_ILEGIBLE")
    assert len(service_requests(sandbox)) == before


def cancel_case(change: dict[str, Any]) -> dict[str, Any]:
    return {
        "rfcEmisor": EMISOR,
        "uuids": [f"5FB2822E-396D-4725-8521-CDC4BDD20CCF|{RECEPTOR}|{EMISOR}|100.00"],
        "opciones": ["CERT_DEFAULT"],
        **change,
    }


ENTRY = f"5FB2822E-396D-4725-8521-CDC4BDD20CCF|{RECEPTOR}|{EMISOR}|100.00"
CANCEL_CHECKS = [
    ("no rfcEmisor", {"rfcEmisor": None}, "PARAMETRO_INVALIDO", 3, "rfcEmisor"),
    ("bad rfcEmisor", {"rfcEmisor": "EKU90031"}, "PARAMETRO_INVALIDO", 3, "rfcEmisor"),
    ("bad rfc date", {"rfcEmisor": "EKU901373C91"}, "PARAMETRO_INVALIDO", 3, "rfcEmisor"),
    ("no uuids", {"uuids": []}, "PARAMETRO_INVALIDO", 3, "uuids"),
    ("bad uuid", {"uuids": [f"5FB2822E-396D-4725-8521|{RECEPTOR}|{EMISOR}|100.00"]}, "PARAMETRO_INVALIDO", 3, "uuids"),
    (
        "three parts",
        {"uuids": [f"5FB2822E-396D-4725-8521-CDC4BDD20CCF|{EMISOR}|100.00"]},
        "PARAMETRO_INVALIDO",
        3,
        "uuids",
    ),
    (
        "bad receptor",
        {"uuids": [f"5FB2822E-396D-4725-8521-CDC4BDD20CCF|XAXX01|{EMISOR}|100.00"]},
        "PARAMETRO_INVALIDO",
        3,
        "uuids[0].rfcReceptor",
    ),
    (
        "total not numeric",
        {"uuids": [f"5FB2822E-396D-4725-8521-CDC4BDD20CCF|{RECEPTOR}|{EMISOR}|cien"]},
        "PARAMETRO_INVALIDO",
        3,
        "uuids",
    ),
    (
        "another emisor",
        {"uuids": [ENTRY, f"5FB2822E-396D-4725-8521-CDC4BDD20CCF|{RECEPTOR}|XIQB891116QE4|1.00"]},
        "RFC_EMISOR_NO_CORRESPONDE",
        203,
        "uuids",
    ),
    (
        "object without total",
        {"uuids": [{"uuid": "5FB2822E-396D-4725-8521-CDC4BDD20CCF", "rfcReceptor": RECEPTOR, "rfcEmisor": EMISOR}]},
        "PARAMETRO_INVALIDO",
        3,
        "uuids",
    ),
    ("near miss", {"opciones": ["CERT_DEFAULT", "XML_CANCELASION"]}, "PARAMETRO_INVALIDO", 3, "opciones"),
    ("no csd", {"opciones": []}, "PARAMETRO_INVALIDO", 3, "certBase64"),
]


@pytest.mark.parametrize("name,change,code,number,field", CANCEL_CHECKS, ids=[c[0] for c in CANCEL_CHECKS])
def test_cancel_checks_send_nothing(sandbox, cfdi, name, change, code, number, field) -> None:
    request = {k: v for k, v in cancel_case(change).items() if v is not None}
    envelope = cfdi.call("cancel", request)
    expect_error(envelope, "validation", code, number, field)
    expect_nothing_sent(sandbox, envelope)


def test_cancel_csd_must_belong_to_rfc_emisor(sandbox, cfdi, certs) -> None:
    envelope = cfdi.call("cancel", {**cancel_case({"opciones": []}), **csd_fields(certs["csd"])})
    error = expect_error(envelope, "validation", "RFC_EMISOR_NO_CORRESPONDE", 203, "cert_path")
    assert certs["csd"]["rfc"] in error["message"]
    envelope = cfdi.call("cancel", {**cancel_case({"opciones": []}), **csd_fields(certs["other"]), "keyPass": "nope"})
    expect_error(envelope, "validation", "CONTRASENA_DE_LLAVE_INCORRECTA", field="keyPass")
    expect_nothing_sent(sandbox, envelope)


def test_cancel_wrong_types_send_nothing(sandbox, cfdi) -> None:
    for change in ({"uuids": [42]}, {"uuids": "x"}, {"opciones": ["CERT_DEFAULT"], "keyPass": CSD_PASSWORD}):
        envelope = cfdi.call("cancel", cancel_case(change))
        assert envelope["error"]["kind"] == "invalid_argument", envelope
    assert service_requests(sandbox) == []


def test_a_wrong_rfc_check_digit_is_a_warning(sandbox, cfdi) -> None:
    assert call("sello_check_rfc", {"rfc": "EKU9003173C8"})["data"]["check_digit_ok"] is False
    sandbox.cfdi_account("pade_user", has_default_cert=True)
    envelope = cfdi.call(
        "cancel", cancel_case({"uuids": [f"5FB2822E-396D-4725-8521-CDC4BDD20CCF|EKU9003173C8|{EMISOR}|1|02|"]})
    )
    assert envelope["ok"] is True, envelope
    [warning] = envelope["warnings"]
    assert (warning["code"], warning["field"]) == ("RFC_CHECK_DIGIT", "uuids[0].rfcReceptor")
    assert envelope["meta"]["attempts"] == 1


# --- acuseCancelacion and consultaCfdiPorUUID ----------------------------------------------------


def test_get_by_uuid(sandbox, cfdi, tmp_path) -> None:
    uuid = stamp(cfdi)["data"]["uuid"]
    envelope = cfdi.call("get_by_uuid", {"uuid": uuid, "include_xml": True, "save_dir": str(tmp_path)})
    assert envelope["ok"] is True, envelope
    request = service_requests(sandbox)[-1]
    assert request["path"] == CFDI_API + "/consultaCfdiPorUUID"
    assert request["query"] == [["contrato", "PADE-CONTRATO-01"], ["uuid", uuid]]
    assert request["basic_auth"] == {"user": "pade_user", "password": "pade_pass"}
    assert request["headers"]["content-type"] == "application/xml"
    data = envelope["data"]
    assert (data["consultaOk"], data["codigo"], data["contrato"]) == (True, 0, "PADE-CONTRATO-01")
    assert f'UUID="{uuid}"' in data["xml"]
    assert data["saved_files"] == [str(tmp_path / f"{uuid}.xml")]
    assert (tmp_path / f"{uuid}.xml").read_text() == data["xml"]
    expect_error(
        cfdi.call("get_by_uuid", {"uuid": "5FB2822E-396D-4725-8521-CDC4BDD20CCF"}), "service", "CFDI_NO_EXISTE", 602
    )


def test_get_cancellation_receipt(sandbox, cfdi, tmp_path) -> None:
    sandbox.cfdi_account("pade_user", has_default_cert=True)
    uuid = stamp(cfdi)["data"]["uuid"]
    expect_error(cfdi.call("get_cancellation_receipt", {"uuid": uuid}), "service", "CFDI_SIN_CANCELAR", 21)
    cancelled = cfdi.call(
        "cancel", {"rfcEmisor": EMISOR, "uuids": [f"{uuid}|{RECEPTOR}|{EMISOR}|1160.00"], "opciones": ["CERT_DEFAULT"]}
    )
    assert cancelled["data"]["cancelaciones"][0]["codigo"] == 201
    envelope = cfdi.call("get_cancellation_receipt", {"uuid": uuid, "include_xml": True, "save_dir": str(tmp_path)})
    assert envelope["ok"] is True, envelope
    request = service_requests(sandbox)[-1]
    assert request["path"] == CFDI_API + "/acuseCancelacion"
    assert request["query"] == [["contrato", "PADE-CONTRATO-01"], ["uuid", uuid]]
    assert envelope["data"]["consultaOk"] is True and "<Acuse" in envelope["data"]["xml"]
    assert envelope["data"]["saved_files"] == [str(tmp_path / f"{uuid}_acuse.xml")]
    assert base64.b64decode(cancelled["data"]["acuseCancelBase64"]) == (tmp_path / f"{uuid}_acuse.xml").read_bytes()


@pytest.mark.parametrize("operation", ["get_by_uuid", "get_cancellation_receipt"])
@pytest.mark.parametrize(
    "request_,field,code",
    [
        ({"uuid": "not-a-uuid"}, "uuid", "PARAMETRO_INVALIDO"),
        ({"uuid": "5FB2822E-396D-4725-8521-CDC4BDD20CCFF"}, "uuid", "PARAMETRO_INVALIDO"),
        ({}, "uuid", "PARAMETRO_INVALIDO"),
        (
            {"uuid": "5FB2822E-396D-4725-8521-CDC4BDD20CCF", "save_dir": "/nonexistent"},
            "save_dir",
            "SAVE_DIR_UNWRITABLE",
        ),
    ],
    ids=["shape", "length", "missing", "save_dir"],
)
def test_lookup_checks_send_nothing(sandbox, cfdi, operation, request_, field, code) -> None:
    envelope = cfdi.call(operation, request_)
    assert envelope["error"]["code"] == code and envelope["error"]["field"] == field, envelope
    expect_nothing_sent(sandbox, envelope)


# --- the code tables through the .so -------------------------------------------------------------

SERVICE_CODES = [
    (1, "USUARIO_O_CONTRASENA_INVALIDOS", "auth", False),
    (2, "CONTRATO_INVALIDO", "service", False),
    (3, "PARAMETRO_INVALIDO", "service", False),
    (5, "FUERA_DE_LINEA_POR_MANTENIMIENTO", "service", True),
    (7, "CANCELACION_SAT_NO_DISPONIBLE", "service", True),
    (20, "SIN_CERTIFICADO_DEFAULT", "service", False),
    (21, "CFDI_SIN_CANCELAR", "service", False),
    (201, "CANCELADO_EXITOSAMENTE", "service", False),
    (202, "PREVIAMENTE_CANCELADO", "service", False),
    (203, "RFC_EMISOR_NO_CORRESPONDE", "service", False),
    (205, "UUID_NO_EXISTE", "service", False),
    (301, "XML_MAL_FORMADO", "service", False),
    (302, "SELLO_MAL_FORMADO", "service", False),
    (303, "SELLO_NO_CORRESPONDE_AL_EMISOR", "service", False),
    (304, "CERTIFICADO_REVOCADO_O_CADUCO", "service", False),
    (305, "FECHA_FUERA_DE_VIGENCIA_DEL_CSD", "service", False),
    (306, "CERTIFICADO_NO_ES_CSD", "service", False),
    (307, "CFDI_CON_TIMBRE_PREVIO", "service", False),
    (308, "CERTIFICADO_NO_EXPEDIDO_POR_EL_SAT", "service", False),
    (401, "FECHA_FUERA_DE_RANGO", "service", False),
    (402, "RFC_NO_EN_REGIMEN_DE_CONTRIBUYENTES", "service", False),
    (403, "FECHA_ANTERIOR_A_2012", "service", False),
    (602, "CFDI_NO_EXISTE", "service", False),
]


@pytest.mark.parametrize("number,code,kind,retryable", SERVICE_CODES, ids=[str(c[0]) for c in SERVICE_CODES])
def test_every_service_code(sandbox, cfdi, number, code, kind, retryable) -> None:
    sandbox.fault("service_error", code=number)
    envelope = cfdi.call("process_file", {"datos": csv_text()})
    error = expect_error(envelope, kind, code, number)
    assert error["retryable"] is retryable
    assert envelope["meta"]["attempts"] == 1 and envelope["meta"]["service_code"] == number
    assert len(service_requests(sandbox)) == 1  # a business error is never retried here


@pytest.mark.parametrize(
    "operation,request_,number,code",
    [
        ("cancel", cancel_case({}), 2, "CONTRATO_INVALIDO"),
        ("cancel", cancel_case({}), 7, "CANCELACION_SAT_NO_DISPONIBLE"),
        ("get_by_uuid", {"uuid": "5FB2822E-396D-4725-8521-CDC4BDD20CCF"}, 5, "FUERA_DE_LINEA_POR_MANTENIMIENTO"),
        ("get_cancellation_receipt", {"uuid": "5FB2822E-396D-4725-8521-CDC4BDD20CCF"}, 205, "UUID_NO_EXISTE"),
    ],
    ids=["cancel-2", "cancel-7", "consulta-5", "acuse-205"],
)
def test_service_codes_in_every_answer_shape(sandbox, cfdi, operation, request_, number, code) -> None:
    sandbox.fault("service_error", code=number, message="detalle del servicio")
    error = expect_error(cfdi.call(operation, request_), "service", code, number)
    assert "detalle del servicio" in error["message"]
    assert len(service_requests(sandbox)) == 1


def test_an_undocumented_code(sandbox, cfdi) -> None:
    sandbox.fault("service_error", code=999, message="algo raro")
    error = expect_error(cfdi.call("process_file", {"datos": csv_text()}), "service", "CFDI_CODIGO_NO_DOCUMENTADO", 999)
    assert "algo raro" in error["message"]


def expect_refused_earlier(
    envelope: dict, code: str = "USUARIO_O_CONTRASENA_INVALIDOS", number: int | None = 1
) -> None:
    """A call not sent because the client's credentials were refused on an earlier call."""
    error = expect_error(envelope, "auth", code, number)
    assert envelope["meta"]["attempts"] == 0 and error["retryable"] is False, envelope
    message = error["message"]
    assert message.startswith("not sent:") and "earlier call" in message, message
    assert "lock the PADE account" in message and "3 failed logins" in message, message
    assert "create a new client with the right usuario and password" in message, message
    assert "PADE portal" in message, message


def test_codigo_1_is_auth_and_sent_exactly_once(sandbox, cfdi_config) -> None:
    """PRODIGIA_2026.md §1: 3 wrong attempts lock the PADE account; after a refusal of the
    credentials no later call of the client reaches the service, single or batch."""
    with Client("cfdi", {**cfdi_config, "password": "wrong-password"}) as client:
        envelope = client.call("process_file", {"datos": csv_text()})
        error = expect_error(envelope, "auth", "USUARIO_O_CONTRASENA_INVALIDOS", 1)
        assert error["retryable"] is False and "3 failed logins" in error["message"]
        assert envelope["meta"]["attempts"] == 1
        lookup = client.call("get_by_uuid", {"uuid": "5FB2822E-396D-4725-8521-CDC4BDD20CCF"})  # not sent at all
        expect_refused_earlier(lookup)
        again = client.call("process_file", {"datos": csv_text(folio="2")})
        expect_refused_earlier(again)
        batch = client.call("process_files", {"items": [{"datos": csv_text(folio="3")}] * 3})
        expect_refused_earlier(batch)
        assert "wrong-password" not in str([lookup, again, batch])
    assert len(service_requests(sandbox)) == 1
    assert sandbox.state()["cfdi_accounts"]["pade_user"]["failures"] == 1


WENT_TO_SANDBOX = "the credentials went to 127.0.0.1 (base_url)"


def test_a_refusal_of_the_credentials_says_where_they_went(sandbox, cfdi_config) -> None:
    """The audit (r3_auth_no_deployment.py): production and pruebas.pade.mx have separate accounts
    (PRODIGIA_2026 §1), and "check usuario and password" did not say which deployment refused
    them. Every refusal says where the credentials went: the call's, the later calls' not sent,
    a batch's items (once each)."""
    with Client("cfdi", {**cfdi_config, "password": "wrong-password"}) as client:
        batch = client.call("process_files", {"items": [{"datos": csv_text(folio=str(i))} for i in range(3)]})
        later = client.call("get_by_uuid", {"uuid": "5FB2822E-396D-4725-8521-CDC4BDD20CCF"})
    items = batch["data"]["results"]
    expect_error(items[0], "auth", "USUARIO_O_CONTRASENA_INVALIDOS", 1)
    assert "check usuario and password" in items[0]["error"]["message"]
    for envelope in [*items, later]:
        assert envelope["error"]["kind"] == "auth", envelope
        assert envelope["error"]["message"].count(WENT_TO_SANDBOX) == 1, envelope["error"]["message"]
    assert len(service_requests(sandbox)) == 1


def test_a_loop_with_a_wrong_password_does_not_lock_the_account(sandbox, cfdi_config) -> None:
    """The audit's back-office loop (t8_lockout): four stamps with a mistyped password reached
    the service four times, and the sandbox, like PADE, locked the account after the third."""
    with Client("cfdi", {**cfdi_config, "password": "mistyped"}) as client:
        envelopes = [client.call("process_file", {"datos": csv_text(folio=str(i))}) for i in range(4)]
    assert [e["meta"]["attempts"] for e in envelopes] == [1, 0, 0, 0], envelopes
    for envelope in envelopes[1:]:
        expect_refused_earlier(envelope)
    assert len(service_requests(sandbox)) == 1
    with Client("cfdi", cfdi_config) as client:  # a new client with the right password: not locked
        assert client.call("process_file", {"datos": csv_text(folio="9")})["ok"] is True


def test_the_sandbox_locks_the_account_after_3_failed_logins(sandbox, cfdi_config) -> None:
    """What the client avoids: three clients with a wrong password, one call each, lock it."""
    for _ in range(3):
        with Client("cfdi", {**cfdi_config, "password": "mistyped"}) as client:
            client.call("get_by_uuid", {"uuid": "5FB2822E-396D-4725-8521-CDC4BDD20CCF"})
    with Client("cfdi", cfdi_config) as client:
        envelope = client.call("process_file", {"datos": csv_text()})
    expect_error(envelope, "auth", "USUARIO_O_CONTRASENA_INVALIDOS", 1)
    assert "bloqueada" in envelope["error"]["message"], envelope
    assert len(service_requests(sandbox)) == 4


@pytest.mark.parametrize("status", [401, 403])
def test_an_http_refusal_of_the_credentials_is_remembered_too(sandbox, cfdi, status) -> None:
    sandbox.fault("status", status=status, body="html", count=1, prefix="/servicio")
    first = cfdi.call("get_by_uuid", {"uuid": "5FB2822E-396D-4725-8521-CDC4BDD20CCF"})
    expect_error(first, "auth", f"HTTP_{status}")
    assert first["meta"]["attempts"] == 1
    assert WENT_TO_SANDBOX in first["error"]["message"], first
    later = cfdi.call("process_file", {"datos": csv_text()})  # the fault is spent: it would succeed
    expect_refused_earlier(later, f"HTTP_{status}", None)
    assert later["error"]["service_code"] is None
    assert len(service_requests(sandbox)) == 1


def test_a_refusal_on_one_thread_stops_the_calls_of_every_thread(sandbox, cfdi_config) -> None:
    with Client("cfdi", {**cfdi_config, "password": "mistyped"}) as client:
        expect_error(
            client.call("get_by_uuid", {"uuid": "5FB2822E-396D-4725-8521-CDC4BDD20CCF"}),
            "auth",
            "USUARIO_O_CONTRASENA_INVALIDOS",
            1,
        )
        envelopes: list[dict] = []
        lock = threading.Lock()

        def worker(i: int) -> None:
            envelope = client.call("process_file", {"datos": csv_text(folio=str(i))})
            with lock:
                envelopes.append(envelope)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(envelopes) == 6
    for envelope in envelopes:
        expect_refused_earlier(envelope)
    assert len(service_requests(sandbox)) == 1


def test_only_a_refusal_of_the_credentials_stops_the_client(sandbox, cfdi_config) -> None:
    """A wrong contrato (codigo 2) or a service error is not a failed login: later calls go."""
    with Client("cfdi", {**cfdi_config, "contrato": "NOT-MY-CONTRACT"}) as client:
        expect_error(client.call("process_file", {"datos": csv_text()}), "service", "CONTRATO_INVALIDO", 2)
        sandbox.fault("service_error", code=301, count=1)
        expect_error(client.call("process_file", {"datos": csv_text()}), "service", "XML_MAL_FORMADO", 301)
        envelope = client.call("process_file", {"datos": csv_text(), "contrato": CFDI_USER["contrato"]})
        assert envelope["ok"] is True, envelope
    assert len(service_requests(sandbox)) == 3
    assert sandbox.state()["cfdi_accounts"]["pade_user"]["failures"] == 0


# --- answers only a real service gives (the canned server of cfdi_support) -------------------------

CANCELLATION_STATUSES = {
    90: "COMPROBANTE_NO_ENCONTRADO",
    91: "COMPROBANTE_OBTENIDO",
    92: "EXPRESION_IMPRESA_INVALIDA",
    93: "INDETERMINADO",
    94: "NO_CANCELABLE",
    95: "CANCELADO_CON_ACEPTACION",
    96: "EN_PROCESO",
    97: "SOLICITUD_RECHAZADA",
    98: "PLAZO_VENCIDO",
    99: "LIMITE_MAXIMO_ALCANZADO",
    201: "CANCELADO_SIN_ACEPTACION",
    202: "PREVIAMENTE_CANCELADO",
}


def test_every_cancellation_status_is_described(canned) -> None:
    items = "".join(
        f"<cancelacion><uuid>5FB2822E-396D-4725-8521-CDC4BDD20C{n:02X}</uuid><codigo>{n}</codigo>"
        f"<mensaje>m{n}</mensaje></cancelacion>"
        for n in CANCELLATION_STATUSES
    )
    canned.answers["cancelarCfdiConOpciones"] = (
        200,
        (
            '<?xml version="1.0" encoding="UTF-8"?><servicioCancel><statusOk>true</statusOk><rfc>EKU9003173C9</rfc>'
            f"<codigo>0</codigo><cancelaciones>{items}</cancelaciones></servicioCancel>"
        ).encode(),
    )
    with canned_client(canned) as client:
        envelope = client.call("cancel", cancel_case({}))
    assert envelope["ok"] is True, envelope
    entries = envelope["data"]["cancelaciones"]
    assert [(e["codigo"], e["code_name"]) for e in entries] == list(CANCELLATION_STATUSES.items())
    assert all(e["descripcion"] and e["mensaje"] == f"m{e['codigo']}" for e in entries)
    assert entries[6]["descripcion"].startswith("En proceso.")


ESTATUS = {
    0: "DESCONOCIDO",
    1: "CFDI_NO_EXISTE",
    2: "VIGENTE",
    3: "VIGENTE_CON_ACEPTACION",
    4: "VIGENTE_SIN_ACEPTACION",
    5: "VIGENTE_NO_CANCELABLE",
    6: "CANCELADO",
    7: "CANCELACION_EN_PROCESO",
    8: "CANCELADO_CON_ACEPTACION",
    9: "CANCELADO_SIN_ACEPTACION",
    10: "CANCELADO_POR_PLAZO_VENCIDO",
    99: "INDETERMINADO",
}


@pytest.mark.parametrize("number,name", ESTATUS.items(), ids=[str(n) for n in ESTATUS])
def test_every_estatus_cfdi_is_described(canned, number, name) -> None:
    canned.answers["consultaCfdiPorUUID"] = (
        200,
        (
            "<servicioConsulta><contrato>C</contrato><consultaOk>true</consultaOk><codigo>0</codigo>"
            f"<estatusCfdi>{number}</estatusCfdi></servicioConsulta>"
        ).encode(),
    )
    with canned_client(canned) as client:
        data = client.call("get_by_uuid", {"uuid": "5FB2822E-396D-4725-8521-CDC4BDD20CCF"})["data"]
    assert (data["estatusCfdi"], data["estatus_cfdi_name"]) == (number, name)
    assert data["estatus_cfdi_descripcion"]


def test_stamped_with_a_code_is_ok_with_a_warning(canned) -> None:
    canned.answers["procesarArchivo"] = (
        200,
        (
            "<servicioTimbrado><id>i</id><timbradoOk>true</timbradoOk><contrato>C</contrato><codigo>307</codigo>"
            "<mensaje>El CFDI contiene un timbre previo.</mensaje><uuid>5FB2822E-396D-4725-8521-CDC4BDD20CCF</uuid>"
            "</servicioTimbrado>"
        ).encode(),
    )
    with canned_client(canned) as client:
        envelope = client.call("process_file", {"datos": csv_text()})
    assert envelope["ok"] is True and envelope["data"]["codigo"] == 307
    [warning] = [w for w in envelope["warnings"] if w["code"] != "PLUGIN_MISSING"]
    assert (warning["kind"], warning["code"]) == ("service", "CFDI_CON_TIMBRE_PREVIO")


def test_a_stamp_without_uuid_keeps_the_answer_with_a_warning(canned, tmp_path) -> None:
    canned.answers["procesarArchivo"] = (
        200,
        (
            "<servicioTimbrado><id>i-1</id><timbradoOk>true</timbradoOk><codigo>0</codigo>"
            f"<xmlBase64>{b64('<cfdi/>')}</xmlBase64></servicioTimbrado>"
        ).encode(),
    )
    with canned_client(canned) as client:
        envelope = client.call("process_file", {"datos": csv_text(), "include_xml": True, "save_dir": str(tmp_path)})
    assert envelope["ok"] is True and envelope["data"]["xml"] == "<cfdi/>"
    assert envelope["data"]["saved_files"] == [] and list(tmp_path.iterdir()) == []
    assert [w["code"] for w in envelope["warnings"]] == ["PLUGIN_MISSING", "UUID_MISSING"]
    assert "i-1" in envelope["warnings"][1]["message"]


@pytest.mark.parametrize(
    "status,body,kind",
    [
        (200, b"<html><body>gateway</body></html>", "protocol"),
        (200, b"not xml at all", "protocol"),
        (200, b"<servicioCancel><statusOk>true</statusOk></servicioCancel>", "protocol"),
        (200, b"<servicioTimbrado><codigo>0</codigo></servicioTimbrado>", "protocol"),
        (404, b"<html>Not Found</html>", "http"),
        (401, b"<html>Unauthorized</html>", "auth"),
    ],
    ids=["html", "text", "wrong-root", "no-flag", "404", "401"],
)
def test_an_answer_that_is_not_the_documented_xml(canned, status, body, kind) -> None:
    canned.answers["procesarArchivo"] = (status, body)
    with canned_client(canned) as client:
        envelope = client.call("process_file", {"datos": csv_text()})
    error = envelope["error"]
    assert error["kind"] == kind and error["retryable"] is False, envelope
    assert error["details"]["sample"] == body.decode()[:120]
    assert canned.requests == ["/servicio/rest/integracion/procesarArchivo"]


# --- never re-sent once it may have arrived ------------------------------------------------------


def test_a_timeout_after_sending_a_stamp_is_not_resent(sandbox, cfdi_config) -> None:
    sandbox.fault("delay", ms=1500, prefix=CFDI_API + "/procesarArchivo")
    with Client("cfdi", {**cfdi_config, "timeout_ms": 300}) as client:
        envelope = client.call("process_file", {"datos": csv_text()})
    error = expect_error(envelope, "timeout", "TIMEOUT")
    assert error["retryable"] is False and "check with the provider" in error["message"]
    assert envelope["meta"]["attempts"] == 1
    time.sleep(1.5)
    assert len(service_requests(sandbox)) == 1
    assert len(sandbox.state()["cfdis"]) == 1  # it was stamped: sending it again would stamp twice


@pytest.mark.parametrize("mode", ["close", "reset", "truncate"])
def test_a_broken_connection_after_sending_a_stamp_is_not_resent(sandbox, cfdi, mode) -> None:
    sandbox.fault(mode, prefix=CFDI_API + "/procesarArchivo")
    envelope = cfdi.call("process_file", {"datos": csv_text()})
    assert envelope["error"]["kind"] == "transport" and envelope["error"]["retryable"] is False, envelope
    assert envelope["meta"]["attempts"] == 1 and len(service_requests(sandbox)) == 1


def test_a_cancellation_is_not_resent_either(sandbox, cfdi) -> None:
    sandbox.fault("reset", prefix=CFDI_API + "/cancelarCfdiConOpciones", process=True)
    envelope = cfdi.call("cancel", cancel_case({}))
    assert envelope["error"]["retryable"] is False and envelope["meta"]["attempts"] == 1
    assert len(service_requests(sandbox)) == 1


def test_lookups_are_retried(sandbox, cfdi_config) -> None:
    uuid = "5FB2822E-396D-4725-8521-CDC4BDD20CCF"
    sandbox.fault("status", status=502, prefix=CFDI_API + "/consultaCfdiPorUUID")
    with Client("cfdi", {**cfdi_config, "timeout_ms": 3000}) as client:
        envelope = client.call("get_by_uuid", {"uuid": uuid})
        expect_error(envelope, "service", "CFDI_NO_EXISTE", 602)
        assert envelope["meta"]["attempts"] == 2
        sandbox.fault("status", status=502, prefix=CFDI_API + "/acuseCancelacion")
        assert client.call("get_cancellation_receipt", {"uuid": uuid})["meta"]["attempts"] == 2
        retries = [line for level, line in client.logs if line.startswith("retry ")]
        assert len(retries) == 2


def test_a_lookup_that_times_out_ends_at_the_call_deadline(sandbox, cfdi_config) -> None:
    """timeout_ms bounds the whole call (issue 12, item 18): an attempt that used it all up is not
    followed by another; the error says the lookup may be repeated."""
    sandbox.fault("delay", ms=1500, prefix=CFDI_API + "/consultaCfdiPorUUID")
    with Client("cfdi", {**cfdi_config, "timeout_ms": 300}) as client:
        envelope = client.call("get_by_uuid", {"uuid": "5FB2822E-396D-4725-8521-CDC4BDD20CCF"})
    error = expect_error(envelope, "timeout", "TIMEOUT")
    assert error["retryable"] is True and envelope["meta"]["attempts"] == 1


def test_a_stamp_is_retried_only_when_it_was_not_processed(sandbox, cfdi) -> None:
    sandbox.fault("status", status=503, retry_after=0, prefix=CFDI_API + "/procesarArchivo")
    envelope = cfdi.call("process_file", {"datos": csv_text()})
    assert envelope["ok"] is True and envelope["meta"]["attempts"] == 2
    sandbox.fault("status", status=502, prefix=CFDI_API + "/procesarArchivo")
    envelope = cfdi.call("process_file", {"datos": csv_text()})
    assert envelope["error"]["code"] == "HTTP_502" and envelope["meta"]["attempts"] == 1


def test_a_truncated_xml_answer_is_a_protocol_error(sandbox, cfdi) -> None:
    sandbox.fault("invalid_body", prefix=CFDI_API + "/procesarArchivo")
    envelope = cfdi.call("process_file", {"datos": csv_text()})
    error = expect_error(envelope, "protocol", "INVALID_ANSWER")
    assert error["retryable"] is False and 0 < len(error["details"]["sample"]) <= 121
    # The stamp may have been made (invalid_body performs the request): worded as after a 502.
    assert "a CFDI may have been stamped" in error["message"], error


# --- batch ----------------------------------------------------------------------------------------


def folio_of(envelope: dict) -> str:
    xml = envelope["data"]["xml"]
    return xml.split(' Folio="', 1)[1].split('"', 1)[0]


def test_batch_of_20_with_one_bad_item(sandbox, cfdi) -> None:
    items = [{"datos": csv_text(folio=str(i)), "prueba": True, "include_xml": True} for i in range(20)]
    items[4]["opciones"] = ["GENERA_PDF"]  # a near miss: refused locally, never sent
    items[11]["datos"] = "FACTURA|1\n"  # refused by the service (301)
    envelope = cfdi.call("process_files", {"items": items, "concurrency": 8})
    assert envelope["ok"] is True, envelope
    data = envelope["data"]
    results = data["results"]
    assert len(results) == 20 and (data["succeeded"], data["failed"]) == (18, 2)
    expect_error(results[4], "validation", "PARAMETRO_INVALIDO", 3, "opciones")
    assert results[4]["meta"]["attempts"] == 0
    expect_error(results[11], "service", "XML_MAL_FORMADO", 301)
    for index, result in enumerate(results):
        assert result["meta"]["operation"] == "process_file"
        if index not in (4, 11):
            assert result["ok"] is True and folio_of(result) == str(index), result  # input order
            assert result["meta"]["attempts"] == 1
    assert len({r["data"]["uuid"] for r in results if r["ok"]}) == 18
    assert len(service_requests(sandbox)) == 19 and envelope["meta"]["attempts"] == 19
    assert len(sandbox.state()["cfdis"]) == 18


def test_a_batch_never_stamps_the_same_request_twice(sandbox, cfdi, tmp_path) -> None:
    # Prodigia makes the seal of a CSV itself: the same file sent twice is two CFDIs and two
    # transactions of the contract for one sale. A repeat is refused before anything is sent.
    text = csv_text(folio="77")
    envelope = cfdi.call("process_files", {"items": [{"datos": text}, {"datos": text}]})
    first, second = envelope["data"]["results"]
    assert first["ok"] is True, first
    error = expect_error(second, "validation", "DUPLICATE_ITEM")
    assert second["meta"]["attempts"] == 0 and second["meta"]["operation"] == "process_file", second
    assert "items[0]" in error["message"] and "twice" in error["message"], error
    assert error["retryable"] is False
    assert warning_codes(second) == warning_codes(first)  # its own local checks ran
    assert (envelope["data"]["succeeded"], envelope["data"]["failed"]) == (1, 1)
    assert len(sandbox.state()["cfdis"]) == 1 and len(service_requests(sandbox)) == 1

    # The same bytes read from a file are the same request; any difference that is sent is not.
    path = tmp_path / "77.csv"
    path.write_text(text)
    items = [
        {"datos": text, "save_dir": str(tmp_path)},
        {"datos": csv_text(folio="78")},
        {"datos_path": str(path)},  # items[0]'s request, byte for byte: save_dir is not sent
        {"datos": text, "prueba": True},
        {"datos": text, "contrato": "OTRO-CONTRATO"},  # sent (the sandbox does not know that contract)
        {"datos_path": str(path), "prueba": True},  # items[3]'s
    ]
    envelope = cfdi.call("process_files", {"items": items, "concurrency": 4})
    results = envelope["data"]["results"]
    assert [r["meta"]["attempts"] for r in results] == [1, 1, 0, 1, 1, 0], results
    assert results[4]["error"]["code"] == "CONTRATO_INVALIDO", results[4]
    for index, earlier in ((2, 0), (5, 3)):
        error = expect_error(results[index], "validation", "DUPLICATE_ITEM")
        assert f"items[{earlier}]" in error["message"] and error["details"] == {"earlier_item": earlier}, error
    assert len(sandbox.state()["cfdis"]) == 4 and envelope["meta"]["attempts"] == 4


def test_a_batch_whose_credentials_are_refused_sends_no_other_item(sandbox, cfdi_config) -> None:
    # Prodigia locks an account after 3 failed logins (PRODIGIA_2026.md §1): the first item goes
    # alone, and once its credentials are refused no other item is sent.
    item = {
        "uuid": "5FB2822E-396D-4725-8521-CDC4BDD20CCF",
        "rfcEmisor": EMISOR,
        "rfcReceptor": RECEPTOR,
        "total": "1160.00",
    }
    with Client("cfdi", {**cfdi_config, "password": "not-the-password"}) as client:
        envelope = client.call("process_files", {"operation": "get_status", "items": [item] * 6, "concurrency": 4})
    data = envelope["data"]
    assert (data["succeeded"], data["failed"]) == (0, 6), data
    first, *rest = data["results"]
    assert first["error"]["kind"] == "auth" and first["meta"]["attempts"] == 1, first
    for result in rest:
        error = result["error"]
        assert (error["kind"], error["code"]) == ("auth", first["error"]["code"]), error
        assert error["message"].startswith("not sent:") and result["meta"]["attempts"] == 0, result
    assert len(service_requests(sandbox)) == 1 and envelope["meta"]["attempts"] == 1


def test_the_first_item_sent_goes_alone_after_items_refused_locally(sandbox, cfdi_config) -> None:
    # Items are prepared when their turn comes: those refused locally do not count as the first,
    # so a wrong password still costs one failed login, not one per slot.
    bad = {"datos": csv_text(), "opciones": ["GENERA_PDF"]}
    items = [bad, bad, *[{"datos": csv_text(folio=str(i))} for i in range(6)]]
    with Client("cfdi", {**cfdi_config, "password": "not-the-password"}) as client:
        envelope = client.call("process_files", {"items": items, "concurrency": 4})
    results = envelope["data"]["results"]
    for result in results[:2]:
        expect_error(result, "validation", "PARAMETRO_INVALIDO", 3, "opciones")
    assert results[2]["error"]["kind"] == "auth" and results[2]["meta"]["attempts"] == 1, results[2]
    for result in results[3:]:
        assert result["error"]["message"].startswith("not sent:") and result["meta"]["attempts"] == 0, result
    assert len(service_requests(sandbox)) == 1 and envelope["meta"]["attempts"] == 1


def test_batch_never_resends_a_stamp_and_requeues_what_was_not_processed(sandbox, cfdi_config) -> None:
    sandbox.fault("reset", process=True, prefix=CFDI_API + "/procesarArchivo")  # processed, lost: not re-sent
    sandbox.fault("status", status=503, retry_after=0, prefix=CFDI_API + "/procesarArchivo")  # not processed: retried
    items = [{"datos": csv_text(folio=str(i))} for i in range(6)]
    with Client("cfdi", cfdi_config) as client:
        envelope = client.call("process_files", {"items": items, "concurrency": 3})
    data = envelope["data"]
    assert (data["succeeded"], data["failed"]) == (5, 1), data
    [lost] = [r for r in data["results"] if not r["ok"]]
    assert lost["error"]["kind"] == "transport" and lost["error"]["retryable"] is False
    assert lost["meta"]["attempts"] == 1
    assert sorted(r["meta"]["attempts"] for r in data["results"]) == [1, 1, 1, 1, 1, 2]
    assert len(service_requests(sandbox)) == 7
    assert len(sandbox.state()["cfdis"]) == 6  # 5 answered + the one whose answer was lost; none twice


def test_batch_timeout_is_not_resent(sandbox, cfdi_config) -> None:
    sandbox.fault("delay", ms=1500, prefix=CFDI_API + "/procesarArchivo")
    with Client("cfdi", {**cfdi_config, "timeout_ms": 400}) as client:
        envelope = client.call(
            "process_files", {"items": [{"datos": csv_text(folio=str(i))} for i in range(4)], "concurrency": 4}
        )
    results = envelope["data"]["results"]
    timeouts = [r for r in results if not r["ok"]]
    assert len(timeouts) == 1 and timeouts[0]["error"]["code"] == "TIMEOUT" and timeouts[0]["meta"]["attempts"] == 1
    time.sleep(1.2)
    assert len(service_requests(sandbox)) == 4


def test_batch_runs_concurrently_and_keeps_connections_alive(sandbox, cfdi) -> None:
    sandbox.fault("delay", ms=300, count=-1, prefix=CFDI_API + "/procesarArchivo")
    items = [{"datos": csv_text(folio=str(i))} for i in range(8)]
    started = time.monotonic()
    envelope = cfdi.call("process_files", {"items": items, "concurrency": 8})
    elapsed = time.monotonic() - started
    assert envelope["data"]["succeeded"] == 8
    assert elapsed < 1.5, elapsed  # the first alone, then 7 at once; one after the other would take 2.4 s
    # The first item's connection is reused by one of the seven that follow it.
    assert sandbox.stats()["connections"] == 7
    started = time.monotonic()
    assert cfdi.call("process_files", {"items": items[:4], "concurrency": 2})["data"]["succeeded"] == 4
    assert time.monotonic() - started >= 0.9  # the first alone, then two at a time: three rounds of 300 ms
    # Within a batch the connections are reused (a batch's multi handle keeps its own cache).
    assert sandbox.stats()["connections"] == 9


def test_sequential_stamps_share_one_connection(sandbox, cfdi) -> None:
    for folio in range(5):
        assert cfdi.call("process_file", {"datos": csv_text(folio=str(folio)), "prueba": True})["ok"] is True
    assert sandbox.stats()["connections"] == 1


def test_batches_and_single_calls_from_several_threads_on_one_client(sandbox, cfdi) -> None:
    results: list[dict] = []
    lock = threading.Lock()

    def batch(tag: int) -> None:
        envelope = cfdi.call(
            "process_files", {"items": [{"datos": csv_text(folio=f"{tag}-{i}")} for i in range(10)], "concurrency": 4}
        )
        with lock:
            results.append(envelope)

    def single() -> None:
        for _ in range(5):
            envelope = cfdi.call("process_file", {"datos": csv_text()})
            with lock:
                results.append({"ok": True, "data": {"succeeded": 1 if envelope["ok"] else 0}})

    threads = [threading.Thread(target=batch, args=(n,)) for n in range(3)] + [threading.Thread(target=single)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(r["data"]["succeeded"] for r in results) == 35
    assert len(sandbox.state()["cfdis"]) == 35


@pytest.mark.parametrize(
    "request_,field",
    [
        ({"items": [], "concurrency": 0}, "concurrency"),
        ({"items": [], "concurrency": 65}, "concurrency"),
        ({"concurrency": 4}, "items"),
        ({"items": {}}, "items"),
        ({"items": [], "extra": 1}, "extra"),
    ],
)
def test_batch_arguments(sandbox, cfdi, request_, field) -> None:
    envelope = cfdi.call("process_files", request_)
    assert envelope["error"]["kind"] == "invalid_argument" and envelope["error"]["field"] == field, envelope


def test_batch_items_that_are_not_objects(sandbox, cfdi) -> None:
    envelope = cfdi.call("process_files", {"items": [42, {"datos": csv_text()}]})
    first, second = envelope["data"]["results"]
    assert first["error"]["kind"] == "invalid_argument" and second["ok"] is True
    assert cfdi.call("process_files", {"items": []})["data"] == {"results": [], "succeeded": 0, "failed": 0}


# --- secrets ----------------------------------------------------------------------------------------


def test_no_secret_in_any_envelope_or_log_line(sandbox, cfdi_config, certs) -> None:
    other = certs["other"]
    secrets = [
        CFDI_USER["password"],
        CSD_PASSWORD,
        b64(read(other["key"])),
        read(other["keyPem"]).decode().split("\n")[1],
    ]
    envelopes = []
    with Client("cfdi", cfdi_config) as client:
        uuid = stamp(client)["data"]["uuid"]
        envelopes.append(client.call("process_file_with_csd", {"datos": csv_text(), **csd_fields(other)}))
        envelopes.append(
            client.call("process_file_with_csd", {"datos": csv_text(), **csd_fields(other), "keyPass": "Wrong-Pass-1"})
        )
        envelopes.append(
            client.call(
                "cancel",
                {
                    "rfcEmisor": EMISOR,
                    "uuids": [f"{uuid}|{RECEPTOR}|{EMISOR}|1160.00"],
                    "certBase64": b64(read(other["cer"])),
                    "keyBase64": b64(read(other["key"])),
                    "keyPass": CSD_PASSWORD,
                },
            )
        )
        sandbox.fault("service_error", code=3, message=f"keyPass {CSD_PASSWORD} rechazado")
        envelopes.append(client.call("process_file_with_csd", {"datos": csv_text(), **csd_fields(other)}))
        sandbox.fault("delay", ms=1000, prefix=CFDI_API + "/cancelarCfdiConOpciones")
        with Client("cfdi", {**cfdi_config, "timeout_ms": 200}) as quick:
            envelopes.append(
                quick.call(
                    "cancel",
                    {"rfcEmisor": EMISOR, "uuids": [f"{uuid}|{RECEPTOR}|{EMISOR}|1160.00"], **csd_fields(other)},
                )
            )
            logs = list(quick.logs)
        envelopes.append(call("cfdi_inspect_csd", {**csd_fields(other), "keyPass": "Wrong-Pass-1"}))
        logs += client.logs
    assert all(e["ok"] for e in envelopes[:1]) and envelopes[3]["ok"] is False
    assert "***" in envelopes[3]["error"]["message"]
    assert any("keyPass=***" in line for _, line in logs)
    assert_no_secrets(secrets + ["Wrong-Pass-1"], envelopes, logs)


def test_a_url_too_long_for_the_service_says_what_to_change(sandbox, cfdi) -> None:
    """procesarArchivo carries datos in the query string (seed 002). A server refuses a request
    line longer than it takes (the sandbox's, as many, at 64 KiB) with 414: the error says that the
    query's values are too large and which operations carry them in the body instead."""
    datos = csv_text() + "NOTA|" + "a" * 70_000 + "\n"
    envelope = cfdi.call("process_file", {"datos": datos, "opciones": ["PLUGIN_PROCESO:GENERICO_CFDI40:1.0"]})
    error = envelope["error"]
    assert (error["code"], error["retryable"], envelope["meta"]["http_status"]) == ("HTTP_414", False, 414), error
    assert "query string" in error["message"] and "cfdi_process_file_with_csd" in error["message"], error
