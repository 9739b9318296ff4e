"""The process-wide settings ``main()`` fills in at start-up, in one place.

Every module reads them as ``RUNTIME.<name>`` when it needs them (never copies them at import
time), so setting them once in ``emulator.server.main`` is seen everywhere.
"""

from __future__ import annotations

import dataclasses
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types only: the runtime does not depend on the services
    from emulator.services.cfdi.sealer import Sealer
    from emulator.services.fes.certificates import CertificateFactory


@dataclasses.dataclass
class Runtime:
    verbose: bool = False  # --verbose: log requests and errors on stderr
    comunas: dict[str, str] = dataclasses.field(default_factory=dict)  # FES: seed form ("LOS ANGELES") -> name
    certs: CertificateFactory | None = None  # FES: issues the PKCS#12 certificates
    sealer: Sealer | None = None  # CFDI: reads CSDs and seals with them


RUNTIME = Runtime()


def log(message: str) -> None:
    """Write a diagnostic line to stderr (stdout carries only the port line)."""
    if RUNTIME.verbose:
        sys.stderr.write(f"[sandbox] {message}\n")
        sys.stderr.flush()
