"""`environment` in every client's configuration (API.md, "Firma Virtual and FES today"): each
environment resolves to its URL, which the first log line of a call names; the refused
combinations. The real hosts are not reachable and must never be asked: every call here fails a
local check first (meta.attempts 0), so only the log line and the refusals are observed."""

from __future__ import annotations

from typing import Any

import pytest
from sello_ffi import Client

CREDENTIALS = {
    "fes": {"usuario": "PruebaWS", "clave": "una-clave-de-prueba"},
    "fv": {"login": "userapp", "password": "OnePass-prueba"},
    "cfdi": {"usuario": "pade_user", "password": "pade_pass_prueba", "contrato": "PADE-CONTRATO-01"},
}
# A call of each client that is refused locally, before anything could be sent.
LOCAL_FAILURE = {
    "fes": ("obtain_certificate", {"rut": "1-9"}),
    "fv": ("get_user", {"IDUser": 0}),
    "cfdi": ("process_file", {"not_a_field": 1}),
}
ENVIRONMENTS = [
    ("fes", "test", "https://test2.certificadoradelsur.cl/generateFES/rest-services/public/generateFes"),
    ("fv", "qa", "https://qa.firmavirtual.legal"),
    ("fv", "sandbox", "https://test.firmavirtual.legal"),
    ("fv", "production", "https://api.firmavirtual.legal"),
    ("cfdi", "production", "https://timbrado.pade.mx/servicio/rest"),
    ("cfdi", "test", "https://pruebas.pade.mx/servicio/rest"),
]
DEFAULTS = {"fes": ENVIRONMENTS[0], "fv": ENVIRONMENTS[1], "cfdi": ENVIRONMENTS[4]}


def first_line(prefix: str, config: dict[str, Any]) -> str:
    """The first log line of a call that fails locally (nothing sent)."""
    with Client(prefix, {**CREDENTIALS[prefix], **config}) as client:
        assert client.handle, client.error
        operation, request = LOCAL_FAILURE[prefix]
        envelope = client.call(operation, request)
        assert envelope["ok"] is False and envelope["meta"]["attempts"] == 0, envelope
        assert client.logs, "the call logged nothing"
        level, line = client.logs[0]
        assert level == 1  # info
        return line


@pytest.mark.parametrize("prefix,environment,url", ENVIRONMENTS)
def test_each_environment_resolves_to_its_url(prefix, environment, url):
    operation = LOCAL_FAILURE[prefix][0]
    assert (
        first_line(prefix, {"environment": environment}) == f"{prefix}.{operation} → {url} (environment {environment})"
    )


@pytest.mark.parametrize("prefix", sorted(DEFAULTS))
def test_without_either_the_default_environment_is_the_seeds_url(prefix):
    _, environment, url = DEFAULTS[prefix]
    assert first_line(prefix, {}) == f"{prefix}.{LOCAL_FAILURE[prefix][0]} → {url} (environment {environment})"


def test_environment_names_ignore_case_and_spaces():
    assert first_line("fv", {"environment": " Production "}).endswith(
        "→ https://api.firmavirtual.legal (environment production)"
    )


@pytest.mark.parametrize("prefix", sorted(CREDENTIALS))
def test_a_base_url_is_named_as_such(prefix):
    assert (
        first_line(prefix, {"base_url": "http://127.0.0.1:9/svc/"})
        == f"{prefix}.{LOCAL_FAILURE[prefix][0]} → http://127.0.0.1:9/svc (base_url)"
    )


def test_fes_production_is_the_url_given_with_the_account():
    """FES production has no public URL: base_url alone is how it is configured."""
    line = first_line("fes", {"base_url": "https://fes.example.invalid/generateFES"})
    assert line.endswith("→ https://fes.example.invalid/generateFES (base_url)")


def refusal(prefix: str, config: dict[str, Any]) -> dict[str, Any]:
    client = Client(prefix, {**CREDENTIALS[prefix], **config})
    assert client.handle is None, "the configuration was accepted"
    error = client.error["error"]
    assert error["kind"] == "invalid_argument" and client.error["meta"]["attempts"] == 0, error
    return error


@pytest.mark.parametrize("prefix,environment", [("fes", "test"), ("fv", "sandbox"), ("cfdi", "test")])
def test_base_url_and_environment_together_are_refused(prefix, environment):
    error = refusal(prefix, {"base_url": "http://127.0.0.1:9", "environment": environment})
    assert (error["code"], error["field"]) == ("ENVIRONMENT_CONFLICT", "environment")
    assert "either base_url or environment" in error["message"]


@pytest.mark.parametrize(
    "prefix,known",
    [("fes", "'test', 'production'"), ("fv", "'qa', 'sandbox', 'production'"), ("cfdi", "'production', 'test'")],
)
def test_an_unknown_environment_is_refused_naming_the_known_ones(prefix, known):
    error = refusal(prefix, {"environment": "staging"})
    assert (error["code"], error["field"]) == ("UNKNOWN_ENVIRONMENT", "environment")
    assert "'staging'" in error["message"] and error["message"].endswith(f"the known ones are {known}")


def test_fes_production_without_base_url_is_refused():
    error = refusal("fes", {"environment": "production"})
    assert (error["code"], error["field"]) == ("BASE_URL_REQUIRED", "base_url")
    assert "Certificadora del Sur gives the production URL with the account" in error["message"]


@pytest.mark.parametrize("value", [5, True, ["qa"], {"name": "qa"}])
def test_environment_must_be_a_string(value):
    error = refusal("fv", {"environment": value})
    assert (error["code"], error["field"]) == ("WRONG_TYPE", "environment")


def test_an_environment_cannot_be_made_insecure():
    """The table's URLs are https; allow_insecure_http changes nothing about them."""
    line = first_line("cfdi", {"environment": "test", "allow_insecure_http": True})
    assert "→ https://pruebas.pade.mx/servicio/rest" in line
