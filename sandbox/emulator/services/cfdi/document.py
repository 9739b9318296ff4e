"""A CFDI 4.0 XML as the service reads it (stdlib ElementTree; a DTD is refused before parsing):
what stamping needs from it, the simplified cadena original, and the edits stamping makes —
root attributes set in place, the tfd:TimbreFiscalDigital added. Errors are
``DocumentError(codigo, detail)`` with a code of seed 002's table."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation
from xml.sax.saxutils import quoteattr

from emulator.services.cfdi.tables import RFC_RE, UUID_RE

NS_CFDI4 = "http://www.sat.gob.mx/cfd/4"
NS_CFDI3 = "http://www.sat.gob.mx/cfd/3"
NS_TFD = "http://www.sat.gob.mx/TimbreFiscalDigital"
NS_PAGO20 = "http://www.sat.gob.mx/Pagos20"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
FECHA_FORMAT = "%Y-%m-%dT%H:%M:%S"


class DocumentError(Exception):
    """The document cannot be stamped: ``codigo`` of seed 002's table, ``detail`` for mensaje."""

    def __init__(self, codigo: int, detail: str) -> None:
        super().__init__(detail)
        self.codigo, self.detail = codigo, detail


@dataclasses.dataclass
class Comprobante:
    """What the service needs from a CFDI 4.0 XML."""

    text: str
    root: ET.Element
    prefix: str  # the root's prefix with its colon ("cfdi:"), or ""
    fecha: dt.datetime  # naive: local time of LugarExpedicion
    serie: str
    folio: str
    sello: str
    rfc_emisor: str
    nombre_emisor: str
    regimen: str
    rfc_receptor: str
    nombre_receptor: str
    uso: str
    total: Decimal
    related: list[str]  # UUIDs it relates to: CfdiRelacionado and pago20:DoctoRelacionado
    timbre_uuid: str | None  # a TimbreFiscalDigital already inside


ROOT_START = re.compile(r"<(?:([A-Za-z_][\w.\-]*):)?Comprobante[\s/>]")


def read_comprobante(data: bytes) -> Comprobante:
    """Parses and checks a CFDI 4.0: 301 when malformed, not 4.0, or missing what a CFDI has."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise DocumentError(301, "el XML no es UTF-8") from None
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise DocumentError(301, "el XML tiene una DTD o entidades")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise DocumentError(301, f"XML mal formado: {exc}") from None
    if root.tag == f"{{{NS_CFDI3}}}Comprobante" or root.get("Version") == "3.3":
        raise DocumentError(301, "CFDI 3.3: el SAT dejó de aceptarlo el 2023-04-01")
    if root.tag != f"{{{NS_CFDI4}}}Comprobante" or root.get("Version") != "4.0":
        raise DocumentError(301, "no es un CFDI 4.0 (cfdi:Comprobante en http://www.sat.gob.mx/cfd/4, Version 4.0)")
    match = ROOT_START.search(text)
    emisor, receptor = root.find(f"{{{NS_CFDI4}}}Emisor"), root.find(f"{{{NS_CFDI4}}}Receptor")
    if match is None or emisor is None or receptor is None:
        raise DocumentError(301, "faltan cfdi:Emisor o cfdi:Receptor")
    try:
        fecha = dt.datetime.strptime(root.get("Fecha", ""), FECHA_FORMAT)
    except ValueError:
        raise DocumentError(301, "Fecha no es AAAA-MM-DDThh:mm:ss") from None
    try:
        total = Decimal(root.get("Total", ""))
    except InvalidOperation:
        raise DocumentError(301, "Total inválido") from None
    rfcs = (emisor.get("Rfc", ""), receptor.get("Rfc", ""))
    if not all(RFC_RE.fullmatch(r) for r in rfcs) or not total.is_finite() or total < 0:
        raise DocumentError(301, "RFC o Total inválido")
    related = [e.get("UUID", "").upper() for e in root.iter(f"{{{NS_CFDI4}}}CfdiRelacionado")]
    related += [e.get("IdDocumento", "").upper() for e in root.iter(f"{{{NS_PAGO20}}}DoctoRelacionado")]
    timbre = next(root.iter(f"{{{NS_TFD}}}TimbreFiscalDigital"), None)
    return Comprobante(
        text=text,
        root=root,
        prefix=(match.group(1) + ":") if match.group(1) else "",
        fecha=fecha,
        serie=root.get("Serie", ""),
        folio=root.get("Folio", ""),
        sello=root.get("Sello", "").strip(),
        rfc_emisor=rfcs[0],
        nombre_emisor=emisor.get("Nombre", ""),
        regimen=emisor.get("RegimenFiscal", ""),
        rfc_receptor=rfcs[1],
        nombre_receptor=receptor.get("Nombre", ""),
        uso=receptor.get("UsoCFDI", ""),
        total=total,
        related=[r for r in related if UUID_RE.fullmatch(r)],
        timbre_uuid=timbre.get("UUID", "").upper() if timbre is not None else None,
    )


def cadena_original(root: ET.Element) -> str:
    """A simplified cadena original: every attribute value in document order (Complemento and
    Addenda left out, Sello and Certificado excluded, namespaced attributes excluded), joined as
    SAT's "||a|b|c||". Not SAT's XSLT (see sandbox/README.md)."""
    values: list[str] = []
    skip = {f"{{{NS_CFDI4}}}Complemento", f"{{{NS_CFDI4}}}Addenda"}

    def walk(element: ET.Element) -> None:
        for name, value in element.attrib.items():
            if name.startswith("{") or (element is root and name in ("Sello", "Certificado")):
                continue
            if value.strip():
                values.append(" ".join(value.split()))
        for child in element:
            if child.tag not in skip:
                walk(child)

    walk(root)
    return "||" + "|".join(values) + "||"


def _start_tag_end(text: str, start: int) -> int:
    """Index of the '>' closing the start tag that begins at ``start`` (quotes respected)."""
    quote = None
    for index in range(start, len(text)):
        char = text[index]
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == ">":
            return index
    raise DocumentError(301, "XML mal formado")


def set_root_attributes(text: str, values: dict[str, str]) -> str:
    """The document with the root's attributes set (replaced in place or added), the rest of the
    bytes untouched."""
    match = ROOT_START.search(text)
    if match is None:
        raise DocumentError(301, "no es un CFDI")
    end = _start_tag_end(text, match.start())
    head = text[match.start() : end]
    closing = "/" if head.endswith("/") else ""
    head = head[:-1] if closing else head
    for name, value in values.items():
        pattern = re.compile(r"(\s)" + name + r"\s*=\s*(\"[^\"]*\"|'[^']*')")
        replacement = f"{name}={quoteattr(value)}"
        head, count = pattern.subn(lambda m, replacement=replacement: m.group(1) + replacement, head, count=1)
        if count == 0:
            head += " " + replacement
    return text[: match.start()] + head + closing + text[end:]


def add_timbre(comprobante: Comprobante, text: str, timbre: str) -> str:
    """The document with ``timbre`` (a tfd:TimbreFiscalDigital element) in its cfdi:Complemento,
    created where the XSD puts it (before cfdi:Addenda) when there is none."""
    p = re.escape(comprobante.prefix)
    empty = re.search(rf"<{p}Complemento\s*/>", text)
    if empty:
        return (
            text[: empty.start()]
            + f"<{comprobante.prefix}Complemento>{timbre}</{comprobante.prefix}Complemento>"
            + text[empty.end() :]
        )
    closes = [m for m in re.finditer(rf"</{p}Complemento\s*>", text)]
    if closes:
        at = closes[-1].start()
        return text[:at] + timbre + text[at:]
    block = f"<{comprobante.prefix}Complemento>{timbre}</{comprobante.prefix}Complemento>"
    addenda = re.search(rf"<{p}Addenda[\s/>]", text)
    at = addenda.start() if addenda else text.rindex(f"</{comprobante.prefix}Comprobante")
    return text[:at] + block + text[at:]


def timbre_xml(
    uuid: str, fecha_timbrado: str, rfc_pac: str, sello_cfd: str, no_certificado_sat: str, sello_sat: str
) -> str:
    return (
        f'<tfd:TimbreFiscalDigital xmlns:tfd="{NS_TFD}" xmlns:xsi="{NS_XSI}" '
        f'xsi:schemaLocation="{NS_TFD} '
        'http://www.sat.gob.mx/sitio_internet/cfd/TimbreFiscalDigital/TimbreFiscalDigitalv11.xsd" '
        f'Version="1.1" UUID="{uuid}" FechaTimbrado="{fecha_timbrado}" RfcProvCertif="{rfc_pac}" '
        f'SelloCFD={quoteattr(sello_cfd)} NoCertificadoSAT="{no_certificado_sat}" SelloSAT={quoteattr(sello_sat)}/>'
    )
