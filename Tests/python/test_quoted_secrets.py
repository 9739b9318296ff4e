"""A secret typed (or pasted) into another field of a request, which a validation message quotes:
include/sello.h promises it is masked there too, "a message is cut only after masking". The
message must quote the value as the caller gave it — not upper-cased (an RFC), not trimmed, not
cut to its first characters — so that the masking, which knows the secret as given, finds it
(audit of 2026-12-08: rfcEmisor 'MYKEYPASS12', a 73-character keyPass as folioSustitucion cut to
57 characters + "…", its first 40 in the envelope).

Each case is refused before anything is sent; neither the secret, nor its upper- or lower-case
form, nor its trimmed form, nor its first or last 40 characters appear anywhere in the envelope
or a log line."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sello_ffi import CAPTURE, Client, all_text, call
from sello_fixtures import CFDI_USER, FV_USER

UUID = "6F2B9A4E-1C3D-4E5F-8A9B-0C1D2E3F4A5B"
SHORT = "mykeypass12"  # lower case: an RFC's message showed it upper-cased
LONG = "Zq8" + "x7Rw2Lp9Vb" * 7  # 73 characters: cut to 57 + "…" before masking
SPACED = "  Pasted pass 77 "  # spaces around it: a trimmed quote is no longer the secret
SECRETS = [SHORT, LONG, SPACED]


def forms(secret: str) -> set[str]:
    """What of a secret must never be shown."""
    found = {secret, secret.upper(), secret.lower(), secret.strip()}
    if len(secret) > 40:
        found |= {secret[:40], secret[-40:]}
    return found


def assert_never_shown(secret: str, envelope: dict[str, Any]) -> None:
    texts = [json.dumps(envelope, ensure_ascii=False)] + list(all_text(envelope))
    texts += [line for _, line in CAPTURE.snapshot()[1]]
    for text in texts:
        for form in forms(secret):
            assert form not in text, f"{form!r} shown in {text[:400]!r}"


def cancel_cases(secret: str) -> list[tuple[str, dict[str, Any]]]:
    """cfdi_cancel_with_reason and cfdi_cancel requests with `secret` as their keyPass and in one
    other field each."""
    credentials = {"certBase64": "AAAA", "keyBase64": "AAAA", "keyPass": secret}
    reason = {"rfcEmisor": "EKU9003173C9", **credentials}
    old = {"rfcEmisor": "EKU9003173C9", **credentials}
    return [
        ("cancel_with_reason", {**reason, "rfcEmisor": secret, "uuids": [f"{UUID}|02|"]}),
        ("cancel_with_reason", {**reason, "uuids": [{"uuid": UUID, "motivo": "01", "folioSustitucion": secret}]}),
        ("cancel_with_reason", {**reason, "uuids": [{"uuid": secret, "motivo": "02"}]}),
        ("cancel_with_reason", {**reason, "uuids": [{"uuid": UUID, "motivo": secret}]}),
        ("cancel_with_reason", {**reason, "uuids": [secret]}),
        ("cancel_with_reason", {**reason, "uuids": [f"{UUID}|{secret}|"]}),
        ("cancel_with_reason", {**reason, "uuids": [f"{UUID}|01|{secret}"]}),
        ("cancel", {**old, "uuids": [f"{secret}|XIQB891116QE4|EKU9003173C9|1.00"]}),
        ("cancel", {**old, "uuids": [f"{UUID}|{secret}|EKU9003173C9|1.00"]}),
        ("cancel", {**old, "uuids": [f"{UUID}|XIQB891116QE4|EKU9003173C9|{secret}"]}),
        ("cancel", {**old, "uuids": [f"{UUID}|XIQB891116QE4|EKU9003173C9|1.00|{secret}|"]}),
    ]


@pytest.mark.parametrize("secret", SECRETS, ids=["short", "long", "spaced"])
def test_a_cfdi_cancellation_never_shows_its_key_password_quoted_from_another_field(sandbox, secret: str) -> None:
    with Client("cfdi", {"base_url": sandbox.cfdi_url, **CFDI_USER}) as client:
        for operation, request in cancel_cases(secret):
            CAPTURE.reset()
            envelope = client.call(operation, request)
            assert envelope["ok"] is False and envelope["meta"]["attempts"] == 0, (operation, request, envelope)
            assert envelope["error"]["kind"] in ("invalid_argument", "validation"), envelope
            assert_never_shown(secret, envelope)


@pytest.mark.parametrize("field", ["uuid", "rfcEmisor", "rfcReceptor", "total", "contrato"])
@pytest.mark.parametrize("password", [SHORT, LONG], ids=["short", "long"])
def test_a_cfdi_status_never_shows_the_configured_password_quoted_from_a_field(
    sandbox, field: str, password: str
) -> None:
    config = {**CFDI_USER, "base_url": sandbox.cfdi_url, "password": password}
    request = {"uuid": UUID, "rfcEmisor": "EKU9003173C9", "rfcReceptor": "XIQB891116QE4", "total": "1"}
    request[field] = password + "\n" if field == "contrato" else password  # contrato: refused for the line break
    with Client("cfdi", config) as client:
        envelope = client.call("get_status", request)
    assert envelope["ok"] is False and envelope["meta"]["attempts"] == 0, envelope
    assert envelope["error"]["field"] == field, envelope
    assert_never_shown(password, envelope)


def test_a_cfdi_batch_item_never_shows_the_password_quoted_from_another_field(sandbox) -> None:
    item = {"uuid": LONG, "rfcEmisor": "EKU9003173C9", "rfcReceptor": SHORT, "total": "1"}
    with Client("cfdi", {**CFDI_USER, "base_url": sandbox.cfdi_url, "password": LONG}) as client:
        envelope = client.call("process_files", {"operation": "get_status", "items": [item]})
    assert envelope["data"]["results"][0]["ok"] is False, envelope
    assert_never_shown(LONG, envelope)


@pytest.mark.parametrize("field", ["sEmail", "sPhone", "sRUT", "sLogin", "sUserType"])
def test_a_fv_message_never_shows_a_long_password_cut_short(sandbox, field: str) -> None:
    """Firma Virtual cut a quoted value to 80 characters before masking."""
    password = "Qw9" + "Long-Pass-" * 10  # 103 characters
    user = {
        "iProfileID": 1, "sRUT": "19.371.037-9", "sFirstName": "Ana", "sLastName": "Rojas", "sPhone": "+56912345678",
        "sEmail": "ana@example.cl", "sLogin": "arojas", "sPassword": password, "sUserType": "firmante",
    }  # fmt: skip
    user[field] = password
    with Client("fv", {"base_url": sandbox.fv_url, **FV_USER}) as client:
        envelope = client.call("create_user", user)
    assert envelope["ok"] is False and envelope["meta"]["attempts"] == 0, envelope
    assert_never_shown(password, envelope)


def test_an_unknown_environment_never_shows_the_password_cut_short(sandbox) -> None:
    """The configuration's environment quoted cut to 40 characters: the head of a password pasted
    there was not recognised by the masking."""
    password = LONG
    client = Client("cfdi", {**CFDI_USER, "password": password, "environment": password})
    assert client.handle is None and client.error is not None
    assert client.error["error"]["field"] == "environment", client.error
    assert_never_shown(password, client.error)


def test_an_rfc_is_quoted_as_typed() -> None:
    """sello_check_rfc and the CFDI operations quote a malformed RFC as typed, not upper-cased and
    trimmed: what was typed is what the caller looks for (and what the masking knows)."""
    for typed, rule in [(" abc ", "has 3"), ("abcd99130aXY1", "must be a date"), ("1bcd990101xy1", "must be letters")]:
        envelope = call("sello_check_rfc", {"rfc": typed})
        assert envelope["ok"] is False, envelope
        assert f"'{typed}'" in envelope["error"]["message"] and rule in envelope["error"]["message"], envelope
