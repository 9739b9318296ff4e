#!/usr/bin/env python3
"""cfdi_process_files against the sandbox, each request answered after 50 ms (a persistent `delay`
fault), at concurrency 16 over one curl multi handle and one at a time (concurrency 1):

  a) 200 stamps (operation process_file, the default);
  b) 200 SAT status queries (operation get_status) of 20 stamped CFDI 4.0.

    python3 benchmarks/cfdi_batch.py [--items 200] [--delay-ms 50] [--concurrency 16]

Goal for each: under 1.5 s at concurrency 16 (200 × 50 ms one at a time is at least 10 s). The
last line is a JSON object with one row per workload (benchmarks/run.py reads it)."""

from __future__ import annotations

import argparse
import base64
import datetime
import json
import pathlib
import sys
import time
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "sandbox"))
sys.path.insert(0, str(ROOT / "Tests" / "python"))

from control import Sandbox  # noqa: E402
from sello_ffi import Client  # noqa: E402

USER = {"usuario": "pade_user", "password": "pade_pass", "contrato": "PADE-CONTRATO-01"}
REST = "/servicio/rest"


def mexico_city_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=6)


def csv(folio: int) -> str:
    fecha = mexico_city_now().strftime("%Y-%m-%dT%H:%M:%S")
    return f"CFDI|3.3|B|{folio}|{fecha}|\nEMISOR|EKU9003173C9|ESCUELA KEMPER URGATE|601\nTOTAL|116.00\n"


def cfdi40(folio: int) -> str:
    fecha = (mexico_city_now() - datetime.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S")
    sello = base64.b64encode((f"{folio:08d}".encode() * 32)[:256]).decode()
    return (
        '<?xml version="1.0" encoding="UTF-8"?><cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" '
        f'Version="4.0" Serie="S" Folio="{folio}" Fecha="{fecha}" Sello="{sello}" SubTotal="100.00" Moneda="MXN" '
        'Total="116.00" TipoDeComprobante="I" Exportacion="01" LugarExpedicion="06000">'
        '<cfdi:Emisor Rfc="EKU9003173C9" Nombre="ESCUELA KEMPER URGATE" RegimenFiscal="601"/>'
        '<cfdi:Receptor Rfc="XAXX010101000" Nombre="PUBLICO EN GENERAL" DomicilioFiscalReceptor="06000" '
        'RegimenFiscalReceptor="616" UsoCFDI="S01"/><cfdi:Conceptos><cfdi:Concepto ClaveProdServ="01010101" '
        'Cantidad="1" ClaveUnidad="ACT" Descripcion="Venta" ValorUnitario="100.00" Importe="100.00" '
        'ObjetoImp="01"/></cfdi:Conceptos></cfdi:Comprobante>'
    )


def run(client: Client, operation: str, items: list[dict[str, Any]], concurrency: int) -> tuple[float, dict]:
    started = time.perf_counter()
    envelope = client.call("process_files", {"operation": operation, "items": items, "concurrency": concurrency})
    elapsed = time.perf_counter() - started
    assert envelope["ok"] is True, envelope
    assert envelope["data"]["succeeded"] == len(items), [r for r in envelope["data"]["results"] if not r["ok"]][:1]
    return elapsed, envelope["data"]


def workload(
    sandbox: Sandbox, client: Client, operation: str, path: str, items: list[dict[str, Any]], args: argparse.Namespace
) -> dict[str, Any]:
    """The same items at `concurrency` and one at a time, every request delayed by `delay_ms`."""
    sandbox.clear_faults()
    sandbox.fault("delay", ms=args.delay_ms, count=-1, prefix=path)
    run(client, operation, items[: args.concurrency], args.concurrency)  # warm-up: connections, page cache
    before = sandbox.stats()["connections"]
    concurrent, _ = run(client, operation, items, args.concurrency)
    connections = sandbox.stats()["connections"] - before
    sequential, _ = run(client, operation, items, 1)
    sandbox.clear_faults()
    return {"concurrent": concurrent, "sequential": sequential, "connections": connections}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--delay-ms", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    with Sandbox.start() as sandbox:
        sandbox.cfdi_account("pade_user", saldo=10 * args.items + 100)
        with Client("cfdi", {"base_url": sandbox.cfdi_url, **USER}) as client:
            stamps = workload(
                sandbox,
                client,
                "process_file",
                REST + "/integracion/procesarArchivo",
                [{"datos": csv(i), "prueba": True} for i in range(args.items)],
                args,
            )
            stamped = [client.call("stamp_xml", {"xml": cfdi40(i)})["data"]["uuid"] for i in range(20)]
            queries = [
                {
                    "uuid": stamped[i % len(stamped)],
                    "rfcEmisor": "EKU9003173C9",
                    "rfcReceptor": "XAXX010101000",
                    "total": "116.00",
                }
                for i in range(args.items)
            ]
            status = workload(
                sandbox, client, "get_status", REST + "/cancelacion/consultarEstatusComprobante", queries, args
            )

    floor = args.items * args.delay_ms / 1000
    rows = []
    for name, what, figures in (
        ("stamps", "stamps (process_file)", stamps),
        ("status queries", "SAT status queries (get_status)", status),
    ):
        concurrent, sequential = figures["concurrent"], figures["sequential"]
        print(f"cfdi_process_files: {args.items} {what}, each answered after {args.delay_ms} ms")
        print(
            f"  concurrency {args.concurrency:>2}: {concurrent:6.3f} s  ({args.items / concurrent:6.1f} {name}/s, "
            f"{figures['connections']} new connections)"
        )
        print(
            f"  concurrency  1: {sequential:6.3f} s  ({args.items / sequential:6.1f} {name}/s; "
            f"the delays alone add up to {floor:.1f} s)"
        )
        print(
            f"  speed-up ×{sequential / concurrent:.1f}; goal < 1.5 s at {args.concurrency}: "
            f"{'met' if concurrent < 1.5 else 'NOT met'}"
        )
        rows.append(
            {
                "figure": f"CFDI batch: {args.items} {name} at {args.delay_ms} ms, concurrency {args.concurrency} "
                "(ref: one at a time)",
                "sello": f"{concurrent:.2f} s",
                "reference": f"{sequential:.2f} s",
                "ratio": f"×{sequential / concurrent:.1f}",
                "goal": "< 1.5 s",
                "met": "yes" if concurrent < 1.5 else "no",
            }
        )
    print(
        json.dumps(
            {
                "rows": rows,
                "batch_seconds": stamps["concurrent"],
                "sequential_seconds": stamps["sequential"],
                "status_batch_seconds": status["concurrent"],
                "status_sequential_seconds": status["sequential"],
            }
        )
    )
    return 0 if stamps["concurrent"] < 1.5 and status["concurrent"] < 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
