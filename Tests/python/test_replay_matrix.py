"""The replay matrix: `sent: once` (docs/reference.md's binding blocks, generated into
bindings/python/src/sello/_abi.py's SENT_ONCE, which sello.aio trusts not to cancel such a call)
against what the library really does, through the .so, for every operation include/sello.h
declares.

Each row makes the sandbox answer the operation's request with one HTTP 502 (a failure that may
have reached the service; the fault mode `status` does not perform the request) on a client with
retries enabled, then classifies what the library did:

- sent again: the envelope is ok with meta.attempts 2, and the sandbox received the request twice
  (the replay policy is .idempotent);
- sent once: an error HTTP_502 with meta.attempts 1, "may have reached the service" in its message,
  and one request received (.onlyIfNotSent: retryable false, "before trying again", with how to find out;
  .callerMayRepeat: retryable true, "send the same request again");

and asserts it is "sent once" exactly when the operation is in SENT_ONCE. A 502 is the fault for
all three services: the existing fault tests use it for FES, Firma Virtual and Prodigia alike
(test_faults.py, test_cfdi.py's test_lookups_are_retried, test_cfdi40.py, test_cfdi_status.py).

Operations that send more than one request, and the one faulted:

- every Firma Virtual operation but fv_login: the client logs in with fv_login first (its token is
  cached), then only the operation's request is faulted; no login is sent during the faulted call,
  so meta.attempts counts the operation's requests only. fv_login itself is the faulted request
  (POST /logindata).
- fv_create_contract_express sends one request (POST .../create-contract-express) after the login;
  that request is faulted.
- fv_confirm_callback parses the callback locally, then asks the contract's detail (GET
  /api/v1/contract/detail/{id}): that request is faulted.
- rows whose request needs something made first (fv_new_password: a reset code; fv_sort_files,
  fv_merge_files: uploaded documents; fv_update_signer, fv_delete_signer: the signer;
  cfdi_get_by_uuid, cfdi_get_cancellation_receipt, cfdi_cancel: a stamp, cancelled for the
  receipt) make it through the library before the fault is queued.
- cfdi_process_files is a batch whose items follow their own operations: its row is one item of its
  default operation (process_file); test_each_batch_item_follows_its_operation runs one item of
  each operation the batch takes and holds it to that operation's own `sent: once`.

Skipped: none. Every operation sends a request that a path prefix of the sandbox can fault.

A disagreement is marked xfail(strict=True) in DISAGREEMENTS, with the envelope in its reason: it
stays visible, and the row fails again once either side is changed to agree.
"""

from __future__ import annotations

import base64
import importlib.util
import pathlib
import sys
from dataclasses import dataclass
from typing import Any, Callable, Dict

import pytest
from sello_ffi import Client
from sello_fixtures import (
    CFDI_API,
    CFDI_REST,
    CFDI_USER,
    EMISOR,
    FES_OBTAIN,
    FES_REQUEST,
    FES_USER,
    FV_EXPRESS,
    FV_SIGNER,
    FV_USER,
    FV_USER_EMAIL,
    NAMED_RECEPTOR,
    RECEPTOR,
    SEEDED_CONTRACT,
    cfdi40_xml,
    csd_fields,
    csv_text,
    seal,
)

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import sello_header  # noqa: E402

HEADER = sello_header.read()


def load_abi() -> Any:
    """bindings/python/src/sello/_abi.py by path (the binding itself is not imported)."""
    path = ROOT / "bindings" / "python" / "src" / "sello" / "_abi.py"
    spec = importlib.util.spec_from_file_location("sello_abi_for_replay_matrix", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SENT_ONCE: Dict[str, frozenset] = load_abi().SENT_ONCE
#: Retries on, waits short: a 502 on a read is repeated at once.
RETRIES = {"max": 2, "base_delay_ms": 1, "max_delay_ms": 5}
GHOST = "5FB2822E-396D-4725-8521-CDC4BDD20CCF"  # a UUID the sandbox never stamped
CONFIGS: Dict[str, Callable[[Any], Dict[str, Any]]] = {
    "fes": lambda sb: {"base_url": sb.fes_url, **FES_USER, "retries": RETRIES},
    "fv": lambda sb: {"base_url": sb.fv_url, **FV_USER, "retries": RETRIES},
    "cfdi": lambda sb: {"base_url": sb.cfdi_url, **CFDI_USER, "retries": RETRIES},
}


@dataclass
class Row:
    """What one case has at hand: the sandbox, the client, a folder, the SAT test credentials."""

    sandbox: Any
    client: Client
    tmp_path: pathlib.Path
    certs: Callable[[], Dict[str, Any]]


@dataclass(frozen=True)
class Case:
    """The path prefix of the one request faulted, and a function that prepares what the request
    needs (through the library, before the fault is queued) and returns the request."""

    fault_prefix: str
    request: Callable[[Row], Dict[str, Any]]


def ok(envelope: Dict[str, Any]) -> Dict[str, Any]:
    assert envelope["ok"] is True, f"preparing the row failed: {envelope}"
    return envelope


# -- what some requests need first -----------------------------------------------------------------


def pdf_base64(text: str = "replay") -> str:
    return base64.b64encode(b"%PDF-1.4\n% " + text.encode() + b"\n" + b"0" * 2000 + b"\n%%EOF\n").decode()


def uploaded_documents(row: Row, count: int) -> list:
    for index in range(count):
        ok(
            row.client.call(
                "upload_document", {"contractID": SEEDED_CONTRACT, "content_base64": pdf_base64(str(index))}
            )
        )
    data = ok(row.client.call("list_files", {"ContractID": SEEDED_CONTRACT}))["data"]
    return [entry["document"] for entry in data]


SIGNER = {
    "contractID": SEEDED_CONTRACT,
    "full_name": "Andri Marin",
    "email": "andri.marin@gmail.com",
    "rutId": "14666666-3",
    "phone": "961420311",
}


def with_signer(row: Row, request: Dict[str, Any]) -> Dict[str, Any]:
    ok(row.client.call("create_signer", SIGNER))
    return request


def new_password(row: Row) -> Dict[str, Any]:
    ok(row.client.call("reset_password", {"login": FV_USER_EMAIL}))
    code = row.sandbox.fv_reset_code(FV_USER_EMAIL)
    return {"login": FV_USER_EMAIL, "password": code, "new_password": "otra-clave-9"}


def sort_files(row: Row) -> Dict[str, Any]:
    first, second = uploaded_documents(row, 2)
    order = [{"document": first, "ind": 1, "action": "CHANGE"}, {"document": second, "ind": 0, "action": "CHANGE"}]
    return {"contractID": SEEDED_CONTRACT, "file_order": order}


def merge_files(row: Row) -> Dict[str, Any]:
    uploaded_documents(row, 1)
    return {"ContractID": SEEDED_CONTRACT}


def express(row: Row) -> Dict[str, Any]:
    path = row.tmp_path / "contrato.pdf"
    path.write_bytes(base64.b64decode(pdf_base64("express")))
    signer = {**FV_SIGNER, "rol": 0, "order": 1, "portion": 100}
    return {"sOwnerType": "NATURAL", "iContractTypeFeeID": 49, "signers": [signer], "file_path": str(path)}


def callback(_row: Row) -> Dict[str, Any]:
    contract = {"sContractID": SEEDED_CONTRACT, "sStatus": "SIGNED_PENDING", "sContractName": "Prueba"}
    return {"body": {"contract": [contract], "signers": [{"full_name": "Jose Cortesia", "rutId": "76795561-8"}]}}


def stamped(row: Row) -> str:
    return ok(row.client.call("process_file", {"datos": csv_text(), "prueba": True}))["data"]["uuid"]


def cancelled(row: Row) -> str:
    row.sandbox.cfdi_account(CFDI_USER["usuario"], has_default_cert=True)
    uuid = stamped(row)
    ok(row.client.call("cancel", cancellation(uuid)))
    return uuid


def cancellation(uuid: str) -> Dict[str, Any]:
    return {"rfcEmisor": EMISOR, "uuids": [f"{uuid}|{RECEPTOR}|{EMISOR}|1160.00"], "opciones": ["CERT_DEFAULT"]}


def stored_certificate(row: Row, request: Dict[str, Any]) -> Dict[str, Any]:
    row.sandbox.cfdi_account(CFDI_USER["usuario"], has_default_cert=True)
    return request


CONTRACT = {
    "sOwnerType": "NATURAL",
    "sPaymentStatus": "PENDING",
    "iPaymentService": 1,
    "iContractTypeFeeID": 28,
    "iSignedCount": 1,
    "callback": "https://ejemplo.com/webhook",
    "signers": [FV_SIGNER],
}
NEW_USER = {
    "iProfileID": 0,
    "sRUT": "11111111-1",
    "sFirstName": "Jose",
    "sLastName": "Cortesia",
    "sEmail": "contacto@josecortesia.cl",
    "sPhone": "+56978570242",
    "sLogin": "cortesia",
    "sPassword": "1234567890*",
    "sUserType": "LEGAL",
}
CONTRACT_PATH = f"/api/v1/contract/{SEEDED_CONTRACT}"

#: One case per operation of include/sello.h (C name).
CASES: Dict[str, Case] = {
    "fes_obtain_certificate": Case(FES_OBTAIN, lambda row: FES_REQUEST),
    "fv_login": Case("/logindata", lambda row: {}),
    "fv_get_user": Case("/api/v1/userapp/1", lambda row: {"IDUser": 1}),
    "fv_create_user": Case("/api/v1/userapp", lambda row: NEW_USER),
    "fv_update_user": Case("/api/v1/userapp/1", lambda row: {"IDUser": 1, "sPhone": "+56911112222"}),
    "fv_reset_password": Case("/pwd/reset", lambda row: {"login": FV_USER_EMAIL}),
    "fv_new_password": Case("/pwd/reset", new_password),
    "fv_get_contract": Case(CONTRACT_PATH, lambda row: {"IDContract": SEEDED_CONTRACT}),
    "fv_create_contract": Case("/api/v1/contract/create-contract", lambda row: CONTRACT),
    "fv_list_contract_types": Case("/api/v1/contract-type/FEE/28", lambda row: {"QTYPE": "FEE", "QVALUE": 28}),
    "fv_list_owner_contracts": Case("/api/v1/contract/owner/1", lambda row: {"IDOwner": 1}),
    "fv_get_contract_detail": Case(
        f"/api/v1/contract/detail/{SEEDED_CONTRACT}", lambda row: {"ContractID": SEEDED_CONTRACT}
    ),
    "fv_delete_contract": Case(CONTRACT_PATH, lambda row: {"IDContract": SEEDED_CONTRACT}),
    "fv_upload_document": Case(
        "/api/v1/upfile", lambda row: {"contractID": SEEDED_CONTRACT, "content_base64": pdf_base64()}
    ),
    "fv_list_files": Case(f"/api/v1/filelist/{SEEDED_CONTRACT}", lambda row: {"ContractID": SEEDED_CONTRACT}),
    "fv_sort_files": Case("/api/v1/sortfiles", sort_files),
    "fv_merge_files": Case(f"/api/v1/contract/merge/{SEEDED_CONTRACT}", merge_files),
    "fv_send_contract": Case(
        f"/api/v1/contract/send/draft/{SEEDED_CONTRACT}", lambda row: {"IDContract": SEEDED_CONTRACT}
    ),
    "fv_create_signer": Case("/api/v1/signer/new", lambda row: SIGNER),
    "fv_update_signer": Case(
        "/api/v1/signer/upd", lambda row: with_signer(row, {**SIGNER, "full_name": "Jose G. Cortesia R."})
    ),
    "fv_delete_signer": Case(
        "/api/v1/signer/del",
        lambda row: with_signer(row, {"contractID": SEEDED_CONTRACT, "rutId": SIGNER["rutId"]}),
    ),
    "fv_create_contract_express": Case(FV_EXPRESS, express),
    "fv_confirm_callback": Case(f"/api/v1/contract/detail/{SEEDED_CONTRACT}", callback),
    "cfdi_process_file": Case(CFDI_API + "/procesarArchivo", lambda row: {"datos": csv_text(), "prueba": True}),
    "cfdi_process_file_with_csd": Case(
        CFDI_API + "/procesarArchivoConCSD", lambda row: {"datos": csv_text(), **csd_fields(row.certs()["csd"])}
    ),
    "cfdi_cancel": Case(
        CFDI_API + "/cancelarCfdiConOpciones", lambda row: stored_certificate(row, cancellation(stamped(row)))
    ),
    "cfdi_get_cancellation_receipt": Case(CFDI_API + "/acuseCancelacion", lambda row: {"uuid": cancelled(row)}),
    "cfdi_get_by_uuid": Case(CFDI_API + "/consultaCfdiPorUUID", lambda row: {"uuid": stamped(row)}),
    "cfdi_process_files": Case(
        CFDI_API + "/procesarArchivo", lambda row: {"items": [{"datos": csv_text(), "prueba": True}]}
    ),
    "cfdi_stamp_xml": Case(CFDI_REST + "/timbrado40", lambda row: {"xml": cfdi40_xml(seal("replay"))}),
    "cfdi_stamp_xml_with_csd": Case(
        CFDI_REST + "/timbrado40/timbrarCfdi",
        lambda row: {"xml": cfdi40_xml(), "opciones": ["CALCULAR_SELLO"], **csd_fields(row.certs()["other"])},
    ),
    "cfdi_cancel_with_reason": Case(
        CFDI_REST + "/cancelacion/cancelar",
        lambda row: stored_certificate(
            row, {"rfcEmisor": EMISOR, "uuids": [f"{GHOST}|02|"], "opciones": ["CERT_DEFAULT"]}
        ),
    ),
    "cfdi_get_status": Case(
        CFDI_REST + "/cancelacion/consultarEstatusComprobante",
        lambda row: {"uuid": GHOST, "rfcEmisor": EMISOR, "rfcReceptor": NAMED_RECEPTOR, "total": "1160.00"},
    ),
}
#: C name -> why its row is skipped (it sends nothing, or nothing of it can be faulted). None.
SKIPPED: Dict[str, str] = {}
#: C name -> the disagreement found (reason of its strict xfail). None.
DISAGREEMENTS: Dict[str, str] = {}


def rows() -> list:
    params = []
    for name in HEADER.names("operation"):
        marks = []
        if name in SKIPPED:
            marks.append(pytest.mark.skip(reason=SKIPPED[name]))
        if name in DISAGREEMENTS:
            marks.append(pytest.mark.xfail(strict=True, reason=DISAGREEMENTS[name]))
        params.append(pytest.param(name, marks=marks, id=name))
    return params


# -- the outcome ------------------------------------------------------------------------------------


def outcome(envelope: Dict[str, Any], sent: int, name: str) -> str:
    """ "again" (retried after the 502 and ok), "once" (not sent again, the 502 returned), or a
    failure naming what else happened (the row itself is wrong then)."""
    attempts = envelope["meta"]["attempts"]
    if envelope["ok"] is True and attempts == 2 and sent == 2:
        return "again"
    error = envelope.get("error") or {}
    if envelope["ok"] is False and error.get("code") == "HTTP_502" and attempts == 1 and sent == 1:
        assert "may have reached the service" in error["message"], error
        # .onlyIfNotSent: not retryable, with how to find out (its own read, or ask the provider);
        # .callerMayRepeat: retryable, with advice.
        advice = "send the same request again" if error["retryable"] else "before trying again"
        assert advice in error["message"], error
        return "once"
    pytest.fail(
        f"{name}: after one HTTP 502 the library neither sent the request again successfully nor "
        f"stopped after it (the sandbox received {sent}); the row is wrong, not the policy: {envelope}"
    )


def verdict(name: str, seen: str, envelope: Dict[str, Any]) -> None:
    function = HEADER.function(name)
    documented = function.operation in SENT_ONCE.get(function.prefix, frozenset())
    if documented:
        assert seen == "once", (
            f"{name}: docs/reference.md says `sent: once` (_abi.SENT_ONCE[{function.prefix!r}]), but the "
            f"library's replay policy sent it again after an HTTP 502 (meta.attempts "
            f"{envelope['meta']['attempts']}): the request is .idempotent in Sources/SelloCore, so the "
            f"reference's `sent: once` (or the library's policy) is wrong: {envelope}"
        )
    else:
        assert seen == "again", (
            f"{name}: docs/reference.md does not say `sent: once` (not in _abi.SENT_ONCE[{function.prefix!r}]), "
            f"but the library's replay policy did not send it again after an HTTP 502 (meta.attempts "
            f"{envelope['meta']['attempts']}): its request is not .idempotent in Sources/SelloCore, so the "
            f"reference misses `sent: once` (or the library's policy is wrong): {envelope}"
        )


def faulted_call(row: Row, prefix: str, operation: str, request: Dict[str, Any]) -> tuple:
    """One 502 on `prefix`, then the call; returns the envelope and how many requests the sandbox
    received under `prefix` during the call (every request of the call must be one of them)."""
    before_all, before = len(row.sandbox.requests()), len(row.sandbox.requests(prefix))
    row.sandbox.fault("status", status=502, prefix=prefix, count=1)
    envelope = row.client.call(operation, request)
    during = row.sandbox.requests()[before_all:]
    sent = len(row.sandbox.requests(prefix)) - before
    assert sent == len(during), f"requests outside {prefix} during the call: {[r['path'] for r in during]}"
    row.sandbox.clear_faults()
    return envelope, sent


def make_row(request: pytest.FixtureRequest, sandbox: Any, tmp_path: pathlib.Path, prefix: str) -> Row:
    client = Client(prefix, CONFIGS[prefix](sandbox))
    assert client.handle, client.error
    if prefix == "fv":
        ok(client.call("login", {}))  # the token is cached: no login inside the faulted call
    return Row(sandbox, client, tmp_path, lambda: request.getfixturevalue("certs"))


# -- the matrix ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", rows())
def test_sent_once_matches_the_replay_policy(request, sandbox, tmp_path, name: str) -> None:
    assert name in CASES, f"{name} is declared by include/sello.h but has no row: add a Case (or a SKIPPED reason)"
    function = HEADER.function(name)
    case = CASES[name]
    row = make_row(request, sandbox, tmp_path, function.prefix)
    with row.client:
        envelope, sent = faulted_call(row, case.fault_prefix, function.operation, case.request(row))
    assert envelope["meta"]["operation"] == function.operation, envelope
    if name == "cfdi_process_files":  # the batch: its one item's envelope says what happened
        [item] = envelope["data"]["results"]
        assert envelope["meta"]["attempts"] == item["meta"]["attempts"], envelope
        envelope = item
    verdict(name, outcome(envelope, sent, name), envelope)


@pytest.mark.parametrize("operation", HEADER.batch_operations)
def test_each_batch_item_follows_its_operation(request, sandbox, tmp_path, operation: str) -> None:
    """cfdi_process_files with one item of `operation`: sent again exactly when `operation` alone
    is (its own `sent: once`). The batch's own `sent: once` holds because some of these stamp."""
    case = CASES[f"cfdi_{operation}"]
    row = make_row(request, sandbox, tmp_path, "cfdi")
    with row.client:
        batch = {"operation": operation, "items": [case.request(row)]}
        envelope, sent = faulted_call(row, case.fault_prefix, "process_files", batch)
    [item] = ok(envelope)["data"]["results"]
    assert item["meta"]["operation"] == operation and envelope["meta"]["attempts"] == item["meta"]["attempts"]
    verdict(f"cfdi_{operation}", outcome(item, sent, f"cfdi_process_files of {operation}"), item)


def test_process_files_is_sent_once_because_its_items_may_stamp() -> None:
    batch = set(HEADER.batch_operations)
    assert ("process_files" in SENT_ONCE["cfdi"]) == bool(batch & SENT_ONCE["cfdi"]), (
        "cfdi_process_files runs " + ", ".join(sorted(batch)) + ": it is `sent: once` exactly when one of them is"
    )


def test_sent_once_names_only_operations_of_the_header() -> None:
    """A name in SENT_ONCE that is no operation would be checked by no row above."""
    for service, names in SENT_ONCE.items():
        unknown = names - set(HEADER.operations(service))
        assert not unknown, f"_abi.SENT_ONCE[{service!r}] names operations include/sello.h does not declare: {unknown}"
