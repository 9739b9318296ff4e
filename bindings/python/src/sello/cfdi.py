"""CFDI — Prodigia / PADE (Mexico): CFDI 4.0 stamping (XML or the CSV interchange file),
cancellation with SAT's motivo, SAT status, receipts, stamped XML."""

from __future__ import annotations

import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from ._client import LOG_INFO, Client, LogCallback, ProgressCallback, call_helper, client_config
from .result import Result

__all__ = ["CFDI", "cfdi_inspect_csd"]

PathLike = Union[str, "os.PathLike[str]"]
UuidEntry = Union[str, Mapping[str, Any]]


def _csd(
    cert_path: Optional[PathLike],
    certBase64: Optional[str],
    key_path: Optional[PathLike],
    keyBase64: Optional[str],
    keyPass: Optional[str],
) -> Dict[str, Any]:
    return {
        "cert_path": cert_path,
        "certBase64": certBase64,
        "key_path": key_path,
        "keyBase64": keyBase64,
        "keyPass": keyPass,
    }


class CFDI(Client):
    """A Prodigia client (``cfdi_client_new``), HTTP Basic authentication.

    Configuration as :class:`sello.FES`, with ``usuario``, ``password`` and ``contrato`` (the
    default contract, overridable per call); ``environment`` is "production" (the default,
    timbrado.pade.mx) or "test" (pruebas.pade.mx, a separate deployment with its own users).
    Authentication failures are never retried: Prodigia locks an account after 3 of them.
    """

    _service = "cfdi"

    def __init__(
        self,
        *,
        usuario: str,
        password: str,
        contrato: Optional[str] = None,
        base_url: Optional[str] = None,
        environment: Optional[str] = None,
        timeout_ms: Optional[int] = None,
        connect_timeout_ms: Optional[int] = None,
        ca_file: Optional[PathLike] = None,
        proxy: Optional[str] = None,
        user_agent: Optional[str] = None,
        max_response_bytes: Optional[int] = None,
        allow_insecure_http: Optional[bool] = None,
        retries: Optional[Mapping[str, int]] = None,
        on_progress: Optional[ProgressCallback] = None,
        on_log: Optional[LogCallback] = None,
        log_level: int = LOG_INFO,
    ) -> None:
        config = client_config(
            usuario=usuario,
            password=password,
            contrato=contrato,
            base_url=base_url,
            environment=environment,
            timeout_ms=timeout_ms,
            connect_timeout_ms=connect_timeout_ms,
            ca_file=os.fspath(ca_file) if ca_file is not None else None,
            proxy=proxy,
            user_agent=user_agent,
            max_response_bytes=max_response_bytes,
            allow_insecure_http=allow_insecure_http,
            retries=dict(retries) if retries is not None else None,
        )
        super().__init__(config, on_progress=on_progress, on_log=on_log, log_level=log_level)

    def process_file(
        self,
        *,
        datos: Optional[str] = None,
        datos_path: Optional[PathLike] = None,
        datos_base64: Optional[str] = None,
        prueba: Optional[bool] = None,
        opciones: Optional[Sequence[str]] = None,
        opciones_base64: Optional[bool] = None,
        contrato: Optional[str] = None,
        save_dir: Optional[PathLike] = None,
        include_xml: Optional[bool] = None,
    ) -> Result:
        """Stamps a CFDI from the CSV interchange file (procesarArchivo). Give one of ``datos``
        (CSV text), ``datos_path`` or ``datos_base64``. Never re-sent once it may have reached the
        service. data: the servicioTimbrado answer (timbradoOk, codigo, uuid, ...), plus "xml"
        (include_xml) and "saved_files" (save_dir). timbradoOk with a non-zero codigo is a
        warning, not an error."""
        return self._invoke(
            "process_file",
            {
                "datos": datos,
                "datos_path": datos_path,
                "datos_base64": datos_base64,
                "prueba": prueba,
                "opciones": list(opciones) if opciones is not None else None,
                "opciones_base64": opciones_base64,
                "contrato": contrato,
                "save_dir": save_dir,
                "include_xml": include_xml,
            },
        )

    def process_file_with_csd(
        self,
        *,
        datos: Optional[str] = None,
        datos_path: Optional[PathLike] = None,
        datos_base64: Optional[str] = None,
        prueba: Optional[bool] = None,
        opciones: Optional[Sequence[str]] = None,
        opciones_base64: Optional[bool] = None,
        contrato: Optional[str] = None,
        save_dir: Optional[PathLike] = None,
        include_xml: Optional[bool] = None,
        cert_path: Optional[PathLike] = None,
        certBase64: Optional[str] = None,
        key_path: Optional[PathLike] = None,
        keyBase64: Optional[str] = None,
        keyPass: Optional[str] = None,
    ) -> Result:
        """Stamps sending the CSD (procesarArchivoConCSD). The CSD is checked locally first
        (password, key pair, a CSD and not a FIEL, not expired)."""
        return self._invoke(
            "process_file_with_csd",
            {
                "datos": datos,
                "datos_path": datos_path,
                "datos_base64": datos_base64,
                "prueba": prueba,
                "opciones": list(opciones) if opciones is not None else None,
                "opciones_base64": opciones_base64,
                "contrato": contrato,
                "save_dir": save_dir,
                "include_xml": include_xml,
                **_csd(cert_path, certBase64, key_path, keyBase64, keyPass),
            },
        )

    def cancel(
        self,
        *,
        rfcEmisor: str,
        uuids: Sequence[UuidEntry],
        cert_path: Optional[PathLike] = None,
        certBase64: Optional[str] = None,
        key_path: Optional[PathLike] = None,
        keyBase64: Optional[str] = None,
        keyPass: Optional[str] = None,
        opciones: Optional[Sequence[str]] = None,
        contrato: Optional[str] = None,
        save_dir: Optional[PathLike] = None,
    ) -> Result:
        """Requests the cancellation of CFDIs (cancelarCfdiConOpciones). ``uuids``: strings
        "UUID|RFC_Receptor|RFC_Emisor|Total" or, with SAT's motivo,
        "UUID|RFC_Receptor|RFC_Emisor|Total|Motivo|FolioSustitucion", or dicts {"uuid",
        "rfcReceptor", "rfcEmisor", "total", "motivo", "folioSustitucion"}; an entry without a
        motivo is sent as in 2020 with a warning MOTIVO_MISSING (prefer cancel_with_reason). The
        CSD as in process_file_with_csd, or opciones=["CERT_DEFAULT"]. data: the servicioCancel
        answer with "cancelaciones" always a list, each with its "status"; per-UUID outcomes are
        data."""
        entries: List[Any] = [entry if isinstance(entry, str) else dict(entry) for entry in uuids]
        return self._invoke(
            "cancel",
            {
                "rfcEmisor": rfcEmisor,
                "uuids": entries,
                **_csd(cert_path, certBase64, key_path, keyBase64, keyPass),
                "opciones": list(opciones) if opciones is not None else None,
                "contrato": contrato,
                "save_dir": save_dir,
            },
        )

    def get_cancellation_receipt(
        self,
        *,
        uuid: str,
        contrato: Optional[str] = None,
        save_dir: Optional[PathLike] = None,
        include_xml: Optional[bool] = None,
    ) -> Result:
        """The cancellation receipt (acuseCancelacion): the servicioConsulta answer (+ xml, saved_files)."""
        return self._invoke(
            "get_cancellation_receipt",
            {"uuid": uuid, "contrato": contrato, "save_dir": save_dir, "include_xml": include_xml},
        )

    def get_by_uuid(
        self,
        *,
        uuid: str,
        contrato: Optional[str] = None,
        save_dir: Optional[PathLike] = None,
        include_xml: Optional[bool] = None,
    ) -> Result:
        """A stamped CFDI's XML (consultaCfdiPorUUID)."""
        return self._invoke(
            "get_by_uuid", {"uuid": uuid, "contrato": contrato, "save_dir": save_dir, "include_xml": include_xml}
        )

    def process_files(
        self, *, items: Sequence[Mapping[str, Any]], concurrency: Optional[int] = None, operation: Optional[str] = None
    ) -> Result:
        """Runs many requests of one ``operation`` concurrently: "process_file" (the default),
        "process_file_with_csd", "stamp_xml", "stamp_xml_with_csd", "get_status" or
        "get_by_uuid"; ``items`` are requests of that operation as dicts. data: {"results":
        [envelope, ...] in input order, "succeeded", "failed"}; one item's failure does not stop
        the others — turn an item into a Result or an exception with :func:`sello.unwrap`."""
        return self._invoke(
            "process_files",
            {"operation": operation, "items": [dict(item) for item in items], "concurrency": concurrency},
        )

    def stamp_xml(
        self,
        *,
        xml: Optional[str] = None,
        xml_path: Optional[PathLike] = None,
        xml_base64: Optional[str] = None,
        prueba: Optional[bool] = None,
        opciones: Optional[Sequence[str]] = None,
        contrato: Optional[str] = None,
        save_dir: Optional[PathLike] = None,
        include_xml: Optional[bool] = None,
    ) -> Result:
        """Stamps a CFDI 4.0 XML (timbrado40). Give one of ``xml`` (text), ``xml_path`` or
        ``xml_base64``. Checked locally first: well-formed without DTD, a 4.0 Comprobante
        (a 3.3 is CFDI33_RETIRED), not stamped already (307), a Sello unless CALCULAR_SELLO
        (302), Fecha within SAT's 72 hours (401). REGRESAR_CON_ERROR_307_XML is added: an XML
        stamped before comes back as that stamp with a warning ALREADY_STAMPED, so after a
        timeout a sealed XML may be sent again (the error says retryable)."""
        return self._invoke(
            "stamp_xml",
            {
                "xml": xml,
                "xml_path": xml_path,
                "xml_base64": xml_base64,
                "prueba": prueba,
                "opciones": list(opciones) if opciones is not None else None,
                "contrato": contrato,
                "save_dir": save_dir,
                "include_xml": include_xml,
            },
        )

    def stamp_xml_with_csd(
        self,
        *,
        xml: Optional[str] = None,
        xml_path: Optional[PathLike] = None,
        xml_base64: Optional[str] = None,
        prueba: Optional[bool] = None,
        opciones: Optional[Sequence[str]] = None,
        contrato: Optional[str] = None,
        save_dir: Optional[PathLike] = None,
        include_xml: Optional[bool] = None,
        cert_path: Optional[PathLike] = None,
        certBase64: Optional[str] = None,
        key_path: Optional[PathLike] = None,
        keyBase64: Optional[str] = None,
        keyPass: Optional[str] = None,
    ) -> Result:
        """Stamps a CFDI 4.0 XML sending the issuer's CSD (timbrado40/timbrarCfdi, JSON): the
        stamp_xml fields and checks plus the CSD, checked as in process_file_with_csd; its RFC
        must be the Comprobante's Emisor's (203). With CALCULAR_SELLO Prodigia seals it."""
        return self._invoke(
            "stamp_xml_with_csd",
            {
                "xml": xml,
                "xml_path": xml_path,
                "xml_base64": xml_base64,
                "prueba": prueba,
                "opciones": list(opciones) if opciones is not None else None,
                "contrato": contrato,
                "save_dir": save_dir,
                "include_xml": include_xml,
                **_csd(cert_path, certBase64, key_path, keyBase64, keyPass),
            },
        )

    def cancel_with_reason(
        self,
        *,
        rfcEmisor: str,
        uuids: Sequence[UuidEntry],
        cert_path: Optional[PathLike] = None,
        certBase64: Optional[str] = None,
        key_path: Optional[PathLike] = None,
        keyBase64: Optional[str] = None,
        keyPass: Optional[str] = None,
        opciones: Optional[Sequence[str]] = None,
        contrato: Optional[str] = None,
        save_dir: Optional[PathLike] = None,
    ) -> Result:
        """Cancels CFDIs with SAT's motivo (cancelacion/cancelar). ``uuids``: strings
        "UUID|Motivo|FolioSustitucion" or dicts {"uuid", "motivo", "folioSustitucion"}; motivo
        "01".."04" (or 1..4), "01" with the replacing CFDI's UUID, "02".."04" without. The CSD
        as in cancel, or opciones=["CERT_DEFAULT"]. data: the servicioCancel answer; each of
        "cancelaciones" has "status": cancelled, already_cancelled, pending (the receiver must
        accept), rejected, not_cancellable, not_found or error."""
        entries: List[Any] = [entry if isinstance(entry, str) else dict(entry) for entry in uuids]
        return self._invoke(
            "cancel_with_reason",
            {
                "rfcEmisor": rfcEmisor,
                "uuids": entries,
                **_csd(cert_path, certBase64, key_path, keyBase64, keyPass),
                "opciones": list(opciones) if opciones is not None else None,
                "contrato": contrato,
                "save_dir": save_dir,
            },
        )

    def get_status(
        self,
        *,
        uuid: str,
        rfcEmisor: str,
        rfcReceptor: str,
        total: Union[str, int, float],
        opciones: Optional[Sequence[str]] = None,
        contrato: Optional[str] = None,
    ) -> Result:
        """The SAT status of a CFDI (consultarEstatusComprobante). data: the
        servicioConsultaComprobante answer (consultaOk, codigo, codigoEstatus, esCancelable,
        estado, estatusCancelacion, estatusCfdi, ...) plus "estatus_text" ("Vigente",
        "Cancelado sin aceptación", ...). Safe to repeat."""
        return self._invoke(
            "get_status",
            {
                "uuid": uuid,
                "rfcEmisor": rfcEmisor,
                "rfcReceptor": rfcReceptor,
                "total": total,
                "opciones": list(opciones) if opciones is not None else None,
                "contrato": contrato,
            },
        )


def cfdi_inspect_csd(
    *,
    cert_path: Optional[PathLike] = None,
    certBase64: Optional[str] = None,
    key_path: Optional[PathLike] = None,
    keyBase64: Optional[str] = None,
    keyPass: Optional[str] = None,
) -> Result:
    """Inspects a CSD (.cer and optionally its .key) without sending anything: data {"rfc", "name",
    "no_certificado", "not_before", "not_after", "expired", "is_csd", "key_matches"}."""
    return call_helper("cfdi_inspect_csd", _csd(cert_path, certBase64, key_path, keyBase64, keyPass))
