"""The integration API of seed 002 (2020): procesarArchivo / procesarArchivoConCSD (the 3.3
interchange file, or the 4.0 CSV with GENERICO_CFDI40), acuseCancelacion, consultaCfdiPorUUID.
(cancelarCfdiConOpciones: ``cancel.py``.) Answers HTTP 200."""

from __future__ import annotations

from typing import Any

from emulator.core.state import LOCK
from emulator.core.values import b64, b64_strict
from emulator.plumbing.answers import Answer, xml_answer
from emulator.plumbing.request import Request
from emulator.plumbing.routing import route
from emulator.services.cfdi.answers import cfdi_error, cfdi_guard, cfdi_options
from emulator.services.cfdi.csv40 import csv40_to_xml, parse_csv40
from emulator.services.cfdi.document import DocumentError
from emulator.services.cfdi.interchange import cfdi_stamp_2020
from emulator.services.cfdi.models import CFDI, Cfdi, CfdiAccount
from emulator.services.cfdi.stamping import cfdi_csd_args, cfdi_stamp_document
from emulator.services.cfdi.tables import CFDI_PLUGIN_40, CFDI_PREFIX, CFDI_STAMP_OPTIONS, CFDI_STAMP_PREFIXES, UUID_RE


def cfdi_stamp(req: Request, account: CfdiAccount, args: dict[str, Any], with_csd: bool) -> Answer:
    """procesarArchivo / procesarArchivoConCSD: 3 (parameters), 2 (no saldo), then the document:
    the 4.0 layout with GENERICO_CFDI40 (sandbox_py), else the 2020 behaviour (301, 401)."""
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
            xml = csv40_to_xml(parse_csv40(datos.decode("utf-8")))
        except UnicodeDecodeError:
            return cfdi_error("timbrado", 301, contrato, "el archivo no es UTF-8")
        except DocumentError as exc:
            return cfdi_error("timbrado", exc.codigo, contrato, exc.detail)
        return cfdi_stamp_document(account, contrato, xml, options, csd, 200, prueba == "true")
    return cfdi_stamp_2020(account, contrato, datos, options)


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


def cfdi_lookup(req: Request) -> tuple[CfdiAccount, str, Cfdi | None] | Answer:
    guard = cfdi_guard(req, "consulta")
    if isinstance(guard, Answer):
        return guard
    account, args = guard
    uuid_ = req.q("uuid")
    if not uuid_ or not UUID_RE.fullmatch(uuid_):
        return cfdi_error("consulta", 3, args["contrato"], "uuid")
    cfdi = CFDI.cfdis.get(uuid_.upper())
    return account, args["contrato"], cfdi if cfdi is not None and cfdi.contrato == account.contrato else None


@route("POST", CFDI_PREFIX + "/integracion/acuseCancelacion")
def cfdi_acuse(req: Request, _: dict[str, str]) -> Answer:
    """seed 002 acuseCancelacion: the acuse of a cancelled CFDI; 21 not cancelled; 205 unknown."""
    found = cfdi_lookup(req)
    if isinstance(found, Answer):
        return found
    _account, contrato, cfdi = found
    with LOCK:
        if cfdi is None:
            return cfdi_error("consulta", 205, contrato)
        if cfdi.status != "cancelado" or cfdi.acuse is None:
            return cfdi_error("consulta", 21, contrato)
        acuse = cfdi.acuse
    return xml_answer(
        "servicioConsulta", [("contrato", contrato), ("consultaOk", True), ("codigo", 0), ("xmlBase64", b64(acuse))]
    )


@route("POST", CFDI_PREFIX + "/integracion/consultaCfdiPorUUID")
def cfdi_consulta(req: Request, _: dict[str, str]) -> Answer:
    """seed 002 consultaCfdiPorUUID: the stamped XML; 602 when the UUID is unknown."""
    found = cfdi_lookup(req)
    if isinstance(found, Answer):
        return found
    _account, contrato, cfdi = found
    if cfdi is None:
        return cfdi_error("consulta", 602, contrato)
    return xml_answer(
        "servicioConsulta", [("contrato", contrato), ("consultaOk", True), ("codigo", 0), ("xmlBase64", b64(cfdi.xml))]
    )
