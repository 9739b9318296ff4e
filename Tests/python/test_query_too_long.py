"""A request whose values travel in the URL's query string (Prodigia's procesarArchivo, both
cancellation families): too long to send (URL_TOO_LONG, nothing sent) or refused by the service's
server (HTTP 414). The error names the request field that made the URL long and says what helps
for *this* operation (audit of 2026-12-08: a cancellation's 414 sent the caller to
cfdi_process_file_with_csd and cfdi_stamp_xml, neither of which cancels; URL_TOO_LONG had field
null and no remedy)."""

from __future__ import annotations

from typing import Any

import pytest
from cfdi_support import cfdi  # noqa: F401  (fixture, requested by name)
from sello_ffi import Client
from sello_fixtures import CFDI_USER, CSD_PASSWORD, EMISOR, csd_fields, csv_text

UUID = "6F2B9A4E-1C3D-4E5F-8A9B-0C1D2E3F4A5B"
STAMPING = ("cfdi_process_file_with_csd", "cfdi_stamp_xml")


def cancellation(operation: str, certs: dict[str, Any], count: int = 1) -> dict[str, Any]:
    entry = f"{UUID}|02|" if operation == "cancel_with_reason" else f"{UUID}|XAXX010101000|{EMISOR}|1160.00|02|"
    return {"rfcEmisor": EMISOR, "uuids": [entry] * count, **csd_fields(certs["other"]), "keyPass": CSD_PASSWORD}


@pytest.mark.parametrize("operation", ["cancel_with_reason", "cancel"])
def test_a_cancellation_refused_with_414_says_what_helps_a_cancellation(sandbox, cfdi, certs, operation) -> None:
    sandbox.fault("status", status=414)
    envelope = cfdi.call(operation, cancellation(operation, certs))
    error = envelope["error"]
    assert (error["code"], envelope["meta"]["http_status"]) == ("HTTP_414", 414), error
    message = error["message"]
    assert "fewer UUIDs" in message and "CERT_DEFAULT" in message, message
    assert not any(name in message for name in STAMPING), message


def test_a_stamp_refused_with_414_still_names_the_operations_that_carry_the_file_in_the_body(sandbox, cfdi) -> None:
    sandbox.fault("status", status=414)
    envelope = cfdi.call("process_file", {"datos": csv_text(), "opciones": ["PLUGIN_PROCESO:GENERICO_CFDI40:1.0"]})
    error = envelope["error"]
    assert error["code"] == "HTTP_414" and error["field"] == "datos", error
    assert all(name in error["message"] for name in STAMPING), error
    assert "CERT_DEFAULT" not in error["message"], error


@pytest.mark.parametrize("given", ["datos", "datos_path"])
def test_a_file_too_long_for_the_url_names_its_field_and_the_operations_that_take_it_in_the_body(
    sandbox, tmp_path, given: str
) -> None:
    datos = csv_text() + "NOTA|" + "a" * 600_000 + "\n"
    path = tmp_path / "big.csv"
    path.write_text(datos)
    request = {given: datos if given == "datos" else str(path), "opciones": ["PLUGIN_PROCESO:GENERICO_CFDI40:1.0"]}
    with Client("cfdi", {"base_url": sandbox.cfdi_url, **CFDI_USER}) as client:
        envelope = client.call("process_file", request)
    error = envelope["error"]
    assert (error["code"], error["field"], envelope["meta"]["attempts"]) == ("URL_TOO_LONG", given, 0), error
    assert all(name in error["message"] for name in STAMPING), error
    assert sandbox.requests() == []


def test_a_uuid_list_too_long_for_the_url_names_uuids_and_says_send_fewer(sandbox) -> None:
    uuids = [f"{UUID}|XAXX010101000|{EMISOR}|1160.00"] * 12000
    with Client("cfdi", {"base_url": sandbox.cfdi_url, **CFDI_USER}) as client:
        envelope = client.call("cancel", {"rfcEmisor": EMISOR, "uuids": uuids, "opciones": ["CERT_DEFAULT"]})
    error = envelope["error"]
    assert (error["code"], error["field"], envelope["meta"]["attempts"]) == ("URL_TOO_LONG", "uuids", 0), error
    assert "fewer UUIDs" in error["message"] and not any(name in error["message"] for name in STAMPING), error
    assert sandbox.requests() == []
