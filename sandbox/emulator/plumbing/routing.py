"""Routing tables: each service declares its handlers with ``@route`` and lists them in ``table``."""

from __future__ import annotations

import re
from typing import Callable

from emulator.plumbing.answers import Answer, html_answer
from emulator.plumbing.request import Request

Handler = Callable[[Request, dict[str, str]], Answer]
Route = tuple[str, re.Pattern[str], Handler]


def route(method: str, pattern: str) -> Callable[[Handler], Handler]:
    """Decorator that registers a handler in the service's routing table (set by ``table``)."""

    def register(func: Handler) -> Handler:
        func.route_spec = (method, pattern)  # type: ignore[attr-defined]
        return func

    return register


def table(*handlers: Handler) -> list[Route]:
    """One routing table per service, built from the handlers' ``@route`` declarations."""
    routes: list[Route] = []
    for func in handlers:
        method, pattern = func.route_spec  # type: ignore[attr-defined]
        routes.append((method, re.compile(pattern), func))
    return routes


def dispatch(routes: list[Route], req: Request) -> Answer:
    """Find the route; 405 when only the method is wrong, 404 HTML when nothing matches."""
    allowed: list[str] = []
    for method, pattern, func in routes:
        match = pattern.fullmatch(req.path)
        if match:
            if method == req.method:
                return func(req, match.groupdict())
            allowed.append(method)
    if allowed:
        return html_answer(405, f"Method {req.method} not allowed", [("Allow", ", ".join(sorted(set(allowed))))])
    return html_answer(404, f"No resource at {req.path}")
