"""One client's handle carries transfer after transfer: after a plain transfer the next plain one
sets only the options that change (Transfer.mayReuse, issue 13). Whatever one request set must
never reach the next: each request below is read as the sandbox received it, after every kind of
request before it on the same connection."""

from __future__ import annotations

import base64
import ctypes
import re
from typing import Any

from cfdi_support import assert_basic_and_no_accept, cfdi, service_requests  # noqa: F401  (fixtures)
from fv_support import calls, fv, ok  # noqa: F401  (fixtures, requested by name)
from hostile import Hostile, Received, answer
from sello_ffi import LOG_FN, Client, lib
from sello_fixtures import (
    CFDI_REST,
    CFDI_USER,
    EMISOR,
    FES_REQUEST,
    FES_USER,
    GHOST_UUID,
    SEEDED_CONTRACT,
    b64,
    cfdi40_xml,
    seal,
)

CONSULTA_OK = b"<servicioConsulta><consultaOk>true</consultaOk><codigo>0</codigo></servicioConsulta>"

PDF = b"%PDF-1.4\n% sello\n" + b"0" * 2000 + b"\n%%EOF\n"
CONTRACT_PATH = f"/api/v1/contract/{SEEDED_CONTRACT}"


def assert_get(request: dict[str, Any], path: str) -> None:
    assert (request["method"], request["path"], request["body_size"]) == ("GET", path, 0), request
    assert "content-type" not in request["headers"], request["headers"]
    assert "content-length" not in request["headers"], request["headers"]


def assert_json(request: dict[str, Any], method: str, path: str, body: dict[str, Any]) -> None:
    assert (request["method"], request["path"]) == (method, path), request
    assert request["headers"]["content-type"] == "application/json", request["headers"]
    assert request["json"] == body, request
    assert int(request["headers"]["content-length"]) == request["body_size"] == len(request["body_text"].encode())


def test_each_fv_request_carries_only_its_own_options(sandbox, fv, tmp_path) -> None:
    """Multipart, GET, PUT, JSON POST and a file upload with progress, each after the others."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(PDF)
    user = {"sFirstName": "oriana", "sLastName": "arteaga", "sPhone": "+56911112222"}
    steps = [
        ("get_contract", {"IDContract": SEEDED_CONTRACT}),
        ("upload_document", {"contractID": SEEDED_CONTRACT, "content_base64": base64.b64encode(PDF).decode()}),
        ("get_contract", {"IDContract": SEEDED_CONTRACT}),
        ("update_user", {"IDUser": 1, **user}),
        ("list_files", {"ContractID": SEEDED_CONTRACT}),
        ("upload_document", {"contractID": SEEDED_CONTRACT, "file_path": str(path)}),
        ("update_user", {"IDUser": 1, "sPhone": "+56922223333"}),
        ("delete_contract", {"IDContract": SEEDED_CONTRACT}),
        ("get_contract", {"IDContract": SEEDED_CONTRACT}),
    ]
    for operation, request in steps:
        envelope = fv.call(operation, request)
        assert envelope["ok"] is True or operation == "get_contract", envelope
    sent = calls(sandbox)
    assert [r["method"] for r in sent] == ["GET", "POST", "GET", "PUT", "GET", "POST", "PUT", "POST", "GET"]
    assert_get(sent[0], CONTRACT_PATH)
    for upload in (sent[1], sent[5]):
        assert upload["headers"]["content-type"].startswith("multipart/form-data; boundary="), upload
        [part] = upload["multipart"]
        assert part["size"] == len(PDF), part
    assert_get(sent[2], CONTRACT_PATH)
    assert_json(sent[3], "PUT", "/api/v1/userapp/1", user)
    assert_get(sent[4], f"/api/v1/filelist/{SEEDED_CONTRACT}")
    assert_json(sent[6], "PUT", "/api/v1/userapp/1", {"sPhone": "+56922223333"})
    assert sent[7]["method"] == "POST" and "multipart" not in sent[7]["headers"].get("content-type", "")
    assert sent[7]["body_size"] == len((sent[7]["body_text"] or "").encode()), sent[7]
    assert_get(sent[8], CONTRACT_PATH)
    assert len(fv.progress) >= 1  # the upload from a file reported progress (not a plain transfer)


def test_each_cfdi_request_carries_its_credentials_and_body(sandbox, cfdi) -> None:
    """Prodigia's Basic credentials on every request, and each body only where it belongs."""
    xml = cfdi40_xml(seal("reuse"))
    stamped = cfdi.call("stamp_xml", {"xml": xml})
    assert stamped["ok"] is True, stamped
    uuid = stamped["data"]["uuid"]
    for _ in range(2):
        assert cfdi.call("get_by_uuid", {"uuid": uuid})["ok"] is True
        assert cfdi.call("stamp_xml", {"xml_base64": b64(cfdi40_xml(seal("again")))})["ok"] is True
    sent = service_requests(sandbox)
    assert len(sent) == 5
    for request in sent:
        assert_basic_and_no_accept(request)
        assert request["method"] == "POST", request
    stamps = [r for r in sent if r["body_size"] > 0]
    reads = [r for r in sent if r["body_size"] == 0]
    assert len(stamps) == 3 and len(reads) == 2, [(r["path"], r["body_size"]) for r in sent]
    for request in stamps:
        assert request["headers"]["content-type"] == "application/xml", request["headers"]
        assert int(request["headers"]["content-length"]) == request["body_size"], request
        assert "<cfdi:Comprobante" in request["body_text"], request
    for request in reads:  # an empty body of type application/xml, as the seed sends a lookup
        assert request["path"].endswith("/consultaCfdiPorUUID"), request
        assert request["headers"]["content-length"] == "0", request["headers"]


def test_a_call_cancelled_before_it_starts_sent_nothing(sandbox, cfdi) -> None:
    """Cancelled from its own "→" log line, before its transfer started, on a handle whose last
    transfer was answered: nothing of that answer (its status, its request) is this call's."""
    assert cfdi.call("stamp_xml", {"xml": cfdi40_xml(seal("before"))})["ok"] is True

    def on_log(_user_data: Any, _level: int, message: bytes) -> None:
        if message.decode().startswith("→"):
            cfdi.cancel("late")

    log_fn = LOG_FN(on_log)
    set_log = lib.cfdi_client_set_log
    set_log.argtypes = [ctypes.c_void_p, LOG_FN, ctypes.c_void_p, ctypes.c_int]
    set_log(cfdi.handle, log_fn, None, 0)
    envelope = cfdi.call("stamp_xml", {"xml": cfdi40_xml(seal("cancelled")), "call_id": "late"})
    assert envelope["ok"] is False and envelope["error"]["code"] == "CANCELLED", envelope
    assert envelope["meta"]["attempts"] == 0 and not envelope["meta"].get("http_status"), envelope
    assert "after its request was sent" not in envelope["error"]["message"], envelope["error"]
    assert envelope["error"]["retryable"] is True, envelope["error"]
    assert len(service_requests(sandbox)) == 1


def test_connections_that_die_on_reuse_never_add_up(sandbox) -> None:
    """A server that closes each kept-alive connection when its second request arrives: libcurl
    sends a read again on a fresh connection (at most 5 times per transfer). Call after call, each
    costs one silent re-send; none fails because of the ones before it."""

    def handler(request: Received) -> bytes | None:
        if request.on_connection > 0:
            return None  # the reused connection "died"
        return answer(200, CONSULTA_OK, "application/xml")

    with Hostile(handler) as server:
        with Client("cfdi", {"base_url": server.url, **CFDI_USER, "retries": {"max": 0}}) as client:
            envelopes = [client.call("get_by_uuid", {"uuid": GHOST_UUID}) for _ in range(9)]
    failed = [(index, e["error"]) for index, e in enumerate(envelopes) if not e["ok"]]
    assert failed == [], failed
    assert [e["meta"]["attempts"] for e in envelopes] == [1] + [2] * 8


def test_an_answers_log_line_tells_its_time_size_and_new_connection(sandbox) -> None:
    """The answer's line ("←"): its time and whether it opened a connection are read from libcurl only
    when a log callback wants the line (Transfer.outcome, issue 13), and still told as before."""
    with Client("fes", {"base_url": sandbox.fes_url, **FES_USER}) as client:
        for _ in range(2):
            assert client.call("obtain_certificate", FES_REQUEST)["ok"] is True
        answers = [line for _level, line in client.logs if line.startswith("←")]
    pattern = r"← 200 POST /\S+ in \d+\.\d ms, [1-9]\d* bytes"
    assert len(answers) == 2, client.logs
    assert re.fullmatch(pattern + ", new connection", answers[0]), answers
    assert re.fullmatch(pattern, answers[1]), answers


def test_each_request_goes_to_its_own_url_on_a_reused_handle(sandbox, cfdi) -> None:
    """A handle keeps the URL it parsed while the next request's is the same, and parses the next
    one when it differs (EasyHandle.setURL, issue 13): same path with another query, another path,
    and back to the first, each as the sandbox received it."""
    sandbox.cfdi_account("pade_user", has_default_cert=True)
    first = cfdi.call("stamp_xml", {"xml": cfdi40_xml(seal("url-1"), folio="url-1")})["data"]["uuid"]
    second = cfdi.call("stamp_xml", {"xml": cfdi40_xml(seal("url-2"), folio="url-2")})["data"]["uuid"]
    steps = [
        ("cancel_with_reason", {"rfcEmisor": EMISOR, "uuids": [f"{first}|02|"], "opciones": ["CERT_DEFAULT"]}),
        ("cancel_with_reason", {"rfcEmisor": EMISOR, "uuids": [f"{second}|02|"], "opciones": ["CERT_DEFAULT"]}),
        ("get_by_uuid", {"uuid": first}),
        ("get_by_uuid", {"uuid": second}),
        ("cancel_with_reason", {"rfcEmisor": EMISOR, "uuids": [f"{first}|02|"], "opciones": ["CERT_DEFAULT"]}),
        ("stamp_xml", {"xml": cfdi40_xml(seal("url-3"), folio="url-3")}),
    ]
    for operation, request in steps:
        assert cfdi.call(operation, request)["meta"]["attempts"] == 1
    contrato = ["contrato", CFDI_USER["contrato"]]

    def cancel(uuid: str) -> tuple[str, list[list[str]]]:
        query = [contrato, ["rfcEmisor", EMISOR], ["arregloUUID", f"{uuid}|02|"], ["opciones", "CERT_DEFAULT"]]
        return CFDI_REST + "/cancelacion/cancelar", query

    def read(uuid: str) -> tuple[str, list[list[str]]]:
        return CFDI_REST + "/integracion/consultaCfdiPorUUID", [contrato, ["uuid", uuid]]

    stamp = (CFDI_REST + "/timbrado40", [contrato, ["opciones", "REGRESAR_CON_ERROR_307_XML"]])
    sent = [(r["path"], r["query"]) for r in service_requests(sandbox)]
    assert sent == [stamp, stamp, cancel(first), cancel(second), read(first), read(second), cancel(first), stamp]
