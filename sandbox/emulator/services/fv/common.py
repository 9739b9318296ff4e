"""What every Firma Virtual route shares: the {"code", "status", "message"} answer, the JSON
body, and finding a user by login or e-mail."""

from __future__ import annotations

from typing import Any

from emulator.plumbing.answers import Answer, json_answer
from emulator.plumbing.request import Request
from emulator.services.fv.models import FV, FvUser


def fv_answer(http_status: int, message: Any, *, code: int | None = None, status: str = "success") -> Answer:
    """seed 001: every answer is {"code", "status", "message"}; code may differ from HTTP status."""
    return json_answer(
        http_status, {"code": http_status if code is None else code, "status": status, "message": message}, style="php"
    )


def fv_error(http_status: int, message: str, code: int | None = None) -> Answer:
    return fv_answer(http_status, message, code=code, status="error")


def fv_validation_fail() -> Answer:
    """seed 001 CreateContract catalogue: "VALIDATION-FAIL", 400 — used for every type/shape error."""
    return fv_error(400, "VALIDATION-FAIL")


def fv_contract_not_found() -> Answer:
    return fv_error(404, "Contract not found")


def fv_body(req: Request) -> dict[str, Any] | None:
    parsed, body = req.json_body()
    return body if parsed and isinstance(body, dict) else None


def fv_find_login(login: str) -> FvUser | None:
    for user in FV.users.values():
        if user.login == login or user.email.lower() == login.lower():
            return user
    return None


def fv_find_email(email: str) -> FvUser | None:
    for user in FV.users.values():
        if user.email.lower() == email.strip().lower():
            return user
    return None
