"""Every service the sandbox imitates, and which one a request path belongs to."""

from __future__ import annotations

from emulator.services.base import Service
from emulator.services.cfdi.service import SERVICE as CFDI_SERVICE
from emulator.services.fes.service import SERVICE as FES_SERVICE
from emulator.services.fv.service import SERVICE as FV_SERVICE

SERVICES: dict[str, Service] = {service.name: service for service in (FES_SERVICE, FV_SERVICE, CFDI_SERVICE)}
ROOT_SERVICE = FV_SERVICE  # Firma Virtual's base URL is the root: every path no other service owns


def service_of(path: str) -> str:
    """Which service a path belongs to; Firma Virtual's base is the root, so it is the default."""
    for service in SERVICES.values():
        if service.owns(path):
            return service.name
    return ROOT_SERVICE.name
