"""Data shared by the binding's logging, sello.aio and `sello` command tests (a module of its own,
with a name unique in the repository: one pytest run collects Tests/python too, whose test_cfdi
would shadow this folder's)."""
from __future__ import annotations

import base64
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


NAMED = "XIQB891116QE4"   # a named receiver: above $1,000 the receiver must accept


def cfdi40(sello: str = "", folio: str = "1", receptor: str = NAMED) -> str:
    """A CFDI 4.0 built by the integrator, dated now in Mexico City."""
    fecha = (dt.datetime.now(MX_TZ) - dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S")
    return ('<?xml version="1.0" encoding="UTF-8"?><cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" '
            f'Version="4.0" Serie="B" Folio="{folio}" Fecha="{fecha}" Sello="{sello}" NoCertificado="" Certificado="" '
            'SubTotal="1000.00" Moneda="MXN" Total="1160.00" TipoDeComprobante="I" Exportacion="01" MetodoPago="PUE" '
            f'LugarExpedicion="06000"><cfdi:Emisor Rfc="{EMISOR}" Nombre="ESCUELA KEMPER URGATE" RegimenFiscal="601"/>'
            f'<cfdi:Receptor Rfc="{receptor}" Nombre="CLIENTE" DomicilioFiscalReceptor="36257" '
            'RegimenFiscalReceptor="612" UsoCFDI="G03"/><cfdi:Conceptos><cfdi:Concepto ClaveProdServ="01010101" '
            'Cantidad="1" ClaveUnidad="ACT" Descripcion="Servicio" ValorUnitario="1000.00" Importe="1000.00" '
            'ObjetoImp="01"/></cfdi:Conceptos></cfdi:Comprobante>')


def seal(tag: str) -> str:
    return base64.b64encode((tag.encode() * 256)[:256]).decode()
