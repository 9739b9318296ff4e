"""Concurrency soak: 16 threads × 500 mixed calls across the three services, on shared clients,
against the sandbox. Every result is checked, nothing may crash, and the sandbox must have received
exactly the requests the calls say they sent (nothing lost, nothing sent twice).

The same mix runs as a C program under ThreadSanitizer (fuzz/soak.c, scripts/sanitize.sh).

SERVICES lists the services whose calls are checked for their real results. A service left out
is still called (its envelopes must be well formed and not crash anything) but its results are
not asserted: add it once it has landed. SELLO_SOAK_SERVICES=fes,fv overrides it.
"""

from __future__ import annotations

import datetime
import os
import random
import threading
import time
from typing import Any, Callable

from sello_ffi import Client, call
from sello_fixtures import CFDI_USER as CFDI
from sello_fixtures import FES_REQUEST, FES_USER, FV_USER
from sello_fixtures import SEEDED_CONTRACT as FV_CONTRACT

SERVICES = set(os.environ.get("SELLO_SOAK_SERVICES", "fes,fv,cfdi").split(","))
THREADS = int(os.environ.get("SELLO_SOAK_THREADS", "16"))
CALLS = int(os.environ.get("SELLO_SOAK_CALLS", "500"))
BUDGET_SECONDS = 60

KINDS = {
    "invalid_argument",
    "validation",
    "auth",
    "service",
    "http",
    "timeout",
    "transport",
    "protocol",
    "io",
    "internal",
}


def well_formed(envelope: dict[str, Any]) -> None:
    assert isinstance(envelope.get("ok"), bool) and isinstance(envelope.get("meta"), dict), envelope
    if not envelope["ok"]:
        assert envelope["error"]["kind"] in KINDS and isinstance(envelope["error"]["retryable"], bool), envelope


def ok(envelope: dict[str, Any]) -> Any:
    assert envelope["ok"] is True, envelope
    return envelope["data"]


def csv() -> str:
    fecha = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M:%S")
    return f"CFDI|3.3|S|1|{fecha}\nTOTAL|10.00\n"


class Mix:
    """The calls of the soak: (name, service, sends (requests it puts on the wire), run, check)."""

    def __init__(self, fes: Client, fv: Client, cfdi: Client, uuid: str | None) -> None:
        self.fes, self.fv, self.cfdi, self.uuid = fes, fv, cfdi, uuid
        self.calls: list[tuple[str, str, int, Callable[[], dict], Callable[[dict], None]]] = [
            ("fes_obtain_certificate", "fes", 1, lambda: fes.call("obtain_certificate", FES_REQUEST), self.certificate),
            (
                "fes_obtain_certificate (invalid)",
                "fes",
                0,
                lambda: fes.call("obtain_certificate", {**FES_REQUEST, "rut": "19.371.037-1"}),
                self.invalid_rut,
            ),
            ("fes_check_request", "fes", 0, lambda: call("fes_check_request", FES_REQUEST), self.checked),
            (
                "sello_check_rut",
                "fes",
                0,
                lambda: call("sello_check_rut", {"rut": "76.369.187-k"}),
                lambda e: self.expect(ok(e)["normalized"], "76369187-K"),
            ),
            (
                "sello_find_comuna",
                "fes",
                0,
                lambda: call("sello_find_comuna", {"comuna": "nunoa"}),
                lambda e: self.expect(ok(e)["cut"], "13120"),
            ),
            (
                "sello_check_rfc",
                "cfdi",
                0,
                lambda: call("sello_check_rfc", {"rfc": "EKU9003173C9"}),
                lambda e: self.expect(ok(e)["type"], "moral"),
            ),
            (
                "fv_get_contract",
                "fv",
                1,
                lambda: self.fv_call("get_contract", {"IDContract": FV_CONTRACT}),
                lambda e: self.expect(ok(e)["sContractID"], FV_CONTRACT),
            ),
            (
                "fv_get_user",
                "fv",
                1,
                lambda: self.fv_call("get_user", {"IDUser": 1}),
                lambda e: self.expect(ok(e)["sLogin"], FV_USER["login"]),
            ),
            (
                "fv_list_contract_types",
                "fv",
                1,
                lambda: self.fv_call("list_contract_types", {"QTYPE": "TYPE", "QVALUE": "REAL_ESTATE"}),
                lambda e: self.expect(isinstance(ok(e), list) and bool(ok(e)), True),
            ),
            (
                "fv_get_contract (invalid)",
                "fv",
                0,
                lambda: self.fv_call("get_contract", {"IDContract": 5.5}),
                lambda e: self.expect(e["error"]["kind"], "invalid_argument"),
            ),
            (
                "cfdi_get_by_uuid",
                "cfdi",
                1,
                lambda: self.cfdi_call("get_by_uuid", {"uuid": self.uuid}),
                lambda e: self.expect(ok(e)["codigo"], 0),
            ),
            (
                "cfdi_process_file",
                "cfdi",
                1,
                lambda: self.cfdi_call("process_file", {"datos": csv(), "prueba": True}),
                lambda e: self.expect(len(ok(e)["uuid"]), 36),
            ),
            (
                "cfdi_get_by_uuid (invalid)",
                "cfdi",
                0,
                lambda: self.cfdi_call("get_by_uuid", {"uuid": "not-a-uuid"}),
                lambda e: self.expect(e["ok"], False),
            ),
        ]

    # A client that could not be made has no handle: its calls return a NULL_CLIENT envelope.
    def fv_call(self, operation: str, request: dict) -> dict:
        return self.fv.call(operation, request)

    def cfdi_call(self, operation: str, request: dict) -> dict:
        return self.cfdi.call(operation, request)

    @staticmethod
    def expect(value: Any, wanted: Any) -> None:
        assert value == wanted, (value, wanted)

    @staticmethod
    def certificate(envelope: dict) -> None:
        data = ok(envelope)
        assert data["estado"] == "OK" and data["certificado"] and data["certificate_info"]["rut"] == "19371037-9", data
        assert envelope["meta"]["attempts"] == 1 and "warnings" not in envelope

    @staticmethod
    def invalid_rut(envelope: dict) -> None:
        assert envelope["error"]["code"] == "RUT_INVALIDO" and envelope["meta"]["attempts"] == 0, envelope

    @staticmethod
    def checked(envelope: dict) -> None:
        parametro = ok(envelope)["request"]["parametro"]
        assert parametro["rut"] == "19371037-9" and parametro["claveCertificado"] == "***", parametro


def stamp_for_lookups(sandbox) -> str | None:
    """A CFDI to look up, stamped through the library (when CFDI is one of SERVICES)."""
    with Client("cfdi", {"base_url": sandbox.cfdi_url, **CFDI}) as client:
        if not client.handle:
            return None
        return ok(client.call("process_file", {"datos": csv(), "prueba": True}))["uuid"]


def test_mixed_calls_from_many_threads_on_shared_clients(sandbox) -> None:
    sandbox.fes_account("PruebaWS", quota=10**6)
    sandbox.cfdi_account("pade_user", saldo=10**6)
    retries = {"max": 2, "base_delay_ms": 10, "max_delay_ms": 200}
    fes = Client("fes", {"base_url": sandbox.fes_url, **FES_USER, "retries": retries})
    fv = Client("fv", {"base_url": sandbox.fv_url, **FV_USER, "retries": retries})
    cfdi = Client("cfdi", {"base_url": sandbox.cfdi_url, **CFDI, "retries": retries})
    assert fes.handle, fes.error
    for service, client in (("fv", fv), ("cfdi", cfdi)):
        if service in SERVICES:
            assert client.handle, client.error
    uuid = stamp_for_lookups(sandbox) if "cfdi" in SERVICES else None
    mix = Mix(fes, fv, cfdi, uuid)
    before = sandbox.stats()["requests"]

    failures: list[str] = []
    counts: dict[str, int] = {}
    sent = [0]
    attempts = [0]
    lock = threading.Lock()
    start_line = threading.Barrier(THREADS)

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        start_line.wait()
        for _ in range(CALLS):
            name, service, sends, run, check = rng.choice(mix.calls)
            try:
                envelope = run()
                well_formed(envelope)
                if service in SERVICES:
                    check(envelope)
            except Exception as exc:  # noqa: BLE001 — collected, reported together
                with lock:
                    failures.append(f"{name}: {exc!r}"[:400])
                continue
            with lock:
                counts[name] = counts.get(name, 0) + 1
                attempts[0] += envelope["meta"].get("attempts") or 0
                sent[0] += sends if service in SERVICES else 0

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    for client in (fes, fv, cfdi):
        client.close()

    assert not failures, f"{len(failures)} failures, e.g.:\n" + "\n".join(failures[:10])
    assert sum(counts.values()) == THREADS * CALLS
    received = sandbox.stats()["requests"] - before
    logins = sum(1 for r in sandbox.requests("/logindata"))
    # Every request the calls report is one the sandbox received, and nothing more: no call was
    # lost or sent twice (the FV logins are the calls' own extra requests, counted in attempts).
    assert received == attempts[0], (received, attempts[0], logins)
    assert received == sent[0] + logins, (received, sent[0], logins)
    assert sandbox.stats()["connections"] <= 3 * THREADS + 8, sandbox.stats()
    assert elapsed < BUDGET_SECONDS, f"{elapsed:.1f} s for {THREADS * CALLS} calls"
    print(
        f"soak: {THREADS}×{CALLS} calls in {elapsed:.1f} s, {received} requests, "
        f"{sandbox.stats()['connections']} connections, {logins} logins; {sorted(counts.items())}"
    )
