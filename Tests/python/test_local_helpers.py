"""The local helpers through the .so (sello_check_rut, sello_find_comuna, sello_check_rfc): no client,
nothing sent, each refusal a `validation` error naming its field. These rules were checked by the
bindings' suites only; the bindings keep one call of each as a smoke test."""

from __future__ import annotations

from typing import Any

import pytest
from sello_ffi import call


def ok(envelope: dict[str, Any]) -> Any:
    assert envelope["ok"] is True, envelope
    assert envelope["meta"]["attempts"] == 0 and envelope["meta"]["http_status"] is None, envelope
    return envelope["data"]


def refused(envelope: dict[str, Any], code: str, service_code: int | None, field: str) -> dict[str, Any]:
    assert envelope["ok"] is False, envelope
    error = envelope["error"]
    assert (error["kind"], error["code"], error["service_code"], error["field"], error["retryable"]) == (
        "validation",
        code,
        service_code,
        field,
        False,
    ), error
    assert envelope["meta"]["attempts"] == 0
    return error


# -- sello_check_rut ------------------------------------------------------------------------------------


@pytest.mark.parametrize("given", ["12.345.678-5", "12345678-5", "123456785", " 12.345.678-5 "])
def test_a_rut_in_any_usual_form_is_normalised(given: str) -> None:
    envelope = call("sello_check_rut", {"rut": given})
    assert ok(envelope) == {
        "valid": True,
        "normalized": "12345678-5",
        "formatted": "12.345.678-5",
        "body": 12345678,
        "check_digit": "5",
    }
    assert (envelope["meta"]["service"], envelope["meta"]["operation"]) == ("sello", "check_rut")


def test_a_k_check_digit_is_upper_case() -> None:
    data = ok(call("sello_check_rut", {"rut": "76369187k"}))
    assert (data["normalized"], data["formatted"], data["check_digit"]) == ("76369187-K", "76.369.187-K", "K")


def test_a_wrong_check_digit_says_which_one_is_right() -> None:
    error = refused(call("sello_check_rut", {"rut": "12.345.678-4"}), "RUT_INVALIDO", 106, "rut")
    assert "esperado 5, no 4" in error["message"]


@pytest.mark.parametrize("given", ["12,345,678-5", "1.2345.678-5", "12.345.678-X", "", "abc"])
def test_a_rut_of_another_shape_is_refused(given: str) -> None:
    refused(call("sello_check_rut", {"rut": given}), "RUT_INVALIDO", 106, "rut")


# -- sello_find_comuna ---------------------------------------------------------------------------------


@pytest.mark.parametrize("given", ["los angeles", "LOS ÁNGELES", "Los Angeles", "  los   angeles "])
def test_a_comuna_is_found_without_regard_to_case_or_accents(given: str) -> None:
    data = ok(call("sello_find_comuna", {"comuna": given}))
    assert (data["name"], data["cut"], data["province_cut"]) == ("Los Angeles", "08301", "083")
    assert data["region"] == {"id": "08", "name": "Región del Biobío", "iso_code": "CL-BI"}


def test_a_comuna_written_with_enye_or_without() -> None:
    assert ok(call("sello_find_comuna", {"comuna": "ÑUÑOA"}))["name"] == "Ñuñoa"
    assert ok(call("sello_find_comuna", {"comuna": "nunoa"}))["cut"] == "13120"


def test_an_unknown_comuna_suggests_the_close_ones() -> None:
    error = refused(call("sello_find_comuna", {"comuna": "Valparaizo"}), "COMUNA_NO_ENCONTRADA", 112, "comuna")
    assert error["details"]["suggestions"] == ["Valparaíso"]
    assert "did you mean Valparaíso?" in error["message"]


def test_a_comuna_far_from_every_name_has_no_suggestion() -> None:
    error = refused(call("sello_find_comuna", {"comuna": "Gotham City"}), "COMUNA_NO_ENCONTRADA", 112, "comuna")
    assert not (error.get("details") or {}).get("suggestions")


# -- sello_check_rfc -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rfc,kind,date", [("EKU9003173C9", "moral", "1990-03-17"), ("XIQB891116QE4", "fisica", "1989-11-16")]
)
def test_an_rfc_with_its_check_digit(rfc: str, kind: str, date: str) -> None:
    envelope = call("sello_check_rfc", {"rfc": rfc})
    assert ok(envelope) == {
        "valid": True,
        "rfc": rfc,
        "type": kind,
        "date": date,
        "check_digit_ok": True,
        "generic": False,
    }
    assert "warnings" not in envelope


def test_a_wrong_check_digit_is_a_warning_not_an_error() -> None:
    envelope = call("sello_check_rfc", {"rfc": "AAA010101AAB"})
    assert ok(envelope)["check_digit_ok"] is False
    [warning] = envelope["warnings"]
    assert (warning["kind"], warning["code"], warning["field"]) == ("validation", "RFC_CHECK_DIGIT", "rfc")


def test_the_generic_rfcs_need_no_check_digit() -> None:
    envelope = call("sello_check_rfc", {"rfc": "XAXX010101000"})
    assert ok(envelope)["generic"] is True and "warnings" not in envelope


@pytest.mark.parametrize("rfc", ["NOT-AN-RFC", "EKU9013173C9", "EKU9003173C", "1KU9003173C9"])
def test_a_malformed_rfc_is_refused(rfc: str) -> None:
    refused(call("sello_check_rfc", {"rfc": rfc}), "RFC_INVALIDO", None, "rfc")
