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
import base64
import dataclasses
import datetime as dt
import hmac
import http
import json
import os
import re
import shutil
import signal
import socket
import ssl
import sys
import tempfile
import threading
import time
import traceback
import uuid
from decimal import Decimal, InvalidOperation
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote
import xml.etree.ElementTree as ET

import sandbox_cfdi40 as cfdi40
from emulator.core.runtime import RUNTIME, log
from emulator.core.state import LOCK, RECORDER
from emulator.core.values import b64, b64_strict, is_int, loopback_host, money, nonempty_str, utc_now
from emulator.plumbing.answers import (XML_DECL, Answer, XmlFields, empty_answer, encode_json, html_answer,
                                       json_answer, xml_answer)
from emulator.plumbing.bodies import IO_CHUNK, BadFraming, ClientGone
from emulator.plumbing.connection import MAX_FAULT_SECONDS, Connection
from emulator.plumbing.request import Request
from emulator.plumbing.routing import dispatch, route, table
from emulator.services.fes.certificates import CertificateFactory
from emulator.services.fes.models import FES, FesAccount
from emulator.services.fes.rules import load_comunas
from emulator.services.fes.service import SERVICE as FES_SERVICE
from emulator.services.fes.tables import FES_PREFIX, FES_STYLES
from emulator.services.fv.callbacks import fv_set_status
from emulator.services.fv.models import FV
from emulator.services.fv.service import SERVICE as FV_SERVICE
from emulator.services.fv.tables import FV_SHAPES

# --------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------

CFDI_PREFIX = "/servicio/rest"
CONTROL_PREFIX = "/_sandbox"


MX_TZ = dt.timezone(dt.timedelta(hours=-6), "CST")  # CDMX, no DST since 2022

# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


UUID_RE = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
RFC_RE = re.compile(r"[A-ZÑ&]{3,4}[0-9]{6}[A-Z0-9]{3}")


def tiny_pdf(text: str) -> bytes:
    """A minimal, valid one-page PDF with correct xref offsets."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    content = f"BT /F1 12 Tf 72 720 Td ({safe}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# --------------------------------------------------------------------------------------------
# Answers: the one place for JSON, one for XML, one for HTML
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# Seed tables
# --------------------------------------------------------------------------------------------


# seed 002, "Códigos de respuesta" and "Códigos para los nuevos estatus de cancelación".
CFDI_MESSAGES: dict[int, str] = {
    0: "Timbrado exitoso.",
    1: "El usuario del webservice no existe o proporcionó una contraseña incorrecta.",
    2: "Contrato inválido. El contrato está expirado, o no cuenta con servicio de timbrado.",
    3: "Parámetro inválido. Uno de los parámetros de la operación del webservice es incorrecto o hace falta.",
    5: "Off-line por mantenimiento.",
    7: "El servicio de CancelaciónSAT no está disponible, intente más tarde.",
    20: "El usuario no cuenta con un certificado default.",
    21: "CFDI sin cancelar. Aplica a la consulta de acuse de cancelación.",
    90: "N – 602: Comprobante no encontrado.",
    91: "S – Comprobante obtenido satisfactoriamente.",
    92: "N – 601: La expresión impresa proporcionada no es válida.",
    93: "Indeterminado.",
    94: "No Cancelable.",
    95: "Cancelado con aceptación.",
    96: "En proceso.",
    97: "Solicitud rechazada.",
    98: "Plazo vencido.",
    99: "Límite máximo alcanzado.",
    201: "Comprobante cancelado exitosamente. (sin autorización).",
    202: "El comprobante ya ha sido previamente cancelado.",
    203: "El RFC del emisor no corresponde.",
    205: "El UUID no existe.",
    301: "XML mal formado.",
    302: "Sello mal formado o inválido.",
    303: "Sello no corresponde al emisor.",
    304: "Certificado revocado o caduco.",
    305: "La fecha de emisión no está dentro de la vigencia del CSD del emisor.",
    306: "El certificado no es de tipo CSD.",
    307: "El CFDI contiene un timbre previo.",
    308: "Certificado no expedido por el SAT.",
    401: "Fecha y hora de generación fuera de rango.",
    402: "El RFC del emisor no se encuentra en el régimen de contribuyentes.",
    403: "La fecha de emisión no es posterior al 1 de enero de 2012.",
    602: "CFDI no existe.",
}


# --------------------------------------------------------------------------------------------
# Certificates (openssl CLI)
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# Service state (one lock for everything)
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass
class CfdiAccount:
    usuario: str
    password: str
    contrato: str
    saldo: int = 1000
    has_default_cert: bool = False
    failures: int = 0
    # The default CSD's certificate, key and password, when the sandbox holds one (CALCULAR_SELLO
    # then seals with it); has_default_cert alone gives a stand-in seal.
    default_csd: tuple[bytes, bytes, str] | None = None


@dataclasses.dataclass
class Cfdi:
    uuid: str
    contrato: str
    serie: str
    folio: str
    fecha: str
    rfc_emisor: str
    nombre_emisor: str
    regimen: str
    rfc_receptor: str
    nombre_receptor: str
    uso: str
    total: Decimal
    fecha_timbrado: str
    sello_cfd: str
    sello_sat: str
    status: str = "vigente"          # vigente | pendiente (awaiting the receiver) | rechazado | cancelado
    cancel_code: int | None = None   # 201, 95 (accepted) or 98 (deadline passed)
    acuse: bytes | None = None
    xml: bytes = b""
    version: str = "3.3"
    related: list[str] = dataclasses.field(default_factory=list)  # UUIDs this CFDI relates to
    prueba: bool = False
    motivo: str | None = None
    folio_sustitucion: str = ""


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
            # CFDI — Prodigia account.
            self.cfdi_accounts: dict[str, CfdiAccount] = {
                "pade_user": CfdiAccount("pade_user", "pade_pass", "PADE-CONTRATO-01", 1000, False)}
            self.cfdis: dict[str, Cfdi] = {}
            self.cfdi_sellos: dict[tuple[str, str], str] = {}  # (contrato, Sello) -> UUID: a re-sent XML is 307
            self.cfdi_serie_folio: dict[tuple[str, str, str, str], str] = {}  # VERIFICAR_SERIE_FOLIO
            self.cfdi_uuid_element = "UUID"  # how stamp answers spell the folio (PRODIGIA_2026.md §7.4)

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

CFDI_PLUGIN_33 = "PLUGIN_PROCESO:GENERICO_CFDI33:1.0"
CFDI_PLUGIN_40 = "PLUGIN_PROCESO:GENERICO_CFDI40:1.0"
# seed 002 "Tabla de opciones", plus the 4.0 names of PRODIGIA_2026.md §3.2.
CFDI_STAMP_OPTIONS = {CFDI_PLUGIN_33, CFDI_PLUGIN_40, "CALCULAR_SELLO", "RESPUESTA_XML_CFDI", "CONSULTAR_SALDO",
                      "REGRESAR_CON_ERROR_307_XML", "REGRESAR_CADENA_ORIGINAL", "GENERAR_PDF", "GENERAR_CBB",
                      "ESTABLECER_NO_CERTIFICADO", "ESTABLECER_CERTIFICADO", "CORREGIR_NAMESPACES",
                      "REGRESAR_RFCPROVCERTIF", "VERIFICAR_SERIE_FOLIO", "CERT_DEFAULT", "MODO_PRUEBA"}
CFDI_STAMP_PREFIXES = ("ENVIAR_AMBOS:", "ADDENDA:LIBRE:", "OBSERVACIONES:", "MODO_PRUEBA:")
CFDI_CANCEL_OPTIONS = {CFDI_PLUGIN_33, CFDI_PLUGIN_40, "PKCS12", "XML_CANCELACION", "CERT_DEFAULT",
                       "CONSULTAR_SALDO", "MODO_PRUEBA"}
CFDI_CANCEL_PREFIXES = ("MODO_PRUEBA:",)
CFDI_NO_CERTIFICADO_SAT = "00001000000505211329"
CFDI_RFC_PAC = "PPD101129EA3"  # Prodigia's RFC as it appears in its timbres
CFDI_DEFAULT_NO_CERTIFICADO = "30001000000500003456"  # the account's default CSD when the sandbox holds no key
CFDI_DEFAULTS = {"rfc_emisor": "EKU9003173C9", "nombre_emisor": "ESCUELA KEMPER URGATE", "regimen": "601",
                 "rfc_receptor": "XAXX010101000", "nombre_receptor": "PUBLICO EN GENERAL", "uso": "G03"}
CFDI_TEST_MESSAGE = "*** generado en modo de pruebas ***"  # PRODIGIA_2026.md §3.4 [T1]
# SAT: cancellation needs the receiver's acceptance above $1,000, except for the generic RFCs.
CFDI_ACCEPTANCE_ABOVE = Decimal("1000.00")
CFDI_GENERIC_RFCS = {"XAXX010101000", "XEXX010101000"}
CFDI_MOTIVOS = {"01", "02", "03", "04"}
TINY_PNG = base64.b64decode(  # a 1×1 PNG: the sandbox's CBB (QR) image
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==")

# The answer shapes: (root element, name of the "ok" flag).
CFDI_SHAPES = {"timbrado": ("servicioTimbrado", "timbradoOk"),
               "cancel": ("servicioCancel", "statusOk"),
               "consulta": ("servicioConsulta", "consultaOk"),
               "estatus": ("servicioConsultaComprobante", "consultaOk")}


def cfdi_message(code: int, detail: str | None = None) -> str:
    """Seed 002 description; extra detail separated by "|" as the seed says messages are."""
    text = CFDI_MESSAGES.get(code, "Error")
    return f"{text}|{detail}" if detail else text


def cfdi_error(kind: str, code: int, contrato: str | None = None, detail: str | None = None,
               rfc: str | None = None, message: str | None = None, status: int = 200) -> Answer:
    """A business error in the method's own XML shape, with its ok flag false."""
    root, flag = CFDI_SHAPES[kind]
    mensaje = message or cfdi_message(code, detail)
    if kind == "timbrado":
        fields: XmlFields = [("id", str(uuid.uuid4())), (flag, False), ("contrato", contrato),
                             ("codigo", code), ("mensaje", mensaje)]
    elif kind == "cancel":
        fields = [(flag, False), ("rfc", rfc), ("codigo", code), ("mensaje", mensaje)]
    elif kind == "estatus":
        fields = [(flag, False), ("codigo", code), ("mensaje", mensaje)]
    else:
        fields = [("contrato", contrato), (flag, False), ("codigo", code), ("mensaje", mensaje)]
    return xml_answer(root, fields, status)


def cfdi_kind(path: str) -> str:
    """Which answer shape a CFDI path uses."""
    method = path.rsplit("/", 1)[-1]
    if method.startswith("procesarArchivo") or "/timbrado40" in path:
        return "timbrado"
    if method in ("cancelarCfdiConOpciones", "cancelar"):
        return "cancel"
    return "estatus" if method == "consultarEstatusComprobante" else "consulta"


def cfdi_http_status(path: str) -> int:
    """Today's REST methods answer 202 (PRODIGIA_2026.md §1, [T1]); the integration API keeps 200."""
    return 202 if "/timbrado40" in path or "/cancelacion/" in path else 200


def cfdi_options(values: list[str], allowed: set[str], prefixes: tuple[str, ...] = ()) -> list[str] | None:
    """seed 002 opciones: each a known option, or the first one base64 of "A|B|C"; None if unknown."""
    def known(option: str) -> bool:
        return option in allowed or any(option.startswith(p) for p in prefixes)

    options = list(values)
    if options and not known(options[0]):
        raw = b64_strict(options[0])
        try:
            expanded = raw.decode("utf-8").split("|") if raw is not None else None
        except UnicodeDecodeError:
            expanded = None
        if not expanded:
            return None
        options = expanded + options[1:]
    return options if all(known(o) for o in options) else None


def cfdi_guard(req: Request, kind: str, json_body: bool = False, status: int = 200
               ) -> tuple[CfdiAccount, dict[str, Any]] | Answer:
    """Authentication and contract checks shared by every method, in this order:
    401 (no Basic credentials), 415 (Content-Type), codigo 1 (user/password, lockout after 3
    failures), codigo 3 (no contrato), codigo 2 (contrato not the user's)."""
    credentials = req.basic_auth()
    if credentials is None:
        return html_answer(401, "Authentication required",
                           [("WWW-Authenticate", 'Basic realm="timbrado.pade.mx"')])
    expected_type = "application/json" if json_body else "application/xml"
    if req.content_type != expected_type:
        return html_answer(415, f"Content-Type must be {expected_type}")
    args: dict[str, Any] = {}
    if json_body:
        parsed, body = req.json_body()
        if not parsed or not isinstance(body, dict):
            return html_answer(400, "The request body is not a JSON object")
        args = dict(body)
    contrato = args.get("contrato", req.q("contrato"))
    contrato = contrato if isinstance(contrato, str) else None
    user, password = credentials
    with STATE.lock:
        account = STATE.cfdi_accounts.get(user)
        if account is None:
            return cfdi_error(kind, 1, contrato, status=status)
        if account.failures >= 3 or not hmac.compare_digest(account.password.encode(), password.encode()):
            account.failures += 1
            return cfdi_error(kind, 1, contrato, "cuenta bloqueada" if account.failures > 3 else None, status=status)
        account.failures = 0
    if not contrato:
        return cfdi_error(kind, 3, contrato, "contrato", status=status)
    if contrato != account.contrato:
        return cfdi_error(kind, 2, contrato, status=status)
    args["contrato"] = contrato
    return account, args


# -- the 2020 interchange file (seed 002 links its layout; the sandbox's own minimal one) -----

@dataclasses.dataclass
class InterchangeDoc:
    serie: str
    folio: str
    fecha: str
    fields: dict[str, str]
    total: Decimal


def cfdi_parse_interchange(data: bytes) -> InterchangeDoc | tuple[int, str]:
    """The minimal CSV interchange format (README): CFDI|3.3|serie|folio|fecha|..., EMISOR, RECEPTOR, TOTAL."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return 301, "el archivo no es UTF-8"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    head = lines[0].split("|") if lines else []
    if len(head) < 5 or head[0] != "CFDI" or head[1] != "3.3":
        return 301, "la primera línea debe ser CFDI|3.3|serie|folio|fecha|..."
    try:
        fecha = dt.datetime.strptime(head[4], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=MX_TZ)
    except ValueError:
        return 401, "fecha inválida"
    if utc_now() - fecha > dt.timedelta(hours=72):
        return 401, "la fecha tiene más de 72 horas"
    fields = dict(CFDI_DEFAULTS)
    total = Decimal("0.00")
    for line in lines[1:]:
        cells = line.split("|")
        kind = cells[0].upper()
        if kind in ("EMISOR", "RECEPTOR"):
            if len(cells) < 2 or not RFC_RE.fullmatch(cells[1]):
                return 301, f"RFC inválido en {kind}"
            side = "emisor" if kind == "EMISOR" else "receptor"
            fields[f"rfc_{side}"] = cells[1]
            if len(cells) > 2 and cells[2]:
                fields[f"nombre_{side}"] = cells[2]
            if len(cells) > 3 and cells[3]:
                fields["regimen" if side == "emisor" else "uso"] = cells[3]
        elif kind == "TOTAL":
            try:
                total = Decimal(cells[1]) if len(cells) > 1 else Decimal("-1")
            except InvalidOperation:
                total = Decimal("-1")
            if not total.is_finite() or total < 0:
                return 301, "TOTAL inválido"
    return InterchangeDoc(head[2], head[3], head[4], fields, total)


def cfdi_document_xml(c: Cfdi) -> bytes:
    """A small CFDI 3.3 with its tfd:TimbreFiscalDigital."""
    from xml.sax.saxutils import quoteattr as q
    total = money(c.total)
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/3" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.sat.gob.mx/cfd/3 http://www.sat.gob.mx/sitio_internet/cfd/3/cfdv33.xsd" '
        f'Version="3.3" Serie={q(c.serie)} Folio={q(c.folio)} Fecha={q(c.fecha)} Sello={q(c.sello_cfd)} '
        f'FormaPago="01" NoCertificado="30001000000400002434" Certificado="" SubTotal={q(total)} '
        f'Moneda="MXN" Total={q(total)} TipoDeComprobante="I" MetodoPago="PUE" LugarExpedicion="06000">'
        f'<cfdi:Emisor Rfc={q(c.rfc_emisor)} Nombre={q(c.nombre_emisor)} RegimenFiscal={q(c.regimen)}/>'
        f'<cfdi:Receptor Rfc={q(c.rfc_receptor)} Nombre={q(c.nombre_receptor)} UsoCFDI={q(c.uso)}/>'
        '<cfdi:Conceptos><cfdi:Concepto ClaveProdServ="01010101" Cantidad="1" ClaveUnidad="ACT" '
        f'Descripcion="Venta" ValorUnitario={q(total)} Importe={q(total)}/></cfdi:Conceptos>'
        '<cfdi:Complemento>' + cfdi40.timbre_xml(c.uuid, c.fecha_timbrado, CFDI_RFC_PAC, c.sello_cfd,
                                                  CFDI_NO_CERTIFICADO_SAT, c.sello_sat) +
        '</cfdi:Complemento></cfdi:Comprobante>'
    )
    return xml.encode("utf-8")


def cfdi_acuse_xml(c: Cfdi, code: int) -> bytes:
    """A SAT-style cancellation receipt (Acuse) for one UUID."""
    fecha = dt.datetime.now(MX_TZ).strftime("%Y-%m-%dT%H:%M:%S")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<Acuse xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'Fecha="{fecha}" RfcEmisor="{c.rfc_emisor}">'
        f'<Folios xmlns="http://cancelacfd.sat.gob.mx"><UUID>{c.uuid}</UUID><EstatusUUID>{code}</EstatusUUID></Folios>'
        '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#" Id="SelloSAT"><SignedInfo>'
        '<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#hmac-sha512"/></SignedInfo>'
        f'<SignatureValue>{b64(os.urandom(64))}</SignatureValue></Signature></Acuse>'
    ).encode("utf-8")


# -- stamping ---------------------------------------------------------------------------------

def cfdi_stamp_fields(c: Cfdi, contrato: str, options: list[str], saldo: int | None, codigo: int = 0,
                      ok: bool = True, mensaje: str | None = None) -> XmlFields:
    """servicioTimbrado with a stamp, in MRV's order; the folio element spelled as set
    (PRODIGIA_2026.md §7.4: `UUID`, as clients of the real service read it)."""
    return [
        ("id", str(uuid.uuid4())), ("timbradoOk", ok), ("contrato", contrato), ("codigo", codigo),
        ("mensaje", mensaje), ("version", "1.1"), (STATE.cfdi_uuid_element, c.uuid),
        ("FechaTimbrado", c.fecha_timbrado), ("selloCFD", c.sello_cfd), ("noCertificadoSAT", CFDI_NO_CERTIFICADO_SAT),
        ("selloSAT", c.sello_sat), ("xmlBase64", b64(c.xml)),
        ("cbbBase64", b64(TINY_PNG) if "GENERAR_CBB" in options else None),
        ("pdfBase64", b64(tiny_pdf(f"CFDI {c.uuid}")) if "GENERAR_PDF" in options else None),
        ("saldo", saldo if "CONSULTAR_SALDO" in options and saldo is not None else None),
    ]


def cfdi_already_stamped(earlier: Cfdi | None, contrato: str, options: list[str], status: int) -> Answer:
    """307: with REGRESAR_CON_ERROR_307_XML (PRODIGIA_2026.md §3.2) the earlier stamp comes back."""
    if earlier is not None and "REGRESAR_CON_ERROR_307_XML" in options:
        fields = cfdi_stamp_fields(earlier, contrato, options, None, codigo=307, ok=False, mensaje=cfdi_message(307))
        return xml_answer("servicioTimbrado", fields, status)
    return cfdi_error("timbrado", 307, contrato, status=status)


def cfdi_seal(doc: cfdi40.Comprobante, account: CfdiAccount, options: list[str],
              csd: tuple[bytes, bytes, str] | None) -> tuple[str, str]:
    """The document as it will be stamped and its Sello. With a CSD (procesarArchivoConCSD,
    timbrarCfdi) or CALCULAR_SELLO the sandbox seals it: NoCertificado and Certificado set from the
    certificate, Sello = RSA-SHA256 over a simplified cadena original. The account's default
    certificate without a key held by the sandbox gives a deterministic stand-in seal."""
    calcular = "CALCULAR_SELLO" in options
    if csd is None and calcular:
        csd = account.default_csd
        if csd is None and not account.has_default_cert:
            raise cfdi40.DocumentError(20, "CALCULAR_SELLO sin certificado default")
    if csd is not None and (calcular or not doc.sello):
        cert, key, password = csd
        info = RUNTIME.sealer.info(cert)
        if not info.is_csd:
            raise cfdi40.DocumentError(306, f"el certificado {info.no_certificado} es una FIEL")
        if info.not_after < utc_now().replace(tzinfo=None):
            raise cfdi40.DocumentError(304, f"el certificado {info.no_certificado} venció el {info.not_after:%Y-%m-%d}")
        if info.rfc != doc.rfc_emisor:
            raise cfdi40.DocumentError(303, f"el certificado es del RFC {info.rfc}, el emisor es {doc.rfc_emisor}")
        text = cfdi40.set_root_attributes(doc.text, {"NoCertificado": info.no_certificado, "Certificado": b64(cert)})
        sello = RUNTIME.sealer.seal(cert, key, password, cfdi40.cadena_original(ET.fromstring(text.encode("utf-8"))))
        return cfdi40.set_root_attributes(text, {"Sello": sello}), sello
    if calcular:
        text = cfdi40.set_root_attributes(doc.text, {"NoCertificado": doc.root.get("NoCertificado") or CFDI_DEFAULT_NO_CERTIFICADO})
        sello = cfdi40.fake_seal(cfdi40.cadena_original(ET.fromstring(text.encode("utf-8"))))
        return cfdi40.set_root_attributes(text, {"Sello": sello}), sello
    if not doc.sello:
        raise cfdi40.DocumentError(302, "el comprobante no tiene Sello (use CALCULAR_SELLO)")
    if b64_strict(doc.sello) is None:
        raise cfdi40.DocumentError(302, "el Sello no es base64")
    return doc.text, doc.sello


def cfdi_check_fecha(fecha: dt.datetime) -> tuple[int, str] | None:
    """SAT's window, Fecha read as CDMX time: 72 h back, 5 minutes of clock difference ahead."""
    now = dt.datetime.now(MX_TZ).replace(tzinfo=None)
    if now - fecha > dt.timedelta(hours=72):
        return 401, "la fecha tiene más de 72 horas"
    if fecha - now > dt.timedelta(minutes=5):
        return 401, "la fecha es posterior a la actual"
    return None


def cfdi_stamp_document(account: CfdiAccount, contrato: str, data: bytes, options: list[str],
                        csd: tuple[bytes, bytes, str] | None, status: int, prueba: bool = False) -> Answer:
    """A CFDI 4.0 XML (sent, or built from a 4.0 CSV): 2 (saldo) → 301 → 307 (a timbre inside) → 401 →
    sealing (20, 302–306) → 307 (the same Sello stamped before; with VERIFICAR_SERIE_FOLIO the same
    Serie+Folio) → stamp."""
    with STATE.lock:
        if account.saldo <= 0:
            return cfdi_error("timbrado", 2, contrato, "sin saldo", status=status)
    try:
        doc = cfdi40.read_comprobante(data)
        if doc.timbre_uuid is not None:
            with STATE.lock:
                earlier = STATE.cfdis.get(doc.timbre_uuid)
            return cfdi_already_stamped(earlier if earlier and earlier.contrato == contrato else None,
                                        contrato, options, status)
        problem = cfdi_check_fecha(doc.fecha)
        if problem:
            return cfdi_error("timbrado", problem[0], contrato, problem[1], status=status)
        text, sello = cfdi_seal(doc, account, options, csd)
    except cfdi40.DocumentError as exc:
        return cfdi_error("timbrado", exc.codigo, contrato, exc.detail, status=status)
    with STATE.lock:
        earlier_uuid = STATE.cfdi_sellos.get((contrato, sello))
        serie_folio = (contrato, doc.rfc_emisor, doc.serie, doc.folio)
        if earlier_uuid is None and "VERIFICAR_SERIE_FOLIO" in options:
            earlier_uuid = STATE.cfdi_serie_folio.get(serie_folio)
        if earlier_uuid is not None:
            return cfdi_already_stamped(STATE.cfdis.get(earlier_uuid), contrato, options, status)
        if account.saldo <= 0:
            return cfdi_error("timbrado", 2, contrato, "sin saldo", status=status)
        now = dt.datetime.now(MX_TZ).strftime("%Y-%m-%dT%H:%M:%S")
        cfdi = Cfdi(str(uuid.uuid4()).upper(), contrato, doc.serie, doc.folio, doc.fecha.strftime("%Y-%m-%dT%H:%M:%S"),
                    rfc_emisor=doc.rfc_emisor, nombre_emisor=doc.nombre_emisor, regimen=doc.regimen,
                    rfc_receptor=doc.rfc_receptor, nombre_receptor=doc.nombre_receptor, uso=doc.uso,
                    total=doc.total, fecha_timbrado=now, sello_cfd=sello, sello_sat=b64(os.urandom(256)),
                    version="4.0", related=doc.related, prueba=prueba)
        timbre = cfdi40.timbre_xml(cfdi.uuid, now, CFDI_RFC_PAC, sello, CFDI_NO_CERTIFICADO_SAT, cfdi.sello_sat)
        cfdi.xml = cfdi40.add_timbre(doc, text, timbre).encode("utf-8")
        STATE.cfdis[cfdi.uuid] = cfdi
        STATE.cfdi_sellos[(contrato, sello)] = cfdi.uuid
        STATE.cfdi_serie_folio.setdefault(serie_folio, cfdi.uuid)
        account.saldo -= 1
        saldo = account.saldo
    fields = cfdi_stamp_fields(cfdi, contrato, options, saldo, mensaje=CFDI_TEST_MESSAGE if prueba else None)
    return xml_answer("servicioTimbrado", fields, status)


def cfdi_csd_args(args: dict[str, Any]) -> tuple[bytes, bytes, str] | str | None:
    """The CSD of a JSON body (certBase64, keyBase64, keyPass): None when absent, the name of the
    bad parameter when incomplete or not base64."""
    if not any(args.get(name) for name in ("certBase64", "keyBase64", "keyPass")):
        return None
    cert, key = b64_strict(args.get("certBase64")), b64_strict(args.get("keyBase64"))
    for name, value in (("certBase64", cert), ("keyBase64", key)):
        if not value:
            return name
    if not nonempty_str(args.get("keyPass")):
        return "keyPass"
    return (cert, key, args["keyPass"]) if cert and key else "certBase64"


def cfdi_stamp(req: Request, account: CfdiAccount, args: dict[str, Any], with_csd: bool) -> Answer:
    """procesarArchivo / procesarArchivoConCSD: 3 (parameters), 2 (no saldo), then the document:
    the 4.0 layout with GENERICO_CFDI40 (sandbox_cfdi40.py), else the 2020 behaviour (301, 401)."""
    contrato = args["contrato"]
    prueba = args.get("prueba")
    if isinstance(prueba, bool):
        prueba = "true" if prueba else "false"
    if prueba not in ("true", "false"):
        return cfdi_error("timbrado", 3, contrato, "prueba")
    raw_options = args.get("opciones", [])
    if not isinstance(raw_options, list) or not all(isinstance(o, str) for o in raw_options):
        return cfdi_error("timbrado", 3, contrato, "opciones")
    options = cfdi_options(raw_options, CFDI_STAMP_OPTIONS, CFDI_STAMP_PREFIXES)
    if options is None:
        return cfdi_error("timbrado", 3, contrato, "opciones")
    datos = b64_strict(args.get("datos"))
    if not datos:
        return cfdi_error("timbrado", 3, contrato, "datos")
    csd = None
    if with_csd:
        csd = cfdi_csd_args(args)
        if not isinstance(csd, tuple):
            return cfdi_error("timbrado", 3, contrato, csd or "certBase64")
    if CFDI_PLUGIN_40 in options:
        try:
            xml = cfdi40.csv40_to_xml(cfdi40.parse_csv40(datos.decode("utf-8")))
        except UnicodeDecodeError:
            return cfdi_error("timbrado", 301, contrato, "el archivo no es UTF-8")
        except cfdi40.DocumentError as exc:
            return cfdi_error("timbrado", exc.codigo, contrato, exc.detail)
        return cfdi_stamp_document(account, contrato, xml, options, csd, 200, prueba == "true")
    return cfdi_stamp_2020(account, contrato, datos, options)


def cfdi_stamp_2020(account: CfdiAccount, contrato: str, datos: bytes, options: list[str]) -> Answer:
    """The 2020 behaviour: the sandbox's minimal 3.3 interchange file."""
    with STATE.lock:
        if account.saldo <= 0:
            return cfdi_error("timbrado", 2, contrato, "sin saldo")
        doc = cfdi_parse_interchange(datos)
        if isinstance(doc, tuple):
            return cfdi_error("timbrado", doc[0], contrato, doc[1])
        serie_folio = (contrato, doc.fields["rfc_emisor"], doc.serie, doc.folio)
        if "VERIFICAR_SERIE_FOLIO" in options and serie_folio in STATE.cfdi_serie_folio:
            return cfdi_already_stamped(STATE.cfdis.get(STATE.cfdi_serie_folio[serie_folio]), contrato, options, 200)
        now = dt.datetime.now(MX_TZ).strftime("%Y-%m-%dT%H:%M:%S")
        f = doc.fields
        cfdi = Cfdi(str(uuid.uuid4()).upper(), contrato, doc.serie, doc.folio, doc.fecha,
                    rfc_emisor=f["rfc_emisor"], nombre_emisor=f["nombre_emisor"], regimen=f["regimen"],
                    rfc_receptor=f["rfc_receptor"], nombre_receptor=f["nombre_receptor"], uso=f["uso"],
                    total=doc.total, fecha_timbrado=now, sello_cfd=b64(os.urandom(256)),
                    sello_sat=b64(os.urandom(256)))
        cfdi.xml = cfdi_document_xml(cfdi)
        STATE.cfdis[cfdi.uuid] = cfdi
        STATE.cfdi_serie_folio.setdefault(serie_folio, cfdi.uuid)
        account.saldo -= 1
        saldo = account.saldo
    return xml_answer("servicioTimbrado", cfdi_stamp_fields(cfdi, contrato, options, saldo))


@route("POST", CFDI_PREFIX + "/integracion/procesarArchivo")
def cfdi_procesar_archivo(req: Request, _: dict[str, str]) -> Answer:
    """seed 002 procesarArchivo: URL query parameters contrato, prueba, datos, opciones (repeated)."""
    guard = cfdi_guard(req, "timbrado")
    if isinstance(guard, Answer):
        return guard
    account, args = guard
    args.update({"prueba": req.q("prueba"), "datos": req.q("datos"), "opciones": req.q_all("opciones")})
    return cfdi_stamp(req, account, args, with_csd=False)


@route("POST", CFDI_PREFIX + "/integracion/procesarArchivoConCSD")
def cfdi_procesar_archivo_csd(req: Request, _: dict[str, str]) -> Answer:
    """seed 002 procesarArchivoConCSD: application/json body with the CSD in base64."""
    guard = cfdi_guard(req, "timbrado", json_body=True)
    if isinstance(guard, Answer):
        return guard
    account, args = guard
    return cfdi_stamp(req, account, args, with_csd=True)


def cfdi_timbrado40(req: Request, prueba: bool) -> Answer:
    """PRODIGIA_2026.md §3.1: the CFDI XML as the body (application/xml), contrato and opciones in
    the query; HTTP 202."""
    guard = cfdi_guard(req, "timbrado", status=202)
    if isinstance(guard, Answer):
        return guard
    account, args = guard
    options = cfdi_options(req.q_all("opciones"), CFDI_STAMP_OPTIONS, CFDI_STAMP_PREFIXES)
    if options is None:
        return cfdi_error("timbrado", 3, args["contrato"], "opciones", status=202)
    if not req.body:
        return cfdi_error("timbrado", 3, args["contrato"], "xml", status=202)
    return cfdi_stamp_document(account, args["contrato"], req.body, options, None, 202, prueba)


@route("POST", CFDI_PREFIX + "/timbrado40")
def cfdi_timbrado40_real(req: Request, _: dict[str, str]) -> Answer:
    return cfdi_timbrado40(req, prueba=False)


@route("POST", CFDI_PREFIX + "/timbrado40Prueba")
def cfdi_timbrado40_prueba(req: Request, _: dict[str, str]) -> Answer:
    return cfdi_timbrado40(req, prueba=True)


@route("POST", CFDI_PREFIX + "/timbrado40/timbrarCfdi")
def cfdi_timbrar_cfdi(req: Request, _: dict[str, str]) -> Answer:
    """PRODIGIA_2026.md §3.3 ("timbrarConCSD"): JSON {xmlBase64, contrato, certBase64, keyBase64,
    keyPass, prueba, opciones}; the CSD is optional (then CALCULAR_SELLO uses the default one)."""
    guard = cfdi_guard(req, "timbrado", json_body=True, status=202)
    if isinstance(guard, Answer):
        return guard
    account, args = guard
    contrato = args["contrato"]
    prueba = args.get("prueba", "false")
    if isinstance(prueba, bool):
        prueba = "true" if prueba else "false"
    raw_options = args.get("opciones", [])
    options = (cfdi_options(raw_options, CFDI_STAMP_OPTIONS, CFDI_STAMP_PREFIXES)
               if isinstance(raw_options, list) and all(isinstance(o, str) for o in raw_options) else None)
    xml = b64_strict(args.get("xmlBase64"))
    csd = cfdi_csd_args(args)
    if prueba not in ("true", "false"):
        return cfdi_error("timbrado", 3, contrato, "prueba", status=202)
    if options is None or not xml:
        return cfdi_error("timbrado", 3, contrato, "opciones" if options is None else "xmlBase64", status=202)
    if isinstance(csd, str):
        return cfdi_error("timbrado", 3, contrato, csd, status=202)
    return cfdi_stamp_document(account, contrato, xml, options, csd, 202, prueba == "true")


# -- cancelling ---------------------------------------------------------------------------------

@dataclasses.dataclass
class CancelEntry:
    uuid: str
    motivo: str
    folio: str
    receptor: str | None = None   # the integration API's 4- and 6-value forms carry these three
    emisor: str | None = None
    total: Decimal | None = None


def cfdi_motivo_ok(uuid_: str, motivo: str, folio: str) -> bool:
    """SAT's rules: 01 names the replacing CFDI (a UUID, not this one), 02–04 take no folio."""
    if motivo not in CFDI_MOTIVOS:
        return False
    if motivo == "01":
        return bool(UUID_RE.fullmatch(folio)) and folio.upper() != uuid_
    return folio == ""


def cfdi_parse_entry(entry: str) -> CancelEntry | None:
    """Integration API `uuids`: "UUID|RFC_Receptor|RFC_Emisor|Total" (seed 002; taken as motivo
    02) or with "|Motivo|FolioSustitucion" (PRODIGIA_2026.md §4.3, form C)."""
    cells = entry.split("|")
    if len(cells) not in (4, 6) or not UUID_RE.fullmatch(cells[0]) or not RFC_RE.fullmatch(cells[1]) \
            or not RFC_RE.fullmatch(cells[2]):
        return None
    try:
        total = Decimal(cells[3])
    except InvalidOperation:
        return None
    motivo, folio = (cells[4], cells[5]) if len(cells) == 6 else ("02", "")
    if not total.is_finite() or total < 0 or not cfdi_motivo_ok(cells[0].upper(), motivo, folio):
        return None
    return CancelEntry(cells[0].upper(), motivo, folio.upper(), cells[1], cells[2], total)


def cfdi_parse_reason(entry: str) -> CancelEntry | None:
    """cancelacion/cancelar `arregloUUID`: "UUID|Motivo|FolioSustitucion" (form B; the empty
    folio may be left out)."""
    cells = entry.split("|")
    if len(cells) not in (2, 3) or not UUID_RE.fullmatch(cells[0]):
        return None
    folio = cells[2] if len(cells) == 3 else ""
    if not cfdi_motivo_ok(cells[0].upper(), cells[1], folio):
        return None
    return CancelEntry(cells[0].upper(), cells[1], folio.upper())


def cfdi_needs_acceptance(c: Cfdi) -> bool:
    return c.total > CFDI_ACCEPTANCE_ABOVE and c.rfc_receptor not in CFDI_GENERIC_RFCS


def cfdi_finish_cancel(c: Cfdi, code: int) -> bytes:
    c.status, c.cancel_code = "cancelado", code
    c.acuse = cfdi_acuse_xml(c, code)
    return c.acuse


def cfdi_cancel_one(account: CfdiAccount, rfc_emisor: str, entry: CancelEntry) -> XmlFields:
    """Per UUID: 205 (unknown, or the 2020 entry's receptor/total not the CFDI's), 203, 202,
    96 (awaiting the receiver), 97 (the receiver rejected the last request: reported once), 94 (a
    live CFDI relates to it, other than motivo 01's replacement), 96 (needs acceptance: now
    pending), else 201 with the acuse."""
    cfdi = STATE.cfdis.get(entry.uuid)
    code, acuse = 205, None
    if cfdi is not None and cfdi.contrato == account.contrato:
        blockers = [o.uuid for o in STATE.cfdis.values() if o.contrato == cfdi.contrato and cfdi.uuid in o.related
                    and o.status != "cancelado" and not (entry.motivo == "01" and o.uuid == entry.folio)]
        if rfc_emisor != cfdi.rfc_emisor or (entry.emisor is not None and entry.emisor != cfdi.rfc_emisor):
            code = 203
        elif entry.receptor is not None and (entry.receptor != cfdi.rfc_receptor or entry.total != cfdi.total):
            code = 205
        elif cfdi.status == "cancelado":
            code = 202
        elif cfdi.status == "pendiente":
            code = 96
        elif cfdi.status == "rechazado":
            code, cfdi.status = 97, "vigente"
        elif blockers:
            code = 94
        elif cfdi_needs_acceptance(cfdi):
            code, cfdi.status = 96, "pendiente"
        else:
            code = 201
            acuse = cfdi_finish_cancel(cfdi, code)
        if code in (96, 201):
            cfdi.motivo, cfdi.folio_sustitucion = entry.motivo, entry.folio
    return [("uuid", entry.uuid), ("codigo", code), ("mensaje", cfdi_message(code)),
            ("acuseCancelBase64", b64(acuse) if acuse else None)]


def cfdi_cancel_request(req: Request, account: CfdiAccount, entries: list[CancelEntry | None],
                        status: int) -> Answer:
    """What both cancellation methods share: 3 (rfcEmisor, entries, opciones, CSD), 20 (CERT_DEFAULT
    without a default certificate), then one result per UUID."""
    rfc = req.q("rfcEmisor")
    options = cfdi_options(req.q_all("opciones"), CFDI_CANCEL_OPTIONS, CFDI_CANCEL_PREFIXES)
    if not rfc or not RFC_RE.fullmatch(rfc):
        return cfdi_error("cancel", 3, rfc=rfc, detail="rfcEmisor", status=status)
    if options is None:
        return cfdi_error("cancel", 3, rfc=rfc, detail="opciones", status=status)
    if not entries or any(e is None for e in entries):
        return cfdi_error("cancel", 3, rfc=rfc, detail="uuids" if status == 200 else "arregloUUID", status=status)
    if "CERT_DEFAULT" in options:
        if not account.has_default_cert:
            return cfdi_error("cancel", 20, rfc=rfc, status=status)
    else:
        needed = ["certBase64"] + ([] if "PKCS12" in options else ["keyBase64"])
        for name in needed:
            if not b64_strict(req.q(name)):
                return cfdi_error("cancel", 3, rfc=rfc, detail=name, status=status)
        if not nonempty_str(req.q("keyPass")):
            return cfdi_error("cancel", 3, rfc=rfc, detail="keyPass", status=status)
    with STATE.lock:
        results = [("cancelacion", cfdi_cancel_one(account, rfc, e)) for e in entries if e is not None]
    return xml_answer("servicioCancel", [("statusOk", True), ("rfc", rfc), ("codigo", 0),
                                         ("cancelaciones", results)], status)


@route("POST", CFDI_PREFIX + "/integracion/cancelarCfdiConOpciones")
def cfdi_cancelar(req: Request, _: dict[str, str]) -> Answer:
    """seed 002 cancelarCfdiConOpciones (`uuids` of 4 values, or 6 with the motivo)."""
    guard = cfdi_guard(req, "cancel")
    if isinstance(guard, Answer):
        return guard
    account, _args = guard
    return cfdi_cancel_request(req, account, [cfdi_parse_entry(e) for e in req.q_all("uuids")], 200)


@route("POST", CFDI_PREFIX + "/cancelacion/cancelar")
def cfdi_cancelacion_cancelar(req: Request, _: dict[str, str]) -> Answer:
    """PRODIGIA_2026.md §4.2: `arregloUUID` = "UUID|Motivo|FolioSustitucion" (repeated); HTTP 202."""
    guard = cfdi_guard(req, "cancel", status=202)
    if isinstance(guard, Answer):
        return guard
    account, _args = guard
    return cfdi_cancel_request(req, account, [cfdi_parse_reason(e) for e in req.q_all("arregloUUID")], 202)


# -- the SAT status -------------------------------------------------------------------------------

# status of a stamped CFDI -> (estado, estatusCancelacion, estatusCfdi); cancelled ones by their code.
CFDI_ESTATUS = {"vigente": ("Vigente", "", 2), "rechazado": ("Vigente", "Solicitud rechazada", 2),
                "pendiente": ("Vigente", "En proceso", 7)}
CFDI_CANCELLED_ESTATUS = {201: ("Cancelado sin aceptación", 9), 95: ("Cancelado con aceptación", 8),
                          98: ("Plazo vencido", 10)}


def cfdi_estatus_fields(c: Cfdi | None) -> XmlFields:
    """servicioConsultaComprobante for a CFDI (None: SAT does not know it)."""
    if c is None:
        return [("consultaOk", True), ("codigo", 90), ("codigoEstatus", "N - 602: Comprobante no encontrado."),
                ("esCancelable", ""), ("estado", "No Encontrado"), ("estatusCancelacion", ""), ("estatusCfdi", 1)]
    if c.status == "cancelado":
        text, number = CFDI_CANCELLED_ESTATUS.get(c.cancel_code or 201, ("Cancelado", 6))
        estado, cancelacion = "Cancelado", text
    else:
        estado, cancelacion, number = CFDI_ESTATUS[c.status]
    live = any(c.uuid in o.related and o.status != "cancelado" for o in STATE.cfdis.values())
    cancelable = "No cancelable" if live else (
        "Cancelable con aceptación" if cfdi_needs_acceptance(c) else "Cancelable sin aceptación")
    return [("consultaOk", True), ("codigo", 91), ("codigoEstatus", "S - Comprobante obtenido satisfactoriamente."),
            ("esCancelable", cancelable), ("estado", estado), ("estatusCancelacion", cancelacion),
            ("estatusCfdi", number)]


@route("POST", CFDI_PREFIX + "/cancelacion/consultarEstatusComprobante")
def cfdi_estatus(req: Request, _: dict[str, str]) -> Answer:
    """PRODIGIA_2026.md §5.1: query uuid, rfcEmisor, rfcReceptor, total (the printed expression);
    HTTP 202. Like SAT's service it finds any CFDI, not only the contract's."""
    guard = cfdi_guard(req, "estatus", status=202)
    if isinstance(guard, Answer):
        return guard
    uuid_, emisor, receptor = req.q("uuid") or "", req.q("rfcEmisor") or "", req.q("rfcReceptor") or ""
    try:
        total = Decimal(req.q("total") or "x")
    except InvalidOperation:
        total = Decimal("-1")
    options = cfdi_options(req.q_all("opciones"), CFDI_CANCEL_OPTIONS, CFDI_CANCEL_PREFIXES)
    for name, bad in (("uuid", not UUID_RE.fullmatch(uuid_)), ("rfcEmisor", not RFC_RE.fullmatch(emisor)),
                      ("rfcReceptor", not RFC_RE.fullmatch(receptor)), ("total", not total.is_finite() or total < 0),
                      ("opciones", options is None)):
        if bad:
            return cfdi_error("estatus", 3, detail=name, status=202)
    with STATE.lock:
        cfdi = STATE.cfdis.get(uuid_.upper())
        if cfdi is not None and (cfdi.rfc_emisor, cfdi.rfc_receptor, cfdi.total) != (emisor, receptor, total):
            cfdi = None  # SAT finds a CFDI by its whole printed expression
        fields = cfdi_estatus_fields(cfdi)
    return xml_answer("servicioConsultaComprobante", fields, 202)


# -- receipts and stamped XML (integration API) -------------------------------------------------------

def cfdi_lookup(req: Request) -> tuple[CfdiAccount, str, Cfdi | None] | Answer:
    guard = cfdi_guard(req, "consulta")
    if isinstance(guard, Answer):
        return guard
    account, args = guard
    uuid_ = req.q("uuid")
    if not uuid_ or not UUID_RE.fullmatch(uuid_):
        return cfdi_error("consulta", 3, args["contrato"], "uuid")
    cfdi = STATE.cfdis.get(uuid_.upper())
    return account, args["contrato"], cfdi if cfdi is not None and cfdi.contrato == account.contrato else None


@route("POST", CFDI_PREFIX + "/integracion/acuseCancelacion")
def cfdi_acuse(req: Request, _: dict[str, str]) -> Answer:
    """seed 002 acuseCancelacion: the acuse of a cancelled CFDI; 21 not cancelled; 205 unknown."""
    found = cfdi_lookup(req)
    if isinstance(found, Answer):
        return found
    _account, contrato, cfdi = found
    with STATE.lock:
        if cfdi is None:
            return cfdi_error("consulta", 205, contrato)
        if cfdi.status != "cancelado" or cfdi.acuse is None:
            return cfdi_error("consulta", 21, contrato)
        acuse = cfdi.acuse
    return xml_answer("servicioConsulta", [("contrato", contrato), ("consultaOk", True), ("codigo", 0),
                                           ("xmlBase64", b64(acuse))])


@route("POST", CFDI_PREFIX + "/integracion/consultaCfdiPorUUID")
def cfdi_consulta(req: Request, _: dict[str, str]) -> Answer:
    """seed 002 consultaCfdiPorUUID: the stamped XML; 602 when the UUID is unknown."""
    found = cfdi_lookup(req)
    if isinstance(found, Answer):
        return found
    _account, contrato, cfdi = found
    if cfdi is None:
        return cfdi_error("consulta", 602, contrato)
    return xml_answer("servicioConsulta", [("contrato", contrato), ("consultaOk", True), ("codigo", 0),
                                           ("xmlBase64", b64(cfdi.xml))])


CFDI_ROUTES = table(cfdi_procesar_archivo, cfdi_procesar_archivo_csd, cfdi_cancelar, cfdi_acuse, cfdi_consulta,
                    cfdi_timbrado40_real, cfdi_timbrado40_prueba, cfdi_timbrar_cfdi, cfdi_cancelacion_cancelar,
                    cfdi_estatus)
SERVICE_ROUTES = {"fes": FES_SERVICE.routes, "fv": FV_SERVICE.routes, "cfdi": CFDI_ROUTES}


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
        parsed, body = req.json_body()
        contrato = body.get("contrato") if parsed and isinstance(body, dict) else None
        return cfdi_error(cfdi_kind(req.path), code, contrato or req.q("contrato"), rfc=req.q("rfcEmisor"),
                          message=message or CFDI_MESSAGES.get(code), status=cfdi_http_status(req.path))
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
        return (XML_DECL.encode() + b"<servicioTimbrado><timbradoOk>true</timbradoOk><codigo>0</codigo><xmlBase64>",
                b"A", b"</xmlBase64></servicioTimbrado>")
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
            "cfdi_accounts": {k: cfdi_account_json(v) for k, v in STATE.cfdi_accounts.items()},
            "cfdis": {k: {"contrato": c.contrato, "rfcEmisor": c.rfc_emisor, "rfcReceptor": c.rfc_receptor,
                          "total": money(c.total), "status": c.status, "cancel_code": c.cancel_code,
                          "version": c.version, "serie": c.serie, "folio": c.folio, "related": c.related,
                          "prueba": c.prueba, "motivo": c.motivo, "folioSustitucion": c.folio_sustitucion}
                      for k, c in STATE.cfdis.items()},
            "cfdi_uuid_element": STATE.cfdi_uuid_element,
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
        account = STATE.cfdi_accounts.get(body["usuario"])
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
        STATE.cfdi_accounts[account.usuario] = account
        return json_answer(200, {"ok": True, "account": cfdi_account_json(account)})


def cfdi_account_json(account: CfdiAccount) -> dict[str, Any]:
    view = {k: v for k, v in dataclasses.asdict(account).items() if k != "default_csd"}
    view["has_default_csd"] = account.default_csd is not None
    return view


def ctl_cfdi_receiver(_: dict[str, str], body: Any) -> Answer:
    """The receiver of a CFDI awaiting acceptance answers: accept (95, estatusCfdi 8), reject (97 on
    the next request; stays vigente) or expire (72 business hours passed: 98, estatusCfdi 10)."""
    if not isinstance(body, dict) or not isinstance(body.get("uuid"), str) \
            or body.get("response") not in ("accept", "reject", "expire"):
        return ctl_error(400, 'uuid and response ("accept", "reject" or "expire") are required')
    with STATE.lock:
        cfdi = STATE.cfdis.get(body["uuid"].upper())
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
        STATE.cfdi_uuid_element = body["uuid_element"]
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
        RUNTIME.sealer = cfdi40.Sealer(workdir / "csd")
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
