"""FES's one method, obtenerCertificado (seed 000): the request read as Jackson would, the checks
in the service's order, one unit of quota spent per certificate."""

from __future__ import annotations

import hmac
import re
from typing import Any

from emulator.core.runtime import RUNTIME, log
from emulator.core.state import LOCK
from emulator.core.values import EMAIL_RE, b64
from emulator.plumbing.answers import Answer, html_answer, json_answer
from emulator.plumbing.request import Request
from emulator.plumbing.routing import route
from emulator.services.fes.certificates import CertificateError
from emulator.services.fes.models import FES
from emulator.services.fes.rules import rut_is_valid
from emulator.services.fes.tables import (
    FES_ALLOWED_CHARS,
    FES_ALLOWED_PASSWORD_CHARS,
    FES_ERRORS,
    FES_OK_COMMENT,
    FES_PARAMS,
    FES_PREFIX,
)


def fes_answer(code: int, comentario: str | None = None, certificado: str | None = None) -> Answer:
    """seed 000 "Parámetros de salida": always HTTP 200, estado OK/FAIL, errorCode, comentario —
    the message under the name and errorCode in the type /_sandbox/fes/style chose."""
    style = FES.style
    error_code: Any = code if style["error_code"] == "int" else str(code)
    message = FES_OK_COMMENT if code == 0 else comentario or FES_ERRORS.get(code, "Error")
    answer = {"estado": "OK" if code == 0 else "FAIL", "errorCode": error_code, style["message_key"]: message}
    if code == 0:
        answer["certificado"] = certificado
    return json_answer(200, answer)


class FesShapeError(Exception):
    """The body cannot be mapped onto the service's request type (HTTP 400, like JAX-RS)."""


def fes_scalar(value: Any, where: str) -> str | None:
    """A String field as Jackson maps it: numbers and booleans coerced, objects/arrays rejected."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    raise FesShapeError(f"cannot deserialize {where}")


def fes_object(value: Any, where: str) -> dict[str, Any] | None:
    if value is None or isinstance(value, dict):
        return value
    raise FesShapeError(f"cannot deserialize {where}")


def fes_parse(body: Any) -> tuple[str | None, str | None, dict[str, Any] | None]:
    """(usuario, clave, parametro) with String fields coerced; raises FesShapeError."""
    if not isinstance(body, dict):
        raise FesShapeError("body is not a JSON object")
    request = fes_object(body.get("request"), "request") or {}
    encabezado = fes_object(request.get("encabezado"), "encabezado") or {}
    parametro = fes_object(request.get("parametro"), "parametro")
    usuario = fes_scalar(encabezado.get("usuario"), "usuario")
    clave = fes_scalar(encabezado.get("clave"), "clave")
    if parametro is not None:
        parametro = dict(parametro)
        for name in FES_PARAMS:
            if name == "duracion":
                if isinstance(parametro.get(name), (dict, list)):
                    raise FesShapeError("cannot deserialize duracion")
            elif name in parametro:
                parametro[name] = fes_scalar(parametro[name], name)
    return usuario, clave, parametro


def fes_check_account(usuario: str | None, clave: str | None) -> int:
    """Credentials first (seed 000 errors 105, 101, 103, 108); 0 when the account may issue."""
    if usuario is None or clave is None:
        return 109
    account = FES.accounts.get(usuario)
    if account is None or not hmac.compare_digest(account.clave.encode(), clave.encode()):
        return 105
    if not account.enabled:
        return 101
    if not account.privileged:
        return 103
    if not account.company_enabled:
        return 108
    return 0


def fes_check_params(p: dict[str, Any] | None) -> tuple[int, str | None]:
    """Parameter checks in the service's order: 109, 110 (22 for correo), 102, 106, 205, 207, 208, 112."""
    if p is None or any(p.get(name) is None for name in FES_PARAMS):
        return 109, None
    for name in FES_PARAMS:
        if name != "duracion" and not str(p[name]).strip():
            # seed 000 example answer: an empty correo gives the undocumented errorCode 22.
            return (22, None) if name == "correo" else (110, None)
    for name in FES_PARAMS:
        allowed = FES_ALLOWED_PASSWORD_CHARS if name == "claveCertificado" else FES_ALLOWED_CHARS
        if name != "duracion" and not allowed.fullmatch(p[name]):
            return 102, None
    if not rut_is_valid(p["rut"]):
        return 106, None
    if not EMAIL_RE.fullmatch(p["correo"]):
        return 205, None
    duracion = p["duracion"]
    if isinstance(duracion, bool) or not isinstance(duracion, int) or duracion not in (1, 2, 3):
        return 207, None  # seed 000: "se debe enviar 1, 2 o 3 años"
    clave = p["claveCertificado"]
    if not (
        len(clave) >= 8 and re.search(r"[A-Z]", clave) and re.search(r"[a-z]", clave) and re.search(r"[0-9]", clave)
    ):
        return 208, None  # seed 000: "al menos 8 dígitos, ... mayúscula, ... minúscula y un número"
    if p["comuna"] not in RUNTIME.comunas:  # the seed's form only ("LOS ANGELES"): nothing is folded
        return 112, None
    return 0, None


@route("POST", FES_PREFIX + "/obtenerCertificado")
def fes_obtain_certificate(req: Request, _: dict[str, str]) -> Answer:
    """seed 000 obtenerCertificado: validate, spend one unit of quota, return a PKCS#12 in base64."""
    parsed, body = req.json_body()
    if not parsed:
        return html_answer(400, "The request body is not valid JSON")
    try:
        usuario, clave, parametro = fes_parse(body)
    except FesShapeError as exc:
        return html_answer(400, str(exc))
    with LOCK:
        code = fes_check_account(usuario, clave)
        if code == 0:
            code, _detail = fes_check_params(parametro)
        if code == 0:
            account = FES.accounts[usuario]  # type: ignore[index]
            if account.quota <= 0:
                code = 104
            else:
                account.quota -= 1
    if code:
        return fes_answer(code)
    assert parametro is not None and RUNTIME.certs is not None
    try:
        p12 = RUNTIME.certs.pkcs12(
            parametro["rut"],
            parametro["claveCertificado"],
            parametro["correo"],
            parametro["nombreEmpresa"],
            parametro["duracion"],
        )
    except CertificateError as exc:
        log(f"openssl failed: {exc}")
        with LOCK:
            FES.accounts[usuario].quota += 1  # type: ignore[index]
        return fes_answer(107)
    return fes_answer(0, certificado=b64(p12))
