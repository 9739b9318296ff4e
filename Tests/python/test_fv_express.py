"""fv_create_contract_express through libsello.so against the sandbox (API.md, "Firma Virtual and
FES today"): the body as the sandbox received it, field by field, with the PDF's bytes round-tripping
through document.content_file; every local check refused with nothing sent; the contract id read
from every answer shape, and the warning when none carries it; never sent twice; a file that
changes size while it is sent."""

from __future__ import annotations

import base64
import ctypes
import hashlib
import json
import os
import pathlib
import time
from typing import Any

import pytest
from fv_support import failed, fv, ok  # noqa: F401  (fixtures, requested by name)
from sello_ffi import PROGRESS_FN, Client, lib
from sello_fixtures import EXPRESS_SIGNER
from sello_fixtures import FV_EXPRESS as EXPRESS
from sello_fixtures import SEEDED_CONTRACT as SEED_CONTRACT

SIGNER = EXPRESS_SIGNER


def pdf_file(folder: pathlib.Path, size: int = 5000, name: str = "contrato.pdf") -> pathlib.Path:
    """A file that starts like a PDF, its other bytes random (every base64 quantum occurs)."""
    path = folder / name
    head = b"%PDF-1.7\n"
    path.write_bytes(head + os.urandom(max(0, size - len(head))))
    return path


def request(path: pathlib.Path | None = None, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sOwnerType": "NATURAL",
        "iContractTypeFeeID": 49,
        "signers": [dict(SIGNER)],
        "sContractName": "Prueba Venta 39 - NO COBRAR",
    }
    if path is not None:
        body["file_path"] = str(path)
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}


def express_requests(sandbox) -> list[dict[str, Any]]:
    return [r for r in sandbox.requests() if r["path"] == EXPRESS]


def created(sandbox) -> list[str]:
    return [c for c in sandbox.state()["fv_contracts"] if c != SEED_CONTRACT]


# -- the body, field by field ---------------------------------------------------------------------


def test_the_body_field_by_field_and_the_pdf_round_trips(sandbox, fv, tmp_path):
    pdf = pdf_file(tmp_path, 100_001)  # not a multiple of 3: the last quantum is padded
    second = {
        **SIGNER,
        "full_name": "Ana Pérez",
        "email": "ana@example.cl",
        "rutId": "12345678-5",
        "phone": "+56 9 8765 4321",
        "rol": 3,
        "order": 2,
        "portion": "50",
        "type": "legal",
    }
    envelope = fv.call(
        "create_contract_express",
        request(
            pdf,
            signers=[{**SIGNER, "portion": "50"}, second],
            iSignedCount=2,
            callback="https://ejemplo.cl/webhook",
            iAgreementId=0,
            iPriceId=0,
            provider="lexgosign",
        ),
    )
    data = ok(envelope)
    [contract_id] = created(sandbox)
    assert data["sContractID"] == contract_id and data["sStatus"] == "CREATED"
    assert data["sContractName"] == "Prueba Venta 39 - NO COBRAR"
    assert "warnings" not in envelope
    assert (envelope["meta"]["http_status"], envelope["meta"]["service_code"], envelope["meta"]["attempts"]) == (
        201,
        201,
        2,
    )
    [sent] = express_requests(sandbox)
    assert sent["method"] == "POST" and sent["bearer"]
    assert sent["headers"]["content-type"] == "application/json"
    assert int(sent["headers"]["content-length"]) == sent["body_size"]
    assert "transfer-encoding" not in sent["headers"]
    body = json.loads(sent["body_text"])
    assert base64.b64decode(body["document"].pop("content_file"), validate=True) == pdf.read_bytes()
    assert body == {
        "sOwnerType": "NATURAL",
        "iContractTypeFeeID": 49,
        "iSignedCount": 2,
        "signers": [
            {
                "full_name": "Jose Cortesia",
                "email": "jose@firmavirtual.com",
                "rutId": "11111111-1",
                "phone": "+56912345678",
                "rol": 0,
                "order": 1,
                "type": "NATURAL",
                "portion": "50",
                "payment": "0.00",
            },
            {
                "full_name": "Ana Pérez",
                "email": "ana@example.cl",
                "rutId": "12345678-5",
                "phone": "+56987654321",
                "rol": 3,
                "order": 2,
                "type": "LEGAL",
                "portion": "50",
                "payment": "0.00",
            },
        ],
        "sContractName": "Prueba Venta 39 - NO COBRAR",
        "callback": "https://ejemplo.cl/webhook",
        "iAgreementId": 0,
        "iPriceId": 0,
        "provider": "LEXGOSIGN",
        "document": {},
    }
    assert list(body)[-1] == "document"  # last: the file is streamed between the JSON around it
    state = sandbox.state()["fv_contracts"][contract_id]
    assert state["files"][0]["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()


def test_content_base64_is_sent_as_canonical_base64(sandbox, fv):
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 3
    wrapped = "\n".join(base64.b64encode(pdf).decode()[i : i + 76] for i in range(0, 1100, 76))
    ok(fv.call("create_contract_express", request(content_base64=wrapped)))
    [sent] = express_requests(sandbox)
    content = json.loads(sent["body_text"])["document"]["content_file"]
    assert content == base64.b64encode(pdf).decode()
    assert fv.progress == [] or fv.progress[-1][0] == sent["body_size"]


def test_defaults_for_what_the_caller_leaves_out(sandbox, fv, tmp_path):
    signers = [
        {
            "full_name": "Jose Cortesia",
            "email": "jose@firmavirtual.com",
            "rutId": "11111111-1",
            "phone": "912345678",
            "portion": 100,
        },
        {"full_name": "Eva Rojas", "email": "eva@example.cl", "rutId": "22222222-2", "phone": "0987654321"},
    ]
    ok(fv.call("create_contract_express", request(pdf_file(tmp_path), signers=signers, sContractName=...)))
    body = json.loads(express_requests(sandbox)[0]["body_text"])
    assert body["iSignedCount"] == 2 and "sContractName" not in body and "callback" not in body
    assert [(s["rol"], s["order"], s["type"], s["portion"], s["payment"]) for s in body["signers"]] == [
        (0, 1, "NATURAL", "100", "0.00"),
        (0, 2, "NATURAL", "0", "0.00"),
    ]
    assert [s["phone"] for s in body["signers"]] == ["+56912345678", "+56987654321"]


def test_progress_reports_the_body_as_it_is_sent(sandbox, fv, tmp_path):
    ok(fv.call("create_contract_express", request(pdf_file(tmp_path, 600_000))))
    [sent] = express_requests(sandbox)
    assert fv.progress and fv.progress[-1] == (sent["body_size"], sent["body_size"])
    assert all(0 < done <= total for done, total in fv.progress)


def test_a_large_pdf_streams_and_arrives_whole(sandbox, fv, tmp_path):
    """8 MB, more than a request may carry inline (8 MiB): only file_path can send it."""
    pdf = pdf_file(tmp_path, 8 * 1024 * 1024 + 1)
    data = ok(fv.call("create_contract_express", request(pdf)))
    [sent] = express_requests(sandbox)
    [spill] = sent["spilled"]
    assert spill["base64_decoded"]["size"] == pdf.stat().st_size
    assert spill["base64_decoded"]["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert spill["chars"] == (pdf.stat().st_size + 2) // 3 * 4
    assert int(sent["headers"]["content-length"]) == sent["body_size"]
    assert data["sContractID"] in created(sandbox)


def test_an_unknown_provider_is_sent_with_a_warning(sandbox, fv, tmp_path):
    envelope = fv.call("create_contract_express", request(pdf_file(tmp_path), provider="OtroProveedor"))
    ok(envelope)
    assert [(w["code"], w["field"]) for w in envelope["warnings"]] == [("UNKNOWN_PROVIDER", "provider")]
    assert json.loads(express_requests(sandbox)[0]["body_text"])["provider"] == "OTROPROVEEDOR"


# -- local checks: nothing is sent ----------------------------------------------------------------


def signer(**changes: Any) -> list[dict[str, Any]]:
    return [{**SIGNER, **changes}]


LOCAL_CHECKS = [
    ({"sOwnerType": "EMPRESA"}, "sOwnerType", "validation", "OWNER_TYPE_INVALID"),
    ({"sOwnerType": ...}, "sOwnerType", "invalid_argument", "MISSING_FIELD"),
    ({"iContractTypeFeeID": 0}, "iContractTypeFeeID", "validation", "FEE_ID_INVALID"),
    ({"iContractTypeFeeID": "49"}, "iContractTypeFeeID", "invalid_argument", "WRONG_TYPE"),
    ({"iSignedCount": 2}, "iSignedCount", "validation", "SIGNED_COUNT_MISMATCH"),
    ({"signers": []}, "signers", "validation", "SIGNER_COUNT_INVALID"),
    (
        {"signers": [dict(SIGNER, rutId=f"{10_000_000 + i}-{'0'}") for i in range(11)]},
        "signers",
        "validation",
        "SIGNER_COUNT_INVALID",
    ),
    ({"signers": signer(rutId="11111111-2")}, "signers[0].rutId", "validation", "RUT_INVALIDO"),
    ({"signers": signer(email="jose@")}, "signers[0].email", "validation", "EMAIL_INVALID"),
    ({"signers": signer(phone="+58 412 7957852")}, "signers[0].phone", "validation", "PHONE_INVALID"),
    ({"signers": signer(phone="1234567")}, "signers[0].phone", "validation", "PHONE_INVALID"),
    ({"signers": signer(rol=1)}, "signers[0].rol", "validation", "ROL_INVALID"),
    ({"signers": signer(rol="0")}, "signers[0].rol", "invalid_argument", "WRONG_TYPE"),
    ({"signers": signer(order=0)}, "signers[0].order", "validation", "ORDER_INVALID"),
    ({"signers": signer(order=1.5)}, "signers[0].order", "invalid_argument", "WRONG_TYPE"),
    ({"signers": signer(portion="30")}, "signers[0].portion", "validation", "PORTION_INVALID"),
    ({"signers": signer(portion=0)}, "signers", "validation", "PORTIONS_INVALID"),
    ({"signers": signer(portion=50)}, "signers", "validation", "PORTIONS_INVALID"),
    (
        {
            "signers": [
                dict(SIGNER, portion=50),
                dict(SIGNER, rutId="12345678-5", portion=50),
                dict(SIGNER, rutId="76795561-8", portion=50),
            ],
            "iSignedCount": 3,
        },
        "signers",
        "validation",
        "PORTIONS_INVALID",
    ),
    (
        {"signers": [dict(SIGNER), dict(SIGNER, rutId="12345678-5", rol=3, portion=0)]},
        "signers[1].portion",
        "validation",
        "PORTIONS_INVALID",
    ),
    ({"signers": [dict(SIGNER), dict(SIGNER, portion=0)]}, "signers[1].rutId", "validation", "DUPLICATE_SIGNER"),
    ({"signers": signer(payment="1.00")}, "signers[0].payment", "validation", "PAYMENT_INVALID"),
    ({"signers": signer(type="EMPRESA")}, "signers[0].type", "validation", "SIGNER_TYPE_INVALID"),
    ({"signers": signer(extra=1)}, "signers[0].extra", "invalid_argument", "UNKNOWN_FIELD"),
    ({"signers": signer(full_name=" ")}, "signers[0].full_name", "validation", "EMPTY_FIELD"),
    ({"sContractName": "  "}, "sContractName", "validation", "EMPTY_FIELD"),
    ({"callback": "ftp://ejemplo.cl/x"}, "callback", "validation", "CALLBACK_INVALID"),
    ({"iAgreementId": -1}, "iAgreementId", "validation", "AGREEMENT_ID_INVALID"),
    ({"iPriceId": -1}, "iPriceId", "validation", "PRICE_ID_INVALID"),
    ({"provider": ""}, "provider", "validation", "EMPTY_FIELD"),
    ({"sPaymentStatus": "PAIDOUT"}, "sPaymentStatus", "invalid_argument", "UNKNOWN_FIELD"),
    ({"document": {"content_file": "JVBERi0="}}, "document", "invalid_argument", "UNKNOWN_FIELD"),
]


@pytest.mark.parametrize("change,field,kind,code", LOCAL_CHECKS, ids=[c[3] + ":" + c[1] for c in LOCAL_CHECKS])
def test_each_local_check_is_refused_with_nothing_sent(sandbox, fv, tmp_path, change, field, kind, code):
    envelope = fv.call("create_contract_express", request(pdf_file(tmp_path), **change))
    error = failed(envelope, kind, code)
    assert error["field"] == field
    assert envelope["meta"]["attempts"] == 0 and sandbox.requests() == []


def test_the_document_checks(sandbox, fv_config, tmp_path):
    not_pdf = tmp_path / "contrato.docx"
    not_pdf.write_bytes(b"PK\x03\x04" + b"0" * 100)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with Client("fv", {**fv_config, "max_upload_bytes": 4096}) as fv:
        cases = [
            (request(not_pdf), "validation", "NOT_A_PDF", "file_path"),
            (request(empty), "validation", "NOT_A_PDF", "file_path"),
            (request(pdf_file(tmp_path, 4097)), "validation", "FILE_TOO_LARGE", "file_path"),
            (request(tmp_path / "missing.pdf"), "io", "FILE_UNREADABLE", "file_path"),
            (request(tmp_path), "io", "FILE_UNREADABLE", "file_path"),
            (request(content_base64=base64.b64encode(b"GIF89a").decode()), "validation", "NOT_A_PDF", "content_base64"),
            (
                request(content_base64="data:application/pdf;base64,JVBERi0x"),
                "invalid_argument",
                "INVALID_BASE64",
                "content_base64",
            ),
            (
                request(content_base64=base64.b64encode(b"%PDF-" + b"0" * 4092).decode()),
                "validation",
                "FILE_TOO_LARGE",
                "content_base64",
            ),
            (
                request(pdf_file(tmp_path), content_base64="JVBERi0x"),
                "invalid_argument",
                "INVALID_ARGUMENT",
                "content_base64",
            ),
            (request(), "invalid_argument", "MISSING_FIELD", "file_path"),
        ]
        for body, kind, code, field in cases:
            envelope = fv.call("create_contract_express", body)
            assert failed(envelope, kind, code)["field"] == field
            assert envelope["meta"]["attempts"] == 0
    assert sandbox.requests() == []


# -- the contract id, wherever the answer puts it -----------------------------------------------------


@pytest.mark.parametrize("shape", ["seed", "message.contract", "message.contract[]", "top"])
@pytest.mark.parametrize("key", ["sContractID", "contractID", "contractId"])
def test_the_contract_id_is_read_from_each_answer_shape(sandbox, fv, tmp_path, shape, key):
    sandbox.fv_shapes(express=shape, express_id_key=key)
    envelope = fv.call("create_contract_express", request(pdf_file(tmp_path)))
    data = ok(envelope)
    assert data["sContractID"] == created(sandbox)[0]
    assert data["sStatus"] == "CREATED" and "warnings" not in envelope


@pytest.mark.parametrize("key", ["sContractID", "contractId"])
def test_an_answer_without_status_that_carries_the_id_is_ok_with_a_warning(sandbox, fv, tmp_path, key):
    # CHILE_2026 §1.3: GT expects {"sContractID", "sStatus"} at the top level; with no status the
    # answer was INVALID_ANSWER and the id of a created, billed contract was thrown away.
    sandbox.fv_shapes(express="bare", express_id_key=key)
    envelope = fv.call("create_contract_express", request(pdf_file(tmp_path), sContractName="corr-123"))
    data = ok(envelope)
    [contract_id] = created(sandbox)
    assert data == {"sContractID": contract_id, "sStatus": "CREATED", "sContractName": "corr-123", "message": None}
    [warning] = envelope["warnings"]
    assert (warning["kind"], warning["code"]) == ("protocol", "STATUS_MISSING")
    assert contract_id in warning["message"] and "status" in warning["message"]
    assert envelope["meta"]["http_status"] == 201 and envelope["meta"]["attempts"] == 2  # login, create
    assert len(sandbox.requests(EXPRESS)) == 1


def express_against(answer_body: dict[str, Any], tmp_path: pathlib.Path) -> dict[str, Any]:
    """fv_create_contract_express against a stand-in that answers it with `answer_body` (HTTP 201)."""
    from hostile import Hostile, answer

    jwt = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"

    def handle(received):
        if received.path == "/logindata":
            return answer(
                200,
                json.dumps({"code": 200, "status": "success", "message": {"Authorization": "Bearer " + jwt}}).encode(),
            )
        return answer(201, json.dumps(answer_body).encode())

    with (
        Hostile(handle) as server,
        Client("fv", {"base_url": server.url, "login": "userapp", "password": "OnePass"}) as client,
    ):
        return client.call("create_contract_express", request(pdf_file(tmp_path)))


def test_request_id_and_url_beside_the_answer_are_kept(tmp_path):
    # CHILE_2026 §1.4 (a hint from TTX's comments): an answer may carry request_id and a signing url.
    contract = {"sContractID": "1dd3f8d0-4b0e-4c9c-9a39-4d7c2a3e9b10", "sStatus": "CREATED"}
    body = {
        "code": 201,
        "status": "success",
        "message": {"contract": contract},
        "request_id": "a1b2c3",
        "url": "https://api.firmavirtual.legal/firmar/a1b2c3",
    }
    data = ok(express_against(body, tmp_path))
    assert data["sContractID"] == contract["sContractID"]
    assert (data["request_id"], data["url"]) == ("a1b2c3", "https://api.firmavirtual.legal/firmar/a1b2c3")
    # absent, they are absent; a value of another type is not taken for them
    data = ok(express_against({"code": 201, "status": "success", "message": {"contract": contract}}, tmp_path))
    assert "request_id" not in data and "url" not in data
    data = ok(express_against({**body, "request_id": 77, "url": {"x": 1}}, tmp_path))
    assert data["request_id"] == 77 and "url" not in data


def test_an_answer_without_the_id_is_ok_with_a_warning_naming_the_contract(sandbox, fv, tmp_path):
    sandbox.fv_shapes(express="none")
    envelope = fv.call("create_contract_express", request(pdf_file(tmp_path), sContractName="Venta 77 · token a1b2"))
    data = ok(envelope)
    assert data == {
        "sContractID": None,
        "sStatus": None,
        "sContractName": "Venta 77 · token a1b2",
        "message": {"msg": "Contrato creado"},
    }
    [warning] = envelope["warnings"]
    assert (warning["kind"], warning["code"], warning["field"]) == ("protocol", "CONTRACT_ID_MISSING", "sContractName")
    assert "'Venta 77 · token a1b2'" in warning["message"] and "do not create it again" in warning["message"]
    assert len(created(sandbox)) == 1  # it exists: the warning says so
    names = [c.get("sContractName") for c in ok(fv.call("list_owner_contracts", {"IDOwner": 1}))]
    assert "Venta 77 · token a1b2" in names  # where the warning says to look


def test_without_a_name_the_warning_says_how_to_find_it(sandbox, fv, tmp_path):
    sandbox.fv_shapes(express="none")
    envelope = fv.call("create_contract_express", request(pdf_file(tmp_path), sContractName=...))
    [warning] = envelope["warnings"]
    assert warning["code"] == "CONTRACT_ID_MISSING" and "no sContractName was given" in warning["message"]


# -- never sent twice -----------------------------------------------------------------------------


def test_never_sent_twice_once_it_may_have_arrived(sandbox, fv, tmp_path):
    ok(fv.call("login", {}))
    sandbox.fault("reset", process=True, prefix=EXPRESS)
    envelope = fv.call("create_contract_express", request(pdf_file(tmp_path, 300_000)))
    error = failed(envelope, "transport", "CONNECTION_LOST")
    assert error["retryable"] is False and "may have been created" in error["message"]
    assert envelope["meta"]["attempts"] == 1 and len(express_requests(sandbox)) == 1
    assert len(created(sandbox)) == 1  # it did take effect: that is why it was not repeated


def test_an_unreadable_ok_answer_says_the_contract_may_have_been_created(sandbox, fv, tmp_path):
    ok(fv.call("login", {}))
    sandbox.fault("status", status=200, body="html", process=True, prefix=EXPRESS)
    envelope = fv.call("create_contract_express", request(pdf_file(tmp_path)))
    error = failed(envelope, "protocol", "INVALID_ANSWER")
    assert error["retryable"] is False and "the contract may have been created" in error["message"], error
    assert len(express_requests(sandbox)) == 1 and len(created(sandbox)) == 1


def test_a_timeout_after_sending_is_not_repeated(sandbox, fv_config, tmp_path):
    sandbox.fault("delay", ms=3000, prefix=EXPRESS)
    with Client("fv", {**fv_config, "timeout_ms": 800}) as fv:
        ok(fv.call("login", {}))
        envelope = fv.call("create_contract_express", request(pdf_file(tmp_path)))
    error = failed(envelope, "timeout", "TIMEOUT")
    assert error["retryable"] is False
    assert "fv_list_owner_contracts shows whether the contract was created" in error["message"], error
    assert len(express_requests(sandbox)) == 1


def test_a_refused_token_is_renewed_and_the_call_made_once_more(sandbox, fv, tmp_path):
    """The service refused the token with the seed's own answer (400 "error"), so it did not
    act: the one repetition is safe."""
    ok(fv.call("login", {}))
    sandbox.fv_invalidate_tokens()
    data = ok(fv.call("create_contract_express", request(pdf_file(tmp_path, 70_000))))
    sent = express_requests(sandbox)
    assert len(sent) == 2 and created(sandbox) == [data["sContractID"]]


def test_a_token_refused_with_http_401_is_renewed_and_the_call_made_once_more(sandbox, fv, tmp_path):
    """HTTP 401: the service refused the token, so it did not act: the one repetition is safe."""
    ok(fv.call("login", {}))
    sandbox.fault("status", status=401, body="html", prefix=EXPRESS)
    data = ok(fv.call("create_contract_express", request(pdf_file(tmp_path, 70_000))))
    sent = express_requests(sandbox)
    assert len(sent) == 2
    assert [r["path"] for r in sandbox.requests()] == ["/logindata", EXPRESS, "/logindata", EXPRESS]
    assert sent[0]["body_sha256"] == sent[1]["body_sha256"]  # the same body, streamed again
    assert created(sandbox) == [data["sContractID"]]


# -- a file that changes while it is sent -----------------------------------------------------------


@pytest.mark.parametrize("change", ["shrink", "grow"])
def test_a_file_that_changes_size_while_it_is_sent_fails_as_io(sandbox, fv_config, tmp_path, change):
    pdf = pdf_file(tmp_path, 4 * 1024 * 1024)
    changed = []

    def on_progress(_user_data, done, _total):
        if done > 0 and not changed:  # the body has started: change the file under it
            changed.append(done)
            if change == "shrink":
                os.truncate(pdf, 1024 * 1024)
            else:
                with pdf.open("ab") as more:
                    more.write(b"0" * 1000)

    with Client("fv", {**fv_config, "timeout_ms": 30_000}) as fv:
        callback = PROGRESS_FN(on_progress)
        set_progress = lib.fv_client_set_progress
        set_progress.argtypes = [ctypes.c_void_p, PROGRESS_FN, ctypes.c_void_p]
        set_progress(fv.handle, callback, None)
        ok(fv.call("login", {}))
        started = time.monotonic()
        envelope = fv.call("create_contract_express", request(pdf))
        elapsed = time.monotonic() - started
    error = failed(envelope, "io", "FILE_CHANGED")
    assert error["field"] == "file_path" and error["retryable"] is False
    assert ("shrank" if change == "shrink" else "grew") in error["message"]
    assert changed and elapsed < 15  # stopped at once, long before the 30 s timeout
    assert created(sandbox) == []  # the service never got a whole request
