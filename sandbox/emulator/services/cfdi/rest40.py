"""Today's stamping methods (PRODIGIA_2026.md §3): timbrado40 and timbrado40Prueba (the XML as the
body) and timbrado40/timbrarCfdi (JSON, with or without a CSD). Every XML answer is HTTP 202."""

from __future__ import annotations

from emulator.core.values import b64_strict
from emulator.plumbing.answers import Answer
from emulator.plumbing.request import Request
from emulator.plumbing.routing import route
from emulator.services.cfdi.answers import cfdi_error, cfdi_guard, cfdi_options
from emulator.services.cfdi.stamping import cfdi_csd_args, cfdi_stamp_document
from emulator.services.cfdi.tables import CFDI_PREFIX, CFDI_STAMP_OPTIONS, CFDI_STAMP_PREFIXES


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
    options = (
        cfdi_options(raw_options, CFDI_STAMP_OPTIONS, CFDI_STAMP_PREFIXES)
        if isinstance(raw_options, list) and all(isinstance(o, str) for o in raw_options)
        else None
    )
    xml = b64_strict(args.get("xmlBase64"))
    csd = cfdi_csd_args(args)
    if prueba not in ("true", "false"):
        return cfdi_error("timbrado", 3, contrato, "prueba", status=202)
    if options is None or not xml:
        return cfdi_error("timbrado", 3, contrato, "opciones" if options is None else "xmlBase64", status=202)
    if isinstance(csd, str):
        return cfdi_error("timbrado", 3, contrato, csd, status=202)
    return cfdi_stamp_document(account, contrato, xml, options, csd, 202, prueba == "true")
