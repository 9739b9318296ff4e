"""The local helpers through the binding: one call of each, and the Result (their rules are tested
through the .so in Tests/python/test_local_helpers.py)."""

from __future__ import annotations

import sello
from sello_fixtures import HEADER


def test_version_and_abi() -> None:
    assert sello.version() == HEADER.version == sello.__version__
    assert sello.abi_version() == sello.ABI_VERSION == HEADER.abi
    assert sello.library_path().endswith("libsello.so")


def test_check_rut_normalises() -> None:
    result = sello.check_rut("12.345.678-5")
    assert result.data == {
        "valid": True,
        "normalized": "12345678-5",
        "formatted": "12.345.678-5",
        "body": 12345678,
        "check_digit": "5",
    }
    assert sello.check_rut("123456785")["normalized"] == "12345678-5"
    assert result.meta["attempts"] == 0


def test_find_comuna_ignores_case_and_accents() -> None:
    result = sello.find_comuna("los angeles")
    # The official CUT table spells it without the accent (the header's example has one).
    assert result["name"] in ("Los Angeles", "Los Ángeles") and result["cut"] == "08301"
    assert result["region"]["iso_code"] == "CL-BI"


def test_check_rfc() -> None:
    result = sello.check_rfc("AAA010101AAA")
    assert result["valid"] is True and result["type"] == "moral" and result["date"] == "2001-01-01"


def test_the_result_reads_like_its_data() -> None:
    result = sello.check_rut("12.345.678-5")
    assert "normalized" in result and result.get("missing", 1) == 1
    assert sorted(result) == sorted(result.data) and len(result) == len(result.data)
    assert result == result.data and "check_rut" in repr(result)


def test_a_result_repr_shows_no_document() -> None:
    """A repr (a traceback's locals, a debugger, a log of the object) shows a long text — an issued
    certificate, an XML — as its length only (secrets review)."""
    from sello.result import Result

    certificate = "MIIO5AIBAzCCDpoGCSqGSIb3DQEHAaCCDosEgg6HMIIOgzCC" * 4
    envelope = {
        "ok": True,
        "data": {"estado": "OK", "certificado": certificate, "items": [{"xml": "<cfdi:Comprobante " + "x" * 200}]},
        "meta": {"service": "fes", "operation": "obtain_certificate"},
    }
    text = repr(Result(envelope))
    assert "MIIO5AIBAzCC" not in text and "Comprobante" not in text
    assert "'estado': 'OK'" in text and f"<{len(certificate)} chars>" in text
