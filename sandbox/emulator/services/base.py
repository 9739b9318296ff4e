"""What a service gives the sandbox: its routing table, which paths are its, the reset of its
state, and what the fault modes need to answer in its format (moto's backend and urls in one
descriptor)."""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

from emulator.plumbing.answers import Answer, html_answer
from emulator.plumbing.request import Request
from emulator.plumbing.routing import Route

# A fault mode of one service that rewrites the normal answer: (request, fault params, answer).
AnswerFault = Callable[[Request, dict[str, Any], Answer], Answer]


def too_large_html(path: str) -> Answer:
    """A body over the limit: 413 HTML (the connection is closed without reading the rest)."""
    return html_answer(413, "Request body too large")


@dataclasses.dataclass(frozen=True)
class Service:
    name: str  # "fes" | "fv" | "cfdi": the key faults and logs use
    prefix: str | None  # its paths: this one and those below; None: the default
    routes: list[Route]
    reset: Callable[[], None]  # back to the seeded state (the caller holds LOCK)
    view: Callable[[], dict[str, Any]]  # its part of GET /_sandbox/state (the caller holds LOCK)
    # fault service_error: the service's own business error for a code and an optional message.
    service_error: Callable[[Request, int, str | None], Answer]
    huge_frame: tuple[bytes, bytes, bytes]  # huge / endless answers: (prefix, filler unit, suffix)
    content_type: str = "application/json"  # of huge / endless / headers_then_silence answers
    # Paths whose JSON body is read as it streams (long strings summarised), with their size limit.
    json_streams: dict[str, int] = dataclasses.field(default_factory=dict)
    too_large: Callable[[str], Answer] = too_large_html
    answer_faults: dict[str, AnswerFault] = dataclasses.field(default_factory=dict)  # this service's only

    def owns(self, path: str) -> bool:
        return self.prefix is not None and (path == self.prefix or path.startswith(self.prefix + "/"))
