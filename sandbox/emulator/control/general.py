"""The control endpoints that are not about one service: the request log and stats, reset,
faults, health, and the read-only view of every service's state."""

from __future__ import annotations

from typing import Any

from emulator.control.common import ctl_error
from emulator.core.state import LOCK, RECORDER
from emulator.faults.queue import FAULTS
from emulator.faults.spec import FaultSpecError, validate_fault
from emulator.plumbing.answers import Answer, json_answer
from emulator.services.registry import SERVICES


def reset_all() -> None:
    """Recorded requests, stats, queued faults and every service's state back to the seeded state."""
    with LOCK:
        RECORDER.reset()
        FAULTS.reset()
        for service in SERVICES.values():
            service.reset()


def ctl_requests(query: dict[str, str], _: Any) -> Answer:
    return json_answer(200, RECORDER.snapshot_requests(query.get("prefix")))


def ctl_stats(_: dict[str, str], __: Any) -> Answer:
    return json_answer(200, RECORDER.stats())


def ctl_reset(_: dict[str, str], __: Any) -> Answer:
    reset_all()
    return json_answer(200, {"ok": True})


def ctl_fault(_: dict[str, str], body: Any) -> Answer:
    try:
        mode, prefix, count, params = validate_fault(body)
    except FaultSpecError as exc:
        return ctl_error(400, str(exc))
    fault = FAULTS.add(mode, prefix, count, params)
    return json_answer(200, {"ok": True, "fault": fault.as_json()})


def ctl_faults(_: dict[str, str], __: Any) -> Answer:
    return json_answer(200, FAULTS.as_json())


def ctl_clear_faults(_: dict[str, str], __: Any) -> Answer:
    FAULTS.clear()
    return json_answer(200, {"ok": True})


def ctl_health(_: dict[str, str], __: Any) -> Answer:
    return json_answer(200, {"ok": True})


def ctl_state(_: dict[str, str], __: Any) -> Answer:
    """A read-only view of the service state, for tests."""
    with LOCK:
        return json_answer(
            200, {name: value for service in SERVICES.values() for name, value in service.view().items()}
        )
