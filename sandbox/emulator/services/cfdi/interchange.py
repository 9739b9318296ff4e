"""The 2020 integration API's document: the sandbox's own minimal 3.3 interchange file (seed 002
links its layout without printing it), the small CFDI 3.3 it is stamped as, and that stamp."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import uuid
from decimal import Decimal, InvalidOperation
from xml.sax.saxutils import quoteattr as q

from emulator.core.state import LOCK
from emulator.core.values import b64, money
from emulator.plumbing.answers import Answer, xml_answer
from emulator.services.cfdi.answers import cfdi_already_stamped, cfdi_error, cfdi_stamp_fields
from emulator.services.cfdi.document import timbre_xml
from emulator.services.cfdi.fecha import POSTAL_CODE, cfdi_check_fecha
from emulator.services.cfdi.models import CFDI, Cfdi, CfdiAccount
from emulator.services.cfdi.tables import CFDI_DEFAULTS, CFDI_NO_CERTIFICADO_SAT, CFDI_RFC_PAC, MX_TZ, RFC_RE


@dataclasses.dataclass
class InterchangeDoc:
    serie: str
    folio: str
    fecha: str
    fields: dict[str, str]
    total: Decimal
    lugar: str | None


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
        fecha = dt.datetime.strptime(head[4], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return 401, "fecha inválida"
    # The eleventh field, in CFDI 3.3's attribute order (…|MetodoPago|LugarExpedicion); without it
    # the place is unknown (the tolerant rule). A Fecha ahead is not refused on this path (2020).
    lugar = head[10] if len(head) > 10 else None
    problem = cfdi_check_fecha(fecha, lugar, future=False)
    if problem:
        return problem
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
    return InterchangeDoc(head[2], head[3], head[4], fields, total, lugar)


def cfdi_document_xml(c: Cfdi, lugar: str | None = None) -> bytes:
    """A small CFDI 3.3 with its tfd:TimbreFiscalDigital, issued at `lugar` (a postal code; 06000
    when the file had none, or not one)."""
    lugar = lugar if lugar and POSTAL_CODE.fullmatch(lugar) else "06000"
    total = money(c.total)
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/3" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.sat.gob.mx/cfd/3 http://www.sat.gob.mx/sitio_internet/cfd/3/cfdv33.xsd" '
        f'Version="3.3" Serie={q(c.serie)} Folio={q(c.folio)} Fecha={q(c.fecha)} Sello={q(c.sello_cfd)} '
        f'FormaPago="01" NoCertificado="30001000000400002434" Certificado="" SubTotal={q(total)} '
        f'Moneda="MXN" Total={q(total)} TipoDeComprobante="I" MetodoPago="PUE" LugarExpedicion={q(lugar)}>'
        f"<cfdi:Emisor Rfc={q(c.rfc_emisor)} Nombre={q(c.nombre_emisor)} RegimenFiscal={q(c.regimen)}/>"
        f"<cfdi:Receptor Rfc={q(c.rfc_receptor)} Nombre={q(c.nombre_receptor)} UsoCFDI={q(c.uso)}/>"
        '<cfdi:Conceptos><cfdi:Concepto ClaveProdServ="01010101" Cantidad="1" ClaveUnidad="ACT" '
        f'Descripcion="Venta" ValorUnitario={q(total)} Importe={q(total)}/></cfdi:Conceptos>'
        "<cfdi:Complemento>"
        + timbre_xml(c.uuid, c.fecha_timbrado, CFDI_RFC_PAC, c.sello_cfd, CFDI_NO_CERTIFICADO_SAT, c.sello_sat)
        + "</cfdi:Complemento></cfdi:Comprobante>"
    )
    return xml.encode("utf-8")


def cfdi_stamp_2020(account: CfdiAccount, contrato: str, datos: bytes, options: list[str]) -> Answer:
    """The 2020 behaviour: the sandbox's minimal 3.3 interchange file."""
    with LOCK:
        if account.saldo <= 0:
            return cfdi_error("timbrado", 2, contrato, "sin saldo")
        doc = cfdi_parse_interchange(datos)
        if isinstance(doc, tuple):
            return cfdi_error("timbrado", doc[0], contrato, doc[1])
        serie_folio = (contrato, doc.fields["rfc_emisor"], doc.serie, doc.folio)
        if "VERIFICAR_SERIE_FOLIO" in options and serie_folio in CFDI.serie_folio:
            return cfdi_already_stamped(CFDI.cfdis.get(CFDI.serie_folio[serie_folio]), contrato, options, 200)
        now = dt.datetime.now(MX_TZ).strftime("%Y-%m-%dT%H:%M:%S")
        f = doc.fields
        cfdi = Cfdi(
            str(uuid.uuid4()).upper(),
            contrato,
            doc.serie,
            doc.folio,
            doc.fecha,
            rfc_emisor=f["rfc_emisor"],
            nombre_emisor=f["nombre_emisor"],
            regimen=f["regimen"],
            rfc_receptor=f["rfc_receptor"],
            nombre_receptor=f["nombre_receptor"],
            uso=f["uso"],
            total=doc.total,
            fecha_timbrado=now,
            sello_cfd=b64(os.urandom(256)),
            sello_sat=b64(os.urandom(256)),
        )
        cfdi.xml = cfdi_document_xml(cfdi, doc.lugar)
        CFDI.cfdis[cfdi.uuid] = cfdi
        CFDI.serie_folio.setdefault(serie_folio, cfdi.uuid)
        account.saldo -= 1
        saldo = account.saldo
    return xml_answer("servicioTimbrado", cfdi_stamp_fields(cfdi, contrato, options, saldo))
