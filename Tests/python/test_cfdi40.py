"""CFDI as Prodigia works today, through the .so against the sandbox: cfdi_stamp_xml and
cfdi_stamp_xml_with_csd (the request as received, each local check with nothing sent, the 307
recovery, the retry rule after a timeout), a CFDI 4.0 CSV with the 4.0 plugin, and the rules of every
cfdi_ operation: the options policy, answers matched without regard to case with data.uuid, no
Accept header, HTTP 202 like 200."""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import pathlib
import re
import time
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from cfdi_support import (  # noqa: F401  (fixtures, requested by name)
    assert_basic_and_no_accept,
    canned,
    canned_client,
    cfdi,
    expect_error,
    expect_nothing_sent,  # noqa: F401
    read,
    service_requests,
    warning_codes,
)
from sello_ffi import Client
from sello_fixtures import (
    CFDI_REST,
    CSD_PASSWORD,
    EMISOR,
    NAMED_RECEPTOR,
    NS4,
    TFD,
    b64,
    cfdi40_xml,
    csd_fields,
    csv_text,
    mexico_city_now,
    seal,
)

RESEND = "REGRESAR_CON_ERROR_307_XML"


def stamp_xml(cfdi: Client, xml: str, **fields: Any) -> dict:
    return cfdi.call("stamp_xml", {"xml": xml, **fields})


# --- cfdi_stamp_xml: the request ---------------------------------------------------------------


def test_stamp_xml_sends_the_xml_as_the_body(sandbox, cfdi, tmp_path) -> None:
    xml = cfdi40_xml(seal("a"))
    envelope = cfdi.call(
        "stamp_xml", {"xml": xml, "opciones": ["GENERAR_PDF"], "save_dir": str(tmp_path), "include_xml": True}
    )
    assert envelope["ok"] is True, envelope
    [request] = service_requests(sandbox)
    assert (request["method"], request["path"]) == ("POST", CFDI_REST + "/timbrado40")
    assert request["query"] == [["contrato", "PADE-CONTRATO-01"], ["opciones", "GENERAR_PDF"], ["opciones", RESEND]]
    assert request["body_text"] == xml and request["headers"]["content-type"] == "application/xml"
    assert_basic_and_no_accept(request)

    data = envelope["data"]
    assert envelope["meta"]["http_status"] == 202 and envelope["meta"]["attempts"] == 1
    assert data["timbradoOk"] is True and data["codigo"] == 0 and data["uuid"] == data["UUID"]
    root = ET.fromstring(data["xml"])
    assert root.find(f"{{{NS4}}}Complemento/{TFD}").get("UUID") == data["uuid"]
    assert data["saved_files"] == [str(tmp_path / f"{data['uuid']}.xml"), str(tmp_path / f"{data['uuid']}.pdf")]
    assert (tmp_path / f"{data['uuid']}.xml").read_text() == data["xml"]
    assert "warnings" not in envelope


def test_stamp_xml_from_a_file_base64_and_test_mode(sandbox, cfdi, tmp_path) -> None:
    path = tmp_path / "factura.xml"
    path.write_text(cfdi40_xml(seal("f")), encoding="utf-8")
    assert cfdi.call("stamp_xml", {"xml_path": str(path), "prueba": True})["ok"] is True
    assert cfdi.call("stamp_xml", {"xml_base64": b64(cfdi40_xml(seal("g"))), "opciones": [RESEND]})["ok"] is True
    first, second = service_requests(sandbox)
    assert first["path"] == CFDI_REST + "/timbrado40Prueba" and first["body_text"] == path.read_text()
    assert second["path"] == CFDI_REST + "/timbrado40" and second["query"] == [
        ["contrato", "PADE-CONTRATO-01"],
        ["opciones", RESEND],
    ]  # not added twice


def test_stamp_xml_with_csd_sends_the_documented_json(sandbox, cfdi, certs) -> None:
    other = certs["other"]
    xml = cfdi40_xml()
    envelope = cfdi.call(
        "stamp_xml_with_csd", {"xml": xml, "prueba": True, "opciones": ["CALCULAR_SELLO"], **csd_fields(other)}
    )
    assert envelope["ok"] is True, envelope
    [request] = service_requests(sandbox)
    assert (request["path"], request["query"]) == (
        CFDI_REST + "/timbrado40/timbrarCfdi",
        [["contrato", "PADE-CONTRATO-01"]],
    )
    assert request["headers"]["content-type"] == "application/json"
    assert_basic_and_no_accept(request)
    body = request["json"]
    assert list(body) == ["xmlBase64", "contrato", "certBase64", "keyBase64", "keyPass", "prueba", "opciones"]
    assert base64.b64decode(body["xmlBase64"]).decode() == xml
    assert (body["certBase64"], body["keyBase64"]) == (b64(read(other["cer"])), b64(read(other["key"])))
    assert (body["keyPass"], body["prueba"], body["opciones"]) == (CSD_PASSWORD, "true", ["CALCULAR_SELLO", RESEND])
    stamped = ET.fromstring(base64.b64decode(envelope["data"]["xmlBase64"]))
    assert stamped.get("NoCertificado") == other["noCertificado"] and stamped.get("Sello")  # seal by "Prodigia"


# --- the local checks: nothing is sent -------------------------------------------------------------


def now_minus(hours: float) -> datetime.datetime:
    return mexico_city_now() - datetime.timedelta(hours=hours)


TFD_INSIDE = (
    '<cfdi:Complemento><tfd:TimbreFiscalDigital xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" '
    'Version="1.1" UUID="5FB2822E-396D-4725-8521-CDC4BDD20CCF"/></cfdi:Complemento>'
)
XML_CHECKS = [
    ("malformed", {"xml": "<cfdi:Comprobante Version='4.0'"}, "validation", "XML_MAL_FORMADO", 301, "xml"),
    (
        "dtd",
        {"xml": '<!DOCTYPE c [<!ENTITY e "x">]>' + cfdi40_xml(seal())[39:]},
        "validation",
        "XML_MAL_FORMADO",
        301,
        "xml",
    ),
    (
        "entity",
        {"xml": cfdi40_xml(seal()).replace('Folio="1"', 'Folio="&e;"')},
        "validation",
        "XML_MAL_FORMADO",
        301,
        "xml",
    ),
    (
        "cfdi 3.3",
        {"xml": cfdi40_xml(seal(), namespace="http://www.sat.gob.mx/cfd/3", version="3.3")},
        "validation",
        "CFDI33_RETIRED",
        None,
        "xml",
    ),
    (
        "version 3.3 in the 4 namespace",
        {"xml": cfdi40_xml(seal(), version="3.3")},
        "validation",
        "CFDI33_RETIRED",
        None,
        "xml",
    ),
    ("not a comprobante", {"xml": "<factura Version='4.0'/>"}, "validation", "XML_MAL_FORMADO", 301, "xml"),
    ("no namespace", {"xml": cfdi40_xml(seal(), namespace="urn:otro")}, "validation", "XML_MAL_FORMADO", 301, "xml"),
    ("version 4.1", {"xml": cfdi40_xml(seal(), version="4.1")}, "validation", "XML_MAL_FORMADO", 301, "xml"),
    (
        "already stamped",
        {"xml": cfdi40_xml(seal(), inside=TFD_INSIDE)},
        "validation",
        "CFDI_CON_TIMBRE_PREVIO",
        307,
        "xml",
    ),
    ("no sello", {"xml": cfdi40_xml("")}, "validation", "SELLO_MAL_FORMADO", 302, "xml"),
    ("blank sello", {"xml": cfdi40_xml("   ")}, "validation", "SELLO_MAL_FORMADO", 302, "xml"),
    (
        "old in every zone",
        {"xml": cfdi40_xml(seal(), fecha=now_minus(76))},
        "validation",
        "FECHA_FUERA_DE_RANGO",
        401,
        "xml",
    ),
    (
        "future in every zone",
        {"xml": cfdi40_xml(seal(), fecha=now_minus(-2))},
        "validation",
        "FECHA_FUERA_DE_RANGO",
        401,
        "xml",
    ),
    (
        "fecha malformed",
        {"xml": cfdi40_xml(seal()).replace('Fecha="', 'Fecha="x')},
        "validation",
        "XML_MAL_FORMADO",
        301,
        "xml",
    ),
    ("from a path", {"xml": None, "xml_path": "/nonexistent/f.xml"}, "io", "FILE_UNREADABLE", None, "xml_path"),
    ("base64 not a cfdi", {"xml": None, "xml_base64": b64("<x/>")}, "validation", "XML_MAL_FORMADO", 301, "xml_base64"),
    ("no xml", {"xml": None}, "validation", "PARAMETRO_INVALIDO", 3, "xml"),
    ("two sources", {"xml_base64": b64("<x/>")}, "invalid_argument", "INVALID_ARGUMENT", None, "xml_base64"),
    ("near miss", {"opciones": ["CALCULAR_SELO"]}, "validation", "PARAMETRO_INVALIDO", 3, "opciones"),
    ("json answer", {"opciones": ["RESPUESTA_JSON"]}, "invalid_argument", "OPTION_NOT_SUPPORTED", None, "opciones"),
    ("csd field", {"keyPass": CSD_PASSWORD}, "invalid_argument", "UNKNOWN_FIELD", None, "keyPass"),
    ("save_dir", {"save_dir": "/nonexistent/folder"}, "io", "SAVE_DIR_UNWRITABLE", None, "save_dir"),
]


@pytest.mark.parametrize("name,change,kind,code,number,field", XML_CHECKS, ids=[c[0] for c in XML_CHECKS])
def test_stamp_xml_checks_send_nothing(sandbox, cfdi, name, change, kind, code, number, field) -> None:
    request = {k: v for k, v in {"xml": cfdi40_xml(seal()), **change}.items() if v is not None}
    envelope = cfdi.call("stamp_xml", request)
    error = expect_error(envelope, kind, code, number, field)
    assert error["retryable"] is False
    expect_nothing_sent(sandbox, envelope)


def test_the_messages_say_what_to_do(sandbox, cfdi) -> None:
    retired = stamp_xml(cfdi, cfdi40_xml(seal(), namespace="http://www.sat.gob.mx/cfd/3", version="3.3"))
    assert "2023-04-01" in retired["error"]["message"]
    unsealed = stamp_xml(cfdi, cfdi40_xml(""))
    assert "CALCULAR_SELLO" in unsealed["error"]["message"]
    assert "cfdi_stamp_xml_with_csd" in unsealed["error"]["message"]  # the other way: Prodigia seals with the CSD
    stamped = stamp_xml(cfdi, cfdi40_xml(seal(), inside=TFD_INSIDE))
    assert "5FB2822E-396D-4725-8521-CDC4BDD20CCF" in stamped["error"]["message"]
    assert (
        "did you mean CALCULAR_SELLO"
        in stamp_xml(cfdi, cfdi40_xml(seal()), opciones=["CALCULAR_SELO"])["error"]["message"]
    )
    assert service_requests(sandbox) == []


def test_a_mensaje_of_several_messages_does_not_repeat_the_description(sandbox, cfdi) -> None:
    # Prodigia separates several messages with a pipe (seed 002); the first is often the code's own
    # description, which the message already starts with.
    envelope = stamp_xml(cfdi, cfdi40_xml(""), opciones=["CALCULAR_SELLO"])
    error = expect_error(envelope, "service", "SIN_CERTIFICADO_DEFAULT", 20)
    assert error["message"] == (
        "El usuario no cuenta con un certificado default. (CALCULAR_SELLO sin certificado default)"
    ), error


def test_fecha_is_refused_only_when_out_of_range_in_every_mexican_zone(sandbox, cfdi) -> None:
    # 73 hours ago in Mexico City may be 72 in Tijuana: sent, and the service answers 401 (it judges
    # Fecha in the zone of LugarExpedicion 06000: Mexico City).
    envelope = stamp_xml(cfdi, cfdi40_xml(seal("o"), fecha=now_minus(73)))
    expect_error(envelope, "service", "FECHA_FUERA_DE_RANGO", 401)
    assert envelope["meta"]["attempts"] == 1
    # Half an hour ahead of Mexico City is the time in Cancún: sent.
    ahead = stamp_xml(cfdi, cfdi40_xml(seal("c"), fecha=now_minus(-0.5)))
    assert ahead["meta"]["attempts"] == 1
    # CALCULAR_SELLO: the Sello may be empty.
    sandbox.cfdi_account("pade_user", has_default_cert=True)
    assert stamp_xml(cfdi, cfdi40_xml(""), opciones=["CALCULAR_SELLO"])["ok"] is True


def test_fecha_in_the_zone_of_the_lugar_expedicion_is_stamped(sandbox, cfdi) -> None:
    """Fecha is the local time of the place of issue (SAT's rule for CFDI 4.0; LugarExpedicion's
    postal code): an invoice from Cancún (Quintana Roo, UTC−5) stamped as it is issued, and one from
    Tijuana (Baja California, UTC−8; −7 in summer, when 71 h there are 70) 71 hours after. Both are
    stamped by the service; the sandbox judged every Fecha in Mexico City time and refused both
    (401 "posterior a la actual", "más de 72 horas")."""
    utc_now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    cancun = stamp_xml(cfdi, cfdi40_xml(seal("q"), fecha=utc_now - datetime.timedelta(hours=5), lugar="77500"))
    assert cancun["ok"] is True, cancun
    tijuana_fecha = utc_now - datetime.timedelta(hours=8 + 71)
    tijuana = stamp_xml(cfdi, cfdi40_xml(seal("b"), fecha=tijuana_fecha, lugar="22000"))
    assert tijuana["ok"] is True, tijuana
    assert [r["path"] for r in service_requests(sandbox)] == [CFDI_REST + "/timbrado40"] * 2


def test_stamp_xml_with_csd_seals_an_empty_sello_without_calcular_sello(sandbox, cfdi, certs) -> None:
    """The seed's CSD variant is the alternative to asking Prodigia to compute the seal: the CSD in
    the request seals an XML whose Sello is empty (the sandbox does; process_file_with_csd already
    took the equivalent CSV). It was refused locally, SELLO_MAL_FORMADO (the audit's t3)."""
    other = certs["other"]
    sandbox.fault("reset", process=True, prefix=CFDI_REST + "/timbrado40/timbrarCfdi")  # stamped, answer lost
    lost = cfdi.call("stamp_xml_with_csd", {"xml": cfdi40_xml(folio="e1"), **csd_fields(other)})
    # Unsealed, the seal is made there: the same request may be a new CFDI, so it is sent once and
    # the caller is not told to repeat it (a sealed XML may be: Prodigia answers it with 307).
    assert lost["error"]["kind"] == "transport" and lost["error"]["retryable"] is False, lost
    assert lost["meta"]["attempts"] == 1
    envelope = cfdi.call("stamp_xml_with_csd", {"xml": cfdi40_xml(folio="e2"), **csd_fields(other)})
    assert envelope["ok"] is True, envelope
    assert service_requests(sandbox)[-1]["json"]["opciones"] == [RESEND]
    stamped = ET.fromstring(base64.b64decode(envelope["data"]["xmlBase64"]))
    assert stamped.get("NoCertificado") == other["noCertificado"] and stamped.get("Sello")
    assert len(service_requests(sandbox)) == 2


XML_CSD_CHECKS = [
    ("another rfc", lambda c: {**csd_fields(c["csd"])}, "validation", "RFC_EMISOR_NO_CORRESPONDE", 203, "cert_path"),
    ("fiel", lambda c: csd_fields(c["fiel"]), "validation", "CERTIFICADO_NO_ES_CSD", 306, "cert_path"),
    ("expired", lambda c: csd_fields(c["expired"]), "validation", "CERTIFICADO_REVOCADO_O_CADUCO", 304, "cert_path"),
    (
        "wrong password",
        lambda c: {**csd_fields(c["other"]), "keyPass": "not-it"},
        "validation",
        "CONTRASENA_DE_LLAVE_INCORRECTA",
        None,
        "keyPass",
    ),
    ("no csd", lambda c: {}, "validation", "PARAMETRO_INVALIDO", 3, "certBase64"),
]


@pytest.mark.parametrize("name,build,kind,code,number,field", XML_CSD_CHECKS, ids=[c[0] for c in XML_CSD_CHECKS])
def test_stamp_xml_with_csd_checks_send_nothing(sandbox, cfdi, certs, name, build, kind, code, number, field) -> None:
    envelope = cfdi.call("stamp_xml_with_csd", {"xml": cfdi40_xml(), "opciones": ["CALCULAR_SELLO"], **build(certs)})
    expect_error(envelope, kind, code, number, field)
    expect_nothing_sent(sandbox, envelope)


CONCEPTO = (
    '<cfdi:Concepto ClaveProdServ="01010101" Cantidad="1" ClaveUnidad="ACT" Descripcion="Servicio" '
    'ValorUnitario="1000.00" Importe="1000.00" ObjetoImp="02"><cfdi:Impuestos><cfdi:Traslados><cfdi:Traslado '
    'Base="1000.00" Impuesto="002" TipoFactor="Tasa" TasaOCuota="0.160000" Importe="160.00"/></cfdi:Traslados>'
    "</cfdi:Impuestos></cfdi:Concepto>"
)


def test_a_factura_global_of_10000_conceptos_is_sent(sandbox, cfdi, tmp_path) -> None:
    # One Concepto per ticket: 10,000 of them are some 3.4 MB, well within the 8 MiB request limit.
    # It was refused locally as 301 "not well-formed" from about 7,800 Conceptos (2.6 MB): the
    # budget for reading a service's answer was applied to the user's own XML.
    xml = cfdi40_xml(seal("global")).replace("<cfdi:Conceptos>", "<cfdi:Conceptos>" + CONCEPTO * 9_999)
    assert 3_000_000 < len(xml) < 8 << 20
    path = tmp_path / "global.xml"
    path.write_text(xml, encoding="utf-8")
    envelope = cfdi.call("stamp_xml", {"xml_path": str(path)})
    [request] = service_requests(sandbox)  # the sandbox may refuse it for its own reasons: it arrived
    assert request["path"] == CFDI_REST + "/timbrado40" and request["body_size"] == len(xml)
    assert request["body_sha256"] == hashlib.sha256(xml.encode()).hexdigest()  # too large to be logged whole
    assert envelope["meta"]["attempts"] == 1
    assert (envelope.get("error") or {}).get("code") != "XML_MAL_FORMADO", envelope


def test_an_xml_too_costly_to_read_has_its_own_code(sandbox, cfdi, tmp_path) -> None:
    # Within 8 MiB, but two million empty elements: no CFDI's shape. Refused, and not as malformed.
    xml = cfdi40_xml(seal()).replace("</cfdi:Comprobante>", "<x/>" * 2_000_000 + "</cfdi:Comprobante>")
    path = tmp_path / "tiny.xml"
    path.write_text(xml, encoding="utf-8")
    envelope = cfdi.call("stamp_xml", {"xml_path": str(path)})
    error = expect_error(envelope, "validation", "XML_TOO_COMPLEX", None, "xml_path")
    assert "64 MiB" in error["message"] and "elements" in error["message"], error
    attributes = " ".join(f'a{n}="1"' for n in range(300))
    crowded = stamp_xml(cfdi, cfdi40_xml(seal(), inside=f"<cfdi:Addenda {attributes}/>"))
    assert "256 attributes" in expect_error(crowded, "validation", "XML_TOO_COMPLEX", None, "xml")["message"]
    expect_nothing_sent(sandbox, envelope)
    assert service_requests(sandbox) == []


# --- the 307 recovery and what a timeout means ----------------------------------------------------


def test_the_same_sealed_xml_twice_is_one_stamp(sandbox, cfdi, tmp_path) -> None:
    xml = cfdi40_xml(seal("twice"))
    first = stamp_xml(cfdi, xml)
    second = stamp_xml(cfdi, xml, save_dir=str(tmp_path), include_xml=True)
    assert first["ok"] is True and second["ok"] is True, second
    assert warning_codes(first) == [] and warning_codes(second) == ["ALREADY_STAMPED"]
    data = second["data"]
    assert data["uuid"] == first["data"]["uuid"] and data["codigo"] == 307 and data["timbradoOk"] is False
    assert second["meta"]["service_code"] == 307
    assert data["xmlBase64"] == first["data"]["xmlBase64"]
    assert data["saved_files"] == [str(tmp_path / f"{data['uuid']}.xml")]  # saved like any stamp
    assert len(sandbox.state()["cfdis"]) == 1 and sandbox.state()["cfdi_accounts"]["pade_user"]["saldo"] == 999
    assert len(service_requests(sandbox)) == 2


def answer_307(stamped: str) -> tuple[int, bytes]:
    """Prodigia's 307 with the earlier CFDI (REGRESAR_CON_ERROR_307_XML), as a canned answer."""
    return (
        200,
        (
            "<servicioTimbrado><timbradoOk>false</timbradoOk><codigo>307</codigo>"
            f"<xmlBase64>{b64(stamped)}</xmlBase64></servicioTimbrado>"
        ).encode(),
    )


def test_a_307_for_another_cfdi_with_the_same_serie_and_folio_is_an_error(sandbox, cfdi) -> None:
    # VERIFICAR_SERIE_FOLIO: Prodigia refuses a Serie and Folio stamped before with 307 and the
    # EARLIER CFDI (PRODIGIA_2026.md §3.2). That CFDI is not the one sent: taking it as "already
    # stamped" would hand the caller another invoice's UUID for an invoice never stamped.
    fecha = mexico_city_now() - datetime.timedelta(minutes=2)
    options = {"opciones": ["VERIFICAR_SERIE_FOLIO"]}
    first = stamp_xml(cfdi, cfdi40_xml(seal("one"), fecha=fecha, folio="77"), **options)
    assert first["ok"] is True, first
    other = cfdi40_xml(seal("two"), fecha=fecha, folio="77", total="580.00", receptor="XEXX010101000")
    envelope = stamp_xml(cfdi, other, **options)
    error = expect_error(envelope, "service", "CFDI_CON_TIMBRE_PREVIO", 307)
    assert error["retryable"] is False
    assert error["details"]["earlier_uuid"] == first["data"]["uuid"], error
    assert error["details"]["differs"] == ["Sello", "Total", "Receptor Rfc"], error
    assert first["data"]["uuid"] in error["message"] and "Folio" in error["message"], error
    assert len(sandbox.state()["cfdis"]) == 1
    again = stamp_xml(cfdi, cfdi40_xml(seal("one"), fecha=fecha, folio="77"), **options)  # the same one
    assert again["ok"] is True and warning_codes(again) == ["ALREADY_STAMPED"], again


def test_a_307_for_a_csv_with_verificar_serie_folio_is_an_error(canned) -> None:
    # The library cannot compare a CSV with the CFDI Prodigia returns: with VERIFICAR_SERIE_FOLIO a
    # 307 may be another invoice, so it is not taken for this one.
    stamped = cfdi40_xml(seal(), inside=TFD_INSIDE)
    canned.answers["procesarArchivo"] = answer_307(stamped)
    with canned_client(canned) as client:
        request = {"datos": csv40(), "opciones": [RESEND, "VERIFICAR_SERIE_FOLIO"]}
        envelope = client.call("process_file", request)
        error = expect_error(envelope, "service", "CFDI_CON_TIMBRE_PREVIO", 307)
        assert error["details"]["earlier_uuid"] == "5FB2822E-396D-4725-8521-CDC4BDD20CCF", error
        assert client.call("process_file", {**request, "opciones": [RESEND]})["ok"] is True


def test_a_timeout_after_sending_a_sealed_xml_is_retryable_and_not_resent(sandbox, cfdi_config) -> None:
    xml = cfdi40_xml(seal("late"))
    sandbox.fault("delay", ms=1500, prefix=CFDI_REST + "/timbrado40")
    with Client("cfdi", {**cfdi_config, "timeout_ms": 300}) as client:
        envelope = client.call("stamp_xml", {"xml": xml})
    error = expect_error(envelope, "timeout", "TIMEOUT")
    assert error["retryable"] is True and "send the same request again" in error["message"]
    assert envelope["meta"]["attempts"] == 1
    time.sleep(1.5)
    assert len(service_requests(sandbox)) == 1  # the library never sent it twice
    [stamped] = sandbox.state()["cfdis"]  # and it was stamped meanwhile
    with Client("cfdi", cfdi_config) as client:
        again = client.call("stamp_xml", {"xml": xml})  # the caller's retry, as the error allows
    assert again["ok"] is True and warning_codes(again) == ["ALREADY_STAMPED"] and again["data"]["uuid"] == stamped
    assert len(sandbox.state()["cfdis"]) == 1


@pytest.mark.parametrize(
    "fault",
    [{"mode": "reset", "process": True}, {"mode": "close", "process": True}, {"mode": "status", "status": 502}],
    ids=["reset", "close", "502"],
)
def test_a_lost_answer_of_a_sealed_xml_is_retryable(sandbox, cfdi, fault) -> None:
    sandbox.fault(prefix=CFDI_REST + "/timbrado40", **fault)
    envelope = stamp_xml(cfdi, cfdi40_xml(seal("lost")))
    assert envelope["ok"] is False and envelope["error"]["retryable"] is True, envelope
    assert envelope["meta"]["attempts"] == 1 and len(service_requests(sandbox)) == 1


def test_with_calcular_sello_a_timeout_is_not_retryable(sandbox, cfdi_config, certs) -> None:
    sandbox.fault("delay", ms=1500, prefix=CFDI_REST + "/timbrado40")
    with Client("cfdi", {**cfdi_config, "timeout_ms": 300}) as client:
        envelope = client.call(
            "stamp_xml_with_csd", {"xml": cfdi40_xml(), "opciones": ["CALCULAR_SELLO"], **csd_fields(certs["other"])}
        )
    error = expect_error(envelope, "timeout", "TIMEOUT")
    assert error["retryable"] is False and "check with the provider" in error["message"]
    assert envelope["meta"]["attempts"] == 1
    time.sleep(1.5)
    assert len(service_requests(sandbox)) == 1


def test_a_307_without_the_earlier_stamp_is_an_error(canned) -> None:
    canned.answers["timbrado40"] = (
        202,
        b"<servicioTimbrado><timbradoOk>false</timbradoOk><codigo>307</codigo>"
        b"<mensaje>El CFDI contiene un timbre previo.</mensaje></servicioTimbrado>",
    )
    with canned_client(canned) as client:
        envelope = client.call("stamp_xml", {"xml": cfdi40_xml(seal())})
    expect_error(envelope, "service", "CFDI_CON_TIMBRE_PREVIO", 307)


def test_a_sat_code_in_codigo_is_shown(canned) -> None:
    # PRODIGIA_2026.md §3.5: SAT's validation codes (CFDI40xxx) pass through in codigo [INF].
    canned.answers["timbrado40"] = (
        202,
        b"<servicioTimbrado><timbradoOk>false</timbradoOk><codigo>CFDI40147</codigo>"
        b"<mensaje>El campo RegimenFiscalReceptor no es valido</mensaje></servicioTimbrado>",
    )
    with canned_client(canned) as client:
        envelope = client.call("stamp_xml", {"xml": cfdi40_xml(seal())})
    error = expect_error(envelope, "service", "CFDI_CODIGO_NO_DOCUMENTADO")
    assert "codigo CFDI40147" in error["message"] and error["details"]["codigo"] == "CFDI40147", error


def test_a_307_whose_uuid_is_only_in_the_xml(canned, tmp_path) -> None:
    fecha = mexico_city_now() - datetime.timedelta(minutes=2)
    stamped = cfdi40_xml(seal(), fecha=fecha, inside=TFD_INSIDE)
    canned.answers["timbrado40"] = answer_307(stamped)
    with canned_client(canned) as client:
        envelope = client.call("stamp_xml", {"xml": cfdi40_xml(seal(), fecha=fecha), "save_dir": str(tmp_path)})
    assert envelope["ok"] is True and warning_codes(envelope) == ["ALREADY_STAMPED"], envelope
    assert envelope["data"]["uuid"] == "5FB2822E-396D-4725-8521-CDC4BDD20CCF"
    assert (tmp_path / "5FB2822E-396D-4725-8521-CDC4BDD20CCF.xml").read_text() == stamped


# --- a CFDI 4.0 CSV with the 4.0 plugin ---------------------------------------------------------------


def csv40(folio: str = "1001") -> str:
    """PRODIGIA_2026.md §2.5: record tags and fields in the 4.0 XSD's order."""
    fecha = f"{mexico_city_now() - datetime.timedelta(minutes=1):%Y-%m-%dT%H:%M:%S}"
    return (
        "\n".join(
            [
                f"CFDI|4.0|F|{folio}|{fecha}||01||||1000.00||MXN||1160.00|I|01|PUE|06000||",
                f"EMIS|{EMISOR}|ESCUELA KEMPER URGATE|601||",
                f"RECE|{NAMED_RECEPTOR}|XOCHILT CASAS CHAVEZ|36257|||612|G03|",
                "CONC|01010101||1|ACT||Servicio|1000.00|1000.00||02|",
                "CIMT|1000.00|002|Tasa|0.160000|160.00|",
                "IMPU||160.00|",
                "IMPT|1000.00|002|Tasa|0.160000|160.00",
            ]
        )
        + "\n"
    )


def reference_csv40_example() -> tuple[str, list[str]]:
    """docs/reference.md's CFDI 4.0 CSV (cfdi_process_file) and the opciones it is shown with, its
    Fecha made the current time, as the text says it must be."""
    text = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "reference.md").read_text(encoding="utf-8")
    section = text[text.index("The CSV of a CFDI 4.0 (with the 4.0 plugin)") :]
    csv = re.search(r"\n```\n(CFDI\|4\.0\|.*?)\n```\n", section, re.S)
    request = re.search(r"\n```json\n(.*?)\n```\n", section, re.S)
    assert csv and request and csv.start() < request.start(), "the example moved"
    fecha = f"{mexico_city_now() - datetime.timedelta(minutes=1):%Y-%m-%dT%H:%M:%S}"
    datos = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", fecha, csv.group(1), count=1) + "\n"
    return datos, json.loads(request.group(1))["opciones"]


def test_the_reference_csv40_example_stamps_as_shown(sandbox, cfdi, certs) -> None:
    """The audit's t6: the example, sent with the one option the docs showed, failed on its first
    call (SELLO_MAL_FORMADO: its Sello is empty). With the options shown now it stamps, given the
    certificate stored in PADE the text names; without one, through the CSD variant it names."""
    datos, opciones = reference_csv40_example()
    assert opciones == ["PLUGIN_PROCESO:GENERICO_CFDI40:1.0", "CALCULAR_SELLO", "ESTABLECER_NO_CERTIFICADO"]
    plugin_only = cfdi.call("process_file", {"datos": datos, "opciones": opciones[:1]})
    expect_error(plugin_only, "service", "SELLO_MAL_FORMADO", 302)  # what the text says happens without
    no_stored = cfdi.call("process_file", {"datos": datos, "opciones": opciones})
    expect_error(no_stored, "service", "SIN_CERTIFICADO_DEFAULT", 20)
    with_csd = cfdi.call(
        "process_file_with_csd", {"datos": datos, "opciones": opciones[:1], **csd_fields(certs["other"])}
    )
    assert with_csd["ok"] is True, with_csd
    sandbox.cfdi_account("pade_user", has_default_cert=True)
    envelope = cfdi.call("process_file", {"datos": datos.replace("|F|1001|", "|F|1002|"), "opciones": opciones})
    assert envelope["ok"] is True and not envelope.get("warnings"), envelope
    stamped = ET.fromstring(base64.b64decode(envelope["data"]["xmlBase64"]))
    assert stamped.get("Sello") and stamped.get("NoCertificado"), envelope


def test_a_csv40_with_the_40_plugin_and_the_csd(sandbox, cfdi, certs, tmp_path) -> None:
    datos = csv40()  # made once: its Fecha is the clock's, and a second call may fall in the next second
    envelope = cfdi.call(
        "process_file_with_csd",
        {
            "datos": datos,
            "prueba": True,
            "save_dir": str(tmp_path),
            "opciones": ["PLUGIN_PROCESO:GENERICO_CFDI40:1.0", "CALCULAR_SELLO"],
            **csd_fields(certs["other"]),
        },
    )
    assert envelope["ok"] is True and "warnings" not in envelope, envelope
    [request] = service_requests(sandbox)
    assert base64.b64decode(request["json"]["datos"]).decode() == datos
    assert request["json"]["opciones"] == ["PLUGIN_PROCESO:GENERICO_CFDI40:1.0", "CALCULAR_SELLO"]
    uuid = envelope["data"]["uuid"]
    root = ET.fromstring((tmp_path / f"{uuid}.xml").read_bytes())
    assert root.tag == f"{{{NS4}}}Comprobante" and root.get("Exportacion") == "01"


def test_a_malformed_csv40_is_the_services_301(sandbox, cfdi) -> None:
    broken = csv40().replace("EMIS|", "EMISOR|")
    envelope = cfdi.call("process_file", {"datos": broken, "opciones": ["PLUGIN_PROCESO:GENERICO_CFDI40:1.0"]})
    error = expect_error(envelope, "service", "XML_MAL_FORMADO", 301)
    assert "EMISOR" in error["message"]


# --- every cfdi_ operation: answers, options, headers ------------------------------------------------


@pytest.mark.parametrize("spelling", ["UUID", "uuid"])
def test_an_integration_stamp_is_saved_under_its_uuid_however_spelled(sandbox, cfdi, tmp_path, spelling) -> None:
    sandbox.cfdi_settings(uuid_element=spelling)
    fecha = f"{mexico_city_now():%Y-%m-%dT%H:%M:%S}"
    envelope = cfdi.call("process_file", {"datos": f"CFDI|3.3|A|1|{fecha}|\nTOTAL|1.00\n", "save_dir": str(tmp_path)})
    assert envelope["ok"] is True and [w["code"] for w in envelope["warnings"]] == ["PLUGIN_MISSING"], envelope
    data = envelope["data"]
    assert data[spelling] == data["uuid"] and len(data["uuid"]) == 36
    assert data["saved_files"] == [str(tmp_path / f"{data['uuid']}.xml")]


def test_answers_are_read_without_regard_to_case_and_202_is_200(canned, tmp_path) -> None:
    uuid = "5FB2822E-396D-4725-8521-CDC4BDD20CCF"
    canned.answers["procesarArchivo"] = (
        202,
        (
            f"<ServicioTimbrado><TimbradoOK>true</TimbradoOK><Codigo>0</Codigo><Uuid>{uuid}</Uuid>"
            f"<XmlBase64>{b64('<cfdi/>')}</XmlBase64></ServicioTimbrado>"
        ).encode(),
    )
    with canned_client(canned) as client:
        envelope = client.call(
            "process_file",
            {"datos": "CFDI|4.0", "opciones": ["PLUGIN_PROCESO:GENERICO_CFDI40:1.0"], "save_dir": str(tmp_path)},
        )
    assert envelope["ok"] is True and "warnings" not in envelope, envelope
    assert envelope["meta"]["http_status"] == 202 and envelope["data"]["uuid"] == uuid
    assert (tmp_path / f"{uuid}.xml").read_text() == "<cfdi/>"
    assert "accept" not in canned.headers[0]


def test_unknown_well_formed_options_are_sent_with_a_warning(sandbox, cfdi) -> None:
    sandbox.cfdi_account("pade_user", has_default_cert=True)
    envelope = stamp_xml(cfdi, cfdi40_xml(seal("u")), opciones=["OPCION_NUEVA_2026", "OTRA:valor"])
    [warning] = envelope["warnings"]
    assert (warning["code"], warning["kind"], warning["field"]) == ("UNKNOWN_OPTION", "validation", "opciones")
    assert (
        "OPCION_NUEVA_2026" in warning["message"]
        and "OTRA:…" in warning["message"]
        and "valor" not in warning["message"]
    )
    options = [v for k, v in service_requests(sandbox)[-1]["query"] if k == "opciones"]
    assert options == ["OPCION_NUEVA_2026", "OTRA:valor", RESEND]
    # The sandbox, strict like the 2020 table, refuses what it does not know: the warning stays.
    assert envelope["ok"] is False and envelope["error"]["service_code"] == 3


@pytest.mark.parametrize(
    "option,suggestion",
    [
        ("GENERA_PDF", "GENERAR_PDF"),
        ("generar_pdf", "GENERAR_PDF"),
        ("CALCULAR_SELLO:1", "CALCULAR_SELLO"),
        ("ENVIAR_AMBOS", "ENVIAR_AMBOS:<valor>"),
        ("PLUGIN_PROCESO:GENERICO_CFDI41:1.0", "PLUGIN_PROCESO:GENERICO_CFDI40:1.0"),
        ("ADENDA:LIBRE:eA==", "ADDENDA:LIBRE:<valor>"),
        ("bad option", None),
    ],
)
def test_near_misses_and_malformed_options_are_refused(sandbox, cfdi, option, suggestion) -> None:
    envelope = cfdi.call("process_file", {"datos": "CFDI|3.3", "opciones": [option]})
    error = expect_error(envelope, "validation", "PARAMETRO_INVALIDO", 3, "opciones")
    if suggestion:
        assert f"did you mean {suggestion}?" in error["message"], error
    expect_nothing_sent(sandbox, envelope)


def test_the_33_plugin_is_sent_with_a_warning(sandbox, cfdi) -> None:
    fecha = f"{mexico_city_now():%Y-%m-%dT%H:%M:%S}"
    envelope = cfdi.call(
        "process_file", {"datos": f"CFDI|3.3|A|1|{fecha}|\n", "opciones": ["PLUGIN_PROCESO:GENERICO_CFDI33:1.0"]}
    )
    assert envelope["ok"] is True and warning_codes(envelope) == ["CFDI33_RETIRED"], envelope
    assert "2023-04-01" in envelope["warnings"][0]["message"]
    assert service_requests(sandbox)[0]["query"][-1] == ["opciones", "PLUGIN_PROCESO:GENERICO_CFDI33:1.0"]


def test_no_operation_sends_an_accept_header(sandbox, cfdi, certs) -> None:
    sandbox.cfdi_account("pade_user", has_default_cert=True)
    fecha = f"{mexico_city_now():%Y-%m-%dT%H:%M:%S}"
    uuid = cfdi.call("process_file", {"datos": f"CFDI|3.3|A|1|{fecha}|\nTOTAL|1.00\n"})["data"]["uuid"]
    calls = [
        ("process_file_with_csd", {"datos": f"CFDI|3.3|A|2|{fecha}|\n", **csd_fields(certs["other"])}),
        ("stamp_xml", {"xml": cfdi40_xml(seal("h"))}),
        (
            "stamp_xml_with_csd",
            {"xml": cfdi40_xml(folio="2"), "opciones": ["CALCULAR_SELLO"], **csd_fields(certs["other"])},
        ),
        ("get_by_uuid", {"uuid": uuid}),
        ("get_cancellation_receipt", {"uuid": uuid}),
        ("get_status", {"uuid": uuid, "rfcEmisor": EMISOR, "rfcReceptor": "XAXX010101000", "total": "1.00"}),
        (
            "cancel",
            {"rfcEmisor": EMISOR, "uuids": [f"{uuid}|XAXX010101000|{EMISOR}|1.00|02|"], "opciones": ["CERT_DEFAULT"]},
        ),
        ("cancel_with_reason", {"rfcEmisor": EMISOR, "uuids": [f"{uuid}|02|"], "opciones": ["CERT_DEFAULT"]}),
        (
            "process_files",
            {
                "operation": "get_status",
                "items": [{"uuid": uuid, "rfcEmisor": EMISOR, "rfcReceptor": "XAXX010101000", "total": 1}],
            },
        ),
    ]
    for operation, request in calls:
        assert cfdi.call(operation, request)["meta"]["attempts"] >= 1, operation
    received = service_requests(sandbox)
    assert len(received) == 1 + len(calls)
    for request in received:
        assert_basic_and_no_accept(request)


def test_a_csv_without_a_plugin_option_says_which_to_add(sandbox, cfdi) -> None:
    """PRODIGIA_2026.md §2.2: PLUGIN_PROCESO is mandatory today ([T1]); without one the file is read
    the 2020 way, as CFDI 3.3, which SAT refuses since 2023. It is sent as given, with a warning."""
    envelope = cfdi.call("process_file", {"datos": csv_text("9001"), "prueba": True})
    warnings = [w for w in envelope.get("warnings", []) if w["code"] == "PLUGIN_MISSING"]
    assert len(warnings) == 1 and warnings[0]["field"] == "opciones", envelope
    assert "PLUGIN_PROCESO:GENERICO_CFDI40:1.0" in warnings[0]["message"], warnings[0]
    assert [v for k, v in service_requests(sandbox)[-1]["query"] if k == "opciones"] == []
    with_plugin = cfdi.call(
        "process_file", {"datos": csv40("9002"), "opciones": ["PLUGIN_PROCESO:GENERICO_CFDI40:1.0", "CALCULAR_SELLO"]}
    )
    assert "PLUGIN_MISSING" not in [w["code"] for w in with_plugin.get("warnings", [])], with_plugin
