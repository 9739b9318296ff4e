#!/usr/bin/env python3
"""cfdi_process_files against the sandbox: 200 stamps, each answered after 50 ms (a persistent
`delay` fault), at concurrency 16 over one curl multi handle and one at a time (concurrency 1).

    python3 benchmarks/cfdi_batch.py [--items 200] [--delay-ms 50] [--concurrency 16]

Goal: under 1.5 s at concurrency 16 (200 × 50 ms one at a time is at least 10 s)."""
from __future__ import annotations

import argparse
import datetime
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "sandbox"))
sys.path.insert(0, str(ROOT / "Tests" / "python"))

from control import Sandbox  # noqa: E402
from sello_ffi import Client  # noqa: E402

USER = {"usuario": "pade_user", "password": "pade_pass", "contrato": "PADE-CONTRATO-01"}


def csv(folio: int) -> str:
    fecha = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M:%S")
    return f"CFDI|3.3|B|{folio}|{fecha}|\nEMISOR|EKU9003173C9|ESCUELA KEMPER URGATE|601\nTOTAL|116.00\n"


def run(client: Client, items: list[dict], concurrency: int) -> tuple[float, dict]:
    started = time.perf_counter()
    envelope = client.call("process_files", {"items": items, "concurrency": concurrency})
    elapsed = time.perf_counter() - started
    assert envelope["ok"] is True, envelope
    return elapsed, envelope["data"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--delay-ms", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    with Sandbox.start() as sandbox:
        sandbox.cfdi_account("pade_user", saldo=10 * args.items)
        sandbox.fault("delay", ms=args.delay_ms, count=-1, prefix="/servicio/rest/integracion/procesarArchivo")
        items = [{"datos": csv(i), "prueba": True} for i in range(args.items)]
        with Client("cfdi", {"base_url": sandbox.cfdi_url, **USER}) as client:
            run(client, items[:args.concurrency], args.concurrency)  # warm-up: connections, page cache
            concurrent, data = run(client, items, args.concurrency)
            assert data["succeeded"] == args.items, data["failed"]
            connections = sandbox.stats()["connections"]
            sequential, data = run(client, items, 1)
            assert data["succeeded"] == args.items, data["failed"]

    floor = args.items * args.delay_ms / 1000
    print(f"cfdi_process_files: {args.items} stamps, each answered after {args.delay_ms} ms")
    print(f"  concurrency {args.concurrency:>2}: {concurrent:6.3f} s  ({args.items / concurrent:6.1f} stamps/s, "
          f"{connections} connections incl. warm-up: a stamp never reuses one)")
    print(f"  concurrency  1: {sequential:6.3f} s  ({args.items / sequential:6.1f} stamps/s; "
          f"the delays alone add up to {floor:.1f} s)")
    print(f"  speed-up ×{sequential / concurrent:.1f}; goal < 1.5 s at {args.concurrency}: "
          f"{'met' if concurrent < 1.5 else 'NOT met'}")
    return 0 if concurrent < 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
