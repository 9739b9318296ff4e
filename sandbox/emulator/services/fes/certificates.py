"""Certificates (openssl CLI): the sandbox CA and the PKCS#12 files FES issues."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

from emulator.core.values import utc_now

OPENSSL_CONFIG = """\
[req]
distinguished_name = dn
string_mask = utf8only
utf8 = yes
x509_extensions = v3_user
[dn]
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[v3_user]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation,keyEncipherment
extendedKeyUsage = clientAuth,emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


class CertificateError(Exception):
    """openssl failed; FES answers 107 ERROR_GENERARA_CERTIFICADO."""


def subject_value(text: str) -> str:
    """Escape a value for ``openssl -subj`` (backslash before / + = and backslash)."""
    return re.sub(r"([\\/+=])", r"\\\1", text)


class CertificateFactory:
    """Issues real PKCS#12 files with the openssl CLI.

    One CA key and one subject key (RSA 2048) are generated once, at start-up, and reused for every
    certificate; results are cached by (rut, clave, correo, nombreEmpresa, duracion) so repeated
    calls answer in well under a millisecond.
    """

    CACHE_LIMIT = 4096

    def __init__(self, workdir: Path) -> None:
        self.dir = workdir
        self.config = workdir / "openssl.cnf"
        self.config.write_text(OPENSSL_CONFIG)
        self.ca_key = workdir / "ca.key"
        self.ca_crt = workdir / "ca.crt"
        self.user_key = workdir / "user.key"
        self._cache: dict[tuple[Any, ...], bytes] = {}
        self._cache_lock = threading.Lock()  # guards only this cache, never service state
        self._genrsa(self.ca_key)
        self._genrsa(self.user_key)
        self._run(
            [
                "req",
                "-config",
                str(self.config),
                "-x509",
                "-new",
                "-key",
                str(self.ca_key),
                "-subj",
                "/C=CL/O=Certificadora del Sur SANDBOX/CN=CDS SANDBOX CA",
                "-days",
                "7300",
                "-extensions",
                "v3_ca",
                "-out",
                str(self.ca_crt),
            ]
        )

    def _run(self, args: list[str], env: dict[str, str] | None = None) -> bytes:
        try:
            done = subprocess.run(
                ["openssl", *args],
                capture_output=True,
                timeout=30,
                env={**os.environ, **(env or {})},
                stdin=subprocess.DEVNULL,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise CertificateError(str(exc)) from exc
        if done.returncode != 0:
            raise CertificateError(done.stderr.decode("utf-8", "replace").strip())
        return done.stdout

    def _genrsa(self, path: Path) -> None:
        self._run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", str(path)])

    def pkcs12(self, rut: str, clave: str, correo: str, empresa: str, years: int) -> bytes:
        """A PKCS#12 (OpenSSL 3 defaults: AES-256-CBC, PBKDF2, SHA-256 MAC) protected by ``clave``."""
        key = (rut, clave, correo, empresa, years)
        with self._cache_lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        data = self._issue(rut, clave, correo, empresa, years)
        with self._cache_lock:
            if len(self._cache) >= self.CACHE_LIMIT:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = data
        return data

    def _issue(self, rut: str, clave: str, correo: str, empresa: str, years: int) -> bytes:
        today = utc_now().date()
        try:
            until = today.replace(year=today.year + years)
        except ValueError:  # 29 February
            until = today.replace(year=today.year + years, day=28)
        subject = "".join(
            [
                f"/CN={subject_value('CERTIFICADO FES ' + rut)}",
                f"/serialNumber={subject_value(rut)}",
                f"/emailAddress={subject_value(correo)}",
                f"/O={subject_value(empresa)}",
            ]
        )
        with tempfile.TemporaryDirectory(dir=self.dir) as tmp:
            crt = Path(tmp) / "cert.pem"
            p12 = Path(tmp) / "cert.p12"
            request = ["req", "-config", str(self.config), "-x509", "-new", "-utf8", "-key", str(self.user_key)]
            request += ["-CA", str(self.ca_crt), "-CAkey", str(self.ca_key), "-subj", subject]
            request += ["-days", str((until - today).days), "-set_serial", "0x" + secrets.token_hex(12)]
            request += ["-addext", f"subjectAltName=otherName:1.3.6.1.4.1.8321.1;IA5STRING:{rut}", "-out", str(crt)]
            self._run(request)
            export = ["pkcs12", "-export", "-inkey", str(self.user_key), "-in", str(crt), "-certfile", str(self.ca_crt)]
            export += ["-name", f"CERTIFICADO FES {rut}", "-passout", "env:SANDBOX_P12_PASS", "-out", str(p12)]
            self._run(export, env={"SANDBOX_P12_PASS": clave})
            return p12.read_bytes()
