"""Stamping a CFDI 4.0 (sent as XML, or built from a 4.0 CSV): the checks in the service's order,
the seal (with a CSD, the account's default one, or the Sello sent), the 307 of a re-sent XML,
and the stamp itself — the XML as sent with its seal set and the timbre added."""

from __future__ import annotations

import datetime as dt
import os
import uuid
import xml.etree.ElementTree as ET
from typing import Any

from emulator.core.runtime import RUNTIME
from emulator.core.state import LOCK
from emulator.core.values import b64, b64_strict, nonempty_str, utc_now
from emulator.plumbing.answers import Answer, xml_answer
from emulator.services.cfdi.answers import cfdi_already_stamped, cfdi_error, cfdi_stamp_fields
from emulator.services.cfdi.document import (
    Comprobante,
    DocumentError,
    add_timbre,
    cadena_original,
    read_comprobante,
    set_root_attributes,
    timbre_xml,
)
from emulator.services.cfdi.fecha import cfdi_check_fecha
from emulator.services.cfdi.models import CFDI, Cfdi, CfdiAccount
from emulator.services.cfdi.sealer import fake_seal
from emulator.services.cfdi.tables import (
    CFDI_DEFAULT_NO_CERTIFICADO,
    CFDI_NO_CERTIFICADO_SAT,
    CFDI_RFC_PAC,
    CFDI_TEST_MESSAGE,
    MX_TZ,
)


def cfdi_seal(
    doc: Comprobante, account: CfdiAccount, options: list[str], csd: tuple[bytes, bytes, str] | None
) -> tuple[str, str]:
    """The document as it will be stamped and its Sello. With a CSD (procesarArchivoConCSD,
    timbrarCfdi) or CALCULAR_SELLO the sandbox seals it: NoCertificado and Certificado set from the
    certificate, Sello = RSA-SHA256 over a simplified cadena original. The account's default
    certificate without a key held by the sandbox gives a deterministic stand-in seal."""
    calcular = "CALCULAR_SELLO" in options
    if csd is None and calcular:
        csd = account.default_csd
        if csd is None and not account.has_default_cert:
            raise DocumentError(20, "CALCULAR_SELLO sin certificado default")
    if csd is not None and (calcular or not doc.sello):
        cert, key, password = csd
        info = RUNTIME.sealer.info(cert)
        if not info.is_csd:
            raise DocumentError(306, f"el certificado {info.no_certificado} es una FIEL")
        if info.not_after < utc_now().replace(tzinfo=None):
            raise DocumentError(304, f"el certificado {info.no_certificado} venció el {info.not_after:%Y-%m-%d}")
        if info.rfc != doc.rfc_emisor:
            raise DocumentError(303, f"el certificado es del RFC {info.rfc}, el emisor es {doc.rfc_emisor}")
        text = set_root_attributes(doc.text, {"NoCertificado": info.no_certificado, "Certificado": b64(cert)})
        sello = RUNTIME.sealer.seal(cert, key, password, cadena_original(ET.fromstring(text.encode("utf-8"))))
        return set_root_attributes(text, {"Sello": sello}), sello
    if calcular:
        text = set_root_attributes(
            doc.text, {"NoCertificado": doc.root.get("NoCertificado") or CFDI_DEFAULT_NO_CERTIFICADO}
        )
        sello = fake_seal(cadena_original(ET.fromstring(text.encode("utf-8"))))
        return set_root_attributes(text, {"Sello": sello}), sello
    if not doc.sello:
        raise DocumentError(302, "el comprobante no tiene Sello (use CALCULAR_SELLO)")
    if b64_strict(doc.sello) is None:
        raise DocumentError(302, "el Sello no es base64")
    return doc.text, doc.sello


def cfdi_stamp_document(
    account: CfdiAccount,
    contrato: str,
    data: bytes,
    options: list[str],
    csd: tuple[bytes, bytes, str] | None,
    status: int,
    prueba: bool = False,
) -> Answer:
    """A CFDI 4.0 XML (sent, or built from a 4.0 CSV): 2 (saldo) → 301 → 307 (a timbre inside) → 401 →
    sealing (20, 302–306) → 307 (the same Sello stamped before; with VERIFICAR_SERIE_FOLIO the same
    Serie+Folio) → stamp."""
    with LOCK:
        if account.saldo <= 0:
            return cfdi_error("timbrado", 2, contrato, "sin saldo", status=status)
    try:
        doc = read_comprobante(data)
        if doc.timbre_uuid is not None:
            with LOCK:
                earlier = CFDI.cfdis.get(doc.timbre_uuid)
            return cfdi_already_stamped(
                earlier if earlier and earlier.contrato == contrato else None, contrato, options, status
            )
        problem = cfdi_check_fecha(doc.fecha, doc.root.get("LugarExpedicion"))
        if problem:
            return cfdi_error("timbrado", problem[0], contrato, problem[1], status=status)
        text, sello = cfdi_seal(doc, account, options, csd)
    except DocumentError as exc:
        return cfdi_error("timbrado", exc.codigo, contrato, exc.detail, status=status)
    with LOCK:
        earlier_uuid = CFDI.sellos.get((contrato, sello))
        serie_folio = (contrato, doc.rfc_emisor, doc.serie, doc.folio)
        if earlier_uuid is None and "VERIFICAR_SERIE_FOLIO" in options:
            earlier_uuid = CFDI.serie_folio.get(serie_folio)
        if earlier_uuid is not None:
            return cfdi_already_stamped(CFDI.cfdis.get(earlier_uuid), contrato, options, status)
        if account.saldo <= 0:
            return cfdi_error("timbrado", 2, contrato, "sin saldo", status=status)
        cfdi = cfdi_stamped(doc, text, sello, contrato, prueba)
        CFDI.cfdis[cfdi.uuid] = cfdi
        CFDI.sellos[(contrato, sello)] = cfdi.uuid
        CFDI.serie_folio.setdefault(serie_folio, cfdi.uuid)
        account.saldo -= 1
        saldo = account.saldo
    fields = cfdi_stamp_fields(cfdi, contrato, options, saldo, mensaje=CFDI_TEST_MESSAGE if prueba else None)
    return xml_answer("servicioTimbrado", fields, status)


def cfdi_stamped(doc: Any, text: str, sello: str, contrato: str, prueba: bool) -> Cfdi:
    """The stamped CFDI: a new UUID, the TimbreFiscalDigital added to the sealed XML."""
    now = dt.datetime.now(MX_TZ).strftime("%Y-%m-%dT%H:%M:%S")
    cfdi = Cfdi(
        str(uuid.uuid4()).upper(),
        contrato,
        doc.serie,
        doc.folio,
        doc.fecha.strftime("%Y-%m-%dT%H:%M:%S"),
        rfc_emisor=doc.rfc_emisor,
        nombre_emisor=doc.nombre_emisor,
        regimen=doc.regimen,
        rfc_receptor=doc.rfc_receptor,
        nombre_receptor=doc.nombre_receptor,
        uso=doc.uso,
        total=doc.total,
        fecha_timbrado=now,
        sello_cfd=sello,
        sello_sat=b64(os.urandom(256)),
        version="4.0",
        related=doc.related,
        prueba=prueba,
    )
    timbre = timbre_xml(cfdi.uuid, now, CFDI_RFC_PAC, sello, CFDI_NO_CERTIFICADO_SAT, cfdi.sello_sat)
    cfdi.xml = add_timbre(doc, text, timbre).encode("utf-8")
    return cfdi


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
