"""The `sello` command (python3 -m sello.cli, the console script's module) run as a subprocess
against the sandbox: each subcommand's output, exit code and what the sandbox received. No secret
(the sandbox's credentials, a certificate or key password) may appear in any output: every run
is checked."""

from __future__ import annotations

import json
import os
import pathlib
import pty
import re
import select
import signal
import subprocess
import sys
import time
from typing import Any, Callable, Dict, List, Optional

import pytest
import sello
from sello_fixtures import (
    BINDING,
    CFDI_USER,
    EMISOR,
    FAST_RETRIES,
    FES_REQUEST,
    FES_USER,
    FV_USER,
    HEADER,
    RECEPTOR,
    SEEDED_CONTRACT,
    cfdi40_xml,
    csv_text,
    seal,
)
from sello_fixtures import (
    CFDI_BY_UUID as BY_UUID,
)
from sello_fixtures import (
    FES_OBTAIN as OBTAIN,
)
from sello_fixtures import (
    KNOWN_SECRETS as SECRETS,
)

Runner = Callable[..., subprocess.CompletedProcess]


def base_environment(tmp_path: pathlib.Path) -> Dict[str, str]:
    """The test process's environment without any SELLO_* setting but the library, no user
    configuration file, and wide, colourless output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELLO_")}
    env.update(
        {
            "SELLO_LIB": os.environ["SELLO_LIB"],
            "PYTHONPATH": str(BINDING / "src"),
            "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
            "COLUMNS": "200",
            "NO_COLOR": "1",
        }
    )
    return env


def run_sello(
    args: List[str], env: Dict[str, str], stdin: Optional[str] = None, cwd: Optional[pathlib.Path] = None
) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "sello.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
        cwd=str(cwd) if cwd else None,
    )
    for secret in SECRETS:
        assert secret not in done.stdout and secret not in done.stderr, f"a secret in the output of sello {args}"
    return done


@pytest.fixture()
def cli(sandbox, tmp_path) -> Runner:
    """sello with the three services configured for the sandbox through the environment."""
    env = base_environment(tmp_path)
    fast = json.dumps(FAST_RETRIES)
    env.update(
        {
            "SELLO_FES_BASE_URL": sandbox.fes_url,
            "SELLO_FES_USUARIO": FES_USER["usuario"],
            "SELLO_FES_CLAVE": FES_USER["clave"],
            "SELLO_FES_RETRIES": fast,
            "SELLO_FV_BASE_URL": sandbox.fv_url,
            "SELLO_FV_LOGIN": FV_USER["login"],
            "SELLO_FV_PASSWORD": FV_USER["password"],
            "SELLO_CFDI_BASE_URL": sandbox.cfdi_url,
            "SELLO_CFDI_USUARIO": CFDI_USER["usuario"],
            "SELLO_CFDI_PASSWORD": CFDI_USER["password"],
            "SELLO_CFDI_CONTRATO": CFDI_USER["contrato"],
            "SELLO_CFDI_RETRIES": fast,
        }
    )

    def run(
        *args: str,
        extra: Optional[Dict[str, str]] = None,
        drop: tuple = (),
        stdin: Optional[str] = None,
        cwd: Optional[pathlib.Path] = None,
    ) -> subprocess.CompletedProcess:
        environment = {k: v for k, v in {**env, **(extra or {})}.items() if k not in drop}
        return run_sello(list(args), environment, stdin, cwd)

    return run


def json_lines(text: str) -> List[Dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture()
def secret_file(tmp_path) -> Callable[[str], pathlib.Path]:
    def write(text: str) -> pathlib.Path:
        path = tmp_path / f"secret-{abs(hash(text))}.txt"
        path.write_text(text + "\n")
        path.chmod(0o600)
        return path

    return write


FES_OPTIONS = [
    "--rut",
    "19.371.037-9",
    "--correo",
    "eleon@certificadoradelsur.cl",
    "--numero-documento",
    "100123456",
    "--duracion",
    "3",
    "--nombre-empresa",
    "CDS",
    "--comuna",
    "los angeles",
    "--direccion",
    "Lautaro 867",
    "--giro-empresa",
    "Otros",
]


# -- the command itself ----------------------------------------------------------------------------


def test_help_documents_the_exit_codes_and_the_configuration(tmp_path) -> None:
    env = base_environment(tmp_path)
    shown = run_sello(["--help"], env)
    assert shown.returncode == 0
    for line in (
        "0    success",
        "2    usage",
        "3    input refused locally",
        "4    authentication",
        "5    business error",
        "6    network or answer: kinds timeout, transport, http, protocol",
        "7    a local file",
        "8    cancelled",
        "130  interrupted",
    ):
        assert line in shown.stdout, line
    config = run_sello(["config", "--help"], env)
    for name in (
        "SELLO_FES_USUARIO",
        "SELLO_FES_CLAVE_FILE",
        "SELLO_FV_LOGIN",
        "SELLO_CFDI_PASSWORD",
        "SELLO_CFDI_CONTRATO",
        "SELLO_CSD_PASSWORD",
        "SELLO_FES_CLAVE_CERTIFICADO",
        "chmod 600",
    ):
        assert name in config.stdout, name
    version = run_sello(["--version"], env)
    assert version.returncode == 0 and version.stdout.startswith(
        f"sello {sello.__version__}; libsello {HEADER.version}"
    )


def test_without_click_or_rich_it_says_how_to_install_them(tmp_path) -> None:
    fake = tmp_path / "fake" / "rich"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('No module named rich', name='rich')\n")
    env = base_environment(tmp_path)
    env["PYTHONPATH"] = f"{tmp_path / 'fake'}{os.pathsep}{env['PYTHONPATH']}"
    done = run_sello(["rut", "check", "12.345.678-5"], env)
    assert done.returncode == 1 and done.stdout == ""
    assert "rich is not installed" in done.stderr and "pip install click rich" in done.stderr
    # libsello is not on PyPI: the hint names the wheel file's extra, never "libsello[cli]" from an index.
    assert 'whl[cli]"' in done.stderr and '"libsello[cli]"' not in done.stderr


def test_the_console_script_and_the_cli_extra_are_declared() -> None:
    if sys.version_info < (3, 11):
        pytest.skip("tomllib is Python 3.11+")
    import tomllib

    project = tomllib.loads((BINDING / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["sello"] == "sello.cli:main"
    extra = " ".join(project["optional-dependencies"]["cli"])
    assert "click" in extra and "rich" in extra
    assert not any(d.split(">")[0].strip() in ("click", "rich") for d in project.get("dependencies", []))


# -- local checks ----------------------------------------------------------------------------------


def test_rut_check(cli, sandbox) -> None:
    good = cli("rut", "check", "12.345.678-5", "76369187k")
    assert good.returncode == 0
    assert "12345678-5" in good.stdout and "12.345.678-5" in good.stdout and "76.369.187-K" in good.stdout
    bad = cli("rut", "check", "12.345.678-5", "12.345.678-4")
    assert bad.returncode == 3 and "RUT_INVALIDO" in bad.stdout
    assert "12.345.678-4: error: validation RUT_INVALIDO [106]" in bad.stderr and "esperado 5" in bad.stderr
    as_json = cli("rut", "check", "12.345.678-5", "12.345.678-4", "--json")
    first, second = json_lines(as_json.stdout)
    assert first["ok"] is True and first["data"]["normalized"] == "12345678-5"
    assert second["ok"] is False and second["error"]["code"] == "RUT_INVALIDO" and as_json.returncode == 3
    assert json_lines(cli("--json", "rut", "check", "12345678-5").stdout)[0]["data"]["check_digit"] == "5"
    assert sandbox.requests() == []


def test_comuna(cli) -> None:
    found = cli("comuna", "vina", "del", "mar")
    assert found.returncode == 0 and "Viña del Mar" in found.stdout and "05109" in found.stdout
    assert "CL-VS" in found.stdout
    missing = cli("comuna", "los angelos")
    assert missing.returncode == 3 and "COMUNA_NO_ENCONTRADA [112]" in missing.stderr
    assert "Los Angeles" in missing.stderr  # the library's suggestion
    assert json_lines(cli("comuna", "los angeles", "--json").stdout)[0]["data"]["cut"] == "08301"


def test_rfc_check(cli) -> None:
    done = cli("rfc", "check", "XAXX010101000", "AAA010101AAA")
    assert done.returncode == 0 and "fisica" in done.stdout and "moral" in done.stdout
    assert "RFC_CHECK_DIGIT" in done.stdout and "AAA010101AAA: warning RFC_CHECK_DIGIT" in done.stderr
    bad = cli("rfc", "check", "BAD")
    assert bad.returncode == 3 and "RFC_INVALIDO" in bad.stderr


def test_csd_inspect(cli, certs, secret_file) -> None:
    csd, password = certs["csd"], certs["password"]
    alone = cli("csd", "inspect", csd["cer"])
    assert alone.returncode == 0 and csd["rfc"] in alone.stdout and csd["noCertificado"] in alone.stdout
    with_key = cli("csd", "inspect", csd["cer"], csd["key"], "--password-file", str(secret_file(password)))
    assert with_key.returncode == 0 and "key_matches" in with_key.stdout
    envelope = json_lines(
        cli("csd", "inspect", csd["cer"], csd["key"], "--json", extra={"SELLO_CSD_PASSWORD": password}).stdout
    )[0]
    assert envelope["data"]["key_matches"] is True and envelope["data"]["is_csd"] is True
    other_key = cli(
        "csd", "inspect", csd["cer"], certs["other"]["key"], "--json", extra={"SELLO_CSD_PASSWORD": password}
    )
    assert json_lines(other_key.stdout)[0]["data"]["key_matches"] is False
    no_password = cli("csd", "inspect", csd["cer"], csd["key"])
    assert no_password.returncode == 2 and "--password-file" in no_password.stderr
    wrong = cli("csd", "inspect", csd["cer"], csd["key"], "--password-file", str(secret_file("not-it")))
    assert wrong.returncode == 3 and "CONTRASENA_DE_LLAVE_INCORRECTA" in wrong.stderr
    fiel = cli("csd", "inspect", certs["fiel"]["cer"])
    assert fiel.returncode == 0 and "not a CSD" in fiel.stderr
    expired = cli("csd", "inspect", certs["expired"]["cer"])
    assert expired.returncode == 0 and "expired on" in expired.stderr
    missing = cli("csd", "inspect", "/nonexistent.cer")
    assert missing.returncode == 7 and "FILE_UNREADABLE" in missing.stderr


# -- FES -------------------------------------------------------------------------------------------


def test_fes_obtain_saves_the_certificate(cli, sandbox, tmp_path, secret_file) -> None:
    target = tmp_path / "cert.p12"
    done = cli(
        "fes",
        "obtain",
        *FES_OPTIONS,
        "--clave-certificado-file",
        str(secret_file(FES_REQUEST["claveCertificado"])),
        "--save-to",
        str(target),
    )
    assert done.returncode == 0, done.stderr
    assert str(target) in done.stdout and "19371037-9" in done.stdout and "Certificado obtenido" in done.stdout
    assert target.stat().st_mode & 0o777 == 0o600 and target.stat().st_size > 100
    [received] = sandbox.requests(OBTAIN)
    body = received["json"]["request"]
    assert body["encabezado"] == {"usuario": FES_USER["usuario"], "clave": FES_USER["clave"]}
    assert body["parametro"]["claveCertificado"] == FES_REQUEST["claveCertificado"]
    assert (body["parametro"]["rut"], body["parametro"]["comuna"], body["parametro"]["duracion"]) == (
        "19371037-9",
        "LOS ANGELES",
        3,
    )


def test_fes_obtain_json_and_verbose(cli, sandbox) -> None:
    done = cli(
        "-v",
        "fes",
        "obtain",
        *FES_OPTIONS,
        "--json",
        extra={"SELLO_FES_CLAVE_CERTIFICADO": FES_REQUEST["claveCertificado"]},
    )
    assert done.returncode == 0
    [envelope] = json_lines(done.stdout)
    assert envelope["ok"] is True and len(envelope["data"]["certificado"]) > 100
    assert "sello.fes INFO → POST " in done.stderr and "sello.fes INFO ← 200 POST /obtenerCertificado" in done.stderr
    assert len(sandbox.requests(OBTAIN)) == 1


def test_fes_obtain_is_refused_before_sending(cli, sandbox, tmp_path) -> None:
    no_password = cli("fes", "obtain", *FES_OPTIONS, "--save-to", str(tmp_path / "c.p12"))
    assert no_password.returncode == 2 and "SELLO_FES_CLAVE_CERTIFICADO" in no_password.stderr
    no_target = cli("fes", "obtain", *FES_OPTIONS, extra={"SELLO_FES_CLAVE_CERTIFICADO": "Secreta123"})
    assert no_target.returncode == 2 and "--save-to" in no_target.stderr
    options = [o if o != "19.371.037-9" else "19.371.037-1" for o in FES_OPTIONS]
    invalid = cli(
        "fes",
        "obtain",
        *options,
        "--save-to",
        str(tmp_path / "c.p12"),
        extra={"SELLO_FES_CLAVE_CERTIFICADO": "Secreta123"},
    )
    assert invalid.returncode == 3 and "RUT_INVALIDO [106]" in invalid.stderr
    incomplete = cli(
        "fes",
        "obtain",
        "--rut",
        "19.371.037-9",
        "--save-to",
        str(tmp_path / "c.p12"),
        extra={"SELLO_FES_CLAVE_CERTIFICADO": "Secreta123"},
    )
    assert incomplete.returncode == 3 and "REQUEST_INCOMPLETO [109]" in incomplete.stderr
    assert "also: REQUEST_INCOMPLETO falta el parámetro obligatorio 'giroEmpresa'" in incomplete.stderr
    assert sandbox.requests(OBTAIN) == []


def test_fes_dry_run_sends_nothing(cli, sandbox) -> None:
    done = cli(
        "fes",
        "obtain",
        *FES_OPTIONS,
        "--dry-run",
        extra={"SELLO_FES_CLAVE_CERTIFICADO": "Secreta123"},
        drop=("SELLO_FES_USUARIO", "SELLO_FES_CLAVE"),
    )
    assert done.returncode == 0 and "nothing was sent" in done.stdout and "***" in done.stdout
    assert "LOS ANGELES" in done.stdout and sandbox.requests() == []


@pytest.mark.parametrize(
    "case, expected",
    [
        ("auth", 4),
        ("service", 5),
        ("timeout", 6),
        ("http", 6),
        ("io", 7),
        ("bad configuration", 2),  # refused by the library when the client is made: a wrong configuration
        ("no credentials", 2),
    ],
)
def test_fes_exit_codes_per_error_kind(cli, sandbox, tmp_path, case: str, expected: int) -> None:
    extra = {"SELLO_FES_CLAVE_CERTIFICADO": FES_REQUEST["claveCertificado"]}
    drop: tuple = ()
    target = tmp_path / "cert.p12"
    if case == "auth":
        extra["SELLO_FES_CLAVE"] = "not-the-clave"
    elif case == "service":
        sandbox.fes_account("PruebaWS", quota=0)
    elif case == "timeout":
        sandbox.fault("delay", ms=2000, prefix=OBTAIN)
        extra["SELLO_FES_TIMEOUT_MS"] = "300"
    elif case == "http":
        sandbox.fault("status", status=500, prefix=OBTAIN)
    elif case == "io":
        target = tmp_path / "missing" / "cert.p12"
    elif case == "bad configuration":
        extra["SELLO_FES_BASE_URL"] = "ftp://example.com/"
    else:
        drop = ("SELLO_FES_CLAVE",)
    done = cli("fes", "obtain", *FES_OPTIONS, "--save-to", str(target), extra=extra, drop=drop)
    assert done.returncode == expected, done.stderr
    assert "not-the-clave" not in done.stdout + done.stderr
    if case == "no credentials":
        assert "SELLO_FES_CLAVE_FILE" in done.stderr and sandbox.requests() == []


# -- configuration ---------------------------------------------------------------------------------


def test_a_toml_configuration_file(cli, sandbox, tmp_path) -> None:
    folder = tmp_path / "etc"
    folder.mkdir()
    (folder / "fes-clave").write_text(FES_USER["clave"] + "\n")
    config = folder / "sello.toml"
    config.write_text(
        f'[fes]\nbase_url = "{sandbox.fes_url}"\nusuario = "{FES_USER["usuario"]}"\n'
        f'clave_file = "fes-clave"\ntimeout_ms = 20000\nretries = {{ max = 0 }}\n'
    )
    drop = ("SELLO_FES_BASE_URL", "SELLO_FES_USUARIO", "SELLO_FES_CLAVE", "SELLO_FES_RETRIES")
    done = cli(
        "--config",
        str(config),
        "fes",
        "obtain",
        *FES_OPTIONS,
        "--json",
        drop=drop,
        extra={"SELLO_FES_CLAVE_CERTIFICADO": "Secreta123"},
    )
    assert done.returncode == 0, done.stderr
    assert sandbox.requests(OBTAIN)[0]["json"]["request"]["encabezado"]["clave"] == FES_USER["clave"]
    shown = cli("config", "show", "fes", extra={"SELLO_CONFIG": str(config)}, drop=drop)
    assert shown.returncode == 0 and "*** (set)" in shown.stdout and str(folder / "fes-clave") in shown.stdout
    assert "20000" in shown.stdout and "default (set with SELLO_FES_PROXY)" in shown.stdout
    overridden = cli(
        "--config",
        str(config),
        "fes",
        "obtain",
        *FES_OPTIONS,
        "--json",
        drop=drop[:1] + drop[2:],
        extra={"SELLO_FES_CLAVE_CERTIFICADO": "Secreta123", "SELLO_FES_USUARIO": "otro"},
    )
    assert overridden.returncode == 4  # the environment won: usuario "otro" is refused


def test_config_show_masks_the_password_of_a_proxy_or_base_url(cli, tmp_path) -> None:
    """A proxy (or base URL) written as http://user:password@host carries a password: `config show`
    prints the URL without it, in the table and in --json (secrets review)."""
    extra = {
        "SELLO_FES_PROXY": "http://proxyuser:ProxyPassw0rd@127.0.0.1:9",
        "SELLO_FES_BASE_URL": "http://u:BasePassw0rd@127.0.0.1:1/fes",
    }
    for json_flag in ((), ("--json",)):
        shown = cli("config", "show", "fes", *json_flag, extra=extra)
        assert shown.returncode == 0, shown.stderr
        assert "ProxyPassw0rd" not in shown.stdout + shown.stderr
        assert "BasePassw0rd" not in shown.stdout + shown.stderr
        assert "127.0.0.1:9" in shown.stdout and "proxyuser" in shown.stdout  # the rest is shown


def test_a_configuration_with_a_proxy_password_must_be_private(cli, tmp_path) -> None:
    config = tmp_path / "sello.toml"
    config.write_text('[fes]\nproxy = "http://proxyuser:ProxyPassw0rd@127.0.0.1:9"\n')
    config.chmod(0o644)
    refused = cli("--config", str(config), "config", "show", "fes", drop=("SELLO_FES_PROXY",))
    assert refused.returncode == 2 and "chmod 600" in refused.stderr and "ProxyPassw0rd" not in refused.stderr
    config.chmod(0o600)
    shown = cli("--config", str(config), "config", "show", "fes", drop=("SELLO_FES_PROXY",))
    assert shown.returncode == 0 and "ProxyPassw0rd" not in shown.stdout


def test_a_setting_never_shows_its_value_in_a_repr() -> None:
    from sello.cli._config import Setting

    assert "hunter22" not in repr(Setting("hunter22", "environment SELLO_FES_CLAVE", True))


def test_a_json_configuration_with_the_secret_inside_must_be_private(cli, sandbox, tmp_path) -> None:
    config = tmp_path / "sello.json"
    config.write_text(json.dumps({"cfdi": {"base_url": sandbox.cfdi_url, **CFDI_USER}}))
    drop = ("SELLO_CFDI_BASE_URL", "SELLO_CFDI_USUARIO", "SELLO_CFDI_PASSWORD", "SELLO_CFDI_CONTRATO")
    config.chmod(0o644)
    refused = cli("--config", str(config), "cfdi", "get-by-uuid", "11111111-2222-3333-4444-555555555555", drop=drop)
    assert refused.returncode == 2 and "chmod 600" in refused.stderr and sandbox.requests() == []
    config.chmod(0o600)
    done = cli("--config", str(config), "cfdi", "get-by-uuid", "11111111-2222-3333-4444-555555555555", drop=drop)
    assert done.returncode == 5 and "CFDI_NO_EXISTE" in done.stderr
    assert sandbox.requests(BY_UUID)[0]["basic_auth"] == {"user": "pade_user", "password": "pade_pass"}


def test_configuration_errors_are_usage_errors(cli, tmp_path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('[fes]\nusuario = "x"\ncolor = "blue"\n')
    unknown = cli(
        "--config", str(config), "fes", "obtain", *FES_OPTIONS, "--json", extra={"SELLO_FES_CLAVE_CERTIFICADO": "x"}
    )
    assert unknown.returncode == 2 and "unknown key 'color'" in unknown.stderr and "clave_file" in unknown.stderr
    config.write_text("[fes\n")
    assert cli("--config", str(config), "config", "show").returncode == 2
    config.write_text("[sii]\n")
    assert "unknown section 'sii'" in cli("--config", str(config), "config", "show").stderr
    not_int = cli(
        "fes",
        "obtain",
        *FES_OPTIONS,
        "--json",
        extra={"SELLO_FES_TIMEOUT_MS": "soon", "SELLO_FES_CLAVE_CERTIFICADO": "x"},
    )
    assert not_int.returncode == 2 and "SELLO_FES_TIMEOUT_MS must be an integer" in not_int.stderr


# -- Firma Virtual ---------------------------------------------------------------------------------


def test_fv_read_commands(cli, sandbox) -> None:
    user = cli("fv", "get-user", "1")
    assert user.returncode == 0 and "userapp@firmavirtual.legal" in user.stdout and "(hidden)" in user.stdout
    contract = cli("fv", "get-contract", SEEDED_CONTRACT)
    assert contract.returncode == 0 and "SIGNED_PENDING" in contract.stdout
    detail = cli("fv", "contract-detail", SEEDED_CONTRACT)
    assert detail.returncode == 0 and "signers (1)" in detail.stdout and "Jose Cortesia" in detail.stdout
    assert "files: none" in detail.stdout
    owned = cli("fv", "owner-contracts", "1")
    assert owned.returncode == 0 and SEEDED_CONTRACT in owned.stdout
    types = cli("fv", "contract-types", "FEE", "28")
    assert types.returncode == 0 and "PROMESA DE COMPRAVENTA" in types.stdout
    everything = json_lines(cli("fv", "contract-types", "--json").stdout)[0]
    assert len(everything["data"]) == 117
    files = cli("fv", "list-files", SEEDED_CONTRACT)
    assert files.returncode == 0
    paths = [r["path"] for r in sandbox.requests("/api/v1")]
    assert paths == [
        "/api/v1/userapp/1",
        f"/api/v1/contract/{SEEDED_CONTRACT}",
        f"/api/v1/contract/detail/{SEEDED_CONTRACT}",
        "/api/v1/contract/owner/1",
        "/api/v1/contract-type/FEE/28",
        "/api/v1/contract-type/ALL/0",
        f"/api/v1/filelist/{SEEDED_CONTRACT}",
    ]
    assert all(r["bearer"] for r in sandbox.requests("/api/v1"))
    missing = cli("fv", "get-user", "999")
    assert missing.returncode == 5 and "User not found" in missing.stderr
    invalid = cli("fv", "get-contract", "not-a-uuid")
    assert invalid.returncode == 3 and "CONTRACT_ID_INVALID" in invalid.stderr
    refused = cli("fv", "get-user", "1", extra={"SELLO_FV_PASSWORD": "WrongPass"})
    assert refused.returncode == 4 and "LOGIN_FAILED" in refused.stderr and "WrongPass" not in refused.stderr


# -- CFDI ------------------------------------------------------------------------------------------


def stamp_many(cfdi_config: Dict[str, Any], count: int) -> List[str]:
    with sello.CFDI(**cfdi_config) as cfdi:
        result = cfdi.process_files(
            items=[{"datos": csv_text(folio=str(i)), "prueba": True} for i in range(count)], concurrency=16
        )
    return [sello.unwrap(envelope)["uuid"] for envelope in result["results"]]


def test_cfdi_get_by_uuid_one_and_many(cli, sandbox, cfdi_config, tmp_path) -> None:
    uuids = stamp_many(cfdi_config, 3)
    one = cli("cfdi", "get-by-uuid", uuids[0], "--save-dir", str(tmp_path))
    assert one.returncode == 0 and f"{uuids[0]}.xml" in one.stdout
    assert uuids[0] in (tmp_path / f"{uuids[0]}.xml").read_text()
    listing = tmp_path / "uuids.txt"
    listing.write_text(f"# to check\n{uuids[1]}\n\n{uuids[2]}\n11111111-2222-3333-4444-555555555555\n")
    many = cli("cfdi", "get-by-uuid", uuids[0], "--from-file", str(listing), "--concurrency", "2")
    assert many.returncode == 5  # the first failed item: CFDI_NO_EXISTE
    assert "service CFDI_NO_EXISTE" in many.stdout and "CFDI no existe" in many.stdout
    assert "4 items in" in many.stdout and "through the library's batch" in many.stdout
    assert re.search(r"│ ok\s+│ 3\s+│", many.stdout) and re.search(r"│ total\s+│ 4\s+│", many.stdout)
    from_stdin = cli("cfdi", "get-by-uuid", "--from-file", "-", "--json", stdin="\n".join(uuids) + "\n")
    envelopes = json_lines(from_stdin.stdout)
    assert from_stdin.returncode == 0 and [e["data"]["consultaOk"] for e in envelopes] == [True] * 3
    queried = [dict(r["query"])["uuid"] for r in sandbox.requests(BY_UUID)]
    assert sorted(queried) == sorted(
        [uuids[0], uuids[0], uuids[1], uuids[2], "11111111-2222-3333-4444-555555555555", *uuids]
    )
    assert cli("cfdi", "get-by-uuid").returncode == 2  # no items at all


def test_cfdi_cancellation_receipt(cli, sandbox, cfdi_config, tmp_path) -> None:
    [uuid, other] = stamp_many(cfdi_config, 2)
    sandbox.cfdi_account("pade_user", has_default_cert=True)
    with sello.CFDI(**cfdi_config) as cfdi:
        cfdi.cancel(rfcEmisor=EMISOR, uuids=[f"{uuid}|{RECEPTOR}|{EMISOR}|1160.00"], opciones=["CERT_DEFAULT"])
    done = cli("cfdi", "cancellation-receipt", uuid, "--save-dir", str(tmp_path))
    assert done.returncode == 0 and f"{uuid}_acuse.xml" in done.stdout
    assert "<Acuse" in (tmp_path / f"{uuid}_acuse.xml").read_text()
    not_cancelled = cli("cfdi", "cancellation-receipt", other)
    assert not_cancelled.returncode == 5 and "CFDI_SIN_CANCELAR [21]" in not_cancelled.stderr
    sent = sandbox.requests("/servicio/rest/integracion/acuseCancelacion")
    assert [dict(r["query"])["uuid"] for r in sent] == [uuid, other]


def test_cfdi_process_file_through_the_library_batch(cli, sandbox, tmp_path) -> None:
    files = []
    for folio in range(5):
        path = tmp_path / f"factura-{folio}.csv"
        path.write_text(csv_text(folio=str(folio)))
        files.append(path)
    listing = tmp_path / "files.txt"
    listing.write_text("\n".join(str(p) for p in files[1:]) + f"\n{tmp_path / 'missing.csv'}\n")
    done = cli(
        "cfdi",
        "process-file",
        str(files[0]),
        "--from-file",
        str(listing),
        "--prueba",
        "--concurrency",
        "3",
        "--opcion",
        "CONSULTAR_SALDO",
        "--save-dir",
        str(tmp_path),
    )
    assert done.returncode == 7, done.stderr  # the missing file: kind io
    assert "io FILE_UNREADABLE" in done.stdout and "through the library's batch" in done.stdout
    received = sandbox.requests("/servicio/rest/integracion/procesarArchivo")
    assert len(received) == 5
    assert all(
        dict(r["query"])["prueba"] == "true" and dict(r["query"])["opciones"] == "CONSULTAR_SALDO" for r in received
    )
    assert len(list(tmp_path.glob("*.xml"))) == 5
    as_json = json_lines(cli("cfdi", "process-file", str(files[0]), str(files[1]), "--json").stdout)
    assert [e["ok"] for e in as_json] == [True, True] and all(e["meta"]["operation"] == "process_file" for e in as_json)
    assert dict(sandbox.requests("/servicio/rest/integracion/procesarArchivo")[-1]["query"])["prueba"] == "false"


def test_cfdi_stamp_xml_through_the_library_batch(cli, sandbox, tmp_path) -> None:
    files = []
    for folio in range(3):
        path = tmp_path / f"cfdi-{folio}.xml"
        path.write_text(cfdi40_xml(seal(f"s{folio}"), folio=str(folio)))
        files.append(path)
    unsealed = tmp_path / "unsealed.xml"
    unsealed.write_text(cfdi40_xml("", folio="9"))
    done = cli("cfdi", "stamp-xml", *map(str, files), str(unsealed), "--prueba", "--save-dir", str(tmp_path))
    assert done.returncode == 3, done.stderr  # the unsealed XML is refused locally
    assert "validation" in done.stdout and "through the library's batch" in done.stdout
    received = sandbox.requests("/servicio/rest/timbrado40Prueba")
    assert sorted(r["body_text"] for r in received) == sorted(p.read_text() for p in files)
    assert all(dict(r["query"])["opciones"] == "REGRESAR_CON_ERROR_307_XML" for r in received)
    assert len(list(tmp_path.glob("*-*-*-*-*.xml"))) == 3
    again = json_lines(cli("cfdi", "stamp-xml", str(files[0]), "--prueba", "--json").stdout)
    assert [w["code"] for w in again[0]["warnings"]] == ["ALREADY_STAMPED"]
    assert again[0]["meta"]["operation"] == "stamp_xml"


def test_cfdi_status_and_cancel_with_motivo(cli, sandbox, cfdi_config, tmp_path, certs, secret_file) -> None:
    with sello.CFDI(**cfdi_config) as cfdi:
        uuids = [
            cfdi.stamp_xml(xml=cfdi40_xml(seal(f"c{n}"), folio=str(n), receptor=RECEPTOR))["uuid"] for n in range(2)
        ]
    items = [f"{uuid}|{EMISOR}|{RECEPTOR}|1160.00" for uuid in uuids]
    vigente = cli("cfdi", "status", *items)
    assert vigente.returncode == 0 and vigente.stdout.count("Vigente") >= 2, vigente.stdout
    sent = sandbox.requests("/servicio/rest/cancelacion/consultarEstatusComprobante")
    assert sorted(dict(r["query"])["uuid"] for r in sent) == sorted(uuids)
    other = certs["other"]
    password = secret_file(certs["password"])
    cancelled = cli(
        "cfdi",
        "cancel",
        EMISOR,
        f"{uuids[0]}|02",
        "--cer",
        other["cer"],
        "--key",
        other["key"],
        "--password-file",
        str(password),
    )
    assert cancelled.returncode == 0, cancelled.stderr
    assert uuids[0] in cancelled.stdout and "cancelled" in cancelled.stdout
    [request] = sandbox.requests("/servicio/rest/cancelacion/cancelar")
    assert dict(request["query"])["arregloUUID"] == f"{uuids[0]}|02|"
    after = json_lines(cli("cfdi", "status", items[0], "--json").stdout)
    assert after[0]["data"]["estatusCfdi"] == 9 and after[0]["meta"]["operation"] == "get_status"
    sandbox.cfdi_account("pade_user", has_default_cert=True)
    stored = json_lines(cli("cfdi", "cancel", EMISOR, f"{uuids[1]}|01|{uuids[0]}", "--cert-default", "--json").stdout)
    assert stored[0]["ok"] is True and stored[0]["data"]["cancelaciones"][0]["status"] == "cancelled"
    assert dict(sandbox.requests("/servicio/rest/cancelacion/cancelar")[-1]["query"])["arregloUUID"] == (
        f"{uuids[1]}|01|{uuids[0]}"
    )
    assert cli("cfdi", "cancel", EMISOR, f"{uuids[1]}|02").returncode == 2  # no CSD, no --cert-default
    assert cli("cfdi", "cancel", EMISOR, "not-an-item").returncode == 2
    refused = cli("cfdi", "cancel", EMISOR, f"{uuids[1]}|01", "--cert-default")
    assert refused.returncode == 3 and "FOLIO_SUSTITUCION_REQUERIDO" in refused.stderr
    assert len(sandbox.requests("/servicio/rest/cancelacion/cancelar")) == 2  # the refused ones: none


def test_ctrl_c_cancels_a_batch_in_flight(sandbox, tmp_path) -> None:
    """SIGINT while the library's batch runs: the calls in flight are cancelled (not waited for),
    the items not sent are never sent, and sello exits 130."""
    status_path = "/servicio/rest/cancelacion/consultarEstatusComprobante"
    sandbox.fault("delay", ms=1, prefix=status_path, count=1)  # the first item goes alone, answered at once
    sandbox.fault("delay", ms=8000, prefix=status_path, count=50)  # then two at a time, held
    env = base_environment(tmp_path)
    env.update(
        {
            "SELLO_CFDI_BASE_URL": sandbox.cfdi_url,
            "SELLO_CFDI_USUARIO": CFDI_USER["usuario"],
            "SELLO_CFDI_PASSWORD": CFDI_USER["password"],
            "SELLO_CFDI_CONTRATO": CFDI_USER["contrato"],
        }
    )
    items = [f"5FB2822E-396D-4725-8521-CDC4BDD20C{n:02X}|{EMISOR}|{RECEPTOR}|1160.00" for n in range(20)]
    process = subprocess.Popen(
        [sys.executable, "-m", "sello.cli", "cfdi", "status", *items, "--concurrency", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while len(sandbox.requests(status_path)) < 3:
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.02)
    interrupted = time.monotonic()
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=30)
    assert process.returncode == 130 and time.monotonic() - interrupted < 4  # long before the 8 s hold
    assert len(sandbox.requests(status_path)) == 3


def read_pty(master: int, process: subprocess.Popen) -> str:
    chunks: List[bytes] = []
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=60)
    return b"".join(chunks).decode("utf-8", errors="replace")


def test_a_query_over_100_uuids_shows_progress_on_a_terminal(sandbox, cfdi_config, tmp_path) -> None:
    uuids = stamp_many(cfdi_config, 100)
    listing = tmp_path / "uuids.txt"
    listing.write_text("\n".join(uuids) + "\n")
    env = base_environment(tmp_path)
    env.update(
        {
            "SELLO_CFDI_BASE_URL": sandbox.cfdi_url,
            "SELLO_CFDI_USUARIO": CFDI_USER["usuario"],
            "SELLO_CFDI_PASSWORD": CFDI_USER["password"],
            "SELLO_CFDI_CONTRATO": CFDI_USER["contrato"],
            "TERM": "xterm-256color",
        }
    )
    env.pop("NO_COLOR")
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "sello.cli", "cfdi", "get-by-uuid", "--from-file", str(listing), "--concurrency", "16"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=slave,
        stdin=subprocess.DEVNULL,
    )
    os.close(slave)
    terminal = read_pty(master, process)
    os.close(master)
    stdout = process.stdout.read().decode() if process.stdout else ""
    assert process.returncode == 0, terminal
    assert "get-by-uuid" in terminal and "100/100" in terminal and "━" in terminal  # rich's bar, filled
    assert re.search(r"│ ok\s+│ 100\s+│", stdout) and re.search(r"│ total\s+│ 100\s+│", stdout)
    assert "100 items in" in stdout and len(sandbox.requests(BY_UUID)) == 100
    for secret in SECRETS:
        assert secret not in terminal and secret not in stdout
    quiet = subprocess.run(
        [sys.executable, "-m", "sello.cli", "cfdi", "get-by-uuid", "--from-file", str(listing)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert quiet.returncode == 0 and "100/100" not in quiet.stderr  # not a terminal: no bar
