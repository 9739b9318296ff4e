"""CFDI's control endpoints: PADE accounts (with their default CSD), the receiver's answer to a
cancellation, and how stamp answers spell the folio."""

from __future__ import annotations

from typing import Any

from emulator.control.common import ctl_error, typed_update
from emulator.core.state import LOCK
from emulator.core.values import b64_strict
from emulator.plumbing.answers import Answer, json_answer
from emulator.services.cfdi.cancel import cfdi_finish_cancel
from emulator.services.cfdi.models import CFDI, CfdiAccount, cfdi_account_json


def ctl_cfdi_account(_: dict[str, str], body: Any) -> Answer:
    if not isinstance(body, dict) or not isinstance(body.get("usuario"), str):
        return ctl_error(400, "usuario is required")
    with LOCK:
        account = CFDI.accounts.get(body["usuario"])
        if account is None:
            if not isinstance(body.get("password"), str) or not isinstance(body.get("contrato"), str):
                return ctl_error(400, "password and contrato are required for a new account")
            account = CfdiAccount(body["usuario"], body["password"], body["contrato"])
        error = typed_update(account, body, {"password": str, "contrato": str, "saldo": int, "has_default_cert": bool})
        if error:
            return ctl_error(400, error)
        if "default_csd" in body:
            csd = body["default_csd"]
            parts = (
                (b64_strict(csd.get("certBase64")), b64_strict(csd.get("keyBase64")), csd.get("keyPass"))
                if isinstance(csd, dict)
                else None
            )
            if csd is not None and (parts is None or not all(parts) or not isinstance(parts[2], str)):
                return ctl_error(400, "default_csd must be null or {certBase64, keyBase64, keyPass}")
            account.default_csd = parts  # type: ignore[assignment]
            account.has_default_cert = account.has_default_cert or parts is not None
        account.failures = 0
        CFDI.accounts[account.usuario] = account
        return json_answer(200, {"ok": True, "account": cfdi_account_json(account)})


def ctl_cfdi_receiver(_: dict[str, str], body: Any) -> Answer:
    """The receiver of a CFDI awaiting acceptance answers: accept (95, estatusCfdi 8), reject (97 on
    the next request; stays vigente) or expire (72 business hours passed: 98, estatusCfdi 10)."""
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("uuid"), str)
        or body.get("response") not in ("accept", "reject", "expire")
    ):
        return ctl_error(400, 'uuid and response ("accept", "reject" or "expire") are required')
    with LOCK:
        cfdi = CFDI.cfdis.get(body["uuid"].upper())
        if cfdi is None:
            return ctl_error(404, "no such CFDI")
        if cfdi.status != "pendiente":
            return ctl_error(409, f"the CFDI is {cfdi.status}, not awaiting the receiver")
        if body["response"] == "reject":
            cfdi.status = "rechazado"
        else:
            cfdi_finish_cancel(cfdi, 95 if body["response"] == "accept" else 98)
        return json_answer(200, {"ok": True, "status": cfdi.status, "cancel_code": cfdi.cancel_code})


def ctl_cfdi_settings(_: dict[str, str], body: Any) -> Answer:
    """uuid_element: how stamp answers spell the folio, "UUID" (default) or "uuid" (the seed's prose)."""
    if not isinstance(body, dict) or body.get("uuid_element") not in ("UUID", "uuid"):
        return ctl_error(400, 'uuid_element must be "UUID" or "uuid"')
    with LOCK:
        CFDI.uuid_element = body["uuid_element"]
    return json_answer(200, {"ok": True, "uuid_element": body["uuid_element"]})
