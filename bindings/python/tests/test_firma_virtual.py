"""sello.FirmaVirtual against the sandbox: one call of every fv_ function through the binding,
written to the contract of include/sello.h (data = the service's "message" payload unwrapped, the
body's own code in meta.service_code, the token kept inside the client), progress on uploads, the
context manager. Firma Virtual's rules are tested through the .so in Tests/python/test_fv*.py."""

from __future__ import annotations

import base64
import json
from typing import Any, Dict, List, Tuple

import pytest
import sello
from sello_fixtures import FV_SIGNER as SIGNER
from sello_fixtures import SEEDED_CONTRACT

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def new_contract(fv: sello.FirmaVirtual, **overrides: Any) -> str:
    fields: Dict[str, Any] = {
        "sOwnerType": "NATURAL",
        "sPaymentStatus": "PENDING",
        "iPaymentService": 1,
        "iContractTypeFeeID": 28,
        "iSignedCount": 1,
        "callback": "https://ejemplo.com/webhook",
        "signers": [SIGNER],
    }
    fields.update(overrides)
    result = fv.create_contract(**fields)
    contract, signers = result.data
    assert signers[0]["rutId"] == "11111111-1"
    return str(contract["sContractID"])


@pytest.fixture()
def fv(fv_config) -> Any:
    with sello.FirmaVirtual(**fv_config) as client:
        yield client


@pytest.fixture()
def pdf_file(tmp_path) -> Any:
    path = tmp_path / "documento.pdf"
    path.write_bytes(PDF)
    return path


# -- users -----------------------------------------------------------------------------------------


def test_login_keeps_the_token_inside(sandbox, fv) -> None:
    result = fv.login()
    assert result["authorized"] is True and result["expires_at"]
    assert "Bearer" not in json.dumps(result.envelope) and "eyJ" not in json.dumps(result.envelope)
    [received] = sandbox.requests("/logindata")
    assert received["method"] == "POST" and received["json"]["login"] == "userapp"


def test_get_user(sandbox, fv) -> None:
    user = fv.get_user(IDUser=1)
    assert user["iUserID"] == 1 and user["sLogin"] == "userapp"
    assert sandbox.requests("/api/v1/userapp/1")[0]["method"] == "GET"


def test_create_and_update_a_user(sandbox, fv) -> None:
    created = fv.create_user(
        iProfileID=0,
        sRUT="11111111-1",
        sFirstName="Ana",
        sLastName="Rojas",
        sEmail="ana.rojas@ejemplo.cl",
        sPhone="+56911111111",
        sLogin="anarojas1",
        sPassword="Secreto.2024",
        sComments="NA",
        sUserType="NATURAL",
    )
    assert created["sLogin"] == "anarojas1"
    assert "Secreto.2024" not in json.dumps(created.envelope)
    user_id = created["iUserID"]
    updated = fv.update_user(IDUser=user_id, sFirstName="ANITA", sPhone="+56922222222")
    assert updated["sFirstName"] == "ANITA" and updated["sPhone"] == "+56922222222"
    [put] = [r for r in sandbox.requests(f"/api/v1/userapp/{user_id}") if r["method"] == "PUT"]
    assert put["json"] == {"sFirstName": "ANITA", "sPhone": "+56922222222"}


def test_reset_and_new_password(sandbox, fv) -> None:
    reset = fv.reset_password(login="userapp@firmavirtual.legal")
    assert "info" in reset.data  # {"info": ...} kept as is
    code = sandbox.fv_reset_code("userapp@firmavirtual.legal")
    changed = fv.new_password(login="userapp@firmavirtual.legal", password=code, new_password="OtraClave2")
    assert changed.data == "Password updated"
    [_, second] = sandbox.requests("/pwd/reset")
    assert second["json"]["new_password"] == "OtraClave2"
    assert code not in json.dumps(changed.envelope) and "OtraClave2" not in json.dumps(changed.envelope)


# -- contracts -------------------------------------------------------------------------------------


def test_list_contract_types(sandbox, fv) -> None:
    everything = fv.list_contract_types(QTYPE="ALL", QVALUE="0")
    assert isinstance(everything.data, list) and len(everything.data) == 117
    one = fv.list_contract_types(QTYPE="FEE", QVALUE="28")
    assert [fee["iContractTypeFeeID"] for fee in one.data] == [28]
    assert sandbox.requests("/api/v1/contract-type/FEE/28")


def test_create_get_list_and_delete_a_contract(sandbox, fv) -> None:
    contract_id = new_contract(fv)
    [created] = sandbox.requests("/api/v1/contract/create-contract")
    assert created["json"]["signers"][0]["rutId"] == "11111111-1"
    contract = fv.get_contract(IDContract=contract_id)
    assert contract["sContractID"] == contract_id and contract["iContractTypeFeeID"] == 28
    owned = fv.list_owner_contracts(IDOwner=1)
    assert {c["sContractID"] for c in owned.data} >= {contract_id, SEEDED_CONTRACT}
    detail = fv.get_contract_detail(ContractID=contract_id)
    assert detail["contrato"][0]["sContractID"] == contract_id
    assert detail["firmantes"][0]["RUT"] == "11111111-1" and detail["archivos"] == []
    deleted = fv.delete_contract(IDContract=contract_id)
    assert deleted.meta["service_code"] == 204
    assert sandbox.requests(f"/api/v1/contract/{contract_id}")[-1]["method"] == "POST"
    with pytest.raises(sello.ServiceError):
        fv.get_contract(IDContract=contract_id)


# -- documents -------------------------------------------------------------------------------------


def test_upload_list_sort_merge_and_send(sandbox, fv_config, pdf_file) -> None:
    progress: List[Tuple[int, int]] = []
    with sello.FirmaVirtual(**fv_config, on_progress=lambda done, total: progress.append((done, total))) as fv:
        contract_id = new_contract(fv)
        fv.upload_document(contractID=contract_id, file_path=pdf_file)
        fv.upload_document(contractID=contract_id, content_base64=base64.b64encode(PDF).decode())
        # Progress counts the bytes on the wire (the multipart body): done reaches total at the end.
        assert progress and progress[-1][0] == progress[-1][1] >= len(PDF)
        [upload, _] = sandbox.requests("/api/v1/upfile")
        [part] = [p for p in upload["multipart"] if p["name"] == "file"]
        assert part["filename"] == f"{contract_id}.pdf" and part["size"] == len(PDF)

        files = fv.list_files(ContractID=contract_id)
        assert len(files.data) == 2
        first, second = (f["document"] for f in files.data)
        reordered = fv.sort_files(
            contractID=contract_id,
            file_order=[
                {"document": second, "ind": 0, "action": "CHANGE"},
                {"document": first, "ind": 1, "action": "CHANGE"},
            ],
        )
        assert [f["document"] for f in reordered.data] == [second, first]
        assert reordered.meta["service_code"] == 207

        fv.merge_files(ContractID=contract_id)
        sent = fv.send_contract(IDContract=contract_id)
        assert sent["ok_count"] == 1 and sent["fail_count"] == 0
        detail = fv.get_contract_detail(ContractID=contract_id)
        assert detail["archivos"] == [{"file_name": f"{contract_id}.pdf", "orden": 0}]
        assert detail["firmantes"][0]["download_draft"] == "ENABLE"


# -- signers ---------------------------------------------------------------------------------------


def test_create_update_and_delete_a_signer(sandbox, fv) -> None:
    contract_id = new_contract(fv)
    fv.create_signer(
        contractID=contract_id,
        full_name="Maria Soto",
        email="maria@ejemplo.cl",
        rutId="22222222-2",
        phone="+56933333333",
    )
    fv.update_signer(
        contractID=contract_id,
        full_name="Maria Soto Diaz",
        email="maria@ejemplo.cl",
        rutId="22222222-2",
        phone="+56933333333",
    )
    names = [s["full_name"] for s in fv.get_contract_detail(ContractID=contract_id)["firmantes"]]
    assert "Maria Soto Diaz" in names
    fv.delete_signer(contractID=contract_id, rutId="22222222-2")
    ruts = [s["RUT"] for s in fv.get_contract_detail(ContractID=contract_id)["firmantes"]]
    assert ruts == ["11111111-1"]
    assert [r["path"] for r in sandbox.requests("/api/v1/signer/")] == [
        "/api/v1/signer/new",
        "/api/v1/signer/upd",
        "/api/v1/signer/del",
    ]


# -- the client ------------------------------------------------------------------------------------


def test_the_context_manager_closes(fv_config) -> None:
    with sello.FirmaVirtual(**fv_config) as fv:
        pass
    assert fv.closed
    with pytest.raises(sello.InvalidArgumentError):
        fv.login()
