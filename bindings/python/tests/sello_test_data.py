"""Data shared by the binding's logging, sello.aio and `sello` command tests (a module of its own,
with a name unique in the repository: one pytest run collects Tests/python too, whose test_cfdi
would shadow this folder's)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict

import sello

MX_TZ = dt.timezone(dt.timedelta(hours=-6))
EMISOR = "EKU9003173C9"        # the RFC of the "other" test CSD, and the sandbox's default emisor
RECEPTOR = "XAXX010101000"
SEEDED_CONTRACT = "307c1f32-bbb5-4cbe-a4f4-ecf20616510a"
BY_UUID = "/servicio/rest/integracion/consultaCfdiPorUUID"


def csv_text(total: str = "1160.00", emisor: str = EMISOR, folio: str = "123") -> str:
    """The sandbox's interchange format, dated five minutes ago in Mexico City."""
    fecha = (dt.datetime.now(MX_TZ) - dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S")
    return "\n".join([f"CFDI|3.3|A|{folio}|{fecha}|01|1000.00|MXN|I|PUE|06000",
                      f"EMISOR|{emisor}|ESCUELA KEMPER URGATE|601",
                      f"RECEPTOR|{RECEPTOR}|PUBLICO EN GENERAL|G03",
                      f"TOTAL|{total}"]) + "\n"


def stamped_uuid(cfdi_config: Dict[str, Any]) -> str:
    """The UUID of a fresh test stamp (process_file with prueba)."""
    with sello.CFDI(**cfdi_config) as cfdi:
        return str(cfdi.process_file(datos=csv_text(), prueba=True)["uuid"])
