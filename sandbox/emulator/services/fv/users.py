"""Firma Virtual's users (seed 001): login, GetAllUser, CreateUserApp, UpdateUserApp,
PasswordReset / NewPassword."""

from __future__ import annotations

import hmac
import random
import re

from emulator.core.state import LOCK
from emulator.core.values import EMAIL_RE, is_digits, is_int, nonempty_str
from emulator.plumbing.answers import Answer
from emulator.plumbing.request import Request
from emulator.plumbing.routing import route
from emulator.services.fv.auth import fv_authenticated, fv_issue_token
from emulator.services.fv.common import fv_answer, fv_body, fv_error, fv_find_email, fv_find_login, fv_validation_fail
from emulator.services.fv.models import FV, FvUser


@route("POST", "/logindata")
def fv_login(req: Request, _: dict[str, str]) -> Answer:
    """seed 001 UserDataLogin: login (sLogin or e-mail) + password -> "Bearer <jwt>"."""
    failed = fv_error(400, "Login failed: Email or password incorrect.")
    body = fv_body(req)
    if body is None or not isinstance(body.get("login"), str) or not isinstance(body.get("password"), str):
        return failed
    with LOCK:
        user = fv_find_login(body["login"])
        if (
            user is None
            or user.status != "ENABLE"
            or not hmac.compare_digest(user.password.encode(), body["password"].encode())
        ):
            return failed
        token = fv_issue_token(user)
    return fv_answer(200, {"Authorization": f"Bearer {token}"})


def fv_user_from_path(text: str) -> FvUser | Answer:
    if not is_digits(text):
        return fv_validation_fail()
    user = FV.users.get(int(text))
    return user if user is not None else fv_error(404, "User not found")


@route("GET", r"/api/v1/userapp/(?P<IDUser>[^/]+)")
@fv_authenticated(lambda: fv_error(400, "Login failed: Email or password incorrect."))
def fv_get_user(req: Request, params: dict[str, str], me: FvUser) -> Answer:
    """seed 001 GetAllUser; a bad token gets the catalogue's "Login failed" message."""
    user = fv_user_from_path(params["IDUser"])
    return user if isinstance(user, Answer) else fv_answer(200, user.as_json())


FV_CREATE_FIELDS = {
    "iProfileID": "int",
    "sRUT": "str",
    "sFirstName": "str",
    "sLastName": "str",
    "sEmail": "str",
    "sPhone": "str",
    "sLogin": "str",
    "sPassword": "str",
    "sComments": "opt",
    "sUserType": "opt",
}


@route("POST", "/api/v1/userapp")
def fv_create_user(req: Request, _: dict[str, str]) -> Answer:
    """seed 001 CreateUserApp (no token).  Errors at HTTP 200 in the catalogue's order."""
    body = fv_body(req)
    if body is None:
        return fv_validation_fail()
    for name, kind in FV_CREATE_FIELDS.items():
        value = body.get(name)
        if kind == "int" and name in body and not is_int(value):
            return fv_validation_fail()
        if kind == "str" and not nonempty_str(value):
            return fv_validation_fail()
        if kind == "opt" and name in body and not isinstance(value, str):
            return fv_validation_fail()
    user_type = body.get("sUserType", "NATURAL")
    if user_type not in ("NATURAL", "LEGAL") or not EMAIL_RE.fullmatch(body["sEmail"]):
        return fv_validation_fail()
    with LOCK:
        if fv_find_email(body["sEmail"]):
            return fv_error(200, "Email exists")
        if any(u.login.lower() == body["sLogin"].lower() for u in FV.users.values()):
            return fv_error(200, "THIS Login already exists")
        if not re.fullmatch(r"[A-Za-z0-9]{6,16}", body["sLogin"]):
            return fv_error(200, "Invalid Login must be alphanumeric whit 6 to 16 length")
        user = FvUser(
            FV.next_user,
            body["sLogin"],
            body["sPassword"],
            body["sEmail"],
            body["sRUT"],
            body["sPhone"],
            body["sFirstName"].upper(),
            body["sLastName"].upper(),
            profile_id=body.get("iProfileID", 0),
            comments=body.get("sComments") or "NA",
            user_type=user_type,
        )
        FV.users[user.user_id] = user
        FV.next_user += 1
        return fv_answer(201, user.as_json(secret=True))


@route("PUT", r"/api/v1/userapp/(?P<IDUser>[^/]+)")
@fv_authenticated(lambda: fv_error(200, "JWT Token invalid"))
def fv_update_user(req: Request, params: dict[str, str], me: FvUser) -> Answer:
    """seed 001 UpdateUserApp: only sFirstName, sLastName, sPhone; bad token -> 200 "JWT Token invalid"."""
    body = fv_body(req)
    allowed = {"sFirstName", "sLastName", "sPhone"}
    if not body or set(body) - allowed or not all(nonempty_str(v) for v in body.values()):
        return fv_validation_fail()
    user = fv_user_from_path(params["IDUser"])
    if isinstance(user, Answer):
        return user
    user.first_name = body.get("sFirstName", user.first_name)
    user.last_name = body.get("sLastName", user.last_name)
    user.phone = body.get("sPhone", user.phone)
    return fv_answer(200, user.as_json())


@route("POST", "/pwd/reset")
def fv_password(req: Request, _: dict[str, str]) -> Answer:
    """seed 001 PasswordReset ({"login"}) and NewPassword ({"login","password","new_password"})."""
    body = fv_body(req)
    if body is None or not isinstance(body.get("login"), str):
        return fv_validation_fail()
    with LOCK:
        if "new_password" in body:
            code, new_password = body.get("password"), body.get("new_password")
            if not (isinstance(code, str) or is_int(code)) or not nonempty_str(new_password):
                return fv_validation_fail()
            owner = fv_find_email(body["login"])
            expected = FV.reset_codes.get(owner.email.lower()) if owner else None
            if owner is None or expected is None or str(code) != expected:
                return fv_error(200, "Wrong login or password ..!")
            owner.password = str(new_password)
            del FV.reset_codes[owner.email.lower()]
            return fv_answer(200, "Password updated")
        user = fv_find_email(body["login"])
        if user is None:
            return fv_error(200, "Login / usuario desconocido..!")
        FV.reset_codes[user.email.lower()] = str(random.SystemRandom().randint(10_000_000, 99_999_999))
    return fv_answer(
        200,
        {
            "info": "Fue enviado a su email la clave temporal, la misma solo es util "
            "para ser actualizada inmediatamente "
        },
    )
