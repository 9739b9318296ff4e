"""Firma Virtual's control endpoints: tokens, the password-reset code, answer shapes, and what
signers, payers and notaries do (a contract's status, with its callback)."""

from __future__ import annotations

from typing import Any

from emulator.control.common import ctl_choose, ctl_error
from emulator.core.state import LOCK
from emulator.core.values import is_int, nonempty_str
from emulator.plumbing.answers import Answer, json_answer
from emulator.services.fv.callbacks import fv_set_status
from emulator.services.fv.models import FV
from emulator.services.fv.tables import FV_SHAPES


def ctl_fv_token_ttl(_: dict[str, str], body: Any) -> Answer:
    if not isinstance(body, dict) or not is_int(body.get("seconds")):
        return ctl_error(400, "seconds must be an integer")
    with LOCK:
        FV.token_ttl = body["seconds"]
    return json_answer(200, {"ok": True, "seconds": body["seconds"]})


def ctl_fv_invalidate(_: dict[str, str], __: Any) -> Answer:
    with LOCK:
        count = len(FV.tokens)
        FV.tokens.clear()
    return json_answer(200, {"ok": True, "invalidated": count})


def ctl_fv_reset_code(query: dict[str, str], _: Any) -> Answer:
    login = (query.get("login") or "").strip().lower()
    with LOCK:
        code = FV.reset_codes.get(login)
    if code is None:
        return ctl_error(404, "no reset code for that login")
    return json_answer(200, {"login": login, "code": code})


def ctl_fv_shapes(_: dict[str, str], body: Any) -> Answer:
    return ctl_choose(FV_SHAPES, FV.shapes, body)


def ctl_fv_advance(_: dict[str, str], body: Any) -> Answer:
    """{"contract", "status", "sPaymentStatus"?}: what the service does when signers sign, pay or a
    notary acts; the contract's callback, if it has one, is delivered before the answer."""
    if not isinstance(body, dict) or not isinstance(body.get("contract"), str) or not nonempty_str(body.get("status")):
        return ctl_error(400, "contract (an id) and status (a non-empty string) are required")
    payment = body.get("sPaymentStatus")
    if payment is not None and payment not in ("PENDING", "PAIDOUT"):
        return ctl_error(400, "sPaymentStatus must be PENDING or PAIDOUT")
    with LOCK:
        contract = FV.contracts.get(body["contract"])
        if contract is None:
            return ctl_error(404, "no such contract")
        if payment is not None:
            contract.payment_status = payment
        delivery = fv_set_status(contract, body["status"])
    record = delivery() if delivery is not None else None
    return json_answer(200, {"ok": True, "sStatus": body["status"], "callback": record})


def ctl_fv_callbacks(_: dict[str, str], __: Any) -> Answer:
    with LOCK:
        return json_answer(200, list(FV.callbacks))
