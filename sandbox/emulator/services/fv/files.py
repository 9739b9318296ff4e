"""Firma Virtual's documents (seed 001): upload, FileList, SortFiles, MergedFile, and
SendContract, which e-mails the signers."""

from __future__ import annotations

import secrets
from typing import Any

from emulator.core.values import is_int
from emulator.plumbing.answers import Answer
from emulator.plumbing.request import Request
from emulator.plumbing.routing import route
from emulator.services.fv.auth import fv_authenticated
from emulator.services.fv.callbacks import fv_deliver_later, fv_set_status
from emulator.services.fv.common import fv_answer, fv_body, fv_contract_not_found, fv_error, fv_validation_fail
from emulator.services.fv.models import FV, FvContract, FvFile, FvUser
from emulator.services.fv.tables import FV_MAX_FILE


def fv_sorted_files(contract: FvContract) -> list[FvFile]:
    return sorted(contract.files, key=lambda f: f.orden)


def fv_file_list(contract: FvContract) -> list[dict[str, Any]]:
    return [
        {
            "contractID": contract.contract_id,
            "document": f.document,
            "url": f.document,
            "description": "NA",
            "orden": f.orden,
        }
        for f in fv_sorted_files(contract)
    ]


@route("POST", "/api/v1/upfile")
@fv_authenticated()
def fv_upload(req: Request, _: dict[str, str], me: FvUser) -> Answer:
    """seed 001 SubirDocumentos: multipart part "file" named <contractID>.pdf, PDF only, <= 50 MB."""
    if req.multipart is None or req.multipart_error:
        return fv_validation_fail()
    part = next((p for p in req.multipart if p.name == "file" and p.filename is not None), None)
    if part is None or part.filename is None:
        return fv_validation_fail()
    if part.size > FV_MAX_FILE:
        return fv_error(413, "File too large")
    filename = part.filename.replace("\\", "/").rsplit("/", 1)[-1]
    contract_id = filename[:-4] if filename.lower().endswith(".pdf") else None
    contract = FV.contracts.get(contract_id or "")
    if contract is None:
        return fv_error(400, "Contract not found")
    if not part.head.startswith(b"%PDF-"):
        return fv_error(400, "Only PDF files are allowed")
    document = f"{contract.contract_id}_{secrets.randbelow(10**9):09d}.pdf"
    orden = max((f.orden for f in contract.files), default=-1) + 1
    contract.files.append(FvFile(document, orden, part.size, part.digest.hexdigest()))
    contract.merged = False
    return fv_answer(200, {})


@route("GET", r"/api/v1/filelist/(?P<ContractID>[^/]+)")
@fv_authenticated()
def fv_list_files(req: Request, params: dict[str, str], me: FvUser) -> Answer:
    """seed 001 FileList."""
    contract = FV.contracts.get(params["ContractID"])
    return fv_answer(200, fv_file_list(contract)) if contract else fv_contract_not_found()


@route("POST", "/api/v1/sortfiles")
@fv_authenticated()
def fv_sort_files(req: Request, _: dict[str, str], me: FvUser) -> Answer:
    """seed 001 SortFiles: CHANGE sets a file's orden to ind, REMOVE drops it; 207 with the new list."""
    body = fv_body(req)
    if body is None or not isinstance(body.get("contractID"), str) or not isinstance(body.get("file_order"), list):
        return fv_validation_fail()
    contract = FV.contracts.get(body["contractID"])
    if contract is None:
        return fv_contract_not_found()
    by_name = {f.document: f for f in contract.files}
    for item in body["file_order"]:
        if (
            not isinstance(item, dict)
            or item.get("document") not in by_name
            or not is_int(item.get("ind"))
            or item.get("action") not in ("CHANGE", "REMOVE")
        ):
            return fv_validation_fail()
    for item in body["file_order"]:
        target = by_name[item["document"]]
        if item["action"] == "REMOVE":
            if target in contract.files:
                contract.files.remove(target)
        else:
            target.orden = item["ind"]
    contract.merged = False
    return fv_answer(207, fv_file_list(contract))


@route("POST", r"/api/v1/contract/merge/(?P<ContractID>[^/]+)")
@fv_authenticated()
def fv_merge(req: Request, params: dict[str, str], me: FvUser) -> Answer:
    """seed 001 MergedFile: 207 {}; needs at least one uploaded file."""
    contract = FV.contracts.get(params["ContractID"])
    if contract is None:
        return fv_contract_not_found()
    if not contract.files:
        return fv_error(400, "No files to merge")
    contract.merged = True
    return fv_answer(207, {})


@route("POST", r"/api/v1/contract/send/draft/(?P<IDContract>[^/]+)")
@fv_authenticated()
def fv_send_draft(req: Request, params: dict[str, str], me: FvUser) -> Answer:
    """seed 001 SendContract: 207 with one mail report per signer (the seed's "sucess" spelling kept)."""
    contract = FV.contracts.get(params["IDContract"])
    if contract is None:
        return fv_contract_not_found()
    details = []
    for signer in contract.signers:
        signer.download_draft = "ENABLE"
        pending = {"status": "sucess", "result": None}
        details.append(
            {
                "full_name": signer.full_name,
                "email": signer.email,
                "status_mail": "success",
                "info_mail": {
                    "info": f"Correo de {signer.full_name} fue enviado satisfactoriamente",
                    "result": {},
                    "tok": {
                        "download": secrets.token_hex(32),
                        "agree": secrets.token_hex(32),
                        "disagree": secrets.token_hex(32),
                        "st_down": dict(pending),
                        "st_ag": dict(pending),
                        "st_disag": dict(pending),
                    },
                },
            }
        )
    if contract.status == "CREATED":
        fv_deliver_later(fv_set_status(contract, "REVIEW"))
    return fv_answer(
        207,
        {
            "msg": f"email-doc: {contract.contract_id}",
            "ok_count": len(details),
            "fail_count": 0,
            "info_detail": details,
        },
    )
