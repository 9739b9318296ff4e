"""The binding's fast paths of issue 13 against the code they replace: encode() makes the bytes
json.dumps made, and Library.take's reader the values and errors json.loads made."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest
from sello import _client, _lib

BODIES = [
    {},
    {"rut": "76.369.187-K", "comuna": "Viña del Mar", "duracion": 1, "save_to": None},
    {"texto": 'comillas " barra \\ y control \n\t\x01\x1f', "emoji": "\U0001f600", "nulo": "\u0000"},
    {"n": -0.0, "big": 10**30, "f": 1e-7, "t": True, "fa": False, "lista": [1, "a", None, [], {}]},
    {"anidado": {"a": {"b": [{"c": (1, 2)}]}}, "tupla": ("x", 2.5)},
    {"ruta": pathlib.Path("/tmp/cert.p12"), "lista": [pathlib.PurePosixPath("a/b")]},
    {1: "clave entera", 2.5: "clave real", False: "clave bool", None: "clave nula"},
]


@pytest.mark.parametrize("body", BODIES)
def test_encode_makes_the_bytes_json_dumps_made(body: Any) -> None:
    plain = {key: _client._plain(value) for key, value in body.items() if value is not None}
    expected = json.dumps(plain, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
    assert _client.encode(body) == expected
    assert "".join(_client._JSON.iterencode(plain, _one_shot=True)).encode("utf-8") == expected  # the fallback


@pytest.mark.parametrize(
    "value,code",
    [(float("nan"), "INVALID_JSON"), (b"bytes", "WRONG_TYPE"), ({1, 2}, "WRONG_TYPE"), ("\udcf1", "INVALID_JSON")],
)
def test_encode_still_names_what_json_cannot_carry(value: Any, code: str) -> None:
    with pytest.raises(Exception) as caught:
        _client.encode({"ok": "a", "campo": [value]})
    assert (getattr(caught.value, "code", None), getattr(caught.value, "field", None)) == (code, "campo[0]")


ENVELOPES = [
    '{"ok":true,"data":{"a":"Viña","n":1.8,"l":[1,null,true]},"warnings":[],"meta":{}}',
    '{"ok":false,"error":{"code":"X","message":"comillas \\" y \\\\ y \\u00f1"}}',
    "[1,2]",
    '"texto"',
]
BROKEN = ["", " {}", "{} ", "{}x", '{"a":}', "{", "nope", '{"a":1}{"b":2}', "\ufeff{}"]


@pytest.mark.parametrize("text", ENVELOPES)
def test_the_envelope_reader_reads_what_json_loads_reads(text: str) -> None:
    assert _lib._decode(text) == json.loads(text)


@pytest.mark.parametrize("text", BROKEN)
def test_the_envelope_reader_fails_or_reads_as_json_loads_does(text: str) -> None:
    try:
        expected: Any = json.loads(text)
    except json.JSONDecodeError as error:
        with pytest.raises(json.JSONDecodeError) as caught:
            _lib._decode(text)
        assert (caught.value.msg, caught.value.pos) == (error.msg, error.pos)
    else:
        assert _lib._decode(text) == expected
