#!/usr/bin/env python3
"""CFDI (Prodigia / PADE, Mexico): stamp a CFDI from the CSV interchange file, fetch its XML by
UUID, cancel it with the issuer's CSD, fetch the cancellation receipt.

    SELLO_SANDBOX_URL=http://127.0.0.1:PORT SELLO_CSD_CER=csd.cer SELLO_CSD_KEY=csd.key \\
    SELLO_CSD_PASSWORD=... python3 examples/python/cfdi_stamp_query_cancel.py [OUTPUT_DIR]

Without SELLO_CSD_* the cancellation asks Prodigia for the account's default certificate
(opciones CERT_DEFAULT), which the sandbox's account does not have until told so.
"""
from __future__ import annotations

import datetime as dt
import os
from typing import Any, Dict

from _common import fail, output_dir, sandbox_url

import sello

EMISOR, RECEPTOR, TOTAL = "EKU9003173C9", "XAXX010101000", "1160.00"
MEXICO_CITY = dt.timezone(dt.timedelta(hours=-6))


def main() -> None:
    base_url = sandbox_url() + "/servicio/rest"
    out = output_dir()
    print(f"Prodigia client: base_url {base_url}, usuario pade_user, password ********, contrato PADE-CONTRATO-01")
    try:
        with sello.CFDI(usuario="pade_user", password="pade_pass", contrato="PADE-CONTRATO-01", base_url=base_url) as cfdi:
            # 1. The interchange file (the sandbox's documented CSV), dated five minutes ago in CDMX.
            fecha = (dt.datetime.now(MEXICO_CITY) - dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S")
            csv = out / "factura-A-1001.csv"
            csv.write_text(f"CFDI|3.3|A|1001|{fecha}|01|1000.00|MXN|I|PUE|06000\n"
                           f"EMISOR|{EMISOR}|ESCUELA KEMPER URGATE|601\n"
                           f"RECEPTOR|{RECEPTOR}|PUBLICO EN GENERAL|G03\n"
                           f"TOTAL|{TOTAL}\n", encoding="utf-8")
            print(f"\n1. stamp {csv} (serie A, folio 1001, {fecha}, emisor {EMISOR}, receptor {RECEPTOR},"
                  f" total {TOTAL} MXN), prueba")
            stamped = cfdi.process_file(datos_path=csv, prueba=True, save_dir=out)
            uuid = stamped["uuid"]
            print(f"   timbradoOk {stamped['timbradoOk']}, codigo {stamped['codigo']}, uuid {uuid}")
            print(f"   FechaTimbrado {stamped.get('FechaTimbrado')}, noCertificadoSAT {stamped.get('noCertificadoSAT')}")
            for path in saved(stamped.get("saved_files")):
                print(f"   saved {path}")
            for warning in stamped.warnings:
                print(f"   warning {warning['code']}: {warning['message']}")

            # 2. The stamped XML, by UUID.
            found = cfdi.get_by_uuid(uuid=uuid, include_xml=True)
            xml = found["xml"]
            print(f"\n2. query by UUID: consultaOk {found['consultaOk']}, {len(xml)} characters of XML,"
                  f" TimbreFiscalDigital {'present' if 'TimbreFiscalDigital' in xml else 'missing'}")

            # 3. Cancel it with the issuer's CSD (checked locally first), or Prodigia's default one.
            csd: Dict[str, Any]
            cer, key, password = (os.environ.get(n) for n in ("SELLO_CSD_CER", "SELLO_CSD_KEY", "SELLO_CSD_PASSWORD"))
            if cer and key and password:
                info = sello.cfdi_inspect_csd(cert_path=cer)
                print(f"\n3. CSD {cer}: RFC {info['rfc']}, no. {info['no_certificado']}, valid until {info['not_after']}")
                print(f"   cancel {uuid} with cert_path, key_path, keyPass ********")
                csd = {"cert_path": cer, "key_path": key, "keyPass": password}
            else:
                print(f"\n3. cancel {uuid} with Prodigia's default certificate (no SELLO_CSD_CER/KEY/PASSWORD)")
                csd = {"opciones": ["CERT_DEFAULT"]}
            cancelled = cfdi.cancel(rfcEmisor=EMISOR, uuids=[f"{uuid}|{RECEPTOR}|{EMISOR}|{TOTAL}"], **csd)
            print(f"   statusOk {cancelled['statusOk']}")
            for one in cancelled["cancelaciones"]:
                print(f"   {one['uuid']}: codigo {one['codigo']}, {one.get('descripcion')}")

            # 4. The cancellation receipt (acuse), saved next to the CFDI.
            receipt = cfdi.get_cancellation_receipt(uuid=uuid, save_dir=out)
            print(f"\n4. cancellation receipt: consultaOk {receipt['consultaOk']}, codigo {receipt['codigo']}")
            for path in saved(receipt.get("saved_files")):
                print(f"   saved {path}")
    except sello.SelloError as error:
        fail(f"{error.meta.get('service')}.{error.meta.get('operation')}", error)


def saved(files: Any) -> list:
    if isinstance(files, dict):
        return list(files.values())
    return [f["path"] if isinstance(f, dict) else f for f in files or []]


if __name__ == "__main__":
    main()
