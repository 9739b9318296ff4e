"""Firma Virtual's contracts (seed 001): CreateContract, GetContractType, ContractOwner,
ContratcDetail, GetOneContract, DeleteContract."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from emulator.core.values import is_digits, is_int, money, utc_now
from emulator.plumbing.answers import Answer, empty_answer
from emulator.plumbing.request import Request
from emulator.plumbing.routing import route
from emulator.services.fv.auth import fv_authenticated
from emulator.services.fv.common import fv_answer, fv_body, fv_contract_not_found, fv_validation_fail
from emulator.services.fv.files import fv_sorted_files
from emulator.services.fv.models import FV, FvContract, FvSigner, FvUser
from emulator.services.fv.signers import fv_parse_signers
from emulator.services.fv.tables import FV_FEES, FV_MODALS, FV_TYPE_CODES


def fv_contract_body_valid(body: dict[str, Any], signers: list[Any] | None) -> bool:
    """CreateContract's checks (seed 001): the values its tables allow, and as many signers as
    iSignedCount says."""
    fee_id, count = body.get("iContractTypeFeeID"), body.get("iSignedCount")
    return not (
        body.get("sOwnerType") not in ("NATURAL", "LEGAL")
        or body.get("sPaymentStatus") not in ("PENDING", "PAIDOUT")
        or not is_int(body.get("iPaymentService"))
        or body["iPaymentService"] < 0
        or not is_int(fee_id)
        or fee_id not in FV_FEES
        or signers is None
        or not is_int(count)
        or count != len(signers)
        or ("callback" in body and not isinstance(body["callback"], str))
    )


@route("POST", "/api/v1/contract/create-contract")
@fv_authenticated()
def fv_create_contract(req: Request, _: dict[str, str], me: FvUser) -> Answer:
    """seed 001 CreateContract: 201 with [contract, [signers with amounts]]."""
    body = fv_body(req)
    if body is None:
        return fv_validation_fail()
    fee_id, count = body.get("iContractTypeFeeID"), body.get("iSignedCount")
    signers = fv_parse_signers(body.get("signers"))
    if not fv_contract_body_valid(body, signers):
        return fv_validation_fail()
    contract = FvContract(
        str(uuid.uuid4()),
        body["sOwnerType"],
        fee_id,
        body["sPaymentStatus"],
        count,
        me.user_id,
        utc_now(),
        FV.next_auto_id(),
        callback=body.get("callback"),
    )
    # seed 001 quirk: the sample request sends iPaymentService 1 and the answer shows 0 (only WEBPAY).
    contract.payment_service = 0
    for item, portion in signers:
        contract.signers.append(
            FvSigner(
                FV.next_signer_num(),
                item["full_name"],
                item["email"],
                item["rutId"],
                item["phone"],
                item["type"],
                portion,
            )
        )
    FV.contracts[contract.contract_id] = contract
    signer_json = [
        {
            "full_name": s.full_name,
            "phone": s.phone,
            "rutId": s.rut,
            "email": s.email,
            "type": s.signer_type,
            "portion": s.portion,
            **contract.signer_amounts(s),
        }
        for s in contract.signers
    ]
    return fv_answer(201, [contract.base_json("object"), signer_json])


@route("GET", r"/api/v1/contract-type/(?P<QTYPE>[^/]+)/(?P<QVALUE>[^/]+)")
@fv_authenticated()
def fv_contract_types(req: Request, params: dict[str, str], me: FvUser) -> Answer:
    """seed 001 GetContractType: ALL/0, TYPE|CONTRACT-TYPE/<code>, MODAL/<modal>, ID/1..26, FEE/1..117."""
    qtype, qvalue = params["QTYPE"].upper(), params["QVALUE"]
    fees = list(FV_FEES.values())
    if qtype == "ALL" and qvalue == "0":
        rows = fees
    elif qtype in ("TYPE", "CONTRACT-TYPE") and qvalue in FV_TYPE_CODES:
        rows = [f for f in fees if f.type_code == qvalue]
    elif qtype == "MODAL" and qvalue in FV_MODALS:
        rows = [f for f in fees if f.modal == qvalue]
    elif qtype == "ID" and is_digits(qvalue) and 1 <= int(qvalue) <= 26:
        rows = [f for f in fees if f.type_id == int(qvalue)]
    elif qtype == "FEE" and is_digits(qvalue) and int(qvalue) in FV_FEES:
        rows = [FV_FEES[int(qvalue)]]
    else:
        return fv_validation_fail()
    return fv_answer(200, [f.as_json() for f in rows])


@route("GET", r"/api/v1/contract/owner/(?P<IDOwner>[^/]+)")
@fv_authenticated()
def fv_owner_contracts(req: Request, params: dict[str, str], me: FvUser) -> Answer:
    """seed 001 ContractOwner: the owner's contracts (empty list when none)."""
    if not is_digits(params["IDOwner"]):
        return fv_validation_fail()
    owner = int(params["IDOwner"])
    rows = [c.listing_json() for c in FV.contracts.values() if c.owner == owner]
    return fv_answer(200, rows)


@route("GET", r"/api/v1/contract/detail/(?P<ContractID>[^/]+)")
@fv_authenticated()
def fv_contract_detail(req: Request, params: dict[str, str], me: FvUser) -> Answer:
    """seed 001 ContratcDetail: {"contrato": [...], "firmantes": [...], "archivos": [...]}."""
    contract = FV.contracts.get(params["ContractID"])
    if contract is None:
        return fv_contract_not_found()
    head = contract.listing_json()
    head.pop("Monto")
    head.update(
        {"modal": contract.fee.modal, "Repertorio": None, "autoId": contract.auto_id, "Monto": money(contract.total)}
    )
    signers = []
    # seed 001 ContratcDetail's example: the contract says PAIDOUT, its signers PAYOUT.
    signer_payment = "PAYOUT" if contract.payment_status == "PAIDOUT" else contract.payment_status
    for s in contract.signers:
        amounts = contract.signer_amounts(s)
        signers.append(
            {
                "num": s.num,
                "RUT": s.rut,
                "email": s.email,
                "full_name": s.full_name,
                "phone": s.phone,
                "portion": money(Decimal(s.portion)),
                "amount": amounts["payment"],
                "iva": amounts["iva"],
                "notaryPay": amounts["notary"],
                "totalPay": amounts["total"],
                "payment": signer_payment,
                "download_draft": s.download_draft,
                "agree_draft": s.agree_draft,
                "disagree_draft": s.disagree_draft,
                "sign_status": s.sign_status,
            }
        )
    if contract.merged:
        files = [{"file_name": f"{contract.contract_id}.pdf", "orden": 0}]
    else:
        files = [{"file_name": f.document, "orden": f.orden} for f in fv_sorted_files(contract)]
    contrato: Any = [head] if FV.shapes["detail_contrato"] == "array" else head
    return fv_answer(200, {"contrato": contrato, "firmantes": signers, "archivos": files})


@route("GET", r"/api/v1/contract/(?P<IDContract>[^/]+)")
@fv_authenticated()
def fv_get_contract(req: Request, params: dict[str, str], me: FvUser) -> Answer:
    """seed 001 GetOneContract (the seed's example has a missing "{": answered as valid JSON)."""
    contract = FV.contracts.get(params["IDContract"])
    return fv_answer(200, contract.base_json("text")) if contract else fv_contract_not_found()


@route("POST", r"/api/v1/contract/(?P<IDContract>[^/]+)")
@fv_authenticated()
def fv_delete_contract(req: Request, params: dict[str, str], me: FvUser) -> Answer:
    """seed 001 DeleteContract: POST (sic) -> body code 204 and message {}, at HTTP 200; or, with the
    shape delete=http204, HTTP 204 without a body (the seed gives no HTTP status: README)."""
    if FV.contracts.pop(params["IDContract"], None) is None:
        return fv_contract_not_found()
    if FV.shapes["delete"] == "http204":
        return empty_answer(204)
    return fv_answer(200, {}, code=204)
