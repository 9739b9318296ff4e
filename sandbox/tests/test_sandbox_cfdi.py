"""CFDI / PADE: the integration API of seed 002 and today's methods (PRODIGIA_2026.md): stamping,
the 4.0 CSV, sealing, cancelling, the SAT status."""

from __future__ import annotations

import base64
import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import sandbox_support
from sandbox_support import (
    CFDI,
    CFDI_AUTH,
    CONTRATO,
    CSV40_INVOICE,
    MX_TZ,
    NS4,
    REST,
    SEALED,
    TFD,
    Sandbox,
    basic,
    call,
    cancel,
    cancel_reason,
    cancellations,
    cfdi,
    cfdi40_xml,
    csv40,
    csv_datos,
    process40,
    rest,
    sealed,
    stamp,
    stamped_uuid,
    status_of,
    timbrado40,
    verify_seal,
)

# The suite's fixtures (sandbox_support.py), bound here so that pytest finds them for this module.
sb, clean, sat_certs = sandbox_support.sb, sandbox_support.clean, sandbox_support.sat_certs


def test_cfdi_stamp_happy_path(sb: Sandbox) -> None:
    answer = stamp(sb, "PLUGIN_PROCESO:GENERICO_CFDI33:1.0", "CALCULAR_SELLO")
    assert answer.status == 200 and answer.headers["Content-Type"] == "application/xml;charset=UTF-8"
    assert answer.body.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><servicioTimbrado>')
    data = answer.xml()
    assert data["timbradoOk"] == "true" and data["codigo"] == "0" and data["contrato"] == CONTRATO
    assert data["version"] == "1.1" and data["noCertificadoSAT"] == "00001000000505211329"
    assert data["UUID"] == data["UUID"].upper() and len(data["UUID"]) == 36 and "uuid" not in data
    assert "pdfBase64" not in data and "saldo" not in data and "mensaje" not in data
    xml = base64.b64decode(data["xmlBase64"])
    tfd = ET.fromstring(xml).find(".//{http://www.sat.gob.mx/TimbreFiscalDigital}TimbreFiscalDigital")
    assert tfd is not None and tfd.get("UUID") == data["UUID"]
    sb.cfdi_settings(uuid_element="uuid")  # the seed's prose spelling, on demand
    lower = stamp(sb).xml()
    assert "UUID" not in lower and len(lower["uuid"]) == 36


def test_cfdi_options_base64_pdf_and_saldo(sb: Sandbox) -> None:
    encoded = base64.b64encode(b"CALCULAR_SELLO|CONSULTAR_SALDO|GENERAR_PDF").decode()
    data = stamp(sb, encoded).xml()
    assert data["codigo"] == "0" and data["saldo"] == "999"
    assert base64.b64decode(data["pdfBase64"]).startswith(b"%PDF-")
    assert stamp(sb, "CONSULTAR_SALDO", "OBSERVACIONES:hola", "ADDENDA:LIBRE:x").xml()["saldo"] == "998"
    assert stamp(sb, "NO_EXISTE").xml()["codigo"] == "3"
    assert stamp(sb, base64.b64encode(b"CALCULAR_SELLO|NOPE").decode()).xml()["codigo"] == "3"


def test_cfdi_auth_errors(sb: Sandbox) -> None:
    query = [("contrato", CONTRATO), ("prueba", "false"), ("datos", csv_datos())]
    missing = cfdi(sb, "procesarArchivo", query, auth=None)
    assert missing.status == 401 and missing.headers["WWW-Authenticate"].startswith("Basic")
    assert missing.headers["Content-Type"].startswith("text/html")
    wrong = cfdi(sb, "procesarArchivo", query, auth=("pade_user", "bad")).xml()
    assert wrong["_root"] == "servicioTimbrado" and wrong["timbradoOk"] == "false" and wrong["codigo"] == "1"
    assert wrong["mensaje"].startswith("El usuario del webservice no existe")
    assert cfdi(sb, "procesarArchivo", query, auth=("ghost", "x")).xml()["codigo"] == "1"
    media = cfdi(sb, "procesarArchivo", query, content_type="application/json")
    assert media.status == 415
    assert cfdi(sb, "procesarArchivo", query, content_type=None).status == 415
    assert call(sb, "GET", CFDI + "procesarArchivo").status == 405


def test_cfdi_lockout_after_three_failures(sb: Sandbox) -> None:
    query = [("contrato", CONTRATO), ("uuid", "00000000-0000-4000-8000-000000000000")]
    for _ in range(2):
        assert cfdi(sb, "consultaCfdiPorUUID", query, auth=("pade_user", "bad")).xml()["codigo"] == "1"
    assert cfdi(sb, "consultaCfdiPorUUID", query).xml()["codigo"] == "602"  # success resets the counter
    for _ in range(3):
        assert cfdi(sb, "consultaCfdiPorUUID", query, auth=("pade_user", "bad")).xml()["codigo"] == "1"
    locked = cfdi(sb, "consultaCfdiPorUUID", query).xml()
    assert locked["codigo"] == "1" and locked["consultaOk"] == "false"
    sb.reset()
    assert cfdi(sb, "consultaCfdiPorUUID", query).xml()["codigo"] == "602"


def test_cfdi_contract_and_parameter_errors(sb: Sandbox) -> None:
    good = [("prueba", "false"), ("datos", csv_datos())]
    assert cfdi(sb, "procesarArchivo", [("contrato", "OTRO")] + good).xml()["codigo"] == "2"
    assert cfdi(sb, "procesarArchivo", good).xml()["codigo"] == "3"
    assert cfdi(sb, "procesarArchivo", [("contrato", CONTRATO), ("prueba", "si"), good[1]]).xml()["codigo"] == "3"
    for datos in ("", "no base64!", "Q0ZESXwzLjN8"[:-1]):
        answer = cfdi(sb, "procesarArchivo", [("contrato", CONTRATO), good[0], ("datos", datos)]).xml()
        assert answer["codigo"] == "3" and answer["timbradoOk"] == "false", datos


def test_cfdi_document_errors(sb: Sandbox) -> None:
    old = dt.datetime.now(MX_TZ) - dt.timedelta(hours=73)
    bad_version = base64.b64encode(b"CFDI|4.0|A|1|2024-01-01T00:00:00").decode()
    for datos, code in (
        (csv_datos(fecha=old), "401"),
        (csv_datos(head="CFDI|3.3|A|1|ayer"), "401"),
        (bad_version, "301"),
        (base64.b64encode(b"FACTURA|3.3|A|1|x").decode(), "301"),
        (csv_datos(emisor="no-rfc"), "301"),
    ):
        answer = cfdi(sb, "procesarArchivo", [("contrato", CONTRATO), ("prueba", "true"), ("datos", datos)]).xml()
        assert answer["codigo"] == code and answer["timbradoOk"] == "false"


def test_cfdi_saldo_exhausted(sb: Sandbox) -> None:
    sb.cfdi_account("pade_user", saldo=1)
    assert stamp(sb, "CONSULTAR_SALDO").xml()["saldo"] == "0"
    assert stamp(sb).xml()["codigo"] == "2"


def test_cfdi_stamp_with_csd(sb: Sandbox) -> None:
    body = {
        "contrato": CONTRATO,
        "certBase64": base64.b64encode(b"cert").decode(),
        "keyBase64": base64.b64encode(b"key").decode(),
        "keyPass": "12345678a",
        "datos": csv_datos(),
        "prueba": True,
        "opciones": ["PLUGIN_PROCESO:GENERICO_CFDI33:1.0"],
    }
    ok = cfdi(sb, "procesarArchivoConCSD", [], content_type="application/json", body=body).xml()
    assert ok["codigo"] == "0" and ok["timbradoOk"] == "true"
    missing = cfdi(
        sb,
        "procesarArchivoConCSD",
        [],
        content_type="application/json",
        body={k: v for k, v in body.items() if k != "keyBase64"},
    ).xml()
    assert missing["codigo"] == "3"
    assert (
        cfdi(
            sb, "procesarArchivoConCSD", [], content_type="application/json", body={**body, "certBase64": "%%%"}
        ).xml()["codigo"]
        == "3"
    )
    assert cfdi(sb, "procesarArchivoConCSD", [], content_type="application/xml", body=body).status == 415
    assert (
        cfdi(sb, "procesarArchivoConCSD", [], content_type="application/json", body={**body, "contrato": "OTRO"}).xml()[
            "codigo"
        ]
        == "2"
    )


def test_cfdi_cancel_and_acuse(sb: Sandbox) -> None:
    uuid = stamped_uuid(sb)
    entry = f"{uuid}|XAXX010101000|EKU9003173C9|1160.00"
    pending_acuse = cfdi(sb, "acuseCancelacion", [("contrato", CONTRATO), ("uuid", uuid)]).xml()
    assert pending_acuse["codigo"] == "21" and pending_acuse["consultaOk"] == "false"
    answer = cancel(sb, [entry])
    assert answer["_root"] == "servicioCancel" and answer["statusOk"] == "true" and answer["rfc"] == "EKU9003173C9"
    (result,) = cancellations(answer)
    assert result["uuid"] == uuid and result["codigo"] == "201"
    assert "acuseCancelBase64" not in result  # one for the request, a child of servicioCancel (§4.4)
    assert b"<UUID>" + uuid.encode() in base64.b64decode(answer["acuseCancelBase64"])
    again = cancel(sb, [entry])
    assert cancellations(again)[0]["codigo"] == "202" and (again["procesados"], again["cancelados"]) == ("1", "0")
    acuse = cfdi(sb, "acuseCancelacion", [("contrato", CONTRATO), ("uuid", uuid)]).xml()
    assert acuse["_root"] == "servicioConsulta" and acuse["codigo"] == "0" and acuse["consultaOk"] == "true"
    assert b"EstatusUUID>201<" in base64.b64decode(acuse["xmlBase64"])
    unknown = cfdi(sb, "acuseCancelacion", [("contrato", CONTRATO), ("uuid", "00000000-0000-4000-8000-000000000000")])
    assert unknown.xml()["codigo"] == "205"


def test_cfdi_cancel_per_uuid_codes(sb: Sandbox) -> None:
    small = stamped_uuid(sb)
    big = stamped_uuid(sb, total="9999.99", receptor="XIQB891116QE4")
    public = stamped_uuid(sb, total="9999.99")  # público en general: no acceptance whatever the total
    ghost = "00000000-0000-4000-8000-000000000000"
    answer = cancel(
        sb,
        [
            f"{ghost}|XAXX010101000|EKU9003173C9|1.00",
            f"{small}|XAXX010101000|AAA010101AAA|1160.00",
            f"{big}|XIQB891116QE4|EKU9003173C9|9999.99",
            f"{public}|XAXX010101000|EKU9003173C9|9999.99",
        ],
    )
    # The one that needs its receiver: 201 the first time (SAT received the request), now pending.
    assert [c["codigo"] for c in cancellations(answer)] == ["205", "203", "201", "201"]
    # The counts (PRODIGIA_2026.md §4.4): UUIDs in the request, and those answered 201.
    assert list(answer)[1:7] == ["statusOk", "rfc", "codigo", "procesados", "cancelados", "cancelaciones"]
    assert (answer["procesados"], answer["cancelados"]) == ("4", "2")
    assert all(c["mensaje"] == "Solicitud de cancelación recibida" for c in cancellations(answer)[2:])
    assert sb.state()["cfdis"][big]["status"] == "pendiente"
    acuse = base64.b64decode(answer["acuseCancelBase64"])  # the request's: every 201
    assert public.encode() in acuse and big.encode() in acuse and small.encode() not in acuse
    again = cancellations(cancel(sb, [f"{big}|XIQB891116QE4|EKU9003173C9|9999.99"]))[0]
    assert again["codigo"] == "96"  # asked again while it awaits the receiver (seed 002's 96)
    assert sb.cfdi_receiver(big, "accept")["cancel_code"] == 95
    assert sb.state()["cfdis"][big]["status"] == "cancelado"
    assert cancellations(cancel(sb, [f"{big}|XIQB891116QE4|EKU9003173C9|9999.99"]))[0]["codigo"] == "202"
    acuse = cfdi(sb, "acuseCancelacion", [("contrato", CONTRATO), ("uuid", big)]).xml()
    assert b"EstatusUUID>95<" in base64.b64decode(acuse["xmlBase64"])
    assert (
        cancellations(cancel(sb, [f"{small}|XAXX010101000|EKU9003173C9|1160.00"], rfc="AAA010101AAA"))[0]["codigo"]
        == "203"
    )


def test_cfdi_cancel_global_errors(sb: Sandbox) -> None:
    uuid = stamped_uuid(sb)
    good = f"{uuid}|XAXX010101000|EKU9003173C9|1160.00"
    for entries in ([f"{uuid}|XAXX010101000|EKU9003173C9"], ["not-a-uuid|XAXX010101000|EKU9003173C9|1"], []):
        answer = cancel(sb, entries)
        assert answer["statusOk"] == "false" and answer["codigo"] == "3" and "procesados" not in answer
    assert cancel(sb, [good], with_cert=False)["codigo"] == "3"
    assert cancel(sb, [good], options=("NOPE",))["codigo"] == "3"
    no_default = cancel(sb, [good], options=("CERT_DEFAULT",), with_cert=False)
    assert no_default["codigo"] == "20" and no_default["statusOk"] == "false"
    sb.cfdi_account("pade_user", has_default_cert=True)
    ok = cancel(sb, [good], options=("CERT_DEFAULT",), with_cert=False)
    assert ok["statusOk"] == "true" and cancellations(ok)[0]["codigo"] == "201"


def test_cfdi_consulta_por_uuid(sb: Sandbox) -> None:
    uuid = stamped_uuid(sb)
    data = cfdi(sb, "consultaCfdiPorUUID", [("contrato", CONTRATO), ("uuid", uuid.lower())]).xml()
    assert data["codigo"] == "0" and data["consultaOk"] == "true" and data["contrato"] == CONTRATO
    assert uuid.encode() in base64.b64decode(data["xmlBase64"])
    missing = cfdi(
        sb, "consultaCfdiPorUUID", [("contrato", CONTRATO), ("uuid", "00000000-0000-4000-8000-000000000000")]
    )
    assert missing.xml()["codigo"] == "602" and missing.xml()["mensaje"] == "CFDI no existe."
    assert cfdi(sb, "consultaCfdiPorUUID", [("contrato", CONTRATO), ("uuid", "x")]).xml()["codigo"] == "3"


def test_cfdi_plus_in_query_is_a_space(sb: Sandbox) -> None:
    """An unencoded "+" in base64 becomes a space, as in any servlet container: codigo 3."""
    datos = base64.b64encode(b"CFDI|3.3|>>>|?|x").decode()
    assert "+" in datos or "/" in datos
    path = CFDI + f"procesarArchivo?contrato={CONTRATO}&prueba=true&datos={datos}"
    answer = call(sb, "POST", path, None, {"Authorization": basic(*CFDI_AUTH), "Content-Type": "application/xml"})
    assert ET.fromstring(answer.body).findtext("codigo") in ("3", "301")


def test_cfdi_timbrado40_stamps_a_sealed_xml_with_202(sb: Sandbox) -> None:
    xml = cfdi40_xml(sello=SEALED)
    answer = timbrado40(sb, xml)
    assert answer.status == 202 and answer.headers["Content-Type"] == "application/xml;charset=UTF-8"
    data = answer.xml()
    assert data["_root"] == "servicioTimbrado" and data["timbradoOk"] == "true" and data["codigo"] == "0"
    assert "mensaje" not in data and len(data["UUID"]) == 36
    stamped = base64.b64decode(data["xmlBase64"])
    assert stamped.startswith(xml[: xml.index(b"<cfdi:Conceptos>")])  # the XML as sent, timbre added
    root = ET.fromstring(stamped)
    tfd = root.find(f"{{{NS4}}}Complemento/{TFD}")
    assert tfd is not None and tfd.get("UUID") == data["UUID"] and tfd.get("SelloCFD") == SEALED
    assert tfd.get("RfcProvCertif") == "PPD101129EA3" and root.get("Sello") == SEALED
    assert sb.state()["cfdis"][data["UUID"]]["version"] == "4.0"
    prueba = timbrado40(sb, cfdi40_xml(sello=sealed("p"), folio="2"), path="timbrado40Prueba").xml()
    assert prueba["codigo"] == "0" and prueba["mensaje"] == "*** generado en modo de pruebas ***"


def test_cfdi_timbrado40_a_resent_xml_is_307_with_the_earlier_stamp_when_asked(sb: Sandbox) -> None:
    xml = cfdi40_xml(sello=SEALED)
    first = timbrado40(sb, xml).xml()
    plain = timbrado40(sb, xml).xml()
    assert (plain["timbradoOk"], plain["codigo"]) == ("false", "307") and "xmlBase64" not in plain
    again = timbrado40(sb, xml, ("REGRESAR_CON_ERROR_307_XML",))
    data = again.xml()
    assert again.status == 202 and (data["timbradoOk"], data["codigo"]) == ("false", "307")
    assert data["UUID"] == first["UUID"] and data["xmlBase64"] == first["xmlBase64"]
    assert len(sb.state()["cfdis"]) == 1 and sb.state()["cfdi_accounts"]["pade_user"]["saldo"] == 999
    stamped = base64.b64decode(first["xmlBase64"])  # an XML with its timbre: 307 too, and the stamp
    assert timbrado40(sb, stamped, ("REGRESAR_CON_ERROR_307_XML",)).xml()["UUID"] == first["UUID"]


def test_cfdi_timbrado40_document_errors(sb: Sandbox) -> None:
    mx_now = dt.datetime.now(MX_TZ)
    cases = [
        (cfdi40_xml(SEALED, namespace="http://www.sat.gob.mx/cfd/3", version="3.3"), "301"),
        (b'<!DOCTYPE x [<!ENTITY a "b">]>' + cfdi40_xml(SEALED)[38:], "301"),
        (b"<cfdi:Comprobante", "301"),
        (cfdi40_xml(), "302"),
        (cfdi40_xml(sello="no base64!"), "302"),
        (cfdi40_xml(SEALED, fecha=mx_now - dt.timedelta(hours=73)), "401"),
        (cfdi40_xml(SEALED, fecha=mx_now + dt.timedelta(minutes=30)), "401"),
        (
            cfdi40_xml(
                SEALED,
                inside=f'<cfdi:Complemento><tfd:TimbreFiscalDigital xmlns:tfd="{TFD[1:].split("}")[0]}" '
                'UUID="00000000-0000-4000-8000-000000000000"/></cfdi:Complemento>',
            ),
            "307",
        ),
    ]
    for xml, code in cases:
        answer = timbrado40(sb, xml)
        assert answer.status == 202 and answer.xml()["codigo"] == code, (code, answer.body[:300])
        assert answer.xml()["timbradoOk"] == "false"
    assert timbrado40(sb, cfdi40_xml(), ("CALCULAR_SELLO",)).xml()["codigo"] == "20"
    assert timbrado40(sb, cfdi40_xml(SEALED), ("NO_EXISTE",)).xml()["codigo"] == "3"
    assert timbrado40(sb, cfdi40_xml(SEALED), content_type="application/json").status == 415
    assert call(sb, "GET", REST + "timbrado40").status == 405
    assert sb.state()["cfdis"] == {}


def test_cfdi_calcular_sello_with_the_default_certificate(sb: Sandbox, sat_certs: dict[str, Any]) -> None:
    sb.cfdi_account("pade_user", has_default_cert=True)
    # Made once: cfdi40_xml() dates each XML from the clock, and two made a second apart differ (a
    # CI run on a loaded machine got a new stamp, codigo 0, where the same XML gets a 307).
    unsealed = cfdi40_xml()
    stand_in = timbrado40(sb, unsealed, ("CALCULAR_SELLO",)).xml()
    root = ET.fromstring(base64.b64decode(stand_in["xmlBase64"]))
    assert len(base64.b64decode(root.get("Sello"))) == 256 and root.get("NoCertificado") == "30001000000500003456"
    # The same unsealed XML again gets the same seal (as RSA PKCS#1 v1.5 would): Prodigia sees a 307.
    assert timbrado40(sb, unsealed, ("CALCULAR_SELLO",)).xml()["codigo"] == "307"
    other = sat_certs["other"]
    sb.cfdi_account(
        "pade_user",
        default_csd={
            "certBase64": base64.b64encode(Path(other["cer"]).read_bytes()).decode(),
            "keyBase64": base64.b64encode(Path(other["key"]).read_bytes()).decode(),
            "keyPass": "12345678a",
        },
    )
    real = timbrado40(sb, cfdi40_xml(folio="9"), ("CALCULAR_SELLO",)).xml()
    assert real["codigo"] == "0"
    root = ET.fromstring(base64.b64decode(real["xmlBase64"]))
    assert root.get("NoCertificado") == other["noCertificado"]


def test_cfdi_timbrar_cfdi_seals_with_the_csd_sent(sb: Sandbox, sat_certs: dict[str, Any], tmp_path: Path) -> None:
    other = sat_certs["other"]

    def body(item: dict[str, Any], **changes: Any) -> dict[str, Any]:
        return {
            "xmlBase64": base64.b64encode(cfdi40_xml(folio=changes.pop("folio", "1"))).decode(),
            "contrato": CONTRATO,
            "certBase64": base64.b64encode(Path(item["cer"]).read_bytes()).decode(),
            "keyBase64": base64.b64encode(Path(item["key"]).read_bytes()).decode(),
            "keyPass": "12345678a",
            "prueba": "true",
            "opciones": ["CALCULAR_SELLO"],
            **changes,
        }

    answer = rest(sb, "timbrado40/timbrarCfdi", [("contrato", CONTRATO)], json.dumps(body(other)), "application/json")
    assert answer.status == 202, answer.body
    data = answer.xml()
    assert data["codigo"] == "0", data
    stamped = base64.b64decode(data["xmlBase64"])
    root = ET.fromstring(stamped)
    assert root.get("NoCertificado") == other["noCertificado"]
    assert base64.b64decode(root.get("Certificado")) == Path(other["cer"]).read_bytes()
    assert verify_seal(stamped, other["cer"], tmp_path)
    for item, changes, code in (
        (sat_certs["csd"], {}, "303"),
        (sat_certs["fiel"], {}, "306"),
        (sat_certs["expired"], {}, "306" if not sat_certs["expired"]["isCSD"] else "304"),
        (other, {"keyPass": "wrong"}, "3"),
        (other, {"xmlBase64": "%%"}, "3"),
        (other, {"prueba": "si"}, "3"),
    ):
        reply = rest(
            sb,
            "timbrado40/timbrarCfdi",
            [("contrato", CONTRATO)],
            json.dumps(body(item, folio="2", **changes)),
            "application/json",
        )
        assert reply.xml()["codigo"] == code, (item["cer"], changes, reply.body[:300])


def test_cfdi_csv40_is_stamped_as_a_cfdi_40(sb: Sandbox) -> None:
    sb.cfdi_account("pade_user", has_default_cert=True)
    data = process40(sb, csv40(CSV40_INVOICE), "CALCULAR_SELLO", "ESTABLECER_NO_CERTIFICADO")
    assert data["codigo"] == "0", data
    root = ET.fromstring(base64.b64decode(data["xmlBase64"]))
    assert root.tag == f"{{{NS4}}}Comprobante" and root.get("Version") == "4.0" and root.get("Exportacion") == "01"
    assert root.find(f"{{{NS4}}}Receptor").get("RegimenFiscalReceptor") == "612"
    traslado = root.find(
        f"{{{NS4}}}Conceptos/{{{NS4}}}Concepto/{{{NS4}}}Impuestos/{{{NS4}}}Traslados/{{{NS4}}}Traslado"
    )
    assert traslado is not None and traslado.get("TasaOCuota") == "0.160000"
    assert root.find(f"{{{NS4}}}Complemento/{TFD}").get("UUID") == data["UUID"]
    assert process40(sb, csv40(CSV40_INVOICE, folio="2"))["codigo"] == "302"  # no Sello, no CALCULAR_SELLO


@pytest.mark.parametrize(
    "lines,detail",
    [
        (["CFDI|4.0|F|1|{fecha}||01"] + CSV40_INVOICE[1:], "debe tener 19 campos"),
        ([CSV40_INVOICE[0], "EMISOR|EKU9003173C9|X|601"] + CSV40_INVOICE[2:], "registro desconocido"),
        ([CSV40_INVOICE[0], CSV40_INVOICE[2], CSV40_INVOICE[1]] + CSV40_INVOICE[3:], "no puede seguir"),
        (CSV40_INVOICE[:3], "incompleto"),
        (CSV40_INVOICE[:1] + ["EMIS|EKU9003173C9|X|601"] + CSV40_INVOICE[2:], "debe tener 4 campos"),
        ([CSV40_INVOICE[0].replace("CFDI|4.0", "CFDI|3.3")] + CSV40_INVOICE[1:], "versión"),
        (CSV40_INVOICE[1:], "primer registro"),
    ],
    ids=["cfdi-fields", "unknown-tag", "order", "incomplete", "emis-3.3-fields", "version", "first"],
)
def test_cfdi_csv40_malformed_is_301(sb: Sandbox, lines: list[str], detail: str) -> None:
    data = process40(sb, csv40(lines), "CALCULAR_SELLO")
    assert (data["codigo"], data["timbradoOk"]) == ("301", "false") and detail in data["mensaje"], data


def test_cfdi_payment_relates_to_its_invoice_which_is_then_not_cancellable(sb: Sandbox) -> None:
    sb.cfdi_account("pade_user", has_default_cert=True)
    invoice = process40(sb, csv40(CSV40_INVOICE), "CALCULAR_SELLO")["UUID"]
    payment = [
        "CFDI|4.0|CP|{folio}|{fecha}||||||0||XXX||0|P|01||06000||",
        "EMIS|EKU9003173C9|ESCUELA KEMPER URGATE|601||",
        "RECE|XIQB891116QE4|XOCHILT CASAS CHAVEZ|36257|||612|CP01|",
        "CONC|84111506||1|ACT||Pago|0|0||01|",
        "COMP|",
        "CRPS20|2.0|",
        "CTOT20||||1000.00|160.00||||||1160.00",
        "CPAG20|2024-05-01T00:00:00|03|MXN|1|1160.00||||||||||",
        f"CPDR20|{invoice}|F|1|MXN|1|1|1160.00|1160.00|0.00|02|",
        "CPIDR20|",
        "CPTDR20|1000.00|002|Tasa|0.160000|160.00|",
        "CPIM20|",
        "CPIT20|1000.00|002|Tasa|0.160000|160.00",
    ]
    paid = process40(sb, csv40(payment, folio="7"), "CALCULAR_SELLO")
    assert paid["codigo"] == "0", paid
    assert sb.state()["cfdis"][paid["UUID"]]["related"] == [invoice]
    blocked = cancellations(cancel_reason(sb, [f"{invoice}|02|"]).xml())[0]
    assert blocked["codigo"] == "94"
    assert status_of(sb, invoice)["esCancelable"] == "No cancelable"


def test_cfdi_cancelacion_cancelar_motivos_and_the_receiver(sb: Sandbox) -> None:
    sb.cfdi_account("pade_user", has_default_cert=True)
    uuids = [timbrado40(sb, cfdi40_xml(sealed(str(n)), folio=str(n))).xml()["UUID"] for n in range(5)]
    answer = cancel_reason(sb, [f"{uuids[0]}|02|", f"{uuids[1]}|03", f"{uuids[2]}|01|{uuids[3]}"])
    assert answer.status == 202
    data = answer.xml()
    assert data["statusOk"] == "true" and data["rfc"] == "EKU9003173C9"
    assert [c["codigo"] for c in cancellations(data)] == ["201", "201", "201"]  # 1160 to a named receiver
    assert {sb.state()["cfdis"][u]["status"] for u in uuids[:3]} == {"pendiente"}
    assert sb.state()["cfdis"][uuids[2]]["folioSustitucion"] == uuids[3]
    sb.cfdi_receiver(uuids[0], "accept")
    sb.cfdi_receiver(uuids[1], "reject")
    sb.cfdi_receiver(uuids[2], "expire")
    again = cancellations(cancel_reason(sb, [f"{u}|02|" for u in uuids[:3]]).xml())
    assert [c["codigo"] for c in again] == ["202", "97", "202"]
    assert cancellations(cancel_reason(sb, [f"{uuids[1]}|02|"]).xml())[0]["codigo"] == "96"  # asked again
    for bad in (
        [f"{uuids[4]}|05|"],
        [f"{uuids[4]}|01|"],
        [f"{uuids[4]}|01|{uuids[4]}"],
        [f"{uuids[4]}|02|{uuids[3]}"],
        [f"{uuids[4]}|EKU9003173C9|XIQB891116QE4|1160.00"],
        ["not-a-uuid|02|"],
        [],
    ):
        reply = cancel_reason(sb, bad).xml()
        assert (reply["statusOk"], reply["codigo"]) == ("false", "3"), bad
    assert cancel_reason(sb, [f"{uuids[4]}|02|"], options=()).xml()["codigo"] == "0"  # with the CSD instead
    assert call(sb, "GET", REST + "cancelacion/cancelar").status == 405


def test_cfdi_cancel_with_a_signed_cancellation_xml(sb: Sandbox) -> None:
    """XML_CANCELACION:<b64> (PRODIGIA_2026.md §4.2; MRV: omit cert, key and keyPass; not with
    CERT_DEFAULT): accepted without any CSD field, refused (3) with one, with CERT_DEFAULT or PKCS12,
    or when its value is not base64 of an XML document."""
    uuid = timbrado40(sb, cfdi40_xml(sealed("xc"), folio="xc", receptor="XAXX010101000")).xml()["UUID"]
    signed = base64.b64encode(f'<Cancelacion RfcEmisor="EKU9003173C9"><Folios UUID="{uuid}"/></Cancelacion>'.encode())
    option = "XML_CANCELACION:" + signed.decode()
    query = [("contrato", CONTRATO), ("rfcEmisor", "EKU9003173C9"), ("arregloUUID", f"{uuid}|02|")]
    csd = [("certBase64", base64.b64encode(b"cert").decode()), ("keyBase64", base64.b64encode(b"key").decode())]
    sb.cfdi_account("pade_user", has_default_cert=True)
    for refused in (
        query + csd + [("keyPass", "12345678a"), ("opciones", option)],
        query + [("keyPass", "12345678a"), ("opciones", option)],
        query + [("opciones", option), ("opciones", "CERT_DEFAULT")],
        query + [("opciones", option), ("opciones", "PKCS12")],
        query + [("opciones", "XML_CANCELACION:no base64!")],
        query + [("opciones", "XML_CANCELACION:" + base64.b64encode(b"not xml").decode())],
    ):
        data = rest(sb, "cancelacion/cancelar", refused).xml()
        assert (data["statusOk"], data["codigo"]) == ("false", "3"), refused
    data = rest(sb, "cancelacion/cancelar", query + [("opciones", option)]).xml()
    assert data["statusOk"] == "true" and cancellations(data)[0]["codigo"] == "201", data


def test_cfdi_integration_cancel_takes_the_motivo(sb: Sandbox) -> None:
    first, second = (stamped_uuid(sb) for _ in range(2))
    answer = cancel(
        sb,
        [f"{first}|XAXX010101000|EKU9003173C9|1160.00|01|{second}", f"{second}|XAXX010101000|EKU9003173C9|1160.00|02|"],
    )
    assert [c["codigo"] for c in cancellations(answer)] == ["201", "201"]
    state = sb.state()["cfdis"]
    assert (state[first]["motivo"], state[first]["folioSustitucion"], state[second]["motivo"]) == ("01", second, "02")
    for bad in (
        f"{first}|XAXX010101000|EKU9003173C9|1160.00|01|",
        f"{first}|XAXX010101000|EKU9003173C9|1160.00|09|",
        f"{first}|XAXX010101000|EKU9003173C9|1160.00|02",
    ):
        assert cancel(sb, [bad])["codigo"] == "3", bad


def test_cfdi_sat_status(sb: Sandbox) -> None:
    sb.cfdi_account("pade_user", has_default_cert=True)
    uuid, public = (
        timbrado40(sb, cfdi40_xml(sealed(c), folio=c, receptor=r)).xml()["UUID"]
        for c, r in (("A", "XIQB891116QE4"), ("B", "XAXX010101000"))
    )
    vigente = status_of(sb, uuid)
    assert vigente["_root"] == "servicioConsultaComprobante" and vigente["consultaOk"] == "true"
    assert (vigente["codigo"], vigente["estado"], vigente["estatusCfdi"]) == ("91", "Vigente", "2")
    assert vigente["codigoEstatus"].startswith("S - ") and vigente["esCancelable"] == "Cancelable con aceptación"
    assert status_of(sb, public, receptor="XAXX010101000")["esCancelable"] == "Cancelable sin aceptación"
    cancel_reason(sb, [f"{uuid}|02|", f"{public}|02|"])
    assert status_of(sb, uuid)["estatusCfdi"] == "7" and status_of(sb, uuid)["estatusCancelacion"] == "En proceso"
    cancelled = status_of(sb, public, receptor="XAXX010101000")
    assert (cancelled["estado"], cancelled["estatusCfdi"], cancelled["estatusCancelacion"]) == (
        "Cancelado",
        "9",
        "Cancelado sin aceptación",
    )
    sb.cfdi_receiver(uuid, "accept")
    assert status_of(sb, uuid)["estatusCfdi"] == "8"
    for missing in (status_of(sb, "00000000-0000-4000-8000-000000000000"), status_of(sb, uuid, total="1.00")):
        assert (missing["codigo"], missing["estado"], missing["estatusCfdi"]) == ("90", "No Encontrado", "1")
    bad = rest(sb, "cancelacion/consultarEstatusComprobante", [("contrato", CONTRATO), ("uuid", uuid)])
    assert bad.status == 202 and bad.xml()["codigo"] == "3" and bad.xml()["consultaOk"] == "false"


def test_cfdi_verificar_serie_folio(sb: Sandbox) -> None:
    first = stamp(sb, "VERIFICAR_SERIE_FOLIO").xml()
    again = stamp(sb, "VERIFICAR_SERIE_FOLIO", "REGRESAR_CON_ERROR_307_XML").xml()
    assert (again["codigo"], again["UUID"]) == ("307", first["UUID"])
    assert stamp(sb).xml()["codigo"] == "0"  # without the option the same serie and folio is stamped again
