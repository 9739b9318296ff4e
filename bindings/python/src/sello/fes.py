"""FES — Certificadora del Sur (Chile): digital certificates for SII tax documents."""

from __future__ import annotations

import os
from typing import Any, Mapping, Optional, Union

from ._client import LOG_INFO, Client, LogCallback, ProgressCallback, call_helper, client_config
from .result import Result

__all__ = ["FES", "fes_check_request"]

PathLike = Union[str, "os.PathLike[str]"]


class FES(Client):
    """A FES client (``fes_client_new``).

    >>> with sello.FES(usuario="PruebaWS", clave="...", base_url=url) as fes:
    ...     cert = fes.obtain_certificate(rut="19.371.037-9", ..., save_to="cert.p12")
    ...     cert["certificate_info"]["not_after"]

    Configuration (keyword arguments; None keeps the library's default): ``usuario``, ``clave``,
    ``base_url`` (default: the service's documented URL) or ``environment`` ("test", the default;
    "production" has no published URL: give the one Certificadora del Sur sends with the account
    as ``base_url``), ``timeout_ms`` (60000),
    ``connect_timeout_ms`` (10000), ``ca_file``, ``proxy``, ``user_agent``,
    ``max_response_bytes`` (104857600), ``allow_insecure_http`` (False: http:// only to
    loopback), ``retries`` ({"max": 2, "base_delay_ms": 200, "max_delay_ms": 5000}).
    A bad configuration raises InvalidArgumentError.
    """

    _service = "fes"

    def __init__(
        self,
        *,
        usuario: str,
        clave: str,
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
            clave=clave,
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

    def obtain_certificate(
        self,
        *,
        rut: str,
        correo: str,
        numeroDocumento: str,
        claveCertificado: str,
        duracion: int,
        nombreEmpresa: str,
        comuna: str,
        direccion: str,
        giroEmpresa: str,
        save_to: Optional[PathLike] = None,
    ) -> Result:
        """Issues a digital certificate (POST {base}/obtenerCertificado). Never sent twice.

        Returns data {"estado", "errorCode", "comentario", "certificado" (base64 PKCS#12),
        "saved_to" (with save_to), "certificate_info": {"subject", "rut", "serial",
        "not_before", "not_after"}}. A TimeoutError with retryable False means the request may
        have reached the service: check with the provider before asking again.
        """
        return self._invoke(
            "obtain_certificate",
            {
                "rut": rut,
                "correo": correo,
                "numeroDocumento": numeroDocumento,
                "claveCertificado": claveCertificado,
                "duracion": duracion,
                "nombreEmpresa": nombreEmpresa,
                "comuna": comuna,
                "direccion": direccion,
                "giroEmpresa": giroEmpresa,
                "save_to": save_to,
            },
        )


def fes_check_request(
    *,
    rut: Optional[str] = None,
    correo: Optional[str] = None,
    numeroDocumento: Optional[str] = None,
    claveCertificado: Optional[str] = None,
    duracion: Optional[int] = None,
    nombreEmpresa: Optional[str] = None,
    comuna: Optional[str] = None,
    direccion: Optional[str] = None,
    giroEmpresa: Optional[str] = None,
    save_to: Optional[PathLike] = None,
) -> Result:
    """Checks an obtain_certificate request without sending anything (``fes_check_request``).

    Returns the JSON body as it would be sent, secrets replaced by "***", or raises the
    ValidationError that obtain_certificate would raise (``.problems`` lists every problem).
    Every field is optional here so that a partial request shows what is missing.
    """
    request: Mapping[str, Any] = {
        "rut": rut,
        "correo": correo,
        "numeroDocumento": numeroDocumento,
        "claveCertificado": claveCertificado,
        "duracion": duracion,
        "nombreEmpresa": nombreEmpresa,
        "comuna": comuna,
        "direccion": direccion,
        "giroEmpresa": giroEmpresa,
        "save_to": save_to,
    }
    return call_helper("fes_check_request", request)
