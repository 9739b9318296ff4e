"""The queue of faults: each service request takes the first queued fault that matches it."""

from __future__ import annotations

import dataclasses
from typing import Any

from emulator.core.state import LOCK
from emulator.faults.spec import FES_ONLY_MODES


@dataclasses.dataclass
class Fault:
    fault_id: int
    mode: str
    prefix: str | None
    count: int
    params: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {"id": self.fault_id, "mode": self.mode, "prefix": self.prefix, "count": self.count, **self.params}


class FaultQueue:
    """The queued faults, oldest first; ``LOCK`` guards them."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        with LOCK:
            self.faults: list[Fault] = []
            self.fault_seq = 0

    def add(self, mode: str, prefix: str | None, count: int, params: dict[str, Any]) -> Fault:
        with LOCK:
            self.fault_seq += 1
            fault = Fault(self.fault_seq, mode, prefix, count, params)
            self.faults.append(fault)
            return fault

    def take(self, path: str, service: str) -> Fault | None:
        """The first queued fault that matches this request; consumes one of its uses."""
        with LOCK:
            for fault in self.faults:
                if fault.mode in FES_ONLY_MODES and service != "fes":
                    continue
                if fault.prefix is not None and not path.startswith(fault.prefix):
                    continue
                if fault.count > 0:
                    fault.count -= 1
                    if fault.count == 0:
                        self.faults.remove(fault)
                return dataclasses.replace(fault, params=dict(fault.params))
            return None

    def as_json(self) -> list[dict[str, Any]]:
        with LOCK:
            return [f.as_json() for f in self.faults]

    def clear(self) -> None:
        with LOCK:
            self.faults.clear()


FAULTS = FaultQueue()
