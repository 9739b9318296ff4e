"""CFDI's models — PADE accounts and stamped CFDIs — and its state."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from emulator.core.state import LOCK
from emulator.core.values import money


@dataclasses.dataclass
class CfdiAccount:
    usuario: str
    password: str
    contrato: str
    saldo: int = 1000
    has_default_cert: bool = False
    failures: int = 0
    # The default CSD's certificate, key and password, when the sandbox holds one (CALCULAR_SELLO
    # then seals with it); has_default_cert alone gives a stand-in seal.
    default_csd: tuple[bytes, bytes, str] | None = None


@dataclasses.dataclass
class Cfdi:
    uuid: str
    contrato: str
    serie: str
    folio: str
    fecha: str
    rfc_emisor: str
    nombre_emisor: str
    regimen: str
    rfc_receptor: str
    nombre_receptor: str
    uso: str
    total: Decimal
    fecha_timbrado: str
    sello_cfd: str
    sello_sat: str
    status: str = "vigente"  # vigente | pendiente (awaiting the receiver) | rechazado | cancelado
    cancel_code: int | None = None  # 201, 95 (accepted) or 98 (deadline passed)
    acuse: bytes | None = None
    xml: bytes = b""
    version: str = "3.3"
    related: list[str] = dataclasses.field(default_factory=list)  # UUIDs this CFDI relates to
    prueba: bool = False
    motivo: str | None = None
    folio_sustitucion: str = ""
    cancel_requested: bool = False  # a cancellation that needs the receiver was asked before (seed 002's 96)


def cfdi_account_json(account: CfdiAccount) -> dict[str, Any]:
    view = {k: v for k, v in dataclasses.asdict(account).items() if k != "default_csd"}
    view["has_default_csd"] = account.default_csd is not None
    return view


class CfdiState:
    """PADE's accounts, the stamped CFDIs and how answers spell the folio; ``LOCK`` guards them."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        with LOCK:
            # Prodigia account.
            self.accounts: dict[str, CfdiAccount] = {
                "pade_user": CfdiAccount("pade_user", "pade_pass", "PADE-CONTRATO-01", 1000, False)
            }
            self.cfdis: dict[str, Cfdi] = {}
            self.sellos: dict[tuple[str, str], str] = {}  # (contrato, Sello) -> UUID: a re-sent XML is 307
            self.serie_folio: dict[tuple[str, str, str, str], str] = {}  # VERIFICAR_SERIE_FOLIO
            self.uuid_element = "UUID"  # how stamp answers spell the folio (PRODIGIA_2026.md §7.4)

    def view(self) -> dict[str, Any]:
        """CFDI's part of GET /_sandbox/state."""
        return {
            "cfdi_accounts": {k: cfdi_account_json(v) for k, v in self.accounts.items()},
            "cfdis": {
                k: {
                    "contrato": c.contrato,
                    "rfcEmisor": c.rfc_emisor,
                    "rfcReceptor": c.rfc_receptor,
                    "total": money(c.total),
                    "status": c.status,
                    "cancel_code": c.cancel_code,
                    "version": c.version,
                    "serie": c.serie,
                    "folio": c.folio,
                    "related": c.related,
                    "prueba": c.prueba,
                    "motivo": c.motivo,
                    "folioSustitucion": c.folio_sustitucion,
                }
                for k, c in self.cfdis.items()
            },
            "cfdi_uuid_element": self.uuid_element,
        }


CFDI = CfdiState()
