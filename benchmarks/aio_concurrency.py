#!/usr/bin/env python3
"""sello.aio against the sandbox: N concurrent awaits of a call the sandbox answers after a delay
(cfdi get_by_uuid, 500 ms by default), on one sello.aio.CFDI client (its own pool, max_concurrency
16), under asyncio and under uvloop when it is installed; the reference is what users did before,
asyncio.to_thread() on a synchronous sello.CFDI (the loop's default pool: min(32, CPUs + 4)
threads). When the library can cancel (API.md §6), also the time from cancelling an awaiting
task to its pool thread being free again.

    python3 benchmarks/aio_concurrency.py [--calls 16] [--delay-ms 500] [--rounds 5]

Goal (issue 14): 16 awaits of a 500 ms call in about 0.5 s (under 0.8 s). The last line is a JSON
object in the format benchmarks/run.py reads from its external scripts."""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import pathlib
import statistics
import sys
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "sandbox"))
sys.path.insert(0, str(ROOT / "bindings" / "python" / "src"))
os.environ.setdefault("SELLO_LIB", str(ROOT / ".build" / "release" / "libsello.so"))

import sello  # noqa: E402
import sello.aio  # noqa: E402
from control import Sandbox  # noqa: E402
from sello import _cancel  # noqa: E402

USER = {"usuario": "pade_user", "password": "pade_pass", "contrato": "PADE-CONTRATO-01"}
BY_UUID = "/servicio/rest/integracion/consultaCfdiPorUUID"
GOAL_SECONDS = 0.8


def csv() -> str:
    fecha = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M:%S")
    return f"CFDI|3.3|B|1|{fecha}|\nEMISOR|EKU9003173C9|ESCUELA KEMPER URGATE|601\nTOTAL|116.00\n"


async def aio_round(config: Dict[str, Any], uuid: str, calls: int) -> float:
    async with sello.aio.CFDI(**config) as cfdi:
        await cfdi.get_by_uuid(uuid=uuid)  # warm-up outside the timing:
        started = time.perf_counter()  # connection, first thread
        results = await asyncio.gather(*(cfdi.get_by_uuid(uuid=uuid) for _ in range(calls)))
        elapsed = time.perf_counter() - started
    assert all(r["consultaOk"] for r in results)
    return elapsed


async def to_thread_round(config: Dict[str, Any], uuid: str, calls: int) -> float:
    with sello.CFDI(**config) as cfdi:
        await asyncio.to_thread(cfdi.get_by_uuid, uuid=uuid)
        started = time.perf_counter()
        results = await asyncio.gather(*(asyncio.to_thread(cfdi.get_by_uuid, uuid=uuid) for _ in range(calls)))
        elapsed = time.perf_counter() - started
    assert all(r["consultaOk"] for r in results)
    return elapsed


async def cancel_round(config: Dict[str, Any], uuid: str, sandbox: Any) -> float:
    """From task.cancel() to the next call on the pool's only thread having run (a quick call):
    only the held call meets the sandbox's 5 s delay, the probe is answered at once."""
    sandbox.fault("delay", ms=5000, count=1, prefix=BY_UUID)
    async with sello.aio.CFDI(**config, max_concurrency=1) as cfdi:
        held = asyncio.ensure_future(cfdi.get_by_uuid(uuid=uuid, contrato=config["contrato"]))
        await asyncio.sleep(0.3)
        started = time.perf_counter()
        held.cancel()
        try:
            await held
        except asyncio.CancelledError:
            pass
        await cfdi.get_by_uuid(uuid=uuid)
        return time.perf_counter() - started


def rounds(
    label: str, make: Callable[[], Awaitable[float]], count: int, loop_factory: Callable[[], Any]
) -> List[float]:
    figures = []
    for _ in range(count):
        loop = loop_factory()
        try:
            figures.append(loop.run_until_complete(make()))
        finally:
            loop.close()
    print(
        f"  {label:<44} median {statistics.median(figures):6.3f} s   min {min(figures):6.3f} s   "
        f"rounds {' '.join(f'{f:.3f}' for f in figures)}"
    )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=16)
    parser.add_argument("--delay-ms", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    try:
        import uvloop

        uvloop_factory: Optional[Callable[[], Any]] = uvloop.new_event_loop
    except ImportError:
        uvloop_factory = None

    with Sandbox.start() as sandbox:
        config = {"base_url": sandbox.cfdi_url, **USER}
        with sello.CFDI(**config) as cfdi:
            uuid = cfdi.process_file(datos=csv(), prueba=True)["uuid"]
            can_cancel = _cancel.supported(cfdi)
        sandbox.fault("delay", ms=args.delay_ms, count=-1, prefix=BY_UUID)
        print(
            f"sello.aio: {args.calls} concurrent awaits of cfdi get_by_uuid, each answered after "
            f"{args.delay_ms} ms (one at a time: {args.calls * args.delay_ms / 1000:.1f} s); "
            f"{os.cpu_count()} CPUs"
        )
        aio = rounds(
            "sello.aio.CFDI, max_concurrency 16, asyncio",
            lambda: aio_round(config, uuid, args.calls),
            args.rounds,
            asyncio.new_event_loop,
        )
        uv = (
            rounds(
                "sello.aio.CFDI, max_concurrency 16, uvloop",
                lambda: aio_round(config, uuid, args.calls),
                args.rounds,
                uvloop_factory,
            )
            if uvloop_factory
            else None
        )
        if uv is None:
            print("  uvloop: not installed (pip install uvloop)")
        reference = rounds(
            "asyncio.to_thread(sello.CFDI.get_by_uuid)",
            lambda: to_thread_round(config, uuid, args.calls),
            args.rounds,
            asyncio.new_event_loop,
        )
        cancel: Optional[List[float]] = None
        if can_cancel:
            sandbox.clear_faults()
            cancel = rounds(
                "cancel an awaiting task → its thread free",
                lambda: cancel_round(config, uuid, sandbox),
                args.rounds,
                asyncio.new_event_loop,
            )
        else:
            print("  cancel an awaiting task: n/a — this libsello has no PREFIX_client_cancel yet (API.md §6)")

    median = statistics.median(aio)
    met = median < GOAL_SECONDS
    print(
        f"  goal: {args.calls} awaits of {args.delay_ms} ms under {GOAL_SECONDS} s: {'met' if met else 'NOT met'} "
        f"(×{statistics.median(reference) / median:.1f} faster than asyncio.to_thread)"
    )
    rows = [
        dict(
            figure=f"aio: {args.calls} awaits of a {args.delay_ms} ms call (ref: asyncio.to_thread)",
            sello=f"{median:.2f} s",
            reference=f"{statistics.median(reference):.2f} s",
            ratio=f"{statistics.median(reference) / median:.2f}×",
            goal=f"< {GOAL_SECONDS} s",
            met="yes" if met else "no",
        )
    ]
    if uv is not None:
        rows.append(
            dict(
                figure="aio under uvloop, same",
                sello=f"{statistics.median(uv):.2f} s",
                reference="—",
                ratio="—",
                goal=f"< {GOAL_SECONDS} s",
                met="yes" if statistics.median(uv) < GOAL_SECONDS else "no",
            )
        )
    if cancel is not None:
        rows.append(
            dict(
                figure="aio: task.cancel() until its thread ran the next call",
                sello=f"{statistics.median(cancel) * 1000:.0f} ms",
                reference="—",
                ratio="—",
                goal="< 100 ms + one call",
                met="yes" if max(cancel) < 0.2 else "no",
            )
        )
    print(json.dumps({"rows": rows}, ensure_ascii=False))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
