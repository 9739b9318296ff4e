"""Firma Virtual's callbacks (CHILE_2026.md §1.5): a contract's status change POSTed to its
callback URL, only when that is a loopback http:// URL."""

from __future__ import annotations

import http.client
import threading
import time
import urllib.parse
from typing import Any, Callable

from emulator.core.runtime import log
from emulator.core.state import LOCK
from emulator.core.values import loopback_host
from emulator.plumbing.answers import encode_json
from emulator.services.fv.models import FV, FvContract, FvSigner
from emulator.services.fv.tables import CALLBACK_TIMEOUT


def fv_callback_signer(signer: FvSigner) -> dict[str, Any]:
    return {
        "full_name": signer.full_name,
        "email": signer.email,
        "rutId": signer.rut,
        "phone": signer.phone,
        "rol": signer.rol,
        "order": signer.order,
        "type": signer.signer_type,
        "portion": str(signer.portion),
        "sign_status": signer.sign_status,
    }


def fv_callback_body(contract: FvContract) -> dict[str, Any]:
    """{"contract": [{sContractID, sStatus, sContractName, ...}], "signers": [...]}; the caller holds the lock."""
    head = contract.base_json("text")
    head["sContractName"] = contract.name
    shaped: Any = [head] if FV.shapes["callback_contract"] == "array" else head
    return {"contract": shaped, "signers": [fv_callback_signer(s) for s in contract.signers]}


def fv_set_status(contract: FvContract, status: str) -> Callable[[], dict[str, Any]] | None:
    """Changes a contract's status; returns the delivery of its callback (to run without the
    lock), or None when the status did not change or the contract has no callback URL."""
    if contract.status == status:
        return None
    contract.status = status
    if status == "FINISHED":
        for signer in contract.signers:
            signer.sign_status = "ENABLE"
    if not contract.callback:
        return None
    url, body = contract.callback, encode_json(fv_callback_body(contract), "php")
    return lambda: fv_deliver(contract.contract_id, status, url, body)


def fv_deliver(contract_id: str, status: str, url: str, body: bytes) -> dict[str, Any]:
    """POSTs one callback, only to a loopback http:// URL (the sandbox opens no other connection),
    once, and records what happened (GET /_sandbox/fv/callbacks)."""
    record: dict[str, Any] = {
        "sContractID": contract_id,
        "sStatus": status,
        "url": url,
        "time": time.time(),
        "result": None,
        "http_status": None,
        "error": None,
    }
    parts = urllib.parse.urlsplit(url)
    host = loopback_host(parts.hostname or "")
    if parts.scheme != "http" or host is None:
        record.update(
            result="skipped", error="only http:// callbacks to a loopback address are delivered by the sandbox"
        )
    else:
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection = http.client.HTTPConnection(host, parts.port or 80, timeout=CALLBACK_TIMEOUT)
        try:
            connection.request(
                "POST", target, body, {"Content-Type": "application/json", "User-Agent": "sello-sandbox-callback"}
            )
            response = connection.getresponse()
            response.read()
            record.update(result="delivered", http_status=response.status)
        except (OSError, http.client.HTTPException) as exc:
            record.update(result="failed", error=str(exc))
        finally:
            connection.close()
    with LOCK:
        FV.callbacks.append(record)
    log(f"callback {status} for {contract_id} to {url}: {record['result']}")
    return record


def fv_deliver_later(delivery: Callable[[], dict[str, Any]] | None) -> None:
    """A callback caused by a service request goes out after its answer, from its own thread."""
    if delivery is not None:
        threading.Thread(target=delivery, name="fv-callback", daemon=True).start()
