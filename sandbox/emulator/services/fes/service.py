"""FES as the sandbox sees it: its routing table and its fault hooks."""

from __future__ import annotations

import os
import urllib.parse
from typing import Any

from emulator.core.runtime import RUNTIME
from emulator.core.values import b64
from emulator.plumbing.answers import Answer, json_answer
from emulator.plumbing.request import Request
from emulator.plumbing.routing import table
from emulator.services.base import Service
from emulator.services.fes.certificates import CertificateError
from emulator.services.fes.models import FES
from emulator.services.fes.routes import fes_answer, fes_obtain_certificate
from emulator.services.fes.tables import FES_ERRORS, FES_OK_COMMENT, FES_PREFIX

FES_ROUTES = table(fes_obtain_certificate)


def fes_service_error(req: Request, code: int, message: str | None) -> Answer:
    """fault service_error: {"estado":"FAIL","errorCode":code,"comentario":<seed text or message>}."""
    return fes_answer(code, message or FES_ERRORS.get(code, "Error"))


def bad_certificate(req: Request, p: dict[str, Any], answer: Answer) -> Answer:
    """fault bad_certificate: a success answer whose certificado is not a PKCS#12."""
    if isinstance(answer.obj, dict) and answer.obj.get("estado") == "OK":
        answer = fes_answer(0, certificado=b64(b"NOT A PKCS#12 " + os.urandom(256)))
    return answer


def odd_certificate(req: Request, p: dict[str, Any], answer: Answer) -> Answer:
    """fault odd_certificate: a success answer whose certificado is not plain base64, by `style`:
    `missing` (no member), `empty` (""), `percent` (the real PKCS#12's base64 percent-encoded, as
    a form-encoding layer would write it). Not seen from FES: what a client must survive, since an
    issued certificate cannot be downloaded again (CHILE_2026.md §2.2 #12)."""
    if isinstance(answer.obj, dict) and answer.obj.get("estado") == "OK":
        obj = dict(answer.obj)
        if p["style"] == "missing":
            obj.pop("certificado", None)
        elif p["style"] == "empty":
            obj["certificado"] = ""
        else:
            obj["certificado"] = urllib.parse.quote(obj["certificado"], safe="")
        answer = json_answer(200, obj)
    return answer


def wrong_rut_certificate(req: Request, p: dict[str, Any], answer: Answer) -> Answer:
    """fault wrong_rut_certificate: a success answer with a real PKCS#12 issued for another RUT."""
    if isinstance(answer.obj, dict) and answer.obj.get("estado") == "OK" and RUNTIME.certs is not None:
        _, body = req.json_body()
        param = body["request"]["parametro"]
        try:
            p12 = RUNTIME.certs.pkcs12(
                p["rut"], param["claveCertificado"], param["correo"], param["nombreEmpresa"], param["duracion"]
            )
            answer = fes_answer(0, certificado=b64(p12))
        except CertificateError:
            answer = fes_answer(107)
    return answer


SERVICE = Service(
    name="fes",
    prefix=FES_PREFIX,
    routes=FES_ROUTES,
    reset=FES.reset,
    view=FES.view,
    service_error=fes_service_error,
    huge_frame=(
        b'{"estado":"OK","errorCode":0,"comentario":"' + FES_OK_COMMENT.encode() + b'","certificado":"',
        b"A",
        b'"}',
    ),
    answer_faults={
        "bad_certificate": bad_certificate,
        "odd_certificate": odd_certificate,
        "wrong_rut_certificate": wrong_rut_certificate,
    },
)
