"""The 4.0 CSV interchange layout (PRODIGIA_2026.md §2.5, from TIIM's working generator): record
tags, field order and counts, record order, and the CFDI 4.0 XML the records stand for."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from emulator.services.cfdi.document import NS_CFDI4, NS_PAGO20, NS_TFD, NS_XSI, DocumentError
from emulator.services.cfdi.tables import RFC_RE, UUID_RE

# tag -> (XML element it stands for, its attributes in XSD order, as the record's fields)
CSV40_RECORDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "CFDI": (
        "Comprobante",
        (
            "Version",
            "Serie",
            "Folio",
            "Fecha",
            "Sello",
            "FormaPago",
            "NoCertificado",
            "Certificado",
            "CondicionesDePago",
            "SubTotal",
            "Descuento",
            "Moneda",
            "TipoCambio",
            "Total",
            "TipoDeComprobante",
            "Exportacion",
            "MetodoPago",
            "LugarExpedicion",
            "Confirmacion",
        ),
    ),
    "CREL": ("CfdiRelacionados", ("TipoRelacion",)),
    "CRUU": ("CfdiRelacionado", ("UUID",)),
    "EMIS": ("Emisor", ("Rfc", "Nombre", "RegimenFiscal", "FacAtrAdquirente")),
    "RECE": (
        "Receptor",
        (
            "Rfc",
            "Nombre",
            "DomicilioFiscalReceptor",
            "ResidenciaFiscal",
            "NumRegIdTrib",
            "RegimenFiscalReceptor",
            "UsoCFDI",
        ),
    ),
    "CONC": (
        "Concepto",
        (
            "ClaveProdServ",
            "NoIdentificacion",
            "Cantidad",
            "ClaveUnidad",
            "Unidad",
            "Descripcion",
            "ValorUnitario",
            "Importe",
            "Descuento",
            "ObjetoImp",
        ),
    ),
    "CIMT": ("Traslado", ("Base", "Impuesto", "TipoFactor", "TasaOCuota", "Importe")),
    "IMPU": ("Impuestos", ("TotalImpuestosRetenidos", "TotalImpuestosTrasladados")),
    "IMPR": ("Retencion", ("Impuesto", "Importe")),
    "IMPT": ("Traslado", ("Base", "Impuesto", "TipoFactor", "TasaOCuota", "Importe")),
    "COMP": ("Complemento", ()),
    "CRPS20": ("Pagos", ("Version",)),
    "CTOT20": (
        "Totales",
        (
            "TotalRetencionesIVA",
            "TotalRetencionesISR",
            "TotalRetencionesIEPS",
            "TotalTrasladosBaseIVA16",
            "TotalTrasladosImpuestoIVA16",
            "TotalTrasladosBaseIVA8",
            "TotalTrasladosImpuestoIVA8",
            "TotalTrasladosBaseIVA0",
            "TotalTrasladosImpuestoIVA0",
            "TotalTrasladosBaseIVAExento",
            "MontoTotalPagos",
        ),
    ),
    "CPAG20": (
        "Pago",
        (
            "FechaPago",
            "FormaDePagoP",
            "MonedaP",
            "TipoCambioP",
            "Monto",
            "NumOperacion",
            "RfcEmisorCtaOrd",
            "NomBancoOrdExt",
            "CtaOrdenante",
            "RfcEmisorCtaBen",
            "CtaBeneficiario",
            "TipoCadPago",
            "CertPago",
            "CadPago",
            "SelloPago",
        ),
    ),
    "CPDR20": (
        "DoctoRelacionado",
        (
            "IdDocumento",
            "Serie",
            "Folio",
            "MonedaDR",
            "EquivalenciaDR",
            "NumParcialidad",
            "ImpSaldoAnt",
            "ImpPagado",
            "ImpSaldoInsoluto",
            "ObjetoImpDR",
        ),
    ),
    "CPIDR20": ("ImpuestosDR", ()),
    "CPTDR20": ("TrasladoDR", ("BaseDR", "ImpuestoDR", "TipoFactorDR", "TasaOCuotaDR", "ImporteDR")),
    "CPIM20": ("ImpuestosP", ()),
    "CPIT20": ("TrasladoP", ("BaseP", "ImpuestoP", "TipoFactorP", "TasaOCuotaP", "ImporteP")),
}
# The XSD element order, as "which record may directly precede this one" (§2.5: CFDI → CREL/CRUU
# → EMIS → RECE → (CONC → its CIMT)… → IMPU → IMPR* → IMPT* → COMP → complement records).
_PAGO_GROUP = {"CPAG20", "CPDR20", "CPIDR20", "CPTDR20", "CPIM20", "CPIT20"}
CSV40_AFTER: dict[str, set[str]] = {
    "CREL": {"CFDI", "CRUU"},
    "CRUU": {"CREL", "CRUU"},
    "EMIS": {"CFDI", "CRUU"},
    "RECE": {"EMIS"},
    "CONC": {"RECE", "CONC", "CIMT"},
    "CIMT": {"CONC", "CIMT"},
    "IMPU": {"CONC", "CIMT"},
    "IMPR": {"IMPU", "IMPR"},
    "IMPT": {"IMPU", "IMPR", "IMPT"},
    "COMP": {"CONC", "CIMT", "IMPU", "IMPR", "IMPT"},
    "CRPS20": {"COMP"},
    "CTOT20": {"CRPS20"},
    "CPAG20": {"CTOT20"} | _PAGO_GROUP,
    "CPDR20": {"CPAG20", "CPDR20", "CPIDR20", "CPTDR20"},
    "CPIDR20": {"CPDR20"},
    "CPTDR20": {"CPIDR20", "CPTDR20"},
    "CPIM20": {"CPAG20", "CPDR20", "CPIDR20", "CPTDR20"},
    "CPIT20": {"CPIM20", "CPIT20"},
}
CSV40_LAST = {"CONC", "CIMT", "IMPU", "IMPR", "IMPT", "CPAG20", "CPDR20", "CPIDR20", "CPTDR20", "CPIM20", "CPIT20"}


def parse_csv40(text: str) -> list[tuple[str, dict[str, str]]]:
    """The records of a 4.0 interchange file, checked: known tag, exact field count (a trailing
    "|" allowed), XSD order, and the formats the service cannot do without. 301 otherwise."""
    records: list[tuple[str, dict[str, str]]] = []
    previous: str | None = None
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        if not line.strip():
            continue
        cells = line.split("|")
        tag = cells[0]
        if tag not in CSV40_RECORDS:
            raise DocumentError(301, f"registro desconocido '{tag[:20]}' en la línea {number}")
        names = CSV40_RECORDS[tag][1]
        fields = cells[1:]
        if len(fields) == len(names) + 1 and fields[-1] == "":
            fields = fields[:-1]  # the trailing "|" most lines have
        if len(fields) != len(names):
            raise DocumentError(
                301, f"el registro {tag} debe tener {len(names)} campos, tiene {len(fields)} (línea {number})"
            )
        if previous is None and tag != "CFDI":
            raise DocumentError(301, f"el primer registro debe ser CFDI, no {tag}")
        if previous is not None and previous not in CSV40_AFTER.get(tag, set()):
            raise DocumentError(301, f"el registro {tag} no puede seguir a {previous} (línea {number})")
        records.append((tag, dict(zip(names, fields))))
        previous = tag
    if previous not in CSV40_LAST:
        raise DocumentError(301, "el archivo está incompleto: faltan registros (EMIS, RECE, al menos un CONC)")
    head = records[0][1]
    if head["Version"] != "4.0":
        raise DocumentError(
            301, f"la versión del registro CFDI es '{head['Version'][:10]}', con GENERICO_CFDI40 debe ser 4.0"
        )
    for tag, values in records:
        if tag in ("EMIS", "RECE") and not RFC_RE.fullmatch(values["Rfc"]):
            raise DocumentError(301, f"RFC inválido en {tag}")
        if tag == "CRUU" and not UUID_RE.fullmatch(values["UUID"]):
            raise DocumentError(301, "UUID inválido en CRUU")
        if tag == "CPDR20" and not UUID_RE.fullmatch(values["IdDocumento"]):
            raise DocumentError(301, "IdDocumento inválido en CPDR20")
    return records


# csv40_to_xml writes these prefixes (ElementTree's registry is global: set once, at import).
ET.register_namespace("cfdi", NS_CFDI4)
ET.register_namespace("pago20", NS_PAGO20)
ET.register_namespace("xsi", NS_XSI)
ET.register_namespace("tfd", NS_TFD)


def csv40_to_xml(records: list[tuple[str, dict[str, str]]]) -> bytes:
    """The CFDI 4.0 the (checked) records stand for; absent optional attributes are left out."""

    def add(parent: ET.Element, namespace: str, name: str, values: dict[str, str] | None = None) -> ET.Element:
        return ET.SubElement(parent, f"{{{namespace}}}{name}", {k: v for k, v in (values or {}).items() if v != ""})

    def child(parent: ET.Element, namespace: str, name: str) -> ET.Element:
        found = parent.find(f"{{{namespace}}}{name}")  # (an element without children is falsy)
        return found if found is not None else add(parent, namespace, name)

    root = ET.Element(f"{{{NS_CFDI4}}}Comprobante")
    root.set(f"{{{NS_XSI}}}schemaLocation", f"{NS_CFDI4} http://www.sat.gob.mx/sitio_internet/cfd/4/cfdv40.xsd")
    last: dict[str, ET.Element] = {}  # the latest element of each record kind, for its children
    for record, values in records:
        name = CSV40_RECORDS[record][0]
        if record == "CFDI":
            root.attrib.update({k: v for k, v in values.items() if v != ""})
        elif record in ("CREL", "EMIS", "RECE", "IMPU", "COMP"):
            last[record] = add(root, NS_CFDI4, name, values)
        elif record == "CRUU":
            add(last["CREL"], NS_CFDI4, name, values)
        elif record == "CONC":
            last[record] = add(child(root, NS_CFDI4, "Conceptos"), NS_CFDI4, name, values)
        elif record == "CIMT":
            add(child(child(last["CONC"], NS_CFDI4, "Impuestos"), NS_CFDI4, "Traslados"), NS_CFDI4, name, values)
        elif record in ("IMPR", "IMPT"):
            group = "Retenciones" if record == "IMPR" else "Traslados"
            add(child(last["IMPU"], NS_CFDI4, group), NS_CFDI4, name, values)
        elif record == "CRPS20":
            last[record] = add(last["COMP"], NS_PAGO20, name, values)
        elif record in ("CTOT20", "CPAG20"):
            last[record] = add(last["CRPS20"], NS_PAGO20, name, values)
        elif record == "CPDR20":
            last[record] = add(last["CPAG20"], NS_PAGO20, name, values)
        elif record == "CPIDR20":
            last[record] = add(add(last["CPDR20"], NS_PAGO20, name), NS_PAGO20, "TrasladosDR")
        elif record == "CPIM20":
            last[record] = add(add(last["CPAG20"], NS_PAGO20, name), NS_PAGO20, "TrasladosP")
        elif record == "CPTDR20":
            add(last["CPIDR20"], NS_PAGO20, name, values)
        elif record == "CPIT20":
            add(last["CPIM20"], NS_PAGO20, name, values)
    return b'<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(root, encoding="utf-8", xml_declaration=False)
