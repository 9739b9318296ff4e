"""CFDI as the sandbox sees it: its routing table and its fault hooks."""

from __future__ import annotations

from emulator.plumbing.answers import XML_DECL, Answer
from emulator.plumbing.request import Request
from emulator.plumbing.routing import table
from emulator.services.base import Service
from emulator.services.cfdi.answers import cfdi_error, cfdi_http_status, cfdi_kind
from emulator.services.cfdi.cancel import cfdi_cancelacion_cancelar, cfdi_cancelar
from emulator.services.cfdi.integration import (
    cfdi_acuse,
    cfdi_consulta,
    cfdi_procesar_archivo,
    cfdi_procesar_archivo_csd,
)
from emulator.services.cfdi.models import CFDI
from emulator.services.cfdi.rest40 import cfdi_timbrado40_prueba, cfdi_timbrado40_real, cfdi_timbrar_cfdi
from emulator.services.cfdi.status import cfdi_estatus
from emulator.services.cfdi.tables import CFDI_MESSAGES

CFDI_ROUTES = table(
    cfdi_procesar_archivo,
    cfdi_procesar_archivo_csd,
    cfdi_cancelar,
    cfdi_acuse,
    cfdi_consulta,
    cfdi_timbrado40_real,
    cfdi_timbrado40_prueba,
    cfdi_timbrar_cfdi,
    cfdi_cancelacion_cancelar,
    cfdi_estatus,
)


def cfdi_service_error(req: Request, code: int, message: str | None) -> Answer:
    """fault service_error: the method's own XML with codigo = code, mensaje = the seed's text or
    message, ok flag false, at the method family's HTTP status."""
    parsed, body = req.json_body()
    contrato = body.get("contrato") if parsed and isinstance(body, dict) else None
    return cfdi_error(
        cfdi_kind(req.path),
        code,
        contrato or req.q("contrato"),
        rfc=req.q("rfcEmisor"),
        message=message or CFDI_MESSAGES.get(code),
        status=cfdi_http_status(req.path),
    )


SERVICE = Service(
    # every path under /servicio is PADE's (an unknown one gets its 404), not only /servicio/rest
    name="cfdi",
    prefix="/servicio",
    routes=CFDI_ROUTES,
    reset=CFDI.reset,
    view=CFDI.view,
    service_error=cfdi_service_error,
    huge_frame=(
        XML_DECL.encode() + b"<servicioTimbrado><timbradoOk>true</timbradoOk><codigo>0</codigo><xmlBase64>",
        b"A",
        b"</xmlBase64></servicioTimbrado>",
    ),
    content_type="application/xml;charset=UTF-8",
)
