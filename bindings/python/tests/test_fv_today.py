"""The binding's "Firma Virtual and FES today" (API.md): FirmaVirtual.create_contract_express,
FirmaVirtual.confirm_callback, sello.fv_parse_callback, and `environment` on every client."""
from __future__ import annotations

import base64
import http.server
import json
import threading
from typing import Any, List, Tuple

import pytest

import sello
from sello_fixtures import SEEDED_CONTRACT  # SIGNED_PENDING in the sandbox

SIGNER = {"full_name": "Jose Cortesia", "email": "jose@firmavirtual.com", "rutId": "11.111.111-1",
          "phone": "912345678", "portion": "100"}
PDF = b"%PDF-1.4\n% sello\n" + bytes(range(256)) * 10 + b"\n%%EOF\n"
EXPRESS = "/api/v1/contract/create-contract-express"


@pytest.fixture()
def fv(fv_config: Any) -> Any:
    with sello.FirmaVirtual(**fv_config) as client:
        yield client


def callback(status: str = "SIGNED_PENDING", contract_id: str = SEEDED_CONTRACT) -> dict:
    return {"contract": [{"sContractID": contract_id, "sStatus": status, "sContractName": "Prueba"}], "signers": []}


# -- create_contract_express -------------------------------------------------------------------------

def test_create_contract_express_from_a_file(sandbox: Any, fv: Any, tmp_path: Any) -> None:
    path = tmp_path / "contrato.pdf"
    path.write_bytes(PDF)
    done: List[Tuple[int, int]] = []
    fv.set_progress(lambda sent, total: done.append((sent, total)))
    result = fv.create_contract_express(sOwnerType="NATURAL", iContractTypeFeeID=49, signers=[SIGNER],
                                        file_path=path, sContractName="Venta 1", provider="LEXGOSIGN")
    assert result["sContractID"] in sandbox.state()["fv_contracts"] and result["sStatus"] == "CREATED"
    [sent] = sandbox.requests(EXPRESS)
    body = json.loads(sent["body_text"])
    assert base64.b64decode(body["document"]["content_file"]) == PDF
    assert body["signers"][0]["phone"] == "+56912345678" and body["signers"][0]["portion"] == "100"
    assert done and done[-1] == (sent["body_size"], sent["body_size"])


def test_create_contract_express_from_base64_without_an_id_in_the_answer(sandbox: Any, fv: Any) -> None:
    sandbox.fv_shapes(express="none")
    result = fv.create_contract_express(sOwnerType="NATURAL", iContractTypeFeeID=49, signers=[SIGNER],
                                        content_base64=base64.b64encode(PDF).decode(), sContractName="Venta 2")
    assert result["sContractID"] is None and result.warning_codes() == ["CONTRACT_ID_MISSING"]
    assert "'Venta 2'" in result.warnings[0]["message"]


def test_create_contract_express_local_checks_raise(sandbox: Any, fv: Any, tmp_path: Any) -> None:
    path = tmp_path / "contrato.pdf"
    path.write_bytes(b"not a pdf")
    with pytest.raises(sello.ValidationError) as caught:
        fv.create_contract_express(sOwnerType="NATURAL", iContractTypeFeeID=49, signers=[SIGNER], file_path=path)
    assert caught.value.code == "NOT_A_PDF" and caught.value.field == "file_path"
    with pytest.raises(sello.ValidationError) as caught:
        fv.create_contract_express(sOwnerType="NATURAL", iContractTypeFeeID=49, signers=[{**SIGNER, "rol": 2}],
                                   content_base64=base64.b64encode(PDF).decode())
    assert caught.value.code == "ROL_INVALID" and caught.value.field == "signers[0].rol"
    assert sandbox.requests() == []


# -- callbacks -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("form", ["bytes", "str", "dict"])
def test_fv_parse_callback_takes_the_body_in_any_form(form: str) -> None:
    body = callback("FINISHED")
    given: Any = {"bytes": json.dumps(body).encode(), "str": json.dumps(body), "dict": body}[form]
    result = sello.fv_parse_callback(given)
    assert (result["sContractID"], result["status"], result.attempts) == (SEEDED_CONTRACT, "FINISHED", 0)


def test_fv_parse_callback_refuses_what_is_not_one() -> None:
    with pytest.raises(sello.ValidationError) as caught:
        sello.fv_parse_callback(b"\xff\xfe not json")
    assert caught.value.code == "CALLBACK_INVALID" and caught.value.field == "body"
    assert sello.fv_parse_callback(callback("archivado")).warning_codes() == ["STATUS_UNKNOWN"]


def test_confirm_callback_of_a_delivered_callback(sandbox: Any, fv: Any) -> None:
    bodies: List[bytes] = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        created = fv.create_contract_express(sOwnerType="NATURAL", iContractTypeFeeID=49, signers=[SIGNER],
                                             content_base64=base64.b64encode(PDF).decode(), callback=url)
        sandbox.fv_advance(created["sContractID"], "FINISHED", sPaymentStatus="PAIDOUT")
    finally:
        server.shutdown()
        server.server_close()
    [raw] = bodies
    confirmed = fv.confirm_callback(raw)
    assert (confirmed["sContractID"], confirmed["status"], confirmed["agrees"], confirmed["paid"]) == \
        (created["sContractID"], "FINISHED", True, True)


def test_confirm_callback_says_when_the_service_disagrees(sandbox: Any, fv: Any) -> None:
    confirmed = fv.confirm_callback(json.dumps(callback("FINISHED")))
    assert (confirmed["status"], confirmed["agrees"]) == ("SIGNED_PENDING", False)
    assert confirmed.warning_codes() == ["CALLBACK_STATUS_DIFFERS"]
    with pytest.raises(sello.ValidationError):
        fv.confirm_callback({"signers": []})
    with pytest.raises(sello.ServiceError) as caught:
        fv.confirm_callback(callback(contract_id="00000000-0000-4000-8000-000000000000"))
    assert caught.value.code == "FV_ERROR"


# -- environment ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("make,operation,environment,url", [
    (lambda log: sello.FES(usuario="u", clave="c-clave", environment="test", on_log=log), "obtain_certificate", "test",
     "https://test2.certificadoradelsur.cl/generateFES/rest-services/public/generateFes"),
    (lambda log: sello.FirmaVirtual(login="u", password="p-pass", environment="sandbox", on_log=log), "get_user", "sandbox",
     "https://test.firmavirtual.legal"),
    (lambda log: sello.CFDI(usuario="u", password="p-pass", contrato="c", environment="test", on_log=log), "process_file", "test",
     "https://pruebas.pade.mx/servicio/rest"),
])
def test_environment_on_every_client(make: Any, operation: str, environment: str, url: str) -> None:
    lines: List[str] = []
    with make(lambda level, line: lines.append(line)) as client:
        with pytest.raises(sello.InvalidArgumentError):  # refused locally: nothing reaches the real host
            client.call(operation, {"not_a_field": 1})
    assert lines[0].endswith(f".{operation} → {url} (environment {environment})")


def test_environment_refusals() -> None:
    with pytest.raises(sello.InvalidArgumentError) as caught:
        sello.FirmaVirtual(login="u", password="p", environment="qa", base_url="https://x.cl")
    assert caught.value.code == "ENVIRONMENT_CONFLICT"
    with pytest.raises(sello.InvalidArgumentError) as caught:
        sello.FES(usuario="u", clave="c", environment="production")
    assert caught.value.code == "BASE_URL_REQUIRED" and "Certificadora del Sur" in caught.value.message
    with pytest.raises(sello.InvalidArgumentError) as caught:
        sello.CFDI(usuario="u", password="p", contrato="c", environment="pruebas")
    assert caught.value.code == "UNKNOWN_ENVIRONMENT"
