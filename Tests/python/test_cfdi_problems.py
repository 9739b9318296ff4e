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
        envelope = cfdi.call(operation, {"uuid": UUID, "save_dir": 5, "include_xml": "yes"})
        found = problems(envelope, "WRONG_TYPE", "save_dir")
        assert [field for field, _ in found] == ["save_dir", "include_xml"]
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
    # no CSD nor CERT_DEFAULT: each part of the CSD is missing
    assert [field for field, _ in found] == ["uuids", "save_dir", "certBase64", "keyBase64", "keyPass"]
    assert sandbox.requests() == []


def test_a_stamp_lists_every_problem(sandbox, cfdi) -> None:
    envelope = cfdi.call("process_file", {"prueba": "yes", "opciones_base64": 1})
    found = problems(envelope, "PARAMETRO_INVALIDO", "datos")
    assert [field for field, _ in found] == ["datos", "prueba", "opciones_base64"]
    envelope = cfdi.call("stamp_xml_with_csd", {"prueba": 1, "certBase64": "AAAA"})
    found = problems(envelope, "PARAMETRO_INVALIDO", "xml")
    # the CSD's missing parts are each a problem; its content is judged once every part is given
    assert [field for field, _ in found] == ["xml", "prueba", "keyBase64", "keyPass"]
    assert sandbox.requests() == []


def test_one_problem_is_reported_alone(sandbox, cfdi) -> None:
    envelope = cfdi.call("get_status", {"uuid": UUID, "rfcEmisor": "EKU9003173C9", "rfcReceptor": "BAD", "total": 1})
    assert envelope["error"]["field"] == "rfcReceptor"
    assert "problems" not in (envelope["error"].get("details") or {})
    assert sandbox.requests() == []


def test_each_missing_part_of_the_credentials_is_its_own_problem(sandbox, cfdi) -> None:
    """The certificate, the key and keyPass are reported together, not one per attempt; the
    credentials are judged (read, opened, matched) only once every part is given."""
    for operation, first in (("process_file_with_csd", "datos"), ("stamp_xml_with_csd", "xml")):
        found = problems(cfdi.call(operation, {}), "PARAMETRO_INVALIDO", first)
        assert [field for field, _ in found] == [first, "certBase64", "keyBase64", "keyPass"]
        found = problems(cfdi.call(operation, {"keyPass": "Clave1234"}), "PARAMETRO_INVALIDO", first)
        assert [field for field, _ in found] == [first, "certBase64", "keyBase64"]
    found = problems(cfdi.call("cancel", {}), "PARAMETRO_INVALIDO", "rfcEmisor")
    assert [field for field, _ in found] == ["rfcEmisor", "uuids", "certBase64", "keyBase64", "keyPass"]
    # a PKCS#12 holds the key: the file and its password are what it needs
    request = {"rfcEmisor": "EKU9003173C9", "uuids": [UUID], "opciones": ["PKCS12"]}
    found = problems(cfdi.call("cancel_with_reason", request), "MOTIVO_REQUERIDO", "uuids[0].motivo")  # a bare UUID
    assert [field for field, _ in found][-2:] == ["certBase64", "keyPass"]
    # every part given: the credentials are one check again, their first problem standing for them
    envelope = cfdi.call("stamp_xml_with_csd", {"certBase64": "AAAA", "keyBase64": "AAAA", "keyPass": "Clave1234"})
    found = problems(envelope, "PARAMETRO_INVALIDO", "xml")
    assert [field for field, _ in found] == ["xml", "certBase64"]
    assert sandbox.requests() == []


def test_a_batch_lists_every_problem(sandbox, cfdi) -> None:
    envelope = cfdi.call("process_files", {"operation": "cancel", "concurrency": 0})
    found = problems(envelope, "INVALID_ARGUMENT", "operation")
    assert found == [("operation", "INVALID_ARGUMENT"), ("concurrency", "INVALID_ARGUMENT"), ("items", "MISSING_FIELD")]
    assert "cfdi_process_file" not in envelope["error"]["details"]["problems"][2]["message"]  # the operation is unknown
    assert sandbox.requests() == []
