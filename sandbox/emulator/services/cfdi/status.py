"""The SAT status query, cancelacion/consultarEstatusComprobante (PRODIGIA_2026.md §5.1)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from emulator.core.state import LOCK
from emulator.plumbing.answers import Answer, XmlFields, xml_answer
from emulator.plumbing.request import Request
from emulator.plumbing.routing import route
from emulator.services.cfdi.answers import cfdi_error, cfdi_guard, cfdi_options
from emulator.services.cfdi.cancel import cfdi_needs_acceptance
from emulator.services.cfdi.models import CFDI, Cfdi
from emulator.services.cfdi.tables import (
    CFDI_CANCEL_OPTIONS,
    CFDI_CANCEL_PREFIXES,
    CFDI_CANCELLED_ESTATUS,
    CFDI_ESTATUS,
    CFDI_PREFIX,
    RFC_RE,
    UUID_RE,
)


def cfdi_estatus_fields(c: Cfdi | None) -> XmlFields:
    """servicioConsultaComprobante for a CFDI (None: SAT does not know it)."""
    if c is None:
        return [
            ("consultaOk", True),
            ("codigo", 90),
            ("codigoEstatus", "N - 602: Comprobante no encontrado."),
            ("esCancelable", ""),
            ("estado", "No Encontrado"),
            ("estatusCancelacion", ""),
            ("estatusCfdi", 1),
        ]
    if c.status == "cancelado":
        text, number = CFDI_CANCELLED_ESTATUS.get(c.cancel_code or 201, ("Cancelado", 6))
        estado, cancelacion = "Cancelado", text
    else:
        estado, cancelacion, number = CFDI_ESTATUS[c.status]
    live = any(c.uuid in o.related and o.status != "cancelado" for o in CFDI.cfdis.values())
    cancelable = (
        "No cancelable"
        if live
        else ("Cancelable con aceptación" if cfdi_needs_acceptance(c) else "Cancelable sin aceptación")
    )
    return [
        ("consultaOk", True),
        ("codigo", 91),
        ("codigoEstatus", "S - Comprobante obtenido satisfactoriamente."),
        ("esCancelable", cancelable),
        ("estado", estado),
        ("estatusCancelacion", cancelacion),
        ("estatusCfdi", number),
    ]


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
    for name, bad in (
        ("uuid", not UUID_RE.fullmatch(uuid_)),
        ("rfcEmisor", not RFC_RE.fullmatch(emisor)),
        ("rfcReceptor", not RFC_RE.fullmatch(receptor)),
        ("total", not total.is_finite() or total < 0),
        ("opciones", options is None),
    ):
        if bad:
            return cfdi_error("estatus", 3, detail=name, status=202)
    with LOCK:
        cfdi = CFDI.cfdis.get(uuid_.upper())
        if cfdi is not None and (cfdi.rfc_emisor, cfdi.rfc_receptor, cfdi.total) != (emisor, receptor, total):
            cfdi = None  # SAT finds a CFDI by its whole printed expression
        fields = cfdi_estatus_fields(cfdi)
    return xml_answer("servicioConsultaComprobante", fields, 202)
