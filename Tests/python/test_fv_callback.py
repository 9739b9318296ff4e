"""Firma Virtual's callbacks through libsello.so (API.md, "Firma Virtual and FES today"):
fv_parse_callback (a local helper) on every shape, and fv_confirm_callback on a callback the
sandbox delivered to a receiver on loopback, on a forged one and on broken ones."""

from __future__ import annotations

import base64
import http.server
import json
import threading
import uuid
from typing import Any

import pytest
from fv_support import failed, fv, ok  # noqa: F401  (fixtures, requested by name)
from sello_ffi import Client, call
from sello_fixtures import SEEDED_CONTRACT as SEED_CONTRACT  # SIGNED_PENDING in the sandbox

DETAIL = f"/api/v1/contract/detail/{SEED_CONTRACT}"
PDF = base64.b64encode(b"%PDF-1.4\n% sello\n%%EOF\n").decode()
STATUSES = [
    "CREATED",
    "REVIEW",
    "APPROVED",
    "REJECTED",
    "IN_NOTARY",
    "SIGNED_PENDING",
    "DELIVERED",
    "FINISHED",
    "OTHER",
]


def callback_body(
    contract_id: str = SEED_CONTRACT, status: str = "SIGNED_PENDING", as_array: bool = True, **extra: Any
) -> dict[str, Any]:
    """The shape TTX's fix reads (CHILE_2026.md §1.5)."""
    contract = {"sContractID": contract_id, "sStatus": status, "sContractName": "Prueba Venta 39 - NO COBRAR", **extra}
    return {
        "contract": [contract] if as_array else contract,
        "signers": [{"full_name": "Jose Cortesia", "rutId": "76795561-8", "sign_status": "NOTHING"}],
    }


def parse(body: Any) -> dict[str, Any]:
    return call("fv_parse_callback", {"body": body})


class Receiver:
    """A webhook receiver on 127.0.0.1: keeps each body it is POSTed, as bytes."""

    def __init__(self) -> None:
        bodies: list[bytes] = []
        self.bodies = bodies
        self.arrived = threading.Event()
        arrived = self.arrived

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                bodies.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                arrived.set()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/fv/callback"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def __enter__(self) -> "Receiver":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def express_with_callback(fv: Client, url: str) -> str:
    signer = {
        "full_name": "Jose Cortesia",
        "email": "jose@firmavirtual.com",
        "rutId": "11111111-1",
        "phone": "912345678",
        "portion": "100",
    }
    envelope = fv.call(
        "create_contract_express",
        {
            "sOwnerType": "NATURAL",
            "iContractTypeFeeID": 49,
            "signers": [signer],
            "sContractName": "Prueba callback",
            "callback": url,
            "content_base64": PDF,
        },
    )
    return ok(envelope)["sContractID"]


# -- fv_parse_callback ------------------------------------------------------------------------------


def test_parse_the_raw_text_of_a_callback():
    raw = json.dumps(callback_body(status="FINISHED"))
    envelope = parse(raw)
    data = ok(envelope)
    assert (data["sContractID"], data["sStatus"], data["status"], data["sContractName"]) == (
        SEED_CONTRACT,
        "FINISHED",
        "FINISHED",
        "Prueba Venta 39 - NO COBRAR",
    )
    assert data["signers"][0]["rutId"] == "76795561-8"
    assert data["contract"]["sContractID"] == SEED_CONTRACT
    assert envelope["meta"] == {**envelope["meta"], "service": "fv", "operation": "parse_callback", "attempts": 0}
    assert "warnings" not in envelope


@pytest.mark.parametrize("as_array", [True, False])
def test_parse_contract_as_array_or_object_and_body_as_text_or_json(as_array):
    body = callback_body(as_array=as_array)
    assert ok(parse(body)) == ok(parse(json.dumps(body)))
    assert ok(parse(body))["sStatus"] == "SIGNED_PENDING"


def test_parse_falls_back_to_the_top_level():
    data = ok(parse({"sContractID": SEED_CONTRACT, "sStatus": "approved", "sContractName": "X"}))
    assert (data["sContractID"], data["sStatus"], data["status"], data["signers"]) == (
        SEED_CONTRACT,
        "approved",
        "APPROVED",
        [],
    )


@pytest.mark.parametrize("status", STATUSES)
def test_each_seed_status_maps_to_itself(status):
    envelope = parse(callback_body(status=status))
    assert ok(envelope)["status"] == status and "warnings" not in envelope


@pytest.mark.parametrize("raw,expected", [("finished", "FINISHED"), (" Signed_Pending ", "SIGNED_PENDING")])
def test_statuses_are_matched_without_regard_to_case(raw, expected):
    data = ok(parse(callback_body(status=raw)))
    assert (data["status"], data["sStatus"]) == (expected, raw.strip())


@pytest.mark.parametrize("raw", ["firmado", "completed", "PAYOUT"])
def test_an_unknown_status_is_other_with_the_raw_value_kept(raw):
    envelope = parse(callback_body(status=raw))
    data = ok(envelope)
    assert (data["status"], data["sStatus"]) == ("OTHER", raw)
    assert [w["code"] for w in envelope["warnings"]] == ["STATUS_UNKNOWN"]
    assert raw in envelope["warnings"][0]["message"]


def test_a_callback_without_status_has_none():
    data = ok(parse({"contract": [{"sContractID": SEED_CONTRACT}]}))
    assert (data["sStatus"], data["status"]) == (None, None)


def test_several_contracts_are_read_first_with_a_warning():
    body = callback_body()
    body["contract"].append({"sContractID": str(uuid.uuid4()), "sStatus": "CREATED"})
    envelope = parse(body)
    assert ok(envelope)["sContractID"] == SEED_CONTRACT
    assert [w["code"] for w in envelope["warnings"]] == ["SEVERAL_CONTRACTS"]


@pytest.mark.parametrize(
    "body",
    [
        "",
        "not json",
        "[1, 2]",
        '{"contract": []}',
        '{"contract": [{"sStatus": "FINISHED"}]}',
        '{"contract": {"sContractID": ""}}',
        {"signers": []},
        '{"contract": "x"}',
    ],
)
def test_what_is_not_a_callback_is_refused(body):
    error = failed(parse(body), "validation", "CALLBACK_INVALID")
    assert error["field"] == "body"


@pytest.mark.parametrize(
    "request_json,code",
    [
        ({}, "MISSING_FIELD"),
        ({"body": None}, "MISSING_FIELD"),
        ({"body": 5}, "WRONG_TYPE"),
        ({"body": [1]}, "WRONG_TYPE"),
        ({"body": "{}", "signature": "x"}, "UNKNOWN_FIELD"),
        (b"{not json", "INVALID_JSON"),
        (None, "NULL_ARGUMENT"),
    ],
)
def test_bad_requests(request_json, code):
    assert call("fv_parse_callback", request_json)["error"]["code"] == code


# -- fv_confirm_callback -----------------------------------------------------------------------------


def test_a_callback_delivered_to_a_loopback_receiver_is_parsed_and_confirmed(sandbox, fv):
    with Receiver() as receiver:
        contract_id = express_with_callback(fv, receiver.url)
        delivery = sandbox.fv_advance(contract_id, "SIGNED_PENDING")["callback"]
        assert delivery["result"] == "delivered" and delivery["url"] == receiver.url
        [raw] = receiver.bodies
    parsed = ok(call("fv_parse_callback", {"body": raw.decode()}))
    assert (parsed["sContractID"], parsed["status"], parsed["sContractName"]) == (
        contract_id,
        "SIGNED_PENDING",
        "Prueba callback",
    )
    before = len(sandbox.requests())
    envelope = fv.call("confirm_callback", {"body": raw.decode()})
    data = ok(envelope)
    assert (data["sContractID"], data["sStatus"], data["status"], data["agrees"]) == (
        contract_id,
        "SIGNED_PENDING",
        "SIGNED_PENDING",
        True,
    )
    assert (data["sPaymentStatus"], data["paid"]) == ("PENDING", False)
    assert data["callback"] == parsed
    assert data["detail"]["contrato"][0]["sContractID"] == contract_id
    asked = sandbox.requests()[before:]
    assert [(r["method"], r["path"]) for r in asked] == [("GET", f"/api/v1/contract/detail/{contract_id}")]
    assert "warnings" not in envelope and envelope["meta"]["operation"] == "confirm_callback"


def test_the_last_callback_of_a_contract_confirms_it_finished_and_paid(sandbox, fv):
    with Receiver() as receiver:
        contract_id = express_with_callback(fv, receiver.url)
        sandbox.fv_shapes(callback_contract="object", detail_contrato="object")
        sandbox.fv_advance(contract_id, "FINISHED", sPaymentStatus="PAIDOUT")
        [raw] = receiver.bodies
    assert isinstance(json.loads(raw)["contract"], dict)
    data = ok(fv.call("confirm_callback", {"body": json.loads(raw)}))
    assert (data["status"], data["agrees"], data["paid"]) == ("FINISHED", True, True)
    assert isinstance(data["detail"]["contrato"], list)  # the object answer, read as the seed's array
    assert data["detail"]["firmantes"][0]["payment"] == "PAYOUT" and data["detail"]["firmantes"][0]["paid"] is True


def test_a_forged_callback_is_not_confirmed(sandbox, fv):
    envelope = fv.call("confirm_callback", {"body": json.dumps(callback_body(status="FINISHED"))})
    data = ok(envelope)
    assert (data["sStatus"], data["status"], data["agrees"]) == ("SIGNED_PENDING", "SIGNED_PENDING", False)
    assert data["callback"]["status"] == "FINISHED"
    [warning] = envelope["warnings"]
    assert warning["code"] == "CALLBACK_STATUS_DIFFERS" and "'SIGNED_PENDING'" in warning["message"]
    assert [r["path"] for r in sandbox.requests() if r["path"] != "/logindata"] == [DETAIL]


def test_a_callback_without_status_does_not_agree(sandbox, fv):
    data = ok(fv.call("confirm_callback", {"body": {"contract": {"sContractID": SEED_CONTRACT}}}))
    assert (data["status"], data["agrees"]) == ("SIGNED_PENDING", False)


def test_a_callback_for_an_unknown_contract(sandbox, fv):
    error = failed(
        fv.call("confirm_callback", {"body": callback_body(contract_id=str(uuid.uuid4()))}), "service", "FV_ERROR"
    )
    assert "Contract not found" in error["message"]


def test_nothing_is_asked_for_a_callback_that_is_not_one(sandbox, fv):
    for body, kind, code in (
        ("<xml/>", "validation", "CALLBACK_INVALID"),
        (callback_body(contract_id="42; DROP TABLE"), "validation", "CONTRACT_ID_INVALID"),
        (None, "invalid_argument", "MISSING_FIELD"),
    ):
        envelope = fv.call("confirm_callback", {"body": body})
        failed(envelope, kind, code)
        assert envelope["meta"]["attempts"] == 0
    assert sandbox.requests() == []


def test_a_detail_answer_that_is_not_firma_virtuals_is_a_protocol_error(sandbox, fv):
    sandbox.fault("status", status=200, body="json", prefix=DETAIL)  # {"status": 200, "error": "OK"}: no FV envelope
    failed(fv.call("confirm_callback", {"body": callback_body()}), "protocol", "INVALID_ANSWER")
