"""CFDI's local checks report every problem of a request at once, as FES and Firma Virtual do
(issue 13: "validation collecting every problem, as FES does today"), through libsello.so. The
error is the first problem in the order the fields are checked, so its kind, code, service code
and field are what they were when the check stopped there; `details.problems` lists each one.
Checks that need an earlier field (the XML's content, a CSD against the Comprobante's Emisor)
run only when that field was read. Nothing is sent."""

from __future__ import annotations

from typing import Any

from cfdi_support import cfdi  # noqa: F401  (fixture)
from sello_ffi import listed_problems

UUID = "5FB2822E-396D-4725-8521-CDC4BDD20CCF"


def problems(envelope: dict[str, Any], code: str, field: str) -> list[tuple[str, str]]:
    """(field, code) of every problem, after checking the first one's code and field."""
    assert (envelope["error"]["code"], envelope["error"]["field"]) == (code, field), envelope
    return listed_problems(envelope)


def test_get_status_lists_every_problem(sandbox, cfdi) -> None:
    envelope = cfdi.call("get_status", {"uuid": "nope", "rfcEmisor": "BAD", "opciones": 5})
    found = problems(envelope, "PARAMETRO_INVALIDO", "uuid")
    assert [field for field, _ in found] == ["uuid", "rfcEmisor", "rfcReceptor", "total", "opciones"]
    assert sandbox.requests() == []


def test_a_lookup_lists_every_problem(sandbox, cfdi) -> None:
    for operation in ("get_by_uuid", "get_cancellation_receipt"):
        envelope = cfdi.call(operation, {"uuid": "nope", "include_xml": "yes"})
        found = problems(envelope, "PARAMETRO_INVALIDO", "uuid")
        assert [field for field, _ in found] == ["uuid", "include_xml"]
    assert sandbox.requests() == []


def test_a_cancellation_lists_the_problems_of_every_entry(sandbox, cfdi) -> None:
    entries = ["nope|AAA010101AAA|EKU9003173C9|10.00", f"{UUID}|AAA010101AAA|EKU9003173C9|ten"]
    envelope = cfdi.call("cancel", {"rfcEmisor": "BAD", "uuids": entries, "opciones": ["CERT_DEFAULT"]})
    found = problems(envelope, "PARAMETRO_INVALIDO", "rfcEmisor")
    assert [field for field, _ in found] == ["rfcEmisor", "uuids", "uuids"]
    assert "uuids[0]" in envelope["error"]["details"]["problems"][1]["message"]
    assert "uuids[1]" in envelope["error"]["details"]["problems"][2]["message"]
    envelope = cfdi.call("cancel_with_reason", {"rfcEmisor": "EKU9003173C9", "uuids": [], "save_dir": 5})
    found = problems(envelope, "PARAMETRO_INVALIDO", "uuids")
    assert [field for field, _ in found] == ["uuids", "save_dir", "certBase64"]  # no CSD nor CERT_DEFAULT
    assert sandbox.requests() == []


def test_a_stamp_lists_every_problem(sandbox, cfdi) -> None:
    envelope = cfdi.call("process_file", {"prueba": "yes", "opciones_base64": 1})
    found = problems(envelope, "PARAMETRO_INVALIDO", "datos")
    assert [field for field, _ in found] == ["datos", "prueba", "opciones_base64"]
    envelope = cfdi.call("stamp_xml_with_csd", {"prueba": 1, "certBase64": "AAAA"})
    found = problems(envelope, "PARAMETRO_INVALIDO", "xml")
    # the CSD is one check: its first problem (no key) stands for it
    assert [field for field, _ in found] == ["xml", "prueba", "keyBase64"]
    assert sandbox.requests() == []


def test_one_problem_is_reported_alone(sandbox, cfdi) -> None:
    envelope = cfdi.call("get_status", {"uuid": UUID, "rfcEmisor": "EKU9003173C9", "rfcReceptor": "BAD", "total": 1})
    assert envelope["error"]["field"] == "rfcReceptor"
    assert "problems" not in (envelope["error"].get("details") or {})
    assert sandbox.requests() == []
