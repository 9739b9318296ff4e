"""Firma Virtual (WSFV, seed 001) through libsello.so against the sandbox: every operation's
request as the sandbox received it, the token's life, the answer shapes, local validation and
secrets."""

from __future__ import annotations

import base64
import calendar
import ctypes
import hashlib
import json
import pathlib
import re
import threading
import time
from typing import Any, Callable

import pytest
from fv_support import calls, failed, fv, logins, ok  # noqa: F401  (fixtures, requested by name)
from sello_ffi import PROGRESS_FN, Client, all_text, assert_no_secrets, lib
from sello_fixtures import FV_SIGNER as SIGNER
from sello_fixtures import FV_USER
from sello_fixtures import FV_USER_EMAIL as USER_EMAIL
from sello_fixtures import SEEDED_CONTRACT as SEED_CONTRACT

LOGIN, PASSWORD = FV_USER["login"], FV_USER["password"]
CONTRACT = {
    "sOwnerType": "NATURAL",
    "sPaymentStatus": "PENDING",
    "iPaymentService": 1,
    "iContractTypeFeeID": 28,
    "iSignedCount": 1,
    "callback": "https://ejemplo.com/webhook",
    "signers": [SIGNER],
}


# -- fixtures and helpers ---------------------------------------------------------------------


def only_call(sandbox) -> dict[str, Any]:
    found = calls(sandbox)
    assert len(found) == 1, [(r["method"], r["path"]) for r in found]
    return found[0]


def tokens_seen(sandbox) -> list[str]:
    return sorted({r["bearer"] for r in sandbox.requests() if r["bearer"]})


def pdf_bytes(size: int = 2048, text: str = "sello") -> bytes:
    head = b"%PDF-1.4\n% " + text.encode() + b"\n"
    tail = b"\n%%EOF\n"
    return head + b"0" * max(0, size - len(head) - len(tail)) + tail


def write_pdf(directory: pathlib.Path, size: int = 2048, name: str = "doc.pdf") -> pathlib.Path:
    path = directory / name
    path.write_bytes(pdf_bytes(size))
    return path


def new_contract(fv: Client, **changes: Any) -> str:
    data = ok(fv.call("create_contract", {**CONTRACT, **changes}))
    return data[0]["sContractID"]


def upload(fv: Client, contract_id: str, path: pathlib.Path) -> dict[str, Any]:
    return fv.call("upload_document", {"contractID": contract_id, "file_path": str(path)})


# -- the client ---------------------------------------------------------------------------------


def test_client_needs_login_and_password(sandbox):
    for config in (
        {"base_url": sandbox.fv_url, "login": LOGIN},
        {"base_url": sandbox.fv_url, "login": LOGIN, "password": ""},
    ):
        client = Client("fv", config)
        assert client.handle is None
        assert client.error["error"]["code"] == "MISSING_CREDENTIAL"
        assert client.error["error"]["field"] == "password"


@pytest.mark.parametrize("value", [0, -5, "big", 1.5])
def test_client_refuses_a_bad_max_upload_bytes(sandbox, value):
    client = Client("fv", {"base_url": sandbox.fv_url, "login": LOGIN, "password": PASSWORD, "max_upload_bytes": value})
    assert client.handle is None
    assert client.error["error"]["kind"] == "invalid_argument"
    assert client.error["error"]["field"] == "max_upload_bytes"


def test_null_client_and_bad_json_are_envelopes(sandbox, fv):
    import ctypes

    from sello_ffi import lib, take

    function = lib.fv_get_user
    function.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    function.restype = ctypes.c_void_p
    assert take(function(None, b'{"IDUser": 1}'))["error"]["code"] == "NULL_CLIENT"
    assert fv.call("get_user", b"{not json")["error"]["code"] == "INVALID_JSON"
    assert fv.call("get_user", {"IDUser": 1, "extra": 2})["error"]["code"] == "UNKNOWN_FIELD"
    assert fv.call("get_user", {"IDUser": [1]})["error"]["code"] == "WRONG_TYPE"
    assert sandbox.requests() == []


# -- the 20 operations, as the sandbox received them ----------------------------------------------


def test_login(sandbox, fv):
    before = time.time()
    envelope = fv.call("login", {})
    data = ok(envelope)
    assert data["authorized"] is True and set(data) == {"authorized", "expires_at"}
    [request] = sandbox.requests()
    assert (request["method"], request["path"], request["json"]) == (
        "POST",
        "/logindata",
        {"login": LOGIN, "password": PASSWORD},
    )
    assert request["bearer"] is None
    assert request["headers"]["content-type"] == "application/json"
    assert envelope["meta"]["service_code"] == 200 and envelope["meta"]["attempts"] == 1
    # expires_at is the token's exp claim (the sandbox's default life is one hour).
    expires = calendar.timegm(time.strptime(data["expires_at"], "%Y-%m-%dT%H:%M:%SZ"))
    assert before + 3500 < expires < time.time() + 3700
    ok(fv.call("get_contract", {"IDContract": SEED_CONTRACT}))
    assert logins(sandbox) == 1  # the token of fv_login is the one used
    token = tokens_seen(sandbox)[0]
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert data["expires_at"] == time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(claims["exp"]))
    assert_no_secrets([PASSWORD, token], [envelope], fv.logs)


def test_login_refuses_fields(sandbox, fv):
    failed(fv.call("login", {"login": "other"}), "invalid_argument", "UNKNOWN_FIELD")
    assert sandbox.requests() == []


def test_get_user(sandbox, fv):
    envelope = fv.call("get_user", {"IDUser": 1})
    assert ok(envelope)["iUserID"] == 1 and ok(envelope)["sLogin"] == LOGIN
    request = only_call(sandbox)
    assert (request["method"], request["path"], request["body_size"]) == ("GET", "/api/v1/userapp/1", 0)
    assert request["bearer"] and request["headers"]["accept"] == "application/json"
    assert envelope["meta"]["service_code"] == 200 and envelope["meta"]["attempts"] == 2  # login + the call
    ok(fv.call("get_user", {"IDUser": "1"}))  # an id as a string of digits


def test_create_user_without_token(sandbox, fv):
    request_body = {
        "iProfileID": 0,
        "sRUT": "11111111-1",
        "sFirstName": "Jose",
        "sLastName": "Cortesia",
        "sEmail": "contacto@josecortesia.cl",
        "sPhone": "+56978570242",
        "sLogin": "cortesia",
        "sPassword": "1234567890*",
        "sComments": "Inversión y Propiedades",
        "sUserType": "LEGAL",
    }
    envelope = fv.call("create_user", request_body)
    data = ok(envelope)
    assert data["iUserID"] == 2 and data["sPassword"] == "!--SECRET--!"
    assert envelope["meta"]["service_code"] == 201 and envelope["meta"]["http_status"] == 201
    [request] = sandbox.requests()  # no login: CreateUserApp takes no token
    assert (request["method"], request["path"], request["bearer"]) == ("POST", "/api/v1/userapp", None)
    assert request["json"] == request_body
    assert list(request["json"]) == list(request_body)  # the seed's order
    assert_no_secrets(["1234567890*", PASSWORD], [envelope], fv.logs)


def test_update_user(sandbox, fv):
    envelope = fv.call(
        "update_user", {"IDUser": 1, "sFirstName": "oriana aas", "sLastName": "arteaga aae", "sPhone": "584267957852"}
    )
    data = ok(envelope)
    assert (data["sFirstName"], data["sLastName"], data["sPhone"]) == ("oriana aas", "arteaga aae", "584267957852")
    request = only_call(sandbox)
    assert (request["method"], request["path"]) == ("PUT", "/api/v1/userapp/1")
    assert request["json"] == {"sFirstName": "oriana aas", "sLastName": "arteaga aae", "sPhone": "584267957852"}
    ok(fv.call("update_user", {"IDUser": 1, "sPhone": "+56911112222"}))
    assert calls(sandbox)[-1]["json"] == {"sPhone": "+56911112222"}


def test_update_user_accepts_only_names_and_phone(sandbox, fv):
    for field in ("sEmail", "sLogin", "sPassword", "sRUT", "iProfileID"):
        error = failed(fv.call("update_user", {"IDUser": 1, field: "x"}), "invalid_argument", "UNKNOWN_FIELD")
        assert error["field"] == field
    failed(fv.call("update_user", {"IDUser": 1}), "invalid_argument", "MISSING_FIELD")
    assert sandbox.requests() == []


def test_reset_and_new_password(sandbox, fv_config, fv):
    envelope = fv.call("reset_password", {"login": USER_EMAIL})
    assert ok(envelope)["info"].startswith("Fue enviado a su email la clave temporal")
    [request] = sandbox.requests()
    assert (request["method"], request["path"], request["json"], request["bearer"]) == (
        "POST",
        "/pwd/reset",
        {"login": USER_EMAIL},
        None,
    )
    code = sandbox.fv_reset_code(USER_EMAIL)
    envelope = fv.call("new_password", {"login": USER_EMAIL, "password": code, "new_password": "121111234"})
    assert ok(envelope) == "Password updated"
    request = sandbox.requests()[-1]
    assert (request["method"], request["path"], request["bearer"]) == ("POST", "/pwd/reset", None)
    assert request["json"] == {"login": USER_EMAIL, "password": code, "new_password": "121111234"}
    assert logins(sandbox) == 0
    with Client("fv", {**fv_config, "password": "121111234"}) as other:
        ok(other.call("login", {}))
    assert_no_secrets([code, "121111234"], [envelope], fv.logs)


def test_new_password_code_may_be_a_number(sandbox, fv):
    ok(fv.call("reset_password", {"login": USER_EMAIL}))
    code = int(sandbox.fv_reset_code(USER_EMAIL))
    ok(fv.call("new_password", {"login": USER_EMAIL, "password": code, "new_password": "otra-clave-9"}))
    assert sandbox.requests()[-1]["json"]["password"] == code


def test_new_password_code_is_a_secret_as_sent(sandbox, fv):
    # The code is sent trimmed: the trimmed code is the secret masked (review), and a code too
    # short to be masked is refused before anything is sent, as every secret is.
    for short in ["482", 482, " 48 "]:
        envelope = fv.call("new_password", {"login": USER_EMAIL, "password": short, "new_password": "otra-clave-9"})
        assert envelope["error"]["code"] == "SECRET_TOO_SHORT" and envelope["error"]["field"] == "password", envelope
    assert sandbox.requests() == []
    from hostile import Hostile, answer

    echo = b'{"code": 400, "status": "error", "message": "code 48213977 invalid"}'
    with Hostile(lambda request: answer(400, echo)) as server:
        with Client("fv", {"base_url": server.url, "login": "userapp", "password": "OnePass"}) as client:
            envelope = client.call(
                "new_password", {"login": USER_EMAIL, "password": "48213977\t", "new_password": "otra-clave-9"}
            )
    assert envelope["ok"] is False and "48213977" not in json.dumps(envelope), envelope


@pytest.mark.parametrize(
    "spelled", ["One&#80;ass", "One&#x50;ass", "One%50ass", "OnePass"], ids=["decimal", "hex", "percent", "plain"]
)
def test_a_success_message_echoing_the_password_escaped_is_masked(spelled: str) -> None:
    """A success payload's strings are masked by the envelope's one look for secrets, in every
    form. Firma Virtual's answer reader used to search each string for each secret first, with
    Swift's generic `String.contains`: seconds for a large answer with a long token (audit of
    2026-12-08; benchmarks/fv_large_answer.py). That search is gone: this is what it guarded."""
    from hostile import Hostile, answer

    body = ('{"code": 200, "status": "success", "message": "clave %s enviada a a@b.cl"}' % spelled).encode()
    with Hostile(lambda _request: answer(200, body)) as server:
        with Client("fv", {"base_url": server.url, "login": "userapp", "password": "OnePass"}) as client:
            envelope = client.call("reset_password", {"login": "a@b.cl"})
    assert envelope["ok"] is True, envelope
    assert spelled not in json.dumps(envelope) and "***" in json.dumps(envelope["data"]), envelope


def test_get_contract(sandbox, fv):
    envelope = fv.call("get_contract", {"IDContract": SEED_CONTRACT})
    data = ok(envelope)
    assert data["sContractID"] == SEED_CONTRACT and data["dContractDT"] == "2021-12-10 05:28:54"
    request = only_call(sandbox)
    assert (request["method"], request["path"], request["body_size"]) == ("GET", f"/api/v1/contract/{SEED_CONTRACT}", 0)


def test_create_contract(sandbox, fv):
    envelope = fv.call("create_contract", CONTRACT)
    contract, signers = ok(envelope)
    assert contract["sStatus"] == "CREATED" and contract["dContractDT"]["timezone"] == "UTC"
    assert signers[0]["rutId"] == "11111111-1" and signers[0]["total"] == "14490.00"
    assert envelope["meta"]["service_code"] == 201
    request = only_call(sandbox)
    assert (request["method"], request["path"]) == ("POST", "/api/v1/contract/create-contract")
    assert request["json"] == CONTRACT  # exactly the seed's body
    assert contract["sContractID"] in sandbox.state()["fv_contracts"]


def test_create_contract_fills_the_seeds_defaults(sandbox, fv):
    signers = [
        {
            "full_name": "Ana Pérez",
            "email": "ana@example.cl",
            "rutId": "12.345.678-5",
            "phone": "+56911112222",
            "type": "legal",
            "portion": 50,
        },
        {
            "full_name": "Juan Soto",
            "email": "juan@example.cl",
            "rutId": "76795561-8",
            "phone": "873320311",
            "type": "NATURAL",
            "portion": "50.00",
        },
        {
            "full_name": "Eva Rojas",
            "email": "eva@example.cl",
            "rutId": "22222222-2",
            "phone": "873320312",
            "type": "NATURAL",
        },
    ]
    ok(
        fv.call(
            "create_contract",
            {"sOwnerType": "natural", "iContractTypeFeeID": 80, "iSignedCount": 3, "signers": signers},
        )
    )
    sent = only_call(sandbox)["json"]
    assert sent["sOwnerType"] == "NATURAL" and sent["sPaymentStatus"] == "PENDING" and sent["iPaymentService"] == 0
    assert "callback" not in sent
    assert [s["rutId"] for s in sent["signers"]] == ["12345678-5", "76795561-8", "22222222-2"]
    assert [s["type"] for s in sent["signers"]] == ["LEGAL", "NATURAL", "NATURAL"]
    assert [s["portion"] for s in sent["signers"]] == [50, "50", 0]
    assert {s["payment"] for s in sent["signers"]} == {"0.00"}


@pytest.mark.parametrize(
    "qtype,qvalue,path",
    [
        ("ALL", 0, "/api/v1/contract-type/ALL/0"),
        ("ALL", None, "/api/v1/contract-type/ALL/0"),
        ("TYPE", "REAL_ESTATE", "/api/v1/contract-type/TYPE/REAL_ESTATE"),
        ("CONTRACT-TYPE", "vehicle", "/api/v1/contract-type/CONTRACT-TYPE/VEHICLE"),
        ("modal", "SIGNATURE_CERT_NOTARIAL", "/api/v1/contract-type/MODAL/SIGNATURE_CERT_NOTARIAL"),
        ("ID", 26, "/api/v1/contract-type/ID/26"),
        ("FEE", "117", "/api/v1/contract-type/FEE/117"),
    ],
)
def test_list_contract_types(sandbox, fv, qtype, qvalue, path):
    request = {"QTYPE": qtype} if qvalue is None else {"QTYPE": qtype, "QVALUE": qvalue}
    data = ok(fv.call("list_contract_types", request))
    assert isinstance(data, list) and data
    assert set(data[0]) == {
        "iContractTypeID",
        "sContractType",
        "sContractTypeName",
        "iContractTypeFeeID",
        "sModal",
        "iSignCount",
        "fAmount",
    }
    sent = only_call(sandbox)
    assert (sent["method"], sent["path"]) == ("GET", path)


@pytest.mark.parametrize("qtype,qvalue", [("FEE", 118), ("ID", 27), ("FEE", "1000")])
def test_contract_type_and_fee_ids_beyond_the_seeds_tables_are_asked(sandbox, fv, qtype, qvalue):
    # The ids depend on the account's plan (CHILE_2026 §1.3): the sandbox's account has the seed's
    # 26 types and 117 fees, and answers the others with its VALIDATION-FAIL.
    failed(fv.call("list_contract_types", {"QTYPE": qtype, "QVALUE": qvalue}), "service", "VALIDATION_FAIL")
    assert only_call(sandbox)["path"] == f"/api/v1/contract-type/{qtype}/{qvalue}"


def test_a_fee_id_beyond_the_seeds_table_is_sent(sandbox, fv):
    envelope = fv.call("create_contract", {**CONTRACT, "iContractTypeFeeID": 118})
    assert envelope["meta"]["attempts"] >= 1 and envelope.get("error", {}).get("field") != "iContractTypeFeeID"
    assert only_call(sandbox)["json"]["iContractTypeFeeID"] == 118


def test_list_owner_contracts(sandbox, fv):
    data = ok(fv.call("list_owner_contracts", {"IDOwner": 1}))
    assert [c["sContractID"] for c in data] == [SEED_CONTRACT]
    assert (only_call(sandbox)["method"], only_call(sandbox)["path"]) == ("GET", "/api/v1/contract/owner/1")
    assert ok(fv.call("list_owner_contracts", {"IDOwner": 99})) == []


def test_get_contract_detail(sandbox, fv):
    data = ok(fv.call("get_contract_detail", {"ContractID": SEED_CONTRACT}))
    assert set(data) == {"contrato", "firmantes", "archivos"}
    assert data["contrato"][0]["sContractID"] == SEED_CONTRACT
    request = only_call(sandbox)
    assert (request["method"], request["path"]) == ("GET", f"/api/v1/contract/detail/{SEED_CONTRACT}")


def test_delete_contract_is_a_post(sandbox, fv):
    envelope = fv.call("delete_contract", {"IDContract": SEED_CONTRACT})
    assert ok(envelope) == {}
    assert envelope["meta"]["service_code"] == 204 and envelope["meta"]["http_status"] == 200
    request = only_call(sandbox)
    assert (request["method"], request["path"], request["body_size"]) == (
        "POST",
        f"/api/v1/contract/{SEED_CONTRACT}",
        0,
    )
    gone = failed(fv.call("get_contract", {"IDContract": SEED_CONTRACT}), "service", "FV_ERROR")
    assert "Contract not found" in gone["message"]


def test_delete_contract_answered_with_a_bodyless_http_204(sandbox, fv):
    # A server that mirrors the seed's body code 204 as the HTTP status sends no body: the
    # contract is deleted, and that is the success the 200 answer gives (sandbox README).
    sandbox.fv_shapes(delete="http204")
    envelope = fv.call("delete_contract", {"IDContract": SEED_CONTRACT})
    assert ok(envelope) == {} and "warnings" not in envelope
    assert envelope["meta"]["http_status"] == 204 and "service_code" not in envelope["meta"]
    gone = failed(fv.call("get_contract", {"IDContract": SEED_CONTRACT}), "service", "FV_ERROR")
    assert "Contract not found" in gone["message"]


def test_upload_document_from_a_file(sandbox, fv, tmp_path):
    path = write_pdf(tmp_path, 100_000)
    envelope = upload(fv, SEED_CONTRACT, path)
    assert ok(envelope) == {}
    request = only_call(sandbox)
    assert (request["method"], request["path"]) == ("POST", "/api/v1/upfile")
    assert request["headers"]["content-type"].startswith("multipart/form-data; boundary=")
    [part] = request["multipart"]
    assert part["name"] == "file" and part["filename"] == f"{SEED_CONTRACT}.pdf"
    assert part["content_type"] == "application/pdf"
    assert part["size"] == 100_000 and part["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert part["head"].startswith("%PDF-")
    files = sandbox.state()["fv_contracts"][SEED_CONTRACT]["files"]
    assert len(files) == 1 and files[0]["size"] == 100_000


def test_upload_document_from_base64(sandbox, fv):
    content = pdf_bytes(3000)
    ok(fv.call("upload_document", {"contractID": SEED_CONTRACT, "content_base64": base64.b64encode(content).decode()}))
    [part] = only_call(sandbox)["multipart"]
    assert (part["name"], part["filename"], part["size"]) == ("file", f"{SEED_CONTRACT}.pdf", 3000)
    assert part["sha256"] == hashlib.sha256(content).hexdigest()


def test_list_files(sandbox, fv, tmp_path):
    assert ok(fv.call("list_files", {"ContractID": SEED_CONTRACT})) == []
    request = only_call(sandbox)
    assert (request["method"], request["path"]) == ("GET", f"/api/v1/filelist/{SEED_CONTRACT}")
    ok(upload(fv, SEED_CONTRACT, write_pdf(tmp_path)))
    [listed] = ok(fv.call("list_files", {"ContractID": SEED_CONTRACT}))
    assert listed["contractID"] == SEED_CONTRACT and listed["document"].startswith(SEED_CONTRACT + "_")


def test_sort_files(sandbox, fv, tmp_path):
    for index in range(3):
        ok(upload(fv, SEED_CONTRACT, write_pdf(tmp_path, name=f"d{index}.pdf")))
    documents = [f["document"] for f in ok(fv.call("list_files", {"ContractID": SEED_CONTRACT}))]
    order = [
        {"document": documents[0], "ind": 2, "action": "CHANGE"},
        {"document": documents[1], "ind": 0, "action": "change"},
        {"document": documents[2], "ind": 1, "action": "REMOVE"},
    ]
    envelope = fv.call("sort_files", {"contractID": SEED_CONTRACT, "file_order": order})
    assert [f["document"] for f in ok(envelope)] == [documents[1], documents[0]]
    assert envelope["meta"]["service_code"] == 207
    request = calls(sandbox)[-1]
    assert (request["method"], request["path"]) == ("POST", "/api/v1/sortfiles")
    assert request["json"] == {
        "contractID": SEED_CONTRACT,
        "file_order": [
            {"document": documents[0], "ind": 2, "action": "CHANGE"},
            {"document": documents[1], "ind": 0, "action": "CHANGE"},
            {"document": documents[2], "ind": 1, "action": "REMOVE"},
        ],
    }


def test_merge_files(sandbox, fv, tmp_path):
    ok(upload(fv, SEED_CONTRACT, write_pdf(tmp_path)))
    envelope = fv.call("merge_files", {"ContractID": SEED_CONTRACT})
    assert ok(envelope) == {} and envelope["meta"]["service_code"] == 207
    request = calls(sandbox)[-1]
    assert (request["method"], request["path"], request["body_size"]) == (
        "POST",
        f"/api/v1/contract/merge/{SEED_CONTRACT}",
        0,
    )


def test_send_contract(sandbox, fv):
    envelope = fv.call("send_contract", {"IDContract": SEED_CONTRACT})
    data = ok(envelope)
    assert data["msg"] == f"email-doc: {SEED_CONTRACT}" and data["ok_count"] == 1 and data["fail_count"] == 0
    assert data["info_detail"][0]["info_mail"]["tok"]["st_down"] == {"status": "sucess", "result": None}
    assert "warnings" not in envelope  # every mail sent
    request = only_call(sandbox)
    assert (request["method"], request["path"], request["body_size"]) == (
        "POST",
        f"/api/v1/contract/send/draft/{SEED_CONTRACT}",
        0,
    )


def test_a_partial_send_is_ok_with_a_warning_naming_the_mails_not_sent():
    # The seed's SendContract answer counts the mails: ok_count, fail_count, and each signer's
    # status_mail. The sandbox sends every mail, so a stand-in answers with one failed.
    from hostile import Hostile, answer

    jwt = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
    tok = "0031a25e7fc91a2b3c4d5e6f"
    report = {
        "msg": f"email-doc: {SEED_CONTRACT}",
        "ok_count": 1,
        "fail_count": 1,
        "info_detail": [
            {
                "full_name": "A",
                "email": "a@x.cl",
                "status_mail": "success",
                "info_mail": {"info": "ok", "tok": {"download": tok}},
            },
            {"full_name": "B", "email": "b@x.cl", "status_mail": "error", "info_mail": {"info": "Correo no enviado"}},
        ],
    }

    def handle(received):
        if received.path == "/logindata":
            return answer(
                200,
                json.dumps({"code": 200, "status": "success", "message": {"Authorization": "Bearer " + jwt}}).encode(),
            )
        return answer(207, json.dumps({"code": 207, "status": "success", "message": report}).encode())

    with (
        Hostile(handle) as server,
        Client("fv", {"base_url": server.url, "login": "userapp", "password": "OnePass"}) as client,
    ):
        envelope = client.call("send_contract", {"IDContract": SEED_CONTRACT})
    assert ok(envelope) == report
    [warning] = envelope["warnings"]
    assert (warning["kind"], warning["code"]) == ("service", "MAIL_NOT_SENT")
    assert "1 of 2" in warning["message"] and "b@x.cl (Correo no enviado)" in warning["message"]
    assert "a@x.cl" not in warning["message"] and tok not in warning["message"]


def test_signers(sandbox, fv):
    signer = {
        "contractID": SEED_CONTRACT,
        "full_name": "Andri Marin",
        "email": "andri.marin@gmail.com",
        "rutId": "14666666-3",
        "phone": "961420311",
    }
    assert ok(fv.call("create_signer", signer)) == {}
    changed = {**signer, "full_name": "Jose G. Cortesia R.", "email": "contacto@gmail.com", "phone": "930139020"}
    assert ok(fv.call("update_signer", changed)) == {}
    envelope = fv.call("delete_signer", {"contractID": SEED_CONTRACT, "rutId": "14.666.666-3"})
    assert ok(envelope) == {} and envelope["meta"]["service_code"] == 207
    sent = [(r["method"], r["path"], r["json"]) for r in calls(sandbox)]
    assert sent == [
        ("POST", "/api/v1/signer/new", signer),
        ("POST", "/api/v1/signer/upd", changed),
        ("POST", "/api/v1/signer/del", {"contractID": SEED_CONTRACT, "rutId": "14666666-3"}),
    ]
    assert len(sandbox.state()["fv_contracts"][SEED_CONTRACT]["signers"]) == 1


def test_delete_signer_with_a_wrong_check_digit_warns_and_sends(sandbox, fv):
    # Seed 001's DeleteSigner example, 14123123-1, has a wrong check digit (it is 5): the signer
    # may have been registered elsewhere with it, so it is sent, with a warning.
    envelope = fv.call("delete_signer", {"contractID": SEED_CONTRACT, "rutId": "14123123-1"})
    failed(envelope, "service", "FV_ERROR")  # the sandbox has no such signer
    assert envelope["warnings"][0]["code"] == "RUT_INVALIDO" and envelope["warnings"][0]["field"] == "rutId"
    assert only_call(sandbox)["json"] == {"contractID": SEED_CONTRACT, "rutId": "14123123-1"}


def test_update_signer_with_a_wrong_check_digit_warns_and_sends(sandbox, fv):
    # Seed 001's own UpdateSigner example, 14123123-6, has a wrong check digit (it is 5): the RUT
    # finds the signer to change, as for DeleteSigner, so it is sent, with a warning.
    body = {
        "contractID": SEED_CONTRACT,
        "full_name": "Jose G. Cortesia R.",
        "email": "contacto@gmail.com",
        "rutId": "14.123.123-6",
        "phone": "930139020",
    }
    envelope = fv.call("update_signer", body)
    failed(envelope, "service", "FV_ERROR")  # the sandbox has no such signer
    assert [(w["code"], w["field"]) for w in envelope["warnings"]] == [("RUT_INVALIDO", "rutId")]
    assert only_call(sandbox)["json"] == {**body, "rutId": "14123123-6"}


def test_create_signer_still_needs_a_right_check_digit(sandbox, fv):
    body = {
        "contractID": SEED_CONTRACT,
        "full_name": "A",
        "email": "a@b.cl",
        "rutId": "14123123-6",
        "phone": "930139020",
    }
    failed(fv.call("create_signer", body), "validation", "RUT_INVALIDO")
    assert calls(sandbox) == []


# -- the seed's whole flow -----------------------------------------------------------------------


def test_seed_flow(sandbox, fv, tmp_path):
    assert ok(fv.call("login", {}))["authorized"] is True
    fees = ok(fv.call("list_contract_types", {"QTYPE": "FEE", "QVALUE": 28}))
    assert fees[0]["iContractTypeFeeID"] == 28
    contract_id = new_contract(fv, iContractTypeFeeID=fees[0]["iContractTypeFeeID"])
    ok(upload(fv, contract_id, write_pdf(tmp_path, 50_000, "a.pdf")))
    ok(upload(fv, contract_id, write_pdf(tmp_path, 60_000, "b.pdf")))
    files = ok(fv.call("list_files", {"ContractID": contract_id}))
    assert len(files) == 2
    order = [
        {"document": files[1]["document"], "ind": 0, "action": "CHANGE"},
        {"document": files[0]["document"], "ind": 1, "action": "CHANGE"},
    ]
    sorted_files = ok(fv.call("sort_files", {"contractID": contract_id, "file_order": order}))
    assert [f["document"] for f in sorted_files] == [files[1]["document"], files[0]["document"]]
    ok(fv.call("merge_files", {"ContractID": contract_id}))
    sent = ok(fv.call("send_contract", {"IDContract": contract_id}))
    assert sent["ok_count"] == 1
    detail = ok(fv.call("get_contract_detail", {"ContractID": contract_id}))
    assert detail["contrato"][0]["sContractID"] == contract_id and detail["contrato"][0]["sStatus"] == "REVIEW"
    assert detail["archivos"] == [{"file_name": f"{contract_id}.pdf", "orden": 0}]
    assert detail["firmantes"][0]["RUT"] == "11111111-1"
    assert logins(sandbox) == 1
    assert [r["path"] for r in sandbox.requests()] == [
        "/logindata",
        "/api/v1/contract-type/FEE/28",
        "/api/v1/contract/create-contract",
        "/api/v1/upfile",
        "/api/v1/upfile",
        f"/api/v1/filelist/{contract_id}",
        "/api/v1/sortfiles",
        f"/api/v1/contract/merge/{contract_id}",
        f"/api/v1/contract/send/draft/{contract_id}",
        f"/api/v1/contract/detail/{contract_id}",
    ]


# -- the token's life --------------------------------------------------------------------------


def test_one_login_for_a_hundred_calls(sandbox, fv):
    for index in range(100):
        if index % 2:
            ok(fv.call("get_contract", {"IDContract": SEED_CONTRACT}))
        else:
            ok(fv.call("list_contract_types", {"QTYPE": "ID", "QVALUE": 1 + index % 26}))
    assert logins(sandbox) == 1
    assert len(calls(sandbox)) == 100
    assert len(tokens_seen(sandbox)) == 1


@pytest.mark.parametrize(
    "operation,request_body,refusal",
    [
        ("get_contract", {"IDContract": SEED_CONTRACT}, "error"),  # 400 "error"
        ("update_user", {"IDUser": 1, "sFirstName": "Ana"}, "JWT Token invalid"),  # 200
        ("get_user", {"IDUser": 1}, "Login failed: Email or password incorrect."),  # 400, GetAllUser
    ],
)
def test_an_invalidated_token_costs_one_login(sandbox, fv, operation, request_body, refusal):
    ok(fv.call(operation, request_body))
    sandbox.fv_invalidate_tokens()
    envelope = fv.call(operation, request_body)
    ok(envelope)
    assert logins(sandbox) == 2
    assert envelope["meta"]["attempts"] == 3  # the refused call, the login, the call again
    requests = sandbox.requests()
    assert [r["path"] == "/logindata" for r in requests] == [True, False, False, True, False]
    assert requests[1]["bearer"] == requests[2]["bearer"] and requests[4]["bearer"]  # refused, then the new login's
    assert requests[2]["status"] in (200, 400) and requests[4]["status"] == 200
    assert requests[2]["json"] == requests[4]["json"] and requests[2]["path"] == requests[4]["path"]
    assert any(line.startswith("fv: the service refused the token") for _, line in fv.logs)
    assert refusal  # documented refusal shapes of the seed, one per parameter


def test_a_refused_create_contract_is_sent_again_once_and_creates_one_contract(sandbox, fv):
    ok(fv.call("get_contract", {"IDContract": SEED_CONTRACT}))
    sandbox.fv_invalidate_tokens()
    new_contract(fv)
    creates = [r for r in sandbox.requests() if r["path"] == "/api/v1/contract/create-contract"]
    assert len(creates) == 2 and creates[0]["json"] == creates[1]["json"]
    assert len(sandbox.state()["fv_contracts"]) == 2  # the seeded one and one new contract
    assert logins(sandbox) == 2


def run_together(count: int, call: Callable[[], dict[str, Any]]) -> list[dict[str, Any]]:
    """`count` threads released at the same moment, each making `call` once."""
    barrier = threading.Barrier(count)
    results: list[dict[str, Any]] = []

    def work() -> None:
        barrier.wait()
        results.append(call())

    threads = [threading.Thread(target=work) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_eight_threads_log_in_once(sandbox, fv):
    sandbox.fault("delay", ms=300, prefix="/logindata", count=1)  # the first login is slow: everyone waits for it
    results = run_together(8, lambda: fv.call("get_contract", {"IDContract": SEED_CONTRACT}))
    assert len(results) == 8 and all(r["ok"] for r in results), results
    assert logins(sandbox) == 1
    assert len(calls(sandbox)) == 8 and len(tokens_seen(sandbox)) == 1


def test_eight_threads_refused_at_once_log_in_again_once(sandbox, fv):
    ok(fv.call("get_contract", {"IDContract": SEED_CONTRACT}))
    sandbox.fv_invalidate_tokens()
    sandbox.fault("delay", ms=300, prefix="/logindata", count=1)
    results = run_together(8, lambda: fv.call("list_files", {"ContractID": SEED_CONTRACT}))
    assert len(results) == 8 and all(r["ok"] for r in results), results
    assert logins(sandbox) == 2


def test_eight_threads_share_one_failed_login(sandbox, fv_config):
    sandbox.fault("delay", ms=300, prefix="/logindata", count=1)
    with Client("fv", {**fv_config, "password": "wrong-password"}) as client:
        results = run_together(8, lambda: client.call("get_contract", {"IDContract": SEED_CONTRACT}))
    assert len(results) == 8
    for result in results:
        failed(result, "auth", "LOGIN_FAILED")
    assert logins(sandbox) == 1 and calls(sandbox) == []


def test_the_token_is_renewed_before_it_expires(sandbox, fv):
    # A 2 s token is renewed 1 s before its exp (half its life; 60 s before for longer tokens),
    # so the second call logs in first instead of being refused.
    sandbox.fv_token_ttl(2)
    ok(fv.call("get_contract", {"IDContract": SEED_CONTRACT}))
    time.sleep(1.3)
    envelope = fv.call("get_contract", {"IDContract": SEED_CONTRACT})
    ok(envelope)
    assert logins(sandbox) == 2
    assert [r["status"] for r in calls(sandbox)] == [200, 200]  # nothing was refused
    assert envelope["meta"]["attempts"] == 2


def test_a_failed_login_is_auth_and_never_retried(sandbox, fv_config):
    with Client("fv", {**fv_config, "password": "wrong-password"}) as client:
        envelope = client.call("get_contract", {"IDContract": SEED_CONTRACT})
        error = failed(envelope, "auth", "LOGIN_FAILED")
        assert "Login failed: Email or password incorrect." in error["message"] and error["retryable"] is False
        # Which deployment refused them (the audit's r3_auth_no_deployment.py).
        assert "the credentials went to 127.0.0.1 (base_url)" in error["message"], error
        assert envelope["meta"]["attempts"] == 1
        failed(client.call("login", {}), "auth", "LOGIN_FAILED")
        assert logins(sandbox) == 2 and calls(sandbox) == []  # one login per call, none repeated
        assert_no_secrets(["wrong-password"], [envelope], client.logs)


def test_http_401_means_log_in_again(sandbox, fv):
    ok(fv.call("get_contract", {"IDContract": SEED_CONTRACT}))
    sandbox.fault("status", status=401, body="json", prefix="/api/v1/contract/", count=1)
    envelope = fv.call("get_contract", {"IDContract": SEED_CONTRACT})
    ok(envelope)
    assert logins(sandbox) == 2 and envelope["meta"]["attempts"] == 3


# -- answers: one shape for the service's inconsistent ones ---------------------------------------

CATALOGUE = [
    ("Email exists", "service", "EMAIL_EXISTS", False),
    ("THIS Login already exists", "service", "LOGIN_EXISTS", False),
    ("Invalid Login must be alphanumeric whit 6 to 16 length", "service", "INVALID_LOGIN", False),
    ("Login / usuario desconocido..!", "service", "UNKNOWN_USER", False),
    ("Wrong login or password ..!", "service", "WRONG_CODE", False),
    ("VALIDATION-FAIL", "service", "VALIDATION_FAIL", False),
    ("JWT Token invalid", "auth", "JWT_INVALID", True),
    ("error", "auth", "JWT_INVALID", True),
    ("Token Bearer erróneo", "auth", "JWT_INVALID", True),
    ("Login failed: Email or password incorrect.", "auth", "LOGIN_FAILED", True),
]


@pytest.mark.parametrize("text,kind,code,refuses_token", CATALOGUE)
def test_each_catalogue_message_has_its_code(sandbox, fv, text, kind, code, refuses_token):
    ok(fv.call("get_contract", {"IDContract": SEED_CONTRACT}))
    # A token refusal is answered twice (the call and its one repetition after a new login).
    shown = f"  {text.upper()} " if text.isascii() else text  # matched trimmed and case-insensitively
    sandbox.fault("service_error", code=400, message=shown, prefix="/api/v1/contract/", count=2 if refuses_token else 1)
    envelope = fv.call("get_contract", {"IDContract": SEED_CONTRACT})
    error = failed(envelope, kind, code)
    assert error["message"].upper().startswith(text.upper()), error["message"]  # the service's text, trimmed
    assert error["service_code"] == 400 and envelope["meta"]["service_code"] == 400
    assert envelope["meta"]["http_status"] == 400 and error["retryable"] is False
    assert logins(sandbox) == (2 if refuses_token else 1)


def test_an_unknown_message_is_fv_error_with_its_text(sandbox, fv):
    sandbox.fault("service_error", code=400, message="Something new went wrong", prefix="/api/v1/contract/")
    error = failed(fv.call("get_contract", {"IDContract": SEED_CONTRACT}), "service", "FV_ERROR")
    assert "Something new went wrong" in error["message"]
    assert logins(sandbox) == 1


def test_catalogue_errors_from_the_service_itself(sandbox, fv):
    user = {
        "sRUT": "11111111-1",
        "sFirstName": "A",
        "sLastName": "B",
        "sEmail": USER_EMAIL,
        "sPhone": "873320311",
        "sLogin": "nuevo01",
        "sPassword": "x1234567",
    }
    envelope = fv.call("create_user", user)
    failed(envelope, "service", "EMAIL_EXISTS")
    assert envelope["meta"]["http_status"] == 200  # an error at HTTP 200 is still an error
    failed(fv.call("create_user", {**user, "sEmail": "otro@example.cl", "sLogin": LOGIN}), "service", "LOGIN_EXISTS")
    failed(fv.call("reset_password", {"login": "nadie@example.cl"}), "service", "UNKNOWN_USER")
    failed(
        fv.call("new_password", {"login": USER_EMAIL, "password": "12345678", "new_password": "abc12345"}),
        "service",
        "WRONG_CODE",
    )
    # The sandbox refuses documents that are not the contract's with VALIDATION-FAIL.
    failed(
        fv.call(
            "sort_files",
            {"contractID": SEED_CONTRACT, "file_order": [{"document": "nope.pdf", "ind": 0, "action": "CHANGE"}]},
        ),
        "service",
        "VALIDATION_FAIL",
    )


def test_a_non_json_error_answer_is_http(sandbox, fv):
    sandbox.fault("status", status=404, body="html", prefix="/api/v1/contract/")
    envelope = fv.call("get_contract", {"IDContract": SEED_CONTRACT})
    error = failed(envelope, "http", "HTTP_404")
    assert "Injected by the sandbox" in error["details"]["sample"] and len(error["details"]["sample"]) <= 121


def test_a_non_json_success_answer_is_protocol(sandbox, fv):
    sandbox.fault("invalid_body", prefix="/api/v1/contract/")
    error = failed(fv.call("get_contract", {"IDContract": SEED_CONTRACT}), "protocol", "INVALID_ANSWER")
    assert error["details"]["sample"].startswith('{"code":200')


# -- replay policy ------------------------------------------------------------------------------


def test_create_contract_is_never_sent_twice(sandbox, fv):
    ok(fv.call("login", {}))
    sandbox.fault("reset", process=True, prefix="/api/v1/contract/create-contract")
    envelope = fv.call("create_contract", CONTRACT)
    error = failed(envelope, "transport", "CONNECTION_LOST")
    assert error["retryable"] is False and "may have been created" in error["message"]
    assert len([r for r in sandbox.requests() if r["path"] == "/api/v1/contract/create-contract"]) == 1
    assert len(sandbox.state()["fv_contracts"]) == 2  # it did take effect: that is why it was not repeated


@pytest.mark.parametrize(
    "operation,prefix",
    [
        ("delete_contract", f"/api/v1/contract/{SEED_CONTRACT}"),  # no body
        ("send_contract", "/api/v1/contract/send/draft/"),
        ("upload_document", "/api/v1/upfile"),  # a streamed file
        ("create_signer", "/api/v1/signer/new"),
    ],
)
def test_writes_are_never_sent_twice(sandbox, fv, tmp_path, operation, prefix):
    requests = {
        "delete_contract": {"IDContract": SEED_CONTRACT},
        "send_contract": {"IDContract": SEED_CONTRACT},
        "upload_document": {"contractID": SEED_CONTRACT, "file_path": str(write_pdf(tmp_path, 300_000))},
        "create_signer": {
            "contractID": SEED_CONTRACT,
            "full_name": "Andri Marin",
            "email": "andri@gmail.com",
            "rutId": "14666666-3",
            "phone": "961420311",
        },
    }
    ok(fv.call("login", {}))  # a live keep-alive connection
    sandbox.fault("reset", process=True, prefix=prefix)
    envelope = fv.call(operation, requests[operation])
    error = failed(envelope, "transport", "CONNECTION_LOST")
    assert error["retryable"] is False and "may have" in error["message"]
    assert envelope["meta"]["attempts"] == 1
    assert len([r for r in sandbox.requests() if r["path"].startswith(prefix)]) == 1


def test_reads_are_retried(sandbox, fv):
    ok(fv.call("login", {}))
    sandbox.fault("reset", prefix="/api/v1/contract/", count=1)
    envelope = fv.call("get_contract", {"IDContract": SEED_CONTRACT})
    ok(envelope)
    # Sent again: by libcurl itself on a new connection (a reused one died) or by the transport.
    assert [r["fault"] for r in calls(sandbox)] == ["reset", None]


# -- local validation: nothing is sent ----------------------------------------------------------


def signer(**changes: Any) -> dict[str, Any]:
    return {**SIGNER, **changes}


def contract(**changes: Any) -> dict[str, Any]:
    return {**CONTRACT, **changes}


VALIDATIONS = [
    # create_contract
    ("create_contract", contract(sOwnerType="EMPRESA"), "sOwnerType", "OWNER_TYPE_INVALID"),
    ("create_contract", contract(signers=[signer(type="PERSONA")]), "signers[0].type", "SIGNER_TYPE_INVALID"),
    ("create_contract", contract(signers=[], iSignedCount=0), "signers", "SIGNER_COUNT_INVALID"),
    (
        "create_contract",
        contract(signers=[signer(rutId=f"{10_000_000 + i}-{'0'}", portion=0) for i in range(11)], iSignedCount=11),
        "signers",
        "SIGNER_COUNT_INVALID",
    ),
    ("create_contract", contract(iSignedCount=2), "iSignedCount", "SIGNED_COUNT_MISMATCH"),
    ("create_contract", contract(signers=[signer(portion=75)]), "signers[0].portion", "PORTION_INVALID"),
    ("create_contract", contract(signers=[signer(portion="cien")]), "signers[0].portion", "PORTION_INVALID"),
    ("create_contract", contract(signers=[signer(portion=50)]), "signers", "PORTIONS_INVALID"),
    ("create_contract", contract(signers=[signer(portion=0)]), "signers", "PORTIONS_INVALID"),
    (
        "create_contract",
        contract(signers=[signer(), signer(rutId="76795561-8", portion=100)], iSignedCount=2),
        "signers",
        "PORTIONS_INVALID",
    ),
    (
        "create_contract",
        contract(
            signers=[
                signer(portion=50),
                signer(rutId="76795561-8", portion=50),
                signer(rutId="12345678-5", portion=50),
            ],
            iSignedCount=3,
        ),
        "signers",
        "PORTIONS_INVALID",
    ),
    (
        "create_contract",
        contract(signers=[signer(), signer(portion=0)], iSignedCount=2),
        "signers[1].rutId",
        "DUPLICATE_SIGNER",
    ),
    ("create_contract", contract(signers=[signer(rutId="11111111-2")]), "signers[0].rutId", "RUT_INVALIDO"),
    ("create_contract", contract(signers=[signer(email="jose@")]), "signers[0].email", "EMAIL_INVALID"),
    ("create_contract", contract(signers=[signer(phone="87-332-0311")]), "signers[0].phone", "PHONE_INVALID"),
    ("create_contract", contract(signers=[signer(phone="1234567")]), "signers[0].phone", "PHONE_INVALID"),
    ("create_contract", contract(signers=[signer(phone="+1234567890123456")]), "signers[0].phone", "PHONE_INVALID"),
    ("create_contract", contract(signers=[signer(payment="8815.00")]), "signers[0].payment", "PAYMENT_INVALID"),
    ("create_contract", contract(iContractTypeFeeID=0), "iContractTypeFeeID", "FEE_ID_INVALID"),
    ("create_contract", contract(iContractTypeFeeID=-28), "iContractTypeFeeID", "FEE_ID_INVALID"),
    ("create_contract", contract(sPaymentStatus="PAID"), "sPaymentStatus", "PAYMENT_STATUS_INVALID"),
    ("create_contract", contract(callback="ejemplo.com/webhook"), "callback", "CALLBACK_INVALID"),
    # list_contract_types
    ("list_contract_types", {"QTYPE": "NAME", "QVALUE": "x"}, "QTYPE", "QTYPE_INVALID"),
    ("list_contract_types", {"QTYPE": "ALL", "QVALUE": 1}, "QVALUE", "QVALUE_INVALID"),
    ("list_contract_types", {"QTYPE": "TYPE", "QVALUE": "HOUSE"}, "QVALUE", "QVALUE_INVALID"),
    ("list_contract_types", {"QTYPE": "CONTRACT-TYPE", "QVALUE": "SIGNATURE"}, "QVALUE", "QVALUE_INVALID"),
    ("list_contract_types", {"QTYPE": "MODAL", "QVALUE": "REAL_ESTATE"}, "QVALUE", "QVALUE_INVALID"),
    ("list_contract_types", {"QTYPE": "ID", "QVALUE": 0}, "QVALUE", "QVALUE_INVALID"),
    ("list_contract_types", {"QTYPE": "FEE", "QVALUE": 0}, "QVALUE", "QVALUE_INVALID"),
    ("list_contract_types", {"QTYPE": "FEE", "QVALUE": "-1"}, "QVALUE", "QVALUE_INVALID"),
    ("list_contract_types", {"QTYPE": "FEE", "QVALUE": "1/../2"}, "QVALUE", "QVALUE_INVALID"),
    # path parameters
    ("get_user", {"IDUser": 0}, "IDUser", "ID_INVALID"),
    ("get_user", {"IDUser": -3}, "IDUser", "ID_INVALID"),
    ("get_user", {"IDUser": "1/../../logindata"}, "IDUser", "ID_INVALID"),
    ("list_owner_contracts", {"IDOwner": "abc"}, "IDOwner", "ID_INVALID"),
    ("get_contract", {"IDContract": "42"}, "IDContract", "CONTRACT_ID_INVALID"),
    ("get_contract_detail", {"ContractID": SEED_CONTRACT + "/x"}, "ContractID", "CONTRACT_ID_INVALID"),
    ("delete_contract", {"IDContract": "307c1f32-bbb5-4cbe-a4f4"}, "IDContract", "CONTRACT_ID_INVALID"),
    ("list_files", {"ContractID": "zz7c1f32-bbb5-4cbe-a4f4-ecf20616510a"}, "ContractID", "CONTRACT_ID_INVALID"),
    ("merge_files", {"ContractID": ""}, "ContractID", "CONTRACT_ID_INVALID"),
    ("send_contract", {"IDContract": "x"}, "IDContract", "CONTRACT_ID_INVALID"),
    # users
    (
        "create_user",
        {
            "sRUT": "11111111-2",
            "sFirstName": "A",
            "sLastName": "B",
            "sEmail": "a@b.cl",
            "sPhone": "873320311",
            "sLogin": "nuevo01",
            "sPassword": "x",
        },
        "sRUT",
        "RUT_INVALIDO",
    ),
    (
        "create_user",
        {
            "sRUT": "11111111-1",
            "sFirstName": "A",
            "sLastName": "B",
            "sEmail": "a@b",
            "sPhone": "873320311",
            "sLogin": "nuevo01",
            "sPassword": "x",
        },
        "sEmail",
        "EMAIL_INVALID",
    ),
    (
        "create_user",
        {
            "sRUT": "11111111-1",
            "sFirstName": "A",
            "sLastName": "B",
            "sEmail": "a@b.cl",
            "sPhone": "873320311",
            "sLogin": "nuevo.01",
            "sPassword": "x",
        },
        "sLogin",
        "INVALID_LOGIN",
    ),
    (
        "create_user",
        {
            "sRUT": "11111111-1",
            "sFirstName": "A",
            "sLastName": "B",
            "sEmail": "a@b.cl",
            "sPhone": "tel",
            "sLogin": "nuevo01",
            "sPassword": "x",
        },
        "sPhone",
        "PHONE_INVALID",
    ),
    (
        "create_user",
        {
            "sRUT": "11111111-1",
            "sFirstName": "A",
            "sLastName": "B",
            "sEmail": "a@b.cl",
            "sPhone": "873320311",
            "sLogin": "nuevo01",
            "sPassword": "x",
            "sUserType": "EMPRESA",
        },
        "sUserType",
        "USER_TYPE_INVALID",
    ),
    ("update_user", {"IDUser": 1, "sPhone": "9 6142 0311"}, "sPhone", "PHONE_INVALID"),
    ("update_user", {"IDUser": 1, "sFirstName": "  "}, "sFirstName", "EMPTY_FIELD"),
    ("reset_password", {"login": "userapp"}, "login", "EMAIL_INVALID"),
    # documents
    ("sort_files", {"contractID": SEED_CONTRACT, "file_order": []}, "file_order", "FILE_ORDER_INVALID"),
    (
        "sort_files",
        {"contractID": SEED_CONTRACT, "file_order": [{"document": "a.pdf", "ind": 1, "action": "MOVE"}]},
        "file_order[0].action",
        "FILE_ORDER_INVALID",
    ),
    (
        "sort_files",
        {"contractID": SEED_CONTRACT, "file_order": [{"document": "a.pdf", "ind": -1, "action": "CHANGE"}]},
        "file_order[0].ind",
        "FILE_ORDER_INVALID",
    ),
    (
        "sort_files",
        {
            "contractID": SEED_CONTRACT,
            "file_order": [
                {"document": "a.pdf", "ind": 0, "action": "CHANGE"},
                {"document": "a.pdf", "ind": 1, "action": "CHANGE"},
            ],
        },
        "file_order[1].document",
        "FILE_ORDER_INVALID",
    ),
    # signers
    (
        "create_signer",
        {
            "contractID": SEED_CONTRACT,
            "full_name": "Andri Marin",
            "email": "andri.marin@gmail.com",
            "rutId": "14666666-1",
            "phone": "961420311",
        },
        "rutId",
        "RUT_INVALIDO",
    ),
    (
        "update_signer",
        {
            "contractID": SEED_CONTRACT,
            "full_name": "Jose",
            "email": "contacto@gmail.com",
            "rutId": "14123123-5",
            "phone": "93013902a",
        },
        "phone",
        "PHONE_INVALID",
    ),
    ("delete_signer", {"contractID": SEED_CONTRACT, "rutId": "14-123"}, "rutId", "RUT_INVALIDO"),
]


@pytest.mark.parametrize("operation,request_body,field,code", VALIDATIONS)
def test_local_validation_sends_nothing(sandbox, fv, operation, request_body, field, code):
    envelope = fv.call(operation, request_body)
    error = failed(envelope, "validation", code)
    assert error["field"] == field, error
    assert error["retryable"] is False
    assert envelope["meta"]["attempts"] == 0 and envelope["meta"]["http_status"] is None
    assert sandbox.requests() == []


STRUCTURE = [
    ("create_contract", contract(signers=[signer(colour="red")]), "signers[0].colour", "UNKNOWN_FIELD"),
    (
        "create_contract",
        {k: v for k, v in CONTRACT.items() if k != "iContractTypeFeeID"},
        "iContractTypeFeeID",
        "MISSING_FIELD",
    ),
    (
        "create_contract",
        contract(signers=[{k: v for k, v in SIGNER.items() if k != "type"}]),
        "signers[0].type",
        "MISSING_FIELD",
    ),
    ("create_contract", contract(signers="all"), "signers", "WRONG_TYPE"),
    ("create_contract", contract(signers=[signer(portion=[100])]), "signers[0].portion", "WRONG_TYPE"),
    (
        "sort_files",
        {"contractID": SEED_CONTRACT, "file_order": [{"document": "a.pdf", "ind": 1, "action": "CHANGE", "x": 1}]},
        "file_order[0].x",
        "UNKNOWN_FIELD",
    ),
    ("list_contract_types", {"QTYPE": "TYPE"}, "QVALUE", "MISSING_FIELD"),
    ("upload_document", {"contractID": SEED_CONTRACT}, "file_path", "MISSING_FIELD"),
    ("upload_document", {"contractID": SEED_CONTRACT, "content_base64": "%%%"}, "content_base64", "INVALID_BASE64"),
    ("new_password", {"login": USER_EMAIL, "password": "12345678"}, "new_password", "MISSING_FIELD"),
]


@pytest.mark.parametrize("operation,request_body,field,code", STRUCTURE)
def test_unusable_requests_are_invalid_argument(sandbox, fv, operation, request_body, field, code):
    error = failed(fv.call(operation, request_body), "invalid_argument", code)
    assert error["field"] == field
    assert sandbox.requests() == []


def test_upload_refuses_what_is_not_a_pdf(sandbox, fv, tmp_path):
    text = tmp_path / "contrato.pdf"
    text.write_bytes(b"PK\x03\x04 a zip, not a PDF")
    error = failed(upload(fv, SEED_CONTRACT, text), "validation", "NOT_A_PDF")
    assert error["field"] == "file_path"
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    failed(upload(fv, SEED_CONTRACT, empty), "validation", "NOT_A_PDF")
    failed(
        fv.call(
            "upload_document", {"contractID": SEED_CONTRACT, "content_base64": base64.b64encode(b"hello").decode()}
        ),
        "validation",
        "NOT_A_PDF",
    )
    assert sandbox.requests() == []


def test_upload_refuses_a_file_over_max_upload_bytes(sandbox, fv_config, tmp_path):
    with Client("fv", {**fv_config, "max_upload_bytes": 10_000}) as client:
        error = failed(upload(client, SEED_CONTRACT, write_pdf(tmp_path, 10_001)), "validation", "FILE_TOO_LARGE")
        assert error["field"] == "file_path" and "10000" in error["message"]
        ok(upload(client, SEED_CONTRACT, write_pdf(tmp_path, 10_000, "fits.pdf")))
    assert len(calls(sandbox)) == 1


def test_upload_of_a_missing_file_is_io(sandbox, fv, tmp_path):
    error = failed(upload(fv, SEED_CONTRACT, tmp_path / "missing.pdf"), "io", "FILE_UNREADABLE")
    assert error["field"] == "file_path"
    assert sandbox.requests() == []


def test_upload_of_5_mb_reports_progress(sandbox, fv, tmp_path):
    size = 5 * 1024 * 1024
    path = write_pdf(tmp_path, size)
    ok(upload(fv, SEED_CONTRACT, path))
    progress = fv.progress
    assert len(progress) >= 2
    done = [d for d, _ in progress]
    assert done == sorted(done)
    total = progress[-1][1]
    assert size < total < size + 1024  # the multipart body: the file and its part headers
    assert progress[-1][0] == total
    [part] = only_call(sandbox)["multipart"]
    assert part["size"] == size and part["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


# -- secrets -----------------------------------------------------------------------------------


def test_no_password_or_token_in_any_envelope_or_log_line(sandbox, fv, tmp_path):
    envelopes = [
        fv.call("login", {}),
        fv.call("get_user", {"IDUser": 1}),
        fv.call(
            "create_user",
            {
                "sRUT": "11111111-1",
                "sFirstName": "A",
                "sLastName": "B",
                "sEmail": "nuevo@b.cl",
                "sPhone": "873320311",
                "sLogin": "nuevo01",
                "sPassword": "SecretoNuevo-77",
            },
        ),
        fv.call("update_user", {"IDUser": 1, "sFirstName": "Ana"}),
        fv.call("reset_password", {"login": "nuevo@b.cl"}),
    ]
    code = sandbox.fv_reset_code("nuevo@b.cl")
    envelopes.append(
        fv.call("new_password", {"login": "nuevo@b.cl", "password": code, "new_password": "NuevaClave-88"})
    )
    envelopes.append(
        fv.call("new_password", {"login": "nuevo@b.cl", "password": code, "new_password": "NuevaClave-99"})
    )
    contract_id = new_contract(fv)
    envelopes.append(upload(fv, contract_id, write_pdf(tmp_path)))
    sandbox.fv_invalidate_tokens()
    envelopes.append(fv.call("list_files", {"ContractID": contract_id}))
    sandbox.fault("invalid_body", prefix="/api/v1/contract/")
    envelopes.append(fv.call("get_contract", {"IDContract": contract_id}))
    sandbox.fault("status", status=500, body="html", prefix="/api/v1/contract/", count=-1)
    envelopes.append(fv.call("get_contract", {"IDContract": contract_id}))
    sandbox.clear_faults()
    tokens = tokens_seen(sandbox)  # (the sandbox issues the same JWT for logins within one second)
    assert tokens and logins(sandbox) == 2
    assert any(level == 0 or level == 1 for level, _ in fv.logs) and len(fv.logs) > 20
    assert_no_secrets(
        [
            PASSWORD,
            "SecretoNuevo-77",
            code,
            "NuevaClave-88",
            "NuevaClave-99",
            *tokens,
            *(t.split(".")[2] for t in tokens),
        ],
        envelopes,
        fv.logs,
    )
    for envelope in envelopes:
        for text in all_text(envelope):
            assert not re.search(r"eyJ[A-Za-z0-9_-]{10,}\.", text), text


def test_time_in_the_progress_callback_is_not_counted_in_timeout_ms(sandbox, fv_config, tmp_path):
    """API.md: timeout_ms does not count the time spent in the caller's callbacks. A 2 MB upload
    whose progress callback takes 60 ms each time spends well over timeout_ms there."""
    path = write_pdf(tmp_path, 2_000_000)
    spent = []

    def on_progress(_user_data: Any, _done: int, _total: int) -> None:
        started = time.monotonic()
        time.sleep(0.06)
        spent.append(time.monotonic() - started)

    progress_fn = PROGRESS_FN(on_progress)
    with Client("fv", {**fv_config, "timeout_ms": 1000}) as client:
        set_progress = lib.fv_client_set_progress
        set_progress.argtypes = [ctypes.c_void_p, PROGRESS_FN, ctypes.c_void_p]
        set_progress(client.handle, progress_fn, None)
        envelope = upload(client, SEED_CONTRACT, path)
    assert envelope["ok"] is True, (envelope["error"], f"{sum(spent):.2f} s in the callback")
    assert sum(spent) > 1.5, f"the callback took only {sum(spent):.2f} s"
