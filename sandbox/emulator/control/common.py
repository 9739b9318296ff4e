"""What the control endpoints share: their signature, their error answer, and two ways of
changing state from a JSON body (typed fields, knobs with allowed values)."""

from __future__ import annotations

from typing import Any, Callable

from emulator.core.state import LOCK
from emulator.core.values import is_int
from emulator.plumbing.answers import Answer, json_answer

# (query parameters, the parsed JSON body or None) -> answer
ControlHandler = Callable[[dict[str, str], Any], Answer]


def ctl_error(status: int, message: str) -> Answer:
    return json_answer(status, {"ok": False, "error": message})


def typed_update(target: Any, body: dict[str, Any], fields: dict[str, type]) -> str | None:
    """Copy the given fields onto a dataclass after a type check; an error message or None."""
    for name, kind in fields.items():
        if name in body:
            value = body[name]
            if kind is int and not is_int(value) or kind is not int and not isinstance(value, kind):
                return f"{name} must be {kind.__name__}"
    for name in fields:
        if name in body:
            setattr(target, name, body[name])
    return None


def ctl_choose(choices: dict[str, tuple[str, ...]], current: dict[str, str], body: Any) -> Answer:
    """Sets some of ``current``'s knobs to one of their allowed values; answers all of them."""
    if not isinstance(body, dict):
        return ctl_error(400, "a JSON object of knobs is required")
    for name, value in body.items():
        if name not in choices:
            return ctl_error(400, f"unknown knob {name!r}; known: {', '.join(choices)}")
        if value not in choices[name]:
            return ctl_error(400, f"{name} must be one of {', '.join(choices[name])}")
    with LOCK:
        current.update(body)
        return json_answer(200, {"ok": True, **current})
