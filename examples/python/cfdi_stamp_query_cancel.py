#!/usr/bin/env python3
"""CFDI 4.0 with Prodigia / PADE (Mexico), as SAT works since 2023: stamp an XML invoice sealed by
the service with the issuer's CSD, stamp an invoice from the integration CSV (4.0 layout), ask the
SAT status, cancel with motivo 02, ask again, fetch the cancellation receipt.

    SELLO_SANDBOX_URL=http://127.0.0.1:PORT SELLO_CSD_CER=csd.cer SELLO_CSD_KEY=csd.key \\
    SELLO_CSD_PASSWORD=... python3 examples/python/cfdi_stamp_query_cancel.py [OUTPUT_DIR]

scripts/run-examples.sh makes a test CSD with OpenSSL (RFC EKU9003173C9). Without SELLO_CSD_* the
example asks Prodigia to seal and cancel with the account's stored certificate (CERT_DEFAULT),
which the sandbox's account has only when told so.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, Dict, List

import sello
from _common import fail, output_dir, sandbox_url

EMISOR, RECEPTOR = "EKU9003173C9", "XAXX010101000"  # the receiver is "público en general"
MEXICO_CITY = dt.timezone(dt.timedelta(hours=-6))  # no daylight saving time since 2022
PLUGIN_40 = "PLUGIN_PROCESO:GENERICO_CFDI40:1.0"


def invoice_xml(fecha: str) -> str:
    """A CFDI 4.0 as an integrator builds it: no Sello, NoCertificado or Certificado yet."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.sat.gob.mx/cfd/4 http://www.sat.gob.mx/sitio_internet/cfd/4/cfdv40.xsd"
  Version="4.0" Serie="A" Folio="1002" Fecha="{fecha}" Sello="" FormaPago="01" NoCertificado="" Certificado=""
  SubTotal="1000.00" Moneda="MXN" Total="1160.00" TipoDeComprobante="I" Exportacion="01" MetodoPago="PUE"
  LugarExpedicion="06000">
  <cfdi:Emisor Rfc="{EMISOR}" Nombre="ESCUELA KEMPER URGATE" RegimenFiscal="601"/>
  <cfdi:Receptor Rfc="{RECEPTOR}" Nombre="PUBLICO EN GENERAL" DomicilioFiscalReceptor="06000"
    RegimenFiscalReceptor="616" UsoCFDI="S01"/>
  <cfdi:Conceptos>
    <cfdi:Concepto ClaveProdServ="81111500" Cantidad="1" ClaveUnidad="E48" Descripcion="Desarrollo de software"
      ValorUnitario="1000.00" Importe="1000.00" ObjetoImp="02">
      <cfdi:Impuestos><cfdi:Traslados>
        <cfdi:Traslado Base="1000.00" Impuesto="002" TipoFactor="Tasa" TasaOCuota="0.160000" Importe="160.00"/>
      </cfdi:Traslados></cfdi:Impuestos>
    </cfdi:Concepto>
  </cfdi:Conceptos>
  <cfdi:Impuestos TotalImpuestosTrasladados="160.00"><cfdi:Traslados>
    <cfdi:Traslado Base="1000.00" Impuesto="002" TipoFactor="Tasa" TasaOCuota="0.160000" Importe="160.00"/>
  </cfdi:Traslados></cfdi:Impuestos>
</cfdi:Comprobante>
"""


def invoice_csv(fecha: str) -> str:
    """The same kind of invoice in the integration CSV, 4.0 layout (PRODIGIA_2026.md §2.5): one
    record per line, the fields of each in the order of SAT's 4.0 XSD, empty ones kept."""
    return (
        "\n".join(
            [
                # CFDI|Version|Serie|Folio|Fecha|Sello|FormaPago|NoCertificado|Certificado|CondicionesDePago|
                #   SubTotal|Descuento|Moneda|TipoCambio|Total|TipoDeComprobante|Exportacion|MetodoPago|
                #   LugarExpedicion|Confirmacion|
                f"CFDI|4.0|B|2002|{fecha}||03||||500.00||MXN||580.00|I|01|PUE|06000||",
                f"EMIS|{EMISOR}|ESCUELA KEMPER URGATE|601||",  # Rfc|Nombre|RegimenFiscal|FacAtrAdquirente|
                # Rfc|Nombre|DomicilioFiscalReceptor|...|UsoCFDI|
                f"RECE|{RECEPTOR}|PUBLICO EN GENERAL|06000|||616|S01|",
                "CONC|81111500||1|E48||Soporte|500.00|500.00||02|",  # ClaveProdServ|...|ObjetoImp|
                "CIMT|500.00|002|Tasa|0.160000|80.00|",  # Base|Impuesto|TipoFactor|TasaOCuota|Importe|
                "IMPU||80.00|",  # TotalImpuestosRetenidos|...Trasladados|
                "IMPT|500.00|002|Tasa|0.160000|80.00",
            ]
        )
        + "\n"
    )


def main() -> None:
    base_url = sandbox_url() + "/servicio/rest"
    out = output_dir()
    cer, key, password = (os.environ.get(n) for n in ("SELLO_CSD_CER", "SELLO_CSD_KEY", "SELLO_CSD_PASSWORD"))
    csd: Dict[str, Any] = {"cert_path": cer, "key_path": key, "keyPass": password} if cer and key and password else {}
    stored: List[str] = [] if csd else ["CERT_DEFAULT"]
    print(f"Prodigia client: base_url {base_url}, usuario pade_user, password ********, contrato PADE-CONTRATO-01")
    try:
        with sello.CFDI(
            usuario="pade_user", password="pade_pass", contrato="PADE-CONTRATO-01", base_url=base_url
        ) as cfdi:
            fecha = dt.datetime.now(MEXICO_CITY).strftime("%Y-%m-%dT%H:%M:%S")
            if csd:
                info = sello.cfdi_inspect_csd(cert_path=cer)
                print(f"CSD {cer}: RFC {info['rfc']}, no. {info['no_certificado']}, valid until {info['not_after']}")
            else:
                print("no SELLO_CSD_CER/KEY/PASSWORD: Prodigia's stored certificate is used (CERT_DEFAULT)")

            # 1. A CFDI 4.0 XML, sealed by Prodigia (CALCULAR_SELLO) with the issuer's CSD.
            xml = out / "factura-A-1002.xml"
            xml.write_text(invoice_xml(fecha), encoding="utf-8")
            print(f"\n1. stamp {xml.name} (CFDI 4.0, Fecha {fecha} Mexico City, total 1160.00 MXN), sealed by Prodigia")
            if csd:
                stamped = cfdi.stamp_xml_with_csd(
                    xml_path=xml, prueba=True, opciones=["CALCULAR_SELLO"], save_dir=out, **csd
                )
            else:
                stamped = cfdi.stamp_xml(xml_path=xml, prueba=True, opciones=["CALCULAR_SELLO", *stored], save_dir=out)
            uuid = stamped["uuid"]
            print(f"   timbradoOk {stamped['timbradoOk']}, codigo {stamped['codigo']}, UUID {uuid}")
            print(
                f"   FechaTimbrado {stamped.get('FechaTimbrado')}, noCertificadoSAT {stamped.get('noCertificadoSAT')}"
            )
            show(stamped)

            # 2. A CFDI 4.0 from the integration CSV, with the 4.0 plugin.
            print("\n2. stamp an integration CSV in the 4.0 layout (PLUGIN_PROCESO:GENERICO_CFDI40:1.0)")
            for line in invoice_csv(fecha).splitlines():
                print(f"   | {line}")
            if csd:
                from_csv = cfdi.process_file_with_csd(
                    datos=invoice_csv(fecha), prueba=True, save_dir=out, opciones=[PLUGIN_40, "CALCULAR_SELLO"], **csd
                )
            else:
                from_csv = cfdi.process_file(
                    datos=invoice_csv(fecha), prueba=True, save_dir=out, opciones=[PLUGIN_40, "CALCULAR_SELLO"]
                )
            print(f"   timbradoOk {from_csv['timbradoOk']}, UUID {from_csv['uuid']}")
            show(from_csv)

            # 3. The SAT status of the first one.
            query = {"uuid": uuid, "rfcEmisor": EMISOR, "rfcReceptor": RECEPTOR, "total": "1160.00"}
            status = cfdi.get_status(**query)
            print(
                f"\n3. SAT status: estatusCfdi {status['estatusCfdi']} ({status['estatus_text']}), "
                f"estado {status['estado']}, {status['esCancelable']}"
            )

            # 4. Cancel it: motivo 02, "comprobante emitido con errores sin relación" (no replacement).
            print(f"\n4. cancel {uuid} with motivo 02")
            cancelled = cfdi.cancel_with_reason(
                rfcEmisor=EMISOR, uuids=[f"{uuid}|02|"], save_dir=out, opciones=stored or None, **csd
            )
            for one in cancelled["cancelaciones"]:
                print(f"   {one['uuid']}: {one['status']} ({one.get('code_name')})")
            show(cancelled)

            # 5. The status again.
            status = cfdi.get_status(**query)
            print(
                f"\n5. SAT status now: estatusCfdi {status['estatusCfdi']} ({status['estatus_text']}), "
                f"estado {status['estado']}"
            )
    except sello.SelloError as error:
        fail(f"{error.meta.get('service')}.{error.meta.get('operation')}", error)


def show(result: sello.Result) -> None:
    for path in result.get("saved_files") or []:
        print(f"   saved {path}")
    for warning in result.warnings:
        print(f"   warning {warning['code']}: {warning['message']}")


if __name__ == "__main__":
    main()
