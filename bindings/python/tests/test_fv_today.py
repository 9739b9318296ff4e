"""The binding's "Firma Virtual and FES today" (API.md): FirmaVirtual.create_contract_express (a
path, progress), FirmaVirtual.confirm_callback and sello.fv_parse_callback (a body as bytes, text
or a mapping). `environment` reaches the configuration: test_arguments.py; the rules are tested
through the .so in Tests/python/test_fv_express.py, test_fv_callback.py and test_environment.py."""

from __future__ import annotations

import base64
import http.server
import json
import threading
from typing import Any, List, Tuple

import pytest
import sello
from sello_fixtures import SEEDED_CONTRACT  # SIGNED_PENDING in the sandbox

SIGNER = {
    "full_name": "Jose Cortesia",
    "email": "jose@firmavirtual.com",
    "rutId": "11.111.111-1",
    "phone": "912345678",
    "portion": "100",
}
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
    result = fv.create_contract_express(
        sOwnerType="NATURAL",
        iContractTypeFeeID=49,
        signers=[SIGNER],
        file_path=path,
        sContractName="Venta 1",
        provider="LEXGOSIGN",
    )
    assert result["sContractID"] in sandbox.state()["fv_contracts"] and result["sStatus"] == "CREATED"
    [sent] = sandbox.requests(EXPRESS)
    body = json.loads(sent["body_text"])
    assert base64.b64decode(body["document"]["content_file"]) == PDF
    assert body["signers"][0]["phone"] == "+56912345678" and body["signers"][0]["portion"] == "100"
    assert done and done[-1] == (sent["body_size"], sent["body_size"])


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
        created = fv.create_contract_express(
            sOwnerType="NATURAL",
            iContractTypeFeeID=49,
            signers=[SIGNER],
            content_base64=base64.b64encode(PDF).decode(),
            callback=url,
        )
        sandbox.fv_advance(created["sContractID"], "FINISHED", sPaymentStatus="PAIDOUT")
    finally:
        server.shutdown()
        server.server_close()
    [raw] = bodies
    confirmed = fv.confirm_callback(raw)
    assert (confirmed["sContractID"], confirmed["status"], confirmed["agrees"], confirmed["paid"]) == (
        created["sContractID"],
        "FINISHED",
        True,
        True,
    )
