"""Cancelling: the integration API's cancelarCfdiConOpciones (`uuids`, forms A and C) and today's
cancelacion/cancelar (`arregloUUID`, form B); SAT's motivo rules, the receiver's acceptance, the
acuse."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation

from emulator.core.state import LOCK
from emulator.core.values import b64, b64_strict, nonempty_str
from emulator.plumbing.answers import Answer, XmlFields, xml_answer
from emulator.plumbing.request import Request
from emulator.plumbing.routing import route
from emulator.services.cfdi.answers import cfdi_error, cfdi_guard, cfdi_message, cfdi_options
from emulator.services.cfdi.models import CFDI, Cfdi, CfdiAccount
from emulator.services.cfdi.tables import (
    CFDI_ACCEPTANCE_ABOVE,
    CFDI_CANCEL_OPTIONS,
    CFDI_CANCEL_PREFIXES,
    CFDI_GENERIC_RFCS,
    CFDI_MOTIVOS,
    CFDI_PREFIX,
    MX_TZ,
    RFC_RE,
    UUID_RE,
)


@dataclasses.dataclass
class CancelEntry:
    uuid: str
    motivo: str
    folio: str
    receptor: str | None = None  # the integration API's 4- and 6-value forms carry these three
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
    if (
        len(cells) not in (4, 6)
        or not UUID_RE.fullmatch(cells[0])
        or not RFC_RE.fullmatch(cells[1])
        or not RFC_RE.fullmatch(cells[2])
    ):
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


def cfdi_acuse_xml(c: Cfdi, code: int) -> bytes:
    """A SAT-style cancellation receipt (Acuse) for one UUID."""
    return cfdi_request_acuse([(c, code)])


def cfdi_request_acuse(cancelled: list[tuple[Cfdi, int]]) -> bytes:
    """The Acuse of a cancellation request: one Folios per UUID it received (201: cancelled, or
    waiting for its receiver); SAT issues one per request, PRODIGIA_2026.md §4.4 has it as a child
    of servicioCancel."""
    fecha = dt.datetime.now(MX_TZ).strftime("%Y-%m-%dT%H:%M:%S")
    folios = "".join(
        f'<Folios xmlns="http://cancelacfd.sat.gob.mx"><UUID>{c.uuid}</UUID><EstatusUUID>{code}</EstatusUUID></Folios>'
        for c, code in cancelled
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<Acuse xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'Fecha="{fecha}" RfcEmisor="{cancelled[0][0].rfc_emisor}">{folios}'
        '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#" Id="SelloSAT"><SignedInfo>'
        '<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#hmac-sha512"/></SignedInfo>'
        f"<SignatureValue>{b64(os.urandom(64))}</SignatureValue></Signature></Acuse>"
    ).encode("utf-8")


def cfdi_finish_cancel(c: Cfdi, code: int) -> bytes:
    c.status, c.cancel_code = "cancelado", code
    c.acuse = cfdi_acuse_xml(c, code)
    return c.acuse


def cfdi_cancel_one(
    account: CfdiAccount,
    rfc_emisor: str,
    entry: CancelEntry,
    cancelled: list[tuple[Cfdi, int]],
    requested: list[tuple[Cfdi, int]],
) -> XmlFields:
    """Per UUID: 205 (unknown, or the 2020 entry's receptor/total not the CFDI's), 203, 202,
    96 (awaiting the receiver), 97 (the receiver rejected the last request: reported once), 94 (a
    live CFDI relates to it, other than motivo 01's replacement); one that needs acceptance is 201
    the first time it is asked (SAT received the request; it is now pending) and 96 whenever it is
    asked again (seed 002: 96 is "una nueva solicitud … de un comprobante que previamente intentó
    ser cancelado"); else 201, cancelled at once and added to `cancelled`. Every 201 is added to
    `requested`: the request's acuse names it."""
    cfdi = CFDI.cfdis.get(entry.uuid)
    code = 205
    if cfdi is not None and cfdi.contrato == account.contrato:
        blockers = [
            o.uuid
            for o in CFDI.cfdis.values()
            if o.contrato == cfdi.contrato
            and cfdi.uuid in o.related
            and o.status != "cancelado"
            and not (entry.motivo == "01" and o.uuid == entry.folio)
        ]
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
            code, cfdi.status = (96 if cfdi.cancel_requested else 201), "pendiente"
            cfdi.cancel_requested = True
        else:
            code = 201
            cfdi.status, cfdi.cancel_code = "cancelado", code
            cancelled.append((cfdi, code))
        if code == 201:
            requested.append((cfdi, code))
        if code in (96, 201):
            cfdi.motivo, cfdi.folio_sustitucion = entry.motivo, entry.folio
    return [
        ("uuid", entry.uuid),
        ("codigo", code),
        ("mensaje", cfdi_message(code)),
    ]


def cfdi_signed_cancellation_problem(req: Request, options: list[str], value: str) -> str | None:
    """XML_CANCELACION:<b64>, SAT's cancellation XML already signed by the issuer (PRODIGIA_2026.md
    §4.2; MRV: "omit the cert, key and keyPass parameters", "not compatible with CERT_DEFAULT"): the
    parameter wrong beside it (codigo 3), None when there is none. Refusing a CSD, CERT_DEFAULT or
    PKCS12 next to it, and a value that is not base64 of an XML document, is this sandbox's reading
    of MRV (weak evidence, sandbox/README.md); the signature itself is not checked."""
    raw = b64_strict(value)
    if raw is None or b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        return "opciones"
    try:
        ET.fromstring(raw)
    except ET.ParseError:
        return "opciones"
    if any(o in ("CERT_DEFAULT", "PKCS12") or o.startswith("PKCS12:") for o in options):
        return "opciones"
    return next((name for name in ("certBase64", "keyBase64", "keyPass") if req.q(name) is not None), None)


def cfdi_cancel_request(req: Request, account: CfdiAccount, entries: list[CancelEntry | None], status: int) -> Answer:
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
    signed = [o[len("XML_CANCELACION:") :] for o in options if o.startswith("XML_CANCELACION:")]
    if signed:
        problem = cfdi_signed_cancellation_problem(req, options, signed[0])
        if problem is not None:
            return cfdi_error("cancel", 3, rfc=rfc, detail=problem, status=status)
    elif "CERT_DEFAULT" in options:
        if not account.has_default_cert:
            return cfdi_error("cancel", 20, rfc=rfc, status=status)
    else:
        inline = [o[len("PKCS12:") :] for o in options if o.startswith("PKCS12:")]
        if inline and not b64_strict(inline[0]):
            return cfdi_error("cancel", 3, rfc=rfc, detail="opciones", status=status)
        needed = [] if inline else ["certBase64"] + ([] if "PKCS12" in options else ["keyBase64"])
        for name in needed:
            if not b64_strict(req.q(name)):
                return cfdi_error("cancel", 3, rfc=rfc, detail=name, status=status)
        if not nonempty_str(req.q("keyPass")):
            return cfdi_error("cancel", 3, rfc=rfc, detail="keyPass", status=status)
    cancelled: list[tuple[Cfdi, int]] = []
    requested: list[tuple[Cfdi, int]] = []
    with LOCK:
        results = [
            ("cancelacion", cfdi_cancel_one(account, rfc, e, cancelled, requested)) for e in entries if e is not None
        ]
        acuse = cfdi_request_acuse(requested) if requested else None
        for c, _ in cancelled:
            c.acuse = acuse  # what acuseCancelacion returns for each of its UUIDs
    return xml_answer(
        "servicioCancel",
        [
            ("statusOk", True),
            ("rfc", rfc),
            ("codigo", 0),
            # PRODIGIA_2026.md §4.4 [T1-doc; cancelados=1 seen live]: the UUIDs of the request, and
            # those SAT received (201). Which codes count as "cancelados" is this sandbox's reading.
            ("procesados", len(results)),
            ("cancelados", len(requested)),
            ("cancelaciones", results),
            ("acuseCancelBase64", b64(acuse) if acuse else None),
        ],
        status,
    )


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
