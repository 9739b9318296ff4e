"""Documented codes and answers that no other test reached through the .so (found by an audit of
the operation × documented-error matrix): each is triggered here and its envelope asserted."""

from __future__ import annotations

import email.utils
import http.server
import json
import shutil
import threading
import time
from typing import Any, Callable, Dict, Iterator, Tuple

import pytest
from cfdi_support import canned, canned_client, warning_codes  # noqa: F401  (fixtures, requested by name)
from sello_ffi import Client, call
from sello_fixtures import CFDI_USER, FV_SIGNER, GHOST_UUID, cfdi40_xml, csv_text, seal

TOO_LARGE = "x" * (8 * 1024 * 1024)  # above the 8 MiB a request may have (reference.md)


@pytest.mark.parametrize("function", ["sello_check_rut", "fes_check_request", "fv_parse_callback", "cfdi_inspect_csd"])
def test_a_request_over_the_limit_is_refused_by_the_helpers(function: str) -> None:
    envelope = call(function, json.dumps({"rut": TOO_LARGE}))
    assert (envelope["ok"], envelope["error"]["kind"], envelope["error"]["code"]) == (
        False,
        "invalid_argument",
        "REQUEST_TOO_LARGE",
    )


def test_a_request_over_the_limit_is_never_sent(sandbox, cfdi_config) -> None:
    with Client("cfdi", cfdi_config) as client:
        envelope = client.call("process_file", json.dumps({"datos": TOO_LARGE}))
    assert envelope["error"]["code"] == "REQUEST_TOO_LARGE" and envelope["meta"]["attempts"] == 0
    assert sandbox.requests() == []


def test_firma_virtual_profile_and_payment_ids_must_be_positive(sandbox, fv_config) -> None:
    user = {
        "iProfileID": -1, "sRUT": "11111111-1", "sFirstName": "Ana", "sLastName": "Diaz",
        "sEmail": "ana@example.com", "sPhone": "+56912345678", "sLogin": "anadiaz1", "sPassword": "Secreta123",
        "sComments": "x", "sUserType": "NATURAL",
    }  # fmt: skip
    contract = {
        "sOwnerType": "NATURAL", "iPaymentService": -1, "iContractTypeFeeID": 1, "iSignedCount": 1,
        "callback": "https://example.com/cb", "signers": [FV_SIGNER],
    }  # fmt: skip
    with Client("fv", fv_config) as client:
        for operation, request, code in (
            ("create_user", user, "PROFILE_ID_INVALID"),
            ("create_contract", contract, "PAYMENT_SERVICE_INVALID"),
        ):
            envelope = client.call(operation, request)
            assert (envelope["ok"], envelope["error"]["code"]) == (False, code), envelope
            assert envelope["meta"]["attempts"] == 0
    assert [r for r in sandbox.requests() if "/logindata" not in r["path"]] == []


def test_a_stamped_xml_that_is_not_base64_is_kept_not_saved(canned, tmp_path) -> None:
    canned.answers["procesarArchivo"] = (
        200,
        f"<servicioTimbrado><id>i</id><timbradoOk>true</timbradoOk><codigo>0</codigo><uuid>{GHOST_UUID}</uuid>"
        "<xmlBase64>%%%not*base64%%%</xmlBase64></servicioTimbrado>".encode(),
    )
    with canned_client(canned) as client:
        envelope = client.call("process_file", {"datos": csv_text(), "include_xml": True, "save_dir": str(tmp_path)})
    assert envelope["ok"] is True and "XML_UNREADABLE" in warning_codes(envelope)
    data = envelope["data"]
    assert data["xmlBase64"] == "%%%not*base64%%%" and data["saved_files"] == [] and "xml" not in data
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "operation, request_of",
    [("process_file", lambda: {"datos": csv_text()}), ("stamp_xml", lambda: {"xml": cfdi40_xml(seal("w"))})],
)
def test_a_stamp_whose_save_dir_goes_meanwhile_is_kept_with_a_warning(
    sandbox, cfdi_config, tmp_path, operation: str, request_of: Callable[[], Dict[str, Any]]
) -> None:
    folder = tmp_path / "stamps"
    folder.mkdir()
    sandbox.fault("delay", ms=1500, count=1)

    def remove_once_sent() -> None:
        deadline = time.monotonic() + 30
        while not sandbox.requests() and time.monotonic() < deadline:
            time.sleep(0.01)
        shutil.rmtree(folder)

    remover = threading.Thread(target=remove_once_sent)
    remover.start()
    with Client("cfdi", cfdi_config) as client:
        envelope = client.call(operation, {**request_of(), "save_dir": str(folder)})
    remover.join(timeout=30)
    assert envelope["ok"] is True and "WRITE_FAILED" in warning_codes(envelope), envelope
    assert envelope["data"]["uuid"] and envelope["data"]["xmlBase64"]  # the stamp is in the envelope


# -- answers the sandbox does not give: a loopback stand-in -------------------------------------------


@pytest.fixture()
def stand_in() -> Iterator[Tuple[str, list]]:
    """A server whose answers a test queues as (status, headers, body); the last one repeats."""
    queue: list = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("content-length") or 0))
            status, headers, body = queue.pop(0) if len(queue) > 1 else queue[0]
            self.send_response(status)
            for name, value in {"Content-Type": "application/xml", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/servicio/rest", queue
    server.shutdown()
    server.server_close()


FOUND = b"<servicioConsulta><consultaOk>true</consultaOk><codigo>0</codigo></servicioConsulta>"


def test_a_retry_after_given_as_an_http_date_is_honoured(stand_in) -> None:
    url, queue = stand_in
    soon = email.utils.formatdate(time.time() + 1, usegmt=True)
    queue[:] = [(429, {"Retry-After": soon}, b"slow down"), (200, {}, FOUND)]
    retries = {"max": 2, "base_delay_ms": 10, "max_delay_ms": 5000}
    with Client("cfdi", {"base_url": url, **CFDI_USER, "retries": retries}) as client:
        envelope = client.call("get_by_uuid", {"uuid": GHOST_UUID})
    assert envelope["ok"] is True and envelope["meta"]["attempts"] == 2, envelope


def test_a_retry_after_date_beyond_max_delay_is_returned_to_the_caller(stand_in) -> None:
    url, queue = stand_in
    later = email.utils.formatdate(time.time() + 60, usegmt=True)
    queue[:] = [(429, {"Retry-After": later}, b"slow down")]
    retries = {"max": 2, "base_delay_ms": 10, "max_delay_ms": 500}
    with Client("cfdi", {"base_url": url, **CFDI_USER, "retries": retries}) as client:
        envelope = client.call("get_by_uuid", {"uuid": GHOST_UUID})
    error = envelope["error"]
    assert (error["kind"], error["code"], error["retryable"], envelope["meta"]["attempts"]) == (
        "http",
        "RATE_LIMITED",
        True,
        1,
    )
    assert 50_000 <= error["details"]["retry_after_ms"] <= 61_000, error


@pytest.mark.parametrize(
    "body",
    [
        f'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x "{GHOST_UUID}">]><servicioConsulta><consultaOk>true'
        "</consultaOk><codigo>0</codigo><uuid>&x;</uuid></servicioConsulta>",
        '<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/hostname">]><servicioConsulta>'
        "<consultaOk>true</consultaOk><codigo>0</codigo><mensaje>&x;</mensaje></servicioConsulta>",
        '<?xml version="1.0"?><!DOCTYPE servicioConsulta><servicioConsulta><consultaOk>true</consultaOk>'
        "<codigo>0</codigo></servicioConsulta>",
    ],
    ids=["internal-entity", "external-entity", "bare-doctype"],
)
def test_an_answer_with_a_doctype_is_refused_and_nothing_is_expanded(stand_in, body: str) -> None:
    url, queue = stand_in
    queue[:] = [(200, {}, body.encode())]
    with Client("cfdi", {"base_url": url, **CFDI_USER}) as client:
        envelope = client.call("get_by_uuid", {"uuid": GHOST_UUID})
    assert (envelope["ok"], envelope["error"]["code"]) == (False, "INVALID_ANSWER"), envelope
    with open("/etc/hostname") as hostname:
        assert hostname.read().strip() not in json.dumps(envelope)
