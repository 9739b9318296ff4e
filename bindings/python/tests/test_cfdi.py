"""sello.CFDI and sello.cfdi_inspect_csd against the sandbox: one call of every cfdi_ function
through the binding (paths, batches unwrapped item by item), written to the contract of
include/sello.h. Prodigia's and SAT's rules are tested through the .so in Tests/python/test_cfdi*.py."""

from __future__ import annotations

import base64
import json
import pathlib
from typing import Any, Dict, Iterator, List

import pytest
import sello
from sello_fixtures import (
    CFDI_API,
    EMISOR,
    RECEPTOR,
    cfdi40_xml,
    csd_fields,
    csv_text,
    seal,
)
from sello_fixtures import (
    CFDI_REST as REST,
)
from sello_fixtures import (
    NAMED_RECEPTOR as NAMED,
)

PROCESS_PATH = CFDI_API + "/procesarArchivo"


def query(received: Dict[str, Any], name: str) -> List[str]:
    return [value for key, value in received["query"] if key == name]


def saved_paths(saved: Any) -> List[str]:
    if isinstance(saved, dict):
        return [str(v) for v in saved.values()]
    return [str(v["path"]) if isinstance(v, dict) else str(v) for v in saved]


@pytest.fixture()
def csd(certs) -> Dict[str, str]:
    return csd_fields(certs["other"])


@pytest.fixture()
def cfdi(cfdi_config) -> Iterator[sello.CFDI]:
    with sello.CFDI(**cfdi_config) as client:
        yield client


def stamp(cfdi: sello.CFDI, **fields: Any) -> sello.Result:
    result = cfdi.process_file(datos=csv_text(), prueba=True, **fields)
    assert result["timbradoOk"] is True and result["codigo"] == 0
    return result


# -- stamping --------------------------------------------------------------------------------------


def test_process_file(sandbox, cfdi) -> None:
    text = csv_text()
    result = cfdi.process_file(datos=text, prueba=True)
    assert result["timbradoOk"] is True and result["codigo"] == 0
    assert len(result["uuid"]) == 36 and result.warning_codes() == ["PLUGIN_MISSING"]  # the 2020 file
    assert result.meta["operation"] == "process_file" and result.attempts == 1
    [received] = sandbox.requests(PROCESS_PATH)
    assert received["method"] == "POST" and received["basic_auth"]["user"] == "pade_user"
    assert query(received, "contrato") == ["PADE-CONTRATO-01"] and query(received, "prueba") == ["true"]
    assert base64.b64decode(query(received, "datos")[0]).decode().strip() == text.strip()
    assert "pade_pass" not in json.dumps(result.envelope)


def test_process_file_with_xml_and_save_dir(sandbox, cfdi, tmp_path) -> None:
    result = stamp(cfdi, include_xml=True, save_dir=tmp_path)
    assert result["uuid"] in result["xml"] and "cfdi:Comprobante" in result["xml"]
    paths = saved_paths(result["saved_files"])
    assert paths and all(pathlib.Path(p).exists() for p in paths)


def test_process_file_from_a_path_and_from_base64(sandbox, cfdi, tmp_path) -> None:
    source = tmp_path / "factura.csv"
    source.write_text(csv_text())
    assert cfdi.process_file(datos_path=source, prueba=True)["timbradoOk"] is True
    encoded = base64.b64encode(csv_text().encode()).decode()
    assert cfdi.process_file(datos_base64=encoded, prueba=False)["timbradoOk"] is True
    assert query(sandbox.requests(PROCESS_PATH)[-1], "prueba") == ["false"]


def test_process_file_with_csd(sandbox, cfdi, csd) -> None:
    result = cfdi.process_file_with_csd(datos=csv_text(), prueba=True, **csd)
    assert result["timbradoOk"] is True and result["uuid"]
    [received] = sandbox.requests(PROCESS_PATH + "ConCSD")
    body = received["json"]
    assert body["certBase64"] and body["keyBase64"] and body["contrato"] == "PADE-CONTRATO-01"
    assert received["headers"]["content-type"].startswith("application/json")
    assert csd["keyPass"] not in json.dumps(result.envelope)


# -- cancellation, receipts, queries ---------------------------------------------------------------


def test_cancel_then_fetch_the_receipt(sandbox, cfdi, csd, tmp_path) -> None:
    uuid = stamp(cfdi)["uuid"]
    with pytest.raises(sello.ServiceError) as not_yet:
        cfdi.get_cancellation_receipt(uuid=uuid)
    assert not_yet.value.service_code == 21
    result = cfdi.cancel(rfcEmisor=EMISOR, uuids=[f"{uuid}|{RECEPTOR}|{EMISOR}|1160.00"], **csd)
    assert result["statusOk"] is True
    [one] = result["cancelaciones"]
    assert one["uuid"] == uuid and one["codigo"] == 201 and one["descripcion"]
    [received] = sandbox.requests("/servicio/rest/integracion/cancelarCfdiConOpciones")
    assert query(received, "uuids") == [f"{uuid}|{RECEPTOR}|{EMISOR}|1160.00"]
    assert csd["keyPass"] not in json.dumps(result.envelope)
    receipt = cfdi.get_cancellation_receipt(uuid=uuid, include_xml=True, save_dir=tmp_path)
    assert receipt["consultaOk"] is True and "<Acuse" in receipt["xml"] and uuid in receipt["xml"]
    assert all(pathlib.Path(p).exists() for p in saved_paths(receipt["saved_files"]))


def test_get_by_uuid(sandbox, cfdi, tmp_path) -> None:
    uuid = stamp(cfdi)["uuid"]
    result = cfdi.get_by_uuid(uuid=uuid, include_xml=True, save_dir=tmp_path)
    assert result["consultaOk"] is True and uuid in result["xml"]
    assert all(pathlib.Path(p).exists() for p in saved_paths(result["saved_files"]))
    with pytest.raises(sello.ServiceError) as caught:
        cfdi.get_by_uuid(uuid="11111111-2222-3333-4444-555555555555")
    assert caught.value.service_code == 602


# -- batches ---------------------------------------------------------------------------------------


def test_process_files_keeps_the_input_order(sandbox, cfdi) -> None:
    items = [{"datos": csv_text(folio=str(n)), "prueba": True} for n in range(5)]
    items.insert(2, {"datos": "not a CSV", "prueba": True})
    result = cfdi.process_files(items=items, concurrency=3)
    assert (result["succeeded"], result["failed"]) == (5, 1)
    envelopes = result["results"]
    assert len(envelopes) == 6
    with pytest.raises(sello.ServiceError):
        sello.unwrap(envelopes[2])
    uuids = [sello.unwrap(e)["uuid"] for i, e in enumerate(envelopes) if i != 2]
    assert len(set(uuids)) == 5
    assert len(sandbox.requests(PROCESS_PATH)) == 6


# -- CFDI as Prodigia and SAT work today ------------------------------------------------------------


def test_stamp_xml(sandbox, cfdi, tmp_path) -> None:
    xml = cfdi40_xml(seal("a"))
    result = cfdi.stamp_xml(xml=xml, prueba=True, save_dir=tmp_path)
    assert result["timbradoOk"] is True and result["uuid"] == result["UUID"] and result.warnings == []
    assert result.meta["operation"] == "stamp_xml" and result.meta["http_status"] == 202
    [received] = sandbox.requests(REST + "/timbrado40Prueba")
    assert received["body_text"] == xml and "accept" not in received["headers"]
    assert query(received, "opciones") == ["REGRESAR_CON_ERROR_307_XML"]
    again = cfdi.stamp_xml(xml=xml)  # the same sealed XML: its stamp
    assert again["uuid"] == result["uuid"] and [w["code"] for w in again.warnings] == ["ALREADY_STAMPED"]
    assert saved_paths(result["saved_files"]) == [str(tmp_path / f"{result['uuid']}.xml")]


def test_stamp_xml_with_csd(sandbox, cfdi, csd) -> None:
    result = cfdi.stamp_xml_with_csd(xml=cfdi40_xml(), opciones=["CALCULAR_SELLO"], **csd)
    assert result["timbradoOk"] is True and result["uuid"]
    [received] = sandbox.requests(REST + "/timbrado40/timbrarCfdi")
    assert list(received["json"]) == [
        "xmlBase64",
        "contrato",
        "certBase64",
        "keyBase64",
        "keyPass",
        "prueba",
        "opciones",
    ]
    assert received["json"]["opciones"] == ["CALCULAR_SELLO", "REGRESAR_CON_ERROR_307_XML"]
    assert csd["keyPass"] not in json.dumps(result.envelope)


def test_cancel_with_reason(sandbox, cfdi, csd) -> None:
    uuids = [cfdi.stamp_xml(xml=cfdi40_xml(seal(t), folio=t))["uuid"] for t in ("x", "y")]
    result = cfdi.cancel_with_reason(
        rfcEmisor=EMISOR, uuids=[f"{uuids[0]}|02|", {"uuid": uuids[1], "motivo": 3}], **csd
    )
    # SAT received both requests (201, `cancelled`); each waits for its receiver, as the warnings say.
    assert [c["status"] for c in result["cancelaciones"]] == ["cancelled", "cancelled"]
    assert result.warning_codes() == ["CANCELLATION_REQUESTED"] * 2
    [received] = sandbox.requests(REST + "/cancelacion/cancelar")
    assert query(received, "arregloUUID") == [f"{uuids[0]}|02|", f"{uuids[1]}|03|"]
    sandbox.cfdi_receiver(uuids[0], "reject")
    again = cfdi.cancel_with_reason(rfcEmisor=EMISOR, uuids=[f"{uuids[0]}|02|"], **csd)
    assert again["cancelaciones"][0]["status"] == "rejected"
    with pytest.raises(sello.ValidationError) as caught:
        cfdi.cancel_with_reason(rfcEmisor=EMISOR, uuids=[f"{uuids[0]}|01|"], **csd)
    assert caught.value.code == "FOLIO_SUSTITUCION_REQUERIDO" and caught.value.attempts == 0


def test_get_status(sandbox, cfdi) -> None:
    uuid = cfdi.stamp_xml(xml=cfdi40_xml(seal("s"), receptor=RECEPTOR))["uuid"]
    result = cfdi.get_status(uuid=uuid, rfcEmisor=EMISOR, rfcReceptor=RECEPTOR, total=1160)
    assert (result["estatusCfdi"], result["estatus_text"], result["estado"]) == (2, "Vigente", "Vigente")
    sandbox.cfdi_account("pade_user", has_default_cert=True)
    cfdi.cancel_with_reason(rfcEmisor=EMISOR, uuids=[f"{uuid}|02|"], opciones=["CERT_DEFAULT"])
    cancelled = cfdi.get_status(uuid=uuid, rfcEmisor=EMISOR, rfcReceptor=RECEPTOR, total="1160.00")
    assert (cancelled["estatusCfdi"], cancelled["estatus_text"]) == (9, "Cancelado sin aceptación")
    with pytest.raises(sello.ValidationError):
        cfdi.get_status(uuid="x", rfcEmisor=EMISOR, rfcReceptor=RECEPTOR, total=1)


def test_process_files_with_an_operation(sandbox, cfdi) -> None:
    uuid = cfdi.stamp_xml(xml=cfdi40_xml(seal("o")))["uuid"]
    items = [{"uuid": uuid, "rfcEmisor": EMISOR, "rfcReceptor": NAMED, "total": "1160.00"}] * 3
    result = cfdi.process_files(operation="get_status", items=items, concurrency=3)
    assert result["succeeded"] == 3 and all(sello.unwrap(e)["estatusCfdi"] == 2 for e in result["results"])
    with pytest.raises(sello.InvalidArgumentError):
        cfdi.process_files(operation="cancel", items=[])


# -- inspecting a CSD ------------------------------------------------------------------------------


def test_inspect_csd(certs) -> None:
    other = certs["other"]
    result = sello.cfdi_inspect_csd(cert_path=other["cer"], key_path=other["key"], keyPass=certs["password"])
    assert result["rfc"] == EMISOR and result["no_certificado"] == other["noCertificado"]
    assert (result["is_csd"], result["expired"], result["key_matches"]) == (True, False, True)
    assert result.attempts == 0


# -- the client ------------------------------------------------------------------------------------
