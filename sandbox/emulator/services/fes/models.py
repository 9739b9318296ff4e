"""FES's state: its accounts and the answer spelling the tests chose."""

from __future__ import annotations

import dataclasses
from typing import Any

from emulator.core.state import LOCK
from emulator.services.fes.tables import FES_STYLE_DEFAULTS


@dataclasses.dataclass
class FesAccount:
    usuario: str
    clave: str
    enabled: bool = True
    privileged: bool = True
    company_enabled: bool = True
    quota: int = 1000


class FesState:
    """FES's accounts and answer spelling; ``LOCK`` guards them."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        with LOCK:
            # seed 000 example credentials.
            self.accounts: dict[str, FesAccount] = {
                "PruebaWS": FesAccount("PruebaWS", "bJBk9GuSJCOWLXODhniTCX7e5", quota=1000)
            }
            # The answer spelling the evidence shows, chosen by tests (POST /_sandbox/fes/style).
            self.style: dict[str, str] = dict(FES_STYLE_DEFAULTS)

    def view(self) -> dict[str, Any]:
        """FES's part of GET /_sandbox/state."""
        return {"fes_accounts": {k: dataclasses.asdict(v) for k, v in self.accounts.items()}}


FES = FesState()
