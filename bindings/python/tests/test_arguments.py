"""What the binding adds between a Python call and the C function: every keyword argument of every
operation, constructor and helper becomes the member of the same name in the request (or
configuration) JSON, None left out, paths as strings, sequences as arrays, mappings as objects,
bytes as text; each operation reaches its own C function. Checked at the C boundary, nothing sent:
the rules the library applies to these requests are tested through the .so (Tests/python)."""

from __future__ import annotations

import inspect
import json
import os
import pathlib
import sys
import types
from typing import Any, Dict, List, Set, Tuple

import pytest
import sello
from sello import _lib

CLIENTS = [(sello.FES, "fes_config"), (sello.FirmaVirtual, "fv_config"), (sello.CFDI, "cfdi_config")]
CALLBACKS = {"on_progress", "on_log", "log_level"}


def sample(name: str, annotation: str) -> Tuple[Any, Any]:
    """A value of the parameter's type that is not already JSON, and the JSON it must become."""
    if "PathLike" in annotation:
        return pathlib.Path(f"/tmp/sello-{name}"), f"/tmp/sello-{name}"
    if "bool" in annotation:
        return True, True
    if annotation in ("int", "Optional[int]"):
        return 7, 7
    if "Sequence[str]" in annotation:
        return (f"{name}-a", f"{name}-b"), [f"{name}-a", f"{name}-b"]
    if "Sequence[UuidEntry]" in annotation:
        return (f"{name}|1", types.MappingProxyType({"uuid": name})), [f"{name}|1", {"uuid": name}]
    if annotation.startswith(("Sequence[", "Optional[Sequence[")):
        return (types.MappingProxyType({"k": name}),), [{"k": name}]
    if "Mapping[" in annotation:
        return types.MappingProxyType({"max": 1}), {"max": 1}
    return f"v-{name}", f"v-{name}"


def arguments(function: Any, everything: bool) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """Keyword arguments for `function` (all of them, or only the required ones) and the JSON expected."""
    given: Dict[str, Any] = {}
    expected: Dict[str, Any] = {}
    for name, parameter in inspect.signature(function).parameters.items():
        if name == "self" or name in CALLBACKS or (not everything and parameter.default is not inspect.Parameter.empty):
            continue
        given[name], expected[name] = sample(name, str(parameter.annotation))
    return given, expected


@pytest.fixture()
def sent(monkeypatch: pytest.MonkeyPatch) -> List[Tuple[str, Any]]:
    """(C function, request JSON) of every operation and helper called: the C call is replaced by
    one that records what it was given and answers ok."""
    library = _lib.get()
    real_function, real_take = library.function, library.take
    calls: List[Tuple[str, Any]] = []
    call_ids: Set[str] = set()
    answered = 0x5E110

    def function(name: str) -> Any:
        if name.endswith(
            ("_client_new", "_client_free", "_client_set_log", "_client_set_progress", "_client_cancel")
        ) or not name.startswith(("fes_", "fv_", "cfdi_")):
            return real_function(name)

        def record(_handle: Any, payload: bytes) -> int:
            body = json.loads(payload)
            # Every call carries a call_id of its own (an interrupt in a callback cancels it).
            made = body.pop("call_id")
            assert isinstance(made, str) and made.startswith("sello-") and made not in call_ids
            call_ids.add(made)
            calls.append((name, body))
            return answered

        return record

    def call_helper(name: str, payload: bytes) -> Dict[str, Any]:
        calls.append((name, json.loads(payload)))
        return {"ok": True, "data": {}, "meta": {"attempts": 0}}

    monkeypatch.setattr(library, "function", function)
    monkeypatch.setattr(
        library,
        "take",
        lambda pointer: (
            {"ok": True, "data": {}, "meta": {"attempts": 0}} if pointer == answered else real_take(pointer)
        ),
    )
    monkeypatch.setattr(library, "call_helper", call_helper)
    return calls


@pytest.mark.parametrize("client_class,config", CLIENTS)
def test_every_keyword_of_every_operation_is_sent_by_its_name(
    client_class: Any, config: str, sent: Any, request: pytest.FixtureRequest
) -> None:
    with client_class(**request.getfixturevalue(config)) as client:
        for operation, function_name in client_class._operations.items():
            method = getattr(client, operation)
            if operation == "confirm_callback":
                continue  # its body is not a keyword: test_callback_bodies
            for everything in (True, False):
                given, expected = arguments(method, everything)
                method(**given)
                assert sent[-1] == (function_name, expected), (operation, everything)
    assert len(sent) == 2 * (len(client_class._operations) - (client_class is sello.FirmaVirtual))


@pytest.mark.parametrize(
    "helper,function_name",
    [
        (sello.check_rut, "sello_check_rut"),
        (sello.find_comuna, "sello_find_comuna"),
        (sello.check_rfc, "sello_check_rfc"),
        (sello.fes_check_request, "fes_check_request"),
        (sello.cfdi_inspect_csd, "cfdi_inspect_csd"),
    ],
)
def test_every_keyword_of_every_helper_is_sent_by_its_name(helper: Any, function_name: str, sent: Any) -> None:
    given, expected = arguments(helper, True)
    helper(**given)
    assert sent == [(function_name, expected)]


@pytest.mark.parametrize(
    "body,expected",
    [
        (b'{"contract":{"sContractID":"x"}}', '{"contract":{"sContractID":"x"}}'),
        (bytearray(b"caf\xc3\xa9"), "café"),
        (b"\xff\xfe", "\ufffd\ufffd"),  # not UTF-8: sent replaced, then refused as not a callback
        ('{"a":1}', '{"a":1}'),
        (types.MappingProxyType({"contract": {"sContractID": "x"}}), {"contract": {"sContractID": "x"}}),
    ],
)
def test_callback_bodies(body: Any, expected: Any, sent: Any, fv_config: Dict[str, Any]) -> None:
    sello.fv_parse_callback(body)
    with sello.FirmaVirtual(**fv_config) as fv:
        fv.confirm_callback(body)
    assert sent == [("fv_parse_callback", {"body": expected}), ("fv_confirm_callback", {"body": expected})]


def test_call_by_name_sends_the_request_as_given(sent: Any, cfdi_config: Dict[str, Any]) -> None:
    with sello.CFDI(**cfdi_config) as cfdi:
        cfdi.call("get_by_uuid", {"uuid": "U", "save_dir": pathlib.Path("/tmp/x"), "include_xml": None})
        cfdi.call("get_status")
    assert sent == [("cfdi_get_by_uuid", {"uuid": "U", "save_dir": "/tmp/x"}), ("cfdi_get_status", {})]


@pytest.mark.parametrize(
    "client_class,new_name",
    [(sello.FES, "fes_client_new"), (sello.FirmaVirtual, "fv_client_new"), (sello.CFDI, "cfdi_client_new")],
)
def test_every_keyword_of_every_constructor_is_configuration(
    client_class: Any, new_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = _lib.get()
    real_function = library.function
    configs: List[Any] = []

    def function(name: str) -> Any:
        if name != new_name:
            return real_function(name)

        def new(payload: bytes, error: Any) -> Any:
            configs.append(json.loads(payload))
            return real_function(name)(payload, error)

        return new

    monkeypatch.setattr(library, "function", function)
    monkeypatch.setitem(sys.modules, "certifi", None)  # no fallback CA bundle: test_ca_fallback.py's part
    for everything in (True, False):
        given, expected = arguments(client_class.__init__, everything)
        try:
            client_class(**given).close()
        except sello.InvalidArgumentError:
            pass  # the sample values are no real configuration
        assert configs[-1] == expected, everything


# -- what JSON cannot carry: an InvalidArgumentError naming the field, nothing sent ----------------


def refused(call: Any) -> sello.InvalidArgumentError:
    with pytest.raises(sello.InvalidArgumentError) as raised:
        call()
    error = raised.value
    assert (error.kind, error.retryable, error.attempts) == ("invalid_argument", False, 0)
    return error


def test_bytes_in_a_request_name_the_field(sent: Any, fes_config: Dict[str, Any]) -> None:
    with sello.FES(**fes_config) as fes:
        error = refused(lambda: fes.call("obtain_certificate", {"rut": "19.371.037-9", "direccion": b"Vi\xf1a 1"}))
    assert (error.code, error.field) == ("WRONG_TYPE", "direccion")
    assert "'direccion' is bytes" in str(error) and ".decode(" in error.message
    assert (error.meta["service"], error.meta["operation"]) == ("fes", "obtain_certificate")
    error = refused(lambda: sello.fes_check_request(rut="19.371.037-9", comuna=bytearray(b"Los Angeles")))
    assert (error.code, error.field) == ("WRONG_TYPE", "comuna")
    assert sent == []


def test_a_nested_field_is_named_as_the_library_names_it(sent: Any, cfdi_config: Dict[str, Any]) -> None:
    with sello.CFDI(**cfdi_config) as cfdi:
        error = refused(lambda: cfdi.call("cancel", {"uuids": ["a|b", {"uuid": b"x", "motivo": "02"}]}))
    assert (error.code, error.field) == ("WRONG_TYPE", "uuids[1].uuid")
    assert sent == []


def test_what_else_json_cannot_carry_names_the_field(sent: Any) -> None:
    # Text with lone surrogates (os.fsdecode of a Latin-1 file name) is not UTF-8.
    error = refused(lambda: sello.fes_check_request(rut="19.371.037-9", direccion="Vi\udcf1a 1"))
    assert (error.code, error.field) == ("INVALID_JSON", "direccion") and "UTF-8" in error.message
    error = refused(lambda: sello.fes_check_request(rut="19.371.037-9", duracion=float("nan")))
    assert (error.code, error.field) == ("INVALID_JSON", "duracion")
    error = refused(lambda: sello.fes_check_request(rut="19.371.037-9", comuna={"Los Angeles"}))
    assert (error.code, error.field) == ("WRONG_TYPE", "comuna") and "set" in error.message
    assert sent == []


def test_a_path_that_is_not_utf8_is_not_advised_to_be_decoded_differently(
    sent: Any, fv_config: Dict[str, Any], cfdi_config: Dict[str, Any]
) -> None:
    """A file name with bytes that are not UTF-8 (os.fsdecode makes lone surrogates of them):
    decoding it another way (latin-1) would name another file, so the advice is to rename or
    link the file under a UTF-8 name, or to send its content (content_base64) instead."""
    name = pathlib.Path(os.fsdecode(b"/tmp/contrato-pe\xf1a.pdf"))
    with sello.FirmaVirtual(**fv_config) as fv:
        error = refused(lambda: fv.upload_document(contractID="c-1", file_path=name))
    assert (error.code, error.field) == ("INVALID_JSON", "file_path")
    assert "latin-1" not in error.message and ".decode(" not in error.message
    assert "symlink" in error.message and "content_base64" in error.message
    with sello.CFDI(**cfdi_config) as cfdi:
        items = [{"datos": "x"}, {"datos_path": os.fsdecode(b"/tmp/factura-\xf1.csv")}]
        nested = refused(lambda: cfdi.process_files(items=items))
    assert nested.field == "items[1].datos_path" and "symlink" in nested.message
    with sello.FirmaVirtual(**fv_config) as fv:  # the same name as bytes, as os.listdir(bytes) gives it
        raw = refused(lambda: fv.upload_document(contractID="c-1", file_path=b"/tmp/contrato-pe\xf1a.pdf"))
        utf8 = refused(lambda: fv.upload_document(contractID="c-1", file_path="/tmp/peña.pdf".encode()))
    assert (raw.code, raw.field) == ("WRONG_TYPE", "file_path")
    assert "latin-1" not in raw.message and "symlink" in raw.message and "content_base64" in raw.message
    assert "latin-1" not in utf8.message and "os.fsdecode(" in utf8.message
    # Text that is not a path keeps its advice: decode the original bytes with their encoding.
    error = refused(lambda: sello.fes_check_request(rut="19.371.037-9", direccion="Vi\udcf1a 1"))
    assert ".decode('latin-1')" in error.message
    assert sent == []


def test_a_configuration_value_is_named_and_never_repeated(fes_config: Dict[str, Any]) -> None:
    error = refused(lambda: sello.FES(**{**fes_config, "clave": b"contrasena-larga"}))
    assert (error.code, error.field) == ("WRONG_TYPE", "clave")
    assert "contrasena" not in str(error)
