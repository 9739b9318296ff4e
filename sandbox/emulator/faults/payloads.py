"""Bytes slipped into a normal answer, its format otherwise intact (invalid_utf8, nul_bytes)."""

from __future__ import annotations

import json
from typing import Any, Callable

from emulator.plumbing.answers import Answer, encode_json

INJECT_MARK = "@@SANDBOX-INJECT@@"


def inject_json(obj: Any) -> Any:
    """A copy of obj with INJECT_MARK appended to its most descriptive string value.

    Preference: comentario/message/mensaje/info/msg anywhere, then any string that is not the
    status flag ("status"/"estado"); a top-level "sandbox" field when there is no string at all.
    """
    obj = json.loads(json.dumps(obj))
    preferred = {"comentario", "comentarios", "message", "mensaje", "info", "msg"}
    avoided = {"status", "estado"}

    def find(node: Any, accept: Callable[[str | None], bool]) -> bool:
        items = (
            list(node.items()) if isinstance(node, dict) else list(enumerate(node)) if isinstance(node, list) else []
        )
        for key, value in items:
            if isinstance(value, str) and accept(key if isinstance(key, str) else None):
                node[key] = value + INJECT_MARK
                return True
        return any(find(value, accept) for _, value in items)

    if not (find(obj, lambda k: k in preferred) or find(obj, lambda k: k not in avoided)):
        if isinstance(obj, dict):
            obj["sandbox"] = INJECT_MARK
    return obj


def inject_bytes(answer: Answer, payload: bytes, escaped: bytes | None = None) -> bytes:
    """The answer's body with ``payload`` inside a text value, the format otherwise intact."""
    if answer.fmt == "json":
        body = encode_json(inject_json(answer.obj), answer.json_style)
        return body.replace(INJECT_MARK.encode(), escaped if escaped is not None else payload, 1)
    if answer.fmt == "xml":
        for tag in (b"mensaje", b"contrato", b"rfc", b"uuid"):
            index = answer.body.find(b"</" + tag + b">")
            if index >= 0:
                return answer.body[:index] + payload + answer.body[index:]
        index = answer.body.rfind(b"</")
        return answer.body[:index] + b"<mensaje>" + payload + b"</mensaje>" + answer.body[index:]
    index = answer.body.find(b"<body>")
    index = len(answer.body) // 2 if index < 0 else index + len(b"<body>")
    return answer.body[:index] + payload + answer.body[index:]
