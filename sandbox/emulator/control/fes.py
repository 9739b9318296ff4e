"""FES's control endpoints: its accounts and its answer spelling."""

from __future__ import annotations

import dataclasses
from typing import Any

from emulator.control.common import ctl_choose, ctl_error, typed_update
from emulator.core.state import LOCK
from emulator.plumbing.answers import Answer, json_answer
from emulator.services.fes.models import FES, FesAccount
from emulator.services.fes.tables import FES_STYLES


def ctl_fes_account(_: dict[str, str], body: Any) -> Answer:
    if not isinstance(body, dict) or not isinstance(body.get("usuario"), str):
        return ctl_error(400, "usuario is required")
    with LOCK:
        account = FES.accounts.get(body["usuario"])
        if account is None:
            if not isinstance(body.get("clave"), str):
                return ctl_error(400, "clave is required for a new account")
            account = FesAccount(body["usuario"], body["clave"])
        error = typed_update(
            account, body, {"clave": str, "enabled": bool, "privileged": bool, "company_enabled": bool, "quota": int}
        )
        if error:
            return ctl_error(400, error)
        FES.accounts[account.usuario] = account
        return json_answer(200, {"ok": True, "account": dataclasses.asdict(account)})


def ctl_fes_style(_: dict[str, str], body: Any) -> Answer:
    return ctl_choose(FES_STYLES, FES.style, body)
