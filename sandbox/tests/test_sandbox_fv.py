"""Firma Virtual (seed 001) and what it answers today (CHILE_2026.md): users, tokens, contracts,
files, signers, create-contract-express, callbacks, answer shapes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import os
from typing import Any

import pytest
import sandbox_support
from sandbox_support import (
    EXPRESS,
    EXPRESS_PDF,
    JWT_SECRET,
    PDF,
    Receiver,
    Sandbox,
    call,
    contract_body,
    express,
    express_body,
    fv,
    fv_token,
    multipart,
    new_contract,
    upload,
)

# The suite's fixtures (sandbox_support.py), bound here so that pytest finds them for this module.
sb, clean = sandbox_support.sb, sandbox_support.clean


def test_fv_login_issues_hs256_jwt(sb: Sandbox) -> None:
    answer = call(sb, "POST", "/logindata", {"login": "userapp", "password": "OnePass"})
    data = answer.json()
    assert answer.status == 200 and data["code"] == 200 and data["status"] == "success"
    token = data["message"]["Authorization"]
    assert token.startswith("Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.")
    header, payload, signature = token[7:].split(".")
    expected = hmac.new(JWT_SECRET, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    assert base64.urlsafe_b64decode(signature + "==") == expected
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    assert claims["sub"] == "1" and claims["login"] == "userapp" and claims["exp"] - claims["iat"] == 3600


def test_fv_login_by_email_and_failures(sb: Sandbox) -> None:
    assert fv_token(sb, "userapp@firmavirtual.legal")
    for body in ({"login": "userapp", "password": "nope"}, {"login": "ghost", "password": "OnePass"}, {}):
        answer = call(sb, "POST", "/logindata", body)
        assert answer.status == 400
        assert answer.json() == {
            "code": 400,
            "status": "error",
            "message": "Login failed: Email or password incorrect.",
        }


def test_fv_get_user(sb: Sandbox) -> None:
    token = fv_token(sb)
    user = fv(sb, "GET", "/api/v1/userapp/1", token=token).json()["message"]
    assert user["iUserID"] == 1 and user["sLogin"] == "userapp" and user["sEmail"] == "userapp@firmavirtual.legal"
    assert user["sPassword"] == hashlib.sha256(b"OnePass").hexdigest() and user["sStatus"] == "ENABLE"
    assert set(user) == {
        "iUserID",
        "iProfileID",
        "sRUT",
        "sEmail",
        "sPhone",
        "sFirstName",
        "sLastName",
        "sLogin",
        "sPassword",
        "sStatus",
        "sComments",
        "sUserType",
    }
    missing = fv(sb, "GET", "/api/v1/userapp/99", token=token)
    assert missing.status == 404 and missing.json() == {"code": 404, "status": "error", "message": "User not found"}
    bad = fv(sb, "GET", "/api/v1/userapp/1", token="Bearer nonsense")
    assert bad.status == 400 and bad.json()["message"] == "Login failed: Email or password incorrect."


def test_fv_php_style_json_escapes(sb: Sandbox) -> None:
    body = {
        "iProfileID": 0,
        "sRUT": "11111111-1",
        "sFirstName": "José",
        "sLastName": "Peña/Soto",
        "sEmail": "jose@example.cl",
        "sPhone": "+56978570242",
        "sLogin": "josepena",
        "sPassword": "x",
    }
    raw = fv(sb, "POST", "/api/v1/userapp", body).body
    assert b"\\u00c9" in raw and b"\\/" in raw and raw.isascii()
    assert json.loads(raw)["message"]["sLastName"] == "PEÑA/SOTO"


def test_fv_create_user_and_errors(sb: Sandbox) -> None:
    body = {
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
    created = call(sb, "POST", "/api/v1/userapp", body)
    data = created.json()
    assert created.status == 201 and data["code"] == 201 and data["status"] == "success"
    assert data["message"]["iUserID"] == 2 and data["message"]["sPassword"] == "!--SECRET--!"
    assert data["message"]["sFirstName"] == "JOSE"
    assert fv_token(sb, "cortesia", "1234567890*")
    cases = [
        ({"sLogin": "otro123"}, "Email exists"),
        ({"sEmail": "otro@x.cl"}, "THIS Login already exists"),
        ({"sEmail": "otro@x.cl", "sLogin": "abc"}, "Invalid Login must be alphanumeric whit 6 to 16 length"),
        ({"sEmail": "otro@x.cl", "sLogin": "bad_login!"}, "Invalid Login must be alphanumeric whit 6 to 16 length"),
    ]
    for change, message in cases:
        answer = call(sb, "POST", "/api/v1/userapp", {**body, **change})
        assert answer.status == 200 and answer.json() == {"code": 200, "status": "error", "message": message}
    for change in ({"sEmail": None}, {"iProfileID": "0"}, {"sUserType": "ALIEN"}):
        answer = call(sb, "POST", "/api/v1/userapp", {**body, "sEmail": "n@x.cl", "sLogin": "nuevo123", **change})
        assert answer.status == 400 and answer.json()["message"] == "VALIDATION-FAIL"


def test_fv_update_user(sb: Sandbox) -> None:
    token = fv_token(sb)
    change = {"sFirstName": "oriana aas", "sLastName": "arteaga aae", "sPhone": "584267957852"}
    user = fv(sb, "PUT", "/api/v1/userapp/1", change, token).json()["message"]
    assert (user["sFirstName"], user["sLastName"], user["sPhone"]) == ("oriana aas", "arteaga aae", "584267957852")
    assert fv(sb, "PUT", "/api/v1/userapp/1", {"sEmail": "x@y.cl"}, token).status == 400
    bad = fv(sb, "PUT", "/api/v1/userapp/1", change, "Bearer x.y.z")
    assert bad.status == 200 and bad.json() == {"code": 200, "status": "error", "message": "JWT Token invalid"}


def test_fv_password_reset_flow(sb: Sandbox) -> None:
    email = "userapp@firmavirtual.legal"
    answer = call(sb, "POST", "/pwd/reset", {"login": email})
    assert answer.json() == {
        "code": 200,
        "status": "success",
        "message": {
            "info": "Fue enviado a su email la clave temporal, "
            "la misma solo es util para ser actualizada inmediatamente "
        },
    }
    code = sb.fv_reset_code(email)
    assert code.isdigit() and len(code) == 8
    wrong = call(sb, "POST", "/pwd/reset", {"login": email, "password": "1", "new_password": "Nueva123"})
    assert wrong.status == 200 and wrong.json() == {
        "code": 200,
        "status": "error",
        "message": "Wrong login or password ..!",
    }
    done = call(sb, "POST", "/pwd/reset", {"login": email, "password": int(code), "new_password": "Nueva123"})
    assert done.json() == {"code": 200, "status": "success", "message": "Password updated"}
    assert fv_token(sb, "userapp", "Nueva123")
    assert call(sb, "POST", "/logindata", {"login": "userapp", "password": "OnePass"}).status == 400
    again = call(sb, "POST", "/pwd/reset", {"login": email, "password": code, "new_password": "Otra1234"})
    assert again.json()["message"] == "Wrong login or password ..!"
    unknown = call(sb, "POST", "/pwd/reset", {"login": "ghost@x.cl"})
    assert unknown.status == 200 and unknown.json() == {
        "code": 200,
        "status": "error",
        "message": "Login / usuario desconocido..!",
    }


def test_fv_token_expiry_and_invalidation(sb: Sandbox) -> None:
    token = fv_token(sb)
    assert fv(sb, "GET", "/api/v1/contract/owner/1", token=token).status == 200
    sb.fv_invalidate_tokens()
    answer = fv(sb, "GET", "/api/v1/contract/owner/1", token=token)
    assert answer.status == 400 and answer.json() == {"code": 400, "status": "error", "message": "error"}
    sb.fv_token_ttl(0)
    expired = fv_token(sb)
    assert fv(sb, "GET", "/api/v1/contract/owner/1", token=expired).status == 400
    sb.fv_token_ttl(3600)
    assert fv(sb, "GET", "/api/v1/contract/owner/1", token=fv_token(sb)).status == 200
    assert fv(sb, "GET", "/api/v1/contract/owner/1").json()["message"] == "error"
    raw = fv_token(sb)[7:]
    assert fv(sb, "GET", "/api/v1/contract/owner/1", token=raw).status == 400  # "Bearer " is required


def test_fv_create_and_get_contract(sb: Sandbox) -> None:
    token = fv_token(sb)
    answer = fv(sb, "POST", "/api/v1/contract/create-contract", contract_body(), token)
    assert answer.status == 201
    data = answer.json()
    assert data["code"] == 201 and data["status"] == "success"
    contract, signers = data["message"]
    assert list(contract) == [
        "sContractID",
        "sOwnerType",
        "iContractTypeFeeID",
        "sStatus",
        "sPaymentStatus",
        "iPaymentService",
        "dContractDT",
        "iSignedCount",
        "iContractOwner",
    ]
    assert contract["sStatus"] == "CREATED" and contract["iPaymentService"] == 0 and contract["iContractOwner"] == 1
    assert contract["dContractDT"]["timezone_type"] == 3 and contract["dContractDT"]["timezone"] == "UTC"
    assert len(contract["sContractID"]) == 36 and contract["sContractID"][14] == "4"
    assert signers == [
        {
            "full_name": "Jose Cortesia",
            "phone": "873320311",
            "rutId": "11111111-1",
            "email": "jose@firmavirtual.com",
            "type": "NATURAL",
            "portion": 100,
            "payment": "8815.00",
            "iva": "1675.00",
            "notary": "4000.00",
            "total": "14490.00",
        }
    ]
    got = fv(sb, "GET", f"/api/v1/contract/{contract['sContractID']}", token=token).json()["message"]
    assert got["dContractDT"] == contract["dContractDT"]["date"][:19]
    seeded = fv(sb, "GET", "/api/v1/contract/307c1f32-bbb5-4cbe-a4f4-ecf20616510a", token=token).json()
    assert seeded["message"]["iContractTypeFeeID"] == 41 and seeded["message"]["sStatus"] == "SIGNED_PENDING"
    missing = fv(sb, "GET", "/api/v1/contract/00000000-0000-4000-8000-000000000000", token=token)
    assert missing.status == 404 and missing.json() == {"code": 404, "status": "error", "message": "Contract not found"}


def test_fv_two_payers_at_fifty(sb: Sandbox) -> None:
    token = fv_token(sb)
    signer = contract_body()["signers"][0]
    body = contract_body(
        iSignedCount=3,
        signers=[
            {**signer, "portion": 50},
            {**signer, "rutId": "22222222-2", "portion": "50"},
            {**signer, "rutId": "33333333-3", "portion": 0},
        ],
    )
    signers = fv(sb, "POST", "/api/v1/contract/create-contract", body, token).json()["message"][1]
    assert [s["portion"] for s in signers] == [50, 50, 0]
    assert signers[2]["total"] == "0.00" and signers[0]["notary"] == "2000.00"


@pytest.mark.parametrize(
    "change",
    [
        {"sOwnerType": "ALIEN"},
        {"iContractTypeFeeID": 999},
        {"iContractTypeFeeID": "28"},
        {"iSignedCount": 2},
        {"signers": []},
        {"signers": [{"full_name": "x"}]},
        {"sPaymentStatus": "FREE"},
        {"signers": [{**contract_body()["signers"][0], "portion": "75"}]},
        {"signers": [{**contract_body()["signers"][0], "payment": "10.00"}]},
        {"signers": [{**contract_body()["signers"][0], "type": "ROBOT"}]},
        {"iSignedCount": 11, "signers": [contract_body()["signers"][0]] * 11},
    ],
)
def test_fv_create_contract_validation(sb: Sandbox, change: dict[str, Any]) -> None:
    answer = fv(sb, "POST", "/api/v1/contract/create-contract", contract_body(**change), fv_token(sb))
    assert answer.status == 400 and answer.json() == {"code": 400, "status": "error", "message": "VALIDATION-FAIL"}


def test_fv_contract_types(sb: Sandbox) -> None:
    token = fv_token(sb)
    every = fv(sb, "GET", "/api/v1/contract-type/ALL/0", token=token).json()["message"]
    assert len(every) == 117 and {r["iContractTypeID"] for r in every} == set(range(1, 27))
    assert every[0] == {
        "iContractTypeID": 1,
        "sContractType": "REAL_ESTATE",
        "sContractTypeName": "CONTRATO DE ARIENDO",
        "iContractTypeFeeID": 1,
        "sModal": "SIGNATURE",
        "iSignCount": 1,
        "fAmount": "1990.00",
    }
    fee28 = fv(sb, "GET", "/api/v1/contract-type/FEE/28", token=token).json()["message"]
    assert fee28[0]["sContractTypeName"] == "PROMESA DE COMPRAVENTA" and fee28[0]["sModal"] == "SIGNATURE_CERT_NOTARIAL"
    labor = fv(sb, "GET", "/api/v1/contract-type/TYPE/LABOR", token=token).json()["message"]
    assert {r["sContractType"] for r in labor} == {"LABOR"}
    modal = fv(sb, "GET", "/api/v1/contract-type/MODAL/SIGNATURE", token=token).json()["message"]
    assert {r["sModal"] for r in modal} == {"SIGNATURE"}
    by_id = fv(sb, "GET", "/api/v1/contract-type/ID/26", token=token).json()["message"]
    assert {r["iContractTypeID"] for r in by_id} == {26}
    for bad in ("ALL/1", "FEE/118", "ID/0", "TYPE/BOAT", "MODAL/x", "NOPE/1", "ID/%C2%B2"):
        answer = fv(sb, "GET", f"/api/v1/contract-type/{bad}", token=token)
        assert answer.status == 400 and answer.json()["message"] == "VALIDATION-FAIL", bad


def test_fv_files_sort_merge_detail_and_delete(sb: Sandbox) -> None:
    token = fv_token(sb)
    cid = new_contract(sb, token)
    merge = fv(sb, "POST", f"/api/v1/contract/merge/{cid}", token=token)
    assert merge.status == 400 and merge.json()["message"] == "No files to merge"
    ok = upload(sb, token, f"{cid}.pdf", PDF)
    assert ok.status == 200 and ok.json() == {"code": 200, "status": "success", "message": {}}
    assert upload(sb, token, f"{cid}.pdf", PDF + b"2").status == 200
    files = fv(sb, "GET", f"/api/v1/filelist/{cid}", token=token).json()["message"]
    assert [f["orden"] for f in files] == [0, 1] and all(f["description"] == "NA" for f in files)
    assert files[0]["document"].startswith(cid + "_") and len(files[0]["document"]) == len(cid) + 14
    assert files[0]["url"] == files[0]["document"] and files[0]["contractID"] == cid
    order = {
        "contractID": cid,
        "file_order": [
            {"document": files[0]["document"], "ind": 5, "action": "CHANGE"},
            {"document": files[1]["document"], "ind": 1, "action": "REMOVE"},
        ],
    }
    sorted_ = fv(sb, "POST", "/api/v1/sortfiles", order, token)
    assert sorted_.status == 207 and sorted_.json()["code"] == 207
    assert [(f["document"], f["orden"]) for f in sorted_.json()["message"]] == [(files[0]["document"], 5)]
    merged = fv(sb, "POST", f"/api/v1/contract/merge/{cid}", token=token)
    assert merged.status == 207 and merged.json() == {"code": 207, "status": "success", "message": {}}
    detail = fv(sb, "GET", f"/api/v1/contract/detail/{cid}", token=token).json()["message"]
    assert set(detail) == {"contrato", "firmantes", "archivos"}
    assert detail["contrato"][0]["sTipoContrato"] == "PROMESA DE COMPRAVENTA"
    assert detail["contrato"][0]["sClaseContrato"] == "INMOBILIARIO" and detail["contrato"][0]["Monto"] == "8815.00"
    assert detail["firmantes"][0]["totalPay"] == "14490.00" and detail["archivos"] == [
        {"file_name": f"{cid}.pdf", "orden": 0}
    ]
    owner = fv(sb, "GET", "/api/v1/contract/owner/1", token=token).json()["message"]
    assert {c["sContractID"] for c in owner} == {cid, "307c1f32-bbb5-4cbe-a4f4-ecf20616510a"}
    assert next(c for c in owner if c["sContractID"] == cid)["withDocument"] == 1
    deleted = fv(sb, "POST", f"/api/v1/contract/{cid}", token=token)
    assert deleted.status == 200 and deleted.json() == {"code": 204, "status": "success", "message": {}}
    assert fv(sb, "POST", f"/api/v1/contract/{cid}", token=token).status == 404


def test_fv_delete_answered_as_a_bodyless_204(sb: Sandbox) -> None:
    token = fv_token(sb)
    cid = new_contract(sb, token)
    assert sb.fv_shapes(delete="http204")["delete"] == "http204"
    deleted = fv(sb, "POST", f"/api/v1/contract/{cid}", token=token)
    assert deleted.status == 204 and deleted.body == b"" and "Content-Length" not in deleted.headers
    assert cid not in sb.state()["fv_contracts"]
    assert fv(sb, "POST", f"/api/v1/contract/{cid}", token=token).status == 404  # errors keep their body


def test_fv_upload_errors(sb: Sandbox) -> None:
    token = fv_token(sb)
    cid = new_contract(sb, token)
    unknown = upload(sb, token, "00000000-0000-4000-8000-000000000000.pdf", PDF)
    assert unknown.status == 400 and unknown.json() == {"code": 400, "status": "error", "message": "Contract not found"}
    assert upload(sb, token, "documento.pdf", PDF).json()["message"] == "Contract not found"
    not_pdf = upload(sb, token, f"{cid}.pdf", b"PK\x03\x04 zip")
    assert not_pdf.status == 400 and not_pdf.json()["message"] == "Only PDF files are allowed"
    assert upload(sb, "Bearer bad", f"{cid}.pdf", PDF).json()["message"] == "error"


def test_fv_upload_too_large_streams(sb: Sandbox) -> None:
    token = fv_token(sb)
    cid = new_contract(sb, token)
    big = b"%PDF-" + b"0" * (50 * 1024 * 1024 - 4)
    answer = upload(sb, token, f"{cid}.pdf", big)
    assert answer.status == 413 and answer.json() == {"code": 413, "status": "error", "message": "File too large"}
    record = sb.requests("/api/v1/upfile")[-1]
    assert record["multipart"][0]["size"] == len(big) and record["body_text"] is None
    assert upload(sb, token, f"{cid}.pdf", big[:-1]).status == 200


def test_fv_chunked_upload(sb: Sandbox) -> None:
    token = fv_token(sb)
    cid = new_contract(sb, token)
    body, ctype = multipart([("file", f"{cid}.pdf", PDF * 1000)])
    conn = http.client.HTTPConnection("127.0.0.1", sb.port, timeout=10)
    conn.request(
        "POST",
        "/api/v1/upfile",
        body=iter([body[i : i + 999] for i in range(0, len(body), 999)]),
        headers={"Authorization": token, "Content-Type": ctype},
        encode_chunked=True,
    )
    answer = conn.getresponse()
    assert answer.status == 200, answer.read()
    conn.close()
    stored = sb.state()["fv_contracts"][cid]["files"][0]
    assert stored["size"] == len(PDF) * 1000 and stored["sha256"] == hashlib.sha256(PDF * 1000).hexdigest()


def test_fv_send_draft_and_signers(sb: Sandbox) -> None:
    token = fv_token(sb)
    cid = new_contract(sb, token)
    signer = {
        "contractID": cid,
        "full_name": "Andri Marin",
        "email": "andri.marin@gmail.com",
        "rutId": "14666666-1",
        "phone": "961420311",
    }
    created = fv(sb, "POST", "/api/v1/signer/new", signer, token)
    assert created.status == 207 and created.json() == {"code": 207, "status": "success", "message": {}}
    assert fv(sb, "POST", "/api/v1/signer/upd", {**signer, "full_name": "A. Marin"}, token).status == 207
    sent = fv(sb, "POST", f"/api/v1/contract/send/draft/{cid}", token=token)
    message = sent.json()["message"]
    assert sent.status == 207 and message["msg"] == f"email-doc: {cid}"
    assert message["ok_count"] == 2 and message["fail_count"] == 0
    detail = message["info_detail"][1]
    assert detail["full_name"] == "A. Marin" and detail["status_mail"] == "success"
    assert detail["info_mail"]["info"] == "Correo de A. Marin fue enviado satisfactoriamente"
    assert detail["info_mail"]["tok"]["st_down"] == {"status": "sucess", "result": None}
    deleted = fv(sb, "POST", "/api/v1/signer/del", {"contractID": cid, "rutId": "14666666-1"}, token)
    assert deleted.status == 207
    for path in ("/api/v1/signer/upd", "/api/v1/signer/del"):
        missing = fv(sb, "POST", path, signer, token)
        assert missing.status == 400 and missing.json()["message"] == "Signer not found"
    for i in range(9):
        assert fv(sb, "POST", "/api/v1/signer/new", {**signer, "rutId": f"1000000{i}-1"}, token).status == 207
    eleventh = fv(sb, "POST", "/api/v1/signer/new", {**signer, "rutId": "99999999-9"}, token)
    assert eleventh.status == 400 and eleventh.json()["message"] == "VALIDATION-FAIL"


def test_express_creates_a_contract_with_its_pdf(sb: Sandbox) -> None:
    token = fv_token(sb)
    answer = express(
        sb,
        token,
        express_body(callback="https://ejemplo.com/webhook", iAgreementId=0, iPriceId=0, provider="LEXGOSIGN"),
    )
    assert answer.status == 201, answer.body
    reply = answer.json()
    assert (reply["code"], reply["status"]) == (201, "success")
    contract, signers = reply["message"]  # the default shape: CreateContract's [contract, [signers]]
    assert contract["sStatus"] == "CREATED" and contract["sContractName"] == "Prueba Venta 39 - NO COBRAR"
    assert (signers[0]["rol"], signers[0]["order"], signers[0]["portion"]) == (0, 1, "100")
    state = sb.state()["fv_contracts"][contract["sContractID"]]
    assert state["express"] is True and state["callback"] == "https://ejemplo.com/webhook"
    assert state["files"][0]["size"] == len(EXPRESS_PDF)
    assert state["files"][0]["sha256"] == hashlib.sha256(EXPRESS_PDF).hexdigest()
    assert state["sContractName"] == "Prueba Venta 39 - NO COBRAR"
    detail = fv(sb, "GET", f"/api/v1/contract/detail/{contract['sContractID']}", token=token).json()["message"]
    assert detail["archivos"] == [{"file_name": f"{contract['sContractID']}.pdf", "orden": 0}]


@pytest.mark.parametrize("shape", ["seed", "message.contract", "message.contract[]", "top", "bare", "none"])
@pytest.mark.parametrize("key", ["sContractID", "contractID", "contractId"])
def test_express_answer_shapes(sb: Sandbox, shape: str, key: str) -> None:
    assert sb.fv_shapes(express=shape, express_id_key=key)["express"] == shape
    response = express(sb, fv_token(sb), express_body())
    reply = response.json()
    assert response.status == 201
    if shape == "bare":  # no envelope at all
        assert sorted(reply) == sorted([key, "sStatus"]) and reply["sStatus"] == "CREATED"
    else:
        assert reply["status"] == "success"
    [created] = [c for c in sb.state()["fv_contracts"] if c != "307c1f32-bbb5-4cbe-a4f4-ecf20616510a"]
    found = {
        "seed": lambda: reply["message"][0].get(key),
        "message.contract": lambda: reply["message"]["contract"].get(key),
        "message.contract[]": lambda: reply["message"]["contract"][0].get(key),
        "top": lambda: reply.get(key),
        "bare": lambda: reply.get(key),
        "none": lambda: None,
    }[shape]()
    assert found == (None if shape == "none" else created)
    assert created not in json.dumps(reply) or shape != "none"


@pytest.mark.parametrize(
    "change",
    [
        {"sOwnerType": "EMPRESA"},
        {"iContractTypeFeeID": 500},
        {"iSignedCount": 2},
        {"signers": []},
        {"document": ...},
        {"document": {"content_file": "no es base64!"}},
        {"sContractName": 5},
        {"iPriceId": "0"},
    ],
)
def test_express_validation_fail(sb: Sandbox, change: dict[str, Any]) -> None:
    answer = express(sb, fv_token(sb), express_body(**change))
    assert (answer.status, answer.json()["message"]) == (400, "VALIDATION-FAIL")
    assert len(sb.state()["fv_contracts"]) == 1


@pytest.mark.parametrize(
    "signer",
    [
        {"rol": 1},
        {"order": 0},
        {"portion": "30"},
        {"rol": 3, "portion": "0"},
        {"payment": "10.00"},
        {"email": "no-mail"},
    ],
)
def test_express_signer_validation_fail(sb: Sandbox, signer: dict[str, Any]) -> None:
    body = express_body()
    body["signers"][0].update(signer)
    assert express(sb, fv_token(sb), body).status == 400


def test_express_two_payers_of_fifty(sb: Sandbox) -> None:
    body = express_body(iSignedCount=2)
    second = {**body["signers"][0], "rutId": "76795561-8", "rol": 3, "order": 2, "portion": "50"}
    body["signers"][0]["portion"] = "50"
    body["signers"].append(second)
    assert express(sb, fv_token(sb), body).status == 201


def test_express_document_must_be_a_pdf(sb: Sandbox) -> None:
    answer = express(sb, fv_token(sb), express_body(pdf=b"PK\x03\x04 a zip"))
    assert (answer.status, answer.json()["message"]) == (400, "Only PDF files are allowed")


def test_express_without_token(sb: Sandbox) -> None:
    assert (express(sb, "", express_body()).status, express(sb, "Bearer nope", express_body()).json()["message"]) == (
        400,
        "error",
    )


def test_express_long_document_is_read_as_it_streams(sb: Sandbox) -> None:
    """A 3 MB PDF: the body is read without keeping the base64 (recorded as a summary), also
    chunked and with PHP's escaped slashes."""
    pdf = b"%PDF-1.7\n" + os.urandom(3 * 1024 * 1024)
    text = json.dumps(express_body(pdf=pdf)).replace("/", "\\/").encode()
    headers = {"Authorization": fv_token(sb), "Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    conn = http.client.HTTPConnection("127.0.0.1", sb.port, timeout=30)
    conn.putrequest("POST", EXPRESS)
    for name, value in headers.items():
        conn.putheader(name, value)
    conn.endheaders()
    for start in range(0, len(text), 65531):  # an odd size: escapes and base64 quanta split across chunks
        piece = text[start : start + 65531]
        conn.send(b"%x\r\n" % len(piece) + piece + b"\r\n")
    conn.send(b"0\r\n\r\n")
    answer = conn.getresponse()
    assert answer.status == 201, answer.read()
    conn.close()
    [request] = sb.requests(EXPRESS)
    [spill] = request["spilled"]
    assert spill["base64_decoded"] == {
        "size": len(pdf),
        "sha256": hashlib.sha256(pdf).hexdigest(),
        "head": pdf[:16].decode("latin-1"),
    }
    assert request["json"]["document"]["content_file"] == "<spilled string #0>"
    assert request["body_text"] is None and request["body_size"] == len(text)


def test_express_over_50_mb_is_too_large(sb: Sandbox) -> None:
    """Streamed from a generator: neither side holds the 67 MB body."""
    size = 50 * 1024 * 1024 + 3
    head = json.dumps(express_body())[:-1].replace(
        '"document": {"content_file": "' + base64.b64encode(EXPRESS_PDF).decode() + '"}', '"x": 0'
    )
    prefix = (head + ', "document": {"content_file": "').encode()
    block = base64.b64encode(b"%PDF-" + b"\0" * (3 * 21845 - 5))
    filler = base64.b64encode(b"\0" * 3 * 21845)
    suffix = b'"}}'
    blocks = -(-size // (3 * 21845))
    length = len(prefix) + len(block) + (blocks - 1) * len(filler) + len(suffix)

    def body():
        yield prefix
        yield block
        for _ in range(blocks - 1):
            yield filler
        yield suffix

    conn = http.client.HTTPConnection("127.0.0.1", sb.port, timeout=60)
    conn.request(
        "POST",
        EXPRESS,
        body=body(),
        headers={"Authorization": fv_token(sb), "Content-Length": str(length), "Content-Type": "application/json"},
    )
    answer = conn.getresponse()
    assert (answer.status, json.loads(answer.read())["message"]) == (413, "File too large")
    conn.close()
    [spill] = sb.requests(EXPRESS)[0]["spilled"]
    assert spill["base64_decoded"]["size"] == blocks * 3 * 21845 > 50 * 1024 * 1024


def test_callbacks_are_posted_to_loopback_receivers(sb: Sandbox) -> None:
    with Receiver() as receiver:
        token = fv_token(sb)
        contract = express(sb, token, express_body(callback=receiver.url)).json()["message"][0]["sContractID"]
        assert receiver.received == []  # creation itself is not called back
        result = sb.fv_advance(contract, "SIGNED_PENDING")
        assert result["callback"]["result"] == "delivered" and result["callback"]["http_status"] == 200
        [delivery] = receiver.received
        assert delivery["path"] == "/webhooks/fv?k=1"
        assert delivery["headers"]["Content-Type"] == "application/json"
        body = json.loads(delivery["body"])
        assert set(body) == {"contract", "signers"}
        [head] = body["contract"]
        assert (head["sContractID"], head["sStatus"], head["sContractName"]) == (
            contract,
            "SIGNED_PENDING",
            "Prueba Venta 39 - NO COBRAR",
        )
        assert body["signers"][0]["rutId"] == "11111111-1"
        sb.fv_shapes(callback_contract="object")
        sb.fv_advance(contract, "FINISHED", sPaymentStatus="PAIDOUT")
        last = json.loads(receiver.received[-1]["body"])
        assert last["contract"]["sStatus"] == "FINISHED" and last["signers"][0]["sign_status"] == "ENABLE"
        assert sb.fv_advance(contract, "FINISHED")["callback"] is None  # no change, no callback
        assert [c["sStatus"] for c in sb.fv_callbacks()] == ["SIGNED_PENDING", "FINISHED"]


def test_send_draft_calls_back_review(sb: Sandbox) -> None:
    with Receiver() as receiver:
        token = fv_token(sb)
        contract = new_contract(sb, token, callback=receiver.url)
        assert fv(sb, "POST", f"/api/v1/contract/send/draft/{contract}", token=token).status == 207
        assert receiver.arrived.wait(10)
        assert json.loads(receiver.received[0]["body"])["contract"][0]["sStatus"] == "REVIEW"


@pytest.mark.parametrize("url", ["https://ejemplo.com/webhook", "http://192.0.2.1/cb", "https://127.0.0.1:1/cb"])
def test_callbacks_to_other_hosts_are_never_sent(sb: Sandbox, url: str) -> None:
    token = fv_token(sb)
    contract = express(sb, token, express_body(callback=url)).json()["message"][0]["sContractID"]
    record = sb.fv_advance(contract, "APPROVED")["callback"]
    assert record["result"] == "skipped" and "loopback" in record["error"]


def test_an_unreachable_receiver_is_recorded(sb: Sandbox) -> None:
    with Receiver() as receiver:
        url = receiver.url
    contract = express(sb, fv_token(sb), express_body(callback=url)).json()["message"][0]["sContractID"]
    assert sb.fv_advance(contract, "REJECTED")["callback"]["result"] == "failed"


def test_detail_shapes_and_payout(sb: Sandbox) -> None:
    token = fv_token(sb)
    contract = express(sb, token, express_body()).json()["message"][0]["sContractID"]
    sb.fv_advance(contract, "DELIVERED", sPaymentStatus="PAIDOUT")
    detail = fv(sb, "GET", f"/api/v1/contract/detail/{contract}", token=token).json()["message"]
    assert detail["contrato"][0]["sPaymentStatus"] == "PAIDOUT" and detail["firmantes"][0]["payment"] == "PAYOUT"
    sb.fv_shapes(detail_contrato="object")
    detail = fv(sb, "GET", f"/api/v1/contract/detail/{contract}", token=token).json()["message"]
    assert detail["contrato"]["sContractID"] == contract and detail["contrato"]["sStatus"] == "DELIVERED"
