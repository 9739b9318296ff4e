"""CFDI 4.0 documents for the sandbox's Prodigia imitation (``shared/design/PRODIGIA_2026.md``).

* the 4.0 CSV interchange layout of §2.5 (record tags, field order and counts, record order) and
  the CFDI 4.0 XML it stands for;
* reading a CFDI 4.0 XML (stdlib ElementTree; a DTD is refused before parsing) and what the
  service needs from it;
* sealing it the way ``CALCULAR_SELLO`` does, with a CSD and the ``openssl`` CLI, and adding the
  ``tfd:TimbreFiscalDigital``.

Python 3.11 standard library plus the ``openssl`` command line tool; imported by
``sello_sandbox.py``. Errors are ``DocumentError(codigo, detail)`` with a code of seed 002's table.
"""
from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import os
import re
import subprocess
import tempfile
import threading
import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation
from pathlib import Path
from xml.sax.saxutils import quoteattr

NS_CFDI4 = "http://www.sat.gob.mx/cfd/4"
NS_CFDI3 = "http://www.sat.gob.mx/cfd/3"
NS_TFD = "http://www.sat.gob.mx/TimbreFiscalDigital"
NS_PAGO20 = "http://www.sat.gob.mx/Pagos20"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
UUID_RE = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
RFC_RE = re.compile(r"[A-ZÑ&]{3,4}[0-9]{6}[A-Z0-9]{3}")
FECHA_FORMAT = "%Y-%m-%dT%H:%M:%S"


class DocumentError(Exception):
    """The document cannot be stamped: ``codigo`` of seed 002's table, ``detail`` for mensaje."""

    def __init__(self, codigo: int, detail: str) -> None:
        super().__init__(detail)
        self.codigo, self.detail = codigo, detail


# --------------------------------------------------------------------------------------------
# The 4.0 CSV layout (PRODIGIA_2026.md §2.5, from TIIM's working generator)
# --------------------------------------------------------------------------------------------

# tag -> (XML element it stands for, its attributes in XSD order, as the record's fields)
CSV40_RECORDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "CFDI": ("Comprobante", ("Version", "Serie", "Folio", "Fecha", "Sello", "FormaPago", "NoCertificado",
                             "Certificado", "CondicionesDePago", "SubTotal", "Descuento", "Moneda", "TipoCambio",
                             "Total", "TipoDeComprobante", "Exportacion", "MetodoPago", "LugarExpedicion",
                             "Confirmacion")),
    "CREL": ("CfdiRelacionados", ("TipoRelacion",)),
    "CRUU": ("CfdiRelacionado", ("UUID",)),
    "EMIS": ("Emisor", ("Rfc", "Nombre", "RegimenFiscal", "FacAtrAdquirente")),
    "RECE": ("Receptor", ("Rfc", "Nombre", "DomicilioFiscalReceptor", "ResidenciaFiscal", "NumRegIdTrib",
                          "RegimenFiscalReceptor", "UsoCFDI")),
    "CONC": ("Concepto", ("ClaveProdServ", "NoIdentificacion", "Cantidad", "ClaveUnidad", "Unidad", "Descripcion",
                          "ValorUnitario", "Importe", "Descuento", "ObjetoImp")),
    "CIMT": ("Traslado", ("Base", "Impuesto", "TipoFactor", "TasaOCuota", "Importe")),
    "IMPU": ("Impuestos", ("TotalImpuestosRetenidos", "TotalImpuestosTrasladados")),
    "IMPR": ("Retencion", ("Impuesto", "Importe")),
    "IMPT": ("Traslado", ("Base", "Impuesto", "TipoFactor", "TasaOCuota", "Importe")),
    "COMP": ("Complemento", ()),
    "CRPS20": ("Pagos", ("Version",)),
    "CTOT20": ("Totales", ("TotalRetencionesIVA", "TotalRetencionesISR", "TotalRetencionesIEPS",
                           "TotalTrasladosBaseIVA16", "TotalTrasladosImpuestoIVA16", "TotalTrasladosBaseIVA8",
                           "TotalTrasladosImpuestoIVA8", "TotalTrasladosBaseIVA0", "TotalTrasladosImpuestoIVA0",
                           "TotalTrasladosBaseIVAExento", "MontoTotalPagos")),
    "CPAG20": ("Pago", ("FechaPago", "FormaDePagoP", "MonedaP", "TipoCambioP", "Monto", "NumOperacion",
                        "RfcEmisorCtaOrd", "NomBancoOrdExt", "CtaOrdenante", "RfcEmisorCtaBen", "CtaBeneficiario",
                        "TipoCadPago", "CertPago", "CadPago", "SelloPago")),
    "CPDR20": ("DoctoRelacionado", ("IdDocumento", "Serie", "Folio", "MonedaDR", "EquivalenciaDR", "NumParcialidad",
                                    "ImpSaldoAnt", "ImpPagado", "ImpSaldoInsoluto", "ObjetoImpDR")),
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
            raise DocumentError(301, f"el registro {tag} debe tener {len(names)} campos, tiene {len(fields)} (línea {number})")
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
        raise DocumentError(301, f"la versión del registro CFDI es '{head['Version'][:10]}', con GENERICO_CFDI40 debe ser 4.0")
    for tag, values in records:
        if tag in ("EMIS", "RECE") and not RFC_RE.fullmatch(values["Rfc"]):
            raise DocumentError(301, f"RFC inválido en {tag}")
        if tag == "CRUU" and not UUID_RE.fullmatch(values["UUID"]):
            raise DocumentError(301, "UUID inválido en CRUU")
        if tag == "CPDR20" and not UUID_RE.fullmatch(values["IdDocumento"]):
            raise DocumentError(301, "IdDocumento inválido en CPDR20")
    return records


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


# --------------------------------------------------------------------------------------------
# Reading a CFDI 4.0 XML
# --------------------------------------------------------------------------------------------

@dataclasses.dataclass
class Comprobante:
    """What the service needs from a CFDI 4.0 XML."""

    text: str
    root: ET.Element
    prefix: str                 # the root's prefix with its colon ("cfdi:"), or ""
    fecha: dt.datetime          # naive: local time of LugarExpedicion
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
    related: list[str]          # UUIDs it relates to: CfdiRelacionado and pago20:DoctoRelacionado
    timbre_uuid: str | None     # a TimbreFiscalDigital already inside


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
        text=text, root=root, prefix=(match.group(1) + ":") if match.group(1) else "", fecha=fecha,
        serie=root.get("Serie", ""), folio=root.get("Folio", ""), sello=root.get("Sello", "").strip(),
        rfc_emisor=rfcs[0], nombre_emisor=emisor.get("Nombre", ""), regimen=emisor.get("RegimenFiscal", ""),
        rfc_receptor=rfcs[1], nombre_receptor=receptor.get("Nombre", ""), uso=receptor.get("UsoCFDI", ""),
        total=total, related=[r for r in related if UUID_RE.fullmatch(r)],
        timbre_uuid=timbre.get("UUID", "").upper() if timbre is not None else None)


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
    head = text[match.start():end]
    closing = "/" if head.endswith("/") else ""
    head = head[:-1] if closing else head
    for name, value in values.items():
        pattern = re.compile(r"(\s)" + name + r"\s*=\s*(\"[^\"]*\"|'[^']*')")
        replacement = f"{name}={quoteattr(value)}"
        head, count = pattern.subn(lambda m: m.group(1) + replacement, head, count=1)
        if count == 0:
            head += " " + replacement
    return text[:match.start()] + head + closing + text[end:]


def add_timbre(comprobante: Comprobante, text: str, timbre: str) -> str:
    """The document with ``timbre`` (a tfd:TimbreFiscalDigital element) in its cfdi:Complemento,
    created where the XSD puts it (before cfdi:Addenda) when there is none."""
    p = re.escape(comprobante.prefix)
    empty = re.search(rf"<{p}Complemento\s*/>", text)
    if empty:
        return text[:empty.start()] + f"<{comprobante.prefix}Complemento>{timbre}</{comprobante.prefix}Complemento>" + text[empty.end():]
    closes = [m for m in re.finditer(rf"</{p}Complemento\s*>", text)]
    if closes:
        at = closes[-1].start()
        return text[:at] + timbre + text[at:]
    block = f"<{comprobante.prefix}Complemento>{timbre}</{comprobante.prefix}Complemento>"
    addenda = re.search(rf"<{p}Addenda[\s/>]", text)
    at = addenda.start() if addenda else text.rindex(f"</{comprobante.prefix}Comprobante")
    return text[:at] + block + text[at:]


def timbre_xml(uuid: str, fecha_timbrado: str, rfc_pac: str, sello_cfd: str, no_certificado_sat: str,
               sello_sat: str) -> str:
    return (f'<tfd:TimbreFiscalDigital xmlns:tfd="{NS_TFD}" xmlns:xsi="{NS_XSI}" '
            f'xsi:schemaLocation="{NS_TFD} http://www.sat.gob.mx/sitio_internet/cfd/TimbreFiscalDigital/TimbreFiscalDigitalv11.xsd" '
            f'Version="1.1" UUID="{uuid}" FechaTimbrado="{fecha_timbrado}" RfcProvCertif="{rfc_pac}" '
            f'SelloCFD={quoteattr(sello_cfd)} NoCertificadoSAT="{no_certificado_sat}" SelloSAT={quoteattr(sello_sat)}/>')


# --------------------------------------------------------------------------------------------
# Sealing with a CSD (openssl CLI)
# --------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class CsdInfo:
    rfc: str
    no_certificado: str
    not_after: dt.datetime
    is_csd: bool
    public_key: bytes


class Sealer:
    """Reads CSD certificates and seals cadenas with their keys (openssl CLI), caching what it
    learnt by the bytes it was given."""

    def __init__(self, workdir: Path) -> None:
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()  # guards only the caches
        self._key_lock = threading.Lock()  # serialises key decryption (see _plain_key)
        self._infos: dict[str, CsdInfo] = {}
        self._keys: dict[str, Path] = {}

    def _run(self, args: list[str], data: bytes | None = None, env: dict[str, str] | None = None) -> bytes | None:
        try:
            done = subprocess.run(["openssl", *args], input=data, capture_output=True, timeout=30,
                                  env={**os.environ, **(env or {})})
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout if done.returncode == 0 else None

    def info(self, cert_der: bytes) -> CsdInfo:
        """RFC, NoCertificado (the serial's ASCII digits), expiry, CSD or FIEL; 3 if unreadable."""
        digest = hashlib.sha256(cert_der).hexdigest()
        with self._lock:
            if digest in self._infos:
                return self._infos[digest]
        with tempfile.NamedTemporaryFile(dir=self.dir, suffix=".cer") as handle:
            handle.write(cert_der)
            handle.flush()
            head = self._run(["x509", "-inform", "DER", "-in", handle.name, "-noout", "-serial", "-enddate",
                              "-subject", "-nameopt", "RFC2253,-esc_msb"])
            text = self._run(["x509", "-inform", "DER", "-in", handle.name, "-noout", "-text"])
            public = self._run(["x509", "-inform", "DER", "-in", handle.name, "-noout", "-pubkey"])
        if head is None or text is None or public is None:
            raise DocumentError(3, "certBase64 no es un certificado")
        lines = dict(line.split("=", 1) for line in head.decode("utf-8", "replace").splitlines() if "=" in line)
        serial = bytes.fromhex(lines.get("serial", "").strip() or "00")
        rfc = re.search(r"x500UniqueIdentifier=([A-ZÑ&0-9]{12,13})", lines.get("subject", ""))
        usage = text.decode("utf-8", "replace")
        info = CsdInfo(
            rfc=rfc.group(1) if rfc else "",
            no_certificado=serial.decode("ascii") if serial.isdigit() else serial.hex(),
            not_after=dt.datetime.strptime(lines.get("notAfter", "").strip().replace("  ", " "), "%b %d %H:%M:%S %Y %Z"),
            is_csd=not any(w in usage for w in ("Extended Key Usage", "Key Agreement", "Data Encipherment")),
            public_key=public)
        with self._lock:
            self._infos[digest] = info
        return info

    def _plain_key(self, key_der: bytes, key_pass: str, public_key: bytes) -> Path:
        # One decryption at a time: concurrent stamps with the same CSD must not write the same
        # file while another reads it.
        with self._key_lock:
            return self._decrypt(key_der, key_pass, public_key)

    def _decrypt(self, key_der: bytes, key_pass: str, public_key: bytes) -> Path:
        digest = hashlib.sha256(key_der + b"\0" + key_pass.encode()).hexdigest()
        with self._lock:
            if digest in self._keys:
                return self._keys[digest]
        target = self.dir / f"{digest}.pem"
        with tempfile.NamedTemporaryFile(dir=self.dir, suffix=".key") as handle:
            handle.write(key_der)
            handle.flush()
            done = self._run(["pkcs8", "-inform", "DER", "-in", handle.name, "-passin", "env:SANDBOX_KEY_PASS",
                              "-out", str(target)], env={"SANDBOX_KEY_PASS": key_pass})
        if done is None:
            raise DocumentError(3, "keyPass no abre keyBase64")
        if self._run(["pkey", "-in", str(target), "-pubout"]) != public_key:
            target.unlink(missing_ok=True)
            raise DocumentError(302, "la llave privada no corresponde al certificado")
        with self._lock:
            self._keys[digest] = target
        return target

    def seal(self, cert_der: bytes, key_der: bytes, key_pass: str, cadena: str) -> str:
        """base64 of RSA-SHA256 over the cadena, PKCS#1 v1.5 (SAT's algorithm for CFDI 4.0)."""
        key = self._plain_key(key_der, key_pass, self.info(cert_der).public_key)
        signature = self._run(["dgst", "-sha256", "-sign", str(key)], data=cadena.encode("utf-8"))
        if signature is None:
            raise DocumentError(302, "no se pudo calcular el sello")
        return base64.b64encode(signature).decode("ascii")


def fake_seal(cadena: str) -> str:
    """The seal of the account's default certificate when the sandbox holds no key for it:
    deterministic (the same cadena, the same seal, as an RSA PKCS#1 v1.5 signature is), 256
    bytes like RSA-2048, but not a signature."""
    block = b"".join(hashlib.sha512(bytes([i]) + cadena.encode("utf-8")).digest() for i in range(4))
    return base64.b64encode(block).decode("ascii")

