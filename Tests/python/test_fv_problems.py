"""Firma Virtual's local checks report every problem of a request at once (issue 13: "validation
collecting every problem, as FES does today"), through libsello.so: the error is the first problem
in the order the fields are checked (so its kind and code are what they were when the check
stopped there), and `details.problems` lists each one with its field, nested fields named inside
their member (`signers[1].email`). Nothing is sent."""

from __future__ import annotations

from typing import Any

from fv_support import fv  # noqa: F401  (fixtures, requested by name)
from sello_ffi import listed_problems
from sello_fixtures import FV_SIGNER as SIGNER
from sello_fixtures import SEEDED_CONTRACT as SEED_CONTRACT

SECOND = {**SIGNER, "full_name": "Ana Rojas", "rutId": "22222222-2", "portion": "0"}
CONTRACT = {
    "sOwnerType": "NATURAL",
    "iContractTypeFeeID": 28,
    "iSignedCount": 2,
    "signers": [SIGNER, SECOND],
}
EXPRESS_SIGNER = {**SIGNER, "rutId": "11.111.111-1", "phone": "9 1234 5678", "rol": 0, "portion": 100}


def problems(envelope: dict[str, Any], kind: str, code: str) -> list[tuple[str, str]]:
    """The error's (field, code) of every problem, after checking the first one's kind and code."""
    assert (envelope["error"]["kind"], envelope["error"]["code"]) == (kind, code), envelope
    return listed_problems(envelope)


def test_create_user_lists_every_problem(sandbox, fv):
    request = {
        "sRUT": "11111111-1",
        "sLastName": "Rojas",
        "sEmail": "no-at-sign",
        "sPhone": "12",
        "sLogin": "anarojas9",
        "sPassword": "Clave.Segura9",
    }
    found = problems(fv.call("create_user", request), "invalid_argument", "MISSING_FIELD")
    assert [field for field, _ in found] == ["sFirstName", "sEmail", "sPhone"]
    assert sandbox.requests() == []


def test_create_contract_lists_problems_of_the_contract_and_of_each_signer(sandbox, fv):
    request = {
        **CONTRACT,
        "sOwnerType": "EMPRESA",
        "iContractTypeFeeID": 0,
        "signers": [{**SIGNER, "email": "x"}, {**SECOND, "rutId": "22222222-9", "type": "ROBOT"}],
    }
    found = problems(fv.call("create_contract", request), "validation", "OWNER_TYPE_INVALID")
    assert found == [
        ("sOwnerType", "OWNER_TYPE_INVALID"),
        ("iContractTypeFeeID", "FEE_ID_INVALID"),
        ("signers[0].email", "EMAIL_INVALID"),
        ("signers[1].rutId", "RUT_INVALIDO"),
        ("signers[1].type", "SIGNER_TYPE_INVALID"),
    ]
    assert sandbox.requests() == []


def test_a_missing_member_of_a_signer_is_named_inside_the_signer(sandbox, fv):
    second = {k: v for k, v in SECOND.items() if k != "phone"}
    found = problems(
        fv.call("create_contract", {**CONTRACT, "signers": [{**SIGNER, "email": "x"}, second]}),
        "validation",
        "EMAIL_INVALID",
    )
    assert found == [("signers[0].email", "EMAIL_INVALID"), ("signers[1].phone", "MISSING_FIELD")]


def test_express_lists_every_problem(sandbox, fv, tmp_path):
    pdf = tmp_path / "contrato.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + b"0" * 100)
    request = {
        "sOwnerType": "NATURAL",
        "iContractTypeFeeID": 0,
        "signers": [{**EXPRESS_SIGNER, "rol": 7, "order": 0}],
        "iPriceId": -1,
        "file_path": str(pdf),
    }
    found = problems(fv.call("create_contract_express", request), "validation", "FEE_ID_INVALID")
    assert found == [
        ("iContractTypeFeeID", "FEE_ID_INVALID"),
        ("signers[0].rol", "ROL_INVALID"),
        ("signers[0].order", "ORDER_INVALID"),
        ("iPriceId", "PRICE_ID_INVALID"),
    ]
    assert sandbox.requests() == []


def test_signer_operations_list_every_problem(sandbox, fv):
    request = {"contractID": "not-a-uuid", "full_name": " ", "email": "x", "rutId": "1-1", "phone": "1"}
    for operation in ("create_signer", "update_signer"):
        found = problems(fv.call(operation, request), "validation", "CONTRACT_ID_INVALID")
        assert [field for field, _ in found] == ["contractID", "full_name", "email", "rutId", "phone"]
    found = problems(fv.call("delete_signer", {"contractID": "x", "rutId": ""}), "validation", "CONTRACT_ID_INVALID")
    assert [field for field, _ in found] == ["contractID", "rutId"]
    assert sandbox.requests() == []


def test_sort_files_lists_the_problems_of_every_entry(sandbox, fv):
    order = [
        {"document": "a.pdf", "ind": -1, "action": "CHANGE"},
        {"document": "b.pdf", "ind": 1, "action": "MOVE"},
    ]
    found = problems(
        fv.call("sort_files", {"contractID": SEED_CONTRACT, "file_order": order}), "validation", "FILE_ORDER_INVALID"
    )
    assert [field for field, _ in found] == ["file_order[0].ind", "file_order[1].action"]


def test_new_password_lists_every_problem(sandbox, fv):
    found = problems(fv.call("new_password", {"login": "x", "password": " "}), "validation", "EMAIL_INVALID")
    assert [field for field, _ in found] == ["login", "password", "new_password"]


def test_list_contract_types_lists_both_query_problems(sandbox, fv):
    # QVALUE may be left out for QTYPE ALL only: with QTYPE missing or unknown, it is still required
    found = problems(fv.call("list_contract_types", {}), "invalid_argument", "MISSING_FIELD")
    assert found == [("QTYPE", "MISSING_FIELD"), ("QVALUE", "MISSING_FIELD")]
    found = problems(fv.call("list_contract_types", {"QTYPE": "NAME"}), "validation", "QTYPE_INVALID")
    assert found == [("QTYPE", "QTYPE_INVALID"), ("QVALUE", "MISSING_FIELD")]
    # a QVALUE is judged against its QTYPE: with the QTYPE wrong, only the QTYPE is reported
    envelope = fv.call("list_contract_types", {"QTYPE": "NAME", "QVALUE": "x"})
    assert envelope["error"]["field"] == "QTYPE" and "problems" not in (envelope["error"].get("details") or {})
    assert sandbox.requests() == []


def test_one_problem_is_reported_alone(sandbox, fv):
    envelope = fv.call("create_contract", {**CONTRACT, "sOwnerType": "EMPRESA"})
    assert envelope["error"]["code"] == "OWNER_TYPE_INVALID"
    assert "problems" not in (envelope["error"].get("details") or {})


def test_each_message_names_the_signer_it_is_about(sandbox, fv, tmp_path):
    pdf = tmp_path / "contrato.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + b"0" * 100)
    second = {**EXPRESS_SIGNER, "rutId": "22.222.222-2", "portion": 0, "email": "x", "phone": "12"}
    envelope = fv.call(
        "create_contract_express",
        {"sOwnerType": "NATURAL", "iContractTypeFeeID": 49, "signers": [EXPRESS_SIGNER, second], "file_path": str(pdf)},
    )
    listed = envelope["error"]["details"]["problems"]
    assert [p["field"] for p in listed] == ["signers[1].email", "signers[1].phone"]
    assert all(p["message"].startswith(p["field"] + ":") for p in listed), listed
    envelope = fv.call("create_contract", {**CONTRACT, "signers": [SIGNER, {**SECOND, "email": "x", "phone": "1"}]})
    listed = envelope["error"]["details"]["problems"]
    assert all(p["message"].startswith(p["field"] + ":") for p in listed), listed
    assert sandbox.requests() == []
