"""Answers: the one place for JSON, one for XML, one for HTML (and the empty answer)."""

from __future__ import annotations

import dataclasses
import http
import json
from typing import Any
from xml.sax.saxutils import escape as xml_escape


@dataclasses.dataclass
class Answer:
    """An HTTP answer before it is written; faults may transform it."""

    status: int
    body: bytes
    content_type: str
    fmt: str  # "json" | "xml" | "html" | "empty"
    obj: Any = None  # the JSON object, kept for fault transformations
    json_style: str = "java"
    headers: list[tuple[str, str]] = dataclasses.field(default_factory=list)


def encode_json(obj: Any, style: str) -> bytes:
    """Serialise JSON the way the service's platform does.

    "java" (FES, a JAX-RS service): compact UTF-8.  "php" (Firma Virtual, a PHP service — its
    dates are PHP DateTime objects, seed 001 dContractDT): json_encode defaults, i.e. non-ASCII as
    \\uXXXX and "/" escaped as "\\/".
    """
    if style == "php":
        text = json.dumps(obj, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/")
        return text.encode("ascii")
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_answer(status: int, obj: Any, style: str = "java") -> Answer:
    return Answer(status, encode_json(obj, style), "application/json", "json", obj, style)


XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
XmlFields = list[tuple[str, Any]]


def xml_fragment(name: str, value: Any) -> str:
    """One element; value None is omitted, a list of (name, value) pairs nests."""
    if value is None:
        return ""
    if isinstance(value, list):
        return f"<{name}>" + "".join(xml_fragment(k, v) for k, v in value) + f"</{name}>"
    if isinstance(value, bool):
        value = "true" if value else "false"
    text = xml_escape(str(value))
    return f"<{name}>{text}</{name}>" if text else f"<{name}/>"


def xml_answer(root: str, fields: XmlFields, status: int = 200) -> Answer:
    """seed 002: XML answers, only the elements that apply."""
    body = (XML_DECL + xml_fragment(root, fields)).encode("utf-8")
    return Answer(status, body, "application/xml;charset=UTF-8", "xml")


def html_answer(status: int, detail: str = "", headers: list[tuple[str, str]] | None = None) -> Answer:
    reason = http.HTTPStatus(status).phrase if status in http.HTTPStatus._value2member_map_ else "Error"
    page = (
        f"<!DOCTYPE html><html><head><title>{status} {reason}</title></head>"
        f"<body><h1>{status} {reason}</h1><p>{xml_escape(detail)}</p></body></html>"
    )
    return Answer(status, page.encode("utf-8"), "text/html;charset=utf-8", "html", headers=list(headers or []))


def empty_answer(status: int, headers: list[tuple[str, str]] | None = None) -> Answer:
    return Answer(status, b"", "text/plain", "empty", headers=list(headers or []))
