"""The library against include/sello.h, the one list of functions, through the .so: every function
the header declares answers as the operation it is named for (meta.service is its prefix,
meta.operation the rest of its name), cfdi_process_files runs in a batch exactly the operations
the header documents for it, and each operation's binding block in docs/reference.md names exactly
the request fields the library reads. (The exports themselves: test_foundation.py; the tables derived from
the header: Tests/header.)"""

from __future__ import annotations

import ctypes
import pathlib
import sys

import pytest
from sello_ffi import Client, call, lib, take

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import operation_model  # noqa: E402
import sello_header  # noqa: E402

HEADER = sello_header.read()
CLOSED = "http://127.0.0.1:1"  # nothing listens there: nothing is ever sent


@pytest.mark.parametrize("name", HEADER.names("operation"))
def test_every_operation_names_itself_in_meta(name: str) -> None:
    function = HEADER.function(name)
    c_function = getattr(lib, name)
    c_function.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    c_function.restype = ctypes.c_void_p
    envelope = take(c_function(None, b"{}"))  # a NULL client: an error envelope, nothing sent
    assert envelope["ok"] is False and envelope["error"]["code"] == "NULL_CLIENT", envelope
    assert (envelope["meta"]["service"], envelope["meta"]["operation"]) == (function.prefix, function.operation)


@pytest.mark.parametrize("name", HEADER.names("helper"))
def test_every_helper_names_itself_in_meta(name: str) -> None:
    function = HEADER.function(name)
    envelope = call(name, {})
    assert envelope["ok"] is False and envelope["meta"]["attempts"] == 0, envelope
    assert (envelope["meta"]["service"], envelope["meta"]["operation"]) == (function.prefix, function.operation)


@pytest.mark.parametrize("service", HEADER.services)
def test_every_cancel_names_its_service(service: str) -> None:
    envelope = Client(service, {}).cancel(None, handle=None)  # NULL client, NULL call_id
    assert envelope["ok"] is False, envelope
    assert (envelope["meta"]["service"], envelope["meta"]["operation"]) == (service, "client_cancel")


def test_the_batch_runs_the_operations_the_header_documents() -> None:
    assert HEADER.batch_operations, 'include/sello.h documents no "operation" of cfdi_process_files'
    config = {"base_url": CLOSED, "usuario": "batch-user", "password": "batch-pass", "contrato": "C-1"}
    with Client("cfdi", config) as client:
        for operation in HEADER.operations("cfdi"):
            envelope = client.call("process_files", {"operation": operation})  # no items: refused, nothing sent
            field = envelope["error"]["field"]
            expected = "items" if operation in HEADER.batch_operations else "operation"
            assert field == expected, (
                f"cfdi_process_files with operation {operation}: include/sello.h "
                f"{'documents' if expected == 'items' else 'does not document'} it, "
                f"the library says {envelope['error']['message']}"
            )
            assert envelope["meta"]["attempts"] == 0


# -- the binding blocks of docs/reference.md against what the library reads ------------------------

CONFIGS = {
    "fes": {"base_url": CLOSED, "usuario": "fields-user", "clave": "fields-clave"},
    "fv": {"base_url": CLOSED, "login": "fields-user", "password": "fields-pass"},
    "cfdi": {"base_url": CLOSED, "usuario": "fields-user", "password": "fields-pass", "contrato": "C-1"},
}


def known_fields(prefix: str, operation: str) -> set:
    """The fields the library reads for an operation: what its UNKNOWN_FIELD error lists."""
    with Client(prefix, CONFIGS[prefix]) as client:
        assert client.error is None, client.error
        envelope = client.call(operation, {"zz_not_a_field": 1})
    error = envelope["error"]
    assert (error["code"], envelope["meta"]["attempts"]) == ("UNKNOWN_FIELD", 0), envelope
    listed = error["message"].split("known fields: ", 1)[1]
    return {name.strip() for name in listed.split(",") if name.strip()}


@pytest.mark.parametrize("name", HEADER.names("operation"))
def test_each_binding_block_documents_the_fields_the_library_reads(name: str) -> None:
    """docs/reference.md's binding block (the bindings' typed methods are generated from it) names
    exactly the request fields the library accepts: a field it forgets could not be passed to a
    typed method, one it invents would be refused as UNKNOWN_FIELD."""
    function = HEADER.function(name)
    documented = {field.name for field in operation_model.read()[name].fields}
    assert known_fields(function.prefix, function.operation) == documented
