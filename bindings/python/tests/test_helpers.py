"""The local helpers: no client, nothing sent."""
from __future__ import annotations

import pytest

import sello
from sello_test_support import HEADER


def test_version_and_abi() -> None:
    assert sello.version() == HEADER.version == sello.__version__
    assert sello.abi_version() == sello.ABI_VERSION == HEADER.abi
    assert sello.library_path().endswith("libsello.so")


def test_check_rut_normalises() -> None:
    result = sello.check_rut("12.345.678-5")
    assert result.data == {"valid": True, "normalized": "12345678-5", "formatted": "12.345.678-5",
                           "body": 12345678, "check_digit": "5"}
    assert sello.check_rut("123456785")["normalized"] == "12345678-5"
    assert result.meta["attempts"] == 0


def test_check_rut_rejects_a_wrong_check_digit() -> None:
    with pytest.raises(sello.ValidationError) as caught:
        sello.check_rut("12.345.678-4")
    assert (caught.value.code, caught.value.service_code, caught.value.field) == ("RUT_INVALIDO", 106, "rut")


def test_find_comuna_ignores_case_and_accents() -> None:
    result = sello.find_comuna("los angeles")
    # The official CUT table spells it without the accent (the header's example has one).
    assert result["name"] in ("Los Angeles", "Los Ángeles") and result["cut"] == "08301"
    assert result["region"]["iso_code"] == "CL-BI"


def test_find_comuna_suggests_close_names() -> None:
    with pytest.raises(sello.ValidationError) as caught:
        sello.find_comuna("Valparaizo")
    assert (caught.value.code, caught.value.service_code) == ("COMUNA_NO_ENCONTRADA", 112)
    assert "Valparaíso" in caught.value.details.get("suggestions", [])


def test_check_rfc() -> None:
    result = sello.check_rfc("AAA010101AAA")
    assert result["valid"] is True and result["type"] == "moral" and result["date"] == "2001-01-01"


def test_check_rfc_wrong_check_digit_is_a_warning() -> None:
    result = sello.check_rfc("AAA010101AAB")
    assert result["check_digit_ok"] is False
    assert result.warning_codes() == ["RFC_CHECK_DIGIT"]


def test_check_rfc_malformed() -> None:
    with pytest.raises(sello.ValidationError) as caught:
        sello.check_rfc("NOT-AN-RFC")
    assert caught.value.code == "RFC_INVALIDO"


def test_the_result_reads_like_its_data() -> None:
    result = sello.check_rut("12.345.678-5")
    assert "normalized" in result and result.get("missing", 1) == 1
    assert sorted(result) == sorted(result.data) and len(result) == len(result.data)
    assert result == result.data and "check_rut" in repr(result)
