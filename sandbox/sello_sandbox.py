#!/usr/bin/env python3
"""Local sandbox for the three services that `sello` talks to.

* FES — Certificadora del Sur, certificate issuing (seed ``000_729202c9400ce098.txt``)
* WSFV — Firma Virtual (seed ``001_55af1531e51ffaff.txt``)
* CFDI — Prodigia / PADE integration API (seed ``002_d95a5fe9f9453e91.txt``)

Python 3.11 standard library only, plus the ``openssl`` command line tool for real PKCS#12
certificates.  The server binds a loopback address only, prints ``SANDBOX_PORT=<n>`` as its first
line on stdout and serves until SIGTERM/SIGINT.  See ``sandbox/README.md`` for the control API,
the fault modes and every choice made where the seeds are silent.

Comments of the form ``seed 000: ...`` name the seed passage a behaviour comes from.
"""
from __future__ import annotations

import argparse
import dataclasses
import http
import json
import shutil
import signal
import socket
import ssl
import sys
import tempfile
import threading
import time
import traceback
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote

from emulator.core.runtime import RUNTIME, log
from emulator.core.state import LOCK, RECORDER
from emulator.core.values import b64_strict, is_int, loopback_host, nonempty_str
from emulator.plumbing.answers import Answer, empty_answer, encode_json, html_answer, json_answer
from emulator.plumbing.bodies import IO_CHUNK, BadFraming, ClientGone
from emulator.plumbing.connection import MAX_FAULT_SECONDS, Connection
from emulator.plumbing.request import Request
from emulator.plumbing.routing import dispatch
from emulator.services.fes.certificates import CertificateFactory
from emulator.services.fes.models import FES, FesAccount
from emulator.services.fes.rules import load_comunas
from emulator.services.fes.service import SERVICE as FES_SERVICE
from emulator.services.fes.tables import FES_PREFIX, FES_STYLES
from emulator.services.cfdi.cancel import cfdi_finish_cancel
from emulator.services.cfdi.models import CFDI, CfdiAccount, cfdi_account_json
from emulator.services.cfdi.sealer import Sealer
from emulator.services.cfdi.service import SERVICE as CFDI_SERVICE
from emulator.services.fv.callbacks import fv_set_status
from emulator.services.fv.models import FV
from emulator.services.fv.service import SERVICE as FV_SERVICE
from emulator.services.fv.tables import FV_SHAPES

# --------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------

CONTROL_PREFIX = "/_sandbox"


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# Answers: the one place for JSON, one for XML, one for HTML
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# Seed tables
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# Certificates (openssl CLI)
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# Service state (one lock for everything)
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Fault:
    fault_id: int
    mode: str
    prefix: str | None
    count: int
    params: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {"id": self.fault_id, "mode": self.mode, "prefix": self.prefix, "count": self.count,
                **self.params}


class State:
    """Everything the sandbox remembers; ``lock`` guards all of it."""

    def __init__(self) -> None:
        self.lock = LOCK
        self.reset()

    # -- seeding ------------------------------------------------------------------------------
    def reset(self) -> None:
        with self.lock:
            RECORDER.reset()
            self.faults: list[Fault] = []
            self.fault_seq = 0
            FES.reset()
            FV.reset()
            CFDI.reset()

    # -- faults --------------------------------------------------------------------------------
    def add_fault(self, mode: str, prefix: str | None, count: int, params: dict[str, Any]) -> Fault:
        with self.lock:
            self.fault_seq += 1
            fault = Fault(self.fault_seq, mode, prefix, count, params)
            self.faults.append(fault)
            return fault

    def take_fault(self, path: str, service: str) -> Fault | None:
        """The first queued fault that matches this request; consumes one of its uses."""
        with self.lock:
            for fault in self.faults:
                if fault.mode in FES_ONLY_MODES and service != "fes":
                    continue
                if fault.prefix is not None and not path.startswith(fault.prefix):
                    continue
                if fault.count > 0:
                    fault.count -= 1
                    if fault.count == 0:
                        self.faults.remove(fault)
                return dataclasses.replace(fault, params=dict(fault.params))
            return None


STATE = State()


# --------------------------------------------------------------------------------------------
# Requests: body reading, streaming multipart parsing
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# Routing
# --------------------------------------------------------------------------------------------


def service_of(path: str) -> str:
    """Which service a path belongs to; Firma Virtual's base is the root, so it is the default."""
    if path == FES_PREFIX or path.startswith(FES_PREFIX + "/"):
        return "fes"
    if path == "/servicio" or path.startswith("/servicio/"):
        return "cfdi"
    return "fv"


# --------------------------------------------------------------------------------------------
# Firma Virtual — WSFV (seed 001)
# --------------------------------------------------------------------------------------------


# -- users ------------------------------------------------------------------------------------


# -- contracts --------------------------------------------------------------------------------


# -- create-contract-express (CHILE_2026.md §1.3: not in the seed) -----------------------------


# -- callbacks (CHILE_2026.md §1.5) ------------------------------------------------------------


# -- files ------------------------------------------------------------------------------------


# -- signers ----------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# CFDI — Prodigia / PADE: the integration API (seed 002) and today's REST methods
# (shared/design/PRODIGIA_2026.md: timbrado40, timbrarCfdi, cancelacion/cancelar,
# consultarEstatusComprobante). The CFDI 4.0 documents themselves: sandbox_cfdi40.py.
# --------------------------------------------------------------------------------------------


# -- the 2020 interchange file (seed 002 links its layout; the sandbox's own minimal one) -----


# -- stamping ---------------------------------------------------------------------------------


# -- cancelling ---------------------------------------------------------------------------------


# -- the SAT status -------------------------------------------------------------------------------


# -- receipts and stamped XML (integration API) -------------------------------------------------------


SERVICE_ROUTES = {"fes": FES_SERVICE.routes, "fv": FV_SERVICE.routes, "cfdi": CFDI_SERVICE.routes}


# --------------------------------------------------------------------------------------------
# Faults
# --------------------------------------------------------------------------------------------

# Modes that replace the answer: the request has no effect unless the fault says "process": true.
REPLACING_MODES = {"close", "reset", "status", "huge", "endless", "headers_then_silence", "redirect",
                   "service_error"}
# Modes derived from the normal answer: the request is processed (it takes effect).
DERIVING_MODES = {"delay", "truncate", "reset_mid_body", "invalid_body", "invalid_utf8", "nul_bytes",
                  "drip", "close_after", "bad_certificate", "wrong_rut_certificate"}
FES_ONLY_MODES = {"bad_certificate", "wrong_rut_certificate"}
FAULT_MODES = REPLACING_MODES | DERIVING_MODES
INJECT_MARK = "@@SANDBOX-INJECT@@"


class FaultSpecError(ValueError):
    """A POST /_sandbox/fault body that cannot be queued."""


def number(params: dict[str, Any], name: str, default: float | None, low: float, high: float) -> float:
    value = params.get(name, default)
    if value is None:
        raise FaultSpecError(f"{name} is required")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise FaultSpecError(f"{name} must be a number in [{low}, {high}]")
    return value


def validate_fault(body: Any) -> tuple[str, str | None, int, dict[str, Any]]:
    """Check a fault specification; returns (mode, prefix, count, params)."""
    if not isinstance(body, dict) or body.get("mode") not in FAULT_MODES:
        raise FaultSpecError(f"mode must be one of {sorted(FAULT_MODES)}")
    params = {k: v for k, v in body.items() if k not in ("mode", "prefix", "count")}
    mode, prefix, count = body["mode"], body.get("prefix"), body.get("count", 1)
    if prefix is not None and not isinstance(prefix, str):
        raise FaultSpecError("prefix must be a string")
    if not is_int(count) or count == 0 or count < -1:
        raise FaultSpecError("count must be a positive integer or -1")
    if "process" in params and not isinstance(params["process"], bool):
        raise FaultSpecError("process must be a boolean")
    if mode == "delay":
        params["ms"] = number(params, "ms", 1000, 0, MAX_FAULT_SECONDS * 1000)
    elif mode == "status":
        params["status"] = int(number(params, "status", None, 100, 599))
        if params.setdefault("body", "html") not in ("html", "empty", "json"):
            raise FaultSpecError("body must be html, empty or json")
        if "retry_after" in params:
            params["retry_after"] = int(number(params, "retry_after", None, 0, 86400))
    elif mode == "huge":
        params["bytes"] = int(number(params, "bytes", None, 0, 1 << 40))
    elif mode == "endless":
        params["chunk_bytes"] = int(number(params, "chunk_bytes", 65536, 1, 1 << 20))
        params["interval_ms"] = number(params, "interval_ms", 0, 0, 10000)
    elif mode == "drip":
        params["bytes_per_second"] = number(params, "bytes_per_second", 1, 0.01, 1 << 30)
    elif mode == "redirect":
        location = params.get("location")
        if not isinstance(location, str) or not location.isascii() or any(c in location for c in "\r\n"):
            raise FaultSpecError("location is required (ASCII, one line)")
        params["status"] = int(number(params, "status", 302, 300, 399))
    elif mode == "service_error":
        params["code"] = int(number(params, "code", None, -(1 << 31), 1 << 31))
        if "message" in params and not isinstance(params["message"], str):
            raise FaultSpecError("message must be a string")
    elif mode == "wrong_rut_certificate":
        params.setdefault("rut", "11111111-1")
    elif mode == "nul_bytes" and params.setdefault("style", "raw") not in ("raw", "escaped"):
        raise FaultSpecError("style must be raw or escaped")
    return mode, prefix, count, params


def service_error_answer(service: str, req: Request, code: int, message: str | None) -> Answer:
    """The service's own business error for ``code`` (fault service_error)."""
    if service == "fes":
        return FES_SERVICE.service_error(req, code, message)
    if service == "cfdi":
        return CFDI_SERVICE.service_error(req, code, message)
    return FV_SERVICE.service_error(req, code, message)


def inject_json(obj: Any) -> Any:
    """A copy of obj with INJECT_MARK appended to its most descriptive string value.

    Preference: comentario/message/mensaje/info/msg anywhere, then any string that is not the
    status flag ("status"/"estado"); a top-level "sandbox" field when there is no string at all.
    """
    obj = json.loads(json.dumps(obj))
    preferred = {"comentario", "comentarios", "message", "mensaje", "info", "msg"}
    avoided = {"status", "estado"}

    def find(node: Any, accept: Callable[[str | None], bool]) -> bool:
        items = list(node.items()) if isinstance(node, dict) else list(enumerate(node)) if isinstance(node, list) else []
        for key, value in items:
            if isinstance(value, str) and accept(key if isinstance(key, str) else None):
                node[key] = value + INJECT_MARK
                return True
        return any(find(value, accept) for _, value in items)

    if not (find(obj, lambda k: k in preferred) or find(obj, lambda k: k not in avoided)):
        if isinstance(obj, dict):
            obj["sandbox"] = INJECT_MARK
    return obj


def inject_bytes(answer: Answer, payload: bytes, escaped: bytes | None = None) -> bytes:
    """The answer's body with ``payload`` inside a text value, the format otherwise intact."""
    if answer.fmt == "json":
        body = encode_json(inject_json(answer.obj), answer.json_style)
        return body.replace(INJECT_MARK.encode(), escaped if escaped is not None else payload, 1)
    if answer.fmt == "xml":
        for tag in (b"mensaje", b"contrato", b"rfc", b"uuid"):
            index = answer.body.find(b"</" + tag + b">")
            if index >= 0:
                return answer.body[:index] + payload + answer.body[index:]
        index = answer.body.rfind(b"</")
        return answer.body[:index] + b"<mensaje>" + payload + b"</mensaje>" + answer.body[index:]
    index = answer.body.find(b"<body>")
    index = len(answer.body) // 2 if index < 0 else index + len(b"<body>")
    return answer.body[:index] + payload + answer.body[index:]


def huge_frame(service: str) -> tuple[bytes, bytes, bytes]:
    """(prefix, filler unit, suffix) so that a huge answer is of the service's format."""
    if service == "fes":
        return FES_SERVICE.huge_frame
    if service == "cfdi":
        return CFDI_SERVICE.huge_frame
    return b'{"code":200,"status":"success","message":"', b"A", b'"}'


# --------------------------------------------------------------------------------------------
# Control endpoints (/_sandbox/...)
# --------------------------------------------------------------------------------------------

ControlHandler = Callable[[dict[str, str], Any], Answer]


def ctl_error(status: int, message: str) -> Answer:
    return json_answer(status, {"ok": False, "error": message})


def ctl_requests(query: dict[str, str], _: Any) -> Answer:
    return json_answer(200, RECORDER.snapshot_requests(query.get("prefix")))


def ctl_stats(_: dict[str, str], __: Any) -> Answer:
    return json_answer(200, RECORDER.stats())


def ctl_reset(_: dict[str, str], __: Any) -> Answer:
    STATE.reset()
    return json_answer(200, {"ok": True})


def ctl_fault(_: dict[str, str], body: Any) -> Answer:
    try:
        mode, prefix, count, params = validate_fault(body)
    except FaultSpecError as exc:
        return ctl_error(400, str(exc))
    fault = STATE.add_fault(mode, prefix, count, params)
    return json_answer(200, {"ok": True, "fault": fault.as_json()})


def ctl_faults(_: dict[str, str], __: Any) -> Answer:
    with STATE.lock:
        return json_answer(200, [f.as_json() for f in STATE.faults])


def ctl_clear_faults(_: dict[str, str], __: Any) -> Answer:
    with STATE.lock:
        STATE.faults.clear()
    return json_answer(200, {"ok": True})


def ctl_health(_: dict[str, str], __: Any) -> Answer:
    return json_answer(200, {"ok": True})


def ctl_state(_: dict[str, str], __: Any) -> Answer:
    """A read-only view of the service state, for tests."""
    with STATE.lock:
        return json_answer(200, {
            **FES.view(),
            **FV.view(),
            **CFDI.view(),
        })


def typed_update(target: Any, body: dict[str, Any], fields: dict[str, type]) -> str | None:
    """Copy the given fields onto a dataclass after a type check; an error message or None."""
    for name, kind in fields.items():
        if name in body:
            value = body[name]
            if kind is int and not is_int(value) or kind is not int and not isinstance(value, kind):
                return f"{name} must be {kind.__name__}"
    for name in fields:
        if name in body:
            setattr(target, name, body[name])
    return None


def ctl_fes_account(_: dict[str, str], body: Any) -> Answer:
    if not isinstance(body, dict) or not isinstance(body.get("usuario"), str):
        return ctl_error(400, "usuario is required")
    with STATE.lock:
        account = FES.accounts.get(body["usuario"])
        if account is None:
            if not isinstance(body.get("clave"), str):
                return ctl_error(400, "clave is required for a new account")
            account = FesAccount(body["usuario"], body["clave"])
        error = typed_update(account, body, {"clave": str, "enabled": bool, "privileged": bool,
                                             "company_enabled": bool, "quota": int})
        if error:
            return ctl_error(400, error)
        FES.accounts[account.usuario] = account
        return json_answer(200, {"ok": True, "account": dataclasses.asdict(account)})


def ctl_fv_token_ttl(_: dict[str, str], body: Any) -> Answer:
    if not isinstance(body, dict) or not is_int(body.get("seconds")):
        return ctl_error(400, "seconds must be an integer")
    with STATE.lock:
        FV.token_ttl = body["seconds"]
    return json_answer(200, {"ok": True, "seconds": body["seconds"]})


def ctl_fv_invalidate(_: dict[str, str], __: Any) -> Answer:
    with STATE.lock:
        count = len(FV.tokens)
        FV.tokens.clear()
    return json_answer(200, {"ok": True, "invalidated": count})


def ctl_fv_reset_code(query: dict[str, str], _: Any) -> Answer:
    login = (query.get("login") or "").strip().lower()
    with STATE.lock:
        code = FV.reset_codes.get(login)
    if code is None:
        return ctl_error(404, "no reset code for that login")
    return json_answer(200, {"login": login, "code": code})


def ctl_choose(choices: dict[str, tuple[str, ...]], current: dict[str, str], body: Any) -> Answer:
    """Sets some of ``current``'s knobs to one of their allowed values; answers all of them."""
    if not isinstance(body, dict):
        return ctl_error(400, "a JSON object of knobs is required")
    for name, value in body.items():
        if name not in choices:
            return ctl_error(400, f"unknown knob {name!r}; known: {', '.join(choices)}")
        if value not in choices[name]:
            return ctl_error(400, f"{name} must be one of {', '.join(choices[name])}")
    with STATE.lock:
        current.update(body)
        return json_answer(200, {"ok": True, **current})


def ctl_fv_shapes(_: dict[str, str], body: Any) -> Answer:
    return ctl_choose(FV_SHAPES, FV.shapes, body)


def ctl_fes_style(_: dict[str, str], body: Any) -> Answer:
    return ctl_choose(FES_STYLES, FES.style, body)


def ctl_fv_advance(_: dict[str, str], body: Any) -> Answer:
    """{"contract", "status", "sPaymentStatus"?}: what the service does when signers sign, pay or a
    notary acts; the contract's callback, if it has one, is delivered before the answer."""
    if not isinstance(body, dict) or not isinstance(body.get("contract"), str) or not nonempty_str(body.get("status")):
        return ctl_error(400, "contract (an id) and status (a non-empty string) are required")
    payment = body.get("sPaymentStatus")
    if payment is not None and payment not in ("PENDING", "PAIDOUT"):
        return ctl_error(400, "sPaymentStatus must be PENDING or PAIDOUT")
    with STATE.lock:
        contract = FV.contracts.get(body["contract"])
        if contract is None:
            return ctl_error(404, "no such contract")
        if payment is not None:
            contract.payment_status = payment
        delivery = fv_set_status(contract, body["status"])
    record = delivery() if delivery is not None else None
    return json_answer(200, {"ok": True, "sStatus": body["status"], "callback": record})


def ctl_fv_callbacks(_: dict[str, str], __: Any) -> Answer:
    with STATE.lock:
        return json_answer(200, list(FV.callbacks))


def ctl_cfdi_account(_: dict[str, str], body: Any) -> Answer:
    if not isinstance(body, dict) or not isinstance(body.get("usuario"), str):
        return ctl_error(400, "usuario is required")
    with STATE.lock:
        account = CFDI.accounts.get(body["usuario"])
        if account is None:
            if not isinstance(body.get("password"), str) or not isinstance(body.get("contrato"), str):
                return ctl_error(400, "password and contrato are required for a new account")
            account = CfdiAccount(body["usuario"], body["password"], body["contrato"])
        error = typed_update(account, body, {"password": str, "contrato": str, "saldo": int,
                                             "has_default_cert": bool})
        if error:
            return ctl_error(400, error)
        if "default_csd" in body:
            csd = body["default_csd"]
            parts = (b64_strict(csd.get("certBase64")), b64_strict(csd.get("keyBase64")), csd.get("keyPass")) \
                if isinstance(csd, dict) else None
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
    if not isinstance(body, dict) or not isinstance(body.get("uuid"), str) \
            or body.get("response") not in ("accept", "reject", "expire"):
        return ctl_error(400, 'uuid and response ("accept", "reject" or "expire") are required')
    with STATE.lock:
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
    with STATE.lock:
        CFDI.uuid_element = body["uuid_element"]
    return json_answer(200, {"ok": True, "uuid_element": body["uuid_element"]})


CONTROL_ROUTES: dict[tuple[str, str], ControlHandler] = {
    ("GET", "/_sandbox/requests"): ctl_requests,
    ("GET", "/_sandbox/stats"): ctl_stats,
    ("POST", "/_sandbox/reset"): ctl_reset,
    ("POST", "/_sandbox/fault"): ctl_fault,
    ("GET", "/_sandbox/faults"): ctl_faults,
    ("POST", "/_sandbox/faults/clear"): ctl_clear_faults,
    ("GET", "/_sandbox/health"): ctl_health,
    ("GET", "/_sandbox/state"): ctl_state,
    ("POST", "/_sandbox/fes/account"): ctl_fes_account,
    ("POST", "/_sandbox/fv/token_ttl"): ctl_fv_token_ttl,
    ("POST", "/_sandbox/fv/invalidate_tokens"): ctl_fv_invalidate,
    ("GET", "/_sandbox/fv/reset_code"): ctl_fv_reset_code,
    ("POST", "/_sandbox/cfdi/account"): ctl_cfdi_account,
    ("POST", "/_sandbox/fv/shapes"): ctl_fv_shapes,
    ("POST", "/_sandbox/fv/advance"): ctl_fv_advance,
    ("GET", "/_sandbox/fv/callbacks"): ctl_fv_callbacks,
    ("POST", "/_sandbox/fes/style"): ctl_fes_style,
    ("POST", "/_sandbox/cfdi/receiver"): ctl_cfdi_receiver,
    ("POST", "/_sandbox/cfdi/settings"): ctl_cfdi_settings,
}


# --------------------------------------------------------------------------------------------
# HTTP handler
# --------------------------------------------------------------------------------------------

class SandboxHandler(Connection):
    """What to answer: control requests, service requests, and the faults queued for them."""

    def do_GET(self) -> None:
        self.dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = do_GET

    # -- request intake ------------------------------------------------------------------------
    def dispatch(self) -> None:
        target = self.path
        if "://" in target.split("?", 1)[0]:  # absolute-form request target
            target = "/" + target.split("://", 1)[1].partition("/")[2]
        raw_path, _, query_string = target.partition("?")
        path = unquote(raw_path)
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            self.handle_control(path, query_string)
        else:
            self.handle_service(path, raw_path, query_string)

    # -- control -------------------------------------------------------------------------------
    def handle_control(self, path: str, query_string: str) -> None:
        try:
            req = self.read_request(path, path, query_string)
        except (ClientGone, BadFraming):
            self.close_connection = True
            return
        func = CONTROL_ROUTES.get((self.command, path.rstrip("/")))
        if func is None:
            known = any(p == path.rstrip("/") for _, p in CONTROL_ROUTES)
            answer = ctl_error(405 if known else 404, "unknown control endpoint")
        else:
            parsed, body = req.json_body()
            if req.body and not parsed:
                answer = ctl_error(400, "body is not JSON")
            else:
                answer = func(dict(req.query), body if parsed else None)
        try:
            self.write_answer(answer)
        except ClientGone:
            self.close_connection = True

    # -- services ------------------------------------------------------------------------------
    def handle_service(self, path: str, raw_path: str, query_string: str) -> None:
        started = time.monotonic()
        service = service_of(path)
        try:
            req = self.read_request(path, raw_path, query_string,
                                    FV_SERVICE.json_streams.get(path) if service == "fv" else None)
        except BadFraming as exc:
            self.close_connection = True
            try:
                self.write_answer(html_answer(400, str(exc)))
            except ClientGone:
                pass
            return
        except ClientGone:
            self.close_connection = True
            return
        entry = RECORDER.record(req.record(), self.conn_id)
        status: int | None = None
        fault: Fault | None = None
        try:
            if req.too_large:
                self.close_connection = True  # the rest of the body is not read
                status = self.write_answer((FV_SERVICE if service == "fv" else FES_SERVICE).too_large(path))
            else:
                fault = STATE.take_fault(path, service)
                status = self.respond(req, service, fault)
        except ClientGone:
            self.close_connection = True
        finally:
            elapsed = round((time.monotonic() - started) * 1000, 3)
            RECORDER.finish(entry, elapsed_ms=elapsed, status=status, fault=fault.mode if fault else None)
            log(f"#{self.conn_id} {req.method} {req.raw_path} -> {status} "
                f"{'[' + fault.mode + '] ' if fault else ''}{elapsed} ms")

    def compute(self, req: Request, service: str) -> Answer:
        try:
            return dispatch(SERVICE_ROUTES[service], req)
        except Exception:  # a sandbox bug must not kill the connection silently
            sys.stderr.write(traceback.format_exc())
            return html_answer(500, "sandbox internal error")

    def respond(self, req: Request, service: str, fault: Fault | None) -> int | None:
        if fault is None:
            return self.write_answer(self.compute(req, service))
        handler = getattr(self, f"fault_{fault.mode}")
        if fault.mode in REPLACING_MODES:
            if fault.params.get("process"):
                self.compute(req, service)
            return handler(req, service, fault.params)
        return handler(req, service, fault.params, self.compute(req, service))

    # -- fault modes that replace the answer ---------------------------------------------------
    def fault_close(self, req: Request, service: str, p: dict[str, Any]) -> None:
        self.close_connection = True

    def fault_reset(self, req: Request, service: str, p: dict[str, Any]) -> None:
        self.abort_with_rst()

    def fault_status(self, req: Request, service: str, p: dict[str, Any]) -> int:
        status = p["status"]
        headers = [("Retry-After", str(p["retry_after"]))] if "retry_after" in p else []
        if p["body"] == "empty":
            answer = empty_answer(status, headers)
        elif p["body"] == "json":
            try:
                phrase = http.HTTPStatus(status).phrase
            except ValueError:
                phrase = "Error"
            answer = json_answer(status, {"status": status, "error": phrase})
            answer.headers = headers
        else:
            answer = html_answer(status, "Injected by the sandbox", headers)
        return self.write_answer(answer)

    def fault_redirect(self, req: Request, service: str, p: dict[str, Any]) -> int:
        return self.write_answer(html_answer(p["status"], f"Moved to {p['location']}", [("Location", p["location"])]))

    def fault_service_error(self, req: Request, service: str, p: dict[str, Any]) -> int:
        return self.write_answer(service_error_answer(service, req, p["code"], p.get("message")))

    def fault_huge(self, req: Request, service: str, p: dict[str, Any]) -> int:
        total = p["bytes"]
        prefix, unit, suffix = huge_frame(service)
        if total < len(prefix) + len(suffix):
            prefix, suffix = b"", b""
        content_type = "application/xml;charset=UTF-8" if service == "cfdi" else "application/json"
        deadline = time.monotonic() + MAX_FAULT_SECONDS
        self.send(self.head_bytes(200, [("Content-Type", content_type), ("Content-Length", str(total))]) + prefix,
                  deadline)
        remaining = total - len(prefix) - len(suffix)
        block = unit * IO_CHUNK
        while remaining > 0:
            if time.monotonic() > deadline:
                self.close_connection = True
                return 200
            piece = block if remaining >= len(block) else block[:remaining]
            self.send(piece, deadline)
            remaining -= len(piece)
        self.send(suffix, deadline)
        return 200

    def fault_endless(self, req: Request, service: str, p: dict[str, Any]) -> int:
        prefix, unit, _ = huge_frame(service)
        content_type = "application/xml;charset=UTF-8" if service == "cfdi" else "application/json"
        deadline = time.monotonic() + MAX_FAULT_SECONDS
        self.close_connection = True  # the body never ends: the connection cannot be reused
        chunk = unit * p["chunk_bytes"]
        framed = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
        self.send(self.head_bytes(200, [("Content-Type", content_type), ("Transfer-Encoding", "chunked")])
                  + b"%x\r\n" % len(prefix) + prefix + b"\r\n", deadline)
        while time.monotonic() < deadline:
            self.send(framed, deadline)
            if p["interval_ms"] and not self.wait(p["interval_ms"] / 1000):
                break
        return 200

    def fault_headers_then_silence(self, req: Request, service: str, p: dict[str, Any]) -> int:
        content_type = "application/xml;charset=UTF-8" if service == "cfdi" else "application/json"
        self.close_connection = True
        self.send(self.head_bytes(200, [("Content-Type", content_type), ("Content-Length", "100")]))
        self.wait(MAX_FAULT_SECONDS)
        return 200

    # -- fault modes derived from the normal answer --------------------------------------------
    def fault_delay(self, req: Request, service: str, p: dict[str, Any], answer: Answer) -> int | None:
        if not self.wait(p["ms"] / 1000):
            self.close_connection = True
            return None
        return self.write_answer(answer)

    def fault_truncate(self, req: Request, service: str, p: dict[str, Any], answer: Answer) -> int:
        self.close_connection = True
        head = self.head_bytes(answer.status, self.answer_headers(answer, len(answer.body)))
        self.send(head + answer.body[: len(answer.body) // 2])
        return answer.status

    def fault_reset_mid_body(self, req: Request, service: str, p: dict[str, Any], answer: Answer) -> int:
        self.close_connection = True
        head = self.head_bytes(answer.status, self.answer_headers(answer, len(answer.body)))
        self.send(head + answer.body[: len(answer.body) // 2])
        time.sleep(0.1)  # let the client read the partial answer before the RST arrives
        self.abort_with_rst()
        return answer.status

    def fault_invalid_body(self, req: Request, service: str, p: dict[str, Any], answer: Answer) -> int:
        broken = answer.body[: max(1, len(answer.body) // 2)] if answer.body else b"{"
        return self.write_answer(dataclasses.replace(answer, body=broken))

    def fault_invalid_utf8(self, req: Request, service: str, p: dict[str, Any], answer: Answer) -> int:
        return self.write_answer(dataclasses.replace(answer, body=inject_bytes(answer, b"\xc3\x28\xff\xfe")))

    def fault_nul_bytes(self, req: Request, service: str, p: dict[str, Any], answer: Answer) -> int:
        escaped = b"\\u0000" if p["style"] == "escaped" and answer.fmt == "json" else None
        return self.write_answer(dataclasses.replace(answer, body=inject_bytes(answer, b"A\x00B", escaped)))

    def fault_drip(self, req: Request, service: str, p: dict[str, Any], answer: Answer) -> int | None:
        data = self.head_bytes(answer.status, self.answer_headers(answer, len(answer.body))) + answer.body
        rate = p["bytes_per_second"]
        step = 1 if rate <= 20 else int(rate * 0.05)
        interval = step / rate
        deadline = time.monotonic() + MAX_FAULT_SECONDS
        for offset in range(0, len(data), step):
            if time.monotonic() > deadline:
                self.close_connection = True
                return None
            self.send(data[offset: offset + step], deadline)
            if offset + step < len(data) and not self.wait(interval):
                self.close_connection = True
                return None
        return answer.status

    def fault_close_after(self, req: Request, service: str, p: dict[str, Any], answer: Answer) -> int:
        status = self.write_answer(answer)
        self.close_connection = True
        return status

    def fault_bad_certificate(self, req: Request, service: str, p: dict[str, Any], answer: Answer) -> int:
        return self.write_answer(FES_SERVICE.answer_faults["bad_certificate"](req, p, answer))

    def fault_wrong_rut_certificate(self, req: Request, service: str, p: dict[str, Any], answer: Answer) -> int:
        return self.write_answer(FES_SERVICE.answer_faults["wrong_rut_certificate"](req, p, answer))


# --------------------------------------------------------------------------------------------
# Server
# --------------------------------------------------------------------------------------------

class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    allow_reuse_address = False

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse DNS lookup (getfqdn): loopback only, no network."""
        import socketserver
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), port

    def handle_error(self, request: Any, client_address: Any) -> None:
        if RUNTIME.verbose:
            super().handle_error(request, client_address)


class SandboxServer6(SandboxServer):
    address_family = socket.AF_INET6


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="sello sandbox server (FES, Firma Virtual, CFDI)")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (only loopback)")
    parser.add_argument("--port", type=int, default=0, help="port, 0 for any free port")
    parser.add_argument("--port-file", help="also write the port number to this file")
    parser.add_argument("--tls-cert", help="PEM certificate: serve HTTPS")
    parser.add_argument("--tls-key", help="PEM private key for --tls-cert")
    parser.add_argument("--data-dir", help="directory holding chile/communes.csv (default: ../../shared/data)")
    parser.add_argument("--verbose", action="store_true", help="log requests and errors to stderr")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    stop_requested = threading.Event()
    running: list[ThreadingHTTPServer] = []

    def stop(signum: int, frame: Any) -> None:
        """SIGTERM/SIGINT: stop serving and exit 0 (also when it arrives during start-up)."""
        stop_requested.set()
        for server in running:
            threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    args = parse_args(argv)
    RUNTIME.verbose = args.verbose
    host = loopback_host(args.host)
    if host is None:
        sys.stderr.write(f"refusing to bind non-loopback host {args.host!r}\n")
        return 2
    if bool(args.tls_cert) != bool(args.tls_key):
        sys.stderr.write("--tls-cert and --tls-key go together\n")
        return 2
    data_dir = Path(args.data_dir) if args.data_dir else Path(__file__).resolve().parents[2] / "shared" / "data"
    RUNTIME.comunas = load_comunas(data_dir)
    workdir = Path(tempfile.mkdtemp(prefix="sello-sandbox-"))
    try:
        RUNTIME.certs = CertificateFactory(workdir)
        RUNTIME.sealer = Sealer(workdir / "csd")
        server_class = SandboxServer6 if ":" in host else SandboxServer
        server = server_class((host, args.port), SandboxHandler)
        if args.tls_cert:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(args.tls_cert, args.tls_key)
            server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        port = server.server_address[1]
        running.append(server)
        if stop_requested.is_set():
            server.server_close()
            return 0
        if args.port_file:
            tmp = Path(args.port_file + ".tmp")
            tmp.write_text(f"{port}\n")
            tmp.replace(args.port_file)
        sys.stdout.write(f"SANDBOX_PORT={port}\n")
        sys.stdout.flush()
        try:
            server.serve_forever(poll_interval=0.2)
        finally:
            server.server_close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
