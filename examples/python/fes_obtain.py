#!/usr/bin/env python3
"""FES (Certificadora del Sur, Chile): check a request, obtain a certificate and save it.

SELLO_SANDBOX_URL=http://127.0.0.1:PORT python3 examples/python/fes_obtain.py [OUTPUT_DIR]
"""

from __future__ import annotations

import base64
import os
import pathlib
import tempfile
import time

import sello
from _common import fail, log_line, output_dir, sandbox_url

FES_PATH = "/generateFES/rest-services/public/generateFes"


def main() -> None:
    base_url = sandbox_url() + FES_PATH
    out = output_dir()
    print(f"sello {sello.version()} (ABI {sello.abi_version()}), library {sello.library_path()}")
    print(f"FES client: base_url {base_url}, usuario PruebaWS, clave ********")

    request = {
        "rut": "19.371.037-9",
        "correo": "eleon@certificadoradelsur.cl",
        "numeroDocumento": "100.123.456",
        "claveCertificado": "Secreta123",
        "duracion": 3,
        "nombreEmpresa": "CDS",
        "comuna": "los angeles",
        "direccion": "Lautaro 867",
        "giroEmpresa": "Otros",
        "save_to": str(out / "certificado-19371037-9.p12"),
    }
    # 1. Checked locally first: what will be sent, secrets masked by the library.
    try:
        checked = sello.fes_check_request(**request)
    except sello.SelloError as error:
        fail("fes_check_request", error)
    print("\nRequest as it will be sent (secrets masked):")
    for name, value in checked["request"]["parametro"].items():
        print(f"  {name:<17} {value}")
    print(f"  {'encabezado':<17} usuario and clave from the configuration, masked")

    # 2. Obtain it: sent once; never repeated after it may have reached FES.
    print("\nobtain_certificate:")
    try:
        with sello.FES(
            usuario="PruebaWS",
            clave="bJBk9GuSJCOWLXODhniTCX7e5",
            base_url=base_url,
            timeout_ms=120_000,  # FES's default: an issuance can take over a minute
            on_log=log_line,
        ) as fes:
            result = fes.obtain_certificate(**request)
    except sello.TimeoutError as error:
        # Not retryable: a certificate may have been issued and the quota spent.
        fail("obtain_certificate (check with the provider before asking again)", error)
    except sello.SelloError as error:
        fail("obtain_certificate", error)

    # FES cannot give the certificate again: when save_to failed (warning WRITE_FAILED) it is only
    # in result["certificado"], so store it somewhere else before anything else.
    saved_to = result.get("saved_to") or keep_elsewhere(result["certificado"])
    print("\nCertificate issued:")
    print(f"  estado            {result['estado']} (errorCode {result['errorCode']})")
    print(f"  comentario        {result['comentario']}")
    info = result.get("certificate_info")  # absent when the PKCS#12 did not open (a warning says why)
    if info:
        print(f"  subject           {info['subject']}")
        print(f"  rut               {info['rut']}")
        print(f"  serial            {info['serial']}")
        print(f"  valid             {info['not_before']} .. {info['not_after']}")
    print(
        f"  certificado       {len(base64.b64decode(result['certificado']))} bytes of PKCS#12,"
        " protected by claveCertificado"
    )
    print(f"  saved to          {saved_to}")
    print(f"  attempts          {result.attempts}, {result.meta['elapsed_ms']} ms")
    for warning in result.warnings:
        print(f"  warning           {warning['code']}: {warning['message']}")


def keep_elsewhere(certificado: str) -> str:
    """Writes the certificate (mode 0600, never over another file) where save_to could not."""
    path = pathlib.Path(tempfile.gettempdir()) / f"fes-certificate-{os.getpid()}-{int(time.time())}.p12"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(base64.b64decode(certificado))
    return f"{path} (save_to failed: see the warning)"


if __name__ == "__main__":
    main()
