"""Firma Virtual's signers: the checks CreateContract and create-contract-express share, and
CreateSigner / UpdateSigner / DeleteSigner (seed 001)."""

from __future__ import annotations

from typing import Any

from emulator.core.values import EMAIL_RE, is_int, nonempty_str
from emulator.plumbing.answers import Answer
from emulator.plumbing.request import Request
from emulator.plumbing.routing import route
from emulator.services.fv.auth import fv_authenticated
from emulator.services.fv.common import fv_answer, fv_body, fv_contract_not_found, fv_error, fv_validation_fail
from emulator.services.fv.models import FV, FvSigner, FvUser


def fv_portion(value: Any) -> int | None:
    """portion: 100 | 50 (seed), also as strings; 0 for a signer who does not pay."""
    if is_int(value) and value in (0, 50, 100):
        return value
    if isinstance(value, str) and value in ("0", "50", "100"):
        return int(value)
    return None


def fv_payment_ok(value: Any) -> bool:
    """seed 001: "Este campo debe ir con 0.00 para todos los casos"."""
    if isinstance(value, str):
        return value in ("0.00", "0", "0.0")
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0


def fv_signer_fields_ok(item: Any) -> bool:
    if not isinstance(item, dict):
        return False
    for name in ("full_name", "email", "rutId", "phone"):
        if not nonempty_str(item.get(name)):
            return False
    return bool(EMAIL_RE.fullmatch(item["email"]))


def fv_parse_signers(signers: Any) -> list[tuple[dict[str, Any], int]] | None:
    """signers[1..10], each NATURAL|LEGAL, one payer at 100 or two at 50."""
    if not isinstance(signers, list) or not 1 <= len(signers) <= 10:
        return None
    parsed = []
    for item in signers:
        if not fv_signer_fields_ok(item) or item.get("type") not in ("NATURAL", "LEGAL"):
            return None
        portion = fv_portion(item.get("portion"))
        if portion is None or not fv_payment_ok(item.get("payment")):
            return None
        parsed.append((item, portion))
    payers = sorted(p for _, p in parsed if p > 0)
    return parsed if payers in ([100], [50, 50]) else None


def fv_express_signers(signers: Any) -> list[dict[str, Any]] | None:
    """As fv_parse_signers, plus the fields the integrations add: rol 0 (signs) or 3 (pays) and a
    positive order; portion written as a string ("100") as both integrations do, or a number."""
    if not isinstance(signers, list) or not 1 <= len(signers) <= 10:
        return None
    parsed = []
    for item in signers:
        if (
            not fv_signer_fields_ok(item)
            or item.get("type", "NATURAL") not in ("NATURAL", "LEGAL")
            or item.get("rol", 0) not in (0, 3)
            or not is_int(item.get("rol", 0))
            or not is_int(item.get("order", 1))
            or item.get("order", 1) < 1
        ):
            return None
        portion = fv_portion(item.get("portion", "0"))
        if portion is None or not fv_payment_ok(item.get("payment", "0.00")) or (item.get("rol") == 3 and portion == 0):
            return None
        parsed.append({**item, "portion": portion})
    payers = sorted(s["portion"] for s in parsed if s["portion"] > 0)
    return parsed if payers in ([100], [50, 50]) else None


@route("POST", r"/api/v1/signer/(?P<action>new|upd|del)")
@fv_authenticated()
def fv_signer(req: Request, params: dict[str, str], me: FvUser) -> Answer:
    """seed 001 CreateSigner / UpdateSigner / DeleteSigner: 207 {}; at most 10 signers."""
    body = fv_body(req)
    action = params["action"]
    if body is None or not isinstance(body.get("contractID"), str) or not nonempty_str(body.get("rutId")):
        return fv_validation_fail()
    if action != "del" and not fv_signer_fields_ok(body):
        return fv_validation_fail()
    contract = FV.contracts.get(body["contractID"])
    if contract is None:
        return fv_contract_not_found()
    existing = next((s for s in contract.signers if s.rut == body["rutId"]), None)
    if action == "new":
        if existing is not None or len(contract.signers) >= 10:
            return fv_validation_fail()
        contract.signers.append(
            FvSigner(FV.next_signer_num(), body["full_name"], body["email"], body["rutId"], body["phone"])
        )
    elif existing is None:
        return fv_error(400, "Signer not found")
    elif action == "upd":
        existing.full_name, existing.email, existing.phone = body["full_name"], body["email"], body["phone"]
    else:
        contract.signers.remove(existing)
    return fv_answer(207, {})
