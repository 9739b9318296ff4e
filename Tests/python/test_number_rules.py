"""A number refused says the rule it breaks (audit of 2026-12-08): a total of -5 was "not a
number such as 1160.00", an IDUser of 19 digits "must be a positive integer" (the rule is at most
18 digits), one past 2^63 "must be a string or an integer, got a number", and timeout_ms 1e30
"must be an integer, got a number" (it is one; it is out of range)."""

from __future__ import annotations

from typing import Any

import pytest
from sello_ffi import Client
from sello_fixtures import CFDI_USER, FV_USER

UUID = "6F2B9A4E-1C3D-4E5F-8A9B-0C1D2E3F4A5B"
STATUS = {"uuid": UUID, "rfcEmisor": "EKU9003173C9", "rfcReceptor": "XIQB891116QE4", "total": "1160.00"}


def refused(envelope: dict[str, Any], field: str) -> str:
    assert envelope["ok"] is False and envelope["meta"]["attempts"] == 0, envelope
    assert envelope["error"]["field"] == field, envelope
    return envelope["error"]["message"]


@pytest.mark.parametrize("total", [-5, "-5", -5.5, " -1160.00 "])
def test_a_negative_total_is_said_to_be_negative(sandbox, total: Any) -> None:
    with Client("cfdi", {"base_url": sandbox.cfdi_url, **CFDI_USER}) as client:
        message = refused(client.call("get_status", {**STATUS, "total": total}), "total")
    assert "negative" in message and "not a number" not in message, message


def test_a_negative_total_in_a_cancellation_entry_is_said_to_be_negative(sandbox) -> None:
    request = {"rfcEmisor": "EKU9003173C9", "uuids": [f"{UUID}|XIQB891116QE4|EKU9003173C9|-5"]}
    with Client("cfdi", {"base_url": sandbox.cfdi_url, **CFDI_USER}) as client:
        message = refused(client.call("cancel", {**request, "opciones": ["CERT_DEFAULT"]}), "uuids")
    assert "negative" in message and "not a number" not in message, message


def test_a_total_written_with_an_exponent_is_said_so(sandbox) -> None:
    with Client("cfdi", {"base_url": sandbox.cfdi_url, **CFDI_USER}) as client:
        message = refused(client.call("get_status", {**STATUS, "total": 1e300}), "total")
    assert "exponent" in message, message


@pytest.mark.parametrize("id_user", [9223372036854775807, "9223372036854775807", 9223372036854775808, 1e30])
def test_an_id_too_long_says_the_limit_of_18_digits(sandbox, id_user: Any) -> None:
    with Client("fv", {"base_url": sandbox.fv_url, **FV_USER}) as client:
        message = refused(client.call("get_user", {"IDUser": id_user}), "IDUser")
    assert "18 digits" in message and "must be a string or an integer" not in message, message


@pytest.mark.parametrize("id_user", [2.5, -3, 0])
def test_an_id_that_is_not_a_positive_integer_says_so(sandbox, id_user: Any) -> None:
    with Client("fv", {"base_url": sandbox.fv_url, **FV_USER}) as client:
        message = refused(client.call("get_user", {"IDUser": id_user}), "IDUser")
    assert "positive integer" in message, message


@pytest.mark.parametrize(
    "setting, value, rule",
    [
        ("timeout_ms", 1e30, "from 1 to 9223372036854775807"),
        ("timeout_ms", 9223372036854775808, "from 1 to 9223372036854775807"),
        ("connect_timeout_ms", -1e20, "from 1 to 9223372036854775807"),
        ("max_response_bytes", 1e19, "from 1 to 9223372036854775807"),
    ],
)
def test_a_setting_out_of_range_says_so_and_gives_the_range(sandbox, setting: str, value: Any, rule: str) -> None:
    client = Client("cfdi", {"base_url": sandbox.cfdi_url, **CFDI_USER, setting: value})
    assert client.handle is None and client.error is not None
    error = client.error["error"]
    assert error["field"] == setting, error
    assert "out of range" in error["message"] and rule in error["message"], error


@pytest.mark.parametrize("retries, rule", [({"max": 1e30}, "from 0 to 10"), ({"base_delay_ms": 1e30}, "from 0 to")])
def test_a_retry_setting_out_of_range_says_so_and_gives_the_range(sandbox, retries: Any, rule: str) -> None:
    client = Client("cfdi", {"base_url": sandbox.cfdi_url, **CFDI_USER, "retries": retries})
    assert client.handle is None and client.error is not None
    error = client.error["error"]
    assert "out of range" in error["message"] and rule in error["message"], error


def test_a_fraction_where_an_integer_goes_says_which_fraction(sandbox) -> None:
    client = Client("cfdi", {"base_url": sandbox.cfdi_url, **CFDI_USER, "timeout_ms": 2.5})
    assert client.handle is None and client.error is not None
    assert "got 2.5" in client.error["error"]["message"], client.error
