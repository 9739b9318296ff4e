"""The fault modes and the check of a POST /_sandbox/fault body."""

from __future__ import annotations

from typing import Any

from emulator.core.values import is_int
from emulator.plumbing.connection import MAX_FAULT_SECONDS

# Modes that replace the answer: the request has no effect unless the fault says "process": true.
REPLACING_MODES = {"close", "reset", "status", "huge", "endless", "headers_then_silence", "redirect", "service_error"}
# Modes derived from the normal answer: the request is processed (it takes effect).
DERIVING_MODES = {
    "delay",
    "truncate",
    "reset_mid_body",
    "invalid_body",
    "invalid_utf8",
    "nul_bytes",
    "drip",
    "close_after",
    "bad_certificate",
    "odd_certificate",
    "wrong_rut_certificate",
}
FES_ONLY_MODES = {"bad_certificate", "odd_certificate", "wrong_rut_certificate"}
FAULT_MODES = REPLACING_MODES | DERIVING_MODES


class FaultSpecError(ValueError):
    """A POST /_sandbox/fault body that cannot be queued."""


def number(params: dict[str, Any], name: str, default: float | None, low: float, high: float) -> float:
    value = params.get(name, default)
    if value is None:
        raise FaultSpecError(f"{name} is required")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise FaultSpecError(f"{name} must be a number in [{low}, {high}]")
    return value


def validate_fault(body: Any) -> tuple[str, str | None, int, dict[str, Any]]:
    """Check a fault specification; returns (mode, prefix, count, params)."""
    if not isinstance(body, dict) or body.get("mode") not in FAULT_MODES:
        raise FaultSpecError(f"mode must be one of {sorted(FAULT_MODES)}")
    params = {k: v for k, v in body.items() if k not in ("mode", "prefix", "count")}
    mode, prefix, count = body["mode"], body.get("prefix"), body.get("count", 1)
    if prefix is not None and not isinstance(prefix, str):
        raise FaultSpecError("prefix must be a string")
    if not is_int(count) or count == 0 or count < -1:
        raise FaultSpecError("count must be a positive integer or -1")
    if "process" in params and not isinstance(params["process"], bool):
        raise FaultSpecError("process must be a boolean")
    if mode == "delay":
        params["ms"] = number(params, "ms", 1000, 0, MAX_FAULT_SECONDS * 1000)
    elif mode == "status":
        params["status"] = int(number(params, "status", None, 100, 599))
        if params.setdefault("body", "html") not in ("html", "empty", "json"):
            raise FaultSpecError("body must be html, empty or json")
        if "retry_after" in params:
            params["retry_after"] = int(number(params, "retry_after", None, 0, 86400))
    elif mode == "huge":
        params["bytes"] = int(number(params, "bytes", None, 0, 1 << 40))
    elif mode == "endless":
        params["chunk_bytes"] = int(number(params, "chunk_bytes", 65536, 1, 1 << 20))
        params["interval_ms"] = number(params, "interval_ms", 0, 0, 10000)
    elif mode == "drip":
        params["bytes_per_second"] = number(params, "bytes_per_second", 1, 0.01, 1 << 30)
    elif mode == "redirect":
        location = params.get("location")
        if not isinstance(location, str) or not location.isascii() or any(c in location for c in "\r\n"):
            raise FaultSpecError("location is required (ASCII, one line)")
        params["status"] = int(number(params, "status", 302, 300, 399))
    elif mode == "service_error":
        params["code"] = int(number(params, "code", None, -(1 << 31), 1 << 31))
        if "message" in params and not isinstance(params["message"], str):
            raise FaultSpecError("message must be a string")
    elif mode == "wrong_rut_certificate":
        params.setdefault("rut", "11111111-1")
    elif mode == "odd_certificate" and params.setdefault("style", "percent") not in ("missing", "empty", "percent"):
        raise FaultSpecError("style must be missing, empty or percent")
    elif mode == "nul_bytes" and params.setdefault("style", "raw") not in ("raw", "escaped"):
        raise FaultSpecError("style must be raw or escaped")
    return mode, prefix, count, params
