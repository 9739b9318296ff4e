"""create-contract-express (CHILE_2026.md §1.3: not in the seed): the contract, its signers and
its PDF in one call, the PDF read as it streams; the answer in the shape the tests chose."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from emulator.core.values import b64_strict, is_int, utc_now
from emulator.plumbing.answers import Answer, json_answer
from emulator.plumbing.request import Request
from emulator.plumbing.routing import route
from emulator.services.fv.auth import fv_authenticated
from emulator.services.fv.callbacks import fv_callback_signer
from emulator.services.fv.common import fv_answer, fv_body, fv_error, fv_validation_fail
from emulator.services.fv.models import FV, FvContract, FvFile, FvSigner, FvUser
from emulator.services.fv.signers import fv_express_signers
from emulator.services.fv.tables import FV_EXPRESS_PATH, FV_FEES, FV_MAX_FILE


def fv_express_document(req: Request, value: Any) -> tuple[int, str, bytes] | Answer:
    """(size, sha256, first bytes) of document.content_file, read as base64 (streamed when long)."""
    spill = req.spiller.spilled(value) if req.spiller is not None else None
    if spill is not None:
        summary = spill.summary()["base64_decoded"]
        if summary is None:
            return fv_validation_fail()
        size, sha256, head = summary["size"], summary["sha256"], summary["head"].encode("latin-1")
    else:
        data = b64_strict(value) if isinstance(value, str) else None
        if data is None:
            return fv_validation_fail()
        size, sha256, head = len(data), hashlib.sha256(data).hexdigest(), data[:16]
    if size > FV_MAX_FILE:
        return fv_error(413, "File too large")
    if not head.startswith(b"%PDF-"):
        return fv_error(400, "Only PDF files are allowed")
    return size, sha256, head


@route("POST", FV_EXPRESS_PATH)
@fv_authenticated()
def fv_create_contract_express(req: Request, _: dict[str, str], me: FvUser) -> Answer:
    """create-contract-express: the contract, its signers and its PDF (document.content_file, base64)
    in one call; the answer's shape is chosen by /_sandbox/fv/shapes ("express")."""
    body = fv_body(req)
    if body is None:
        return fv_validation_fail()
    fee_id, count = body.get("iContractTypeFeeID"), body.get("iSignedCount")
    signers = fv_express_signers(body.get("signers"))
    document = body.get("document")
    if (
        body.get("sOwnerType") not in ("NATURAL", "LEGAL")
        or not is_int(fee_id)
        or fee_id not in FV_FEES
        or signers is None
        or not is_int(count)
        or count != len(signers)
        or not isinstance(document, dict)
        or any(key in body and not isinstance(body[key], str) for key in ("sContractName", "callback", "provider"))
        or any(key in body and not is_int(body[key]) for key in ("iAgreementId", "iPriceId"))
    ):
        return fv_validation_fail()
    pdf = fv_express_document(req, document.get("content_file"))
    if isinstance(pdf, Answer):
        return pdf
    size, sha256, _head = pdf
    contract = FvContract(
        str(uuid.uuid4()),
        body["sOwnerType"],
        fee_id,
        "PENDING",
        count,
        me.user_id,
        utc_now(),
        FV.next_auto_id(),
        callback=body.get("callback"),
        name=body.get("sContractName"),
        express=True,
    )
    for item in signers:
        contract.signers.append(
            FvSigner(
                FV.next_signer_num(),
                item["full_name"],
                item["email"],
                item["rutId"],
                item["phone"],
                item.get("type", "NATURAL"),
                item["portion"],
                rol=item.get("rol", 0),
                order=item.get("order", 1),
            )
        )
    contract.files.append(FvFile(f"{contract.contract_id}.pdf", 0, size, sha256))
    contract.merged = True  # one document, as a merge leaves it
    FV.contracts[contract.contract_id] = contract
    return fv_express_answer(contract)


def fv_express_answer(contract: FvContract) -> Answer:
    """The answer in the shape the tests chose; the contract id under the chosen key."""
    head = contract.base_json("text")
    key = FV.shapes["express_id_key"]
    head = {(key if name == "sContractID" else name): value for name, value in head.items()}
    if contract.name:
        head["sContractName"] = contract.name
    signers = [fv_callback_signer(s) for s in contract.signers]
    shape = FV.shapes["express"]
    if shape == "seed":  # CreateContract's [contract, [signers]]
        return fv_answer(201, [head, signers])
    if shape == "message.contract":
        return fv_answer(201, {"contract": head, "signers": signers})
    if shape == "message.contract[]":
        return fv_answer(201, {"contract": [head], "signers": signers})
    if shape == "top":  # GT: sContractID and sStatus beside code/status/message
        return json_answer(
            201,
            {
                "code": 201,
                "status": "success",
                "message": "Contrato creado",
                key: contract.contract_id,
                "sStatus": contract.status,
            },
            style="php",
        )
    if shape == "bare":  # GT's expectation: only sContractID and sStatus, no code/status/message
        return json_answer(201, {key: contract.contract_id, "sStatus": contract.status}, style="php")
    return fv_answer(201, {"msg": "Contrato creado"})  # "none": no id anywhere
