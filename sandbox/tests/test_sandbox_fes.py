"""FES (seed 000): obtenerCertificado, its checks and codes, quota, the answer spellings."""

from __future__ import annotations

import base64
import datetime as dt
import subprocess
from typing import Any

import pytest
import sandbox_support
from sandbox_support import FES, FES_USER, Sandbox, call, fes, fes_code, openssl, p12_certificate

# The suite's fixtures (sandbox_support.py), bound here so that pytest finds them for this module.
sb, clean = sandbox_support.sb, sandbox_support.clean


def test_fes_happy_path_real_pkcs12(sb: Sandbox) -> None:
    answer = fes(sb, correo="ana@empresa.cl", nombreEmpresa="Compañía & Hijos", duracion=2, comuna="NUNOA")
    assert answer.status == 200 and answer.headers["Content-Type"] == "application/json"
    data = answer.json()
    assert list(data) == ["estado", "errorCode", "comentario", "certificado"]
    assert (
        data["estado"] == "OK" and data["errorCode"] == 0 and data["comentario"] == "Certificado obtenido exitosamente"
    )
    pem = p12_certificate(base64.b64decode(data["certificado"]), "Secr3tPass")
    subject = openssl("x509", "-noout", "-subject", "-nameopt", "utf8,sep_comma_plus", data=pem.encode())
    assert "CN=CERTIFICADO FES 19371037-9" in subject and "serialNumber=19371037-9" in subject
    assert "emailAddress=ana@empresa.cl" in subject and "O=Compañía & Hijos" in subject
    san = openssl("x509", "-noout", "-ext", "subjectAltName", data=pem.encode())
    assert "1.3.6.1.4.1.8321.1" in san and "19371037-9" in san
    dates = openssl("x509", "-noout", "-startdate", "-enddate", data=pem.encode())
    start, end = (line.split("=", 1)[1] for line in dates.strip().splitlines())
    fmt = "%b %d %H:%M:%S %Y %Z"
    years = (dt.datetime.strptime(end, fmt) - dt.datetime.strptime(start, fmt)).days / 365.25
    assert 1.99 < years < 2.01
    with pytest.raises(subprocess.CalledProcessError):
        p12_certificate(base64.b64decode(data["certificado"]), "WrongPass1")


def test_fes_quota_is_spent_once_per_certificate(sb: Sandbox) -> None:
    # (How fast the sandbox issues them is not a test's business: timing goals live in benchmarks.)
    for _ in range(21):
        assert fes_code(sb) == 0
    assert sb.state()["fes_accounts"][FES_USER]["quota"] == 1000 - 21
    sb.fes_account(FES_USER, quota=1)
    assert fes_code(sb) == 0
    assert fes(sb).json() == {
        "estado": "FAIL",
        "errorCode": 104,
        "comentario": "SIN_CUOTA_DISPONIBLE, La empresa excedió el máximo de cuota asignada.",
    }


def test_fes_failed_calls_do_not_spend_quota(sb: Sandbox) -> None:
    sb.fes_account(FES_USER, quota=1)
    assert fes_code(sb, rut="19371037-8") == 106
    assert fes_code(sb) == 0


@pytest.mark.parametrize(
    "account,code",
    [
        ({"usuario": "nobody", "clave": "x"}, 105),
        ({"usuario": FES_USER, "clave": "wrong"}, 105),
    ],
)
def test_fes_bad_credentials(sb: Sandbox, account: dict[str, str], code: int) -> None:
    answer = fes(sb, **account, rut="bad")  # credentials are checked before parameters
    assert answer.json() == {
        "estado": "FAIL",
        "errorCode": code,
        "comentario": "USUARIO_O_CLAVE_INVALIDO, El usuario enviado o la clave no son correctas.",
    }


@pytest.mark.parametrize("flag,code", [("enabled", 101), ("privileged", 103), ("company_enabled", 108)])
def test_fes_account_states(sb: Sandbox, flag: str, code: int) -> None:
    sb.fes_account("otro", clave="Clave123", **{flag: False})
    assert fes_code(sb, usuario="otro", clave="Clave123", correo="") == code


@pytest.mark.parametrize(
    "overrides,code",
    [
        ({"rut": ...}, 109),
        ({"giroEmpresa": None}, 109),
        ({"rut": ""}, 110),
        ({"direccion": "   "}, 110),
        ({"correo": ""}, 22),
        ({"direccion": "Calle *5"}, 102),
        ({"nombreEmpresa": "CDS\tLtda"}, 102),
        ({"claveCertificado": "Secr3t Pass"}, 102),  # no spaces in a password
        ({"claveCertificado": "Secr3t<Pass"}, 102),
        ({"direccion": "Lautaro 867\n"}, 102),
        ({"rut": "19371037-9\n"}, 102),
        ({"rut": "19.371.037-9"}, 106),
        ({"rut": "19371037-8"}, 106),
        ({"rut": "12345678-k"}, 106),
        ({"correo": "no-es-correo"}, 205),
        ({"duracion": 4}, 207),
        ({"duracion": "3"}, 207),
        ({"duracion": 0}, 207),
        ({"claveCertificado": "abcdefg1"}, 208),
        ({"claveCertificado": "Abc1"}, 208),
        ({"comuna": "Springfield"}, 112),
    ],
)
def test_fes_parameter_errors(sb: Sandbox, overrides: dict[str, Any], code: int) -> None:
    answer = fes(sb, **overrides).json()
    assert answer["estado"] == "FAIL" and answer["errorCode"] == code
    assert "certificado" not in answer
    if code == 22:
        assert answer["comentario"] == "Correo no puede venir vacío."


def test_fes_rut_with_k_and_comuna_variants(sb: Sandbox) -> None:
    assert fes_code(sb, rut="10000013-K") == 0
    # Seed 000's form ("LOS ANGELES"): upper case, without accents, Ñ as N (README, FES).
    for comuna in ("LOS ANGELES", "CONCON", "NUNOA", "O'HIGGINS", "OLLAGUE", "ALTO BIOBIO"):
        assert fes_code(sb, comuna=comuna) == 0, comuna
    # Anything else is not folded into it: the official spelling, lower case, accents, Ñ.
    for comuna in ("Los Ángeles", "Los Angeles", "los angeles", "CONCÓN", "Concón", "ÑUÑOA", "LOS  ANGELES"):
        assert fes_code(sb, comuna=comuna) == 112, comuna


def test_fes_non_json_body_is_http_400(sb: Sandbox) -> None:
    answer = call(sb, "POST", FES, "not json", {"Content-Type": "application/json"})
    assert answer.status == 400 and answer.headers["Content-Type"].startswith("text/html")
    assert call(sb, "POST", FES, [1, 2]).status == 400
    assert call(sb, "POST", FES, {"request": {"parametro": {"rut": ["x"]}}}).status == 400


def test_fes_missing_credentials_is_109(sb: Sandbox) -> None:
    assert call(sb, "POST", FES, {"request": {}}).json()["errorCode"] == 109


@pytest.mark.parametrize("key", ["comentario", "comentarios", "mensaje"])
@pytest.mark.parametrize("error_code", ["int", "string"])
def test_fes_message_spellings(sb: Sandbox, key: str, error_code: str) -> None:
    sb.fes_style(message_key=key, error_code=error_code)
    ok = fes(sb).json()
    assert ok["estado"] == "OK" and ok[key] == "Certificado obtenido exitosamente" and ok["certificado"]
    assert ok["errorCode"] == (0 if error_code == "int" else "0")
    fail = fes(sb, rut="11111111-2").json()
    assert fail["estado"] == "FAIL" and fail["errorCode"] == (106 if error_code == "int" else "106")
    assert fail[key].startswith("RUT_INVALIDO") and {"comentario", "comentarios", "mensaje"} & set(fail) == {key}
