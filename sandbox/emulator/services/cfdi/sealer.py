"""Sealing with a CSD (openssl CLI): reading the certificate, opening the key with its password,
RSA-SHA256 over the cadena; and the stand-in seal of a default certificate without a key."""

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
from pathlib import Path

from emulator.services.cfdi.document import DocumentError


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
            done = subprocess.run(
                ["openssl", *args], input=data, capture_output=True, timeout=30, env={**os.environ, **(env or {})}
            )
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
            head = self._run(
                [
                    "x509",
                    "-inform",
                    "DER",
                    "-in",
                    handle.name,
                    "-noout",
                    "-serial",
                    "-enddate",
                    "-subject",
                    "-nameopt",
                    "RFC2253,-esc_msb",
                ]
            )
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
            not_after=dt.datetime.strptime(
                lines.get("notAfter", "").strip().replace("  ", " "), "%b %d %H:%M:%S %Y %Z"
            ),
            is_csd=not any(w in usage for w in ("Extended Key Usage", "Key Agreement", "Data Encipherment")),
            public_key=public,
        )
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
            done = self._run(
                ["pkcs8", "-inform", "DER", "-in", handle.name, "-passin", "env:SANDBOX_KEY_PASS", "-out", str(target)],
                env={"SANDBOX_KEY_PASS": key_pass},
            )
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
